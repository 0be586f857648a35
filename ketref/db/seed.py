"""Loading a validated ContentBundle into the database: idempotent, and local edits are sacred.

A release is loaded when the database has none, or when the bundle's version is newer (or the
same version with different content, so a corrected release is not silently ignored). Items a
user edited locally are never overwritten: they are reported as kept, and the audit trail says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ketref.db import tables as t
from ketref.db.mapping import (
    ROW_BY_KIND,
    item_document,
    item_to_domain,
    model_hash,
    reference_document,
    rule_row,
    write_item,
    write_reference,
)
from ketref.db.search_writer import rebuild_search_index
from ketref.domain import content as c
from ketref.domain.enums import ItemKind


@dataclass
class LoadReport:
    """What a content load did (or why it did nothing)."""

    version: str
    loaded: bool
    reason: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    kept_local: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "version": self.version,
            "loaded": self.loaded,
            "reason": self.reason,
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
            "removed": len(self.removed),
            "kept_local": self.kept_local,
        }


def latest_release(session: Session) -> t.ContentReleaseRow | None:
    return session.scalars(
        select(t.ContentReleaseRow).order_by(t.ContentReleaseRow.id.desc()).limit(1)
    ).first()


def unchanged_report(session: Session, digest: str) -> LoadReport | None:
    """A "nothing to do" report when the newest load came from exactly this source."""
    latest = latest_release(session)
    if latest is None or latest.content_hash != digest:
        return None
    return LoadReport(
        version=latest.version, loaded=False, reason=f"content {latest.version} is already loaded"
    )


def _load_references(session: Session, bundle: c.ContentBundle, report: LoadReport) -> None:
    rows = {r.key: r for r in session.scalars(select(t.ReferenceRow))}
    for ref in bundle.references:
        row = rows.get(ref.id)
        digest = model_hash(ref)
        if row is not None and row.locally_edited:
            report.kept_local.append(f"references/{ref.id}")
        elif row is None or row.shipped_hash != digest:
            if row is None:
                row = t.ReferenceRow()
                session.add(row)
            write_reference(row, ref)
            row.shipped_hash = digest
        else:
            report.unchanged += 1
    session.flush()


def _prune_references(session: Session, bundle: c.ContentBundle, report: LoadReport) -> None:
    """Drop shipped references the new release no longer has, unless something still cites them."""
    wanted = {r.id for r in bundle.references}
    cited = set(session.scalars(select(t.ItemReferenceRow.reference_id)))
    cited |= set(session.scalars(select(t.ScreeningRuleReferenceRow.reference_id)))
    for row in session.scalars(select(t.ReferenceRow)):
        if row.key not in wanted and not row.locally_edited and row.id not in cited:
            report.removed.append(f"references/{row.key}")
            session.delete(row)


def _load_items(
    session: Session, bundle: c.ContentBundle, report: LoadReport, now: datetime
) -> None:
    refs = {r.key: r for r in session.scalars(select(t.ReferenceRow))}
    version = bundle.release.version
    for kind in c.MODEL_BY_KIND:
        rows = {
            r.slug: r
            for r in session.scalars(select(ROW_BY_KIND[kind]).where(t.ItemRow.kind == kind))
        }
        shipped = bundle.items_of(kind)
        for item in shipped:
            name = f"{kind.value}/{item.slug}"
            row = rows.get(item.slug)
            digest = model_hash(item)
            if row is not None and row.locally_edited:
                report.kept_local.append(name)
                continue
            if row is not None and row.shipped_hash == digest:
                report.unchanged += 1
                continue
            (report.updated if row is not None else report.added).append(name)
            row = write_item(
                session, row, kind, item, references=refs, content_version=version, now=now
            )
            row.origin = "shipped"
            row.shipped_hash = digest
        keep = {i.slug for i in shipped}
        for slug, row in rows.items():
            if slug not in keep and row.origin == "shipped" and not row.locally_edited:
                report.removed.append(f"{kind.value}/{slug}")
                session.delete(row)
    session.flush()


def _load_rules_and_synonyms(session: Session, bundle: c.ContentBundle) -> None:
    ref_ids = {r.key: r.id for r in session.scalars(select(t.ReferenceRow))}
    session.execute(delete(t.ScreeningRuleRow))
    session.execute(delete(t.SynonymRow))
    for rule in bundle.screening_rules:
        session.add(rule_row(rule, ref_ids))
    for synonym in bundle.synonyms:
        session.add(t.SynonymRow(term=synonym.term.lower(), means=list(synonym.means)))


def load_bundle(
    session: Session,
    bundle: c.ContentBundle,
    *,
    source: str,
    digest: str,
    actor: str,
    now: datetime,
    force: bool = False,
) -> LoadReport:
    """Load ``bundle`` in the caller's transaction (all or nothing) and report what changed.

    ``digest`` fingerprints the source (files or pack) so an unchanged source is skipped cheaply.
    """
    latest = latest_release(session)
    if not force:
        unchanged = unchanged_report(session, digest)
        if unchanged is not None:
            return unchanged
        if latest is not None and bundle.release.version_tuple < c.version_tuple(latest.version):
            return LoadReport(
                version=bundle.release.version,
                loaded=False,
                reason=f"the database already holds newer content ({latest.version})",
            )
    report = LoadReport(
        version=bundle.release.version,
        loaded=True,
        reason="first load" if latest is None else f"replaces {latest.version}",
    )
    _load_references(session, bundle, report)
    _load_items(session, bundle, report, now)
    _load_rules_and_synonyms(session, bundle)
    _prune_references(session, bundle, report)
    session.flush()
    kept = set(report.kept_local)
    shipped = {
        (kind.value, item.slug): item
        for kind, item in bundle.clinical_items()
        if f"{kind.value}/{item.slug}" not in kept
    }
    reindex(session, shipped)
    session.add(
        t.ContentReleaseRow(
            version=bundle.release.version,
            released=bundle.release.released,
            source=source,
            content_hash=digest,
            loaded_at=now,
            summary=report.as_dict(),
        )
    )
    session.add(
        t.AuditEventRow(
            at=now,
            actor=actor,
            action=f"load-{source}",
            content_version=latest.version if latest else None,
            detail=report.as_dict(),
        )
    )
    return report


def count_items(session: Session) -> dict[str, int]:
    """Number of rows per catalogue kind (references included)."""
    counts = {kind.value: 0 for kind in ItemKind}
    for kind, n in session.execute(select(t.ItemRow.kind, func.count()).group_by(t.ItemRow.kind)):
        counts[kind] = n
    counts[ItemKind.REFERENCE.value] = session.scalar(select(func.count(t.ReferenceRow.id))) or 0
    return counts


def reindex(session: Session, known: Mapping[tuple[str, str], c.Item] | None = None) -> None:
    """Rebuild the search index from every item and reference in the library.

    ``known`` maps (kind, slug) to items the caller already holds as domain models, which saves
    rebuilding them from rows; any other row (e.g. a kept local edit) is read back.
    """
    known = known or {}
    documents = [
        item_document(ItemKind(row.kind), known.get((row.kind, row.slug)) or item_to_domain(row))
        for row in session.scalars(select(t.ItemRow))
    ]
    documents += [reference_document(ref) for ref in session.scalars(select(t.ReferenceRow))]
    rebuild_search_index(session, documents)
