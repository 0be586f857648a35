"""``ketref edit`` driven by a fake editor through $EDITOR: validate, loop on errors, draft."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cli_support import run_main as run

pytestmark = pytest.mark.cli
KIND, SLUG = "contraindications", "uncontrolled-hypertension"
EDITOR = Path(__file__).with_name("fake_editor.py")


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Give the fake editor its steps; returns a function reading what it was shown."""
    script = tmp_path / "editor.json"
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(EDITOR))}")
    monkeypatch.setenv("KETREF_FAKE_EDITOR", str(script))

    def steps(*todo: dict[str, Any]) -> Path:
        script.write_text(json.dumps({"steps": list(todo), "seen": []}))
        return script

    return steps


def editor_seen(script: Path) -> list[str]:
    return list(json.loads(script.read_text())["seen"])


def _history(capsys, home: Path) -> list[dict[str, Any]]:
    code, out, _ = run(capsys, "--home", str(home), "history", KIND, SLUG, "--json")
    assert code == 0
    return list(json.loads(out))


def _summary(capsys, home: Path) -> str:
    code, out, _ = run(capsys, "--home", str(home), "show", KIND, SLUG, "--json")
    assert code == 0
    return str(json.loads(out)["summary"])


def test_valid_edit_is_a_draft_kept_as_typed_until_approved(capsys, shipped_home, editor) -> None:
    typed = "Check <b>resting</b> BP & pulse first; Trần Thị Ánh's clinic policy applies."
    script = editor({"set": {"summary": typed}})
    before = _summary(capsys, shipped_home)
    code, out, err = run(capsys, "--home", str(shipped_home), "edit", KIND, SLUG)
    assert code == 0, err
    assert "as draft version" in out
    assert editor_seen(script)[0].startswith("#! ketref edit contraindications/uncontrolled-hyp")
    assert _history(capsys, shipped_home)[0]["state"] == "draft"
    assert _summary(capsys, shipped_home) == before  # a draft is not shown yet
    code, _, err = run(capsys, "--home", str(shipped_home), "review", "approve", KIND, SLUG)
    assert code == 0, err
    assert _summary(capsys, shipped_home) == typed


def test_errors_reopen_the_file_with_them_on_top_until_valid(capsys, shipped_home, editor) -> None:
    script = editor(
        {"set": {"summary": "x" * 100_000}},
        {"set": {"summary": "Short and valid.", "references": ["no-such-reference"]}},
        {"set": {"references": ["spravato-uspi-2026"]}},
    )
    versions = len(_history(capsys, shipped_home))
    code, _out, err = run(capsys, "--home", str(shipped_home), "edit", KIND, SLUG)
    assert code == 0, err
    first, second, third = editor_seen(script)
    assert "#! NOT SAVED" not in first
    assert second.startswith("#! ketref edit") and "#! NOT SAVED" in second
    assert "at most 6000 characters" in second and "summary" in second
    assert "#!   - unknown reference(s): no-such-reference" in third
    assert "x" * 1000 not in third  # the user's last text is what they see again
    history = _history(capsys, shipped_home)
    assert len(history) == versions + 1 and history[0]["state"] == "draft"


@pytest.mark.parametrize("step", [{"empty": True}, {"keep": True}])
def test_empty_or_unchanged_file_quits_without_saving(capsys, shipped_home, editor, step) -> None:
    editor(step)
    versions = _history(capsys, shipped_home)
    code, out, _ = run(capsys, "--home", str(shipped_home), "edit", KIND, SLUG)
    assert code == 0
    assert out == f"Quit without saving: {KIND}/{SLUG} is unchanged.\n"
    assert _history(capsys, shipped_home) == versions


def test_a_save_in_between_is_a_conflict_naming_both_versions(capsys, shipped_home, editor) -> None:
    other = [sys.executable, "-m", "ketref", "--home", str(shipped_home)]
    editor(
        {
            "run": [[*other, "review", "mark", KIND, SLUG, "--note", "colleague"]],
            "set": {"summary": "My wording."},
        }
    )
    started = _history(capsys, shipped_home)[0]["version"]
    code, out, err = run(capsys, "--home", str(shipped_home), "edit", KIND, SLUG)
    assert code == 2 and out == ""
    newest = _history(capsys, shipped_home)[0]
    assert newest["reason"].endswith("colleague") and newest["version"] != started
    assert f"you started from version {started}, and version {newest['version']} was saved" in err
    assert "Nothing was saved; your text is kept in" in err
    assert all(v["state"] != "draft" for v in _history(capsys, shipped_home))


def test_a_second_edit_starts_from_the_waiting_draft(capsys, shipped_home, editor) -> None:
    script = editor({"set": {"summary": "First wording."}}, {"set": {"title": "Renamed here"}})
    approved = _history(capsys, shipped_home)[0]["version"]
    for _ in range(2):
        code, out, err = run(capsys, "--home", str(shipped_home), "edit", KIND, SLUG)
        assert code == 0, err
    first_draft = _history(capsys, shipped_home)[1]["version"]
    assert f"(from draft version {first_draft})" in editor_seen(script)[1]
    assert "summary: First wording." in editor_seen(script)[1]
    assert "the approved version stays current" in out
    code, _, err = run(capsys, "--home", str(shipped_home), "review", "approve", KIND, SLUG)
    assert code == 0, err
    code, out, _ = run(capsys, "--home", str(shipped_home), "show", KIND, SLUG, "--json")
    shown = json.loads(out)
    assert (shown["summary"], shown["title"]) == ("First wording.", "Renamed here")
    newest = _history(capsys, shipped_home)[0]
    assert newest["state"] == "approved" and newest["version"] > approved


def test_no_editor_set_says_how_and_changes_nothing(capsys, shipped_home, monkeypatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    versions = _history(capsys, shipped_home)
    code, _, err = run(capsys, "--home", str(shipped_home), "edit", KIND, SLUG)
    assert code == 2
    assert "set $VISUAL or $EDITOR" in err and "Nothing was changed" in err
    assert _history(capsys, shipped_home) == versions


def test_editor_failing_saves_nothing(capsys, shipped_home, editor) -> None:
    editor({"exit": 3})
    versions = _history(capsys, shipped_home)
    code, _, err = run(capsys, "--home", str(shipped_home), "edit", KIND, SLUG)
    assert code == 2 and "exited with code 3" in err
    assert _history(capsys, shipped_home) == versions
