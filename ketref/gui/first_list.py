"""The first list, kept in a small file so the window paints it before the library opens.

The window writes it after each attach (start, import, restore) from what the catalogue
service listed, and reads it at start-up before the database layer is even imported. It is a
picture, not the library: shown greyed out, replaced by the service's own list as soon as the
library is attached, and cleared if the library cannot be opened. A missing, unreadable,
damaged or foreign file (or one written for another database) is ignored; the list then simply
appears when the library opens. It holds titles and summaries of items, nothing about patients.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ketref.domain.catalogue import ItemSummary, is_due
from ketref.domain.enums import ItemKind
from ketref.domain.errors import KetrefError
from ketref.services.files import write_atomic

log = logging.getLogger(__name__)

FORMAT = 1
MAX_BYTES = 8 << 20
"""Far above the 100x knowledge base's list (about 0.4 MB); anything bigger is not ours."""


@dataclass(frozen=True)
class FirstList:
    """``path`` holds the first list of the database named ``source`` (as the user gave it)."""

    path: Path
    source: str

    @property
    def source_key(self) -> str:
        """What the file records of ``source``: a digest, as a URL given may hold a password."""
        return hashlib.sha256(self.source.encode()).hexdigest()

    def read(self, today: date | None = None) -> list[ItemSummary]:
        """The listed items, or [] when the file is missing, damaged or for another database."""
        try:
            with self.path.open("rb") as file:
                raw = file.read(MAX_BYTES + 1)
            if len(raw) > MAX_BYTES:
                raise ValueError("too large")
            data = json.loads(raw)
            if data["format"] != FORMAT or data["source"] != self.source_key:
                return []
            kind = ItemKind(data["kind"])
            day = today or date.today()
            return [_summary(kind, row, day) for row in data["items"]]
        except FileNotFoundError:
            return []
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.info("first list not used (%s)", exc.__class__.__name__)
            return []

    def write(self, items: list[ItemSummary]) -> None:
        """Keep ``items`` (all of one kind) for the next start; a failure only costs speed."""
        if not items or len({i.kind for i in items}) != 1:
            return
        rows = [
            {
                "slug": i.slug,
                "title": i.title,
                "summary": i.summary,
                "review_due": i.review_due.isoformat() if i.review_due else None,
                "verified": i.verified,
                "locally_edited": i.locally_edited,
            }
            for i in items
        ]
        payload = {"format": FORMAT, "source": self.source_key, "kind": items[0].kind.value}
        data = json.dumps(payload | {"items": rows}, ensure_ascii=False).encode()
        try:
            if self.path.read_bytes() == data:
                return
        except OSError:
            pass
        try:
            write_atomic(self.path, data)
        except (KetrefError, OSError) as exc:
            log.info("first list not saved (%s)", exc.__class__.__name__)


def _summary(kind: ItemKind, row: dict[str, object], today: date) -> ItemSummary:
    """One row, type-checked: a hand-edited or damaged file raises rather than paints nonsense."""
    slug, title, summary = row["slug"], row["title"], row["summary"]
    due, verified, edited = row["review_due"], row["verified"], row["locally_edited"]
    if not all(isinstance(v, str) for v in (slug, title, summary)):
        raise TypeError("text expected")
    if not (isinstance(verified, bool) and isinstance(edited, bool)):
        raise TypeError("flag expected")
    if due is not None and not isinstance(due, str):
        raise TypeError("date expected")
    review_due = date.fromisoformat(due) if due else None
    return ItemSummary(
        kind=kind,
        slug=str(slug),
        title=str(title),
        summary=str(summary),
        review_due=review_due,
        due_for_review=is_due(review_due, today),
        verified=verified,
        locally_edited=edited,
    )
