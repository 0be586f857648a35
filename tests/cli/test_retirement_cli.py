"""``retire``, ``retired`` and ``restore`` through ketref.app.main."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import run

pytestmark = pytest.mark.cli
ITEM = ("side-effects", "nausea")


def test_retire_list_and_restore_round_trip(capsys, shipped_home: Path) -> None:
    home = ("--home", str(shipped_home))
    code, out, err = run(capsys, *home, "retired")
    assert (code, out) == (0, "No item is retired.\n"), err

    code, out, err = run(capsys, *home, "retire", *ITEM, "--reason", "merged into <GI> & co")
    assert code == 0, err
    assert out.startswith("Retired “Nausea” (side-effects/nausea, version ")
    assert "ketref restore side-effects nausea" in out
    assert "nausea" not in run(capsys, *home, "list", "side-effects")[1].split()
    listed = json.loads(run(capsys, *home, "retired", "--json")[1])
    assert [(r["kind"], r["slug"], r["title"], r["reason"]) for r in listed] == [
        ("side-effects", "nausea", "Nausea", "merged into <GI> & co")
    ]
    assert listed[0]["retired_by"] and "T" in listed[0]["retired_at"]
    line = run(capsys, *home, "retired")[1]
    assert "\tside-effects\tnausea\tNausea\tmerged into <GI> & co\n" in line

    code, out, err = run(capsys, *home, "restore", *ITEM, "--reason", "retired by mistake")
    assert code == 0, err
    assert out.startswith("Restored “Nausea”: it is back in the lists")
    assert "nausea" in run(capsys, *home, "list", "side-effects")[1].split()
    assert json.loads(run(capsys, *home, "retired", "--json")[1]) == []
    history = json.loads(run(capsys, *home, "history", *ITEM, "--json")[1])
    assert [v["state"] for v in history[:2]] == ["approved", "retired"]
    assert history[0]["reason"] == "restored after retirement: retired by mistake"
    events = json.loads(run(capsys, *home, "audit", "--json", "--limit", "2")[1])
    assert [e["action"] for e in events] == ["restore", "retire"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("restore", *ITEM), "is not retired"),
        (("restore", "side-effects", "no-such-item"), "No side effect called 'no-such-item'"),
        (("retire", "side-effects", "no-such-item"), "No side effect called 'no-such-item'"),
        (("retire", "references", "anand-2023"), "invalid choice"),
        (("restore", "potions", "x"), "invalid choice"),
        (("retire", "side-effects"), "required"),
        (("retired", "side-effects"), "unrecognized arguments"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, shipped_home: Path, argv, message) -> None:
    code, out, err = run(capsys, "--home", str(shipped_home), *argv)
    assert (code, out) == (2, "")
    assert message in err and len(err.strip().splitlines()) == 1


def test_retiring_twice_says_it_is_retired_and_can_be_restored(capsys, shipped_home: Path) -> None:
    home = ("--home", str(shipped_home))
    assert run(capsys, *home, "retire", *ITEM)[0] == 0
    code, _, err = run(capsys, *home, "retire", *ITEM)
    assert code == 2
    assert (
        "is retired: it is listed with the retired items" in err
        and len(err.strip().splitlines()) == 1
    )
