"""Scoring the judged query set (judged_queries.yaml) against any search function.

Shared by the test (which fails under the thresholds) and the benchmark (which prints the
figures, also at 100x). Grades: an item that must be in the top 3 counts 2, one that should be in
the top 10 counts 1.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

JUDGEMENTS = Path(__file__).with_name("judged_queries.yaml")
NDCG_AT_10_MIN = 0.85
RECALL_AT_10_MIN = 0.85
PRECISION_AT_3_MIN = 0.9


@dataclass(frozen=True)
class Judged:
    category: str
    query: str
    top3: tuple[str, ...]
    top10: tuple[str, ...]

    def grade(self, key: str) -> int:
        return 2 if key in self.top3 else 1 if key in self.top10 else 0


@dataclass(frozen=True)
class Scored:
    judged: Judged
    ranked: tuple[str, ...]
    precision_at_3: float
    recall_at_10: float
    ndcg_at_10: float

    @property
    def top3_missing(self) -> list[str]:
        return [key for key in self.judged.top3 if key not in self.ranked[:3]]


@dataclass(frozen=True)
class Figures:
    scored: tuple[Scored, ...]

    def _mean(self, values: Sequence[float]) -> float:
        return sum(values) / len(values)

    @property
    def precision_at_3(self) -> float:
        return self._mean([s.precision_at_3 for s in self.scored])

    @property
    def recall_at_10(self) -> float:
        return self._mean([s.recall_at_10 for s in self.scored])

    @property
    def ndcg_at_10(self) -> float:
        return self._mean([s.ndcg_at_10 for s in self.scored])

    @property
    def top3_failures(self) -> list[tuple[str, list[str]]]:
        return [(s.judged.query, s.top3_missing) for s in self.scored if s.top3_missing]

    def summary(self) -> str:
        return (
            f"{len(self.scored)} queries: P@3 {self.precision_at_3:.3f}, "
            f"R@10 {self.recall_at_10:.3f}, nDCG@10 {self.ndcg_at_10:.3f}, "
            f"top-3 misses {len(self.top3_failures)}"
        )


def load() -> list[Judged]:
    data = yaml.safe_load(JUDGEMENTS.read_text(encoding="utf-8"))
    return [
        Judged(category, entry["q"], tuple(entry.get("top3", ())), tuple(entry.get("top10", ())))
        for category, entries in data.items()
        for entry in entries
    ]


def _dcg(grades: Sequence[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades))


def score(judged: Judged, ranked: Sequence[str]) -> Scored:
    """Precision at 3 is over min(3, judged items), so a query with one right answer can reach 1."""
    relevant = set(judged.top3) | set(judged.top10)
    top10 = list(ranked[:10])
    precision = sum(key in relevant for key in ranked[:3]) / min(3, len(relevant))
    recall = sum(key in relevant for key in top10) / len(relevant)
    ideal = _dcg(sorted((judged.grade(k) for k in relevant), reverse=True)[:10])
    ndcg = _dcg([judged.grade(k) for k in top10]) / ideal
    return Scored(judged, tuple(ranked), precision, recall, ndcg)


def evaluate(search: Callable[[str], Sequence[str]], judgements: Sequence[Judged]) -> Figures:
    """``search`` returns KIND/SLUG keys, best first (at least 10 when there are)."""
    return Figures(tuple(score(j, search(j.query)) for j in judgements))
