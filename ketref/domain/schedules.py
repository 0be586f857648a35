"""Treatment schedule templates (data, with sources) and the dates they give from a start date.

A template is a list of phases: ``weekly`` (a number of sessions in each week), ``every-weeks``
(one session every N weeks) and ``monthly`` (one session every N months). Dates are pure
arithmetic on ``date`` values, so they never depend on the machine's time zone or locale.

The rules, in the words the README uses:

- The first session is on the start date if it is one of the chosen weekdays, otherwise on the
  next chosen weekday.
- A "week" is the 7 days beginning on the first session's day (week 1), then the next 7 days
  (week 2), and so on; so Mon/Thu starting on a Thursday gives Thu, Mon, Thu, Mon ...
- A week with fewer sessions than chosen weekdays uses days spread across that week (with
  Mon/Wed/Fri and 2 sessions: Mon and Fri).
- ``every-weeks`` sessions fall on the first session day of every Nth week.
- ``monthly`` sessions fall N months after the previous phase's last session (the 31st becomes
  the last day of a shorter month), moved forward to the next chosen weekday.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from ketref.domain.content import ProductT
from ketref.domain.content_base import Model, ShortText, Slug, Sourced, Text
from ketref.domain.errors import BadInputError
from ketref.domain.printing import WEEKDAYS

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WeekdayName = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
MAX_SESSIONS = 120
START_PAST_DAYS = 366
START_FUTURE_DAYS = 2 * 366


class WeeklyPhase(Model):
    """Consecutive weeks; ``sessions_per_week`` holds one number per week, e.g. ``[3, 2, 1]``."""

    type: Literal["weekly"]
    label: ShortText
    sessions_per_week: Annotated[list[Annotated[int, Field(ge=1, le=7)]], Field(min_length=1)]
    note: Text | None = None


class EveryWeeksPhase(Model):
    """``sessions`` sessions, one every ``every_weeks`` weeks."""

    type: Literal["every-weeks"]
    label: ShortText
    every_weeks: Annotated[int, Field(ge=1, le=12)]
    sessions: Annotated[int, Field(ge=1, le=52)]
    note: Text | None = None


class MonthlyPhase(Model):
    """``sessions`` sessions, one every ``every_months`` months."""

    type: Literal["monthly"]
    label: ShortText
    every_months: Annotated[int, Field(ge=1, le=12)] = 1
    sessions: Annotated[int, Field(ge=1, le=24)]
    note: Text | None = None


Phase = Annotated[WeeklyPhase | EveryWeeksPhase | MonthlyPhase, Field(discriminator="type")]


class ScheduleWording(Model):
    """A template's patient-facing words in another language (one label per phase)."""

    title: ShortText
    summary: Text
    after: Text | None = None
    phase_labels: Annotated[list[ShortText], Field(min_length=1)]


class ScheduleTemplate(Sourced):
    """A schedule a clinic can print with real dates; ``summary`` and ``after`` are for patients.

    ``translations`` holds the same words in other languages, keyed by language code.
    """

    id: Slug
    title: ShortText
    product: ProductT
    default: bool = False
    summary: Text
    after: Text | None = None
    default_days: Annotated[list[WeekdayName], Field(min_length=1, max_length=7)]
    phases: Annotated[list[Phase], Field(min_length=1)]
    translations: dict[Annotated[str, Field(pattern=r"^[a-z]{2}$")], ScheduleWording] = Field(
        default_factory=dict
    )

    @model_validator(mode="after")
    def _days_fit_phases(self) -> Self:
        for language, wording in self.translations.items():
            if len(wording.phase_labels) != len(self.phases):
                raise ValueError(f"translations.{language}.phase_labels needs one label per phase")
        if len(set(self.default_days)) != len(self.default_days):
            raise ValueError("default_days repeats a day")
        if len(self.default_days) < self.days_needed:
            raise ValueError(f"default_days needs at least {self.days_needed} days")
        if self.total_sessions > MAX_SESSIONS:
            raise ValueError(f"at most {MAX_SESSIONS} sessions can be printed")
        return self

    @property
    def choice_label(self) -> str:
        """Title and product for a list to choose from, marked "Unverified" as on paper."""
        mark = "" if self.verified else " · Unverified"
        return f"{self.title} ({self.product.label}){mark}"

    def in_language(self, language: str) -> ScheduleTemplate:
        """This template with its words in ``language`` (unchanged when there is no translation,
        see ``has_language``)."""
        wording = self.translations.get(language)
        if wording is None:
            return self
        phases = [
            p.model_copy(update={"label": label})
            for p, label in zip(self.phases, wording.phase_labels, strict=True)
        ]
        update = {"title": wording.title, "summary": wording.summary, "after": wording.after}
        return self.model_copy(update={**update, "phases": phases})

    def has_language(self, language: str) -> bool:
        return language == "en" or language in self.translations

    @property
    def days_needed(self) -> int:
        """The most sessions in any one week: at least this many weekdays must be chosen."""
        weekly = [max(p.sessions_per_week) for p in self.phases if isinstance(p, WeeklyPhase)]
        return max([1, *weekly])

    @property
    def total_sessions(self) -> int:
        """How many dated sessions the printed table shows."""
        return sum(_phase_sessions(p) for p in self.phases)

    @property
    def default_weekdays(self) -> tuple[int, ...]:
        return tuple(sorted(WEEKDAY_NAMES.index(d) for d in self.default_days))


def _phase_sessions(phase: WeeklyPhase | EveryWeeksPhase | MonthlyPhase) -> int:
    if isinstance(phase, WeeklyPhase):
        return sum(phase.sessions_per_week)
    return phase.sessions


@dataclass(frozen=True)
class PlannedSession:
    number: int
    date: date
    phase: str


@dataclass(frozen=True)
class DatedSchedule:
    """A template turned into dates for one patient (printed, never stored)."""

    template: ScheduleTemplate
    start: date
    weekdays: tuple[int, ...]
    sessions: tuple[PlannedSession, ...]
    due_for_review: bool = False

    @property
    def weekday_labels(self) -> str:
        return ", ".join(WEEKDAYS[d] for d in self.weekdays)


def parse_weekdays(text: str) -> tuple[int, ...]:
    """``"mon,thu"`` (or ``"Monday Thursday"``) -> ``(0, 3)``.

    Raises:
        BadInputError: an unknown or repeated day.
    """
    days: list[int] = []
    for raw in text.replace(",", " ").split():
        word = raw.lower()
        matches = [i for i, full in enumerate(_FULL_NAMES) if word in (full, full[:3])]
        if not matches:
            raise BadInputError(f"not a day of the week: {raw!r} (use mon, tue, ... sun)")
        if matches[0] in days:
            raise BadInputError(f"{raw!r} is named twice")
        days.append(matches[0])
    if not days:
        raise BadInputError("choose at least one day of the week")
    return tuple(sorted(days))


_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def check_start_date(start: date, today: date) -> None:
    """Refuse start dates that are most likely typos (over a year ago, over two years ahead).

    Raises:
        BadInputError: with the allowed range.
    """
    earliest = today - timedelta(days=START_PAST_DAYS)
    latest = today + timedelta(days=START_FUTURE_DAYS)
    if not earliest <= start <= latest:
        raise BadInputError(
            f"the start date {start.isoformat()} is out of range: "
            f"use a date from {earliest.isoformat()} to {latest.isoformat()}"
        )


def add_months(value: date, months: int) -> date:
    """``value`` plus whole months; a day the target month lacks becomes its last day."""
    index = value.month - 1 + months
    year, month = value.year + index // 12, index % 12 + 1
    return date(year, month, min(value.day, calendar.monthrange(year, month)[1]))


def _next_on(value: date, weekdays: tuple[int, ...]) -> date:
    while value.weekday() not in weekdays:
        value += timedelta(days=1)
    return value


def _spread(days: list[date], wanted: int) -> list[date]:
    """``wanted`` of ``days`` spread as evenly as possible, always keeping the first."""
    if wanted >= len(days):
        return days
    if wanted == 1:
        return days[:1]
    step = (len(days) - 1) / (wanted - 1)
    return [days[int(i * step + 0.5)] for i in range(wanted)]


def plan_schedule(
    template: ScheduleTemplate, start: date, weekdays: tuple[int, ...] | None = None
) -> DatedSchedule:
    """Every session date of ``template`` from ``start`` on the chosen ``weekdays``.

    Raises:
        BadInputError: fewer weekdays chosen than the busiest week needs.
    """
    days = tuple(sorted(set(weekdays))) if weekdays else template.default_weekdays
    if len(days) < template.days_needed:
        names = ", ".join(WEEKDAYS[d] for d in days)
        raise BadInputError(
            f"{template.title} has up to {template.days_needed} sessions a week; "
            f"choose at least {template.days_needed} days (chosen: {names})"
        )
    dates: list[tuple[date, str]] = []
    week_start = _next_on(start, days)
    for phase in template.phases:
        if isinstance(phase, WeeklyPhase):
            for count in phase.sessions_per_week:
                in_week = [week_start + timedelta(days=i) for i in range(7)]
                chosen = [d for d in in_week if d.weekday() in days]
                dates += [(d, phase.label) for d in _spread(chosen, count)]
                week_start += timedelta(days=7)
        elif isinstance(phase, EveryWeeksPhase):
            for _ in range(phase.sessions):
                dates.append((week_start, phase.label))
                week_start += timedelta(days=7 * phase.every_weeks)
        else:
            # After earlier sessions the first monthly one is a month after the last of them;
            # as the first phase it is on the first session day.
            anchor, first = (dates[-1][0], 1) if dates else (week_start, 0)
            for n in range(first, first + phase.sessions):
                when = _next_on(add_months(anchor, n * phase.every_months), days)
                dates.append((when, phase.label))
            week_start = _next_on(dates[-1][0] + timedelta(days=7), days)
    sessions = tuple(
        PlannedSession(number=i, date=d, phase=label) for i, (d, label) in enumerate(dates, 1)
    )
    return DatedSchedule(template=template, start=start, weekdays=days, sessions=sessions)
