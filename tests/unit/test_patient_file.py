"""The patient file format: strict, complete, and every problem names its field."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import date
from typing import Any

import pytest

from ketref.domain.errors import BadInputError
from ketref.domain.patient import (
    PATIENT_FIELDS,
    Patient,
    parse_patient,
    parse_patient_json,
    template,
    template_json,
)
from ketref.domain.screening_summary import summarise
from tests.screening_support import clear_values, run

pytestmark = pytest.mark.unit

REQUIRED_BY_ISSUE = [
    "age_years", "pregnant", "breastfeeding", "diagnoses", "failed_antidepressant_trials",
    "systolic_bp", "diastolic_bp", "hypersensitivity_to_ketamine", "aneurysmal_vascular_disease",
    "arteriovenous_malformation", "intracerebral_hemorrhage_history", "recent_cardiac_event",
    "stroke_or_tia_history", "significant_arrhythmia_or_heart_failure",
    "raised_intracranial_pressure", "raised_intraocular_pressure", "current_psychosis_or_mania",
    "psychosis_history", "active_substance_use_disorder", "severe_hepatic_impairment",
    "uncontrolled_hyperthyroidism", "cognitive_impairment", "respiratory_risk",
    "pre_eclampsia_or_eclampsia", "medications",
]  # fmt: skip


def test_the_field_table_and_the_dataclass_agree() -> None:
    assert [f.name for f in fields(Patient)] == [s.name for s in PATIENT_FIELDS]
    required = [s.name for s in PATIENT_FIELDS if s.required]
    assert required == REQUIRED_BY_ISSUE


def test_template_has_every_field_unknown_and_parses_back() -> None:
    data = json.loads(template_json())
    assert data == template()
    assert list(data) == [s.name for s in PATIENT_FIELDS]
    assert all(value is None for value in data.values())
    assert parse_patient_json(template_json()) == Patient()


def test_a_complete_file_round_trips() -> None:
    values = clear_values(medications=["lorazepam"], lorazepam_equivalent_mg_per_day=1.5)
    patient = parse_patient_json(json.dumps(values))
    assert patient.as_dict() == {**values, "lorazepam_equivalent_mg_per_day": 1.5}
    assert patient.medications == ("lorazepam",)


def test_optional_fields_may_be_left_out() -> None:
    values = {k: v for k, v in clear_values().items() if k in REQUIRED_BY_ISSUE}
    patient = parse_patient(values)
    assert patient.acute_porphyria is None
    assert patient.lorazepam_equivalent_mg_per_day is None


def _with(**changes: Any) -> str:
    return json.dumps(clear_values(**changes))


def _without(key: str) -> str:
    data = clear_values()
    del data[key]
    return json.dumps(data)


BAD_FILES = [
    ("not JSON", "{age_years: 40", "not valid JSON"),
    ("empty file", "", "not valid JSON"),
    ("a list, not an object", "[1, 2]", "must be a JSON object"),
    ("misspelt key", _with(pregant=True), "pregant: unknown field (did you mean 'pregnant'?)"),
    ("unrelated key", _with(shoe_size=44), "shoe_size: unknown field"),
    ("missing key", _without("pregnant"), "missing field(s): pregnant"),
    ("duplicate key", '{"pregnant": true, "pregnant": false}', "pregnant: the field appears twice"),
    ("text for a flag", _with(pregnant="false"), "pregnant: must be true, false or null"),
    ("number for a flag", _with(breastfeeding=0), "breastfeeding: must be true, false or null"),
    ("systolic 400", _with(systolic_bp=400), "systolic_bp: 400 is outside the plausible range"),
    ("negative age", _with(age_years=-1), "age_years: -1 is outside the plausible range 0-120"),
    ("age 121", _with(age_years=121), "age_years: 121 is outside"),
    ("fractional BP", _with(systolic_bp=139.99999), "systolic_bp: must be a whole number"),
    ("whole-number float", _with(age_years=40.0), "age_years: must be a whole number"),
    ("text for a number", _with(age_years="40"), "age_years: must be a whole number"),
    ("boolean for a number", _with(failed_antidepressant_trials=True), "must be a whole number"),
    ("diastolic above systolic", _with(systolic_bp=90, diastolic_bp=95), "diastolic_bp: must be"),
    ("NaN dose", '{"lorazepam_equivalent_mg_per_day": NaN}', "NaN"),
    ("huge float", '{"lorazepam_equivalent_mg_per_day": 1e400}', "too large"),
    ("huge integer", '{"age_years": ' + "9" * 5000 + "}", "too long"),
    ("negative dose", _with(lorazepam_equivalent_mg_per_day=-1), "lorazepam_equivalent_mg_per_day"),
    ("string diagnoses", _with(diagnoses="ptsd"), "diagnoses: must be a list"),
    ("diagnosis not a slug", _with(diagnoses=["Major Depression"]), "diagnoses: 'Major Depr"),
    ("medications not text", _with(medications=[1]), "medications: must be a list of text"),
    ("empty medicine name", _with(medications=["  "]), "medications: each entry"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "message"), [b[1:] for b in BAD_FILES], ids=[b[0] for b in BAD_FILES]
)
def test_bad_files_are_refused_naming_the_problem(text: str, message: str) -> None:
    with pytest.raises(BadInputError) as info:
        parse_patient_json(text)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_huge_values_are_not_echoed() -> None:
    with pytest.raises(BadInputError) as info:
        parse_patient_json(_with(age_years=10**30))
    assert "1000000000000000" not in str(info.value)


def test_lists_are_stored_immutably() -> None:
    patient = Patient(diagnoses=["ptsd"], medications=["lorazepam"])
    assert patient.diagnoses == ("ptsd",)
    assert isinstance(patient.medications, tuple)
    with pytest.raises(BadInputError, match="systolic_bp"):
        Patient(systolic_bp=999)


def test_summary_shows_unknown_as_not_known_and_lists_titles() -> None:
    patient = Patient(**clear_values(pregnant=None, diagnoses=["ptsd"], systolic_bp=150))
    result = run(patient)
    titles = {"ptsd": "Post-traumatic stress disorder"}
    summary = summarise(patient, result, {}, date(2026, 11, 21), titles)
    rows = {row.name: row for row in summary.inputs}
    assert rows["pregnant"].value == "not known"
    assert not rows["pregnant"].known
    assert rows["diagnoses"].value == "Post-traumatic stress disorder"
    assert rows["systolic_bp"].value == "150 mmHg"
    assert rows["medications"].value == "none"
    assert rows["breastfeeding"].value == "no"
    assert "does not replace, clinical judgement" in summary.disclaimer
