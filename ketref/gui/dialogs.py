"""Small dialogs: About (versions, review state, disclaimer) and unexpected-error reporting."""

from __future__ import annotations

import logging
import sys
import traceback
from html import escape
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from ketref import __version__
from ketref.domain.catalogue import ReviewSummary
from ketref.gui.qt_settings import forget_qt_dialog_history
from ketref.services.about import BUNDLED_PARTS, schema_version

log = logging.getLogger(__name__)

DISCLAIMER = (
    "ketref is a reference for clinicians. It supports, and does not replace, clinical "
    "judgement, the product labelling and local protocols. Check every decision against the "
    "patient in front of you."
)


def about_html(content_version: str | None, review: ReviewSummary | None, data_dir: str) -> str:
    if review is None:
        state = "The library is still opening."
    else:
        next_due = f"{review.next_review_due:%d %b %Y}" if review.next_review_due else "none"
        state = (
            f"{review.items} clinical items; {review.due_for_review} due for review; "
            f"{review.unverified} marked unverified; next review due {next_due}."
        )
    return (
        f"<h2>ketref {escape(__version__)}</h2>"
        "<p>Offline reference for IV ketamine and esketamine nasal spray therapy.</p>"
        f"<p><b>Content version:</b> {escape(content_version or 'not loaded')}<br>"
        f"<b>Content review:</b> {escape(state)}</p>"
        f"<p><b>Data folder:</b> {escape(data_dir)}</p>"
        f"<p><i>{escape(DISCLAIMER)}</i></p>"
        f"{licences_html()}"
    )


def licences_html() -> str:
    """The bundled third-party parts and their licences (texts ship in the app's licenses/)."""
    parts = "; ".join(f"{escape(part.name)} ({escape(part.licence)})" for part in BUNDLED_PARTS)
    return (
        f"<p><small><b>Database schema:</b> {escape(schema_version())}<br>"
        f"<b>Third-party parts and their licences:</b> {parts}. Qt and PySide6 are used under "
        "the LGPL 3.0 as separate, replaceable libraries; the licence texts are in the "
        "<code>licenses</code> folder of the installed app.</small></p>"
    )


class AboutDialog(QDialog):
    def __init__(self, html: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About ketref")
        self.text = QLabel(html)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setMinimumWidth(460)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)


def ask_text(parent: QWidget | None, title: str, prompt: str) -> str | None:
    """A one-line question; None when cancelled (tests replace it)."""
    text, ok = QInputDialog.getText(parent, title, prompt)
    return text if ok else None


def ask_save_pdf(parent: QWidget | None, title: str, suggested: Path) -> Path | None:
    """The save-file chooser for PDFs; None when cancelled (tests replace it)."""
    name, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), "PDF (*.pdf)")
    forget_qt_dialog_history()
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    """The one place dialogs about failures are shown (tests replace it)."""
    QMessageBox.critical(parent, title, text)


def install_excepthook(log_file: Path | None) -> None:
    """Log unexpected errors and show a dialog instead of letting the window die.

    The log gets the type and the stack only: exception messages can quote user input
    (a patient's name typed into a form), so they are left out of the log and the dialog.
    """

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        stack = "".join(  # file, line and function only: source lines can hold typed text
            f'  File "{f.filename}", line {f.lineno}, in {f.name}\n'
            for f in traceback.extract_tb(tb)
        )
        log.error("unexpected %s\n%s", exc_type.__name__, stack)
        where = f" Details are in {log_file}." if log_file else ""
        show_error(
            None,
            "ketref hit an unexpected problem",
            f"Something went wrong ({exc_type.__name__}). Your library was not changed by this "
            f"error; you can keep working.{where}",
        )

    sys.excepthook = hook
