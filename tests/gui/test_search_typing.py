"""Typing in the search field: the newest text wins, no key is lost, results update in place."""

from __future__ import annotations

import gc
import threading

import pytest
from PySide6.QtCore import QEvent, QModelIndex, QObject
from PySide6.QtWidgets import QApplication

from ketref.domain.errors import BadInputError
from ketref.gui.background import BackgroundRunner
from ketref.gui.models import SearchResultsModel
from ketref.gui.responsiveness import FULL_COLLECTION_AFTER
from tests.gui.conftest import search

pytestmark = pytest.mark.gui


def test_fast_typing_keeps_every_character_and_shows_the_last_text(window, qtbot) -> None:
    release = threading.Event()
    catalogue = window.services.catalogue
    original = catalogue.search

    def slow_search(text: str, limit: int = 20):
        release.wait(5)  # results arrive only after the whole word was typed
        return original(text, limit)

    catalogue.search = slow_search  # type: ignore[method-assign]
    try:
        window.search.setFocus()
        qtbot.keyClicks(window.search, "ketamine bladder")
        assert window.search.text() == "ketamine bladder"
        with qtbot.waitSignal(window.results_shown, timeout=5000):
            release.set()
        qtbot.waitUntil(lambda: not window.search_controller.runner.busy, timeout=5000)
    finally:
        catalogue.search = original  # type: ignore[method-assign]
    assert window.search.text() == "ketamine bladder"
    assert window.search_controller.model.result.query == "ketamine bladder"


def test_results_arriving_between_keys_take_no_character_and_no_focus(window, qtbot) -> None:
    """Each key's results land before the next key: the field keeps every letter, its cursor
    and the keyboard (keys go where the focus is, as a user's do)."""
    window.search.setFocus()
    typed = "ketamine bladder"
    for n, char in enumerate(typed):
        with qtbot.waitSignal(window.results_shown, timeout=5000):
            qtbot.keyClicks(QApplication.focusWidget(), char)
        assert QApplication.focusWidget() is window.search
        assert window.search.text() == typed[: n + 1]
        assert window.search.cursorPosition() == n + 1 and not window.search.hasSelectedText()
    assert window.search_controller.model.result.query == typed.strip()


def test_stale_results_never_reach_the_list(window, qtbot) -> None:
    """Keys typed while a search runs: only the newest text's results are put in the list."""
    started, release = threading.Event(), threading.Event()
    catalogue = window.services.catalogue
    original = catalogue.search

    def gated_search(text: str, limit: int = 20):
        if text == "k":
            started.set()
            release.wait(5)
        return original(text, limit)

    controller = window.search_controller
    listed: list[str] = []
    set_result = controller.model.set_result
    controller.model.set_result = lambda r: (listed.append(r.query), set_result(r))[1]
    catalogue.search = gated_search  # type: ignore[method-assign]
    try:
        window.search.setFocus()
        qtbot.keyClicks(window.search, "k")
        assert started.wait(5)
        qtbot.keyClicks(window.search, "etamine")  # each replaces the last waiting text
        with qtbot.waitSignal(window.results_shown, timeout=5000):
            release.set()
        qtbot.waitUntil(lambda: not controller.runner.busy, timeout=5000)
    finally:
        catalogue.search = original  # type: ignore[method-assign]
        del controller.model.set_result
    assert listed == ["ketamine"]


class _PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        self.count += event.type() == QEvent.Type.Paint
        return False


def _wait_for_quiet(qtbot, counter: _PaintCounter) -> None:
    """Wait until the viewport goes 100 ms without a paint (on a loaded machine the first
    showing's later layout can come well after its results)."""
    for _ in range(40):
        counter.count = 0
        qtbot.wait(100)
        if counter.count == 0:
            return
    raise AssertionError("the list kept painting for 4 s with nothing typed")


def test_results_are_painted_once_at_their_final_size(window, qtbot) -> None:
    """Nothing is left to lay out after "shown" (the tree's rows, the message line), so the list
    is not painted a second time once a key's results are on screen."""
    viewport = window.search_controller.view.viewport()
    counter = _PaintCounter()
    search(qtbot, window, "b")
    viewport.installEventFilter(counter)
    _wait_for_quiet(qtbot, counter)  # the list's very first showing is laid out once more later
    for char in "ladder cystitis":  # the number of rows and the message change at each key
        search(qtbot, window, char)
        counter.count = 0
        qtbot.wait(30)  # the turns of the event loop that follow
        assert counter.count == 0, window.search.text()
    viewport.removeEventFilter(counter)


def test_the_first_key_of_a_search_paints_the_list_once(window, qtbot) -> None:
    """The first key shows the list, its scroll bar and the message line again; their first
    updates are painted with the results, not once more after them."""
    viewport = window.search_controller.view.viewport()
    counter = _PaintCounter()
    search(qtbot, window, "b")  # the list's very first showing is laid out once more later
    viewport.installEventFilter(counter)
    for word in ("k", "d", "b"):
        window.search_controller.clear()
        _wait_for_quiet(qtbot, counter)
        search(qtbot, window, word)
        qtbot.wait(30)
        assert counter.count == 1, word
    viewport.removeEventFilter(counter)


def test_the_collector_skips_the_library_only_while_it_is_attached(window, qtbot) -> None:
    qtbot.waitUntil(lambda: gc.get_freeze_count() > 0, timeout=5000)  # after search is prepared
    assert gc.get_threshold()[2] == FULL_COLLECTION_AFTER
    window.search_controller.detach()
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold()[2] == 10  # CPython's default again


def test_results_update_in_place_without_a_reset(qtmodeltester, shipped_services) -> None:
    model = SearchResultsModel()
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    first = shipped_services.catalogue.search("blood pressure", limit=40)
    model.set_result(first)
    qtmodeltester.check(model, force_py=True)  # stays connected: checks every signal below
    for text in ("blood", "ketamine", "bladder", "grapefruit", "blood pressure", "nausea"):
        result = shipped_services.catalogue.search(text, limit=40)
        model.set_result(result)
        assert model.hit_count() == len(result.hits)
        shown = [
            model.hit(model.index(r, 0, model.index(g, 0)))
            for g in range(model.rowCount())
            for r in range(model.rowCount(model.index(g, 0)))
        ]
        kinds = list(dict.fromkeys(h.kind for h in result.hits))
        assert [
            model.hit(model.index(0, 0, model.index(g, 0))).kind for g in range(len(kinds))
        ] == kinds
        assert sorted(shown, key=result.hits.index) == list(result.hits)
    model.set_result(None)
    assert model.rowCount() == 0 and not resets


def test_groups_stay_expanded_as_results_change(window, qtbot) -> None:
    view = window.search_controller.view
    search(qtbot, window, "blood")
    search(qtbot, window, " pressure")
    model = window.search_controller.model
    assert all(view.isExpanded(model.index(g, 0)) for g in range(model.rowCount()))
    assert not view.currentIndex().isValid()  # Enter opens the best hit, not a stale row


def test_latest_only_runs_the_newest_request_and_drops_stale_results(qtbot) -> None:
    started = threading.Event()
    release = threading.Event()
    ran: list[str] = []

    def job(request: str, _progress) -> str:
        ran.append(request)
        if request == "a":
            started.set()
            release.wait(5)
        return request.upper()

    runner = BackgroundRunner(job, "test", latest_only=True)
    shown: list[str] = []
    runner.succeeded.connect(shown.append)
    runner.submit("a")
    assert started.wait(5)
    runner.submit("ab")
    runner.submit("abc")  # replaces "ab", which never runs
    release.set()
    qtbot.waitUntil(lambda: shown == ["ABC"], timeout=5000)
    assert ran == ["a", "abc"]
    assert runner.shutdown()


def test_every_request_runs_and_failures_come_back_as_exceptions(qtbot) -> None:
    def job(request: int, _progress) -> int:
        if request == 2:
            raise BadInputError("two is not allowed")
        return request * 10

    runner = BackgroundRunner(job, "test", latest_only=False)
    done: list[object] = []
    runner.succeeded.connect(done.append)
    runner.failed.connect(done.append)
    for n in (1, 2, 3):
        runner.submit(n)
    assert runner.shutdown()  # waits for every request already sent
    qtbot.waitUntil(lambda: len(done) == 3, timeout=5000)
    assert done[0] == 10 and isinstance(done[1], BadInputError) and done[2] == 30


def test_search_failure_is_one_line_in_the_list(window, qtbot, monkeypatch) -> None:
    def broken(text: str, limit: int = 20):
        raise RuntimeError("disk said no: Nguyễn")

    monkeypatch.setattr(window.services.catalogue, "search", broken)
    window.search.setText("x")
    qtbot.waitUntil(window.browser.message.isVisible, timeout=5000)
    assert window.browser.message.text() == "That did not work this time; details are in the log."
    assert QModelIndex() == window.search_controller.view.currentIndex()
