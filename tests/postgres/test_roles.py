"""ketref's roles as real PostgreSQL roles on the throwaway cluster: what each may do, and a
refused write that names the role it needs."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from tests.cli_support import run_main
from tests.pg_cluster import Cluster

pytestmark = [pytest.mark.postgres, pytest.mark.cli]

_people = itertools.count(1)


def run(capsys, home: Path, url: str, *argv: str) -> tuple[int, str, str]:
    return run_main(capsys, *argv, home=home, db=url)


@pytest.fixture
def clinic(capsys, server_home: tuple[Path, str], pg_cluster: Cluster) -> dict[str, str]:
    """init-roles on a shipped library, and one login per role (plus one with none): URLs."""
    home, admin_url = server_home
    code, out, err = run(capsys, home, admin_url, "server", "init-roles")
    assert code == 0, err
    assert "ketref_reader, ketref_editor, ketref_approver, ketref_owner" in out
    database = admin_url.rsplit("/", 1)[1]
    urls = {}
    for role in ("reader", "editor", "owner", "nobody"):
        person = f"{role}_{next(_people)}_{database}"
        grant = [] if role == "nobody" else [f"GRANT ketref_{role} TO {person}"]
        pg_cluster.execute(f"CREATE ROLE {person} LOGIN PASSWORD 'pw-{person}'", *grant)
        urls[role] = pg_cluster.url(database, person, f"pw-{person}")
    return urls


def test_each_person_gets_their_role(capsys, server_home, clinic: dict[str, str]) -> None:
    home, admin = server_home
    for role in ("reader", "editor", "owner"):
        code, out, err = run(capsys, home, clinic[role], "server", "whoami", "--json")
        assert code == 0, err
        assert json.loads(out)["role"] == role
    code, out, _ = run(capsys, home, admin, "server", "whoami")
    assert "Role: owner" in out


def test_a_reader_reads_and_is_refused_writes_naming_the_role(
    capsys, server_home, clinic: dict[str, str], tmp_path: Path
) -> None:
    home, _ = server_home
    reader = clinic["reader"]
    assert run(capsys, home, reader, "search", "blood pressure")[0] == 0
    assert run(capsys, home, reader, "list", "contraindications")[0] == 0
    code, out, err = run(capsys, home, reader, "db", "check")
    assert code == 0, out + err
    code, _, err = run(capsys, home, reader, "thresholds", "set", "--bp-delay", "150/95")
    assert code == 2
    assert err.count("\n") == 1
    assert "needs the ketref_editor role" in err
    assert "has ketref_reader" in err
    code, _, err = run(capsys, home, reader, "clinic", "set", "--name", "Riverside")
    assert code == 2
    assert "needs the ketref_editor role" in err
    code, _, err = run(capsys, home, reader, "server", "init-roles")
    assert code == 2
    assert "needs the ketref_owner role" in err


def test_an_editor_saves_and_the_others_see_it(capsys, server_home, clinic: dict[str, str]) -> None:
    home, _ = server_home
    code, _, err = run(capsys, home, clinic["editor"], "thresholds", "set", "--bp-delay", "150/95")
    assert code == 0, err
    code, out, _ = run(capsys, home, clinic["reader"], "thresholds", "show")
    assert code == 0
    assert "150/95" in out


def test_someone_without_a_ketref_role_gets_one_clear_line(
    capsys, server_home, clinic: dict[str, str]
) -> None:
    home, _ = server_home
    code, out, err = run(capsys, home, clinic["nobody"], "list", "contraindications")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "permission denied" in err


def test_the_server_privileges_hold_even_without_ketref(
    server_home, clinic: dict[str, str], pg_cluster: Cluster
) -> None:
    """The roles are enforced by the server, not only by ketref's own check."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(clinic["reader"])
    conninfo = (
        f"host=127.0.0.1 port={pg_cluster.port} dbname={url.database} user={url.username} "
        f"password={url.password}"
    )
    with psycopg.connect(conninfo) as conn:
        assert conn.execute("SELECT count(*) FROM ketref_meta").fetchone()[0] >= 1
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            conn.execute("DELETE FROM ketref_meta")


def test_roles_made_for_one_database_leave_another_alone(
    capsys, server_home, clinic: dict[str, str], pg_cluster: Cluster, tmp_path: Path
) -> None:
    """PostgreSQL's roles are server-wide: a second library on the same server starts, and is
    owned by whoever sets it up, until init-roles is run for it too."""
    pg_cluster.execute("DROP DATABASE IF EXISTS second_library", "CREATE DATABASE second_library")
    try:
        home = tmp_path / "second"
        code, out, err = run(capsys, home, pg_cluster.url("second_library"), "server", "whoami")
        assert code == 0, err
        assert "Role: owner" in out
    finally:
        pg_cluster.execute('DROP DATABASE "second_library" WITH (FORCE)')


def test_a_reader_prints_and_the_print_is_logged_under_their_name(
    capsys, server_home, clinic: dict[str, str], tmp_path: Path
) -> None:
    """A reader may add print-log entries (and nothing else); the log names the database
    user; changing the print-log settings needs an approver."""
    home, _ = server_home
    reader = clinic["reader"]
    out_pdf = tmp_path / "a.pdf"
    code, out, err = run(capsys, home, reader, "handout", "after-your-session", "-o", str(out_pdf))
    assert code == 0, err
    assert out == f"Wrote {out_pdf}\n"  # no "log entry could not be written"
    code, out, _ = run(capsys, home, clinic["editor"], "prints", "--json")
    [entry] = json.loads(out)
    assert entry["user"] == reader.rsplit("/", 1)[0].split("//")[1].split(":")[0]
    code, _, err = run(capsys, home, reader, "prints", "settings", "--keep-names", "on")
    assert code == 2 and "needs the ketref_approver role" in err


def test_retire_and_restore_need_the_editor_role(
    capsys, server_home, clinic: dict[str, str]
) -> None:
    home, _ = server_home
    item = ("side-effects", "nausea")
    for action in ("retire", "restore"):
        code, out, err = run(capsys, home, clinic["reader"], action, *item)
        assert (code, out) == (2, "")
        assert "needs the ketref_editor role" in err and err.count("\n") == 1
    assert run(capsys, home, clinic["reader"], "retired")[0] == 0  # reading the list is fine
    code, _, err = run(capsys, home, clinic["editor"], "retire", *item, "--reason", "test")
    assert code == 0, err
    code, out, _ = run(capsys, home, clinic["reader"], "retired")
    assert "\tnausea\tNausea\ttest" in out
    code, _, err = run(capsys, home, clinic["editor"], "restore", *item)
    assert code == 0, err
    assert "nausea" in run(capsys, home, clinic["reader"], "list", "side-effects")[1].split()
