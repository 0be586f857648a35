"""Bulk inserts (db.bulk_insert): the driver's executemany on SQLite stores exactly what a Core
insert stores, ids come back in order after the largest id, and defaults are filled in."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any, cast

import pytest
from sqlalchemy import Table, delete, insert, select, text
from sqlalchemy.orm import Session

from ketref.db import tables as t
from ketref.db.bulk_insert import (
    canonical_json,
    insert_returning_ids,
    insert_rows,
    stored_json,
)
from ketref.services.workspace import Services

VERSIONS = cast(Table, t.ItemVersionRow.__table__)
REFERENCES = cast(Table, t.ReferenceRow.__table__)
NOW = datetime(2026, 12, 3, 17, 5, 9, 123456, tzinfo=UTC)


def _version(slug: str, document: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "handouts",
        "slug": slug,
        "language": "es",
        "state": "draft",
        "content_version": "9.9.9",
        "content_hash": "0" * 64,
        "document": document,
        "saved_by": "tester",
        "saved_at": NOW,
        "reason": "bulk",
        "release": None,
    }


def _reference(key: str) -> dict[str, Any]:
    return {
        "key": key,
        "kind": "article",
        "citation": "Citación «ñ», 2026",
        "title": "Título",
        "authors": None,
        "source": None,
        "year": 2026,
        "doi": None,
        "pmid": None,
        "pmcid": None,
        "set_id": None,
        "url": None,
        "note": None,
        "shipped_hash": None,
    }  # "verified" and "locally_edited" left out: their column defaults apply


def _stored(session: Session, table: Table, where: Any) -> list[tuple[Any, ...]]:
    columns = [c for c in table.columns if c.name != "id"]
    return [tuple(row) for row in session.execute(select(*columns).where(where))]


def test_rows_stored_as_a_core_insert_stores_them(services: Services) -> None:
    document = {"title": "Sesión ñ", "n": [1, 2.5, None, True], "nested": {"a": "b"}}
    with services.db.write() as session:
        insert_rows(session, VERSIONS, [_version("bulk-a", document)])
        session.execute(insert(VERSIONS), [_version("core-a", document)])
        insert_rows(session, REFERENCES, [_reference("bulk-ref")])
        session.execute(insert(REFERENCES), [_reference("core-ref")])
    with services.db.read() as session:
        bulk = _stored(session, VERSIONS, VERSIONS.c.slug == "bulk-a")
        core = _stored(session, VERSIONS, VERSIONS.c.slug == "core-a")
        assert [row[:1] + row[2:] for row in bulk] == [row[:1] + row[2:] for row in core]
        row = session.scalars(
            select(t.ItemVersionRow).where(t.ItemVersionRow.slug == "bulk-a")
        ).one()
        assert row.document == document
        assert row.saved_at.replace(tzinfo=UTC) == NOW
        refs = {
            r.key: r
            for r in session.scalars(
                select(t.ReferenceRow).where(t.ReferenceRow.key.in_(["bulk-ref", "core-ref"]))
            )
        }
        for ref in refs.values():
            assert (ref.verified, ref.locally_edited, ref.citation) == (
                True,
                False,
                "Citación «ñ», 2026",
            )


def test_returned_ids_follow_the_largest_id_in_order(services: Services) -> None:
    with services.db.write() as session:
        first = insert_returning_ids(
            session, VERSIONS, [_version(f"first-{i}", {"i": i}) for i in range(5)]
        )
        session.execute(delete(VERSIONS).where(VERSIONS.c.id == first[-1]))  # a gap at the top
        second = insert_returning_ids(
            session, VERSIONS, [_version(f"second-{i}", {"i": i}) for i in range(300)]
        )
        assert first == sorted(first) and second == sorted(second)
        assert len(set(second)) == 300 and second[0] > first[-2]
        slugs = dict(session.execute(select(VERSIONS.c.id, VERSIONS.c.slug)).all())
        assert [slugs[i] for i in first[:-1]] == [f"first-{i}" for i in range(4)]
        assert [slugs[i] for i in second] == [f"second-{i}" for i in range(300)]
        assert insert_returning_ids(session, VERSIONS, []) == []
        insert_rows(session, VERSIONS, [])


def test_dates_and_booleans_round_trip(services: Services) -> None:
    """The head columns a bulk item insert converts (dates, booleans) read back as written."""
    with services.db.write() as session:
        version_id = insert_returning_ids(session, VERSIONS, [_version("dated", {})])[0]
        insert_rows(
            session,
            cast(Table, t.ItemRow.__table__),
            [
                {
                    "kind": "handouts",
                    "slug": "dated",
                    "language": "es",
                    "title": "T",
                    "summary": "S",
                    "sort_key": "",
                    "reviewed": date(2026, 1, 2),
                    "review_due": date(2027, 1, 2),
                    "verified": False,
                    "origin": "local",
                    "state": "draft",
                    "locally_edited": True,
                    "shipped_hash": None,
                    "content_version": "9.9.9",
                    "content_hash": "0" * 64,
                    "updated_at": NOW,
                    "version_id": version_id,
                }
            ],
        )
    with services.db.read() as session:
        row = session.scalars(select(t.ItemRow).where(t.ItemRow.slug == "dated")).one()
        assert (row.reviewed, row.review_due, row.verified, row.locally_edited) == (
            date(2026, 1, 2),
            date(2027, 1, 2),
            False,
            True,
        )


@pytest.mark.sqlite_only("JSON text is handed over on SQLite only")
def test_json_given_as_stored_text_is_stored_as_the_json_type_stores_it(services: Services) -> None:
    """``stored``: a document handed over as its JSON text (encoded while the search index is
    written) is stored as a Core insert of the document itself stores it."""
    document = {"title": "Sesión ñ «x»", "n": [1, 2.5, None, True], "nested": {"b": "c", "a": 1}}
    with services.db.write() as session:
        assert stored_json(session)
        row = {**_version("text-a", document), "document": canonical_json(document)}
        insert_rows(session, VERSIONS, [row], stored=("document",))
        insert_returning_ids(session, VERSIONS, [{**row, "slug": "text-b"}], stored=("document",))
        session.execute(insert(VERSIONS), [_version("core-b", document)])
    with services.db.read() as session:
        stored = dict(
            session.execute(
                text(
                    "SELECT slug, CAST(document AS TEXT) FROM item_version WHERE slug IN "
                    "('text-a', 'text-b', 'core-b')"
                )
            ).all()
        )
        assert stored["text-a"] == stored["text-b"] == stored["core-b"] == canonical_json(document)
        assert canonical_json(document) == json.dumps(document, sort_keys=True)
