"""The knowledge-base entities, as one frozen, strictly validated definition.

The same models describe the shipped YAML files, content packs and what the services hand to the
GUI, CLI and PDF layers, so the file format and the screens can never drift apart. Strict mode
means a YAML ``no`` never becomes ``False`` where text is expected and unknown keys are errors.
"""

from __future__ import annotations

import hashlib
import re
from typing import Annotated, Literal, Self

from pydantic import ConfigDict, Field, Strict, StringConstraints, model_validator

from ketref.domain import enums as e
from ketref.domain import rule_conditions as rc
from ketref.domain.content_base import (
    VERSION_PATTERN,
    LooseDate,
    RefIds,
    ShortText,
    Slug,
    Sourced,
    Text,
)
from ketref.domain.content_base import Item as Item
from ketref.domain.content_base import Link as Link
from ketref.domain.content_base import Model as Model
from ketref.domain.content_base import Reference as Reference
from ketref.domain.enums import ItemKind, Product
from ketref.domain.rule_conditions import Condition

# Enums arrive as their text values (YAML, JSON); strict mode would demand enum instances.
AudienceT = Annotated[e.Audience, Strict(False)]
CalloutStyleT = Annotated[e.CalloutStyle, Strict(False)]
ContraindicationClassT = Annotated[e.ContraindicationClass, Strict(False)]
EvidenceStrengthT = Annotated[e.EvidenceStrength, Strict(False)]
InteractionLevelT = Annotated[e.InteractionLevel, Strict(False)]
MonitoringPhaseT = Annotated[e.MonitoringPhase, Strict(False)]
ProductT = Annotated[e.Product, Strict(False)]
RegulatoryStatusT = Annotated[e.RegulatoryStatus, Strict(False)]
RuleOutcomeT = Annotated[e.RuleOutcome, Strict(False)]
SeverityT = Annotated[e.Severity, Strict(False)]
SideEffectCategoryT = Annotated[e.SideEffectCategory, Strict(False)]


def _both_products(mapping: dict[Product, object], what: str) -> None:
    missing = [p.value for p in Product if p not in mapping]
    if missing:
        raise ValueError(f"{what} must cover every product; missing: {', '.join(missing)}")


# --- Indications ---------------------------------------------------------------------------


class Outcome(Model):
    """One outcome figure with the trial it comes from and what it was compared with."""

    trial: ShortText
    finding: Text
    comparator: ShortText | None = None
    references: RefIds
    verified: bool = True


class IndicationUse(Model):
    """Status, evidence and protocol of one product for one indication."""

    status: RegulatoryStatusT
    evidence: EvidenceStrengthT | None = None
    evidence_reason: Text
    outcomes: list[Outcome] = []
    onset: Text | None = None
    durability: Text | None = None
    protocol: Text | None = None
    references: RefIds


class Indication(Item):
    definition: Text | None = None
    uses: dict[ProductT, IndicationUse]

    @model_validator(mode="after")
    def _covers_products(self) -> Self:
        _both_products(dict(self.uses), "uses")
        return self


# --- Contraindications ---------------------------------------------------------------------


class ProductClass(Model):
    """The class of a contraindication for one product, with what it rests on."""

    model_config = ConfigDict(
        strict=True, extra="forbid", frozen=True, populate_by_name=True, defer_build=True
    )

    level: ContraindicationClassT = Field(alias="class")
    note: Text | None = None


class NumericThreshold(Model):
    """A number the screener and the clinician compare a patient value with."""

    parameter: Slug
    comparison: Literal[">", ">=", "<", "<="]
    value: Annotated[float, Field(gt=0, allow_inf_nan=False)]
    """Blood pressures, ages, scores: always a positive, finite number."""
    unit: ShortText
    meaning: ShortText
    products: Annotated[list[ProductT], Field(min_length=1)]
    references: RefIds


class Contraindication(Item):
    classes: dict[ProductT, ProductClass]
    detail: Text
    thresholds: list[NumericThreshold] = []
    rationale: Text

    @model_validator(mode="after")
    def _covers_products(self) -> Self:
        _both_products(dict(self.classes), "classes")
        return self


# --- Side effects --------------------------------------------------------------------------


class Frequency(Model):
    """How often a reaction occurred, always with its setting and, where one exists, comparator."""

    product: ProductT
    treated: ShortText
    comparator: ShortText | None = None
    comparator_value: ShortText | None = None
    setting: Text
    references: RefIds
    verified: bool = True

    @model_validator(mode="after")
    def _comparator_pair(self) -> Self:
        if (self.comparator is None) != (self.comparator_value is None):
            raise ValueError("comparator and comparator_value go together")
        return self


class SideEffect(Item):
    category: SideEffectCategoryT
    products: Annotated[list[ProductT], Field(min_length=1)]
    frequencies: list[Frequency] = []
    onset: Text | None = None
    peak: Text | None = None
    resolution: Text | None = None
    severity: SeverityT
    severity_note: Text | None = None
    management: Text


# --- Interactions --------------------------------------------------------------------------


class Interaction(Item):
    drug_class: ShortText
    agents: list[Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9 '\-]*$")]] = []
    products: Annotated[list[ProductT], Field(min_length=1)]
    level: InteractionLevelT
    effect: Text
    rule: Text


# --- Monitoring ----------------------------------------------------------------------------


class MonitoringStep(Item):
    phase: MonitoringPhaseT
    order: Annotated[int, Field(ge=0, le=9999)] = 0
    products: Annotated[list[ProductT], Field(min_length=1)]
    timepoint: ShortText | None = None
    what: Text
    threshold: Text | None = None
    checklist: list[Text] = []


# --- Handouts ------------------------------------------------------------------------------


class ParagraphBlock(Model):
    type: Literal["paragraph"]
    text: Text


class BulletsBlock(Model):
    type: Literal["bullets"]
    items: Annotated[list[Text], Field(min_length=1)]


class StepsBlock(Model):
    type: Literal["steps"]
    items: Annotated[list[Text], Field(min_length=1)]


class ChecklistBlock(Model):
    type: Literal["checklist"]
    items: Annotated[list[Text], Field(min_length=1)]


class CalloutBlock(Model):
    type: Literal["callout"]
    style: CalloutStyleT
    title: ShortText
    text: Text | None = None
    items: list[Text] = []

    @model_validator(mode="after")
    def _has_body(self) -> Self:
        if not self.text and not self.items:
            raise ValueError("a callout needs text or items")
        return self


Block = Annotated[
    ParagraphBlock | BulletsBlock | StepsBlock | ChecklistBlock | CalloutBlock,
    Field(discriminator="type"),
]


class HandoutSection(Model):
    heading: ShortText
    blocks: Annotated[list[Block], Field(min_length=1)]


class TranslationSource(Model):
    """The English handout a translation was made from, as it was then.

    ``text_hash`` is the source's ``text_fingerprint()``: when the source's words change, the
    fingerprint no longer matches and the translation is shown as needing review.
    """

    slug: Slug
    version: Annotated[str, StringConstraints(pattern=VERSION_PATTERN)]
    text_hash: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{16}$")]


class Handout(Item):
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(?:-[A-Z]{2})?$")] = "en"
    audience: AudienceT = e.Audience.PATIENT
    version: Annotated[str, StringConstraints(pattern=VERSION_PATTERN)]
    products: Annotated[list[ProductT], Field(min_length=1)]
    main_message: Text
    sections: Annotated[list[HandoutSection], Field(min_length=1)]
    translation_of: TranslationSource | None = None

    @model_validator(mode="after")
    def _translation_is_of_another_language(self) -> Self:
        if self.translation_of is not None and self.language == "en":
            raise ValueError("translation_of is for handouts in a language other than English")
        return self

    def text_fingerprint(self) -> str:
        """A short hash of the patient-facing words (not dates or links): what a translation
        records of its source, so only a change of wording asks for the translation's review."""
        return hashlib.sha256(self.plain_text().encode("utf-8")).hexdigest()[:16]

    def source_changed(self, source: Handout) -> bool:
        """Whether ``source`` (this translation's English handout) differs from the version
        this translation was made from."""
        recorded = self.translation_of
        if recorded is None:
            return False
        return (recorded.version, recorded.text_hash) != (
            source.version,
            source.text_fingerprint(),
        )

    def plain_text(self) -> str:
        """All patient-facing words, in reading order (for readability scoring and search)."""
        parts: list[str] = [self.title, self.main_message]
        for section in self.sections:
            parts.append(section.heading)
            for block in section.blocks:
                if isinstance(block, ParagraphBlock):
                    parts.append(block.text)
                elif isinstance(block, CalloutBlock):
                    parts.append(block.title)
                    parts.extend(filter(None, [block.text]))
                    parts.extend(block.items)
                else:
                    parts.extend(block.items)
        return "\n".join(parts)


# --- Product pages -------------------------------------------------------------------------


class Statement(Model):
    """One referenced sentence or short paragraph on a product page."""

    text: Text
    references: RefIds
    verified: bool = True
    unverified_note: Text | None = None

    @model_validator(mode="after")
    def _unverified_needs_note(self) -> Self:
        if not self.verified and not self.unverified_note:
            raise ValueError("verified: false needs an unverified_note saying what is unverified")
        return self


class ProductStatus(Statement):
    """The regulatory status of this product for one indication (linked by slug)."""

    indication: Slug
    status: RegulatoryStatusT


class DosePhase(Statement):
    """A dose and schedule for one phase, as the label or a named protocol gives it."""

    phase: ShortText


class ProductSection(Model):
    """A titled group of statements (e.g. the Ketalar anaesthetic use as context)."""

    heading: ShortText
    statements: Annotated[list[Statement], Field(min_length=1)]


class ProductPage(Item):
    """One product: what it is, its status per indication, dosing, setting and warnings.

    Every statement carries its own references, so a reader sees which source says what.
    """

    product: ProductT
    what_it_is: Annotated[list[Statement], Field(min_length=1)]
    statuses: Annotated[list[ProductStatus], Field(min_length=1)]
    dosing: Annotated[list[DosePhase], Field(min_length=1)]
    administration: Annotated[list[Statement], Field(min_length=1)]
    observation: Annotated[list[Statement], Field(min_length=1)]
    storage: Annotated[list[Statement], Field(min_length=1)]
    pharmacology: Annotated[list[Statement], Field(min_length=1, max_length=2)]
    warnings: Annotated[list[Statement], Field(min_length=1)]
    context: list[ProductSection] = []


# --- Screening rules -----------------------------------------------------------------------


class ScreeningRule(Sourced):
    """A versioned rule the screening engine evaluates; the engine itself stays pure code.

    ``when`` is a typed condition over the patient form (see ``rule_conditions``). ``outcome``
    is what the rule contributes when the condition holds; when it cannot be evaluated because a
    fact is unknown, the engine reports that instead (never "does not apply").
    """

    id: Slug
    version: Annotated[int, Field(ge=1)]
    factor: Slug
    products: Annotated[list[ProductT], Field(min_length=1)]
    outcome: RuleOutcomeT
    when: Condition
    message: Text
    contraindication: Slug | None = None
    label_conditions: list[rc.LabelCondition] = []
    """For an indication-met rule: what the product's label also requires (e.g. adults only).
    The indication is met only when ``when`` and every label condition hold."""

    @model_validator(mode="after")
    def _check_shape(self) -> Self:
        if len(set(self.products)) != len(self.products):
            raise ValueError("a product is listed twice")
        problem = rc.shape_problem(
            self.when, self.outcome, self.contraindication, self.label_conditions
        )
        if problem:
            raise ValueError(problem)
        return self

    @property
    def diagnoses(self) -> list[str]:
        """Indication slugs this rule's condition mentions."""
        return rc.diagnoses_in(self.when)

    @property
    def classes_taken(self) -> list[str]:
        """Interaction classes this rule's conditions (label conditions too) refer to."""
        conditions = [self.when, *(c.when for c in self.label_conditions)]
        return [slug for c in conditions for slug in rc.classes_taken_in(c)]


# --- Search synonyms and the release -------------------------------------------------------


class Synonym(Model):
    """Terms a clinician may type that mean the same as the canonical words."""

    term: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=60)]
    means: Annotated[list[ShortText], Field(min_length=1)]


class Release(Model):
    """The shipped content's version; a newer one is loaded over an older one."""

    version: Annotated[str, StringConstraints(pattern=VERSION_PATTERN)]
    released: LooseDate
    notes: Text | None = None

    @property
    def version_tuple(self) -> tuple[int, ...]:
        return version_tuple(self.version)


def version_tuple(version: str) -> tuple[int, ...]:
    """``"2026.11.2"`` -> ``(2026, 11, 2)`` so versions compare as numbers, not text."""
    if not re.fullmatch(VERSION_PATTERN, version):
        raise ValueError(f"not a content version: {version!r}")
    return tuple(int(p) for p in version.split("."))


ClinicalItem = (
    Indication
    | Contraindication
    | SideEffect
    | Interaction
    | MonitoringStep
    | Handout
    | ProductPage
)

MODEL_BY_KIND: dict[ItemKind, type[Item]] = {
    ItemKind.INDICATION: Indication,
    ItemKind.CONTRAINDICATION: Contraindication,
    ItemKind.SIDE_EFFECT: SideEffect,
    ItemKind.INTERACTION: Interaction,
    ItemKind.MONITORING: MonitoringStep,
    ItemKind.HANDOUT: Handout,
    ItemKind.PRODUCT: ProductPage,
}
"""Catalogue kinds that are clinical items (references are stored and shown apart)."""


class ContentBundle(Model):
    """A whole knowledge base: what the shipped folder or a content pack holds.

    Each item is validated on its own; checks across items (ids, citations, links, rules)
    are ``content_integrity.integrity_problems``, which the content reader runs.
    """

    release: Release
    references: list[Reference] = []
    indications: list[Indication] = []
    contraindications: list[Contraindication] = []
    side_effects: list[SideEffect] = []
    interactions: list[Interaction] = []
    monitoring: list[MonitoringStep] = []
    handouts: list[Handout] = []
    products: list[ProductPage] = []
    screening_rules: list[ScreeningRule] = []
    synonyms: list[Synonym] = []

    def items_of(self, kind: ItemKind) -> list[Item]:
        """The items of one clinical kind."""
        return list(getattr(self, _FIELD_BY_KIND[kind]))

    def clinical_items(self) -> list[tuple[ItemKind, Item]]:
        return [(kind, item) for kind in MODEL_BY_KIND for item in self.items_of(kind)]


_FIELD_BY_KIND = {
    ItemKind.INDICATION: "indications",
    ItemKind.CONTRAINDICATION: "contraindications",
    ItemKind.SIDE_EFFECT: "side_effects",
    ItemKind.INTERACTION: "interactions",
    ItemKind.MONITORING: "monitoring",
    ItemKind.HANDOUT: "handouts",
    ItemKind.PRODUCT: "products",
}
