"""What the services hand to the screens and the CLI about catalogue items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from ketref.domain.enums import ContentState, ItemKind

if TYPE_CHECKING:  # annotations only: lists paint before the content models load
    from ketref.domain.content import Item, Reference


@dataclass(frozen=True)
class ItemSummary:
    """One row of a list: enough to show, sort and badge it."""

    kind: ItemKind
    slug: str
    title: str
    summary: str
    review_due: date | None
    due_for_review: bool
    verified: bool
    locally_edited: bool
    draft: bool = False
    """A draft of it waits for approval, or it is itself a new draft (listed for editors)."""


@dataclass(frozen=True)
class ItemRef:
    """A pointer to another item with its title, for cross-links and "linked from" lists."""

    kind: ItemKind
    slug: str
    title: str


@dataclass(frozen=True)
class ItemDetail:
    """A whole item with its references resolved, numbered in citation order."""

    kind: ItemKind
    item: Item
    references: tuple[Reference, ...]
    due_for_review: bool
    locally_edited: bool
    origin: str
    content_version: str
    related: tuple[ItemRef, ...] = ()
    """Items this one links to that exist (links to removed items are left out)."""
    linked_from: tuple[ItemRef, ...] = ()
    """Items whose own links point here, so a link shows from both ends."""
    fingerprint: str = ""
    """Hash of the item as read; pass it back to ``edit_item(expected=...)`` to catch a
    concurrent edit instead of silently overwriting it."""
    version_id: int | None = None
    """The saved version shown (``CatalogueService.get_version`` reads it again, exactly)."""
    draft: bool = False
    """Read for an editor: a draft waits for approval (for a new item, the draft is shown)."""
    source_changed_on: date | None = None
    """A translated handout whose English source changed since: the day it changed."""


@dataclass(frozen=True)
class VersionInfo:
    """One saved version of an item: who saved it, when, why, from which release."""

    version_id: int
    kind: ItemKind
    slug: str
    language: str
    state: ContentState
    content_version: str
    content_hash: str
    saved_by: str
    saved_at: datetime
    reason: str
    release: str | None
    current: bool
    """The version the window shows and prints now."""


@dataclass(frozen=True)
class ItemVersion:
    """A saved version with its validated item (an older one is what an exact reprint needs)."""

    info: VersionInfo
    item: Item


@dataclass(frozen=True)
class RetiredItem:
    """An item taken out of the library (Content → Retire), which can be restored."""

    kind: ItemKind
    slug: str
    title: str
    retired_at: datetime
    retired_by: str
    reason: str
    """What the person who retired it gave as the reason ("" when none)."""
    version_id: int
    """The version that records the retirement; it holds the document to restore."""
    was_draft: bool = False
    """It was a new item never approved: restoring makes it a draft again."""


@dataclass(frozen=True)
class ReferenceDetail:
    reference: Reference
    cited_by: tuple[tuple[ItemKind, str, str], ...]
    """(kind, slug, title) of every item citing this reference."""


@dataclass(frozen=True)
class ReviewSummary:
    """How current the loaded content is, for the About dialog and status line."""

    items: int
    due_for_review: int
    unverified: int
    next_review_due: date | None


def is_due(review_due: date | None, today: date) -> bool:
    """Past its review date (due on the day itself counts as due)."""
    return review_due is not None and review_due <= today
