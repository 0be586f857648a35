"""A newer release meets local edits: the unedited item updates, the edited one is reported with
its field differences and never overwritten; the editor keeps theirs or takes the release's."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from ketref.domain.enums import ContentState
from ketref.domain.errors import NotFoundError
from ketref.domain.release_updates import Resolution
from ketref.services.workspace import Workspace
from tests.backends import use_backend_database
from tests.release_edits import CI, EDITED, LOCAL_SUMMARY, UNEDITED, release_over_local_edit

pytestmark = pytest.mark.db


@pytest.fixture
def released(
    tmp_path: Path, request: pytest.FixtureRequest, db_backend: str
) -> tuple[Workspace, Path]:
    use_backend_database(request, db_backend, None)
    return release_over_local_edit(tmp_path)


def test_edited_item_is_reported_not_overwritten_and_unedited_item_updates(
    released: tuple[Workspace, Path],
) -> None:
    ws, _ = released
    services = ws.open()
    try:
        report = services.load_report
        assert report is not None and report.loaded
        assert f"contraindications/{UNEDITED}" in report.updated
        assert [c.name for c in report.release_conflicts] == [f"contraindications/{EDITED}"]
        changes = {c.path: (c.old, c.new) for c in report.release_conflicts[0].changes}
        assert changes["summary"][0] == LOCAL_SUMMARY  # the diff runs local -> release
        assert changes["thresholds[0].value"] == (180, 170)
        assert report.as_dict()["release_conflicts"] == [f"contraindications/{EDITED}"]

        kept = services.catalogue.get_item(CI, EDITED)
        assert kept.item.summary == LOCAL_SUMMARY  # markup kept as typed
        assert kept.item.thresholds[0].value == 180
        updated = services.catalogue.get_item(CI, UNEDITED)
        assert "thoracic aorta" in updated.item.summary

        history = services.catalogue.history(CI, EDITED)
        release_rows = [v for v in history if v.state is ContentState.RELEASE]
        assert len(release_rows) == 1 and not release_rows[0].current
        assert release_rows[0].release == "2.0.0"
        with services.db.read() as session:
            actions = [r[0] for r in session.execute(text("SELECT action FROM audit_event"))]
        assert "release-kept-local" in actions

        pending = services.releases.pending()
        assert [c.name for c in pending] == [f"contraindications/{EDITED}"]
        assert pending[0].changes == report.release_conflicts[0].changes
        # "compare with shipped" now compares with the newest release
        assert {c.path for c in services.review.diff(CI, EDITED).changes} == set(changes)
    finally:
        services.close()
    again = ws.open()  # the same release again: quiet, still pending, no second release row
    try:
        assert again.load_report is not None and not again.load_report.release_conflicts
        assert len(again.releases.pending()) == 1
        history = again.catalogue.history(CI, EDITED)
        assert sum(v.state is ContentState.RELEASE for v in history) == 1
    finally:
        again.close()


def test_keep_mine_ends_the_report_and_keeps_the_local_text(
    released: tuple[Workspace, Path],
) -> None:
    ws, _ = released
    services = ws.open()
    try:
        services.releases.resolve(CI, EDITED, Resolution.KEEP_MINE, actor="dr-a")
        assert services.releases.pending() == []
        detail = services.catalogue.get_item(CI, EDITED)
        assert detail.item.summary == LOCAL_SUMMARY and detail.locally_edited
        with pytest.raises(NotFoundError, match="no newer release version"):
            services.releases.resolve(CI, EDITED, Resolution.TAKE_RELEASE)
        events = services.audit.events(kind=CI, slug=EDITED)
        kept = [e for e in events if e.action == "release-keep-mine" and e.actor == "dr-a"]
        assert len(kept) == 1 and kept[0].describe().startswith("now version ")
        (met,) = [e for e in events if e.action == "release-kept-local"]
        assert "thresholds[0].value" in met.describe() and met.content_version == "2.0.0"
    finally:
        services.close()


def test_take_release_makes_the_item_follow_releases_again(
    released: tuple[Workspace, Path],
) -> None:
    ws, root = released
    services = ws.open()
    try:
        merge_start = services.releases.release_document(CI, EDITED)
        assert merge_start["thresholds"][0]["value"] == 170
        services.releases.resolve(CI, EDITED, Resolution.TAKE_RELEASE)
        assert services.releases.pending() == []
        detail = services.catalogue.get_item(CI, EDITED)
        assert detail.item.thresholds[0].value == 170
        assert not detail.locally_edited
        assert services.catalogue.search("recheck").hits == ()
    finally:
        services.close()
    release = root / "release.yaml"  # a later release now updates it like any shipped item
    path = root / "contraindications" / "contraindications.yaml"
    path.write_text(path.read_text().replace("value: 170,", "value: 175,"))
    release.write_text(release.read_text().replace('"2.0.0"', '"2.1.0"'))
    services = ws.open()
    try:
        assert services.load_report is not None
        assert f"contraindications/{EDITED}" in services.load_report.updated
        assert services.catalogue.get_item(CI, EDITED).item.thresholds[0].value == 175
    finally:
        services.close()
