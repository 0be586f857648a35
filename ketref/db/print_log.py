"""Print-log rows <-> ``PrintLogEntry``, its two settings (in ``ketref_meta``), erasing names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from ketref.db import repositories as repo
from ketref.db import tables as t
from ketref.domain.print_log import (
    PrintLogEntry,
    PrintLogFilter,
    PrintLogSettings,
    PrintOutput,
    PrintPlan,
    plan_from_json,
)
from ketref.domain.printing import Personalisation

ENABLED_KEY = "print_log"
KEEP_NAMES_KEY = "print_log_keep_names"
_ON, _OFF = "on", "off"


def load_settings(session: Session) -> PrintLogSettings:
    """The stored choices; a library that never set them logs, without names."""
    return PrintLogSettings(
        enabled=repo.get_meta(session, ENABLED_KEY) != _OFF,
        keep_names=repo.get_meta(session, KEEP_NAMES_KEY) == _ON,
    )


def store_settings(session: Session, settings: PrintLogSettings) -> None:
    repo.set_meta(session, ENABLED_KEY, _ON if settings.enabled else _OFF)
    repo.set_meta(session, KEEP_NAMES_KEY, _ON if settings.keep_names else _OFF)


def add_entry(
    session: Session,
    *,
    at: dt.datetime,
    printed_by: str,
    output: PrintOutput,
    plan: PrintPlan,
    page_count: int,
    pdf_sha256: str,
    personal: Personalisation | None,
) -> int:
    """Insert one entry; ``personal`` only when the clinic keeps names. Its new id."""
    row = t.PrintLogRow(
        at=at,
        printed_by=printed_by,
        output=output.value,
        language=plan.language.value if plan.language else None,
        paper=plan.paper.value,
        large_print=plan.large_print,
        page_count=page_count,
        pdf_sha256=pdf_sha256,
        settings=plan.settings_json(),
        handouts=[
            t.PrintLogHandoutRow(position=i, slug=h.slug, version_id=h.version_id)
            for i, h in enumerate(plan.handouts)
        ],
    )
    if personal is not None:
        row.patient_name = personal.patient_name
        row.escort = personal.escort
        row.notes = personal.notes
        row.personal_date = personal.date
        row.emergency_phone = personal.emergency_phone
    session.add(row)
    session.flush()
    return row.id


def _titles(session: Session, version_ids: Sequence[int]) -> dict[int, str]:
    """The title each of these versions printed (one JSON path, no document parsed)."""
    title = t.ItemVersionRow.document["title"].as_string()
    stmt = select(t.ItemVersionRow.id, title).where(t.ItemVersionRow.id.in_(list(version_ids)))
    return {version_id: str(text) for version_id, text in session.execute(stmt)}


def _entry(row: t.PrintLogRow, titles: dict[int, str]) -> PrintLogEntry:
    versions = [(h.slug, h.version_id) for h in row.handouts]
    plan = plan_from_json(
        row.settings,
        versions,
        language=row.language,
        paper=row.paper,
        large_print=row.large_print,
    )
    stored = Personalisation(
        patient_name=row.patient_name,
        date=row.personal_date,
        escort=row.escort,
        notes=row.notes,
        emergency_phone=row.emergency_phone,
    )
    return PrintLogEntry(
        id=row.id,
        at=row.at if row.at.tzinfo else row.at.replace(tzinfo=dt.UTC),
        printed_by=row.printed_by,
        output=PrintOutput(row.output),
        page_count=row.page_count,
        pdf_sha256=row.pdf_sha256,
        plan=plan,
        titles=tuple(titles.get(v, slug) for slug, v in versions),
        personal=None if stored.is_empty else stored,
    )


def entries(session: Session, where: PrintLogFilter) -> list[PrintLogEntry]:
    """Entries matching ``where``, newest first."""
    stmt = select(t.PrintLogRow).order_by(t.PrintLogRow.at.desc(), t.PrintLogRow.id.desc())
    if where.since is not None:
        start = dt.datetime.combine(where.since, dt.time(), tzinfo=dt.UTC)
        stmt = stmt.where(t.PrintLogRow.at >= start)
    if where.until is not None:
        end = dt.datetime.combine(where.until + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        stmt = stmt.where(t.PrintLogRow.at < end)
    if where.handout is not None:
        printed = select(t.PrintLogHandoutRow.log_id).where(
            t.PrintLogHandoutRow.log_id == t.PrintLogRow.id,
            t.PrintLogHandoutRow.slug == where.handout,
        )
        stmt = stmt.where(exists(printed))
    rows = list(session.scalars(stmt.limit(where.limit)))
    titles = _titles(session, [h.version_id for r in rows for h in r.handouts])
    return [_entry(r, titles) for r in rows]


def entry(session: Session, entry_id: int) -> PrintLogEntry | None:
    row = session.get(t.PrintLogRow, entry_id)
    if row is None:
        return None
    return _entry(row, _titles(session, [h.version_id for h in row.handouts]))


def missing_versions(session: Session, version_ids: Sequence[int]) -> list[int]:
    """Which of these version ids no longer exist (none can, while the RESTRICT key holds)."""
    stmt = select(t.ItemVersionRow.id).where(t.ItemVersionRow.id.in_(list(version_ids)))
    found = set(session.scalars(stmt))
    return [v for v in version_ids if v not in found]


def erase_names(session: Session) -> int:
    """Set every stored personal field to NULL; how many entries held any.

    On SQLite the connection's ``secure_delete`` zeroes the old cell contents in the pages;
    the caller empties the WAL afterwards.
    """
    personal = (
        t.PrintLogRow.patient_name,
        t.PrintLogRow.escort,
        t.PrintLogRow.notes,
        t.PrintLogRow.personal_date,
        t.PrintLogRow.emergency_phone,
    )
    holding = select(t.PrintLogRow.id).where(
        personal[0].is_not(None)
        | personal[1].is_not(None)
        | personal[2].is_not(None)
        | personal[3].is_not(None)
        | personal[4].is_not(None)
    )
    ids = list(session.scalars(holding))
    if ids:
        session.execute(
            update(t.PrintLogRow).where(t.PrintLogRow.id.in_(ids)).values(dict.fromkeys(personal))
        )
    return len(ids)
