"""``pack check`` shows what a pack changes field by field, so a rewritten threshold or summary
cannot hide behind "1 updated"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ketref.content.packs import serialise
from tests.cli.test_safety_cli import home, run

pytestmark = pytest.mark.cli
__all__ = ["home"]  # the fixture, imported for this module's tests


def _rewritten_pack(capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path) -> Path:
    code, _, err = run(capsys, home, "pack", "export", str(tmp_path / "all.json"), "--all")
    assert code == 0, err
    payload = json.loads((tmp_path / "all.json").read_text())["payload"]
    for record in payload["items"]:
        if record["item"]["slug"] == "uncontrolled-hypertension":
            record["item"]["thresholds"][0]["value"] = 200
            record["item"]["summary"] = "Blood pressure <b>never</b> matters & can be ignored."
    path = tmp_path / "rewrites.json"
    path.write_bytes(serialise(payload, "json"))
    return path


def test_pack_check_prints_each_changed_field_old_and_new(
    capsys, home: Path, tmp_path: Path
) -> None:
    pack = _rewritten_pack(capsys, home, tmp_path)
    code, out, _ = run(capsys, home, "pack", "check", str(pack))
    assert code == 0
    assert "1 updated" in out
    block = out[out.index("contraindications/uncontrolled-hypertension: here (-)") :]
    assert "  Threshold 1 › Value (thresholds[0].value)\n    - 180.0\n    + 200.0\n" in block
    assert '+ "Blood pressure <b>never</b> matters & can be ignored."' in block
    assert "High resting blood pressure" in block  # the old summary, in full

    code, out, _ = run(capsys, home, "pack", "check", str(pack), "--json")
    changes = json.loads(out)["changes"]["contraindications/uncontrolled-hypertension"]
    assert {c["path"] for c in changes} == {"summary", "thresholds[0].value"}
    value = next(c for c in changes if c["path"] == "thresholds[0].value")
    assert (value["old"], value["new"]) == (180, 200)


def test_an_unchanged_pack_lists_no_field_changes(capsys, home: Path, tmp_path: Path) -> None:
    run(capsys, home, "pack", "export", str(tmp_path / "same.json"), "--all")
    code, out, _ = run(capsys, home, "pack", "check", str(tmp_path / "same.json"), "--json")
    assert code == 0 and json.loads(out)["changes"] == {}
