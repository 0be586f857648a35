"""Libraries saved by every released schema upgrade to head without losing anything.

``tests/fixtures/databases/schema-NNNN.db.gz`` were written by ketref at that schema (the
fixture knowledge base loaded, a local edit, an audit trail; 0002 also a clinic profile with
non-ASCII text and clinic thresholds). ``schema-NNNN.documents.json`` holds every item as the
code of that schema read it back (its validated model, dumped), so the upgrade is compared with
what the old schema held, not with what the new code thinks it held.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from ketref.db import migrate
from ketref.db.base import Base
from ketref.db.engine import APPLICATION_ID, DatabaseTarget, make_engine
from ketref.domain.enums import ContentState, ItemKind
from ketref.domain.printing import ClinicProfile
from tests.conftest import logical_snapshot, make_workspace

pytestmark = pytest.mark.db

FIXTURES = Path(__file__).parents[1] / "fixtures" / "databases"
SAVED = sorted(p.name.removesuffix(".db.gz") for p in FIXTURES.glob("schema-*.db.gz"))


def _rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _saved_library(tmp_path: Path, name: str) -> tuple[Any, Path]:
    workspace = make_workspace(tmp_path / "home")
    workspace.paths.database.write_bytes(gzip.decompress((FIXTURES / f"{name}.db.gz").read_bytes()))
    return workspace, workspace.paths.database


def test_there_is_a_saved_library_for_every_schema_revision() -> None:
    assert [f"schema-{rev[:4]}" for rev in migrate.revisions_oldest_first()] == SAVED


@pytest.mark.parametrize("name", SAVED)
def test_a_saved_library_upgrades_and_every_item_keeps_its_document(
    tmp_path: Path, name: str
) -> None:
    workspace, database = _saved_library(tmp_path, name)
    expected = json.loads((FIXTURES / f"{name}.documents.json").read_text(encoding="utf-8"))
    before = logical_snapshot(database)
    audit_before = _rows(database, "SELECT * FROM audit_event ORDER BY id")
    meta_before = _rows(database, "SELECT * FROM ketref_meta WHERE key != 'search_vocabulary'")
    revision = _rows(database, "SELECT version_num FROM alembic_version")[0][0]

    services = workspace.open(load_content=False)
    try:
        for key, saved in expected["items"].items():
            kind, slug = key.split("/")
            detail = services.catalogue.get_item(ItemKind(kind), slug)
            # A field added to a model since the library was saved reads as its default.
            dumped = detail.item.model_dump(mode="json", by_alias=True)
            assert {k: dumped.get(k) for k in saved["document"]} == saved["document"], key
            assert detail.item == type(detail.item).model_validate(saved["document"]), key
            assert detail.locally_edited == saved["locally_edited"], key
            assert detail.origin == saved["origin"], key
            assert detail.content_version == saved["content_version"], key
            history = services.catalogue.history(ItemKind(kind), slug)
            assert history[0].current, key
            if revision in ("0001", "0002"):  # converted by 0003: one version, from the rows
                assert len(history) == 1, key
            assert history[0].state is ContentState.APPROVED
            assert history[0].version_id == detail.version_id
        for key, saved_ref in expected["references"].items():
            reference = services.catalogue.get_reference(key).reference
            assert reference.model_dump(mode="json", by_alias=True) == saved_ref
        if name != "schema-0001":
            assert services.clinic.get().name == "Nguyễn & Núñez <Clinic>"
            assert services.screening.clinic_thresholds().bp_stop.systolic == 175
        else:
            assert services.clinic.get() == ClinicProfile()
        assert services.catalogue.search("local edit kept").hits
        if name >= "schema-0005":  # printed twice, the second time with names kept
            _check_saved_print_log(services, tmp_path)
    finally:
        services.close()

    assert _rows(database, "SELECT * FROM audit_event ORDER BY id") == audit_before
    meta_after = _rows(database, "SELECT * FROM ketref_meta WHERE key != 'search_vocabulary'")
    assert meta_after == meta_before
    assert _rows(database, "SELECT version_num FROM alembic_version") == [
        (migrate.head_revision(),)
    ]
    assert _rows(database, "PRAGMA user_version") == [(migrate.schema_number(),)]
    assert _rows(database, "PRAGMA application_id") == [(APPLICATION_ID,)]
    assert _rows(database, "PRAGMA foreign_key_check") == []
    backups = list(workspace.paths.backups.glob("ketref-before-migration-*.db"))
    if revision == migrate.head_revision():
        assert backups == []
    else:
        assert len(backups) == 1
        assert logical_snapshot(backups[0]) == before


def _check_saved_print_log(services: Any, tmp_path: Path) -> None:
    """The saved print log lists, and its first entry reprints to the same bytes (the handout
    was printed before any later edit, names typed again)."""
    from ketref.domain.printing import Personalisation
    from ketref.services.reprint import reprint

    entries = services.handouts.log.entries()
    assert [e.slugs for e in entries] == [("preparing-for-your-session",)] * 2
    assert entries[0].personal is not None
    assert entries[0].personal.patient_name == "Nguyễn & Núñez <Patient>"
    assert entries[1].personal is None
    done = reprint(
        services.handouts,
        entries[1].id,
        tmp_path / "again.pdf",
        Personalisation.build(patient_name="Not Stored"),
    )
    assert done.identical


def _drift(database: Path) -> list[Any]:
    """What Alembic would change to make ``database`` match the table models."""
    engine = create_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "include_name": lambda name, kind, _parent: (
                        not (kind == "table" and (name or "").startswith("search_fts"))
                    ),
                },
            )
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def test_the_migrated_schema_matches_the_table_models(tmp_path: Path) -> None:
    """Models and migrations cannot drift: Alembic finds nothing to change, neither on a new
    library nor on one upgraded from the first schema."""
    workspace = make_workspace(tmp_path / "new")
    workspace.open(load_content=False).close()
    assert _drift(workspace.paths.database) == []
    upgraded, database = _saved_library(tmp_path, SAVED[0])
    upgraded.open(load_content=False).close()
    assert _drift(database) == []


def test_downgrade_below_0003_is_refused_with_a_way_out(tmp_path: Path) -> None:
    from alembic import command

    workspace = make_workspace(tmp_path / "home")
    workspace.open(load_content=False).close()
    engine = make_engine(DatabaseTarget.parse(workspace.paths.database))
    config = migrate.alembic_config()
    try:
        with engine.connect() as conn:
            config.attributes["connection"] = conn
            refused = pytest.raises(RuntimeError, match="restore the 'before-migration' backup")
            with refused, conn.begin():
                command.downgrade(config, "0002")
    finally:
        engine.dispose()
    assert _rows(workspace.paths.database, "SELECT version_num FROM alembic_version") == [
        (migrate.head_revision(),)
    ]
    assert _rows(workspace.paths.database, "SELECT count(*) FROM item_version") == [(0,)]


_KILLED_MID_MIGRATION = """
import os, sys
from pathlib import Path
from sqlalchemy import event
from sqlalchemy.engine import Engine
from tests.conftest import make_workspace

@event.listens_for(Engine, "before_cursor_execute")
def _die(conn, cursor, statement, *args):
    if statement.lstrip().startswith(sys.argv[2]):
        os._exit(9)  # like a kill: no rollback, no commit, files left as they are

make_workspace(Path(sys.argv[1])).open(load_content=False)
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("saved", "statement", "revision"),
    [
        ("schema-0002", "INSERT INTO item_version", "0002"),
        ("schema-0004", "CREATE TABLE print_log_handout", "0004_append_only_audit"),
    ],
)
def test_a_migration_killed_halfway_leaves_the_old_library_usable(
    tmp_path: Path, saved: str, statement: str, revision: str
) -> None:
    """The whole upgrade is one transaction after the before-migration backup: a process that
    dies inside it leaves the old library exactly as it was, and the next start upgrades it."""
    import subprocess
    import sys

    workspace, database = _saved_library(tmp_path, saved)
    before = logical_snapshot(database)
    child = subprocess.run(
        [sys.executable, "-c", _KILLED_MID_MIGRATION, str(tmp_path / "home"), statement],
        cwd=Path(__file__).parents[2],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == 9, child.stderr.decode()
    assert logical_snapshot(database) == before
    assert _rows(database, "SELECT version_num FROM alembic_version") == [(revision,)]

    services = workspace.open(load_content=False)
    try:
        edited = services.catalogue.get_item(ItemKind.HANDOUT, "preparing-for-your-session")
        assert edited.item.summary == "Local edit kept across upgrades."
    finally:
        services.close()
    assert _rows(database, "SELECT version_num FROM alembic_version") == [
        (migrate.head_revision(),)
    ]
