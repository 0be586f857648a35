"""Exact reprint of a print-log entry: the same handout versions, settings and letterhead.

The personal details are the ones typed again, else the stored ones (only kept when the clinic
keeps names). The result says whether the new PDF is byte-identical to the original (its
SHA-256 matches the log) and, if not, why it may differ. The reprint is logged as a printout.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path

from ketref.domain.errors import BadInputError, NotFoundError
from ketref.domain.print_log import PERSONAL_LABELS, PrintOutput, personal_fields_of
from ketref.domain.printing import Personalisation
from ketref.services.files import write_atomic
from ketref.services.handouts import HandoutService, RenderedHandouts
from ketref.services.print_log import Recorded


@dataclass(frozen=True)
class Reprinted:
    path: Path
    identical: bool
    """The PDF's SHA-256 equals the one logged for the original."""
    differs: tuple[str, ...]
    not_typed: tuple[str, ...]
    """Personal fields the original printed that this reprint does not (names, not values)."""
    recorded: Recorded

    def messages(self) -> list[str]:
        lines: list[str] = []
        if self.identical:
            lines.append("Identical to the original: the SHA-256 matches the print log.")
        else:
            why = "; ".join(self.differs) or "the personal details typed differ from the original's"
            lines.append(f"Same handout versions as the original, but not byte-identical ({why}).")
        if self.not_typed:
            fields = ", ".join(PERSONAL_LABELS[name] for name in self.not_typed)
            lines.append(f"The original also printed: {fields}. Type them again to include them.")
        if self.recorded.problem:
            lines.append(self.recorded.note().strip())
        return lines


def reprint(
    handouts: HandoutService, entry_id: int, path: Path, typed: Personalisation
) -> Reprinted:
    """Regenerate entry ``entry_id`` into ``path`` (written atomically) and log it.

    Raises:
        NotFoundError: no such entry, or a version it printed is gone (named).
        ExportError: the file cannot be written; nothing is logged.
        BadInputError: the name does not end in ``.pdf``.
    """
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        raise BadInputError(f"The file name must end in .pdf: {path.name}")
    entry = handouts.log.entry(entry_id)
    missing = set(handouts.log.missing_versions(entry))
    if missing:
        gone = ", ".join(
            f"{h.slug} version {h.version_id}"
            for h in entry.plan.handouts
            if h.version_id in missing
        )
        raise NotFoundError(f"Entry {entry_id} cannot be reprinted: {gone} no longer exist.")
    personal = typed if not typed.is_empty else (entry.personal or Personalisation())
    data, differs = handouts.render_plan(entry.plan, personal)
    written = write_atomic(path, data)
    plan = dataclasses.replace(
        entry.plan, personal_fields=personal_fields_of(personal), reprint_of=entry.id
    )
    recorded = handouts.record(RenderedHandouts(data, plan, personal), PrintOutput.EXPORT)
    printed = set(personal_fields_of(personal))
    return Reprinted(
        path=written,
        identical=hashlib.sha256(data).hexdigest() == entry.pdf_sha256,
        differs=tuple(differs),
        not_typed=tuple(f for f in entry.plan.personal_fields if f not in printed),
        recorded=recorded,
    )
