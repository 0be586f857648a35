"""A treatment schedule printed as a calendar: one row per week, Monday to Sunday.

Session days have a heavy frame on white and say "Session n"; other days are grey and quiet, so
the pattern reads at a glance on any printer. Each phase ("Weeks 1 to 4", "Monthly sessions")
is its own small table headed by its label and months, so page breaks fall between phases.
Weeks without sessions are left out.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import groupby
from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from ketref.domain.printing import MONTHS, WEEKDAYS, format_date
from ketref.domain.schedules import DatedSchedule, PlannedSession
from ketref.pdf.flowables import KeepGroup, Para
from ketref.pdf.fonts import REGULAR
from ketref.pdf.markup import escape_text
from ketref.pdf.styles import RULE, Layout, Styles

QUIET_FILL = colors.Color(0.95, 0.95, 0.95)
PHASE_FILL = colors.Color(0.86, 0.86, 0.86)


def _week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _months(sessions: list[PlannedSession]) -> str:
    first, last = sessions[0].date, sessions[-1].date
    if (first.year, first.month) == (last.year, last.month):
        return f"{MONTHS[first.month - 1]} {first.year}"
    if first.year == last.year:
        return f"{MONTHS[first.month - 1]} to {MONTHS[last.month - 1]} {last.year}"
    return f"{MONTHS[first.month - 1]} {first.year} to {MONTHS[last.month - 1]} {last.year}"


def calendar_tables(schedule: DatedSchedule, styles: Styles, layout: Layout) -> list[Flowable]:
    """One calendar grid per phase, each kept on one page when it fits.

    Saturday and Sunday columns appear only when a session falls on them, which leaves wider
    columns (and "Session 12" on one line in large print) for the usual weekday plans.
    """
    by_day = {s.date: s for s in schedule.sessions}
    columns = [
        d for d in range(7) if d < 5 or any(s.date.weekday() == d for s in schedule.sessions)
    ]
    weeks = sorted({_week_of(s.date) for s in schedule.sessions})
    phases: dict[str, list[date]] = {}
    for monday in weeks:  # a week belongs to the phase of its first session
        first = next(
            by_day[monday + timedelta(days=d)]
            for d in range(7)
            if monday + timedelta(days=d) in by_day
        )
        phases.setdefault(first.phase, []).append(monday)
    sessions_of = {
        label: list(group) for label, group in groupby(schedule.sessions, key=lambda s: s.phase)
    }
    width = layout.frame_width / len(columns)
    tables: list[Flowable] = []
    for label, mondays in phases.items():
        months = _months(sessions_of.get(label) or [by_day[d] for d in sorted(by_day)])
        title: list[Flowable | str] = [
            Para(escape_text(f"{label} ({months})"), styles.cell_bold),
            *[""] * (len(columns) - 1),
        ]
        data: list[list[Flowable | str]] = [
            title,
            [Para(escape_text(WEEKDAYS[d]), styles.cell_bold) for d in columns],
        ]
        commands: list[tuple[Any, ...]] = [
            ("FONT", (0, 0), (-1, -1), REGULAR),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("SPAN", (0, 0), (-1, 0)),
            ("BACKGROUND", (0, 0), (-1, 0), PHASE_FILL),
            ("BOX", (0, 0), (-1, 0), 0.5, RULE),
            ("LINEBELOW", (0, 1), (-1, 1), 1.2, colors.black),
            ("LEFTPADDING", (0, 0), (-1, -1), layout.body_size * 0.35),
            ("RIGHTPADDING", (0, 0), (-1, -1), layout.body_size * 0.2),
        ]
        for monday in mondays:
            row = len(data)
            cells: list[Flowable | str] = []
            for column, weekday in enumerate(columns):
                day = monday + timedelta(days=weekday)
                session = by_day.get(day)
                if session is None:
                    text = format_date(day, year=False)
                    cells.append(Para(escape_text(text), styles.cell_muted))
                    commands += [
                        ("BACKGROUND", (column, row), (column, row), QUIET_FILL),
                        ("BOX", (column, row), (column, row), 0.3, RULE),
                    ]
                else:
                    text = f"{format_date(day, year=False)}\nSession {session.number}"
                    cells.append(Para(escape_text(text), styles.cell_bold))
                    commands.append(("BOX", (column, row), (column, row), 1.8, colors.black))
            data.append(cells)
        table = Table(
            data, colWidths=[width] * len(columns), repeatRows=2, style=TableStyle(commands)
        )
        tables += [table, Spacer(1, layout.body_size * 0.5)]
    return tables


def schedule_flowables(schedule: DatedSchedule, styles: Styles, layout: Layout) -> list[Flowable]:
    """Heading, plain-language summary, the calendar and what happens after the last date."""
    template = schedule.template
    first = schedule.sessions[0].date
    intro: list[Flowable] = [
        Para(escape_text("Your treatment dates"), styles.heading),
        Para(escape_text(template.summary), styles.body),
        Para(
            escape_text(
                f"First session: {format_date(first, weekday=True)}. "
                f"Session days: {schedule.weekday_labels}. "
                f"Sessions shown: {len(schedule.sessions)}."
            ),
            styles.body,
        ),
    ]
    tables = calendar_tables(schedule, styles, layout)
    # The heading travels with the first table rather than being stranded above a page break.
    story: list[Flowable] = [KeepGroup([*intro, tables[0]])]
    story += [KeepGroup([t]) if isinstance(t, Table) else t for t in tables[1:]]
    if template.after:
        story.append(Para(escape_text(template.after), styles.body))
    story.append(
        Para(
            escape_text(
                "If you cannot come on a date, call your clinic to book a new time. "
                f"Plan: {template.title}."
            ),
            styles.small,
        )
    )
    if schedule.due_for_review:
        story.append(
            Para(
                escape_text(
                    f"DUE FOR REVIEW: this schedule plan was due for review on "
                    f"{format_date(template.review_due)}."
                ),
                styles.field_label,
            )
        )
    story.append(Spacer(1, layout.body_size * 0.8))
    return story
