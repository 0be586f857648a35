"""The shortcuts that keep search cheap at 100x give what the plain computation gives."""

from __future__ import annotations

import difflib
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketref.domain.search import fold, plan_query
from ketref.domain.search_index import LETTERS_KEPT, Head, HeadIndex, words_of
from ketref.domain.search_matching import FieldText, TopicIndex, Vocabulary, WordIndex

pytestmark = pytest.mark.unit

WORDS = [
    "ketamine",
    "esketamine",
    "ketalar",
    "blood",
    "pressure",
    "bladder",
    "pain",
    "dissociation",
    "session",
    "after",
    "expect",
    "nasal",
    "spray",
    "sedation",
    "memory",
    "insurance",
    "cost",
    "iv",
    "infusion",
    "pre",
    "pregnancy",
    "depression",
]
SYNONYMS = {"bp": ["blood pressure"], "iv": ["intravenous", "infusion"], "ketalar": ["ketamine"]}
KINDS = ("side-effects", "monitoring", "handouts", "references", "products")


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _heads(seed: int, count: int = 300) -> list[Head]:
    rng = random.Random(seed)
    heads = []
    for doc_id in range(1, count + 1):
        topics = " ".join(dict.fromkeys(rng.sample(WORDS, rng.randrange(0, 6))))
        heads.append(
            Head(
                doc_id,
                rng.choice(KINDS),
                fold(_text(rng, rng.randrange(1, 5))),
                fold(_text(rng, rng.randrange(0, 2))),
                fold(_text(rng, rng.randrange(0, 12))),
                topics,
            )
        )
    return heads


def _plain_ranking(index: HeadIndex, text: str) -> list[tuple[int, float]]:
    """Every head match scored with its full tie bonus and sorted: what ``ranked`` must give."""
    plan = plan_query(text, SYNONYMS)
    per_group = [index.group_weights(group) for group in plan.groups]
    common = set(per_group[0]).intersection(*per_group[1:])
    exact = index.exact(plan)
    final = []
    for i in common:
        score = sum(w[i] for w in per_group) * index.priors[i]
        if i in exact:
            score += 16.0 * index.priors[i]
        final.append((i, score + index.tie_bonuses(plan, [i])[i]))
    titles, ids = index.titles.values, index.ids
    return sorted(final, key=lambda s: (-s[1], len(titles[s[0]]), ids[s[0]]))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pruned_ranking_is_the_full_sort_cut_at_the_limit(seed: int) -> None:
    index = HeadIndex(_heads(seed))
    queries = ["ketamine", "ket", "k", "pre", "bp", "iv", "blood pres", "nasal spray", "memory"]
    for text in queries:
        full = _plain_ranking(index, text)
        for limit in (1, 3, 10, 40, 1000):
            order, _weights = index.head_ranked(plan_query(text, SYNONYMS), limit)
            assert order == full[:limit], (text, limit)


@pytest.mark.parametrize("seed", [1, 2])
def test_a_kept_one_letter_ranking_is_the_full_sort_cut_at_any_limit(seed: int) -> None:
    """One-letter rankings are kept once ranked (to LETTERS_KEPT places, or further when a
    larger limit is asked); whatever the order of the limits, each is the full sort cut."""
    index = HeadIndex(_heads(seed, count=600))
    for text in ("k", "p", "b", "k p", "iv", "pr"):
        plan = plan_query(text, SYNONYMS)
        full = _plain_ranking(index, text)
        for limit in (3, LETTERS_KEPT + 50, 10, 1000, 1):
            assert index.letter_ranked(plan, limit) == full[:limit], (text, limit)
    assert not HeadIndex.head_only(plan_query("iv", SYNONYMS))  # its synonyms reach bodies


def test_a_word_typed_letter_by_letter_finds_what_a_fresh_scan_finds() -> None:
    rng = random.Random(7)
    values = [fold(_text(rng, rng.randrange(0, 15))) for _ in range(400)]
    typed = FieldText(values, short_terms=False)
    for word in ("ketamine", "pressure", "esketamine", "depression"):
        for n in range(3, len(word) + 1):
            fresh = FieldText(values, short_terms=False)
            assert typed.containing(word[:n]) == fresh.containing(word[:n]), word[:n]
    # a term inside an earlier one's matches, not only a longer prefix ("ssion" after "session")
    fresh = FieldText(values, short_terms=False)
    typed.containing("session")
    assert typed.containing("ession") == fresh.containing("ession")


def _scanned(values: list[str], term: str) -> dict[int, bool]:
    """``FieldText.containing`` of a 3+ character term by definition: each value holding it,
    with whether its first occurrence starts a word (no letter or digit just before)."""
    found = {}
    for i, value in enumerate(values):
        pos = value.find(term)
        if pos >= 0:
            found[i] = pos == 0 or not value[pos - 1].isalnum()
    return found


_CHARS = "keta mnsp(/'-.1\t\néü"
"""Few characters, so terms recur inside and across words; separators the split and the
word-start test treat differently ("(", "/", "'", ".", a tab, a newline), a digit, accents."""


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet=_CHARS, max_size=40), max_size=25),
    st.lists(st.text(alphabet=_CHARS, min_size=3, max_size=6), min_size=1, max_size=6),
)
def test_word_index_finds_what_a_scan_of_every_value_finds(
    values: list[str], terms: list[str]
) -> None:
    """The indexed field gives each term (whitespace in it or not, typed on or repeated) the
    documents and word starts a plain scan gives; so does the unindexed one."""
    indexed = FieldText(values, short_terms=False, indexed=True)
    plain = FieldText(values, short_terms=False)
    inside = [v[i : i + n] for v in values[:5] for n in (3, 5) for i in range(0, len(v) - n + 1, 4)]
    for term in [*terms, *inside]:
        if "\x00" in term:
            continue
        expected = _scanned(values, term)
        assert indexed.containing(term) == expected, (values, term)
        assert indexed.containing(term) == expected, (values, term)  # the kept answer
        assert plain.containing(term) == expected, (values, term)


def test_word_index_knows_which_first_occurrence_starts_a_word() -> None:
    values = ["esketamine then ketamine", "ketamine then esketamine", "(ketamine)", "a/ket", "x"]
    index = WordIndex(values)
    assert index.containing("ketamine") == {0: False, 1: True, 2: True}
    assert index.containing("ket") == {0: False, 1: True, 2: True, 3: True}
    assert sorted(index.words_holding("ket")) == ["(ketamine)", "a/ket", "esketamine", "ketamine"]
    assert index.containing("zzz") == {}
    field = FieldText(values, short_terms=True, indexed=True)
    assert field.containing("then esk") == {1: True}  # across words: within "esk"'s documents


def test_topic_index_matches_a_look_at_every_topic_word() -> None:
    rng = random.Random(3)
    topics = [rng.sample(WORDS, rng.randrange(0, 6)) for _ in range(200)]
    index = TopicIndex(topics)
    for term in ("ket", "ess", "pre", "sion", "a", "zebra", "in f", "pain"):
        expected: dict[int, int] = {}
        for i, words in enumerate(topics):
            ranks = [rank for rank, word in enumerate(words) if term in word]
            if ranks:
                expected[i] = ranks[0]
        assert index.ranks(term) == expected, term


def test_topic_index_gives_each_document_its_first_topic_word_holding_the_term() -> None:
    topics = [("ketamine", "esketamine"), ("pain", "ketalar", "ketamine"), (), ("bladder",)]
    index = TopicIndex(topics)
    assert index.ranks("ketam") == {0: 0, 1: 2}
    assert index.ranks("keta") == {0: 0, 1: 1}
    assert index.ranks("zebra") == {}


def test_vocabulary_knows_a_word_no_text_holds() -> None:
    vocabulary = Vocabulary(words_of(["esketamine nasal spray", "blood pressure"]))
    assert vocabulary.lacks("ketmaine")
    assert not vocabulary.lacks("ketam")  # inside "esketamine": it may match
    assert not vocabulary.lacks("ssure")
    assert not vocabulary.lacks("blood pressure")  # not one word: left to the search
    assert not vocabulary.lacks("bp")  # too short to know


def test_closest_leaves_out_only_what_difflib_would_reject() -> None:
    """The letter bits drop a candidate only when difflib's quick check would, also for
    letters repeated more often than the bits count and characters no word has."""
    words = ["ketamine", "ketamines", "esketamine", "mmmmmmmmmmmmmm", "mmmmmmmmmmmmma", "katamine"]
    vocabulary = Vocabulary(words)
    for term in ("ketmaine", "mmmmmmmmmmmmmb", "mmmmmmmmmmmmmmm", "ketamiñe", "kétamine"):
        for cutoff in (0.6, 0.75, 0.9):
            full = difflib.get_close_matches(term, words, n=3, cutoff=cutoff)
            assert vocabulary.closest(term, cutoff=cutoff) == full, (term, cutoff)


def test_closest_finds_what_counting_every_shared_bigram_finds() -> None:
    """Only the words of the term's rarest bigrams are looked at: the same candidates as
    counting, for every word, the bigrams it shares with the term."""
    rng = random.Random(11)
    letters = "aeinrst" + "bkmz"  # few letters: most bigrams are in many words
    words = {"".join(rng.choice(letters) for _ in range(rng.randrange(4, 11))) for _ in range(3000)}
    vocabulary = Vocabulary(words)
    for _ in range(300):
        word = rng.choice(sorted(words))
        i = rng.randrange(len(word))
        term = word[:i] + rng.choice(letters) + word[i + 1 :]
        grams = {term[j : j + 2] for j in range(len(term) - 1)}
        need = max(1, min((len(grams) + 1) // 2, len(grams) - 3))
        low, high = len(term) * 0.75 / 1.25, len(term) / (0.75 / 1.25)
        shared = [w for w in words if sum(g in w for g in grams) >= need and low <= len(w) <= high]
        assert vocabulary.closest(term) == difflib.get_close_matches(term, shared, 3, 0.75)
