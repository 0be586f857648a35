"""Connecting to a clinic's PostgreSQL server: libpq's settings, and one clear line per failure.

Each failure is met for real on the throwaway cluster: a wrong password, a missing database,
a server that is not there, a user without privileges, a connection cut mid-operation, and
sslmode passed through to libpq. Every message is one line, exit code 2, password hidden.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from ketref.db.engine import DatabaseTarget, open_database
from ketref.domain.errors import ServerUnreachableError
from tests.cli_support import run_main
from tests.pg_cluster import Cluster

pytestmark = [pytest.mark.postgres, pytest.mark.cli]


@pytest.fixture
def library(pg_cluster: Cluster) -> str:
    """A fresh database name on the cluster (dropped afterwards)."""
    name = f"conn_{time.monotonic_ns()}"
    pg_cluster.execute(f'CREATE DATABASE "{name}"')
    yield name
    pg_cluster.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def run(capsys, tmp_path: Path, url: str, *argv: str) -> tuple[int, str, str]:
    return run_main(capsys, *argv, home=tmp_path / "home", db=url)


def refused(capsys, tmp_path: Path, url: str, secret: str | None = None) -> str:
    """Run ``content status``; expect exit 2 and one line without the password."""
    code, out, err = run(capsys, tmp_path, url, "content", "status")
    assert (code, out) == (2, ""), err
    assert err.count("\n") == 1, err
    assert err.startswith("ketref: ")
    if secret:
        assert secret not in err
    return err


def test_wrong_password(capsys, tmp_path: Path, pg_cluster: Cluster, library: str) -> None:
    url = pg_cluster.url(library, password="not-the-password")
    err = refused(capsys, tmp_path, url, "not-the-password")
    assert "refused the password" in err
    assert "postgres:***@127.0.0.1" in err


def test_unknown_database(capsys, tmp_path: Path, pg_cluster: Cluster) -> None:
    err = refused(capsys, tmp_path, pg_cluster.url("no_such_library"), pg_cluster.password)
    assert "There is no such database" in err
    assert "/no_such_library" in err


def test_server_down(capsys, tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"postgresql+psycopg://clinic:s3cret@127.0.0.1:{port}/ketref"
    err = refused(capsys, tmp_path, url, "s3cret")
    assert "Cannot reach the PostgreSQL server" in err


def test_user_without_privileges(capsys, tmp_path: Path, pg_cluster: Cluster, library: str) -> None:
    """A user who may connect but not create tables cannot set up the library."""
    pg_cluster.execute("DROP ROLE IF EXISTS clerk", "CREATE ROLE clerk LOGIN PASSWORD 'clerk-pw'")
    pg_cluster.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC", dbname=library)
    err = refused(capsys, tmp_path, pg_cluster.url(library, "clerk", "clerk-pw"), "clerk-pw")
    assert "permission denied" in err
    assert "ask the administrator for the ketref role" in err


def test_connection_lost_mid_operation(pg_cluster: Cluster, library: str, tmp_path: Path) -> None:
    """The server ends the session while a statement runs: a retryable "lost" error."""
    db = open_database(DatabaseTarget.parse(pg_cluster.url(library)), backups_dir=tmp_path)
    try:
        with db.read() as session:
            pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()

        def cut() -> None:
            time.sleep(0.3)
            pg_cluster.execute(f"SELECT pg_terminate_backend({pid})")

        killer = threading.Thread(target=cut)
        killer.start()
        with (
            pytest.raises(
                ServerUnreachableError, match="connection to the PostgreSQL server was lost"
            ) as info,
            db.read() as session,
        ):
            session.execute(text("SELECT pg_sleep(5)"))
        killer.join()
        assert pg_cluster.password not in str(info.value)
        with db.read() as session:  # the pool reconnects: the next operation works
            assert session.execute(text("SELECT 1")).scalar_one() == 1
    finally:
        db.dispose()


def test_service_file_and_pgpass(
    capsys, tmp_path: Path, pg_cluster: Cluster, library: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """libpq's own settings: a service file names the server, .pgpass holds the password, and
    ketref is given only ``service=...`` (or nothing, with PGSERVICE)."""
    services = tmp_path / "pg_service.conf"
    services.write_text(
        f"[clinic]\nhost=127.0.0.1\nport={pg_cluster.port}\ndbname={library}\nuser=postgres\n"
    )
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{pg_cluster.port}:*:postgres:{pg_cluster.password}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    code, out, err = run(capsys, tmp_path, "postgresql+psycopg:///?service=clinic", "db", "check")
    assert code == 0, err
    assert "Database: postgresql+psycopg:///?service=clinic" in out
    assert pg_cluster.password not in out + err
    for libpq_form in ("service=clinic", "postgresql:///?service=clinic"):  # as psql takes them
        code, out, err = run(capsys, tmp_path, libpq_form, "content", "status")
        assert code == 0, (libpq_form, err)
        assert "Content version:" in out
        assert pg_cluster.password not in out + err
    monkeypatch.setenv("PGSERVICE", "clinic")
    monkeypatch.setenv("KETREF_DATABASE_URL", "postgresql+psycopg://")
    code, out, err = run(capsys, tmp_path, "postgresql+psycopg://", "content", "status")
    assert code == 0, err
    assert "Content version:" in out
    logs = "".join(p.read_text() for p in (tmp_path / "home" / "logs").glob("*"))
    assert pg_cluster.password not in logs


def test_a_password_in_a_keyword_string_is_never_shown(
    capsys, tmp_path: Path, pg_cluster: Cluster, library: str
) -> None:
    """``--db "host=... password=..."`` connects, and no message or log shows the password."""
    conninfo = (
        f"host=127.0.0.1 port={pg_cluster.port} dbname={library} user=postgres "
        f"password={pg_cluster.password} sslmode=disable"
    )
    code, out, err = run(capsys, tmp_path, conninfo, "db", "check")
    assert code == 0, err
    assert pg_cluster.password not in out + err
    assert "***" in out
    logs = "".join(p.read_text() for p in (tmp_path / "home" / "logs").glob("*"))
    assert pg_cluster.password not in logs
    wrong = conninfo.replace(pg_cluster.password, "not-the-password")
    err = refused(capsys, tmp_path, wrong, "not-the-password")
    assert "refused the password" in err


def test_sslmode_reaches_libpq(capsys, tmp_path: Path, pg_cluster: Cluster, library: str) -> None:
    """The throwaway server has no SSL: sslmode=require is refused by libpq, disable works."""
    err = refused(capsys, tmp_path, pg_cluster.url(library) + "?sslmode=require")
    assert "does not offer SSL" in err
    code, _, err = run(
        capsys, tmp_path, pg_cluster.url(library) + "?sslmode=disable", "db", "check"
    )
    assert code == 0, err
