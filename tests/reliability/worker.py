"""Child process for crash, concurrency and permission tests.

Usage: ``python -m tests.reliability.worker TASK JSON_ARGS``. A task that can be killed prints
``ready`` at its chosen step and then sleeps until the parent SIGKILLs it. Every task that
finishes prints one JSON line with its result. Everything runs through ketref's real services.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ketref.services.workspace import Services

# ketref is imported inside the tasks: the lock-holding child starts in milliseconds.

HANG = 600


def _open(home: str) -> Services:
    from tests.conftest import make_workspace

    return make_workspace(Path(home)).open()


def _ready_and_hang() -> None:
    print("ready", flush=True)
    time.sleep(HANG)


def _wait_for_go(go: str | None) -> None:
    if go:
        print("ready", flush=True)
        while not Path(go).exists():
            time.sleep(0.01)


def _error(exc: BaseException) -> dict[str, Any]:
    return {"ok": False, "error": type(exc).__name__, "message": str(exc)}


def import_pack(
    home: str,
    pack: str,
    ready_at: int | None = None,
    ready_on_commit: bool = False,
    hang_after: bool = False,
    go: str | None = None,
) -> None:
    """Import ``pack``; hang before the ``ready_at``-th SQL statement, before COMMIT, or after
    the import returned (services still open, nothing checkpointed). With ``go``, start the
    import when that file appears (concurrent imports)."""
    from sqlalchemy import event

    services = _open(home)
    _wait_for_go(go)
    engine = services.db.engine
    count = 0

    @event.listens_for(engine, "before_cursor_execute")
    def _statement(*_args: Any) -> None:
        nonlocal count
        count += 1
        if count == ready_at:
            _ready_and_hang()

    @event.listens_for(engine, "commit")
    def _commit(conn: Any) -> None:
        if ready_on_commit and conn.get_execution_options().get("ketref_write"):
            _ready_and_hang()

    report = services.packs.import_pack(Path(pack))
    if hang_after:
        _ready_and_hang()
    print(
        json.dumps(
            {
                "ok": True,
                "added": len(report.added),
                "imported": report.imported,
                "statements": count,
            }
        )
    )


def start(home: str, go: str) -> None:
    """RT-14: open the library (create, migrate, load the shipped content) when ``go`` appears;
    report what the content load did, or the error."""
    from ketref.domain.errors import KetrefError

    print("ready", flush=True)
    while not Path(go).exists():
        time.sleep(0.005)
    try:
        services = _open(home)
    except KetrefError as exc:
        print(json.dumps(_error(exc)))
        return
    report = services.load_report
    services.close()
    print(json.dumps({"ok": True, "loaded": bool(report and report.loaded)}))


def backup(home: str, dest: str, ready_at_step: int, pages_per_step: int = 8) -> None:
    """Back up in small steps; hang after step ``ready_at_step`` (mid-copy)."""
    from ketref.db import backup as db_backup

    db_backup.PAGES_PER_STEP = pages_per_step
    services = _open(home)
    steps = 0

    def progress(_remaining: int, _total: int) -> None:
        nonlocal steps
        steps += 1
        if steps == ready_at_step:
            _ready_and_hang()

    path = services.maintenance.backup(Path(dest), progress=progress)
    print(json.dumps({"ok": True, "path": str(path), "steps": steps}))


def edits(home: str, tag: str, n: int, kind: str, slug: str, go: str | None = None) -> None:
    """CC-01: append ``tag<i>`` to one item's summary ``n`` times, re-reading on conflict."""
    from ketref.domain.enums import ItemKind
    from ketref.domain.errors import EditConflictError, KetrefError

    services = _open(home)
    catalogue = services.catalogue
    item_kind = ItemKind(kind)
    _wait_for_go(go)
    conflicts = errors = 0
    detail = catalogue.get_item(item_kind, slug)
    for i in range(n):
        while True:
            try:
                detail = catalogue.edit_item(
                    item_kind,
                    slug,
                    {"summary": f"{detail.item.summary} {tag}{i}"},
                    actor=f"worker-{tag}",
                    expected=detail.fingerprint,
                )
                break
            except EditConflictError:  # the other process saved first: reload, apply again
                conflicts += 1
                detail = catalogue.get_item(item_kind, slug)
            except KetrefError:
                errors += 1
                detail = catalogue.get_item(item_kind, slug)
    print(json.dumps({"ok": True, "conflicts": conflicts, "errors": errors}))


def hold_lock(db: str, seconds: float) -> None:
    """CC-02: take the write lock (BEGIN IMMEDIATE; on a server URL ketref's writer lock) and
    keep it for ``seconds``."""
    if "://" in db:
        from sqlalchemy import create_engine

        from ketref.db.server import WRITER_LOCK

        with create_engine(db).begin() as server:
            server.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")
            print("ready", flush=True)
            time.sleep(seconds)
        print(json.dumps({"ok": True}))
        return
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE ketref_meta SET value = value WHERE key = 'app'")
    print("ready", flush=True)
    time.sleep(seconds)
    conn.execute("COMMIT")
    conn.close()
    print(json.dumps({"ok": True}))


def writer(home: str, seconds: float, go: str | None = None) -> None:
    """CC-05: commit two rows at a time into ``cc05`` for ``seconds``; report latencies."""
    from sqlalchemy import text

    from ketref.domain.errors import KetrefError

    services = _open(home)
    _wait_for_go(go)
    latencies: list[float] = []
    errors: list[str] = []
    n = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        start = time.monotonic()
        try:
            with services.db.write() as session:
                session.execute(text("INSERT INTO cc05(n) VALUES (:a), (:b)"), {"a": n, "b": n + 1})
            n += 2
        except KetrefError as exc:
            errors.append(type(exc).__name__)
        latencies.append(time.monotonic() - start)
        time.sleep(0.002)
    print(json.dumps({"ok": True, "rows": n, "max_latency": max(latencies), "errors": errors}))


def limited_backup(home: str, limit: int) -> None:
    """DB-08: the disk "fills" (RLIMIT_FSIZE) while the daily backup is written."""
    import resource

    services = _open(home)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    result = services.maintenance.backup_on_start()
    print(
        json.dumps(
            {
                "ok": True,
                "made": str(result.made.path) if result.made else None,
                "warning": result.warning,
                "failing_since": result.failing_since.isoformat() if result.failing_since else None,
            }
        )
    )


def _attempt(action: Callable[[], object]) -> dict[str, Any]:
    from ketref.domain.errors import KetrefError

    try:
        action()
    except KetrefError as exc:
        return _error(exc)
    return {"ok": True}


def read_only(scenarios: dict[str, dict[str, str]]) -> None:
    """DB-08, DB-11, FS-01 without root's permission override (see harness.UNPRIVILEGED)."""
    from tests.conftest import make_workspace

    results: dict[str, Any] = {}
    for name, args in scenarios.items():
        if name == "backup-into-read-only-folder":
            services = _open(args["home"])
            results[name] = _attempt(
                lambda s=services, a=args: s.maintenance.backup(Path(a["dest"]))
            )
            services.close()
        elif name in ("open-read-only-file", "open-in-read-only-folder"):
            ws = make_workspace(Path(args["home"]))
            results[name] = _attempt(lambda w=ws: w.open().close())
            diagnosis = ws.diagnose()
            results[name]["problem"] = diagnosis.problem.value if diagnosis else None
        elif name == "export-into-read-only-folder":
            services = _open(args["home"])
            results[name] = _attempt(
                lambda s=services, a=args: s.packs.export(Path(a["dest"]), everything=True)
            )
            services.close()
    print(json.dumps(results))


def export_all(home: str, dest: str) -> None:
    """FS-02 on a real full disk: export every item into ``dest`` (a tiny tmpfs)."""
    services = _open(home)
    result = _attempt(lambda: services.packs.export(Path(dest), everything=True))
    result["left"] = sorted(os.listdir(Path(dest).parent))
    print(json.dumps(result))


def hold_open(home: str) -> None:
    """RT-12: a ketref that has the library open (one read done) and stays idle."""
    services = _open(home)
    services.catalogue.review_summary()
    _ready_and_hang()


TASKS: dict[str, Callable[..., None]] = {
    "hold-open": hold_open,
    "import-pack": import_pack,
    "backup": backup,
    "edits": edits,
    "hold-lock": hold_lock,
    "writer": writer,
    "limited-backup": limited_backup,
    "read-only": read_only,
    "export-all": export_all,
    "start": start,
}


if __name__ == "__main__":
    TASKS[sys.argv[1]](**json.loads(sys.argv[2]))
