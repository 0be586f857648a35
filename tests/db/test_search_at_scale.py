"""The bounded search paths: heads for unselective queries, stored vocabulary, bigram spelling."""

from __future__ import annotations

import difflib
import random

import pytest

from ketref.db import search_query, search_writer
from ketref.db import tables as t
from ketref.domain.enums import ItemKind
from ketref.domain.search_matching import SPELLING_CUTOFF

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
        vocabulary = search_query.SearchCache().vocabulary(session)
    words = sorted(vocabulary.words)
    rng = random.Random(4)
    checked = 0
    for word in rng.sample([w for w in words if len(w) >= 6], 60):
        for typo in _typos(word, rng):
            full = difflib.get_close_matches(typo, words, n=3, cutoff=SPELLING_CUTOFF)
            fast = vocabulary.closest(typo)
            assert fast[:1] == full[:1], typo
            assert word in fast or word not in full, typo
            checked += 1
    assert checked == 240


def test_vocabulary_is_stored_with_the_index_and_follows_edits(shipped_services) -> None:
    with shipped_services.db.read() as session:
        stored = session.get(t.MetaRow, search_writer.VOCABULARY_KEY)
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


def test_common_query_takes_body_matches_in_index_order(shipped_services, monkeypatch) -> None:
    """Past RANK_CAP matches, head matches still come first by score; body-only matches follow,
    clinical items before references, and the limit still only cuts."""
    monkeypatch.setattr(search_query, "RANK_CAP", 5)  # shipped content behaves like a large one
    catalogue = shipped_services.catalogue
    body = catalogue.search("mmhg", limit=80).hits  # mostly in the text
    assert len(body) > 5
    head = [h for h in body if h.score > search_query.HEAD_TIER]
    assert list(body[: len(head)]) == head
    kinds = [h.kind for h in body[len(head) :]]
    if ItemKind.REFERENCE in kinds:
        assert all(k is ItemKind.REFERENCE for k in kinds[kinds.index(ItemKind.REFERENCE) :])
    assert all("[mmhg]" in h.marked_snippet().lower() for h in body[len(head) :])
    for limit in (1, 4, len(head) + 2):
        assert catalogue.search("mmhg", limit=limit).hits == tuple(body[:limit])
    monkeypatch.setattr(search_query, "RANK_CAP", 500)  # ranked by score: the same documents
    ranked = catalogue.search("mmhg", limit=80).hits
    assert {h.slug for h in body} == {h.slug for h in ranked}
    assert ranked[: len(head)] == tuple(head)


def test_common_query_ranks_partial_head_matches_first(shipped_services, monkeypatch) -> None:
    """Past RANK_CAP matches, a document whose head matches some of the query's words comes
    before the texts that merely hold them: after the heads that hold both words, "spravato
    driving" gives the Spravato product page (its title says "Spravato", its text speaks of
    driving), not the first body matches in index order. The limit still only cuts."""
    monkeypatch.setattr(search_query, "RANK_CAP", 5)  # shipped content behaves like a large one
    catalogue = shipped_services.catalogue
    hits = catalogue.search("spravato driving", limit=60).hits
    body = [h for h in hits if h.score < search_query.HEAD_TIER]
    assert len(body) > 5
    assert f"{body[0].kind.value}/{body[0].slug}" == "products/spravato"
    partial = [h for h in body if h.score > 3.0]  # a head match beats 1 per word in the body
    assert body[: len(partial)] == partial
    assert [h.score for h in partial] == sorted((h.score for h in partial), reverse=True)
    for limit in (1, len(hits) - len(body) + 1, len(hits) - len(body) + len(partial) + 2):
        assert catalogue.search("spravato driving", limit=limit).hits == hits[:limit]


def test_unselective_query_sees_an_edited_title(shipped_services, monkeypatch) -> None:
    monkeypatch.setattr(search_query, "RANK_CAP", 5)
    assert shipped_services.catalogue.search("ketamine zebra").hits == ()
    shipped_services.catalogue.edit_item(
        ItemKind.SIDE_EFFECT, "dissociation", {"title": "Ketamine zebra dissociation"}, actor="x"
    )
    hits = shipped_services.catalogue.search("ketamine zebra").hits
    assert [h.slug for h in hits] == ["dissociation"]


def test_overlapping_terms_are_marked_once(shipped_services) -> None:
    hit = shipped_services.catalogue.search("blood pressure").hits[0]
    marked = hit.marked_snippet()
    assert "[blood pressure]" in marked.lower()
    assert "[[" not in marked


def test_library_indexed_by_an_older_ketref_is_reindexed_at_open(shipped_home) -> None:
    """A library whose FTS index holds unfolded text and no heads (format 1) is rebuilt."""
    from tests.conftest import SHIPPED_CONTENT, make_workspace

    with make_workspace(shipped_home, SHIPPED_CONTENT).open().db.write() as session:
        for key in (search_writer.FORMAT_KEY, search_writer.HEADS_KEY):
            session.delete(session.get(t.MetaRow, key))
    services = make_workspace(shipped_home, SHIPPED_CONTENT).open()
    try:
        with services.db.read() as session:
            assert search_writer.index_is_current(session)
            assert search_writer.stored_heads(session)
        hits = services.catalogue.search("lorazepam").hits
        assert hits[0].slug == "benzodiazepines"  # found through its aliases, held as a head
    finally:
        services.close()


def test_kept_one_letter_rankings_follow_edits(shipped_services) -> None:
    """One-letter rankings are kept with the index they were ranked on: after an edit the
    first letter of a new title finds it, and the kept ranking is never served stale."""
    catalogue = shipped_services.catalogue
    catalogue.prepare_search()  # ranks a-z and 0-9
    before = catalogue.search("z", limit=500)
    assert "side-effects/dissociation" not in _slugs(before)
    catalogue.edit_item(
        ItemKind.SIDE_EFFECT, "dissociation", {"title": "Zoning out (dissociation)"}, actor="t"
    )
    after = catalogue.search("z", limit=500)
    assert "side-effects/dissociation" in _slugs(after)[:10]  # a title at a word's start
    assert catalogue.search("z", limit=3).hits == after.hits[:3]  # the limit only cuts
