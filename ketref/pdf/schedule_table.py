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

from ketref.domain.print_language import (
    Language,
    format_date,
    format_month,
    messages,
    weekday_names,
)
from ketref.domain.schedules import DatedSchedule, PlannedSession
from ketref.pdf.flowables import KeepGroup, Para
from ketref.pdf.fonts import REGULAR
from ketref.pdf.markup import escape_text
from ketref.pdf.styles import RULE, Layout, Styles

QUIET_FILL = colors.Color(0.95, 0.95, 0.95)
PHASE_FILL = colors.Color(0.86, 0.86, 0.86)


def _week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _months(sessions: list[PlannedSession], language: Language) -> str:
    """``Jan 2027`` or ``Jan 2027 to Mar 2027`` (CLDR month names in ``language``)."""
    first, last = sessions[0].date, sessions[-1].date
    text = messages(language)
    if (first.year, first.month) == (last.year, last.month):
        return text.schedule_months_one.format(month=format_month(first, language))
    return text.schedule_months_range.format(
        first=format_month(first, language, year=first.year != last.year),
        last=format_month(last, language),
    )


def calendar_tables(
    schedule: DatedSchedule, styles: Styles, layout: Layout, language: Language = Language.EN
) -> list[Flowable]:
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
    text = messages(language)
    tables: list[Flowable] = []
    for label, mondays in phases.items():
        months = _months(sessions_of.get(label) or [by_day[d] for d in sorted(by_day)], language)
        heading = text.schedule_phase.format(label=label, months=months)
        title: list[Flowable | str] = [
            Para(escape_text(heading), styles.cell_bold),
            *[""] * (len(columns) - 1),
        ]
        data: list[list[Flowable | str]] = [
            title,
            [Para(escape_text(weekday_names(language)[d]), styles.cell_bold) for d in columns],
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
                    cell = format_date(day, language, year=False)
                    cells.append(Para(escape_text(cell), styles.cell_muted))
                    commands += [
                        ("BACKGROUND", (column, row), (column, row), QUIET_FILL),
                        ("BOX", (column, row), (column, row), 0.3, RULE),
                    ]
                else:
                    label_text = text.schedule_session.format(number=session.number)
                    cell = f"{format_date(day, language, year=False)}\n{label_text}"
                    cells.append(Para(escape_text(cell), styles.cell_bold))
                    commands.append(("BOX", (column, row), (column, row), 1.8, colors.black))
            data.append(cells)
        table = Table(
            data, colWidths=[width] * len(columns), repeatRows=2, style=TableStyle(commands)
        )
        tables += [table, Spacer(1, layout.body_size * 0.5)]
    return tables


def schedule_flowables(
    schedule: DatedSchedule, styles: Styles, layout: Layout, language: Language = Language.EN
) -> list[Flowable]:
    """Heading, plain-language summary, the calendar and what happens after the last date, in
    ``language`` (the template's words should already be in it, see ``in_language``)."""
    template = schedule.template
    text = messages(language)
    first = schedule.sessions[0].date
    days = ", ".join(weekday_names(language)[d] for d in schedule.weekdays)
    facts = text.schedule_facts.format(
        first=format_date(first, language, weekday=True), days=days, count=len(schedule.sessions)
    )
    intro: list[Flowable] = [
        Para(escape_text(text.schedule_heading), styles.heading),
        Para(escape_text(template.summary), styles.body),
        Para(escape_text(facts), styles.body),
    ]
    if not template.verified:
        intro.append(Para(escape_text(text.schedule_unverified), styles.callout_title))
    tables = calendar_tables(schedule, styles, layout, language)
    # The heading travels with the first table rather than being stranded above a page break.
    story: list[Flowable] = [KeepGroup([*intro, tables[0]])]
    story += [KeepGroup([t]) if isinstance(t, Table) else t for t in tables[1:]]
    if template.after:
        story.append(Para(escape_text(template.after), styles.body))
    story.append(Para(escape_text(text.schedule_missed.format(plan=template.title)), styles.small))
    if schedule.due_for_review:
        due = text.schedule_due.format(date=format_date(template.review_due, language))
        story.append(Para(escape_text(due), styles.field_label))
    story.append(Spacer(1, layout.body_size * 0.8))
    return story
