"""Typed SQLAlchemy 2 tables for every entity of the knowledge base.

Every catalogue item shares one ``item`` row (joined-table inheritance): slug, title, review
dates, verification and local-edit state live in one place, so review badges, search and the
"never overwrite a local edit" rule work the same for every kind. Enum-valued columns hold the
enum's text value (portable across SQLite and PostgreSQL); the domain layer validates them.
Nested statements (per-product uses, frequencies, thresholds) cite references by key in a JSON
list, checked against the reference table when content is loaded.
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
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ketref.db.base import Base

JsonList = list[Any]


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


class ItemRow(Base):
    __tablename__ = "item"
    __table_args__ = (UniqueConstraint("kind", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    reviewed: Mapped[date] = mapped_column(Date)
    review_due: Mapped[date] = mapped_column(Date, index=True)
    verified: Mapped[bool] = mapped_column(Boolean, default=True)
    unverified_note: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(16), default="shipped")
    locally_edited: Mapped[bool] = mapped_column(Boolean, default=False)
    shipped_hash: Mapped[str | None] = mapped_column(String(64))
    content_version: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    references: Mapped[list[ItemReferenceRow]] = relationship(
        order_by=ItemReferenceRow.position, cascade="all, delete-orphan", passive_deletes=True
    )
    links: Mapped[list[ItemLinkRow]] = relationship(
        order_by=ItemLinkRow.position, cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "item"}


def _item_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("item.id", ondelete="CASCADE"), primary_key=True)


# --- Indications ---------------------------------------------------------------------------


class IndicationOutcomeRow(Base):
    __tablename__ = "indication_outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    use_id: Mapped[int] = mapped_column(
        ForeignKey("indication_use.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    trial: Mapped[str] = mapped_column(String(300))
    finding: Mapped[str] = mapped_column(Text)
    comparator: Mapped[str | None] = mapped_column(String(300))
    reference_keys: Mapped[JsonList] = mapped_column(JSON)
    verified: Mapped[bool] = mapped_column(Boolean, default=True)


class IndicationUseRow(Base):
    __tablename__ = "indication_use"
    __table_args__ = (UniqueConstraint("indication_id", "product"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indication_id: Mapped[int] = mapped_column(
        ForeignKey("indication.id", ondelete="CASCADE"), index=True
    )
    product: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32))
    evidence: Mapped[str | None] = mapped_column(String(32))
    evidence_reason: Mapped[str] = mapped_column(Text)
    onset: Mapped[str | None] = mapped_column(Text)
    durability: Mapped[str | None] = mapped_column(Text)
    protocol: Mapped[str | None] = mapped_column(Text)
    reference_keys: Mapped[JsonList] = mapped_column(JSON)
    outcomes: Mapped[list[IndicationOutcomeRow]] = relationship(
        order_by=IndicationOutcomeRow.position, cascade="all, delete-orphan", passive_deletes=True
    )


class IndicationRow(ItemRow):
    __tablename__ = "indication"

    id: Mapped[int] = _item_fk()
    definition: Mapped[str | None] = mapped_column(Text)
    uses: Mapped[list[IndicationUseRow]] = relationship(
        order_by=IndicationUseRow.product, cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"polymorphic_identity": "indications"}


# --- Contraindications ---------------------------------------------------------------------


class ContraindicationClassRow(Base):
    """The class of a contraindication for one product."""

    __tablename__ = "contraindication_class"
    __table_args__ = (UniqueConstraint("contraindication_id", "product"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contraindication_id: Mapped[int] = mapped_column(
        ForeignKey("contraindication.id", ondelete="CASCADE"), index=True
    )
    product: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)


class ThresholdRow(Base):
    __tablename__ = "contraindication_threshold"

    id: Mapped[int] = mapped_column(primary_key=True)
    contraindication_id: Mapped[int] = mapped_column(
        ForeignKey("contraindication.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    parameter: Mapped[str] = mapped_column(String(80))
    comparison: Mapped[str] = mapped_column(String(2))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(40))
    meaning: Mapped[str] = mapped_column(String(300))
    products: Mapped[JsonList] = mapped_column(JSON)
    reference_keys: Mapped[JsonList] = mapped_column(JSON)


class ContraindicationRow(ItemRow):
    __tablename__ = "contraindication"

    id: Mapped[int] = _item_fk()
    detail: Mapped[str] = mapped_column(Text)
    rationale: Mapped[str] = mapped_column(Text)
    classes: Mapped[list[ContraindicationClassRow]] = relationship(
        order_by=ContraindicationClassRow.product,
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    thresholds: Mapped[list[ThresholdRow]] = relationship(
        order_by=ThresholdRow.position, cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"polymorphic_identity": "contraindications"}


# --- Side effects --------------------------------------------------------------------------


class FrequencyRow(Base):
    __tablename__ = "side_effect_frequency"

    id: Mapped[int] = mapped_column(primary_key=True)
    side_effect_id: Mapped[int] = mapped_column(
        ForeignKey("side_effect.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    product: Mapped[str] = mapped_column(String(32))
    treated: Mapped[str] = mapped_column(String(300))
    comparator: Mapped[str | None] = mapped_column(String(300))
    comparator_value: Mapped[str | None] = mapped_column(String(300))
    setting: Mapped[str] = mapped_column(Text)
    reference_keys: Mapped[JsonList] = mapped_column(JSON)
    verified: Mapped[bool] = mapped_column(Boolean, default=True)


class SideEffectRow(ItemRow):
    __tablename__ = "side_effect"

    id: Mapped[int] = _item_fk()
    category: Mapped[str] = mapped_column(String(32), index=True)
    products: Mapped[JsonList] = mapped_column(JSON)
    onset: Mapped[str | None] = mapped_column(Text)
    peak: Mapped[str | None] = mapped_column(Text)
    resolution: Mapped[str | None] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(32))
    severity_note: Mapped[str | None] = mapped_column(Text)
    management: Mapped[str] = mapped_column(Text)
    frequencies: Mapped[list[FrequencyRow]] = relationship(
        order_by=FrequencyRow.position, cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"polymorphic_identity": "side-effects"}


# --- Interactions --------------------------------------------------------------------------


class InteractionAgentRow(Base):
    """A generic drug name the screener matches a patient's medication list against."""

    __tablename__ = "interaction_agent"
    __table_args__ = (UniqueConstraint("interaction_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("interaction.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120), index=True)
    position: Mapped[int] = mapped_column(Integer)


class InteractionRow(ItemRow):
    __tablename__ = "interaction"

    id: Mapped[int] = _item_fk()
    drug_class: Mapped[str] = mapped_column(String(300))
    products: Mapped[JsonList] = mapped_column(JSON)
    level: Mapped[str] = mapped_column(String(32))
    effect: Mapped[str] = mapped_column(Text)
    rule: Mapped[str] = mapped_column(Text)
    agents: Mapped[list[InteractionAgentRow]] = relationship(
        order_by=InteractionAgentRow.position, cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"polymorphic_identity": "interactions"}


# --- Monitoring ----------------------------------------------------------------------------


class MonitoringStepRow(ItemRow):
    __tablename__ = "monitoring_step"

    id: Mapped[int] = _item_fk()
    phase: Mapped[str] = mapped_column(String(32), index=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    products: Mapped[JsonList] = mapped_column(JSON)
    timepoint: Mapped[str | None] = mapped_column(String(300))
    what: Mapped[str] = mapped_column(Text)
    threshold: Mapped[str | None] = mapped_column(Text)
    checklist: Mapped[JsonList] = mapped_column(JSON)

    __mapper_args__ = {"polymorphic_identity": "monitoring"}


# --- Handouts ------------------------------------------------------------------------------


class HandoutBlockRow(Base):
    """One typed block: paragraph, bullets, steps, checklist or callout."""

    __tablename__ = "handout_block"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("handout_section.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(16))
    style: Mapped[str | None] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(String(300))
    text: Mapped[str | None] = mapped_column(Text)
    items: Mapped[JsonList] = mapped_column(JSON)


class HandoutSectionRow(Base):
    __tablename__ = "handout_section"

    id: Mapped[int] = mapped_column(primary_key=True)
    handout_id: Mapped[int] = mapped_column(
        ForeignKey("handout.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(String(300))
    blocks: Mapped[list[HandoutBlockRow]] = relationship(
        order_by=HandoutBlockRow.position, cascade="all, delete-orphan", passive_deletes=True
    )


class HandoutRow(ItemRow):
    __tablename__ = "handout"

    id: Mapped[int] = _item_fk()
    language: Mapped[str] = mapped_column(String(8))
    audience: Mapped[str] = mapped_column(String(16))
    version: Mapped[str] = mapped_column(String(16))
    products: Mapped[JsonList] = mapped_column(JSON)
    main_message: Mapped[str] = mapped_column(Text)
    translation_of: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    sections: Mapped[list[HandoutSectionRow]] = relationship(
        order_by=HandoutSectionRow.position, cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"polymorphic_identity": "handouts"}


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
