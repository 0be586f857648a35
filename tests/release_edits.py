"""A library where release 2.0.0 changes an item edited here and one nobody edited."""

from __future__ import annotations

import shutil
from pathlib import Path

from ketref.domain.enums import ItemKind
from ketref.services.workspace import Workspace
from tests.conftest import FIXTURE_CONTENT, make_workspace

CI = ItemKind.CONTRAINDICATION
EDITED = "uncontrolled-hypertension"
UNEDITED = "aneurysmal-vascular-disease"
LOCAL_SUMMARY = "Clinic policy: withhold if resting BP is above 160/100 mmHg & <b>recheck</b>."


def release_over_local_edit(tmp_path: Path) -> tuple[Workspace, Path]:
    """Release 1.0.0 loaded, one contraindication edited here, then release 2.0.0 (not yet
    loaded: the next ``open`` loads it) changing that item's threshold and another item's
    summary. Returns the workspace and its content folder."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    ws = make_workspace(tmp_path / "home", root)
    services = ws.open()
    services.catalogue.edit_item(CI, EDITED, {"summary": LOCAL_SUMMARY}, actor="dr-local")
    services.close()
    path = root / "contraindications" / "contraindications.yaml"
    body = path.read_text()
    body = body.replace('comparison: ">", value: 180,', 'comparison: ">", value: 170,')
    body = body.replace("A known aneurysm of the aorta", "A known aneurysm of the thoracic aorta")
    path.write_text(body)
    release = root / "release.yaml"
    release.write_text(release.read_text().replace('version: "1.0.0"', 'version: "2.0.0"'))
    return ws, root
