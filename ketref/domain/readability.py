"""Reading level of patient text, scored by textstat (pinned to 0.7.8, which works offline).

English: Flesch–Kincaid grade and SMOG; syllables from the CMU dictionary bundled with textstat,
pyphen hyphenation for words it lacks. Spanish: INFLESZ (Szigriszt-Pazos) and Fernández-Huerta,
syllables from pyphen. ketref's own rule on top: every line break ends a sentence (titles,
headings and list items are sentences to a reader), so text is split here and handed to
textstat one sentence per line with a full stop. The same split gives the spans a writer sees
highlighted: sentences too long to read easily and words with many syllables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from textstat.backend import counts, metrics

ENGLISH_GRADE_GOAL = 6.0
"""Patient materials: grade 6 or below (AMA, NIH plain-language advice)."""
ENGLISH_GRADE_LIMIT = 8.0
"""Never above grade 8."""
INFLESZ_GOAL = 65.0
"""INFLESZ (Barrio-Cantalejo 2008): 65–80 "bastante fácil", above 80 "muy fácil"."""
INFLESZ_LIMIT = 55.0
"""Below 55 is "algo difícil"; ketref's floor for a patient handout."""
LONG_SENTENCE_WORDS = 20
"""Plain-language guides keep sentences to 15–20 words; longer ones are highlighted."""

_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_SENTENCE = re.compile(r"[^\n.!?]*[^\s.!?][^\n.!?]*[.!?]*")


class Level(StrEnum):
    """Where a text sits against the goal: the colour a writer sees."""

    GOAL = "goal"
    ABOVE_GOAL = "above goal"
    TOO_HARD = "too hard"


@dataclass(frozen=True)
class Span:
    """A stretch of the measured text, by character offsets (``text[start:end]``)."""

    start: int
    end: int


@dataclass(frozen=True)
class HardWord(Span):
    word: str
    syllables: int


@dataclass(frozen=True)
class LongSentence(Span):
    words: int


@dataclass(frozen=True)
class Readability:
    """Scores and counts of one text, and the spans that push its level up."""

    language: str
    sentences: int
    words: int
    syllables: int
    grade: float
    """English: Flesch–Kincaid grade. Spanish: Fernández-Huerta ease (0–100, higher easier)."""
    second: float
    """English: SMOG grade. Spanish: INFLESZ ease (0–100, higher easier)."""
    long_sentences: tuple[LongSentence, ...]
    hard_words: tuple[HardWord, ...]

    @property
    def spanish(self) -> bool:
        return self.language == "es"

    @property
    def level(self) -> Level:
        """English by the FK grade; Spanish by INFLESZ (the scale its validation used)."""
        if self.words == 0:
            return Level.GOAL
        if self.spanish:
            if self.second >= INFLESZ_GOAL:
                return Level.GOAL
            return Level.ABOVE_GOAL if self.second >= INFLESZ_LIMIT else Level.TOO_HARD
        if self.grade <= ENGLISH_GRADE_GOAL:
            return Level.GOAL
        return Level.ABOVE_GOAL if self.grade <= ENGLISH_GRADE_LIMIT else Level.TOO_HARD

    @property
    def goal(self) -> str:
        if self.spanish:
            return f"INFLESZ {INFLESZ_GOAL:.0f} or above, never below {INFLESZ_LIMIT:.0f}"
        return f"grade {ENGLISH_GRADE_GOAL:.0f} or below, never above {ENGLISH_GRADE_LIMIT:.0f}"


def hard_word_syllables(language: str) -> int:
    """Syllables that make a word hard: 3 in English (SMOG's polysyllables); 4 in Spanish,
    whose ordinary words are longer (``persona``, ``mañana`` have 3)."""
    return 4 if language == "es" else 3


def sentence_spans(text: str) -> list[Span]:
    """Sentences of ``text``: ended by ``.``, ``!``, ``?`` or a line break; those with a word."""
    return [Span(m.start(), m.end()) for m in _SENTENCE.finditer(text) if _WORD.search(m.group())]


def word_spans(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Words (letters, inner apostrophes and hyphens; numbers are not words)."""
    stop = len(text) if end is None else end
    return [Span(m.start(), m.end()) for m in _WORD.finditer(text, start, stop)]


def syllables(word: str, language: str) -> int:
    """Syllables of one word by textstat (CMU dictionary, else pyphen)."""
    return int(counts.count_syllables(word, _lang(language)))


def measure(text: str, language: str = "en") -> Readability:
    """Score ``text`` (plain text; line breaks end sentences) in ``language`` ("en" or "es")."""
    lang = _lang(language)
    spans = sentence_spans(text)
    sentences = [text[s.start : s.end].strip().rstrip(".!?") + "." for s in spans]
    normalized = "\n".join(sentences)
    threshold = hard_word_syllables(language)
    hard: list[HardWord] = []
    long: list[LongSentence] = []
    for span in spans:
        words = word_spans(text, span.start, span.end)
        if len(words) > LONG_SENTENCE_WORDS:
            long.append(LongSentence(span.start, span.end, len(words)))
        for w in words:
            word = text[w.start : w.end]
            n = syllables(word, language)
            if n >= threshold:
                hard.append(HardWord(w.start, w.end, word, n))
    if language == "es":
        grade = metrics.fernandez_huerta(normalized, lang)
        second = metrics.szigriszt_pazos(normalized, lang)
    else:
        grade = metrics.flesch_kincaid_grade(normalized, lang)
        second = metrics.smog_index(normalized, lang)
    return Readability(
        language="es" if language == "es" else "en",
        # textstat's own counts, the ones its formulas used (it skips sentences of 1-2 words)
        sentences=int(counts.count_sentences(normalized)),
        words=int(counts.count_words(normalized)),
        syllables=int(counts.count_syllables(normalized, lang)),
        grade=round(float(grade), 1),
        second=round(float(second), 1),
        long_sentences=tuple(long),
        hard_words=tuple(hard),
    )


def _lang(language: str) -> str:
    return "es_ES" if language == "es" else "en_US"
