"""A database saved by the first release (schema 0001) upgrades to 0002 and keeps its content.

``tests/fixtures/db/ketref-0001.db.gz`` was written by ketref at commit b4183a8 (schema 0001,
the fixture knowledge base loaded), so this test runs the real upgrade path, not a rebuilt one.
"""

from __future__ import annotations

import gzip
import sqlite3
from pathlib import Path

import pytest

from ketref.db import migrate
from ketref.db.engine import APPLICATION_ID
from ketref.domain.enums import ItemKind
from ketref.domain.printing import ClinicProfile, PaperSize
from tests.conftest import logical_snapshot, make_workspace

pytestmark = pytest.mark.db

SAVED_0001 = Path(__file__).parents[1] / "fixtures" / "db" / "ketref-0001.db.gz"


def _without_new_schema(lines: list[str]) -> list[str]:
    """Drop what 0002 and the profile saved in this test add (the table, its audit row), and
    the handout column 0003 adds."""
    added = ("clinic_profile", "alembic_version", "'clinic-profile'")
    kept = [line for line in lines if not any(a in line for a in added)]
    return [
        line.replace(" translation_of JSON,", "").replace(",NULL);", ");")
        if "handout" in line
        else line
        for line in kept
    ]


def test_a_0001_database_upgrades_with_a_backup_and_keeps_everything(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path / "home")
    database = workspace.paths.database
    database.write_bytes(gzip.decompress(SAVED_0001.read_bytes()))
    before = logical_snapshot(database)
    conn = sqlite3.connect(database)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    conn.close()

    services = workspace.open()
    try:
        assert services.load_report is not None
        assert not services.load_report.loaded
        assert {i.slug for i in services.catalogue.list_items(ItemKind.HANDOUT)} == {
            "preparing-for-your-session"
        }
        assert services.clinic.get() == ClinicProfile()
        services.clinic.save(ClinicProfile(name="Upgraded Clinic", paper=PaperSize.A4))
        assert services.clinic.get().name == "Upgraded Clinic"
    finally:
        services.close()

    after = logical_snapshot(database)
    assert _without_new_schema(after) == _without_new_schema(before)
    assert any(line.startswith("CREATE TABLE clinic_profile") for line in after)
    conn = sqlite3.connect(database)
    revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    assert revision == migrate.head_revision() == "0003"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrate.schema_number() == 3
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()
    backups = list(workspace.paths.backups.glob("ketref-before-migration-*.db"))
    assert len(backups) == 1
    assert logical_snapshot(backups[0]) == before
