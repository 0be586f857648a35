"""One item as a YAML file a person edits (``ketref edit``), read back with the strict loader.

The file holds the item's stored document in field order; ketref's notes and any validation
errors sit at the top as ``#`` comments, which the reader ignores, so the same file can be
reopened with the errors above the text that caused them.
"""

from __future__ import annotations

from typing import Any

import yaml

from ketref.content.safe_yaml import YamlError, load_yaml

NOTE_MARK = "#! "
"""Comment lines ketref wrote (notes, errors): dropped before the file is shown again."""


def item_yaml(document: dict[str, Any], notes: list[str]) -> str:
    """``document`` as block YAML (keys in stored order, Unicode as typed) under ``notes``."""
    body = yaml.safe_dump(
        document, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100
    )
    return with_notes(body, notes)


def with_notes(text: str, notes: list[str]) -> str:
    """``text`` under ``notes`` as comment lines (replacing the notes it had)."""
    return "".join(f"{NOTE_MARK}{line}\n" for line in notes) + without_notes(text)


def without_notes(text: str) -> str:
    """The file's text without the comment lines ketref put at the top."""
    lines = text.splitlines(keepends=True)
    while lines and lines[0].startswith(NOTE_MARK.rstrip()):
        lines.pop(0)
    return "".join(lines)


def read_item_yaml(text: str) -> dict[str, Any] | None:
    """The edited document, or None when the file holds nothing (the editor quit).

    Raises:
        YamlError: not YAML ketref reads, or not one mapping of fields.
    """
    data = load_yaml(text)
    if data is None:
        return None
    if not isinstance(data, dict):
        raise YamlError("the file must hold the item's fields (name: value), not a list or text")
    return data


def document_changes(current: dict[str, Any], edited: dict[str, Any]) -> dict[str, Any]:
    """The fields whose value differs from ``current``; a field deleted from the file is None
    (the schema then says whether it may be empty)."""
    changes = {key: value for key, value in edited.items() if current.get(key) != value}
    changes.update({key: None for key in current if key not in edited})
    return changes
