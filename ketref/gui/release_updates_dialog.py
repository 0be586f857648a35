"""Tools → Release updates…: items edited here that a newer content release changed.

Loading a release never overwrites a local edit; each such item is listed here with the field
differences (yours against the release's) and three choices: keep yours, take the release's,
or edit by hand, starting from the release's text as YAML (saved as a draft to approve, like
``ketref edit --release``). Every decision is a new version and an audit event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ketref.content.item_yaml import document_changes, item_yaml, read_item_yaml, without_notes
from ketref.content.safe_yaml import YamlError
from ketref.domain.errors import BadInputError, KetrefError
from ketref.domain.release_updates import ReleaseConflict, Resolution
from ketref.gui.audit_view import item_label
from ketref.gui.dialogs import show_error
from ketref.gui.document_diff_view import DiffView

if TYPE_CHECKING:
    from ketref.services.workspace import Services


class MergeDialog(QDialog):
    """The release's version of one item as YAML, to merge by hand; saved as a draft."""

    def __init__(
        self, services: Services, conflict: ReleaseConflict, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._conflict = conflict
        self.draft: int | None = None
        self.setWindowTitle(f"Edit by hand: {conflict.title}")
        self.resize(820, 640)
        detail = services.catalogue.get_item(conflict.kind, conflict.slug)
        self._current = detail.item.model_dump(mode="json", by_alias=True)
        self._fingerprint = detail.fingerprint
        start = services.releases.release_document(conflict.kind, conflict.slug)
        intro = QLabel(
            f"The release {conflict.release}'s version of this item. Bring your changes into "
            "it, then save: it is checked like any content and stored as a draft, which "
            "becomes current when approved."
        )
        intro.setWordWrap(True)
        self.editor = QPlainTextEdit(item_yaml(start, []))
        self.editor.setFont(QFont("monospace"))
        self.errors = QLabel()
        self.errors.setWordWrap(True)
        self.errors.setStyleSheet("color: #a00000;")
        self.errors.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        save = buttons.addButton("Save as draft", QDialogButtonBox.ButtonRole.AcceptRole)
        save.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)

    def save(self) -> None:
        """Validate and store as a draft; on any problem say what, and keep the text."""
        try:
            edited = read_item_yaml(without_notes(self.editor.toPlainText()))
            if edited is None:
                raise YamlError("the text is empty; Cancel to leave without saving")
            self.draft = self._services.review.save_draft(
                self._conflict.kind,
                self._conflict.slug,
                document_changes(self._current, edited),
                expected=self._fingerprint,
            )
        except (YamlError, BadInputError) as exc:
            self.errors.setText("Not saved: " + str(exc))
            return
        self.accept()


class ReleaseUpdatesDialog(QDialog):
    """The list of items waiting for a decision, the diff of the one selected, the choices."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.setWindowTitle("Content release updates to items edited here")
        self.resize(1100, 680)
        self.items = QListWidget()
        self.items.currentRowChanged.connect(self._show)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.view = DiffView()
        self.keep_button = QPushButton("Keep mine")
        self.keep_button.setToolTip("Your version stays; the release's is kept in the history")
        self.take_button = QPushButton("Take the release's")
        self.take_button.setToolTip("The release's version replaces yours (yours stays in history)")
        self.merge_button = QPushButton("Edit by hand…")
        self.merge_button.setToolTip("Start from the release's version; saved as a draft")
        self.keep_button.clicked.connect(lambda: self.resolve(Resolution.KEEP_MINE))
        self.take_button.clicked.connect(lambda: self.resolve(Resolution.TAKE_RELEASE))
        self.merge_button.clicked.connect(self.merge)
        choices = QHBoxLayout()
        for button in (self.keep_button, self.take_button, self.merge_button):
            choices.addWidget(button)
        choices.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.heading)
        right_layout.addWidget(self.view, 1)
        right_layout.addLayout(choices)
        split = QSplitter()
        split.addWidget(self.items)
        split.addWidget(right)
        split.setSizes([280, 820])
        intro = QLabel(
            "A newer content release changed these items, which were edited in this library. "
            "Nothing was overwritten: your version is still the one shown and printed."
        )
        intro.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(split, 1)
        layout.addWidget(close)
        self.conflicts: list[ReleaseConflict] = []
        self.reload()

    def reload(self) -> None:
        self.conflicts = self._services.releases.pending()
        self.items.clear()
        for conflict in self.conflicts:
            label = item_label(conflict.kind.value, conflict.slug) or conflict.name
            self.items.addItem(QListWidgetItem(f"{conflict.title}\n{label}"))
        if self.conflicts:
            self.items.setCurrentRow(0)
        else:
            self._show(-1)

    def _show(self, row: int) -> None:
        chosen = 0 <= row < len(self.conflicts)
        for button in (self.keep_button, self.take_button, self.merge_button):
            button.setEnabled(chosen)
        if not chosen:
            self.heading.setText("Every release update has been decided.")
            self.view.setHtml("")
            return
        conflict = self.conflicts[row]
        self.heading.setText(
            f"{conflict.title}: content release {conflict.release} changed "
            f"{len(conflict.changes)} field(s) of the version edited here."
        )
        self.view.show_changes(
            conflict.changes,
            f"Yours (version {conflict.local_version})",
            f"Release {conflict.release} (version {conflict.release_version})",
        )

    def _selected(self) -> ReleaseConflict | None:
        row = self.items.currentRow()
        return self.conflicts[row] if 0 <= row < len(self.conflicts) else None

    def resolve(self, choice: Resolution) -> None:
        conflict = self._selected()
        if conflict is None:
            return
        try:
            self._services.releases.resolve(conflict.kind, conflict.slug, choice)
        except KetrefError as exc:
            show_error(self, "The decision was not saved", str(exc))
        self.reload()

    def merge(self) -> MergeDialog | None:
        conflict = self._selected()
        if conflict is None:
            return None
        dialog = MergeDialog(self._services, conflict, self)
        dialog.accepted.connect(
            lambda: self.heading.setText(
                f"{conflict.title}: your merge is saved as draft version {dialog.draft}. It "
                "settles this item once approved (ketref review approve); until then your "
                "earlier version stays current."
            )
        )
        dialog.open()
        return dialog
