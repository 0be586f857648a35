"""Items as versioned documents: every save kept, drafts never shown, bad documents reported."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text, update

from ketref.app import main
from ketref.db import items as items_db
from ketref.db import tables as t
from ketref.db.engine import DatabaseTarget
from ketref.db.items import ItemSave, SaveContext
from ketref.domain.enums import ContentState, ItemKind
from ketref.domain.errors import NotFoundError, StoredItemInvalidError
from ketref.paths import AppPaths
from ketref.services.handouts import HandoutRequest
from ketref.services.workspace import Services, Workspace
from tests.backends import PgTemplates
from tests.conftest import (
    FIXED_NOW,
    FIXTURE_CONTENT,
    SHIPPED_CONTENT,
    fixed_clock,
    make_workspace,
)

pytestmark = pytest.mark.db

HANDOUT = (ItemKind.HANDOUT, "preparing-for-your-session")
HYPERTENSION = (ItemKind.CONTRAINDICATION, "uncontrolled-hypertension")


def test_an_edit_adds_a_version_and_the_old_one_reads_back_exactly(services: Services) -> None:
    first = services.catalogue.get_item(*HANDOUT)
    edited = services.catalogue.edit_item(*HANDOUT, {"summary": "Clinic wording."}, actor="dr-a")

    assert edited.version_id != first.version_id
    history = services.catalogue.history(*HANDOUT)
    assert [v.version_id for v in history] == [edited.version_id, first.version_id]
    newest, oldest = history
    assert newest.current and not oldest.current
    assert newest.saved_by == "dr-a" and newest.reason == "edited in this library"
    assert newest.saved_at == FIXED_NOW and newest.release == oldest.release
    assert oldest.reason.startswith("content release ")
    assert newest.content_hash == edited.fingerprint != oldest.content_hash

    old = services.catalogue.get_version(first.version_id)
    assert old.item == first.item
    assert old.info.state is ContentState.APPROVED and not old.info.current
    assert services.catalogue.get_version(edited.version_id).item.summary == "Clinic wording."


def test_reloading_the_same_release_adds_no_versions(workspace) -> None:
    opened = workspace.open()
    try:
        before = opened.catalogue.history(*HYPERTENSION)
        opened.content.load_shipped(force=True)
        assert opened.catalogue.history(*HYPERTENSION) == before
    finally:
        opened.close()


def test_unknown_versions_and_items_say_not_found(services: Services) -> None:
    with pytest.raises(NotFoundError, match="No saved version 999999"):
        services.catalogue.get_version(999_999)
    assert services.catalogue.history(ItemKind.HANDOUT, "no-such-handout") == []


def _save(services: Services, item, state: ContentState) -> int:
    with services.db.write() as session:
        refs = {r.key: r.id for r in session.query(t.ReferenceRow)}
        saved = items_db.save_items(
            session,
            [ItemSave(ItemKind.HANDOUT, item, "2026.11.1", "local", True, state=state)],
            SaveContext(actor="dr-a", now=FIXED_NOW, reason="draft", release=None),
            refs,
        )
    return saved[ItemKind.HANDOUT.value, item.slug]


def test_a_draft_is_kept_but_never_listed_shown_searched_or_printed(services: Services) -> None:
    current = services.catalogue.get_item(*HANDOUT)
    draft_of_existing = current.item.model_copy(update={"summary": "Draft wording, unreviewed."})
    draft_id = _save(services, draft_of_existing, ContentState.DRAFT)
    new_draft = current.item.model_copy(update={"slug": "draft-only", "title": "Draft only"})
    _save(services, new_draft, ContentState.DRAFT)

    assert services.catalogue.get_item(*HANDOUT).item == current.item
    assert services.catalogue.get_version(draft_id).info.state is ContentState.DRAFT
    assert services.catalogue.get_version(draft_id).item.summary == "Draft wording, unreviewed."
    assert "draft-only" not in {s.slug for s in services.catalogue.list_items(ItemKind.HANDOUT)}
    with pytest.raises(NotFoundError):
        services.catalogue.get_item(ItemKind.HANDOUT, "draft-only")
    with pytest.raises(NotFoundError):
        services.handouts.render(HandoutRequest(slugs=("draft-only",)))
    assert not [h for h in services.catalogue.search("draft only").hits if h.slug == "draft-only"]


def _break_document(services: Services, kind: ItemKind, slug: str) -> None:
    """Edit the stored document by hand, as a database tool (or a newer ketref) might."""
    with services.db.write() as session:
        row = session.query(t.ItemRow).filter_by(kind=kind.value, slug=slug).one()
        version = session.get(t.ItemVersionRow, row.version_id)
        assert version is not None
        document = {**version.document, "review_due": "not a date", "colour": "red"}
        session.execute(
            update(t.ItemVersionRow)
            .where(t.ItemVersionRow.id == row.version_id)
            .values(document=document)
        )


def test_a_document_that_no_longer_validates_is_reported_not_shown(services: Services) -> None:
    _break_document(services, *HYPERTENSION)

    with pytest.raises(StoredItemInvalidError) as info:
        services.catalogue.get_item(*HYPERTENSION)
    assert str(info.value).startswith("contraindications/uncontrolled-hypertension cannot be ")
    assert "review_due" in str(info.value)
    listed = {s.slug for s in services.catalogue.list_items(ItemKind.CONTRAINDICATION)}
    assert "uncontrolled-hypertension" in listed  # still listed, never silently skipped
    report = services.maintenance.check()
    assert not report.ok and report.integrity_ok is not False  # None: a server's storage
    assert report.invalid_items == (str(info.value),)
    assert report.content is not None and report.content.ok  # present, only unreadable


def test_db_check_names_the_broken_item_and_fails(
    shipped_home: Path, capsys, db_backend: str
) -> None:
    opened = make_workspace(shipped_home, SHIPPED_CONTENT).open()
    _break_document(opened, *HANDOUT)
    opened.close()

    code = main(["--home", str(shipped_home), "db", "check"])
    out = capsys.readouterr().out
    assert code == 2
    assert ("Integrity: not checked" if db_backend == "postgres" else "Integrity: ok") in out
    assert "Items that cannot be displayed: 1" in out
    assert "handouts/preparing-for-your-session cannot be displayed: review_due" in out


@pytest.fixture
def postgres_url(pg_templates: PgTemplates) -> Iterator[str]:
    """An empty database on the session's throwaway cluster (ketref migrates it)."""
    name = pg_templates.fresh(None)
    yield pg_templates.cluster.url(name)
    pg_templates.drop(name)


@pytest.mark.postgres
def test_documents_versions_and_bad_documents_on_postgresql(
    postgres_url: str, tmp_path: Path
) -> None:
    """The same store on PostgreSQL (JSONB documents, Core bulk writes, migration 0003 run on
    a new server database): load, edit, read an old version back, report a broken document."""
    paths = AppPaths.resolve(tmp_path / "home")
    paths.ensure()
    ws = Workspace(paths, DatabaseTarget.parse(postgres_url), FIXTURE_CONTENT, clock=fixed_clock)
    services = ws.open()
    try:
        with services.db.read() as session:
            column = session.execute(
                text(
                    "SELECT data_type FROM information_schema.columns "
                    "WHERE table_name = 'item_version' AND column_name = 'document'"
                )
            ).scalar()
        assert column == "jsonb"
        first = services.catalogue.get_item(*HANDOUT)
        edited = services.catalogue.edit_item(*HANDOUT, {"summary": "Server wording."}, actor="a")
        assert services.catalogue.get_version(first.version_id).item == first.item
        assert [v.version_id for v in services.catalogue.history(*HANDOUT)] == [
            edited.version_id,
            first.version_id,
        ]
        assert services.catalogue.search("server wording").hits
        _break_document(services, *HYPERTENSION)
        with pytest.raises(StoredItemInvalidError):
            services.catalogue.get_item(*HYPERTENSION)
        assert len(services.maintenance.check().invalid_items) == 1
    finally:
        services.close()
