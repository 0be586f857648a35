"""The packaged app (dist/ketref from `python3 dev.py package`) works on a fresh home.

Builds once per session (about 1.5 to 3 minutes cold; skipped by dev.py when nothing changed).
"""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from ketref import __version__
from ketref.services.about import schema_version
from tests.conftest import shipped_version
from tests.install.devscript import ROOT

pytestmark = [
    pytest.mark.package,
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="smoke-tested on Linux"),
]

APP = ROOT / "dist" / "ketref"


@pytest.fixture(scope="module")
def app() -> Path:
    build = subprocess.run(
        [sys.executable, str(ROOT / "dev.py"), "package"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    return APP / "ketref"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("packaged")


@pytest.fixture(scope="module")
def run_app(app: Path, workdir: Path):
    """Run the packaged ketref on one fresh home (content loads once), with no display."""

    def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
        clean = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "PYTHONPATH"}
        }
        clean["KETREF_HOME"] = str(workdir / "home")
        return subprocess.run(
            [str(app), *args],
            cwd=workdir,
            env={**clean, **env},
            capture_output=True,
            text=True,
            check=False,
            timeout=180,
        )

    return run


def test_version_names_app_content_and_schema(run_app) -> None:
    result = run_app("--version")
    assert result.returncode == 0, result.stderr
    release, schema = shipped_version(), schema_version()
    expected = f"ketref {__version__} (content release {release}, database schema {schema})\n"
    assert result.stdout == expected


def test_content_search_and_screening_template(run_app) -> None:
    status = run_app("content", "status")
    assert status.returncode == 0, status.stderr
    assert re.search(r"Content version: \d{4}\.\d+\.\d+", status.stdout)
    assert re.search(r"contraindications: [1-9]\d*", status.stdout)
    found = run_app("search", "spravato", "blood", "pressure")
    assert found.returncode == 0, found.stderr
    assert "contraindications/uncontrolled-hypertension" in found.stdout
    missing = run_app("search", "zzqxv")
    assert "Nothing found" in missing.stdout + missing.stderr
    template = run_app("screen", "--template")
    assert template.returncode == 0, template.stderr
    assert "age_years" in json.loads(template.stdout)


def test_handout_pdf_has_its_text(run_app, workdir: Path) -> None:
    result = run_app("handout", "after-your-session", "-o", "x.pdf")
    assert result.returncode == 0, result.stderr
    text = " ".join(page.extract_text() for page in PdfReader(workdir / "x.pdf").pages)
    assert "After your session" in text
    assert "do not drive" in text


def test_screenshot_offscreen(run_app, workdir: Path) -> None:
    result = run_app(
        "screenshot", "--page", "indications", "-o", "s.png", QT_QPA_PLATFORM="offscreen"
    )
    assert result.returncode == 0, result.stderr
    header = (workdir / "s.png").read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (1280, 800)


def test_no_display_is_one_clear_line_and_exit_2(run_app) -> None:
    result = run_app()
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "no display" in result.stderr


def test_postgresql_driver_is_inside(run_app) -> None:
    """A clinic's PostgreSQL URL reaches the driver (refused here: nothing listens on port 9)."""
    result = run_app("--db", "postgresql+psycopg://ketref@127.0.0.1:9/ketref", "content", "status")
    assert result.returncode == 2
    assert "Cannot reach the PostgreSQL server" in result.stderr
    assert "No module" not in result.stderr


def test_no_test_or_dev_tools_inside_and_licences_ship(app: Path) -> None:
    internal = app.parent / "_internal"
    names = {path.name for path in internal.iterdir()}
    assert not names & {"pytest", "_pytest", "mypy", "ruff", "hypothesis", "pytestqt", "pypdf"}
    assert (internal / "ketref" / "resources" / "content" / "release.yaml").is_file()
    assert (internal / "ketref" / "resources" / "fonts" / "DejaVuSans.ttf").is_file()
    assert (internal / "ketref" / "db" / "migrations" / "versions").is_dir()
    assert (internal / "licenses" / "Qt-PySide6" / "LGPL-3.0.txt").is_file()
    assert not (internal / "PySide6" / "Qt" / "translations").exists()
    assert not list(internal.rglob("libQt6Qml*"))
