"""PV-03 helper: run CLI commands carrying a patient-like marker, then grep every log file.

Other features add their commands here: append an argv template to ``PRIVATE_COMMANDS`` (use
``{marker}`` where a patient name or note goes and ``{tmp}`` for a scratch folder), e.g.::

    PRIVATE_COMMANDS.append(("handout", "render", "after-your-session",
                             "--patient", "{marker}", "--out", "{tmp}/h.pdf"))

The test runs each one with ``-v`` (debug logging) and fails if the marker, in any Unicode
form or case, appears in any file under the logs folder.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

MARKER = "Zoë Quintrell-Ngô"
"""A name no content contains; NFC and NFD forms and case are all searched for."""

PRIVATE_COMMANDS: list[tuple[str, ...]] = [
    ("search", "{marker}"),
    ("search", "{marker}", "--json"),
    ("show", "handouts", "{marker}"),
    ("pack", "export", "{tmp}/{marker}.json", "--all", "--title", "{marker}"),
    ("pack", "check", "{tmp}/{marker}.json"),
    ("pack", "import", "{tmp}/{marker}.json"),
    ("db", "backup", "{tmp}/{marker}.db"),
    ("db", "restore", "{tmp}/{marker}.db"),
    ("audit", "--json"),
    (
        "handout", "preparing-for-your-session", "-o", "{tmp}/h.pdf", "--patient-name",
        "{marker}", "--escort", "{marker}", "--notes", "{marker}",
    ),
    ("prints", "--json"),
    ("prints", "reprint", "1", "-o", "{tmp}/r.pdf", "--name", "{marker}", "--notes", "{marker}"),
]  # fmt: skip


def expand(argv: tuple[str, ...], tmp: Path, marker: str = MARKER) -> list[str]:
    return [a.replace("{marker}", marker).replace("{tmp}", str(tmp)) for a in argv]


def forms(marker: str = MARKER) -> set[bytes]:
    """The marker as it could appear in a file: NFC, NFD, any case, UTF-8."""
    found = set()
    for text in (marker, marker.lower(), marker.upper()):
        for form in ("NFC", "NFD"):
            found.add(unicodedata.normalize(form, text).encode("utf-8"))
    found.add(marker.rsplit(maxsplit=1)[-1].encode("utf-8"))  # the family name on its own
    return found


def files_containing(folder: Path, marker: str = MARKER) -> list[str]:
    """Files under ``folder`` whose bytes contain any form of ``marker``."""
    needles = forms(marker)
    hits = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if any(n in data for n in needles):
            hits.append(str(path.relative_to(folder)))
    return hits
