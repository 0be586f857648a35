"""The window on a real X server (Xvfb), not only offscreen: Qt's xcb platform must load.

`python3 dev.py test` installs Xvfb and the xcb libraries on Debian/Ubuntu; in CI a missing
Xvfb fails this test instead of skipping it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.install.devscript import ROOT, load_dev

pytestmark = [
    pytest.mark.gui,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 test, Linux only"),
]

WINDOW_TITLE = "ketref — ketamine therapy reference"


def require_xvfb() -> None:
    if shutil.which("Xvfb") is None or shutil.which("xwininfo") is None:
        message = "Xvfb/xwininfo missing: `python3 dev.py test` installs xvfb and x11-utils"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def x_display() -> Iterator[str]:
    """A private Xvfb server; its display number comes back through -displayfd."""
    require_xvfb()
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as reader:
            number = reader.readline().strip()
        assert number, "Xvfb did not start"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def window_names(display: str) -> str:
    tree = subprocess.run(
        ["xwininfo", "-root", "-tree", "-display", display],
        capture_output=True,
        text=True,
        check=False,
    )
    return tree.stdout


def test_qt_xcb_platform_has_every_library_it_needs() -> None:
    """What `dev.py run` checks before opening the window; `dev.py test` installs the rest."""
    require_xvfb()
    dev = load_dev()
    plugin = dev.qt_plugin(Path(sys.prefix), "xcb")
    assert plugin is not None, "PySide6's xcb platform plugin not found"
    assert dev.missing_libraries(plugin) == []


def test_main_window_opens_on_an_x_display(x_display: str, tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "QT_QPA_PLATFORM"}
    env.pop("WAYLAND_DISPLAY", None)
    env["DISPLAY"] = x_display
    app = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--home", str(tmp_path / "home")],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while app.poll() is None and time.monotonic() < deadline:
            if WINDOW_TITLE in window_names(x_display):
                break
            time.sleep(0.2)
        assert app.poll() is None, f"ketref exited {app.returncode}: {app.communicate()[1]}"
        assert WINDOW_TITLE in window_names(x_display), "no ketref window within 60 s"
    finally:
        app.terminate()
        try:
            app.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            app.kill()
            app.communicate()
