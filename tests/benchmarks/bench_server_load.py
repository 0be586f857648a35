"""Eight workstations on one library for a while, one of them editing and importing.

Subject: the shared PostgreSQL library on a throwaway local cluster (tests/pg_cluster.py).
Baseline: the same run against one SQLite file, the way several windows on one machine share
it. Eight reader processes search, screen and print in turn while one editor process appends to
an item (reloading on conflicts) and imports a pack of another item's edit (the first import
changes it, later ones find it unchanged). Figures per operation: throughput (all
clients together) and p99 latency; goals: no errors and no lost update on either backend. The
run length is ``--repeat`` seconds (60 by default, 10 with --quick).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from tests.benchmarks import fixtures
from tests.benchmarks.harness import (
    REPO,
    Context,
    Figure,
    Skip,
    at_most,
    benchmark,
    percentile,
)

READERS = 8
SMOKE_SECONDS = 5
"""A shorter run (the smoke test's ``--repeat 1``) starts one reader: it only proves the
machinery works, without paying for eighteen process starts."""
OPERATIONS = ("search", "screen", "print", "edit", "import")


def _run_clients(
    ctx: Context, url: str, pack: Path, seconds: float, name: str, readers: int
) -> dict[str, Any]:
    go = ctx.scratch(f"{name}-go") / "go"
    roles = ["editor"] + ["reader"] * readers
    procs = []
    for i, role in enumerate(roles):
        args = {
            "url": url,
            "role": role,
            "seconds": seconds,
            "go": str(go),
            "pack": str(pack),
            "home": str(ctx.scratch(f"{name}-{i}")),
            "tag": f"w{name}",
        }
        procs.append(
            subprocess.Popen(
                [ctx.python, "-m", "tests.benchmarks.load_client", json.dumps(args)],
                cwd=REPO,
                env=ctx.child_env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    for proc in procs:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError(f"a load client failed to start: {proc.communicate()[1][-2000:]}")
    go.touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=seconds + 300)
        if proc.returncode != 0:
            raise RuntimeError(f"a load client failed: {err[-2000:]}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    latencies: dict[str, list[float]] = {}
    for result in results:
        for op, values in result["latencies"].items():
            latencies.setdefault(op, []).extend(values)
    return {
        "latencies": latencies,
        "errors": [e for r in results for e in r["errors"]],
        "saved": results[0]["saved"],
    }


def _lost_updates(url: str, home: Path, saved: list[list[str]]) -> int:
    """Saved words (each with the item it went to) that its item's summary no longer holds."""
    from ketref.domain.enums import ItemKind
    from tests.benchmarks.load_client import KIND, _services

    services = _services(url, home)
    try:
        words = {
            slug: set(services.catalogue.get_item(ItemKind(KIND), slug).item.summary.split())
            for slug in {slug for slug, _word in saved}
        }
    finally:
        services.close()
    return sum(word not in words[slug] for slug, word in saved)


@benchmark("server-load", "8 workstations plus an editor on PostgreSQL vs one SQLite file")
def server_load(ctx: Context) -> list[Figure]:
    try:
        from tests.pg_cluster import ClusterUnavailableError, start_cluster

        cluster = start_cluster()
    except (ImportError, ClusterUnavailableError) as exc:
        raise Skip(f"no PostgreSQL to test against: {exc}") from exc
    seconds = float(ctx.repeat(60, 10))
    readers = READERS if seconds >= SMOKE_SECONDS else 1
    try:
        cluster.execute("CREATE DATABASE load")
        url = cluster.url("load")
        source = fixtures.open_services(
            fixtures.home_with(ctx, fixtures.database_of(ctx, fixtures.SHIPPED), "load-src"),
            fixtures.SHIPPED,
        )
        pack = ctx.scratch("load-pack") / "pack.json"
        from ketref.domain.enums import ItemKind

        source.catalogue.edit_item(  # a pack of another clinic's edit to another item
            ItemKind.SIDE_EFFECT, "dissociation", {"summary": "Edited at another clinic."}
        )
        source.packs.export(pack)
        source.close()
        from ketref.db.engine import DatabaseTarget
        from ketref.paths import AppPaths
        from ketref.services.workspace import Workspace

        server_home = ctx.scratch("load-server")
        Workspace(
            AppPaths.resolve(server_home), DatabaseTarget.parse(url), fixtures.SHIPPED
        ).open().close()
        sqlite_home = fixtures.home_with(
            ctx, fixtures.database_of(ctx, fixtures.SHIPPED), "load-sqlite"
        )
        sqlite_url = str(AppPaths.resolve(sqlite_home).database)
        ctx.log(
            f"bench: server-load, {readers} readers + 1 editor, {seconds:g} s on PostgreSQL "
            f"then {seconds:g} s on SQLite ..."
        )
        runs = {
            "postgres": _run_clients(ctx, url, pack, seconds, "pg", readers),
            "sqlite": _run_clients(ctx, sqlite_url, pack, seconds, "sqlite", readers),
        }
        lost = {
            "postgres": _lost_updates(url, server_home, runs["postgres"]["saved"]),
            "sqlite": _lost_updates(sqlite_url, sqlite_home, runs["sqlite"]["saved"]),
        }
    finally:
        cluster.stop()
    figures: list[Figure] = []
    for op in OPERATIONS:
        pg = runs["postgres"]["latencies"].get(op, [])
        lite = runs["sqlite"]["latencies"].get(op, [])
        if not pg or not lite:
            continue
        figures.append(
            Figure(
                f"{op} throughput", "ops/s", [len(pg) / seconds], [len(lite) / seconds], "SQLite"
            )
        )
        figures.append(
            Figure(f"{op} p99", "ms", [percentile(pg, 99)], [percentile(lite, 99)], "SQLite")
        )
    for backend in ("postgres", "sqlite"):
        errors = runs[backend]["errors"]
        figures.append(
            Figure(
                f"errors on {backend}",
                "count",
                [len(errors)],
                goals=(at_most(0),),
                note="; ".join(errors[:3]),
            )
        )
        figures.append(
            Figure(
                f"lost updates on {backend}",
                "count",
                [lost[backend]],
                goals=(at_most(0),),
                note=f"{len(runs[backend]['saved'])} edits saved",
            )
        )
    return figures
