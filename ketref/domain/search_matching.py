"""Finding words in memory: substrings of folded fields and close spellings, at C speed.

Pure Python, no database: ``FieldText`` finds the documents whose field holds a term (search as
you type), ``Vocabulary`` the indexed words closest to a misspelt one.
"""

from __future__ import annotations

import bisect
import difflib
import re
from array import array
from collections.abc import Iterable, Sequence
from itertools import chain

SHORT_TERM = 3
"""Terms shorter than this match the head only at the start of a word ("bp", not "subpar")."""
SPELLING_CUTOFF = 0.75
LETTER_BITS = 8
"""Occurrences of one character a word's letter bits count (``Vocabulary._bits``)."""
_LETTERS = re.compile(r"[a-z]{4,}")


class Vocabulary:
    """The indexed words, with a bigram index so close words are found without a full scan,
    and each word's letters as bits (``_letters``), so the candidates difflib would reject at
    its quick check are left out with one ``&`` each instead of a Python loop each."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = frozenset(words)
        self._joined = "\n".join(self.words)
        postings: dict[str, list[str]] = {}
        for word in self.words:
            for gram in _bigrams(word):
                postings.setdefault(gram, []).append(word)
        self._postings = {gram: tuple(words) for gram, words in postings.items()}  # see _starts
        slots: dict[str, int] = {}
        for char in sorted(set(self._joined)):
            slots[char] = len(slots)
        self._slots = slots
        self._letters = {word: self._bits(word) for word in self.words}

    def _bits(self, word: str) -> int:
        """``word``'s letters as bits: a character found k times sets the lowest k bits of its
        slot of ``LETTER_BITS``, so ``(a & b).bit_count()`` is how many letters two words
        share, counted with repeats (difflib's ``quick_ratio``). A character no word has sets
        none; a word with a character more often than ``LETTER_BITS`` gets -1 (every bit:
        the term's own count, an upper bound, so it is never left out wrongly)."""
        bits, slots = 0, self._slots
        for char in set(word):
            count = word.count(char)
            if count > LETTER_BITS:
                return -1
            slot = slots.get(char)
            if slot is not None:
                bits |= ((1 << count) - 1) << (slot * LETTER_BITS)
        return bits

    def __contains__(self, word: object) -> bool:
        return word in self.words

    def __len__(self) -> int:
        return len(self.words)

    def lacks(self, term: str) -> bool:
        """Whether ``term``, 4 letters or more and nothing else, is inside none of the words.

        The words are every run of 4+ letters of some texts (``search_index.words_of``), so such
        a term is then in none of those texts: a typo or a miss, known without searching."""
        return _LETTERS.fullmatch(term) is not None and term not in self._joined

    def closest(self, term: str, n: int = 3, cutoff: float = SPELLING_CUTOFF) -> list[str]:
        """Words close to a misspelt ``term`` (e.g. 'ketmaine' -> 'ketamine'), best first.

        Candidates share half of the term's bigrams, or all but three (one typo breaks at most
        three), whichever is fewer, and have a length difflib's cutoff allows; difflib then
        ranks them as a full scan would.

        A word sharing ``need`` of the term's ``k`` bigrams lacks at most ``k - need`` of them,
        so it holds one of any ``k - need + 1``: only the words of the rarest ones are looked
        at (at 100 times the shipped content counting every word of every bigram, "in" and
        "ai" alone 30,000, took 12-17 ms of a misspelt "ketmaine").
        """
        if len(term) < 4:
            return []
        grams = _bigrams(term)
        need = max(1, min((len(grams) + 1) // 2, len(grams) - 3))
        postings = self._postings
        rarest = sorted(grams, key=lambda gram: len(postings.get(gram, ())))
        pool = set().union(*(postings.get(gram, ()) for gram in rarest[: len(grams) - need + 1]))
        # ratio = 2 * matches / (len(a) + len(b)) >= cutoff needs min/max length >= c / (2 - c)
        ratio = cutoff / (2 - cutoff)
        low, high = len(term) * ratio, len(term) / ratio
        # difflib's own first checks, exactly (the same float compared with the same cutoff):
        # the letters the two words share, with repeats, bound how close they can be.
        mine, letters, size = self._bits(term), self._letters, len(term)
        candidates = [
            w
            for w in pool
            if low <= len(w) <= high
            and (mine < 0 or 2.0 * (letters[w] & mine).bit_count() / (size + len(w)) >= cutoff)
            and sum(gram in w for gram in grams) >= need  # a bigram is in w as a substring
        ]
        return difflib.get_close_matches(term, candidates, n=n, cutoff=cutoff)


def _bigrams(word: str) -> set[str]:
    return {word[i : i + 2] for i in range(len(word) - 1)}


class FieldText:
    """One folded field of every document, joined so ``str.find`` scans them at C speed.

    One- and two-letter terms (the first keystrokes) match at the start of a word; as there are
    few such terms and each finds many documents, their matches are kept once found. A field
    searched without them (``short_terms=False``, summaries) takes a short term only as an
    abbreviation ("iv", "bp"), which is rare enough to scan for.

    The matches of the last few longer terms are kept too. A longer term without whitespace
    is looked up in the field's ``WordIndex`` when it has one (``indexed``): at 100 times the
    shipped content the summaries alone are 3 million characters, their distinct words 62,000.
    Otherwise a word typed letter by letter ("ket", "keta", "ketam") is looked for only in the
    documents that held the part typed before, not in the whole field.
    """

    RECENT = 8

    SEPARATOR = "\x00"  # never inside a query term
    WORD_BREAKS = (SEPARATOR, " ", "(", "/", "'")

    def __init__(self, values: Sequence[str], *, short_terms: bool, indexed: bool = False) -> None:
        self.values = tuple(values)
        self._blob = "".join(self.SEPARATOR + value for value in self.values) + self.SEPARATOR
        starts, offset = [], 1
        for value in self.values:
            starts.append(offset)
            offset += len(value) + 1
        self._starts = tuple(starts)  # a tuple of numbers: never walked by the cyclic GC
        self._short_terms = short_terms
        self._short: dict[tuple[str, bool], dict[int, bool]] = {}
        self._recent: dict[str, dict[int, bool]] = {}
        self._words = WordIndex(self.values) if indexed else None

    def containing(self, term: str, whole_word: bool = False) -> dict[int, bool]:
        """The documents whose field contains ``term``, each with whether it is at the start of
        a word there. A short term matches only at the start of a word, and only as a whole
        word when ``whole_word`` (an abbreviation: "bp", not "bprs")."""
        found: dict[int, bool] = {}
        if not term or self.SEPARATOR in term:
            return found
        if len(term) >= SHORT_TERM:
            recent = self._recent  # replaced, never changed: safe to read from any thread
            known = recent.get(term)
            if known is not None:
                return known
            words = self._words
            if words is not None and not _has_space(term):
                found = words.containing(term)
            elif words is not None and term.split():  # "blood pressure": in its longest word's
                found = self._within(term, words.containing(max(term.split(), key=len)))
            elif narrower := [(len(hits), part) for part, hits in recent.items() if part in term]:
                found = self._within(term, recent[min(narrower)[1]])
            else:
                self._scan(term, 0, found)
            kept = dict(list(recent.items())[1 - self.RECENT :])
            kept[term] = found
            self._recent = kept
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

    def _within(self, term: str, documents: Iterable[int]) -> dict[int, bool]:
        """``containing(term)`` among ``documents`` only (each holds a part of ``term``)."""
        values, found = self.values, {}
        for i in documents:
            value = values[i]
            pos = value.find(term)
            if pos >= 0:
                found[i] = pos == 0 or not value[pos - 1].isalnum()
        return found

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


def _has_space(term: str) -> bool:
    """Whether ``term`` holds a character ``str.split`` splits at (a multi-word synonym)."""
    return len(term.split()) != 1 or term.strip() != term


class WordIndex:
    """The distinct words (``str.split``) of one field of every document, each with the
    documents holding it: a term without whitespace that is in a document's field is inside
    one of its words, so the documents holding the term are those of the words holding it,
    found by one scan of the distinct words instead of the whole field.

    Built once with the head index (a few hundred ms at 100 times the shipped content, on the
    search thread); the postings are arrays of numbers, which the cyclic GC never walks.
    """

    def __init__(self, values: Sequence[str]) -> None:
        postings: dict[str, list[int]] = {}
        for i, value in enumerate(values):
            for word in set(value.split()):
                found = postings.get(word)
                if found is None:
                    postings[word] = [i]
                else:
                    found.append(i)
        self._words = tuple(postings)
        self._joined = "\n".join(self._words) + "\n"  # split() never leaves "\n" in a word
        starts, offset = [], 0
        for word in self._words:
            starts.append(offset)
            offset += len(word) + 1
        self._starts = array("l", starts)
        self._postings = tuple(array("l", postings[word]) for word in self._words)
        self._values = values

    def words_holding(self, term: str) -> list[str]:
        """The distinct words holding ``term`` (not empty, without whitespace), once each."""
        return [self._words[k] for k in self._holding(term)]

    def _holding(self, term: str) -> list[int]:
        joined, starts, out = self._joined, self._starts, []
        pos = joined.find(term)
        while pos >= 0:
            k = bisect.bisect_right(starts, pos) - 1
            out.append(k)
            pos = joined.find(term, starts[k] + len(self._words[k]) + 1)
        return out

    def containing(self, term: str) -> dict[int, bool]:
        """``FieldText.containing`` of a term of ``SHORT_TERM`` or more characters without
        whitespace: each document whose field holds it, with whether its first occurrence
        there starts a word.

        A word whose own first occurrence of the term starts it (or follows a character that
        is not a letter or digit) says "yes" for each of its documents, any other word "no";
        only a document holding words of both kinds is looked at (where is the first?)."""
        words, postings = self._words, self._postings
        starting: list[array[int]] = []
        inside: list[array[int]] = []
        for k in self._holding(term):
            word = words[k]
            at = word.find(term)
            (starting if at == 0 or not word[at - 1].isalnum() else inside).append(postings[k])
        found = dict.fromkeys(chain.from_iterable(inside), False)
        if not found:
            return dict.fromkeys(chain.from_iterable(starting), True)
        both = found.keys() & set(chain.from_iterable(starting))
        found.update(dict.fromkeys(chain.from_iterable(starting), True))
        values = self._values
        for i in both:
            value = values[i]
            pos = value.find(term)
            found[i] = pos == 0 or not value[pos - 1].isalnum()
        return found


class TopicIndex:
    """Each document's topic words by word, so that a typed term finds every document whose
    topic words hold it at once, instead of looking through every candidate's list."""

    def __init__(self, topics: Sequence[Sequence[str]]) -> None:
        postings: dict[str, dict[int, int]] = {}
        for i, words in enumerate(topics):
            for rank, word in enumerate(words):
                postings.setdefault(word, {})[i] = rank
        self._postings = postings
        self._words = WordIndex(list(postings))
        """The topic words as one text: the words holding a term are found at C speed."""

    def ranks(self, term: str) -> dict[int, int]:
        """Each document (position) with a topic word holding ``term``, with the rank of its
        first such word (0 for the word its body repeats most). Do not change the result."""
        if not term or _has_space(term):
            held = [w for w in self._postings if term in w]
        else:
            held = self._words.words_holding(term)
        matching = sorted((self._postings[w] for w in held), key=len)
        if not matching:
            return {}
        found = matching[-1] if len(matching) == 1 else dict(matching[-1])
        for ranks in matching[:-1]:
            for i, rank in ranks.items():
                if rank < found.get(i, rank + 1):
                    found[i] = rank
        return found
