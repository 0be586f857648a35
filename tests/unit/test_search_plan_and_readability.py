from __future__ import annotations

import pytest

from ketref.domain.enums import ItemKind
from ketref.domain.readability import count_syllables, fk_grade, measure
from ketref.domain.search import (
    HIGHLIGHT_CLOSE,
    HIGHLIGHT_OPEN,
    SearchHit,
    SearchResult,
    plan_query,
)

pytestmark = pytest.mark.unit

SYNONYMS = {
    "bp": ["blood pressure"],
    "blood pressure": ["bp", "hypertension"],
    "spravato": ["esketamine"],
}


def test_plan_expands_synonyms_and_keeps_order() -> None:
    plan = plan_query("Spravato  BP", SYNONYMS)
    assert plan.groups == (("spravato", "esketamine"), ("bp", "blood pressure"))


def test_plan_matches_multiword_synonym_first() -> None:
    plan = plan_query("high blood pressure", SYNONYMS)
    assert plan.groups == (("high",), ("blood pressure", "bp", "hypertension"))


def test_plan_of_punctuation_only_is_empty() -> None:
    assert plan_query(' "*()- ', SYNONYMS).is_empty


def test_miss_message_never_reads_as_safety() -> None:
    message = SearchResult(query="grapefruit", hits=()).message()
    assert message == "Nothing found for \u201cgrapefruit\u201d."
    assert "risk" not in message.lower()
    assert "safe" not in message.lower()


def test_hit_marks_highlights() -> None:
    hit = SearchHit(ItemKind.SIDE_EFFECT, "x", "X", f"a {HIGHLIGHT_OPEN}b{HIGHLIGHT_CLOSE}", 1.0)
    assert hit.marked_snippet() == "a [b]"
    assert hit.plain_snippet == "a b"


@pytest.mark.parametrize(
    ("word", "syllables"), [("cat", 1), ("table", 2), ("medicine", 3), ("ketamine", 3)]
)
def test_syllables(word: str, syllables: int) -> None:
    assert count_syllables(word) == syllables


def test_grade_ranges() -> None:
    easy = "Get a ride home. Do not drive today. Call us if you feel sick."
    hard = (
        "Intravenous administration of subanaesthetic ketamine necessitates comprehensive "
        "haemodynamic monitoring, particularly regarding hypertensive complications."
    )
    assert fk_grade(easy) < 3
    assert fk_grade(hard) > 14
    assert measure("One. Two three.").sentences == 2
