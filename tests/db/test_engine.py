"""Opening databases: create, migrate, recognise, refuse — and never touch what is refused."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from ketref.db import migrate
from ketref.db.engine import APPLICATION_ID, DatabaseTarget, open_database
from ketref.db.errors import DatabaseTooNewError
from ketref.domain.errors import DatabaseRefusedError
from ketref.services.recovery import DatabaseProblem, RecoveryNeededError
from ketref.services.workspace import Workspace
from tests.conftest import file_hash, fixed_clock

pytestmark = pytest.mark.db


def _open(path: Path, backups: Path):
    return open_database(DatabaseTarget.parse(path), backups_dir=backups, clock=fixed_clock)


def test_new_database_is_marked_and_at_head(tmp_path: Path) -> None:
    db = _open(tmp_path / "k.db", tmp_path / "b")
    db.dispose()
    conn = sqlite3.connect(tmp_path / "k.db")
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrate.schema_number()
    assert (
        conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        == migrate.head_revision()
    )
    assert conn.execute("SELECT value FROM ketref_meta WHERE key='app'").fetchone()[0] == "ketref"
    conn.close()
    assert not (tmp_path / "k.db.creating").exists()
    assert oct((tmp_path / "k.db").stat().st_mode & 0o777) == oct(0o600)


def test_pragmas_hold_on_every_pooled_connection(tmp_path: Path) -> None:
    db = _open(tmp_path / "k.db", tmp_path / "b")
    try:
        conns = [db.engine.connect() for _ in range(3)]
        for conn in conns:
            values = {
                p: conn.exec_driver_sql(f"PRAGMA {p}").scalar()
                for p in (
                    "foreign_keys",
                    "busy_timeout",
                    "journal_mode",
                    "synchronous",
                    "trusted_schema",
                    "secure_delete",
                )
            }
            assert values == {
                "foreign_keys": 1,
                "busy_timeout": 5000,
                "journal_mode": "wal",
                "synchronous": 2,
                "trusted_schema": 0,
                "secure_delete": 1,
            }
        for conn in conns:
            conn.close()
    finally:
        db.dispose()


def test_savepoint_rollback_really_rolls_back(tmp_path: Path) -> None:
    db = _open(tmp_path / "k.db", tmp_path / "b")
    try:
        with db.write() as session:
            session.execute(text("INSERT INTO ketref_meta(key, value) VALUES ('a', '1')"))
            nested = session.begin_nested()
            session.execute(text("INSERT INTO ketref_meta(key, value) VALUES ('b', '2')"))
            nested.rollback()
        with db.read() as session:
            keys = set(session.execute(text("SELECT key FROM ketref_meta")).scalars())
        assert keys == {"app", "a"}
    finally:
        db.dispose()


def _foreign_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes(body) VALUES ('someone else''s data')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("writer", "message"),
    [
        (lambda p: p.write_text(json.dumps({"not": "a database"})), "not a ketref database"),
        (lambda p: p.write_bytes(os.urandom(8192)), "not a ketref database"),
        (_foreign_sqlite, "database of another program"),
        (lambda p: p.write_bytes(b""), r"empty \(0 bytes\)"),
    ],
    ids=["json", "random-bytes", "other-programs-sqlite", "empty-file"],
)
def test_foreign_files_are_refused_untouched(tmp_path: Path, writer, message: str) -> None:
    path = tmp_path / "k.db"
    writer(path)
    before = file_hash(path)
    with pytest.raises(DatabaseRefusedError, match=message):
        _open(path, tmp_path / "b")
    assert file_hash(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.db"]


def _ketref_db(tmp_path: Path) -> Path:
    path = tmp_path / "k.db"
    _open(path, tmp_path / "b").dispose()
    return path


def test_newer_schema_revision_is_refused_untouched(tmp_path: Path) -> None:
    path = _ketref_db(tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num='9999_future'")
    conn.commit()
    conn.close()
    before = file_hash(path)
    with pytest.raises(DatabaseTooNewError, match="newer version of ketref"):
        _open(path, tmp_path / "b")
    assert file_hash(path) == before


def test_newer_user_version_is_refused(tmp_path: Path) -> None:
    path = _ketref_db(tmp_path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={migrate.schema_number() + 5}")
    conn.close()
    with pytest.raises(DatabaseTooNewError, match=r"[Pp]lease update"):
        _open(path, tmp_path / "b")


@pytest.mark.sqlite_only("a damaged SQLite file")
def test_truncated_database_is_refused_as_damaged(tmp_path: Path, workspace: Workspace) -> None:
    workspace.open().close()
    path = workspace.paths.database
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    before = file_hash(path)
    with pytest.raises(RecoveryNeededError, match="damaged") as info:
        workspace.open()
    assert info.value.diagnosis.problem is DatabaseProblem.DAMAGED
    assert file_hash(path) == before


def test_in_memory_url_is_refused() -> None:
    with pytest.raises(DatabaseRefusedError, match="in-memory"):
        DatabaseTarget.parse("sqlite://")


def test_url_display_hides_password() -> None:
    target = DatabaseTarget.parse("postgresql+psycopg://clinic:secret@db.local/ketref")
    assert "secret" not in target.display
