"""Metamorphic properties of the engine over generated patients (RELIABILITY SC-05)."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketref.domain.enums import FindingOutcome, ScreeningStatus
from ketref.domain.patient import FIELD_BY_NAME, FLAG_FIELDS, PATIENT_FIELDS, FieldKind, Patient
from tests.screening_support import run, shipped_medicines, shipped_rules

pytestmark = pytest.mark.unit

SEVERITY = {
    ScreeningStatus.NOT_ELIGIBLE: 4,
    ScreeningStatus.AVOID_COMBINATION: 3,
    ScreeningStatus.CANNOT_DETERMINE: 2,
    ScreeningStatus.NEEDS_REVIEW: 1,
    ScreeningStatus.ELIGIBLE_TO_CONSIDER: 0,
}
PROPERTY_SETTINGS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

DIAGNOSES = sorted(shipped_rules().diagnoses)
MEDICINES = [*shipped_medicines().names()[::7], "Ativan", "metforminn", "LORAZEPAM "]


def value_strategy(name: str) -> st.SearchStrategy[Any]:
    """A known (non-null) value for one field."""
    spec = FIELD_BY_NAME[name]
    if spec.kind is FieldKind.FLAG:
        return st.booleans()
    if name == "systolic_bp":
        return st.integers(90, 260)
    if name == "diastolic_bp":
        return st.integers(40, 89)  # always below any generated systolic
    if spec.kind is FieldKind.INTEGER:
        return st.integers(int(spec.minimum or 0), int(spec.maximum or 0))
    if spec.kind is FieldKind.NUMBER:
        return st.floats(0, 100, allow_nan=False)
    if spec.kind is FieldKind.DIAGNOSES:
        return st.lists(st.sampled_from(DIAGNOSES), max_size=3)
    return st.lists(st.sampled_from(MEDICINES), max_size=4)


# Built once: constructing strategies inside a draw costs more than screening itself.
VALUES = {spec.name: value_strategy(spec.name) for spec in PATIENT_FIELDS}


def patients() -> st.SearchStrategy[Patient]:
    """Patients with any mix of known and unknown answers."""
    return st.builds(Patient, **{name: st.none() | values for name, values in VALUES.items()})


@st.composite
def patient_and_refinement(draw: st.DrawFn) -> tuple[Patient, Patient]:
    """A patient, and the same patient with one unknown answer filled in."""
    patient = draw(patients())
    unknown = patient.unknown_fields()
    if not unknown:
        return patient, patient
    name = draw(st.sampled_from(unknown))
    return patient, replace(patient, **{name: draw(VALUES[name])})


@PROPERTY_SETTINGS
@given(patient_and_refinement())
def test_answering_an_unknown_never_turns_not_eligible_into_eligible(
    pair: tuple[Patient, Patient],
) -> None:
    before, after = (run(p) for p in pair)
    for old, new in zip(before.results, after.results, strict=True):
        if old.status is ScreeningStatus.NOT_ELIGIBLE:
            assert new.status is not ScreeningStatus.ELIGIBLE_TO_CONSIDER
            # Stronger: a finding that holds keeps holding (three-valued logic is monotone).
            held = {(f.rule_id, f.values) for f in old.findings_with(FindingOutcome.NOT_ELIGIBLE)}
            still = {(f.rule_id, f.values) for f in new.findings_with(FindingOutcome.NOT_ELIGIBLE)}
            assert {rule for rule, _ in held} <= {rule for rule, _ in still}


@PROPERTY_SETTINGS
@given(patients(), st.randoms(use_true_random=False))
def test_rule_order_never_changes_the_result(patient: Patient, rnd: random.Random) -> None:
    rules = list(shipped_rules().rules)
    rnd.shuffle(rules)
    shuffled = shipped_rules().with_rules(rules)
    assert run(patient, rules=shuffled) == run(patient)
    assert run(patient, rules=shuffled).as_dict() == run(patient).as_dict()


@PROPERTY_SETTINGS
@given(patients(), st.sampled_from(sorted(FLAG_FIELDS)))
def test_a_yes_never_improves_the_status(patient: Patient, flag: str) -> None:
    no = run(replace(patient, **{flag: False}))
    yes = run(replace(patient, **{flag: True}))
    for a, b in zip(no.results, yes.results, strict=True):
        assert SEVERITY[b.status] >= SEVERITY[a.status], (flag, a.status, b.status)


@PROPERTY_SETTINGS
@given(patients())
def test_every_result_explains_itself(patient: Patient) -> None:
    result = run(patient)
    assert run(patient) == result  # deterministic
    rule_ids = {r.id for r in shipped_rules().rules}
    for product_result in result.results:
        assert product_result.findings, "a status always comes with its reasons"
        for finding in product_result.findings:
            assert finding.rule_id in rule_ids or finding.from_engine
            if not finding.from_engine:
                assert finding.references
            assert finding.ruleset_version == result.ruleset_version
        if product_result.status is ScreeningStatus.ELIGIBLE_TO_CONSIDER:
            assert product_result.findings_with(FindingOutcome.INDICATION_MET)
            assert not patient.unknown_fields() or all(
                not f.missing for f in product_result.findings
            )


@PROPERTY_SETTINGS
@given(patients())
def test_without_any_yes_nothing_is_ruled_out_except_by_blood_pressure(patient: Patient) -> None:
    cleared = replace(
        patient,
        **dict.fromkeys(sorted(FLAG_FIELDS)),
        systolic_bp=min(patient.systolic_bp or 120, 180),
        diastolic_bp=min(patient.diastolic_bp or 80, 89),
    )
    for product_result in run(cleared).results:
        assert product_result.status is not ScreeningStatus.NOT_ELIGIBLE
