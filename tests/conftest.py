"""Shared fixtures: every test gets its own ketref home under tmp_path and a fixed clock."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ketref.db.engine import DatabaseTarget
from ketref.paths import AppPaths, resources_dir
from ketref.services.workspace import Services, Workspace

TESTS = Path(__file__).parent
FIXTURE_CONTENT = TESTS / "fixtures" / "content"
SHIPPED_CONTENT = resources_dir() / "content"
FIXED_NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


FOLDER_MARKERS = {
    "unit": "unit",
    "db": "db",
    "pdf": "pdf",
    "gui": "gui",
    "cli": "cli",
    "content": "content",
    "reliability": "reliability",
    "benchmarks": "bench",
}
"""Every test carries the marker of its folder, so ``-m`` selects by folder without each file
repeating it; files add topic markers (``db``, ``slow``) of their own."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        parts = item.path.relative_to(TESTS).parts
        marker = FOLDER_MARKERS.get(parts[0]) if len(parts) > 1 else None
        if marker is not None:
            item.add_marker(marker)


def fixed_clock() -> datetime:
    return FIXED_NOW


def make_workspace(home: Path, content: Path = FIXTURE_CONTENT) -> Workspace:
    paths = AppPaths.resolve(home)
    paths.ensure()
    return Workspace(paths, DatabaseTarget.parse(paths.database), content, clock=fixed_clock)


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return make_workspace(tmp_path / "home")


@pytest.fixture
def services(workspace: Workspace) -> Iterator[Services]:
    opened = workspace.open()
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def shipped_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the shipped content loaded once per test session (copied per test)."""
    home = tmp_path_factory.mktemp("shipped-home")
    ws = make_workspace(home, SHIPPED_CONTENT)
    ws.open().close()
    return ws.paths.database


@pytest.fixture
def shipped_home(tmp_path: Path, shipped_db_template: Path) -> Path:
    """A ketref home whose database already holds the shipped content."""
    home = tmp_path / "shipped"
    paths = AppPaths.resolve(home)
    paths.ensure()
    shutil.copy2(shipped_db_template, paths.database)
    return home


@pytest.fixture
def shipped_services(shipped_home: Path) -> Iterator[Services]:
    opened = make_workspace(shipped_home, SHIPPED_CONTENT).open()
    yield opened
    opened.close()


def shipped_version() -> str:
    """The version in the shipped release.yaml (tests follow content releases)."""
    from ketref.content.safe_yaml import load_yaml

    return str(load_yaml((SHIPPED_CONTENT / "release.yaml").read_text())["version"])


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def logical_snapshot(path: Path) -> list[str]:
    """Sorted SQL dump: equal snapshots mean equal content, whatever the page layout."""
    conn = sqlite3.connect(path)
    try:
        return sorted(line for line in conn.iterdump() if not line.startswith(("BEGIN", "COMMIT")))
    finally:
        conn.close()
