"""The patient being screened: every answer may be unknown (``None``), and unknown is never "no".

The patient file is JSON, the public format documented in the README. Parsing is strict on
purpose: a misspelt key (``pregant``) would otherwise turn a known answer into an unknown one, a
string ``"false"`` into a truthy value, or ``140.5`` into a silently rounded pressure. Every
problem is reported as one line naming the field. No patient identifier is part of the format.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ketref.domain.errors import BadInputError
from ketref.domain.strict_json import JsonObject, NonFinite, StrictJsonError, parse_strict_json
from ketref.domain.text_rules import text_problem, visible

MAX_PATIENT_FILE_BYTES = 1_000_000
MAX_LIST_ITEMS = 100
MAX_NAME_LENGTH = 100
FieldValue = bool | int | float | tuple[str, ...] | None
"""What one answer may hold; ``None`` is "not known"."""
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class FieldKind(StrEnum):
    FLAG = "true/false"
    INTEGER = "whole number"
    NUMBER = "number"
    DIAGNOSES = "list of condition slugs"
    MEDICATIONS = "list of generic drug names"


@dataclass(frozen=True)
class FieldSpec:
    """One question of the screening form: its JSON key, type, plausible range and wording."""

    name: str
    kind: FieldKind
    label: str
    required: bool = True
    minimum: float | None = None
    maximum: float | None = None
    unit: str | None = None

    @property
    def is_numeric(self) -> bool:
        return self.kind in (FieldKind.INTEGER, FieldKind.NUMBER)

    def describe_range(self) -> str:
        """``"0-120 years"`` style text for messages and the README."""
        if self.minimum is None or self.maximum is None:
            return ""
        unit = f" {self.unit}" if self.unit else ""
        return f"{_number_text(self.minimum)}-{_number_text(self.maximum)}{unit}"


def _flag(name: str, label: str, *, required: bool = True) -> FieldSpec:
    return FieldSpec(name, FieldKind.FLAG, label, required)


PATIENT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("age_years", FieldKind.INTEGER, "Age", minimum=0, maximum=120, unit="years"),
    _flag("pregnant", "Pregnant"),
    _flag("breastfeeding", "Breastfeeding"),
    FieldSpec("diagnoses", FieldKind.DIAGNOSES, "Diagnoses"),
    FieldSpec(
        "failed_antidepressant_trials",
        FieldKind.INTEGER,
        "Adequate antidepressant trials failed in the current episode",
        minimum=0,
        maximum=30,
    ),
    FieldSpec(
        "systolic_bp",
        FieldKind.INTEGER,
        "Resting systolic blood pressure",
        minimum=40,
        maximum=300,
        unit="mmHg",
    ),
    FieldSpec(
        "diastolic_bp",
        FieldKind.INTEGER,
        "Resting diastolic blood pressure",
        minimum=20,
        maximum=200,
        unit="mmHg",
    ),
    _flag(
        "hypersensitivity_to_ketamine",
        "Hypersensitivity to ketamine, esketamine or an excipient",
    ),
    _flag(
        "aneurysmal_vascular_disease",
        "Aneurysmal vascular disease (aorta, intracranial or peripheral arteries)",
    ),
    _flag("arteriovenous_malformation", "Arteriovenous malformation"),
    _flag("intracerebral_hemorrhage_history", "History of intracerebral haemorrhage"),
    _flag(
        "recent_cardiac_event",
        "Myocardial infarction, unstable angina or coronary revascularisation in the last "
        "12 months",
    ),
    _flag("stroke_or_tia_history", "History of stroke or TIA"),
    _flag(
        "significant_arrhythmia_or_heart_failure",
        "Significant arrhythmia or decompensated heart failure",
    ),
    _flag(
        "raised_intracranial_pressure",
        "Raised intracranial pressure, intracranial mass, recent brain injury or ventricular shunt",
    ),
    _flag(
        "raised_intraocular_pressure",
        "Raised intraocular pressure, untreated glaucoma, open-globe injury or planned eye surgery",
    ),
    _flag("current_psychosis_or_mania", "Current psychosis or mania"),
    _flag("psychosis_history", "History of a psychotic disorder"),
    _flag("active_substance_use_disorder", "Active substance use disorder (including alcohol)"),
    _flag("severe_hepatic_impairment", "Severe hepatic impairment (Child-Pugh C)"),
    _flag("uncontrolled_hyperthyroidism", "Untreated or insufficiently treated hyperthyroidism"),
    _flag("cognitive_impairment", "Cognitive impairment or dementia"),
    _flag(
        "respiratory_risk",
        "Significant lung disease, sleep apnoea, obesity or other respiratory risk",
    ),
    _flag("pre_eclampsia_or_eclampsia", "Pre-eclampsia or eclampsia"),
    FieldSpec("medications", FieldKind.MEDICATIONS, "Current medicines"),
    # Optional questions: absent means unknown, exactly like null.
    _flag(
        "hypertensive_encephalopathy_history",
        "History of hypertensive encephalopathy",
        required=False,
    ),
    _flag(
        "prior_ketamine_misuse_or_intoxication",
        "Past ketamine, PCP or opioid misuse beyond rare use, or current intoxication or "
        "withdrawal",
        required=False,
    ),
    _flag(
        "lack_of_capacity_to_consent",
        "Intellectual disability or lack of capacity to consent",
        required=False,
    ),
    _flag("acute_porphyria", "Acute porphyria", required=False),
    _flag("abnormal_liver_tests", "Abnormal liver tests", required=False),
    _flag("renal_impairment", "Renal impairment or dialysis", required=False),
    _flag("bladder_symptoms", "Bladder symptoms or interstitial cystitis", required=False),
    FieldSpec(
        "lorazepam_equivalent_mg_per_day",
        FieldKind.NUMBER,
        "Daily benzodiazepine dose in lorazepam equivalents",
        required=False,
        minimum=0,
        maximum=100,
        unit="mg/day",
    ),
)

FIELD_BY_NAME: Mapping[str, FieldSpec] = {spec.name: spec for spec in PATIENT_FIELDS}
FLAG_FIELDS = frozenset(s.name for s in PATIENT_FIELDS if s.kind is FieldKind.FLAG)
NUMERIC_FIELDS = frozenset(s.name for s in PATIENT_FIELDS if s.is_numeric)


@dataclass(frozen=True)
class Patient:
    """One patient's answers; ``None`` everywhere means "not known" (never "no")."""

    age_years: int | None = None
    pregnant: bool | None = None
    breastfeeding: bool | None = None
    diagnoses: tuple[str, ...] | None = None
    failed_antidepressant_trials: int | None = None
    systolic_bp: int | None = None
    diastolic_bp: int | None = None
    hypersensitivity_to_ketamine: bool | None = None
    aneurysmal_vascular_disease: bool | None = None
    arteriovenous_malformation: bool | None = None
    intracerebral_hemorrhage_history: bool | None = None
    recent_cardiac_event: bool | None = None
    stroke_or_tia_history: bool | None = None
    significant_arrhythmia_or_heart_failure: bool | None = None
    raised_intracranial_pressure: bool | None = None
    raised_intraocular_pressure: bool | None = None
    current_psychosis_or_mania: bool | None = None
    psychosis_history: bool | None = None
    active_substance_use_disorder: bool | None = None
    severe_hepatic_impairment: bool | None = None
    uncontrolled_hyperthyroidism: bool | None = None
    cognitive_impairment: bool | None = None
    respiratory_risk: bool | None = None
    pre_eclampsia_or_eclampsia: bool | None = None
    medications: tuple[str, ...] | None = None
    hypertensive_encephalopathy_history: bool | None = None
    prior_ketamine_misuse_or_intoxication: bool | None = None
    lack_of_capacity_to_consent: bool | None = None
    acute_porphyria: bool | None = None
    abnormal_liver_tests: bool | None = None
    renal_impairment: bool | None = None
    bladder_symptoms: bool | None = None
    lorazepam_equivalent_mg_per_day: float | None = None

    def __post_init__(self) -> None:
        # Lists are accepted for convenience but stored as tuples, so a Patient stays immutable.
        for name in ("diagnoses", "medications"):
            value = getattr(self, name)
            if isinstance(value, list):
                object.__setattr__(self, name, tuple(value))
        # The same checks as the file parser, so a form or a test cannot build a patient the
        # file format would refuse.
        _check_values({spec.name: getattr(self, spec.name) for spec in PATIENT_FIELDS})

    def value(self, name: str) -> FieldValue:
        """The answer to one field by its JSON name."""
        if name not in FIELD_BY_NAME:
            raise KeyError(name)
        value: FieldValue = getattr(self, name)
        return value

    def as_dict(self) -> dict[str, Any]:
        """The patient file's JSON object (lists for lists, ``None`` for unknown)."""
        out: dict[str, Any] = {}
        for spec in PATIENT_FIELDS:
            value = getattr(self, spec.name)
            out[spec.name] = list(value) if isinstance(value, tuple) else value
        return out

    def unknown_fields(self) -> list[str]:
        return [s.name for s in PATIENT_FIELDS if getattr(self, s.name) is None]


def template() -> dict[str, None]:
    """A complete patient file with every field unknown (``null``), in form order."""
    return dict.fromkeys(spec.name for spec in PATIENT_FIELDS)


def template_json() -> str:
    return json.dumps(template(), indent=2) + "\n"


# --- Parsing -------------------------------------------------------------------------------


def parse_patient_json(text: str) -> Patient:
    """Parse a patient file's text.

    Raises:
        BadInputError: one line naming the problem and, where there is one, the field.
    """
    if len(text.encode("utf-8")) > MAX_PATIENT_FILE_BYTES:
        raise BadInputError("the patient file is too large to be a patient file (over 1 MB)")
    try:
        data = parse_strict_json(text)
    except StrictJsonError as exc:
        if exc.line is not None:
            raise BadInputError(
                f"the patient file is not valid JSON (line {exc.line}, column {exc.column}: "
                f"{exc.reason})"
            ) from None
        if exc.reason == "nested too deeply":
            raise BadInputError(
                "the patient file is nested too deeply to be a patient file"
            ) from None
        raise BadInputError("the patient file holds a number too long to be plausible") from None
    if isinstance(data, JsonObject):
        for key in data.duplicates:
            raise BadInputError(f"{visible(key[:60])}: the field appears twice in the patient file")
        for key, value in data.items():
            if isinstance(value, NonFinite):
                name = value.text if value.text in ("NaN", "Infinity", "-Infinity") else None
                if name is not None:
                    raise BadInputError(
                        f"the patient file contains {name}, which is not a number JSON allows"
                    )
                raise BadInputError(
                    f"{visible(key[:60])}: the number {value.text[:20]} is too large"
                )
    return parse_patient(data)


def parse_patient(data: object) -> Patient:
    """Build a Patient from a decoded JSON object, refusing anything ambiguous.

    Raises:
        BadInputError: unknown or missing keys, wrong types, implausible values.
    """
    if not isinstance(data, dict):
        raise BadInputError(
            "the patient file must be a JSON object of fields (see 'ketref screen --template')"
        )
    unknown = [key for key in data if key not in FIELD_BY_NAME]
    if unknown:
        raise BadInputError("; ".join(_unknown_key_message(str(key)) for key in unknown))
    missing = [s.name for s in PATIENT_FIELDS if s.required and s.name not in data]
    if missing:
        raise BadInputError(
            f"missing field(s): {', '.join(missing)} (write null when the answer is not known)"
        )
    values: dict[str, Any] = {
        name: _convert(FIELD_BY_NAME[name], value) for name, value in data.items()
    }
    return Patient(**values)


def _unknown_key_message(key: str) -> str:
    close = difflib.get_close_matches(key, list(FIELD_BY_NAME), n=1, cutoff=0.75)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"{visible(key[:60])}: unknown field{hint}"


def _convert(spec: FieldSpec, value: object) -> FieldValue:
    """Type-check one JSON value; lists become tuples. Ranges are checked by Patient itself."""
    if value is None:
        return None
    if spec.kind is FieldKind.FLAG:
        if not isinstance(value, bool):
            raise BadInputError(f"{spec.name}: must be true, false or null")
        return value
    if spec.kind is FieldKind.INTEGER:
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadInputError(f"{spec.name}: must be a whole number or null")
        return value
    if spec.kind is FieldKind.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BadInputError(f"{spec.name}: must be a number or null")
        return float(value)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadInputError(f"{spec.name}: must be a list of text values or null")
    return tuple(value)


def _check_values(values: Mapping[str, Any]) -> None:
    """Ranges, list contents and cross-field sense; one message naming the field."""
    for spec in PATIENT_FIELDS:
        value = values[spec.name]
        if value is None:
            continue
        if spec.is_numeric:
            _check_number(spec, value)
        elif spec.kind is FieldKind.DIAGNOSES:
            _check_diagnoses(spec, value)
        elif spec.kind is FieldKind.MEDICATIONS:
            _check_medications(spec, value)
        elif not isinstance(value, bool):
            raise BadInputError(f"{spec.name}: must be true, false or null")
    systolic, diastolic = values["systolic_bp"], values["diastolic_bp"]
    if systolic is not None and diastolic is not None and diastolic >= systolic:
        raise BadInputError("diastolic_bp: must be lower than systolic_bp")


def _check_number(spec: FieldSpec, value: object) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (spec.kind is FieldKind.INTEGER and not isinstance(value, int))
    ):
        raise BadInputError(f"{spec.name}: must be a {spec.kind.value} or null")
    low = spec.minimum if spec.minimum is not None else -math.inf
    high = spec.maximum if spec.maximum is not None else math.inf
    if (isinstance(value, float) and not math.isfinite(value)) or not low <= value <= high:
        raise BadInputError(
            f"{spec.name}: {_number_text(value)} is outside the plausible range "
            f"{spec.describe_range()}"
        )


def _check_diagnoses(spec: FieldSpec, value: object) -> None:
    if not isinstance(value, tuple) or len(value) > MAX_LIST_ITEMS:
        raise BadInputError(f"{spec.name}: must be a list of at most {MAX_LIST_ITEMS} slugs")
    for slug in value:
        if not isinstance(slug, str) or not _SLUG.fullmatch(slug) or len(slug) > 80:
            raise BadInputError(
                f"{spec.name}: {str(slug)[:40]!r} is not a condition slug "
                "(lower-case words joined by hyphens, e.g. treatment-resistant-depression)"
            )


def _check_medications(spec: FieldSpec, value: object) -> None:
    if not isinstance(value, tuple) or len(value) > MAX_LIST_ITEMS:
        raise BadInputError(f"{spec.name}: must be a list of at most {MAX_LIST_ITEMS} names")
    for name in value:
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_LENGTH:
            raise BadInputError(
                f"{spec.name}: each entry must be a drug name of 1-{MAX_NAME_LENGTH} characters"
            )
        if problem := text_problem(name):  # the same character rule as content packs
            raise BadInputError(f"{spec.name}: a drug name contains {problem}")


def _number_text(value: float) -> str:
    """A short rendering of a number for messages (huge values are not echoed in full)."""
    text = str(int(value)) if isinstance(value, int) or value.is_integer() else str(value)
    return text if len(text) <= 12 else "the value"
