"""Alembic, run programmatically from the migrations shipped inside the package.

Every start checks the database's revision against the known ones, but only a migration needs
Alembic itself: the revision ids are read from the version files' ``revision`` and
``down_revision`` lines, which spares importing Alembic and every revision module (about a
tenth of the start-up time). A test keeps that list equal to Alembic's own walk, and anything
the reader does not expect (a merge revision, no files) falls back to Alembic.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine

from ketref.db.errors import DatabaseTooNewError, SchemaMismatchError

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*['\"]([\w-]+)['\"]\s*$", re.MULTILINE)
_DOWN_REVISION = re.compile(
    r"^down_revision\s*(?::[^=]*)?=\s*(?:None|['\"]([\w-]+)['\"])\s*$", re.MULTILINE
)


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _script() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def alembic_revisions() -> tuple[str, ...]:
    """Revision ids oldest first, as Alembic walks them (slow: imports every revision)."""
    return tuple(reversed([rev.revision for rev in _script().walk_revisions()]))


def _read_revisions() -> tuple[str, ...] | None:
    """Revision ids oldest first from the version files, or None when they are not a chain."""
    parents: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN_REVISION.search(source)
        if revision is None or down is None:
            return None
        parents[revision.group(1)] = down.group(1)
    children = {parent: child for child, parent in parents.items()}
    chain: list[str] = []
    current = children.get(None)
    while current is not None:
        chain.append(current)
        current = children.get(current)
    return tuple(chain) if chain and len(chain) == len(parents) == len(children) else None


@cache
def revisions_oldest_first() -> tuple[str, ...]:
    return _read_revisions() or alembic_revisions()


def known_revisions() -> frozenset[str]:
    return frozenset(revisions_oldest_first())


def head_revision() -> str:
    return revisions_oldest_first()[-1]


def schema_number() -> int:
    """The schema's ordinal (1 for the first revision); stored in SQLite's user_version."""
    return len(revisions_oldest_first())


def _ordinal(revision: str) -> int:
    return revisions_oldest_first().index(revision) + 1


def refuse_unknown_schema(revision: str | None, user_version: int | None, name: str) -> None:
    """Refuse a schema this ketref cannot safely open or upgrade, saying exactly why.

    ``user_version`` is SQLite's stamp of the schema number (None on a server database).

    Raises:
        DatabaseTooNewError: a revision id this version does not know, or a newer stamp.
        SchemaMismatchError: the recorded revision is older than the schema it is stamped
            with (``alembic_version`` edited or restored by hand): upgrading would fail.
    """
    head = head_revision()
    if revision is not None and revision not in known_revisions():
        raise DatabaseTooNewError(
            f"{name} was created by a newer version of ketref: its schema revision "
            f"{revision[:40]!r} is not one this version knows (it knows up to {head}). Please "
            "update ketref; the file was not changed."
        )
    if user_version is not None and user_version > schema_number():
        raise DatabaseTooNewError(
            f"{name} was created by a newer version of ketref (schema number {user_version}; "
            f"this version knows up to {schema_number()}, revision {head}). Please update "
            "ketref; the file was not changed."
        )
    if revision is not None and user_version and user_version > _ordinal(revision):
        raise SchemaMismatchError(
            f"{name} records schema revision {revision} but its tables were stamped as schema "
            f"number {user_version} ({revisions_oldest_first()[user_version - 1]}): its version "
            "table was changed by hand or by another tool, so ketref will not upgrade it. "
            "Restore a backup with 'ketref db restore FILE'; the file was not changed."
        )


def upgrade_failed(
    name: str, revision: str | None, exc: BaseException, backup: Path | None
) -> SchemaMismatchError:
    """The refusal for an upgrade that failed (the transaction was rolled back)."""
    kept = f" A backup taken before the attempt is {backup}." if backup is not None else ""
    return SchemaMismatchError(
        f"Upgrading {name} from schema revision {revision or 'none'} to {head_revision()} "
        f"failed ({exc.__class__.__name__}); its tables probably do not match the revision it "
        f"records. Nothing was changed.{kept}"
    )


def upgrade(engine: Engine) -> None:
    """Bring the schema to head on one connection, in one transaction where the backend allows.

    On SQLite, foreign-key enforcement is off while migrating: rebuilding a table (Alembic's
    batch mode) drops the old copy, and with enforcement on that would cascade into the rows
    that refer to it. The keys are checked before the transaction commits instead.
    """
    from alembic import command

    config = alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:  # a pragma that only works outside a transaction: on the raw connection
            _pragma(connection, "PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise RuntimeError("the migrated database has broken foreign keys")
        finally:
            if sqlite:
                _pragma(connection, "PRAGMA foreign_keys=ON")


def _pragma(connection: Connection, statement: str) -> None:
    cursor = connection.connection.cursor()
    try:
        cursor.execute(statement)
    finally:
        cursor.close()
