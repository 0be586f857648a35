"""The in-memory head index and its ranking, without a database."""

from __future__ import annotations

import pytest

from ketref.domain.search import QueryPlan, fold, plan_query
from ketref.domain.search_index import TOPIC_WORDS, Head, HeadIndex, topic_words, word_counts

pytestmark = pytest.mark.unit

SYNONYMS = {"bp": ["blood pressure"], "ptsd": ["post-traumatic stress"], "tia": ["stroke"]}


def _index(*heads: tuple[str, str, str, str]) -> HeadIndex:
    return HeadIndex(
        [
            Head(n, kind, fold(title), fold(aliases), fold(summary))
            for n, (kind, title, aliases, summary) in enumerate(heads, start=1)
        ]
    )


def _ranked(index: HeadIndex, text: str, limit: int = 10) -> list[int]:
    order, _weights = index.head_ranked(plan_query(text, SYNONYMS), limit)
    return [index.ids[i] for i, _score in order]


def test_fold_keeps_length_and_ignores_accents_case_and_hyphens() -> None:
    for text in ("Sesión", "Blood-pressure", "Nguyễn Thị Ánh", "İstanbul", "naïve–ish"):
        assert len(fold(text)) == len(text)
    assert fold("Sesión") == "sesion"
    assert fold("Blood-pressure") == "blood pressure"
    assert plan_query("SESIÓN", {}).groups == (("sesion",),)


def test_a_summary_and_a_section_heading_on_the_word_beat_either_alone() -> None:
    """At 100x dozens of generated summaries mention "insurance" once, as the FAQ handout's
    does; only the handout also has a section about it, which makes it more about the word."""
    index = HeadIndex(
        [
            Head(1, "side-effects", fold("Voda"), summary=fold("Will my insurance pay.")),
            Head(2, "handouts", fold("Zoglo"), headings=fold("What does it cost, and insurance?")),
            Head(
                3,
                "handouts",
                fold("Questions people often ask"),
                summary=fold("Misuse, other treatments, cost and insurance."),
                headings=fold("Will I feel strange?\nWhat does it cost, and will insurance pay?"),
            ),
            Head(4, "side-effects", fold("Lobavou"), summary=fold("Nothing about money.")),
        ]
    )
    assert _ranked(index, "insurance") == [3, 1, 2]  # summary 3 + heading 2; 3; 2


def test_title_beats_aliases_beats_summary_and_references_come_last() -> None:
    index = _index(
        ("references", "Lorazepam and sedation", "", ""),
        ("monitoring", "Medication list", "", "Ask about lorazepam."),
        ("interactions", "Benzodiazepines", "lorazepam, diazepam", ""),
        ("side-effects", "Lorazepam sedation", "", ""),
    )
    assert _ranked(index, "lorazepam") == [4, 3, 2, 1]


def test_exact_title_first_then_the_title_most_about_the_query() -> None:
    index = _index(
        ("monitoring", "Spravato administration", "", ""),
        ("handouts", "About Spravato", "", ""),
        ("indications", "Spravato", "", ""),
    )
    assert _ranked(index, "spravato") == [3, 2, 1]


def test_abbreviation_matches_whole_words_and_its_meaning() -> None:
    index = _index(
        ("monitoring", "BPRS positive subscale", "", ""),
        ("side-effects", "Blood-pressure increase", "", ""),
        ("monitoring", "BP at 40 minutes", "", ""),
        ("contraindications", "Cognitive impairment or dementia", "", ""),
        ("contraindications", "History of stroke", "", ""),
    )
    assert sorted(_ranked(index, "bp")) == [2, 3]  # not "BPRS"
    assert _ranked(index, "tia")[0] == 5  # the meaning before "dementia", which merely contains it


def test_every_group_must_match_and_the_limit_only_cuts() -> None:
    index = _index(
        ("monitoring", "Spravato - blood pressure before the dose", "", ""),
        ("monitoring", "IV ketamine - blood pressure during the infusion", "", ""),
        ("side-effects", "Blood-pressure increase", "", "After spravato."),
        ("monitoring", "Spravato administration", "", ""),
    )
    full = _ranked(index, "spravato blood pres")
    assert full == [1, 3]
    assert _ranked(index, "spravato blood pres", limit=1) == full[:1]


def test_short_prefix_matches_at_word_starts_only() -> None:
    index = _index(("side-effects", "Nausea", "", ""), ("side-effects", "Vomiting", "", ""))
    assert _ranked(index, "n") == [1]
    assert _ranked(index, "vo") == [2]


def test_empty_and_odd_terms_find_nothing() -> None:
    index = _index(("side-effects", "Nausea", "", ""))
    assert index.head_ranked(QueryPlan("x", (("\x00",),)), 5)[0] == []
    assert _ranked(index, "zzz") == []


def test_topic_words_are_what_a_body_repeats_most() -> None:
    body = fold("Dissociation is common. Dissociation fades; with rest and calm it fades fast.")
    assert topic_words(body) == ["dissociation", "fades"]  # "with" is too common to count
    assert topic_words(fold("Every word here differs.")) == []


def test_topic_words_keep_the_most_repeated_then_alphabetical_order() -> None:
    """More candidates than TOPIC_WORDS, with ties: the most repeated first, ties by spelling;
    the counts a rebuild passes in give the same words."""
    words = [f"word{chr(ord('a') + i)}" for i in range(TOPIC_WORDS + 6)]
    body = fold(" ".join(w for i, w in enumerate(reversed(words)) for _ in range(2 + i % 3)))
    expected = sorted(words, key=lambda w: (-body.split().count(w), w))[:TOPIC_WORDS]
    assert topic_words(body) == expected
    assert topic_words(body, word_counts(body)) == expected


def test_between_equal_titles_the_text_about_the_query_comes_first() -> None:
    index = HeadIndex(
        [
            Head(1, "side-effects", fold("Dissociation and gloubi changes"), topics="session"),
            Head(
                2,
                "side-effects",
                fold("Dissociation and perceptual changes"),
                topics="dose dissociation",
            ),
        ]
    )
    assert _ranked(index, "dissociation") == [2, 1]


def test_a_whole_word_beats_the_start_of_a_longer_one() -> None:
    index = _index(
        ("side-effects", "Maniacal", "", ""), ("side-effects", "Transient mania", "", "")
    )
    assert _ranked(index, "mania") == [2, 1]


def test_a_title_starting_with_the_typed_phrase_comes_first() -> None:
    index = _index(
        ("monitoring", "IV ketamine - blood pressure after", "", ""),
        ("monitoring", "Blood pressure thresholds for action", "", ""),
    )
    assert _ranked(index, "blood pres") == [2, 1]
