"""Cold start to the first painted main window with content listed, and peak memory.

Each run is a fresh process (``startup_child``) with ``QT_QPA_PLATFORM=offscreen``: ketref started
as ``ketref --home HOME`` on a database that already holds the content (an ordinary start, not a
first run), against a bare PySide6 QMainWindow with a QListWidget of the same number of rows.
Baseline and subject alternate; the time runs from just before the process is spawned (so Python's
start and every import count) to the end of the first painted frame with rows listed.

Both children read compiled bytecode, as an installed ketref does (pip compiles it on install):
ketref and the probe are compiled once per run into a scratch ``PYTHONPYCACHEPREFIX``, so a
``PYTHONDONTWRITEBYTECODE`` environment does not make every start compile ketref's sources
while PySide6 (compiled in site-packages) never pays that. ``ketref --home HOME`` is started
once before measuring, so the first-list snapshot a real second start finds is in place.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path

from tests.benchmarks import fixtures
from tests.benchmarks.harness import REPO, Context, Figure, Goal, alternate, at_most, benchmark

TIMEOUT_S = 120


def bytecode_env(ctx: Context) -> dict[str, str]:
    """Child environment whose bytecode cache (in scratch space) holds ketref and the probe."""
    env = ctx.child_env(PYTHONPYCACHEPREFIX=str(ctx.scratch("pycache")))
    subprocess.run(
        [ctx.python, "-m", "compileall", "-q", "ketref", "tests/benchmarks/startup_child.py"],
        cwd=REPO,
        env=env,
        check=True,
        timeout=TIMEOUT_S,
    )
    return env


def spawn(ctx: Context, env: dict[str, str], *args: str) -> dict[str, float]:
    """One child run: milliseconds to first paint, peak memory and listed rows."""
    start = time.monotonic()
    proc = subprocess.run(
        [ctx.python, "-m", "tests.benchmarks.startup_child", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = "\n".join(proc.stderr.strip().splitlines()[-8:])
        raise RuntimeError(f"startup child {args[0]} failed (exit {proc.returncode}): {tail}")
    data = json.loads(lines[-1])
    figures = {"ms": (data["painted"] - start) * 1000, "rows": float(data["rows"])}
    if data.get("peak_rss_mb") is not None:
        figures["MB"] = data["peak_rss_mb"]
    return figures


def measure_startup(
    ctx: Context, folder: Path, name: str, time_goal: Goal | None, memory_goal: Goal | None
) -> list[Figure]:
    home = fixtures.home_with(ctx, fixtures.database_of(ctx, folder), name)
    content = [] if folder == fixtures.SHIPPED else ["--content", str(folder)]
    env = bytecode_env(ctx)
    listed: list[int] = []

    def subject() -> Mapping[str, float]:
        run = spawn(ctx, env, "ketref", str(home), *content)
        listed.append(int(run["rows"]))
        return run

    def baseline() -> Mapping[str, float]:  # as many rows as ketref listed
        return spawn(ctx, env, "bare", str(listed[-1]))

    subject()  # the first start on this home writes the first-list snapshot

    repeat = ctx.repeat(9, quick=3)
    subj, base = alternate(subject, baseline, repeat, warmup=int(repeat > 1), subject_first=True)
    note = f"rows listed: {', '.join(map(str, sorted(set(listed))))}"
    figures = [
        Figure(
            "start to first paint",
            "ms",
            subj["ms"],
            base["ms"],
            "bare Qt",
            (time_goal,) if time_goal else (),
            note,
        )
    ]
    if "MB" in subj and "MB" in base:
        figures.append(
            Figure(
                "peak memory",
                "MB",
                subj["MB"],
                base["MB"],
                "bare Qt",
                (memory_goal,) if memory_goal else (),
            )
        )
    return figures


@benchmark("startup", "Cold start to first painted window (shipped content) vs bare PySide6")
def startup(ctx: Context) -> list[Figure]:
    return measure_startup(
        ctx,
        fixtures.SHIPPED,
        "startup",
        at_most(2.0, on="ratio"),
        at_most(1.6, on="ratio"),
    )


@benchmark("startup-scaled", "Cold start with the generated knowledge base vs bare PySide6")
def startup_scaled(ctx: Context) -> list[Figure]:
    return measure_startup(
        ctx,
        fixtures.scaled_folder(ctx),
        "startup-scaled",
        at_most(2.0, on="ratio"),
        at_most(1.6, on="ratio"),
    )
