"""Adding, drafting and retiring items, and saving references, as the in-window editor does.

An item is added as a draft (its ``item`` row in the draft state: not listed, searched or
printed until approved). A retired item's row moves to the ``retired`` state and points at a
last version saying so: it leaves lists, search and printing, and its history stays. That
version keeps the document the item had, so it can be restored (``EditingService``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, insert, or_, select, tuple_, update
from sqlalchemy.orm import Session

from ketref.db import tables as t
from ketref.db.items import ItemSave, SaveContext, save_items, table, version_rows
from ketref.db.mapping import document_hash, reference_document, reference_values
from ketref.db.repositories import aware, references_by_key
from ketref.db.search_writer import remove_search_document, replace_search_documents
from ketref.domain import content as c
from ketref.domain.catalogue import RetiredItem
from ketref.domain.enums import ContentState, ItemKind
from ketref.domain.model_walk import cited_reference_ids


def slugs_in_use(session: Session, kind: ItemKind) -> set[str]:
    """Every slug of ``kind`` (approved, draft or retired): none may be used twice."""
    if kind is ItemKind.REFERENCE:
        return set(session.scalars(select(t.ReferenceRow.key)))
    return set(session.scalars(select(t.ItemRow.slug).where(t.ItemRow.kind == kind.value)))


def newest_draft(session: Session, row: t.ItemRow) -> t.ItemVersionRow | None:
    """The draft waiting beside the item's current version (a new item: its newest draft)."""
    drafts = [
        v
        for v in version_rows(session, ItemKind(row.kind), row.slug)
        if v.state == ContentState.DRAFT.value
        and (v.id > row.version_id or row.state == ContentState.DRAFT.value)
    ]
    return drafts[-1] if drafts else None


def drafted_slugs(session: Session, kind: ItemKind) -> set[str]:
    """Slugs of ``kind`` with a draft waiting for approval (new items that are drafts too)."""
    item, version = t.ItemRow, t.ItemVersionRow
    stmt = (
        select(item.slug)
        .join(version, and_(version.kind == item.kind, version.slug == item.slug))
        .where(
            item.kind == kind.value,
            version.state == ContentState.DRAFT.value,
            or_(version.id > item.version_id, item.state == ContentState.DRAFT.value),
        )
        .distinct()
    )
    return set(session.scalars(stmt))


def new_drafts(session: Session, kind: ItemKind) -> list[t.ItemRow]:
    """Items of ``kind`` that exist only as drafts (added, not yet approved)."""
    stmt = select(t.ItemRow).where(
        t.ItemRow.kind == kind.value, t.ItemRow.state == ContentState.DRAFT.value
    )
    return list(session.scalars(stmt.order_by(t.ItemRow.title)))


def latest_release(session: Session) -> str | None:
    return session.scalar(
        select(t.ContentReleaseRow.version).order_by(t.ContentReleaseRow.id.desc()).limit(1)
    )


def add_draft_item(
    session: Session, kind: ItemKind, item: c.Item, *, actor: str, now: datetime
) -> int:
    """Store a new item as a draft (origin "local"); the draft version's id."""
    release = latest_release(session)
    refs = references_by_key(session, sorted(cited_reference_ids(item)))
    saved = save_items(
        session,
        [
            ItemSave(
                kind,
                item,
                release or "local",
                origin="local",
                locally_edited=True,
                state=ContentState.DRAFT,
            )
        ],
        SaveContext(actor=actor, now=now, reason="added in this library", release=release),
        {key: ref.id for key, ref in refs.items()},
    )
    return saved[kind.value, item.slug]


RETIRED_REASON = "retired"
"""The retirement version's reason: this word, then ": " and the person's reason if given."""


def retire_item(session: Session, row: t.ItemRow, *, actor: str, now: datetime, reason: str) -> int:
    """Move ``row`` to the retired state with a last version saying who and why; its id."""
    current = session.get(t.ItemVersionRow, row.version_id)
    assert current is not None
    version_id = session.scalar(
        insert(table(t.ItemVersionRow))
        .values(
            kind=row.kind,
            slug=row.slug,
            language=row.language,
            state=ContentState.RETIRED.value,
            content_version=row.content_version,
            content_hash=document_hash(current.document),
            document=current.document,
            saved_by=actor,
            saved_at=now,
            reason=RETIRED_REASON + (f": {reason}" if reason else ""),
            release=latest_release(session),
        )
        .returning(table(t.ItemVersionRow).c.id)
    )
    assert version_id is not None
    session.execute(
        update(t.ItemRow)
        .where(t.ItemRow.id == row.id)
        .values(
            state=ContentState.RETIRED.value,
            version_id=version_id,
            locally_edited=True,  # a later release must not bring it back unasked
            updated_at=now,
        )
    )
    session.expire(row)
    remove_search_document(session, row.kind, row.slug)
    return int(version_id)


def retired_items(session: Session, only: tuple[ItemKind, str] | None = None) -> list[RetiredItem]:
    """Every retired item (or ``only`` that one) with who retired it, when and why; the most
    recently retired first."""
    stmt = (
        select(t.ItemRow, t.ItemVersionRow)
        .join(t.ItemVersionRow, t.ItemVersionRow.id == t.ItemRow.version_id)
        .where(t.ItemRow.state == ContentState.RETIRED.value)
        .order_by(t.ItemVersionRow.id.desc())
    )
    if only is not None:
        stmt = stmt.where(t.ItemRow.kind == only[0].value, t.ItemRow.slug == only[1])
    found = [(row, version) for row, version in session.execute(stmt)]
    approved = _ever_approved(session, [(row.kind, row.slug) for row, _ in found])
    return [
        RetiredItem(
            kind=ItemKind(row.kind),
            slug=row.slug,
            title=row.title,
            retired_at=aware(version.saved_at),
            retired_by=version.saved_by,
            reason=version.reason.removeprefix(RETIRED_REASON).removeprefix(": "),
            version_id=version.id,
            was_draft=(row.kind, row.slug) not in approved,
        )
        for row, version in found
    ]


def _ever_approved(session: Session, keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """Those of ``keys`` (kind, slug) with an approved version: the others were new drafts."""
    if not keys:
        return set()
    version = t.ItemVersionRow
    stmt = select(version.kind, version.slug).where(
        tuple_(version.kind, version.slug).in_(keys),
        version.state == ContentState.APPROVED.value,
    )
    return {(kind, slug) for kind, slug in session.execute(stmt.distinct())}


def reopen_as_draft(session: Session, row: t.ItemRow, version_id: int, *, now: datetime) -> None:
    """Make a restored new item a draft again, pointing at its restored draft ``version_id``
    (approved saves move the row themselves; a draft of an existing item does not)."""
    session.execute(
        update(t.ItemRow)
        .where(t.ItemRow.id == row.id)
        .values(state=ContentState.DRAFT.value, version_id=version_id, updated_at=now)
    )
    session.expire(row)


def save_reference(session: Session, reference: c.Reference, *, new: bool) -> None:
    """Add ``reference``, or replace the stored one with the same id; marked local and
    re-indexed for search."""
    values = {**reference_values(reference), "locally_edited": True}
    if new:
        session.execute(insert(table(t.ReferenceRow)).values(shipped_hash=None, **values))
    else:
        session.execute(
            update(t.ReferenceRow).where(t.ReferenceRow.key == reference.id).values(**values)
        )
    row = session.scalars(select(t.ReferenceRow).where(t.ReferenceRow.key == reference.id)).one()
    session.refresh(row)
    replace_search_documents(session, [reference_document(row)])
