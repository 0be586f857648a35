"""Red-team findings that need a real child process: the command line as a user runs it, under
resource limits, a private tmpfs, or beside another ketref (RELIABILITY.md RT-xx)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from ketref.domain.errors import DatabaseBusyError
from tests.conftest import file_hash, make_workspace
from tests.reliability.harness import (
    REPO,
    UNPRIVILEGED,
    posix_only,
    run_cli,
    start_worker,
    tiny_disk_prefix,
    wait_for,
)

pytestmark = pytest.mark.slow  # each case starts ketref in a child process


@posix_only
def test_rt01_cli_screen_on_dev_zero_is_one_line_and_quick(tmp_path: Path) -> None:
    """RT-01, as reported: `ketref screen /dev/zero` (and a FIFO) end at once with exit 2 and
    one line under a 1 GB address-space limit instead of growing to gigabytes or hanging."""
    fifo = tmp_path / "patient.json"
    os.mkfifo(fifo)
    for target in ("/dev/zero", str(fifo)):
        result = run_cli(
            tmp_path / "home", ["screen", target], limits={resource.RLIMIT_AS: 1 << 30}
        )
        assert result.returncode == 2, result.stderr
        assert "not a regular file" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


# --- RT-02 -----------------------------------------------------------------------------------

READ_COMMANDS = [["list", "indications"], ["db", "check"], ["db", "recover"]]


def _assert_not_called_damage(stderr: str, returncode: int) -> None:
    assert returncode == 2, stderr
    line = stderr.strip()
    assert "could not write" in line and "nothing was changed" in line
    assert "damaged" not in line and "recover" not in line and "backup" not in line
    assert len(line.splitlines()) == 1


@posix_only
@pytest.mark.sqlite_only("a full disk under a SQLite file")
def test_rt02_full_disk_is_not_damage(shipped_home: Path, tmp_path: Path) -> None:
    """RT-02, as reported: the home on a tmpfs filled to the last byte. Every command says
    "could not write: the disk is full…; nothing was changed", never "damaged" or "db recover",
    and leaves no -wal/-shm behind."""
    disk = tmp_path / "disk"
    disk.mkdir()
    prefix = tiny_disk_prefix(disk, "4m")
    if prefix is None:
        pytest.skip("cannot mount a private tmpfs here")
    out = tmp_path / "out"
    out.mkdir()
    home = disk / "home"
    commands = "\n".join(
        f'python -m ketref {" ".join(c)} >/dev/null 2>"{out}/{i}.err"; echo $? >"{out}/{i}.rc"'
        f'; ls -a "{home}/data" >"{out}/{i}.ls"'
        for i, c in enumerate(READ_COMMANDS)
    )
    script = (
        f'cp -a "{shipped_home}" "{home}" && sha256sum "{home}/data/ketref.db" >"{out}/before"'
        f' && (cat /dev/zero >"{disk}/fill" 2>/dev/null; true)\n'
        f'{commands}\nsha256sum "{home}/data/ketref.db" >"{out}/after"\n'
    )
    subprocess.run(
        [*prefix, "sh", "-c", script],
        cwd=REPO,
        env={**os.environ, "KETREF_HOME": str(home), "PATH": _path_with_python()},
        check=True,
        timeout=180,
    )
    for i in range(len(READ_COMMANDS)):
        err = (out / f"{i}.err").read_text()
        _assert_not_called_damage(err, int((out / f"{i}.rc").read_text()))
        assert "the disk is full" in err
        assert (out / f"{i}.ls").read_text().split() == [".", "..", "ketref.db"]
    assert (out / "before").read_text() == (out / "after").read_text()


@posix_only
@pytest.mark.sqlite_only("the SQLite file's size limit")
@pytest.mark.parametrize("argv", [*READ_COMMANDS, ["db", "backup"]], ids=" ".join)
def test_rt02_file_size_limit_is_not_damage(shipped_home: Path, argv: list[str]) -> None:
    """RT-02: an RLIMIT_FSIZE below the library's size gives the same plain refusal."""
    database = shipped_home / "data" / "ketref.db"
    before = file_hash(database)
    result = run_cli(shipped_home, argv, limits={resource.RLIMIT_FSIZE: 16 * 1024})
    _assert_not_called_damage(result.stderr, result.returncode)
    assert "file size limit" in result.stderr
    assert sorted(p.name for p in database.parent.iterdir()) == ["ketref.db"]
    assert file_hash(database) == before


def _path_with_python() -> str:
    return f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"


# --- RT-03 -----------------------------------------------------------------------------------


def _read_only_tree(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)


@posix_only
@pytest.mark.sqlite_only("a read-only SQLite library")
def test_rt03_read_only_home_reads_work_and_writes_are_one_line(shipped_home: Path) -> None:
    """RT-03, as reported: a read-only home (folders 0555, files 0444, as a non-root user).
    Logging set-up no longer ends in a traceback with exit 1: commands that only read work
    (the library is opened read-only, logs go to stderr), a write is one line with exit 2,
    and nothing in the home changes."""
    if UNPRIVILEGED is None:
        pytest.skip("running as root without setpriv: permissions cannot be enforced")
    (shipped_home / "logs").mkdir(exist_ok=True)
    _read_only_tree(shipped_home)
    before = {p: file_hash(p) for p in shipped_home.rglob("*") if p.is_file()}
    reads = {
        ("list", "indications"): "treatment-resistant-depression",
        ("search", "blood pressure"): "uncontrolled-hypertension",
        ("db", "check"): "Integrity: ok",
        ("content", "status"): "",
    }
    for argv, expected in reads.items():
        result = run_cli(shipped_home, list(argv), prefix=UNPRIVILEGED)
        assert result.returncode == 0, (argv, result.stderr)
        assert expected in result.stdout
        assert "Traceback" not in result.stderr and "Logging error" not in result.stderr
    write = run_cli(
        shipped_home, ["thresholds", "set", "--bp-stop", "170/100"], prefix=UNPRIVILEGED
    )
    assert write.returncode == 2, write.stderr
    assert len(write.stderr.strip().splitlines()) == 1 and "read-only" in write.stderr
    after = {p: file_hash(p) for p in shipped_home.rglob("*") if p.is_file()}
    assert after == before


@posix_only
def test_rt03_home_that_cannot_be_created_is_one_line(tmp_path: Path) -> None:
    """RT-03: --home inside a read-only folder: exit 2 and one line naming the folder."""
    if UNPRIVILEGED is None:
        pytest.skip("running as root without setpriv: permissions cannot be enforced")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    result = run_cli(
        tmp_path / "unused",
        ["--home", str(locked / "ketref"), "list", "indications"],
        prefix=UNPRIVILEGED,
    )
    assert result.returncode == 2, result.stderr
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1 and "cannot use the ketref folders" in line
    assert str(locked) in line


# --- RT-07 -----------------------------------------------------------------------------------


@posix_only
def test_rt07_screenshot_without_a_display_renders_offscreen(
    shipped_home: Path, tmp_path: Path
) -> None:
    """RT-07, as reported: `ketref screenshot` with no DISPLAY, WAYLAND_DISPLAY or
    QT_QPA_PLATFORM aborted with SIGABRT (exit 134); it now renders offscreen by itself."""
    env = {k: v for k, v in os.environ.items() if k not in HEADLESS_UNSET}
    out = tmp_path / "page.png"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ketref",
            "screenshot",
            "--page",
            "contraindications",
            "-o",
            str(out),
        ],
        cwd=REPO,
        env={**env, "KETREF_HOME": str(shipped_home)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert out.stat().st_size > 10_000


HEADLESS_UNSET = {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}


# --- RT-12 -----------------------------------------------------------------------------------


@posix_only
@pytest.mark.sqlite_only("SQLite restore")
def test_rt12_restore_while_another_ketref_has_the_library_open_is_refused(
    data_dir: Path,
) -> None:
    """RT-12: restoring while another ketref had the library open swapped the file under it.
    Now the restore (and `db recover`) is refused with one clear line while the other process
    holds it, nothing changes, and it works once that process has gone."""
    ws = make_workspace(data_dir)
    services = ws.open()
    backup = services.maintenance.backup()
    services.close()
    database = ws.paths.database
    before = file_hash(database)
    holder = start_worker("hold-open", home=str(data_dir))
    try:
        wait_for(holder)
        with pytest.raises(DatabaseBusyError, match=r"Another ketref .* has ketref\.db open"):
            ws.restore(backup)
        assert file_hash(database) == before
        assert not list(database.parent.glob("ketref.db.before-restore-*"))
    finally:
        holder.kill()
        holder.communicate(timeout=30)
    aside = ws.restore(backup)
    assert aside.exists() and file_hash(database) != before


@posix_only
def test_rt03_read_only_home_without_a_library_is_one_line(tmp_path: Path) -> None:
    """RT-03: a read-only home whose library does not exist yet: creating one is impossible,
    so one line with exit 2 (not "internal error"), and nothing is left in the folder."""
    if UNPRIVILEGED is None:
        pytest.skip("running as root without setpriv: permissions cannot be enforced")
    home = tmp_path / "home"
    for name in ("data", "config", "logs", "backups"):
        (home / name).mkdir(parents=True)
    _read_only_tree(home)
    result = run_cli(home, ["list", "indications"], prefix=UNPRIVILEGED)
    assert result.returncode == 2, result.stderr
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1 and "cannot be created" in line and "read-only" in line
    assert list((home / "data").iterdir()) == []


@posix_only
def test_rt02_new_library_on_a_full_disk_is_not_damage(tmp_path: Path) -> None:
    """RT-02: the first start on a disk too small for the library: "could not write", no
    half-created file left behind."""
    disk = tmp_path / "disk"
    disk.mkdir()
    prefix = tiny_disk_prefix(disk, "300k")
    if prefix is None:
        pytest.skip("cannot mount a private tmpfs here")
    home = disk / "home"
    script = f'python -m ketref list indications; echo "rc=$?"; ls -A "{home}/data"'
    result = subprocess.run(
        [*prefix, "sh", "-c", script],
        cwd=REPO,
        env={**os.environ, "KETREF_HOME": str(home), "PATH": _path_with_python()},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    _assert_not_called_damage(result.stderr, 2)
    assert "the disk is full" in result.stderr
    assert result.stdout.strip() == "rc=2"  # and no file listed in the data folder
