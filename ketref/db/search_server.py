"""Matching bodies on a PostgreSQL server the way ``fold`` compares text, with no extension.

SQLite matches folded text in its FTS5 index. A clinic's server may not have ``unaccent`` or
``pg_trgm`` (contrib packages, CREATE EXTENSION rights), and a folded copy of every body would
need a new column. So the query side is widened instead: each character of a folded term
becomes a bracket of every character that folds to it ("sesion" matches "sesión", "SESIÓN";
a space matches a hyphen), and PostgreSQL's own regular expressions do the rest, whatever the
server's locale. Characters are covered from Latin (with Vietnamese), Greek and Cyrillic.

Ranking follows SQLite's: bm25 is replaced by the same formula over term counts that the
server measures (``regexp_replace`` removes matches; every match has the term's length).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from ketref.domain.search import fold

_COVERED = (
    range(0x41, 0x5B),  # A-Z
    range(0xC0, 0x250),  # Latin-1 letters, Latin Extended-A and -B
    range(0x370, 0x400),  # Greek
    range(0x400, 0x500),  # Cyrillic
    range(0x1E00, 0x1F00),  # Latin Extended Additional (Vietnamese)
    (0x2D, 0x2010, 0x2011, 0x2012, 0x2013),  # hyphens and the en dash, folded to a space
)
_TEXT = "(d.title || ' ' || d.body)"
K1, B = 1.2, 0.75  # bm25's usual constants, as SQLite's FTS5 uses


def _variants() -> dict[str, str]:
    """Each folded character mapped to every covered character that folds to it (itself too)."""
    found: dict[str, set[str]] = {}
    for block in _COVERED:
        for code in block:
            char = chr(code)
            folded = fold(char)
            if folded != char and len(folded) == 1:
                found.setdefault(folded, {folded}).add(char)
    return {key: "".join(sorted(chars)) for key, chars in found.items()}


_VARIANTS = _variants()


def _escape(char: str) -> str:
    return char if char.isalnum() or char == " " else "\\" + char


def term_pattern(term: str) -> str:
    """A PostgreSQL regular expression (ARE) matching ``term`` in text as ``fold`` sees it."""
    out = []
    for char in term:
        chars = _VARIANTS.get(char)
        if chars is None:
            out.append(_escape(char))
        else:
            out.append("[" + "".join(_escape(c) if c in "-]\\^" else c for c in chars) + "]")
    return "".join(out)


def group_pattern(alternatives: Sequence[str]) -> str:
    return "(" + "|".join(term_pattern(a) for a in alternatives) + ")"


def match_condition(groups: Sequence[Sequence[str]], params: dict[str, object]) -> str:
    """``WHERE`` text for documents matching every group; fills ``params``. Only generated
    parameter names are interpolated: every user string is a bound parameter."""
    conditions = []
    for i, group in enumerate(groups):
        params[f"g{i}"] = group_pattern(group)
        conditions.append(f"{_TEXT} ~ :g{i}")
    return " AND ".join(conditions) or "TRUE"


def matching_rows(
    session: Session, groups: Sequence[Sequence[str]], limit: int | None = None
) -> Iterable[Any]:
    """(id, kind) of documents matching every group, in index order."""
    params: dict[str, object] = {}
    where = match_condition(groups, params)
    sql = f"SELECT d.id, d.kind FROM search_document AS d WHERE {where} ORDER BY d.id"
    if limit is not None:
        sql += " LIMIT :cap"
        params["cap"] = limit
    return session.execute(text(sql), params)


def relevance(session: Session, ids: Sequence[int], typed: Sequence[str]) -> dict[int, float]:
    """A bm25 score per document for the ``typed`` terms (higher is better), from term counts
    and text lengths measured by the server for these documents only."""
    if not ids or not typed:
        return dict.fromkeys(ids, 0.0)
    params: dict[str, object] = {"ids": list(ids)}
    removed = []
    for i, term in enumerate(typed):
        params[f"t{i}"] = term_pattern(term)
        removed.append(f"length(regexp_replace({_TEXT}, :t{i}, '', 'g'))")
    sql = (
        f"SELECT d.id, length({_TEXT}), {', '.join(removed)} "
        "FROM search_document AS d WHERE d.id = ANY(:ids)"
    )
    rows = session.execute(text(sql), params).all()
    documents = max(len(rows), 1)
    average = sum(row[1] for row in rows) / documents or 1.0
    counts = {
        row[0]: [(row[1] - left) // max(len(t), 1) for t, left in zip(typed, row[2:], strict=True)]
        for row in rows
    }
    having = [sum(1 for c in counts.values() if c[j] > 0) for j in range(len(typed))]
    scores = {}
    for row in rows:
        norm = K1 * (1 - B + B * row[1] / average)
        score = 0.0
        for j, tf in enumerate(counts[row[0]]):
            idf = math.log(1 + (documents - having[j] + 0.5) / (having[j] + 0.5))
            score += idf * tf * (K1 + 1) / (tf + norm) if tf else 0.0
        scores[row[0]] = score
    return scores
