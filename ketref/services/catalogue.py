"""Browsing, searching and editing the knowledge base."""

from __future__ import annotations

import getpass
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from ketref.db import item_lifecycle as lifecycle
from ketref.db import items as items_db
from ketref.db import repositories as repo
from ketref.db import search_query
from ketref.db import tables as t
from ketref.db.change_listener import ChangeListener, listen_for_changes
from ketref.db.engine import Database
from ketref.db.mapping import item_from_document, model_hash, reference_to_domain
from ketref.db.stale_translations import stale_translations
from ketref.domain import content as c
from ketref.domain.catalogue import (
    ItemDetail,
    ItemRef,
    ItemSummary,
    ItemVersion,
    ReferenceDetail,
    ReviewSummary,
    VersionInfo,
    is_due,
)
from ketref.domain.clock import Clock, system_clock
from ketref.domain.enums import ContentState, ItemKind
from ketref.domain.errors import BadInputError, EditConflictError, NotFoundError
from ketref.domain.model_walk import cited_reference_ids
from ketref.domain.search import SearchResult, plan_query
from ketref.domain.validation import format_validation_error
from ketref.services.audited_save import Save, save_audited

MAX_QUERY_LENGTH = 200
SUGGESTION_CUTOFF = 0.7
"""How close a word must be to be offered as "did you mean" after a miss."""


def current_actor() -> str:
    """The OS user name, for the audit trail (never a patient)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


class CatalogueService:
    """Read and search the catalogue; edits are marked local and audited."""

    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self._db = db
        self._clock = clock
        self._search = search_query.SearchCache()

    # --- listing and detail --------------------------------------------------------------

    def list_items(self, kind: ItemKind, *, include_drafts: bool = False) -> list[ItemSummary]:
        """The approved items of ``kind``; ``include_drafts`` (for editors) adds new items that
        are still drafts and marks every item with a draft waiting for approval."""
        today = self._clock().date()
        with self._db.read() as session:
            if kind is ItemKind.REFERENCE:
                return [
                    ItemSummary(
                        kind=kind,
                        slug=r.key,
                        title=r.title,
                        summary=r.citation,
                        review_due=None,
                        due_for_review=False,
                        verified=r.verified,
                        locally_edited=r.locally_edited,
                    )
                    for r in repo.reference_rows(session)
                ]
            rows = repo.item_rows(session, kind)
            drafted: set[str] = set()
            if include_drafts:
                rows += lifecycle.new_drafts(session, kind)
                drafted = lifecycle.drafted_slugs(session, kind)
            return [
                ItemSummary(
                    kind=kind,
                    slug=row.slug,
                    title=row.title,
                    summary=row.summary,
                    review_due=row.review_due,
                    due_for_review=is_due(row.review_due, today),
                    verified=row.verified,
                    locally_edited=row.locally_edited,
                    draft=row.slug in drafted,
                )
                for row in rows
            ]

    def summaries(self, keys: list[tuple[ItemKind, str]]) -> list[ItemSummary]:
        """Summaries of the items among ``keys`` that still exist, in the order given."""
        found: dict[tuple[ItemKind, str], ItemSummary] = {}
        for kind in dict.fromkeys(k for k, _ in keys):
            wanted = {s for k, s in keys if k is kind}
            found.update(((kind, s.slug), s) for s in self.list_items(kind) if s.slug in wanted)
        return [found[key] for key in keys if key in found]

    def get_item(self, kind: ItemKind, slug: str, *, include_drafts: bool = False) -> ItemDetail:
        """One clinical item with its references in citation order.

        ``include_drafts`` (for editors): say whether a draft waits, and show a new item that
        exists only as a draft (its newest draft).

        Raises:
            NotFoundError: no such item (this says nothing about clinical risk).
        """
        if kind is ItemKind.REFERENCE:
            raise BadInputError("use get_reference for references")
        today = self._clock().date()
        with self._db.read() as session:
            found = items_db.document_of_item(session, kind, slug)
            draft = None
            if include_drafts:
                head = found[0] if found else items_db.head_row(session, kind, slug)
                draft = lifecycle.newest_draft(session, head) if head is not None else None
                if found is None and head is not None and draft is not None:
                    found = (head, draft.document)
            if found is None:
                raise NotFoundError(f"No {kind.singular.lower()} called {slug!r} was found.")
            row, document = found
            item = item_from_document(kind, slug, document)
            keys = list(dict.fromkeys([*item.references, *sorted(cited_reference_ids(item))]))
            rows = repo.references_by_key(session, keys)
            refs = tuple(reference_to_domain(rows[k]) for k in keys if k in rows)
            links = [(link.kind, link.slug) for link in item.related]
            titles = repo.item_titles(session, links)
            linked_from = tuple(
                ItemRef(ItemKind(r.kind), r.slug, r.title)
                for r in repo.items_linking_to(session, kind, slug)
            )
            return ItemDetail(
                kind=kind,
                item=item,
                references=refs,
                due_for_review=is_due(row.review_due, today),
                locally_edited=row.locally_edited,
                origin=row.origin,
                content_version=row.content_version,
                related=tuple(ItemRef(k, s, titles[k, s]) for k, s in links if (k, s) in titles),
                linked_from=linked_from,
                fingerprint=row.content_hash,
                version_id=row.version_id,
                draft=draft is not None,
                source_changed_on=stale_translations(session, {slug}).get(slug)
                if isinstance(item, c.Handout) and item.translation_of is not None
                else None,
            )

    def get_version(self, version_id: int) -> ItemVersion:
        """Exactly the item as saved in version ``version_id`` (current, older, or a draft).

        Raises:
            NotFoundError: no version with that id.
            StoredItemInvalidError: the stored document no longer fits the schema.
        """
        with self._db.read() as session:
            row = items_db.version_row(session, version_id)
            if row is None:
                raise NotFoundError(f"No saved version {version_id} was found.")
            current = repo.item_row(session, ItemKind(row.kind), row.slug)
            info = _version_info(row, current.version_id if current else None)
            return ItemVersion(info, item_from_document(info.kind, info.slug, row.document))

    def history(self, kind: ItemKind, slug: str) -> list[VersionInfo]:
        """Every saved version of an item, newest first (empty when it never existed)."""
        with self._db.read() as session:
            current = repo.item_row(session, kind, slug)
            current_id = current.version_id if current else None
            rows = items_db.version_rows(session, kind, slug)
            return [_version_info(r, current_id) for r in reversed(rows)]

    def review_summary(self) -> ReviewSummary:
        """Counts of clinical items, those due for review and those unverified."""
        with self._db.read() as session:
            items, due, unverified, earliest = repo.review_counts(session, self._clock().date())
        return ReviewSummary(items, due, unverified, earliest)

    def get_reference(self, key: str) -> ReferenceDetail:
        with self._db.read() as session:
            row = repo.reference_row(session, key)
            if row is None:
                raise NotFoundError(f"No reference called {key!r} was found.")
            citing = tuple(
                (ItemKind(i.kind), i.slug, i.title) for i in repo.items_citing(session, row.id)
            )
            return ReferenceDetail(reference=reference_to_domain(row), cited_by=citing)

    # --- search --------------------------------------------------------------------------

    def changes(self) -> tuple[int | None, int | None]:
        """A marker that moves with every content load, audited edit and import, from any
        window or workstation: two indexed MAX() reads, cheap enough to poll every few seconds."""
        with self._db.read() as session:
            return repo.content_fingerprint(session)

    def listen_for_changes(self, on_change: Callable[[], object]) -> ChangeListener | None:
        """On a server: call ``on_change`` (from another thread) soon after any workstation
        commits a write. None on a SQLite file, where polling ``changes`` is the way."""
        return listen_for_changes(self._db.engine, on_change)

    def search(self, text: str, limit: int = 20) -> SearchResult:
        """Ranked matches over every kind; a miss is an empty result, never "no risk".

        A word the knowledge base does not have is corrected when nothing matches, and the
        corrected query is ranked exactly as if it had been typed; a miss still offers the
        closest words.
        """
        # NFC: "Nguyễn" typed with combining accents finds the stored (NFC) text.
        text = unicodedata.normalize("NFC", text.strip())[:MAX_QUERY_LENGTH]
        limit = max(1, min(limit, 500))
        with self._db.read() as session:
            self._search.check(session)
            synonyms = self._search.synonyms(session)
            plan = plan_query(text, synonyms)
            hits = search_query.run_search(session, plan, limit, self._search)
            if hits or plan.is_empty:
                return SearchResult(query=text, hits=tuple(hits))
            vocabulary = self._search.vocabulary(session)
            corrections = {
                term: close[0]
                for term in (group[0] for group in plan.groups)
                if term not in vocabulary and (close := vocabulary.closest(term))
            }
            if corrections:
                corrected = " ".join(corrections.get(g[0], g[0]) for g in plan.groups)
                retry = plan_query(corrected, synonyms)
                hits = self._search.corrected_hits(session, retry, limit)
                if hits:
                    return SearchResult(query=text, hits=tuple(hits), corrections=corrections)
            headwords = self._search.headwords(session)
            suggestions = [
                word
                for term in (group[0] for group in plan.groups)
                if term not in vocabulary
                for word in headwords.closest(term, n=3, cutoff=SUGGESTION_CUTOFF)
            ]
        return SearchResult(query=text, hits=(), suggestions=tuple(dict.fromkeys(suggestions))[:5])

    def prepare_search(self) -> None:
        """Load what search keeps in memory (synonyms, heads, spelling vocabulary) now.

        Otherwise the first query and the first typo pay for it; a window can call this once it
        is shown.
        """
        with self._db.read() as session:
            self._search.check(session)
            self._search.synonyms(session)
            self._search.heads(session)
            self._search.vocabulary(session)

    # --- editing -------------------------------------------------------------------------

    def edit_item(
        self,
        kind: ItemKind,
        slug: str,
        changes: Mapping[str, Any],
        actor: str | None = None,
        *,
        expected: str | None = None,
    ) -> ItemDetail:
        """Apply field changes to an item, validated like shipped content, marked as local.

        ``expected`` is the ``fingerprint`` of the item the editor started from; when someone
        else saved it since, nothing is written and EditConflictError says who and when.
        The audit event records the fields, their values before and after, and both hashes.

        Raises:
            NotFoundError: no such item.
            EditConflictError: the item changed since ``expected`` was read.
            BadInputError: the changed item would not be valid (nothing is written).
        """
        now = self._clock()
        with self._db.write() as session:
            row, before, after = changed_item(session, kind, slug, changes, expected)
            actor = actor or current_actor()
            detail = _edit_detail(before, after, sorted(changes))
            save_audited(
                session, row, after, Save(actor, now, "edit", "edited in this library", detail)
            )
        return self.get_item(kind, slug)


def changed_item(
    session: Any,
    kind: ItemKind,
    slug: str,
    changes: Mapping[str, Any],
    expected: str | None,
    *,
    base: tuple[t.ItemRow, dict[str, Any]] | None = None,
) -> tuple[t.ItemRow, c.Item, c.Item]:
    """The current row and item, and the item with ``changes`` validated like shipped content.

    ``base`` is the row and document to change when it is not the approved one (a draft).

    Raises:
        NotFoundError: no such approved item.
        EditConflictError: its content hash is no longer ``expected``.
        BadInputError: a slug change, unknown fields, invalid values or unknown references.
    """
    if "slug" in changes:
        raise BadInputError("the slug of an item cannot be changed")
    found = base or items_db.document_of_item(session, kind, slug)
    if found is None:
        raise NotFoundError(f"No {kind.singular.lower()} called {slug!r} was found.")
    row, document = found
    before = item_from_document(kind, slug, document)
    if expected is not None and row.content_hash != expected:
        raise conflict_error(session, kind, slug)
    data = before.model_dump(mode="python", by_alias=True)
    unknown = sorted(set(changes) - set(data))
    if unknown:
        raise BadInputError(f"unknown field(s) for {kind.value}: {', '.join(unknown)}")
    data.update(changes)
    try:
        after = type(before).model_validate(data)
    except ValidationError as exc:
        raise BadInputError("; ".join(format_validation_error(exc))) from exc
    missing = cited_reference_ids(after) - set(
        repo.references_by_key(session, sorted(cited_reference_ids(after)))
    )
    if missing:
        raise BadInputError(f"unknown reference(s): {', '.join(sorted(missing))}")
    return row, before, after


def _edit_detail(before: c.Item, after: c.Item, fields: list[str]) -> dict[str, object]:
    """What an edit changed: each field's value before and after (content only, no patient)."""
    old = before.model_dump(mode="json", by_alias=True)
    new = after.model_dump(mode="json", by_alias=True)
    return {
        "fields": fields,
        "changes": {
            name: {"before": old.get(name), "after": new.get(name)}
            for name in fields
            if old.get(name) != new.get(name)
        },
        "before_hash": model_hash(before),
        "after_hash": model_hash(after),
    }


def _version_info(row: t.ItemVersionRow, current_id: int | None) -> VersionInfo:
    return VersionInfo(
        version_id=row.id,
        kind=ItemKind(row.kind),
        slug=row.slug,
        language=row.language,
        state=ContentState(row.state),
        content_version=row.content_version,
        content_hash=row.content_hash,
        saved_by=row.saved_by,
        saved_at=repo.aware(row.saved_at),
        reason=row.reason,
        release=row.release,
        current=row.id == current_id,
    )


def conflict_error(session: Any, kind: ItemKind, slug: str) -> EditConflictError:
    latest = repo.audit_events(session, limit=1, kind=kind.value, slug=slug)
    who = latest[0].actor if latest else None
    when = latest[0].at if latest else None
    by = f" by {who} at {when:%Y-%m-%d %H:%M} UTC" if who and when else ""
    return EditConflictError(
        f"{kind.singular} {slug!r} was changed{by} after you opened it. Your text was not "
        "saved: reload the item and apply your change again.",
        changed_by=who,
        changed_at=when,
    )
