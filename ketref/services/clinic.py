"""The clinic profile (letterhead): read it, and save it only when every field is acceptable."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ketref.bounded_read import FileTooLargeError, UnreadableFileError, read_bounded
from ketref.db import repositories as repo
from ketref.db.clinic import load_clinic_profile, store_clinic_profile
from ketref.db.engine import Database
from ketref.domain.clock import Clock, system_clock
from ketref.domain.errors import BadInputError
from ketref.domain.printing import LOGO_MAX_BYTES, ClinicProfile
from ketref.pdf.logo import LogoError, LogoInfo, check_logo
from ketref.services.catalogue import current_actor

_FIELDS = ("name", "address", "phone", "emergency_phone", "logo", "paper")


class ClinicService:
    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self._db = db
        self._clock = clock

    def get(self) -> ClinicProfile:
        """The stored profile (empty fields before the clinic has set it up)."""
        with self._db.read() as session:
            return load_clinic_profile(session)

    def save(self, profile: ClinicProfile, actor: str | None = None) -> ClinicProfile:
        """Clean and check every field, then store the profile in one transaction.

        The logo's type is taken from its decoded bytes, never from a file name or claim.

        Raises:
            BadInputError: a field is too long or the logo is not a usable PNG/JPEG;
                nothing is changed.
        """
        checked = ClinicProfile.build(
            name=profile.name,
            address=profile.address,
            phone=profile.phone,
            emergency_phone=profile.emergency_phone,
            paper=profile.paper,
        )
        if profile.logo:
            info = self.check_logo(profile.logo)
            checked = dataclasses.replace(checked, logo=profile.logo, logo_mime=info.mime)
        now = self._clock()
        with self._db.write() as session:
            before = load_clinic_profile(session)
            changed = [f for f in _FIELDS if getattr(before, f) != getattr(checked, f)]
            store_clinic_profile(session, checked, now=now)
            repo.audit(
                session,
                now=now,
                actor=actor or current_actor(),
                action="clinic-profile",
                kind=None,
                slug=None,
                content_version=None,
                detail={"fields": changed},
            )
        return checked

    @staticmethod
    def check_logo(data: bytes) -> LogoInfo:
        """Decode a logo fully; a bad one gets one clear message.

        Raises:
            BadInputError: empty, too large, not PNG/JPEG, damaged or too many pixels.
        """
        try:
            return check_logo(data)
        except LogoError as exc:
            raise BadInputError(str(exc)) from None

    @staticmethod
    def read_logo_file(path: Path) -> bytes:
        """Read a logo file, refusing a huge one before reading it.

        Raises:
            BadInputError: missing, unreadable or over the size cap.
        """
        try:
            return read_bounded(path, LOGO_MAX_BYTES)
        except FileTooLargeError as exc:
            raise BadInputError(
                f"The logo file is too large ({exc.size / 1_048_576:.1f} MB; "
                f"at most {LOGO_MAX_BYTES // 1_048_576} MB)."
            ) from None
        except UnreadableFileError as exc:
            raise BadInputError(f"Cannot read the logo file: {exc}") from None
