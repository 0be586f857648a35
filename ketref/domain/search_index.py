"""What search keeps in memory, and the ranking: pure Python, testable without a database.

Ranking (one order whatever the limit; the limit only cuts):

1. Documents whose title, aliases, summary or section headings ("head") match every query group
   come first, by score. Each group adds the fields it is found in: the title 8 for the word
   typed (or its spelling correction), +1 at the start of a word, but only 4 inside a word; the
   aliases (an interaction's agents and class) 5; the summary 3; a section heading 2 (a
   handout whose summary and a heading both name "insurance" is more about it than a text
   that mentions it once); through a synonym, each 0.5 less. A title
   equal to the query adds 16, and up to 4 more goes by how much of the title the query
   covers; 1 more for a title that starts with a query of several words, 2 when the query's
   words stand whole in the title, and up to 1 by how high the query stands among the words
   the document's body repeats most (its topic words), so of two equal titles the one whose
   text is about the query comes first. A reference's score counts a fifth, so a clinical
   item comes before the reference that supports it. Ties: the shorter title, then the older
   document.
2. Then documents that need their body for some group (a body match counts 1): by the same
   score, then bm25 - or, when the query matches more than the query layer's cap, those whose
   head matches some group by score, then the others in index order, clinical items before
   references, which needs no scoring of every match.

Every string here is folded (``ketref.domain.search.fold``).
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from ketref.domain.search import QueryPlan
from ketref.domain.search_matching import SHORT_TERM, FieldText, TopicIndex

TITLE, ALIAS, SUMMARY, HEADING, BODY = 8.0, 5.0, 3.0, 2.0, 1.0
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
LETTERS_KEPT = 100
"""Places of a one-character query's ranking kept (``HeadIndex.letter_ranked``); a window
shows 60."""
KIND_PRIOR = {"references": 0.2, "products": 1.05}
"""Clinical items outrank the citations that support them; a product page leads for its
product's name, just ahead of a handout about the same product."""
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


def word_counts(folded: str) -> Counter[str]:
    """How often each word (4+ letters) occurs in folded text: a rebuild takes both a body's
    topic words and its share of the vocabulary from one count."""
    return Counter(_WORD.findall(folded))


def topic_words(folded_body: str, counts: Mapping[str, int] | None = None) -> list[str]:
    """The words (4+ letters) a folded body repeats most, most repeated first: at most
    ``TOPIC_WORDS``, each said at least twice, common words left out. ``counts``: the body's
    ``word_counts``, when the caller has them."""
    if counts is None:
        counts = word_counts(folded_body)
    repeated = [(-n, w) for w, n in counts.items() if n >= 2 and w not in _COMMON]
    return [w for _n, w in heapq.nsmallest(TOPIC_WORDS, repeated)]  # = sorted(...)[:TOPIC_WORDS]


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
    headings: str = ""
    """Section headings (handouts, product pages), one per line."""


class HeadIndex:
    """Titles, aliases, summaries and headings of every document, and the ranking over them."""

    def __init__(self, heads: Sequence[Head]) -> None:
        self.ids = tuple(h.doc_id for h in heads)
        self.kinds = tuple(h.kind for h in heads)
        # Aliases are short and nearly all distinct words: their word index would not be smaller.
        self.titles = FieldText([h.title for h in heads], short_terms=True, indexed=True)
        self.aliases = FieldText([h.aliases for h in heads], short_terms=True)
        self.summaries = FieldText([h.summary for h in heads], short_terms=False, indexed=True)
        self.headings = FieldText([h.headings for h in heads], short_terms=False, indexed=True)
        self.position = {doc_id: i for i, doc_id in enumerate(self.ids)}
        self.priors = tuple(KIND_PRIOR.get(kind, 1.0) for kind in self.kinds)
        by_title: dict[str, list[int]] = {}
        for i, title in enumerate(self.titles.values):
            by_title.setdefault(title, []).append(i)
        # Tuples of numbers are left alone by the garbage collector; lists are walked at every
        # full collection, which at 100 times the shipped content adds a pause to a keystroke.
        self._by_title = {title: tuple(found) for title, found in by_title.items()}
        self._topic_index = TopicIndex([h.topics.split() for h in heads])
        self._last_topics: tuple[QueryPlan, list[dict[int, int]]] | None = None
        titles = self.titles.values
        ranks = sorted(range(len(heads)), key=lambda i: (len(titles[i]), self.ids[i]))
        tie_order = [0] * len(heads)
        for rank, i in enumerate(ranks):
            tie_order[i] = rank
        self._tie_order = tuple(tie_order)
        self._letters: dict[tuple[tuple[str, ...], ...], tuple[int, list[tuple[int, float]]]] = {}
        """letter_ranked's rankings: (the limit it was ranked to, the ranking)."""

    def __len__(self) -> int:
        return len(self.ids)

    def group_weights(self, group: Sequence[str]) -> dict[int, float]:
        """Each document's head weight for one query group: its best title match plus its best
        alias, summary and heading matches (a field counts once; through a synonym, a little
        less)."""
        return _summed(self._field_weights(group))

    def _field_weights(self, group: Sequence[str]) -> tuple[dict[int, float], ...]:
        """The best title, alias, summary and heading weight of each document for one group."""
        fields: tuple[tuple[FieldText, dict[int, float], float, float, float], ...] = (
            (self.titles, {}, TITLE + WORD_START, SYNONYM + WORD_START, MID_WORD),
            (self.aliases, {}, ALIAS, ALIAS - SYNONYM_LESS, ALIAS - SYNONYM_LESS),
            (self.summaries, {}, SUMMARY, SUMMARY - SYNONYM_LESS, SUMMARY - SYNONYM_LESS),
            (self.headings, {}, HEADING, HEADING - SYNONYM_LESS, HEADING - SYNONYM_LESS),
        )
        whole = len(group) > 1  # a short word with synonyms is an abbreviation: a whole word
        for n, alt in enumerate(group):
            if any(len(e) >= SHORT_TERM and e in alt for e in group[:n]):
                continue  # its matches are among the earlier one's, weighed at least as much
            for field, best, typed, synonym, inside in fields:
                at_start = typed if n == 0 else synonym
                found = field.containing(alt, whole)
                if not best:  # the first alternative found here: nothing to compare with
                    best.update({i: at_start if w else inside for i, w in found.items()})
                    continue
                for i, at_word in found.items():
                    weight = at_start if at_word else inside
                    if weight > best.get(i, 0.0):
                        best[i] = weight
        return tuple(best for _field, best, *_weights in fields)

    def exact(self, plan: QueryPlan) -> set[int]:
        """Documents whose whole title is the query (or, for one group, one of its synonyms)."""
        titles = [plan.folded, *(plan.groups[0] if len(plan.groups) == 1 else ())]
        return {i for title in titles for i in self._by_title.get(title, ())}

    def topic_ranks(self, plan: QueryPlan) -> list[dict[int, int]]:
        """For each group whose typed word (or its spelling correction) has 3+ letters, the
        documents with a topic word holding it and that word's rank (kept for the last plan).
        Synonyms do not count: "ketalar" must not favour every text on ketamine."""
        last = self._last_topics
        if last is not None and last[0] == plan:
            return last[1]
        ranks = [
            self._topic_index.ranks(group[0])
            for group in plan.groups
            if len(group[0]) >= SHORT_TERM
        ]
        self._last_topics = (plan, ranks)
        return ranks

    def tie_bonuses(self, plan: QueryPlan, positions: Iterable[int]) -> dict[int, float]:
        """What decides between close head scores, for each document in ``positions``:
        - how much of the title the query (with its synonyms) covers, at most all of it;
        - a title that starts with a query of several words;
        - the share of the query's groups whose typed word stands whole in the title;
        - how high each group's typed word stands among the document's topic words (1 for the
          first, falling by rank; 0 where absent), averaged over the groups.
        One loop over the documents with the query's strings at hand: at 100 times the shipped
        content a word can be in thousands of titles."""
        groups = len(plan.groups)
        alternatives = [(alt, len(alt)) for group in plan.groups for alt in group]
        typed = [group[0] for group in plan.groups]
        phrase = plan.folded if groups > 1 else None
        ranks = self.topic_ranks(plan)
        titles, priors, first_word = self.titles.values, self.priors, FieldText.first_word
        bonuses: dict[int, float] = {}
        for i in positions:
            title = titles[i]
            covered = 0
            for alt, length in alternatives:
                covered += title.count(alt) * length
            coverage = min(covered / max(len(title), 1), 1.0)
            starts = phrase is not None and title.startswith(phrase)
            whole = 0
            for word in typed:
                whole += first_word(title, word) >= 0
            bonus = (
                COVERAGE * coverage
                + TITLE_STARTS * starts
                + WHOLE_WORD * (whole / groups)
                + TOPIC * _topic(i, ranks, groups)
            )
            bonuses[i] = bonus * priors[i]
        return bonuses

    def ranked(
        self, plan: QueryPlan, scores: dict[int, float], titled: set[int], limit: int
    ) -> list[tuple[int, float]]:
        """The first ``limit`` of ``scores`` (position: score before the tie bonus) as (position,
        final score): by final score, then the shorter title, then the older document.

        At 100 times the shipped content a word typed matches thousands of summaries, so the
        tie bonus is not computed one document at a time for all of them: a document whose
        title holds none of the query's strings (not in ``titled``) can only gain its topic
        share (``topic``), which the topic index gives at once; the others are computed
        one by one, and only those within the largest bonus of the last place. The same holds
        for a short term (one or two letters), whose title matches are at word starts only.
        """
        priors, groups = self.priors, len(plan.groups)
        # Only limit documents can end above the limit-th score: a document whose score plus
        # the most its bonus can add (times its kind prior) stays under it is left out.
        last = heapq.nlargest(limit, scores.values())[-1] if len(scores) > limit else -1.0
        band = COVERAGE + TITLE_STARTS + WHOLE_WORD + TOPIC
        short = any(len(alt) < SHORT_TERM for group in plan.groups for alt in group)
        hopeful = [i for i, score in scores.items() if score + band * priors[i] >= last]
        if short:
            one_by_one: Collection[int] = hopeful
            others: list[int] = []
        else:
            one_by_one = titled.intersection(hopeful)
            others = [i for i in hopeful if i not in one_by_one]
        by_final: dict[float, list[int]] = {}
        for i, bonus in self.tie_bonuses(plan, one_by_one).items():
            by_final.setdefault(scores[i] + bonus, []).append(i)
        ranks = self.topic_ranks(plan)
        for i in others:
            score, prior = scores[i], priors[i]
            if score + TOPIC * prior >= last:
                bonus = TOPIC * _topic(i, ranks, groups) * prior
                by_final.setdefault(score + bonus, []).append(i)
        out: list[tuple[int, float]] = []
        order = self._tie_order.__getitem__
        for final in sorted(by_final, reverse=True):
            tied = heapq.nsmallest(limit - len(out), by_final[final], key=order)
            out += [(i, final) for i in tied]
            if len(out) >= limit:
                break
        return out

    def head_ranked(
        self, plan: QueryPlan, limit: int
    ) -> tuple[list[tuple[int, float]], list[dict[int, float]]]:
        """The first ``limit`` documents whose head matches every group, best first, as
        (position, score), and the per-group head weights (for scoring the others)."""
        fields = [self._field_weights(group) for group in plan.groups]
        per_group = [_summed(weights) for weights in fields]
        titled = set().union(*(weights[0] for weights in fields))
        priors = self.priors
        if len(per_group) == 1:
            only = per_group[0]
            scores = {i: w * priors[i] for i, w in only.items()}
        else:
            common = set(per_group[0]).intersection(*per_group[1:])
            scores = {i: sum(w[i] for w in per_group) * priors[i] for i in common}
        for i in self.exact(plan) & scores.keys():
            scores[i] += TITLE_IS_QUERY * priors[i]
        return self.ranked(plan, scores, titled, limit), per_group

    @staticmethod
    def head_only(plan: QueryPlan) -> bool:
        """Every term is shorter than ``SHORT_TERM``: only titles and aliases can match (at a
        word's start), never a body, so the head ranking is the whole ranking."""
        return all(len(alt) < SHORT_TERM for group in plan.groups for alt in group)

    def letter_ranked(self, plan: QueryPlan, limit: int) -> list[tuple[int, float]]:
        """``head_ranked`` for a ``head_only`` plan, kept per plan when it is one character.

        The first key of every search is one letter, which at 100 times the shipped content
        starts with 5,000-15,000 titles and aliases to rank (15-25 ms); there are few such
        queries and their rankings change only with the documents (a new index), so each is
        ranked once, to at least ``LETTERS_KEPT`` places (the limit only cuts: the same
        ranking). Ranked when first typed, not when search is prepared: ranking all 36 letters
        and digits up front cost 0.9 s of CPU at 100x before the first search could answer, and
        a first letter costs what any two-letter prefix does."""
        key = plan.groups
        if len(key) != 1 or len(key[0][0]) != 1:
            return self.head_ranked(plan, limit)[0]
        kept = self._letters.get(key)
        if kept is None or (limit > kept[0] and len(kept[1]) >= kept[0]):
            ranked_to = max(limit, LETTERS_KEPT)
            kept = (ranked_to, self.head_ranked(plan, ranked_to)[0])
            self._letters = {**self._letters, key: kept}  # replaced, never changed in place
        return kept[1][:limit]

    def body_scores(
        self, plan: QueryPlan, positions: Sequence[int], per_group: Sequence[dict[int, float]]
    ) -> list[float]:
        """The final scores of documents matched through their body for at least one group:
        each group weighs its head weight (``per_group``) or BODY, with the whole-title bonus,
        the kind prior and the tie bonus."""
        exact, priors = self.exact(plan), self.priors
        bonuses = self.tie_bonuses(plan, positions)
        scores = []
        for i in positions:
            weights = [w.get(i, BODY) for w in per_group]
            bonus = TITLE_IS_QUERY if i in exact else 0.0
            scores.append((sum(weights) + bonus) * priors[i] + bonuses[i])
        return scores


def _topic(i: int, ranks: Sequence[dict[int, int]], groups: int) -> float:
    """How high each group's typed word stands among document ``i``'s topic words (1 for the
    first, falling by rank; 0 where absent; ``ranks`` from ``HeadIndex.topic_ranks``),
    averaged over the ``groups``."""
    total = 0.0
    for found in ranks:
        rank = found.get(i)
        if rank is not None:
            total += 1.0 - rank / TOPIC_WORDS
    return total / groups


def _summed(fields: Sequence[dict[int, float]]) -> dict[int, float]:
    """Per document, the sum of its weights in ``fields``."""
    largest = max(fields, key=len)
    total = dict(largest)
    for weights in fields:
        if weights is not largest:
            for i, weight in weights.items():
                total[i] = total.get(i, 0.0) + weight
    return total
