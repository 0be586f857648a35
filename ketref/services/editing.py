"""The in-window editor's use cases: open an item to edit, save a draft, add, duplicate, retire
and restore, add or change a reference, and preview an unsaved item as its page and its printout.

Edits of clinical items are saved as drafts (``ReviewService.save_draft``), which never list,
search, screen or print until approved. References are not versioned: a saved reference is
current at once (marked local, audited). Every write is audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from ketref.db import item_lifecycle as lifecycle
from ketref.db import items as items_db
from ketref.db import repositories as repo
from ketref.db import tables as t
from ketref.db.clinic import load_clinic_profile
from ketref.db.engine import Database
from ketref.db.mapping import item_from_document, model_hash, reference_to_domain
from ketref.domain import content as c
from ketref.domain.catalogue import ItemDetail, ItemRef, RetiredItem, is_due
from ketref.domain.clock import Clock, system_clock
from ketref.domain.document import HandoutPrint
from ketref.domain.editing import Problem, check_item, unique_slug
from ketref.domain.enums import ContentState, ItemKind
from ketref.domain.errors import BadInputError, EditConflictError, NotFoundError
from ketref.domain.model_walk import cited_reference_ids
from ketref.domain.printing import PrintOptions
from ketref.pdf.handout import render_handout
from ketref.services.audited_save import Save, save_audited
from ketref.services.catalogue import current_actor
from ketref.services.review import ReviewService


class InvalidEditError(BadInputError):
    """The edited item does not validate; ``problems`` says where and why. Nothing was saved."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class EditStart:
    """What an editor opens: the newest text of an item (a waiting draft, if any) and the
    fingerprint to hand back when saving, so a save made meanwhile is caught."""

    kind: ItemKind
    slug: str
    data: dict[str, Any]
    """The document as JSON-like data (dates as ISO text), ready for a form."""
    fingerprint: str
    draft_version: int | None
    """The waiting draft this text comes from (``None``: the approved version)."""
    saved_by: str | None = None


@dataclass(frozen=True)
class EditContext:
    """What live checking needs from the library, read once when an editor opens."""

    references: tuple[c.Reference, ...]
    taken_slugs: frozenset[str]

    @property
    def reference_ids(self) -> set[str]:
        return {r.id for r in self.references}


@dataclass(frozen=True)
class Restored:
    """What restoring a retired item did."""

    kind: ItemKind
    slug: str
    title: str
    version_id: int
    draft: bool
    """It had never been approved: it is back as a draft, waiting for approval."""
    release_changed: str | None = None
    """A content release (this version) changed the item while it was retired; the restored
    text is the one it had, so "compare with shipped" shows what the release says."""

    def message(self) -> str:
        """One or two sentences for the status bar and the command line."""
        name = f"“{self.title}”"
        text = (
            f"Restored {name} as a draft: it prints and screens only after approval."
            if self.draft
            else f"Restored {name}: it is back in the lists, search, screening and printing."
        )
        if self.release_changed:
            text += (
                f" Content release {self.release_changed} changed it while it was retired; "
                "compare it with the shipped version to see what the release says."
            )
        return text


class EditingService:
    def __init__(self, db: Database, review: ReviewService, clock: Clock = system_clock) -> None:
        self._db = db
        self._review = review
        self._clock = clock

    # --- reading ---------------------------------------------------------------------------

    def today(self) -> date:
        """Today by the library's clock (a new item's review dates start from it)."""
        return self._clock().date()

    def context(self, kind: ItemKind) -> EditContext:
        with self._db.read() as session:
            refs = tuple(reference_to_domain(r) for r in repo.reference_rows(session))
            return EditContext(refs, frozenset(lifecycle.slugs_in_use(session, kind)))

    def start(self, kind: ItemKind, slug: str) -> EditStart:
        """The text to edit: the waiting draft if there is one, else the approved version.

        Raises:
            NotFoundError: no such item (or it was retired).
        """
        with self._db.read() as session:
            if kind is ItemKind.REFERENCE:
                ref_row = repo.reference_row(session, slug)
                if ref_row is None:
                    raise NotFoundError(f"No reference called {slug!r} was found.")
                ref = reference_to_domain(ref_row)
                return EditStart(kind, slug, ref.model_dump(mode="json"), model_hash(ref), None)
            row = _head(session, kind, slug)
            draft = lifecycle.newest_draft(session, row)
            version = draft or session.get(t.ItemVersionRow, row.version_id)
            assert version is not None
            item = item_from_document(kind, slug, version.document)
            return EditStart(
                kind,
                slug,
                item.model_dump(mode="json", by_alias=True),
                version.content_hash,
                draft.id if draft else None,
                version.saved_by,
            )

    def title(self, kind: ItemKind, slug: str) -> str:
        """The title of an item in the library (approved or a draft), to name it to people.

        Raises:
            NotFoundError: no such item (or it was retired).
        """
        with self._db.read() as session:
            return _head(session, kind, slug).title

    def preview_detail(self, kind: ItemKind, item: c.Item) -> ItemDetail:
        """``item`` (not saved) as the detail page will show it, its sources resolved."""
        today = self._clock().date()
        with self._db.read() as session:
            keys = list(dict.fromkeys([*item.references, *sorted(cited_reference_ids(item))]))
            rows = repo.references_by_key(session, keys)
            links = [(link.kind, link.slug) for link in item.related]
            titles = repo.item_titles(session, links)
            release = lifecycle.latest_release(session)
        return ItemDetail(
            kind=kind,
            item=item,
            references=tuple(reference_to_domain(rows[k]) for k in keys if k in rows),
            due_for_review=is_due(item.review_due, today),
            locally_edited=True,
            origin="local",
            content_version=release or "local",
            related=tuple(ItemRef(k, s, titles[k, s]) for k, s in links if (k, s) in titles),
        )

    def preview_pdf(self, handout: c.Handout) -> bytes:
        """``handout`` (not saved) rendered exactly as printing would, for the editor's preview."""
        today = self._clock().date()
        with self._db.read() as session:
            clinic = load_clinic_profile(session)
            release = lifecycle.latest_release(session)
        item = HandoutPrint(handout, release or "local", is_due(handout.review_due, today))
        return render_handout(item, clinic, PrintOptions())

    # --- writing ---------------------------------------------------------------------------

    def save(
        self,
        kind: ItemKind,
        slug: str,
        data: Mapping[str, Any],
        *,
        expected: str,
        accept_reading_level: bool = False,
    ) -> EditStart:
        """Save the edited ``data`` as a draft (a reference: as current); what to edit next.

        Raises:
            InvalidEditError: the data does not validate (each problem at its field).
            ReadingLevelError: a handout above the reading-level limit, not accepted.
            EditConflictError: someone saved the item after ``expected`` was read.
            NotFoundError: the item is gone (retired).
        """
        context = self.context(kind)
        model, problems = check_item(kind, data, known_references=context.reference_ids)
        if model is None:
            raise InvalidEditError(problems)
        if getattr(model, "slug", getattr(model, "id", None)) != slug:
            raise InvalidEditError([Problem(("slug",), "The short name of an item cannot change.")])
        if kind is ItemKind.REFERENCE:
            assert isinstance(model, c.Reference)
            self._save_reference(model, expected=expected)
        else:
            before = self.start(kind, slug).data
            after = model.model_dump(mode="json", by_alias=True)
            values = model.model_dump(mode="python", by_alias=True)
            changes = {k: values[k] for k in after if after[k] != before.get(k)}
            self._review.save_draft(
                kind, slug, changes, expected=expected, accept_reading_level=accept_reading_level
            )
        return self.start(kind, slug)

    def add(self, kind: ItemKind, data: Mapping[str, Any]) -> str:
        """Add a new item as a draft (a reference: at once); its slug.

        Raises:
            InvalidEditError: invalid data, or its slug is already used by another item.
        """
        context = self.context(kind)
        model, problems = check_item(
            kind, data, known_references=context.reference_ids, taken_slugs=set(context.taken_slugs)
        )
        if model is None:
            raise InvalidEditError(problems)
        now, actor = self._clock(), current_actor()
        with self._db.write() as session:
            if isinstance(model, c.Reference):
                lifecycle.save_reference(session, model, new=True)
                slug, version = model.id, None
            else:
                assert isinstance(model, c.Item)
                slug = model.slug
                version = lifecycle.add_draft_item(session, kind, model, actor=actor, now=now)
            repo.audit(
                session,
                now=now,
                actor=actor,
                action="add",
                kind=kind,
                slug=slug,
                content_version=None,
                detail={"draft": version} if version else {},
            )
        return slug

    def duplicate(self, kind: ItemKind, slug: str) -> str:
        """Copy an item (its newest text) as a new draft under a new unique slug; that slug."""
        if kind is ItemKind.REFERENCE:
            raise BadInputError("references are added, not duplicated")
        start = self.start(kind, slug)
        taken = self.context(kind).taken_slugs
        new_slug = unique_slug(f"{slug}-copy"[:80].rstrip("-"), set(taken))
        title = str(start.data["title"])
        data = {**start.data, "slug": new_slug, "title": f"{title} (copy)"[:300]}
        return self.add(kind, data)

    def retire(self, kind: ItemKind, slug: str, reason: str = "") -> int:
        """Take an item out of lists, search and printing, keeping its history; the id of the
        version that records it.

        Raises:
            NotFoundError: no such item, or it is already retired.
        """
        if kind is ItemKind.REFERENCE:
            raise BadInputError("a reference stays while items cite it; retire those items")
        now, actor = self._clock(), current_actor()
        with self._db.write() as session:
            row = _head(session, kind, slug)
            version = lifecycle.retire_item(session, row, actor=actor, now=now, reason=reason)
            repo.audit(
                session,
                now=now,
                actor=actor,
                action="retire",
                kind=kind,
                slug=slug,
                content_version=row.content_version,
                detail={"version": version, "reason": reason},
            )
            return version

    def retired(self) -> list[RetiredItem]:
        """Every retired item, the most recently retired first."""
        with self._db.read() as session:
            return lifecycle.retired_items(session)

    def restore_retired(self, kind: ItemKind, slug: str, reason: str = "") -> Restored:
        """Bring a retired item back with the document it had when retired, as a new version
        (audited as ``restore``); the same role as retiring it.

        It lists, searches, screens and prints again, and links to it show again. It counts as
        shipped (a later release may update it) only when that document is the shipped one;
        otherwise it stays locally edited, so no release overwrites the restored text unasked.
        A new item retired before it was ever approved comes back as a draft, never approved.

        Raises:
            NotFoundError: no such item.
            BadInputError: it is not retired, or it is a reference (never retired).
            StoredItemInvalidError: its stored document no longer fits the schema.
        """
        if kind is ItemKind.REFERENCE:
            raise BadInputError("references are never retired, so there is none to restore")
        now, actor = self._clock(), current_actor()
        with self._db.write() as session:
            row = items_db.head_row(session, kind, slug)
            if row is None:
                raise NotFoundError(f"No {kind.singular.lower()} called {slug!r} was found.")
            found = lifecycle.retired_items(session, (kind, slug))
            if not found:
                raise BadInputError(
                    f"{kind.singular} {row.title!r} ({slug}) is not retired: it is in the "
                    "library already. Nothing was changed."
                )
            retired = found[0]
            old = items_db.version_row(session, retired.version_id)
            assert old is not None
            item = item_from_document(kind, slug, old.document)
            release = _release_since(session, old)
            state = ContentState.DRAFT if retired.was_draft else ContentState.APPROVED
            why = "restored after retirement" + (f": {reason}" if reason else "")
            detail: dict[str, object] = {
                "retired_version": retired.version_id,
                "reason": reason,
                "draft": retired.was_draft,
                "release_changed": release,
            }
            version = save_audited(
                session,
                row,
                item,
                Save(actor, now, "restore", why, detail),
                state=state,
                locally_edited=retired.was_draft or old.content_hash != row.shipped_hash,
            )
            if retired.was_draft:
                lifecycle.reopen_as_draft(session, row, version, now=now)
        return Restored(kind, slug, retired.title, version, retired.was_draft, release)

    def _save_reference(self, reference: c.Reference, *, expected: str) -> None:
        now, actor = self._clock(), current_actor()
        with self._db.write() as session:
            row = repo.reference_row(session, reference.id)
            if row is None:
                raise NotFoundError(f"No reference called {reference.id!r} was found.")
            before = reference_to_domain(row)
            if model_hash(before) != expected:
                raise EditConflictError(
                    f"Reference {reference.id!r} was changed after you opened it. Your text was "
                    "not saved.",
                    changed_by=None,
                    changed_at=None,
                )
            lifecycle.save_reference(session, reference, new=False)
            repo.audit(
                session,
                now=now,
                actor=actor,
                action="edit",
                kind=ItemKind.REFERENCE,
                slug=reference.id,
                content_version=None,
                detail={
                    "before": before.model_dump(mode="json"),
                    "after": reference.model_dump(mode="json"),
                },
            )


def _release_since(session: Session, retired: t.ItemVersionRow) -> str | None:
    """The newest content release that changed the item after ``retired`` was saved."""
    releases = [
        v
        for v in items_db.version_rows(session, ItemKind(retired.kind), retired.slug)
        if v.state == ContentState.RELEASE.value and v.id > retired.id
    ]
    if not releases or releases[-1].content_hash == retired.content_hash:
        return None
    return releases[-1].release or releases[-1].content_version


def _head(session: Session, kind: ItemKind, slug: str) -> t.ItemRow:
    """The item row of (kind, slug), approved or a draft.

    Raises:
        NotFoundError: no such item, or it is retired (the message says so: it can be restored).
    """
    row = items_db.head_row(session, kind, slug)
    if row is None:
        raise NotFoundError(f"No {kind.singular.lower()} called {slug!r} was found.")
    if row.state == ContentState.RETIRED.value:
        raise NotFoundError(
            f"{kind.singular} {row.title!r} ({slug}) is retired: it is listed with the retired "
            "items, where it can be restored."
        )
    return row
