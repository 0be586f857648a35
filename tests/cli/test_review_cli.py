"""``review due|mark|approve``, ``history`` and ``diff`` through ketref.app.main."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.cli.test_cli import run

pytestmark = pytest.mark.cli
ITEM = ("contraindications", "uncontrolled-hypertension")


def test_review_due_json_is_overdue_first_and_within_90_days(capsys, shipped_home: Path) -> None:
    code, out, err = run(capsys, "--home", str(shipped_home), "review", "due", "--json")
    assert code == 0, err
    due = json.loads(out)
    dates = [date.fromisoformat(d["review_due"]) for d in due]
    assert dates == sorted(dates)
    assert all(d <= date.today() + timedelta(days=91) for d in dates)
    code, out, _ = run(
        capsys, "--home", str(shipped_home), "review", "due", "--kind", "handouts", "--json"
    )
    assert code == 0 and all(d["kind"] == "handouts" for d in json.loads(out))


def test_mark_then_history_and_diff_show_the_review(capsys, shipped_home: Path) -> None:
    home = ("--home", str(shipped_home))
    next_date = (date.today() + timedelta(days=200)).isoformat()
    code, out, err = run(
        capsys, *home, "review", "mark", *ITEM, "--note", "BP limits", "--next", next_date
    )
    assert code == 0, err
    assert f"next review {next_date}" in out

    code, out, _ = run(capsys, *home, "history", *ITEM, "--json")
    versions = json.loads(out)
    assert code == 0 and versions[0]["current"] and "BP limits" in versions[0]["reason"]
    first = versions[-1]["version"]

    code, out, _ = run(capsys, *home, "diff", *ITEM)
    assert code == 0
    assert "Review due (review_due)\n" in out and f'+ "{next_date}"' in out
    code, out2, _ = run(capsys, *home, "diff", *ITEM, "--against", str(first))
    assert code == 0 and "Review due (review_due)\n" in out2
    code, out3, _ = run(capsys, *home, "diff", *ITEM, "--json")
    changes = json.loads(out3)["changes"]
    assert code == 0
    due = next(c for c in changes if c["path"] == "review_due")
    assert due["field"] == "Review due" and due["new"] == next_date and due["old_present"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("review", "mark", "contraindications", "no-such-item"), "no-such-item"),
        (("review", "mark", *ITEM, "--next", "2001-01-01"), "must be after"),
        (("review", "mark", *ITEM, "--next", "soon"), "not a date"),
        (("review", "due", "--kind", "potions"), "invalid choice"),
        (("diff", *ITEM, "--against", "v7"), "not 'shipped' or a version id"),
        (("diff", *ITEM, "--against", "999999"), "no version 999999"),
        (("history", "contraindications", "no-such-item"), "No saved versions"),
        (("review", "approve", *ITEM), "no draft"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, shipped_home: Path, argv, message) -> None:
    try:
        code, _out, err = run(capsys, "--home", str(shipped_home), *argv)
    except SystemExit as exc:
        code, err = exc.code, capsys.readouterr().err
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1


def test_review_due_names_a_translation_whose_english_source_changed(
    capsys, shipped_home: Path
) -> None:
    from ketref.domain.enums import ItemKind
    from tests.conftest import FIXED_NOW, SHIPPED_CONTENT, make_workspace

    services = make_workspace(shipped_home, SHIPPED_CONTENT).open()
    try:
        services.catalogue.edit_item(
            ItemKind.HANDOUT, "after-your-session", {"main_message": "Rest today. Do not drive."}
        )
    finally:
        services.close()
    code, out, err = run(capsys, "--home", str(shipped_home), "review", "due")
    assert code == 0, err
    [line] = [row for row in out.splitlines() if "\tafter-your-session-es\t" in row]
    assert line.startswith("TRANSLATION\t")
    changed = FIXED_NOW.date().isoformat()
    assert line.endswith(f"the English version changed on {changed}; review this translation")
    code, out, _ = run(capsys, "--home", str(shipped_home), "review", "due", "--json")
    flagged = [d for d in json.loads(out) if d["source_changed_on"]]
    assert [(d["slug"], d["source_changed_on"]) for d in flagged] == [
        ("after-your-session-es", changed)
    ]
