"""Queries as plain functions taking a session; they return rows or domain objects."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select, text, tuple_
from sqlalchemy.orm import Session, selectinload

from ketref.db import tables as t
from ketref.db.items import ItemSave, SaveContext, save_items
from ketref.db.mapping import item_document
from ketref.db.search_writer import replace_search_documents
from ketref.domain import content as c
from ketref.domain.audit import AuditEvent
from ketref.domain.enums import ContentState, ItemKind
from ketref.domain.model_walk import cited_reference_ids

APPROVED = t.ItemRow.state == ContentState.APPROVED.value
"""Only approved items are listed, shown, searched and printed; drafts wait in their versions."""


def item_rows(session: Session, kind: ItemKind) -> list[t.ItemRow]:
    """The approved items of ``kind`` (head columns only), in list order."""
    stmt = (
        select(t.ItemRow)
        .where(t.ItemRow.kind == kind.value, APPROVED)
        .order_by(t.ItemRow.sort_key, t.ItemRow.title)
    )
    return list(session.scalars(stmt))


def item_row(session: Session, kind: ItemKind, slug: str) -> t.ItemRow | None:
    stmt = select(t.ItemRow).where(t.ItemRow.kind == kind.value, t.ItemRow.slug == slug, APPROVED)
    return session.scalars(stmt).first()


def handout_languages(session: Session) -> list[tuple[str, str, str | None]]:
    """(slug, language, English source slug or None) of every current handout, read from the
    head columns and one JSON path of the current document (no document parsed)."""
    source = t.ItemVersionRow.document["translation_of"]["slug"].as_string()
    stmt = (
        select(t.ItemRow.slug, t.ItemRow.language, source)
        .join(t.ItemVersionRow, t.ItemVersionRow.id == t.ItemRow.version_id)
        .where(
            t.ItemRow.kind == ItemKind.HANDOUT.value,
            t.ItemRow.state == ContentState.APPROVED.value,
        )
    )
    return [(slug, lang, src) for slug, lang, src in session.execute(stmt)]


def reference_rows(session: Session) -> list[t.ReferenceRow]:
    return list(session.scalars(select(t.ReferenceRow).order_by(t.ReferenceRow.key)))


def reference_row(session: Session, key: str) -> t.ReferenceRow | None:
    return session.scalars(select(t.ReferenceRow).where(t.ReferenceRow.key == key)).first()


def references_by_key(session: Session, keys: list[str]) -> dict[str, t.ReferenceRow]:
    if not keys:
        return {}
    rows = session.scalars(select(t.ReferenceRow).where(t.ReferenceRow.key.in_(keys)))
    return {r.key: r for r in rows}


def items_citing(session: Session, reference_id: int) -> list[t.ItemRow]:
    stmt = (
        select(t.ItemRow)
        .join(t.ItemReferenceRow, t.ItemReferenceRow.item_id == t.ItemRow.id)
        .where(t.ItemReferenceRow.reference_id == reference_id, APPROVED)
        .order_by(t.ItemRow.kind, t.ItemRow.title)
    )
    return list(session.scalars(stmt))


def item_titles(
    session: Session, keys: list[tuple[ItemKind, str]]
) -> dict[tuple[ItemKind, str], str]:
    """Titles of the items that exist among ``keys`` (kind, slug)."""
    if not keys:
        return {}
    wanted = [(k.value, s) for k, s in keys]
    stmt = select(t.ItemRow.kind, t.ItemRow.slug, t.ItemRow.title).where(
        tuple_(t.ItemRow.kind, t.ItemRow.slug).in_(wanted), APPROVED
    )
    return {(ItemKind(k), s): title for k, s, title in session.execute(stmt)}


def items_linking_to(session: Session, kind: ItemKind, slug: str) -> list[t.ItemRow]:
    stmt = (
        select(t.ItemRow)
        .join(t.ItemLinkRow, t.ItemLinkRow.item_id == t.ItemRow.id)
        .where(t.ItemLinkRow.target_kind == kind.value, t.ItemLinkRow.target_slug == slug, APPROVED)
        .order_by(t.ItemRow.kind, t.ItemRow.title)
    )
    return list(session.scalars(stmt))


def review_counts(session: Session, today: date) -> tuple[int, int, int, date | None]:
    """(items, due for review, unverified, earliest review date) over clinical items."""
    items, due, unverified, earliest = session.execute(
        select(
            func.count(t.ItemRow.id),
            func.count(t.ItemRow.id).filter(t.ItemRow.review_due <= today),
            func.count(t.ItemRow.id).filter(t.ItemRow.verified.is_(False)),
            func.min(t.ItemRow.review_due),
        ).where(APPROVED)
    ).one()
    return items, due, unverified, earliest


def save_local_edit(
    session: Session,
    row: t.ItemRow,
    item: c.Item,
    *,
    actor: str,
    now: datetime,
    reason: str = "edited in this library",
    state: ContentState = ContentState.APPROVED,
    locally_edited: bool = True,
) -> int:
    """Save a user's edit as the item's new version, marked local so releases never overwrite
    it (``locally_edited=False``: a review or a revert to the shipped content, which a newer
    release may replace); returns the new version's id."""
    kind = ItemKind(row.kind)
    refs = references_by_key(session, sorted(cited_reference_ids(item)))
    release = session.scalar(
        select(t.ContentReleaseRow.version).order_by(t.ContentReleaseRow.id.desc()).limit(1)
    )
    saved = save_items(
        session,
        [
            ItemSave(
                kind,
                item,
                row.content_version,
                origin=row.origin,
                locally_edited=locally_edited,
                state=state,
            )
        ],
        SaveContext(actor=actor, now=now, reason=reason, release=release),
        {key: ref.id for key, ref in refs.items()},
    )
    session.expire(row)
    if state is ContentState.APPROVED:  # a draft is never searched
        replace_search_documents(session, [item_document(kind, item)])
    return saved[kind.value, item.slug]


def audit(
    session: Session,
    *,
    now: datetime,
    actor: str,
    action: str,
    kind: ItemKind | None,
    slug: str | None,
    content_version: str | None,
    detail: dict[str, object],
) -> None:
    session.add(
        t.AuditEventRow(
            at=now,
            actor=actor,
            action=action,
            kind=kind.value if kind else None,
            slug=slug,
            content_version=content_version,
            detail=detail,
        )
    )


def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; ketref stores UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def audit_event(row: t.AuditEventRow) -> AuditEvent:
    return AuditEvent(
        id=row.id,
        at=aware(row.at),
        actor=row.actor,
        action=row.action,
        kind=row.kind,
        slug=row.slug,
        content_version=row.content_version,
        detail=dict(row.detail or {}),
    )


def audit_events(
    session: Session,
    *,
    limit: int,
    kind: str | None = None,
    slug: str | None = None,
    action: str | None = None,
    items: set[tuple[str, str]] | None = None,
) -> list[AuditEvent]:
    """Newest first; ``items`` keeps only events about those (kind, slug) pairs."""
    stmt = select(t.AuditEventRow).order_by(t.AuditEventRow.id.desc())
    if kind is not None:
        stmt = stmt.where(t.AuditEventRow.kind == kind)
    if slug is not None:
        stmt = stmt.where(t.AuditEventRow.slug == slug)
    if action is not None:
        stmt = stmt.where(t.AuditEventRow.action == action)
    if items is None:
        return [audit_event(r) for r in session.scalars(stmt.limit(limit))]
    events = []
    for row in session.scalars(stmt.where(t.AuditEventRow.kind.is_not(None))):
        if (row.kind, row.slug) in items:
            events.append(audit_event(row))
            if len(events) == limit:
                break
    return events


def schema_revision(session: Session) -> str | None:
    return session.execute(text("SELECT version_num FROM alembic_version")).scalar()


# --- Screening -------------------------------------------------------------------------------


def screening_rule_rows(session: Session) -> list[t.ScreeningRuleRow]:
    stmt = (
        select(t.ScreeningRuleRow)
        .options(selectinload(t.ScreeningRuleRow.references))
        .order_by(t.ScreeningRuleRow.key)
    )
    return list(session.scalars(stmt))


def synonyms(session: Session) -> dict[str, list[str]]:
    """Search synonyms, term -> meanings (brand names among them map to generic names)."""
    return {row.term: list(row.means) for row in session.scalars(select(t.SynonymRow))}


def content_fingerprint(session: Session) -> tuple[int | None, int | None]:
    """Changes with every content load and every audited edit: the key of what screening and
    search keep between calls, and what the window polls for other workstations' changes.

    One statement on the session's connection: every screening and every keystroke's search
    asks, and two ORM queries cost twice this one (0.58 against 0.26 ms). It does not flush the
    session first, so it is for read sessions (a write's own pending rows are not counted)."""
    release_id, audit_id = session.connection().execute(_FINGERPRINT).one()
    return release_id, audit_id


_FINGERPRINT = text(
    "SELECT (SELECT max(id) FROM content_release), (SELECT max(id) FROM audit_event)"
)


def locally_edited_slugs(session: Session, kinds: list[ItemKind]) -> list[str]:
    """``kind/slug`` of every locally edited item of these kinds."""
    rows = session.execute(
        select(t.ItemRow.kind, t.ItemRow.slug)
        .where(
            t.ItemRow.locally_edited.is_(True),
            t.ItemRow.kind.in_([k.value for k in kinds]),
            APPROVED,
        )
        .order_by(t.ItemRow.kind, t.ItemRow.slug)
    )
    return [f"{kind}/{slug}" for kind, slug in rows]


def get_meta(session: Session, key: str) -> str | None:
    row = session.get(t.MetaRow, key)
    return row.value if row is not None else None


def set_meta(session: Session, key: str, value: str) -> None:
    row = session.get(t.MetaRow, key)
    if row is None:
        session.add(t.MetaRow(key=key, value=value))
    else:
        row.value = value


def delete_meta(session: Session, key: str) -> None:
    row = session.get(t.MetaRow, key)
    if row is not None:
        session.delete(row)
