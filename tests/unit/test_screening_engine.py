"""The engine's logic on small hand-made rule sets, and the rule format's refusals."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from pydantic import ValidationError

from ketref.domain.content import ScreeningRule
from ketref.domain.content_integrity import integrity_problems
from ketref.domain.enums import FindingOutcome, RuleOutcome, ScreeningStatus
from ketref.domain.errors import BadInputError
from ketref.domain.patient import Patient
from ketref.domain.screening import Truth, evaluate_condition, screen, status_of
from ketref.domain.screening_knowledge import MedicationIndex, RuleSet
from ketref.domain.screening_result import Finding
from ketref.domain.thresholds import Thresholds
from tests.screening_support import (
    ESK,
    IV,
    clear_patient,
    shipped_bundle,
    shipped_medicines,
    shipped_rules,
)

pytestmark = pytest.mark.unit


def rule(
    rule_id: str, when: dict[str, Any], outcome: str = "needs-review", **extra: Any
) -> ScreeningRule:
    data: dict[str, Any] = {
        "id": rule_id,
        "version": 1,
        "factor": "test",
        "products": ["iv-ketamine", "esketamine-nasal"],
        "outcome": outcome,
        "when": when,
        "message": f"{rule_id} applies.",
        "references": ["ref-a"],
        "reviewed": "2026-11-21",
        "review_due": "2027-11-21",
        **extra,
    }
    return ScreeningRule.model_validate(data)


def rule_set(*rules: ScreeningRule) -> RuleSet:
    return shipped_rules().with_rules(rules)


def result_for(patient: Patient, *rules: ScreeningRule, medicines: MedicationIndex | None = None):
    return screen(patient, rule_set(*rules), Thresholds(), medicines or shipped_medicines())


INDICATION = rule("ind", {"diagnosis": "treatment-resistant-depression"}, "indication-met")
NO_INDICATION = rule("none", {"no_indication_met": True})


# --- three-valued logic --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "patient", "truth"),
    [
        ({"flag": "pregnant"}, {"pregnant": True}, Truth.TRUE),
        ({"flag": "pregnant"}, {"pregnant": False}, Truth.FALSE),
        ({"flag": "pregnant"}, {}, Truth.UNKNOWN),
        (
            {"any": [{"flag": "pregnant"}, {"flag": "breastfeeding"}]},
            {"pregnant": True},
            Truth.TRUE,
        ),
        (
            {"any": [{"flag": "pregnant"}, {"flag": "breastfeeding"}]},
            {"pregnant": False},
            Truth.UNKNOWN,
        ),
        (
            {"any": [{"flag": "pregnant"}, {"flag": "breastfeeding"}]},
            {"pregnant": False, "breastfeeding": False},
            Truth.FALSE,
        ),
        (
            {"all": [{"flag": "pregnant"}, {"flag": "breastfeeding"}]},
            {"pregnant": False},
            Truth.FALSE,
        ),
        (
            {"all": [{"flag": "pregnant"}, {"flag": "breastfeeding"}]},
            {"pregnant": True},
            Truth.UNKNOWN,
        ),
        (
            {"all": [{"flag": "pregnant"}, {"flag": "breastfeeding"}]},
            {"pregnant": True, "breastfeeding": True},
            Truth.TRUE,
        ),
        ({"field": "age_years", "op": "<", "value": 18}, {"age_years": 17}, Truth.TRUE),
        ({"field": "age_years", "op": "<", "value": 18}, {"age_years": 18}, Truth.FALSE),
        ({"field": "age_years", "op": "<=", "value": 18}, {"age_years": 18}, Truth.TRUE),
        ({"field": "age_years", "op": ">", "value": 64}, {}, Truth.UNKNOWN),
        ({"diagnosis": "ptsd"}, {"diagnoses": ["ptsd"]}, Truth.TRUE),
        ({"diagnosis": "ptsd"}, {"diagnoses": []}, Truth.FALSE),
        ({"diagnosis": "ptsd"}, {}, Truth.UNKNOWN),
        ({"takes": "benzodiazepines"}, {"medications": ["Diazepam"]}, Truth.TRUE),
        ({"takes": "benzodiazepines"}, {"medications": ["sertraline"]}, Truth.FALSE),
        ({"takes": "benzodiazepines"}, {"medications": []}, Truth.FALSE),
        ({"takes": "benzodiazepines"}, {"medications": ["Ativan"]}, Truth.TRUE),  # brand
        ({"takes": "benzodiazepines"}, {"medications": ["Sleepwell"]}, Truth.UNKNOWN),
        ({"takes": "benzodiazepines"}, {}, Truth.UNKNOWN),
    ],
)
def test_kleene_logic(when: dict[str, Any], patient: dict[str, Any], truth: Truth) -> None:
    condition = rule("r", when).when
    assert (
        evaluate_condition(condition, Patient(**patient), Thresholds(), shipped_medicines()).truth
        is truth
    )


def test_a_brand_name_the_index_does_not_know_is_not_assumed_safe() -> None:
    patient = clear_patient(medications=["Sleepwell"], lorazepam_equivalent_mg_per_day=6)
    result = result_for(
        patient,
        rule(
            "hd",
            {
                "all": [
                    {"takes": "benzodiazepines"},
                    {"field": "lorazepam_equivalent_mg_per_day", "op": ">", "value": 3},
                ]
            },
        ),
        INDICATION,
    )
    finding = next(f for f in result.for_product(IV).findings if f.rule_id == "hd")
    assert finding.outcome is FindingOutcome.NEEDS_REVIEW
    assert "Sleepwell" in finding.missing[0]


def test_a_class_missing_from_the_knowledge_base_is_unknown() -> None:
    empty = MedicationIndex({})
    condition = rule("r", {"takes": "benzodiazepines"}).when
    evaluation = evaluate_condition(condition, clear_patient(), Thresholds(), empty)
    assert evaluation.truth is Truth.UNKNOWN
    assert "not in the loaded knowledge base" in evaluation.missing[0]


# --- statuses ------------------------------------------------------------------------------


def test_precedence_is_fixed() -> None:
    base = result_for(clear_patient(), INDICATION).for_product(IV).findings[0]

    def finding_with(outcome: FindingOutcome) -> Finding:
        return replace(base, outcome=outcome)

    order = [
        (FindingOutcome.NOT_ELIGIBLE, ScreeningStatus.NOT_ELIGIBLE),
        (FindingOutcome.AVOID_COMBINATION, ScreeningStatus.AVOID_COMBINATION),
        (FindingOutcome.CANNOT_DETERMINE, ScreeningStatus.CANNOT_DETERMINE),
        (FindingOutcome.NEEDS_REVIEW, ScreeningStatus.NEEDS_REVIEW),
        (FindingOutcome.INDICATION_MET, ScreeningStatus.ELIGIBLE_TO_CONSIDER),
    ]
    for i, (_, status) in enumerate(order):
        weaker = [finding_with(o) for o, _ in order[i:]]
        assert status_of(weaker) is status
    assert status_of([finding_with(FindingOutcome.INFORMATIONAL)]) is None


def test_an_empty_rule_set_says_no_rules_loaded() -> None:
    result = result_for(clear_patient())
    for product_result in result.results:
        assert product_result.status is ScreeningStatus.CANNOT_DETERMINE
        (finding,) = product_result.findings
        assert finding.rule_id == "no-rules-loaded"
        assert finding.from_engine


def test_without_an_indication_the_engine_still_explains_needs_review() -> None:
    result = result_for(clear_patient(diagnoses=[]), INDICATION)
    product_result = result.for_product(ESK)
    assert product_result.status is ScreeningStatus.NEEDS_REVIEW
    assert [f.rule_id for f in product_result.findings] == ["no-indication-rule"]


def test_no_indication_rule_lists_what_is_unknown() -> None:
    result = result_for(clear_patient(diagnoses=None), INDICATION, NO_INDICATION)
    (finding,) = result.for_product(IV).findings
    assert finding.rule_id == "none"
    assert finding.missing == ("diagnoses",)
    assert result_for(clear_patient(), INDICATION, NO_INDICATION).for_product(IV).status is (
        ScreeningStatus.ELIGIBLE_TO_CONSIDER
    )


def test_unknown_not_eligible_fact_is_cannot_determine() -> None:
    hard = rule(
        "hard", {"flag": "arteriovenous_malformation"}, "not-eligible", contraindication="x"
    )
    result = result_for(clear_patient(arteriovenous_malformation=None), hard, INDICATION)
    finding = result.for_product(IV).findings[0]
    assert finding.outcome is FindingOutcome.CANNOT_DETERMINE
    assert "Not known: Arteriovenous malformation" in finding.message
    assert result.for_product(IV).status is ScreeningStatus.CANNOT_DETERMINE


def test_unknown_informational_fact_adds_nothing() -> None:
    note = rule("note", {"flag": "bladder_symptoms"}, "informational")
    result = result_for(clear_patient(bladder_symptoms=None), note, INDICATION)
    assert [f.rule_id for f in result.for_product(IV).findings] == ["ind"]


def test_a_diagnosis_outside_the_knowledge_base_is_refused() -> None:
    with pytest.raises(BadInputError, match="diagnoses: 'depresion' is not a condition"):
        result_for(clear_patient(diagnoses=["depresion"]), INDICATION)


def test_result_json_has_exactly_the_public_shape() -> None:
    data = result_for(
        clear_patient(pregnant=True), INDICATION, rule("p", {"flag": "pregnant"})
    ).as_dict()
    assert set(data) == {"ruleset_version", "thresholds", "results"}
    assert [r["product"] for r in data["results"]] == ["iv-ketamine", "esketamine-nasal"]
    assert all(
        set(r) == {"product", "status", "status_label", "reason", "findings"}
        for r in data["results"]
    )
    finding = data["results"][0]["findings"][0]
    assert {
        "rule_id",
        "outcome",
        "message",
        "values",
        "threshold",
        "references",
        "ruleset_version",
    } <= set(finding)
    assert data["thresholds"]["bp_delay"] == {"systolic": 140, "diastolic": 90}
    assert data["thresholds"]["bp_stop"] == {"systolic": 180, "diastolic": 100}


# --- the rule format refuses what it cannot evaluate (SC-06) --------------------------------


@pytest.mark.parametrize(
    ("when", "extra", "message"),
    [
        ({"flag": "pregant"}, {}, "not a yes/no field"),
        ({"flag": "age_years"}, {}, "not a yes/no field"),
        ({"field": "pregnant", "op": ">", "value": 1}, {}, "not a numeric field"),
        ({"field": "age_years", "op": "!=", "value": 1}, {}, "op"),
        ({"field": "age_years", "op": ">", "value": 500}, {}, "outside the range"),
        ({"field": "age_years", "op": ">"}, {}, "exactly one of"),
        (
            {"field": "systolic_bp", "op": ">", "setting": "bp_stop_diastolic"},
            {},
            "not a threshold for",
        ),
        ({"field": "systolic_bp", "op": ">", "setting": "bp_panic"}, {}, "setting"),
        ({"colour": "red"}, {}, "a condition needs one of the keys"),
        ({"flag": "pregnant", "extra": 1}, {}, "Extra inputs"),
        ({"any": [{"flag": "pregnant"}]}, {}, "at least 2"),
        ({"any": [{"flag": "pregnant"}, {"medications": ["avoid"]}]}, {}, "must be the whole"),
        ({"no_indication_met": True}, {"outcome": "not-eligible"}, "needs-review"),
        ({"medications": ["avoid"]}, {"outcome": "not-eligible"}, "needs-review or informational"),
        ({"medications": ["avoid", "avoid"]}, {}, "listed twice"),
        ({"flag": "pregnant"}, {"outcome": "indication-met"}, "needs a diagnosis"),
        (
            {"flag": "pregnant"},
            {"label_conditions": [{"requires": "adults", "when": {"flag": "pregnant"}}]},
            "only an indication-met rule",
        ),
        (
            {"diagnosis": "ptsd"},
            {
                "outcome": "indication-met",
                "label_conditions": [{"requires": "x y z", "when": {"medications": ["avoid"]}}],
            },
            "cannot use 'medications'",
        ),
        (
            {"diagnosis": "ptsd"},
            {
                "outcome": "indication-met",
                "label_conditions": [{"when": {"field": "age_years", "op": ">=", "value": 18}}],
            },
            "requires",
        ),
    ],
)
def test_structurally_invalid_rules_are_refused(
    when: dict[str, Any], extra: dict[str, Any], message: str
) -> None:
    data = {"outcome": "needs-review", **extra}
    with pytest.raises(ValidationError, match=message):
        rule("bad", when, **data)


def test_a_label_condition_naming_an_unknown_class_is_a_catalogue_problem() -> None:
    problems = _with_rule_changed(
        "indication-suicidal-ideation-esketamine",
        label_conditions=[
            rule(
                "x",
                {"diagnosis": "depression-with-suicidal-ideation"},
                "indication-met",
                label_conditions=[{"requires": "an SSRI", "when": {"takes": "ssris"}}],
            ).label_conditions[0]
        ],
    )
    assert any("'ssris' is not an interaction class" in p for p in problems), problems


def test_label_conditions_decide_only_once_the_diagnosis_holds() -> None:
    adults = rule(
        "adult-ind",
        {"diagnosis": "treatment-resistant-depression"},
        "indication-met",
        label_conditions=[
            {"requires": "adults", "when": {"field": "age_years", "op": ">=", "value": 18}}
        ],
    )
    other = clear_patient(diagnoses=["ptsd"], age_years=None)
    assert not [
        f
        for f in result_for(other, adults, NO_INDICATION).for_product(IV).findings
        if f.rule_id == "adult-ind"
    ]  # diagnosis false: the label is not asked about
    young = result_for(clear_patient(age_years=12), adults, NO_INDICATION).for_product(IV)
    assert [f.rule_id for f in young.findings] == ["adult-ind"]  # explained: no "none" finding
    assert young.status is ScreeningStatus.NEEDS_REVIEW


def _with_rule_changed(rule_id: str, **changes: Any) -> list[str]:
    bundle = shipped_bundle()
    rules = [r.model_copy(update=changes) if r.id == rule_id else r for r in bundle.screening_rules]
    return integrity_problems(bundle.model_copy(update={"screening_rules": rules}))


@pytest.mark.parametrize(
    ("rule_id", "changes", "problem"),
    [
        ("pregnancy-iv", {"outcome": RuleOutcome.NOT_ELIGIBLE}, "does not fit pregnancy (relative"),
        (
            "bp-above-stop-esketamine",
            {"outcome": RuleOutcome.NOT_ELIGIBLE},
            "relative for esketamine-nasal",
        ),
        ("age-65-and-over", {"outcome": RuleOutcome.NOT_ELIGIBLE}, "does not fit age-65-and-over"),
        ("breastfeeding-esketamine", {"outcome": RuleOutcome.INFORMATIONAL}, "not-recommended"),
        (
            "hypersensitivity-to-ketamine",
            {"contraindication": None},
            "must name its contraindication",
        ),
        (
            "indication-bipolar-depression-iv",
            {"products": [ESK]},
            "not an indication for esketamine-nasal",
        ),
    ],
)
def test_rules_must_fit_the_catalogue(rule_id: str, changes: dict[str, Any], problem: str) -> None:
    problems = _with_rule_changed(rule_id, **changes)
    assert any(problem in p for p in problems), problems


def test_rules_cannot_name_unknown_diagnoses_or_classes() -> None:
    bundle = shipped_bundle()
    extra = [
        rule("ghost-dx", {"diagnosis": "hiccups"}, references=["cohen-2018"]),
        rule("ghost-class", {"takes": "antacids"}, references=["cohen-2018"]),
    ]
    problems = integrity_problems(
        bundle.model_copy(update={"screening_rules": [*bundle.screening_rules, *extra]})
    )
    assert any("'hiccups' is not an indication" in p for p in problems)
    assert any("'antacids' is not an interaction class" in p for p in problems)


def test_the_shipped_rules_are_consistent() -> None:
    assert integrity_problems(shipped_bundle()) == []
    assert shipped_rules().problems == ()


def test_rule_problems_make_every_result_uncertain() -> None:
    broken = replace(shipped_rules(), problems=("rule x does not fit y",))
    result = screen(clear_patient(), broken, Thresholds(), shipped_medicines())
    for product_result in result.results:
        assert product_result.status is ScreeningStatus.CANNOT_DETERMINE
        assert "rule x does not fit y" in product_result.findings[0].message
