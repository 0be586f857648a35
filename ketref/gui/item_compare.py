"""Tools → Compare with shipped… / Compare with version… / Release updates… for the window.

Comparing works on the item shown in the detail pane, through its history: the shipped
release's version (or a version picked from the list) against the current one, field by field
in the diff view. The release-updates dialog opens by itself after a load that met local edits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QWidget

from ketref.domain.catalogue import VersionInfo
from ketref.domain.errors import KetrefError
from ketref.gui.dialogs import show_error
from ketref.gui.document_diff_view import DiffDialog

if TYPE_CHECKING:
    from ketref.gui.history import Place
    from ketref.gui.release_updates_dialog import ReleaseUpdatesDialog
    from ketref.services.workspace import Services


def version_line(version: VersionInfo) -> str:
    """``Version 12 · draft · 2026-11-21 09:30 · dr-a · reason`` for the picker."""
    mark = " (current)" if version.current else ""
    return (
        f"Version {version.version_id}{mark} · {version.state.value} · "
        f"{version.saved_at:%Y-%m-%d %H:%M} · {version.saved_by} · {version.reason}"
    )


class ItemCompare(QObject):
    """The three actions; ``shown`` gives the place on screen when they run."""

    def __init__(self, window: QWidget, shown: Callable[[], Place | None]) -> None:
        super().__init__(window)
        self._window = window
        self._shown = shown
        self.services: Services | None = None
        self.shipped_action = QAction("Compare with shipped…", window)
        self.shipped_action.triggered.connect(lambda _checked=False: self.compare_with_shipped())
        self.version_action = QAction("Compare with version…", window)
        self.version_action.triggered.connect(lambda _checked=False: self.compare_with_version())
        self.updates_action = QAction("Release updates to local edits…", window)
        self.updates_action.triggered.connect(lambda _checked=False: self.show_release_updates())

    def actions(self) -> list[QAction]:
        return [self.shipped_action, self.version_action, self.updates_action]

    def attach(self, services: Services | None) -> None:
        """Called with the library's services; opens the release updates when a load met
        local edits."""
        self.services = services
        if services is not None and services.load_report and services.load_report.release_conflicts:
            self.show_release_updates()

    def _place(self) -> Place | None:
        return self._shown() if self.services is not None else None

    def compare_with_shipped(self) -> DiffDialog | None:
        return self._compare(None)

    def compare_with_version(self, version: int | None = None) -> DiffDialog | None:
        """Pick a version of the shown item (``version`` skips the picker), then compare."""
        place = self._place()
        if place is None or self.services is None:
            return None
        if version is None:
            versions = [
                v for v in self.services.catalogue.history(place.kind, place.slug) if not v.current
            ]
            if not versions:
                show_error(self._window, "Nothing to compare", "This item has one version only.")
                return None
            lines = [version_line(v) for v in versions]
            picked, ok = QInputDialog.getItem(
                self._window,
                "Compare with version",
                "Compare the current version with:",
                lines,
                0,
                False,
            )
            if not ok:
                return None
            version = versions[lines.index(picked)].version_id
        return self._compare(version)

    def _compare(self, against: int | None) -> DiffDialog | None:
        place = self._place()
        if place is None or self.services is None:
            return None
        try:
            diff = self.services.review.diff(place.kind, place.slug, against)
            title = self.services.catalogue.get_item(place.kind, place.slug).item.title
        except KetrefError as exc:
            show_error(self._window, "Cannot compare", str(exc))
            return None
        old = "As shipped" if against is None else f"Version {diff.old_version}"
        dialog = DiffDialog(
            f"Compare: {title}",
            f"{title}: {old.lower()} (version {diff.old_version}) against the current version "
            f"({diff.new_version}); {len(diff.changes)} field(s) differ.",
            diff.changes,
            (f"{old} (version {diff.old_version})", f"Current (version {diff.new_version})"),
            self._window,
        )
        dialog.open()
        return dialog

    def show_release_updates(self) -> ReleaseUpdatesDialog | None:
        if self.services is None:
            return None
        from ketref.gui.release_updates_dialog import ReleaseUpdatesDialog

        dialog = ReleaseUpdatesDialog(self.services, self._window)
        dialog.open()
        return dialog
