"""The print log: one entry per export, exact reprints after edits, names only when kept,
failed exports log nothing, a failed log write keeps the PDF, versions outlive releases."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from ketref.db import tables as t
from ketref.domain.enums import ItemKind
from ketref.domain.errors import DatabaseBusyError
from ketref.domain.print_language import Language
from ketref.domain.print_log import PrintLogFilter, PrintLogSettings, PrintOutput
from ketref.domain.printing import PaperSize, Personalisation, PrintOptions
from ketref.services.files import ExportError
from ketref.services.handouts import HandoutRequest, ScheduleRequest
from ketref.services.reprint import reprint
from ketref.services.workspace import Services
from tests.conftest import FIXED_NOW
from tests.pdf.pdf_inspect import full_text, reader

pytestmark = pytest.mark.db

NAME = "Nguyễn Thị Ánh <b> & O'Brien"
PERSONAL = Personalisation.build(
    patient_name=NAME, escort="Begoña Ibáñez", notes="Bring your glasses.", date=date(2026, 12, 1)
)


def _packet(services: Services, tmp_path: Path, personal: Personalisation = PERSONAL) -> Path:
    request = HandoutRequest(
        slugs=("after-your-session", "your-treatment-schedule"),
        personal=personal,
        schedule=ScheduleRequest("iv-ketamine", date(2026, 12, 7)),
        options=PrintOptions(paper=PaperSize.A4, large_print=True),
        language=Language.ES,
    )
    return services.handouts.export(request, tmp_path / "packet.pdf").path


def test_an_export_is_logged_with_exact_versions_and_no_names(
    shipped_services: Services, tmp_path: Path
) -> None:
    path = _packet(shipped_services, tmp_path)
    [entry] = shipped_services.handouts.log.entries()
    current = {
        slug: shipped_services.catalogue.get_item(ItemKind.HANDOUT, slug).version_id
        for slug in ("after-your-session-es", "your-treatment-schedule-es")
    }
    assert entry.slugs == ("after-your-session-es", "your-treatment-schedule-es")
    assert {h.slug: h.version_id for h in entry.plan.handouts} == current
    assert entry.output is PrintOutput.EXPORT
    assert entry.at == FIXED_NOW
    assert entry.printed_by
    assert (entry.plan.language, entry.plan.paper, entry.plan.large_print) == (
        Language.ES,
        PaperSize.A4,
        True,
    )
    assert entry.pdf_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert entry.page_count == len(reader(path.read_bytes()).pages) > 1
    assert entry.personal is None
    assert set(entry.plan.personal_fields) == {"patient_name", "escort", "notes", "date"}
    assert entry.titles[0] == "Después de su sesión"


def test_reprint_after_an_edit_prints_the_logged_version(
    shipped_services: Services, tmp_path: Path
) -> None:
    """The reprint's text (and, rendering being deterministic, its bytes) equal the original's
    after the handout was edited and approved since."""
    original = _packet(shipped_services, tmp_path).read_bytes()
    [entry] = shipped_services.handouts.log.entries()
    shipped_services.catalogue.edit_item(
        ItemKind.HANDOUT, "after-your-session-es", {"title": "Título cambiado después"}
    )
    edited = shipped_services.handouts.render(HandoutRequest(slugs=("after-your-session-es",)))
    assert "Título cambiado después" in full_text(edited)

    done = reprint(shipped_services.handouts, entry.id, tmp_path / "again.pdf", PERSONAL)
    again = done.path.read_bytes()
    assert full_text(again) == full_text(original)
    assert "Título cambiado después" not in full_text(again)
    assert again == original and done.identical
    assert done.not_typed == ()
    newest = shipped_services.handouts.log.entries()[0]  # the reprint is a printout too
    assert (newest.plan.reprint_of, newest.output_label) == (
        entry.id,
        f"export (reprint of {entry.id})",
    )
    assert newest.pdf_sha256 == entry.pdf_sha256


def test_reprint_without_typed_names_says_what_the_original_carried(
    shipped_services: Services, tmp_path: Path
) -> None:
    _packet(shipped_services, tmp_path)
    [entry] = shipped_services.handouts.log.entries()
    done = reprint(shipped_services.handouts, entry.id, tmp_path / "x.pdf", Personalisation())
    assert NAME not in full_text(done.path.read_bytes())
    assert not done.identical
    assert set(done.not_typed) == {"patient_name", "escort", "notes", "date"}
    assert "patient name, date, escort, notes" in " ".join(done.messages())


def test_names_are_stored_only_when_kept_and_erased_when_switched_off(
    shipped_services: Services, tmp_path: Path
) -> None:
    log = shipped_services.handouts.log
    assert log.settings() == PrintLogSettings(enabled=True, keep_names=False)
    log.change_settings(PrintLogSettings(keep_names=True))
    original = _packet(shipped_services, tmp_path).read_bytes()
    [entry] = log.entries()
    assert entry.personal == PERSONAL
    done = reprint(shipped_services.handouts, entry.id, tmp_path / "x.pdf", Personalisation())
    assert done.path.read_bytes() == original  # the stored names print again

    erased = log.change_settings(PrintLogSettings(keep_names=False), erase_names=True)
    assert erased is not None and erased.entries == 2
    assert all(e.personal is None for e in log.entries())
    with shipped_services.db.read() as session:
        rows = session.execute(select(t.PrintLogRow.patient_name, t.PrintLogRow.notes)).all()
    assert rows == [(None, None), (None, None)]


def test_log_switched_off_records_nothing(shipped_services: Services, tmp_path: Path) -> None:
    shipped_services.handouts.log.change_settings(PrintLogSettings(enabled=False))
    _packet(shipped_services, tmp_path)
    assert shipped_services.handouts.log.entries() == []


def test_a_failed_export_records_nothing(shipped_services: Services, tmp_path: Path) -> None:
    request = HandoutRequest(slugs=("after-your-session",))
    with pytest.raises(ExportError):
        shipped_services.handouts.export(request, tmp_path / "missing" / "x.pdf")
    assert shipped_services.handouts.log.entries() == []


def test_a_failed_log_write_keeps_the_pdf_and_says_so(
    shipped_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def busy(*_a: object, **_k: object) -> int:
        raise DatabaseBusyError("The library is busy (another program is writing).")

    monkeypatch.setattr("ketref.db.print_log.add_entry", busy)
    exported = shipped_services.handouts.export(
        HandoutRequest(slugs=("after-your-session",)), tmp_path / "kept.pdf"
    )
    assert exported.path.read_bytes().startswith(b"%PDF")
    assert exported.recorded.entry_id is None
    assert "could not be written" in exported.recorded.note()
    assert "the PDF is kept" in exported.recorded.note()


def test_filter_by_date_and_handout(shipped_services: Services, tmp_path: Path) -> None:
    handouts = shipped_services.handouts
    handouts.export(HandoutRequest(slugs=("after-your-session",)), tmp_path / "a.pdf")
    handouts.export(HandoutRequest(slugs=("questions-people-ask",)), tmp_path / "b.pdf")
    log = handouts.log
    assert [e.slugs for e in log.entries(PrintLogFilter(handout="after-your-session"))] == [
        ("after-your-session",)
    ]
    today = FIXED_NOW.date()
    assert len(log.entries(PrintLogFilter(since=today, until=today))) == 2
    assert log.entries(PrintLogFilter(since=today + timedelta(days=1))) == []
    assert log.entries(PrintLogFilter(until=today - timedelta(days=1))) == []


def test_a_logged_version_cannot_be_deleted(shipped_services: Services, tmp_path: Path) -> None:
    """What a release removing an item does (its item row goes, versions stay) leaves the
    reprint working; deleting a logged version outright is refused by the database."""
    _packet(shipped_services, tmp_path)
    [entry] = shipped_services.handouts.log.entries()
    version = entry.plan.handouts[0].version_id
    refused = pytest.raises(Exception, match=r"(?i)foreign key|violates")
    with refused, shipped_services.db.write() as session:
        session.execute(delete(t.ItemVersionRow).where(t.ItemVersionRow.id == version))
    with shipped_services.db.write() as session:  # a release dropping the item: row goes
        session.execute(delete(t.ItemRow).where(t.ItemRow.slug == "after-your-session-es"))
    done = reprint(shipped_services.handouts, entry.id, tmp_path / "x.pdf", PERSONAL)
    assert done.identical
