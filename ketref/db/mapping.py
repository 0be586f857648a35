"""Content models as stored documents, and the few flat rows (references, rules) in between.

An item's stored form is ``model_dump(mode="json", by_alias=True)`` of its validated model, so a
new field is one edit to ``domain/content.py``; reading it back validates it again, so a
document edited by hand (or written by a newer ketref) is reported, never trusted.
"""

from __future__ import annotations

import hashlib
from typing import Any

from pydantic import BaseModel, ValidationError

from ketref.db import tables as t
from ketref.db.bulk_insert import canonical_json
from ketref.db.search_writer import SearchDocument
from ketref.domain import content as c
from ketref.domain.enums import ItemKind
from ketref.domain.errors import StoredItemInvalidError
from ketref.domain.model_walk import texts_and_references
from ketref.domain.validation import format_validation_error

DEFAULT_LANGUAGE = "en"


def document_hash(document: dict[str, Any]) -> str:
    """A stable fingerprint of a document (used to notice local edits and changes)."""
    return text_hash(canonical_json(document))


def text_hash(canonical: str) -> str:
    """``document_hash`` of the document whose ``canonical_json`` is ``canonical``."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def document_of(model: BaseModel) -> dict[str, Any]:
    """The stored form of a validated model."""
    return model.model_dump(mode="json", by_alias=True)


def model_hash(model: BaseModel) -> str:
    return document_hash(document_of(model))


def item_from_document(kind: ItemKind, slug: str, document: dict[str, Any]) -> c.Item:
    """Validate a stored document as the model of its kind.

    Raises:
        StoredItemInvalidError: the document does not fit the schema (its first error named).
    """
    try:
        return c.MODEL_BY_KIND[kind].model_validate(document)
    except ValidationError as exc:
        raise StoredItemInvalidError(kind.value, slug, format_validation_error(exc)[0]) from None


def language_of(item: c.Item) -> str:
    return str(getattr(item, "language", DEFAULT_LANGUAGE))


def head_columns(kind: ItemKind, item: c.Item) -> dict[str, Any]:
    """The ``item`` columns copied from a document, for lists, filters and search."""
    sort_key = ""
    if isinstance(item, c.MonitoringStep):
        sort_key = f"{item.phase.value}:{item.order:04d}"
    return {
        "kind": kind.value,
        "slug": item.slug,
        "language": language_of(item),
        "title": item.title,
        "summary": item.summary,
        "sort_key": sort_key,
        "reviewed": item.reviewed,
        "review_due": item.review_due,
        "verified": item.verified,
    }


# --- References ----------------------------------------------------------------------------

_REFERENCE_FIELDS = (
    "kind",
    "citation",
    "title",
    "authors",
    "source",
    "year",
    "doi",
    "pmid",
    "pmcid",
    "set_id",
    "url",
    "verified",
    "note",
)


def reference_to_domain(row: t.ReferenceRow) -> c.Reference:
    data = {name: getattr(row, name) for name in _REFERENCE_FIELDS}
    return c.Reference.model_validate({"id": row.key, **data})


def reference_values(ref: c.Reference) -> dict[str, Any]:
    """The ``reference`` columns for ``ref`` (for Core inserts and updates)."""
    values = {name: getattr(ref, name) for name in _REFERENCE_FIELDS}
    values["kind"] = ref.kind.value
    return {"key": ref.id, **values}


# --- Screening rules -----------------------------------------------------------------------


def rule_values(rule: c.ScreeningRule) -> dict[str, Any]:
    """The ``screening_rule`` columns for ``rule``; its typed condition goes in ``parameters``."""
    return {
        "key": rule.id,
        "version": rule.version,
        "factor": rule.factor,
        "products": [p.value for p in rule.products],
        "outcome": rule.outcome.value,
        "parameters": {
            "when": rule.when.model_dump(mode="json", exclude_none=True),
            "label_conditions": [
                lc.model_dump(mode="json", exclude_none=True) for lc in rule.label_conditions
            ],
        },
        "message": rule.message,
        "contraindication_slug": rule.contraindication,
        "reviewed": rule.reviewed,
        "review_due": rule.review_due,
        "verified": rule.verified,
        "unverified_note": rule.unverified_note,
    }


def rule_to_domain(row: t.ScreeningRuleRow) -> c.ScreeningRule:
    """Rebuild (and re-validate) a rule from its row."""
    return c.ScreeningRule.model_validate(
        {
            "id": row.key,
            "version": row.version,
            "factor": row.factor,
            "products": list(row.products),
            "outcome": row.outcome,
            "when": row.parameters.get("when"),
            "label_conditions": row.parameters.get("label_conditions", []),
            "message": row.message,
            "contraindication": row.contraindication_slug,
            "references": [link.reference.key for link in row.references],
            "reviewed": row.reviewed,
            "review_due": row.review_due,
            "verified": row.verified,
            "unverified_note": row.unverified_note,
        }
    )


def search_text(item: c.Item, cited: set[str] | None = None) -> str:
    """Every word of an item worth finding, for the search index (enum codes left out).
    ``cited``, when given, also receives every reference id the item cites (the same walk)."""
    texts, found = texts_and_references(item, NOT_SEARCHED, references_wanted=cited is not None)
    if cited is not None:
        cited |= found
    return "\n".join([item.summary, *texts])


Citations = dict[tuple[str, str], set[str]]
"""The reference ids each item cites, by (kind, slug): ``ItemSave``'s ``cited``."""


NOT_SEARCHED = frozenset(
    {
        "references",
        "slug",
        "title",
        "summary",
        "related",
        "type",
        "language",
        "version",
        "translation_of",
    }
)
"""Fields whose text is not words a clinician looks for: codes ("paragraph", "en", "1.0",
a source's fingerprint) matched every handout's body, and title and summary are indexed apart."""


def item_document(
    kind: ItemKind, item: c.Item, citations: Citations | None = None
) -> SearchDocument:
    """What search indexes of a clinical item; an interaction's agents and class are aliases,
    a handout's or product page's section headings say what its parts are about.

    ``citations``, when given, receives what the item cites, so a bulk load walks each item
    once for its search text and its reference rows."""
    cited = None if citations is None else citations.setdefault((kind.value, item.slug), set())
    aliases = ", ".join([item.drug_class, *item.agents]) if isinstance(item, c.Interaction) else ""
    sections: list[c.HandoutSection] | list[c.ProductSection] = (
        item.sections
        if isinstance(item, c.Handout)
        else item.context
        if isinstance(item, c.ProductPage)
        else []
    )
    return SearchDocument(
        kind=kind.value,
        slug=item.slug,
        title=item.title,
        body=search_text(item, cited),
        summary=item.summary,
        aliases=aliases,
        headings="\n".join(section.heading for section in sections),
    )


def reference_document(ref: t.ReferenceRow) -> SearchDocument:
    """What search indexes of a reference: its title, and its citation and identifiers."""
    body = "\n".join(filter(None, [ref.citation, ref.doi, ref.pmid, ref.set_id, ref.note]))
    return SearchDocument(kind=ItemKind.REFERENCE.value, slug=ref.key, title=ref.title, body=body)
