"""Storage faults of the database (RELIABILITY.md section 1: DB-08 backups, DB-10 a full disk,
DB-11 read-only storage): one clear message, nothing changed; a full disk is never called damage.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from ketref.db.backup import BackupError
from ketref.db.errors import translate_error
from ketref.db.search_writer import SearchDocument, rebuild_search_index
from ketref.domain.backups import BackupKind
from ketref.domain.enums import ItemKind
from ketref.domain.errors import (
    ReadOnlyStorageError,
    StorageFullError,
)
from ketref.services.backups import BackupStore
from ketref.services.recovery import DatabaseProblem
from ketref.services.workspace import Workspace
from tests.conftest import FIXED_NOW, file_hash
from tests.reliability.harness import (
    crash_child,
    export_payload,
    integrity_ok,
    logical_snapshot,
    posix_only,
    run_worker,
    tree,
    with_clones,
    write_pack,
)

pytestmark = pytest.mark.db

HYPERTENSION = (ItemKind.CONTRAINDICATION, "uncontrolled-hypertension")


# --- DB-08 ---------------------------------------------------------------------------------


@posix_only
@pytest.mark.sqlite_only("SQLite files")
def test_db08_disk_full_during_the_daily_backup(ws: Workspace) -> None:
    """DB-08: the disk fills while the daily backup is written (RLIMIT_FSIZE in a child): a
    warning, older backups and the library untouched, no partial file, the failure recorded;
    the next start retries, succeeds and clears it."""
    yesterday = BackupStore(
        ws.paths.backups, ws.paths.database, clock=lambda: FIXED_NOW - timedelta(days=1)
    ).make(BackupKind.DAILY)
    old_hash = file_hash(yesterday.path)
    library = logical_snapshot(ws.paths.database)
    result = run_worker("limited-backup", home=str(ws.paths.data.parent), limit=64 * 1024)
    assert result["made"] is None
    assert "automatic backup failed" in result["warning"]
    assert "disk" in result["warning"]
    assert tree(ws.paths.backups) == [yesterday.path.name]
    assert file_hash(yesterday.path) == old_hash
    assert logical_snapshot(ws.paths.database) == library
    assert ws.backups.failing_since() == FIXED_NOW

    services = ws.open()  # the next start
    try:
        retry = services.maintenance.backup_on_start()
    finally:
        services.close()
    assert retry.made is not None
    assert retry.warning is None
    assert ws.backups.failing_since() is None


@pytest.mark.sqlite_only("SQLite files")
@pytest.mark.slow
def test_db08_sigkill_mid_backup_leaves_no_backup_and_the_library_unchanged(ws: Workspace) -> None:
    """DB-08 / DB-01: a child is SIGKILLed in the middle of copying a backup: no file under the
    final name, the library unchanged and intact; the next backup clears the leftover."""
    library = logical_snapshot(ws.paths.database)
    target = ws.paths.backups / "ketref-killed.db"
    crash_child("backup", home=str(ws.paths.data.parent), dest=str(target), ready_at_step=3)
    assert not target.exists()
    assert logical_snapshot(ws.paths.database) == library
    assert integrity_ok(ws.paths.database)
    services = ws.open()
    try:
        made = services.maintenance.backup()
    finally:
        services.close()
    assert tree(ws.paths.backups) == [made.name]
    assert integrity_ok(made)


def test_db08_backups_failing_for_days_are_reported_as_overdue(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DB-08: the failure is remembered across starts; after 3 days the warning says since when
    and names the newest good backup."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise BackupError("Could not write the backup: the disk is full.")

    monkeypatch.setattr("ketref.services.backups.backup_sqlite", refuse)
    for days, overdue in ((0, False), (1, False), (4, True)):
        store = BackupStore(
            ws.paths.backups,
            ws.paths.database,
            clock=lambda d=days: FIXED_NOW + timedelta(days=d),
            state_file=ws.paths.config / "backup-state.json",
        )
        result = store.daily()
        assert result.made is None
        assert result.failing_since == FIXED_NOW
        assert result.overdue is overdue
    assert result.warning is not None
    assert "failing since 2026-11-21 (4 days)" in result.warning
    assert "there is no good backup yet" in result.warning


# --- DB-10 ---------------------------------------------------------------------------------


def _full_disk(services: Any) -> dict[str, bool]:
    """While switch["full"], every pooled connection may not grow the file (SQLITE_FULL)."""
    switch = {"full": True}

    @event.listens_for(services.db.engine, "checkout")
    def _limit(dbapi_conn: sqlite3.Connection, *_: object) -> None:
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        limit = pages if switch["full"] else 1_073_741_823
        dbapi_conn.execute(f"PRAGMA max_page_count={limit}")

    return switch


@pytest.mark.sqlite_only("SQLite files")
def test_db10_disk_full_during_an_edit_changes_nothing_and_retry_works(opened: Any) -> None:
    """DB-10: the disk fills while an edit commits: "disk is full", the library exactly as
    before and intact; once space is freed the same save succeeds without a restart."""
    database = opened.db.target.path
    before = logical_snapshot(database)
    switch = _full_disk(opened)
    long_text = "Clinic protocol. " * 340
    with pytest.raises(StorageFullError, match="disk is full"):
        opened.catalogue.edit_item(*HYPERTENSION, {"summary": long_text})
    assert logical_snapshot(database) == before
    assert integrity_ok(database)
    switch["full"] = False
    detail = opened.catalogue.edit_item(*HYPERTENSION, {"summary": long_text})
    assert detail.item.summary == long_text.strip()


@pytest.mark.sqlite_only("SQLite files")
def test_db10_disk_full_during_a_pack_import_rolls_it_all_back(opened: Any, tmp_path: Path) -> None:
    """DB-10 with CP-06: a 40-item import hits a full disk: nothing of it is stored."""
    pack = write_pack(tmp_path / "p.json", with_clones(export_payload(opened, tmp_path), 40))
    database = opened.db.target.path
    before = logical_snapshot(database)
    switch = _full_disk(opened)
    with pytest.raises(StorageFullError):
        opened.packs.import_pack(pack)
    assert logical_snapshot(database) == before
    switch["full"] = False
    assert len(opened.packs.import_pack(pack).added) == 40


@pytest.mark.sqlite_only("SQLite files")
def test_db10_disk_full_while_the_search_index_is_written_is_a_full_disk(opened: Any) -> None:
    """DB-10: the search index is written on a thread of its own beside the heads; the disk
    filling there is still "disk is full" (not damage), and the whole write is rolled back."""
    database = opened.db.target.path
    before = logical_snapshot(database)

    @event.listens_for(opened.db.engine, "before_cursor_execute")
    def _fill_before_indexing(conn: Any, cursor: Any, statement: str, *_: object) -> None:
        if "'delete-all'" in statement:  # the documents are stored; the index comes next
            pages = cursor.execute("PRAGMA page_count").fetchone()[0]
            cursor.execute(f"PRAGMA max_page_count={pages}")

    documents = [  # distinct numbers: an index larger than the pages the old one frees
        SearchDocument(
            "handouts",
            f"long-{i}",
            f"Long handout {i}",
            " ".join(str(n) for n in range(i, 90_000, 7)),
        )
        for i in range(40)
    ]
    try:
        with (
            pytest.raises(StorageFullError, match="disk is full"),
            opened.db.write() as session,
        ):
            rebuild_search_index(session, documents)
    finally:
        event.remove(opened.db.engine, "before_cursor_execute", _fill_before_indexing)
    assert logical_snapshot(database) == before
    assert integrity_ok(database)


# --- DB-08 / DB-11 / FS-01 without root's override --------------------------------------------


@posix_only
def test_db08_backup_into_read_only_folder_is_one_clear_error(read_only_results: Any) -> None:
    """DB-08: the backup folder is 0555: a clear error, no file left, the library unchanged."""
    result = read_only_results["backup-into-read-only-folder"]
    assert result["error"] == "BackupError"
    assert "read-only folder" in result["message"]
    assert read_only_results["_locked_files"] == []
    name = "backup-into-read-only-folder"
    assert read_only_results["_hashes_after"][name] == read_only_results["_hashes_before"][name]


@posix_only
@pytest.mark.parametrize("name", ["open-read-only-file", "open-in-read-only-folder"])
def test_db11_read_only_library_is_refused_with_a_reason(read_only_results: Any, name: str) -> None:
    """DB-11: a 0444 library or a 0555 folder: refused with a clear reason (never "damaged",
    never a crash on the first edit), the file untouched and nothing created beside it."""
    result = read_only_results[name]
    assert result["error"] == "RecoveryNeededError"
    assert "read-only" in result["message"]
    assert result["problem"] == DatabaseProblem.READ_ONLY.value
    assert read_only_results["_hashes_after"][name] == read_only_results["_hashes_before"][name]
    assert read_only_results["_data_files"][name] == ["ketref.db"]


def test_db11_write_refused_by_sqlite_becomes_a_plain_message(tmp_path: Path) -> None:
    """DB-11: "attempt to write a readonly database" surfaces as ReadOnlyStorageError."""
    path = tmp_path / "x.db"
    sqlite3.connect(path).execute("CREATE TABLE t (n)").connection.close()
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as info:
        conn.execute("INSERT INTO t VALUES (1)")
    conn.close()
    typed = translate_error(info.value, "x.db")
    assert isinstance(typed, ReadOnlyStorageError)
    assert "read-only" in str(typed)
