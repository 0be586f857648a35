"""Search queries and results, independent of the database that answers them.

A query becomes groups of alternatives: every group must match, any alternative in a group may
(synonyms add alternatives). A miss is reported as "not found" and never as a clinical answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ketref.domain.enums import ItemKind

HIGHLIGHT_OPEN = "\ue000"
HIGHLIGHT_CLOSE = "\ue001"
_TOKEN = re.compile(r"[\w][\w'’\-/.+]*", re.UNICODE)


@dataclass(frozen=True)
class QueryPlan:
    """``groups[i]`` lists interchangeable strings; all groups must match."""

    text: str
    groups: tuple[tuple[str, ...], ...]

    @property
    def is_empty(self) -> bool:
        return not self.groups


def plan_query(text: str, synonyms: Mapping[str, Sequence[str]]) -> QueryPlan:
    """Split ``text`` into terms and widen each with its synonyms (multi-word synonyms too)."""
    cleaned = " ".join(text.split()).lower()
    tokens = [t.strip(".-/") for t in _TOKEN.findall(cleaned)]
    tokens = [t for t in tokens if t]
    groups: list[tuple[str, ...]] = []
    i = 0
    while i < len(tokens):
        matched = False
        for width in (3, 2):  # longest multi-word synonym first, e.g. "blood pressure"
            phrase = " ".join(tokens[i : i + width])
            if i + width <= len(tokens) and phrase in synonyms:
                groups.append(_alternatives(phrase, synonyms))
                i += width
                matched = True
                break
        if not matched:
            groups.append(_alternatives(tokens[i], synonyms))
            i += 1
    return QueryPlan(text=text, groups=tuple(groups))


def _alternatives(term: str, synonyms: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    alts = [term, *(m.lower() for m in synonyms.get(term, ()))]
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


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: tuple[SearchHit, ...]
    corrections: Mapping[str, str] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return bool(self.hits)

    def message(self) -> str:
        """What to tell the user; a miss says only that nothing was found."""
        if not self.hits:
            return f"Nothing found for \u201c{self.query}\u201d."
        note = ""
        if self.corrections:
            fixed = ", ".join(f"{a} \u2192 {b}" for a, b in self.corrections.items())
            note = f" (spelling corrected: {fixed})"
        return f"{len(self.hits)} result(s) for \u201c{self.query}\u201d{note}."
