"""The typed ``when`` of a screening rule: what must hold for the rule to fire.

Each condition is a small mapping recognised by its key, so rules read naturally in YAML::

    when: {flag: aneurysmal_vascular_disease}
    when:
      any:
        - {field: systolic_bp, op: ">", setting: bp_stop_systolic}
        - {field: diastolic_bp, op: ">", setting: bp_stop_diastolic}
    when:
      all:
        - {diagnosis: treatment-resistant-depression}
        - {field: failed_antidepressant_trials, op: ">=", value: 2}
    when: {medications: [avoid, caution, not-recognised]}
    when: {no_indication_met: true}

Field names are checked against the patient form, so a rule about a question nobody asks is
refused when content is loaded instead of silently never firing. There is no negation: a fact
turning from unknown to true can only make a result stricter.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Strict,
    Tag,
    field_validator,
    model_validator,
)

from ketref.domain.enums import RuleOutcome
from ketref.domain.patient import FIELD_BY_NAME, FLAG_FIELDS, NUMERIC_FIELDS
from ketref.domain.thresholds import ThresholdSetting

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", min_length=1, max_length=80)]
SettingT = Annotated[ThresholdSetting, Strict(False)]
MedicationLevel = Literal["avoid", "caution", "informational", "compatible", "not-recognised"]
NOT_RECOGNISED: MedicationLevel = "not-recognised"


class Model(BaseModel):
    """Strict, frozen, unknown keys refused (the same rules as the content models)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class FlagCondition(Model):
    """True when the patient's answer to a yes/no question is yes."""

    flag: str

    @field_validator("flag")
    @classmethod
    def _known_flag(cls, name: str) -> str:
        if name not in FLAG_FIELDS:
            raise ValueError(f"{name!r} is not a yes/no field of the patient form")
        return name


class CompareCondition(Model):
    """A numeric patient field compared with a fixed value or a named threshold setting."""

    field: str
    op: Literal[">", ">=", "<", "<="]
    value: int | float | None = None
    setting: SettingT | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.field not in NUMERIC_FIELDS:
            raise ValueError(f"{self.field!r} is not a numeric field of the patient form")
        if (self.value is None) == (self.setting is None):
            raise ValueError("give exactly one of 'value' and 'setting'")
        if self.setting is not None and self.setting.patient_field != self.field:
            raise ValueError(f"setting {self.setting.value} is not a threshold for {self.field}")
        if self.value is not None and not _within_range(self.field, self.value):
            raise ValueError(f"{self.value} is outside the range of {self.field}")
        return self


def _within_range(field: str, value: float) -> bool:
    spec = FIELD_BY_NAME[field]
    low = spec.minimum if spec.minimum is not None else value
    high = spec.maximum if spec.maximum is not None else value
    return low <= value <= high


class DiagnosisCondition(Model):
    """True when the patient's diagnoses include this knowledge-base indication slug."""

    diagnosis: Slug


class TakesCondition(Model):
    """True when a listed medicine belongs to this interaction class (by its ``agents``)."""

    takes: Slug


class AllCondition(Model):
    all: Annotated[list[Condition], Field(min_length=2)]


class AnyCondition(Model):
    any: Annotated[list[Condition], Field(min_length=2)]


class MedicationsCondition(Model):
    """One finding per listed medicine whose interaction level (or non-recognition) is listed.

    Allowed only as the whole ``when`` of a rule.
    """

    medications: Annotated[list[MedicationLevel], Field(min_length=1)]

    @field_validator("medications")
    @classmethod
    def _unique(cls, levels: list[MedicationLevel]) -> list[MedicationLevel]:
        if len(set(levels)) != len(levels):
            raise ValueError("a level is listed twice")
        return levels


class NoIndicationCondition(Model):
    """True when no indication rule for the product fired; allowed only as the whole ``when``."""

    no_indication_met: Literal[True]


_TAGS = ("flag", "field", "diagnosis", "takes", "all", "any", "medications", "no_indication_met")
_MODEL_TAGS: dict[type[Model], str] = {}


def _condition_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        return next((tag for tag in _TAGS if tag in value), None)
    return _MODEL_TAGS.get(type(value))


Condition = Annotated[
    Annotated[FlagCondition, Tag("flag")]
    | Annotated[CompareCondition, Tag("field")]
    | Annotated[DiagnosisCondition, Tag("diagnosis")]
    | Annotated[TakesCondition, Tag("takes")]
    | Annotated[AllCondition, Tag("all")]
    | Annotated[AnyCondition, Tag("any")]
    | Annotated[MedicationsCondition, Tag("medications")]
    | Annotated[NoIndicationCondition, Tag("no_indication_met")],
    Discriminator(
        _condition_tag,
        custom_error_type="unknown_condition",
        custom_error_message=f"a condition needs one of the keys: {', '.join(_TAGS)}",
    ),
]

_MODEL_TAGS.update(
    {
        FlagCondition: "flag",
        CompareCondition: "field",
        DiagnosisCondition: "diagnosis",
        TakesCondition: "takes",
        AllCondition: "all",
        AnyCondition: "any",
        MedicationsCondition: "medications",
        NoIndicationCondition: "no_indication_met",
    }
)
AllCondition.model_rebuild()
AnyCondition.model_rebuild()

TOP_LEVEL_ONLY = (MedicationsCondition, NoIndicationCondition)


class LabelCondition(Model):
    """A condition the product's label sets for an indication (age, combination therapy).

    The indication counts as met only when it holds; when it does not, the finding names
    ``requires``, and when it is unknown the question stays open (never read as "no").
    """

    requires: Annotated[str, Field(min_length=3, max_length=300)]
    """What the label requires, in words, e.g. "adults (18 years or older)"."""
    when: Condition

    @model_validator(mode="after")
    def _plain_condition(self) -> Self:
        if any(isinstance(c, TOP_LEVEL_ONLY) for c in walk(self.when)):
            raise ValueError("a label condition cannot use 'medications' or 'no_indication_met'")
        return self


def walk(condition: Condition) -> Iterator[Condition]:
    """The condition and every condition nested inside it, depth first."""
    yield condition
    if isinstance(condition, AllCondition):
        for child in condition.all:
            yield from walk(child)
    elif isinstance(condition, AnyCondition):
        for child in condition.any:
            yield from walk(child)


def nested_top_level_only(condition: Condition) -> list[str]:
    """Names of top-level-only conditions found nested inside ``all``/``any``."""
    return [
        _MODEL_TAGS[type(c)]
        for c in walk(condition)
        if c is not condition and isinstance(c, TOP_LEVEL_ONLY)
    ]


def diagnoses_in(condition: Condition) -> list[str]:
    return [c.diagnosis for c in walk(condition) if isinstance(c, DiagnosisCondition)]


def classes_taken_in(condition: Condition) -> list[str]:
    return [c.takes for c in walk(condition) if isinstance(c, TakesCondition)]


def shape_problem(
    when: Condition,
    outcome: RuleOutcome,
    contraindication: str | None,
    label_conditions: Sequence[LabelCondition] = (),
) -> str | None:
    """Why this ``when`` cannot go with this outcome, or None when they fit."""
    if label_conditions and outcome is not RuleOutcome.INDICATION_MET:
        return "only an indication-met rule can have label_conditions"
    nested = nested_top_level_only(when)
    if nested:
        return f"'{nested[0]}' must be the whole 'when', not nested in all/any"
    if isinstance(when, NoIndicationCondition) and outcome is not RuleOutcome.NEEDS_REVIEW:
        return "a no_indication_met rule must have outcome needs-review"
    if isinstance(when, MedicationsCondition) and outcome not in (
        RuleOutcome.NEEDS_REVIEW,
        RuleOutcome.INFORMATIONAL,
    ):
        return "a medications rule must have outcome needs-review or informational"
    if outcome is RuleOutcome.INDICATION_MET:
        if not diagnoses_in(when):
            return "an indication-met rule needs a diagnosis condition"
        if contraindication:
            return "an indication-met rule cannot name a contraindication"
    return None
