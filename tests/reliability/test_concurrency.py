"""Concurrency (RELIABILITY.md section 2): two windows, or a window and the CLI, on one file."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from ketref.db.engine import ConnectionSettings, DatabaseTarget
from ketref.domain.enums import ItemKind
from ketref.domain.errors import DatabaseBusyError, EditConflictError
from ketref.paths import DATABASE_ENV, AppPaths
from ketref.services.workspace import Services, Workspace
from tests.conftest import FIXTURE_CONTENT, fixed_clock, make_workspace
from tests.reliability.harness import (
    export_payload,
    finish,
    integrity_ok,
    start_worker,
    wait_for,
    with_clones,
    write_pack,
)

pytestmark = pytest.mark.db

KIND, SLUG = ItemKind.CONTRAINDICATION, "uncontrolled-hypertension"
EDITS_PER_PROCESS = 25


def _workspace(home: Path, settings: ConnectionSettings | None = None) -> Workspace:
    paths = AppPaths.resolve(home)
    return Workspace(
        paths,
        DatabaseTarget.parse(os.environ.get(DATABASE_ENV) or paths.database),
        FIXTURE_CONTENT,
        clock=fixed_clock,
        settings=settings or ConnectionSettings(),
    )


@pytest.mark.slow
def test_cc01_two_processes_editing_one_item_lose_no_edit(data_dir: Path, tmp_path: Path) -> None:
    """CC-01: two processes each append 25 words to the same item through the services (read,
    then save with the fingerprint read). Every word of both ends up in the text, each save is
    one audit event, nothing failed, and the file is intact."""
    go = tmp_path / "go"
    procs = [
        start_worker(
            "edits",
            home=str(data_dir),
            tag=tag,
            n=EDITS_PER_PROCESS,
            kind=KIND.value,
            slug=SLUG,
            go=str(go),
        )
        for tag in ("A", "B")
    ]
    for proc in procs:
        wait_for(proc, "ready")
    go.touch()
    results = [finish(proc) for proc in procs]
    assert [r["errors"] for r in results] == [0, 0]

    services = _workspace(data_dir).open()
    try:
        words = services.catalogue.get_item(KIND, SLUG).item.summary.split()
        for tag in ("A", "B"):
            mine = [w for w in words if w.startswith(tag) and w[1:].isdigit()]
            assert mine == [f"{tag}{i}" for i in range(EDITS_PER_PROCESS)]
            events = services.audit.events(1000, slug=SLUG, action="edit")
            assert sum(e.actor == f"worker-{tag}" for e in events) == EDITS_PER_PROCESS
    finally:
        services.close()
    if DATABASE_ENV not in os.environ:
        assert integrity_ok(AppPaths.resolve(data_dir).database)


@pytest.mark.slow
def test_cc02_lock_held_too_long_is_busy_then_the_same_save_works(data_dir: Path) -> None:
    """CC-02: another process holds the write lock longer than ketref waits: the save retries
    with backoff, then fails with one plain "busy, try again" error and changes nothing;
    reading still works meanwhile; once the lock is gone the same save succeeds."""
    quick = ConnectionSettings(busy_timeout_ms=100, write_attempts=3, backoff=(0.05, 0.1))
    services = _workspace(data_dir, quick).open()
    try:
        before = services.catalogue.get_item(KIND, SLUG)
        target = services.db.target
        proc = start_worker("hold-lock", db=str(target.path or target.url), seconds=1.5)
        wait_for(proc, "ready")
        started = time.monotonic()
        with pytest.raises(DatabaseBusyError, match=r"busy.*Nothing was changed; try again"):
            services.catalogue.edit_item(KIND, SLUG, {"summary": "Saved after the lock."})
        waited = time.monotonic() - started
        assert 0.3 <= waited < 1.5
        assert services.catalogue.get_item(KIND, SLUG).item == before.item
        finish(proc)
        saved = services.catalogue.edit_item(KIND, SLUG, {"summary": "Saved after the lock."})
        assert saved.item.summary == "Saved after the lock."
    finally:
        services.close()


def test_cc04_second_editor_gets_a_conflict_not_a_lost_update(data_dir: Path) -> None:
    """CC-04: two windows open the same item; A saves, then B saves from the old version: B is
    told who changed it, A's text is kept, and B can reload and apply the change again."""
    ws = _workspace(data_dir)
    window_a, window_b = ws.open(), ws.open()
    try:
        seen_by_a = window_a.catalogue.get_item(KIND, SLUG)
        seen_by_b = window_b.catalogue.get_item(KIND, SLUG)
        window_a.catalogue.edit_item(
            KIND, SLUG, {"summary": "A's wording."}, actor="dr-a", expected=seen_by_a.fingerprint
        )
        with pytest.raises(EditConflictError, match="changed by dr-a") as info:
            window_b.catalogue.edit_item(
                KIND,
                SLUG,
                {"summary": "B's wording."},
                actor="dr-b",
                expected=seen_by_b.fingerprint,
            )
        assert info.value.changed_by == "dr-a"
        assert window_b.catalogue.get_item(KIND, SLUG).item.summary == "A's wording."
        fresh = window_b.catalogue.get_item(KIND, SLUG)
        window_b.catalogue.edit_item(
            KIND, SLUG, {"summary": "B's wording."}, actor="dr-b", expected=fresh.fingerprint
        )
        assert window_a.catalogue.get_item(KIND, SLUG).item.summary == "B's wording."
    finally:
        window_a.close()
        window_b.close()


@pytest.mark.sqlite_only("SQLite backups")
@pytest.mark.slow
def test_cc05_backups_while_another_process_writes_are_consistent(
    data_dir: Path, tmp_path: Path
) -> None:
    """CC-05: a child commits two rows at a time while the parent makes 20 backups: each backup
    is intact and holds a committed state (an even, gap-free run of rows); the writer never
    errs and is never held up for long."""
    database = AppPaths.resolve(data_dir).database
    conn = sqlite3.connect(database)
    conn.execute("CREATE TABLE cc05 (n INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    go = tmp_path / "go"
    proc = start_worker("writer", home=str(data_dir), seconds=2.5, go=str(go))
    wait_for(proc, "ready")
    services = _workspace(data_dir).open()
    counts = []
    try:
        go.touch()
        time.sleep(0.2)
        for i in range(20):
            backup = services.maintenance.backup(tmp_path / "b" / f"{i}.db")
            assert integrity_ok(backup)
            copy = sqlite3.connect(f"{backup.as_uri()}?mode=ro", uri=True)
            count, top = copy.execute("SELECT count(*), coalesce(max(n), -1) FROM cc05").fetchone()
            copy.close()
            assert count % 2 == 0
            assert top == count - 1
            counts.append(count)
    finally:
        services.close()
    result = finish(proc)
    assert result["errors"] == []
    assert result["max_latency"] < 2.0
    assert counts == sorted(counts)
    assert counts[-1] > counts[0]


def _start_at_once(task: str, count: int, tmp_path: Path, **args: object) -> list[dict]:
    """Start ``count`` workers, wait until each is ready, then let them all go at once."""
    go = tmp_path / f"go-{task}"
    procs = [start_worker(task, go=str(go), **args) for _ in range(count)]
    for proc in procs:
        wait_for(proc, "ready")
    go.touch()
    return [finish(proc) for proc in procs]


@pytest.mark.slow
def test_rt14_workstations_starting_at_once_on_an_empty_library(
    workspace: Workspace, tmp_path: Path
) -> None:
    """RT-14: four processes open one empty library at the same moment (a missing SQLite file,
    or an empty PostgreSQL database): every one succeeds, the schema is created once, and
    exactly one of them loads the content."""
    home = workspace.paths.data.parent
    results = _start_at_once("start", 4, tmp_path, home=str(home))
    assert all(r["ok"] for r in results), results
    assert sum(r["loaded"] for r in results) == 1
    services = make_workspace(home).open()
    try:
        loads = services.audit.events(100, action="load-shipped")
        assert len(loads) == 1
        assert services.content.status().counts["contraindications"] == 2
    finally:
        services.close()


@pytest.mark.slow
def test_cc07_one_pack_imported_twice_at_once_adds_once(
    opened: Services, data_dir: Path, tmp_path: Path
) -> None:
    """CC-07: two processes import the same pack at the same moment: its new items are added
    once, one import reports them as added and the other, truthfully, that nothing changed."""
    pack = write_pack(tmp_path / "p.json", with_clones(export_payload(opened, tmp_path), 5))
    before = opened.content.status().counts["side-effects"]
    results = _start_at_once("import-pack", 2, tmp_path, home=str(data_dir), pack=str(pack))
    assert sorted(r["added"] for r in results) == [0, 5]
    assert sorted(r["imported"] for r in results) == [False, True]
    assert opened.content.status().counts["side-effects"] == before + 5
    imports = opened.audit.events(100, action="import-pack")
    assert len(imports) == 1
