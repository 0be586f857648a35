"""Retiring an item and restoring it: back in lists, search, screening, links and printing,
with its history and audit trail; refused when there is nothing to restore; and what a later
content release does to a restored item."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ketref.domain.enums import ContentState, ItemKind
from ketref.domain.errors import BadInputError, NotFoundError
from ketref.services.handouts import HandoutRequest
from ketref.services.workspace import Services
from tests.conftest import FIXTURE_CONTENT, make_workspace
from tests.db.test_editing_service import HELP_SECTION as HELP
from tests.db.test_item_versions import HANDOUT
from tests.screening_support import clear_patient

pytestmark = pytest.mark.db
BENZOS = (ItemKind.INTERACTION, "benzodiazepines")
HIGH_DOSE = (ItemKind.CONTRAINDICATION, "high-dose-benzodiazepines")
Z_DRUGS = (ItemKind.INTERACTION, "z-drug-hypnotics")
ANEURYSM = (ItemKind.CONTRAINDICATION, "aneurysmal-vascular-disease")


def _listed(services: Services, kind: ItemKind) -> set[str]:
    return {s.slug for s in services.catalogue.list_items(kind)}


def test_restore_brings_an_item_back_in_lists_search_and_printing(services: Services) -> None:
    kind, slug = HANDOUT
    shown = services.catalogue.get_item(*HANDOUT)
    services.editing.retire(*HANDOUT, "replaced by the clinic's own")
    retired = services.editing.retired()
    assert [(r.kind, r.slug, r.title, r.reason) for r in retired] == [
        (kind, slug, "Preparing for your session", "replaced by the clinic's own")
    ]
    assert retired[0].retired_by and not retired[0].was_draft

    restored = services.editing.restore_retired(*HANDOUT, "retired by mistake")

    assert (restored.title, restored.draft, restored.release_changed) == (
        "Preparing for your session",
        False,
        None,
    )
    assert "“Preparing for your session”" in restored.message()
    assert services.editing.retired() == []
    assert slug in _listed(services, kind)
    assert any(h.slug == slug for h in services.catalogue.search("preparing for").hits)
    detail = services.catalogue.get_item(*HANDOUT)
    assert detail.item == shown.item and detail.version_id == restored.version_id
    assert not detail.locally_edited  # the shipped text: a later release may update it again
    assert services.handouts.render(HandoutRequest(slugs=(slug,))).startswith(b"%PDF")
    history = services.catalogue.history(*HANDOUT)
    assert [v.state for v in history[:3]] == [
        ContentState.APPROVED,
        ContentState.RETIRED,
        ContentState.APPROVED,
    ]
    assert (
        history[0].current and history[0].reason == "restored after retirement: retired by mistake"
    )
    event = services.audit.events(limit=1)[0]
    assert (event.action, event.kind, event.slug) == ("restore", kind.value, slug)
    assert event.detail["reason"] == "retired by mistake"
    assert event.detail["retired_version"] == history[1].version_id


def test_a_restored_interaction_screens_and_links_again(shipped_services: Services) -> None:
    services = shipped_services
    patient = clear_patient(medications=["lorazepam"])

    def interaction_items() -> list[object]:
        result = services.screening.screen(patient)
        return [
            f.item for r in result.results for f in r.findings if f.rule_id == "medication-review"
        ]

    def linked(kind_slug: tuple[ItemKind, str]) -> set[str]:
        detail = services.catalogue.get_item(*kind_slug)
        return {r.slug for r in detail.related} | {r.slug for r in detail.linked_from}

    before = interaction_items()
    assert before and all(item is not None for item in before)
    services.editing.retire(*BENZOS)
    assert all(item is None for item in interaction_items())  # lorazepam is not recognised
    assert BENZOS[1] not in linked(HIGH_DOSE) | linked(Z_DRUGS)

    services.editing.restore_retired(*BENZOS)

    assert interaction_items() == before
    assert BENZOS[1] in linked(HIGH_DOSE) and BENZOS[1] in linked(Z_DRUGS)
    assert services.screening.knowledge().local_edits == ()  # shipped text: no "local edits"


def test_restore_refuses_what_is_not_retired_and_changes_nothing(services: Services) -> None:
    events = len(services.audit.events())
    with pytest.raises(BadInputError, match="is not retired"):
        services.editing.restore_retired(*HANDOUT)
    with pytest.raises(NotFoundError, match="No handout called 'no-such-handout'"):
        services.editing.restore_retired(ItemKind.HANDOUT, "no-such-handout")
    with pytest.raises(BadInputError, match="references are never retired"):
        services.editing.restore_retired(ItemKind.REFERENCE, "anything")
    services.editing.retire(*HANDOUT)
    services.editing.restore_retired(*HANDOUT)
    with pytest.raises(BadInputError, match="is not retired"):
        services.editing.restore_retired(*HANDOUT)  # restored once, not twice
    assert len(services.audit.events()) == events + 2


def test_a_new_item_retired_before_approval_comes_back_as_a_draft(services: Services) -> None:
    data = services.editing.start(*HANDOUT).data
    data = {**data, "title": "Clinic parking & arrival", "sections": [*data["sections"], HELP]}
    slug = services.editing.add(ItemKind.HANDOUT, {**data, "slug": "clinic-parking"})
    services.editing.retire(ItemKind.HANDOUT, slug)
    assert services.editing.retired()[0].was_draft

    restored = services.editing.restore_retired(ItemKind.HANDOUT, slug)

    assert restored.draft and "as a draft" in restored.message()
    assert slug not in _listed(services, ItemKind.HANDOUT)  # never approved: still not listed
    drafts = services.review.waiting_drafts(ItemKind.HANDOUT)
    assert [(d.slug, d.draft) for d in drafts] == [(slug, restored.version_id)]
    with pytest.raises(NotFoundError):
        services.handouts.render(HandoutRequest(slugs=(slug,)))
    services.review.approve_draft(ItemKind.HANDOUT, slug)
    assert slug in _listed(services, ItemKind.HANDOUT)


def _next_release(root: Path, old: str, new: str) -> None:
    """Release 2.0.0 of the content in ``root``, with ``old`` text replaced by ``new``."""
    path = root / "contraindications" / "contraindications.yaml"
    body = path.read_text()
    assert old in body
    path.write_text(body.replace(old, new))
    release = root / "release.yaml"
    release.write_text(release.read_text().replace('version: "1.0.0"', 'version: "2.0.0"'))


def test_a_restored_shipped_item_follows_later_releases_again(tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    ws = make_workspace(tmp_path / "home", root)
    services = ws.open()
    services.editing.retire(*ANEURYSM)
    services.editing.restore_retired(*ANEURYSM)
    services.close()
    _next_release(root, "A known aneurysm of the aorta", "A known aneurysm of the thoracic aorta")
    services = ws.open()
    try:
        detail = services.catalogue.get_item(*ANEURYSM)
        assert "thoracic aorta" in detail.item.model_dump_json()
        assert not detail.locally_edited
    finally:
        services.close()


def test_restoring_an_item_a_release_changed_while_retired_keeps_its_text_and_says_so(
    tmp_path: Path,
) -> None:
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    ws = make_workspace(tmp_path / "home", root)
    services = ws.open()
    before = services.catalogue.get_item(*ANEURYSM).item
    services.editing.retire(*ANEURYSM)
    services.close()
    _next_release(root, "A known aneurysm of the aorta", "A known aneurysm of the thoracic aorta")
    services = ws.open()
    try:
        assert ANEURYSM[1] not in _listed(services, ANEURYSM[0])  # a release does not restore it
        # nothing to keep or replace while it is retired (keeping would un-retire it unaudited)
        assert services.load_report is not None and services.load_report.release_conflicts == []
        assert services.releases.pending() == []
        restored = services.editing.restore_retired(*ANEURYSM)
        assert restored.release_changed == "2.0.0"
        assert "Content release 2.0.0 changed it" in restored.message()
        detail = services.catalogue.get_item(*ANEURYSM)
        assert detail.item == before and detail.locally_edited  # no release overwrites it unasked
        changes = services.review.diff(*ANEURYSM).changes  # shipped (2.0.0) text -> current
        assert any("thoracic" in str(change.old) for change in changes)
        services.review.revert(*ANEURYSM, None)  # taking the release's text is one revert
        detail = services.catalogue.get_item(*ANEURYSM)
        assert "thoracic aorta" in detail.item.model_dump_json() and not detail.locally_edited
    finally:
        services.close()
