"""Storing items as versioned documents, in bulk: one version row per save, Core inserts.

Every save of an item adds an ``item_version`` (its document, hash, who, when, why and the
library's release); an approved save also points the ``item`` row at it and rewrites its head
columns and its reference and link rows. A draft only adds its version, unless the item is new
(then the item exists as a draft, which lists, search and printing leave out).
Writes are lists of dicts executed together (``executemany``), so loading thousands of items
costs a handful of statements instead of an ORM flush per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import InitVar, dataclass, field
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, delete, select, update
from sqlalchemy.orm import Session

from ketref.db import tables as t
from ketref.db.base import Base
from ketref.db.bulk_insert import canonical_json, insert_returning_ids, insert_rows, stored_json
from ketref.db.mapping import (
    document_of,
    head_columns,
    item_from_document,
    language_of,
    text_hash,
)
from ketref.domain import content as c
from ketref.domain.enums import ContentState, ItemKind
from ketref.domain.errors import StoredItemInvalidError
from ketref.domain.model_walk import cited_reference_ids

CHUNK = 500
"""Ids per ``IN (...)`` list (SQLite allows 32766 parameters; PostgreSQL more)."""


@dataclass(frozen=True)
class ItemSave:
    """One item to save, and what its ``item`` row should say about where it came from."""

    kind: ItemKind
    item: c.Item
    content_version: str
    origin: str
    locally_edited: bool
    shipped: bool = False
    """Shipped content: its hash is kept to notice later releases changing it."""
    state: ContentState = ContentState.APPROVED
    cited: InitVar[set[str] | None] = None
    """``cited_reference_ids(item)``, when the caller walked the item already."""
    document: dict[str, Any] = field(init=False, repr=False, compare=False)
    document_text: str = field(init=False, repr=False, compare=False)
    """``canonical_json(document)``: hashed, and stored as it is by a SQLite library."""
    content_hash: str = field(init=False, compare=False)
    reference_keys: tuple[tuple[str, ...], tuple[str, ...]] = field(
        init=False, repr=False, compare=False
    )
    """The references the item lists itself, then those cited deeper (sorted), once each."""

    def __post_init__(self, cited: set[str] | None) -> None:
        # Everything derived from the item alone is computed here, where no database is used:
        # a bulk load builds its saves while SQLite writes the search index on another core.
        document = document_of(self.item)
        document_text = canonical_json(document)
        object.__setattr__(self, "document", document)
        object.__setattr__(self, "document_text", document_text)
        object.__setattr__(self, "content_hash", text_hash(document_text))
        direct = tuple(dict.fromkeys(self.item.references))
        if cited is None:
            cited = cited_reference_ids(self.item)
        nested = tuple(sorted(cited - set(direct)))
        object.__setattr__(self, "reference_keys", (direct, nested))


@dataclass(frozen=True)
class SaveContext:
    """Who saves, when and why (the same for every item of one load, import or edit)."""

    actor: str
    now: datetime
    reason: str
    release: str | None


def table(row_class: type[Base]) -> Table:
    """The Core table of a mapped class: plain executemany, none of the ORM's bookkeeping."""
    return cast(Table, row_class.__table__)


VERSIONS = table(t.ItemVersionRow)
ITEMS = table(t.ItemRow)


def update_by_id(session: Session, target: Table, rows: list[dict[str, Any]]) -> None:
    """UPDATE each row's columns by its ``id`` (one executemany; all rows the same keys)."""
    names = [name for name in rows[0] if name != "id"]
    stmt = (
        update(target)
        .where(target.c.id == bindparam("row_id"))
        .values({name: bindparam(f"new_{name}") for name in names})
    )
    session.execute(stmt, [{"row_id": r["id"], **{f"new_{n}": r[n] for n in names}} for r in rows])


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def existing_ids(
    session: Session, keys: Iterable[tuple[str, str]], *, approved_only: bool = False
) -> dict[tuple[str, str], int]:
    """``item.id`` by (kind, slug) for those of ``keys`` that exist (approved, if asked)."""
    by_kind: dict[str, list[str]] = {}
    for kind, slug in keys:
        by_kind.setdefault(kind, []).append(slug)
    found: dict[tuple[str, str], int] = {}
    for kind, slugs in by_kind.items():
        for part in chunks(slugs):
            stmt = select(t.ItemRow.slug, t.ItemRow.id).where(
                t.ItemRow.kind == kind, t.ItemRow.slug.in_(part)
            )
            if approved_only:
                stmt = stmt.where(t.ItemRow.state == ContentState.APPROVED.value)
            found.update({(kind, slug): id_ for slug, id_ in session.execute(stmt)})
    return found


@dataclass
class PreparedSaves:
    """The rows of some saves, worked out without the database: a bulk load prepares them
    while SQLite writes the search index, so only the inserts are left for after it.

    Ids are filled in when written: ``version_id`` of each head, ``item_id`` of each
    reference and link row (lists parallel to the saves)."""

    as_text: bool
    versions: list[dict[str, Any]]
    heads: list[dict[str, Any]]
    references: list[list[dict[str, Any]]]
    links: list[list[dict[str, Any]]]
    unknown_references: list[str | None]
    """Per save, a cited key ``reference_ids`` lacked (a KeyError when its rows are written)."""


def prepare_saves(
    saves: Sequence[ItemSave],
    context: SaveContext,
    reference_ids: Mapping[str, int],
    *,
    as_text: bool,
) -> PreparedSaves:
    """The rows ``save_items`` writes for ``saves``. ``as_text``: ``stored_json`` of the session
    that will write them; each document is then given as the text its hash was taken of."""
    versions = [
        {
            "kind": s.kind.value,
            "slug": s.item.slug,
            "language": language_of(s.item),
            "state": s.state.value,
            "content_version": s.content_version,
            "content_hash": s.content_hash,
            "document": s.document_text if as_text else s.document,
            "saved_by": context.actor,
            "saved_at": context.now,
            "reason": context.reason,
            "release": context.release,
        }
        for s in saves
    ]
    heads = []
    references = []
    links = []
    unknown: list[str | None] = []
    for s in saves:
        values = {
            **head_columns(s.kind, s.item),
            "origin": s.origin,
            "state": s.state.value,
            "locally_edited": s.locally_edited,
            "content_version": s.content_version,
            "content_hash": s.content_hash,
            "updated_at": context.now,
            "version_id": None,
        }
        if s.shipped:
            values["shipped_hash"] = s.content_hash
        heads.append(values)
        direct, nested = s.reference_keys
        keys = direct + nested
        unknown.append(next((key for key in keys if key not in reference_ids), None))
        references.append(
            [
                {
                    "item_id": None,
                    "reference_id": reference_ids.get(key),
                    "position": i,
                    "direct": i < len(direct),
                }
                for i, key in enumerate(keys)
            ]
        )
        links.append(
            [
                {
                    "item_id": None,
                    "position": i,
                    "target_kind": link.kind.value,
                    "target_slug": link.slug,
                }
                for i, link in enumerate(s.item.related)
            ]
        )
    return PreparedSaves(as_text, versions, heads, references, links, unknown)


def save_items(
    session: Session,
    saves: Sequence[ItemSave],
    context: SaveContext,
    reference_ids: Mapping[str, int],
    prepared: PreparedSaves | None = None,
) -> dict[tuple[str, str], int]:
    """Save every item of ``saves`` as a new version; returns the version ids by (kind, slug).

    ``reference_ids`` maps every reference key the items cite to its row id; ``prepared``:
    ``prepare_saves`` of the same arguments, when made already.
    """
    if not saves:
        return {}
    if prepared is None:
        prepared = prepare_saves(saves, context, reference_ids, as_text=stored_json(session))
    stored = ("document",) if prepared.as_text else ()
    version_ids = insert_returning_ids(session, VERSIONS, prepared.versions, stored=stored)
    existing = existing_ids(session, [(s.kind.value, s.item.slug) for s in saves])
    new_rows: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    current: list[int] = []
    for index, (s, version_id) in enumerate(zip(saves, version_ids, strict=True)):
        item_id = existing.get((s.kind.value, s.item.slug))
        if item_id is not None and s.state is not ContentState.APPROVED:
            continue  # a draft of an existing item waits beside the approved version
        values = prepared.heads[index]
        values["version_id"] = version_id
        if item_id is None:
            new_rows.append({"shipped_hash": None, **values})
        else:
            changed.append({"id": item_id, **values})
        current.append(index)
    if changed:
        # executemany needs one set of columns: rows that keep their shipped_hash go apart
        for group in (
            [row for row in changed if "shipped_hash" in row],
            [row for row in changed if "shipped_hash" not in row],
        ):
            if group:
                update_by_id(session, ITEMS, group)
        changed_ids = [row["id"] for row in changed]
        for part in chunks(changed_ids):
            session.execute(delete(t.ItemReferenceRow).where(t.ItemReferenceRow.item_id.in_(part)))
            session.execute(delete(t.ItemLinkRow).where(t.ItemLinkRow.item_id.in_(part)))
    ids = dict(existing)
    new_ids = insert_returning_ids(session, ITEMS, new_rows)
    ids.update(
        ((row["kind"], row["slug"]), id_) for row, id_ in zip(new_rows, new_ids, strict=True)
    )
    _write_links(session, saves, current, ids, prepared)
    return {
        (s.kind.value, s.item.slug): version_id
        for s, version_id in zip(saves, version_ids, strict=True)
    }


def _write_links(
    session: Session,
    saves: Sequence[ItemSave],
    current: list[int],
    ids: Mapping[tuple[str, str], int],
    prepared: PreparedSaves,
) -> None:
    """The reference rows (own list first, then nested citations) and link rows of the saves
    at ``current``, under their item ids."""
    references: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for index in current:
        s = saves[index]
        if prepared.unknown_references[index] is not None:
            raise KeyError(prepared.unknown_references[index])
        item_id = ids[s.kind.value, s.item.slug]
        for rows, into in (
            (prepared.references[index], references),
            (prepared.links[index], links),
        ):
            for row in rows:
                row["item_id"] = item_id
            into.extend(rows)
    insert_rows(session, table(t.ItemReferenceRow), references)
    insert_rows(session, table(t.ItemLinkRow), links)


# --- Reading -------------------------------------------------------------------------------


def current_with_documents() -> Select[t.ItemRow, dict[str, Any]]:
    """Approved items with their current document (add filters and order as needed)."""
    return (
        select(t.ItemRow, t.ItemVersionRow.document)
        .join(t.ItemVersionRow, t.ItemVersionRow.id == t.ItemRow.version_id)
        .where(t.ItemRow.state == ContentState.APPROVED.value)
    )


def current_heads() -> Select[str, str, str, str, int]:
    """(kind, slug, title, summary, version_id) of every approved item, as plain rows."""
    return select(
        t.ItemRow.kind, t.ItemRow.slug, t.ItemRow.title, t.ItemRow.summary, t.ItemRow.version_id
    ).where(t.ItemRow.state == ContentState.APPROVED.value)


def documents_by_version(session: Session, version_ids: Sequence[int]) -> dict[int, Any]:
    """The documents of these versions, by version id (only what is asked for is parsed)."""
    found: dict[int, Any] = {}
    for part in chunks(version_ids):
        stmt = select(t.ItemVersionRow.id, t.ItemVersionRow.document).where(
            t.ItemVersionRow.id.in_(part)
        )
        found.update((row[0], row[1]) for row in session.execute(stmt))
    return found


def documents_of_kind(session: Session, kind: ItemKind) -> list[tuple[t.ItemRow, dict[str, Any]]]:
    stmt = current_with_documents().where(t.ItemRow.kind == kind.value).order_by(t.ItemRow.slug)
    return [(row, document) for row, document in session.execute(stmt)]


def document_of_item(
    session: Session, kind: ItemKind, slug: str
) -> tuple[t.ItemRow, dict[str, Any]] | None:
    stmt = current_with_documents().where(t.ItemRow.kind == kind.value, t.ItemRow.slug == slug)
    found = session.execute(stmt).first()
    return (found[0], found[1]) if found is not None else None


def version_row(session: Session, version_id: int) -> t.ItemVersionRow | None:
    return session.get(t.ItemVersionRow, version_id)


def version_rows(session: Session, kind: ItemKind, slug: str) -> list[t.ItemVersionRow]:
    """Every saved version of one item, oldest first."""
    stmt = (
        select(t.ItemVersionRow)
        .where(t.ItemVersionRow.kind == kind.value, t.ItemVersionRow.slug == slug)
        .order_by(t.ItemVersionRow.id)
    )
    return list(session.scalars(stmt))


def invalid_documents(session: Session) -> list[StoredItemInvalidError]:
    """Every item (approved or draft) whose current document no longer fits the schema."""
    stmt = select(t.ItemRow.kind, t.ItemRow.slug, t.ItemVersionRow.document).join(
        t.ItemVersionRow, t.ItemVersionRow.id == t.ItemRow.version_id
    )
    found = []
    for kind, slug, document in session.execute(stmt.order_by(t.ItemRow.kind, t.ItemRow.slug)):
        if kind not in ItemKind._value2member_map_ or kind == ItemKind.REFERENCE.value:
            found.append(StoredItemInvalidError(kind, slug, f"unknown kind {kind!r}"))
            continue
        try:
            item_from_document(ItemKind(kind), slug, document)
        except StoredItemInvalidError as exc:
            found.append(exc)
    return found


def due_by(session: Session, until: date, kind: ItemKind | None) -> list[t.ItemRow]:
    """Approved items whose review falls on or before ``until``, earliest first."""
    stmt = select(t.ItemRow).where(
        t.ItemRow.state == ContentState.APPROVED.value, t.ItemRow.review_due <= until
    )
    if kind is not None:
        stmt = stmt.where(t.ItemRow.kind == kind.value)
    return list(
        session.scalars(stmt.order_by(t.ItemRow.review_due, t.ItemRow.kind, t.ItemRow.slug))
    )


def head_row(session: Session, kind: ItemKind, slug: str) -> t.ItemRow | None:
    """The ``item`` row of (kind, slug), approved or draft."""
    stmt = select(t.ItemRow).where(t.ItemRow.kind == kind.value, t.ItemRow.slug == slug)
    return session.scalars(stmt).first()


def items_with_versions() -> Select[t.ItemRow, t.ItemVersionRow]:
    """Each item row beside every saved version of it (filter by the version's state)."""
    return select(t.ItemRow, t.ItemVersionRow).join(
        t.ItemVersionRow,
        (t.ItemVersionRow.kind == t.ItemRow.kind) & (t.ItemVersionRow.slug == t.ItemRow.slug),
    )


def waiting_drafts(session: Session) -> list[tuple[t.ItemRow, t.ItemVersionRow]]:
    """Drafts saved after their item's current version (or of an item never approved),
    with the item row, oldest first."""
    stmt = (
        items_with_versions()
        .where(
            t.ItemVersionRow.state == ContentState.DRAFT.value,
            (t.ItemVersionRow.id > t.ItemRow.version_id)
            | (t.ItemRow.state == ContentState.DRAFT.value),
        )
        .order_by(t.ItemVersionRow.id)
    )
    return [(row, version) for row, version in session.execute(stmt)]
