"""The editor's preview: the detail page as it will look and, for a handout, the PDF as it
will print (rendered off the GUI thread, newest request only, like the Handouts page)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, QTimer
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QLabel, QTabWidget, QTextBrowser, QVBoxLayout, QWidget

from ketref.domain import content as c
from ketref.domain.catalogue import ReferenceDetail
from ketref.domain.enums import ItemKind
from ketref.gui.background import BackgroundRunner, user_message
from ketref.gui.detail_html import BLUE, badge, item_html, reference_html

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ketref.services.editing import EditingService

PREVIEW_DELAY_MS = 400
"""Typing waits this long before the preview is redrawn, so keys never wait for it."""
DRAFT_NOTE = (
    "<p>{badge} <span class='muted'>Preview of your unsaved text. It is saved as a draft, "
    "which is not shown, screened or printed until it is approved.</span></p>"
)


class EditorPreview(QTabWidget):
    """Page and (for handouts) Printout tabs, redrawn a moment after each valid change."""

    def __init__(self, editing: EditingService, kind: ItemKind) -> None:
        super().__init__()
        self.editing = editing
        self.kind = kind
        self._model: BaseModel | None = None
        self._timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.page = QTextBrowser()
        self.page.setObjectName("editorPagePreview")
        self.page.setOpenLinks(False)
        self.addTab(self.page, "Page")
        self.pdf: QPdfDocument | None = None
        self.pdf_status = QLabel()
        self.runner: BackgroundRunner | None = None
        self.last_pdf: bytes | None = None
        self._buffer: QBuffer | None = None
        if kind is ItemKind.HANDOUT:
            self._build_printout()

    def _build_printout(self) -> None:
        self.pdf = QPdfDocument(self)
        view = QPdfView()
        view.setDocument(self.pdf)
        view.setPageMode(QPdfView.PageMode.MultiPage)
        view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.pdf_status.setWordWrap(True)
        self.pdf_status.setTextFormat(Qt.TextFormat.PlainText)
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pdf_status)
        layout.addWidget(view, 1)
        self.addTab(holder, "Printout")
        self.runner = BackgroundRunner(
            lambda handout, _progress: self.editing.preview_pdf(handout),
            "editor-preview",
            self,
            latest_only=True,
        )
        self.runner.succeeded.connect(self._show_pdf)
        self.runner.failed.connect(
            lambda exc: self.pdf_status.setText(
                f"The printout cannot be drawn: {user_message(exc)}"
            )
        )

    def show_model(self, model: BaseModel | None) -> None:
        """Redraw soon with ``model`` (``None``: the text does not validate yet)."""
        self._model = model
        if model is None:
            self.pdf_status.setText("The preview waits until the fields marked in red are fixed.")
            return
        self._timer.start()

    def refresh(self) -> None:
        """Redraw now (the page here; the printout on the preview thread)."""
        self._timer.stop()
        model = self._model
        if model is None:
            return
        note = DRAFT_NOTE.format(badge=badge("Draft", BLUE))
        if isinstance(model, c.Reference):
            html = reference_html(ReferenceDetail(reference=model, cited_by=()))
        else:
            assert isinstance(model, c.Item)
            html = item_html(self.editing.preview_detail(self.kind, model))
        scroll = self.page.verticalScrollBar().value()
        self.page.setHtml(note + html)
        self.page.verticalScrollBar().setValue(scroll)
        if self.runner is not None and isinstance(model, c.Handout):
            self.pdf_status.setText("Updating the printout…")
            self.runner.submit(model)

    def _show_pdf(self, data: bytes) -> None:
        assert self.pdf is not None
        self.last_pdf = data
        self.pdf.close()
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.pdf.load(self._buffer)
        pages = self.pdf.pageCount()
        self.pdf_status.setText(
            f"As it will print once approved: {pages} page{'s' if pages != 1 else ''}."
        )

    @property
    def busy(self) -> bool:
        return self._timer.isActive() or (self.runner is not None and self.runner.busy)

    def shutdown(self) -> None:
        self._timer.stop()
        if self.runner is not None:
            self.runner.shutdown()
