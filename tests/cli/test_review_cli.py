"""``review due|mark|approve``, ``history`` and ``diff`` through ketref.app.main."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from ketref.domain.enums import ItemKind
from ketref.services.catalogue import current_actor
from tests.cli.test_cli import run
from tests.conftest import SHIPPED_CONTENT, make_workspace

pytestmark = pytest.mark.cli
ITEM = ("contraindications", "uncontrolled-hypertension")
ITEM_KIND = ItemKind.CONTRAINDICATION


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
        (("review", "revert", *ITEM, "--to", "v7"), "not 'shipped' or a version id"),
        (("review", "revert", *ITEM, "--to", "999999"), "no version 999999"),
        (("review", "revert", *ITEM, "--to", "shipped"), "same content"),
        (("review", "revert", *ITEM), "--to"),
        (("review", "second-person", "maybe"), "invalid choice"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, shipped_home: Path, argv, message) -> None:
    try:
        code, _out, err = run(capsys, "--home", str(shipped_home), *argv)
    except SystemExit as exc:
        code, err = exc.code, capsys.readouterr().err
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1


def test_revert_to_a_version_then_to_shipped(capsys, shipped_home: Path) -> None:
    home = ("--home", str(shipped_home))
    assert run(capsys, *home, "review", "mark", *ITEM, "--note", "checked")[0] == 0
    first = json.loads(run(capsys, *home, "history", *ITEM, "--json")[1])[-1]["version"]

    code, out, err = run(capsys, *home, "review", "revert", *ITEM, "--to", str(first))
    assert code == 0, err
    assert f"Reverted contraindications/{ITEM[1]} to version {first}" in out
    versions = json.loads(run(capsys, *home, "history", *ITEM, "--json")[1])
    assert len(versions) == 3 and versions[0]["reason"].startswith(f"reverted to version {first}")
    assert "No differences." in run(capsys, *home, "diff", *ITEM)[1]


def test_second_person_setting_is_honoured_by_approve(capsys, shipped_home: Path) -> None:
    home = ("--home", str(shipped_home))
    code, out, _ = run(capsys, *home, "review", "second-person", "on")
    assert code == 0 and "needs a second person" in out
    services = make_workspace(shipped_home, SHIPPED_CONTENT).open()
    try:
        services.review.save_draft(
            ITEM_KIND, ITEM[1], {"summary": "Draft wording."}, actor=current_actor()
        )
    finally:
        services.close()

    code, _, err = run(capsys, *home, "review", "approve", *ITEM)
    assert code == 2 and "someone else must approve it" in err

    assert run(capsys, *home, "review", "second-person", "off")[0] == 0
    code, out, err = run(capsys, *home, "review", "approve", *ITEM)
    assert code == 0, err
    assert (
        "The author of a draft may approve it." in run(capsys, *home, "review", "second-person")[1]
    )


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
