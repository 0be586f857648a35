"""The audit trail: every content edit, release load and pack import, newest first."""

from __future__ import annotations

from ketref.db import repositories as repo
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
