"""Executing search plans: SQLite FTS5 (trigram) when available, portable LIKE otherwise.

Search runs on every keystroke, so its cost is bounded even at 100 times the shipped content:

- A query matching more than ``RANK_CAP`` documents ("ketamine" is in nearly all of them) is not
  ranked with bm25, which scores every match (about 100 ms at 100x). Its hits are the documents
  whose title matches, found in the titles held in memory, then further matches in index order.
- Snippets are cut in Python from the final hits only; FTS5's snippet() re-tokenises the text
  of every candidate row.
- The spelling vocabulary is computed when the index is rebuilt and stored beside it
  (``ketref_meta``), and close words are found through a bigram index instead of comparing a
  typo with every word.

Only the ``_fts_*`` functions are SQLite-specific; PostgreSQL uses the LIKE path until it gets
its own index. Terms shorter than three characters cannot use the trigram index and are matched
with LIKE on the already narrowed rows.
"""

from __future__ import annotations

import bisect
import difflib
import heapq
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select, text
from sqlalchemy.orm import Session

from ketref.db import tables as t
from ketref.db.items import current_heads, documents_by_version
from ketref.db.mapping import item_from_document, search_text
from ketref.domain.content import Item
from ketref.domain.enums import ItemKind
from ketref.domain.errors import StoredItemInvalidError
from ketref.domain.search import HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN, QueryPlan, SearchHit

_WORD = re.compile(r"[a-z][a-z\-']{3,}")
MIN_TRIGRAM = 3
RANK_CAP = 300
"""Matches beyond which a query is answered from titles instead of being ranked with bm25."""
KIND_WEIGHT = {ItemKind.REFERENCE.value: 0.4}
"""Clinical items outrank the citations that support them when both match equally."""
VOCABULARY_KEY = "search_vocabulary"
SPELLING_CUTOFF = 0.75


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


# --- Keeping the index --------------------------------------------------------------------


def words_of(texts: Iterable[str]) -> set[str]:
    """Distinct lowercase words of 4+ letters: the vocabulary typos are corrected against."""
    words: set[str] = set()
    for value in texts:
        words.update(_WORD.findall(value.lower()))
    return words


def _store_vocabulary(session: Session, words: Iterable[str]) -> None:
    session.merge(t.MetaRow(key=VOCABULARY_KEY, value="\n".join(sorted(words))))


def rebuild_search_index(
    session: Session, known: Mapping[tuple[str, str], Item] | None = None
) -> None:
    """Recreate every search document and the spelling vocabulary (after a content load).

    ``known`` maps (kind, slug) to items the caller already holds as domain models, which saves
    rebuilding them from rows; any other row (e.g. a kept local edit) is read back.
    """
    known = known or {}
    docs: list[dict[str, str]] = []
    heads = session.execute(current_heads()).all()
    documents = documents_by_version(
        session, [version for kind, slug, _, _, version in heads if (kind, slug) not in known]
    )
    for kind, slug, title, summary, version in heads:
        item = known.get((kind, slug))
        try:
            item = item or item_from_document(ItemKind(kind), slug, documents[version])
            body = search_text(item)
        except StoredItemInvalidError:
            body = summary  # still found by its head columns; it says why when opened
        docs.append({"kind": kind, "slug": slug, "title": title, "body": body})
    for ref in session.scalars(select(t.ReferenceRow)):
        docs.append(
            {
                "kind": ItemKind.REFERENCE.value,
                "slug": ref.key,
                "title": ref.title,
                "body": reference_body(ref),
            }
        )
    session.execute(delete(t.SearchDocumentRow))
    if docs:
        session.execute(insert(t.SearchDocumentRow), docs)
    _store_vocabulary(session, words_of(d["title"] + "\n" + d["body"] for d in docs))
    session.flush()
    if _is_sqlite(session):
        session.execute(text("INSERT INTO search_fts(search_fts) VALUES('rebuild')"))


def reference_body(ref: t.ReferenceRow) -> str:
    """The searchable text of a reference besides its title."""
    return "\n".join(filter(None, [ref.citation, ref.doi, ref.pmid, ref.set_id, ref.note]))


def update_search_document(
    session: Session, kind: ItemKind, slug: str, title: str, body: str
) -> None:
    """Replace one item's search document, keeping the FTS index and the vocabulary in step."""
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
    stored = session.get(t.MetaRow, VOCABULARY_KEY)
    if stored is not None:  # otherwise it is computed from the documents when first needed
        _store_vocabulary(session, set(stored.value.split("\n")) | words_of([title, body]))


def index_version(session: Session) -> tuple[int, int]:
    """Changes whenever the documents may have: every load adds a release, every edit an audit."""
    release, audit = session.execute(_INDEX_VERSION).one()
    return release or 0, audit or 0


_INDEX_VERSION = text(
    "SELECT (SELECT max(id) FROM content_release), (SELECT max(id) FROM audit_event)"
)


# --- What search keeps in memory ----------------------------------------------------------


class Vocabulary:
    """The indexed words, with a bigram index so close words are found without a full scan."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = frozenset(words)
        postings: dict[str, list[str]] = {}
        for word in self.words:
            for gram in _bigrams(word):
                postings.setdefault(gram, []).append(word)
        self._postings = postings

    def __contains__(self, word: object) -> bool:
        return word in self.words

    def __len__(self) -> int:
        return len(self.words)

    def closest(self, term: str, n: int = 3) -> list[str]:
        """Words close to a misspelt ``term`` (e.g. 'ketmaine' -> 'ketamine'), best first.

        Candidates share half of the term's bigrams, or all but three (one typo breaks at most
        three), whichever is fewer, and have a length difflib's cutoff allows; difflib then
        ranks them as a full scan would.
        """
        if len(term) < 4:
            return []
        grams = _bigrams(term)
        counts: Counter[str] = Counter()
        for gram in grams:
            counts.update(self._postings.get(gram, ()))
        need = max(1, min((len(grams) + 1) // 2, len(grams) - 3))
        # ratio = 2 * matches / (len(a) + len(b)) >= cutoff needs min/max length >= 0.6
        low, high = len(term) * 0.6, len(term) / 0.6
        candidates = [w for w, k in counts.items() if k >= need and low <= len(w) <= high]
        return difflib.get_close_matches(term, candidates, n=n, cutoff=SPELLING_CUTOFF)


def _bigrams(word: str) -> set[str]:
    return {word[i : i + 2] for i in range(len(word) - 1)}


class TitleIndex:
    """Every document's title in memory: sorted, so titles starting with a term are a bisection
    away, and joined into one string that ``str.find`` scans at C speed for the others."""

    SEPARATOR = "\x00"  # never inside a query term

    def __init__(self, ids: Sequence[int], kinds: Sequence[str], titles: Sequence[str]) -> None:
        self.ids = tuple(ids)
        self.kinds = tuple(kinds)
        self.lowered = tuple(title.lower() for title in titles)
        self._blob = self.SEPARATOR.join(self.lowered)
        starts, offset = [], 0
        for title in self.lowered:
            starts.append(offset)
            offset += len(title) + 1
        self._starts = starts
        self._sorted = sorted(zip(self.lowered, range(len(self.lowered)), strict=True))

    @classmethod
    def load(cls, session: Session) -> TitleIndex:
        doc = t.SearchDocumentRow
        rows = session.execute(select(doc.id, doc.kind, doc.title).order_by(doc.id)).all()
        return cls([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])

    def __len__(self) -> int:
        return len(self.ids)

    def starting_with(self, term: str) -> set[int]:
        """Positions of the titles that start with ``term``."""
        low = bisect.bisect_left(self._sorted, (term,))
        high = bisect.bisect_left(self._sorted, (term + "\U0010ffff",))
        return {index for _title, index in self._sorted[low:high]}

    def containing(self, term: str) -> dict[int, int]:
        """Positions of the titles that contain ``term``, each with where it first occurs."""
        found: dict[int, int] = {}
        if not term or self.SEPARATOR in term:
            return found
        blob, starts = self._blob, self._starts
        pos = blob.find(term)
        while pos >= 0:
            index = bisect.bisect_right(starts, pos) - 1
            found[index] = pos - starts[index]
            pos = blob.find(term, starts[index + 1]) if index + 1 < len(starts) else -1
        return found

    def matching(self, plan: QueryPlan, limit: int) -> list[int]:
        """Ids of up to ``limit`` documents whose title matches every group, best first.

        Ordered like ranked results: a title starting with the first term counts double and a
        reference counts 0.4 (KIND_WEIGHT), then the match nearer the start, the shorter title.
        """
        lowered = self.lowered
        first, others = plan.groups[0], plan.groups[1:]
        starting = [
            i
            for i in set().union(*(self.starting_with(a) for a in first))
            if self.kinds[i] not in KIND_WEIGHT
            and all(any(a in lowered[i] for a in group) for group in others)
        ]
        if len(starting) >= limit:  # enough of the best kind: no need to scan every title
            best = heapq.nsmallest(limit, starting, key=lambda i: (len(lowered[i]), i))
            return [self.ids[i] for i in best]
        positions: dict[int, int] = {}  # where the first group matches
        for alt in first:
            for i, pos in self.containing(alt).items():
                positions[i] = min(pos, positions.get(i, pos))
        found = set(positions)
        for group in others:
            here: set[int] = set()
            for alt in group:
                here.update(self.containing(alt))
            found &= here

        def key(i: int) -> tuple[float, int, int, int]:
            pos = positions[i]
            weight = KIND_WEIGHT.get(self.kinds[i], 1.0) * (2.0 if pos == 0 else 1.0)
            return (-weight, pos, len(lowered[i]), i)

        return [self.ids[i] for i in heapq.nsmallest(limit, found, key=key)]


class SearchCache:
    """Synonyms, titles and spelling vocabulary kept between queries, reloaded on any change."""

    def __init__(self) -> None:
        self._key: tuple[int, int] | None = None
        self._synonyms: dict[str, list[str]] | None = None
        self._titles: TitleIndex | None = None
        self._vocabulary: Vocabulary | None = None
        self._documents: int | None = None

    def check(self, session: Session) -> None:
        """Drop everything when content was loaded or edited since the last query."""
        key = index_version(session)
        if key != self._key:
            self._key = key
            self._synonyms = self._titles = self._vocabulary = self._documents = None

    def synonyms(self, session: Session) -> dict[str, list[str]]:
        if self._synonyms is None:
            self._synonyms = {r.term: list(r.means) for r in session.scalars(select(t.SynonymRow))}
        return self._synonyms

    def documents(self, session: Session) -> int:
        if self._documents is None:
            count = select(func.count()).select_from(t.SearchDocumentRow)
            self._documents = session.scalar(count) or 0
        return self._documents

    def titles(self, session: Session) -> TitleIndex:
        if self._titles is None:
            self._titles = TitleIndex.load(session)
        return self._titles

    def vocabulary(self, session: Session) -> Vocabulary:
        if self._vocabulary is None:
            self._vocabulary = Vocabulary(_load_vocabulary(session))
        return self._vocabulary


def _load_vocabulary(session: Session) -> set[str]:
    stored = session.get(t.MetaRow, VOCABULARY_KEY)
    if stored is not None:
        return set(filter(None, stored.value.split("\n")))
    # A database indexed before the vocabulary was stored: compute it from the documents.
    doc = t.SearchDocumentRow
    return words_of(
        f"{title}\n{body}" for title, body in session.execute(select(doc.title, doc.body))
    )


# --- Running a query ----------------------------------------------------------------------


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


def _sqlite_like_conditions(groups: Sequence[Sequence[str]], params: dict[str, object]) -> str:
    """`` AND (...)`` per group for SQLite, whose LIKE already ignores ASCII case (its lower()
    folds nothing more, so lower() would only copy every body). Fills ``params``."""
    conditions = []
    for i, group in enumerate(groups):
        alternatives = []
        for j, alt in enumerate(group):
            params[f"l{i}_{j}"] = _like(alt)
            name = f":l{i}_{j}"
            alternatives.append(
                f"(d.title LIKE {name} ESCAPE '\\' OR d.body LIKE {name} ESCAPE '\\')"
            )
        conditions.append(" AND (" + " OR ".join(alternatives) + ")")
    return "".join(conditions)


@dataclass(frozen=True)
class _Ranked:
    doc_id: int
    kind: str
    slug: str
    title: str
    score: float


def _fts_search(session: Session, plan: QueryPlan, limit: int, cache: SearchCache) -> list[_Ranked]:
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
    params: dict[str, object] = {}
    like = _sqlite_like_conditions(like_groups, params)
    if not fts_groups:
        return _sqlite_like_search(session, plan, limit, like, params)
    params["match"] = " AND ".join(
        "(" + " OR ".join(_quote(a) for a in g) + ")" for g in fts_groups
    )
    # Only generated parameter names are interpolated; every user string is a bound parameter.
    where = (
        "FROM search_fts JOIN search_document AS d ON d.id = search_fts.rowid "
        "WHERE search_fts MATCH :match" + like
    )
    if cache.documents(session) > RANK_CAP:
        probe = session.execute(
            text(f"SELECT d.id, d.kind {where} LIMIT :cap"), {**params, "cap": max(RANK_CAP, limit)}
        )
        matches = [(r[0], r[1]) for r in probe]
        if len(matches) >= RANK_CAP:
            return _unselective(session, plan, matches, limit, cache)
    sql = f"SELECT d.id, d.kind, d.slug, d.title, bm25(search_fts, 10.0, 1.0) AS rank {where} "
    rows = session.execute(text(sql + "ORDER BY rank LIMIT :limit"), {**params, "limit": limit * 2})
    ranked = [
        _Ranked(r[0], r[1], r[2], r[3], -float(r[4]) * _boost(r[1], r[3], plan)) for r in rows
    ]
    ranked.sort(key=lambda h: -h.score)
    return ranked[:limit]


def _unselective(
    session: Session,
    plan: QueryPlan,
    matches: list[tuple[int, str]],
    limit: int,
    cache: SearchCache,
) -> list[_Ranked]:
    """Hits of a query too common to rank: matching titles first, then other matches (clinical
    items before references, otherwise in index order)."""
    chosen = cache.titles(session).matching(plan, limit)
    taken = set(chosen)
    rest = sorted(
        (m for m in matches if m[0] not in taken), key=lambda m: -KIND_WEIGHT.get(m[1], 1)
    )
    chosen += [doc_id for doc_id, _kind in rest[: limit - len(chosen)]]
    doc = t.SearchDocumentRow
    rows = {
        r[0]: r
        for r in session.execute(
            select(doc.id, doc.kind, doc.slug, doc.title).where(doc.id.in_(chosen))
        )
    }
    return [
        _Ranked(i, rows[i][1], rows[i][2], rows[i][3], float(len(chosen) - n))
        for n, i in enumerate(chosen)
    ]


def _boost(kind: str, title: str, plan: QueryPlan) -> float:
    """Rank clinical items above references, and titles that start with the query first."""
    weight = KIND_WEIGHT.get(kind, 1.0)
    lowered = title.lower()
    if any(lowered.startswith(a) for a in plan.groups[0]):
        weight *= 2.0
    return weight


def _like_search(session: Session, plan: QueryPlan, limit: int) -> list[_Ranked]:
    doc = t.SearchDocumentRow
    stmt = select(doc.id, doc.kind, doc.slug, doc.title).where(
        and_(*(_like_group(g) for g in plan.groups))  # type: ignore[arg-type]
    )
    return _by_title_matches(session.execute(stmt.limit(limit * 4)), plan, limit)


def _sqlite_like_search(
    session: Session, plan: QueryPlan, limit: int, like: str, params: dict[str, object]
) -> list[_Ranked]:
    sql = f"SELECT d.id, d.kind, d.slug, d.title FROM search_document AS d WHERE 1{like} LIMIT :n"
    return _by_title_matches(session.execute(text(sql), {**params, "n": limit * 4}), plan, limit)


def _by_title_matches(rows: Iterable[Any], plan: QueryPlan, limit: int) -> list[_Ranked]:
    """LIKE matches (the first few, in table order) ranked by the terms their title contains."""
    terms = [a for g in plan.groups for a in g]
    hits = [
        _Ranked(r[0], r[1], r[2], r[3], float(10 * sum(a in r[3].lower() for a in terms) + 1))
        for r in rows
    ]
    hits.sort(key=lambda h: -h.score)
    return hits[:limit]


SNIPPET_WIDTH = 90


def _terms_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern for every term, longest first (so nothing nests)."""
    alternatives = sorted({term for term in terms if term}, key=len, reverse=True)
    return (
        re.compile("|".join(map(re.escape, alternatives)), re.IGNORECASE) if alternatives else None
    )


def _snippet(body: str, title: str, terms: Sequence[str], pattern: re.Pattern[str] | None) -> str:
    """The body around its first match with every match marked, or the marked title when only
    the title matched. (``str.find`` locates the match: a case-insensitive regex search through
    a long body is many times slower.)"""
    lowered = body.lower()
    found = [p for p in (lowered.find(term) for term in terms) if p >= 0]
    if pattern is None or not found:
        source = title
    else:
        start = max(min(found) - SNIPPET_WIDTH // 3, 0)
        piece = " ".join(body[start : start + SNIPPET_WIDTH].split())
        tail = "…" if start + SNIPPET_WIDTH < len(body) else ""
        source = ("…" if start else "") + piece + tail
    if pattern is None:
        return source
    return pattern.sub(lambda m: HIGHLIGHT_OPEN + m.group(0) + HIGHLIGHT_CLOSE, source)


def _hits(session: Session, ranked: list[_Ranked], plan: QueryPlan) -> list[SearchHit]:
    """Attach a highlighted snippet to each ranked document (its body is read only now)."""
    if not ranked:
        return []
    doc = t.SearchDocumentRow
    ids = [r.doc_id for r in ranked]
    bodies = {
        row[0]: row[1] for row in session.execute(select(doc.id, doc.body).where(doc.id.in_(ids)))
    }
    terms = [a for g in plan.groups for a in g]
    pattern = _terms_pattern(terms)
    return [
        SearchHit(
            kind=ItemKind(r.kind),
            slug=r.slug,
            title=r.title,
            snippet=_snippet(bodies.get(r.doc_id, ""), r.title, terms, pattern),
            score=r.score,
        )
        for r in ranked
    ]


def run_search(
    session: Session, plan: QueryPlan, limit: int, cache: SearchCache | None = None
) -> list[SearchHit]:
    """Ranked hits for ``plan`` (best first); ``cache`` keeps titles between calls."""
    if plan.is_empty:
        return []
    cache = cache or SearchCache()
    if _is_sqlite(session):
        ranked = _fts_search(session, plan, limit, cache)
    else:
        ranked = _like_search(session, plan, limit)
    return _hits(session, ranked, plan)
