"""Deciding about a newer release's version of an item edited here (see domain.release_updates).

Each decision saves a new current version (so the item stops being reported) and an audit
event; merging by hand starts from ``release_document`` and ends as an approved draft.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ketref.db import items as items_db
from ketref.db import repositories as repo
from ketref.db.engine import Database
from ketref.db.items import ItemSave, SaveContext, save_items
from ketref.db.mapping import item_document, item_from_document
from ketref.db.release_updates import pending_conflicts
from ketref.db.search_writer import replace_search_documents
from ketref.domain.clock import Clock, system_clock
from ketref.domain.enums import ItemKind
from ketref.domain.errors import NotFoundError
from ketref.domain.model_walk import cited_reference_ids
from ketref.domain.release_updates import ReleaseConflict, Resolution
from ketref.domain.roles import Role
from ketref.services.catalogue import current_actor


class ReleaseUpdateService:
    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self._db = db
        self._clock = clock

    def pending(self) -> list[ReleaseConflict]:
        """Every item edited here that a newer release changed and nobody has decided on yet."""
        with self._db.read() as session:
            return pending_conflicts(session)

    def release_document(self, kind: ItemKind, slug: str) -> dict[str, Any]:
        """The release's version of a pending item (where merging by hand starts).

        Raises:
            NotFoundError: the item has no release version waiting.
        """
        with self._db.read() as session:
            conflict = _pending(session, kind, slug)
            version = items_db.version_row(session, conflict.release_version)
            assert version is not None  # pending_conflicts just read it
            return dict(version.document)

    def resolve(
        self, kind: ItemKind, slug: str, choice: Resolution, actor: str | None = None
    ) -> int:
        """Keep the local version or take the release's, as a new current version; its id.

        Raises:
            NotFoundError: the item has no release version waiting.
            StoredItemInvalidError: the version chosen no longer fits the schema.
        """
        now = self._clock()
        actor = actor or current_actor()
        with self._db.write(needs=Role.APPROVER) as session:
            conflict = _pending(session, kind, slug)
            row = items_db.head_row(session, kind, slug)
            assert row is not None
            if choice is Resolution.KEEP_MINE:
                source, edited = conflict.local_version, True
                reason = f"kept the local edit over content release {conflict.release}"
            else:
                source, edited = conflict.release_version, False
                reason = f"took content release {conflict.release}'s version"
            version = items_db.version_row(session, source)
            assert version is not None
            item = item_from_document(kind, slug, version.document)
            refs = repo.references_by_key(session, sorted(cited_reference_ids(item)))
            saved = save_items(
                session,
                [
                    ItemSave(
                        kind,
                        item,
                        row.content_version if edited else conflict.release,
                        origin=row.origin,
                        locally_edited=edited,
                        shipped=not edited,
                    )
                ],
                SaveContext(actor=actor, now=now, reason=reason, release=conflict.release),
                {key: ref.id for key, ref in refs.items()},
            )
            session.expire(row)
            replace_search_documents(session, [item_document(kind, item)])
            new_version = saved[kind.value, slug]
            repo.audit(
                session,
                now=now,
                actor=actor,
                action=f"release-{choice.value}",
                kind=kind,
                slug=slug,
                content_version=conflict.release,
                detail={
                    "release_version": conflict.release_version,
                    "local_version": conflict.local_version,
                    "version": new_version,
                },
            )
            return new_version


def _pending(session: Session, kind: ItemKind, slug: str) -> ReleaseConflict:
    found = pending_conflicts(session, kind, slug)
    if not found:
        raise NotFoundError(
            f"{kind.singular} {slug!r} has no newer release version waiting for a decision."
        )
    return found[0]
