"""A throwaway PostgreSQL cluster for the ``postgres`` cases (skipped where none can start).

Needs the server binaries (Debian's ``postgresql`` package), a ``postgres`` system user, root
(to run initdb as that user) and psycopg. The cluster listens only on a Unix socket in its own
temporary folder and is removed afterwards.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

BIN_DIRS = [Path("/usr/lib/postgresql") / v / "bin" for v in ("17", "16", "15", "14")]


def _binary(name: str) -> str | None:
    for folder in BIN_DIRS:
        if (folder / name).exists():
            return str(folder / name)
    return shutil.which(name)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def unavailable() -> str | None:
    """Why no cluster can start here (None: it can)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e .[postgres])"
    if os.name != "posix" or os.geteuid() != 0 or shutil.which("runuser") is None:
        return "starting a throwaway cluster needs root and runuser"
    if _binary("initdb") is None or _binary("pg_ctl") is None:
        return "the PostgreSQL server binaries are not installed"
    try:
        import pwd

        pwd.getpwnam("postgres")
    except KeyError:
        return "there is no postgres system user"
    return None


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[str]:
    """Start a cluster; yield a SQLAlchemy URL of an empty database ``ketref`` in it."""
    import pwd

    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    assert initdb and pg_ctl
    folder = Path(tempfile.mkdtemp(prefix="ketref-pg-"))
    folder.chmod(0o755)
    data = folder / "data"
    user = pwd.getpwnam("postgres")
    os.chown(folder, user.pw_uid, user.pw_gid)
    port = _free_port()
    as_postgres = ["runuser", "-u", "postgres", "--"]
    try:
        subprocess.run(
            [*as_postgres, initdb, "-D", str(data), "-U", "postgres", "--auth-local=trust"],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                *as_postgres,
                pg_ctl,
                "-D",
                str(data),
                "-w",
                "-l",
                str(folder / "log"),
                "-o",
                f"-p {port} -k {folder} -c listen_addresses=''",
                "start",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        import psycopg

        with psycopg.connect(
            host=str(folder), port=port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute("CREATE DATABASE ketref")
        yield f"postgresql+psycopg://postgres@/ketref?host={folder}&port={port}"
    finally:
        subprocess.run(
            [*as_postgres, pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(folder, ignore_errors=True)
