"""The audit trail: every content edit, release load and pack import, newest first."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from ketref.db import repositories as repo
from ketref.db import tables as t
from ketref.db.engine import Database
from ketref.domain.audit import AuditEvent
from ketref.domain.enums import ItemKind

MAX_EVENTS = 10_000


class AuditService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def events(
        self,
        limit: int = 100,
        *,
        kind: ItemKind | None = None,
        slug: str | None = None,
        action: str | None = None,
    ) -> list[AuditEvent]:
        """The newest ``limit`` events, optionally for one item or one kind of action."""
        limit = max(1, min(limit, MAX_EVENTS))
        with self._db.read() as session:
            return repo.audit_events(
                session, limit=limit, kind=kind.value if kind else None, slug=slug, action=action
            )

    def item_titles(self, events: Sequence[AuditEvent]) -> dict[tuple[str, str], str]:
        """The current title of each item the events name, by (kind, slug), so the trail reads
        in words; an item that no longer exists is not in it (it keeps its slug)."""
        slugs = sorted({e.slug for e in events if e.kind and e.slug})
        if not slugs:
            return {}
        item = t.ItemRow
        with self._db.read() as session:
            rows = session.execute(
                select(item.kind, item.slug, item.title).where(item.slug.in_(slugs))
            )
            return {(kind, slug): title for kind, slug, title in rows}
