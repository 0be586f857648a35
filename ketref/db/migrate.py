"""Alembic, run programmatically from the migrations shipped inside the package."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


@cache
def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


@cache
def revisions_oldest_first() -> tuple[str, ...]:
    return tuple(reversed([rev.revision for rev in _script().walk_revisions()]))


def known_revisions() -> frozenset[str]:
    return frozenset(revisions_oldest_first())


def head_revision() -> str:
    return revisions_oldest_first()[-1]


def schema_number() -> int:
    """The schema's ordinal (1 for the first revision); stored in SQLite's user_version."""
    return len(revisions_oldest_first())


def upgrade(engine: Engine) -> None:
    """Bring the schema to head on one connection, in one transaction where the backend allows."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
