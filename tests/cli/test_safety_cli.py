"""The data-safety commands: db backups/recover, pack export/import/check (fixture content)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ketref.domain.enums import ItemKind
from tests.cli_support import run_main
from tests.conftest import FIXTURE_CONTENT, make_workspace

pytestmark = pytest.mark.cli


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home seeded with the fixture knowledge base, which the CLI also loads."""
    monkeypatch.setattr("ketref.app.resources_dir", lambda: FIXTURE_CONTENT.parent)
    home = tmp_path / "home"
    make_workspace(home).open().close()
    return home


def run(capsys: pytest.CaptureFixture[str], home: Path, *argv: str) -> tuple[int, str, str]:
    return run_main(capsys, *argv, home=home)


def test_db_backups_lists_dates_sizes_and_checks(capsys, home: Path) -> None:
    code, out, _ = run(capsys, home, "db", "backups")
    assert (code, out.startswith("No backups in ")) == (0, True)
    run(capsys, home, "db", "backup")
    code, out, _ = run(capsys, home, "db", "backups")
    assert code == 0
    assert "UTC\t" in out
    assert "KB\tmade by hand\tverified\t" in out
    code, out, _ = run(capsys, home, "db", "backups", "--json")
    (entry,) = json.loads(out)
    assert entry["kind"] == "manual"
    assert entry["verified"] is True
    assert entry["size"] > 0


def test_db_recover_on_a_healthy_library_does_nothing(capsys, home: Path) -> None:
    code, out, _ = run(capsys, home, "db", "recover")
    assert code == 0
    assert out == "The database is healthy; there is nothing to recover.\n"


def test_pack_round_trip_and_conflict_on_the_command_line(
    capsys, home: Path, tmp_path: Path
) -> None:
    code, _, err = run(capsys, home, "pack", "export", str(tmp_path / "p.json"))
    assert code == 2
    assert err == "ketref: There are no local edits to export; use --all to export every item.\n"
    code, _, err = run(capsys, home, "pack", "export", str(tmp_path / "p.txt"), "--all")
    assert code == 2
    assert "ends in .json, .yaml or .yml" in err

    services = make_workspace(home).open()
    services.catalogue.edit_item(
        ItemKind.CONTRAINDICATION, "uncontrolled-hypertension", {"summary": "Our wording."}
    )
    services.close()
    code, out, _ = run(capsys, home, "pack", "export", str(tmp_path / "mine.yaml"), "--json")
    assert code == 0
    assert json.loads(out)["items"] == 1

    code, out, _ = run(capsys, home, "pack", "export", str(tmp_path / "all.json"), "--all")
    assert code == 0
    assert out.startswith("Exported 7 item(s)")
    document = json.loads((tmp_path / "all.json").read_text())
    for record in document["payload"]["items"]:
        if record["item"]["slug"] == "uncontrolled-hypertension":
            record["item"]["summary"] = "Their wording."
    from ketref.content.packs import serialise

    (tmp_path / "theirs.json").write_bytes(serialise(document["payload"], "json"))
    code, out, _ = run(capsys, home, "pack", "check", str(tmp_path / "theirs.json"))
    assert code == 0
    assert "conflict: contraindications/uncontrolled-hypertension (edited in this library)" in out
    code, out, err = run(capsys, home, "pack", "import", str(tmp_path / "theirs.json"))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "contraindications/uncontrolled-hypertension" in err
    assert "--overwrite-local" in err
    code, out, _ = run(
        capsys, home, "pack", "import", str(tmp_path / "theirs.json"), "--overwrite-local"
    )
    assert code == 0
    assert "1 updated" in out
    assert "replaced: contraindications/uncontrolled-hypertension" in out
    assert "A backup was made first: ketref-before-import-" in out
    code, out, _ = run(capsys, home, "pack", "import", str(tmp_path / "theirs.json"))
    assert code == 0
    assert out.startswith("Nothing to import:")


def test_pack_check_lists_every_problem(capsys, home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "ketref-content-pack", "format_version": 1, "payload": {}}')
    code, out, _ = run(capsys, home, "pack", "check", str(bad), "--json")
    assert code == 2
    assert json.loads(out) == {
        "valid": False,
        "problems": ["/checksum: missing or not sha256; the pack cannot be trusted"],
    }


def test_db_recover_brings_back_a_deleted_library(capsys, home: Path) -> None:
    from tests.conftest import logical_snapshot

    run(capsys, home, "db", "backup")
    (backup,) = (home / "backups").glob("ketref-*.db")
    for leftover in (home / "data").glob("ketref.db*"):
        leftover.unlink()
    code, out, _ = run(capsys, home, "db", "recover")
    assert code == 0
    assert out.startswith("There was no database file.\nRestored the backup from ")
    assert logical_snapshot(home / "data" / "ketref.db") == logical_snapshot(backup)
    assert sorted(p.name for p in (home / "data").iterdir()) == ["ketref.db"]
