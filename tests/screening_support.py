"""Shared test data for screening: the shipped rules without a database, and patient builders."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ketref.domain.enums import Product
from ketref.domain.patient import PATIENT_FIELDS, FieldKind, Patient
from ketref.domain.screening import screen
from ketref.domain.screening_knowledge import MedicationIndex, RuleSet
from ketref.domain.screening_result import ScreeningResult
from ketref.domain.thresholds import Thresholds
from tests.conftest import shipped_bundle

IV = Product.IV_KETAMINE
ESK = Product.ESKETAMINE_NASAL


@lru_cache(maxsize=1)
def shipped_rules() -> RuleSet:
    b = shipped_bundle()
    return RuleSet.from_content(
        b.release.version, b.screening_rules, b.indications, b.contraindications, b.interactions
    )


@lru_cache(maxsize=1)
def shipped_medicines() -> MedicationIndex:
    bundle = shipped_bundle()
    synonyms = {s.term: list(s.means) for s in bundle.synonyms}
    return MedicationIndex.from_interactions(bundle.interactions, synonyms)


def clear_values(**changes: Any) -> dict[str, Any]:
    """A fully answered adult with TRD and nothing against treatment, then ``changes``."""
    values: dict[str, Any] = {
        spec.name: False for spec in PATIENT_FIELDS if spec.kind is FieldKind.FLAG
    }
    values.update(
        age_years=40,
        diagnoses=["treatment-resistant-depression"],
        failed_antidepressant_trials=3,
        systolic_bp=120,
        diastolic_bp=80,
        medications=[],
        lorazepam_equivalent_mg_per_day=None,
    )
    values.update(changes)
    return values


def clear_patient(**changes: Any) -> Patient:
    return Patient(**clear_values(**changes))


def run(
    patient: Patient, thresholds: Thresholds | None = None, rules: RuleSet | None = None
) -> ScreeningResult:
    return screen(
        patient, rules or shipped_rules(), thresholds or Thresholds(), shipped_medicines()
    )


def fired(result: ScreeningResult, product: Product) -> set[str]:
    """Rule ids of findings that hold (not the 'not known' ones)."""
    return {f.rule_id for f in result.for_product(product).findings if not f.missing}


def unknown(result: ScreeningResult, product: Product) -> set[str]:
    return {f.rule_id for f in result.for_product(product).findings if f.missing}
