"""Alembic environment: always run programmatically with a connection from ketref."""

from __future__ import annotations

from alembic import context

from ketref.db import tables  # noqa: F401 - registers every table on the metadata
from ketref.db.base import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable when run from the alembic CLI
    raise RuntimeError("ketref migrations run through ketref.db.migrate, not the alembic CLI")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
