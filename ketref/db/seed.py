"""Loading a validated ContentBundle into the database: idempotent, and local edits are sacred.

A release is loaded when the database has none, or when the bundle's version is newer (or the
same version with different content, so a corrected release is not silently ignored). Items a
user edited locally are never overwritten: they are reported as kept, and the audit trail says so;
when the release changed such an item, its version is stored beside the local one and the item is
reported with its field differences (``release_conflicts``; see db.release_updates).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ketref.db import tables as t
from ketref.db.bulk_insert import insert_returning_ids, insert_rows, stored_json
from ketref.db.items import (
    ItemSave,
    PreparedSaves,
    SaveContext,
    chunks,
    current_heads,
    documents_by_version,
    prepare_saves,
    save_items,
    table,
    update_by_id,
)
from ketref.db.mapping import (
    Citations,
    item_document,
    item_from_document,
    model_hash,
    reference_document,
    reference_values,
    rule_values,
)
from ketref.db.release_updates import EditedHere, record_release_versions
from ketref.db.search_writer import SearchDocument, rebuild_search_index, search_index_rebuilt
from ketref.domain import content as c
from ketref.domain.enums import ContentState, ItemKind
from ketref.domain.errors import StoredItemInvalidError
from ketref.domain.release_updates import ReleaseConflict


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
    kept_retired: list[str] = field(default_factory=list)
    """Items retired here: a release never brings them back (restore them first)."""
    release_conflicts: list[ReleaseConflict] = field(default_factory=list)
    """Items edited here that this release changed: kept, the release's version stored beside."""

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
            "kept_retired": self.kept_retired,
            "release_conflicts": [c.name for c in self.release_conflicts],
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
    rows = {
        key: (id_, edited, shipped)
        for key, id_, edited, shipped in session.execute(
            select(
                t.ReferenceRow.key,
                t.ReferenceRow.id,
                t.ReferenceRow.locally_edited,
                t.ReferenceRow.shipped_hash,
            )
        )
    }
    added: list[dict[str, object]] = []
    changed: list[dict[str, object]] = []
    for ref in bundle.references:
        digest = model_hash(ref)
        found = rows.get(ref.id)
        if found is not None and found[1]:
            report.kept_local.append(f"references/{ref.id}")
        elif found is None:
            added.append({**reference_values(ref), "shipped_hash": digest, "locally_edited": False})
        elif found[2] != digest:
            changed.append({"id": found[0], **reference_values(ref), "shipped_hash": digest})
        else:
            report.unchanged += 1
    insert_rows(session, table(t.ReferenceRow), added)
    if changed:
        update_by_id(session, table(t.ReferenceRow), changed)


def _prune_references(session: Session, bundle: c.ContentBundle, report: LoadReport) -> None:
    """Drop shipped references the new release no longer has, unless something still cites them."""
    wanted = {r.id for r in bundle.references}
    cited = set(session.scalars(select(t.ItemReferenceRow.reference_id).distinct()))
    cited |= set(session.scalars(select(t.ScreeningRuleReferenceRow.reference_id).distinct()))
    rows = session.execute(
        select(t.ReferenceRow.key, t.ReferenceRow.id).where(
            t.ReferenceRow.locally_edited.is_(False)
        )
    )
    gone = [(key, id_) for key, id_ in rows if key not in wanted and id_ not in cited]
    report.removed += [f"references/{key}" for key, _ in gone]
    for part in chunks([id_ for _, id_ in gone]):
        session.execute(delete(t.ReferenceRow).where(t.ReferenceRow.id.in_(part)))


Existing = dict[tuple[str, str], tuple[int, bool, str | None, str, EditedHere, str]]
"""(kind, slug) -> id, locally edited, shipped hash, origin, what an edit here left, state."""


def _existing_items(session: Session) -> Existing:
    return {
        (kind, slug): (
            id_,
            edited,
            shipped,
            origin,
            EditedHere(id_, title, version_id, digest),
            state,
        )
        for kind, slug, id_, edited, shipped, origin, title, version_id, digest, state in (
            session.execute(
                select(
                    t.ItemRow.kind,
                    t.ItemRow.slug,
                    t.ItemRow.id,
                    t.ItemRow.locally_edited,
                    t.ItemRow.shipped_hash,
                    t.ItemRow.origin,
                    t.ItemRow.title,
                    t.ItemRow.version_id,
                    t.ItemRow.content_hash,
                    t.ItemRow.state,
                )
            )
        )
    }


@dataclass
class _ItemPlan:
    """What a load saves (and what it leaves to local edits), worked out without the database."""

    existing: Existing
    saves: list[ItemSave] = field(default_factory=list)
    edited_here: list[tuple[ItemKind, c.Item, EditedHere]] = field(default_factory=list)


def _plan_items(
    bundle: c.ContentBundle,
    report: LoadReport,
    existing: Existing,
    citations: Citations | None = None,
) -> _ItemPlan:
    """``citations``: what each item cites, when ``item_document`` collected it already."""
    plan = _ItemPlan(existing)
    citations = citations or {}
    version = bundle.release.version
    for kind, item in bundle.clinical_items():
        name = f"{kind.value}/{item.slug}"
        found = existing.get((kind.value, item.slug))
        save = ItemSave(
            kind,
            item,
            version,
            origin="shipped",
            locally_edited=False,
            shipped=True,
            cited=citations.get((kind.value, item.slug)),
        )
        if found is not None and found[1]:
            retired = found[5] == ContentState.RETIRED.value
            (report.kept_retired if retired else report.kept_local).append(name)
            if found[2] != save.content_hash:  # the release changed it: keep theirs, report
                plan.edited_here.append((kind, item, found[4]))
            continue
        if found is not None and found[2] == save.content_hash:
            report.unchanged += 1
            continue
        (report.updated if found is not None else report.added).append(name)
        plan.saves.append(save)
    return plan


def _load_items(
    session: Session,
    bundle: c.ContentBundle,
    report: LoadReport,
    context: SaveContext,
    plan: _ItemPlan,
    *,
    ref_ids: Mapping[str, int],
    prepared: PreparedSaves | None,
) -> None:
    version = bundle.release.version
    existing, saves, edited_here = plan.existing, plan.saves, plan.edited_here
    save_items(session, saves, context, ref_ids, prepared)
    report.release_conflicts = record_release_versions(session, edited_here, context, ref_ids)
    for conflict in report.release_conflicts:
        session.add(
            t.AuditEventRow(
                at=context.now,
                actor=context.actor,
                action="release-kept-local",
                kind=conflict.kind.value,
                slug=conflict.slug,
                content_version=version,
                detail={
                    "release_version": conflict.release_version,
                    "local_version": conflict.local_version,
                    "fields": [change.path for change in conflict.changes],
                },
            )
        )
    shipped = {(kind.value, item.slug) for kind, item in bundle.clinical_items()}
    gone = [
        (key, found[0])
        for key, found in existing.items()
        if key not in shipped and found[3] == "shipped" and not found[1]
    ]
    report.removed += [f"{kind}/{slug}" for (kind, slug), _ in gone]
    for part in chunks([id_ for _, id_ in gone]):
        session.execute(delete(t.ItemRow).where(t.ItemRow.id.in_(part)))


def _load_rules_and_synonyms(session: Session, bundle: c.ContentBundle) -> None:
    ref_ids = dict(session.execute(select(t.ReferenceRow.key, t.ReferenceRow.id)).all())
    session.execute(delete(t.ScreeningRuleRow))
    session.execute(delete(t.SynonymRow))
    rules = bundle.screening_rules
    rule_ids = insert_returning_ids(
        session, table(t.ScreeningRuleRow), [rule_values(r) for r in rules]
    )
    links = [
        {"rule_id": rule_id, "reference_id": ref_ids[key], "position": i}
        for rule, rule_id in zip(rules, rule_ids, strict=True)
        for i, key in enumerate(dict.fromkeys(rule.references))
    ]
    insert_rows(session, table(t.ScreeningRuleReferenceRow), links)
    synonyms = [{"term": s.term.lower(), "means": list(s.means)} for s in bundle.synonyms]
    insert_rows(session, table(t.SynonymRow), synonyms)


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
    context = SaveContext(
        actor=actor,
        now=now,
        reason=f"content release {bundle.release.version} ({source})",
        release=bundle.release.version,
    )
    empty = library_is_empty(session)
    _load_references(session, bundle, report)
    existing = _existing_items(session)
    ref_ids = dict(session.execute(select(t.ReferenceRow.key, t.ReferenceRow.id)).all())
    indexed: list[SearchDocument] | None = None
    prepared: PreparedSaves | None = None
    if empty:
        # A first load: what search will hold is known before any item is written (every item
        # of the bundle, then every reference), so the index is written first, by SQLite on
        # the other core while the saves are worked out here (their documents, hashes and
        # citations): the two longest parts of a large first load, side by side.
        indexed = []
        citations: Citations = {}
        items = (item_document(k, item, citations) for k, item in bundle.clinical_items())
        documents = listed_as_made(chain(items, reference_documents(session)), indexed)
        as_text = stored_json(session)
        with search_index_rebuilt(session, documents):
            plan = _plan_items(bundle, report, existing, citations)
            prepared = prepare_saves(plan.saves, context, ref_ids, as_text=as_text)
    else:
        plan = _plan_items(bundle, report, existing)
    _load_items(session, bundle, report, context, plan, ref_ids=ref_ids, prepared=prepared)
    _load_rules_and_synonyms(session, bundle)
    _prune_references(session, bundle, report)
    session.flush()
    if indexed is None or not index_matches(session, indexed):
        kept = {*report.kept_local, *report.kept_retired}
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
    approved = t.ItemRow.state == ContentState.APPROVED.value
    stmt = select(t.ItemRow.kind, func.count()).where(approved).group_by(t.ItemRow.kind)
    for kind, n in session.execute(stmt):
        counts[kind] = n
    counts[ItemKind.REFERENCE.value] = session.scalar(select(func.count(t.ReferenceRow.id))) or 0
    return counts


def reindex(session: Session, known: Mapping[tuple[str, str], c.Item] | None = None) -> None:
    """Rebuild the search index from every current item and reference in the library.

    ``known`` maps (kind, slug) to items the caller already holds as domain models; only the
    documents of the others (e.g. kept local edits) are read and parsed. An item whose stored
    document no longer validates is still found by its title and summary; it says why when
    opened.
    """
    known = known or {}
    heads = session.execute(current_heads()).all()
    stored = documents_by_version(
        session, [version for kind, slug, _, _, version in heads if (kind, slug) not in known]
    )
    documents: list[SearchDocument] = []
    for kind, slug, title, summary, version in heads:
        try:
            item = known.get((kind, slug)) or item_from_document(
                ItemKind(kind), slug, stored[version]
            )
            documents.append(item_document(ItemKind(kind), item))
        except StoredItemInvalidError:
            documents.append(SearchDocument(kind, slug, title, summary, summary=summary))
    documents += reference_documents(session)
    rebuild_search_index(session, documents)


def reference_documents(session: Session) -> list[SearchDocument]:
    rows = session.scalars(select(t.ReferenceRow).order_by(t.ReferenceRow.id))
    return [reference_document(ref) for ref in rows]


def listed_as_made(
    documents: Iterable[SearchDocument], made: list[SearchDocument]
) -> Iterator[SearchDocument]:
    """``documents``, each also appended to ``made`` when handed on (made lazily, so the index
    starts on the first while the rest are made)."""
    for document in documents:
        made.append(document)
        yield document


def library_is_empty(session: Session) -> bool:
    """No item (of any state) and no reference: a first load, or an import into a new library."""
    return (
        session.scalar(select(t.ItemRow.id).limit(1)) is None
        and session.scalar(select(t.ReferenceRow.id).limit(1)) is None
    )


def index_matches(session: Session, documents: Sequence[SearchDocument]) -> bool:
    """Whether ``documents``, indexed before the items were written, are exactly what
    ``reindex`` would index now, in the same order (so with the same ids)."""
    now = [(kind, slug) for kind, slug, *_ in session.execute(current_heads())]
    keys = session.scalars(select(t.ReferenceRow.key).order_by(t.ReferenceRow.id))
    now += [(ItemKind.REFERENCE.value, key) for key in keys]
    return now == [(d.kind, d.slug) for d in documents]
