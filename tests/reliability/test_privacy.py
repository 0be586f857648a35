"""Privacy (RELIABILITY.md section 7, PV-*): logs, file modes, deleted data, the audit trail."""

from __future__ import annotations

import json
import logging
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from ketref.app import main
from ketref.domain.enums import ItemKind
from ketref.domain.errors import BadInputError
from ketref.domain.field_words import local_and_utc
from ketref.log import hide_in_logs, setup_logging
from ketref.paths import AppPaths
from ketref.services.workspace import Services
from tests.conftest import FIXTURE_CONTENT, make_workspace
from tests.reliability.harness import export_payload, home_with, posix_only, write_pack
from tests.reliability.privacy import (
    MARKER,
    PRIVATE_COMMANDS,
    expand,
    files_containing,
    forms,
)

pytestmark = pytest.mark.cli

KIND, SLUG = ItemKind.CONTRAINDICATION, "uncontrolled-hypertension"


@pytest.fixture(autouse=True)
def _restore_logging() -> Any:
    """main() installs the file handler on the root logger; take it away after each test."""
    yield
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_ketref", False):
            root.removeHandler(handler)
            handler.close()


# --- PV-03 ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def marker_files(tmp_path_factory: pytest.TempPathFactory, seeded_template: Path) -> Path:
    """A pack and a backup whose file names carry the marker, made once."""
    scratch = tmp_path_factory.mktemp("marker-files")
    services = make_workspace(home_with(seeded_template, scratch / "home")).open()
    try:
        services.packs.export(scratch / f"{MARKER}.json", everything=True)
        services.maintenance.backup(scratch / f"{MARKER}.db")
    finally:
        services.close()
    return scratch


@pytest.fixture
def fixture_content_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI loads the small fixture knowledge base instead of the shipped one (speed)."""
    monkeypatch.setattr("ketref.app.resources_dir", lambda: FIXTURE_CONTENT.parent)


@pytest.mark.parametrize("argv", PRIVATE_COMMANDS, ids=lambda a: " ".join(a[:2]))
@pytest.mark.usefixtures("fixture_content_cli")
def test_pv03_commands_never_log_patient_text(
    argv: tuple[str, ...],
    data_dir: Path,
    marker_files: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """PV-03: each command run with a patient-like name (debug logging on): the name is in no
    log file, whatever the command's outcome."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    for name in (f"{MARKER}.json", f"{MARKER}.db"):
        shutil.copy2(marker_files / name, scratch / name)
    if argv[:2] == ("db", "backup"):
        (scratch / f"{MARKER}.db").unlink()
    code = main(["--home", str(data_dir), "-v", *expand(argv, scratch)])
    capsys.readouterr()
    assert code in (0, 2)
    logs = AppPaths.resolve(data_dir).logs
    assert (logs / "ketref.log").stat().st_size > 0
    assert files_containing(logs) == []


def test_pv03_internal_error_text_is_kept_out_of_the_log_and_the_terminal(
    shipped_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """PV-03: an unexpected exception whose message (and locals) hold the name: the log has the
    traceback frames and the exception type, never the message; stderr points to the log."""
    from ketref.services.catalogue import CatalogueService

    def broken(self: Any, query: str, limit: int = 20) -> Any:
        patient = query  # a local holding the name: tracebacks must not show locals
        raise RuntimeError(f"could not rank results for {patient}")

    monkeypatch.setattr(CatalogueService, "search", broken)
    code = main(["--home", str(shipped_home), "-v", "search", MARKER])
    err = capsys.readouterr().err
    assert code == 1
    assert "internal error; details are in" in err
    assert not any(form.decode() in err for form in forms())
    logs = AppPaths.resolve(shipped_home).logs
    log_text = (logs / "ketref.log").read_text(encoding="utf-8")
    assert "builtins.RuntimeError: [message hidden" in log_text
    assert "in broken" in log_text
    assert files_containing(logs) == []


def test_pv03_sql_echo_and_database_errors_hide_parameters(
    opened: Services, data_dir: Path
) -> None:
    """PV-03: with SQL statement logging switched on, parameters never reach the log, and a
    database error's own text does not carry them either."""
    logs = AppPaths.resolve(data_dir).logs
    setup_logging(logs, verbose=True)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)
    try:
        opened.catalogue.edit_item(KIND, SLUG, {"summary": f"Seen with {MARKER}."})
        with pytest.raises(IntegrityError) as info, opened.db.write() as session:
            session.execute(
                text("INSERT INTO ketref_meta(key, value) VALUES ('app', :v)"), {"v": MARKER}
            )
    finally:
        logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    assert not any(form.decode() in str(info.value) for form in forms())
    assert "SQL parameters hidden" in (logs / "ketref.log").read_text(encoding="utf-8")
    assert files_containing(logs) == []


def test_pv03_values_registered_as_private_are_scrubbed(data_dir: Path) -> None:
    """PV-03: text a service marks with hide_in_logs never reaches a record, even if logged."""
    logs = AppPaths.resolve(data_dir).logs
    setup_logging(logs)
    log = logging.getLogger("ketref.test")
    with hide_in_logs(MARKER, "call 555 0100"):
        log.warning("rendering a handout for %s (notes: %s)", MARKER, "call 555 0100")
    log.warning("after the block: %s", "ordinary text")
    written = (logs / "ketref.log").read_text(encoding="utf-8")
    assert "rendering a handout for [hidden] (notes: [hidden])" in written
    assert "ordinary text" in written
    assert files_containing(logs) == []


def test_pv08_a_server_password_never_reaches_the_log_or_the_screen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """PV-08 (the part ketref has today): a PostgreSQL URL's password is masked in messages and
    never logged, even when the connection fails."""
    home = tmp_path / "home"
    url = "postgresql+psycopg://clinic:S3cretPassw0rd@127.0.0.1:1/ketref"
    code = main(["--home", str(home), "--db", url, "-v", "list", "handouts"])
    err = capsys.readouterr().err
    assert code == 2
    assert "S3cretPassw0rd" not in err
    assert "***" in err
    assert "S3cretPassw0rd" not in (home / "logs" / "ketref.log").read_text(encoding="utf-8")


# --- PV-05 ---------------------------------------------------------------------------------


@posix_only
@pytest.mark.usefixtures("fixture_content_cli")
def test_pv05_every_file_ketref_writes_is_owner_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """PV-05: after a first run, a backup, a daily backup, a pack export and a restore, every
    folder is 0700 and every file 0600 (database, -wal/-shm, backups, logs, state), and no
    temporary file is left behind."""
    home = tmp_path / "home"
    assert main(["--home", str(home), "content", "status"]) == 0
    assert main(["--home", str(home), "db", "backup"]) == 0
    paths = AppPaths.resolve(home)
    assert main(["--home", str(home), "pack", "export", str(paths.data / "p.json"), "--all"]) == 0
    backup = next(paths.backups.glob("ketref-*.db"))
    assert main(["--home", str(home), "db", "restore", str(backup)]) == 0
    capsys.readouterr()
    services = make_workspace(home).open()
    try:
        services.maintenance.backup_on_start()
        services.catalogue.edit_item(KIND, SLUG, {"summary": "Opened while checking."})
        assert Path(f"{paths.database}-wal").exists()  # checked while the library is open
        loose = {
            str(p.relative_to(home)): oct(p.stat().st_mode & 0o777)
            for p in home.rglob("*")
            if p.stat().st_mode & 0o077
        }
    finally:
        services.close()
    assert loose == {}
    leftovers = [
        p.name
        for p in home.rglob("*")
        if p.suffix in {".partial", ".part", ".creating", ".restoring"}
    ]
    assert leftovers == []


@posix_only
def test_pv05_existing_folders_are_tightened_to_owner_only(tmp_path: Path) -> None:
    """PV-05: ketref's own folders left readable by others are made owner-only at start."""
    paths = AppPaths.resolve(tmp_path / "home")
    paths.data.mkdir(parents=True)
    paths.data.chmod(0o755)
    paths.ensure()
    assert paths.data.stat().st_mode & 0o777 == 0o700


# --- deleting data really removes it (issue 7, PV) -------------------------------------------


@pytest.mark.sqlite_only("SQLite free pages and WAL")
def test_deleted_text_is_gone_from_the_files(opened: Services) -> None:
    """secure_delete plus a truncating checkpoint: a deleted row's text is in neither the
    database file nor its -wal afterwards."""
    database = opened.db.target.path
    assert database is not None
    with opened.db.write() as session:
        session.execute(
            text("INSERT INTO ketref_meta(key, value) VALUES ('note', :v)"),
            {"v": f"Escort for {MARKER}"},
        )
    with opened.db.write() as session:
        session.execute(text("DELETE FROM ketref_meta WHERE key = 'note'"))
    assert opened.maintenance.erase_deleted()
    for path in (database, Path(f"{database}-wal")):
        if path.exists():
            data = path.read_bytes()
            assert not any(form in data for form in forms()), path.name


# --- PV-06 ---------------------------------------------------------------------------------


def test_pv06_an_edit_is_audited_with_who_when_what_and_from_which_version(
    opened: Services,
) -> None:
    """PV-06: one audit event per edit: OS user (or the given actor), time, action, item, the
    changed fields with values before and after, both hashes and the content version."""
    before = opened.catalogue.get_item(KIND, SLUG)
    after = opened.catalogue.edit_item(KIND, SLUG, {"summary": "Audited wording."}, actor="dr-a")
    event = opened.audit.events(1)[0]
    assert (event.actor, event.action, event.kind, event.slug) == ("dr-a", "edit", KIND.value, SLUG)
    assert event.at.isoformat() == "2026-11-21T09:30:00+00:00"
    assert event.content_version == "1.0.0"
    assert event.detail["fields"] == ["summary"]
    assert event.detail["changes"]["summary"] == {
        "before": before.item.summary,
        "after": "Audited wording.",
    }
    assert event.detail["before_hash"] == before.fingerprint
    assert event.detail["after_hash"] == after.fingerprint


def test_pv06_a_refused_edit_leaves_no_audit_event(opened: Services) -> None:
    """PV-06: an edit that fails validation writes nothing, audit included."""
    count = len(opened.audit.events(1000))
    with pytest.raises(BadInputError):
        opened.catalogue.edit_item(KIND, SLUG, {"review_due": "2000-01-01"})
    assert len(opened.audit.events(1000)) == count


def test_pv06_a_failed_audit_write_fails_the_edit(
    opened: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PV-06: the audit event is in the same transaction: if it cannot be written, the edit is
    not saved either."""
    from ketref.db import repositories

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr(repositories, "audit", broken)
    with pytest.raises(RuntimeError):
        opened.catalogue.edit_item(KIND, SLUG, {"summary": "Never saved."})
    monkeypatch.undo()
    assert opened.catalogue.get_item(KIND, SLUG).item.summary != "Never saved."


def test_pv06_imports_are_audited_per_item_and_carry_the_source_history(
    opened: Services, tmp_path: Path
) -> None:
    """PV-06: a pack import records one event per item (with the exporting library's history of
    that item) and one for the pack; the pack itself carries the audit trail."""
    opened.catalogue.edit_item(KIND, SLUG, {"summary": "Clinic A's wording."}, actor="dr-a")
    payload = export_payload(opened, tmp_path)
    assert any(e["action"] == "edit" and e["actor"] == "dr-a" for e in payload["audit"])
    record = next(r for r in payload["items"] if r["item"]["slug"] == SLUG)
    record["item"]["summary"] = "Clinic B's wording."
    report = opened.packs.import_pack(
        write_pack(tmp_path / "p.json", payload), overwrite_local=True
    )
    assert report.updated == [f"{KIND.value}/{SLUG}"]
    item_event = opened.audit.events(1, slug=SLUG, action="import")[0]
    assert item_event.content_version == "1.0.0"
    assert item_event.detail["pack"] == report.pack
    assert [h["actor"] for h in item_event.detail["history"]][-1] == "dr-a"
    pack_event = opened.audit.events(1, action="import-pack")[0]
    assert pack_event.detail["updated"] == 1


@pytest.mark.usefixtures("fixture_content_cli")
def test_pv06_audit_command_lists_events_newest_first(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``ketref audit --json --limit N`` lists the newest N events."""
    services = make_workspace(data_dir).open()
    for n in range(3):
        services.catalogue.edit_item(KIND, SLUG, {"summary": f"Version {n}."}, actor=f"dr-{n}")
    services.close()
    assert main(["--home", str(data_dir), "audit", "--json", "--limit", "2"]) == 0
    events = json.loads(capsys.readouterr().out)
    assert [e["actor"] for e in events] == ["dr-2", "dr-1"]
    assert main(["--home", str(data_dir), "audit"]) == 0
    lines = capsys.readouterr().out.splitlines()
    when = local_and_utc(datetime(2026, 11, 21, 9, 30, tzinfo=UTC))  # local first, UTC beside
    assert lines[0].startswith(f"{when}  dr-2  edit contraindications/")
    assert "Summary changed: Version 1. → Version 2." in lines[0]
    assert any("load-shipped" in line for line in lines)


# --- the print log keeps no names unless the clinic asks (issue 14) -------------------------


def _print_with_marker(home: Path, tmp: Path, name: str, entry: int) -> None:
    argv = ["--home", str(home), "-v", "handout", "preparing-for-your-session", "-o", str(tmp)]
    argv += ["--patient-name", MARKER, "--escort", MARKER, "--notes", MARKER]
    assert main(argv) == 0
    argv = ["--home", str(home), "prints", "reprint", str(entry), "-o", str(tmp.parent / name)]
    assert main(argv) == 0


def _library_files(home: Path) -> list[Path]:
    data = AppPaths.resolve(home).database
    return [p for p in (data, Path(f"{data}-wal"), Path(f"{data}-journal")) if p.exists()]


@pytest.mark.sqlite_only("the database file's bytes")
@pytest.mark.usefixtures("fixture_content_cli")
def test_print_log_stores_no_names_unless_kept_then_erases_them(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Names off (the default): the name, escort and notes printed are in the PDF's text only,
    never in the database, the logs, the log entry or the PDF's metadata. Names on: stored and
    listed. Switched off with erase: gone from the database file and its WAL."""
    from tests.pdf.pdf_inspect import full_text, reader

    _print_with_marker(data_dir, tmp_path / "h.pdf", "again.pdf", 1)
    pdf = (tmp_path / "h.pdf").read_bytes()
    assert MARKER in full_text(pdf)
    assert not any(form.decode() in str(reader(pdf).metadata) for form in forms())
    assert MARKER not in full_text((tmp_path / "again.pdf").read_bytes())  # not stored: gone
    for path in _library_files(data_dir):
        assert not any(form in path.read_bytes() for form in forms()), path.name
    assert files_containing(AppPaths.resolve(data_dir).logs) == []
    capsys.readouterr()
    assert main(["--home", str(data_dir), "prints", "--json"]) == 0
    assert MARKER not in capsys.readouterr().out

    home = str(data_dir)
    assert main(["--home", home, "prints", "settings", "--keep-names", "on"]) == 0
    _print_with_marker(data_dir, tmp_path / "h2.pdf", "again2.pdf", 3)
    assert MARKER in full_text((tmp_path / "again2.pdf").read_bytes())  # stored: reprinted
    capsys.readouterr()
    assert main(["--home", home, "prints", "--json"]) == 0
    assert MARKER in capsys.readouterr().out
    assert files_containing(AppPaths.resolve(data_dir).logs) == []

    argv = ["--home", home, "prints", "settings", "--keep-names", "off", "--erase-names"]
    assert main(argv) == 0
    assert "Erased the personal details of 2 entries" in capsys.readouterr().out
    for path in _library_files(data_dir):
        assert not any(form in path.read_bytes() for form in forms()), path.name
