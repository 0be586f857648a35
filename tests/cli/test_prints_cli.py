"""``ketref prints``: list (text, JSON, filters), reprint, settings; exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_support import run_main
from tests.pdf.pdf_inspect import full_text

pytestmark = pytest.mark.cli


def run(capsys, home: Path, *argv: str) -> tuple[int, str, str]:
    return run_main(capsys, *argv, home=home)


def test_list_filter_and_reprint_after_an_edit(capsys, shipped_home: Path, tmp_path: Path) -> None:
    first = tmp_path / "first.pdf"
    code, _out, err = run(
        capsys, shipped_home, "handout", "after-your-session", "questions-people-ask",
        "--lang", "es", "--fallback", "en", "-o", str(first),
    )  # fmt: skip
    assert code == 0, err
    run(capsys, shipped_home, "handout", "about-iv-ketamine", "-o", str(tmp_path / "b.pdf"))

    code, out, _ = run(capsys, shipped_home, "prints", "--json")
    entries = json.loads(out)
    assert [e["id"] for e in entries] == [2, 1]
    assert entries[1]["handouts"][0]["slug"] == "after-your-session-es"
    assert entries[1]["language"] == "es" and entries[1]["page_count"] >= 2
    assert "personal" not in entries[1]

    code, out, _ = run(capsys, shipped_home, "prints", "--handout", "about-iv-ketamine")
    assert code == 0 and out.startswith("2\t") and out.count("\n") == 1
    code, out, _ = run(capsys, shipped_home, "prints", "--since", "2999-01-01")
    assert out == "No printouts logged for that choice.\n"

    again = tmp_path / "r.pdf"
    code, out, err = run(capsys, shipped_home, "prints", "reprint", "1", "-o", str(again))
    assert code == 0, err
    assert "Identical to the original" in out
    assert full_text(again.read_bytes()) == full_text(first.read_bytes())


def test_reprint_of_an_unknown_entry_is_one_message(
    capsys, shipped_home: Path, tmp_path: Path
) -> None:
    target = tmp_path / "x.pdf"
    code, _out, err = run(capsys, shipped_home, "prints", "reprint", "99", "-o", str(target))
    assert code == 2
    assert "No print log entry 99" in err
    assert not target.exists()


def test_settings_show_and_change(capsys, shipped_home: Path, tmp_path: Path) -> None:
    code, out, _ = run(capsys, shipped_home, "prints", "settings")
    assert out == "print log: on\nkeep names in the print log: off\n"
    code, out, _ = run(capsys, shipped_home, "prints", "settings", "--log", "off")
    assert code == 0
    run(capsys, shipped_home, "handout", "about-iv-ketamine", "-o", str(tmp_path / "b.pdf"))
    code, out, _ = run(capsys, shipped_home, "prints", "--json")
    assert json.loads(out) == []
    code, _out, err = run(
        capsys, shipped_home, "prints", "settings", "--keep-names", "on", "--erase-names"
    )
    assert code == 2 and "--erase-names goes with --keep-names off" in err
