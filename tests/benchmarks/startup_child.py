"""Child process of the cold-start benchmark: start a window, note its first painted frame, exit.

``python -m tests.benchmarks.startup_child ketref HOME [--content DIR]`` starts the real app
(``ketref.app.main`` with ``--home HOME``: exactly what ``ketref`` with no command runs);
``... bare ROWS`` starts a bare PySide6 QMainWindow with a QListWidget of ROWS rows; with
``--modules`` the JSON also lists every module imported by the first painted frame. Both run the
same probe: it wraps ``QApplication.exec`` and stops the event loop after the first paint of the
main window at which its list shows rows. The child prints one JSON line: ``painted``
(``time.monotonic()`` then; the parent subtracts its own spawn time, so interpreter start and
imports count), ``rows`` and ``peak_rss_mb``. Nothing here is imported by the package, so the
bare child pays only for Qt.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QAbstractItemView, QApplication, QListWidget, QMainWindow, QWidget

_result: dict[str, Any] = {}
NAVIGATION = "nav"


def listed_rows(window: QWidget) -> int:
    """Rows in the window's largest item view: the "content listed" of the first frame.

    Generic on purpose (any QAbstractItemView, any model), so the GUI rewrite needs no change
    here as long as its list is an item view. The sidebar (object name ``nav``) lists sections,
    not content, so it does not count: without this, ten section names passed for a listed
    library before anything had been read from it.
    """
    counts = [
        view.model().rowCount()
        for view in window.findChildren(QAbstractItemView)
        if view.model() is not None and view.isVisible() and view.objectName() != NAVIGATION
    ]
    return max(counts, default=0)


def _main_window(app: QApplication) -> QWidget | None:
    windows = [w for w in app.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible()]
    return windows[0] if windows else None


class _FirstPaint(QObject):
    """Event filter: after a paint in the main window, check (once the frame is done) for rows."""

    def __init__(self, app: QApplication) -> None:
        super().__init__()
        self._app = app
        self._pending = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._pending and "painted" not in _result:
            window = _main_window(self._app)
            if window is not None and isinstance(watched, QWidget) and watched.window() is window:
                self._pending = True
                QTimer.singleShot(0, self._check)  # after the whole frame has been painted
        return False

    def _check(self) -> None:
        self._pending = False
        window = _main_window(self._app)
        rows = listed_rows(window) if window is not None else 0
        if rows > 0:
            _result.update(painted=time.monotonic(), rows=rows, peak_rss_mb=_peak_rss_mb())
            if "modules" in _result:
                _result["modules"] = sorted(sys.modules)
            self._app.quit()


def _peak_rss_mb() -> float | None:
    """This process's peak resident memory.

    On Linux ``ru_maxrss`` also counts the parent's memory at the fork before ``exec`` (the
    harness may hold hundreds of MB), so the kernel's high-water mark of this process's own
    address space (``VmHWM``) is read instead.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows: no getrusage
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def install_probe() -> None:
    """Make the next ``QApplication.exec()`` return right after the first painted, listed frame."""
    original = QApplication.exec

    def exec_with_probe(*_args: object) -> int:  # app.exec() and QApplication.exec() alike
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        probe = _FirstPaint(app)
        app.installEventFilter(probe)
        QTimer.singleShot(30_000, app.quit)  # never hang the benchmark
        return int(original())

    QApplication.exec = exec_with_probe  # type: ignore[method-assign]


def run_ketref(home: str, content: str | None = None) -> int:
    """What ``ketref`` with no command does, from argument parsing to the event loop.

    ``content`` (a folder named ``content``) stands in for the shipped knowledge base, so a
    database loaded from a generated one is opened as is instead of being reloaded.
    """
    from pathlib import Path

    import ketref.app

    if content is not None:
        resources = Path(content).parent
        ketref.app.resources_dir = lambda: resources  # type: ignore[attr-defined]
    return ketref.app.main(["--home", home])


def run_bare(rows: int) -> int:
    """The baseline: a bare QMainWindow whose central widget is a list of ``rows`` rows."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1200, 760)
    listing = QListWidget()
    listing.addItems([f"Item {i}" for i in range(rows)])
    window.setCentralWidget(listing)
    window.show()
    return app.exec()


def main() -> None:
    mode, arg, *rest = sys.argv[1:]
    content = rest[rest.index("--content") + 1] if "--content" in rest else None
    if "--modules" in rest:  # tests/gui/test_first_paint.py: what was imported by then
        _result["modules"] = []
    install_probe()
    code = run_ketref(arg, content) if mode == "ketref" else run_bare(int(arg))
    if "painted" not in _result:
        print(f"no painted frame with listed rows (exit {code})", file=sys.stderr)
        os._exit(1)
    print(json.dumps(_result), flush=True)
    os._exit(0)  # skip Qt's teardown: not part of starting up


if __name__ == "__main__":
    main()
