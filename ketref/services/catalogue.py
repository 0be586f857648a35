"""Browsing, searching and editing the knowledge base."""

from __future__ import annotations

import getpass
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from ketref.content.reader import format_validation_error
from ketref.db import repositories as repo
from ketref.db import search as search_db
from ketref.db.engine import Database
from ketref.db.mapping import item_to_domain, reference_to_domain
from ketref.domain import content as c
from ketref.domain.catalogue import ItemDetail, ItemSummary, ReferenceDetail, is_due
from ketref.domain.clock import Clock, system_clock
from ketref.domain.enums import ItemKind
from ketref.domain.errors import BadInputError, NotFoundError
from ketref.domain.search import QueryPlan, SearchResult, plan_query

MAX_QUERY_LENGTH = 200


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
        self._search = search_db.SearchCache()

    # --- listing and detail --------------------------------------------------------------

    def list_items(self, kind: ItemKind) -> list[ItemSummary]:
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
                )
                for row in repo.item_rows(session, kind)
            ]

    def get_item(self, kind: ItemKind, slug: str) -> ItemDetail:
        """One clinical item with its references in citation order.

        Raises:
            NotFoundError: no such item (this says nothing about clinical risk).
        """
        if kind is ItemKind.REFERENCE:
            raise BadInputError("use get_reference for references")
        today = self._clock().date()
        with self._db.read() as session:
            row = repo.item_row(session, kind, slug)
            if row is None:
                raise NotFoundError(f"No {kind.singular.lower()} called {slug!r} was found.")
            item = item_to_domain(row)
            keys = list(dict.fromkeys([*item.references, *sorted(c.cited_reference_ids(item))]))
            rows = repo.references_by_key(session, keys)
            refs = tuple(reference_to_domain(rows[k]) for k in keys if k in rows)
            return ItemDetail(
                kind=kind,
                item=item,
                references=refs,
                due_for_review=is_due(row.review_due, today),
                locally_edited=row.locally_edited,
                origin=row.origin,
                content_version=row.content_version,
            )

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

    def search(self, text: str, limit: int = 20) -> SearchResult:
        """Ranked matches over every kind; a miss is an empty result, never "no risk"."""
        text = text.strip()[:MAX_QUERY_LENGTH]
        limit = max(1, min(limit, 500))
        with self._db.read() as session:
            self._search.check(session)
            plan = plan_query(text, self._search.synonyms(session))
            hits = search_db.run_search(session, plan, limit, self._search)
            if hits or plan.is_empty:
                return SearchResult(query=text, hits=tuple(hits))
            corrected, corrections = self._corrected_plan(session, plan)
            if corrections:
                hits = search_db.run_search(session, corrected, limit, self._search)
        return SearchResult(query=text, hits=tuple(hits), corrections=corrections if hits else {})

    def prepare_search(self) -> None:
        """Load what search keeps in memory (synonyms, titles, spelling vocabulary) now.

        Otherwise the first query and the first typo pay for it; a window can call this once it
        is shown.
        """
        with self._db.read() as session:
            self._search.check(session)
            self._search.synonyms(session)
            self._search.documents(session)
            self._search.titles(session)
            self._search.vocabulary(session)

    def _corrected_plan(self, session: Any, plan: QueryPlan) -> tuple[QueryPlan, dict[str, str]]:
        """Widen each group with close vocabulary words (typos trigram matching cannot bridge)."""
        vocabulary = self._search.vocabulary(session)
        groups: list[tuple[str, ...]] = []
        corrections: dict[str, str] = {}
        for group in plan.groups:
            close = vocabulary.closest(group[0]) if group[0] not in vocabulary else []
            if close:
                corrections[group[0]] = close[0]
                groups.append(tuple(dict.fromkeys([*group, *close])))
            else:
                groups.append(group)
        return QueryPlan(text=plan.text, groups=tuple(groups)), corrections

    # --- editing -------------------------------------------------------------------------

    def edit_item(
        self, kind: ItemKind, slug: str, changes: Mapping[str, Any], actor: str | None = None
    ) -> ItemDetail:
        """Apply field changes to an item, validated like shipped content, marked as local.

        Raises:
            NotFoundError: no such item.
            BadInputError: the changed item would not be valid (nothing is written).
        """
        if "slug" in changes:
            raise BadInputError("the slug of an item cannot be changed")
        now = self._clock()
        with self._db.write() as session:
            row = repo.item_row(session, kind, slug)
            if row is None:
                raise NotFoundError(f"No {kind.singular.lower()} called {slug!r} was found.")
            before = item_to_domain(row)
            data = before.model_dump(mode="python", by_alias=True)
            unknown = sorted(set(changes) - set(data))
            if unknown:
                raise BadInputError(f"unknown field(s) for {kind.value}: {', '.join(unknown)}")
            data.update(changes)
            try:
                after = type(before).model_validate(data)
            except ValidationError as exc:
                raise BadInputError("; ".join(format_validation_error(exc))) from exc
            missing = c.cited_reference_ids(after) - set(
                repo.references_by_key(session, sorted(c.cited_reference_ids(after)))
            )
            if missing:
                raise BadInputError(f"unknown reference(s): {', '.join(sorted(missing))}")
            repo.save_local_edit(session, row, after, now=now)
            repo.audit(
                session,
                now=now,
                actor=actor or current_actor(),
                action="edit",
                kind=kind,
                slug=slug,
                content_version=row.content_version,
                detail={"fields": sorted(changes)},
            )
        return self.get_item(kind, slug)
