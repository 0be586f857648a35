"""``ketref updates list|keep|take``: a newer release met local edits (text and JSON)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from ketref.cli import build_parser, run_command
from ketref.services.workspace import Workspace
from tests.backends import use_backend_database
from tests.cli.test_edit_cli import editor, editor_seen
from tests.release_edits import EDITED, release_over_local_edit

pytestmark = pytest.mark.cli
__all__ = ["editor"]  # the fake $EDITOR fixture


@pytest.fixture
def released(tmp_path: Path, request: pytest.FixtureRequest, db_backend: str) -> Workspace:
    use_backend_database(request, db_backend, None)
    return release_over_local_edit(tmp_path)[0]


def ketref(ws: Workspace, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = run_command(build_parser().parse_args(list(argv)), ws, out)
    return code, out.getvalue()


def test_the_load_says_so_and_list_shows_each_field(capsys, released: Workspace) -> None:
    code, out = ketref(released, "updates", "list")
    assert code == 0
    assert "changed 1 item(s) edited here" in capsys.readouterr().err  # said when it loaded
    assert f"contraindications/{EDITED} (Uncontrolled hypertension): release 2.0.0" in out
    assert "Threshold 1 › Value (thresholds[0].value)\n    - 180.0\n    + 170.0\n" in out
    assert "&amp;" not in out and "& <b>recheck</b>" in out  # markup shown as typed
    code, out = ketref(released, "updates", "list", "--json")
    (conflict,) = json.loads(out)
    assert conflict["slug"] == EDITED and conflict["release"] == "2.0.0"
    value = next(c for c in conflict["changes"] if c["path"] == "thresholds[0].value")
    assert (value["field"], value["old"], value["new"]) == ("Threshold 1 › Value", 180, 170)


def test_take_then_nothing_waits(released: Workspace) -> None:
    code, out = ketref(released, "updates", "take", "contraindications", EDITED)
    assert code == 0 and "Took the release's contraindications/" in out
    code, out = ketref(released, "updates", "list")
    assert "No item edited here is waiting" in out
    code, out = ketref(released, "show", "contraindications", EDITED, "--json")
    assert "170" in out and "Clinic policy" not in out


def test_merge_by_hand_starts_from_the_release_and_ends_when_approved(
    released: Workspace, editor
) -> None:
    script = editor({"set": {"summary": "Merged: our policy plus the release's new limit."}})
    code, out = ketref(released, "edit", "contraindications", EDITED, "--release")
    assert code == 0 and "as draft version" in out
    shown = editor_seen(script)[0]
    assert "value: 170.0" in shown and "Clinic policy" not in shown  # the release's text
    code, out = ketref(released, "updates", "list")
    assert f"contraindications/{EDITED}" in out  # a draft does not settle it yet
    code, _ = ketref(released, "review", "approve", "contraindications", EDITED)
    code, out = ketref(released, "updates", "list")
    assert "No item edited here is waiting" in out
    code, out = ketref(released, "show", "contraindications", EDITED, "--json")
    assert "Merged: our policy" in out and "170" in out
