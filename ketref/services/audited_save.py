"""Saving a user's change to an item: the new version and its audit event, in one session.

Edits, drafts, reviews, approvals and reverts all write this way, so none can skip the audit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ketref.db import repositories as repo
from ketref.db import tables as t
from ketref.domain import content as c
from ketref.domain.enums import ContentState, ItemKind


@dataclass(frozen=True)
class Save:
    """Who saves, when, and what the history and the audit trail say about it."""

    actor: str
    now: datetime
    action: str
    """The audit event's action: edit, draft, review, approve, revert."""
    reason: str
    """The version's reason, shown by ``ketref history``."""
    detail: dict[str, object]


def save_audited(
    session: Session,
    row: t.ItemRow,
    item: c.Item,
    save: Save,
    *,
    state: ContentState = ContentState.APPROVED,
    locally_edited: bool = True,
) -> int:
    """Save ``item`` as the next version of ``row`` and audit it; the new version's id."""
    kind = ItemKind(row.kind)
    version = repo.save_local_edit(
        session,
        row,
        item,
        actor=save.actor,
        now=save.now,
        reason=save.reason,
        state=state,
        locally_edited=locally_edited,
    )
    repo.audit(
        session,
        now=save.now,
        actor=save.actor,
        action=save.action,
        kind=kind,
        slug=item.slug,
        content_version=row.content_version,
        detail={**save.detail, "version": version},
    )
    return version
