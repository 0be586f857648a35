"""The Qt models pass pytest-qt's model tester with real data, and filter/sort as shown."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ketref.domain.enums import ItemKind
from ketref.gui.models import (
    DETAIL_RUNS_ROLE,
    KEY_ROLE,
    RUNS_ROLE,
    ItemFilterProxy,
    ItemTableModel,
    SearchResultsModel,
)

pytestmark = pytest.mark.gui


def test_item_table_model(qtmodeltester, shipped_services) -> None:
    model = ItemTableModel()
    model.set_items(shipped_services.catalogue.list_items(ItemKind.SIDE_EFFECT))
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 37
    assert model.index(0, 0).data(KEY_ROLE)[0] is ItemKind.SIDE_EFFECT


def test_filter_proxy(qtmodeltester, shipped_services) -> None:
    model = ItemTableModel()
    model.set_items(shipped_services.catalogue.list_items(ItemKind.CONTRAINDICATION))
    proxy = ItemFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(ItemTableModel.TITLE)
    qtmodeltester.check(proxy, force_py=True)
    titles = [proxy.index(r, 0).data() for r in range(proxy.rowCount())]
    assert titles == sorted(titles, key=str.casefold)
    proxy.set_filter_words("BLOOD pressure")  # the tester, still connected, checks the signals
    kept = [
        f"{proxy.index(r, 0).data()} {proxy.index(r, 0).data(Qt.ItemDataRole.ToolTipRole)}"
        for r in range(proxy.rowCount())
    ]
    assert kept
    assert all("blood" in t.lower() and "pressure" in t.lower() for t in kept)
    assert proxy.rowCount() < model.rowCount()
    proxy.set_filter_words("")
    assert proxy.rowCount() == model.rowCount()


def test_search_results_model(qtmodeltester, shipped_services) -> None:
    result = shipped_services.catalogue.search("blood pressure", limit=40)
    model = SearchResultsModel()
    model.set_result(result)
    qtmodeltester.check(model, force_py=True)
    assert model.hit_count() == len(result.hits)
    first_group = model.index(0, 0)
    assert model.hit(first_group) is None
    assert not model.flags(first_group) & Qt.ItemFlag.ItemIsSelectable
    first_hit = model.first_hit_index()
    assert model.hit(first_hit) == result.hits[0]  # the best hit's kind comes first
    assert model.parent(first_hit) == first_group
    assert any(bold for _text, bold in first_hit.data(DETAIL_RUNS_ROLE))
    model.set_result(None)
    assert model.rowCount() == 0


def test_search_results_escape_content(shipped_services) -> None:
    from ketref.domain.search import HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN, SearchHit, SearchResult

    hit = SearchHit(
        ItemKind.HANDOUT, "x", "<script>", f"a {HIGHLIGHT_OPEN}<b>{HIGHLIGHT_CLOSE} & c", 1.0
    )
    model = SearchResultsModel()
    model.set_result(SearchResult("q", (hit,)))
    index = model.first_hit_index()
    assert model.data(index, RUNS_ROLE) == (("<script>", False),)  # painted as typed, not markup
    snippet = index.data(DETAIL_RUNS_ROLE)
    assert snippet == (("a ", False), ("<b>", True), (" & c", False))
