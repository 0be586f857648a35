"""Typed SQLAlchemy 2 tables of the knowledge base.

A catalogue item is its validated document (the pydantic models in ``domain/content.py`` are
the one schema), kept as an ``item_version`` row, and an ``item`` row that points at the current
approved version with copies of the fields lists, filters and search need. References and
item-to-item links are small tables of their own, so "what cites this" is one indexed query.
Enum-valued columns hold the enum's text value (portable across SQLite and PostgreSQL).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ketref.db.base import Base

JsonList = list[Any]
Document = dict[str, Any]
DOCUMENT = JSON().with_variant(JSONB(), "postgresql")
"""An item's validated document: JSON text on SQLite, JSONB on PostgreSQL."""


class ReferenceRow(Base):
    __tablename__ = "reference"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    citation: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    authors: Mapped[str | None] = mapped_column(String(300))
    source: Mapped[str | None] = mapped_column(String(300))
    year: Mapped[int | None] = mapped_column(Integer)
    doi: Mapped[str | None] = mapped_column(String(200))
    pmid: Mapped[str | None] = mapped_column(String(20))
    pmcid: Mapped[str | None] = mapped_column(String(20))
    set_id: Mapped[str | None] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(Text)
    verified: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str | None] = mapped_column(Text)
    locally_edited: Mapped[bool] = mapped_column(Boolean, default=False)
    shipped_hash: Mapped[str | None] = mapped_column(String(64))


class ItemReferenceRow(Base):
    """Ordered link from an item to every reference it cites (order = citation numbers).

    ``direct`` marks the item's own reference list; the others are cited by nested statements
    (a product's use, an outcome, a frequency) and are linked too, so "cited by" is complete.
    """

    __tablename__ = "item_reference"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("item.id", ondelete="CASCADE"), primary_key=True
    )
    reference_id: Mapped[int] = mapped_column(
        ForeignKey("reference.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    direct: Mapped[bool] = mapped_column(Boolean, default=True)
    reference: Mapped[ReferenceRow] = relationship(lazy="joined")


class ItemLinkRow(Base):
    """A cross-link by kind and slug, resolved when shown (the target may be edited apart)."""

    __tablename__ = "item_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    target_kind: Mapped[str] = mapped_column(String(32))
    target_slug: Mapped[str] = mapped_column(String(80))


class ItemVersionRow(Base):
    """One saved version of an item: its validated document and who saved it, when and why.

    Versions are never changed or deleted (not even when a release removes the item), so a
    printout can be reproduced from its version id. ``state`` is ``approved`` or ``draft``;
    only approved versions are ever current.
    """

    __tablename__ = "item_version"
    __table_args__ = (Index("ix_item_version_kind_slug", "kind", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    slug: Mapped[str] = mapped_column(String(80))
    language: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(16))
    content_version: Mapped[str] = mapped_column(String(32))
    content_hash: Mapped[str] = mapped_column(String(64))
    document: Mapped[Document] = mapped_column(DOCUMENT)
    saved_by: Mapped[str] = mapped_column(String(120))
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(Text)
    release: Mapped[str | None] = mapped_column(String(32))
    """The content release this library held when the version was saved."""


class ItemRow(Base):
    """The current version of one item: indexed head columns beside its version's document.

    The head columns are copies of document fields that lists, filters and search need; they
    are written together with ``version_id`` and never edited on their own.
    """

    __tablename__ = "item"
    __table_args__ = (UniqueConstraint("kind", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    slug: Mapped[str] = mapped_column(String(80))
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    sort_key: Mapped[str] = mapped_column(String(40))
    """Order within a kind before the title (a monitoring step's phase and position)."""
    reviewed: Mapped[date] = mapped_column(Date)
    review_due: Mapped[date] = mapped_column(Date, index=True)
    verified: Mapped[bool] = mapped_column(Boolean)
    origin: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    locally_edited: Mapped[bool] = mapped_column(Boolean)
    shipped_hash: Mapped[str | None] = mapped_column(String(64))
    content_version: Mapped[str] = mapped_column(String(32))
    content_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version_id: Mapped[int] = mapped_column(ForeignKey("item_version.id", ondelete="RESTRICT"))


# --- Screening rules, synonyms, releases, audit ---------------------------------------------


class ScreeningRuleReferenceRow(Base):
    __tablename__ = "screening_rule_reference"

    rule_id: Mapped[int] = mapped_column(
        ForeignKey("screening_rule.id", ondelete="CASCADE"), primary_key=True
    )
    reference_id: Mapped[int] = mapped_column(
        ForeignKey("reference.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    reference: Mapped[ReferenceRow] = relationship(lazy="joined")


class ScreeningRuleRow(Base):
    __tablename__ = "screening_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    version: Mapped[int] = mapped_column(Integer)
    factor: Mapped[str] = mapped_column(String(80))
    products: Mapped[JsonList] = mapped_column(JSON)
    outcome: Mapped[str] = mapped_column(String(32))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    message: Mapped[str] = mapped_column(Text)
    contraindication_slug: Mapped[str | None] = mapped_column(String(80))
    reviewed: Mapped[date] = mapped_column(Date)
    review_due: Mapped[date] = mapped_column(Date)
    verified: Mapped[bool] = mapped_column(Boolean, default=True)
    unverified_note: Mapped[str | None] = mapped_column(Text)
    references: Mapped[list[ScreeningRuleReferenceRow]] = relationship(
        order_by=ScreeningRuleReferenceRow.position,
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class SynonymRow(Base):
    __tablename__ = "synonym"

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(60), unique=True)
    means: Mapped[JsonList] = mapped_column(JSON)


class ContentReleaseRow(Base):
    """One load of content into this database (shipped release or pack), newest last."""

    __tablename__ = "content_release"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(32))
    released: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16))
    content_hash: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)


class AuditEventRow(Base):
    """Who changed what content, when, and from which version (never patient data)."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str | None] = mapped_column(String(32))
    slug: Mapped[str | None] = mapped_column(String(80))
    content_version: Mapped[str | None] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


class SearchDocumentRow(Base):
    """Flattened text of every item for search; the SQLite FTS5 index mirrors this table."""

    __tablename__ = "search_document"
    __table_args__ = (UniqueConstraint("kind", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)


class MetaRow(Base):
    """Key/value facts about this database (marks it as ketref's on every backend)."""

    __tablename__ = "ketref_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ClinicProfileRow(Base):
    """The clinic's letterhead for printouts: one row (id 1), edited in settings or the CLI."""

    __tablename__ = "clinic_profile"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(40))
    emergency_phone: Mapped[str | None] = mapped_column(String(40))
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_mime: Mapped[str | None] = mapped_column(String(32))
    paper: Mapped[str] = mapped_column(String(16), default="letter")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# --- Print log --------------------------------------------------------------------------------


class PrintLogRow(Base):
    """One export or print of handouts: what was printed, how, by whom, and the PDF's hash.

    ``settings`` holds what a reprint needs besides the versions (language choice, schedule,
    letterhead text, review flags as printed); never a patient detail. The personal columns are
    filled only while the clinic keeps names in the print log, and erased when it stops.
    """

    __tablename__ = "print_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    printed_by: Mapped[str] = mapped_column(String(120))
    output: Mapped[str] = mapped_column(String(16))
    """``export`` (a PDF file) or ``print`` (sent to a printer or print-to-file)."""
    language: Mapped[str | None] = mapped_column(String(8))
    paper: Mapped[str] = mapped_column(String(16))
    large_print: Mapped[bool] = mapped_column(Boolean)
    page_count: Mapped[int] = mapped_column(Integer)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    patient_name: Mapped[str | None] = mapped_column(String(120))
    escort: Mapped[str | None] = mapped_column(String(120))
    notes: Mapped[str | None] = mapped_column(Text)
    personal_date: Mapped[date | None] = mapped_column(Date)
    emergency_phone: Mapped[str | None] = mapped_column(String(40))
    handouts: Mapped[list[PrintLogHandoutRow]] = relationship(
        order_by="PrintLogHandoutRow.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
    )


class PrintLogHandoutRow(Base):
    """One handout of a logged printout, in print order, with its exact saved version.

    The version is RESTRICTed: a version a log entry refers to cannot be deleted, so a
    reprint always finds it.
    """

    __tablename__ = "print_log_handout"

    log_id: Mapped[int] = mapped_column(
        ForeignKey("print_log.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), index=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("item_version.id", ondelete="RESTRICT"), index=True
    )
