from __future__ import annotations

import pytest

from ketref.domain.enums import ItemKind
from ketref.domain.readability import (
    Level,
    counted_sentences,
    counted_words,
    measure,
    syllables,
)
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
    ("word", "language", "count"),
    [
        ("cat", "en", 1),
        ("table", "en", 2),
        ("medication", "en", 4),
        ("clínica", "es", 3),
        ("don't", "en", 1),
        ("follow-up", "en", 2),  # one word to the formulas: "followup"
        # Hyphenation points undercount some English words (medicine, area: 1): the English
        # grades read up to ~1.5 lower than textstat's CMU-based ones (test_readability_crosscheck)
        ("medicine", "en", 1),
    ],
)
def test_syllables(word: str, language: str, count: int) -> None:
    assert syllables(word, language) == count


def test_counts_follow_textstat_definitions() -> None:
    assert counted_words("A follow-up at 10 o'clock, don't 'worry'.") == [
        "A",
        "followup",
        "at",
        "10",
        "oclock",
        "don't",
        "worry",
    ]
    assert counted_sentences("") == 0
    assert counted_sentences("Yes. No. Go home now.") == 1  # 1-2-word sentences are skipped
    assert counted_sentences("Yes.") == 1  # but a text counts at least one
    assert counted_sentences("Go home now. Rest well today! Call us soon?") == 3


def test_grade_ranges() -> None:
    easy = "Get a ride home. Do not drive today. Call us if you feel sick."
    hard = (
        "Intravenous administration of subanaesthetic ketamine necessitates comprehensive "
        "haemodynamic monitoring, particularly regarding hypertensive complications."
    )
    assert measure(easy).grade < 3
    assert measure(hard).grade > 14
    assert measure("One. Two three.").sentences == 1  # sentences of 1-2 words are skipped
    assert measure("Take your pills.\nCall the clinic today").sentences == 2  # a line ends one


def test_hard_words_and_long_sentences_are_located() -> None:
    text = "Rest today.\n" + " ".join(["Please"] * 21) + " rest.\nAvoid medication."
    r = measure(text)
    assert [(text[s.start : s.end], s.words) for s in r.long_sentences] == [
        (" ".join(["Please"] * 21) + " rest.", 22)
    ]
    assert [(text[w.start : w.end], w.syllables) for w in r.hard_words] == [("medication", 4)]
    assert r.level is Level.TOO_HARD  # the 22-word sentence alone lifts the grade past 8


def test_levels_against_the_goal() -> None:
    hard = (
        "Intravenous administration of subanaesthetic ketamine necessitates comprehensive "
        "haemodynamic monitoring, particularly regarding hypertensive complications."
    )
    assert measure(hard).level is Level.TOO_HARD
    assert measure(hard).second > 8  # SMOG
    assert measure("").level is Level.GOAL and measure("").words == 0
    spanish = measure("No maneje hoy. Descanse en casa.", "es")
    assert spanish.spanish and spanish.second >= 65 and spanish.level is Level.GOAL
