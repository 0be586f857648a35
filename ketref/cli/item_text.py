"""``ketref show`` as a clinician reads it: headings, wrapped paragraphs, names instead of ids.

Field names become headings in words, products and classes their labels, the references an item
cites their numbers in its list, and linked items their titles. ``--json`` keeps the structure.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TextIO

from ketref.domain import enums
from ketref.domain.catalogue import ItemDetail, ReferenceDetail
from ketref.domain.enums import ContraindicationClass, ItemKind, Product
from ketref.domain.field_words import field_label

WIDTH = 88
HIDDEN = {"slug", "title", "references", "reviewed", "review_due", "verified", "related", "kind"}
"""Fields shown in the header or the reference list, not as sections of their own."""
_PRODUCTS = {p.value: p.label for p in Product}
_CLASSES = {c.value: c.label for c in ContraindicationClass}
_ENUM_VALUES = {
    member.value
    for kind in vars(enums).values()
    if isinstance(kind, type) and issubclass(kind, StrEnum)
    for member in kind
}
"""Stored enum values ("off-label", "not-approved") are shown as words ("off label")."""

Titles = Mapping[str, Mapping[str, str]]
"""Item titles by field name ("indication") and slug, for fields that name another item."""


def titles_by_field(items: Mapping[ItemKind, Mapping[str, str]]) -> dict[str, Mapping[str, str]]:
    """``{kind: {slug: title}}`` keyed by the field names that point at each kind."""
    return {kind.singular.lower().replace(" ", "_"): titles for kind, titles in items.items()}


heading = field_label


def _word(value: object) -> str:
    text = str(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if text in _ENUM_VALUES and text not in _PRODUCTS and text not in _CLASSES:
        return text.replace("-", " ")
    return _PRODUCTS.get(text) or _CLASSES.get(text) or text


def _para(text: str, indent: str, out: TextIO) -> None:
    out.write(textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent) + "\n")


class _Writer:
    def __init__(self, numbers: Mapping[str, int], titles: Titles, out: TextIO) -> None:
        self.numbers = numbers
        self.titles = titles
        self.out = out

    def refs(self, ids: list[Any]) -> str:
        marks = [str(self.numbers[i]) for i in ids if i in self.numbers]
        return f" [{', '.join(marks)}]" if marks else ""

    def value(self, value: Any, indent: str) -> None:
        if isinstance(value, dict):
            cited = self.refs(value.get("references") or [])
            for key, sub in value.items():
                if key == "references" or sub in (None, [], {}, ""):
                    continue
                label = _PRODUCTS.get(key) or heading(key)
                if isinstance(sub, dict | list):
                    self.out.write(f"{indent}{label}:\n")
                    self.value(sub, indent + "  ")
                else:
                    shown = self.titles.get(key, {}).get(str(sub)) or _word(sub)
                    _para(f"{label}: {shown}", indent, self.out)
            if cited:
                self.out.write(f"{indent}Sources:{cited}\n")
        elif isinstance(value, list):
            for sub in value:
                if isinstance(sub, dict | list):
                    self.out.write(f"{indent}-\n")
                    self.value(sub, indent + "  ")
                else:
                    _para(f"- {_word(sub)}", indent, self.out)
        else:
            _para(_word(value), indent, self.out)


def write_item(detail: ItemDetail, out: TextIO, titles: Titles | None = None) -> None:
    """The item as headed, wrapped text; ``titles`` names the items its fields point at."""
    item = detail.item
    marks = [
        text
        for flag, text in (
            (detail.due_for_review, "DUE FOR REVIEW"),
            (not item.verified, "UNVERIFIED"),
            (detail.locally_edited, "LOCAL EDIT"),
        )
        if flag
    ]
    out.write(f"{item.title}\n{'=' * min(len(item.title), WIDTH)}\n")
    out.write(f"{detail.kind.singular}\n")
    out.write(f"Reviewed {item.reviewed:%Y-%m-%d}; review due {item.review_due:%Y-%m-%d}\n")
    if marks:
        out.write("[" + "] [".join(marks) + "]\n")
    numbers = {ref.id: n for n, ref in enumerate(detail.references, start=1)}
    writer = _Writer(numbers, titles or {}, out)
    body = item.model_dump(mode="json", by_alias=True)
    for key, value in body.items():
        if key in HIDDEN or value in (None, [], {}, ""):
            continue
        out.write(f"\n{heading(key)}\n")
        writer.value(value, "  ")
    for title, links in (("Related", detail.related), ("Linked from", detail.linked_from)):
        if links:
            out.write(f"\n{title}\n")
            for link in links:
                _para(f"- {link.title} ({link.kind.singular.lower()})", "  ", out)
    out.write("\nReferences\n")
    for number, ref in enumerate(detail.references, start=1):
        mark = " [unverified]" if not ref.verified else ""
        out.write(
            textwrap.fill(
                f"[{number}] {ref.citation}{mark}",
                WIDTH,
                initial_indent="  ",
                subsequent_indent="      ",
            )
            + "\n"
        )


def write_reference(detail: ReferenceDetail, out: TextIO) -> None:
    ref = detail.reference
    out.write(f"{ref.title}\n{'=' * min(len(ref.title), WIDTH)}\n")
    if not ref.verified:
        _para(f"[UNVERIFIED] {ref.note}", "", out)
    _para(ref.citation, "", out)
    for label, value in (("DOI", ref.doi), ("PMID", ref.pmid), ("Web", ref.url)):
        if value:
            out.write(f"{label}: {value}\n")
    if detail.cited_by:
        out.write("\nCited by\n")
        for kind, _slug, title in detail.cited_by:
            _para(f"- {title} ({kind.singular.lower()})", "  ", out)
