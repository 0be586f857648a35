"""The cleaning rule for typed text, and the limits on personal and clinic fields."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketref.domain.errors import BadInputError
from ketref.domain.plaintext import clean_text
from ketref.domain.print_language import format_date
from ketref.domain.printing import ClinicProfile, PaperSize, Personalisation

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("raw", "multiline", "clean"),
    [
        ("  Ann   Lee ", False, "Ann Lee"),
        ("Ann\tLee", False, "Ann Lee"),
        ("Ann\nLee", False, "Ann Lee"),
        ("line 1\r\nline 2\rline 3", True, "line 1\nline 2\nline 3"),
        ("A\u202eB\u200bC\ufeffD\u00adE\x00F\x1bG", False, "ABCDEFG"),
        (unicodedata.normalize("NFD", "Nguyễn"), False, "Nguyễn"),
        ("\n\n  \n", True, ""),
        ("O'Brien & <Sons>", False, "O'Brien & <Sons>"),
    ],
)
def test_clean_text(raw: str, multiline: bool, clean: str) -> None:
    assert clean_text(raw, multiline=multiline) == clean


@given(st.text())
def test_cleaned_text_has_no_controls_or_format_characters(raw: str) -> None:
    cleaned = clean_text(raw, multiline=False)
    assert "\n" not in cleaned
    assert not any(unicodedata.category(c) in {"Cc", "Cf", "Cs", "Co", "Cn"} for c in cleaned)
    assert cleaned == cleaned.strip()
    assert unicodedata.is_normalized("NFC", cleaned)


def test_personalisation_cleans_and_drops_empty_fields() -> None:
    p = Personalisation.build(patient_name=" José\tNúñez ", escort="   ", notes="\n\nhi\n")
    assert p == Personalisation(patient_name="José Núñez", escort=None, notes="hi")
    assert Personalisation.build().is_empty
    assert not Personalisation.build(date=date(2027, 1, 1)).is_empty


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"patient_name": "x" * 121}, "patient name is too long: 121 characters"),
        ({"escort": "x" * 121}, "escort or driver name is too long"),
        ({"emergency_phone": "1" * 41}, "emergency number is too long"),
        ({"notes": "x" * 10_001}, "notes is too long: 10,001 characters"),
        ({"notes": "x\n" * 301}, "too many lines"),
    ],
)
def test_personal_limits(fields: dict, message: str) -> None:
    with pytest.raises(BadInputError, match=message):
        Personalisation.build(**fields)


def test_clinic_profile_limits_and_cleaning() -> None:
    profile = ClinicProfile.build(
        name=" Riverside\x00 Clinic ", address="Line 1\nLine 2", phone="555", paper=PaperSize.A4
    )
    assert profile.name == "Riverside Clinic"
    assert profile.address == "Line 1\nLine 2"
    assert profile.paper is PaperSize.A4
    with pytest.raises(BadInputError, match="address has too many lines"):
        ClinicProfile.build(address="a\nb\nc\nd\ne")
    with pytest.raises(BadInputError, match="clinic name is too long"):
        ClinicProfile.build(name="x" * 121)
    assert ClinicProfile.build(logo=b"", logo_mime="image/png").logo_mime is None


def test_dates_print_unambiguously_without_the_locale() -> None:
    assert format_date(date(2025, 1, 2)) == "2 Jan 2025"
    assert format_date(date(2025, 1, 2), weekday=True) == "Thu 2 Jan 2025"
    assert format_date(date(2025, 12, 31), year=False) == "31 Dec"
