"""Database faults (RELIABILITY.md section 1): every test names its catalogue case (DB-nn)."""

from __future__ import annotations

import gzip
import random
import shutil
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, text

from ketref.app import main
from ketref.db import migrate
from ketref.db.engine import DatabaseTarget
from ketref.db.errors import DatabaseDamagedError
from ketref.domain.enums import ItemKind
from ketref.domain.errors import (
    BadInputError,
    KetrefError,
)
from ketref.paths import AppPaths
from ketref.services.recovery import DatabaseProblem, RecoveryNeededError
from ketref.services.workspace import Workspace
from tests.conftest import file_hash, make_workspace
from tests.reliability.harness import (
    crash_child,
    export_payload,
    home_with,
    integrity_ok,
    logical_snapshot,
    tree,
    with_clones,
    write_pack,
)

pytestmark = pytest.mark.db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "databases"
HYPERTENSION = (ItemKind.CONTRAINDICATION, "uncontrolled-hypertension")


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- DB-01 ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_import(tmp_path_factory: pytest.TempPathFactory, seeded_template: Path) -> dict[str, Any]:
    """A 120-item pack and the library before and after importing it in-process."""
    root = tmp_path_factory.mktemp("db01")
    ws = make_workspace(home_with(seeded_template, root / "before"))
    services = ws.open()
    pack = write_pack(root / "big.json", with_clones(export_payload(services, root), 120))
    services.close()
    after_ws = make_workspace(home_with(seeded_template, root / "after"))
    services = after_ws.open()
    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    event.listen(services.db.engine, "before_cursor_execute", count)
    services.packs.import_pack(pack)
    services.close()
    return {
        "pack": pack,
        "before": logical_snapshot(ws.paths.database),
        "after": logical_snapshot(after_ws.paths.database),
        "statements": statements,
    }


@pytest.mark.slow
@pytest.mark.parametrize("kill_at", ["statement-50%", "commit"])
def test_db01_sigkill_during_pack_import_leaves_the_library_as_before(
    big_import: dict[str, Any], seeded_template: Path, tmp_path: Path, kill_at: str
) -> None:
    """DB-01: a child importing a 120-item pack is SIGKILLed mid-transaction (or just before
    COMMIT); after restart the library is exactly as before, intact, and opens normally."""
    assert big_import["before"] != big_import["after"]
    home = home_with(seeded_template, tmp_path / "home")
    if kill_at == "commit":
        where: dict[str, Any] = {"ready_on_commit": True}
    else:
        fraction = int(kill_at.split("-")[1].rstrip("%")) / 100
        where = {"ready_at": max(1, int(big_import["statements"] * fraction))}
    crash_child("import-pack", home=str(home), pack=str(big_import["pack"]), **where)
    database = AppPaths.resolve(home).database
    assert logical_snapshot(database) == big_import["before"]
    assert integrity_ok(database)
    make_workspace(home).open().close()


@pytest.mark.slow
def test_db01_import_that_returned_survives_a_kill(
    big_import: dict[str, Any], seeded_template: Path, tmp_path: Path
) -> None:
    """DB-01: killed after the import returned while the window is still open (the commit is
    only in the -wal file, not checkpointed): every row of it is there after restart."""
    home = home_with(seeded_template, tmp_path / "home")
    crash_child("import-pack", home=str(home), pack=str(big_import["pack"]), hang_after=True)
    database = AppPaths.resolve(home).database
    assert logical_snapshot(database) == big_import["after"]
    assert integrity_ok(database)


# --- DB-02, DB-03, DB-14: refused at start, recovery -----------------------------------------


@pytest.mark.sqlite_only("SQLite files")
def test_db02_truncated_library_offers_newest_backup_and_recovers(
    ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    """DB-02: a library truncated to half its size: plain message naming the newest verified
    backup and its date, the damaged file kept aside (never deleted), content equals backup."""
    services = ws.open()
    daily = services.maintenance.backup_on_start()
    assert daily.made is not None
    services.catalogue.edit_item(*HYPERTENSION, {"summary": "Edited after the backup."})
    services.close()
    expected = logical_snapshot(daily.made.path)
    database = ws.paths.database
    data = database.read_bytes()
    database.write_bytes(data[: len(data) // 2])
    damaged = file_hash(database)

    with pytest.raises(RecoveryNeededError) as info:
        ws.open()
    diagnosis = info.value.diagnosis
    assert diagnosis.problem is DatabaseProblem.DAMAGED
    assert diagnosis.can_recover
    assert diagnosis.newest_backup is not None
    assert diagnosis.newest_backup.path == daily.made.path

    home = str(ws.paths.data.parent)
    code, out, err = _cli(capsys, "--home", home, "list", "handouts")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "is damaged" in err
    assert "2026-11-21 09:30 UTC" in err
    assert "ketref db recover" in err
    assert file_hash(database) == damaged  # no empty library was created in its place

    code, out, err = _cli(capsys, "--home", home, "db", "recover")
    assert code == 0, err
    kept = [p for p in database.parent.glob("ketref.db.damaged-*") if p.name.count("-") == 2]
    assert len(kept) == 1  # with any -wal/-shm beside it, renamed the same way
    assert file_hash(kept[0]) == damaged
    assert logical_snapshot(database) == expected
    assert integrity_ok(database)
    services = ws.open()
    try:
        item = services.catalogue.get_item(*HYPERTENSION).item
        assert item.summary != "Edited after the backup."
    finally:
        services.close()


@pytest.mark.sqlite_only("SQLite files")
def test_restore_moves_the_current_library_aside_with_its_wal(
    ws: Workspace, tmp_path: Path
) -> None:
    """Restore (issue 7): the current file and its -wal (commits not yet checkpointed, as after
    a crash) move aside together, so the set-aside copy still holds them; the result equals
    the backup."""
    services = ws.open()
    backup = services.maintenance.backup(tmp_path / "good.db")
    services.close()
    crashed = home_with(ws.paths.database, tmp_path / "crashed")
    database = AppPaths.resolve(crashed).database
    writer = sqlite3.connect(database, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("INSERT INTO ketref_meta(key, value) VALUES ('only-in-wal', 'x')")
    shutil.copy2(database, tmp_path / "snap.db")
    shutil.copy2(f"{database}-wal", tmp_path / "snap.db-wal")
    writer.close()
    shutil.copy2(tmp_path / "snap.db", database)
    shutil.copy2(tmp_path / "snap.db-wal", f"{database}-wal")
    Path(f"{database}-shm").unlink(missing_ok=True)

    aside = make_workspace(crashed).restore(backup)
    assert logical_snapshot(database) == logical_snapshot(backup)
    assert not Path(f"{database}-wal").exists()
    assert Path(f"{aside}-wal").exists()
    kept = sqlite3.connect(aside)
    assert kept.execute("SELECT value FROM ketref_meta WHERE key='only-in-wal'").fetchone()
    kept.close()


@pytest.mark.sqlite_only("SQLite files")
def test_db02_damaged_library_without_backup_is_left_alone(ws: Workspace) -> None:
    """DB-02: with no verified backup, nothing is moved or created; the message says so."""
    database = ws.paths.database
    database.write_bytes(database.read_bytes()[:8192])
    before = file_hash(database)
    with pytest.raises(RecoveryNeededError, match="No verified backup was found"):
        ws.open()
    with pytest.raises(BadInputError, match="No verified backup"):
        ws.recover()
    assert file_hash(database) == before
    # Reading a WAL-mode file may add its (empty) -wal/-shm; no new library appears.
    assert {p.name for p in database.parent.iterdir()} <= {
        "ketref.db",
        "ketref.db-wal",
        "ketref.db-shm",
    }
    assert not Path(f"{database}-wal").exists() or Path(f"{database}-wal").stat().st_size == 0


def test_db03_another_programs_database_is_never_moved(tmp_path: Path) -> None:
    """DB-03: a valid SQLite file of another program: refused, hash unchanged, and recovery
    will not move it (it is not ours); no schema is created inside it."""
    foreign = tmp_path / "notes.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    before = file_hash(foreign)
    paths = AppPaths.resolve(tmp_path / "home")
    ws = Workspace(paths, DatabaseTarget.parse(foreign), Path("."))
    with pytest.raises(RecoveryNeededError, match=r"another program.*--db") as info:
        ws.open()
    assert info.value.diagnosis.problem is DatabaseProblem.FOREIGN
    with pytest.raises(BadInputError, match="another program"):
        ws.recover()
    assert file_hash(foreign) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("notes")) == ["notes.db"]


@pytest.mark.sqlite_only("SQLite files")
def test_db14_newer_schema_is_refused_without_migration_or_backup(ws: Workspace) -> None:
    """DB-14: alembic_version from a newer ketref: "please update", no migration attempted,
    no backup written, the file unchanged, and recovery does not replace it."""
    conn = sqlite3.connect(ws.paths.database)
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.execute(f"PRAGMA user_version = {migrate.schema_number() + 1}")
    conn.commit()
    conn.close()
    before = file_hash(ws.paths.database)
    with pytest.raises(RecoveryNeededError, match="Please update ketref") as info:
        ws.open()
    assert info.value.diagnosis.problem is DatabaseProblem.TOO_NEW
    with pytest.raises(BadInputError, match="newer version"):
        ws.recover()
    assert file_hash(ws.paths.database) == before
    assert tree(ws.paths.backups) == []


# --- DB-05 ---------------------------------------------------------------------------------


def _everything(ws: Workspace) -> dict[str, Any]:
    """What the app shows: every list, every item in full, and a search."""
    services = ws.open()
    try:
        shown: dict[str, Any] = {}
        for kind in ItemKind:
            summaries = services.catalogue.list_items(kind)
            shown[kind.value] = [(s.slug, s.title, s.summary) for s in summaries]
            if kind is not ItemKind.REFERENCE:
                for s in summaries:
                    item = services.catalogue.get_item(kind, s.slug).item
                    shown[f"{kind.value}/{s.slug}"] = item.model_dump(mode="json")
        shown["search"] = [h.slug for h in services.catalogue.search("blood pressure").hits]
        return shown
    finally:
        services.close()


@pytest.fixture(scope="module")
def healthy_view(tmp_path_factory: pytest.TempPathFactory, seeded_template: Path) -> Any:
    home = home_with(seeded_template, tmp_path_factory.mktemp("db05") / "home")
    return _everything(make_workspace(home))


@pytest.mark.slow
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(offset=st.floats(min_value=0.0, max_value=1.0), seed=st.integers(0, 2**32 - 1))
def test_db05_random_page_damage_is_detected_or_harmless(
    offset: float, seed: int, seeded_template: Path, healthy_view: Any, tmp_path: Path
) -> None:
    """DB-05: 4 KiB of random bytes past the header: either ketref detects the damage (a typed
    refusal or error, never a crash, and no write after detection) or what it shows is right."""
    home = tmp_path / f"h{seed}"
    shutil.rmtree(home, ignore_errors=True)
    ws = make_workspace(home_with(seeded_template, home))
    database = ws.paths.database
    data = bytearray(database.read_bytes())
    start = 100 + int(offset * (len(data) - 100 - 4096))
    data[start : start + 4096] = random.Random(seed).randbytes(4096)
    database.write_bytes(bytes(data))
    refused: RecoveryNeededError | None = None
    try:
        view = _everything(ws)
    except DatabaseDamagedError:
        damaged = file_hash(database)
        services = ws.open()  # opened (the quick check passed) but reading found damage
        try:
            with pytest.raises(KetrefError):
                _read_all(services)
            with pytest.raises(DatabaseDamagedError, match="no longer writes"):
                services.catalogue.edit_item(*HYPERTENSION, {"summary": "x"})
        finally:
            services.close()
        assert file_hash(database) == damaged
        return
    except RecoveryNeededError as exc:
        refused = exc
    if refused is not None:
        assert refused.diagnosis.problem.recoverable
    else:
        assert view == healthy_view


@pytest.mark.sqlite_only("SQLite files")
def test_db05_damage_found_while_open_stops_all_writes(opened: Any) -> None:
    """DB-05: damage that appears while the library is open (no start-up check in between) is
    reported as a typed error on first access, and after that nothing more is written."""
    database = opened.db.target.path
    with opened.db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    opened.db.engine.dispose()
    data = bytearray(database.read_bytes())
    page = 4096
    data[2 * page :] = random.Random(5).randbytes(len(data) - 2 * page)
    database.write_bytes(bytes(data))
    damaged = file_hash(database)
    with pytest.raises(DatabaseDamagedError, match="is damaged"):
        _read_all(opened)
    with pytest.raises(DatabaseDamagedError, match="no longer writes"):
        opened.catalogue.edit_item(*HYPERTENSION, {"summary": "Must not be written."})
    assert opened.maintenance.check().integrity_ok is False
    assert file_hash(database) == damaged


def _read_all(services: Any) -> None:
    for kind in ItemKind:
        for s in services.catalogue.list_items(kind):
            if kind is not ItemKind.REFERENCE:
                services.catalogue.get_item(kind, s.slug)


# --- DB-07 ---------------------------------------------------------------------------------


@pytest.mark.sqlite_only("SQLite files")
def test_db07_backup_includes_commits_still_in_the_wal(opened: Any, tmp_path: Path) -> None:
    """DB-07: with checkpoints off, 1,000 committed rows live only in the -wal file; the backup
    (temp name, integrity_check, rename) holds every one of them."""
    with opened.db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
        conn.exec_driver_sql("CREATE TABLE db07 (n INTEGER)")
        conn.commit()
        for n in range(0, 1000, 5):  # 200 commits of 5 rows
            conn.exec_driver_sql(
                f"INSERT INTO db07 VALUES ({n}), ({n + 1}), ({n + 2}), ({n + 3}), ({n + 4})"
            )
            conn.commit()
        database = opened.db.target.path
        assert Path(f"{database}-wal").stat().st_size > 1000 * 100
        out = tmp_path / "out"
        backup = opened.maintenance.backup(out / "b.db")
    assert integrity_ok(backup)
    copy = sqlite3.connect(f"{backup.as_uri()}?mode=ro", uri=True)
    assert copy.execute("SELECT count(*), sum(n) FROM db07").fetchone() == (1000, 499500)
    copy.close()
    assert tree(out) == ["b.db"]


# --- DB-12 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("schema-*.db.gz")))
def test_db12_every_released_schema_opens_with_content_preserved(
    fixture: str, tmp_path: Path
) -> None:
    """DB-12: a library saved by each released schema (tests/fixtures/databases) opens: a
    verified backup before any migration, every table's rows preserved, the local edit still
    there, integrity ok, user_version and alembic_version at head."""
    home = tmp_path / "home"
    paths = AppPaths.resolve(home)
    paths.ensure()
    paths.database.write_bytes(gzip.decompress((FIXTURES / fixture).read_bytes()))
    original = logical_snapshot(paths.database)
    conn = sqlite3.connect(paths.database)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    conn.close()

    services = make_workspace(home).open()
    try:
        edited = services.catalogue.get_item(ItemKind.HANDOUT, "preparing-for-your-session")
        assert edited.item.summary == "Local edit kept across upgrades."
        assert edited.locally_edited
    finally:
        services.close()
    migration_backups = list(paths.backups.glob("ketref-before-migration-*.db"))
    if revision != migrate.head_revision():
        assert len(migration_backups) == 1
        assert integrity_ok(migration_backups[0])
        assert logical_snapshot(migration_backups[0]) == original
    else:
        assert migration_backups == []
    assert integrity_ok(paths.database)
    conn = sqlite3.connect(paths.database)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == migrate.schema_number()
        head = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        assert head == migrate.head_revision()
        for table, count in counts.items():
            if table == "alembic_version" or table.startswith("search_fts"):
                continue  # FTS5's own segments: derived, rebuilt in today's format at open
            still = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table,)
            ).fetchone()
            if still:
                assert conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] >= count
    finally:
        conn.close()


# --- DB-16 ---------------------------------------------------------------------------------


@pytest.mark.sqlite_only("SQLite files")
def test_db16_settings_hold_on_connections_from_worker_threads(opened: Any) -> None:
    """DB-16: pragmas are set on every pooled connection, also those made in worker threads."""
    seen: list[tuple[int, ...]] = []

    def probe() -> None:
        with opened.db.engine.connect() as conn:
            seen.append(
                tuple(
                    conn.exec_driver_sql(f"PRAGMA {p}").scalar()
                    for p in ("foreign_keys", "busy_timeout", "secure_delete", "trusted_schema")
                )
            )

    threads = [threading.Thread(target=probe) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [(1, 5000, 1, 0)] * 4


@pytest.mark.sqlite_only("SQLite files")
def test_db16_rolled_back_ddl_leaves_no_table(opened: Any) -> None:
    """DB-16: DDL inside a transaction that is rolled back leaves no table behind."""

    def create_then_fail() -> None:
        with opened.db.write() as session:
            session.execute(text("CREATE TABLE scratch (n INTEGER)"))
            raise RuntimeError("abandon")

    with pytest.raises(RuntimeError):
        create_then_fail()
    with opened.db.read() as session:
        found = session.execute(text("SELECT name FROM sqlite_master WHERE name = 'scratch'")).all()
    assert found == []
