#!/usr/bin/env python3
"""One-command set-up for ketref: ``python3 dev.py run``, ``test``, ``lock``, ``package``...

Every environment is installed from the lock (``requirements/*.txt``, exported from ``uv.lock``)
by pip with ``--require-hashes``, so this script needs only Python 3.11+ (Linux, macOS, Windows:
``py dev.py ...``). ``.venv`` holds ketref with its test and dev tools; it is rebuilt whenever the
lock changes. On Debian/Ubuntu the system libraries Qt needs (found by ``ldd`` on Qt's platform
plugins) are installed when running as root or with passwordless sudo; otherwise ``run`` prints
the apt-get line and stops, and ``test`` carries on with a note. ``test`` also installs
PostgreSQL's server programs that way (the postgres tests start a throwaway cluster with them).

Commands:
  run [ketref arguments]       open the app (or run a ketref command)
  test [--latest] [pytest arguments]
                               ruff, mypy, import contracts and pytest, headless; --latest uses
                               the newest versions pyproject's ranges allow (.venv-latest)
  bench [arguments]            the benchmarks (see README)
  lock [--upgrade]             refresh uv.lock and requirements/ (uv in .venv-tools)
  package [--force]            build the one-folder app in dist/ketref with PyInstaller
  setup                        only create .venv
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LATEST_VENV = ROOT / ".venv-latest"
TOOLS_VENV = ROOT / ".venv-tools"
PACKAGE_VENV = ROOT / "build" / "package-venv"
PACKAGE_SPEC = ROOT / "packaging" / "ketref.spec"
PACKAGE_DIST = ROOT / "dist"
LOCK = ROOT / "uv.lock"
REQUIREMENTS = ROOT / "requirements"
LINUX = sys.platform.startswith("linux")

# The exported sets: name -> what `uv export` includes beyond the runtime dependencies.
EXPORTS = {
    "runtime": [],
    "test": ["--extra", "test", "--group", "build"],
    "dev": ["--extra", "test", "--extra", "dev", "--group", "build"],
    "package": ["--group", "package"],
}
LATEST_EXTRAS = ".[test,dev]"
UV_REQUIREMENT = "uv>=0.9,<1"  # only for `dev.py lock`; everything else is installed by pip
PYPROJECT_STAMP = "# ketref-pyproject-dependencies-sha256: "
LOCK_STAMP = "# ketref-uv-lock-sha256: "


class DevError(Exception):
    """A problem the user can fix; main() prints it as one message and exits 2."""


def run(cmd: list[str], **kwargs: object) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT, **kwargs)  # type: ignore[call-overload]


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def venv_tool(venv: Path, name: str) -> str:
    folder = venv / ("Scripts" if os.name == "nt" else "bin")
    return str(folder / (name + (".exe" if os.name == "nt" else "")))


# --- The lock -------------------------------------------------------------------------------


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pyproject_dependency_hash() -> str:
    """A hash of everything in pyproject.toml that decides what the lock contains."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = data.get("project", {})
    tables = {
        "requires-python": project.get("requires-python"),
        "dependencies": project.get("dependencies"),
        "optional-dependencies": project.get("optional-dependencies"),
        "dependency-groups": data.get("dependency-groups"),
        "tool.uv": data.get("tool", {}).get("uv"),
        "build-system.requires": data.get("build-system", {}).get("requires"),
    }
    return sha256(json.dumps(tables, sort_keys=True).encode())


def lock_hash() -> str:
    """uv.lock's hash, the same whichever line endings git checked it out with."""
    return sha256(LOCK.read_bytes().replace(b"\r\n", b"\n"))


def lock_problem(name: str) -> str | None:
    """Why requirements/NAME.txt cannot be trusted to match pyproject.toml, or None."""
    refresh = "Refresh the lock with `python3 dev.py lock` and commit uv.lock and requirements/."
    path = REQUIREMENTS / f"{name}.txt"
    if not path.exists() or not LOCK.exists():
        return f"{path.relative_to(ROOT)} or uv.lock is missing. {refresh}"
    head = path.read_text(encoding="utf-8").splitlines()[:2]
    if head[:1] != [PYPROJECT_STAMP + pyproject_dependency_hash()]:
        return (
            f"the lock is out of date: pyproject.toml's dependencies changed since "
            f"{path.relative_to(ROOT)} was made, so it would install something else. {refresh}"
        )
    if head[1:2] != [LOCK_STAMP + lock_hash()]:
        return f"{path.relative_to(ROOT)} was not exported from this uv.lock. {refresh}"
    return None


def ensure_uv() -> str:
    """uv in its own tooling venv (pip from PyPI), so nothing else needs installing by hand."""
    uv = venv_tool(TOOLS_VENV, "uv")
    if not Path(uv).exists():
        run([sys.executable, "-m", "venv", str(TOOLS_VENV)])
        run([str(venv_python(TOOLS_VENV)), "-m", "pip", "install", "--quiet", UV_REQUIREMENT])
    return uv


def export_requirements(uv: str, env: dict[str, str]) -> None:
    """Write requirements/NAME.txt for each set, stamped with what they were made from."""
    REQUIREMENTS.mkdir(exist_ok=True)
    stamp = f"{PYPROJECT_STAMP}{pyproject_dependency_hash()}\n{LOCK_STAMP}{lock_hash()}\n"
    for name, options in EXPORTS.items():
        cmd = [uv, "export", "--frozen", "--no-emit-project", "--hashes", "--no-header", *options]
        print("+", " ".join(cmd), flush=True)
        exported = subprocess.run(
            cmd, cwd=ROOT, env=env, check=True, capture_output=True, text=True
        ).stdout
        described = " ".join(options) or "with no extras"
        header = (
            f"# The {name} set of ketref's lock, made by `python3 dev.py lock` from uv.lock "
            f"(uv export {described}).\n# Do not edit; pip installs it with --require-hashes.\n"
        )
        (REQUIREMENTS / f"{name}.txt").write_text(stamp + header + exported, newline="\n")


def cmd_lock(extra: list[str]) -> int:
    """Refresh uv.lock (``--upgrade`` moves every package to its newest allowed version)."""
    uv = ensure_uv()
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "UV_PYTHON": sys.executable}
    run([uv, "lock", *extra], env=env)
    export_requirements(uv, env)
    print("Lock refreshed: commit uv.lock and requirements/.")
    return 0


# --- Environments ---------------------------------------------------------------------------


def install_locked(venv: Path, name: str, *, with_ketref: bool) -> Path:
    """Make ``venv`` exactly requirements/NAME.txt (hash-checked), plus ketref editable."""
    problem = lock_problem(name)
    if problem:
        raise DevError(problem)
    requirements = REQUIREMENTS / f"{name}.txt"
    stamp = venv / ".ketref-installed"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = sha256(requirements.read_bytes() + json.dumps(project, sort_keys=True).encode())
    python = venv_python(venv)
    if stamp.exists() and stamp.read_text().strip() == wanted and python.exists():
        return python
    if venv.exists():  # start clean: nothing left over from an older lock
        shutil.rmtree(venv)
    run([sys.executable, "-m", "venv", str(venv)])
    pip = [str(python), "-m", "pip", "install", "--quiet"]
    run([*pip, "--require-hashes", "-r", str(requirements)])
    if with_ketref:  # hatchling comes from the lock, so no unhashed build environment
        run([*pip, "--no-deps", "--no-build-isolation", "-e", "."])
    stamp.write_text(wanted)
    return python


def install_latest() -> None:
    """.venv-latest with the newest versions pyproject's ranges allow (no lock, no hashes)."""
    python = venv_python(LATEST_VENV)
    if not python.exists():
        run([sys.executable, "-m", "venv", str(LATEST_VENV)])
    run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    upgrade = ["--upgrade", "--upgrade-strategy", "eager"]
    run([str(python), "-m", "pip", "install", "--quiet", *upgrade, "-e", LATEST_EXTRAS])
    run([str(python), "-m", "pip", "list", "--format=freeze"], stdout=sys.stderr)


def ensure_venv() -> Path:
    """The development environment: runtime, test and dev sets, ketref editable."""
    return install_locked(VENV, "dev", with_ketref=True)


# --- System libraries (Debian/Ubuntu) -------------------------------------------------------

# Tools the tests use besides Qt's libraries: PDF checks, the real X display test.
TEST_TOOLS = ["poppler-utils", "fonts-dejavu-core", "xvfb", "xauth", "x11-utils"]
GLIB_SONAMES = ("libglib-2.0", "libgobject-2.0", "libgio-2.0", "libgthread-2.0", "libgmodule-2.0")


def debian_package(soname: str) -> str:
    """Debian's package for a shared library: libxcb-cursor.so.0 -> libxcb-cursor0."""
    name, _, version = soname.partition(".so.")
    if name in GLIB_SONAMES:
        return "libglib2.0-0"
    name = name.lower()
    return f"{name}{'-' if name[-1].isdigit() else ''}{version.split('.')[0]}"


def qt_plugin(venv: Path, platform: str) -> Path | None:
    """PySide6's Qt platform plugin (``xcb``, ``offscreen``) inside ``venv``."""
    pattern = f"lib/python3*/site-packages/PySide6/Qt/plugins/platforms/libq{platform}.so"
    return next(iter(sorted(venv.glob(pattern))), None)


def missing_libraries(plugin: Path) -> list[str]:
    """Libraries the plugin (or anything it loads) needs and the system lacks, as ldd says."""
    if shutil.which("ldd") is None:
        return []
    listing = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=False)
    missing = [
        line.split("=>")[0].strip() for line in listing.stdout.splitlines() if "not found" in line
    ]
    return sorted(set(missing))


def missing_debian_packages(names: list[str]) -> list[str]:
    if shutil.which("dpkg-query") is None:
        return []
    missing = []
    for name in names:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", name], capture_output=True, text=True, check=False
        )
        if "install ok installed" not in result.stdout:
            missing.append(name)
    return missing


def missing_system_packages(venv: Path, platforms: list[str], tools: list[str]) -> list[str]:
    """Debian packages for the libraries Qt's ``platforms`` lack, and the ``tools`` missing."""
    packages: list[str] = []
    for platform in platforms:
        plugin = qt_plugin(venv, platform)
        if plugin is not None:
            packages += [debian_package(soname) for soname in missing_libraries(plugin)]
    packages += missing_debian_packages(tools)
    return sorted(set(packages))


def apt_prefix() -> list[str] | None:
    """How we may run apt-get: as root, with passwordless sudo, or not at all (None)."""
    if shutil.which("apt-get") is None:
        return None
    if os.geteuid() == 0:
        return []
    if (
        shutil.which("sudo")
        and not subprocess.run(["sudo", "-n", "true"], capture_output=True, check=False).returncode
    ):
        return ["sudo", "-n"]
    return None


def apt_install_line(packages: list[str]) -> str:
    return "sudo apt-get install " + " ".join(packages)


def install_system_packages(packages: list[str]) -> bool:
    """apt-get install ``packages`` when we may; False when we may not (nothing is run)."""
    prefix = apt_prefix()
    if prefix is None:
        return False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run([*prefix, "apt-get", "update", "-qq"], env=env)
    run([*prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], env=env)
    return True


def ensure_test_system_packages(venv: Path) -> None:
    """Qt's offscreen and xcb libraries and the test tools; a note when we cannot install."""
    if not LINUX:
        return
    missing = missing_system_packages(venv, ["offscreen", "xcb"], TEST_TOOLS)
    if missing and not install_system_packages(missing):
        print(f"Note: missing system packages; install them with: {apt_install_line(missing)}")


def ensure_window_libraries(venv: Path) -> None:
    """Qt's xcb platform libraries, installed when we may; otherwise the exact apt-get line."""
    missing = missing_system_packages(venv, ["xcb"], [])
    if not missing or install_system_packages(missing):
        return
    raise DevError(
        "the window needs system libraries that are missing. Install them with:\n"
        f"    {apt_install_line(missing)}\nthen run `python3 dev.py run` again."
    )


def ensure_postgresql() -> None:
    """PostgreSQL's server programs, for the postgres tests' throwaway cluster.

    Only when initdb is nowhere to be found and apt-get may run; no system cluster is created
    (nothing is left running). Otherwise the postgres tests do not run and pytest says why.
    """
    if (
        not LINUX
        or shutil.which("initdb")
        or list(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    ):
        return
    prefix = apt_prefix()
    if prefix is None:
        line = apt_install_line(["postgresql"])
        print(f"Note: no PostgreSQL, so the postgres tests will not run; install it with: {line}")
        return
    no_cluster = "mkdir -p {0} && echo 'create_main_cluster = false' > {0}/ketref-tests.conf"
    try:
        run([*prefix, "sh", "-c", no_cluster.format("/etc/postgresql-common/createcluster.d")])
        install_system_packages(["postgresql"])
    except subprocess.CalledProcessError as exc:
        print(f"Note: installing PostgreSQL failed ({exc}); the postgres tests will not run.")


# --- Commands -------------------------------------------------------------------------------


def spread_over_cores(extra: list[str]) -> list[str]:
    """pytest-xdist on every core, one test file per worker at a time (a file's module fixtures
    are built once), unless the arguments choose (``-n 0`` runs in one process, e.g. with -x)."""
    if any(arg == "-n" or arg.startswith(("-n", "--numprocesses")) for arg in extra):
        return extra
    return ["-n", "auto", "--dist", "loadfile", *extra]


def run_checks(venv: Path, extra: list[str]) -> int:
    """ruff, mypy, import contracts and pytest with ``venv``'s tools, headless."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    checks = [
        [venv_tool(venv, "ruff"), "check", "."],
        [venv_tool(venv, "mypy")],
        [venv_tool(venv, "lint-imports")],
        [str(venv_python(venv)), "-m", "pytest", *spread_over_cores(extra)],
    ]
    for check in checks:
        print("+", " ".join(check), flush=True)
        code = subprocess.run(check, cwd=ROOT, env=env, check=False).returncode
        if code != 0:
            print(f"FAILED: {' '.join(check)} (exit {code})", flush=True)
            return code
    return 0


def cmd_test(extra: list[str]) -> int:
    latest = "--latest" in extra
    extra = [arg for arg in extra if arg != "--latest"]
    if latest:
        install_latest()
    else:
        ensure_venv()
    venv = LATEST_VENV if latest else VENV
    ensure_test_system_packages(venv)
    ensure_postgresql()
    return run_checks(venv, extra)


def cmd_bench(extra: list[str]) -> int:
    """Every benchmark, headless: a table on stdout and bench-results.json (see README)."""
    python = ensure_venv()
    ensure_test_system_packages(VENV)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    cmd = [str(python), "-m", "tests.benchmarks", *extra]
    return subprocess.run(cmd, cwd=ROOT, env=env, check=False).returncode


def package_inputs_digest() -> str:
    """A hash of everything the packaged app is built from, to skip a build that would match."""
    digest = hashlib.sha256()
    files = [PACKAGE_SPEC, ROOT / "main.py", REQUIREMENTS / "package.txt"]
    for folder in ("ketref", "resources/content", "resources/fonts"):
        files += sorted(path for path in (ROOT / folder).rglob("*") if path.is_file())
    for path in files:
        if "__pycache__" not in path.parts:
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def cmd_package(extra: list[str]) -> int:
    """dist/ketref: the one-folder app, built by PyInstaller from a runtime-only environment.

    The environment (build/package-venv) holds the runtime set, psycopg for PostgreSQL and
    PyInstaller, all from the lock; no test or dev tools, so none end up in the app. The build
    is skipped when nothing it is made from changed (``--force`` builds anyway).
    """
    python = install_locked(PACKAGE_VENV, "package", with_ketref=False)
    stamp = ROOT / "build" / "package-inputs.sha256"
    app = PACKAGE_DIST / "ketref"
    wanted = package_inputs_digest()
    if "--force" not in extra and app.is_dir() and stamp.exists() and stamp.read_text() == wanted:
        print(f"{app.relative_to(ROOT)} is up to date (--force rebuilds it).")
        return 0
    stamp.unlink(missing_ok=True)
    started = time.monotonic()
    work = ROOT / "build" / "pyinstaller"
    paths = ["--distpath", str(PACKAGE_DIST), "--workpath", str(work), str(PACKAGE_SPEC)]
    run([str(python), "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN", *paths])
    stamp.write_text(wanted)
    size = sum(p.stat().st_size for p in app.rglob("*") if p.is_file() and not p.is_symlink())
    print(
        f"Built {app.relative_to(ROOT)} in {time.monotonic() - started:.0f} s: "
        f"{size / 1e6:.0f} MB. Run {app.relative_to(ROOT) / 'ketref'} (see README: Installing)."
    )
    return 0


def window_wanted(args: list[str]) -> bool:
    """True when ketref's arguments name no command, so it would open the window."""
    values_follow = {"--db", "--home"}
    skip = False
    for arg in args:
        if arg in {"--version", "-h", "--help"}:
            return False
        if skip or arg.startswith("-"):
            skip = arg in values_follow
            continue
        return False
    return True


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def cmd_run(extra: list[str]) -> int:
    window = LINUX and window_wanted(extra) and not os.environ.get("QT_QPA_PLATFORM")
    if window and not has_display():
        raise DevError(
            "no display (DISPLAY or WAYLAND_DISPLAY) is set, so the window cannot open; run this "
            "in a desktop session, or use the command line: python3 dev.py run --help"
        )
    python = ensure_venv()
    if window and os.environ.get("DISPLAY"):
        ensure_window_libraries(VENV)
    return subprocess.run([str(python), "main.py", *extra], cwd=ROOT, check=False).returncode


def cmd_setup(_extra: list[str]) -> int:
    ensure_venv()
    return 0


def main() -> int:
    commands = {
        "run": cmd_run,
        "test": cmd_test,
        "bench": cmd_bench,
        "lock": cmd_lock,
        "package": cmd_package,
        "setup": cmd_setup,
    }
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    try:
        return commands[sys.argv[1]](sys.argv[2:])
    except DevError as exc:
        print(f"dev.py: {exc}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as exc:  # e.g. pip refused a wheel whose hash differs
        command = " ".join(str(part) for part in exc.cmd)
        print(f"dev.py: stopped: `{command}` failed (exit {exc.returncode}), see above.")
        return exc.returncode or 1


if __name__ == "__main__":
    sys.exit(main())
