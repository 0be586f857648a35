"""Databases and knowledge bases the benchmarks share: built once, cached, copied per use."""

from __future__ import annotations

import shutil
from pathlib import Path

from ketref.db.engine import DatabaseTarget
from ketref.paths import AppPaths
from ketref.services.workspace import Services, Workspace
from tests.benchmarks import generate
from tests.benchmarks.harness import Context

SHIPPED = generate.SHIPPED


def scaled_folder(ctx: Context) -> Path:
    """The generated knowledge base of ``ctx.scale`` copies (shipped content for scale 1)."""
    if ctx.scale == 1:
        return SHIPPED
    ctx.log(f"bench: knowledge base {ctx.scale}x (generated once, then cached) ...")
    return generate.cached_folder(ctx.scale, ctx.seed, ctx.cache)


def database_of(ctx: Context, folder: Path) -> Path:
    """A cached database file with ``folder`` loaded; never open it directly, use ``home_with``."""
    return generate.database_for(folder, ctx.cache)


def home_with(ctx: Context, database: Path, name: str) -> Path:
    """A fresh ketref home (``--home``) whose database is a copy of ``database``."""
    home = ctx.scratch(name)
    paths = AppPaths.resolve(home)
    paths.ensure()
    shutil.copyfile(database, paths.database)
    return home


def open_services(home: Path, content: Path) -> Services:
    """The services over the database in ``home``, opened the way the app opens them."""
    paths = AppPaths.resolve(home)
    return Workspace(paths, DatabaseTarget.parse(paths.database), content).open(load_content=False)
