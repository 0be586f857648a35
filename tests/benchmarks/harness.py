"""The benchmark harness: plug-ins, repeated runs, same-run baselines, goals, table and JSON.

Absolute times on a shared machine drift from minute to minute, so every figure is measured
several times, baseline and subject alternately (ABBA order), and judged by its ratio to the
baseline measured in the same run where the goal is a ratio.

Adding a benchmark is one new module ``tests/benchmarks/bench_<topic>.py`` (found automatically)::

    from tests.benchmarks.harness import Context, Figure, Skip, alternate, at_most, benchmark, timed

    @benchmark("handout-render", "One handout vs a plain reportlab document of equal pages")
    def handout_render(ctx: Context) -> list[Figure]:
        try:
            from ketref.services.handouts import ...  # not merged yet: say so, do not fail
        except ImportError as exc:
            raise Skip(f"handouts are not available: {exc}") from exc
        subject, baseline = alternate(timed(render_one), timed(render_plain), ctx.repeat(9, 3))
        return [Figure("render", "ms", subject["ms"], baseline["ms"], "plain reportlab",
                       goals=(at_most(2.0, on="ratio"),))]

A benchmark returns figures; the harness adds medians, spreads, ratios and pass/miss. Anything
it raises is reported as an error (and makes the command exit 1); ``Skip`` is reported as skipped.
"""

from __future__ import annotations

import argparse
import fnmatch
import importlib
import json
import math
import os
import pkgutil
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUTPUT = REPO / "bench-results.json"
PLUGIN_PREFIX = "bench_"

Measure = Callable[[], Mapping[str, float]]


class Skip(Exception):  # noqa: N818 - raised like pytest.skip, read as "skip this benchmark"
    """Raised by a benchmark whose subject is not available (yet); reported, not an error."""


# --- Goals and figures ----------------------------------------------------------------------


@dataclass(frozen=True)
class Goal:
    """A limit on a figure's median (``on="value"``) or on its ratio to the baseline."""

    limit: float
    inclusive: bool = True
    on: Literal["value", "ratio"] = "value"

    def met(self, value: float) -> bool:
        return value <= self.limit if self.inclusive else value < self.limit

    def describe(self, unit: str) -> str:
        op = "≤" if self.inclusive else "<"
        return f"ratio {op} {self.limit:g}" if self.on == "ratio" else f"{op} {self.limit:g} {unit}"


def at_most(limit: float, on: Literal["value", "ratio"] = "value") -> Goal:
    return Goal(limit, inclusive=True, on=on)


def under(limit: float, on: Literal["value", "ratio"] = "value") -> Goal:
    return Goal(limit, inclusive=False, on=on)


@dataclass(frozen=True)
class Spread:
    """Median and spread of repeated measurements."""

    n: int
    median: float
    q1: float
    q3: float
    low: float
    high: float

    @classmethod
    def of(cls, samples: Sequence[float]) -> Spread:
        if not samples:
            raise ValueError("a figure needs at least one sample")
        ordered = sorted(samples)
        return cls(
            n=len(ordered),
            median=statistics.median(ordered),
            q1=percentile(ordered, 25),
            q3=percentile(ordered, 75),
            low=ordered[0],
            high=ordered[-1],
        )


def percentile(samples: Sequence[float], pct: float) -> float:
    """Linear-interpolated percentile (numpy's default) of ``samples``."""
    ordered = sorted(samples)
    if not ordered:
        raise ValueError("no samples")
    rank = (len(ordered) - 1) * pct / 100
    lower, upper = math.floor(rank), math.ceil(rank)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (rank - lower)


@dataclass
class Figure:
    """One measured quantity: a sample per repetition, optionally a paired baseline sample each.

    With a baseline, ``ratio`` is the median of the per-repetition ratios subject/baseline, so
    a slow minute affects both halves of a pair instead of the comparison.
    """

    name: str
    unit: str
    samples: Sequence[float]
    baseline: Sequence[float] | None = None
    baseline_name: str = ""
    goals: tuple[Goal, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        self.stats = Spread.of(self.samples)
        self.baseline_stats = Spread.of(self.baseline) if self.baseline else None
        self.ratio: Spread | None = None
        if self.baseline:
            if len(self.baseline) != len(self.samples):
                raise ValueError(f"{self.name}: baseline and subject need one sample each per run")
            self.ratio = Spread.of(
                [
                    s / b if b > 0 else math.inf
                    for s, b in zip(self.samples, self.baseline, strict=True)
                ]
            )
        if any(g.on == "ratio" for g in self.goals) and self.ratio is None:
            raise ValueError(f"{self.name}: a ratio goal needs a baseline")

    def goal_results(self) -> list[tuple[Goal, bool]]:
        results = []
        for goal in self.goals:
            spread = self.ratio if goal.on == "ratio" else self.stats
            assert spread is not None
            results.append((goal, goal.met(spread.median)))
        return results

    @property
    def verdict(self) -> str:
        results = self.goal_results()
        if not results:
            return "-"
        return "pass" if all(ok for _, ok in results) else "MISS"

    def as_dict(self) -> dict[str, Any]:
        def spread(s: Spread | None) -> dict[str, float] | None:
            return None if s is None else {k: getattr(s, k) for k in Spread.__dataclass_fields__}

        return {
            "name": self.name,
            "unit": self.unit,
            **spread(self.stats),  # type: ignore[dict-item]
            "samples": list(self.samples),
            "baseline_name": self.baseline_name or None,
            "baseline": spread(self.baseline_stats),
            "baseline_samples": list(self.baseline) if self.baseline else None,
            "ratio": spread(self.ratio),
            "goals": [
                {"goal": g.describe(self.unit), "on": g.on, "limit": g.limit, "met": ok}
                for g, ok in self.goal_results()
            ],
            "verdict": self.verdict,
            "note": self.note or None,
        }


# --- Running measurements -------------------------------------------------------------------


def timed(fn: Callable[[], object], unit: Literal["s", "ms"] = "ms") -> Measure:
    """Wrap ``fn`` so one call returns its wall time as ``{unit: value}``."""
    factor = 1000.0 if unit == "ms" else 1.0

    def measure() -> Mapping[str, float]:
        start = time.perf_counter()
        fn()
        return {unit: (time.perf_counter() - start) * factor}

    return measure


def alternate(
    subject: Measure,
    baseline: Measure,
    repeat: int,
    warmup: int = 0,
    subject_first: bool = False,
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Run baseline and subject ``repeat`` times each, in ABBA order; collect what they report.

    Returns ``(subject_values, baseline_values)``, each mapping a value's name to one sample per
    repetition (pairs share an index). ``warmup`` pairs run first and are dropped.
    """
    first, second = (subject, baseline) if subject_first else (baseline, subject)
    for _ in range(warmup):
        first()
        second()
    subj: dict[str, list[float]] = {}
    base: dict[str, list[float]] = {}
    into = {id(subject): subj, id(baseline): base}
    for i in range(repeat):
        order = (first, second) if i % 2 == 0 else (second, first)
        for measure in order:
            for key, value in measure().items():
                into[id(measure)].setdefault(key, []).append(value)
    return subj, base


@dataclass
class Context:
    """What a benchmark may use: repetition counts, scale, caches and a scratch directory."""

    workdir: Path
    quick: bool = False
    repeat_override: int | None = None
    scale: int = 100
    seed: int = 20261121
    cache: Path | None = None
    python: str = sys.executable
    log: Callable[[str], None] = field(default=lambda msg: print(msg, file=sys.stderr, flush=True))

    def repeat(self, full: int, quick: int) -> int:
        """Repetitions: ``--repeat`` when given, else ``quick`` with ``--quick``, else ``full``."""
        if self.repeat_override is not None:
            return self.repeat_override
        return quick if self.quick else full

    def scratch(self, name: str) -> Path:
        """A fresh, empty directory under this run's scratch space."""
        return Path(tempfile.mkdtemp(prefix=f"{name}-", dir=self.workdir))

    def child_env(self, **extra: str) -> dict[str, str]:
        """Environment for measured child processes: offscreen Qt, no bytecode writes."""
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **extra}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        return env


# --- Registry -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Benchmark:
    name: str
    title: str
    run: Callable[[Context], list[Figure]]


REGISTRY: dict[str, Benchmark] = {}


def benchmark(name: str, title: str) -> Callable[[Callable[[Context], list[Figure]]], Any]:
    """Register ``fn(ctx) -> list[Figure]`` under ``name`` (used by ``--only``)."""

    def register(fn: Callable[[Context], list[Figure]]) -> Callable[[Context], list[Figure]]:
        if name in REGISTRY and REGISTRY[name].run is not fn:
            raise ValueError(f"benchmark {name!r} is registered twice")
        REGISTRY[name] = Benchmark(name, title, fn)
        return fn

    return register


def discover() -> list[Benchmark]:
    """Import every ``bench_*`` module of this package; benchmarks come in module order."""
    package = __name__.rsplit(".", 1)[0]
    for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
        if info.name.startswith(PLUGIN_PREFIX):
            importlib.import_module(f"{package}.{info.name}")
    return list(REGISTRY.values())


def select(benchmarks: Sequence[Benchmark], patterns: Sequence[str]) -> list[Benchmark]:
    """Benchmarks whose name equals, starts with, or glob-matches one of ``patterns``."""
    if not patterns:
        return list(benchmarks)
    chosen = [
        b
        for b in benchmarks
        if any(b.name == p or b.name.startswith(p) or fnmatch.fnmatch(b.name, p) for p in patterns)
    ]
    if not chosen:
        names = ", ".join(b.name for b in benchmarks)
        raise SystemExit(f"no benchmark matches {' '.join(patterns)}; known: {names}")
    return chosen


@dataclass
class Outcome:
    name: str
    title: str
    status: Literal["ok", "error", "skipped"]
    seconds: float
    figures: list[Figure] = field(default_factory=list)
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "message": self.message or None,
            "figures": [f.as_dict() for f in self.figures],
        }


def run_benchmarks(benchmarks: Sequence[Benchmark], ctx: Context) -> list[Outcome]:
    """Run each benchmark; an exception or an empty figure list is an error, not a crash."""
    outcomes = []
    for bench in benchmarks:
        ctx.log(f"bench: {bench.name} ...")
        start = time.perf_counter()
        try:
            figures = bench.run(ctx)
            if not figures:
                raise RuntimeError("the benchmark produced no figures")
            outcome = Outcome(bench.name, bench.title, "ok", time.perf_counter() - start, figures)
        except Skip as exc:
            outcome = Outcome(bench.name, bench.title, "skipped", time.perf_counter() - start)
            outcome.message = str(exc)
        except Exception as exc:
            outcome = Outcome(bench.name, bench.title, "error", time.perf_counter() - start)
            outcome.message = f"{exc.__class__.__name__}: {exc}"
            ctx.log(traceback.format_exc())
        ctx.log(f"bench: {bench.name} {outcome.status} in {outcome.seconds:.1f} s")
        outcomes.append(outcome)
    return outcomes


# --- Reporting ------------------------------------------------------------------------------


def _num(value: float) -> str:
    if math.isinf(value):
        return "inf"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def table(outcomes: Sequence[Outcome]) -> str:
    """A plain-text table: one row per figure, with spread, baseline, ratio, goal and verdict."""
    header = ("benchmark", "figure", "median", "min-max", "baseline", "ratio (min-max)", "goal", "")
    rows: list[tuple[str, ...]] = []
    for outcome in outcomes:
        if outcome.status != "ok":
            rows.append(
                (outcome.name, outcome.status.upper(), outcome.message[:70], "", "", "", "", "")
            )
            continue
        for i, fig in enumerate(outcome.figures):
            s, r, b = fig.stats, fig.ratio, fig.baseline_stats
            rows.append(
                (
                    outcome.name if i == 0 else "",
                    fig.name,
                    f"{_num(s.median)} {fig.unit}",
                    f"{_num(s.low)}-{_num(s.high)}",
                    f"{_num(b.median)} {fig.baseline_name}".strip() if b else "",
                    f"{_num(r.median)} ({_num(r.low)}-{_num(r.high)})" if r else "",
                    "; ".join(g.describe(fig.unit) for g in fig.goals),
                    fig.verdict,
                )
            )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"  {o.name} / {f.name}: {f.note}" for o in outcomes for f in o.figures if f.note]
    return "\n".join(lines + (["", "Notes:", *notes] if notes else []))


def machine() -> dict[str, Any]:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit or None,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def report(outcomes: Sequence[Outcome], ctx: Context) -> dict[str, Any]:
    return {
        "machine": machine(),
        "settings": {
            "quick": ctx.quick,
            "repeat": ctx.repeat_override,
            "scale": ctx.scale,
            "seed": ctx.seed,
        },
        "benchmarks": [o.as_dict() for o in outcomes],
    }


# --- Command --------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python3 dev.py bench",
        description="Run ketref's benchmarks; print a table and write JSON.",
    )
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a rough look)")
    parser.add_argument(
        "--only", action="append", default=[], metavar="NAME", help="run only matching benchmarks"
    )
    parser.add_argument(
        "-o", "--output", type=Path, default=DEFAULT_OUTPUT, help="JSON results file"
    )
    parser.add_argument(
        "--repeat", type=int, help="repetitions of every figure (overrides --quick)"
    )
    parser.add_argument(
        "--scale", type=int, default=100, help="size of the generated knowledge base"
    )
    parser.add_argument("--seed", type=int, default=20261121, help="generator seed")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--fail-on-miss", action="store_true", help="exit 3 when a goal is missed")
    return parser


@contextmanager
def scratch_space() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="ketref-bench-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    benchmarks = discover()
    if args.list:
        for bench in benchmarks:
            print(f"{bench.name:24} {bench.title}")
        return 0
    chosen = select(benchmarks, args.only)
    with scratch_space() as workdir:
        ctx = Context(
            workdir=workdir,
            quick=args.quick,
            repeat_override=args.repeat,
            scale=args.scale,
            seed=args.seed,
        )
        outcomes = run_benchmarks(chosen, ctx)
    print(table(outcomes))
    data = report(outcomes, ctx)
    args.output.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nresults written to {args.output}")
    if any(o.status == "error" for o in outcomes):
        return 1
    if args.fail_on_miss and any(f.verdict == "MISS" for o in outcomes for f in o.figures):
        return 3
    return 0
