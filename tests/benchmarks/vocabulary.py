"""What the benchmark generator learns from the shipped content: words, field values, a
word-level Markov chain, and made-up words for the titles and names of generated items."""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from ketref.domain import content as c

KEEP = frozenset(
    {
        "when",  # a screening rule's condition names patient fields and shipped slugs
        "kind",
        "status",
        "evidence",
        "class",
        "category",
        "products",
        "product",
        "severity",
        "level",
        "phase",
        "order",
        "language",
        "audience",
        "version",
        "type",
        "style",
        "parameter",
        "comparison",
        "value",
        "unit",
        "factor",
        "parameters",
        "outcome",
        "reviewed",
        "review_due",
        "verified",
    }
)
SHORT_WORDS = 4
"""Text of this many words or fewer ("41%", "placebo") is drawn from the same field's values."""
PREFIX = 3
"""Made-up words share no first three letters with any shipped word: a query typed letter by
letter never lands on one as if it were the real word, but their text still holds real words."""

_TOKEN = re.compile(r"\S+")
_LONG_WORD = re.compile(r"[A-Za-z]{3,}")
_ONSETS = ("b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "gl", "tr")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ou")
_FUNCTION_WORDS = frozenset({"and", "the", "for", "with", "after", "before", "during", "from"})
_SURNAME = re.compile(r"^[A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?$")


def _strings(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """(field name, text) for every free-text string in a dumped model."""
    if isinstance(value, dict):
        for name, nested in value.items():
            if name not in KEEP and name not in {"slug", "references", "related", "agents"}:
                yield from _strings(nested, str(name))
    elif isinstance(value, list):
        for nested in value:
            yield from _strings(nested, key)
    elif isinstance(value, str) and key:
        yield key, value


class Vocabulary:
    """Words, field values and a word-level Markov chain of the shipped text."""

    def __init__(self, bundle: c.ContentBundle) -> None:
        self.chain: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.starts: list[tuple[str, str]] = []
        self.pools: dict[str, list[str]] = defaultdict(list)
        self.prefixes: set[str] = set()
        for _kind, item in bundle.clinical_items():
            for key, text in _strings(dump_model(item)):
                self.pools[key].append(text)
                self._learn(text)
        refs = [dump_model(r) for r in bundle.references]
        for ref in refs:
            for key in ("title", "source", "note"):
                if key in ref:
                    self.pools[f"reference.{key}"].append(ref[key])
            self._learn(ref["title"])
        self.surnames = sorted(
            {
                part.split()[0]
                for ref in refs
                for part in str(ref.get("authors", "")).split(",")
                if part.split() and _SURNAME.match(part.split()[0])
            }
        )
        self.agents = sorted({a for i in bundle.interactions for a in i.agents})

    def _learn(self, text: str) -> None:
        tokens = _TOKEN.findall(text)
        self.prefixes.update(
            t.lower().strip("\"'.,;:?!()")[:PREFIX] for t in tokens if len(t) >= PREFIX
        )
        if len(tokens) < 3:
            return
        self.starts.append((tokens[0], tokens[1]))
        for a, b, nxt in zip(tokens, tokens[1:], tokens[2:], strict=False):
            self.chain[(a, b)].append(nxt)
            if a.endswith((".", "?", "!")) and b[:1].isupper():
                self.starts.append((b, nxt))

    def sentences(self, rng: random.Random, words: int) -> str:
        """About ``words`` words of chained text, ending at a sentence end where one is near."""
        pick, chain, starts = rng.random, self.chain, self.starts
        state = starts[int(pick() * len(starts))]
        out = list(state)
        while len(out) < words or (len(out) < words + 12 and not out[-1].endswith((".", "?"))):
            following = chain.get(state)
            if not following:
                state = starts[int(pick() * len(starts))]
                out += state
                continue
            nxt = following[int(pick() * len(following))]
            out.append(nxt)
            state = (state[1], nxt)
        return " ".join(out)

    def text_like(self, rng: random.Random, key: str, original: str) -> str:
        """New text for field ``key`` shaped like ``original`` (length, terminal punctuation)."""
        words = len(original.split())
        if words <= SHORT_WORDS and self.pools.get(key):
            return rng.choice(self.pools[key])
        text = self.sentences(rng, max(3, round(words * rng.uniform(0.8, 1.2))))
        limit = max(len(original), 40) - 1  # room for a final full stop
        if len(text) > limit:
            text = text[:limit].rsplit(" ", 1)[0]
        text = text.rstrip(",;:")
        if original.rstrip().endswith(".") and not text.endswith((".", "?", "!")):
            text += "."
        return text[0].upper() + text[1:]

    def title_like(self, rng: random.Random, title: str) -> str:
        """The template title's shape (length, capitals, short words, punctuation) with each
        longer word made up.

        Swapping a single real word made hundreds of near-copies of real titles ("MADRS
        (Montgomery-Asberg rislar Rating Scale)", or a side effect titled just "Spravato"),
        which no real library holds and which tie with the real item for its own name. Real
        words still reach the variants' summaries and bodies, so every query meets a hundred
        times more noise below the title, as in a large real library.
        """
        new = _LONG_WORD.sub(
            lambda m: (
                m.group()
                if m.group().lower() in _FUNCTION_WORDS
                else self._made_up_like(rng, m.group())
            ),
            title,
        )
        return new if new != title else f"{self.made_up_word(rng).capitalize()} {title}"

    def _made_up_like(self, rng: random.Random, word: str) -> str:
        new = self.made_up_word(rng)
        if word.isupper():
            return new.upper()
        return new.capitalize() if word[0].isupper() else new

    def made_up_word(self, rng: random.Random) -> str:
        """Two to three syllables beginning like no shipped word (so none reads as a real word
        being typed, or as its typo)."""
        while True:
            word = "".join(
                rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(rng.randint(2, 3))
            )
            if word[:PREFIX] not in self.prefixes:
                return word

    def agent(self, rng: random.Random) -> str:
        """A drug-like name no shipped agent has: a made-up start and the end of a shipped
        agent ("-zepam", "-oxetine"), so a brand or agent typed never lands on it."""
        tail = rng.choice(self.agents)
        return self.made_up_word(rng) + tail[-rng.randint(4, 6) :].lstrip(" -'")


def dump_model(model: c.Model) -> dict[str, Any]:
    data: dict[str, Any] = model.model_dump(
        mode="json", by_alias=True, exclude_none=True, exclude_defaults=True
    )
    return data
