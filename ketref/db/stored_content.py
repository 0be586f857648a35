"""Everything the library holds, read back through the content schema (for ``db check``).

Each item is rebuilt into its validated domain model one at a time, so one unreadable item does
not stop the whole check.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError
from sqlalchemy.orm import Session

from ketref.db import items as items_db
from ketref.db import repositories as repo
from ketref.db.mapping import item_from_document, reference_to_domain, rule_to_domain
from ketref.domain import content as c
from ketref.domain.enums import ItemKind
from ketref.domain.errors import StoredItemInvalidError


@dataclass
class StoredContent:
    items: list[tuple[ItemKind, c.Item]] = field(default_factory=list)
    references: list[c.Reference] = field(default_factory=list)
    rules: list[c.ScreeningRule] = field(default_factory=list)
    local: set[str] = field(default_factory=set)
    """``kind/slug`` of every item edited or added in this library (not from a release)."""
    present: set[str] = field(default_factory=set)
    """``kind/slug`` of every item stored, readable or not."""
    unreadable: list[str] = field(default_factory=list)


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(p) for p in error["loc"]) or "item"
    return f"{where}: {error['msg']}"


def read_stored_content(session: Session) -> StoredContent:
    """Every current item, reference and screening rule, each validated by its domain model.

    Items whose document does not fit the schema are left out here: ``invalid_documents``
    reports them (``db check`` shows both).
    """
    found = StoredContent()
    for kind in c.MODEL_BY_KIND:
        for row, document in items_db.documents_of_kind(session, kind):
            found.present.add(f"{kind.value}/{row.slug}")
            if row.locally_edited or row.origin != "shipped":
                found.local.add(f"{kind.value}/{row.slug}")
            try:
                found.items.append((kind, item_from_document(kind, row.slug, document)))
            except StoredItemInvalidError:
                continue
    for ref_row in repo.reference_rows(session):
        try:
            found.references.append(reference_to_domain(ref_row))
        except ValidationError as exc:
            found.unreadable.append(
                f"references/{ref_row.key} does not fit the content schema: {_first_error(exc)}"
            )
    for rule_row in repo.screening_rule_rows(session):
        try:
            found.rules.append(rule_to_domain(rule_row))
        except ValidationError as exc:
            found.unreadable.append(
                f"screening rule {rule_row.key} does not fit the content schema: "
                f"{_first_error(exc)}"
            )
    return found
