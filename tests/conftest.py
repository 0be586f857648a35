"""Shared fixtures: every test gets its own ketref home under tmp_path and a fixed clock."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ketref.content.reader import read_content_folder
from ketref.db.engine import DatabaseTarget
from ketref.domain.content import ContentBundle
from ketref.paths import DATABASE_ENV, AppPaths, resources_dir
from ketref.services.workspace import Services, Workspace

pytest.register_assert_rewrite("tests.backends")
from tests.backends import use_backend_database  # noqa: E402

pytest_plugins = ["tests.backends"]

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
    "postgres": "postgres",
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
    """A workspace in ``home``; the database is $KETREF_DATABASE_URL when set, like the app's."""
    paths = AppPaths.resolve(home)
    paths.ensure()
    target = DatabaseTarget.parse(os.environ.get(DATABASE_ENV) or paths.database)
    return Workspace(paths, target, content, clock=fixed_clock)


@pytest.fixture
def workspace(tmp_path: Path, request: pytest.FixtureRequest, db_backend: str) -> Workspace:
    """A new, empty library on the test's backend (a missing file, or an empty PG database)."""
    use_backend_database(request, db_backend, None)
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
def shipped_home(
    tmp_path: Path, shipped_db_template: Path, request: pytest.FixtureRequest, db_backend: str
) -> Path:
    """A ketref home whose database (on the test's backend) already holds the shipped content."""
    home = tmp_path / "shipped"
    paths = AppPaths.resolve(home)
    paths.ensure()
    shutil.copy2(shipped_db_template, paths.database)
    use_backend_database(request, db_backend, SHIPPED_CONTENT)
    return home


@pytest.fixture
def shipped_services(shipped_home: Path) -> Iterator[Services]:
    opened = make_workspace(shipped_home, SHIPPED_CONTENT).open()
    yield opened
    opened.close()


@lru_cache(maxsize=1)
def shipped_bundle() -> ContentBundle:
    """The shipped content, read and validated once per test run (the models are frozen)."""
    return read_content_folder(SHIPPED_CONTENT)


@pytest.fixture(scope="session")
def bundle() -> ContentBundle:
    return shipped_bundle()


def shipped_version() -> str:
    """The version in the shipped release.yaml (tests follow content releases)."""
    from ketref.content.safe_yaml import load_yaml

    return str(load_yaml((SHIPPED_CONTENT / "release.yaml").read_text())["version"])


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def logical_snapshot(library: Path | Services) -> list[str]:
    """Sorted dump: equal snapshots mean equal content, whatever the page layout.

    A SQLite file (or open services on one) gives its SQL dump; open services on a server
    database give every row of every table, so "nothing changed" is checked on both backends.
    """
    if isinstance(library, Services):
        if library.db.target.path is None:
            return _server_snapshot(library)
        library = library.db.target.path
    conn = sqlite3.connect(library)
    try:
        return sorted(line for line in conn.iterdump() if not line.startswith(("BEGIN", "COMMIT")))
    finally:
        conn.close()


def _server_snapshot(services: Services) -> list[str]:
    from sqlalchemy import inspect, text

    lines: list[str] = []
    with services.db.engine.connect() as conn:
        for table in sorted(inspect(conn).get_table_names()):
            rows = conn.execute(text(f'SELECT * FROM "{table}"'))
            lines.extend(f"{table}: {tuple(row)!r}" for row in rows)
    return sorted(lines)
