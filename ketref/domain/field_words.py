"""Stored field names, values and times in words, for what a clinician reads (lists, CLI text)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

FIELD_LABELS = {
    "classes": "Class by product",
    "evidence_reason": "Why the evidence is rated so",
    "review_due": "Review due",
    "bp_delay_systolic": "Consider-delaying systolic",
    "bp_delay_diastolic": "Consider-delaying diastolic",
    "bp_stop_systolic": "Do-not-give systolic",
    "bp_stop_diastolic": "Do-not-give diastolic",
}
SHORT = 40
"""Characters of an old or new value shown in a one-line summary."""


def field_label(name: str) -> str:
    """``evidence_reason`` → "Why the evidence is rated so"; others in plain words."""
    return FIELD_LABELS.get(name) or name.replace("_", " ").replace("-", " ").capitalize()


def short_value(value: object, limit: int = SHORT) -> str:
    """A value on one short line: text as is, structures as compact JSON, cut with "…"."""
    if value is None:
        return "(empty)"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def local_and_utc(at: datetime) -> str:
    """``2026-12-03 15:05 (14:05 UTC)``: the clinic's clock first, UTC as stored beside it.

    A naive time is UTC (how the library stores times).
    """
    utc = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    local = utc.astimezone()
    same_day = local.date() == utc.date()
    stamp = f"{utc:%H:%M}" if same_day else f"{utc:%Y-%m-%d %H:%M}"
    return f"{local:%Y-%m-%d %H:%M} ({stamp} UTC)"
