"""Running a search plan: candidates from SQLite FTS5 (trigram) and the heads held in memory,
ordered by the ranking in ``ketref.domain.search_index``; on PostgreSQL, accent-folding regular
expressions (``ketref.db.search_server``) in place of FTS5.

Search runs on every keystroke, so its cost is bounded even at 100 times the shipped content:

- Documents whose head (title, aliases, summary) matches every group are found and ranked in
  memory; the database is asked for more only when they are fewer than the limit.
- Those further documents are ranked by score and bm25 when the query matches at most
  ``RANK_CAP`` documents. A commoner query never scores every match (bm25 over 20,000 matches
  costs about 100 ms): it ranks by score only the matches whose head matches some of its
  groups (known in memory), then takes the rest in index order, clinical items first.
- Snippets are cut in Python from the final hits only.

The order never depends on the limit: the limit only cuts it. Terms shorter than three
characters cannot use the trigram index: they match titles and aliases at a word's start (the
heads), never inside a body.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session

from ketref.db import search_server
from ketref.db import tables as t
from ketref.db.repositories import content_fingerprint
from ketref.db.search_writer import is_sqlite, stored_heads, stored_vocabulary
from ketref.domain.enums import ItemKind
from ketref.domain.search import (
    HIGHLIGHT_CLOSE,
    HIGHLIGHT_OPEN,
    QueryPlan,
    SearchHit,
    first_folded,
    fold,
)
from ketref.domain.search_index import KIND_PRIOR, Head, HeadIndex, words_of
from ketref.domain.search_matching import SHORT_TERM, Vocabulary

MIN_TRIGRAM = 3
RANK_CAP = 300
"""Matches beyond which body-only matches are taken in index order instead of by score."""
HEAD_TIER = 100.0
"""Added to the reported score of a head match, so reported scores fall down the list."""
SNIPPET_WIDTH = 90
_REFERENCES = ItemKind.REFERENCE.value


class SearchCache:
    """Synonyms, heads and spelling vocabulary kept between queries, reloaded on any change."""

    def __init__(self) -> None:
        self._key: tuple[int | None, int | None] | None = None
        self._synonyms: dict[str, list[str]] | None = None
        self._heads: HeadIndex | None = None
        self._vocabulary: Vocabulary | None = None
        self._headwords: Vocabulary | None = None
        self._last_correction: tuple[tuple[tuple[str, ...], ...], int, list[SearchHit]] | None
        self._last_correction = None

    def check(self, session: Session) -> None:
        """Drop everything when content was loaded or edited since the last query."""
        key = content_fingerprint(session)
        if key != self._key:
            self._key = key
            self._synonyms = self._heads = self._vocabulary = self._headwords = None
            self._last_correction = None

    def corrected_hits(self, session: Session, plan: QueryPlan, limit: int) -> list[SearchHit]:
        """``run_search`` of a spelling correction, the last one kept (until ``check`` drops it
        with everything else): a misspelt word typed on letter by letter ("ketmai", "ketmain",
        "ketmaine") is corrected to the same word at each key, which is then ranked once, not
        at every key (at 100 times the shipped content a full search of "ketamine")."""
        last = self._last_correction
        if last is not None and last[0] == plan.groups and last[1] == limit:
            return list(last[2])
        hits = run_search(session, plan, limit, self)
        self._last_correction = (plan.groups, limit, list(hits))
        return hits

    def synonyms(self, session: Session) -> dict[str, list[str]]:
        if self._synonyms is None:
            self._synonyms = {r.term: list(r.means) for r in session.scalars(select(t.SynonymRow))}
        return self._synonyms

    def heads(self, session: Session) -> HeadIndex:
        if self._heads is None:
            stored = stored_heads(session)
            if stored is None:  # indexed before heads were stored: titles only
                doc = t.SearchDocumentRow
                rows = session.execute(select(doc.id, doc.kind, doc.title))
                stored = {i: (kind, fold(title), "", "", "", "") for i, kind, title in rows}
            self._heads = HeadIndex([Head(i, *stored[i]) for i in sorted(stored)])
        return self._heads

    def headwords(self, session: Session) -> Vocabulary:
        """Words of titles and aliases: what a miss offers as "did you mean"."""
        if self._headwords is None:
            heads = self.heads(session)
            self._headwords = Vocabulary(words_of([*heads.titles.values, *heads.aliases.values]))
        return self._headwords

    def loaded_vocabulary(self) -> Vocabulary | None:
        """The spelling vocabulary if a query or ``prepare_search`` has loaded it already."""
        return self._vocabulary

    def vocabulary(self, session: Session) -> Vocabulary:
        if self._vocabulary is None:
            words = stored_vocabulary(session)
            if words is None:  # indexed before the vocabulary was stored
                doc = t.SearchDocumentRow
                rows = session.execute(select(doc.title, doc.body))
                words = words_of(fold(f"{title}\n{body}") for title, body in rows)
            self._vocabulary = Vocabulary(words)
        return self._vocabulary


def run_search(
    session: Session, plan: QueryPlan, limit: int, cache: SearchCache | None = None
) -> list[SearchHit]:
    """The first ``limit`` hits of the one ranking for ``plan``, best first."""
    if plan.is_empty:
        return []
    cache = cache or SearchCache()
    vocabulary = cache.loaded_vocabulary()
    if vocabulary is not None and any(all(map(vocabulary.lacks, g)) for g in plan.groups):
        return []  # a word no document holds: every group must match
    heads = cache.heads(session)
    if heads.head_only(plan):  # one or two letters: titles and aliases only, never a body
        ranked = heads.letter_ranked(plan, limit)
        return _hits(session, [(heads.ids[i], HEAD_TIER + score) for i, score in ranked], plan)
    order, per_group = heads.head_ranked(plan, limit)
    chosen = [(heads.ids[i], HEAD_TIER + score) for i, score in order[:limit]]
    if len(chosen) < limit:
        taken = {doc_id for doc_id, _ in chosen}
        chosen += _body_matches(
            session, plan, need=limit - len(chosen), taken=taken, heads=heads, per_group=per_group
        )
    return _hits(session, chosen, plan)


def _body_matches(
    session: Session,
    plan: QueryPlan,
    *,
    need: int,
    taken: set[int],
    heads: HeadIndex,
    per_group: Sequence[dict[int, float]],
) -> list[tuple[int, float]]:
    """Up to ``need`` further matches (some group only in the body), in ranking order."""
    # A body is searched for the alternatives of three or more letters ("bp" by "blood
    # pressure"). One or two letters alone are a word being typed, a word such as "to" or "de",
    # or an abbreviation with no meaning here: they count in the head ranking (titles and
    # aliases, at a word's start) and in the score, but are never looked for inside a body:
    # nearly every body holds them, and looking read every body the other words match.
    groups = [long for g in plan.groups if (long := tuple(a for a in g if len(a) >= MIN_TRIGRAM))]
    if not groups:
        return []
    if not is_sqlite(session):
        found = list(search_server.matching_rows(session, groups, RANK_CAP + 1))
        if len(found) > RANK_CAP:
            return _common(
                search_server.matching_rows(session, groups),
                need=need,
                taken=taken,
                heads=heads,
                plan=plan,
                per_group=per_group,
            )
        ids = [doc_id for doc_id, _kind in found if doc_id not in taken]
        relevance = search_server.relevance(session, ids, [g[0] for g in groups])
        return _ranked(
            relevance.items(), need=need, taken=taken, heads=heads, plan=plan, per_group=per_group
        )
    params: dict[str, object] = {
        "match": " AND ".join("(" + " OR ".join(_quote(a) for a in g) + ")" for g in groups)
    }
    where = (
        "FROM search_fts JOIN search_document AS d ON d.id = search_fts.rowid "
        "WHERE search_fts MATCH :match"
    )
    probe = session.execute(
        text(f"SELECT d.id, bm25(search_fts, 10.0, 1.0) {where} LIMIT :cap"),
        {**params, "cap": RANK_CAP + 1},
    ).all()
    if len(probe) > RANK_CAP:
        rows = _rows(session, f"SELECT d.id, d.kind {where} ORDER BY search_fts.rowid", params)
        return _common(rows, need=need, taken=taken, heads=heads, plan=plan, per_group=per_group)
    # FTS5's bm25 is lower for better matches
    return _ranked(
        ((doc_id, -float(bm25)) for doc_id, bm25 in probe),
        need=need,
        taken=taken,
        heads=heads,
        plan=plan,
        per_group=per_group,
    )


def _ranked(
    matches: Iterable[tuple[int, float]],
    *,
    need: int,
    taken: set[int],
    heads: HeadIndex,
    plan: QueryPlan,
    per_group: Sequence[dict[int, float]],
) -> list[tuple[int, float]]:
    """Body matches by score, then relevance (higher is better), then age: the first ``need``."""
    found = [
        (i, doc_id, relevance)
        for doc_id, relevance in matches
        if doc_id not in taken and (i := heads.position.get(doc_id)) is not None
    ]
    scores = heads.body_scores(plan, [i for i, _doc_id, _relevance in found], per_group)
    scored = [
        (score, relevance, doc_id)
        for score, (_i, doc_id, relevance) in zip(scores, found, strict=True)
    ]
    scored.sort(key=lambda s: (-s[0], -s[1], s[2]))
    return [(doc_id, score) for score, _relevance, doc_id in scored[:need]]


def _common(
    rows: Iterable[Any],
    *,
    need: int,
    taken: set[int],
    heads: HeadIndex,
    plan: QueryPlan,
    per_group: Sequence[dict[int, float]],
) -> list[tuple[int, float]]:
    """Matches of a query too common to score every one (``rows``: id and kind of each, in
    index order): first those whose head matches some of its groups, by score, as
    ``_ranked`` orders them; then the rest in index order, clinical items first.

    The head of a document says what it is about, so "what to expect" puts the handout titled
    "What happens during your session", whose summary speaks of what to expect, before the
    hundreds of texts that merely hold the three words somewhere. Those partial head matches
    are known in memory; finding which of them match the rest of the query in their body
    needs every row of the match (ids only, no scoring), which is read only when there are
    any. A query of one group has none: its head matches are all taken already.
    """
    partial = {heads.ids[i] for weights in per_group for i in weights}.difference(taken)
    if not partial:
        return _in_index_order(rows, need, taken)
    every = list(rows)
    first = _ranked(
        ((doc_id, 0.0) for doc_id, _kind in every if doc_id in partial),
        need=need,
        taken=taken,
        heads=heads,
        plan=plan,
        per_group=per_group,
    )
    if len(first) >= need:
        return first
    return first + _in_index_order(every, need - len(first), taken | partial)


def _rows(session: Session, sql: str, params: dict[str, object]) -> Iterable[Any]:
    """Rows of ``sql`` as needed: the caller stops reading once it has enough."""
    return session.execute(text(sql), params)


def _in_index_order(rows: Iterable[Any], need: int, taken: set[int]) -> list[tuple[int, float]]:
    """Matches of a common query: clinical items in index order, then references.

    Reads rows only until ``need`` clinical items are found; references are kept aside (at most
    ``need``) in case there are not enough.
    """
    clinical: list[tuple[int, float]] = []
    references: list[tuple[int, float]] = []
    for doc_id, kind in rows:
        if doc_id in taken:
            continue
        if kind == _REFERENCES:
            if len(references) < need:
                references.append((doc_id, KIND_PRIOR[_REFERENCES]))
        else:
            clinical.append((doc_id, 1.0))
            if len(clinical) >= need:
                break
    return (clinical + references)[:need]


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


# --- Snippets -----------------------------------------------------------------------------


def _marked(source: str, terms: Sequence[str]) -> str:
    """``source`` with every (folded) match of ``terms`` marked; overlapping matches merge.

    A term of one or two letters matched only at a word's start, so only there is it marked
    (not the "k" of "skilled" or "peaks" for a search that found "ketamine")."""
    folded = fold(source)
    spans: list[tuple[int, int]] = []
    for term in terms:
        short = len(term) < SHORT_TERM
        pos = folded.find(term)
        while pos >= 0:
            if not short or pos == 0 or not folded[pos - 1].isalnum():
                spans.append((pos, pos + len(term)))
            pos = folded.find(term, pos + 1)
    if not spans:
        return source
    spans.sort()
    merged = [spans[0]]
    for start, end in spans[1:]:
        if start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    out, last = [], 0
    for start, end in merged:
        out += [source[last:start], HIGHLIGHT_OPEN, source[start:end], HIGHLIGHT_CLOSE]
        last = end
    out.append(source[last:])
    return "".join(out)


def _snippet(body: str, title: str, terms: Sequence[str], typed: Sequence[str]) -> str:
    """The body around its first match of a ``typed`` term (else of any term) with every match
    marked, or the marked title when only the title matched."""
    first = first_folded(body, typed)
    if first < 0:
        first = first_folded(body, terms)
    if first < 0:
        return _marked(title, terms)
    start = max(first - SNIPPET_WIDTH // 3, 0)
    if start:  # begin at a word, not inside one ("…nge in vision")
        space = body.find(" ", start, first)
        start = space + 1 if space >= 0 else first
    end = start + SNIPPET_WIDTH
    if end < len(body):  # end after a whole word
        space = body.rfind(" ", first, end)
        end = space if space > first else end
    piece = _one_line(body[start:end])
    more = "…" if end < len(body) and not piece.endswith(SENTENCE_END) else ""
    return ("…" if start else "") + _marked(piece, terms) + more


SENTENCE_END = (".", "!", "?", "…")


def _one_line(text: str) -> str:
    """A body's lines as one line. Each line is one field or list entry; one that ends without
    punctuation is followed by " · ", so two fields never read as one sentence ("…what changes ·
    Both drugs raise…", not "…what changes Both drugs raise…")."""
    out = ""
    for line in text.splitlines():
        words = " ".join(line.split())
        if words and out:
            out += " " if out.endswith((*SENTENCE_END, ",", ";", ":")) else " · "
        out += words
    return out


_DOC = t.SearchDocumentRow.__table__.c
_HIT_ROWS = select(_DOC.id, _DOC.kind, _DOC.slug, _DOC.title, _DOC.body).where(
    _DOC.id.in_(bindparam("ids", expanding=True))
)
"""The hits' rows (Core, no ORM work for plain columns), built once: a statement built per
query cost more than running it."""


def _hits(session: Session, chosen: list[tuple[int, float]], plan: QueryPlan) -> list[SearchHit]:
    """The chosen documents as hits, each with a highlighted snippet (bodies read only now)."""
    if not chosen:
        return []
    ids = [doc_id for doc_id, _ in chosen]
    rows = {r[0]: r for r in session.connection().execute(_HIT_ROWS, {"ids": ids})}
    terms = sorted({a for g in plan.groups for a in g if a}, key=len, reverse=True)
    typed = [g[0] for g in plan.groups]
    return [
        SearchHit(
            kind=ItemKind(rows[doc_id][1]),
            slug=rows[doc_id][2],
            title=rows[doc_id][3],
            snippet=_snippet(rows[doc_id][4], rows[doc_id][3], terms, typed),
            score=score,
        )
        for doc_id, score in chosen
        if doc_id in rows
    ]
