"""Red-team findings (RELIABILITY.md RT-01 ... RT-13; RT-10 and RT-11 in
test_red_team_schema_audit.py), each fixed and kept fixed by a test here
or, where it needs a child process, in test_red_team_processes.py."""

from __future__ import annotations

import json
import os
import resource
import signal
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ketref.app import main
from ketref.bounded_read import FileTooLargeError, read_bounded
from ketref.content.safe_yaml import MAX_DEPTH, YamlError, load_yaml
from ketref.db.engine import inspect_sqlite_file
from ketref.db.errors import IndexDamageError
from ketref.db.health import Integrity
from ketref.domain.errors import BadInputError, ContentError
from ketref.domain.patient import template
from ketref.domain.text_rules import BAD_CHARACTER
from ketref.services.recovery import DatabaseProblem, RecoveryNeededError
from ketref.services.screening import load_patient_file
from ketref.services.workspace import Services, Workspace
from tests.conftest import make_workspace
from tests.reliability.harness import (
    damage_index,
    integrity_ok,
    logical_snapshot,
    posix_only,
)

# --- RT-13 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "payload:\n  x: " + "[" * 1000 + "]" * 1000 + "\n",
        "a: " + "{b: " * 2000 + "1" + "}" * 2000 + "\n",
        "".join("  " * n + f"k{n}:\n" for n in range(200)) + "  " * 200 + "v\n",
    ],
    ids=["flow-list-1000", "flow-map-2000", "block-200"],
)
def test_rt13_deep_yaml_gets_ketrefs_message_whatever_the_pyyaml(text: str) -> None:
    """RT-13: PyYAML 6.0.4's libyaml stops deep nesting with its own "exceeded maximum nesting
    depth"; ketref says the same as with 6.0.1-6.0.3 ("nested more than 64 levels deep")."""
    with pytest.raises(YamlError, match=f"nested more than {MAX_DEPTH} levels deep"):
        load_yaml(text)


# --- RT-01 -----------------------------------------------------------------------------------


@contextmanager
def _deadline(seconds: int = 10) -> Iterator[None]:
    """Fail (instead of hanging the suite) if the block blocks, e.g. on a FIFO with no writer."""

    def _alarm(*_: object) -> None:
        raise AssertionError(f"blocked for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _hostile(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.json"
    if kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    elif kind == "sparse-huge":
        with path.open("wb") as handle:
            handle.truncate(8 << 30)  # claims 8 GB, occupies nothing
    return path


HOSTILE = ["dev-zero", "fifo", "folder", "sparse-huge"]


@posix_only
@pytest.mark.parametrize("kind", HOSTILE)
def test_rt01_patient_file_pack_and_logo_are_bounded_reads(
    opened: Services, tmp_path: Path, kind: str
) -> None:
    """RT-01: /dev/zero behind a link, a FIFO with no writer, a folder and an 8 GB sparse file
    as a patient file, a pack and a logo: each refused at once with one message naming what it
    is, memory bounded (the process would need gigabytes otherwise)."""
    path = _hostile(tmp_path, kind)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    expected = "too large" if kind == "sparse-huge" else "not a regular file"
    with _deadline():
        with pytest.raises(BadInputError, match=expected):
            load_patient_file(path)
        with pytest.raises(BadInputError, match=expected if kind != "sparse-huge" else "pack too"):
            opened.packs.read(path)
        with pytest.raises(BadInputError, match=expected):
            opened.clinic.read_logo_file(path)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100


@posix_only
def test_rt01_a_file_longer_than_it_claims_is_cut_at_limit_plus_one(tmp_path: Path) -> None:
    """RT-01: the cap holds by reading, not by trusting stat: a device reports size 0 and a
    /proc file too, yet streams on; read_bounded reads limit + 1 bytes and stops."""
    proc = Path("/proc/self/status")  # a regular file that stat says is 0 bytes long
    assert proc.stat().st_size == 0
    with pytest.raises(FileTooLargeError) as info:
        read_bounded(proc, 10)
    assert info.value.size == 11
    assert read_bounded(proc, 1 << 20).startswith(b"Name:")


@posix_only
@pytest.mark.parametrize("kind", HOSTILE)
def test_rt01_content_folder_reads_are_bounded(tmp_path: Path, kind: str) -> None:
    """RT-01: a content file that is a link to /dev/zero, a FIFO, a folder named *.yaml or a
    huge sparse file is a listed problem, never a hang or an unbounded read."""
    from ketref.content.schedules import read_schedule_templates

    folder = tmp_path / "content" / "schedules"
    folder.mkdir(parents=True)
    hostile = _hostile(folder, kind).rename(folder / "bad.yaml")
    with _deadline(), pytest.raises(ContentError, match=r"bad\.yaml"):
        read_schedule_templates(tmp_path / "content", known_references=set())
    assert hostile.name == "bad.yaml"


# --- RT-04 -----------------------------------------------------------------------------------


@pytest.mark.sqlite_only("SQLite index pages")
def test_rt04_index_only_damage_is_one_finding_everywhere_and_reindexed(ws: Workspace) -> None:
    """RT-04: a key changed in an index page (rows intact). quick_check passes; before, the
    start-up passed, `db check` said DAMAGED and `db recover` said "healthy". Now the start-up
    check, `db check`, `db recover` and backup verification share one definition; start-up
    rebuilds the indexes after keeping a copy, says so, and loses nothing."""
    database = ws.paths.database
    before = logical_snapshot(database)
    damage_index(database)
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA quick_check").fetchone() == ("ok",)
    assert not integrity_ok(database)
    with pytest.raises(IndexDamageError, match="damaged indexes"):
        inspect_sqlite_file(database)
    diagnosis = ws.diagnose()
    assert diagnosis is not None and diagnosis.problem is DatabaseProblem.INDEXES
    assert "ketref db recover" in diagnosis.one_line()
    services = ws.open()
    try:
        assert services.repaired is not None and "indexes were rebuilt" in services.repaired
        assert services.maintenance.check().integrity_ok
    finally:
        services.close()
    assert logical_snapshot(database) == before
    copies = sorted(database.parent.glob("ketref.db.before-reindex-*"))
    assert len(copies) == 1 and not integrity_ok(copies[0])  # the file exactly as it was


@pytest.mark.sqlite_only("SQLite index pages")
def test_rt04_db_recover_rebuilds_indexes_instead_of_calling_them_healthy(ws: Workspace) -> None:
    """RT-04: `db recover` on index-only damage rebuilds the indexes (no backup restored)."""
    database = ws.paths.database
    before = logical_snapshot(database)
    damage_index(database)
    result = ws.recover()
    assert result.restored is None and result.aside is not None and result.aside.exists()
    assert "rebuilt" in result.report()
    assert integrity_ok(database) and logical_snapshot(database) == before
    assert ws.diagnose() is None


def test_rt04_a_check_that_fails_on_rows_is_damage_not_an_index_repair() -> None:
    """RT-04: only index lines count as index-only damage; anything else is damage."""
    assert Integrity(
        ("row 3 missing from index ix_a", "wrong # of entries in index ix_a")
    ).index_only
    assert not Integrity(
        ("row 3 missing from index ix_a", "Page 7: btreeInitPage() error")
    ).index_only
    assert not Integrity(()).index_only and Integrity(()).ok


# --- RT-05 -----------------------------------------------------------------------------------


@posix_only
@pytest.mark.sqlite_only("the library's file path")
@pytest.mark.parametrize("kind", ["device", "fifo", "folder"])
def test_rt05_non_regular_file_at_the_library_path_is_never_moved(ws: Workspace, kind: str) -> None:
    """RT-05: `db recover` renamed a device node aside and put a database in its place. Now a
    device, FIFO or folder at the library's path is refused by start-up, diagnose, recover and
    restore alike with one line, and stays exactly where and what it was."""
    services = ws.open()
    backup = services.maintenance.backup()
    services.close()
    database = ws.paths.database
    database.unlink()
    if kind == "device":
        try:
            os.mknod(database, 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # like /dev/null
        except PermissionError:
            pytest.skip("creating a device node needs root")
    elif kind == "fifo":
        os.mkfifo(database)
    else:
        database.mkdir()
    before = sorted(p.name for p in database.parent.iterdir())
    with _deadline():
        with pytest.raises(RecoveryNeededError) as opened:
            ws.open()
        assert opened.value.diagnosis.problem is DatabaseProblem.NOT_A_FILE
        assert not opened.value.diagnosis.can_recover
        assert "not a regular file" in str(opened.value)
        with pytest.raises(BadInputError, match="not a regular file"):
            ws.recover()
        with pytest.raises(BadInputError, match="not a regular file"):
            ws.restore(backup)
    assert sorted(p.name for p in database.parent.iterdir()) == before
    mode = os.lstat(database).st_mode
    assert {"device": stat.S_ISCHR, "fifo": stat.S_ISFIFO, "folder": stat.S_ISDIR}[kind](mode)


# --- RT-06 -----------------------------------------------------------------------------------

ESCAPES = {
    "ESC": "sertraline\x1b]0;pwned\x07\x1b[2J",
    "BEL": "lithium\x07",
    "RLO": "\u202elitihum",
    "C1": "bupropion\x9b31m",
}


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize("name", ESCAPES.values(), ids=ESCAPES.keys())
def test_rt06_terminal_escapes_in_a_patient_file_are_refused_naming_the_field(
    capsys: pytest.CaptureFixture[str], shipped_home: Path, tmp_path: Path, name: str, as_json: bool
) -> None:
    """RT-06: medicine names with ESC sequences, BEL, C1 controls or U+202E were echoed raw
    by `screen`. Patient files now follow the packs' character rule: refused, naming the field
    and the character, the same with and without --json; nothing raw reaches the terminal."""
    patient = {**template(), "medications": [name]}
    path = tmp_path / "patient.json"
    path.write_text(json.dumps(patient, ensure_ascii=False), encoding="utf-8")
    argv = ["--home", str(shipped_home), "screen", str(path), *(["--json"] if as_json else [])]
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert "medications: a drug name contains a" in err
    assert len(err.strip().splitlines()) == 1
    assert BAD_CHARACTER.search(err) is None


def test_rt06_escapes_in_unknown_keys_are_shown_as_codes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """RT-06: a key is echoed in the message, so its controls are shown as <U+001B>."""
    path = tmp_path / "patient.json"
    path.write_text(json.dumps({"\x1b[2Jage": 1}), encoding="utf-8")
    assert main(["--home", str(tmp_path / "home"), "screen", str(path)]) == 2
    err = capsys.readouterr().err
    assert "<U+001B>[2Jage: unknown field" in err
    assert BAD_CHARACTER.search(err) is None


# --- RT-09 -----------------------------------------------------------------------------------


@pytest.fixture
def loose_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@posix_only
@pytest.mark.sqlite_only("SQLite backups")
@pytest.mark.usefixtures("loose_umask")
def test_rt09_backup_partial_is_owner_only_from_the_first_byte(opened: Services) -> None:
    """RT-09: a backup's .partial file was created 0644 and chmod-ed only at the end; under a
    umask of 022 it is 0600 while the copy runs (seen from the progress callback)."""
    modes: set[int] = set()
    folder = opened.maintenance.backups.folder

    def progress(_remaining: int, _total: int) -> None:
        partials = list(folder.glob("*.partial"))
        assert partials, "the copy runs into a .partial file"
        modes.update(stat.S_IMODE(p.stat().st_mode) for p in partials)

    backup = opened.maintenance.backup(progress=progress)
    assert modes == {0o600}
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600


@posix_only
@pytest.mark.usefixtures("loose_umask")
def test_rt09_new_home_and_library_are_owner_only_from_the_start(tmp_path: Path) -> None:
    """RT-09: a new --home (and any missing parent) was 0755; every folder ketref creates is
    0700 and the new library, its -wal and -shm are 0600, whatever the umask."""
    home = tmp_path / "new" / "clinic" / "ketref-home"
    workspace = make_workspace(home)
    services = workspace.open()
    try:
        for folder in (tmp_path / "new", tmp_path / "new" / "clinic", home, *home.iterdir()):
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
        data = workspace.paths.data
        files = [p for p in data.iterdir() if p.name.startswith("ketref.db")]
        assert {p.name for p in files} >= {"ketref.db", "ketref.db-wal", "ketref.db-shm"}
        assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o600}
    finally:
        services.close()
