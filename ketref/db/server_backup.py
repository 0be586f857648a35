"""Backing up a PostgreSQL library with the server's own tools: pg_dump, checked by pg_restore.

The dump is PostgreSQL's custom format (``-Fc``: compressed, restorable table by table with
pg_restore). It is written under a temporary name, listed with ``pg_restore --list`` (a dump
that cannot be listed is not a backup), made owner-only and only then given its final name;
an existing file is never replaced. The password, when the URL has one, reaches pg_dump through
its environment, never its command line (which other users can see); libpq's own settings
(service file, .pgpass, PGHOST...) apply as they do for ketref.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import Engine

from ketref.db.backup import BackupError, publish_no_clobber

DUMP_TIMEOUT_S = 3600


def pg_tools() -> tuple[str, str | None] | None:
    """(pg_dump, pg_restore or None) when pg_dump is on PATH, else None."""
    dump = shutil.which("pg_dump")
    return (dump, shutil.which("pg_restore")) if dump else None


def _libpq_settings(engine: Engine) -> tuple[str, dict[str, str]]:
    """A conninfo string without the password, and the environment that carries it."""
    from psycopg.conninfo import make_conninfo

    _args, params = engine.dialect.create_connect_args(engine.url)
    password = params.pop("password", None)
    env = {**os.environ}
    if password:
        env["PGPASSWORD"] = str(password)
    settings = {k: str(v) for k, v in params.items() if isinstance(v, str | int)}  # not objects
    return make_conninfo("", **settings), env


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def dump_server(engine: Engine, destination: Path, tools: tuple[str, str | None]) -> bool:
    """Write a custom-format dump to ``destination``; True when pg_restore verified it.

    Raises:
        BackupError: pg_dump failed, the dump could not be listed, or the file cannot be
            written or already exists; nothing is left under either name.
    """
    pg_dump, pg_restore = tools
    if destination.exists():
        raise BackupError(f"{destination} already exists; choose another name.")
    conninfo, env = _libpq_settings(engine)
    temp = destination.with_name(f"{destination.name}.{os.getpid()}.partial")
    try:
        destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temp.touch(mode=0o600)
        done = subprocess.run(
            [pg_dump, "--format=custom", "--no-password", f"--file={temp}", f"--dbname={conninfo}"],
            capture_output=True,
            text=True,
            env=env,
            timeout=DUMP_TIMEOUT_S,
            check=False,
        )
        if done.returncode != 0:
            said = _last_line(done.stderr) or f"it stopped with exit code {done.returncode}"
            raise BackupError(f"pg_dump failed: {said}")
        verified = False
        if pg_restore is not None:
            listed = subprocess.run(
                [pg_restore, "--list", str(temp)],
                capture_output=True,
                text=True,
                timeout=DUMP_TIMEOUT_S,
                check=False,
            )
            if listed.returncode != 0 or "TABLE DATA" not in listed.stdout:
                said = _last_line(listed.stderr) or "it lists no table data"
                raise BackupError(f"The dump failed its check (pg_restore --list: {said}).")
            verified = True
        os.chmod(temp, 0o600)
        publish_no_clobber(temp, destination)
    except subprocess.TimeoutExpired as exc:
        raise BackupError(f"pg_dump did not finish within {DUMP_TIMEOUT_S} s.") from exc
    except OSError as exc:
        raise BackupError(f"Could not write the backup {destination}: {exc.strerror}.") from exc
    finally:
        temp.unlink(missing_ok=True)
    return verified
