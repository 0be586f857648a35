"""Loading the shipped knowledge base into the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ketref.content.reader import folder_digest, read_content_folder
from ketref.db.engine import Database
from ketref.db.search_writer import index_is_current
from ketref.db.seed import (
    LoadReport,
    count_items,
    latest_release,
    load_bundle,
    reindex,
    unchanged_report,
)
from ketref.domain.clock import Clock, system_clock
from ketref.domain.roles import Role
from ketref.services.catalogue import current_actor
from ketref.services.gc_pause import collector_paused


@dataclass(frozen=True)
class ContentStatus:
    content_version: str | None
    loaded_at: datetime | None
    counts: dict[str, int]


class ContentService:
    def __init__(self, db: Database, content_dir: Path, clock: Clock = system_clock) -> None:
        self._db = db
        self._content_dir = content_dir
        self._clock = clock

    def load_shipped(self, *, force: bool = False) -> LoadReport:
        """Validate the shipped folder, then load it in one transaction if it is newer.

        Raises:
            ContentError: the shipped files are invalid; the database was not touched.
        """
        with collector_paused():
            return self._load_shipped(force)

    def _load_shipped(self, force: bool) -> LoadReport:
        digest = folder_digest(self._content_dir)
        if not force:  # skip parsing and validation when the files are exactly those loaded
            with self._db.read() as session:
                unchanged = unchanged_report(session, digest)
                current = index_is_current(session)
            if unchanged is not None:
                if not current:  # indexed by an older ketref: rebuild it in today's format
                    with self._db.write() as session:
                        reindex(session)
                return unchanged
        bundle = read_content_folder(self._content_dir)
        if self._db.role < Role.OWNER:  # a shared library's releases are loaded by its owner
            return LoadReport(
                version=bundle.release.version,
                loaded=False,
                reason=f"content {bundle.release.version} was not loaded: loading a release "
                f"needs the {Role.OWNER.server_name} role",
            )
        with self._db.write(needs=Role.OWNER) as session:
            return load_bundle(
                session,
                bundle,
                source="shipped",
                digest=digest,
                actor=current_actor(),
                now=self._clock(),
                force=force,
            )

    def status(self) -> ContentStatus:
        """Content version loaded and item counts."""
        with self._db.read() as session:
            release = latest_release(session)
            return ContentStatus(
                content_version=release.version if release else None,
                loaded_at=release.loaded_at if release else None,
                counts=count_items(session),
            )
