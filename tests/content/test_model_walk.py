"""The one-pass walk (model_walk.texts_and_references) finds what the plain depth-first walk
(``iter_values``) finds: search text and cited references of every shipped and fixture item."""

from __future__ import annotations

from enum import Enum

import pytest
from pydantic import BaseModel

from ketref.content.reader import read_content_folder
from ketref.db.mapping import search_text
from ketref.domain import content as c
from ketref.domain.model_walk import cited_reference_ids, iter_values, texts_and_references
from tests.conftest import FIXTURE_CONTENT, shipped_bundle

SKIP = frozenset(
    {
        "references",
        "slug",
        "title",
        "summary",
        "related",
        "type",
        "language",
        "version",
        "translation_of",
    }
)
"""Written out here, not imported: a field added to or dropped from what search leaves out
must show up as a failing test, not silently move both sides."""


def _plain_search_text(item: c.Item) -> str:
    words = [
        node
        for node in iter_values(item, SKIP)
        if isinstance(node, str) and not isinstance(node, Enum) and node
    ]
    return "\n".join([item.summary, *words])


def _plain_cited(item: BaseModel) -> set[str]:
    return {
        str(ref)
        for node in iter_values(item)
        if isinstance(node, BaseModel)
        for ref in (node.__dict__.get("references") or [])
    }


@pytest.mark.parametrize("which", ["shipped", "fixture"])
def test_one_walk_finds_what_the_plain_walk_finds(which: str) -> None:
    bundle = shipped_bundle() if which == "shipped" else read_content_folder(FIXTURE_CONTENT)
    items = [item for _, item in bundle.clinical_items()]
    assert items
    for item in items:
        assert search_text(item) == _plain_search_text(item), item.slug
        assert cited_reference_ids(item) == _plain_cited(item), item.slug
        texts, cited = texts_and_references(item, SKIP)
        assert "\n".join([item.summary, *texts]) == _plain_search_text(item)
        assert cited == _plain_cited(item)
        collected: set[str] = set()  # what a bulk load takes from the search walk
        assert search_text(item, collected) == _plain_search_text(item)
        assert collected == _plain_cited(item), item.slug
    assert any(cited_reference_ids(item) for item in items)
