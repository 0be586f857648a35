"""Fixtures for the reliability cases: a seeded data directory per test, built once per session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ketref.paths import AppPaths
from ketref.services.workspace import Services, Workspace
from tests.conftest import make_workspace


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding the small fixture knowledge base (copied for each test)."""
    home = tmp_path_factory.mktemp("seeded-template")
    ws = make_workspace(home)
    ws.open().close()
    return ws.paths.database


@pytest.fixture
def data_dir(tmp_path: Path, seeded_template: Path) -> Path:
    """A ketref home (data, config, logs, backups) under tmp_path with a seeded library."""
    home = tmp_path / "home"
    paths = AppPaths.resolve(home)
    paths.ensure()
    shutil.copy2(seeded_template, paths.database)
    return home


@pytest.fixture
def ws(data_dir: Path) -> Workspace:
    return make_workspace(data_dir)


@pytest.fixture
def opened(ws: Workspace) -> Iterator[Services]:
    services = ws.open()
    yield services
    services.close()
