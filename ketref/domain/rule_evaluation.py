"""Three-valued (Kleene) evaluation of one rule condition for one patient and product.

A fact that is not known makes a condition *unknown*, never false, unless the rest of the
condition already decides it; each evaluation keeps the values, missing facts and threshold
comparisons it looked at, so a finding can show its basis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from ketref.domain.enums import Product
from ketref.domain.errors import BadInputError
from ketref.domain.patient import Patient
from ketref.domain.rule_conditions import (
    AllCondition,
    AnyCondition,
    CompareCondition,
    Condition,
    DiagnosisCondition,
    FlagCondition,
    TakesCondition,
)
from ketref.domain.screening_knowledge import MedicationIndex, RuleSet
from ketref.domain.screening_result import JsonValue, ThresholdCheck
from ketref.domain.thresholds import Thresholds


class Truth(Enum):
    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"


@dataclass
class Evaluation:
    """The outcome of a condition and what it looked at."""

    truth: Truth
    values: dict[str, JsonValue] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    checks: list[ThresholdCheck] = field(default_factory=list)


@dataclass(frozen=True)
class Context:
    """What a condition is evaluated against: one patient, one product, the knowledge."""

    patient: Patient
    product: Product
    thresholds: Thresholds
    medicines: MedicationIndex
    rules: RuleSet


def evaluate(condition: Condition, ctx: Context) -> Evaluation:
    """Three-valued evaluation of one condition for ``ctx.patient``."""
    if isinstance(condition, FlagCondition):
        value = ctx.patient.value(condition.flag)
        return _known_or_missing(condition.flag, value, value is True)
    if isinstance(condition, CompareCondition):
        return _compare(condition, ctx)
    if isinstance(condition, DiagnosisCondition):
        diagnoses = ctx.patient.diagnoses
        return _known_or_missing(
            "diagnoses", diagnoses, diagnoses is not None and condition.diagnosis in diagnoses
        )
    if isinstance(condition, TakesCondition):
        return _takes(condition, ctx)
    if isinstance(condition, AllCondition | AnyCondition):
        children = condition.all if isinstance(condition, AllCondition) else condition.any
        return combine(
            [evaluate(c, ctx) for c in children], every=isinstance(condition, AllCondition)
        )
    raise BadInputError(f"a {type(condition).__name__} must be the whole condition of a rule")


def _known_or_missing(name: str, value: JsonValue, holds: bool) -> Evaluation:
    if value is None:
        return Evaluation(Truth.UNKNOWN, {name: None}, [name])
    return Evaluation(Truth.TRUE if holds else Truth.FALSE, {name: value})


_OPERATORS = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}


def _compare(condition: CompareCondition, ctx: Context) -> Evaluation:
    value = ctx.patient.value(condition.field)
    threshold: float
    if condition.setting is not None:
        threshold = ctx.thresholds.value(condition.setting)
    else:
        assert condition.value is not None  # the model guarantees one of the two
        threshold = condition.value
    assert value is None or isinstance(value, int | float)  # rules compare numeric fields only
    met = None if value is None else bool(_OPERATORS[condition.op](value, threshold))
    check = ThresholdCheck(
        field=condition.field,
        op=condition.op,
        threshold=threshold,
        patient_value=value,
        met=met,
        setting=condition.setting.value if condition.setting else None,
    )
    evaluation = _known_or_missing(condition.field, value, bool(met))
    evaluation.checks.append(check)
    return evaluation


def _takes(condition: TakesCondition, ctx: Context) -> Evaluation:
    medicines = ctx.patient.medications
    values: dict[str, JsonValue] = {"medications": medicines}
    if not ctx.medicines.has_class(condition.takes):
        missing = f"which medicines count as {condition.takes} (not in the loaded knowledge base)"
        return Evaluation(Truth.UNKNOWN, values, [missing])
    if medicines is None:
        return Evaluation(Truth.UNKNOWN, values, ["medications"])
    if any(
        entry.interaction == condition.takes
        for name in medicines
        for entry in ctx.medicines.lookup(name)
    ):
        return Evaluation(Truth.TRUE, values)
    unrecognised = [name for name in medicines if not ctx.medicines.recognises(name)]
    if unrecognised:
        listed = ", ".join(unrecognised)
        missing = f"whether {listed} (not recognised) counts as {condition.takes}"
        return Evaluation(Truth.UNKNOWN, values, [missing])
    return Evaluation(Truth.FALSE, values)


def combine(children: Sequence[Evaluation], *, every: bool) -> Evaluation:
    """Kleene AND (``every``) or OR over the children, keeping what each looked at."""
    decisive = Truth.FALSE if every else Truth.TRUE
    truths = {c.truth for c in children}
    if decisive in truths:
        truth = decisive
    elif Truth.UNKNOWN in truths:
        truth = Truth.UNKNOWN
    else:
        truth = Truth.TRUE if every else Truth.FALSE
    combined = Evaluation(truth)
    for child in children:
        combined.values.update(child.values)
        combined.checks += child.checks
        if truth is Truth.UNKNOWN and child.truth is Truth.UNKNOWN:
            combined.missing += [m for m in child.missing if m not in combined.missing]
    return combined
