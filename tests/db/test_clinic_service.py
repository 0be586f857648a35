"""The clinic profile: stored, audited, and a bad logo or field changes nothing."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import text

from ketref.domain.errors import BadInputError
from ketref.domain.printing import LOGO_MAX_BYTES, ClinicProfile, PaperSize
from ketref.services.workspace import Services

pytestmark = pytest.mark.db


def image_bytes(fmt: str, size: tuple[int, int] = (120, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 60, 120)).save(buffer, format=fmt)
    return buffer.getvalue()


def test_profile_round_trips_and_is_audited(services: Services) -> None:
    assert services.clinic.get() == ClinicProfile()
    png = image_bytes("PNG")
    saved = services.clinic.save(
        ClinicProfile(
            name=" Riverside Mood Clinic ",
            address="12 Harbour Road\nSpringfield",
            phone="(217) 555-0142",
            emergency_phone="988 or (217) 555-0199",
            logo=png,
            logo_mime="image/jpeg",  # a wrong claim: the bytes decide
            paper=PaperSize.A4,
        )
    )
    assert saved.name == "Riverside Mood Clinic"
    assert saved.logo_mime == "image/png"
    assert services.clinic.get() == saved
    with services.db.read() as session:
        rows = session.execute(
            text("SELECT action, detail FROM audit_event WHERE action = 'clinic-profile'")
        ).all()
    assert len(rows) == 1
    detail = rows[0].detail  # JSON text on SQLite, already decoded on PostgreSQL
    fields = (json.loads(detail) if isinstance(detail, str) else detail)["fields"]
    assert {"logo", "name"} <= set(fields)


def test_jpeg_logo_is_accepted(services: Services) -> None:
    saved = services.clinic.save(ClinicProfile(name="X", logo=image_bytes("JPEG")))
    assert saved.logo_mime == "image/jpeg"


BAD_LOGOS = [
    (b"not an image at all", "not an image ketref can read"),
    (image_bytes("GIF"), r"must be a PNG or JPEG image \(this file is GIF\)"),
    (image_bytes("PNG")[:70], "damaged"),
    (image_bytes("PNG", (6000, 5000)), "too many pixels"),
    (b"\x89PNG" + b"\0" * (LOGO_MAX_BYTES + 1), "too large"),
]


def test_a_bad_logo_is_refused_and_nothing_changes(services: Services) -> None:
    good = services.clinic.save(ClinicProfile(name="Before", logo=image_bytes("PNG")))
    for logo, message in BAD_LOGOS:
        with pytest.raises(BadInputError, match=message):
            services.clinic.save(ClinicProfile(name="After", logo=logo))
        assert services.clinic.get() == good


def test_too_long_field_is_refused_and_nothing_changes(services: Services) -> None:
    good = services.clinic.save(ClinicProfile(name="Before"))
    with pytest.raises(BadInputError, match="phone number is too long"):
        services.clinic.save(ClinicProfile(name="After", phone="5" * 41))
    assert services.clinic.get() == good


def test_logo_file_reading(tmp_path: Path) -> None:
    from ketref.services.clinic import ClinicService

    with pytest.raises(BadInputError, match="Cannot read the logo file"):
        ClinicService.read_logo_file(tmp_path / "missing.png")
    big = tmp_path / "big.png"
    big.write_bytes(b"\0" * (LOGO_MAX_BYTES + 1))
    with pytest.raises(BadInputError, match="too large"):
        ClinicService.read_logo_file(big)
