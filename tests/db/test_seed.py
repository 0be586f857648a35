"""Loading content: idempotent, newer releases replace older, local edits always survive."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from ketref.domain.enums import ItemKind
from ketref.domain.errors import BadInputError, ContentError
from ketref.services.workspace import Workspace
from tests.conftest import FIXTURE_CONTENT, logical_snapshot, make_workspace

pytestmark = pytest.mark.db


def _content_copy(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    return root


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[Path, Workspace]:
    """An editable copy of the fixture content, already loaded once into a fresh workspace."""
    root = _content_copy(tmp_path)
    ws = make_workspace(tmp_path / "home", root)
    ws.open().close()
    return root, ws


def _ship_edit(root: Path, relpath: str, old: str, new: str, version: str) -> None:
    """Change one shipped file and release it as ``version``."""
    path = root / relpath
    text_before = path.read_text()
    assert old in text_before
    path.write_text(text_before.replace(old, new))
    _bump(root, version)


def _drop_handout_and_its_references(root: Path) -> None:
    """Remove the handout and the two references only it cites (no orphans are allowed)."""
    (root / "handouts" / "handout.yaml").unlink()
    refs = root / "references" / "refs.yaml"
    kept = [
        b for b in refs.read_text().split("- id: ") if not b.startswith(("mayo-", "medlineplus-"))
    ]
    refs.write_text("- id: ".join(kept))


def _bump(root: Path, version: str) -> None:
    release = root / "release.yaml"
    release.write_text(release.read_text().replace('version: "1.0.0"', f'version: "{version}"'))


def test_first_open_loads_everything(services) -> None:
    report = services.load_report
    assert report.loaded
    assert report.reason == "first load"
    assert len(report.added) == 7
    assert services.content.status().counts["contraindications"] == 2


def test_seeding_twice_changes_nothing(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "home")
    ws.open().close()
    before = logical_snapshot(ws.paths.database)
    second = ws.open()
    assert second.load_report is not None
    assert not second.load_report.loaded
    second.close()
    assert logical_snapshot(ws.paths.database) == before


def test_newer_release_updates_changed_items(seeded: tuple[Path, Workspace]) -> None:
    root, ws = seeded
    _ship_edit(
        root,
        "contraindications/contraindications.yaml",
        "Aneurysmal vascular disease",
        "Aneurysm (any artery)",
        "1.1.0",
    )
    services = ws.open()
    try:
        assert services.load_report.updated == ["contraindications/aneurysmal-vascular-disease"]
        detail = services.catalogue.get_item(
            ItemKind.CONTRAINDICATION, "aneurysmal-vascular-disease"
        )
        assert detail.item.title == "Aneurysm (any artery)"
        assert detail.content_version == "1.1.0"
    finally:
        services.close()


def test_older_release_is_not_loaded_over_newer(tmp_path: Path) -> None:
    root = _content_copy(tmp_path)
    _bump(root, "2.0.0")
    ws = make_workspace(tmp_path / "home", root)
    ws.open().close()
    release = root / "release.yaml"
    release.write_text(release.read_text().replace('"2.0.0"', '"1.5.0"'))
    services = ws.open()
    try:
        assert not services.load_report.loaded
        assert "newer content (2.0.0)" in services.load_report.reason
    finally:
        services.close()


def _reword_hypertension_in_a_new_release(root: Path) -> None:
    _ship_edit(
        root,
        "contraindications/contraindications.yaml",
        "High resting blood pressure",
        "Raised resting blood pressure",
        "1.2.0",
    )


def test_local_edits_survive_a_content_update(tmp_path: Path) -> None:
    root = _content_copy(tmp_path)
    ws = make_workspace(tmp_path / "home", root)
    services = ws.open()
    services.catalogue.edit_item(
        ItemKind.CONTRAINDICATION,
        "uncontrolled-hypertension",
        {"summary": "Clinic policy: withhold if resting BP is above 160/100 mmHg."},
        actor="dr-test",
    )
    services.close()
    _reword_hypertension_in_a_new_release(root)
    services = ws.open()
    try:
        assert "contraindications/uncontrolled-hypertension" in services.load_report.kept_local
        detail = services.catalogue.get_item(ItemKind.CONTRAINDICATION, "uncontrolled-hypertension")
        assert detail.item.summary.startswith("Clinic policy")
        assert detail.locally_edited
        found = services.catalogue.search("clinic policy withhold")
        assert [h.slug for h in found.hits] == ["uncontrolled-hypertension"]
        with services.db.read() as session:
            actions = list(
                session.execute(text("SELECT action, actor FROM audit_event ORDER BY id"))
            )
        assert ("edit", "dr-test") in actions
        assert [a for a, _ in actions].count("load-shipped") == 2
    finally:
        services.close()


def test_a_release_names_an_item_retired_here_as_retired_not_as_a_local_edit(
    tmp_path: Path,
) -> None:
    root = _content_copy(tmp_path)
    ws = make_workspace(tmp_path / "home", root)
    services = ws.open()
    services.editing.retire(ItemKind.CONTRAINDICATION, "uncontrolled-hypertension", "clinic rule")
    services.close()
    _reword_hypertension_in_a_new_release(root)
    services = ws.open()
    try:
        report = services.load_report
        assert report.loaded
        assert report.kept_retired == ["contraindications/uncontrolled-hypertension"]
        assert "contraindications/uncontrolled-hypertension" not in report.kept_local
        assert report.as_dict()["kept_retired"] == report.kept_retired
        assert [r.slug for r in services.editing.retired()] == ["uncontrolled-hypertension"]
    finally:
        services.close()


def test_removed_items_go_unless_edited(seeded: tuple[Path, Workspace]) -> None:
    root, ws = seeded
    _drop_handout_and_its_references(root)
    _bump(root, "1.3.0")
    services = ws.open()
    try:
        assert "handouts/preparing-for-your-session" in services.load_report.removed
        assert services.catalogue.list_items(ItemKind.HANDOUT) == []
    finally:
        services.close()


def test_removed_item_that_was_edited_is_kept(seeded: tuple[Path, Workspace]) -> None:
    root, ws = seeded
    services = ws.open()
    services.catalogue.edit_item(
        ItemKind.HANDOUT, "preparing-for-your-session", {"summary": "Our clinic's own version."}
    )
    services.close()
    _drop_handout_and_its_references(root)
    _bump(root, "1.3.0")
    services = ws.open()
    try:
        assert "handouts/preparing-for-your-session" not in services.load_report.removed
        detail = services.catalogue.get_item(ItemKind.HANDOUT, "preparing-for-your-session")
        assert detail.item.summary == "Our clinic's own version."
        assert {r.id for r in detail.references} >= {"mayo-ketamine-injection"}
    finally:
        services.close()


def test_invalid_content_changes_nothing(seeded: tuple[Path, Workspace]) -> None:
    root, ws = seeded
    before = logical_snapshot(ws.paths.database)
    _ship_edit(root, "interactions/interactions.yaml", "level: caution", "level: maybe", "1.4.0")
    with pytest.raises(
        ContentError, match=r"interactions/interactions.yaml: item 1 \(benzodiazepines\): level"
    ):
        ws.open()
    assert logical_snapshot(ws.paths.database) == before


def test_edit_is_validated_and_refused_whole(services) -> None:
    with pytest.raises(BadInputError, match="review_due"):
        services.catalogue.edit_item(
            ItemKind.CONTRAINDICATION, "uncontrolled-hypertension", {"review_due": "2020-01-01"}
        )
    with pytest.raises(BadInputError, match="unknown field"):
        services.catalogue.edit_item(
            ItemKind.CONTRAINDICATION, "uncontrolled-hypertension", {"x": 1}
        )
    with pytest.raises(BadInputError, match="unknown reference"):
        services.catalogue.edit_item(
            ItemKind.CONTRAINDICATION, "uncontrolled-hypertension", {"references": ["nope"]}
        )
    detail = services.catalogue.get_item(ItemKind.CONTRAINDICATION, "uncontrolled-hypertension")
    assert not detail.locally_edited
