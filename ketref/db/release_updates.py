"""Storing and finding a release's versions of items edited here (see domain.release_updates).

When a release changes an item this library edited, the release's document is saved as a
version in state ``release`` (never current) and the item's ``shipped_hash`` moves to it, so
"compare with shipped" shows the newest release and loading the same release again is quiet.
The item stays reported while that release version is newer than its current version; keeping
the local text, taking the release's or approving a merged draft all save a newer version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ketref.db import tables as t
from ketref.db.items import (
    ITEMS,
    ItemSave,
    SaveContext,
    documents_by_version,
    items_with_versions,
    save_items,
    update_by_id,
)
from ketref.domain import content as c
from ketref.domain.document_diff import diff_documents
from ketref.domain.enums import ContentState, ItemKind
from ketref.domain.release_updates import ReleaseConflict


@dataclass(frozen=True)
class EditedHere:
    """The head of an item edited here, as the loader read it."""

    row_id: int
    title: str
    version_id: int
    content_hash: str


def record_release_versions(
    session: Session,
    found: Sequence[tuple[ItemKind, c.Item, EditedHere]],
    context: SaveContext,
    reference_ids: Mapping[str, int],
) -> list[ReleaseConflict]:
    """Save the release's version of each locally edited item beside it; one conflict each.

    An item whose local text already equals the release's is not a conflict: only its
    ``shipped_hash`` moves. Nor is a retired item: nothing of it is shown to keep or replace
    (restoring it says that the release changed it).
    """
    release = context.release or ""
    saves = [
        ItemSave(
            kind,
            item,
            release,
            origin="shipped",
            locally_edited=True,
            shipped=True,
            state=ContentState.RELEASE,
        )
        for kind, item, _ in found
    ]
    retired = set(
        session.scalars(
            select(t.ItemRow.id).where(
                t.ItemRow.id.in_([head.row_id for _, _, head in found]),
                t.ItemRow.state == ContentState.RETIRED.value,
            )
        )
    )
    differing = [
        (save, head)
        for save, (_, _, head) in zip(saves, found, strict=True)
        if save.content_hash != head.content_hash
    ]
    hashes = [
        {"id": head.row_id, "shipped_hash": save.content_hash}
        for save, head in zip(saves, [h for _, _, h in found], strict=True)
    ]
    if hashes:
        update_by_id(session, ITEMS, hashes)
    if not differing:
        return []
    saved = save_items(session, [s for s, _ in differing], context, reference_ids)
    differing = [(save, head) for save, head in differing if head.row_id not in retired]
    local = documents_by_version(session, [head.version_id for _, head in differing])
    return [
        ReleaseConflict(
            kind=save.kind,
            slug=save.item.slug,
            title=head.title,
            release=release,
            local_version=head.version_id,
            release_version=saved[save.kind.value, save.item.slug],
            changes=tuple(diff_documents(local[head.version_id], save.document)),
        )
        for save, head in differing
    ]


def pending_conflicts(
    session: Session, kind: ItemKind | None = None, slug: str | None = None
) -> list[ReleaseConflict]:
    """Items whose newest release version is newer than their current version, by kind/slug
    (retired items are not: there is nothing current to keep or replace)."""
    stmt = (
        items_with_versions()
        .where(
            t.ItemVersionRow.state == ContentState.RELEASE.value,
            t.ItemVersionRow.id > t.ItemRow.version_id,
            t.ItemRow.state != ContentState.RETIRED.value,
        )
        .order_by(t.ItemRow.kind, t.ItemRow.slug, t.ItemVersionRow.id)
    )
    if kind is not None:
        stmt = stmt.where(t.ItemRow.kind == kind.value)
    if slug is not None:
        stmt = stmt.where(t.ItemRow.slug == slug)
    newest: dict[tuple[str, str], tuple[t.ItemRow, t.ItemVersionRow]] = {}
    for row, version in session.execute(stmt):
        newest[row.kind, row.slug] = (row, version)  # ordered by id: the last is the newest
    local = documents_by_version(session, [row.version_id for row, _ in newest.values()])
    return [
        ReleaseConflict(
            kind=ItemKind(row.kind),
            slug=row.slug,
            title=row.title,
            release=version.release or version.content_version,
            local_version=row.version_id,
            release_version=version.id,
            changes=tuple(diff_documents(local[row.version_id], version.document)),
        )
        for row, version in newest.values()
    ]
