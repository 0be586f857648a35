"""A throwaway PostgreSQL cluster for the tests and benchmarks: initdb + pg_ctl in a temp folder.

No system service is needed: the cluster lives in a fresh temporary folder, listens on a free
local port (TCP with SCRAM passwords, so password errors are real, plus a Unix socket in the same
folder), and is stopped and deleted at the end. As root the server runs as the ``postgres`` OS
user, because initdb refuses to run as root. Settings favour speed over durability (fsync off):
the data is thrown away anyway.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

SUPERUSER = "postgres"


class ClusterUnavailableError(Exception):
    """PostgreSQL cannot be started here; the message says why in one line."""


def find_bindir() -> Path | None:
    """The folder holding initdb and pg_ctl: PATH, pg_config, or Debian's versioned folders."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(os.path.realpath(on_path)).parent
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        candidate = Path(out.stdout.strip())
        if (candidate / "initdb").exists():
            return candidate
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(debian[0]).parent if debian else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run_as_prefix() -> list[str]:
    """Root cannot run initdb or postgres: run them as the postgres OS user."""
    if os.name != "posix" or os.geteuid() != 0:
        return []
    try:
        import pwd

        pwd.getpwnam("postgres")
    except KeyError as exc:
        raise ClusterUnavailableError(
            "running as root and there is no 'postgres' OS user to run the server as"
        ) from exc
    runuser = shutil.which("runuser")
    if runuser is None:
        raise ClusterUnavailableError("running as root and 'runuser' is missing")
    return [runuser, "-u", "postgres", "--"]


@dataclass
class Cluster:
    """A running throwaway cluster; ``url(dbname)`` is a SQLAlchemy URL with the superuser."""

    bindir: Path
    root: Path
    port: int
    password: str
    prefix: list[str] = field(default_factory=list)
    version: str = ""

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, dbname: str, user: str = SUPERUSER, password: str | None = None) -> str:
        secret = self.password if password is None else password
        return f"postgresql+psycopg://{user}:{secret}@127.0.0.1:{self.port}/{dbname}"

    def conninfo(self, dbname: str = "postgres") -> str:
        return (
            f"host=127.0.0.1 port={self.port} dbname={dbname} user={SUPERUSER} "
            f"password={self.password}"
        )

    def execute(self, *statements: str, dbname: str = "postgres") -> None:
        """Run statements in autocommit (CREATE/DROP DATABASE cannot run in a transaction)."""
        import psycopg

        with psycopg.connect(self.conninfo(dbname), autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)  # type: ignore[arg-type]

    def _ctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.prefix, str(self.bindir / "pg_ctl"), "-D", str(self.data), *args],
            capture_output=True,
            text=True,
            check=False,
        )

    def is_running(self) -> bool:
        return self._ctl("status").returncode == 0

    def stop(self) -> None:
        """Stop the server (fast shutdown) and delete the folder."""
        if self.data.exists():
            self._ctl("stop", "-m", "fast", "-w")
        shutil.rmtree(self.root, ignore_errors=True)


def start_cluster() -> Cluster:
    """initdb a new cluster in a temp folder and start it on a free port.

    Raises:
        ClusterUnavailableError: PostgreSQL's server programs are missing or would not start.
    """
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        raise ClusterUnavailableError(
            "the psycopg driver is not installed (pip install psycopg)"
        ) from exc
    bindir = find_bindir()
    if bindir is None:
        raise ClusterUnavailableError("initdb/pg_ctl not found (install the 'postgresql' package)")
    prefix = _run_as_prefix()
    root = Path(tempfile.mkdtemp(prefix="ketref-pg-"))
    root.chmod(0o755)
    password = secrets.token_hex(12)
    pwfile = root / "pw"
    pwfile.write_text(password + "\n")
    if prefix:
        shutil.chown(root, user="postgres")
        shutil.chown(pwfile, user="postgres")
    cluster = Cluster(bindir=bindir, root=root, port=_free_port(), password=password, prefix=prefix)
    init = subprocess.run(
        [
            *prefix,
            str(bindir / "initdb"),
            "-D",
            str(cluster.data),
            "-U",
            SUPERUSER,
            "--pwfile",
            str(pwfile),
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    pwfile.unlink()
    if init.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        last = (init.stderr.strip().splitlines() or ["no output"])[-1]
        raise ClusterUnavailableError(f"initdb failed: {last}")
    options = (
        f"-p {cluster.port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
        "-c shared_buffers=32MB"
    )
    started = cluster._ctl("-o", options, "-l", str(root / "server.log"), "-w", "-t", "30", "start")
    if started.returncode != 0:
        log = (
            (root / "server.log").read_text(errors="replace")
            if (root / "server.log").exists()
            else ""
        )
        cluster.stop()
        last = (log.strip().splitlines() or [started.stderr.strip() or "no output"])[-1]
        raise ClusterUnavailableError(f"pg_ctl start failed: {last}")
    version = subprocess.run(
        [str(bindir / "pg_ctl"), "--version"], capture_output=True, text=True, check=False
    )
    cluster.version = version.stdout.strip()
    return cluster
