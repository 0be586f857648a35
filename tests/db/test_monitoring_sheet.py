"""The session monitoring sheet: one page on Letter and A4, the clinic's thresholds beside the
BP boxes, every timepoint and discharge criterion, sources and review dates; CLI and content."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from ketref.app import main
from ketref.content.monitoring_sheets import read_monitoring_sheets
from ketref.domain.enums import Product
from ketref.domain.errors import ContentError
from ketref.domain.printing import ClinicProfile, PaperSize, PrintOptions
from ketref.domain.thresholds import BloodPressure
from ketref.services.workspace import Services
from tests.conftest import SHIPPED_CONTENT
from tests.pdf.pdf_inspect import normalize, page_sizes, page_texts

pytestmark = [pytest.mark.db, pytest.mark.pdf]


def _logo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 400), "navy").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("product", list(Product))
@pytest.mark.parametrize("paper", list(PaperSize))
def test_one_ready_to_fill_page_with_the_clinics_thresholds(
    shipped_services: Services, product: Product, paper: PaperSize
) -> None:
    shipped_services.screening.save_clinic_thresholds(
        BloodPressure(150, 95), BloodPressure(175, 105)
    )
    shipped_services.clinic.save(  # the tallest letterhead: four address lines and a logo
        ClinicProfile(
            name="Riverside Mood Clinic and Interventional Psychiatry Service",
            address="Suite 4\n12 Harbour Road\nSpringfield, IL 62704\nUnited States",
            phone="(217) 555-0142",
            emergency_phone="(217) 555-0199",
            logo=_logo(),
            logo_mime="image/png",
        )
    )
    sheet = shipped_services.sheets.sheet(product)
    pdf = shipped_services.sheets.render(product, PrintOptions(paper=paper))
    pages = page_texts(pdf)
    assert len(pages) == 1, f"{product.value} on {paper.value} needs {len(pages)} pages"
    width, height = page_sizes(pdf)[0]
    assert (width < height) and (
        abs(width - 612) < 1 if paper is PaperSize.LETTER else abs(width - 595.3) < 1
    )
    text = normalize(pages[0])
    assert "delay above 150/95, do not give above 175/105" in text  # beside the BP boxes
    assert "(clinic, at rest before dosing): consider delaying above 150/95; do not give" in text
    for timepoint in sheet.timepoints:
        assert timepoint.label in text
    for criterion in sheet.discharge_criteria:
        assert criterion in text
    for ref in sheet.references:
        assert ref in text
    for label in ("Patient (name or ID)", "Date", "HR", "SpO2", "Dissociation / sedation"):
        assert label in text
    assert "Reviewed 3 Dec 2026" in text and "Page 1 of 1" in text


def test_spravato_sheet_states_the_two_hour_observation(shipped_services: Services) -> None:
    text = normalize(page_texts(shipped_services.sheets.render(Product.ESKETAMINE_NASAL))[0])
    assert "Observe for at least 2 hours after the dose" in text
    assert "40 min after dose" in text
    assert "(default, at rest before dosing): consider delaying above 140/90; do not give" in text


def test_cli_sheet(capsys, shipped_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "sheet.pdf"
    code = main(
        ["--home", str(shipped_home), "sheet", "iv-ketamine", "-o", str(out), "--paper", "a4"]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.out == f"Wrote {out}\n"
    assert len(page_texts(out.read_bytes())) == 1
    code = main(
        ["--home", str(shipped_home), "sheet", "iv-ketamine", "-o", str(tmp_path / "x.txt")]
    )
    assert code == 2
    assert "must end in .pdf" in capsys.readouterr().err


def test_sheet_content_is_checked(tmp_path: Path) -> None:
    sheets = read_monitoring_sheets(SHIPPED_CONTENT)
    assert set(sheets) == set(Product)
    assert all(not s.verified and s.unverified_note for s in sheets.values())
    folder = tmp_path / "monitoring-sheets"
    folder.mkdir()
    text = (SHIPPED_CONTENT / "monitoring-sheets" / "iv-ketamine.yaml").read_text()
    (folder / "a.yaml").write_text(text.replace("riva-posse-2018", "no-such-ref"))
    (folder / "b.yaml").write_text(text)
    with pytest.raises(ContentError) as caught:
        read_monitoring_sheets(tmp_path, {"riva-posse-2018"})
    problems = "\n".join(caught.value.problems)
    assert "a second sheet for iv-ketamine" in problems
    assert "cites unknown reference 'no-such-ref'" in problems
