"""The judged query set against the shipped content: search finds what a clinician means."""

from __future__ import annotations

import pytest

from ketref.domain.enums import ItemKind
from tests.search import judged

pytestmark = pytest.mark.db

LIMIT = 50


def test_judged_set_is_real(shipped_services) -> None:
    """At least 80 queries, every judged item exists, no query judged twice."""
    judgements = judged.load()
    assert len(judgements) >= 80
    assert len({j.query for j in judgements}) == len(judgements)
    catalogue = shipped_services.catalogue
    for j in judgements:
        assert j.top3 or j.top10, j.query
        for key in (*j.top3, *j.top10):
            kind, slug = key.split("/")
            catalogue.get_item(ItemKind(kind), slug)  # raises NotFoundError for a stale slug


def test_ranking_passes_the_judged_set(shipped_services) -> None:
    catalogue = shipped_services.catalogue

    def search(text: str) -> list[str]:
        return [f"{h.kind.value}/{h.slug}" for h in catalogue.search(text, limit=LIMIT).hits]

    figures = judged.evaluate(search, judged.load())
    assert figures.top3_failures == [], figures.summary()
    assert figures.ndcg_at_10 >= judged.NDCG_AT_10_MIN, figures.summary()
    assert figures.recall_at_10 >= judged.RECALL_AT_10_MIN, figures.summary()
    assert figures.precision_at_3 >= judged.PRECISION_AT_3_MIN, figures.summary()


def test_limit_only_cuts(shipped_services) -> None:
    """One ranking whatever the limit: a smaller limit gives a prefix of a larger one."""
    catalogue = shipped_services.catalogue
    for text in ("spravato", "blood pres", "dose", "ketamine", "k", "bp", "ketmaine"):
        full = [(h.kind, h.slug) for h in catalogue.search(text, limit=200).hits]
        for limit in (1, 3, 5, 10, 60):
            cut = [(h.kind, h.slug) for h in catalogue.search(text, limit=limit).hits]
            assert cut == full[:limit], (text, limit)
