"""The bounded search paths: titles for unselective queries, stored vocabulary, bigram spelling."""

from __future__ import annotations

import difflib
import random

import pytest

from ketref.db import search as search_db
from ketref.db import tables as t
from ketref.domain.enums import ItemKind
from ketref.domain.search import QueryPlan

pytestmark = pytest.mark.db


def _slugs(result) -> list[str]:
    return [f"{h.kind.value}/{h.slug}" for h in result.hits]


def _typos(word: str, rng: random.Random) -> list[str]:
    i = rng.randrange(1, len(word) - 1)
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    return [
        word[:i] + word[i + 1 :],  # deletion
        word[:i] + letter + word[i:],  # insertion
        word[:i] + letter + word[i + 1 :],  # substitution
        word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :],  # transposition
    ]


def test_bigram_spelling_finds_what_a_full_scan_finds(shipped_services) -> None:
    with shipped_services.db.read() as session:
        vocabulary = search_db.SearchCache().vocabulary(session)
    words = sorted(vocabulary.words)
    rng = random.Random(4)
    checked = 0
    for word in rng.sample([w for w in words if len(w) >= 6], 60):
        for typo in _typos(word, rng):
            full = difflib.get_close_matches(typo, words, n=3, cutoff=search_db.SPELLING_CUTOFF)
            fast = vocabulary.closest(typo)
            assert fast[:1] == full[:1], typo
            assert word in fast or word not in full, typo
            checked += 1
    assert checked == 240


def test_vocabulary_is_stored_with_the_index_and_follows_edits(shipped_services) -> None:
    with shipped_services.db.read() as session:
        stored = session.get(t.MetaRow, search_db.VOCABULARY_KEY)
        assert stored is not None
        assert "dissociation" in stored.value.split("\n")
    shipped_services.catalogue.edit_item(
        ItemKind.SIDE_EFFECT,
        "dissociation",
        {"summary": "Clinic note: observe with the quinquennial protocol."},
        actor="dr-test",
    )
    result = shipped_services.catalogue.search("quinquenial")  # one letter missing
    assert result.corrections == {"quinquenial": "quinquennial"}
    assert _slugs(result) == ["side-effects/dissociation"]


@pytest.mark.sqlite_only("FTS5 bm25 ranking; PostgreSQL uses the LIKE fallback")
def test_unselective_query_ranks_titles_first(shipped_services, monkeypatch) -> None:
    monkeypatch.setattr(search_db, "RANK_CAP", 5)  # shipped content behaves like a large one
    result = shipped_services.catalogue.search("ketamine", limit=30)
    assert len(result.hits) == 30
    # "ketalar" is a synonym of "ketamine"
    titled = [
        h for h in result.hits if "ketamine" in h.title.lower() or "ketalar" in h.title.lower()
    ]
    assert list(result.hits[: len(titled)]) == titled  # title matches before body matches
    kinds = [h.kind for h in titled]
    assert ItemKind.REFERENCE in kinds  # and clinical items before the references they cite
    assert all(k is ItemKind.REFERENCE for k in kinds[kinds.index(ItemKind.REFERENCE) :])
    assert all("\ue000" in h.snippet for h in result.hits)  # each shows where it matched
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)
    body = shipped_services.catalogue.search("mmhg", limit=50).hits  # mostly in the text
    titled = [h for h in body if "mmhg" in h.title.lower()]
    assert list(body[: len(titled)]) == titled
    assert all("[mmhg]" in h.marked_snippet().lower() for h in body[len(titled) :])
    monkeypatch.setattr(search_db, "RANK_CAP", 500)  # ranked with bm25: the same documents
    ranked = shipped_services.catalogue.search("mmhg", limit=50).hits
    assert len(body) > 5
    assert {h.slug for h in body} == {h.slug for h in ranked}


def test_unselective_query_sees_an_edited_title(shipped_services, monkeypatch) -> None:
    monkeypatch.setattr(search_db, "RANK_CAP", 5)
    assert shipped_services.catalogue.search("ketamine zebra").hits == ()
    shipped_services.catalogue.edit_item(
        ItemKind.SIDE_EFFECT, "dissociation", {"title": "Ketamine zebra dissociation"}, actor="x"
    )
    hits = shipped_services.catalogue.search("ketamine zebra").hits
    assert [h.slug for h in hits] == ["dissociation"]


def test_title_index_matches_every_group_and_orders_by_start() -> None:
    index = search_db.TitleIndex(
        ids=[10, 11, 12, 13, 14],
        kinds=["side-effects", "references", "side-effects", "interactions", "monitoring"],
        titles=["Blood pressure rise", "Blood pressure cuffs", "High blood pressure", "BP", "x"],
    )
    assert index.starting_with("blood") == {0, 1}
    assert index.containing("pressure") == {0: 6, 1: 6, 2: 11}  # title -> first occurrence
    assert index.containing("\x00") == {}
    plan = QueryPlan("blood pressure", (("blood pressure", "bp"),))
    # clinical titles starting with a term ("BP" too), clinical ones containing it, references
    assert index.matching(plan, 10) == [13, 10, 12, 11]
    assert index.matching(QueryPlan("rise blood", (("rise",), ("blood",))), 10) == [10]
    assert index.matching(plan, 2) == [13, 10]


def test_overlapping_terms_are_marked_once(shipped_services) -> None:
    hit = shipped_services.catalogue.search("blood pressure").hits[0]
    marked = hit.marked_snippet()
    assert "[blood pressure]" in marked.lower()
    assert "[[" not in marked
