"""A screening laid out for people: inputs as text, results, numbered references, the date.

The CLI's human output, the GUI's result cards and the printed one-page summary all render this
one object, so they cannot disagree. It holds no patient identifier: the patient form has none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import cast

from ketref.domain.content import Reference
from ketref.domain.patient import (
    FIELD_BY_NAME,
    PATIENT_FIELDS,
    FieldKind,
    FieldSpec,
    FieldValue,
    Patient,
)
from ketref.domain.screening_result import DISCLAIMER, Finding, ScreeningResult, ThresholdCheck
from ketref.domain.thresholds import ThresholdSetting

NOT_KNOWN = "not known"


@dataclass(frozen=True)
class InputRow:
    """One answer of the form, as shown on screen and paper."""

    name: str
    label: str
    value: str
    known: bool


@dataclass(frozen=True)
class ScreeningSummary:
    """Everything needed to show or print one screening."""

    result: ScreeningResult
    inputs: tuple[InputRow, ...]
    references: tuple[Reference, ...]
    """Cited references in order of first citation; ``reference_number`` gives their numbers."""
    screened_on: date
    diagnosis_titles: Mapping[str, str]
    """Indication slug -> title, for showing diagnoses by name."""
    disclaimer: str = DISCLAIMER

    def reference_number(self, reference_id: str) -> int | None:
        for number, ref in enumerate(self.references, start=1):
            if ref.id == reference_id:
                return number
        return None

    @property
    def unknown_inputs(self) -> list[InputRow]:
        return [row for row in self.inputs if not row.known]


def summarise(
    patient: Patient,
    result: ScreeningResult,
    references: Mapping[str, Reference],
    screened_on: date,
    diagnosis_titles: Mapping[str, str],
) -> ScreeningSummary:
    """Lay out ``result`` for people; references missing from ``references`` are left out."""
    inputs = tuple(
        _input_row(spec, patient.value(spec.name), diagnosis_titles) for spec in PATIENT_FIELDS
    )
    cited = tuple(references[ref] for ref in result.cited_references() if ref in references)
    return ScreeningSummary(
        result=result,
        inputs=inputs,
        references=cited,
        screened_on=screened_on,
        diagnosis_titles=diagnosis_titles,
    )


def _input_row(spec: FieldSpec, value: FieldValue, titles: Mapping[str, str]) -> InputRow:
    return InputRow(spec.name, spec.label, display_value(spec, value, titles), value is not None)


def display_value(spec: FieldSpec, value: FieldValue, titles: Mapping[str, str]) -> str:
    """``None`` -> "not known", booleans -> yes/no, lists -> comma-separated ("none" if empty)."""
    if value is None:
        return NOT_KNOWN
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        if spec.kind is FieldKind.DIAGNOSES:
            value = tuple(titles.get(slug, slug) for slug in value)
        return ", ".join(" ".join(v.split()) for v in value) if value else "none"
    number = str(int(value)) if float(value).is_integer() else f"{value:g}"
    return f"{number} {spec.unit}" if spec.unit else number


_SETTING_NAMES = {
    ThresholdSetting.BP_DELAY_SYSTOLIC: "consider-delaying threshold",
    ThresholdSetting.BP_DELAY_DIASTOLIC: "consider-delaying threshold",
    ThresholdSetting.BP_STOP_SYSTOLIC: "do-not-give threshold",
    ThresholdSetting.BP_STOP_DIASTOLIC: "do-not-give threshold",
}
_OP_WORDS = {">": "above", ">=": "at or above", "<": "below", "<=": "at or below"}


def describe_basis(finding: Finding, titles: Mapping[str, str]) -> list[str]:
    """What a finding rests on, for people: each patient value it used and each comparison.

    Values that a comparison already shows are not repeated.
    """
    compared = {check.field for check in finding.threshold}
    lines = []
    for name, value in finding.values:
        if name in compared:
            continue
        spec = FIELD_BY_NAME.get(name)
        if spec is None:  # e.g. the one medicine a medication finding is about
            lines.append(f"{name.replace('_', ' ').capitalize()}: {value}")
        else:
            lines.append(f"{spec.label}: {display_value(spec, cast(FieldValue, value), titles)}")
    lines += [describe_check(check) for check in finding.threshold]
    return lines


def describe_check(check: ThresholdCheck) -> str:
    """One comparison as a question and its answer, e.g. ``"Age (70 years) at or above 65 years?
    yes"``; the answer is "not known" when the patient value is."""
    spec = FIELD_BY_NAME[check.field]
    threshold = display_value(spec, check.threshold, {})
    where = f" ({_SETTING_NAMES[ThresholdSetting(check.setting)]})" if check.setting else ""
    patient = display_value(spec, check.patient_value, {})
    verdict = {True: "yes", False: "no", None: "not known"}[check.met]
    return f"{spec.label} ({patient}) {_OP_WORDS[check.op]} {threshold}{where}? {verdict}"
