"""Start-up: the first frame paints the list from the snapshot with only a named set of modules.

The first test starts ``ketref --home HOME`` in a fresh process (the start-up benchmark's child)
and reads what was imported when the first frame with a listed row was painted. A new import
on that path (the database layer, the content models, reportlab...) fails it: add it to the
list only if it must be there before the clinician sees anything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from ketref.domain.enums import ItemKind
from ketref.gui.first_list import MAX_BYTES, FirstList
from ketref.gui.launch import FIRST_LIST_FILE, new_window
from ketref.paths import AppPaths
from ketref.services.workspace import Services

pytestmark = pytest.mark.gui

REPO = Path(__file__).resolve().parents[2]

PRE_PAINT_MODULES = {
    "ketref",
    "ketref.app",
    "ketref.gui.editor",
    "ketref.gui.editor.window_actions",  # the Content menu (Qt only; the editor loads later)
    "ketref.domain",
    "ketref.domain.catalogue",
    "ketref.domain.enums",
    "ketref.domain.errors",
    "ketref.domain.search",
    "ketref.domain.text_rules",
    "ketref.gui",
    "ketref.gui.background",
    "ketref.gui.browser_pane",
    "ketref.gui.dialogs",
    "ketref.gui.first_list",
    "ketref.gui.highlight_delegate",
    "ketref.gui.history",
    "ketref.gui.launch",
    "ketref.gui.main_window",
    "ketref.gui.models",
    "ketref.gui.notice_html",
    "ketref.gui.qt_settings",
    "ketref.gui.responsiveness",  # the interpreter's switch interval, set as the app starts
    "ketref.gui.search_controller",
    "ketref.gui.text_size",  # the chosen text size applies from the first frame
    "ketref.gui.ui_state",
    "ketref.gui.widgets",
    "ketref.log",
    "ketref.options",
    "ketref.paths",
    "ketref.services",
    "ketref.services.files",
}
"""Every ketref module imported by the first painted frame: nothing of db, content or pdf."""
PRE_PAINT_PACKAGES = {"PySide6", "shiboken6", "platformdirs"}
"""Third-party packages allowed before the first frame (besides Python's own)."""
HARNESS = {"tests", "__main__", "_distutils_hack", "__feature__", "shibokensupport",
           "signature_bootstrap"}  # fmt: skip
"""Loaded by the probe, by setuptools' .pth hook or by PySide6 itself, not by ketref."""


def first_list_of(home: Path, services: Services) -> FirstList:
    paths = AppPaths.resolve(home)
    return FirstList(paths.data / FIRST_LIST_FILE, str(paths.database))


def test_first_frame_needs_only_the_named_modules(shipped_home, shipped_services) -> None:
    items = shipped_services.catalogue.list_items(ItemKind.INDICATION)
    first_list_of(shipped_home, shipped_services).write(items)
    shipped_services.close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    run = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.startup_child", "ketref", str(shipped_home),
         "--modules"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["rows"] == len(items)  # painted from the snapshot, before the library
    modules = set(result["modules"])
    assert {m for m in modules if m.split(".")[0] == "ketref"} == PRE_PAINT_MODULES
    outside = {m.split(".")[0] for m in modules} - set(sys.stdlib_module_names) - {"ketref"}
    assert outside - HARNESS <= PRE_PAINT_PACKAGES
    assert not {"sqlalchemy", "pydantic", "reportlab", "alembic", "yaml"} & outside


def test_the_snapshot_round_trips_and_recomputes_due_dates(shipped_home, shipped_services) -> None:
    items = shipped_services.catalogue.list_items(ItemKind.INDICATION)
    snapshot = first_list_of(shipped_home, shipped_services)
    snapshot.write(items)
    assert snapshot.read() == items
    later = snapshot.read(today=date(2100, 1, 1))
    assert all(i.due_for_review for i in later if i.review_due is not None)


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"not json",
        b"[]",
        b'{"format": 1}',
        b'{"format": 2, "source": "S", "kind": "indications", "items": []}',
        b'{"format": 1, "source": "S", "kind": "nonsense", "items": []}',
        b'{"format": 1, "source": "S", "kind": "indications", "items": [{"slug": 1}]}',
        b'{"format": 1, "source": "S", "kind": "indications", "items": [{"slug": "a", "title":'
        b' "A", "summary": "", "review_due": "tomorrow", "verified": true,'
        b' "locally_edited": false}]}',
        b'{"format": 1, "source": "S", "kind": "indications", "items": [{"slug": "a", "title":'
        b' "A", "summary": "", "review_due": null, "verified": "yes", "locally_edited": false}]}',
        b"\xff\xfe garbage",
    ],
)
def test_a_damaged_snapshot_is_ignored(tmp_path, damage) -> None:
    path = tmp_path / FIRST_LIST_FILE
    path.write_bytes(damage)
    assert FirstList(path, "S").read() == []


def test_a_snapshot_of_another_database_or_too_big_is_ignored(shipped_home, shipped_services):
    items = shipped_services.catalogue.list_items(ItemKind.INDICATION)
    snapshot = first_list_of(shipped_home, shipped_services)
    snapshot.write(items)
    assert FirstList(snapshot.path, "/elsewhere/other.db").read() == []
    snapshot.path.write_bytes(b" " * (MAX_BYTES + 1))
    assert snapshot.read() == []
    assert FirstList(snapshot.path.parent / "missing.json", "S").read() == []


def test_window_paints_the_snapshot_greyed_then_the_library_replaces_it(
    qtbot, shipped_home, shipped_services
) -> None:
    items = shipped_services.catalogue.list_items(ItemKind.INDICATION)
    stale = [items[0].__class__(**{**items[0].__dict__, "title": "Stale title"}), *items[1:]]
    paths = AppPaths.resolve(shipped_home)
    first_list_of(shipped_home, shipped_services).write(stale)
    window = new_window(paths, str(paths.database))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    browser = window.browser
    assert browser.proxy.rowCount() == len(items)
    assert not browser.table.isEnabled() and not window.search.isEnabled()
    assert window.nav.currentItem().data(Qt.ItemDataRole.UserRole) == ItemKind.INDICATION.value
    window.attach(shipped_services)
    titles = {browser.proxy.index(r, 0).data() for r in range(browser.proxy.rowCount())}
    assert "Stale title" not in titles
    assert browser.table.isEnabled()
    assert window.first_list is not None and window.first_list.read() == items  # refreshed
    window.close()


def test_a_refused_library_clears_the_snapshot_list(qtbot, shipped_home, shipped_services):
    from ketref.gui import dialogs

    paths = AppPaths.resolve(shipped_home)
    first_list_of(shipped_home, shipped_services).write(
        shipped_services.catalogue.list_items(ItemKind.INDICATION)
    )
    window = new_window(paths, str(paths.database))
    qtbot.addWidget(window)
    assert window.browser.proxy.rowCount() > 0
    original = dialogs.show_error
    dialogs.show_error = lambda *_a: None  # type: ignore[assignment]
    try:
        window.refuse("The file is damaged.")
    finally:
        dialogs.show_error = original
    assert window.browser.proxy.rowCount() == 0
    assert "could not be opened" in window.browser.detail.toPlainText()
