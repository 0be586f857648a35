"""The generic head of every content model: strict base, references, links, review fields.

Split from ``content`` so the kinds read apart from what they share; ``content`` re-exports
these names, so callers keep one import for the whole schema.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, Strict, StringConstraints, model_validator

from ketref.domain import enums as e

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=1, max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=6000)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
RefIds = Annotated[list[Slug], Field(min_length=1)]
LooseDate = Annotated[date, Field(strict=False)]
"""Dates come as YAML dates or as ISO strings from JSON packs; both are accepted."""

VERSION_PATTERN = r"^\d+\.\d+(?:\.\d+)?$"

# Enums arrive as their text values (YAML, JSON); strict mode would demand enum instances.
ItemKindT = Annotated[e.ItemKind, Strict(False)]
ReferenceKindT = Annotated[e.ReferenceKind, Strict(False)]


class Model(BaseModel):
    """Base for every content model: strict types, unknown keys rejected, immutable.

    Validators are built on first use (``defer_build``), so starting the window does not pay
    for the models it never validates.
    """

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, defer_build=True)


class Reference(Model):
    """A source that clinical statements cite."""

    id: Slug
    kind: ReferenceKindT
    citation: Text
    title: Text
    authors: ShortText | None = None
    source: ShortText | None = None
    year: Annotated[int, Field(ge=1900, le=2100)] | None = None
    doi: Annotated[str, StringConstraints(pattern=r"^10\.\d{4,9}/\S+$")] | None = None
    pmid: Annotated[str, StringConstraints(pattern=r"^\d{1,9}$")] | None = None
    pmcid: Annotated[str, StringConstraints(pattern=r"^PMC\d{1,9}$")] | None = None
    set_id: ShortText | None = None
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None
    verified: bool = True
    note: Text | None = None

    @model_validator(mode="after")
    def _unverified_needs_note(self) -> Self:
        if not self.verified and not self.note:
            raise ValueError("an unverified reference needs a note saying what is unverified")
        return self


class Link(Model):
    """A cross-link from one item to another (e.g. a side effect to the check that catches it)."""

    kind: ItemKindT
    slug: Slug


class Sourced(Model):
    """Fields every clinical statement carries: sources, review dates, verification."""

    references: RefIds
    reviewed: LooseDate
    review_due: LooseDate
    verified: bool = True
    unverified_note: Text | None = None

    @model_validator(mode="after")
    def _check_review_and_verification(self) -> Self:
        if self.review_due <= self.reviewed:
            raise ValueError("review_due must be after reviewed")
        if not self.verified and not self.unverified_note:
            raise ValueError("verified: false needs an unverified_note saying what is unverified")
        return self


class Item(Sourced):
    """Common head of every catalogue item."""

    slug: Slug
    title: ShortText
    summary: Text
    related: list[Link] = []
