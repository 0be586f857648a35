"""Search queries and results, independent of the database that answers them.

A query becomes groups of alternatives: every group must match, any alternative in a group may
(synonyms add alternatives). Text is compared folded (``fold``): lowercase, without accents, with
hyphens as spaces, so "sesion" finds "sesión" and "blood pressure" finds "Blood-pressure". A miss
is reported as "not found" and never as a clinical answer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ketref.domain.enums import ItemKind

HIGHLIGHT_OPEN = "\ue000"
HIGHLIGHT_CLOSE = "\ue001"
_TOKEN = re.compile(r"[\w][\w'’\-/.+]*", re.UNICODE)
_HYPHENS = frozenset("-\u2010\u2011\u2012\u2013")


def _fold_char(char: str) -> str:
    """One character folded (uncached: ``_FOLD_TABLE`` keeps each result)."""
    if char in _HYPHENS:
        return " "
    lower = char.lower()
    base = "".join(c for c in unicodedata.normalize("NFD", lower) if not unicodedata.combining(c))
    if len(base) == 1:
        return base
    # e.g. "İ" lowers to two characters: keep one so positions still line up
    return lower if len(lower) == 1 else char


class _FoldTable(dict[int, str]):
    """``str.translate`` table that folds each character the first time it is seen."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """``text`` lowercased, without accents and with hyphens as spaces, of the same length.

    The same length means a position found in the folded text marks the original text.
    Snippets fold every hit's body at every key, so only the non-ASCII characters of the
    lowercased text are looked up one by one (a regular expression finds them in C).
    """
    if text.isascii():
        return text.lower().replace("-", " ")
    lower = text.lower()
    if len(lower) != len(text):  # a character lowercases to two: fold each on its own
        return text.translate(_FOLD_TABLE)
    return _NON_ASCII.sub(_fold_match, lower).replace("-", " ")


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def first_folded(text: str, terms: Sequence[str]) -> int:
    """Where ``fold(text)`` first holds any of ``terms`` (-1: nowhere), folding only as far as
    that: snippets look for the query in every hit's body at every key.

    An ASCII term found in the lowercased text (hyphens as spaces) is in the folded text at the
    same place, so the folded text's first match starts no later than the earliest of those,
    and ends within the longest term after it.
    """
    if text.isascii():
        return _first(text.lower().replace("-", " "), terms)  # fold's own ASCII path
    lower = text.lower()
    if len(lower) != len(text) or not all(map(str.isascii, terms)):
        return _first(fold(text), terms)
    plain = lower.replace("-", " ")
    found = [p for p in (plain.find(term) for term in terms) if p >= 0]
    if not found:
        return _first(fold(text), terms)
    upto = min(found) + max(map(len, terms))
    return _first(_NON_ASCII.sub(_fold_match, lower[:upto]).replace("-", " "), terms)


def _first(folded: str, terms: Sequence[str]) -> int:
    found = [p for p in (folded.find(term) for term in terms) if p >= 0]
    return min(found) if found else -1


def _fold_match(match: re.Match[str]) -> str:
    return _FOLD_TABLE[ord(match.group())]


@dataclass(frozen=True)
class QueryPlan:
    """``groups[i]`` lists interchangeable folded strings; all groups must match.

    The first alternative of a group is what was typed (or its spelling correction); the others
    are synonyms, which rank below the typed word when both could match a title.
    """

    text: str
    groups: tuple[tuple[str, ...], ...]

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def folded(self) -> str:
        """The whole query folded, for comparing with whole titles."""
        return " ".join(group[0] for group in self.groups)


def plan_query(text: str, synonyms: Mapping[str, Sequence[str]]) -> QueryPlan:
    """Split ``text`` into terms and widen each with its synonyms (multi-word synonyms too)."""
    cleaned = " ".join(text.split()).lower()
    tokens = [fold(t.strip(".-/")).strip() for t in _TOKEN.findall(cleaned)]
    tokens = [t for t in tokens if t]
    folded_synonyms = _folded_keys(synonyms)
    groups: list[tuple[str, ...]] = []
    i = 0
    while i < len(tokens):
        matched = False
        for width in (3, 2):  # longest multi-word synonym first, e.g. "blood pressure"
            phrase = " ".join(tokens[i : i + width])
            if i + width <= len(tokens) and phrase in folded_synonyms:
                groups.append(_alternatives(phrase, folded_synonyms))
                i += width
                matched = True
                break
        if not matched:
            groups.append(_alternatives(tokens[i], folded_synonyms))
            i += 1
    return QueryPlan(text=text, groups=tuple(groups))


_last_folded: list[tuple[Mapping[str, Sequence[str]], dict[str, Sequence[str]]]] = []
"""[(the last synonyms mapping given to ``plan_query``, its keys folded)]; the mapping is held,
so a new one can never be taken for it by reusing a freed one's id."""


def _folded_keys(synonyms: Mapping[str, Sequence[str]]) -> dict[str, Sequence[str]]:
    """``synonyms`` keyed by folded term; kept for the mapping search hands in at every key
    (folding its hundreds of keys was a tenth of a shipped search). A new mapping (synonyms
    reloaded after a change) is folded anew; one changed in place is not noticed."""
    for known, folded in _last_folded:
        if known is synonyms:
            return folded
    folded = {fold(k): v for k, v in synonyms.items()}
    _last_folded[:] = [(synonyms, folded)]  # replaced whole: safe to read from any thread
    return folded


def _alternatives(term: str, synonyms: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    alts = [term, *(fold(m) for m in synonyms.get(term, ()))]
    return tuple(dict.fromkeys(alts))


@dataclass(frozen=True)
class SearchHit:
    kind: ItemKind
    slug: str
    title: str
    snippet: str
    score: float

    @property
    def plain_snippet(self) -> str:
        return self.snippet.replace(HIGHLIGHT_OPEN, "").replace(HIGHLIGHT_CLOSE, "")

    def marked_snippet(self, open_mark: str = "[", close_mark: str = "]") -> str:
        return self.snippet.replace(HIGHLIGHT_OPEN, open_mark).replace(HIGHLIGHT_CLOSE, close_mark)


# Endings of generic drug names and of condition words: a miss on such a word must not read as
# "no interaction" or "no risk". A guess that errs towards saying so.
_CLINICAL_ENDINGS = (
    "ine", "ide", "ate", "ol", "one", "pam", "lam", "pine", "pril", "sartan", "statin", "azole",
    "mycin", "cillin", "cycline", "floxacin", "vir", "mab", "nib", "parin", "gliptin", "gliflozin",
    "formin", "farin", "dronate", "profen", "oxetine", "triptan", "zepam", "barbital", "caine",
    "sone", "lone",
    "itis", "osis", "emia", "aemia", "pathy", "algia", "oma", "plasia", "trophy", "uria",
    "disease", "disorder", "syndrome", "failure", "cancer", "infection", "injury", "deficiency",
    "insufficiency", "tumour", "tumor", "diabetes", "asthma", "epilepsy", "seizure", "seizures",
)  # fmt: skip


def looks_clinical(text: str) -> bool:
    """Whether ``text`` reads like a medicine or a condition (a generic-name or disease ending)."""
    words = re.findall(r"[a-z]{4,}", fold(text))
    return any(word.endswith(_CLINICAL_ENDINGS) for word in words)


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: tuple[SearchHit, ...]
    corrections: Mapping[str, str] = field(default_factory=dict)
    suggestions: tuple[str, ...] = ()
    """On a miss: the closest words the knowledge base has ("did you mean")."""

    @property
    def found(self) -> bool:
        return bool(self.hits)

    def message(self) -> str:
        """What to tell the user, the same in the window and on the command line.

        A miss says only that nothing was found; for what reads like a medicine or condition it
        adds that this is not "no interaction" or "no risk", and it offers the closest matches.
        """
        if not self.hits:
            lines = [f"Nothing found for \u201c{self.query}\u201d."]
            if looks_clinical(self.query):
                lines.append(
                    "ketref has no entry for it. This is not the same as \u201cno interaction\u201d"
                    " or \u201cno risk\u201d: check another source."
                )
            if self.suggestions:
                lines.append("Did you mean: " + ", ".join(self.suggestions) + "?")
            return "\n".join(lines)
        note = ""
        if self.corrections:
            fixed = ", ".join(f"{a} \u2192 {b}" for a, b in self.corrections.items())
            note = f" (spelling corrected: {fixed})"
        return f"{len(self.hits)} result(s) for \u201c{self.query}\u201d{note}."
