"""Field-by-field differences between two item documents, for review and history screens.

Documents are the plain JSON of ``item_version.document``: dicts, lists and scalars. A change is
reported at the deepest path where the two sides differ, so a reviewer sees ``sections[2].text``
rather than the whole handout twice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
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


_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def readable_path(path: str) -> str:
    """A change's path in a clinician's words: ``sections[2].text`` -> ``Section 3 › Text``.

    List entries are counted from 1 and named after their list; underscores become spaces.
    """
    words: list[str] = []
    for name, index in _PART.findall(path):
        if index:
            entry = _singular(words.pop()) if words else "Entry"
            words.append(f"{entry} {int(index) + 1}")
        else:
            words.append(name.replace("_", " ").capitalize())
    return " › ".join(words) or "Whole item"


def changes_as_dicts(changes: Sequence[FieldChange]) -> list[dict[str, Any]]:
    """JSON-ready changes; a side without the field is ``null`` with ``*_present`` false."""
    return [
        {
            "path": c.path,
            "field": readable_path(c.path),
            "old": None if c.old is MISSING else c.old,
            "new": None if c.new is MISSING else c.new,
            "old_present": c.old is not MISSING,
            "new_present": c.new is not MISSING,
        }
        for c in changes
    ]
