"""Reviewing items: what is due, marking reviewed, approving drafts, diffs between versions."""

from __future__ import annotations

from datetime import date

import pytest

from ketref.domain.enums import ContentState, ItemKind
from ketref.domain.errors import BadInputError, EditConflictError, NotFoundError
from ketref.services.review import one_year_after
from ketref.services.workspace import Services
from tests.conftest import FIXED_NOW
from tests.db.test_item_versions import HANDOUT, _save

pytestmark = pytest.mark.db
TODAY = FIXED_NOW.date()


def test_one_year_after_keeps_the_day_and_handles_leap_days() -> None:
    assert one_year_after(date(2026, 11, 21)) == date(2027, 11, 21)
    assert one_year_after(date(2028, 2, 29)) == date(2029, 2, 28)


def test_due_lists_overdue_first_then_due_soon_and_filters_by_kind(services: Services) -> None:
    services.catalogue.edit_item(
        *HANDOUT, {"reviewed": date(2024, 1, 1), "review_due": date(2025, 1, 1)}
    )
    due = services.review.due()
    assert due[0].slug == HANDOUT[1] and due[0].overdue
    dates = [d.review_due for d in due]
    assert dates == sorted(dates)
    assert all(d.review_due <= date.fromordinal(TODAY.toordinal() + 90) for d in due)
    assert [d.overdue for d in due] == [d.review_due <= TODAY for d in due]
    assert {d.kind for d in services.review.due(ItemKind.HANDOUT)} == {ItemKind.HANDOUT}


def test_mark_reviewed_adds_an_approved_version_with_new_dates_and_audits(
    services: Services,
) -> None:
    before = services.catalogue.edit_item(
        *HANDOUT, {"reviewed": date(2024, 1, 1), "review_due": date(2025, 1, 1)}
    )
    version = services.review.mark_reviewed(*HANDOUT, note="checked against label", reviewer="dr-b")

    after = services.catalogue.get_item(*HANDOUT)
    assert after.version_id == version != before.version_id
    assert after.item.reviewed == TODAY and after.item.review_due == date(2027, 11, 21)
    newest = services.catalogue.history(*HANDOUT)[0]
    assert newest.saved_by == "dr-b" and newest.reason == "reviewed by dr-b: checked against label"
    event = services.audit.events(limit=1)[0]
    assert event.action == "review" and event.detail["note"] == "checked against label"
    changes = services.review.diff(*HANDOUT, against=before.version_id).changes
    assert {c.path for c in changes} == {"reviewed", "review_due"}


def test_mark_reviewed_rejects_a_next_date_not_after_today_and_writes_nothing(
    services: Services,
) -> None:
    before = services.catalogue.history(*HANDOUT)
    with pytest.raises(BadInputError, match="must be after"):
        services.review.mark_reviewed(*HANDOUT, next_review=TODAY)
    with pytest.raises(NotFoundError):
        services.review.mark_reviewed(ItemKind.HANDOUT, "no-such-handout")
    assert services.catalogue.history(*HANDOUT) == before


def test_approve_draft_makes_the_newest_draft_current(services: Services) -> None:
    with pytest.raises(NotFoundError, match="no draft"):
        services.review.approve_draft(*HANDOUT)
    current = services.catalogue.get_item(*HANDOUT)
    draft = current.item.model_copy(update={"summary": "Reviewed new wording."})
    _save(services, draft, ContentState.DRAFT)

    version = services.review.approve_draft(*HANDOUT, approver="dr-c")
    approved = services.catalogue.get_item(*HANDOUT)
    assert approved.version_id == version and approved.item.summary == "Reviewed new wording."
    with pytest.raises(NotFoundError, match="no draft"):
        services.review.approve_draft(*HANDOUT)


def test_approve_a_new_item_that_exists_only_as_a_draft(services: Services) -> None:
    current = services.catalogue.get_item(*HANDOUT)
    new = current.item.model_copy(update={"slug": "draft-only", "title": "Draft only"})
    _save(services, new, ContentState.DRAFT)
    services.review.approve_draft(ItemKind.HANDOUT, "draft-only")
    assert services.catalogue.get_item(ItemKind.HANDOUT, "draft-only").item.title == "Draft only"


def test_diff_against_shipped_and_bad_versions(services: Services) -> None:
    assert services.review.diff(*HANDOUT).changes == ()
    services.catalogue.edit_item(*HANDOUT, {"summary": "Clinic wording."})
    changes = services.review.diff(*HANDOUT).changes
    assert [(c.path, c.new) for c in changes] == [("summary", "Clinic wording.")]
    with pytest.raises(NotFoundError, match="no version 999999"):
        services.review.diff(*HANDOUT, against=999_999)


def test_save_draft_validates_checks_the_hash_and_waits_for_approval(services: Services) -> None:
    current = services.catalogue.get_item(*HANDOUT)
    with pytest.raises(BadInputError):
        services.review.save_draft(*HANDOUT, {"review_due": date(2000, 1, 1)})
    with pytest.raises(EditConflictError):
        services.review.save_draft(*HANDOUT, {"summary": "x"}, expected="0" * 64)
    assert services.catalogue.history(*HANDOUT)[0].version_id == current.version_id

    draft = services.review.save_draft(
        *HANDOUT, {"summary": "Draft wording."}, expected=current.fingerprint, actor="dr-d"
    )
    assert services.catalogue.get_item(*HANDOUT).item == current.item
    assert services.catalogue.get_version(draft).info.state is ContentState.DRAFT
    assert not [h for h in services.catalogue.search("draft wording").hits if h.slug == HANDOUT[1]]
    assert services.audit.events(limit=1)[0].action == "draft"
    services.review.approve_draft(*HANDOUT)
    assert services.catalogue.get_item(*HANDOUT).item.summary == "Draft wording."
