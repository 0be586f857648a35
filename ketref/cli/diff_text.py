"""Field differences as text for the terminal: the field in words, then old (-) and new (+).

Shared by ``diff``, ``pack check``/``import`` and ``updates`` so every diff reads the same way.
Values are printed as JSON (``<b>`` and ``&`` exactly as stored; an absent side says so).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TextIO

from ketref.domain.document_diff import MISSING, FieldChange, readable_path


def shown(value: object) -> str:
    return "(absent)" if value is MISSING else json.dumps(value, ensure_ascii=False)


def write_changes(changes: Sequence[FieldChange], out: TextIO, indent: str = "") -> None:
    """One block per change; "No differences." when there are none."""
    if not changes:
        out.write(f"{indent}No differences.\n")
    for change in changes:
        out.write(
            f"{indent}{readable_path(change.path)} ({change.path})\n"
            f"{indent}  - {shown(change.old)}\n"
            f"{indent}  + {shown(change.new)}\n"
        )
