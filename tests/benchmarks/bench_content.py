"""Loading a whole knowledge base into a fresh database, through Workspace.open like a first run.

Subject: the generated knowledge base (``--scale``, 100x by default); baseline: the shipped
content, alternately, so the ratio shows how loading scales (about the scale factor = linear).
The goal is the one the content-pack issue sets for importing the 100x knowledge base (a pack
import does the same reading, validating and writing). ``read + validate`` is the time inside
``read_content_folder`` (YAML parsing and the schema); the rest is the database: creating and
migrating it, writing rows and building the search index.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ketref.services.content as content_service
from ketref.db.engine import DatabaseTarget
from ketref.paths import AppPaths
from ketref.services.workspace import Workspace
from tests.benchmarks import fixtures, generate
from tests.benchmarks.harness import Context, Figure, alternate, benchmark, under


@contextmanager
def time_calls(module: Any, name: str) -> Iterator[list[float]]:
    """Accumulate the seconds spent in ``module.name`` while the block runs."""
    original: Callable[..., Any] = getattr(module, name)
    spent: list[float] = []

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    setattr(module, name, wrapper)
    try:
        yield spent
    finally:
        setattr(module, name, original)


def first_load(ctx: Context, folder: Path) -> Callable[[], Mapping[str, float]]:
    def measure() -> Mapping[str, float]:
        home = ctx.scratch("load")
        paths = AppPaths.resolve(home)
        paths.ensure()
        workspace = Workspace(paths, DatabaseTarget.parse(paths.database), folder)
        with time_calls(content_service, "read_content_folder") as reading:
            start = time.perf_counter()
            services = workspace.open()
            total = time.perf_counter() - start
        services.close()
        if not reading:
            raise RuntimeError("the content was not read: is the database really fresh?")
        generate.adopt_database(folder, paths.database, ctx.cache)  # spares a later build
        shutil.rmtree(home, ignore_errors=True)
        return {"total": total, "read": sum(reading), "database": total - sum(reading)}

    return measure


@benchmark("content-load", "Load the generated knowledge base into a fresh database")
def content_load(ctx: Context) -> list[Figure]:
    folder = fixtures.scaled_folder(ctx)
    repeat = ctx.repeat(3, quick=1)
    shipped = first_load(ctx, fixtures.SHIPPED)
    if repeat > 1:
        shipped()  # warm-up: the first load in a process also builds validators and mappers
    subject, baseline = alternate(first_load(ctx, folder), shipped, repeat)
    label = f"{ctx.scale}x vs shipped"
    return [
        Figure(
            "total (fresh database)",
            "s",
            subject["total"],
            baseline["total"],
            "shipped",
            (under(10.0),),
            note=f"{label}; goal as for importing the 100x pack",
        ),
        Figure("read + validate", "s", subject["read"], baseline["read"], "shipped"),
        Figure(
            "database (write + index)", "s", subject["database"], baseline["database"], "shipped"
        ),
    ]
