"""HandoutService: preview bytes, export to a file or folder, schedules; nothing personal kept."""

from __future__ import annotations

import logging
import os
from datetime import date
from pathlib import Path
from unittest import mock

import pytest

from ketref.domain.errors import BadInputError, NotFoundError
from ketref.domain.printing import ClinicProfile, Personalisation, PrintOptions
from ketref.services.files import ExportError
from ketref.services.handouts import HandoutRequest, ScheduleRequest
from ketref.services.workspace import Services
from tests.conftest import logical_snapshot
from tests.pdf.pdf_inspect import metadata_values, normalize, page_texts

pytestmark = pytest.mark.db

MARKER = "Qzmarker Patient"


def _personal() -> Personalisation:
    return Personalisation.build(
        patient_name=MARKER, escort=MARKER, notes=f"For {MARKER}", date=date(2026, 12, 1)
    )


def test_render_and_export_are_the_same_document(
    shipped_services: Services, tmp_path: Path
) -> None:
    shipped_services.clinic.save(ClinicProfile(name="Riverside Mood Clinic"))
    request = HandoutRequest(
        slugs=("after-your-session", "your-treatment-schedule"),
        personal=_personal(),
        schedule=ScheduleRequest("iv-ketamine", date(2026, 12, 1)),
    )
    preview = shipped_services.handouts.render(request)
    path = shipped_services.handouts.export(request, tmp_path / "packet.pdf").path
    assert path.read_bytes() == preview  # rendering is deterministic: the very same bytes
    text = normalize(" ".join(page_texts(preview)))
    assert f"Prepared for {MARKER}" in text
    assert "IV ketamine: 2 sessions a week for 3 weeks" in text
    assert "Riverside Mood Clinic" in text
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)
    assert all(MARKER not in v for v in metadata_values(preview).values())


def test_personal_details_are_never_stored_or_logged(
    shipped_services: Services, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    request = HandoutRequest(slugs=("after-your-session",), personal=_personal())
    shipped_services.handouts.export(request, tmp_path / "one.pdf")
    assert MARKER not in caplog.text
    assert not any(MARKER in row for row in logical_snapshot(shipped_services))
    database = shipped_services.db.target.path
    for file in (database, Path(f"{database}-wal")) if database else ():
        if file.exists():
            assert MARKER.encode() not in file.read_bytes()


def test_failed_write_keeps_the_old_file(shipped_services: Services, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "out.pdf"
    target.write_bytes(b"old pdf")
    request = HandoutRequest(slugs=("after-your-session",))
    with (
        mock.patch("os.fsync", side_effect=OSError(28, "No space left on device")),
        pytest.raises(ExportError, match="the disk is full"),
    ):
        shipped_services.handouts.export(request, target)
    assert target.read_bytes() == b"old pdf"
    assert sorted(p.name for p in folder.iterdir()) == ["out.pdf"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX, non-root")
def test_unwritable_folder_is_one_message(shipped_services: Services, tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o555)
    with pytest.raises(ExportError, match="permission denied"):
        shipped_services.handouts.export(
            HandoutRequest(slugs=("after-your-session",)), folder / "x.pdf"
        )


def test_bad_requests_are_refused(shipped_services: Services, tmp_path: Path) -> None:
    service = shipped_services.handouts
    with pytest.raises(NotFoundError, match="No handout called 'nope'"):
        service.render(HandoutRequest(slugs=("nope",)))
    with pytest.raises(BadInputError, match="more than once"):
        service.render(HandoutRequest(slugs=("after-your-session", "after-your-session")))
    with pytest.raises(BadInputError, match="at least one"):
        service.render(HandoutRequest(slugs=()))
    with pytest.raises(BadInputError, match=r"must end in \.pdf"):
        service.export(HandoutRequest(slugs=("after-your-session",)), tmp_path / "x.txt")
    with pytest.raises(ExportError, match="the folder does not exist"):
        service.export(HandoutRequest(slugs=("after-your-session",)), tmp_path / "no" / "x.pdf")
    with pytest.raises(NotFoundError, match="No schedule called 'weekly'"):
        service.plan(ScheduleRequest("weekly", date(2026, 12, 1)))
    with pytest.raises(BadInputError, match="out of range"):
        service.plan(ScheduleRequest("iv-ketamine", date(2062, 1, 1)))
    with pytest.raises(BadInputError, match="choose at least 3 days"):
        service.plan(ScheduleRequest("iv-three-times-weekly-2-weeks", date(2026, 12, 1), (0,)))


def test_product_names_pick_the_default_schedule(shipped_services: Services) -> None:
    service = shipped_services.handouts
    assert service.schedule_template("iv-ketamine").id == "iv-twice-weekly-3-weeks"
    assert service.schedule_template("esketamine-nasal").id == "esketamine-trd"
    plan = service.plan(ScheduleRequest("esketamine-nasal", date(2026, 11, 23), (0, 3)))
    assert plan.sessions[0].date == date(2026, 11, 23)
    assert not plan.due_for_review
    assert next(t.id for t in service.list_schedules()) == "esketamine-trd"


def test_export_all_writes_one_pdf_per_handout(services: Services, tmp_path: Path) -> None:
    written = services.handouts.export_all(tmp_path, PrintOptions(large_print=True))
    assert [p.name for p in written] == ["preparing-for-your-session.pdf"]  # the fixture's one
    assert "Preparing for your session" in page_texts(written[0].read_bytes())[0]
    with pytest.raises(ExportError, match="does not exist"):
        services.handouts.export_all(tmp_path / "missing")


def test_default_file_names_carry_no_personal_details(shipped_services: Services) -> None:
    service = shipped_services.handouts
    assert service.default_filename(("after-your-session",)) == "after-your-session.pdf"
    assert service.default_filename(("a", "b")) == "handout-packet-2026-11-21.pdf"
