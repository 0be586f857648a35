"""Clinical review of items: what is due, marking an item reviewed, approving drafts, diffs.

Every write is a new approved version (history keeps the old one) and an audit event, like an
edit. The reviewer's note lives in the version's reason and the audit detail; the item's own
``reviewed`` and ``review_due`` dates are what lists and printouts show.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from ketref.db import items as items_db
from ketref.db import repositories as repo
from ketref.db import tables as t
from ketref.db.engine import Database
from ketref.db.mapping import item_from_document
from ketref.db.stale_translations import stale_translations
from ketref.domain.clock import Clock, system_clock
from ketref.domain.document_diff import FieldChange, diff_documents
from ketref.domain.enums import ContentState, ItemKind
from ketref.domain.errors import BadInputError, NotFoundError
from ketref.domain.roles import Role
from ketref.services.catalogue import changed_item, current_actor

DUE_WITHIN_DAYS = 90


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

    def due(
        self, kind: ItemKind | None = None, within_days: int = DUE_WITHIN_DAYS
    ) -> list[DueItem]:
        """Overdue items first (earliest first), then those due within ``within_days``."""
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

    def mark_reviewed(
        self,
        kind: ItemKind,
        slug: str,
        *,
        note: str | None = None,
        next_review: date | None = None,
        reviewer: str | None = None,
    ) -> int:
        """Record today's review: a new approved version with new review dates; its id.

        Raises:
            NotFoundError: no such item.
            BadInputError: ``next_review`` is not after today.
        """
        now = self._clock()
        today = now.date()
        due = next_review or one_year_after(today)
        if due <= today:
            raise BadInputError(f"the next review date {due} must be after the review date {today}")
        reviewer = reviewer or current_actor()
        with self._db.write(needs=Role.APPROVER) as session:
            row, document = _current(session, kind, slug)
            before = item_from_document(kind, slug, document)
            data = {**before.model_dump(by_alias=True), "reviewed": today, "review_due": due}
            after = type(before).model_validate(data)
            reason = f"reviewed by {reviewer}" + (f": {note}" if note else "")
            version = repo.save_local_edit(
                session, row, after, actor=reviewer, now=now, reason=reason
            )
            repo.audit(
                session,
                now=now,
                actor=reviewer,
                action="review",
                kind=kind,
                slug=slug,
                content_version=row.content_version,
                detail={"reviewed": today.isoformat(), "review_due": due.isoformat(), "note": note},
            )
            return version

    def save_draft(
        self,
        kind: ItemKind,
        slug: str,
        changes: Mapping[str, Any],
        *,
        expected: str | None = None,
        actor: str | None = None,
    ) -> int:
        """Save ``changes`` to an item as a draft beside its current version; the draft's id.

        Validated exactly like an edit; ``expected`` is the fingerprint the writer started from.

        Raises:
            NotFoundError, EditConflictError, BadInputError: as ``CatalogueService.edit_item``.
        """
        now = self._clock()
        actor = actor or current_actor()
        with self._db.write() as session:
            row, _, after = changed_item(session, kind, slug, changes, expected)
            version = repo.save_local_edit(
                session,
                row,
                after,
                actor=actor,
                now=now,
                reason="draft",
                state=ContentState.DRAFT,
            )
            repo.audit(
                session,
                now=now,
                actor=actor,
                action="draft",
                kind=kind,
                slug=slug,
                content_version=row.content_version,
                detail={"fields": sorted(changes), "draft": version},
            )
            return version

    def approve_draft(self, kind: ItemKind, slug: str, approver: str | None = None) -> int:
        """Make the newest draft saved after the current version current; the new version id.

        Raises:
            NotFoundError: no such item, or no draft newer than its current version.
            StoredItemInvalidError: the draft no longer fits the schema.
        """
        now = self._clock()
        approver = approver or current_actor()
        with self._db.write(needs=Role.APPROVER) as session:
            row = items_db.head_row(session, kind, slug)
            if row is None:
                raise NotFoundError(f"No {kind.singular.lower()} called {slug!r} was found.")
            drafts = [
                v
                for v in items_db.version_rows(session, kind, slug)
                if v.state == ContentState.DRAFT.value
                and (v.id > row.version_id or row.state == ContentState.DRAFT.value)
            ]
            if not drafts:
                raise NotFoundError(f"{kind.singular} {slug!r} has no draft waiting for approval.")
            draft = drafts[-1]
            item = item_from_document(kind, slug, draft.document)
            version = repo.save_local_edit(
                session, row, item, actor=approver, now=now, reason=f"approved draft {draft.id}"
            )
            repo.audit(
                session,
                now=now,
                actor=approver,
                action="approve",
                kind=kind,
                slug=slug,
                content_version=row.content_version,
                detail={"draft": draft.id, "version": version},
            )
            return version

    def diff(self, kind: ItemKind, slug: str, against: int | None = None) -> ItemDiff:
        """Changes from version ``against`` (default: as shipped) to the current version.

        Raises:
            NotFoundError: no such item, no such version of it, or nothing shipped to compare.
        """
        with self._db.read() as session:
            row, document = _current(session, kind, slug)
            versions = items_db.version_rows(session, kind, slug)
            if against is None:
                shipped = [v for v in versions if v.content_hash == row.shipped_hash]
                if not shipped:
                    raise NotFoundError(f"{kind.singular} {slug!r} has no shipped version.")
                old = shipped[-1]
            else:
                found = [v for v in versions if v.id == against]
                if not found:
                    raise NotFoundError(f"{kind.singular} {slug!r} has no version {against}.")
                old = found[0]
            changes = tuple(diff_documents(old.document, document))
            return ItemDiff(kind, slug, old.id, row.version_id, changes)


def _current(session: Session, kind: ItemKind, slug: str) -> tuple[t.ItemRow, dict[str, Any]]:
    found = items_db.document_of_item(session, kind, slug)
    if found is None:
        raise NotFoundError(f"No {kind.singular.lower()} called {slug!r} was found.")
    return found
