"""Translation between table rows and the domain's content models, in both directions.

Writing replaces an item's child rows wholesale: items are small, and a full rewrite keeps the
rows exactly equal to the validated model (no partial-update drift).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy.orm import Session

from ketref.db import tables as t
from ketref.domain import content as c
from ketref.domain.enums import ItemKind

ROW_BY_KIND: dict[ItemKind, type[t.ItemRow]] = {
    ItemKind.INDICATION: t.IndicationRow,
    ItemKind.CONTRAINDICATION: t.ContraindicationRow,
    ItemKind.SIDE_EFFECT: t.SideEffectRow,
    ItemKind.INTERACTION: t.InteractionRow,
    ItemKind.MONITORING: t.MonitoringStepRow,
    ItemKind.HANDOUT: t.HandoutRow,
}


def model_hash(model: c.Model) -> str:
    """A stable fingerprint of a model's content (used to notice local edits and changes)."""
    payload = json.dumps(model.model_dump(mode="json", by_alias=True), sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


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


def write_reference(row: t.ReferenceRow, ref: c.Reference) -> None:
    row.key = ref.id
    for name in _REFERENCE_FIELDS:
        value = getattr(ref, name)
        setattr(row, name, value.value if name == "kind" else value)


# --- Items: rows -> domain -----------------------------------------------------------------


def _head(row: t.ItemRow) -> dict[str, Any]:
    return {
        "slug": row.slug,
        "title": row.title,
        "summary": row.summary,
        "references": [link.reference.key for link in row.references if link.direct],
        "reviewed": row.reviewed,
        "review_due": row.review_due,
        "verified": row.verified,
        "unverified_note": row.unverified_note,
        "related": [{"kind": link.target_kind, "slug": link.target_slug} for link in row.links],
    }


def _indication(row: t.IndicationRow) -> dict[str, Any]:
    uses = {
        use.product: {
            "status": use.status,
            "evidence": use.evidence,
            "evidence_reason": use.evidence_reason,
            "onset": use.onset,
            "durability": use.durability,
            "protocol": use.protocol,
            "references": list(use.reference_keys),
            "outcomes": [
                {
                    "trial": o.trial,
                    "finding": o.finding,
                    "comparator": o.comparator,
                    "references": list(o.reference_keys),
                    "verified": o.verified,
                }
                for o in use.outcomes
            ],
        }
        for use in row.uses
    }
    return {"definition": row.definition, "uses": uses}


def _contraindication(row: t.ContraindicationRow) -> dict[str, Any]:
    return {
        "detail": row.detail,
        "rationale": row.rationale,
        "classes": {k.product: {"class": k.level, "note": k.note} for k in row.classes},
        "thresholds": [
            {
                "parameter": th.parameter,
                "comparison": th.comparison,
                "value": th.value,
                "unit": th.unit,
                "meaning": th.meaning,
                "products": list(th.products),
                "references": list(th.reference_keys),
            }
            for th in row.thresholds
        ],
    }


def _side_effect(row: t.SideEffectRow) -> dict[str, Any]:
    return {
        "category": row.category,
        "products": list(row.products),
        "onset": row.onset,
        "peak": row.peak,
        "resolution": row.resolution,
        "severity": row.severity,
        "severity_note": row.severity_note,
        "management": row.management,
        "frequencies": [
            {
                "product": f.product,
                "treated": f.treated,
                "comparator": f.comparator,
                "comparator_value": f.comparator_value,
                "setting": f.setting,
                "references": list(f.reference_keys),
                "verified": f.verified,
            }
            for f in row.frequencies
        ],
    }


def _interaction(row: t.InteractionRow) -> dict[str, Any]:
    return {
        "drug_class": row.drug_class,
        "agents": [a.name for a in row.agents],
        "products": list(row.products),
        "level": row.level,
        "effect": row.effect,
        "rule": row.rule,
    }


def _monitoring(row: t.MonitoringStepRow) -> dict[str, Any]:
    return {
        "phase": row.phase,
        "order": row.sort_order,
        "products": list(row.products),
        "timepoint": row.timepoint,
        "what": row.what,
        "threshold": row.threshold,
        "checklist": list(row.checklist),
    }


def _block(row: t.HandoutBlockRow) -> dict[str, Any]:
    if row.type == "paragraph":
        return {"type": "paragraph", "text": row.text}
    if row.type == "callout":
        return {
            "type": "callout",
            "style": row.style,
            "title": row.title,
            "text": row.text,
            "items": list(row.items),
        }
    return {"type": row.type, "items": list(row.items)}


def _handout(row: t.HandoutRow) -> dict[str, Any]:
    return {
        "language": row.language,
        "audience": row.audience,
        "version": row.version,
        "products": list(row.products),
        "main_message": row.main_message,
        "translation_of": row.translation_of,
        "sections": [
            {"heading": s.heading, "blocks": [_block(b) for b in s.blocks]} for s in row.sections
        ],
    }


_READERS: Mapping[ItemKind, Any] = {
    ItemKind.INDICATION: _indication,
    ItemKind.CONTRAINDICATION: _contraindication,
    ItemKind.SIDE_EFFECT: _side_effect,
    ItemKind.INTERACTION: _interaction,
    ItemKind.MONITORING: _monitoring,
    ItemKind.HANDOUT: _handout,
}


def item_to_domain(row: t.ItemRow) -> c.Item:
    """Rebuild the validated domain model from its rows."""
    kind = ItemKind(row.kind)
    data = {**_head(row), **_READERS[kind](row)}
    return c.MODEL_BY_KIND[kind].model_validate(data)


# --- Items: domain -> rows -----------------------------------------------------------------


def _write_indication(row: t.IndicationRow, item: c.Indication) -> None:
    row.definition = item.definition
    row.uses = [
        t.IndicationUseRow(
            product=product.value,
            status=use.status.value,
            evidence=use.evidence.value if use.evidence else None,
            evidence_reason=use.evidence_reason,
            onset=use.onset,
            durability=use.durability,
            protocol=use.protocol,
            reference_keys=list(use.references),
            outcomes=[
                t.IndicationOutcomeRow(
                    position=i,
                    trial=o.trial,
                    finding=o.finding,
                    comparator=o.comparator,
                    reference_keys=list(o.references),
                    verified=o.verified,
                )
                for i, o in enumerate(use.outcomes)
            ],
        )
        for product, use in item.uses.items()
    ]


def _write_contraindication(row: t.ContraindicationRow, item: c.Contraindication) -> None:
    row.detail = item.detail
    row.rationale = item.rationale
    row.classes = [
        t.ContraindicationClassRow(product=p.value, level=k.level.value, note=k.note)
        for p, k in item.classes.items()
    ]
    row.thresholds = [
        t.ThresholdRow(
            position=i,
            parameter=th.parameter,
            comparison=th.comparison,
            value=th.value,
            unit=th.unit,
            meaning=th.meaning,
            products=[p.value for p in th.products],
            reference_keys=list(th.references),
        )
        for i, th in enumerate(item.thresholds)
    ]


def _write_side_effect(row: t.SideEffectRow, item: c.SideEffect) -> None:
    row.category = item.category.value
    row.products = [p.value for p in item.products]
    row.onset, row.peak, row.resolution = item.onset, item.peak, item.resolution
    row.severity = item.severity.value
    row.severity_note = item.severity_note
    row.management = item.management
    row.frequencies = [
        t.FrequencyRow(
            position=i,
            product=f.product.value,
            treated=f.treated,
            comparator=f.comparator,
            comparator_value=f.comparator_value,
            setting=f.setting,
            reference_keys=list(f.references),
            verified=f.verified,
        )
        for i, f in enumerate(item.frequencies)
    ]


def _write_interaction(row: t.InteractionRow, item: c.Interaction) -> None:
    row.drug_class = item.drug_class
    row.products = [p.value for p in item.products]
    row.level = item.level.value
    row.effect = item.effect
    row.rule = item.rule
    unique_agents = list(dict.fromkeys(item.agents))
    row.agents = [t.InteractionAgentRow(name=a, position=i) for i, a in enumerate(unique_agents)]


def _write_monitoring(row: t.MonitoringStepRow, item: c.MonitoringStep) -> None:
    row.phase = item.phase.value
    row.sort_order = item.order
    row.products = [p.value for p in item.products]
    row.timepoint = item.timepoint
    row.what = item.what
    row.threshold = item.threshold
    row.checklist = list(item.checklist)


def _block_row(position: int, block: c.Block) -> t.HandoutBlockRow:
    row = t.HandoutBlockRow(position=position, type=block.type, items=[])
    if isinstance(block, c.ParagraphBlock):
        row.text = block.text
    elif isinstance(block, c.CalloutBlock):
        row.style, row.title, row.text = block.style.value, block.title, block.text
        row.items = list(block.items)
    else:
        row.items = list(block.items)
    return row


def _write_handout(row: t.HandoutRow, item: c.Handout) -> None:
    row.language = item.language
    row.audience = item.audience.value
    row.version = item.version
    row.products = [p.value for p in item.products]
    row.main_message = item.main_message
    row.translation_of = item.translation_of.model_dump() if item.translation_of else None
    row.sections = [
        t.HandoutSectionRow(
            position=i,
            heading=s.heading,
            blocks=[_block_row(j, b) for j, b in enumerate(s.blocks)],
        )
        for i, s in enumerate(item.sections)
    ]


_WRITERS: Mapping[ItemKind, Any] = {
    ItemKind.INDICATION: _write_indication,
    ItemKind.CONTRAINDICATION: _write_contraindication,
    ItemKind.SIDE_EFFECT: _write_side_effect,
    ItemKind.INTERACTION: _write_interaction,
    ItemKind.MONITORING: _write_monitoring,
    ItemKind.HANDOUT: _write_handout,
}


_CHILD_COLLECTIONS = (
    "references",
    "links",
    "uses",
    "classes",
    "thresholds",
    "frequencies",
    "agents",
    "sections",
)


def write_item(
    session: Session,
    row: t.ItemRow | None,
    kind: ItemKind,
    item: c.Item,
    *,
    references: Mapping[str, t.ReferenceRow],
    content_version: str,
    now: datetime,
) -> t.ItemRow:
    """Create or overwrite the rows of one item so they equal ``item``."""
    if row is None:
        row = ROW_BY_KIND[kind](kind=kind.value, slug=item.slug)
        session.add(row)
    else:
        # Delete the old child rows first: unique (parent, product) keys would otherwise clash,
        # because the unit of work inserts new children before it deletes orphans.
        for name in _CHILD_COLLECTIONS:
            if hasattr(row, name):
                setattr(row, name, [])
        session.flush()
    row.title = item.title
    row.summary = item.summary
    row.reviewed = item.reviewed
    row.review_due = item.review_due
    row.verified = item.verified
    row.unverified_note = item.unverified_note
    row.content_version = content_version
    row.updated_at = now
    direct = list(dict.fromkeys(item.references))
    nested = sorted(c.cited_reference_ids(item) - set(direct))
    row.references = [
        t.ItemReferenceRow(reference=references[key], position=i, direct=i < len(direct))
        for i, key in enumerate(direct + nested)
    ]
    row.links = [
        t.ItemLinkRow(position=i, target_kind=link.kind.value, target_slug=link.slug)
        for i, link in enumerate(item.related)
    ]
    _WRITERS[kind](row, item)
    return row


# --- Screening rules -----------------------------------------------------------------------


def rule_row(rule: c.ScreeningRule, reference_ids: Mapping[str, int]) -> t.ScreeningRuleRow:
    """A new row for ``rule``; its typed condition is kept in the JSON ``parameters`` column."""
    return t.ScreeningRuleRow(
        key=rule.id,
        version=rule.version,
        factor=rule.factor,
        products=[p.value for p in rule.products],
        outcome=rule.outcome.value,
        parameters={"when": rule.when.model_dump(mode="json", exclude_none=True)},
        message=rule.message,
        contraindication_slug=rule.contraindication,
        reviewed=rule.reviewed,
        review_due=rule.review_due,
        verified=rule.verified,
        unverified_note=rule.unverified_note,
        references=[
            t.ScreeningRuleReferenceRow(reference_id=reference_ids[key], position=i)
            for i, key in enumerate(dict.fromkeys(rule.references))
        ],
    )


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
            "message": row.message,
            "contraindication": row.contraindication_slug,
            "references": [link.reference.key for link in row.references],
            "reviewed": row.reviewed,
            "review_due": row.review_due,
            "verified": row.verified,
            "unverified_note": row.unverified_note,
        }
    )


def search_text(item: c.Item) -> str:
    """Every word of an item worth finding, for the search index (enum codes left out)."""
    skip = frozenset({"references", "slug", "title", "summary", "related"})
    words = [
        node
        for node in c.iter_values(item, skip)
        if isinstance(node, str) and not isinstance(node, Enum) and node
    ]
    return "\n".join([item.summary, *words])
