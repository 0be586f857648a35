"""Window and UI state kept between runs (QSettings INI beside the other config files).

Only layout and reading preferences live here: geometry, splitters, zoom, favourites, recently
viewed items and the folders last saved to (which may be named after a patient, so the file is
owner-only from its first byte and "Forget recent folders" clears them). Every key is declared
once below with its type and default (MusicBrainz Picard's ``Option`` idea), so a misspelt key
is a name error, not a setting that silently never sticks, and a hand-edited or damaged value
reads as the default.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter

from ketref.gui.history import Place
from ketref.gui.qt_settings import forget_qt_dialog_history

T = TypeVar("T")


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One key of ``ui.ini``: how a stored value reads back, and what it is when absent."""

    key: str
    default: T

    def load(self, raw: object) -> T:
        raise NotImplementedError  # each kind of setting says how its values read back

    def dump(self, value: T) -> object:
        return value


@dataclass(frozen=True)
class LayoutSetting(Setting[QByteArray | None]):
    """Geometry or splitter state as Qt saved it (None: let Qt lay it out)."""

    default: QByteArray | None = None

    def load(self, raw: object) -> QByteArray | None:
        return raw if isinstance(raw, QByteArray) and not raw.isEmpty() else None


@dataclass(frozen=True)
class IntSetting(Setting[int]):
    minimum: int = 0
    maximum: int = 0

    def load(self, raw: object) -> int:
        try:
            return max(self.minimum, min(self.maximum, int(str(raw))))
        except ValueError:
            return self.default


@dataclass(frozen=True)
class TextSetting(Setting[str]):
    default: str = ""
    max_length: int = 300

    def load(self, raw: object) -> str:
        return raw[: self.max_length] if isinstance(raw, str) else self.default


@dataclass(frozen=True)
class FolderSetting(Setting[Path | None]):
    """A folder last saved to; None until the first save (callers then suggest the home)."""

    default: Path | None = None

    def load(self, raw: object) -> Path | None:
        return Path(raw) if isinstance(raw, str) and raw else None

    def dump(self, value: Path | None) -> object:
        return str(value) if value is not None else ""


@dataclass(frozen=True)
class PlacesSetting(Setting[tuple[Place, ...]]):
    """Items in order, without repeats; malformed entries are skipped."""

    default: tuple[Place, ...] = ()
    limit: int = 1000

    def load(self, raw: object) -> tuple[Place, ...]:
        values = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
        places = (Place.from_key(str(v)) for v in values)
        return tuple(dict.fromkeys(p for p in places if p is not None))[: self.limit]

    def dump(self, value: tuple[Place, ...]) -> object:
        return [p.key() for p in value[: self.limit]]


WINDOW_GEOMETRY = LayoutSetting("window/geometry")
WINDOW_STATE = LayoutSetting("window/state")
MAIN_SPLIT = LayoutSetting("split/main")
BROWSER_SPLIT = LayoutSetting("split/browser")
TEXT_SIZE = IntSetting("window/text_size", 0, minimum=-2, maximum=6)
"""Text size of the whole window, in steps of 12 % from the desktop's font (Ctrl+= / Ctrl+-)."""
FAVOURITES = PlacesSetting("favourites")
RECENTS = PlacesSetting("recents", limit=20)
LAST_FOLDER = FolderSetting("files/last_folder")
"""Where a handout or screening summary PDF was last saved."""
PACKS_FOLDER = FolderSetting("packs/folder")
LEGACY_PDF_FOLDER = FolderSetting("handouts/last_folder")
"""Where earlier versions kept LAST_FOLDER; only ever forgotten."""
SERVER_HOST = TextSetting("server/host")
"""The clinic server last connected to from File → Connect to clinic server… (never a
password: that is asked each time, or read by libpq from .pgpass)."""
SERVER_PORT = IntSetting("server/port", 5432, minimum=1, maximum=65535)
SERVER_DATABASE = TextSetting("server/database", "ketref")
SERVER_USER = TextSetting("server/user")
SERVER_SSLMODE = TextSetting("server/sslmode", "prefer")


class UiState:
    def __init__(self, path: Path) -> None:
        # Created 0600 before Qt writes it; Qt's atomic saves keep an existing file's mode.
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
            os.chmod(path, 0o600)
        self._settings = QSettings(str(path), QSettings.Format.IniFormat)

    def get(self, setting: Setting[T]) -> T:
        return setting.load(self._settings.value(setting.key))

    def set(self, setting: Setting[T], value: T) -> None:
        self._settings.setValue(setting.key, setting.dump(value))

    def sync(self) -> None:
        self._settings.sync()

    def folder(self, setting: FolderSetting) -> Path:
        """The folder last saved to, if it still exists; else the user's home."""
        saved = self.get(setting)
        return saved if saved is not None and saved.is_dir() else Path.home()

    def remember_folder(self, setting: FolderSetting, folder: Path) -> None:
        self.set(setting, folder)
        self.sync()

    def forget_folders(self) -> None:
        """Forget every folder saved to here and what Qt's file dialog remembered."""
        for setting in (LAST_FOLDER, PACKS_FOLDER, LEGACY_PDF_FOLDER):
            self._settings.remove(setting.key)
        self.sync()
        forget_qt_dialog_history()

    # --- favourites and recents (written at once: another window may read them) -------------

    def favourites(self) -> list[Place]:
        favourites: tuple[Place, ...] = self.get(FAVOURITES)
        return list(favourites)

    def is_favourite(self, place: Place) -> bool:
        return place in self.get(FAVOURITES)

    def toggle_favourite(self, place: Place) -> bool:
        """Add or remove ``place``; returns whether it is a favourite now."""
        favourites = self.get(FAVOURITES)
        now = place not in favourites
        kept = tuple(p for p in favourites if p != place)
        self.set(FAVOURITES, (*kept, place) if now else kept)
        self.sync()
        return now

    def recents(self) -> list[Place]:
        recents: tuple[Place, ...] = self.get(RECENTS)
        return list(recents)

    def add_recent(self, place: Place) -> None:
        self.set(RECENTS, (place, *(p for p in self.get(RECENTS) if p != place)))
        self.sync()

    def restore_layout(self, window: QMainWindow, main: QSplitter, browser: QSplitter) -> None:
        """The main window's size, position, docks and splitters as the user left them."""
        if (geometry := self.get(WINDOW_GEOMETRY)) is not None:
            window.restoreGeometry(geometry)
        if (state := self.get(WINDOW_STATE)) is not None:
            window.restoreState(state)
        for setting, splitter in ((MAIN_SPLIT, main), (BROWSER_SPLIT, browser)):
            if (sizes := self.get(setting)) is not None:
                splitter.restoreState(sizes)

    def save_layout(self, window: QMainWindow, main: QSplitter, browser: QSplitter) -> None:
        self.set(WINDOW_GEOMETRY, window.saveGeometry())
        self.set(WINDOW_STATE, window.saveState())
        self.set(MAIN_SPLIT, main.saveState())
        self.set(BROWSER_SPLIT, browser.saveState())
        self.sync()
