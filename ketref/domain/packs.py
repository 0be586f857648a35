"""Content packs: a set of items a clinic shares, with the references they cite and their history.

A pack is a *partial* set of items, not a whole knowledge base: by default the items edited or
added locally (a clinic sharing its own versions), or every item on request (to set a second
workstation up identically). Screening rules and synonyms travel with releases, not packs.
Each item carries the content version it is based on; versions compare as numbers
(``2026.11.2`` > ``2026.9.10``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from ketref.domain.audit import AuditEvent
from ketref.domain.content_base import VERSION_PATTERN, Item, ItemKindT, Model, Reference, ShortText
from ketref.domain.document_diff import FieldChange, changes_as_dicts
from ketref.domain.enums import ItemKind
from ketref.domain.errors import BadInputError, ContentError

PACK_FORMAT = "ketref-content-pack"
PACK_FORMAT_VERSION = 1
"""The newest pack format this ketref reads and writes."""

Version = Annotated[str, StringConstraints(pattern=VERSION_PATTERN)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=120)]


class PackScope(StrEnum):
    LOCAL = "local-edits"
    ALL = "all"


class PackHeader(Model):
    """Where a pack comes from; shown before importing and kept in the audit trail."""

    title: ShortText | None = None
    exported_by: Name
    app_version: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    base_content_version: Version
    scope: Annotated[PackScope, Field(strict=False)]
    as_of: Annotated[str, StringConstraints(max_length=40)] | None = None


class PackItemRecord(Model):
    """One item of a pack; ``item`` is validated against the model of ``kind`` separately."""

    kind: ItemKindT
    content_version: Version
    item: dict[str, Any]


class PackAuditRecord(Model):
    """One event of the exporting library's audit trail (content changes only)."""

    at: Annotated[str, StringConstraints(min_length=10, max_length=40)]
    actor: Name
    action: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    kind: Annotated[str, StringConstraints(max_length=32)] | None = None
    slug: Annotated[str, StringConstraints(max_length=80)] | None = None
    content_version: Annotated[str, StringConstraints(max_length=32)] | None = None
    detail: dict[str, Any] = Field(default_factory=dict)


class PackError(ContentError):
    """A pack that cannot be imported; ``problems`` lists every problem with its JSON path."""


@dataclass(frozen=True)
class PackEntry:
    kind: ItemKind
    item: Item
    content_version: str

    @property
    def name(self) -> str:
        return f"{self.kind.value}/{self.item.slug}"


@dataclass(frozen=True)
class ContentPack:
    """A pack that passed every check: format, checksum, schema and internal references."""

    header: PackHeader
    references: tuple[Reference, ...]
    entries: tuple[PackEntry, ...]
    audit: tuple[PackAuditRecord, ...]
    checksum: str


class ConflictReason(StrEnum):
    LOCAL_EDIT = "local-edit"
    NEWER_HERE = "newer-here"
    RETIRED_HERE = "retired-here"
    """Never overwritten, even when asked: an import must not bring a retired item back
    unnoticed; restoring it (``ketref restore``) is its own, audited step."""

    @property
    def explanation(self) -> str:
        if self is ConflictReason.LOCAL_EDIT:
            return "edited in this library"
        if self is ConflictReason.RETIRED_HERE:
            return "retired in this library: restore it first to take the pack's version"
        return "this library has it from a newer content release"


@dataclass(frozen=True)
class Conflict:
    """An item (or reference) the pack would overwrite although it should not by default."""

    kind: str
    slug: str
    reason: ConflictReason
    local_version: str | None = None
    pack_version: str | None = None

    @property
    def name(self) -> str:
        return f"{self.kind}/{self.slug}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "slug": self.slug,
            "reason": self.reason.value,
            "explanation": self.reason.explanation,
            "local_version": self.local_version,
            "pack_version": self.pack_version,
        }


class PackConflictError(BadInputError):
    """The pack would overwrite local edits (or newer content); nothing was imported."""

    def __init__(self, conflicts: list[Conflict]) -> None:
        names = ", ".join(c.name for c in conflicts[:10])
        more = f" and {len(conflicts) - 10} more" if len(conflicts) > 10 else ""
        retired = [c.name for c in conflicts if c.reason is ConflictReason.RETIRED_HERE]
        kept = (
            f" Retired here, so kept out even then: {', '.join(retired)} (restore first)."
            if retired
            else ""
        )
        super().__init__(
            f"The pack would overwrite {len(conflicts)} item(s) edited, newer or retired here: "
            f"{names}{more}. Nothing was imported; use --overwrite-local to replace them.{kept}"
        )
        self.conflicts = conflicts


@dataclass
class ImportReport:
    """What an import did (or would do, for a preview)."""

    pack: str
    title: str | None
    exported_by: str
    base_content_version: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    references_added: list[str] = field(default_factory=list)
    references_updated: list[str] = field(default_factory=list)
    overwrote_local: bool = False
    imported: bool = False
    backup: str | None = None
    changes: dict[str, list[FieldChange]] = field(default_factory=dict)
    """For each item updated or in conflict (``kind/slug``): its fields, here -> the pack."""

    @property
    def changes_anything(self) -> bool:
        return bool(
            self.added
            or self.updated
            or self.references_added
            or self.references_updated
            or (self.overwrote_local and self.conflicts)
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "pack": self.pack,
            "title": self.title,
            "exported_by": self.exported_by,
            "base_content_version": self.base_content_version,
            "imported": self.imported,
            "added": self.added,
            "updated": self.updated,
            "unchanged": len(self.unchanged),
            "conflicts": [c.as_dict() for c in self.conflicts],
            "overwrote_local": self.overwrote_local,
            "references_added": self.references_added,
            "references_updated": self.references_updated,
            "backup": self.backup,
            "changes": {name: changes_as_dicts(found) for name, found in self.changes.items()},
        }


@dataclass(frozen=True)
class ExportReport:
    path: str
    scope: PackScope
    items: int
    references: int
    audit_events: int
    checksum: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "scope": self.scope.value,
            "items": self.items,
            "references": self.references,
            "audit_events": self.audit_events,
            "checksum": self.checksum,
        }


def audit_record(event: AuditEvent) -> dict[str, Any]:
    """An audit event as it is written into a pack (no local row id)."""
    return {
        "at": event.at.isoformat(),
        "actor": event.actor,
        "action": event.action,
        "kind": event.kind,
        "slug": event.slug,
        "content_version": event.content_version,
        "detail": event.detail,
    }
