"""A first load and a large import into an empty library write the search index before the
items (seed.load_bundle, packs.apply_import): the index must be the one a rebuild after the
items gives, same ids, rows, heads and vocabulary, and a rebuild must not follow."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select, text

import ketref.db.packs as db_packs
import ketref.db.search_writer as search_writer
import ketref.db.seed as seed
from ketref.content.reader import read_content_folder
from ketref.db import tables as t
from ketref.db.search_writer import SearchDocument, rebuild_search_index
from ketref.services.workspace import Services, Workspace
from tests.conftest import FIXTURE_CONTENT, make_workspace

QUERIES = ('"ketamine"', '"dose"', '"blood pressure"', '"sesion"', '"monitor"')


def _search_state(services: Services) -> dict[str, Any]:
    """Every search document, the stored heads and vocabulary, and ranked FTS matches."""
    with services.db.read() as session:
        doc = t.SearchDocumentRow
        state: dict[str, Any] = {
            "documents": [
                tuple(row)
                for row in session.execute(
                    select(doc.id, doc.kind, doc.slug, doc.title, doc.body).order_by(doc.id)
                )
            ],
            "meta": {
                key: value
                for key, value in session.execute(select(t.MetaRow.key, t.MetaRow.value))
                if key.startswith("search_")
            },
        }
        if session.get_bind().dialect.name != "sqlite":
            # A PostgreSQL sequence never hands an id out twice and rows come in no set order
            # (reindex does not sort): there documents are compared by kind and slug.
            documents = sorted(state["documents"], key=lambda row: (row[1], row[2]))
            order = {row[0]: i for i, row in enumerate(documents)}
            state["documents"] = [(order[row[0]], *row[1:]) for row in documents]
            heads = json.loads(state["meta"]["search_heads"])
            state["meta"]["search_heads"] = {order[int(k)]: v for k, v in heads.items()}
        else:
            sql = text(
                "SELECT rowid, round(bm25(search_fts), 6) FROM search_fts "
                "WHERE search_fts MATCH :q ORDER BY rank, rowid"
            )
            state["matches"] = [session.execute(sql, {"q": q}).all() for q in QUERIES]
            state["config"] = session.execute(text("SELECT * FROM search_fts_config")).all()
    return state


def _rebuilt_state(services: Services, known: dict[tuple[str, str], Any]) -> dict[str, Any]:
    """The state after a rebuild from the items ``known`` (as a load or import rebuilds it:
    on PostgreSQL a document read back from JSONB can list a mapping's keys in another order)."""
    with services.db.write() as session:
        seed.reindex(session, known)
    return _search_state(services)


def _items_of(folder: Path) -> dict[tuple[str, str], Any]:
    return {(k.value, item.slug): item for k, item in read_content_folder(folder).clinical_items()}


def _no_rebuild(*args: object, **kwargs: object) -> None:
    raise AssertionError("the index written first did not match: rebuilt after the items")


def test_first_load_writes_the_index_a_rebuild_would(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(seed, "reindex", _no_rebuild)
    services = workspace.open()
    monkeypatch.undo()
    try:
        first = _search_state(services)
        assert len(first["documents"]) > 20 and first["meta"]["search_heads"]
        assert any(first.get("matches", [[1]]))
        assert first.get("config", [("version", 4)]) == [("version", 4)]  # no setting left
        assert _rebuilt_state(services, _items_of(FIXTURE_CONTENT)) == first
    finally:
        services.close()


def test_a_mismatch_falls_back_to_the_rebuild(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[object] = []
    rebuild = seed.reindex
    monkeypatch.setattr(seed, "index_matches", lambda *a: False)
    monkeypatch.setattr(seed, "reindex", lambda *a: calls.append(a) or rebuild(*a))
    services = workspace.open()
    monkeypatch.undo()
    try:
        assert len(calls) == 1
        state = _search_state(services)
        assert _rebuilt_state(services, _items_of(FIXTURE_CONTENT)) == state
    finally:
        services.close()


@pytest.mark.sqlite_only("two libraries at once: the export's and the import's")
def test_import_into_an_empty_library_writes_the_index_a_rebuild_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = make_workspace(tmp_path / "source", FIXTURE_CONTENT).open()
    pack = tmp_path / "everything.json"
    try:
        source.packs.export(pack, everything=True)
    finally:
        source.close()
    monkeypatch.setattr(db_packs, "REBUILD_INDEX_AT", 3)  # the fixture content is small
    monkeypatch.setattr(db_packs, "reindex", _no_rebuild)
    target = make_workspace(tmp_path / "target", FIXTURE_CONTENT).open(load_content=False)
    try:
        report = target.packs.import_pack(pack)
        assert len(report.added) > 5
        monkeypatch.undo()
        imported = _search_state(target)
        assert len(imported["documents"]) > 10
        items = {(e.kind.value, e.item.slug): e.item for e in target.packs.read(pack).entries}
        assert _rebuilt_state(target, items) == imported
    finally:
        target.close()


@pytest.mark.sqlite_only("the index is written by a thread on SQLite only")
def test_a_failure_while_indexing_reaches_the_caller(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not only SQLite's errors: whatever stops the indexing thread stops the rebuild (a
    thread's own exception would otherwise be printed and lost, and an incomplete index kept)."""
    before = _search_state(services)

    def broken(value: Any, **kwargs: Any) -> str:
        if threading.current_thread() is not threading.main_thread():
            raise ValueError("cannot encode these rows")
        return json.dumps(value, **kwargs)

    monkeypatch.setattr(search_writer, "json", SimpleNamespace(dumps=broken, loads=json.loads))
    with pytest.raises(ValueError, match="cannot encode"), services.db.write() as session:
        rebuild_search_index(session, [SearchDocument("handouts", "x", "Title", "Body")])
    monkeypatch.undo()
    assert _search_state(services) == before
