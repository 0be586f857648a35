"""Checks over the shipped knowledge base, so content cannot silently rot or disappear."""

from __future__ import annotations

import re
from datetime import date

import pytest

from ketref.domain.content import ContentBundle, Handout
from ketref.domain.enums import Product
from ketref.domain.model_walk import cited_reference_ids
from ketref.domain.readability import measure

pytestmark = pytest.mark.content

INDICATION_SLUGS = {
    "treatment-resistant-depression",
    "major-depressive-disorder",
    "depression-with-suicidal-ideation",
    "bipolar-depression",
    "generalized-anxiety-disorder",
    "social-anxiety-disorder",
    "ptsd",
    "complex-regional-pain-syndrome",
    "neuropathic-pain",
    "fibromyalgia",
    "chronic-pain",
    "anaesthesia",
}

# FACTS.md §7: claims no content may make (checked case-insensitively, whole words).
UNSUPPORTED_CLAIMS = [
    r"no side[- ]effects?",
    r"none to minimal side[- ]effects",
    r"no (reported )?long[- ]term side[- ]effects",
    r"\bcures?\b",
    r"\bcured\b",
    r"success rate",
    r"not addictive",
    r"non[- ]addictive",
    r"prevents? suicide",
    r"FDA[- ]approved (IV |intravenous |oral |compounded )?ketamine for",
    r"safe because it has been used",
    r"lasts? for months",
    r"grows? new brain cells",
    r"repairs? the brain",
    r"better than ECT",
    r"if you dissociate,? it(?:'s| is) working",
    r"works for everything",
    r"as safe as (in[- ]clinic|clinic)",
    r"no weight gain",
]


def _all_text(bundle: ContentBundle) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for kind, item in bundle.clinical_items():
        out.append((f"{kind.value}/{item.slug}", item.model_dump_json()))
    return out


def test_minimum_counts(bundle: ContentBundle) -> None:
    assert {i.slug for i in bundle.indications} >= INDICATION_SLUGS
    assert len(bundle.contraindications) >= 29
    assert len(bundle.side_effects) >= 30
    assert len(bundle.interactions) >= 14
    assert len(bundle.monitoring) >= 30
    assert len([h for h in bundle.handouts if h.language == "en"]) >= 10
    assert len(bundle.references) >= 100


def test_every_indication_covers_both_products_with_reasoned_evidence(
    bundle: ContentBundle,
) -> None:
    for ind in bundle.indications:
        assert set(ind.uses) == set(Product)
        for use in ind.uses.values():
            assert use.evidence_reason


def test_every_item_is_referenced_and_dated(bundle: ContentBundle) -> None:
    known = {r.id for r in bundle.references}
    cited: set[str] = set()
    for kind, item in bundle.clinical_items():
        refs = cited_reference_ids(item)
        assert refs, f"{kind}/{item.slug} has no reference"
        assert refs <= known
        assert item.review_due > item.reviewed >= date(2026, 1, 1)
        cited |= refs
    assert known == cited, "every shipped reference is cited"


def test_unverified_facts_say_what_is_unverified(bundle: ContentBundle) -> None:
    unverified = [i for _, i in bundle.clinical_items() if not i.verified]
    assert unverified, "FACTS.md has [M] facts; some items must be flagged"
    assert all(i.unverified_note for i in unverified)


def test_no_unsupported_claims(bundle: ContentBundle) -> None:
    hits = []
    for where, text in _all_text(bundle):
        for pattern in UNSUPPORTED_CLAIMS:
            match = re.search(pattern, text, flags=re.IGNORECASE)
            if match:
                hits.append(f"{where}: {match.group(0)!r}")
    assert not hits, hits


def test_handout_reading_grades(bundle: ContentBundle, capsys) -> None:
    grades = {}
    for handout in bundle.handouts:
        assert isinstance(handout, Handout)
        if handout.language == "en":  # Spanish: tests/content/test_spanish_handouts.py
            grades[handout.slug] = measure(handout.plain_text(), "en").grade
    with capsys.disabled():
        print("\nHandout Flesch-Kincaid grades (pyphen syllables):")
        for slug, grade in sorted(grades.items()):
            print(f"  {grade:4.1f}  {slug}")
    assert all(g <= 8.0 for g in grades.values()), grades


def test_handouts_have_structure_and_say_when_to_call(bundle: ContentBundle) -> None:
    for handout in bundle.handouts:
        types = {b.type for s in handout.sections for b in s.blocks}
        assert types & {"checklist", "steps"}, handout.slug
        text = handout.plain_text().lower()
        assert "911" in text or "emergency" in text, handout.slug
        assert "clinic" in text or "clínica" in text, handout.slug


def test_blood_pressure_thresholds_are_numbers(bundle: ContentBundle) -> None:
    hypertension = next(
        c for c in bundle.contraindications if c.slug == "uncontrolled-hypertension"
    )
    values = {(t.parameter, t.value) for t in hypertension.thresholds}
    assert {
        ("systolic-bp", 180.0),
        ("diastolic-bp", 100.0),
        ("systolic-bp", 140.0),
        ("diastolic-bp", 90.0),
    } <= values
