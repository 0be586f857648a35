"""``db check`` checks the content itself, on SQLite and on a server: never "ok" unchecked."""

from __future__ import annotations

import json

import pytest

from ketref.app import main
from ketref.db import repositories as repo
from ketref.domain.enums import ItemKind
from ketref.services.workspace import Services, Workspace
from tests.conftest import SHIPPED_CONTENT, make_workspace, shipped_version

pytestmark = pytest.mark.db


def _delete_item(services: Services, kind: ItemKind, slug: str) -> None:
    """What a stray manual DELETE on the server does: one item gone, nothing else told."""
    with services.db.write() as session:
        row = repo.item_row(session, kind, slug)
        assert row is not None
        session.delete(row)


def test_a_healthy_library_is_checked_item_by_item(shipped_services: Services) -> None:
    report = shipped_services.maintenance.check()
    assert report.ok
    assert report.content is not None
    assert report.content.items > 100
    assert report.content.references > 50
    assert report.content.compared_with == f"release {shipped_version()}"
    on_server = shipped_services.db.target.path is None
    assert report.integrity_ok is (None if on_server else True)


def test_a_deleted_item_and_the_links_to_it_are_found(shipped_services: Services) -> None:
    _delete_item(shipped_services, ItemKind.SIDE_EFFECT, "blood-pressure-increase")
    report = shipped_services.maintenance.check()
    assert not report.ok
    assert report.content is not None
    problems = report.content.problems
    assert f"side-effects/blood-pressure-increase of release {shipped_version()} is missing" in (
        " ".join(problems)
    )
    assert any("links to unknown side-effects/blood-pressure-increase" in p for p in problems), (
        problems
    )


def test_cli_reports_each_problem_and_exits_2(capsys, shipped_home, db_backend: str) -> None:
    services = make_workspace(shipped_home, SHIPPED_CONTENT).open()
    try:
        _delete_item(services, ItemKind.CONTRAINDICATION, "uncontrolled-hypertension")
    finally:
        services.close()
    code = main(["--home", str(shipped_home), "db", "check"])
    out = capsys.readouterr().out
    assert code == 2
    assert "Content: " in out and "PROBLEM(S)" in out
    assert "  - contraindications/uncontrolled-hypertension of release" in out
    assert "Content: ok" not in out
    if db_backend == "postgres":
        assert "Integrity: not checked by ketref" in out
    code = main(["--home", str(shipped_home), "db", "check", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 2
    assert data["ok"] is False
    assert data["content"]["problems"]


def test_an_item_neither_shipped_nor_local_is_reported(workspace: Workspace) -> None:
    """A row marked as shipped that the release does not have (e.g. left by hand)."""
    services = workspace.open()
    try:
        with services.db.write() as session:
            row = repo.item_row(session, ItemKind.CONTRAINDICATION, "uncontrolled-hypertension")
            assert row is not None
            row.slug = "left-behind"
        report = services.maintenance.check()
    finally:
        services.close()
    assert report.content is not None
    assert any(
        "contraindications/left-behind is neither in release" in p for p in report.content.problems
    )
