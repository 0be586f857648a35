"""Field names, values and times as a clinician reads them."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from ketref.domain.audit import AuditEvent
from ketref.domain.field_words import field_label, local_and_utc, short_value


def test_field_names_become_words() -> None:
    assert field_label("evidence_reason") == "Why the evidence is rated so"
    assert field_label("review_due") == "Review due"
    assert field_label("summary") == "Summary"


def test_values_are_shortened_on_one_line() -> None:
    assert short_value("a\n b") == "a b"
    assert short_value(None) == "(empty)"
    long = short_value("x" * 100)
    assert len(long) == 40 and long.endswith("…")


def _edit(detail: dict) -> AuditEvent:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    return AuditEvent(at, "me", "edit", "side-effects", "x", "1", detail)


def test_an_edit_reads_as_a_field_change() -> None:
    change = {"evidence_reason": {"before": "a", "after": "b"}}
    one = _edit({"fields": ["evidence_reason"], "changes": change})
    assert one.describe() == "Why the evidence is rated so changed: a → b"
    two = _edit({"fields": ["summary", "review_due"], "changes": {}})
    assert two.describe() == "Summary, Review due changed"


@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        ("UTC", "2026-12-03 14:05 (14:05 UTC)"),
        ("America/Chicago", "2026-12-03 08:05 (14:05 UTC)"),
        ("Asia/Ho_Chi_Minh", "2026-12-03 21:05 (14:05 UTC)"),
        ("Pacific/Kiritimati", "2026-12-04 04:05 (2026-12-03 14:05 UTC)"),
    ],
)
def test_local_time_is_shown_beside_utc(monkeypatch, tz, expected) -> None:
    monkeypatch.setenv("TZ", tz)
    time.tzset()
    try:
        assert local_and_utc(datetime(2026, 12, 3, 14, 5, tzinfo=UTC)) == expected
        assert local_and_utc(datetime(2026, 12, 3, 14, 5)) == expected  # naive means UTC
    finally:
        monkeypatch.undo()
        time.tzset()
