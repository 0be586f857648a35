"""SQLite's full checks run after the window is up: damage found then stops writes and is said."""

from __future__ import annotations

import pytest

from ketref.db.errors import DatabaseDamagedError
from ketref.gui import library_session
from ketref.gui.notice_bar import Level
from ketref.services.maintenance import MaintenanceService
from ketref.services.recovery import DatabaseProblem, RecoveryNeededError
from ketref.services.workspace import CHECK_MARK, Workspace
from tests.gui.conftest import finish_window, start_window
from tests.reliability.harness import damage_index

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _check_at_once(monkeypatch) -> None:
    monkeypatch.setattr(library_session, "IDLE_CHECK_DELAY_MS", 0)


def test_a_healthy_library_is_checked_after_opening_without_a_notice(
    qtbot, shipped_workspace: Workspace, monkeypatch
) -> None:
    ran: list[tuple[MaintenanceService, str | None]] = []
    check = MaintenanceService.check_storage

    def counted(service: MaintenanceService) -> str | None:
        ran.append((service, check(service)))
        return ran[-1][1]

    monkeypatch.setattr(MaintenanceService, "check_storage", counted)
    window = start_window(qtbot, shipped_workspace)

    def ours() -> list[str | None]:  # a window left by an earlier test may check its own too
        mine = window.services.maintenance if window.services else None
        return [found for service, found in ran if service is mine]

    try:
        qtbot.waitUntil(lambda: window.services is not None, timeout=10000)
        qtbot.waitUntil(lambda: bool(ours()), timeout=10000)
        assert ours() == [None]
        assert not window.data_actions.notices.isVisible()
        assert not (shipped_workspace.paths.data / CHECK_MARK).exists()
    finally:
        finish_window(window)


def test_damage_found_after_opening_stops_writes_and_is_an_alert(
    qtbot, shipped_workspace: Workspace
) -> None:
    shipped_workspace.open().close()  # a library with content, to damage
    damage_index(shipped_workspace.paths.database)
    window = start_window(qtbot, shipped_workspace)
    try:
        qtbot.waitUntil(lambda: window.services is not None, timeout=10000)  # opened at once
        notices = window.data_actions.notices
        # The daily backup of a damaged file fails its own check first (a warning).
        qtbot.waitUntil(lambda: notices.level is Level.ALERT, timeout=10000)
        assert notices.isVisible()
        text = notices.label.text()
        assert "integrity check found" in text and "saves nothing more" in text
        assert "no risk" not in text.lower()
        with pytest.raises(DatabaseDamagedError), window.services.db.write():
            pass
        assert (shipped_workspace.paths.data / CHECK_MARK).exists()
    finally:
        finish_window(window)
    # The next start checks fully before opening: the damaged index is rebuilt and said so.
    services = shipped_workspace.open(full_check=False)
    try:
        assert services.repaired and "index" in services.repaired.lower()
        assert services.maintenance.check_storage() is None
    finally:
        services.close()
    assert not (shipped_workspace.paths.data / CHECK_MARK).exists()


def test_opening_without_the_full_check_skips_only_the_full_check(
    shipped_workspace: Workspace,
) -> None:
    shipped_workspace.open().close()
    damage_index(shipped_workspace.paths.database)
    services = shipped_workspace.open(full_check=False)  # opens: only the check finds it
    try:
        assert services.repaired is None
        found = services.maintenance.check_storage()
        assert found is not None and "index" in found
    finally:
        services.close()
    services = shipped_workspace.open()  # the full check at open repairs it, as before
    try:
        assert services.repaired
    finally:
        services.close()


def test_damage_met_while_reading_the_content_offers_recovery(
    shipped_workspace: Workspace,
) -> None:
    """The quick check at open passes a file whose table pages are damaged; reading them (off
    the GUI thread, before the pages attach) meets the damage, and the full checks then refuse
    the file for the recovery dialog, instead of a half-attached window and an error box."""
    path = shipped_workspace.target.path
    assert path is not None
    with path.open("r+b") as db:
        db.seek(4096 * 3)
        db.write(b"\xde\xad\xbe\xef" * 1024)
    with pytest.raises(RecoveryNeededError) as refused:
        library_session.open_library(shipped_workspace, daily_backup=False)
    assert refused.value.diagnosis.problem is DatabaseProblem.DAMAGED
