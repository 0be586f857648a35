"""The change marker other windows poll moves with every save from anywhere, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest

from ketref.domain.enums import ItemKind
from ketref.services.workspace import Services
from tests.conftest import SHIPPED_CONTENT, make_workspace

pytestmark = pytest.mark.db


def test_the_marker_moves_when_another_workstation_saves(
    shipped_services: Services, shipped_home: Path
) -> None:
    before = shipped_services.catalogue.changes()
    assert shipped_services.catalogue.changes() == before  # reading changes nothing
    other = make_workspace(shipped_home, SHIPPED_CONTENT).open()
    try:
        other.catalogue.edit_item(
            ItemKind.SIDE_EFFECT, "dissociation", {"summary": "Edited on another workstation."}
        )
        after_edit = shipped_services.catalogue.changes()
        assert after_edit != before
        other.screening.reset_clinic_thresholds(actor="front-desk")
        assert shipped_services.catalogue.changes() != after_edit
    finally:
        other.close()
