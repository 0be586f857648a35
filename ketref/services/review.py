"""Clinical review of items: what is due, marking reviewed, approving drafts, reverting, diffs.

Every write is a new version (history is append-only) and an audit event, like an edit. The
reviewer's note lives in the version's reason and the audit detail; the item's own ``reviewed``
and ``review_due`` dates are what lists and printouts show. A clinic may require a second
person to approve a draft (a setting kept in ``ketref_meta``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from ketref.db import items as items_db
from ketref.db import repositories as repo
from ketref.db import tables as t
from ketref.db.engine import Database
from ketref.db.item_lifecycle import newest_draft
from ketref.db.mapping import item_from_document
from ketref.db.stale_translations import stale_translations
from ketref.domain import content as c
from ketref.domain.clock import Clock, system_clock
from ketref.domain.document_diff import FieldChange, diff_documents
from ketref.domain.enums import ContentState, ItemKind
from ketref.domain.errors import BadInputError, NotFoundError, ReadingLevelError
from ketref.domain.readability import Level, measure
from ketref.domain.roles import Role
from ketref.services.audited_save import Save, save_audited
from ketref.services.catalogue import changed_item, conflict_error, current_actor

DUE_WITHIN_DAYS = 90
SECOND_PERSON_KEY = "review.approval_needs_second_person"


def _translation_checked(session: Session, item: c.Item) -> dict[str, object]:
    """For a translated handout: verified, and made from its source's current wording."""
    if not isinstance(item, c.Handout) or item.translation_of is None:
        return {}
    found = items_db.document_of_item(session, ItemKind.HANDOUT, item.translation_of.slug)
    if found is None:  # the source is gone: verify the words, keep the link as it was
        return {"verified": True, "unverified_note": None}
    source = item_from_document(ItemKind.HANDOUT, item.translation_of.slug, found[1])
    assert isinstance(source, c.Handout)
    checked = {
        "slug": source.slug,
        "version": source.version,
        "text_hash": source.text_fingerprint(),
    }
    return {"verified": True, "unverified_note": None, "translation_of": checked}


def _reading_level(handout: c.Handout, *, accepted: bool) -> dict[str, object]:
    """The handout's reading level for the audit detail; refused above the limit unless the
    writer accepted it."""
    reading = measure(handout.plain_text(), handout.language)
    score = reading.second if reading.spanish else reading.grade
    name = "INFLESZ" if reading.spanish else "grade"
    if reading.level is Level.TOO_HARD:
        if not accepted:
            raise ReadingLevelError(
                f"{handout.title!r} reads at {name} {score:.1f}, past the limit "
                f"({reading.goal}). Simplify it, or save it anyway: accepting is recorded in "
                "the audit trail."
            )
        return {"reading_level": f"{name} {score:.1f}", "reading_level_accepted": True}
    return {"reading_level": f"{name} {score:.1f}"}


def one_year_after(day: date) -> date:
    """The same day next year (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


@dataclass(frozen=True)
class DueItem:
    kind: ItemKind
    slug: str
    title: str
    review_due: date
    overdue: bool
    source_changed_on: date | None = None
    """A translation whose English source changed on this day: review it whatever its date."""


@dataclass(frozen=True)
class WaitingDraft:
    """A draft saved after its item's current version: it shows nowhere until approved."""

    kind: ItemKind
    slug: str
    title: str
    draft: int
    saved_by: str
    saved_at: datetime


@dataclass(frozen=True)
class ItemDiff:
    """What changed from ``old_version`` to the item's current version."""

    kind: ItemKind
    slug: str
    old_version: int
    new_version: int
    changes: tuple[FieldChange, ...]


def _with_stale_translations(session: Session, due: list[DueItem], today: date) -> list[DueItem]:
    """``due`` with every stale translation flagged (and added, after the others, when its
    own review date is not near): "the English version changed on DATE"."""
    stale = stale_translations(session)
    if not stale:
        return due
    flagged = [
        dataclasses.replace(d, source_changed_on=stale.get(d.slug))
        if d.kind is ItemKind.HANDOUT
        else d
        for d in due
    ]
    listed = {d.slug for d in due if d.kind is ItemKind.HANDOUT}
    extra = [
        r for r in repo.item_rows(session, ItemKind.HANDOUT) if r.slug in stale.keys() - listed
    ]
    return flagged + [
        DueItem(
            ItemKind.HANDOUT, r.slug, r.title, r.review_due, r.review_due <= today, stale[r.slug]
        )
        for r in sorted(extra, key=lambda r: r.slug)
    ]


class ReviewService:
    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self._db = db
        self._clock = clock

    def today(self) -> date:
        """The review date a review recorded now would carry."""
        return self._clock().date()

    def due(
        self, kind: ItemKind | None = None, within_days: int = DUE_WITHIN_DAYS
    ) -> list[DueItem]:
        """Overdue items first (earliest first), then those due within ``within_days``, then
        translations whose English source changed (flagged wherever they are listed)."""
        today = self._clock().date()
        with self._db.read() as session:
            rows = items_db.due_by(session, today + timedelta(days=within_days), kind)
            due = [
                DueItem(ItemKind(r.kind), r.slug, r.title, r.review_due, r.review_due <= today)
                for r in rows
            ]
            if kind not in (None, ItemKind.HANDOUT):
                return due
            return _with_stale_translations(session, due, today)

    def waiting_drafts(self, kind: ItemKind | None = None) -> list[WaitingDraft]:
        """Drafts waiting for approval, newest draft per item, oldest first."""
        with self._db.read() as session:
            found = {
                (row.kind, row.slug): WaitingDraft(
                    ItemKind(row.kind),
                    row.slug,
                    str(version.document.get("title") or row.title),
                    version.id,
                    version.saved_by,
                    repo.aware(version.saved_at),
                )
                for row, version in items_db.waiting_drafts(session)
                if kind is None or row.kind == kind.value
            }
        return sorted(found.values(), key=lambda d: d.draft)

    def mark_reviewed(
        self,
        kind: ItemKind,
        slug: str,
        *,
        note: str | None = None,
        next_review: date | None = None,
        reviewer: str | None = None,
        reviewed_on: date | None = None,
    ) -> int:
        """Record a review (``reviewed_on``, default today): a new approved version with new
        review dates; its id.

        Only the dates change, so a shipped item stays shipped (not locally edited): a newer
        release may still replace it, and a pack export leaves it out. A translation is the
        exception: reviewing it is the qualified check its flag asks for, so it becomes
        verified and records the English wording it was checked against (which clears a
        "source changed" notice).

        Raises:
            NotFoundError: no such item.
            BadInputError: ``reviewed_on`` is in the future, or ``next_review`` is not after it.
        """
        now = self._clock()
        today = reviewed_on or now.date()
        if today > now.date():
            raise BadInputError(f"the review date {today} is in the future")
        due = next_review or one_year_after(today)
        if due <= today:
            raise BadInputError(f"the next review date {due} must be after the review date {today}")
        reviewer = reviewer or current_actor()
        with self._db.write(needs=Role.APPROVER) as session:
            row, document = _current(session, kind, slug)
            before = item_from_document(kind, slug, document)
            data = {**before.model_dump(by_alias=True), "reviewed": today, "review_due": due}
            data.update(_translation_checked(session, before))
            after = type(before).model_validate(data)
            reason = f"reviewed by {reviewer}" + (f": {note}" if note else "")
            detail: dict[str, object] = {
                "reviewed": today.isoformat(),
                "review_due": due.isoformat(),
                "note": note,
            }
            return save_audited(
                session,
                row,
                after,
                Save(reviewer, now, "review", reason, detail),
                locally_edited=row.locally_edited,
            )

    def save_draft(
        self,
        kind: ItemKind,
        slug: str,
        changes: Mapping[str, Any],
        *,
        expected: str | None = None,
        actor: str | None = None,
        accept_reading_level: bool = False,
    ) -> int:
        """Save ``changes`` to an item as a draft beside its current version; the draft's id.

        Validated exactly like an edit. ``expected`` is the fingerprint the writer started
        from: the newest waiting draft's, or the current version's when there is none, so a
        second writer who started from the same text gets a conflict, never a lost update.
        A new item (still a draft itself) is drafted on too.

        A handout that reads above the limit is saved only with ``accept_reading_level``; its
        reading level, and that it was accepted, go into the audit detail.

        Raises:
            NotFoundError, EditConflictError, BadInputError: as ``CatalogueService.edit_item``.
            ReadingLevelError: a handout above the reading-level limit, not accepted.
        """
        now = self._clock()
        actor = actor or current_actor()
        with self._db.write() as session:
            head = items_db.head_row(session, kind, slug)
            if head is None or head.state == ContentState.RETIRED.value:
                raise NotFoundError(f"No {kind.singular.lower()} called {slug!r} was found.")
            base = newest_draft(session, head) or session.get(t.ItemVersionRow, head.version_id)
            assert base is not None
            if expected is not None and base.content_hash != expected:
                raise conflict_error(session, kind, slug)
            row, _, after = changed_item(
                session, kind, slug, changes, None, base=(head, base.document)
            )
            detail: dict[str, object] = {"fields": sorted(changes)}
            if isinstance(after, c.Handout):
                detail.update(_reading_level(after, accepted=accept_reading_level))
            return save_audited(
                session,
                row,
                after,
                Save(actor, now, "draft", "draft", detail),
                state=ContentState.DRAFT,
            )

    def second_person_required(self) -> bool:
        """Whether the clinic requires someone other than a draft's author to approve it."""
        with self._db.read() as session:
            return repo.get_meta(session, SECOND_PERSON_KEY) == "on"

    def require_second_person(self, required: bool, actor: str | None = None) -> None:
        """Turn the clinic's second-person approval rule on or off (audited)."""
        now = self._clock()
        actor = actor or current_actor()
        with self._db.write(needs=Role.APPROVER) as session:
            repo.set_meta(session, SECOND_PERSON_KEY, "on" if required else "off")
            repo.audit(
                session,
                now=now,
                actor=actor,
                action="setting",
                kind=None,
                slug=None,
                content_version=None,
                detail={"approval_needs_second_person": required},
            )

    def approve_draft(self, kind: ItemKind, slug: str, approver: str | None = None) -> int:
        """Make the newest draft saved after the current version current; the new version id.

        Raises:
            NotFoundError: no such item, or no draft newer than its current version.
            BadInputError: the clinic requires a second person and ``approver`` saved the draft.
            StoredItemInvalidError: the draft no longer fits the schema.
        """
        now = self._clock()
        approver = approver or current_actor()
        with self._db.write(needs=Role.APPROVER) as session:
            row = items_db.head_row(session, kind, slug)
            if row is None:
                raise NotFoundError(f"No {kind.singular.lower()} called {slug!r} was found.")
            draft = newest_draft(session, row)
            if draft is None:
                raise NotFoundError(f"{kind.singular} {slug!r} has no draft waiting for approval.")
            if draft.saved_by == approver and repo.get_meta(session, SECOND_PERSON_KEY) == "on":
                raise BadInputError(
                    f"This clinic requires a second person to approve drafts, and {approver} "
                    f"saved this draft of {kind.value}/{slug}: someone else must approve it."
                )
            item = item_from_document(kind, slug, draft.document)
            return save_audited(
                session,
                row,
                item,
                Save(approver, now, "approve", f"approved draft {draft.id}", {"draft": draft.id}),
            )

    def revert(
        self,
        kind: ItemKind,
        slug: str,
        to: int | None,
        *,
        note: str | None = None,
        actor: str | None = None,
    ) -> int:
        """Make an earlier approved version (``None``: the shipped one) current again, as a new
        version; its id. Back at the shipped content, the item is no longer locally edited.

        Raises:
            NotFoundError: no such item or version, or nothing shipped to go back to.
            BadInputError: the version is a draft, or already the current content.
            StoredItemInvalidError: that version no longer fits the schema.
        """
        now = self._clock()
        actor = actor or current_actor()
        with self._db.write(needs=Role.APPROVER) as session:
            row, _ = _current(session, kind, slug)
            old = _version(session, row, kind, slug, to)
            if old.state == ContentState.DRAFT.value:
                raise BadInputError(f"version {old.id} is a draft: approve it instead")
            if old.content_hash == row.content_hash:
                raise BadInputError(f"version {old.id} has the same content as the current version")
            item = item_from_document(kind, slug, old.document)
            target = "the shipped version" if to is None else f"version {old.id}"
            reason = f"reverted to {target} by {actor}" + (f": {note}" if note else "")
            detail: dict[str, object] = {"to": old.id, "from": row.version_id, "note": note}
            return save_audited(
                session,
                row,
                item,
                Save(actor, now, "revert", reason, detail),
                locally_edited=old.content_hash != row.shipped_hash,
            )

    def diff(self, kind: ItemKind, slug: str, against: int | None = None) -> ItemDiff:
        """Changes from version ``against`` (default: as shipped) to the current version.

        Raises:
            NotFoundError: no such item, no such version of it, or nothing shipped to compare.
        """
        with self._db.read() as session:
            row, document = _current(session, kind, slug)
            old = _version(session, row, kind, slug, against)
            changes = tuple(diff_documents(old.document, document))
            return ItemDiff(kind, slug, old.id, row.version_id, changes)


def _current(session: Session, kind: ItemKind, slug: str) -> tuple[t.ItemRow, dict[str, Any]]:
    found = items_db.document_of_item(session, kind, slug)
    if found is None:
        raise NotFoundError(f"No {kind.singular.lower()} called {slug!r} was found.")
    return found


def _version(
    session: Session, row: t.ItemRow, kind: ItemKind, slug: str, version: int | None
) -> t.ItemVersionRow:
    """Version ``version`` of the item, or (``None``) its newest version as shipped."""
    versions = items_db.version_rows(session, kind, slug)
    if version is None:
        shipped = [v for v in versions if v.content_hash == row.shipped_hash]
        if not shipped:
            raise NotFoundError(f"{kind.singular} {slug!r} has no shipped version.")
        return shipped[-1]
    found = [v for v in versions if v.id == version]
    if not found:
        raise NotFoundError(f"{kind.singular} {slug!r} has no version {version}.")
    return found[0]
