"""Pack imports that meet what this library changed itself (issue 7): items edited here, newer
here or retired here are named before anything is written, and only an explicit overwrite
replaces the first two; a retired item stays retired."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ketref.domain.enums import ItemKind
from ketref.domain.packs import ConflictReason, PackConflictError
from ketref.services.workspace import Services
from tests.reliability.harness import logical_snapshot, write_pack

pytestmark = pytest.mark.content

KIND, SLUG = ItemKind.CONTRAINDICATION, "uncontrolled-hypertension"


def test_import_over_a_local_edit_reports_the_conflict_and_refuses(
    opened: Services, payload: dict[str, Any], tmp_path: Path
) -> None:
    """A pack that would overwrite an item edited here lists it and imports nothing, unless
    overwrite_local is given; then it replaces it and the audit trail says so."""
    record = next(r for r in payload["items"] if r["item"]["slug"] == SLUG)
    record["item"]["summary"] = "The other clinic's wording."
    pack = write_pack(tmp_path / "p.json", payload)
    opened.catalogue.edit_item(KIND, SLUG, {"summary": "Our own wording."})
    preview = opened.packs.preview(pack)
    assert [(c.name, c.reason) for c in preview.conflicts] == [
        (f"{KIND.value}/{SLUG}", ConflictReason.LOCAL_EDIT)
    ]
    before = logical_snapshot(opened)
    with pytest.raises(PackConflictError, match=f"{KIND.value}/{SLUG}.*--overwrite-local"):
        opened.packs.import_pack(pack)
    assert logical_snapshot(opened) == before
    report = opened.packs.import_pack(pack, overwrite_local=True)
    assert report.updated == [f"{KIND.value}/{SLUG}"]
    assert opened.catalogue.get_item(KIND, SLUG).item.summary == "The other clinic's wording."
    event = opened.audit.events(1, slug=SLUG, action="import")[0]
    assert event.detail["replaced_local_edit"] is True


def test_older_pack_over_newer_content_is_a_conflict(
    opened: Services, payload: dict[str, Any], tmp_path: Path
) -> None:
    """Versions compare as numbers: a pack item based on content 0.9 does not silently replace
    this library's copy from 1.0.0 ("newer here")."""
    record = next(r for r in payload["items"] if r["item"]["slug"] == SLUG)
    record["content_version"] = "0.9"
    record["item"]["summary"] = "Old wording."
    report = opened.packs.preview(write_pack(tmp_path / "p.json", payload))
    assert [(c.name, c.reason) for c in report.conflicts] == [
        (f"{KIND.value}/{SLUG}", ConflictReason.NEWER_HERE)
    ]


def test_an_item_retired_here_stays_retired_whatever_the_import(
    opened: Services, payload: dict[str, Any], tmp_path: Path
) -> None:
    """A pack changing an item retired here names it as a conflict, and even overwrite_local
    leaves it retired: bringing it back is a restore, with its own audit event."""
    record = next(r for r in payload["items"] if r["item"]["slug"] == SLUG)
    record["item"]["summary"] = "The other clinic's wording."
    pack = write_pack(tmp_path / "p.json", payload)
    opened.editing.retire(KIND, SLUG, "not used here")
    preview = opened.packs.preview(pack)
    assert [(c.name, c.reason) for c in preview.conflicts] == [
        (f"{KIND.value}/{SLUG}", ConflictReason.RETIRED_HERE)
    ]
    with pytest.raises(PackConflictError, match=r"Retired here.*restore first"):
        opened.packs.import_pack(pack)
    report = opened.packs.import_pack(pack, overwrite_local=True)
    assert f"{KIND.value}/{SLUG}" not in report.updated
    assert SLUG not in {s.slug for s in opened.catalogue.list_items(KIND)}
    assert [r.slug for r in opened.editing.retired()] == [SLUG]
