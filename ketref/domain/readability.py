"""Flesch–Kincaid grade with one pinned, dependency-free syllable counter.

Syllable counters disagree by up to ±1.5 grades, so ketref pins this one: vowel groups, minus a
silent final "e", plus "-le" endings, at least one per word. Tests keep expectations as ranges.
FK = 0.39 × words/sentence + 11.8 × syllables/word − 15.59.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)|\n+")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


def count_syllables(word: str) -> int:
    """Estimate the syllables of one English word (pinned heuristic, see module docstring)."""
    w = word.lower().replace("’", "'").split("'")[0]
    if not w:
        return 0
    if len(w) <= 3:
        return 1
    count = len(_VOWEL_GROUPS.findall(w))
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    elif w.endswith("le") and len(w) > 2 and w[-3] not in "aeiouy":
        pass  # "table", "bottle": the -le is its own syllable and is already counted
    if w.endswith(("ed",)) and not w.endswith(("ted", "ded")) and count > 1:
        count -= 1
    return max(count, 1)


@dataclass(frozen=True)
class Readability:
    """Counts behind a grade, so a writer can see what drives it."""

    sentences: int
    words: int
    syllables: int

    @property
    def grade(self) -> float:
        if self.words == 0:
            return 0.0
        return round(
            0.39 * self.words / max(self.sentences, 1) + 11.8 * self.syllables / self.words - 15.59,
            1,
        )


def measure(text: str) -> Readability:
    """Measure plain text; every line break ends a sentence (headings and list items count)."""
    sentences = [s for s in _SENTENCE_END.split(text) if _WORD.search(s)]
    words = _WORD.findall(text)
    return Readability(
        sentences=len(sentences),
        words=len(words),
        syllables=sum(count_syllables(w) for w in words),
    )


def fk_grade(text: str) -> float:
    """Flesch–Kincaid grade level of ``text`` with ketref's pinned counter."""
    return measure(text).grade
