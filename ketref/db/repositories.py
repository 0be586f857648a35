"""Queries as plain functions taking a session; they return rows or domain objects."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select, text, tuple_
from sqlalchemy.orm import Session, selectinload

from ketref.db import tables as t
from ketref.db.mapping import ROW_BY_KIND, search_text, write_item
from ketref.db.search import update_search_document
from ketref.domain import content as c
from ketref.domain.audit import AuditEvent
from ketref.domain.enums import ItemKind


def item_rows(session: Session, kind: ItemKind) -> list[t.ItemRow]:
    row_type = ROW_BY_KIND[kind]
    order: list[Any] = [row_type.title]
    if kind is ItemKind.MONITORING:
        order = [t.MonitoringStepRow.phase, t.MonitoringStepRow.sort_order, row_type.title]
    return list(session.scalars(select(row_type).order_by(*order)))


def item_row(session: Session, kind: ItemKind, slug: str) -> t.ItemRow | None:
    return session.scalars(select(ROW_BY_KIND[kind]).where(t.ItemRow.slug == slug)).first()


def handout_languages(session: Session) -> list[tuple[str, str, str | None]]:
    """(slug, language, English source slug or None) of every handout; no child rows loaded."""
    rows = session.execute(
        select(t.HandoutRow.slug, t.HandoutRow.language, t.HandoutRow.translation_of)
    )
    return [(slug, lang, (source or {}).get("slug")) for slug, lang, source in rows]


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
        .where(t.ItemReferenceRow.reference_id == reference_id)
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
        tuple_(t.ItemRow.kind, t.ItemRow.slug).in_(wanted)
    )
    return {(ItemKind(k), s): title for k, s, title in session.execute(stmt)}


def items_linking_to(session: Session, kind: ItemKind, slug: str) -> list[t.ItemRow]:
    stmt = (
        select(t.ItemRow)
        .join(t.ItemLinkRow, t.ItemLinkRow.item_id == t.ItemRow.id)
        .where(t.ItemLinkRow.target_kind == kind.value, t.ItemLinkRow.target_slug == slug)
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
        )
    ).one()
    return items, due, unverified, earliest


def save_local_edit(
    session: Session,
    row: t.ItemRow,
    item: c.Item,
    *,
    now: datetime,
) -> t.ItemRow:
    """Write a user's edit over an item and mark it local, so releases never overwrite it."""
    kind = ItemKind(row.kind)
    refs = references_by_key(session, sorted(c.cited_reference_ids(item)))
    row = write_item(
        session, row, kind, item, references=refs, content_version=row.content_version, now=now
    )
    row.locally_edited = True
    session.flush()
    update_search_document(session, kind, item.slug, item.title, search_text(item))
    return row


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


def _aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; ketref stores UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def audit_event(row: t.AuditEventRow) -> AuditEvent:
    return AuditEvent(
        id=row.id,
        at=_aware(row.at),
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


_CHILDREN: dict[ItemKind, list[Any]] = {
    ItemKind.INTERACTION: [selectinload(t.InteractionRow.agents)],
    ItemKind.CONTRAINDICATION: [
        selectinload(t.ContraindicationRow.classes),
        selectinload(t.ContraindicationRow.thresholds),
    ],
    ItemKind.INDICATION: [
        selectinload(t.IndicationRow.uses).selectinload(t.IndicationUseRow.outcomes)
    ],
}


def complete_item_rows(session: Session, kind: ItemKind) -> list[t.ItemRow]:
    """Every item of ``kind`` with its child rows loaded up front (a handful of queries, not
    one per item), for turning the whole kind into domain objects."""
    row_type = ROW_BY_KIND[kind]
    stmt = (
        select(row_type)
        .options(
            selectinload(row_type.references),
            selectinload(row_type.links),
            *_CHILDREN.get(kind, []),
        )
        .order_by(row_type.slug)
    )
    return list(session.scalars(stmt))


def content_fingerprint(session: Session) -> tuple[int | None, int | None]:
    """Changes with every content load and every audited edit (a cache key for screening)."""
    release_id = session.scalar(select(func.max(t.ContentReleaseRow.id)))
    audit_id = session.scalar(select(func.max(t.AuditEventRow.id)))
    return (release_id, audit_id)


def locally_edited_slugs(session: Session, kinds: list[ItemKind]) -> list[str]:
    """``kind/slug`` of every locally edited item of these kinds."""
    rows = session.execute(
        select(t.ItemRow.kind, t.ItemRow.slug)
        .where(t.ItemRow.locally_edited.is_(True), t.ItemRow.kind.in_([k.value for k in kinds]))
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
