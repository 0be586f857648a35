"""Writing the search index: one narrow input, a list of ``SearchDocument``.

Whoever fills the index (a content load, an edit, a pack import) hands over documents; this
module alone knows how they are stored:

- ``search_document`` keeps each document's title and body as written (snippets are cut from
  them);
- the SQLite FTS5 trigram index (external content over ``search_document``) is given the
  *folded* title and body, so matching ignores case and accents ("sesion" finds "sesión").
  The index therefore differs from its content table on purpose: ``PRAGMA integrity_check``
  (which checks FTS5 tables from SQLite 3.44) still says ok (checked with SQLite 3.54), but
  FTS5's own ``'integrity-check'`` with rank 1 and ``'rebuild'`` must not be used on it;
- ``ketref_meta`` keeps what search holds in memory, ready to load in one read: the spelling
  vocabulary and each document's kind, folded title, aliases, summary and topic words (the
  words its body repeats most: ``search_index.topic_words``) ("heads"), with the format
  version of all this, so a library indexed by an older ketref is re-indexed.
"""

from __future__ import annotations

import json
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, delete, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ketref.db import tables as t
from ketref.db.bulk_insert import insert_returning_ids, insert_rows
from ketref.domain.search import fold
from ketref.domain.search_index import topic_words, word_counts, words_of

VOCABULARY_KEY = "search_vocabulary"
HEADS_KEY = "search_heads"
FORMAT_KEY = "search_format"
FORMAT = "5"
"""2: folded FTS text, heads stored; 3: heads hold topic words; 4: and section headings; 5: no
block types, languages or versions in bodies. Bump it to re-index every library at its next
open."""


@dataclass(frozen=True)
class SearchDocument:
    """What search needs of one item or reference (kind as stored, e.g. "side-effects")."""

    kind: str
    slug: str
    title: str
    body: str
    """Every searchable word, the summary and aliases included."""
    summary: str = ""
    aliases: str = ""
    """Other names: an interaction's agents and drug class."""
    headings: str = ""
    """The headings of a handout's or product page's sections, one per line."""


SEARCH_DOCUMENTS = cast(Table, t.SearchDocumentRow.__table__)


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def index_is_current(session: Session) -> bool:
    stored = session.get(t.MetaRow, FORMAT_KEY)
    return stored is not None and stored.value == FORMAT


def rebuild_search_index(session: Session, documents: Iterable[SearchDocument]) -> None:
    """Recreate every search document, the FTS index and what is stored beside it."""
    with search_index_rebuilt(session, documents):
        pass


@contextmanager
def search_index_rebuilt(session: Session, documents: Iterable[SearchDocument]) -> Iterator[None]:
    """``rebuild_search_index``, running the block while SQLite writes the index (on SQLite).

    ``documents`` may be a generator: on SQLite the index is fed as they come, so SQLite
    starts on the first ones while the rest are made. Neither the generator nor the block may
    use the session (the index is written on its connection by a thread): the block is for work
    in Python that a bulk load needs next, done meanwhile on the other core. The documents'
    rows are written after the index (an external-content index never reads them meanwhile).
    """
    session.execute(delete(t.SearchDocumentRow))
    session.flush()
    if not is_sqlite(session):
        listed = list(documents)
        ids = insert_returning_ids(session, SEARCH_DOCUMENTS, _document_rows(listed))
        folded = [(i, fold(d.title), fold(d.body)) for i, d in zip(ids, listed, strict=True)]
        yield
        _store_rebuilt(session, *_heads_and_vocabulary(listed, folded))
        return
    first = (session.scalar(select(func.max(t.SearchDocumentRow.id))) or 0) + 1
    session.execute(text("INSERT INTO search_fts(search_fts) VALUES('delete-all')"))
    listed = []
    folded = []
    with _fts_filled_meanwhile(session) as index:
        sent = size = 0
        for document in documents:
            folded.append((first + len(listed), fold(document.title), fold(document.body)))
            listed.append(document)
            size += len(document.title) + len(document.body)
            if size >= FTS_CHUNK_CHARACTERS:
                index(folded[sent:])
                sent, size = len(folded), 0
        index(folded[sent:])
        yield
        # Everything but the writing, while the index is still being written
        heads, vocabulary = _heads_and_vocabulary(listed, folded)
        rows = _document_rows(listed)
        for row, (doc_id, _, _) in zip(rows, folded, strict=True):
            row["id"] = doc_id
        stored = _encoded(heads, vocabulary)
    insert_rows(session, SEARCH_DOCUMENTS, rows)
    _store_encoded(session, stored)


def _document_rows(documents: Sequence[SearchDocument]) -> list[dict[str, Any]]:
    return [{"kind": d.kind, "slug": d.slug, "title": d.title, "body": d.body} for d in documents]


def _heads_and_vocabulary(
    documents: Sequence[SearchDocument], folded: list[FtsRow]
) -> tuple[dict[int, StoredHead], set[str]]:
    heads: dict[int, StoredHead] = {}
    vocabulary: set[str] = set()
    for d, (doc_id, title, body) in zip(documents, folded, strict=True):
        counts = word_counts(body)  # one count of the body for its topic words and vocabulary
        vocabulary.update(counts)
        vocabulary |= words_of((title,))
        heads[doc_id] = _head(d, title, body, counts)
    return heads, vocabulary


def _store_rebuilt(session: Session, heads: dict[int, StoredHead], vocabulary: set[str]) -> None:
    _store_encoded(session, _encoded(heads, vocabulary))


def _encoded(heads: dict[int, StoredHead], vocabulary: set[str]) -> dict[str, str]:
    """The ``ketref_meta`` values of a rebuild, by key."""
    return {
        HEADS_KEY: _heads_text(heads),
        VOCABULARY_KEY: _vocabulary_text(vocabulary),
        FORMAT_KEY: FORMAT,
    }


def _store_encoded(session: Session, values: dict[str, str]) -> None:
    for key, value in values.items():
        _store(session, key, value)


_FTS_INSERT = (
    "INSERT INTO search_fts(rowid, title, body) SELECT json_extract(value, '$[0]'), "
    "json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(?)"
)
"""Many documents in one statement, as a JSON array of [rowid, title, body]: the statement runs
without Python's GIL from start to end. Row by row (``executemany``), the thread needed the GIL
back after each document and waited for it while the other thread computed: the two mostly took
turns instead of running side by side."""
FtsRow = tuple[int, str, str]
"""rowid, folded title, folded body."""
FTS_CHUNK_CHARACTERS = 2_000_000
"""Characters of text per statement: few statements, each still a small JSON text in memory."""
_FTS_HASHSIZE = "INSERT INTO search_fts(search_fts, rank) VALUES('hashsize', ?)"
BULK_HASHSIZE = 64 * 1024 * 1024
"""Bytes of pending index data FTS5 keeps in memory during a rebuild before writing a segment.

Its default (1 MB) writes and then merges hundreds of small segments for a 100x library's 28
million trigrams: 64 MB made the writing about 40 % cheaper (9.1 -> 5.5 s of CPU, SQLite 3.40),
for the same rows and matches. The default is restored and its stored setting removed after, so
the index's tables read as before."""
DEFAULT_HASHSIZE = 1024 * 1024


@contextmanager
def _fts_filled_meanwhile(session: Session) -> Iterator[Callable[[list[FtsRow]], None]]:
    """On SQLite: a thread writes the index rows handed to the yielded function, in order,
    while the block goes on in Python (it must not use the session).

    SQLite tokenises and writes the index (most of a rebuild's time) without holding Python's
    GIL, so the thread runs on the session's own connection on another core. A failure is
    raised after the block, as SQLAlchemy's error of the same kind (a full disk stays a full
    disk), before anything else is written.
    """
    connection = session.connection().connection.driver_connection
    assert connection is not None  # the session's transaction holds it open
    failed: list[Exception] = []
    waiting: queue.SimpleQueue[list[FtsRow] | None] = queue.SimpleQueue()

    def fill() -> None:
        try:
            connection.execute(_FTS_HASHSIZE, (BULK_HASHSIZE,))
            while (rows := waiting.get()) is not None:
                connection.execute(_FTS_INSERT, (json.dumps(rows, ensure_ascii=False),))
            # (after a failure the transaction is rolled back, the setting with it)
            connection.execute(_FTS_HASHSIZE, (DEFAULT_HASHSIZE,))
            connection.execute("DELETE FROM search_fts_config WHERE k = 'hashsize'")
        except Exception as exc:  # raised in the caller's thread (a thread's own would be lost)
            failed.append(exc)

    def index(rows: list[FtsRow]) -> None:
        if rows and not failed:
            waiting.put(rows)

    thread = threading.Thread(target=fill, name="search-index")
    thread.start()
    try:
        yield index
    finally:
        waiting.put(None)
        thread.join()
    if failed and isinstance(failed[0], sqlite3.Error):
        raise DBAPIError.instance(_FTS_INSERT, None, failed[0], sqlite3.Error) from failed[0]
    if failed:
        raise failed[0]


def replace_search_documents(session: Session, documents: Sequence[SearchDocument]) -> None:
    """Add or replace some documents (an edit, a pack import), keeping the rest in step."""
    if not documents:
        return
    wanted = {(d.kind, d.slug): d for d in documents}
    doc = t.SearchDocumentRow
    existing = {
        (row.kind, row.slug): row
        for row in session.scalars(select(doc).where(doc.slug.in_({s for _, s in wanted})))
        if (row.kind, row.slug) in wanted
    }
    sqlite = is_sqlite(session)
    if sqlite and existing:
        session.execute(
            text(
                "INSERT INTO search_fts(search_fts, rowid, title, body) "
                "VALUES('delete', :id, :t, :b)"
            ),
            [{"id": r.id, "t": fold(r.title), "b": fold(r.body)} for r in existing.values()],
        )
    rows = []
    for key, document in wanted.items():
        row = existing.get(key)
        if row is None:
            row = t.SearchDocumentRow(kind=document.kind, slug=document.slug)
            session.add(row)
        row.title, row.body = document.title, document.body
        rows.append((row, document))
    session.flush()
    if sqlite:
        _fts_insert(session, [(row.id, d.title, d.body) for row, d in rows])
    heads = stored_heads(session)
    if heads is not None:  # otherwise the library is re-indexed at its next open
        for row, d in rows:
            heads[row.id] = _head(d, fold(d.title), fold(d.body))
        _store_heads(session, heads)
    vocabulary = stored_vocabulary(session)
    if vocabulary is not None:
        added = words_of(fold(d.title + "\n" + d.body) for d in documents)
        _store_vocabulary(session, vocabulary | added)


def remove_search_document(session: Session, kind: str, slug: str) -> None:
    """Take one item out of search (a retired item); its words may stay in the vocabulary."""
    doc = t.SearchDocumentRow
    row = session.scalars(select(doc).where(doc.kind == kind, doc.slug == slug)).first()
    if row is None:
        return
    if is_sqlite(session):
        session.execute(
            text(
                "INSERT INTO search_fts(search_fts, rowid, title, body) "
                "VALUES('delete', :id, :t, :b)"
            ),
            {"id": row.id, "t": fold(row.title), "b": fold(row.body)},
        )
    heads = stored_heads(session)
    if heads is not None:
        heads.pop(row.id, None)
        _store_heads(session, heads)
    session.delete(row)


def _fts_insert(session: Session, rows: Iterable[tuple[int, str, str]]) -> None:
    """Index a few documents (an edit, an import) by their title and body, folded here."""
    params = [{"id": doc_id, "t": fold(title), "b": fold(body)} for doc_id, title, body in rows]
    if params:
        session.execute(
            text("INSERT INTO search_fts(rowid, title, body) VALUES(:id, :t, :b)"), params
        )


def _store(session: Session, key: str, value: str) -> None:
    session.merge(t.MetaRow(key=key, value=value))


def _store_vocabulary(session: Session, words: Iterable[str]) -> None:
    _store(session, VOCABULARY_KEY, _vocabulary_text(words))


def _vocabulary_text(words: Iterable[str]) -> str:
    return "\n".join(sorted(words))


StoredHead = tuple[str, str, str, str, str, str]
"""kind, and the folded title, aliases, summary, topic words and section headings."""


def _head(
    document: SearchDocument, title: str, body: str, counts: Mapping[str, int] | None = None
) -> StoredHead:
    """``title`` and ``body``: the document's, folded already (a rebuild folds each once);
    ``counts``: the body's ``word_counts``, if made already."""
    return (
        document.kind,
        title,
        fold(document.aliases),
        fold(document.summary),
        " ".join(topic_words(body, counts)),
        fold(document.headings),
    )


def _store_heads(session: Session, heads: dict[int, StoredHead]) -> None:
    _store(session, HEADS_KEY, _heads_text(heads))


def _heads_text(heads: dict[int, StoredHead]) -> str:
    data = {str(doc_id): list(head) for doc_id, head in heads.items()}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def stored_vocabulary(session: Session) -> set[str] | None:
    """The stored spelling vocabulary (folded words), or None when none is stored."""
    stored = session.get(t.MetaRow, VOCABULARY_KEY)
    return None if stored is None else set(filter(None, stored.value.split("\n")))


def stored_heads(session: Session) -> dict[int, StoredHead] | None:
    """Each document's kind and folded title, aliases, summary, topic words and headings by id,
    or None
    when none are stored (or stored by an older format, which the next open re-indexes)."""
    stored = session.get(t.MetaRow, HEADS_KEY)
    if stored is None:
        return None
    heads = json.loads(stored.value)
    if any(len(v) != 6 for v in heads.values()):
        return None
    return {int(k): (v[0], v[1], v[2], v[3], v[4], v[5]) for k, v in heads.items()}
