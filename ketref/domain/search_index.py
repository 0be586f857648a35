"""What search keeps in memory, and the ranking: pure Python, testable without a database.

Ranking (one order whatever the limit; the limit only cuts):

1. Documents whose title, aliases or summary ("head") match every query group come first, by
   score. Each group adds the fields it is found in: the title 8 for the word typed (or its
   spelling correction), +1 at the start of a word, but only 4 inside a word; the aliases (an
   interaction's agents and class) 5; the summary 3; through a synonym, each 0.5 less. A title
   equal to the query adds 16, and up to 4 more goes by how much of the title the query
   covers; 1 more for a title that starts with a query of several words, 2 when the query's
   words stand whole in the title, and up to 1 by how high the query stands among the words
   the document's body repeats most (its topic words), so of two equal titles the one whose
   text is about the query comes first. A reference's score counts a fifth, so a clinical
   item comes before the reference that supports it. Ties: the shorter title, then the older
   document.
2. Then documents that need their body for some group (a body match counts 1): by the same
   score, then bm25 - or, when the query matches more than the query layer's cap, clinical
   items before references in index order, which needs no scoring of every match.

Every string here is folded (``ketref.domain.search.fold``).
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ketref.domain.search import QueryPlan

TITLE, ALIAS, SUMMARY, BODY = 8.0, 5.0, 3.0, 1.0
WORD_START = 1.0
MID_WORD = 4.0
"""A title match inside a word ("tia" in "dementia") counts less than an alias."""
TITLE_IS_QUERY = 16.0
SYNONYM_LESS = 0.5
SYNONYM = TITLE - SYNONYM_LESS
"""A field matched through a synonym ("ptsd" -> "post-traumatic stress"): nearly the word."""
COVERAGE = 4.0
"""Added times the share of the title the query covers: the title most about the query wins."""
TOPIC = 1.0
"""Added times how high the query stands among a document's topic words (averaged over the
query's groups): the body's evidence of what the document is about, known without reading it."""
TOPIC_WORDS = 12
TITLE_STARTS = 1.0
"""Added when the title starts with a query of several words: typing "blood pres" means a
title that does (one word at a word's start already counts in the title weight)."""
WHOLE_WORD = 2.0
"""Added times the share of the query's typed words standing whole in the title: "mania"
is more about "Transient mania" than about "Maniacal laughter"."""
KIND_PRIOR = {"references": 0.2, "products": 1.05}
"""Clinical items outrank the citations that support them; a product page leads for its
product's name, just ahead of a handout about the same product."""
SHORT_TERM = 3
"""Terms shorter than this match the head only at the start of a word ("bp", not "subpar")."""
SPELLING_CUTOFF = 0.75
_WORD = re.compile(r"[a-z][a-z\-']{3,}")
_COMMON = frozenset(
    (
        "about",
        "after",
        "also",
        "been",
        "before",
        "being",
        "both",
        "could",
        "does",
        "during",
        "each",
        "from",
        "have",
        "into",
        "just",
        "like",
        "more",
        "most",
        "much",
        "must",
        "only",
        "other",
        "over",
        "same",
        "should",
        "some",
        "such",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "under",
        "until",
        "very",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "will",
        "with",
        "would",
        "your",
        "yours",
        "para",
        "como",
        "esta",
        "este",
        "estas",
        "estos",
        "pero",
        "puede",
        "pueden",
        "sobre",
        "cuando",
        "donde",
        "desde",
        "hasta",
        "entre",
        "usted",
        "ustedes",
        "tiene",
        "tienen",
        "tambien",
        "porque",
    )
)
"""Words too common in any text to say what it is about (English and Spanish)."""


def words_of(texts: Iterable[str]) -> set[str]:
    """Distinct words of 4+ letters in folded ``texts``: the vocabulary typos are corrected to."""
    words: set[str] = set()
    for value in texts:
        words.update(_WORD.findall(value))
    return words


def topic_words(folded_body: str) -> list[str]:
    """The words (4+ letters) a folded body repeats most, most repeated first: at most
    ``TOPIC_WORDS``, each said at least twice, common words left out."""
    counts = Counter(w for w in _WORD.findall(folded_body) if w not in _COMMON)
    repeated = sorted((-n, w) for w, n in counts.items() if n >= 2)
    return [w for _n, w in repeated[:TOPIC_WORDS]]


class Vocabulary:
    """The indexed words, with a bigram index so close words are found without a full scan."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = frozenset(words)
        postings: dict[str, list[str]] = {}
        for word in self.words:
            for gram in _bigrams(word):
                postings.setdefault(gram, []).append(word)
        self._postings = postings

    def __contains__(self, word: object) -> bool:
        return word in self.words

    def __len__(self) -> int:
        return len(self.words)

    def closest(self, term: str, n: int = 3, cutoff: float = SPELLING_CUTOFF) -> list[str]:
        """Words close to a misspelt ``term`` (e.g. 'ketmaine' -> 'ketamine'), best first.

        Candidates share half of the term's bigrams, or all but three (one typo breaks at most
        three), whichever is fewer, and have a length difflib's cutoff allows; difflib then
        ranks them as a full scan would.
        """
        if len(term) < 4:
            return []
        grams = _bigrams(term)
        counts: Counter[str] = Counter()
        for gram in grams:
            counts.update(self._postings.get(gram, ()))
        need = max(1, min((len(grams) + 1) // 2, len(grams) - 3))
        # ratio = 2 * matches / (len(a) + len(b)) >= cutoff needs min/max length >= c / (2 - c)
        ratio = cutoff / (2 - cutoff)
        low, high = len(term) * ratio, len(term) / ratio
        candidates = [w for w, k in counts.items() if k >= need and low <= len(w) <= high]
        return difflib.get_close_matches(term, candidates, n=n, cutoff=cutoff)


def _bigrams(word: str) -> set[str]:
    return {word[i : i + 2] for i in range(len(word) - 1)}


class _Field:
    """One folded field of every document, joined so ``str.find`` scans them at C speed.

    One- and two-letter terms (the first keystrokes) match at the start of a word; as there are
    few such terms and each finds many documents, their matches are kept once found. A field
    searched without them (``short_terms=False``, summaries) takes a short term only as an
    abbreviation ("iv", "bp"), which is rare enough to scan for.
    """

    SEPARATOR = "\x00"  # never inside a query term
    WORD_BREAKS = (SEPARATOR, " ", "(", "/", "'")

    def __init__(self, values: Sequence[str], *, short_terms: bool) -> None:
        self.values = tuple(values)
        self._blob = "".join(self.SEPARATOR + value for value in self.values) + self.SEPARATOR
        starts, offset = [], 1
        for value in self.values:
            starts.append(offset)
            offset += len(value) + 1
        self._starts = starts
        self._short_terms = short_terms
        self._short: dict[tuple[str, bool], dict[int, bool]] = {}

    def containing(self, term: str, whole_word: bool = False) -> dict[int, bool]:
        """The documents whose field contains ``term``, each with whether it is at the start of
        a word there. A short term matches only at the start of a word, and only as a whole
        word when ``whole_word`` (an abbreviation: "bp", not "bprs")."""
        found: dict[int, bool] = {}
        if not term or self.SEPARATOR in term:
            return found
        if len(term) >= SHORT_TERM:
            self._scan(term, 0, found)
            return found
        if not (whole_word or self._short_terms):
            return found
        known = self._short.get((term, whole_word))
        if known is None:
            for before in self.WORD_BREAKS:
                self._scan(before + term, 1, found)
            if whole_word:
                values = self.values
                found = {i: True for i in found if self.first_word(values[i], term) >= 0}
            known = self._short[term, whole_word] = found
        return known

    @staticmethod
    def first_word(value: str, term: str) -> int:
        """Where ``term`` first stands as a whole word in ``value`` (-1: nowhere)."""
        pos, end = value.find(term), len(term)
        while pos >= 0:
            if (pos == 0 or not value[pos - 1].isalnum()) and (
                pos + end == len(value) or not value[pos + end].isalnum()
            ):
                return pos
            pos = value.find(term, pos + 1)
        return -1

    def _scan(self, needle: str, skip: int, found: dict[int, bool]) -> None:
        """Record each document holding ``needle`` (whether its first one starts a word),
        jumping to the next document after a hit; the term starts ``skip`` characters in."""
        blob, starts = self._blob, self._starts
        last = len(starts) - 1
        pos = blob.find(needle)
        while pos >= 0:
            at = pos + skip
            index = bisect.bisect_right(starts, at) - 1
            if index not in found:
                found[index] = not blob[at - 1].isalnum()
            if index >= last:
                break
            pos = blob.find(needle, starts[index + 1] - 1)


@dataclass(frozen=True)
class Head:
    """The fields of one document search keeps in memory (folded by the caller)."""

    doc_id: int
    kind: str
    title: str
    aliases: str = ""
    summary: str = ""
    topics: str = ""
    """The topic words, space-separated, most repeated first."""


class HeadIndex:
    """Titles, aliases and summaries of every document, and the ranking over them."""

    def __init__(self, heads: Sequence[Head]) -> None:
        self.ids = tuple(h.doc_id for h in heads)
        self.kinds = tuple(h.kind for h in heads)
        self.titles = _Field([h.title for h in heads], short_terms=True)
        self.aliases = _Field([h.aliases for h in heads], short_terms=True)
        self.summaries = _Field([h.summary for h in heads], short_terms=False)
        self.topics = tuple(tuple(h.topics.split()) for h in heads)
        self.position = {doc_id: i for i, doc_id in enumerate(self.ids)}
        self.priors = tuple(KIND_PRIOR.get(kind, 1.0) for kind in self.kinds)
        by_title: dict[str, list[int]] = {}
        for i, title in enumerate(self.titles.values):
            by_title.setdefault(title, []).append(i)
        self._by_title = by_title

    def __len__(self) -> int:
        return len(self.ids)

    def group_weights(self, group: Sequence[str]) -> dict[int, float]:
        """Each document's head weight for one query group: its best title match plus its best
        alias and summary matches (a field counts once; through a synonym, a little less)."""
        fields: tuple[tuple[_Field, dict[int, float], float, float, float], ...] = (
            (self.titles, {}, TITLE + WORD_START, SYNONYM + WORD_START, MID_WORD),
            (self.aliases, {}, ALIAS, ALIAS - SYNONYM_LESS, ALIAS - SYNONYM_LESS),
            (self.summaries, {}, SUMMARY, SUMMARY - SYNONYM_LESS, SUMMARY - SYNONYM_LESS),
        )
        whole = len(group) > 1  # a short word with synonyms is an abbreviation: a whole word
        for n, alt in enumerate(group):
            if any(len(e) >= SHORT_TERM and e in alt for e in group[:n]):
                continue  # its matches are among the earlier one's, weighed at least as much
            for field, best, typed, synonym, inside in fields:
                at_start = typed if n == 0 else synonym
                for i, at_word in field.containing(alt, whole).items():
                    weight = at_start if at_word else inside
                    if weight > best.get(i, 0.0):
                        best[i] = weight
        weights: dict[int, float] = {}
        for _field, best, *_weights in fields:
            for i, weight in best.items():
                weights[i] = weights.get(i, 0.0) + weight
        return weights

    def exact(self, plan: QueryPlan) -> set[int]:
        """Documents whose whole title is the query (or, for one group, one of its synonyms)."""
        titles = [plan.folded, *(plan.groups[0] if len(plan.groups) == 1 else ())]
        return {i for title in titles for i in self._by_title.get(title, ())}

    def score(self, i: int, plan: QueryPlan, weights: Sequence[float]) -> float:
        """The score of document ``i`` from its per-group weights (BODY where only the body
        matched), with the whole-title bonus and the kind prior."""
        bonus = TITLE_IS_QUERY if i in self.exact(plan) else 0.0
        return (sum(weights) + bonus) * self.priors[i]

    def coverage(self, i: int, plan: QueryPlan) -> float:
        """How much of the title the query (with its synonyms) covers, at most all of it: among
        equal scores, the title most about the query comes first."""
        title = self.titles.values[i]
        covered = sum(title.count(alt) * len(alt) for group in plan.groups for alt in group)
        return min(covered / max(len(title), 1), 1.0)

    def topic(self, i: int, plan: QueryPlan) -> float:
        """How high each group's typed word (or its spelling correction) stands among document
        ``i``'s topic words (1 for the first, falling by rank; 0 where absent), averaged over
        the groups. Synonyms do not count: "ketalar" must not favour every text on ketamine."""
        words = self.topics[i]
        if not words:
            return 0.0
        total = 0.0
        for group in plan.groups:
            typed = group[0]
            if len(typed) < SHORT_TERM:
                continue
            rank = next((r for r, word in enumerate(words) if typed in word), None)
            if rank is not None:
                total += 1.0 - rank / TOPIC_WORDS
        return total / len(plan.groups)

    def whole_words(self, i: int, plan: QueryPlan) -> float:
        """The share of the query's groups whose typed word stands whole in the title."""
        title = self.titles.values[i]
        whole = sum(_Field.first_word(title, group[0]) >= 0 for group in plan.groups)
        return whole / len(plan.groups)

    def tie_bonus(self, i: int, plan: QueryPlan) -> float:
        """What decides between close head scores: coverage, a title starting with the query,
        whole words, topic words."""
        starts = len(plan.groups) > 1 and self.titles.values[i].startswith(plan.folded)
        bonus = (
            COVERAGE * self.coverage(i, plan)
            + TITLE_STARTS * starts
            + WHOLE_WORD * self.whole_words(i, plan)
            + TOPIC * self.topic(i, plan)
        )
        return bonus * self.priors[i]

    def ranked(
        self, plan: QueryPlan, scored: Sequence[tuple[int, float]], limit: int
    ) -> list[tuple[int, float]]:
        """The first ``limit`` of ``scored`` (position, score before coverage) as (position,
        final score): by final score, then the shorter title, then the older document.

        The tie bonus adds at most ``COVERAGE + TITLE_STARTS + WHOLE_WORD + TOPIC``, so it is
        computed only for the candidates within that of the last place.
        """
        if len(scored) > limit:
            band = COVERAGE + TITLE_STARTS + WHOLE_WORD + TOPIC
            cut = sorted((score for _i, score in scored), reverse=True)[limit - 1] - band
            scored = [(i, score) for i, score in scored if score >= cut]
        final = [(i, score + self.tie_bonus(i, plan)) for i, score in scored]
        titles, ids = self.titles.values, self.ids
        return sorted(final, key=lambda s: (-s[1], len(titles[s[0]]), ids[s[0]]))[:limit]

    def head_ranked(
        self, plan: QueryPlan, limit: int
    ) -> tuple[list[tuple[int, float]], list[dict[int, float]]]:
        """The first ``limit`` documents whose head matches every group, best first, as
        (position, score), and the per-group head weights (for scoring the others)."""
        per_group = [self.group_weights(group) for group in plan.groups]
        priors = self.priors
        if len(per_group) == 1:
            only = per_group[0]
            scores = {i: w * priors[i] for i, w in only.items()}
        else:
            common = set(per_group[0]).intersection(*per_group[1:])
            scores = {i: sum(w[i] for w in per_group) * priors[i] for i in common}
        for i in self.exact(plan) & scores.keys():
            scores[i] += TITLE_IS_QUERY * priors[i]
        return self.ranked(plan, list(scores.items()), limit), per_group

    def body_score(self, i: int, plan: QueryPlan, per_group: Sequence[dict[int, float]]) -> float:
        """The score of a document matched through its body for at least one group."""
        base = self.score(i, plan, [w.get(i, BODY) for w in per_group])
        return base + self.tie_bonus(i, plan)
