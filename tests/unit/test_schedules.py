"""Schedule dates: week boundaries, off-day starts, tapers, month ends, weekday choice."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from ketref.domain.errors import BadInputError
from ketref.domain.schedules import (
    ScheduleTemplate,
    add_months,
    check_start_date,
    parse_weekdays,
    plan_schedule,
)

pytestmark = pytest.mark.unit

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def template(phases: list[dict], days: list[str], **extra: object) -> ScheduleTemplate:
    return ScheduleTemplate.model_validate(
        {
            "id": "t",
            "title": "Test plan",
            "product": "iv-ketamine",
            "summary": "A plan.",
            "default_days": days,
            "phases": phases,
            "references": ["ref"],
            "reviewed": "2026-11-21",
            "review_due": "2027-11-21",
            **extra,
        }
    )


def weekly(*counts: int, label: str = "Course") -> dict:
    return {"type": "weekly", "label": label, "sessions_per_week": list(counts)}


def dates(t: ScheduleTemplate, start: date, days: tuple[int, ...] | None = None) -> list[date]:
    return [s.date for s in plan_schedule(t, start, days).sessions]


def test_twice_weekly_for_three_weeks_on_mon_thu() -> None:
    got = dates(template([weekly(2, 2, 2)], ["mon", "thu"]), date(2027, 1, 4))  # a Monday
    assert got == [
        date(2027, 1, 4), date(2027, 1, 7), date(2027, 1, 11),
        date(2027, 1, 14), date(2027, 1, 18), date(2027, 1, 21),
    ]  # fmt: skip


def test_start_on_an_unchosen_day_moves_to_the_next_chosen_one() -> None:
    t = template([weekly(2, 2, 2)], ["mon", "thu"])
    got = dates(t, date(2027, 1, 2))  # a Saturday
    assert got[0] == date(2027, 1, 4)
    assert len(got) == 6


def test_weeks_count_from_the_first_session_not_the_calendar() -> None:
    t = template([weekly(2, 2, 2)], ["mon", "thu"])
    got = dates(t, date(2027, 1, 7))  # a Thursday: Thu, Mon, Thu, Mon ...
    assert [d.weekday() for d in got] == [THU, MON] * 3
    assert got[-1] == date(2027, 1, 25)
    for first, second in zip(got, got[2:], strict=False):
        assert second - first == timedelta(days=7)


def test_taper_spreads_fewer_sessions_across_the_week() -> None:
    taper = template(
        [weekly(3, 2, 1), {"type": "monthly", "label": "Monthly", "sessions": 2}],
        ["mon", "wed", "fri"],
    )
    got = dates(taper, date(2027, 3, 1))  # a Monday
    assert got[:6] == [
        date(2027, 3, 1), date(2027, 3, 3), date(2027, 3, 5),  # week 1: Mon Wed Fri
        date(2027, 3, 8), date(2027, 3, 12),  # week 2: Mon Fri (spread, not Mon Wed)
        date(2027, 3, 15),  # week 3: Mon
    ]  # fmt: skip
    # A month after Mon 15 Mar is Thu 15 Apr -> Fri 16 Apr; two months is Sat 15 May -> Mon 17 May.
    assert got[6:] == [date(2027, 4, 16), date(2027, 5, 17)]


def test_add_months_clamps_to_the_end_of_shorter_months() -> None:
    jan31 = date(2027, 1, 31)
    assert [add_months(jan31, n) for n in range(1, 4)] == [
        date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30),
    ]  # fmt: skip
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)  # leap year
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)  # year boundary
    assert add_months(date(2026, 11, 30), 14) == date(2028, 1, 30)


def test_monthly_sessions_from_a_month_end_do_not_drift() -> None:
    t = template(
        [weekly(1), {"type": "monthly", "label": "Monthly", "sessions": 3}],
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    )
    got = dates(t, date(2027, 1, 31))
    # Every day allowed, so each date is exactly the clamped month end: 28 Feb, 31 Mar, 30 Apr.
    assert got == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)]


def test_monthly_dates_move_to_the_next_session_day() -> None:
    t = template([weekly(1), {"type": "monthly", "label": "Monthly", "sessions": 1}], ["wed"])
    got = dates(t, date(2027, 1, 27))  # a Wednesday
    assert got == [date(2027, 1, 27), date(2027, 3, 3)]  # 27 Feb is a Saturday -> Wed 3 Mar


def test_every_weeks_phase_follows_on_from_the_weekly_phase() -> None:
    t = template(
        [
            weekly(2, 2),
            weekly(1, 1),
            {"type": "every-weeks", "label": "Later", "every_weeks": 2, "sessions": 2},
        ],
        ["mon", "thu"],
    )
    got = dates(t, date(2027, 1, 4))
    assert got == [
        date(2027, 1, 4), date(2027, 1, 7), date(2027, 1, 11), date(2027, 1, 14),
        date(2027, 1, 18), date(2027, 1, 25),
        date(2027, 2, 1), date(2027, 2, 15),
    ]  # fmt: skip


def test_year_boundary_and_phase_labels() -> None:
    t = template([weekly(2, label="A"), weekly(2, label="B")], ["mon", "thu"])
    plan = plan_schedule(t, date(2026, 12, 28))
    assert [(s.number, s.date, s.phase) for s in plan.sessions] == [
        (1, date(2026, 12, 28), "A"),
        (2, date(2026, 12, 31), "A"),
        (3, date(2027, 1, 4), "B"),
        (4, date(2027, 1, 7), "B"),
    ]
    assert plan.weekday_labels == "Mon, Thu"


def test_chosen_days_override_the_template_and_must_be_enough() -> None:
    t = template([weekly(3, 3)], ["mon", "wed", "fri"])
    assert {d.weekday() for d in dates(t, date(2027, 1, 4), (TUE, THU, SAT))} == {TUE, THU, SAT}
    with pytest.raises(BadInputError, match="choose at least 3 days"):
        plan_schedule(t, date(2027, 1, 4), (MON, THU))


@given(
    start=st.dates(date(2000, 1, 1), date(2099, 1, 1)), days=st.sets(st.integers(0, 6), min_size=3)
)
def test_sessions_are_increasing_on_chosen_days(start: date, days: set[int]) -> None:
    t = template(
        [weekly(3, 2, 1), {"type": "monthly", "label": "M", "sessions": 3}], ["mon", "wed", "fri"]
    )
    plan = plan_schedule(t, start, tuple(days))
    got = [s.date for s in plan.sessions]
    assert len(got) == 9
    assert got[0] >= start
    assert got[0] - start < timedelta(days=7)
    assert all(a < b for a, b in itertools.pairwise(got))
    assert all(d.weekday() in days for d in got)


def test_parse_weekdays() -> None:
    assert parse_weekdays("mon,thu") == (MON, THU)
    assert parse_weekdays("Thursday Monday") == (MON, THU)
    assert parse_weekdays(" fri , TUE ") == (TUE, FRI)
    for bad, message in (
        ("mon,mon", "named twice"),
        ("funday", "not a day"),
        ("", "at least one"),
        ("mo", "not a day"),
    ):
        with pytest.raises(BadInputError, match=message):
            parse_weekdays(bad)


def test_start_dates_out_of_range_are_refused() -> None:
    today = date(2026, 11, 21)
    check_start_date(today, today)
    check_start_date(date(2025, 12, 1), today)
    check_start_date(date(2028, 11, 1), today)
    for bad in (date(1900, 1, 1), date(2100, 1, 1), date(2025, 11, 1), date(2029, 1, 1)):
        with pytest.raises(BadInputError, match="out of range"):
            check_start_date(bad, today)


def test_template_validation() -> None:
    with pytest.raises(ValidationError, match="default_days needs at least 3 days"):
        template([weekly(3)], ["mon", "thu"])
    with pytest.raises(ValidationError, match="repeats a day"):
        template([weekly(1)], ["mon", "mon"])
    with pytest.raises(ValidationError, match="at most 120 sessions"):
        template(
            [{"type": "every-weeks", "label": "x", "every_weeks": 1, "sessions": 52}] * 3, ["mon"]
        )
    with pytest.raises(ValidationError):
        template([weekly(8)], ["mon"])
    with pytest.raises(ValidationError, match="unverified_note"):
        template([weekly(1)], ["mon"], verified=False)
