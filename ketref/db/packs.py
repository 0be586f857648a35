"""Content packs against the database: gather items to export; plan and apply an import.

An import is planned completely before anything is written, in the caller's transaction, and
applied in that same transaction (all or nothing). Rules, in order, for each item of the pack:

* not here: added (marked as a local item, so releases never remove it);
* here with the same content: unchanged;
* here and edited in this library: a conflict (``local-edit``);
* here from a newer content release than the pack's copy: a conflict (``newer-here``);
* otherwise: updated.

References follow the same rules, using the pack's base content version. Conflicts are only
written over with ``overwrite_local``. Everything imported is marked as locally edited, so a
later release never silently overwrites what the clinic chose to import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ketref.db import items as items_db
from ketref.db import repositories as repo
from ketref.db import tables as t
from ketref.db.bulk_insert import insert_rows, stored_json
from ketref.db.errors import translate_error
from ketref.db.items import ItemSave, SaveContext
from ketref.db.mapping import (
    Citations,
    document_of,
    item_document,
    item_from_document,
    model_hash,
    reference_document,
    reference_to_domain,
    reference_values,
)
from ketref.db.search_writer import (
    SearchDocument,
    replace_search_documents,
    search_index_rebuilt,
)
from ketref.db.seed import (
    index_matches,
    latest_release,
    library_is_empty,
    listed_as_made,
    reference_documents,
    reindex,
)
from ketref.domain import content as c
from ketref.domain.audit import AuditEvent
from ketref.domain.document_diff import diff_documents
from ketref.domain.enums import ContentState, ItemKind
from ketref.domain.model_walk import cited_reference_ids
from ketref.domain.packs import (
    Conflict,
    ConflictReason,
    ContentPack,
    ImportReport,
    PackEntry,
    PackError,
)

HISTORY_PER_ITEM = 20
REBUILD_INDEX_AT = 500
"""Written items and references beyond which the search index is rebuilt once instead."""


@dataclass(frozen=True)
class ExportedItem:
    kind: ItemKind
    item: c.Item
    content_version: str
    updated_at: datetime


@dataclass
class ExportSet:
    items: list[ExportedItem]
    references: list[c.Reference]
    audit: list[AuditEvent]
    base_content_version: str | None


def gather_export(session: Session, *, everything: bool) -> ExportSet:
    """Items to export (local edits and local items, or all), their references and history."""
    item, version = t.ItemRow, t.ItemVersionRow
    stmt = (  # plain columns, no ORM objects: a whole library is tens of thousands of rows
        select(item.kind, item.slug, item.content_version, item.updated_at, version.document)
        .join(version, version.id == item.version_id)
        .where(item.state == ContentState.APPROVED.value)
        .order_by(item.kind, item.slug)
    )
    if not everything:
        stmt = stmt.where(or_(item.locally_edited.is_(True), item.origin != "shipped"))
    items = [
        ExportedItem(
            ItemKind(kind),
            item_from_document(ItemKind(kind), slug, document),
            content_version,
            repo.aware(updated_at),
        )
        for kind, slug, content_version, updated_at, document in session.execute(stmt)
    ]
    cited = set().union(*(cited_reference_ids(e.item) for e in items)) if items else set()
    references = [reference_to_domain(r) for r in repo.reference_rows(session) if r.key in cited]
    if everything:
        audit = repo.audit_events(session, limit=1_000_000)
    else:
        names = {(e.kind.value, e.item.slug) for e in items}
        audit = repo.audit_events(session, limit=1_000_000, items=names)
    audit.reverse()  # oldest first, as history reads
    release = latest_release(session)
    return ExportSet(items, references, audit, release.version if release else None)


# --- Import --------------------------------------------------------------------------------


@dataclass
class ImportPlan:
    """Which pack entries are added, updated, unchanged or in conflict (nothing written)."""

    report: ImportReport
    write_items: list[PackEntry] = field(default_factory=list)
    write_refs: list[c.Reference] = field(default_factory=list)
    replaced_local: set[str] = field(default_factory=set)


def _rows_for(session: Session, pack: ContentPack) -> dict[str, t.ItemRow]:
    """The existing rows of the pack's items by ``kind/slug``: one query per kind."""
    rows: dict[str, t.ItemRow] = {}
    for kind in {e.kind for e in pack.entries}:
        slugs = [e.item.slug for e in pack.entries if e.kind is kind]
        for part in items_db.chunks(slugs):
            stmt = select(t.ItemRow).where(t.ItemRow.kind == kind.value, t.ItemRow.slug.in_(part))
            rows.update({f"{kind.value}/{row.slug}": row for row in session.scalars(stmt)})
    return rows


def _newer(local: str | None, other: str | None) -> bool:
    if local is None or other is None:
        return False
    return c.version_tuple(local) > c.version_tuple(other)


def _link_problems(session: Session, pack: ContentPack) -> list[str]:
    """Links to items that are neither in the pack nor here (one query per kind linked to)."""
    known = {(e.kind.value, e.item.slug) for e in pack.entries}
    known |= {(ItemKind.REFERENCE.value, r.id) for r in pack.references}
    linked = {(link.kind.value, link.slug) for e in pack.entries for link in e.item.related}
    missing = linked - known
    missing -= _existing_here(session, missing)
    if not missing:  # the usual case: only one pass over the links
        return []
    return [
        f"/payload/items/{i}/item/related: {entry.name} links to "
        f"{link.kind.value}/{link.slug}, which is neither in the pack nor here"
        for i, entry in enumerate(pack.entries)
        for link in entry.item.related
        if (link.kind.value, link.slug) in missing
    ]


def _existing_here(session: Session, keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Those of ``keys`` (kind, slug) that name an approved item or a reference here."""
    refs = sorted(slug for kind, slug in keys if kind == ItemKind.REFERENCE.value)
    found = {(ItemKind.REFERENCE.value, key) for key in _references_here(session, refs)}
    items = [key for key in keys if key[0] != ItemKind.REFERENCE.value]
    ids = items_db.existing_ids(session, items, approved_only=True)
    return found | set(ids)


def _references_here(session: Session, keys: list[str]) -> dict[str, t.ReferenceRow]:
    found: dict[str, t.ReferenceRow] = {}
    for part in items_db.chunks(keys):
        found.update(repo.references_by_key(session, list(part)))
    return found


def _plan_references(
    session: Session,
    pack: ContentPack,
    plan: ImportPlan,
    local_version: str | None,
    *,
    overwrite_local: bool,
) -> None:
    """Decide each reference's fate, like the items' (see the module docstring)."""
    header = pack.header
    report = plan.report
    here = _references_here(session, [ref.id for ref in pack.references])
    for ref in pack.references:
        ref_row = here.get(ref.id)
        name = f"references/{ref.id}"
        if ref_row is None:
            report.references_added.append(ref.id)
            plan.write_refs.append(ref)
            continue
        if model_hash(reference_to_domain(ref_row)) == model_hash(ref):
            continue
        reason = None
        if ref_row.locally_edited:
            reason = ConflictReason.LOCAL_EDIT
        elif _newer(local_version, header.base_content_version):
            reason = ConflictReason.NEWER_HERE
        if reason is not None:
            report.conflicts.append(
                Conflict("references", ref.id, reason, local_version, header.base_content_version)
            )
            if not overwrite_local:
                continue
            plan.replaced_local.add(name)
        report.references_updated.append(ref.id)
        plan.write_refs.append(ref)


def plan_import(session: Session, pack: ContentPack, *, overwrite_local: bool) -> ImportPlan:
    """Compare the pack with the database and decide every entry's fate.

    Raises:
        PackError: an item links to one that exists neither in the pack nor here.
    """
    problems = _link_problems(session, pack)
    if problems:
        raise PackError(problems)
    header = pack.header
    plan = ImportPlan(
        ImportReport(
            pack=pack.checksum,
            title=header.title,
            exported_by=header.exported_by,
            base_content_version=header.base_content_version,
            overwrote_local=overwrite_local,
        )
    )
    report = plan.report
    local_release = latest_release(session)
    local_version = local_release.version if local_release else None
    _plan_references(session, pack, plan, local_version, overwrite_local=overwrite_local)
    existing = _rows_for(session, pack)
    for entry in pack.entries:
        row = existing.get(entry.name)
        if row is None:
            report.added.append(entry.name)
            plan.write_items.append(entry)
            continue
        if row.content_hash == model_hash(entry.item):
            report.unchanged.append(entry.name)
            continue
        reason = None
        if row.state == ContentState.RETIRED.value:
            reason = ConflictReason.RETIRED_HERE
        elif row.locally_edited:
            reason = ConflictReason.LOCAL_EDIT
        elif _newer(row.content_version, entry.content_version):
            reason = ConflictReason.NEWER_HERE
        if reason is not None:
            report.conflicts.append(
                Conflict(
                    entry.kind.value,
                    entry.item.slug,
                    reason,
                    row.content_version,
                    entry.content_version,
                )
            )
            if not overwrite_local or reason is ConflictReason.RETIRED_HERE:
                continue
            plan.replaced_local.add(entry.name)
        report.updated.append(entry.name)
        plan.write_items.append(entry)
    _field_changes(session, pack, existing, report)
    return plan


def _field_changes(
    session: Session, pack: ContentPack, rows: dict[str, t.ItemRow], report: ImportReport
) -> None:
    """What the pack changes in each item it would update or conflicts with, field by field."""
    named = set(report.updated) | {c.name for c in report.conflicts}
    entries = [e for e in pack.entries if e.name in named and e.name in rows]
    here = items_db.documents_by_version(session, [rows[e.name].version_id for e in entries])
    report.changes = {
        e.name: diff_documents(here[rows[e.name].version_id], document_of(e.item)) for e in entries
    }


def _histories(pack: ContentPack) -> dict[tuple[str | None, str | None], list[Any]]:
    """The pack's audit events by (kind, slug), oldest first: grouped once, not per item."""
    grouped: dict[tuple[str | None, str | None], list[Any]] = {}
    for event in pack.audit:
        grouped.setdefault((event.kind, event.slug), []).append(event)
    return grouped


def _history(events: list[Any]) -> list[dict[str, Any]]:
    return [e.model_dump(exclude={"detail"}) for e in events[-HISTORY_PER_ITEM:]]


def apply_import(
    session: Session, pack: ContentPack, plan: ImportPlan, *, actor: str, now: datetime
) -> None:
    """Write the planned references and items, with one audit event each and one for the pack.

    Runs in the caller's transaction; any failure names the item and rolls everything back.
    Rows are written first and flushed together, so a large pack costs one round of inserts.
    """
    empty = library_is_empty(session)
    here = _references_here(session, [ref.id for ref in plan.write_refs])
    added = [ref for ref in plan.write_refs if ref.id not in here]
    changed = [ref for ref in plan.write_refs if ref.id in here]
    insert_rows(
        session,
        items_db.table(t.ReferenceRow),
        [{**reference_values(r), "locally_edited": True, "shipped_hash": None} for r in added],
    )
    if changed:
        items_db.update_by_id(
            session,
            items_db.table(t.ReferenceRow),
            [{"id": here[r.id].id, **reference_values(r), "locally_edited": True} for r in changed],
        )
    ref_ids = dict(session.execute(select(t.ReferenceRow.key, t.ReferenceRow.id)).all())
    existing = _rows_for(session, pack)
    release = latest_release(session)
    context = SaveContext(
        actor=actor,
        now=now,
        reason=f"imported from pack {pack.checksum[:12]}",
        release=release.version if release else None,
    )
    indexed: list[SearchDocument] | None = None
    prepared: items_db.PreparedSaves | None = None
    if empty and _rebuilds_index(plan):
        # Into an empty library, what search will hold is known before anything is written
        # (the pack's items, then its references): SQLite writes the index on the other core
        # while the saves and audit events are worked out here (see seed.load_bundle).
        indexed = []
        citations: Citations = {}
        items = (item_document(e.kind, e.item, citations) for e in plan.write_items)
        documents = listed_as_made(chain(items, reference_documents(session)), indexed)
        as_text = stored_json(session)
        with search_index_rebuilt(session, documents):
            saves, events = _saves(pack, plan, existing, actor=actor, now=now, cited=citations)
            prepared = items_db.prepare_saves(saves, context, ref_ids, as_text=as_text)
    else:
        saves, events = _saves(pack, plan, existing, actor=actor, now=now)
    try:
        items_db.save_items(session, saves, context, ref_ids, prepared)
        session.flush()
    except Exception as exc:
        _reraise_storage_failure(exc)
        raise PackError(
            [f"the items could not be stored ({exc.__class__.__name__}); nothing was imported"]
        ) from exc
    if indexed is None or not index_matches(session, indexed):
        _index(session, plan)
    insert_rows(session, items_db.table(t.AuditEventRow), events)
    report = plan.report
    repo.audit(
        session,
        now=now,
        actor=actor,
        action="import-pack",
        kind=None,
        slug=None,
        content_version=None,
        detail={
            "pack": pack.checksum,
            "title": pack.header.title,
            "exported_by": pack.header.exported_by,
            "base_content_version": pack.header.base_content_version,
            "added": len(report.added),
            "updated": len(report.updated),
            "unchanged": len(report.unchanged),
            "references_added": len(report.references_added),
            "references_updated": len(report.references_updated),
            "replaced_local": sorted(plan.replaced_local),
            "source_audit_events": len(pack.audit),
        },
    )


def _saves(
    pack: ContentPack,
    plan: ImportPlan,
    existing: dict[str, t.ItemRow],
    *,
    actor: str,
    now: datetime,
    cited: Citations | None = None,
) -> tuple[list[ItemSave], list[dict[str, Any]]]:
    """The planned items as saves, with their audit events (no database used); ``cited``:
    what each item cites, when ``item_document`` collected it already."""
    histories = _histories(pack)
    cited = cited or {}
    saves = []
    events = []
    for entry in plan.write_items:
        row = existing.get(entry.name)
        save = ItemSave(
            entry.kind,
            entry.item,
            entry.content_version,
            origin="pack" if row is None else row.origin,
            locally_edited=True,
            cited=cited.get((entry.kind.value, entry.item.slug)),
        )
        saves.append(save)
        history = _history(histories.get((entry.kind.value, entry.item.slug), []))
        events.append(_audit_entry(pack, plan, save, row, history, actor=actor, now=now))
    return saves, events


def _rebuilds_index(plan: ImportPlan) -> bool:
    return len(plan.write_refs) + len(plan.write_items) > REBUILD_INDEX_AT


def _index(session: Session, plan: ImportPlan) -> None:
    """Update the search documents of what was written: one by one for a few, or the whole
    index rebuilt once when the import is large."""
    if _rebuilds_index(plan):
        reindex(session, {(e.kind.value, e.item.slug): e.item for e in plan.write_items})
        return
    refs = _references_here(session, [ref.id for ref in plan.write_refs])
    replace_search_documents(
        session,
        [reference_document(r) for r in refs.values()]
        + [item_document(e.kind, e.item) for e in plan.write_items],
    )


def _reraise_storage_failure(exc: Exception) -> None:
    """A full disk, a lock or damage is not the pack's fault: let its typed error through."""
    if isinstance(exc, DBAPIError) and translate_error(exc, "the database") is not None:
        raise exc


def _audit_entry(
    pack: ContentPack,
    plan: ImportPlan,
    save: ItemSave,
    row: t.ItemRow | None,
    history: list[dict[str, Any]],
    *,
    actor: str,
    now: datetime,
) -> dict[str, Any]:
    """The audit event for importing one item over ``row`` (None: the item is new here)."""
    new = row is None
    return {
        "at": now,
        "actor": actor,
        "action": "import",
        "kind": save.kind.value,
        "slug": save.item.slug,
        "content_version": row.content_version if row is not None else None,
        "detail": {
            "pack": pack.checksum,
            "change": "added" if new else "updated",
            "replaced_local_edit": f"{save.kind.value}/{save.item.slug}" in plan.replaced_local,
            "pack_content_version": save.content_version,
            "before_hash": row.content_hash if row is not None else None,
            "after_hash": save.content_hash,
            "history": history,
        },
    }
