"""The shipped screening rules cover the catalogue, and every threshold behaves as worded."""

from __future__ import annotations

import operator
import re
from collections.abc import Iterator

import pytest

from ketref.domain.content import ScreeningRule
from ketref.domain.enums import InteractionLevel, Product, RegulatoryStatus, RuleOutcome
from ketref.domain.patient import FIELD_BY_NAME, FieldKind, Patient
from ketref.domain.rule_conditions import (
    NOT_RECOGNISED,
    CompareCondition,
    MedicationsCondition,
    walk,
)
from ketref.domain.screening import Truth, evaluate_condition
from ketref.domain.thresholds import Thresholds
from tests.conftest import shipped_bundle
from tests.content.test_shipped_content import UNSUPPORTED_CLAIMS
from tests.screening_support import shipped_medicines

pytestmark = pytest.mark.content

ISSUE_INDICATIONS = {
    "treatment-resistant-depression", "major-depressive-disorder",
    "depression-with-suicidal-ideation", "bipolar-depression", "generalized-anxiety-disorder",
    "social-anxiety-disorder", "ptsd", "complex-regional-pain-syndrome", "neuropathic-pain",
    "fibromyalgia", "chronic-pain",
}  # fmt: skip
OPERATORS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


def rules() -> list[ScreeningRule]:
    return list(shipped_bundle().screening_rules)


def test_every_contraindication_is_screened_for_every_product() -> None:
    covered = {(r.contraindication, p) for r in rules() if r.contraindication for p in r.products}
    missing = [
        f"{c.slug} / {p.value}"
        for c in shipped_bundle().contraindications
        for p in Product
        if (c.slug, p) not in covered
    ]
    assert not missing, missing


def test_absolute_classes_rule_the_product_out() -> None:
    not_eligible = {
        (r.contraindication, p)
        for r in rules()
        if r.outcome is RuleOutcome.NOT_ELIGIBLE
        for p in r.products
    }
    for item in shipped_bundle().contraindications:
        for product, klass in item.classes.items():
            if klass.level.value.startswith("absolute"):
                assert (item.slug, product) in not_eligible, (item.slug, product.value)


def test_every_interaction_level_and_unknown_names_are_screened() -> None:
    levels = {
        level
        for r in rules()
        if isinstance(r.when, MedicationsCondition)
        for level in r.when.medications
    }
    assert levels == {lvl.value for lvl in InteractionLevel} | {NOT_RECOGNISED}
    used = {lvl for i in shipped_bundle().interactions for lvl in [i.level.value]}
    assert used <= levels


def test_indications_follow_the_knowledge_base() -> None:
    indications = {i.slug: i for i in shipped_bundle().indications}
    assert set(indications) >= ISSUE_INDICATIONS
    met = {
        (slug, p)
        for r in rules()
        if r.outcome is RuleOutcome.INDICATION_MET
        for slug in r.diagnoses
        for p in r.products
    }
    for slug in ISSUE_INDICATIONS:
        for product, use in indications[slug].uses.items():
            listed = use.status is not RegulatoryStatus.NOT_APPROVED
            assert ((slug, product) in met) == listed, (slug, product.value)


def test_indication_messages_state_the_regulatory_status() -> None:
    indications = {i.slug: i for i in shipped_bundle().indications}
    for rule in rules():
        if rule.outcome is not RuleOutcome.INDICATION_MET:
            continue
        for product in rule.products:
            status = indications[rule.diagnoses[0]].uses[product].status
            word = "approved" if status is RegulatoryStatus.APPROVED else "off-label"
            assert word in rule.message.lower().replace("fda-approved", "approved"), rule.id


def test_rule_messages_make_no_unsupported_claims() -> None:
    for rule in rules():
        for pattern in UNSUPPORTED_CLAIMS:
            assert not re.search(pattern, rule.message, flags=re.IGNORECASE), (rule.id, pattern)
        assert "no risk" not in rule.message.lower()


def test_unverified_facts_are_flagged() -> None:
    unverified = {r.id for r in rules() if not r.verified}
    assert {"age-under-18-iv", "respiratory-risk"} <= unverified


# --- Boundaries generated from the rules themselves (RELIABILITY SC-03) ---------------------


def _comparisons() -> Iterator[tuple[str, CompareCondition]]:
    for rule in rules():
        for condition in walk(rule.when):
            if isinstance(condition, CompareCondition):
                yield rule.id, condition


def _cases() -> Iterator[tuple[str, CompareCondition, float]]:
    for rule_id, condition in _comparisons():
        threshold = Thresholds().value(condition.setting) if condition.setting else condition.value
        assert threshold is not None
        step = 1 if FIELD_BY_NAME[condition.field].kind is FieldKind.INTEGER else 0.5
        for value in (threshold - step, threshold, threshold + step):
            yield rule_id, condition, value


CASES = list(_cases())


@pytest.mark.parametrize(
    ("rule_id", "condition", "value"),
    CASES,
    ids=[f"{r}:{c.field}{c.op}{v:g}" for r, c, v in CASES],
)
def test_each_threshold_just_below_at_and_just_above(
    rule_id: str, condition: CompareCondition, value: float
) -> None:
    field = condition.field
    if FIELD_BY_NAME[field].kind is FieldKind.INTEGER:
        value = int(value)
    patient_values: dict[str, object] = {field: value}
    if field == "diastolic_bp":
        patient_values["systolic_bp"] = 250  # keeps the pair plausible
    if field == "systolic_bp":
        patient_values["diastolic_bp"] = 60
    patient = Patient(**patient_values)  # type: ignore[arg-type]
    evaluation = evaluate_condition(condition, patient, Thresholds(), shipped_medicines())
    (check,) = evaluation.checks
    expected = OPERATORS[condition.op](value, check.threshold)
    assert evaluation.truth is (Truth.TRUE if expected else Truth.FALSE), rule_id
    assert check.met is expected
    assert check.patient_value == value


def test_there_is_a_boundary_case_for_every_threshold_rule() -> None:
    ids = {rule_id for rule_id, _, _ in CASES}
    assert {
        "bp-above-delay-iv", "bp-above-stop-iv", "bp-above-delay-esketamine",
        "bp-above-stop-esketamine", "age-under-18-iv", "age-65-and-over",
        "age-75-and-over-esketamine", "indication-trd-esketamine", "high-dose-benzodiazepines",
    } <= ids  # fmt: skip
