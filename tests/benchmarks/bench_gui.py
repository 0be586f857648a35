"""Keystroke to results in the real main window, offscreen, on the shipped content and at 100x.

Every query of the search benchmark's mix is typed letter by letter into the window's search
field (``setText`` of each prefix, the field cleared between queries); each keystroke is timed
from the text change to the window's ``results_shown`` signal, which it emits once the results
(or a miss) are in its list and the list has been painted. The search runs on a worker thread,
so each keystroke waits for its own signal in an event loop before the next. One round gives
p50 and p99 over all keystrokes. The interpreter's switch interval is the app's own
(``ketref.gui.responsiveness``, set where the app starts), restored afterwards.

Baseline, alternated round by round: a bare ``QListWidget`` in a window, repopulated once per
keystroke with the same result titles (clear + addItems + repaint): the least any Qt list costs
to show the same results, without searching.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from tests.benchmarks import fixtures
from tests.benchmarks.bench_search import query_mix
from tests.benchmarks.harness import (
    Context,
    Figure,
    Skip,
    alternate,
    at_most,
    benchmark,
    under,
)
from tests.benchmarks.harness import percentile as pct

KEY_TIMEOUT_MS = 5000
"""A keystroke whose results do not arrive by then is a failure, not a slow sample."""


def keystrokes() -> list[str]:
    """The field's text after each keystroke; "" marks clearing it before the next query."""
    queries: list[str] = []
    for _cat, text in query_mix():
        if queries and text.startswith(queries[-1]):  # the next prefix of the word being typed
            queries[-1] = text
        else:
            queries.append(text)
    typed: list[str] = []
    for query in queries:
        typed += ["", *(query[:n] for n in range(1, len(query) + 1))]
    return typed


@benchmark("gui-keystroke", "Keystroke to results in the main window vs a bare QListWidget")
def gui_keystroke(ctx: Context) -> list[Figure]:
    return measure_keystrokes(ctx, fixtures.SHIPPED, "gui-keystroke", 16.0)


@benchmark("gui-keystroke-scaled", "Keystroke to results with the generated knowledge base")
def gui_keystroke_scaled(ctx: Context) -> list[Figure]:
    return measure_keystrokes(ctx, fixtures.scaled_folder(ctx), "gui-keystroke-scaled", 33.0)


def measure_keystrokes(ctx: Context, folder: Path, name: str, p99_goal: float) -> list[Figure]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from PySide6.QtCore import QEventLoop, QTimer
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication, QListWidget

        from ketref.gui.main_window import MainWindow
        from ketref.gui.responsiveness import share_interpreter_fairly
        from ketref.gui.ui_state import UiState
    except ImportError as exc:
        raise Skip(f"Qt is not available: {exc}") from exc

    app = QApplication.instance() or QApplication([])
    switch_interval = sys.getswitchinterval()
    share_interpreter_fairly()  # as the app does where it starts (run_gui)
    home = fixtures.home_with(ctx, fixtures.database_of(ctx, folder), name)
    services = fixtures.open_services(home, folder)
    window = MainWindow(UiState(Path(home) / "ui.ini"))
    bare = QListWidget()
    try:
        window.show()
        QTest.qWaitForWindowExposed(window)
        window.attach(services)
        bare.resize(400, 700)
        bare.show()
        QTest.qWaitForWindowExposed(bare)

        typed = keystrokes()
        titles = {
            text: [hit.title for hit in services.catalogue.search(text, limit=60).hits]
            for text in set(typed)
            if text.strip()
        }
        shown = [False]
        loop = QEventLoop()
        timer = QTimer(singleShot=True, interval=KEY_TIMEOUT_MS)
        timer.timeout.connect(loop.quit)

        def on_shown() -> None:
            shown[0] = True
            loop.quit()

        window.results_shown.connect(on_shown)

        def type_once() -> Mapping[str, float]:
            latencies = []
            for text in typed:
                if not text:
                    window.search.clear()  # leaves search at once (the signal comes synchronously)
                    app.processEvents()
                    continue
                shown[0] = False
                start = time.perf_counter()
                window.search.setText(text)
                if not shown[0]:
                    timer.start()
                    loop.exec()
                    timer.stop()
                elapsed = (time.perf_counter() - start) * 1000
                if not shown[0]:
                    raise RuntimeError(f"no results for {text!r} within {KEY_TIMEOUT_MS} ms")
                latencies.append(elapsed)
            return {"p50": pct(latencies, 50), "p99": pct(latencies, 99), "n": len(latencies)}

        def repopulate_once() -> Mapping[str, float]:
            latencies = []
            for text in typed:
                if not text:
                    bare.clear()
                    app.processEvents()
                    continue
                start = time.perf_counter()
                bare.clear()
                bare.addItems(titles[text])
                bare.viewport().repaint()  # painted, as the window's results are
                latencies.append((time.perf_counter() - start) * 1000)
            return {"p50": pct(latencies, 50), "p99": pct(latencies, 99), "n": len(latencies)}

        before = sys.getrefcount(None)
        for _ in range(1000):
            timer.stop()  # any void method shows it
        none_lost = (before - sys.getrefcount(None)) / 1000
        probe, before = QTimer(), sys.getrefcount(True)
        for _ in range(1000):
            probe.timeout.emit()  # any emit from Python shows it
        true_lost = (before - sys.getrefcount(True)) / 1000
        repeat = ctx.repeat(7, quick=3)
        subject, baseline = alternate(
            type_once, repopulate_once, repeat, warmup=int(repeat > 1), subject_first=True
        )
    finally:
        window.close()
        bare.close()
        services.close()
        window.deleteLater()
        bare.deleteLater()
        app.processEvents()
        sys.setswitchinterval(switch_interval)
    keys = int(subject["n"][0])
    note = f"{keys} keystrokes over {typed.count('')} queries typed letter by letter"
    figures = [
        Figure("keystroke p50", "ms", subject["p50"], baseline["p50"], "QListWidget", note=note),
        Figure(
            "keystroke p99",
            "ms",
            subject["p99"],
            baseline["p99"],
            "QListWidget",
            (under(p99_goal),),
        ),
    ]
    if folder != fixtures.SHIPPED:
        return figures
    return [
        *figures,
        Figure(
            "None refs lost / void call",
            "refs",
            [none_lost],
            goals=(at_most(0),),
            note="PySide6 6.12.0 on Python < 3.12 drops a None reference per void call; "
            "the app aborts once None's count reaches 0 (immortal from Python 3.12)",
        ),
        Figure(
            "True refs lost / emit",
            "refs",
            [true_lost],
            goals=(at_most(0),),
            note="the same for True on every signal emit from Python (ketref.gui adds ballast)",
        ),
    ]
