"""Fixtures for the reliability cases: a seeded data directory per test, built once per session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ketref.paths import AppPaths
from ketref.services.workspace import Services, Workspace
from tests.conftest import FIXTURE_CONTENT, file_hash, make_workspace, use_backend_database
from tests.reliability.harness import UNPRIVILEGED, export_payload, home_with, run_worker, tree


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding the small fixture knowledge base (copied for each test)."""
    home = tmp_path_factory.mktemp("seeded-template")
    ws = make_workspace(home)
    ws.open().close()
    return ws.paths.database


@pytest.fixture
def data_dir(
    tmp_path: Path, seeded_template: Path, request: pytest.FixtureRequest, db_backend: str
) -> Path:
    """A ketref home (data, config, logs, backups) under tmp_path with a seeded library on the
    test's backend."""
    home = tmp_path / "home"
    paths = AppPaths.resolve(home)
    paths.ensure()
    shutil.copy2(seeded_template, paths.database)
    use_backend_database(request, db_backend, FIXTURE_CONTENT)
    return home


@pytest.fixture
def ws(data_dir: Path) -> Workspace:
    return make_workspace(data_dir)


@pytest.fixture
def opened(ws: Workspace) -> Iterator[Services]:
    services = ws.open()
    yield services
    services.close()


@pytest.fixture
def payload(opened: Services, tmp_path: Path) -> dict[str, Any]:
    """The fixture library exported as a pack and read back: the pack tests edit a copy."""
    return export_payload(opened, tmp_path)


@pytest.fixture(scope="session")
def read_only_results(
    tmp_path_factory: pytest.TempPathFactory, seeded_template: Path
) -> dict[str, Any]:
    """Run the read-only scenarios in one unprivileged child (chmod only bites without root)."""
    if UNPRIVILEGED is None:
        pytest.skip("running as root without setpriv: permissions cannot be enforced")
    root = tmp_path_factory.mktemp("readonly")
    homes = {
        name: home_with(seeded_template, root / name)
        for name in (
            "backup-into-read-only-folder",
            "open-read-only-file",
            "open-in-read-only-folder",
            "export-into-read-only-folder",
        )
    }
    locked = root / "locked"
    locked.mkdir()
    hashes = {name: file_hash(AppPaths.resolve(h).database) for name, h in homes.items()}
    data = {name: AppPaths.resolve(h).data for name, h in homes.items()}
    (data["open-read-only-file"] / "ketref.db").chmod(0o444)
    data["open-in-read-only-folder"].chmod(0o555)
    locked.chmod(0o555)
    scenarios = {
        "backup-into-read-only-folder": {
            "home": str(homes["backup-into-read-only-folder"]),
            "dest": str(locked / "b.db"),
        },
        "open-read-only-file": {"home": str(homes["open-read-only-file"])},
        "open-in-read-only-folder": {"home": str(homes["open-in-read-only-folder"])},
        "export-into-read-only-folder": {
            "home": str(homes["export-into-read-only-folder"]),
            "dest": str(locked / "pack.json"),
        },
    }
    try:
        results = run_worker("read-only", prefix=UNPRIVILEGED, scenarios=scenarios)
    finally:
        locked.chmod(0o755)
        data["open-in-read-only-folder"].chmod(0o700)
        (data["open-read-only-file"] / "ketref.db").chmod(0o600)
    results["_hashes_before"] = hashes
    results["_hashes_after"] = {
        name: file_hash(AppPaths.resolve(h).database) for name, h in homes.items()
    }
    results["_locked_files"] = tree(locked)
    results["_data_files"] = {name: sorted(p.name for p in d.iterdir()) for name, d in data.items()}
    return results
