"""Tools → Clinic settings: BP thresholds validated and audited as the CLI does; logo preview."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from ketref.domain.thresholds import BloodPressure, ThresholdSource
from ketref.gui.main_window import SCREENING

pytestmark = pytest.mark.gui


@pytest.fixture
def fresh(window):
    """The shipped library with the documented defaults (a test may have set them)."""
    window.services.screening.reset_clinic_thresholds()
    return window


def audits(window, action: str) -> int:
    return len(window.services.audit.events(action=action))


def test_thresholds_are_saved_audited_and_used_by_the_screener(fresh, qtbot) -> None:
    window = fresh
    window.show_page(SCREENING)
    before = audits(window, "set-screening-thresholds")
    dialog = window.edit_clinic()
    assert dialog.windowTitle() == "Clinic settings"
    box = dialog.thresholds
    assert "documented default" in box.source.text()
    box.delay.setText("150/95")
    box.stop.setText("175/105")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    stored = window.services.screening.clinic_thresholds()
    assert (stored.bp_delay, stored.bp_stop) == (BloodPressure(150, 95), BloodPressure(175, 105))
    assert stored.source is ThresholdSource.CLINIC
    assert audits(window, "set-screening-thresholds") == before + 1
    qtbot.waitUntil(lambda: "150/95" in window.screening_page.results.toPlainText(), timeout=3000)
    assert "(clinic setting;" in window.screening_page.results.toPlainText()

    again = window.edit_clinic()
    assert "In use: clinic setting" in again.thresholds.source.text()
    again.save()  # nothing changed: no second audit entry
    assert audits(window, "set-screening-thresholds") == before + 1


def test_stop_must_be_above_delay_and_nothing_is_saved(fresh) -> None:
    window = fresh
    dialog = window.edit_clinic()
    dialog.name.setText("Changed name, must not be saved")
    dialog.thresholds.delay.setText("170/100")
    dialog.thresholds.stop.setText("160/110")
    dialog.save()
    assert "must be above the consider-delaying threshold" in dialog.message.text()
    assert window.services.clinic.get().name != "Changed name, must not be saved"
    assert window.services.screening.clinic_thresholds().source is ThresholdSource.DEFAULT
    dialog.thresholds.stop.setText("180")
    dialog.save()
    assert "SYSTOLIC/DIASTOLIC" in dialog.message.text()
    dialog.reject()


def test_use_documented_defaults_resets_and_audits(fresh) -> None:
    window = fresh
    screening = window.services.screening
    screening.save_clinic_thresholds(BloodPressure(150, 95), BloodPressure(190, 110))
    before = audits(window, "reset-screening-thresholds")
    dialog = window.edit_clinic()
    dialog.thresholds.use_defaults()
    assert dialog.thresholds.delay.text() == "140/90"
    assert "documented default" in dialog.thresholds.source.text()
    dialog.save()
    assert window.services.screening.clinic_thresholds().source is ThresholdSource.DEFAULT
    assert audits(window, "reset-screening-thresholds") == before + 1


def test_the_logo_it_will_print_is_previewed(fresh, tmp_path: Path, monkeypatch) -> None:
    dialog = fresh.edit_clinic()
    assert dialog.logo_label.pixmap().isNull() and dialog.logo_label.text() == "No logo"
    image = QImage(300, 100, QImage.Format.Format_RGB32)
    image.fill(QColor("#1a5fb4"))
    logo = tmp_path / "logo.png"
    assert image.save(str(logo))
    monkeypatch.setattr(dialog, "ask_logo_path", lambda: logo)
    dialog.choose_logo()
    preview = dialog.logo_label.pixmap()
    assert not preview.isNull()
    assert abs(preview.width() / preview.height() - 3) < 0.1  # proportions kept
    assert preview.toImage().pixelColor(preview.width() // 2, preview.height() // 2) == QColor(
        "#1a5fb4"
    )
    dialog.remove_logo()
    assert dialog.logo_label.pixmap().isNull() and dialog.logo_label.text() == "No logo"
    dialog.reject()
