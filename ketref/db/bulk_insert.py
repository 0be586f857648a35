"""Many rows into one table, with as little per-row work as the database allows.

A 100x content load or pack import inserts about 300,000 rows (versions, items, reference and
link rows, search documents). Through a Core ``insert()`` SQLAlchemy builds and processes a
parameter set per row, which cost about as much CPU as SQLite's own writing. On SQLite the rows
go instead straight to the driver's ``executemany`` (still through the connection, so its events
and error translation apply) as tuples, with only the columns whose type converts a value
(dates, booleans, JSON) converted, by the type's own processor: the stored values are the same.
Other databases (PostgreSQL) keep the Core insert, whose driver does its own batching.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _converters(session: Session, target: Table, names: Sequence[str]) -> list[Any]:
    """Per column: the type's bind processor on this dialect, or None (a value as is)."""
    dialect = session.get_bind().dialect
    return [target.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]


def _defaults(target: Table, names: Sequence[str]) -> dict[str, Any]:
    """Scalar Python-side defaults of the columns the rows leave out (as a Core insert would)."""
    found: dict[str, Any] = {}
    for column in target.columns:
        if column.name in names or column.default is None:
            continue
        default = column.default
        if not getattr(default, "is_scalar", False):
            raise ValueError(f"{target.name}.{column.name}: only scalar defaults are filled in")
        found[column.name] = getattr(default, "arg", None)
    return found


def _sqlite_insert(
    session: Session,
    target: Table,
    rows: Sequence[Mapping[str, Any]],
    stored: Collection[str] = (),
) -> None:
    names = list(rows[0])
    defaults = _defaults(target, names)
    columns = names + list(defaults)
    converters = _converters(session, target, columns)
    # Column by column: the values are picked, converted and zipped back into rows by C loops
    # (itemgetter, map, zip); only a converting column's processor runs per value.
    picked = map(itemgetter(*names), rows) if len(names) > 1 else ((row[names[0]],) for row in rows)
    values: list[Sequence[Any]] = list(zip(*picked, strict=True)) if rows else []
    values += [[value] * len(rows) for value in defaults.values()]
    for i, convert in enumerate(converters):
        if convert is not None and columns[i] not in stored:
            values[i] = list(map(convert, values[i]))
    # The statement as SQLAlchemy writes it for this dialect: positional "?" in column order.
    compiled = insert(target).compile(
        dialect=session.get_bind().dialect, column_keys=columns, compile_kwargs={}
    )
    order = [columns.index(name) for name in compiled.positiontup or []]
    params = list(zip(*(values[i] for i in order), strict=True))
    session.connection().exec_driver_sql(str(compiled), params)


def insert_rows(
    session: Session,
    target: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    stored: Collection[str] = (),
) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``target`` in one executemany.

    ``stored`` names columns whose values are given on SQLite as its driver takes them
    (see ``stored_json``), not converted again; other databases ignore it.
    """
    if not rows:
        return
    if _is_sqlite(session):
        _sqlite_insert(session, target, rows, stored)
    else:
        session.execute(insert(target), list(rows))


def _max_id(session: Session, target: Table) -> int:
    return int(session.scalar(select(func.max(target.c.id))) or 0)


def insert_returning_ids(
    session: Session,
    target: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    stored: Collection[str] = (),
) -> list[int]:
    """Insert ``rows`` (one executemany) and return their new ids in the same order.

    On SQLite a new row of a table with an integer primary key (no AUTOINCREMENT in ketref)
    gets one more than the largest id, so in one statement of the write transaction the rows
    get the next ids in order; that they did is checked (largest id before and after).
    """
    if not rows:
        return []
    if not _is_sqlite(session):
        stmt = insert(target).returning(target.c.id, sort_by_parameter_order=True)
        return list(session.scalars(stmt, list(rows)))
    before = _max_id(session, target)
    _sqlite_insert(session, target, rows, stored)
    after = _max_id(session, target)
    if after - before != len(rows):  # only past SQLite's largest id, which ketref never nears
        raise RuntimeError(f"{target.name}: {len(rows)} rows given ids {before + 1}..{after}")
    return list(range(before + 1, after + 1))


def canonical_json(value: Any) -> str:
    """JSON with sorted keys: the text a document's hash is taken of, and the text a SQLite
    library stores for every JSON value (its engine's serializer), so a bulk load encodes each
    document once for both."""
    return json.dumps(value, sort_keys=True)


def stored_json(session: Session) -> bool:
    """Whether JSON values may be handed to ``insert_rows`` as the text SQLite stores
    (``canonical_json(value)``, what the engine's JSON serializer writes), so a bulk load can
    encode documents while the search index is written, not after."""
    dialect = session.get_bind().dialect
    serializer = getattr(dialect, "_json_serializer", None)
    return dialect.name == "sqlite" and serializer is canonical_json
