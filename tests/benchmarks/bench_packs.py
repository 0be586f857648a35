"""Content packs of the whole generated knowledge base: export, and import into a new library.

Export: ``PackService.export(path, everything=True)`` on a library holding the generated
knowledge base (``--scale``, 100x by default), which gathers every item with its references and
history, writes the JSON atomically and reads it back. Import: ``import_pack`` of that file into
a new, empty library (every item is added: the most writing an import can do), backup included.
Baseline, alternated: the same on the shipped content, so the ratio shows how packs scale. The
issue's goal is under 10 s each for the 100x knowledge base.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from ketref.db.engine import DatabaseTarget
from ketref.domain.packs import PackError
from ketref.paths import AppPaths
from ketref.services.workspace import Services, Workspace
from tests.benchmarks import fixtures
from tests.benchmarks.harness import Context, Figure, alternate, benchmark, under


def _new_library(ctx: Context, content: Path) -> Services:
    """A new, empty library (created and migrated; no content loaded)."""
    paths = AppPaths.resolve(ctx.scratch("pack-import"))
    paths.ensure()
    return Workspace(paths, DatabaseTarget.parse(paths.database), content).open(load_content=False)


def round_trip(ctx: Context, folder: Path, label: str) -> Callable[[], Mapping[str, float]]:
    """One export of ``folder``'s library and one import of the pack, timed separately."""
    home = fixtures.home_with(ctx, fixtures.database_of(ctx, folder), f"pack-{label}")
    counts: dict[str, float] = {}

    def measure() -> Mapping[str, float]:
        services = fixtures.open_services(home, folder)
        pack = ctx.scratch(f"pack-{label}") / "everything.json"
        try:
            start = time.perf_counter()
            exported = services.packs.export(pack, everything=True)
            export_s = time.perf_counter() - start
        except PackError as exc:
            raise RuntimeError(
                f"the {label} library cannot be exported as one pack "
                f"(after {time.perf_counter() - start:.0f} s): {exc}"
            ) from exc
        finally:
            services.close()
        target = _new_library(ctx, folder)
        try:
            start = time.perf_counter()
            imported = target.packs.import_pack(pack)
            import_s = time.perf_counter() - start
        finally:
            target.close()
        if len(imported.added) != exported.items:
            raise RuntimeError(f"{exported.items} items exported, {len(imported.added)} added")
        counts.update(items=exported.items, mb=pack.stat().st_size / 1e6)
        shutil.rmtree(pack.parent, ignore_errors=True)
        return {"export": export_s, "import": import_s}

    measure.counts = counts  # type: ignore[attr-defined]
    return measure


@benchmark("packs", "Content pack export and import of the generated knowledge base")
def packs(ctx: Context) -> list[Figure]:
    folder = fixtures.scaled_folder(ctx)
    subject = round_trip(ctx, folder, f"{ctx.scale}x")
    baseline = round_trip(ctx, fixtures.SHIPPED, "shipped")
    subj, base = alternate(subject, baseline, ctx.repeat(3, quick=1))
    counts = subject.counts  # type: ignore[attr-defined]
    note = f"{ctx.scale}x: {counts['items']:.0f} items, {counts['mb']:.1f} MB of JSON"
    return [
        Figure(
            "export (everything)",
            "s",
            subj["export"],
            base["export"],
            "shipped",
            (under(10.0),),
            note=note,
        ),
        Figure(
            "import (new library)", "s", subj["import"], base["import"], "shipped", (under(10.0),)
        ),
    ]
