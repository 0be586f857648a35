"""File → Import / Export content pack…: choose a file, see what it holds, decide, then run.

An import is always previewed first (read, checked and planned against the library on a worker
thread, nothing written): the dialog lists what would be added or changed and, above all, the
local edits it would overwrite, and asks. Only then does the import run, in one transaction,
also off the GUI thread; the window's lists are refreshed afterwards. A pack that fails its
checks (tampered, truncated, invalid) gets one message naming the problems and imports nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ketref.domain.enums import ItemKind
from ketref.domain.packs import Conflict, ExportReport, ImportReport, PackConflictError, PackError
from ketref.gui.audit_view import item_label
from ketref.gui.background import Progress
from ketref.gui.detail_html import RED
from ketref.gui.document_diff_view import diff_html
from ketref.gui.library_session import LibrarySession
from ketref.gui.main_window import MainWindow
from ketref.gui.notice_bar import Level, NoticeBar
from ketref.gui.notice_html import STYLE
from ketref.gui.prompts import Prompts
from ketref.gui.tasks import TaskRunner
from ketref.gui.ui_state import PACKS_FOLDER

PACK_SUFFIXES = (".json", ".yaml", ".yml")
SHOWN_PROBLEMS = 10


def entry_label(name: str) -> str:
    """``contraindications/uncontrolled-hypertension`` → ``Contraindication: uncontrolled-…``."""
    kind, _, slug = name.partition("/")
    return item_label(kind, slug) or name


def conflict_line(conflict: Conflict) -> str:
    versions = ""
    if conflict.local_version or conflict.pack_version:
        versions = (
            f" (here {conflict.local_version or 'unknown'}, "
            f"in the pack {conflict.pack_version or 'unknown'})"
        )
    return f"{entry_label(conflict.name)}: {conflict.reason.explanation}{versions}"


def _list(title: str, lines: list[str], colour: str = "") -> str:
    if not lines:
        return ""
    style = f' style="color: {colour};"' if colour else ""
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return f"<h3{style}>{escape(title)} ({len(lines)})</h3><ul>{items}</ul>"


def preview_html(report: ImportReport, path: Path) -> str:
    """What the pack holds and what importing it would do, conflicts first."""
    heading = report.title or path.name
    changes = (
        f"{len(report.added)} new item(s), {len(report.updated)} changed, "
        f"{len(report.unchanged)} already here unchanged; "
        f"{len(report.references_added)} new reference(s), "
        f"{len(report.references_updated)} changed."
    )
    conflicts = ""
    if report.conflicts:
        conflicts = (
            _list(
                "Would overwrite what is in this library",
                [conflict_line(c) for c in report.conflicts],
                RED,
            )
            + "<p>A pack is imported whole or not at all: import it replacing these with the "
            "pack's versions, or cancel and keep them.</p>"
        )
    return (
        f"{STYLE}<h2>{escape(heading)}</h2>"
        f"<p>Exported by <b>{escape(report.exported_by)}</b> from content version "
        f"{escape(report.base_content_version)}; file {escape(path.name)}, checksum "
        f"{escape(report.pack[:16])}…</p><p>{escape(changes)}</p>"
        f"{conflicts}"
        + _list("New", [entry_label(n) for n in report.added])
        + _list("Changed", [entry_label(n) for n in report.updated])
        + _list("New references", report.references_added)
        + _list("Changed references", report.references_updated)
        + field_changes_html(report)
    )


def field_changes_html(report: ImportReport) -> str:
    """Each changed item's fields, this library's value against the pack's (the diff view)."""
    if not report.changes:
        return ""
    parts = ["<h3>What changes, field by field</h3>"]
    for name, changes in report.changes.items():
        parts.append(f"<p><b>{escape(entry_label(name))}</b></p>")
        parts.append(diff_html(changes, "In this library", "In the pack"))
    return "".join(parts)


class PackPreviewDialog(QDialog):
    """Shows the preview; ``choice`` is None (cancel), False (import) or True (overwrite)."""

    def __init__(self, report: ImportReport, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choice: bool | None = None
        self.setWindowTitle("Import a content pack")
        self.resize(900 if report.changes else 620, 640 if report.changes else 520)
        self.details = QTextBrowser()
        self.details.setHtml(preview_html(report, path))
        self.details.setOpenLinks(False)
        buttons = QDialogButtonBox()
        self.import_button: QPushButton | None = None
        if report.conflicts:
            self.import_button = buttons.addButton(
                f"Import, replacing {len(report.conflicts)} local item(s)",
                QDialogButtonBox.ButtonRole.DestructiveRole,
            )
            self.import_button.clicked.connect(lambda: self._choose(True))
        elif report.changes_anything:
            self.import_button = buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
            self.import_button.clicked.connect(lambda: self._choose(False))
        cancel = buttons.addButton(
            QDialogButtonBox.StandardButton.Cancel
            if self.import_button is not None
            else QDialogButtonBox.StandardButton.Close
        )
        cancel.setDefault(True)  # Enter never overwrites by accident
        buttons.rejected.connect(self.reject)
        self.note = QLabel()
        self.note.setWordWrap(True)
        if self.import_button is None:
            self.note.setText("Nothing to import: everything in this pack is already here.")
        else:
            self.note.setText("A backup of the library is made before anything is imported.")
        layout = QVBoxLayout(self)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.note)
        layout.addWidget(buttons)

    def _choose(self, overwrite: bool) -> None:
        self.choice = overwrite
        self.accept()


@dataclass(frozen=True)
class ExportChoice:
    everything: bool
    title: str | None


class ExportDialog(QDialog):
    """Local edits only, or everything; an optional title stored in the pack."""

    def __init__(self, local_items: int, all_items: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export a content pack")
        self.local = QRadioButton(
            f"Only the local edits: {local_items} item(s) edited or added in this library, to "
            "share them"
        )
        self.everything = QRadioButton(
            f"Everything: all {all_items} items, e.g. to set up another workstation the same"
        )
        group = QButtonGroup(self)
        group.addButton(self.local)
        group.addButton(self.everything)
        self.local.setEnabled(local_items > 0)
        (self.local if local_items > 0 else self.everything).setChecked(True)
        self.title = QLineEdit(placeholderText="Title (optional), e.g. “Clinic edits, May”")
        self.title.setMaxLength(120)
        intro = QLabel(
            "A pack carries the items, the references they cite and their audit history. "
            "Screening rules and synonyms come with content releases, not packs."
        )
        intro.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Choose file…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.local)
        layout.addWidget(self.everything)
        layout.addWidget(self.title)
        layout.addWidget(buttons)

    def choice(self) -> ExportChoice:
        return ExportChoice(self.everything.isChecked(), self.title.text().strip() or None)


def import_summary(report: ImportReport) -> str:
    if not report.imported:
        return f"Nothing was imported: all {len(report.unchanged)} item(s) are already here."
    replaced = (
        f", {len(report.conflicts)} local item(s) replaced"
        if report.overwrote_local and report.conflicts
        else ""
    )
    backup = f" A backup was made first ({report.backup})." if report.backup else ""
    return (
        f"Imported the pack from {report.exported_by}: {len(report.added)} added, "
        f"{len(report.updated)} updated{replaced}.{backup}"
    )


def problems_text(path: Path, error: PackError) -> str:
    shown = error.problems[:SHOWN_PROBLEMS]
    more = len(error.problems) - len(shown)
    lines = "\n".join(f"• {p}" for p in shown)
    tail = f"\n…and {more} more." if more > 0 else ""
    return f"{path.name} cannot be imported:\n{lines}{tail}\n\nNothing was imported."


class PackActions(QObject):
    """The import and export flows; ``ask_import``/``ask_export`` are replaced in tests."""

    def __init__(
        self,
        window: MainWindow,
        session: LibrarySession,
        tasks: TaskRunner,
        prompts: Prompts,
        *,
        notices: NoticeBar,
        refresh: Callable[[], object],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.session = session
        self.tasks = tasks
        self.prompts = prompts
        self.notices = notices
        self.refresh = refresh
        self.busy = False
        self._status_before = ""

    # --- questions (modal; tests replace them) ----------------------------------------------

    def ask_import(self, report: ImportReport, path: Path) -> bool | None:
        dialog = PackPreviewDialog(report, path, self.window)
        dialog.exec()
        return dialog.choice

    def ask_export(self, local_items: int, all_items: int) -> ExportChoice | None:
        dialog = ExportDialog(local_items, all_items, self.window)
        return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None

    # --- folders ---------------------------------------------------------------------------

    def _folder(self) -> Path:
        return self.window.ui_state.folder(PACKS_FOLDER)

    def _remember(self, path: Path) -> None:
        self.window.ui_state.remember_folder(PACKS_FOLDER, path.parent)

    def _working(self, text: str | None) -> None:
        """Say what runs in the status bar; afterwards put back what it said before."""
        bar = self.window.statusBar()
        if text is None:
            if self.busy:
                bar.showMessage(self._status_before)
            self.busy = False
            return
        if not self.busy:
            self._status_before = bar.currentMessage()
        self.busy = True
        bar.showMessage(text)

    # --- import ----------------------------------------------------------------------------

    def import_pack(self) -> None:
        if self.busy or self.session.services is None:
            return
        path = self.prompts.open_file("Import a content pack", self._folder())
        if path is not None:
            self._remember(path)
            self.preview(path)

    def preview(self, path: Path) -> None:
        services = self.session.services
        if services is None:
            return
        self._working(f"Checking {path.name}…")
        packs = services.packs

        def job(_progress: Progress) -> ImportReport:
            return packs.preview(path)

        def previewed(report: object) -> None:
            self._working(None)
            assert isinstance(report, ImportReport)
            choice = self.ask_import(report, path)
            if choice is not None:
                self.run_import(path, overwrite_local=choice)

        self.tasks.start(
            job, "pack-preview", previewed, lambda exc: self._failed(path, exc, self.preview)
        )

    def run_import(self, path: Path, *, overwrite_local: bool) -> None:
        services = self.session.services
        if services is None:
            return
        self._working(f"Importing {path.name}…")
        packs = services.packs

        def job(_progress: Progress) -> ImportReport:
            return packs.import_pack(path, overwrite_local=overwrite_local)

        def imported(report: object) -> None:
            self._working(None)
            assert isinstance(report, ImportReport)
            if report.imported:
                self.refresh()
            self.notices.notify(import_summary(report), Level.INFO)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, PackConflictError):  # someone saved since the preview: ask again
                self._working(None)
                self.prompts.show_error(
                    "The library changed",
                    "Since the preview, items in this pack were edited here (another window "
                    "or the command line saved). Nothing was imported; the preview is shown "
                    "again with the new conflicts.",
                )
                self.preview(path)
                return
            self._failed(path, exc, lambda p: self.run_import(p, overwrite_local=overwrite_local))

        self.tasks.start(job, "pack-import", imported, failed)

    def _failed(self, path: Path, exc: BaseException, retry: Callable[[Path], object]) -> None:
        self._working(None)
        if isinstance(exc, PackError):
            self.prompts.show_error(
                "This content pack cannot be imported", problems_text(path, exc)
            )
            return
        self.prompts.failure("The content pack was not imported", exc, lambda: retry(path))

    # --- export ----------------------------------------------------------------------------

    def _counts(self) -> tuple[int, int]:
        services = self.session.services
        if services is None:
            return 0, 0
        items = [
            s
            for kind in ItemKind
            if kind is not ItemKind.REFERENCE
            for s in services.catalogue.list_items(kind)
        ]
        return sum(1 for s in items if s.locally_edited), len(items)

    def export_pack(self) -> None:
        if self.busy or self.session.services is None:
            return
        choice = self.ask_export(*self._counts())
        if choice is None:
            return
        scope = "all" if choice.everything else "local-edits"
        suggested = self._folder() / f"ketref-pack-{scope}-{datetime.now(UTC):%Y%m%d}.json"
        path = self.prompts.save_file("Export a content pack", suggested)
        if path is None:
            return
        if path.suffix.lower() not in PACK_SUFFIXES:
            path = path.with_name(path.name + ".json")
        self._remember(path)
        self.run_export(path, choice)

    def run_export(self, path: Path, choice: ExportChoice) -> None:
        services = self.session.services
        if services is None:
            return
        self._working(f"Exporting to {path.name}…")
        packs = services.packs

        def job(_progress: Progress) -> ExportReport:
            return packs.export(path, everything=choice.everything, title=choice.title)

        def exported(report: object) -> None:
            self._working(None)
            assert isinstance(report, ExportReport)
            self.notices.notify(
                f"Exported {report.items} item(s), {report.references} reference(s) and "
                f"{report.audit_events} audit event(s) to {report.path}.",
                Level.INFO,
            )

        def failed(exc: BaseException) -> None:
            self._working(None)
            self.prompts.failure(
                "The content pack was not exported", exc, lambda: self.run_export(path, choice)
            )

        self.tasks.start(job, "pack-export", exported, failed)
