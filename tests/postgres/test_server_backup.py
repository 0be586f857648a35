"""``ketref db backup`` on a server: pg_dump -Fc checked with pg_restore, or a plain refusal."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from tests.cli_support import run_main
from tests.pg_cluster import Cluster

pytestmark = [pytest.mark.postgres, pytest.mark.cli]


def run(capsys, home: Path, *argv: str) -> tuple[int, str, str]:
    return run_main(capsys, *argv, home=home)


def tools_only(tmp_path: Path, *names: str) -> str:
    """A PATH holding only these programs (to take pg_dump or pg_restore away)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for name in names:
        found = shutil.which(name)
        assert found, f"{name} is needed for this test"
        (folder / name).symlink_to(found)
    return str(folder)


@pytest.mark.skipif(shutil.which("pg_restore") is None, reason="needs pg_dump and pg_restore")
def test_backup_is_a_verified_dump_that_restores(
    capsys, server_home: tuple[Path, str], pg_cluster: Cluster, tmp_path: Path
) -> None:
    home, _url = server_home
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, out, err = run(capsys, home, "db", "backup", str(out_dir))
    assert code == 0, err
    assert "verified with pg_restore --list" in out
    (dump,) = out_dir.iterdir()
    assert dump.suffix == ".dump"
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    assert pg_cluster.password not in out + err
    pg_cluster.execute("CREATE DATABASE restored_copy")
    try:
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                f"--dbname={pg_cluster.conninfo('restored_copy')}",
                str(dump),
            ],
            check=True,
            capture_output=True,
        )
        code, out, err = run(capsys, home, "--db", pg_cluster.url("restored_copy"), "db", "check")
        assert code == 0, out + err
        assert "Content: ok" in out
    finally:
        pg_cluster.execute('DROP DATABASE "restored_copy" WITH (FORCE)')
    code, _, err = run(capsys, home, "db", "backup", str(dump))
    assert code == 2
    assert "already exists" in err


def test_without_pg_restore_the_dump_is_not_called_verified(
    capsys, server_home: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, _url = server_home
    monkeypatch.setenv("PATH", tools_only(tmp_path, "pg_dump"))
    code, out, err = run(capsys, home, "db", "backup", str(tmp_path / "one.dump"))
    assert code == 0, err
    assert "NOT verified: pg_restore is not installed here" in out
    assert (tmp_path / "one.dump").stat().st_size > 0


def test_without_pg_dump_it_says_the_servers_backups_apply(
    capsys, server_home: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, _url = server_home
    monkeypatch.setenv("PATH", tools_only(tmp_path))
    code, out, err = run(capsys, home, "db", "backup")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "the server's own backups apply" in err
    assert "ketref pack export --all" in err
    assert not any(p.suffix == ".dump" for p in Path(home).rglob("*")), os.listdir(home)
