"""Field-by-field differences between two item documents, for review and history screens.

Documents are the plain JSON of ``item_version.document``: dicts, lists and scalars. A change is
reported at the deepest path where the two sides differ, so a reviewer sees ``sections[2].text``
rather than the whole handout twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class _Missing:
    """Stands for a field or list entry present on one side only."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class FieldChange:
    """One difference: ``path`` such as ``sections[2].text``; ``MISSING`` when absent."""

    path: str
    old: Any
    new: Any


def diff_documents(old: Any, new: Any) -> list[FieldChange]:
    """Every difference between ``old`` and ``new``, in document order (old's keys first)."""
    changes: list[FieldChange] = []
    _diff("", old, new, changes)
    return changes


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _diff(path: str, old: Any, new: Any, out: list[FieldChange]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        keys = list(old) + [key for key in new if key not in old]
        for key in keys:
            _diff(_join(path, str(key)), old.get(key, MISSING), new.get(key, MISSING), out)
    elif isinstance(old, list) and isinstance(new, list):
        for i in range(max(len(old), len(new))):
            left = old[i] if i < len(old) else MISSING
            right = new[i] if i < len(new) else MISSING
            _diff(f"{path}[{i}]", left, right, out)
    elif old != new or type(old) is not type(new):
        out.append(FieldChange(path, old, new))
