"""The in-window editor's services: drafts with conflict checks, add, duplicate, retire,
references, previews, and the editor's own checks (dates, sources, help section, size, slug)."""

from __future__ import annotations

import pytest

from ketref.domain import content as c
from ketref.domain.editing import MAX_TEXT, check_item, slug_for, unique_slug
from ketref.domain.enums import ContentState, ItemKind
from ketref.domain.errors import EditConflictError, NotFoundError
from ketref.services.editing import InvalidEditError
from ketref.services.handouts import HandoutRequest
from ketref.services.workspace import Services
from tests.conftest import SHIPPED_CONTENT
from tests.db.test_item_versions import HANDOUT, HYPERTENSION

pytestmark = pytest.mark.db
HELP_SECTION = {
    "heading": "When to get help",
    "blocks": [{"type": "paragraph", "text": "Call 911 if you cannot breathe."}],
}


def _handout_data(services: Services) -> dict:
    data = services.editing.start(*HANDOUT).data
    return {**data, "sections": [*data["sections"], HELP_SECTION]}


def test_saving_an_edit_makes_a_draft_that_neither_lists_nor_prints(services: Services) -> None:
    start = services.editing.start(*HANDOUT)
    data = {**_handout_data(services), "main_message": "Bring a <b>friend</b> & a snack."}
    saved = services.editing.save(*HANDOUT, data, expected=start.fingerprint)

    assert saved.draft_version is not None and saved.data["main_message"] == data["main_message"]
    assert services.catalogue.get_version(saved.draft_version).info.state is ContentState.DRAFT
    assert services.catalogue.get_item(*HANDOUT, include_drafts=True).draft
    shown = services.catalogue.get_item(*HANDOUT).item
    assert isinstance(shown, c.Handout) and shown.main_message != data["main_message"]
    pdf = services.handouts.render(HandoutRequest(slugs=(HANDOUT[1],)))
    assert b"snack" not in pdf  # the approved text prints, never the draft
    assert services.audit.events(limit=1)[0].action == "draft"


def test_a_second_editor_from_the_same_text_gets_a_conflict(services: Services) -> None:
    first = services.editing.start(*HYPERTENSION)
    second = services.editing.start(*HYPERTENSION)
    services.editing.save(
        *HYPERTENSION, {**first.data, "summary": "First editor."}, expected=first.fingerprint
    )
    with pytest.raises(EditConflictError):
        services.editing.save(
            *HYPERTENSION, {**second.data, "summary": "Second editor."}, expected=second.fingerprint
        )
    assert services.editing.start(*HYPERTENSION).data["summary"] == "First editor."


def test_invalid_edits_are_refused_at_their_field_and_save_nothing(services: Services) -> None:
    start = services.editing.start(*HYPERTENSION)
    bad = {
        **start.data,
        "review_due": "2020-01-01",
        "references": ["no-such-source"],
        "detail": "x" * 100_000,
    }
    with pytest.raises(InvalidEditError) as caught:
        services.editing.save(*HYPERTENSION, bad, expected=start.fingerprint)
    assert [p.loc for p in caught.value.problems] == [("detail",)]  # size is said alone
    assert "100,000" in caught.value.problems[0].message
    assert f"{MAX_TEXT:,}" in caught.value.problems[0].message
    del bad["detail"]
    bad["detail"] = start.data["detail"]
    with pytest.raises(InvalidEditError) as caught:
        services.editing.save(*HYPERTENSION, bad, expected=start.fingerprint)
    by_field = {p.loc: p.message for p in caught.value.problems}
    assert "after the last review" in by_field["review_due",]
    assert "no-such-source" in by_field["references",]
    assert not services.catalogue.get_item(*HYPERTENSION, include_drafts=True).draft


def test_a_handout_without_a_when_to_get_help_section_is_refused(services: Services) -> None:
    start = services.editing.start(*HANDOUT)
    with pytest.raises(InvalidEditError, match="when to get help"):
        services.editing.save(*HANDOUT, start.data, expected=start.fingerprint)
    services.editing.save(*HANDOUT, _handout_data(services), expected=start.fingerprint)


def test_every_shipped_handout_passes_the_help_section_rule() -> None:
    from ketref.content.reader import read_content_folder

    bundle = read_content_folder(SHIPPED_CONTENT)
    refs = {r.id for r in bundle.references}
    for handout in bundle.handouts:
        _, problems = check_item(
            ItemKind.HANDOUT, handout.model_dump(mode="json"), known_references=refs
        )
        assert problems == [], handout.slug


def test_add_makes_a_draft_and_a_taken_title_is_refused(services: Services) -> None:
    data = {**services.editing.start(*HYPERTENSION).data}
    with pytest.raises(InvalidEditError, match="already has the short name"):
        services.editing.add(ItemKind.CONTRAINDICATION, data)
    data |= {"slug": "clinic-rule", "title": "Clinic rule"}
    assert services.editing.add(ItemKind.CONTRAINDICATION, data) == "clinic-rule"
    assert "clinic-rule" not in {s.slug for s in services.catalogue.list_items(HYPERTENSION[0])}
    assert services.editing.start(ItemKind.CONTRAINDICATION, "clinic-rule").draft_version
    services.review.approve_draft(ItemKind.CONTRAINDICATION, "clinic-rule")
    assert "clinic-rule" in {s.slug for s in services.catalogue.list_items(HYPERTENSION[0])}


def test_duplicate_gets_a_new_unique_slug(services: Services) -> None:
    first = services.editing.duplicate(*HYPERTENSION)
    second = services.editing.duplicate(*HYPERTENSION)
    assert first == f"{HYPERTENSION[1]}-copy" and second == f"{HYPERTENSION[1]}-copy-2"
    copy = services.editing.start(ItemKind.CONTRAINDICATION, first)
    assert copy.data["title"].endswith("(copy)") and copy.draft_version is not None
    assert services.audit.events(limit=1)[0].action == "add"


def test_retire_leaves_lists_search_and_printing_but_keeps_history(services: Services) -> None:
    before = services.catalogue.history(*HANDOUT)
    services.editing.retire(*HANDOUT, "replaced by the clinic's own")
    assert HANDOUT[1] not in {s.slug for s in services.catalogue.list_items(ItemKind.HANDOUT)}
    assert not [h for h in services.catalogue.search("ride home").hits if h.slug == HANDOUT[1]]
    with pytest.raises(NotFoundError):
        services.handouts.render(HandoutRequest(slugs=(HANDOUT[1],)))
    with pytest.raises(NotFoundError):
        services.catalogue.get_item(*HANDOUT)
    history = services.catalogue.history(*HANDOUT)
    assert len(history) == len(before) + 1 and history[0].state is ContentState.RETIRED
    assert services.audit.events(limit=1)[0].action == "retire"
    with pytest.raises(NotFoundError):
        services.editing.retire(*HANDOUT)


def test_references_are_added_and_edited_with_a_conflict_check(services: Services) -> None:
    new = {
        "id": "clinic-protocol-2026",
        "kind": "other",
        "citation": "Clinic protocol, 2026.",
        "title": "Our <ketamine> protocol & checklist",
    }
    assert services.editing.add(ItemKind.REFERENCE, new) == "clinic-protocol-2026"
    with pytest.raises(InvalidEditError, match="already has the short name"):
        services.editing.add(ItemKind.REFERENCE, new)
    stored = services.catalogue.get_reference("clinic-protocol-2026").reference
    assert stored.title == new["title"]  # markup is stored as typed
    start = services.editing.start(ItemKind.REFERENCE, "clinic-protocol-2026")
    services.editing.save(
        ItemKind.REFERENCE,
        "clinic-protocol-2026",
        {**start.data, "year": 2026},
        expected=start.fingerprint,
    )
    with pytest.raises(EditConflictError):
        services.editing.save(
            ItemKind.REFERENCE, "clinic-protocol-2026", start.data, expected=start.fingerprint
        )
    hits = services.catalogue.search("clinic protocol").hits
    assert any(h.slug == "clinic-protocol-2026" for h in hits)


def test_previews_render_the_unsaved_item(services: Services) -> None:
    data = {**_handout_data(services), "main_message": "Preview only words."}
    handout = c.Handout.model_validate(data)
    pdf = services.editing.preview_pdf(handout)
    assert pdf.startswith(b"%PDF")
    detail = services.editing.preview_detail(ItemKind.HANDOUT, handout)
    assert detail.item is handout and detail.references


def test_slugs_from_titles() -> None:
    assert slug_for("  Nguyễn's <b>Rule</b> & co ") == "nguyen-s-b-rule-b-co"
    assert slug_for("!!!") == "item"
    assert unique_slug("a", {"a", "a-2"}) == "a-3"
    assert len(unique_slug("x" * 80, {"x" * 80})) == 80


def test_a_draft_never_screens(shipped_services: Services) -> None:
    from tests.screening_support import clear_patient, run

    patient = clear_patient(systolic_bp=185, medications=["lorazepam"])
    kind, slug = ItemKind.CONTRAINDICATION, "uncontrolled-hypertension"
    start = shipped_services.editing.start(kind, slug)
    changed = {**start.data, "title": "Draft title", "detail": "Draft detail."}
    shipped_services.editing.save(kind, slug, changed, expected=start.fingerprint)
    result = shipped_services.screening.screen(patient)
    assert result == run(patient)  # exactly what the approved, shipped content says
    assert "Draft title" not in repr(result)
