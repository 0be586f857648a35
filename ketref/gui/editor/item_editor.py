"""The in-window editor: a form generated from the item's content model, checked live with the
schema loading uses, undo/redo, a read-only source view, a preview, and Save as a draft.

A save goes through the fingerprint the editor started from: when someone else saved the item
meanwhile, both versions are shown and nothing is overwritten unseen.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import shiboken6
import yaml
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ketref.domain import content as c
from ketref.domain.editing import Problem, check_item, model_for, slug_for
from ketref.domain.enums import ItemKind, Product
from ketref.domain.errors import EditConflictError, KetrefError
from ketref.gui import dialogs
from ketref.gui.editor.conflict_dialog import KEEP_MINE, TAKE_THEIRS, ConflictDialog
from ketref.gui.editor.fields import PROBLEM_STYLE, FormContext, TextField
from ketref.gui.editor.groups import ModelForm
from ketref.gui.editor.preview import EditorPreview
from ketref.gui.editor.reference_picker import ReferencePicker
from ketref.gui.editor.schema import Spec
from ketref.services.review import one_year_after

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ketref.services.editing import EditingService, EditStart

CHECK_DELAY_MS = 150


def blank_item(kind: ItemKind, today: date) -> dict[str, Any]:
    """What a new item starts with: today's review, the next in a year, every product, and
    for a handout the "when to get help" section every handout needs."""
    if kind is ItemKind.REFERENCE:
        return {"verified": True}
    data: dict[str, Any] = {
        "reviewed": today.isoformat(),
        "review_due": one_year_after(today).isoformat(),
        "verified": True,
        "products": [p.value for p in Product],
    }
    if kind is ItemKind.HANDOUT:
        data |= {
            "language": "en",
            "audience": "patient",
            "version": "1.0",
            "sections": [
                {"heading": "When to get help", "blocks": [{"type": "paragraph", "text": ""}]}
            ],
        }
    return data


class SnapshotCommand(QUndoCommand):
    """One step of undo: the whole document before and after. Typing in one field merges
    into one step (same key); adding, removing or moving a row is a step of its own."""

    def __init__(self, editor: ItemEditor, before: Any, after: Any, key: str) -> None:
        super().__init__("Typing" if key else "Change")
        self.editor, self.before, self.after, self.key = editor, before, after, key
        self._done = True  # pushed after the change happened: the first redo does nothing

    def id(self) -> int:
        return 1 if self.key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SnapshotCommand) or other.key != self.key:
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self.editor.apply(self.after)

    def undo(self) -> None:
        self.editor.apply(self.before)


class ItemEditor(QDialog):
    """Edit one item (``start``) or a new one (``start`` is None) of ``kind``."""

    saved = Signal(object, str)
    """(kind, slug) after a save: the window refreshes what it shows."""
    prose_changed = Signal()
    """Prose boxes were added or removed (a readability panel re-attaches)."""

    def __init__(
        self,
        editing: EditingService,
        kind: ItemKind,
        start: EditStart | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.editing, self.kind, self.start = editing, kind, start
        self.is_new = start is None
        library = editing.context(kind)
        self._taken = set(library.taken_slugs)
        self._known = library.reference_ids
        self.problems: list[Problem] = []
        self.model: BaseModel | None = None
        self.saved_model: BaseModel | None = None
        self.conflict: ConflictDialog | None = None
        self.context = FormContext({r.id: r for r in library.references}, self._pick_reference)
        locked = {"slug"} if kind is not ItemKind.REFERENCE else ({"id"} if start else set())
        self.form = ModelForm(
            Spec("model", model=model_for(kind)), self.context, read_only=frozenset(locked)
        )
        self.undo_stack = QUndoStack(self)
        self._check_timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.check)
        self.preview = EditorPreview(editing, kind)
        self._build()
        self.apply(start.data if start else blank_item(kind, editing.today()))
        self.undo_stack.setClean()
        self.context.edited.connect(self._edited)
        self.check()
        self.preview.refresh()
        self.resize(1280, 860)

    # --- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setObjectName("editorHeading")
        self.heading.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        self._show_state()
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.state)
        layout.addLayout(self._build_bar())
        layout.addWidget(self._build_body(), 1)

    def _build_bar(self) -> QHBoxLayout:
        undo = self.undo_stack.createUndoAction(self, "Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "Redo")
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        self.addActions([undo, redo])
        bar = QHBoxLayout()
        for action in (undo, redo):
            button = QToolButton()
            button.setDefaultAction(action)
            bar.addWidget(button)
        bar.addStretch(1)
        is_ref = self.kind is ItemKind.REFERENCE
        self.save_button = QPushButton("Save" if is_ref else "Save draft")
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.save_button.setToolTip(
            "Ctrl+S. Drafts are shown, screened and printed only after approval."
        )
        self.save_button.clicked.connect(lambda _checked=False: self.save())
        close = QPushButton("Close")
        close.clicked.connect(lambda _checked=False: self.close())
        bar.addWidget(self.save_button)
        bar.addWidget(close)
        return bar

    def _build_body(self) -> QSplitter:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        self.form.setContentsMargins(8, 8, 8, 8)
        self.source = QPlainTextEdit(readOnly=True)
        self.source.setObjectName("editorSource")
        self.tabs = QTabWidget()
        self.tabs.addTab(scroll, "Form")
        self.tabs.addTab(self.source, "Source (read-only)")
        self.summary = QLabel()
        self.summary.setObjectName("problemSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.readability_slot = QWidget()
        self.readability_slot.setObjectName("readabilitySlot")
        QVBoxLayout(self.readability_slot).setContentsMargins(0, 0, 0, 0)
        self.readability_slot.hide()  # shown when a readability panel is attached
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.tabs, 1)
        left_layout.addWidget(self.summary)
        left_layout.addWidget(self.readability_slot)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.preview)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([740, 520])
        return split

    def _show_state(self) -> None:
        kind = self.kind.singular
        if self.is_new:
            self.heading.setText(f"New {kind.lower()}")
            self.state.setText(
                "Saved as a draft: it is listed for editors, and shown, screened and printed "
                "only after approval."
                if self.kind is not ItemKind.REFERENCE
                else "A new source is added to the library when saved."
            )
        else:
            assert self.start is not None
            title = str(self.start.data.get("title", self.start.slug))
            self.heading.setText(f"{kind}: {title}")
            if self.kind is ItemKind.REFERENCE:
                self.state.setText("Changes to a source apply when saved (audited).")
            elif self.start.draft_version is not None:
                self.state.setText(
                    f"Editing the draft waiting for approval (version {self.start.draft_version},"
                    f" saved by {self.start.saved_by}). The approved text stays in use until then."
                )
            else:
                self.state.setText(
                    "Editing the approved text. Saving makes a draft; the approved text stays in "
                    "use until the draft is approved."
                )
        self.setWindowTitle(f"{self.heading.text()} — ketref editor")

    # --- the readability panel attaches here (built on another branch) ----------------------

    def prose_editors(self) -> list[QPlainTextEdit]:
        """The multi-line text boxes of the form, in form order (live ones only)."""
        return [e for e in self.context.prose if shiboken6.isValid(e)]

    def attach_readability(self, panel: QWidget) -> None:
        """Put ``panel`` in the place kept for it under the form."""
        layout = self.readability_slot.layout()
        assert layout is not None
        layout.addWidget(panel)
        self.readability_slot.show()

    # --- editing ---------------------------------------------------------------------------

    def current_data(self) -> dict[str, Any]:
        """The document as the form has it (a new item's short name follows its title)."""
        data: dict[str, Any] = self.form.value()
        if self.is_new and self.kind is not ItemKind.REFERENCE:
            data["slug"] = slug_for(str(data.get("title") or ""))
            self.context.applying = True
            self.form.fields["slug"].set_value(data["slug"])
            self.context.applying = False
        return data

    def apply(self, data: Any) -> None:
        """Show ``data`` in the form (undo, redo, loading) without recording an edit."""
        self.context.applying = True
        try:
            self.form.set_value(data)
        finally:
            self.context.applying = False
        self._snapshot = self.form.value()
        self._check_timer.start()
        self.prose_changed.emit()

    def _edited(self, key: str) -> None:
        after = self.form.value()
        if after == self._snapshot:
            return
        self.undo_stack.push(SnapshotCommand(self, self._snapshot, after, key))
        self._snapshot = after
        self._check_timer.start()
        if not key:
            self.prose_changed.emit()

    def check(self) -> list[Problem]:
        """Validate now with the loading schema and the editor's rules; show each problem at
        its field; Save is enabled only when there is none."""
        self._check_timer.stop()
        data = self.current_data()
        taken = self._taken if self.is_new else None
        model, problems = check_item(
            self.kind, data, known_references=self._known, taken_slugs=taken
        )
        self.form.clear_problems()
        for problem in problems:
            self.form.locate(problem.loc).set_problem(problem.message)
        self.problems, self.model = problems, model
        self.save_button.setEnabled(not problems)
        if problems:
            count = len(problems)
            self.summary.setStyleSheet(PROBLEM_STYLE)
            self.summary.setText(
                f"{count} problem{'s' if count != 1 else ''} to fix before saving (marked in "
                f"red at the field): {problems[0].message}"
            )
        else:
            self.summary.setStyleSheet("")
            self.summary.setText("Ready to save." if not self.undo_stack.isClean() else "")
        self.source.setPlainText(_as_yaml(data))
        self.preview.show_model(model)
        return problems

    # --- sources ---------------------------------------------------------------------------

    def _pick_reference(self, parent: QWidget) -> str | None:
        picker = ReferencePicker(
            list(self.context.references.values()), parent, create=self._new_reference
        )
        picker.exec()
        return picker.chosen

    def _new_reference(self, parent: QWidget) -> c.Reference | None:
        editor = ItemEditor(self.editing, ItemKind.REFERENCE, None, parent)
        editor.setWindowModality(Qt.WindowModality.ApplicationModal)
        editor.exec()
        made = editor.saved_model
        if isinstance(made, c.Reference):
            self.context.references[made.id] = made
            self._known.add(made.id)
            return made
        return None

    # --- saving ----------------------------------------------------------------------------

    def save(self) -> bool:
        """Save as a draft (a source: at once); refused while any field has a problem."""
        if self.check():
            self.summary.setText(f"Not saved. {self.summary.text()}")
            return False
        data = self.current_data()
        try:
            if self.start is None:
                slug = self.editing.add(self.kind, data)
                self.start = self.editing.start(self.kind, slug)
                self.is_new = False
                self._lock_id()
            else:
                self.start = self.editing.save(
                    self.kind, self.start.slug, data, expected=self.start.fingerprint
                )
        except EditConflictError as exc:
            self._show_conflict(str(exc), data)
            return False
        except KetrefError as exc:
            found = getattr(exc, "problems", None)
            if found:
                for problem in found:
                    self.form.locate(problem.loc).set_problem(problem.message)
            dialogs.show_error(self, "Not saved", str(exc))
            return False
        self.saved_model = self.model
        self.undo_stack.setClean()
        self._show_state()
        version = self.start.draft_version
        self.summary.setText(
            f"Saved as draft version {version}. It is printed and screened only after approval."
            if version
            else "Saved."
        )
        self.saved.emit(self.kind, self.start.slug)
        return True

    def _lock_id(self) -> None:
        field = self.form.fields.get("id")
        if isinstance(field, TextField):
            field.editor.setReadOnly(True)

    def _show_conflict(self, message: str, mine: dict[str, Any]) -> None:
        assert self.start is not None
        theirs = self.editing.start(self.kind, self.start.slug)
        self.conflict = ConflictDialog(message, theirs.data, mine, self)

        def chosen(result: int) -> None:
            self.start = theirs  # either way, the next save is made over their version
            if result == TAKE_THEIRS:
                self.undo_stack.push(SnapshotCommand(self, self._snapshot, theirs.data, ""))
                self.apply(theirs.data)
            elif result == KEEP_MINE:
                self.summary.setText("Your text is kept. Save again to replace their version.")
            self._show_state()

        self.conflict.finished.connect(chosen)
        self.conflict.open()

    def reject(self) -> None:
        self.close()  # Escape asks about unsaved changes too

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.undo_stack.isClean():
            answer = QMessageBox.question(
                self,
                "Unsaved changes",
                "Close the editor and discard the changes you have not saved?",
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                event.ignore()
                return
        self.preview.shutdown()
        super().closeEvent(event)


def _as_yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
