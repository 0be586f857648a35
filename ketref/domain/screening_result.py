"""What a screening returns: per product a status and the findings that explain it.

There is no bare yes/no anywhere: every finding names its rule, the patient values it used, the
thresholds it compared with, its references and the rule-set version, so the clinician can review
the basis of every statement (FDA clinical-decision-support principle; RELIABILITY SC-01).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ketref.domain.enums import FindingOutcome, ItemKind, Product, ScreeningStatus
from ketref.domain.thresholds import Thresholds

DISCLAIMER = (
    "Decision support only: this screener supports, and does not replace, clinical judgement. "
    "Review the basis of every finding."
)

JsonValue = bool | int | float | str | tuple[str, ...] | None


@dataclass(frozen=True)
class ThresholdCheck:
    """One comparison a rule made: patient value, operator, threshold and what came out."""

    field: str
    op: str
    threshold: float
    patient_value: float | None
    met: bool | None
    """True/False, or None when the patient value is unknown."""
    setting: str | None = None
    """The threshold setting used (e.g. ``bp_stop_systolic``); None for a fixed value."""

    @property
    def local_policy(self) -> bool:
        """Settings are clinic policy (configurable); fixed values come from the sources."""
        return self.setting is not None

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "op": self.op,
            "value": _plain_number(self.threshold),
            "setting": self.setting,
            "local_policy": self.local_policy,
            "patient_value": _plain_number(self.patient_value),
            "met": self.met,
        }


@dataclass(frozen=True)
class ItemRef:
    """The catalogue item a finding is about, for a link in the GUI."""

    kind: ItemKind
    slug: str


@dataclass(frozen=True)
class Finding:
    """One reason in a product's result."""

    rule_id: str
    rule_version: int
    outcome: FindingOutcome
    message: str
    values: tuple[tuple[str, JsonValue], ...]
    """Patient values the rule used, by field name (``None`` = not known)."""
    threshold: tuple[ThresholdCheck, ...]
    missing: tuple[str, ...]
    """Fields whose unknown value kept the rule from being decided."""
    references: tuple[str, ...]
    ruleset_version: str
    basis: str | None = None
    """Class or status behind the rule: e.g. ``absolute-label``, ``off-label``, ``caution``."""
    item: ItemRef | None = None
    verified: bool = True
    unverified_note: str | None = None
    reviewed: date | None = None
    review_due: date | None = None
    headline: str | None = None
    """A few words for the product's status line (e.g. "off-label; evidence low: PTSD")."""

    @property
    def is_unknown(self) -> bool:
        """The finding reports an unanswered question rather than a fact that holds."""
        return bool(self.missing)

    @property
    def from_engine(self) -> bool:
        """Made by the engine itself (e.g. "no rules loaded"), not by a content rule."""
        return self.rule_version == 0

    def sort_key(self) -> tuple[Any, ...]:
        return (
            self.outcome.rank,
            self.rule_id,
            self.item.slug if self.item else "",
            repr(self.values),
            self.message,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "rule_version": self.rule_version,
            "outcome": self.outcome.value,
            "message": self.message,
            "values": {name: _json_value(value) for name, value in self.values},
            "missing": list(self.missing),
            "threshold": [check.as_dict() for check in self.threshold],
            "references": list(self.references),
            "basis": self.basis,
            "item": {"kind": self.item.kind.value, "slug": self.item.slug} if self.item else None,
            "verified": self.verified,
            "unverified_note": self.unverified_note,
            "reviewed": self.reviewed.isoformat() if self.reviewed else None,
            "review_due": self.review_due.isoformat() if self.review_due else None,
            "headline": self.headline,
            "ruleset_version": self.ruleset_version,
        }


@dataclass(frozen=True)
class ProductResult:
    product: Product
    status: ScreeningStatus
    findings: tuple[Finding, ...]
    reason: str | None = None
    """Why the status is what it is, in a few words, when the deciding findings say (e.g.
    "off-label; evidence very low: Fibromyalgia"); None otherwise."""

    @property
    def status_text(self) -> str:
        """The status label with its reason, as every output shows it."""
        return f"{self.status.label} ({self.reason})" if self.reason else self.status.label

    def findings_with(self, outcome: FindingOutcome) -> list[Finding]:
        return [f for f in self.findings if f.outcome is outcome]

    def as_dict(self) -> dict[str, Any]:
        return {
            "product": self.product.value,
            "status": self.status.value,
            "status_label": self.status.label,
            "reason": self.reason,
            "findings": [f.as_dict() for f in self.findings],
        }


@dataclass(frozen=True)
class ScreeningResult:
    """The result for every product, with the rule-set version and thresholds used."""

    ruleset_version: str
    thresholds: Thresholds
    results: tuple[ProductResult, ...]

    def for_product(self, product: Product) -> ProductResult:
        return next(r for r in self.results if r.product is product)

    def cited_references(self) -> list[str]:
        """Reference ids in order of first citation across all findings."""
        return list(
            dict.fromkeys(ref for r in self.results for f in r.findings for ref in f.references)
        )

    def as_dict(self) -> dict[str, Any]:
        """The public JSON shape: ``{"ruleset_version", "thresholds", "results": [...]}``."""
        return {
            "ruleset_version": self.ruleset_version,
            "thresholds": self.thresholds.as_dict(),
            "results": [r.as_dict() for r in self.results],
        }


def _plain_number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _json_value(value: JsonValue) -> bool | int | float | str | list[str] | None:
    return list(value) if isinstance(value, tuple) else value
