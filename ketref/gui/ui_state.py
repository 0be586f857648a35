"""Window and UI state kept between runs (QSettings INI beside the other config files).

Only layout and reading preferences live here: geometry, splitters, zoom, favourites and
recently viewed items. Never anything about patients.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from ketref.gui.history import Place

RECENT_LIMIT = 20


class UiState:
    def __init__(self, path: Path) -> None:
        self._settings = QSettings(str(path), QSettings.Format.IniFormat)

    def sync(self) -> None:
        self._settings.sync()

    # --- layout ---------------------------------------------------------------------------

    def bytes_value(self, key: str) -> QByteArray | None:
        value = self._settings.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_bytes(self, key: str, value: QByteArray) -> None:
        self._settings.setValue(key, value)

    def value(self, key: str) -> object:
        return self._settings.value(key)

    def set_value(self, key: str, value: object) -> None:
        self._settings.setValue(key, value)

    @property
    def zoom(self) -> int:
        try:
            return max(-5, min(10, int(self._settings.value("detail/zoom", 0))))  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return 0

    @zoom.setter
    def zoom(self, steps: int) -> None:
        self._settings.setValue("detail/zoom", steps)

    # --- favourites and recents -----------------------------------------------------------

    def _places(self, key: str) -> list[Place]:
        raw = self._settings.value(key, [])
        values = [raw] if isinstance(raw, str) else list(raw or [])  # type: ignore[call-overload]
        places = [Place.from_key(str(v)) for v in values]
        return list(dict.fromkeys(p for p in places if p is not None))

    def _set_places(self, key: str, places: list[Place]) -> None:
        self._settings.setValue(key, [p.key() for p in places])
        self._settings.sync()

    def favourites(self) -> list[Place]:
        return self._places("favourites")

    def is_favourite(self, place: Place) -> bool:
        return place in self.favourites()

    def toggle_favourite(self, place: Place) -> bool:
        """Add or remove ``place``; returns whether it is a favourite now."""
        favourites = self.favourites()
        if place in favourites:
            favourites.remove(place)
            self._set_places("favourites", favourites)
            return False
        self._set_places("favourites", [*favourites, place])
        return True

    def recents(self) -> list[Place]:
        return self._places("recents")

    def add_recent(self, place: Place) -> None:
        recents = [p for p in self.recents() if p != place]
        self._set_places("recents", [place, *recents][:RECENT_LIMIT])
