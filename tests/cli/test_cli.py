"""Every CLI command and exit code, run in-process through ketref.app.main."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ketref import __version__
from ketref.app import main
from ketref.paths import AppPaths
from ketref.services.about import schema_version
from tests.cli_support import run_main
from tests.conftest import file_hash, shipped_version

pytestmark = pytest.mark.cli


def run(capsys, *argv: str) -> tuple[int, str, str]:
    return run_main(capsys, *argv)


def test_list_json_has_slug_and_title(capsys, shipped_home: Path) -> None:
    code, out, err = run(capsys, "--home", str(shipped_home), "list", "contraindications", "--json")
    assert code == 0, err
    items = json.loads(out)
    assert len(items) >= 25
    assert all(i["slug"] and i["title"] for i in items)


def test_list_text(capsys, shipped_home: Path) -> None:
    code, out, _ = run(capsys, "--home", str(shipped_home), "list", "interactions")
    assert code == 0
    assert "benzodiazepines\tBenzodiazepines" in out


def test_show_json_has_every_field_and_full_references(capsys, shipped_home: Path) -> None:
    code, out, _ = run(
        capsys,
        "--home",
        str(shipped_home),
        "show",
        "contraindications",
        "uncontrolled-hypertension",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["slug"] == "uncontrolled-hypertension"
    assert data["classes"]["iv-ketamine"]["class"] == "absolute-guideline"
    assert {t["value"] for t in data["thresholds"]} >= {180.0, 100.0, 140.0, 90.0}
    assert data["reviewed"]
    assert data["review_due"]
    assert all(r["id"] and r["citation"] for r in data["references"])
    assert data["references"][0]["number"] == 1


def test_show_text_has_numbered_references_and_dates(capsys, shipped_home: Path) -> None:
    code, out, _ = run(capsys, "--home", str(shipped_home), "show", "side-effects", "dissociation")
    assert code == 0
    assert "Reviewed 2026-12-03; review due 2027-11-21" in out
    assert "[1] " in out


def test_show_reference(capsys, shipped_home: Path) -> None:
    code, out, _ = run(
        capsys, "--home", str(shipped_home), "show", "references", "anand-2023", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["doi"] == "10.1056/NEJMoa2302399"
    assert any(c["slug"] == "treatment-resistant-depression" for c in data["cited_by"])


def test_show_unknown_slug_is_exit_2_without_traceback(capsys, shipped_home: Path) -> None:
    code, out, err = run(capsys, "--home", str(shipped_home), "show", "side-effects", "hiccups")
    assert code == 2
    assert out == ""
    assert err.strip() == "ketref: No side effect called 'hiccups' was found."


def test_search_json(capsys, shipped_home: Path) -> None:
    code, out, _ = run(
        capsys, "--home", str(shipped_home), "search", "spravato", "--json", "--limit", "5"
    )
    assert code == 0
    data = json.loads(out)
    assert data["found"]
    assert len(data["results"]) == 5
    assert set(data["results"][0]) == {"kind", "slug", "title", "snippet", "score"}


def test_search_miss_text(capsys, shipped_home: Path) -> None:
    code, out, _ = run(capsys, "--home", str(shipped_home), "search", "grapefruit")
    assert code == 0
    assert out.strip() == "Nothing found for \u201cgrapefruit\u201d."


def test_search_miss_on_a_medicine_says_the_same_as_the_window(capsys, shipped_home: Path) -> None:
    from ketref.domain.search import SearchResult

    code, out, _ = run(capsys, "--home", str(shipped_home), "search", "memantine")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0] == "Nothing found for \u201cmemantine\u201d."
    assert "not the same as \u201cno interaction\u201d or \u201cno risk\u201d" in lines[1]
    assert lines[2].startswith("Did you mean: clemastine")
    suggestions = tuple(lines[2].removeprefix("Did you mean: ").rstrip("?").split(", "))
    window = SearchResult(query="memantine", hits=(), suggestions=suggestions).message()
    assert out.strip() == window  # the wording is the domain's, shared with the window
    code, out, _ = run(capsys, "--home", str(shipped_home), "search", "memantine", "--json")
    assert json.loads(out)["suggestions"][0] == "clemastine"


@pytest.mark.parametrize(
    "argv",
    [["list", "widgets"], ["search", "x", "--limit", "0"], ["show", "indications"], ["frobnicate"]],
)
def test_bad_usage_is_exit_2(capsys, shipped_home: Path, argv: list[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--home", str(shipped_home), *argv])
    assert info.value.code == 2
    assert capsys.readouterr().err.startswith(("ketref: ", "usage:"))


def test_content_status(capsys, shipped_home: Path) -> None:
    code, out, _ = run(capsys, "--home", str(shipped_home), "content", "status", "--json")
    assert code == 0
    assert json.loads(out)["content_version"] == shipped_version()


@pytest.mark.sqlite_only("SQLite backup and restore (tests/postgres covers the server's)")
def test_db_check_backup_restore(capsys, shipped_home: Path, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "--home", str(shipped_home), "db", "check", "--json")
    assert code == 0
    assert json.loads(out)["integrity_ok"] is True
    code, out, _ = run(capsys, "--home", str(shipped_home), "db", "backup", str(tmp_path / "b.db"))
    assert code == 0
    assert "verified" in out
    code, out, _ = run(capsys, "--home", str(shipped_home), "db", "backup")
    assert code == 0
    assert list(AppPaths.resolve(shipped_home).backups.glob("ketref-*.db"))
    code, out, _ = run(capsys, "--home", str(shipped_home), "db", "restore", str(tmp_path / "b.db"))
    assert code == 0
    assert "previous database was kept" in out


def test_foreign_db_is_exit_2_and_untouched(capsys, tmp_path: Path) -> None:
    foreign = tmp_path / "notes.db"
    foreign.write_bytes(b"SQLite format 3\x00" + os.urandom(4000))
    before = file_hash(foreign)
    code, _out, err = run(
        capsys, "--home", str(tmp_path / "h"), "--db", str(foreign), "list", "handouts"
    )
    assert code == 2
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert file_hash(foreign) == before


def test_internal_error_is_exit_1(capsys, shipped_home: Path, monkeypatch) -> None:
    from ketref.services.catalogue import CatalogueService

    def boom(*_a, **_k):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(CatalogueService, "list_items", boom)
    code, _, err = run(capsys, "--home", str(shipped_home), "list", "handouts")
    assert code == 1
    assert "internal error; details are in" in err


def test_home_env_moves_every_directory(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KETREF_HOME", str(tmp_path / "kh"))
    paths = AppPaths.resolve()
    assert {p.parent for p in (paths.data, paths.config, paths.logs, paths.backups)} == {
        tmp_path / "kh"
    }


def test_console_entry_points_work(tmp_path: Path, shipped_home: Path) -> None:
    env = {**os.environ, "KETREF_HOME": str(shipped_home)}
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "main.py", "list", "indications", "--json"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert {i["slug"] for i in json.loads(out.stdout)} >= {"treatment-resistant-depression", "ptsd"}
    version = subprocess.run(
        [sys.executable, "-m", "ketref", "--version"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    release, schema = shipped_version(), schema_version()
    expected = f"ketref {__version__} (content release {release}, database schema {schema})\n"
    assert version.stdout == expected, version.stdout


def test_list_and_show_product_pages(capsys, shipped_home: Path) -> None:
    code, out, _ = run(capsys, "--home", str(shipped_home), "list", "products")
    assert code == 0 and "spravato" in out and "iv-ketamine" in out
    code, out, _ = run(capsys, "--home", str(shipped_home), "show", "products", "spravato")
    assert code == 0
    assert "Esketamine nasal spray (Spravato)" in out and "REMS" in out
    assert "\nReferences\n" in out and "review due" in out
