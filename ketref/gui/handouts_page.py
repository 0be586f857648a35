"""The Handouts page: choose handouts, personalise one printout, preview it live, export, print.

Personal details live in the form; they go into one render request, never into the file name
or the PDF's metadata, and into the print log only when the clinic keeps names there.
Rendering runs off the GUI thread, so typing a name never waits for the preview.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QDate, QIODevice, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ketref.domain.enums import Product
from ketref.domain.print_language import Language
from ketref.domain.printing import WEEKDAYS, PaperSize, Personalisation, PrintOptions
from ketref.gui import handout_output
from ketref.gui.background import BackgroundRunner, user_message
from ketref.gui.pdf_printing import PrintJob
from ketref.gui.ui_state import UiState
from ketref.gui.widgets import form_beside_result
from ketref.services.handouts import (
    HandoutRequest,
    HandoutService,
    RenderedHandouts,
    ScheduleRequest,
)
from ketref.services.monitoring_sheet import MonitoringSheetService

PREVIEW_DELAY_MS = 150
LANGUAGE_CHOICES: tuple[tuple[str, Language, bool], ...] = (
    ("English", Language.EN, False),
    (f"{Language.ES.label} (Spanish)", Language.ES, False),
    (f"English, then {Language.ES.label} (bilingual)", Language.ES, True),
)
"""(label, language, bilingual) of the language choice."""


def _py_date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class HandoutsPage(QWidget):
    def __init__(self, ui_state: UiState) -> None:
        super().__init__()
        self.ui_state = ui_state
        self.service: HandoutService | None = None
        self.sheets: MonitoringSheetService | None = None
        self.last_pdf: bytes | None = None
        self.last_rendered: RenderedHandouts | None = None
        """The previewed PDF and its plan: what Print sends and logs."""
        self.last_export: Path | None = None
        self._renderer: BackgroundRunner | None = None
        self.print_job: PrintJob | None = None
        self._timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh_preview)

        self.pdf = QPdfDocument(self)
        self._buffer: QBuffer | None = None
        self.preview = QPdfView()
        self.preview.setDocument(self.pdf)
        self.preview.setPageMode(QPdfView.PageMode.MultiPage)
        self.preview.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.status = QLabel("Choose one or more handouts.")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.notice = QLabel()
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("font-weight: bold;")
        self.notice.hide()
        self._translations: dict[Language, dict[str, str]] = {}
        self._titles: dict[str, str] = {}

        form = QWidget()
        self.form = QVBoxLayout(form)
        self.form.addWidget(self._build_choice())
        self.form.addWidget(self._build_language())
        self.form.addWidget(self._build_personal())
        self.form.addWidget(self._build_schedule())
        self.form.addWidget(self._build_paper())
        self.form.addStretch(1)
        form_beside_result(
            self,
            form,
            [self.status, self.notice, self.preview, self._build_buttons()],
            (430, 650),
        )
        self._set_ready(False)

    # --- the form -----------------------------------------------------------------------------

    def _build_buttons(self) -> QHBoxLayout:
        self.export_button = QPushButton("Export PDF…")
        self.export_button.clicked.connect(self.export)
        self.print_button = QPushButton("Print…")
        self.print_button.clicked.connect(self.print_)
        self.open_button = QPushButton("Open exported file")
        self.open_button.clicked.connect(self.open_export)
        self.open_button.setEnabled(False)
        self.sheet_button = QPushButton("Monitoring sheet…")
        self.sheet_button.setToolTip(
            "A one-page session monitoring sheet to fill in, with the clinic's BP thresholds"
        )
        sheet_menu = QMenu(self.sheet_button)
        for product in Product:
            action = sheet_menu.addAction(product.label)
            action.triggered.connect(lambda _checked=False, p=product: self.export_sheet(p))
        self.sheet_button.setMenu(sheet_menu)
        self.sheet_button.setEnabled(False)
        buttons = QHBoxLayout()
        for button in (self.export_button, self.print_button, self.open_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.sheet_button)
        buttons.addStretch(1)
        return buttons

    def _build_choice(self) -> QGroupBox:
        box = QGroupBox("Handouts (tick, drag to order; several make one packet)")
        self.handouts = QListWidget()
        self.handouts.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.handouts.setMinimumHeight(200)
        self.handouts.itemChanged.connect(lambda _item: self._changed())
        self.handouts.model().rowsMoved.connect(lambda *_args: self._changed())
        layout = QVBoxLayout(box)
        layout.addWidget(self.handouts)
        return box

    def _build_language(self) -> QGroupBox:
        box = QGroupBox("Language of the printout")
        layout = QVBoxLayout(box)
        self.language = QComboBox()
        for label, _language, _bilingual in LANGUAGE_CHOICES:
            self.language.addItem(label)
        self.language.currentIndexChanged.connect(self._language_chosen)
        self.fallback = QCheckBox("Print untranslated handouts in English")
        self.fallback.setEnabled(False)
        self.fallback.toggled.connect(self._changed)
        layout.addWidget(self.language)
        layout.addWidget(self.fallback)
        return box

    def language_choice(self) -> tuple[Language, bool]:
        """The chosen (language, bilingual)."""
        _label, language, bilingual = LANGUAGE_CHOICES[max(0, self.language.currentIndex())]
        return language, bilingual

    def _language_chosen(self) -> None:
        language, _bilingual = self.language_choice()
        self.fallback.setEnabled(language is not Language.EN)
        self._changed()

    def _build_personal(self) -> QGroupBox:
        box = QGroupBox("For this printout only (not saved)")
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.patient_name = QLineEdit(placeholderText="optional")
        self.escort = QLineEdit(placeholderText="optional")
        self.emergency = QLineEdit(placeholderText="the clinic's number if empty")
        self.print_date = QCheckBox("Print a date")
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setEnabled(False)
        self.print_date.toggled.connect(self.date.setEnabled)
        self.notes = QPlainTextEdit(placeholderText="Clinician notes (optional)")
        self.notes.setFixedHeight(90)
        for widget in (self.patient_name, self.escort, self.emergency):
            widget.textChanged.connect(self._changed)
        self.print_date.toggled.connect(self._changed)
        self.date.dateChanged.connect(self._changed)
        self.notes.textChanged.connect(self._changed)
        date_row = QHBoxLayout()
        date_row.addWidget(self.print_date)
        date_row.addWidget(self.date)
        date_row.addStretch(1)
        form.addRow("Patient name", self.patient_name)
        form.addRow("Escort or driver", self.escort)
        form.addRow("Emergency number", self.emergency)
        form.addRow("Date", date_row)
        form.addRow("Notes", self.notes)
        return box

    def _build_schedule(self) -> QGroupBox:
        self.schedule_box = QGroupBox("Treatment schedule with dates")
        self.schedule_box.setCheckable(True)
        self.schedule_box.setChecked(False)
        self.schedule_box.toggled.connect(self._changed)
        form = QFormLayout(self.schedule_box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.template = QComboBox()
        self.template.currentIndexChanged.connect(self._template_chosen)
        self.start = QDateEdit(QDate.currentDate())
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("yyyy-MM-dd")
        self.start.dateChanged.connect(self._changed)
        days = QHBoxLayout()
        self.weekdays: list[QCheckBox] = []
        for name in WEEKDAYS:
            check = QCheckBox(name)
            check.toggled.connect(self._changed)
            self.weekdays.append(check)
            days.addWidget(check)
        form.addRow("Template", self.template)
        form.addRow("Start date (first session on or after)", self.start)
        form.addRow("Session days", days)
        return self.schedule_box

    def _build_paper(self) -> QGroupBox:
        box = QGroupBox("Paper")
        row = QHBoxLayout(box)
        self.paper = QComboBox()
        self.paper.addItem("Letter", PaperSize.LETTER)
        self.paper.addItem("A4", PaperSize.A4)
        self.paper.currentIndexChanged.connect(self._changed)
        self.large_print = QCheckBox("Large print (14 pt and up)")
        self.large_print.toggled.connect(self._changed)
        row.addWidget(self.paper)
        row.addWidget(self.large_print)
        row.addStretch(1)
        return box

    # --- services arrive ----------------------------------------------------------------------

    def attach(
        self,
        service: HandoutService,
        default_paper: PaperSize,
        sheets: MonitoringSheetService | None = None,
    ) -> None:
        self.service = service
        self.sheets = sheets
        self.sheet_button.setEnabled(sheets is not None)
        if self._renderer is not None:  # re-attached (restore, import): one preview thread
            self._renderer.shutdown()
            self._renderer.deleteLater()
        self._renderer = BackgroundRunner(
            lambda request, _progress: service.render_planned(request),
            "preview",
            self,
            latest_only=True,
        )
        self._renderer.succeeded.connect(self._show_preview)
        self._renderer.failed.connect(self._show_problem)
        self.handouts.clear()
        self.reload_handouts()
        self.template.blockSignals(True)
        self.template.clear()
        for template in service.list_schedules():
            self.template.addItem(template.choice_label, template.id)
        self.template.blockSignals(False)
        self._template_chosen()
        self.paper.setCurrentIndex(max(0, self.paper.findData(default_paper)))
        self._set_ready(False)

    def reload_handouts(self) -> None:
        """List the library's handouts again (one was retired or restored), keeping the ticks
        on those still there."""
        if self.service is None:
            return
        ticked = self.chosen_slugs()
        self.handouts.blockSignals(True)
        self.handouts.clear()
        self._translations = {lang: self.service.translations(lang) for lang in Language}
        self._titles = {s.slug: s.title for s in self.service.list_handouts()}
        for summary in self.service.source_handouts():
            entry = QListWidgetItem(summary.title)
            entry.setData(Qt.ItemDataRole.UserRole, summary.slug)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = summary.slug in ticked
            entry.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.handouts.addItem(entry)
        self.handouts.blockSignals(False)

    def select(self, slugs: list[str]) -> None:
        """Tick ``slugs`` (in this order, first) and untick the rest; a translation ticks its
        English handout and chooses its language."""
        sources = {
            translated: (source, language)
            for language, pairs in self._translations.items()
            for source, translated in pairs.items()
            if language is not Language.EN
        }
        languages = {sources[s][1] for s in slugs if s in sources}
        slugs = [sources[s][0] if s in sources else s for s in slugs]
        if len(languages) == 1:
            wanted = (languages.pop(), False)
            self.language.setCurrentIndex(
                next(i for i, c in enumerate(LANGUAGE_CHOICES) if c[1:] == wanted)
            )
        self.handouts.blockSignals(True)
        for row in range(self.handouts.count()):
            self.handouts.item(row).setCheckState(Qt.CheckState.Unchecked)
        for position, slug in enumerate(slugs):
            for row in range(self.handouts.count()):
                if self.handouts.item(row).data(Qt.ItemDataRole.UserRole) == slug:
                    entry = self.handouts.takeItem(row)
                    entry.setCheckState(Qt.CheckState.Checked)
                    self.handouts.insertItem(position, entry)
                    break
        self.handouts.blockSignals(False)
        self._changed()

    def _template_chosen(self) -> None:
        if self.service is None or self.template.currentIndex() < 0:
            return
        template = self.service.schedule_template(str(self.template.currentData()))
        wanted = {day.lower()[:3] for day in template.default_days}
        for check, name in zip(self.weekdays, WEEKDAYS, strict=True):
            check.blockSignals(True)
            check.setChecked(name.lower() in wanted)
            check.blockSignals(False)
        self._changed()

    def clear_personal(self) -> None:
        """Forget everything typed for one patient: name, escort, number, date, notes, schedule."""
        for edit in (self.patient_name, self.escort, self.emergency):
            edit.clear()
        self.notes.clear()
        self.print_date.setChecked(False)
        self.date.setDate(QDate.currentDate())
        self.schedule_box.setChecked(False)
        self.start.setDate(QDate.currentDate())
        self._template_chosen()  # the template's own session days again

    # --- the request --------------------------------------------------------------------------

    def chosen_slugs(self) -> tuple[str, ...]:
        return tuple(
            str(self.handouts.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.handouts.count())
            if self.handouts.item(row).checkState() == Qt.CheckState.Checked
        )

    def request(self) -> HandoutRequest:
        personal = Personalisation(
            patient_name=self.patient_name.text(),
            escort=self.escort.text(),
            emergency_phone=self.emergency.text(),
            notes=self.notes.toPlainText(),
            date=_py_date(self.date.date()) if self.print_date.isChecked() else None,
        )
        schedule = None
        if self.schedule_box.isChecked() and self.template.currentIndex() >= 0:
            days = tuple(i for i, check in enumerate(self.weekdays) if check.isChecked())
            start = _py_date(self.start.date())
            schedule = ScheduleRequest(str(self.template.currentData()), start, days or None)
        options = PrintOptions(
            paper=self.paper.currentData(), large_print=self.large_print.isChecked()
        )
        language, bilingual = self.language_choice()
        return HandoutRequest(
            self.chosen_slugs(),
            personal,
            schedule,
            options,
            language=language,
            bilingual=bilingual,
            fallback_english=self.fallback.isChecked(),
        )

    def missing_translations(self) -> list[str]:
        """Titles of the chosen handouts with no translation in the chosen language."""
        language, _bilingual = self.language_choice()
        have = self._translations.get(language, {})
        return [self._titles.get(s, s) for s in self.chosen_slugs() if s not in have]

    def printed_slugs(self) -> list[str]:
        """The handout items the preview prints (translations where they exist)."""
        language, bilingual = self.language_choice()
        have = self._translations.get(language, {})
        slugs: list[str] = []
        for slug in self.chosen_slugs():
            if bilingual:
                slugs.append(slug)
            slugs.append(have.get(slug, slug))
        return slugs

    def _changed(self, *_args: object) -> None:
        self._timer.start()

    def refresh_preview(self) -> None:
        if self._renderer is None:
            return
        if not self.chosen_slugs():
            self.status.setText("Choose one or more handouts.")
            self._set_ready(False)
            return
        missing = self.missing_translations()
        if missing and not self.fallback.isChecked():
            language, _bilingual = self.language_choice()
            self.status.setText(
                f"No {language.english_name} translation of: {', '.join(missing)}. Tick "
                "“Print untranslated handouts in English” to print these in English, "
                "or untick them."
            )
            self._set_ready(False)
            return
        self.status.setText("Updating the preview…")
        self._renderer.submit(self.request())

    def _show_preview(self, rendered: RenderedHandouts) -> None:
        self.last_rendered = rendered
        data = self.last_pdf = rendered.data
        self.pdf.close()
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.pdf.load(self._buffer)
        pages = self.pdf.pageCount()
        count = len(self.chosen_slugs())
        kind = "packet" if count > 1 else "handout"
        self.status.setText(f"Preview of the {kind}: {pages} page{'s' if pages != 1 else ''}.")
        self._show_notices()
        self._set_ready(True)

    def _show_notices(self) -> None:
        """Name the translations whose English source changed since they were made."""
        if self.service is None:
            return
        notices = self.service.translation_notices(self.printed_slugs())
        lines = [f"{self._titles.get(slug, slug)}: {text}" for slug, text in notices.items()]
        self.notice.setText("\n".join(lines))
        self.notice.setVisible(bool(lines))

    def _show_problem(self, exc: BaseException) -> None:
        self.status.setText(user_message(exc))
        self._set_ready(False)

    def is_updating(self) -> bool:
        """A preview is waiting to start or being rendered."""
        return self._timer.isActive() or (self._renderer is not None and self._renderer.busy)

    def _set_ready(self, ready: bool) -> None:
        self.export_button.setEnabled(ready)
        self.print_button.setEnabled(ready)

    # --- export, print, open ------------------------------------------------------------------

    def export(self) -> None:
        handout_output.export_handouts(self)

    def export_sheet(self, product: Product) -> None:
        """Save the session monitoring sheet for ``product`` on the chosen paper."""
        handout_output.export_sheet(self, product)

    def open_export(self) -> None:
        if self.last_export is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_export)))

    def print_(self) -> None:
        handout_output.print_handouts(self)

    def shutdown(self) -> None:
        if self.print_job is not None:
            self.print_job.cancel()  # quitting: the pages already sent may still print
        if self._renderer is not None:
            self._renderer.shutdown()
