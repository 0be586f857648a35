"""Clinician words for content fields and choices (a field not named here gets its own name,
made readable, so a new field still gets a sensible label)."""

from __future__ import annotations

from enum import Enum

FIELD_LABELS = {
    "title": "Title",
    "summary": "Summary",
    "references": "Sources",
    "reviewed": "Last reviewed",
    "review_due": "Next review due",
    "verified": "Verified against the sources",
    "unverified_note": "What is not yet verified",
    "related": "Related items",
    "definition": "Definition",
    "uses": "Use by product",
    "status": "Regulatory status",
    "evidence": "Strength of evidence",
    "evidence_reason": "Why this strength of evidence",
    "outcomes": "Outcomes",
    "trial": "Trial or study",
    "finding": "Finding",
    "comparator": "Compared with",
    "comparator_value": "Result with the comparator",
    "onset": "Onset",
    "durability": "How long it lasts",
    "protocol": "Protocol",
    "classes": "Class by product",
    "class": "Class",
    "note": "Note",
    "detail": "Detail",
    "thresholds": "Thresholds",
    "parameter": "Measure",
    "comparison": "Comparison",
    "value": "Value",
    "unit": "Unit",
    "meaning": "What it means",
    "products": "Products",
    "rationale": "Rationale",
    "category": "Category",
    "frequencies": "How often it happens",
    "product": "Product",
    "treated": "With treatment",
    "setting": "Setting (trial, population)",
    "peak": "Peak",
    "resolution": "Resolution",
    "severity": "Severity",
    "severity_note": "About the severity",
    "management": "Management",
    "drug_class": "Drug class",
    "agents": "Medicines in this class",
    "level": "Level",
    "effect": "Effect",
    "rule": "What to do",
    "phase": "Phase",
    "order": "Position in its phase",
    "timepoint": "When",
    "what": "What to check",
    "threshold": "Threshold",
    "checklist": "Checklist",
    "language": "Language code",
    "audience": "Written for",
    "version": "Handout version",
    "main_message": "Main message",
    "sections": "Sections",
    "heading": "Heading",
    "blocks": "Blocks",
    "text": "Text",
    "items": "Points",
    "style": "Style",
    "translation_of": "Translated from",
    "slug": "Short name",
    "text_hash": "Source text fingerprint",
    "kind": "Kind",
    "citation": "Citation",
    "authors": "Authors",
    "source": "Journal or publisher",
    "year": "Year",
    "doi": "DOI",
    "pmid": "PubMed ID",
    "pmcid": "PubMed Central ID",
    "set_id": "Label set id",
    "url": "Web address",
    "id": "Short name",
}

BLOCK_LABELS = {
    "paragraph": "Paragraph",
    "bullets": "Bullet list",
    "steps": "Numbered steps",
    "checklist": "Checklist",
    "callout": "Callout box",
}


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name) or name.replace("_", " ").capitalize()


def choice_label(member: Enum) -> str:
    """An enum value as shown in a choice: its own label when it has one."""
    label = getattr(member, "label", None)
    if isinstance(label, str):
        return label
    return str(member.value).replace("-", " ").capitalize()
