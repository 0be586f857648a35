"""The search results view: whole titles, headings with counts that fold, keys in and out."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem

from ketref.domain.enums import ItemKind
from ketref.gui import highlight_delegate
from ketref.gui.highlight_delegate import ELLIPSIS, HighlightDelegate, cut_at_word, elide_runs
from ketref.gui.models import DETAIL_RUNS_ROLE, RUNS_ROLE
from tests.gui.conftest import search

pytestmark = pytest.mark.gui


def _advance(font: QFont):
    bold = QFont(font)
    bold.setBold(True)
    metrics = (QFontMetricsF(font), QFontMetricsF(bold))
    return lambda text, strong: metrics[strong].horizontalAdvance(text)


def test_a_line_that_does_not_fit_is_cut_at_a_word(qapp) -> None:
    assert cut_at_word("Blood pressure before the dose", 30) == 30
    assert cut_at_word("Blood pressure before the dose", 17) == len("Blood pressure")
    assert cut_at_word("Blood pressure, before", 16) == len("Blood pressure")  # no dangling comma
    assert cut_at_word("Supercalifragilistic", 5) == 5  # one long word: cut inside it
    advance = _advance(QFont())
    runs = (("Spravato - ", False), ("blood pressure", True), (" until stable and before", False))
    whole = sum(advance(t, b) for t, b in runs)
    assert elide_runs(runs, whole + 1, advance) == runs
    cut = elide_runs(runs, whole * 0.7, advance)
    text = "".join(t for t, _ in cut)
    assert text.endswith(ELLIPSIS) and "".join(t for t, _ in runs).startswith(text[:-1])
    assert text[:-1].split()[-1] in {"blood", "pressure", "until", "stable", "and"}
    assert cut[1] == ("blood pressure", True)  # the bold run keeps its weight
    assert sum(advance(t, b) for t, b in cut) <= whole * 0.7


def test_titles_show_whole_or_cut_at_a_word_with_the_whole_title_as_tooltip(window, qtbot):
    search(qtbot, window, "blood pressure")
    controller = window.search_controller
    view, model = controller.view, controller.model
    assert view.isHeaderHidden() and model.columnCount() == 1
    delegate = view.itemDelegate()
    assert isinstance(delegate, HighlightDelegate)
    whole = 0
    for group in range(model.rowCount()):
        parent = model.index(group, 0)
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            hit = model.hit(index)
            assert hit.title in index.data(Qt.ItemDataRole.ToolTipRole)
            assert index.data(DETAIL_RUNS_ROLE)  # where it matched, under the title
            width = view.visualRect(index).width() - 8
            runs = elide_runs(index.data(RUNS_ROLE), width, _advance(view.font()))
            shown = "".join(t for t, _ in runs)
            if shown == hit.title:
                whole += 1
            else:
                kept = shown.removesuffix(ELLIPSIS)
                assert hit.title.startswith(kept)
                assert hit.title[len(kept)] in " ,;:-"  # cut between words
    assert whole >= 0.8 * model.hit_count()  # at 1280 x 800 most titles fit whole


def test_a_hit_row_paints_its_title_and_where_it_matched(window, qtbot) -> None:
    search(qtbot, window, "bladder")
    view = window.search_controller.view
    first = window.search_controller.model.first_hit_index()
    rect = view.visualRect(first)
    assert rect.height() >= 2 * view.fontMetrics().height()  # two lines: title, then snippet
    heading = view.visualRect(window.search_controller.model.index(0, 0))
    assert heading.height() < rect.height()
    image = QImage(rect.size(), QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = rect.translated(-rect.topLeft())
    option.font = view.font()
    view.itemDelegate().paint(painter, option, first)
    painter.end()
    half = rect.height() // 2
    inked = [
        any(image.pixelColor(x, y).lightness() < 128 for x in range(rect.width()))
        for y in range(rect.height())
    ]
    assert any(inked[:half]) and any(inked[half:])  # ink on both lines


def test_a_full_line_cache_lets_only_its_oldest_line_go(qapp, monkeypatch) -> None:
    """Freeing every kept line at once stalled one keystroke; one goes per new line."""
    monkeypatch.setattr(highlight_delegate, "CACHE_LIMIT", 3)
    delegate = HighlightDelegate()
    delegate._use_font(QFont())
    lines = [delegate._line(((f"line {n}", n % 2 == 0),), 300) for n in range(3)]
    delegate._line((("one more", False),), 300)
    kept = list(delegate._lines)
    assert kept == [
        ((("line 1", False),), 300),
        ((("line 2", True),), 300),
        ((("one more", False),), 300),
    ]
    assert delegate._line((("line 2", True),), 300) is lines[2]  # still laid out, not again


def test_enter_return_and_space_fold_a_group_heading(window, qtbot) -> None:
    search(qtbot, window, "blood pressure")
    controller = window.search_controller
    view, model = controller.view, controller.model
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    assert view.hasFocus() and model.hit(view.currentIndex()) is not None
    qtbot.keyClick(view, Qt.Key.Key_Left)  # to the first group's heading
    heading = model.index(0, 0)
    assert view.currentIndex() == heading
    assert view.isExpanded(heading)
    opened: list[object] = []
    controller.hit_opened.connect(opened.append)
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
        qtbot.keyClick(view, key)
        assert not view.isExpanded(heading)
        qtbot.keyClick(view, key)
        assert view.isExpanded(heading)
    assert opened == []  # a heading is not a result to open
    qtbot.keyClick(view, Qt.Key.Key_Up)  # from the top heading back to the field
    assert window.search.hasFocus()


def test_down_goes_into_the_results_and_up_comes_back(window, qtbot) -> None:
    search(qtbot, window, "nausea")
    controller = window.search_controller
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    assert controller.view.hasFocus()
    assert controller.view.currentIndex() == controller.model.first_hit_index()
    qtbot.keyClick(controller.view, Qt.Key.Key_Down)
    assert controller.view.currentIndex() != controller.model.first_hit_index()
    qtbot.keyClick(controller.view, Qt.Key.Key_Up)
    qtbot.keyClick(controller.view, Qt.Key.Key_Up)
    assert window.search.hasFocus()
    qtbot.keyClicks(window.search, " x")  # typing goes on where it left off
    assert window.search.text() == "nausea x"


def test_fast_typing_against_the_real_search_loses_no_character(window, qtbot) -> None:
    typed = "esketamine blood pressure"
    window.search.setFocus()
    for char in typed:  # results arrive between keys while typing goes on
        qtbot.keyClicks(window.search, char)
        qtbot.wait(1)
    assert window.search.text() == typed
    qtbot.waitUntil(lambda: not window.search_controller.runner.busy, timeout=5000)
    qtbot.waitUntil(
        lambda: (
            (result := window.search_controller.model.result) is not None and result.query == typed
        ),
        timeout=5000,
    )
    model = window.search_controller.model
    assert model.hit_count() == len(model.result.hits) > 0
    assert window.search.text() == typed
    headings = [model.index(g, 0).data() for g in range(model.rowCount())]
    assert all(h.endswith(f"({model.rowCount(model.index(g, 0))})") for g, h in enumerate(headings))
    assert any(h.startswith(ItemKind.MONITORING.label) for h in headings)
    point = QPoint(10, 10)
    assert window.search_controller.view.indexAt(point).isValid()
