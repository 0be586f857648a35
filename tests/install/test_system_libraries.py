"""dev.py's system-library check: which Debian packages, and what `run` says when it may not."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from tests.install.devscript import load_dev

pytestmark = pytest.mark.unit


@pytest.fixture
def dev() -> ModuleType:
    return load_dev()


@pytest.mark.parametrize(
    ("soname", "package"),
    [
        ("libxcb-cursor.so.0", "libxcb-cursor0"),
        ("libxcb-icccm.so.4", "libxcb-icccm4"),
        ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
        ("libxcb-render-util.so.0", "libxcb-render-util0"),
        ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
        ("libX11-xcb.so.1", "libx11-xcb1"),
        ("libEGL.so.1", "libegl1"),
        ("libdbus-1.so.3", "libdbus-1-3"),
        ("libglib-2.0.so.0", "libglib2.0-0"),
        ("libgthread-2.0.so.0", "libglib2.0-0"),
    ],
)
def test_debian_package_of_a_library(dev: ModuleType, soname: str, package: str) -> None:
    assert dev.debian_package(soname) == package


@pytest.mark.parametrize(
    ("args", "window"),
    [
        ([], True),
        (["--home", "/tmp/x"], True),
        (["--db", "list", "-v"], True),
        (["list", "indications"], False),
        (["--home", "/tmp/x", "search", "bp"], False),
        (["--version"], False),
        (["--home", "/tmp/x", "--help"], False),
    ],
)
def test_window_wanted(dev: ModuleType, args: list[str], window: bool) -> None:
    assert dev.window_wanted(args) is window


def fake_missing_xcb_libraries(dev: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    plugin = Path("/venv/PySide6/Qt/plugins/platforms/libqxcb.so")
    monkeypatch.setattr(dev, "qt_plugin", lambda venv, platform: plugin)
    monkeypatch.setattr(
        dev, "missing_libraries", lambda p: ["libxcb-cursor.so.0", "libxcb-icccm.so.4"]
    )
    monkeypatch.setattr(dev, "ensure_venv", lambda: Path("/venv/bin/python"))
    monkeypatch.setattr("subprocess.run", lambda *a, **k: pytest.fail("ketref must not start"))
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr(dev, "LINUX", True)
    monkeypatch.setattr("sys.argv", ["dev.py", "run"])


def test_run_prints_the_apt_line_and_exits_2_when_it_may_not_install(
    dev: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_missing_xcb_libraries(dev, monkeypatch)
    monkeypatch.setattr(dev, "apt_prefix", lambda: None)
    assert dev.main() == 2
    err = capsys.readouterr().err
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4\n" in err


def test_run_installs_the_libraries_when_it_may(
    dev: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_missing_xcb_libraries(dev, monkeypatch)
    installed: list[list[str]] = []
    monkeypatch.setattr(dev, "install_system_packages", lambda p: installed.append(p) or True)
    with pytest.raises(pytest.fail.Exception, match="ketref must not start"):
        dev.main()  # got past the check to starting ketref
    assert installed == [["libxcb-cursor0", "libxcb-icccm4"]]


def test_run_without_a_display_says_so_in_one_line(
    dev: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_missing_xcb_libraries(dev, monkeypatch)
    monkeypatch.delenv("DISPLAY")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(dev, "ensure_venv", lambda: pytest.fail("nothing may be installed"))
    assert dev.main() == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "no display" in err
