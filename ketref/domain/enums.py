"""Closed vocabularies shared by the content files, the database and the screens."""

from __future__ import annotations

from enum import StrEnum


class Product(StrEnum):
    """A product and route ketref covers; each gets its own verdicts and classes."""

    IV_KETAMINE = "iv-ketamine"
    ESKETAMINE_NASAL = "esketamine-nasal"

    @property
    def label(self) -> str:
        return _PRODUCT_LABELS[self]


_PRODUCT_LABELS = {
    Product.IV_KETAMINE: "IV ketamine (racemic)",
    Product.ESKETAMINE_NASAL: "Esketamine nasal spray (Spravato)",
}


class ItemKind(StrEnum):
    """Kinds of catalogue item; the values are the CLI and URL names."""

    INDICATION = "indications"
    CONTRAINDICATION = "contraindications"
    SIDE_EFFECT = "side-effects"
    INTERACTION = "interactions"
    MONITORING = "monitoring"
    HANDOUT = "handouts"
    PRODUCT = "products"
    REFERENCE = "references"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()

    @property
    def singular(self) -> str:
        return _SINGULAR[self]


_SINGULAR = {
    ItemKind.INDICATION: "Indication",
    ItemKind.CONTRAINDICATION: "Contraindication",
    ItemKind.SIDE_EFFECT: "Side effect",
    ItemKind.INTERACTION: "Interaction",
    ItemKind.MONITORING: "Monitoring step",
    ItemKind.HANDOUT: "Handout",
    ItemKind.PRODUCT: "Product page",
    ItemKind.REFERENCE: "Reference",
}


class ContentState(StrEnum):
    """A saved version of an item: approved versions are shown and printed, drafts never."""

    DRAFT = "draft"
    APPROVED = "approved"
    RELEASE = "release"
    """A newer release's version of an item edited here: kept beside the local edit (never
    current) until the editor keeps theirs, takes the release's or merges by hand."""


class ReferenceKind(StrEnum):
    LABEL = "label"
    REGULATOR = "regulator"
    GUIDELINE = "guideline"
    CONSENSUS = "consensus"
    TRIAL = "trial"
    META_ANALYSIS = "meta-analysis"
    REVIEW = "review"
    OBSERVATIONAL = "observational"
    POST_MARKETING = "post-marketing"
    MANUFACTURER = "manufacturer"
    CONSUMER = "consumer"
    OTHER = "other"


class RegulatoryStatus(StrEnum):
    APPROVED = "approved"
    OFF_LABEL = "off-label"
    NOT_APPROVED = "not-approved"


class EvidenceStrength(StrEnum):
    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"
    VERY_LOW = "very-low"


class ContraindicationClass(StrEnum):
    """How strongly a condition argues against a product, strongest first."""

    ABSOLUTE_LABEL = "absolute-label"
    ABSOLUTE_GUIDELINE = "absolute-guideline"
    NOT_RECOMMENDED = "not-recommended"
    RELATIVE = "relative"
    PRECAUTION = "precaution"

    @property
    def label(self) -> str:
        return _CLASS_LABELS[self]


_CLASS_LABELS = {
    ContraindicationClass.ABSOLUTE_LABEL: "Absolute (label)",
    ContraindicationClass.ABSOLUTE_GUIDELINE: "Absolute (guideline)",
    ContraindicationClass.NOT_RECOMMENDED: "Not recommended (label)",
    ContraindicationClass.RELATIVE: "Relative",
    ContraindicationClass.PRECAUTION: "Precaution",
}


class SideEffectCategory(StrEnum):
    ACUTE = "acute"
    SERIOUS = "serious"
    LONG_TERM = "long-term"


class Severity(StrEnum):
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"
    VARIABLE = "variable"


class InteractionLevel(StrEnum):
    """What the clinician should do; `avoid` is the strongest."""

    AVOID = "avoid"
    CAUTION = "caution"
    INFORMATIONAL = "informational"
    COMPATIBLE = "compatible"


class MonitoringPhase(StrEnum):
    PRE_TREATMENT = "pre-treatment"
    SETTING = "setting"
    DURING = "during"
    OBSERVATION = "observation"
    DISCHARGE = "discharge"
    AFTERCARE = "aftercare"
    REMS = "rems"
    RATING_SCALE = "rating-scale"


class Audience(StrEnum):
    PATIENT = "patient"
    CARER = "carer"
    CLINICIAN = "clinician"


class CalloutStyle(StrEnum):
    KEY = "key"
    WARNING = "warning"
    EMERGENCY = "emergency"


class RuleOutcome(StrEnum):
    """What a screening rule contributes when it fires for a product."""

    NOT_ELIGIBLE = "not-eligible"
    NEEDS_REVIEW = "needs-review"
    INDICATION_MET = "indication-met"
    INFORMATIONAL = "informational"


class FindingOutcome(StrEnum):
    """What one screening finding says about one product, most serious first."""

    NOT_ELIGIBLE = "not-eligible"
    AVOID_COMBINATION = "avoid-combination"
    """A listed medicine must not be given with the product (e.g. theophylline)."""
    CANNOT_DETERMINE = "cannot-determine"
    NEEDS_REVIEW = "needs-review"
    INDICATION_MET = "indication-met"
    INFORMATIONAL = "informational"

    @property
    def rank(self) -> int:
        """0 for the most serious outcome; findings are listed in this order."""
        return list(FindingOutcome).index(self)


class ScreeningStatus(StrEnum):
    """The verdict for one product; precedence follows the declaration order."""

    NOT_ELIGIBLE = "not-eligible"
    AVOID_COMBINATION = "avoid-combination"
    """Stronger than needs-review: a listed medicine is one the sources say not to combine."""
    CANNOT_DETERMINE = "cannot-determine"
    NEEDS_REVIEW = "needs-review"
    ELIGIBLE_TO_CONSIDER = "eligible-to-consider"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    ScreeningStatus.NOT_ELIGIBLE: "Not eligible",
    ScreeningStatus.AVOID_COMBINATION: "Needs review: medicine to avoid",
    ScreeningStatus.CANNOT_DETERMINE: "Cannot determine",
    ScreeningStatus.NEEDS_REVIEW: "Needs review",
    ScreeningStatus.ELIGIBLE_TO_CONSIDER: "Eligible to consider",
}
