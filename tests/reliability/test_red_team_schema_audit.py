"""Red-team findings about schema stamps and the audit trail (RELIABILITY.md RT-10, RT-11): a
library from a newer or half-upgraded ketref is refused by name, and audit events stay
append-only on both backends."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy

from ketref.app import main
from ketref.db import migrate
from ketref.db.engine import DatabaseTarget
from ketref.db.errors import DatabaseTooNewError
from ketref.domain.errors import PermissionRefusedError
from ketref.domain.packs import PackError
from ketref.domain.printing import ClinicProfile
from ketref.paths import AppPaths
from ketref.services.recovery import DatabaseProblem, RecoveryNeededError
from ketref.services.workspace import Services, Workspace
from tests.backends import PgTemplates
from tests.conftest import FIXTURE_CONTENT, file_hash, fixed_clock
from tests.reliability.harness import (
    export_payload,
    logical_snapshot,
    write_pack,
)

# --- RT-10 -----------------------------------------------------------------------------------


def _set_schema(database: Path, revision: str, user_version: int | None = None) -> None:
    with contextlib.closing(sqlite3.connect(database)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        if user_version is not None:
            conn.execute(f"PRAGMA user_version = {int(user_version)}")


@pytest.mark.sqlite_only("a SQLite file's stamps (PostgreSQL: rt10 below)")
def test_rt10_a_newer_revision_id_is_named_not_schema_2_of_2(ws: Workspace) -> None:
    """RT-10: an unknown (newer) revision id said "schema 2, this app knows up to 2". The
    message now names the revision and the newest one this version knows."""
    _set_schema(ws.paths.database, "0007_from_the_future")
    before = file_hash(ws.paths.database)
    with pytest.raises(RecoveryNeededError) as info:
        ws.open()
    assert info.value.diagnosis.problem is DatabaseProblem.TOO_NEW
    text = str(info.value)
    assert "'0007_from_the_future' is not one this version knows" in text
    assert f"knows up to {migrate.head_revision()}" in text
    assert "schema 2, this app knows up to 2" not in text
    assert file_hash(ws.paths.database) == before


def test_rt10_server_databases_are_not_called_schema_0() -> None:
    """RT-10: PostgreSQL has no user_version; the refusal said "schema 0". It names the
    revision instead."""
    with pytest.raises(DatabaseTooNewError) as info:
        migrate.refuse_unknown_schema("0009_newer", None, "postgresql+psycopg://db/ketref")
    assert "schema 0" not in str(info.value)
    assert "'0009_newer'" in str(info.value)


@pytest.mark.sqlite_only("a SQLite file's stamps")
@pytest.mark.parametrize("argv", [["db", "check"], ["list", "indications"]], ids=" ".join)
def test_rt10_old_alembic_version_on_a_newer_schema_is_a_clear_refusal(
    capsys: pytest.CaptureFixture[str], shipped_home: Path, argv: list[str]
) -> None:
    """RT-10: alembic_version set back to 0001 on a 0002 schema gave "internal error" even for
    `db check`. Now: exit 2, one line saying the recorded revision does not match the schema,
    and nothing changed."""
    database = shipped_home / "data" / "ketref.db"
    _set_schema(database, migrate.revisions_oldest_first()[0])
    before = file_hash(database)
    assert main(["--home", str(shipped_home), *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "internal error" not in err
    stamped = f"stamped as schema number {migrate.schema_number()}"
    assert "records schema revision 0001 but its tables were" in err and stamped in err
    assert file_hash(database) == before


@pytest.mark.sqlite_only("a SQLite file's stamps and backup")
def test_rt10_an_upgrade_that_fails_is_a_refusal_with_the_backup_named(
    capsys: pytest.CaptureFixture[str], shipped_home: Path
) -> None:
    """RT-10: without the user_version stamp the mismatch shows only when the upgrade fails;
    that is one line too (rolled back, the backup taken before it named), not "internal error"."""
    database = shipped_home / "data" / "ketref.db"
    _set_schema(database, migrate.revisions_oldest_first()[0], user_version=0)
    before = logical_snapshot(database)
    assert main(["--home", str(shipped_home), "db", "check"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "internal error" not in err
    assert "Upgrading ketref.db from schema revision 0001 to" in err and "failed" in err
    assert "before-migration" in err
    assert logical_snapshot(database) == before


def test_rt10_one_bad_item_in_a_pack_is_one_problem(opened: Services, tmp_path: Path) -> None:
    """RT-10: one validation error in a pack also reported every reference only that item
    cited as "not cited by any item"; now the pack's problems are that item's alone."""
    payload = export_payload(opened, tmp_path)
    payload["items"][0]["item"]["title"] = 12345
    pack = write_pack(tmp_path / "one-bad.json", payload)
    with pytest.raises(PackError) as info:
        opened.packs.read(pack)
    assert info.value.problems
    assert all(p.startswith("/payload/items/0/item") for p in info.value.problems), (
        info.value.problems
    )


# --- RT-11 -----------------------------------------------------------------------------------


@pytest.mark.sqlite_only("SQLite triggers (PostgreSQL: rt11 below)")
def test_rt11_audit_events_are_append_only_in_the_database(opened: Services) -> None:
    """RT-11 (PV-06): UPDATE and DELETE on audit events are refused by the database itself,
    through ketref's own sessions and by a hand-run SQL statement alike; inserts still work."""
    database = opened.db.target.path
    assert database is not None
    opened.clinic.save(ClinicProfile(name="Append-only clinic"))
    with contextlib.closing(sqlite3.connect(database)) as conn:
        rows = conn.execute("SELECT * FROM audit_event ORDER BY id").fetchall()
    assert rows
    for statement in ("UPDATE audit_event SET actor = 'someone else'", "DELETE FROM audit_event"):
        refused = pytest.raises(sqlalchemy.exc.IntegrityError, match="append-only")
        with refused, opened.db.write() as session:
            session.execute(sqlalchemy.text(statement))
        with contextlib.closing(sqlite3.connect(database)) as conn:
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(statement)
            assert conn.execute("SELECT * FROM audit_event ORDER BY id").fetchall() == rows


@pytest.fixture
def postgres_url(pg_templates: PgTemplates) -> Iterator[str]:
    """A library holding the fixture content on the session's throwaway cluster."""
    name = pg_templates.fresh(FIXTURE_CONTENT)
    yield pg_templates.cluster.url(name)
    pg_templates.drop(name)


@pytest.mark.postgres
def test_rt11_audit_events_are_append_only_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    """RT-11 on PostgreSQL: the 0004 trigger refuses UPDATE, DELETE and TRUNCATE on audit
    events (insufficient_privilege); the library itself opens, loads and audits normally."""
    home = AppPaths.resolve(tmp_path / "home")
    home.ensure()
    ws = Workspace(home, DatabaseTarget.parse(postgres_url), FIXTURE_CONTENT, clock=fixed_clock)
    services = ws.open()
    try:
        services.clinic.save(ClinicProfile(name="Append-only clinic"))
        with services.db.read() as session:
            count = session.execute(sqlalchemy.text("SELECT count(*) FROM audit_event")).scalar()
        assert count
        for statement in (
            "UPDATE audit_event SET actor = 'someone else'",
            "DELETE FROM audit_event",
            "TRUNCATE audit_event",
        ):
            refused = pytest.raises(PermissionRefusedError, match="append-only")
            with refused, services.db.write() as session:
                session.execute(sqlalchemy.text(statement))
        with services.db.read() as session:
            after = session.execute(sqlalchemy.text("SELECT count(*) FROM audit_event")).scalar()
        assert after == count
    finally:
        services.close()


@pytest.mark.postgres
def test_rt10_newer_revision_on_postgresql_is_named(postgres_url: str, tmp_path: Path) -> None:
    """RT-10 on PostgreSQL: an unknown revision is named, never "schema 0"."""
    engine = sqlalchemy.create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text("UPDATE alembic_version SET version_num = '0009_newer'"))
    try:
        home = AppPaths.resolve(tmp_path / "home")
        ws = Workspace(home, DatabaseTarget.parse(postgres_url), FIXTURE_CONTENT)
        with pytest.raises(DatabaseTooNewError) as info:
            ws.open()
        assert "'0009_newer' is not one this version knows" in str(info.value)
        assert "schema 0" not in str(info.value)
    finally:
        with engine.begin() as conn:
            conn.execute(
                sqlalchemy.text("UPDATE alembic_version SET version_num = :head"),
                {"head": migrate.head_revision()},
            )
        engine.dispose()
