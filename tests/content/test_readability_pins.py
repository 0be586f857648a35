"""The reading level of every shipped handout, pinned: a pyphen (hyphenation dictionary) upgrade,
a formula change or a wording change that moves a figure fails here, so it is noticed and
re-pinned on purpose. Re-pinned when syllables moved from textstat's CMU dictionary to pyphen:
English grades fell by 0.6-1.3 (FK), Spanish figures did not move.
Figures: (grade, second score, sentences, words, syllables, long sentences, hard words) with
English grade = Flesch-Kincaid, second = SMOG; Spanish grade = Fernandez-Huerta,
second = INFLESZ (see ketref/domain/readability.py)."""

from __future__ import annotations

import pytest

from ketref.domain.content import ContentBundle, Handout
from ketref.domain.readability import Level, measure

PINNED = {
    "about-esketamine-nasal-spray": (2.9, 6.8, 80, 661, 857, 0, 33),
    "about-iv-ketamine": (3.4, 7.0, 78, 738, 960, 1, 35),
    "after-your-session": (2.4, 6.1, 54, 444, 557, 1, 15),
    "alcohol-drugs-bladder-and-liver-safety": (3.4, 6.6, 72, 687, 889, 2, 26),
    "during-your-session": (2.1, 5.2, 69, 574, 705, 0, 9),
    "ketamine-for-chronic-pain": (3.1, 6.6, 78, 777, 975, 1, 29),
    "preparing-for-your-session": (2.0, 5.4, 83, 696, 847, 0, 13),
    "questions-people-ask": (3.7, 7.4, 87, 817, 1084, 0, 49),
    "side-effects-and-when-to-get-help": (2.8, 5.6, 99, 832, 1064, 1, 19),
    "your-treatment-schedule": (2.9, 6.5, 54, 498, 629, 0, 19),
    "about-esketamine-nasal-spray-es": (89.1, 85.1, 83, 746, 1350, 2, 42),
    "about-iv-ketamine-es": (86.8, 82.8, 79, 829, 1511, 2, 56),
    "after-your-session-es": (94.2, 90.5, 55, 493, 850, 2, 26),
    "alcohol-drugs-bladder-and-liver-safety-es": (86.9, 82.9, 74, 798, 1449, 7, 52),
    "during-your-session-es": (93.9, 90.2, 69, 675, 1158, 2, 23),
    "ketamine-for-chronic-pain-es": (88.2, 84.3, 79, 921, 1639, 5, 50),
    "preparing-for-your-session-es": (87.0, 82.9, 88, 760, 1407, 0, 48),
    "questions-people-ask-es": (84.3, 80.2, 88, 923, 1721, 3, 65),
    "side-effects-and-when-to-get-help-es": (90.6, 86.7, 101, 988, 1750, 2, 57),
    "your-treatment-schedule-es": (89.8, 85.9, 55, 552, 983, 0, 28),
}


@pytest.fixture(scope="module")
def handouts(bundle: ContentBundle) -> dict[str, Handout]:
    return {h.slug: h for h in bundle.handouts if isinstance(h, Handout)}


def test_every_shipped_handout_is_pinned(handouts: dict[str, Handout]) -> None:
    assert sorted(handouts) == sorted(PINNED)


@pytest.mark.parametrize("slug", sorted(PINNED))
def test_pinned_figures(handouts: dict[str, Handout], slug: str) -> None:
    h = handouts[slug]
    r = measure(h.plain_text(), h.language)
    figures = (
        r.grade,
        r.second,
        r.sentences,
        r.words,
        r.syllables,
        len(r.long_sentences),
        len(r.hard_words),
    )
    assert figures == PINNED[slug]
    assert r.level is Level.GOAL, (slug, r.grade, r.second)
