"""A library opened read-only, for commands that only read when its file or folder is read-only.

A read-only home (a locked-down profile, a mounted backup disk) must not stop ``list``, ``show``,
``search`` or ``db check``. Nothing is migrated or loaded, so a library that needs an upgrade is
refused; any attempt to write fails with SQLite's read-only error, shown in plain words.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import create_engine

from ketref.db import migrate
from ketref.db.engine import (
    DEFAULT_SETTINGS,
    ConnectionSettings,
    Database,
    DatabaseTarget,
    configure_sqlite,
    inspect_sqlite_file,
)
from ketref.db.errors import DatabaseReadOnlyError
from ketref.db.health import read_only_uri


def open_read_only(
    target: DatabaseTarget, settings: ConnectionSettings = DEFAULT_SETTINGS
) -> Database:
    """Open the SQLite library at ``target`` for reading only (checked as at any start).

    Raises:
        DatabaseRefusedError: as ``inspect_sqlite_file``; or DatabaseReadOnlyError when the
            library needs a schema upgrade, which a read-only file cannot get.
    """
    path = target.path
    if path is None:
        raise DatabaseReadOnlyError("only a SQLite library file can be opened read-only")
    state = inspect_sqlite_file(path)
    if state.revision != migrate.head_revision():
        raise DatabaseReadOnlyError(
            f"{path.name} needs an upgrade to this version of ketref, which a read-only file "
            "cannot get; nothing was changed. Make the file and its folder writable once."
        )
    uri = read_only_uri(path)
    engine = create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
        hide_parameters=True,
    )
    configure_sqlite(engine, settings)
    return Database(target, engine, settings)
