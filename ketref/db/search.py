"""Executing search plans: SQLite FTS5 (trigram) when available, portable LIKE otherwise.

Only the ``_fts_*`` functions are SQLite-specific; PostgreSQL uses the LIKE path until it gets
its own index. Terms shorter than three characters cannot use the trigram index and are matched
with LIKE on the already narrowed rows.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, text
from sqlalchemy.orm import Session

from ketref.db import tables as t
from ketref.db.mapping import item_to_domain, search_text
from ketref.domain.content import Item
from ketref.domain.enums import ItemKind
from ketref.domain.search import HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN, QueryPlan, SearchHit

_WORD = re.compile(r"[a-zA-Z][a-zA-Z\-']{3,}")
MIN_TRIGRAM = 3
KIND_WEIGHT = {ItemKind.REFERENCE.value: 0.4}
"""Clinical items outrank the citations that support them when both match equally."""


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def rebuild_search_index(
    session: Session, known: Mapping[tuple[str, str], Item] | None = None
) -> None:
    """Recreate every search document (after a content load).

    ``known`` maps (kind, slug) to items the caller already holds as domain models, which saves
    rebuilding them from rows; any other row (e.g. a kept local edit) is read back.
    """
    known = known or {}
    session.execute(delete(t.SearchDocumentRow))
    for row in session.scalars(select(t.ItemRow)):
        kind = ItemKind(row.kind)
        item = known.get((row.kind, row.slug)) or item_to_domain(row)
        session.add(
            t.SearchDocumentRow(
                kind=kind.value, slug=row.slug, title=row.title, body=search_text(item)
            )
        )
    for ref in session.scalars(select(t.ReferenceRow)):
        session.add(
            t.SearchDocumentRow(
                kind=ItemKind.REFERENCE.value,
                slug=ref.key,
                title=ref.title,
                body=reference_body(ref),
            )
        )
    session.flush()
    if _is_sqlite(session):
        session.execute(text("INSERT INTO search_fts(search_fts) VALUES('rebuild')"))


def reference_body(ref: t.ReferenceRow) -> str:
    """The searchable text of a reference besides its title."""
    return "\n".join(filter(None, [ref.citation, ref.doi, ref.pmid, ref.set_id, ref.note]))


def update_search_document(
    session: Session, kind: ItemKind, slug: str, title: str, body: str
) -> None:
    """Replace one item's search document, keeping the FTS index in step."""
    doc = session.scalars(
        select(t.SearchDocumentRow).where(
            t.SearchDocumentRow.kind == kind.value, t.SearchDocumentRow.slug == slug
        )
    ).first()
    sqlite = _is_sqlite(session)
    if doc is not None and sqlite:
        session.execute(
            text(
                "INSERT INTO search_fts(search_fts, rowid, title, body) "
                "VALUES('delete', :id, :t, :b)"
            ),
            {"id": doc.id, "t": doc.title, "b": doc.body},
        )
    if doc is None:
        doc = t.SearchDocumentRow(kind=kind.value, slug=slug)
        session.add(doc)
    doc.title, doc.body = title, body
    session.flush()
    if sqlite:
        session.execute(
            text("INSERT INTO search_fts(rowid, title, body) VALUES(:id, :t, :b)"),
            {"id": doc.id, "t": title, "b": body},
        )


def replace_search_documents(
    session: Session, documents: Sequence[tuple[ItemKind, str, str, str]]
) -> None:
    """Replace many (kind, slug, title, body) search documents at once (pack imports)."""
    if not documents:
        return
    wanted = {(kind.value, slug): (title, body) for kind, slug, title, body in documents}
    existing = {
        (d.kind, d.slug): d
        for d in session.scalars(
            select(t.SearchDocumentRow).where(
                t.SearchDocumentRow.slug.in_({slug for _, slug in wanted})
            )
        )
        if (d.kind, d.slug) in wanted
    }
    sqlite = _is_sqlite(session)
    if sqlite and existing:
        session.execute(
            text(
                "INSERT INTO search_fts(search_fts, rowid, title, body) "
                "VALUES('delete', :id, :t, :b)"
            ),
            [{"id": d.id, "t": d.title, "b": d.body} for d in existing.values()],
        )
    rows = []
    for key, (title, body) in wanted.items():
        doc = existing.get(key)
        if doc is None:
            doc = t.SearchDocumentRow(kind=key[0], slug=key[1])
            session.add(doc)
        doc.title, doc.body = title, body
        rows.append(doc)
    session.flush()
    if sqlite:
        session.execute(
            text("INSERT INTO search_fts(rowid, title, body) VALUES(:id, :t, :b)"),
            [{"id": d.id, "t": d.title, "b": d.body} for d in rows],
        )


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _like_group(alternatives: Sequence[str]) -> object:
    doc = t.SearchDocumentRow
    return or_(
        *(
            or_(
                func.lower(doc.title).like(_like(a), escape="\\"),
                func.lower(doc.body).like(_like(a), escape="\\"),
            )
            for a in alternatives
        )
    )


def _fts_search(session: Session, plan: QueryPlan, limit: int) -> list[SearchHit]:
    # An abbreviation with a longer synonym ("bp" -> "blood pressure") searches by the synonym.
    plan = QueryPlan(
        text=plan.text,
        groups=tuple(
            tuple(a for a in g if len(a) >= MIN_TRIGRAM)
            if any(len(a) >= MIN_TRIGRAM for a in g)
            else g
            for g in plan.groups
        ),
    )
    fts_groups = [g for g in plan.groups if all(len(a) >= MIN_TRIGRAM for a in g)]
    like_groups = [g for g in plan.groups if g not in fts_groups]
    if not fts_groups:
        return _like_search(session, plan, limit)
    match = " AND ".join("(" + " OR ".join(_quote(a) for a in g) + ")" for g in fts_groups)
    params: dict[str, object] = {"match": match, "limit": limit}
    conditions = []
    for i, group in enumerate(like_groups):
        alternatives = []
        for j, alt in enumerate(group):
            params[f"l{i}_{j}"] = _like(alt)
            name = f":l{i}_{j}"
            alternatives.append(
                f"(lower(d.title) LIKE {name} ESCAPE '\\' OR lower(d.body) LIKE {name} ESCAPE '\\')"
            )
        conditions.append("(" + " OR ".join(alternatives) + ")")
    extra = "".join(f" AND {c}" for c in conditions)
    # Only generated parameter names are interpolated; every user string is a bound parameter.
    sql = (
        "SELECT d.kind, d.slug, d.title, "
        f"snippet(search_fts, -1, '{HIGHLIGHT_OPEN}', '{HIGHLIGHT_CLOSE}', '…', 64), "
        "bm25(search_fts, 10.0, 1.0) AS rank "
        "FROM search_fts JOIN search_document AS d ON d.id = search_fts.rowid "
        f"WHERE search_fts MATCH :match{extra} ORDER BY rank LIMIT :limit"
    )
    rows = session.execute(text(sql), {**params, "limit": limit * 2}).all()
    hits = [_hit(row, -float(row[4]) * _boost(row[0], row[2], plan)) for row in rows]
    hits.sort(key=lambda h: -h.score)
    return hits[:limit]


def _boost(kind: str, title: str, plan: QueryPlan) -> float:
    """Rank clinical items above references, and titles that start with the query first."""
    weight = KIND_WEIGHT.get(kind, 1.0)
    lowered = title.lower()
    if any(lowered.startswith(a) for a in plan.groups[0]):
        weight *= 2.0
    return weight


def _like_search(session: Session, plan: QueryPlan, limit: int) -> list[SearchHit]:
    doc = t.SearchDocumentRow
    stmt = select(doc.kind, doc.slug, doc.title, doc.body).where(
        and_(*(_like_group(g) for g in plan.groups))  # type: ignore[arg-type]
    )
    rows = session.execute(stmt.limit(limit * 4)).all()
    hits = [_like_hit(row, plan) for row in rows]
    hits.sort(key=lambda h: -h.score)
    return hits[:limit]


def _like_hit(row: Any, plan: QueryPlan) -> SearchHit:
    kind, slug, title, body = row
    terms = [a for g in plan.groups for a in g]
    in_title = sum(1 for a in terms if a in title.lower())
    return SearchHit(
        kind=ItemKind(kind),
        slug=slug,
        title=title,
        snippet=_highlight(_window(body, terms), terms),
        score=float(10 * in_title + 1),
    )


def _window(body: str, terms: Sequence[str], width: int = 90) -> str:
    lower = body.lower()
    positions = [lower.find(a) for a in terms if lower.find(a) >= 0]
    start = max(min(positions, default=0) - width // 3, 0)
    piece = " ".join(body[start : start + width].split())
    return ("…" if start else "") + piece + ("…" if start + width < len(body) else "")


def _highlight(snippet: str, terms: Sequence[str]) -> str:
    for term in sorted(set(terms), key=len, reverse=True):
        snippet = re.sub(
            re.escape(term),
            lambda m: HIGHLIGHT_OPEN + m.group(0) + HIGHLIGHT_CLOSE,
            snippet,
            flags=re.I,
        )
    return snippet


def _hit(row: Any, score: float) -> SearchHit:
    kind, slug, title, snippet, _ = row
    return SearchHit(
        kind=ItemKind(kind), slug=slug, title=title, snippet=" ".join(snippet.split()), score=score
    )


def run_search(session: Session, plan: QueryPlan, limit: int) -> list[SearchHit]:
    """Ranked hits for ``plan`` (best first)."""
    if plan.is_empty:
        return []
    if _is_sqlite(session):
        return _fts_search(session, plan, limit)
    return _like_search(session, plan, limit)


def vocabulary(session: Session) -> frozenset[str]:
    """Distinct lowercase words (4+ letters) of all documents, for spelling correction."""
    words: set[str] = set()
    for title, body in session.execute(select(t.SearchDocumentRow.title, t.SearchDocumentRow.body)):
        words.update(w.lower() for w in _WORD.findall(f"{title} {body}"))
    return frozenset(words)


def closest_words(term: str, words: Iterable[str], n: int = 3) -> list[str]:
    """Vocabulary words close to a misspelt ``term`` (e.g. 'ketmaine' -> 'ketamine')."""
    if len(term) < 4:
        return []
    return difflib.get_close_matches(term, list(words), n=n, cutoff=0.75)


def load_synonyms(session: Session) -> dict[str, list[str]]:
    return {row.term: list(row.means) for row in session.scalars(select(t.SynonymRow))}
