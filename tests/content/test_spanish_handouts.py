"""The Spanish handouts: one per English handout, faithful in structure and sources, flagged
until a qualified medical translator reviews them, current with their English source, and easy
to read by a Spanish formula (Szigriszt-Pazos / INFLESZ, with Fernández-Huerta beside it)."""

from __future__ import annotations

import re

import pytest

from ketref.domain.content import ContentBundle, Handout
from ketref.domain.readability import INFLESZ_GOAL, measure

pytestmark = pytest.mark.content

UNREVIEWED_NOTE = "Translation not yet reviewed by a qualified medical translator."

UNSUPPORTED_CLAIMS_ES = [
    r"sin efectos secundarios",
    r"\bcura(?:r|rá|n)?\b",
    r"no (?:es|crea) adicti",
    r"no causa adicción",
    r"previene el suicidio",
    r"evita el suicidio",
    r"mejor que (?:la )?TEC",
    r"funciona para todo",
    r"si se disocia,? (?:está|es que) funciona",
]


def _pairs(bundle: ContentBundle) -> list[tuple[Handout, Handout]]:
    by_slug = {h.slug: h for h in bundle.handouts}
    pairs = []
    for handout in bundle.handouts:
        if handout.language == "es":
            assert handout.translation_of is not None, handout.slug
            pairs.append((by_slug[handout.translation_of.slug], handout))
    return pairs


def test_every_english_handout_has_one_spanish_translation(bundle: ContentBundle) -> None:
    english = sorted(h.slug for h in bundle.handouts if h.language == "en")
    translated = sorted(source.slug for source, _ in _pairs(bundle))
    assert translated == english
    assert all(es.slug == f"{en.slug}-es" for en, es in _pairs(bundle))


def test_translations_keep_sources_dates_and_structure(bundle: ContentBundle) -> None:
    for en, es in _pairs(bundle):
        assert es.references == en.references, es.slug
        assert (es.reviewed, es.review_due, es.products) == (
            en.reviewed,
            en.review_due,
            en.products,
        ), es.slug
        shape_en = [[(b.type, len(getattr(b, "items", []))) for b in s.blocks] for s in en.sections]
        shape_es = [[(b.type, len(getattr(b, "items", []))) for b in s.blocks] for s in es.sections]
        assert shape_es == shape_en, es.slug


def test_translations_are_flagged_until_reviewed(bundle: ContentBundle) -> None:
    for _, es in _pairs(bundle):
        assert es.verified is False, es.slug
        assert es.unverified_note == UNREVIEWED_NOTE, es.slug


def test_translations_are_current_with_their_english_source(bundle: ContentBundle) -> None:
    stale = {
        es.slug: f"re-review it, then set translation_of to version {en.version!r}, "
        f"text_hash {en.text_fingerprint()!r}"
        for en, es in _pairs(bundle)
        if es.source_changed(en)
    }
    assert not stale, stale


def test_spanish_handouts_say_when_to_call_and_make_no_unsupported_claims(
    bundle: ContentBundle,
) -> None:
    for _, es in _pairs(bundle):
        text = es.plain_text()
        assert "911" in text and "clínica" in text, es.slug
        for pattern in UNSUPPORTED_CLAIMS_ES:
            assert not re.search(pattern, text, flags=re.IGNORECASE), (es.slug, pattern)


def test_spanish_readability_is_fairly_easy_or_easier(bundle: ContentBundle, capsys) -> None:
    scores = {}
    for _, es in _pairs(bundle):
        r = measure(es.plain_text(), "es")
        scores[es.slug] = (r.second, r.grade)
    with capsys.disabled():
        print("\nSpanish handouts (pyphen syllables, equal to textstat 0.7.8):")
        print("  INFLESZ  F-Huerta  handout")
        for slug, (inflesz, huerta) in sorted(scores.items()):
            print(f"  {inflesz:7.1f}  {huerta:8.1f}  {slug}")
    assert len(scores) >= 10
    assert all(inflesz >= INFLESZ_GOAL for inflesz, _ in scores.values()), scores


def test_the_spanish_formula_tells_hard_text_from_easy() -> None:
    easy = "No maneje hoy. Descanse en casa. Llame a su clínica si se siente mal."
    hard = (
        "La administración intranasal de esketamina, antagonista no competitivo del receptor "
        "N-metil-D-aspartato, requiere monitorización hemodinámica y vigilancia "
        "neuropsiquiátrica prolongada posterior a la dosificación."
    )
    assert measure(easy, "es").second >= INFLESZ_GOAL
    assert measure(hard, "es").second < 40
