"""A newer content release meeting an item edited in this library.

The release never overwrites the local edit: its version is stored beside it (state
``release``, never current) and the item is reported with its field differences until the
editor keeps theirs, takes the release's, or merges by hand and approves the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ketref.domain.document_diff import FieldChange, changes_as_dicts
from ketref.domain.enums import ItemKind


class Resolution(StrEnum):
    KEEP_MINE = "keep-mine"
    TAKE_RELEASE = "take-release"


@dataclass(frozen=True)
class ReleaseConflict:
    """A locally edited item that release ``release`` changed; ``changes`` go local -> release."""

    kind: ItemKind
    slug: str
    title: str
    release: str
    local_version: int
    release_version: int
    changes: tuple[FieldChange, ...]

    @property
    def name(self) -> str:
        return f"{self.kind.value}/{self.slug}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "slug": self.slug,
            "title": self.title,
            "release": self.release,
            "local_version": self.local_version,
            "release_version": self.release_version,
            "changes": changes_as_dicts(self.changes),
        }
