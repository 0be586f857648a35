"""The clinic profile row <-> ``ClinicProfile``: read it, write it (always row id 1)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ketref.db.tables import ClinicProfileRow
from ketref.domain.printing import ClinicProfile, PaperSize

PROFILE_ID = 1


def load_clinic_profile(session: Session) -> ClinicProfile:
    """The stored profile, or an empty one (Letter paper) before the clinic has set it up."""
    row = session.get(ClinicProfileRow, PROFILE_ID)
    if row is None:
        return ClinicProfile()
    paper = PaperSize(row.paper) if row.paper in PaperSize._value2member_map_ else PaperSize.LETTER
    return ClinicProfile(
        name=row.name,
        address=row.address,
        phone=row.phone,
        emergency_phone=row.emergency_phone,
        logo=row.logo,
        logo_mime=row.logo_mime,
        paper=paper,
    )


def store_clinic_profile(session: Session, profile: ClinicProfile, *, now: datetime) -> None:
    """Create or overwrite the one profile row with ``profile`` (already validated)."""
    row = session.get(ClinicProfileRow, PROFILE_ID)
    if row is None:
        row = ClinicProfileRow(id=PROFILE_ID)
        session.add(row)
    row.name = profile.name
    row.address = profile.address
    row.phone = profile.phone
    row.emergency_phone = profile.emergency_phone
    row.logo = profile.logo
    row.logo_mime = profile.logo_mime if profile.logo else None
    row.paper = profile.paper.value
    row.updated_at = now
