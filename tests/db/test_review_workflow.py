"""The review workflow beyond marking: reviews keep shipped items shipped, reverts, the
second-person approval rule, and stale translations in the due list (both backends)."""

from __future__ import annotations

from datetime import date

import pytest

from ketref.domain.enums import ContentState, ItemKind
from ketref.domain.errors import BadInputError, NotFoundError, ReadingLevelError
from ketref.services.workspace import Services
from tests.db.test_item_versions import HANDOUT

pytestmark = pytest.mark.db
EN = (ItemKind.HANDOUT, "about-iv-ketamine")
ES = (ItemKind.HANDOUT, "about-iv-ketamine-es")


def test_reviewing_a_shipped_item_keeps_it_shipped(shipped_services: Services) -> None:
    before = shipped_services.catalogue.get_item(*EN)
    assert before.origin == "shipped" and not before.locally_edited

    shipped_services.review.mark_reviewed(*EN, note="label unchanged", reviewer="dr-b")

    after = shipped_services.catalogue.get_item(*EN)
    assert after.origin == "shipped" and not after.locally_edited
    assert after.item.reviewed == date(2026, 11, 21)
    assert after.version_id != before.version_id
    changes = shipped_services.review.diff(*EN).changes  # against the shipped version
    assert "reviewed" in {c.path for c in changes} <= {"reviewed", "review_due"}


def test_reviewing_a_locally_edited_item_keeps_it_local(services: Services) -> None:
    services.catalogue.edit_item(*HANDOUT, {"summary": "Clinic wording."})
    services.review.mark_reviewed(*HANDOUT)
    assert services.catalogue.get_item(*HANDOUT).locally_edited


def test_revert_to_an_earlier_version_is_a_new_audited_version(services: Services) -> None:
    first = services.catalogue.get_item(*HANDOUT)
    services.catalogue.edit_item(*HANDOUT, {"summary": "Clinic wording."})
    count = len(services.catalogue.history(*HANDOUT))

    version = services.review.revert(*HANDOUT, first.version_id, note="wrong", actor="dr-c")

    now = services.catalogue.get_item(*HANDOUT)
    assert now.version_id == version not in (first.version_id,)
    assert now.item == first.item
    history = services.catalogue.history(*HANDOUT)
    assert len(history) == count + 1  # append-only: the edit is still there
    assert history[0].reason == f"reverted to version {first.version_id} by dr-c: wrong"
    event = services.audit.events(limit=1)[0]
    assert event.action == "revert" and event.actor == "dr-c"
    assert event.detail["to"] == first.version_id and event.detail["version"] == version


def test_revert_to_shipped_clears_the_local_edit(shipped_services: Services) -> None:
    shipped = shipped_services.catalogue.get_item(*EN)
    shipped_services.catalogue.edit_item(*EN, {"summary": "Clinic wording."})
    assert shipped_services.catalogue.get_item(*EN).locally_edited

    shipped_services.review.revert(*EN, None)

    now = shipped_services.catalogue.get_item(*EN)
    assert now.item == shipped.item and not now.locally_edited
    assert shipped_services.review.diff(*EN).changes == ()
    assert shipped_services.catalogue.history(*EN)[0].reason.startswith(
        "reverted to the shipped version"
    )


def test_revert_refuses_the_current_content_a_draft_and_unknown_versions(
    services: Services,
) -> None:
    current = services.catalogue.get_item(*HANDOUT)
    draft = services.review.save_draft(*HANDOUT, {"summary": "Draft wording."})
    before = services.catalogue.history(*HANDOUT)
    with pytest.raises(BadInputError, match="same content"):
        services.review.revert(*HANDOUT, current.version_id)
    with pytest.raises(BadInputError, match="is a draft"):
        services.review.revert(*HANDOUT, draft)
    with pytest.raises(NotFoundError, match="no version 99999"):
        services.review.revert(*HANDOUT, 99999)
    with pytest.raises(BadInputError, match="same content"):
        services.review.revert(*HANDOUT, None)  # still as shipped
    assert services.catalogue.history(*HANDOUT) == before


def test_second_person_rule_refuses_the_drafts_author_only(services: Services) -> None:
    assert not services.review.second_person_required()
    services.review.require_second_person(True, actor="owner")
    assert services.review.second_person_required()
    assert services.audit.events(limit=1)[0].detail == {"approval_needs_second_person": True}
    services.review.save_draft(*HANDOUT, {"summary": "Draft wording."}, actor="dr-a")
    before = services.catalogue.history(*HANDOUT)

    with pytest.raises(BadInputError, match=r"second person.*dr-a saved this draft"):
        services.review.approve_draft(*HANDOUT, approver="dr-a")
    assert services.catalogue.history(*HANDOUT) == before

    services.review.approve_draft(*HANDOUT, approver="dr-b")
    assert services.catalogue.get_item(*HANDOUT).item.summary == "Draft wording."


def test_with_the_rule_off_the_author_may_approve(services: Services) -> None:
    services.review.require_second_person(False)
    services.review.save_draft(*HANDOUT, {"summary": "Draft wording."}, actor="dr-a")
    services.review.approve_draft(*HANDOUT, approver="dr-a")
    assert services.catalogue.history(*HANDOUT)[0].state is ContentState.APPROVED


def test_a_translation_whose_source_changed_is_due(shipped_services: Services) -> None:
    assert ES[1] not in {d.slug for d in shipped_services.review.due()}
    english = shipped_services.catalogue.get_item(*EN).item
    shipped_services.catalogue.edit_item(*EN, {"main_message": english.main_message + " Rest."})

    due = shipped_services.review.due(ItemKind.HANDOUT)
    stale = [d for d in due if d.slug == ES[1]]
    assert len(stale) == 1 and stale[0].source_changed_on == date(2026, 11, 21)
    assert ES[1] not in {d.slug for d in shipped_services.review.due(ItemKind.INDICATION)}


def test_waiting_drafts_lists_only_drafts_newer_than_the_current_version(
    services: Services,
) -> None:
    assert services.review.waiting_drafts() == []
    draft = services.review.save_draft(*HANDOUT, {"title": "Draft title"}, actor="dr-a")
    waiting = services.review.waiting_drafts()
    assert [(w.slug, w.draft, w.saved_by, w.title) for w in waiting] == [
        (HANDOUT[1], draft, "dr-a", "Draft title")
    ]
    assert services.review.waiting_drafts(ItemKind.INDICATION) == []
    services.review.approve_draft(*HANDOUT, approver="dr-b")
    assert services.review.waiting_drafts() == []


def test_a_review_may_be_recorded_for_an_earlier_day_but_not_a_later_one(
    services: Services,
) -> None:
    today = services.review.today()
    yesterday = date.fromordinal(today.toordinal() - 1)
    services.review.mark_reviewed(*HANDOUT, reviewed_on=yesterday)
    item = services.catalogue.get_item(*HANDOUT).item
    assert item.reviewed == yesterday and item.review_due == date(2027, 11, 20)
    with pytest.raises(BadInputError, match="in the future"):
        services.review.mark_reviewed(*HANDOUT, reviewed_on=date(2030, 1, 1))


HARD_READING = (
    "Intravenous ketamine administration necessitates comprehensive cardiovascular "
    "monitoring, considering hypertensive complications, tachycardia and dissociative "
    "phenomena, particularly among individuals with cardiovascular comorbidities, and "
    "documentation of haemodynamic parameters throughout the observation period."
)


def test_a_handout_past_the_reading_level_is_saved_only_when_accepted(
    services: Services,
) -> None:
    kind, slug = HANDOUT
    sections = [
        {"heading": "When to get help", "blocks": [{"type": "paragraph", "text": HARD_READING}]}
    ]
    with pytest.raises(ReadingLevelError, match="past the limit"):
        services.review.save_draft(kind, slug, {"sections": sections})
    assert services.review.waiting_drafts() == []  # nothing stored
    services.review.save_draft(kind, slug, {"sections": sections}, accept_reading_level=True)
    event = services.audit.events(1, kind=kind, slug=slug)[0]
    assert event.detail["reading_level_accepted"] is True
    assert str(event.detail["reading_level"]).startswith("grade ")


def test_reviewing_a_translation_verifies_it_against_the_current_english(
    shipped_services: Services,
) -> None:
    catalogue, review = shipped_services.catalogue, shipped_services.review
    english = catalogue.get_item(*EN).item
    catalogue.edit_item(*EN, {"main_message": english.main_message + " Rest."})
    assert ES[1] in {d.slug for d in review.due() if d.source_changed_on}
    assert not catalogue.get_item(*ES).item.verified

    review.mark_reviewed(*ES, note="checked by a medical translator")

    spanish = catalogue.get_item(*ES).item
    assert spanish.verified and spanish.unverified_note is None
    assert spanish.translation_of is not None
    assert spanish.translation_of.text_hash == catalogue.get_item(*EN).item.text_fingerprint()
    assert ES[1] not in {d.slug for d in review.due() if d.source_changed_on}
