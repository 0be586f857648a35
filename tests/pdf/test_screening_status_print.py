"""The printed screening summary states each status with its reason in words."""

from __future__ import annotations

from datetime import date

import pytest

from ketref.domain.screening_summary import summarise
from ketref.services.screening_print import summary_document
from tests.screening_support import clear_patient, run

pytestmark = pytest.mark.pdf


def test_printed_summary_states_the_reason() -> None:
    patient = clear_patient(diagnoses=["major-depressive-disorder"])
    summary = summarise(patient, run(patient), {}, date(2026, 12, 3), {})
    text = repr(summary_document(summary))
    assert "Needs review (off-label; evidence low: Major depressive disorder" in text
