"""Search latency through CatalogueService vs a raw sqlite3 FTS5 query on the same index.

The query mix is what a clinician types: words typed letter by letter (every prefix is a query,
as in search-as-you-type), typos, synonyms and abbreviations, and misses. Each query runs through
the service and as the raw query, in alternating order; one round gives p50 and p99 over the mix,
and the figures are medians over rounds. The raw baseline is the least an app could do with the
same FTS5 index for the same text: quoted terms of 3+ characters ANDed in a MATCH (the trigram
index cannot answer shorter ones, so those are LIKE conditions, or a LIKE scan when nothing
else is left), ranked by bm25, with FTS5's snippet(), the same row limit as the GUI.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from ketref.domain.search import SearchResult
from ketref.services.catalogue import CatalogueService
from tests.benchmarks import fixtures
from tests.benchmarks.harness import Context, Figure, at_most, benchmark, percentile, under
from tests.search import judged

LIMIT = 50
"""Rows asked for, as the main window asks."""

TYPED = [
    "ketamine",
    "blood pressure",
    "dissociation",
    "bladder",
    "benzodiazepine",
    "lithium",
    "pregnancy",
    "suicidal ideation",
]
TYPOS = [
    "ketmaine",
    "disociation",
    "hypertenson",
    "benzodiazapine",
    "bladdr",
    "esketamnie",
    "pregancy",
]
SYNONYMS = ["bp", "spravato", "ptsd", "xanax", "heart attack", "benzos", "crps", "maoi", "iv"]
MISSES = ["grapefruit juice", "zzqx", "hovercraft", "appendicitis", "qwxyzzy"]


def query_mix() -> list[tuple[str, str]]:
    """(category, text) in the order they are run; prefixes in typing order."""
    mix = [("prefix", word[:n]) for word in TYPED for n in range(1, len(word) + 1)]
    mix = [(cat, text) for cat, text in mix if not text.endswith(" ")]
    mix += [("typo", t) for t in TYPOS]
    mix += [("synonym", t) for t in SYNONYMS]
    mix += [("miss", t) for t in MISSES]
    return mix


class RawSearch:
    """The baseline: one hand-written SQL statement per query on a plain sqlite3 connection."""

    def __init__(self, database: Path) -> None:
        self._conn = sqlite3.connect(database)

    def close(self) -> None:
        self._conn.close()

    def __call__(self, text: str) -> int:
        terms = re.findall(r"\w+", text.lower())
        long_terms = [t for t in terms if len(t) >= 3]
        likes = [f"%{t}%" for t in terms if len(t) < 3]
        like_sql = "".join(" AND (lower(d.title) LIKE ? OR lower(d.body) LIKE ?)" for _ in likes)
        like_args = [p for pattern in likes for p in (pattern, pattern)]
        if long_terms:
            match = " AND ".join('"' + t.replace('"', '""') + '"' for t in long_terms)
            sql = (
                "SELECT d.kind, d.slug, d.title, snippet(search_fts, -1, '[', ']', '…', 64) "
                "FROM search_fts JOIN search_document AS d ON d.id = search_fts.rowid "
                f"WHERE search_fts MATCH ?{like_sql} ORDER BY bm25(search_fts, 10.0, 1.0) LIMIT ?"
            )
            rows = self._conn.execute(sql, [match, *like_args, LIMIT]).fetchall()
        elif likes:
            sql = f"SELECT d.kind, d.slug, d.title, substr(d.body, 1, 90) FROM search_document AS d WHERE 1{like_sql} LIMIT ?"  # noqa: E501
            rows = self._conn.execute(sql, [*like_args, LIMIT]).fetchall()
        else:
            rows = []
        return len(rows)


def _ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _timed_search(catalogue: CatalogueService, text: str) -> tuple[float, SearchResult]:
    start = time.perf_counter()
    result = catalogue.search(text, limit=LIMIT)
    return (time.perf_counter() - start) * 1000, result


def judged_figures(catalogue: CatalogueService) -> list[Figure]:
    """The judged query set (tests/search) on this knowledge base: ranking quality at scale."""
    figures = judged.evaluate(
        lambda text: [f"{h.kind.value}/{h.slug}" for h in catalogue.search(text, limit=LIMIT).hits],
        judged.load(),
    )
    missed = ", ".join(query for query, _missing in figures.top3_failures[:8])
    return [
        Figure("judged P@3", "score", [figures.precision_at_3], note="judged_queries.yaml"),
        Figure("judged R@10", "score", [figures.recall_at_10]),
        Figure(
            "judged nDCG@10", "score", [figures.ndcg_at_10], note=f"goal >= {judged.NDCG_AT_10_MIN}"
        ),
        Figure(
            "judged top-3 misses",
            "queries",
            [float(len(figures.top3_failures))],
            goals=(at_most(0),),
            note=f"of {len(figures.scored)}" + (f": {missed}" if missed else ""),
        ),
    ]


def measure_search(ctx: Context, folder: Path, name: str, p99_goal_ms: float) -> list[Figure]:
    home = fixtures.home_with(ctx, fixtures.database_of(ctx, folder), name)
    services = fixtures.open_services(home, folder)
    raw = RawSearch(Path(services.db.target.path or ""))
    try:
        mix = query_mix()
        first_typo = _ms(lambda: CatalogueService(services.db).search(TYPOS[0], limit=LIMIT))
        prepare = _ms(CatalogueService(services.db).prepare_search)
        catalogue = services.catalogue
        rounds = ctx.repeat(7, quick=3)
        if rounds > 1:  # warm-up: caches, page cache, prepared statements
            for _cat, text in mix:
                catalogue.search(text, limit=LIMIT)
                raw(text)
        found: dict[str, list[bool]] = {}
        per_round: dict[str, tuple[list[float], list[float]]] = {}
        for n in range(rounds):
            service_ms: dict[str, list[float]] = {}
            raw_ms: dict[str, list[float]] = {}
            for i, (cat, text) in enumerate(mix):
                if i % 2 == 0:
                    r = _ms(lambda t=text: raw(t))  # type: ignore[misc]
                    s, result = _timed_search(catalogue, text)
                else:
                    s, result = _timed_search(catalogue, text)
                    r = _ms(lambda t=text: raw(t))  # type: ignore[misc]
                if n == 0:
                    found.setdefault(cat, []).append(result.found)
                for key in ("all", cat):
                    service_ms.setdefault(key, []).append(s)
                    raw_ms.setdefault(key, []).append(r)
            for key, latencies in service_ms.items():
                for pct in (50, 99):
                    subj, base = per_round.setdefault(f"{key} p{pct}", ([], []))
                    subj.append(percentile(latencies, pct))
                    base.append(percentile(raw_ms[key], pct))
        quality = judged_figures(catalogue)
    finally:
        raw.close()
        services.close()
    hits = ", ".join(f"{cat} {sum(f)}/{len(f)}" for cat, f in found.items())
    figures = []
    for label, goals in (
        ("p50", (at_most(3.0, on="ratio"),)),
        ("p99", (under(p99_goal_ms), at_most(3.0, on="ratio"))),
    ):
        subj, base = per_round[f"all {label}"]
        note = f"{len(mix)} queries; found: {hits}"
        figures.append(Figure(label, "ms", subj, base, "raw FTS5", goals, note=note))
    for key in ("prefix", "typo", "synonym", "miss"):
        subj, base = per_round[f"{key} p99"]
        figures.append(Figure(f"{key} p99", "ms", subj, base, "raw FTS5"))
    figures.append(
        Figure("first typo after start", "ms", [first_typo], note="loads the spelling vocabulary")
    )
    figures.append(
        Figure("prepare_search()", "ms", [prepare], note="loads synonyms, heads, vocabulary")
    )
    return figures + quality


@benchmark("search-shipped", "Search latency on the shipped content, service vs raw FTS5")
def search_shipped(ctx: Context) -> list[Figure]:
    return measure_search(ctx, fixtures.SHIPPED, "search-shipped", p99_goal_ms=16)


@benchmark("search-scaled", "Search latency on the generated knowledge base (--scale, 100x)")
def search_scaled(ctx: Context) -> list[Figure]:
    return measure_search(ctx, fixtures.scaled_folder(ctx), "search-scaled", p99_goal_ms=50)
