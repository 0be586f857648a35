"""Back/Forward over visited items, like a browser: a new visit drops the forward part."""

from __future__ import annotations

from dataclasses import dataclass

from ketref.domain.enums import ItemKind


@dataclass(frozen=True)
class Place:
    """An item (or reference) the detail pane can show."""

    kind: ItemKind
    slug: str

    def key(self) -> str:
        return f"{self.kind.value}/{self.slug}"

    @classmethod
    def from_key(cls, key: str) -> Place | None:
        """Parse ``kind/slug``; None for anything malformed (settings files can be edited)."""
        kind, _, slug = key.partition("/")
        try:
            return cls(ItemKind(kind), slug) if slug else None
        except ValueError:
            return None


class History:
    def __init__(self, limit: int = 200) -> None:
        self._places: list[Place] = []
        self._pos = -1
        self._limit = limit

    @property
    def current(self) -> Place | None:
        return self._places[self._pos] if self._pos >= 0 else None

    def visit(self, place: Place) -> None:
        if place == self.current:
            return
        del self._places[self._pos + 1 :]
        self._places.append(place)
        if len(self._places) > self._limit:
            del self._places[0]
        self._pos = len(self._places) - 1

    def can_go_back(self) -> bool:
        return self._pos > 0

    def can_go_forward(self) -> bool:
        return self._pos < len(self._places) - 1

    def back(self) -> Place | None:
        if not self.can_go_back():
            return None
        self._pos -= 1
        return self.current

    def forward(self) -> Place | None:
        if not self.can_go_forward():
            return None
        self._pos += 1
        return self.current
