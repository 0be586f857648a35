"""Tools → Clinic settings: the letterhead every handout and summary prints with (its logo shown
as it will print), and the blood-pressure thresholds the screener uses."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from ketref.domain.errors import KetrefError
from ketref.domain.printing import ClinicProfile, PaperSize
from ketref.gui.qt_settings import forget_qt_dialog_history
from ketref.gui.thresholds_box import ThresholdsBox
from ketref.services.clinic import ClinicService
from ketref.services.screening import ScreeningService

LOGO_PREVIEW = (240, 80)
"""Pixels the preview may use; the logo keeps its proportions, as on the letterhead."""


class ClinicDialog(QDialog):
    def __init__(
        self,
        service: ClinicService,
        screening: ScreeningService | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Clinic settings")
        self.service = service
        profile = service.get()
        self.logo: bytes | None = profile.logo
        self.logo_mime: str | None = profile.logo_mime
        self.name = QLineEdit(profile.name or "")
        self.address = QPlainTextEdit(profile.address or "")
        self.address.setFixedHeight(80)
        self.phone = QLineEdit(profile.phone or "")
        self.emergency = QLineEdit(profile.emergency_phone or "")
        self.paper = QComboBox()
        self.paper.addItem("Letter", PaperSize.LETTER)
        self.paper.addItem("A4", PaperSize.A4)
        self.paper.setCurrentIndex(max(0, self.paper.findData(profile.paper)))
        self.logo_label = QLabel()
        self.logo_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_label.setMinimumSize(*LOGO_PREVIEW)
        self.logo_label.setStyleSheet("border: 1px solid #bbb; background: white;")
        choose = QPushButton("Choose logo…")
        choose.clicked.connect(self.choose_logo)
        remove = QPushButton("Remove logo")
        remove.clicked.connect(self.remove_logo)
        logo_row = QHBoxLayout()
        for widget in (self.logo_label, choose, remove):
            logo_row.addWidget(widget)
        self.thresholds = ThresholdsBox(screening) if screening is not None else None
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Clinic name", self.name)
        form.addRow("Address", self.address)
        form.addRow("Phone", self.phone)
        form.addRow("After-hours / emergency", self.emergency)
        form.addRow("Logo (PNG or JPEG)", logo_row)
        form.addRow("Default paper", self.paper)
        if self.thresholds is not None:
            form.addRow(self.thresholds)
        form.addRow(self.message)
        form.addRow(buttons)
        self._show_logo_state()

    def _show_logo_state(self) -> None:
        """The logo as it will print (scaled down, proportions kept), or "No logo"."""
        pixmap = QPixmap()
        if self.logo and pixmap.loadFromData(self.logo):
            width, height = LOGO_PREVIEW
            self.logo_label.setPixmap(
                pixmap.scaled(
                    width - 8,
                    height - 8,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
            self.logo_label.setToolTip("The logo printed on every handout and summary")
        else:
            self.logo_label.setPixmap(QPixmap())
            self.logo_label.setText("No logo")
            self.logo_label.setToolTip("")

    def ask_logo_path(self) -> Path | None:
        """The file chooser (tests replace it)."""
        name, _ = QFileDialog.getOpenFileName(
            self, "Choose logo", "", "Images (*.png *.jpg *.jpeg)"
        )
        forget_qt_dialog_history()
        return Path(name) if name else None

    def choose_logo(self) -> None:
        path = self.ask_logo_path()
        if path is None:
            return
        try:
            data = self.service.read_logo_file(path)
            info = self.service.check_logo(data)
        except KetrefError as exc:
            self.message.setText(str(exc))
            return
        self.logo, self.logo_mime = data, info.mime
        self.message.setText("")
        self._show_logo_state()

    def remove_logo(self) -> None:
        self.logo = self.logo_mime = None
        self._show_logo_state()

    def save(self) -> None:
        """Save the profile and any threshold change, or nothing when either is wrong."""
        try:
            if self.thresholds is not None:
                self.thresholds.read()  # checked before anything is saved
            profile = ClinicProfile.build(
                name=self.name.text(),
                address=self.address.toPlainText(),
                phone=self.phone.text(),
                emergency_phone=self.emergency.text(),
                logo=self.logo,
                logo_mime=self.logo_mime,
                paper=self.paper.currentData(),
            )
            self.service.save(profile)
            if self.thresholds is not None:
                self.thresholds.save()
        except KetrefError as exc:  # nothing was saved
            self.message.setText(str(exc))
            return
        self.accept()
