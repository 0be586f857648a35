"""Audit events as the screens, the CLI and content packs see them (never patient data)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ketref.domain.field_words import field_label, short_value


@dataclass(frozen=True)
class AuditEvent:
    """Who changed which content, when, how, and from which content version."""

    at: datetime
    actor: str
    action: str
    kind: str | None
    slug: str | None
    content_version: str | None
    detail: dict[str, Any] = field(default_factory=dict)
    id: int | None = None

    @property
    def target(self) -> str:
        """``contraindications/uncontrolled-hypertension``, or "" for whole-library events."""
        return f"{self.kind}/{self.slug}" if self.kind and self.slug else ""

    def describe(self) -> str:
        """One short line about what changed, for lists."""
        d = self.detail
        if self.action in ("edit", "draft", "clinic-profile"):
            return self.changes_text()
        if self.action == "import":
            how = "replaced a local edit" if d.get("replaced_local_edit") else d.get("change", "")
            return f"from pack {d.get('pack', '?')[:12]}: {how}".rstrip(": ")
        if self.action == "import-pack":
            return (
                f"pack {d.get('pack', '?')[:12]} by {d.get('exported_by', '?')}: "
                f"{d.get('added', 0)} added, {d.get('updated', 0)} updated, "
                f"{d.get('unchanged', 0)} unchanged"
            )
        if self.action == "release-kept-local":
            return (
                f"local version {d.get('local_version', '?')} kept; the release's version "
                f"{d.get('release_version', '?')} changes " + ", ".join(d.get("fields", []))
            )
        if self.action in ("release-keep-mine", "release-take-release"):
            return f"now version {d.get('version', '?')}"
        if self.action in ("retire", "restore"):
            return str(d.get("reason") or "")
        if self.action.startswith("load-"):
            return (
                f"content {d.get('version', '?')}: {d.get('added', 0)} added, "
                f"{d.get('updated', 0)} updated, {d.get('removed', 0)} removed"
            )
        return ""

    def changes_text(self) -> str:
        """ "Summary changed: "old…" → "new…"" for one field; the fields' names for several."""
        fields = [str(f) for f in self.detail.get("fields", [])]
        changes = self.detail.get("changes") or {}
        if not fields:
            return "Nothing changed"
        if len(fields) == 1 and fields[0] in changes:
            change = changes[fields[0]]
            before, after = short_value(change.get("before")), short_value(change.get("after"))
            return f"{field_label(fields[0])} changed: {before} → {after}"
        return ", ".join(field_label(f) for f in fields) + " changed"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "kind": self.kind,
            "slug": self.slug,
            "content_version": self.content_version,
            "detail": self.detail,
        }
