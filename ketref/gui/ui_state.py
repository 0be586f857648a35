"""Window and UI state kept between runs (QSettings INI beside the other config files).

Only layout and reading preferences live here: geometry, splitters, zoom, favourites and
recently viewed items, and the last folder a PDF was saved to (which may be named after a
patient, so the file is owner-only from its first byte and "Forget recent folders" clears it).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from ketref.gui.history import Place
from ketref.gui.qt_settings import forget_qt_dialog_history

RECENT_LIMIT = 20


LAST_FOLDER = "files/last_folder"


class UiState:
    def __init__(self, path: Path) -> None:
        # Created 0600 before Qt writes it; Qt's atomic saves keep an existing file's mode.
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
            os.chmod(path, 0o600)
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

    # --- the folder of the last saved file ------------------------------------------------

    def last_folder(self) -> Path:
        """Where the next save dialog starts: the last folder used, else the user's home."""
        value = self._settings.value(LAST_FOLDER)
        return Path(str(value)) if value else Path.home()

    def remember_folder(self, folder: Path) -> None:
        self._settings.setValue(LAST_FOLDER, str(folder))
        self._settings.sync()

    def forget_folders(self) -> None:
        """Forget the last folder here and what Qt's file dialog remembered."""
        self._settings.remove(LAST_FOLDER)
        self._settings.remove("handouts/last_folder")  # where earlier versions kept it
        self._settings.sync()
        forget_qt_dialog_history()

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
