#!/usr/bin/env python3
"""One-command set-up for ketref: ``python3 dev.py run``, ``test`` or ``bench``.

Creates ``.venv`` with the standard library's venv, installs ketref with its test and dev extras
(again only when pyproject.toml changed), and then opens the app, runs every check headless
(ruff, mypy, import contracts and pytest) or runs the benchmarks in tests/benchmarks. On
Debian/Ubuntu as root (or with passwordless sudo) the test and bench commands also install the
few system libraries Qt needs when they are missing, and the test command PostgreSQL's server
programs (the postgres tests start a throwaway cluster with them).
Works with Python 3.11+ on Linux, macOS and Windows (``py dev.py ...``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".ketref-installed"
QT_DEBIAN_LIBS = [
    "libglib2.0-0",
    "libgl1",
    "libegl1",
    "libxkbcommon0",
    "libfontconfig1",
    "libdbus-1-3",
]
PDF_TOOLS = ["poppler-utils", "fonts-dejavu-core"]


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def venv_tool(name: str) -> str:
    folder = VENV / ("Scripts" if os.name == "nt" else "bin")
    return str(folder / (name + (".exe" if os.name == "nt" else "")))


def run(cmd: list[str], **kwargs: object) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT, **kwargs)  # type: ignore[call-overload]


def ensure_venv() -> None:
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted and venv_python().exists():
        return
    if not venv_python().exists():
        run([sys.executable, "-m", "venv", str(VENV)])
    run([str(venv_python()), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    run([str(venv_python()), "-m", "pip", "install", "--quiet", "-e", ".[test,dev]"])
    STAMP.write_text(wanted)


def missing_debian_packages(names: list[str]) -> list[str]:
    missing = []
    for name in names:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", name], capture_output=True, text=True, check=False
        )
        if "install ok installed" not in result.stdout:
            missing.append(name)
    return missing


def ensure_system_libraries() -> None:
    """Install Qt's runtime libraries on Debian/Ubuntu when missing and we are allowed to."""
    if not sys.platform.startswith("linux") or shutil.which("dpkg-query") is None:
        return
    missing = missing_debian_packages(QT_DEBIAN_LIBS + PDF_TOOLS)
    if not missing:
        return
    prefix: list[str] = []
    if os.geteuid() != 0:
        if (
            shutil.which("sudo") is None
            or subprocess.run(["sudo", "-n", "true"], capture_output=True, check=False).returncode
        ):
            print(f"Note: missing system packages {' '.join(missing)}; install them with apt-get.")
            return
        prefix = ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run([*prefix, "apt-get", "update", "-qq"], env=env)
    run([*prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env)


def ensure_postgresql() -> None:
    """Install PostgreSQL's server programs (for the postgres tests' throwaway cluster).

    Only on Debian/Ubuntu, only when initdb is nowhere to be found, and only as root or with
    passwordless sudo; otherwise the postgres tests are skipped, and pytest says why.
    """
    if not sys.platform.startswith("linux") or shutil.which("apt-get") is None:
        return
    if shutil.which("initdb") or list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        return
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if prefix and (
        shutil.which("sudo") is None
        or subprocess.run(["sudo", "-n", "true"], capture_output=True, check=False).returncode
    ):
        print("Note: PostgreSQL is not installed, so the postgres tests will be skipped.")
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    no_cluster = "mkdir -p {0} && echo 'create_main_cluster = false' > {0}/ketref-tests.conf"
    try:  # no system cluster: the tests start their own, and nothing is left running
        run([*prefix, "sh", "-c", no_cluster.format("/etc/postgresql-common/createcluster.d")])
        run([*prefix, "apt-get", "update", "-qq"], env=env)
        run(
            [*prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends", "postgresql"],
            env=env,
        )
    except subprocess.CalledProcessError as exc:
        print(f"Note: installing PostgreSQL failed ({exc}); the postgres tests will be skipped.")


def cmd_test(extra: list[str]) -> int:
    ensure_system_libraries()
    ensure_postgresql()
    ensure_venv()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    checks = [
        [venv_tool("ruff"), "check", "."],
        [venv_tool("mypy")],
        [venv_tool("lint-imports")],
        [str(venv_python()), "-m", "pytest", *extra],
    ]
    for check in checks:
        print("+", " ".join(check), flush=True)
        code = subprocess.run(check, cwd=ROOT, env=env, check=False).returncode
        if code != 0:
            print(f"FAILED: {' '.join(check)} (exit {code})", flush=True)
            return code
    return 0


def cmd_bench(extra: list[str]) -> int:
    """Every benchmark, headless: a table on stdout and bench-results.json (see README)."""
    ensure_system_libraries()
    ensure_venv()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    cmd = [str(venv_python()), "-m", "tests.benchmarks", *extra]
    return subprocess.run(cmd, cwd=ROOT, env=env, check=False).returncode


def cmd_run(extra: list[str]) -> int:
    ensure_venv()
    return subprocess.run([str(venv_python()), "main.py", *extra], cwd=ROOT, check=False).returncode


def main() -> int:
    commands = {
        "run": cmd_run,
        "test": cmd_test,
        "bench": cmd_bench,
        "setup": lambda _: (ensure_venv(), 0)[1],
    }
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        print(
            "usage: python3 dev.py run [ketref arguments] | test [pytest arguments] | "
            "bench [--quick] [--only NAME] [-o FILE] | setup"
        )
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
