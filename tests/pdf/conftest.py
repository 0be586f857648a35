"""Shipped handouts and schedule templates, read once for all PDF tests."""

from __future__ import annotations

import pytest

from ketref.content.schedules import read_schedule_templates
from ketref.domain.content import ContentBundle
from ketref.domain.document import HandoutPrint
from ketref.domain.printing import ClinicProfile
from ketref.domain.schedules import ScheduleTemplate
from tests.conftest import SHIPPED_CONTENT


@pytest.fixture(scope="session")
def handouts(bundle: ContentBundle) -> dict[str, HandoutPrint]:
    return {h.slug: HandoutPrint(h, bundle.release.version, False) for h in bundle.handouts}


@pytest.fixture(scope="session")
def templates(bundle: ContentBundle) -> dict[str, ScheduleTemplate]:
    known = {r.id for r in bundle.references}
    return {t.id: t for t in read_schedule_templates(SHIPPED_CONTENT, known)}


@pytest.fixture(scope="session")
def clinic() -> ClinicProfile:
    return ClinicProfile.build(
        name="Riverside Mood Clinic",
        address="12 Harbour Road, Suite 4\nSpringfield, IL 62704",
        phone="(217) 555-0142",
        emergency_phone="(217) 555-0199",
    )
