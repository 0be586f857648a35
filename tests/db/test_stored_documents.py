"""What a load stores of each item: its validated model's JSON, under a hash that never changes.

A bulk load encodes each document once, while the search index is written, into the text its
hash is taken of, and hands SQLite that text (``prepare_saves(..., as_text=True)``); it must be
what the engine's JSON serializer writes for every other save, and the content hash must stay
what stored libraries and packs already hold.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import cast

import pytest
from sqlalchemy import Table, select, text

from ketref.content.reader import read_content_folder
from ketref.db import tables as t
from ketref.db.bulk_insert import stored_json
from ketref.db.items import ItemSave, SaveContext, prepare_saves
from ketref.db.mapping import document_hash, document_of, item_from_document, model_hash
from ketref.domain.enums import ItemKind
from ketref.services.workspace import Services
from tests.conftest import FIXTURE_CONTENT

VERSIONS = cast(Table, t.ItemVersionRow.__table__)
CONTEXT = SaveContext("test", datetime(2026, 1, 1, tzinfo=UTC), "test", None)


def test_a_document_hash_is_the_one_stored_libraries_hold() -> None:
    """Pinned: sorted keys, json.dumps's default separators, non-ASCII escaped, SHA-256."""
    document = {"b": 1, "a": ["é", {"d": None, "c": 2.5, "e": True}], "z": "«x»"}
    assert (
        document_hash(document)
        == "1b9941daf1890d9db32d117b6ab61911eaf76724fa720a5f5cca2c0c606ad0bd"
    )


def test_fixture_items_keep_their_content_hash() -> None:
    """Pinned from the code before the bulk-load work: only an edit of the fixture files
    (tests/fixtures/content) may change these."""
    bundle = read_content_folder(FIXTURE_CONTENT)
    items = {(kind.value, item.slug): item for kind, item in bundle.clinical_items()}
    pinned = {
        (
            "side-effects",
            "dissociation",
        ): "d88cad08fe14b2c3bda3e1ff6cfa3e35c3dac3e47348ec99a6e96a8dd5a94a4c",
        ("handouts", "preparing-for-your-session"): (
            "c428ee340f622a98e3d1c7fa2ba02eb79a99a7f3abd9aadc0a75e6d892fadd6b"
        ),
    }
    for (kind, slug), digest in pinned.items():
        item = items[kind, slug]
        assert model_hash(item) == digest
        save = ItemSave(ItemKind(kind), item, "1.0.0", origin="shipped", locally_edited=False)
        assert save.content_hash == digest
        prepared = prepare_saves([save], CONTEXT, {}, as_text=True)  # references: not written
        stored = prepared.versions[0]["document"]
        assert stored == json.dumps(document_of(item), sort_keys=True)
        assert hashlib.sha256(stored.encode()).hexdigest() == digest


@pytest.mark.sqlite_only("reads the JSON text SQLite stores")
def test_the_stored_document_is_the_validated_models_json(services: Services) -> None:
    """Every stored document is, as text, what SQLAlchemy's JSON type writes for the model's
    ``model_dump(mode="json", by_alias=True)`` (keys sorted), and its hash is that text's."""
    with services.db.read() as session:
        assert stored_json(session)
        dialect = session.get_bind().dialect
        processor = VERSIONS.c.document.type.dialect_impl(dialect).bind_processor(dialect)
        assert processor is not None
        rows = session.execute(
            text("SELECT kind, slug, content_hash, CAST(document AS TEXT) FROM item_version")
        ).all()
        assert rows
        for kind, slug, digest, stored in rows:
            item = item_from_document(ItemKind(kind), slug, json.loads(stored))
            document = document_of(item)
            assert stored == processor(document) == json.dumps(document, sort_keys=True), (
                kind,
                slug,
            )
            assert digest == document_hash(document) == model_hash(item), (kind, slug)
            assert digest == hashlib.sha256(stored.encode()).hexdigest(), (kind, slug)
        heads = session.execute(
            select(t.ItemRow.content_hash, t.ItemVersionRow.content_hash).join(
                t.ItemVersionRow, t.ItemVersionRow.id == t.ItemRow.version_id
            )
        ).all()
        assert heads and all(head == version for head, version in heads)
