"""Handout PDFs read back: every word of the content, page numbers, sizes, fonts, metadata."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from datetime import date
from typing import Any

import pytest

from ketref.domain.document import (
    DocCallout,
    DocFields,
    DocHeading,
    DocList,
    DocParagraph,
    DocTable,
    HandoutPrint,
    PrintDocument,
)
from ketref.domain.enums import CalloutStyle
from ketref.domain.printing import ClinicProfile, PaperSize, Personalisation, PrintOptions
from ketref.domain.schedules import ScheduleTemplate, plan_schedule
from ketref.pdf.document import render_document
from ketref.pdf.handout import render_handout, render_packet
from tests.conftest import shipped_version
from tests.pdf.pdf_inspect import (
    font_names,
    font_problems,
    metadata_values,
    normalize,
    page_sizes,
    page_texts,
    reader,
    region_text,
)

pytestmark = pytest.mark.pdf

BODY = (80.0, 725.0)
"""Heights (pt) between the footer and the slim header on Letter: the text of the content."""
DEJAVU = {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "DejaVuSans-BoldOblique"}


def test_every_handout_prints_every_word_with_embedded_fonts(
    handouts: dict[str, HandoutPrint], clinic: ClinicProfile
) -> None:
    for slug, item in handouts.items():
        pdf = render_handout(item, clinic)
        body = region_text(pdf, *BODY)
        for line in item.handout.plain_text().splitlines():
            assert normalize(line) in body, (slug, line)
        assert font_problems(pdf) == [], slug
        assert font_names(pdf) <= DEJAVU
        pages = reader(pdf).pages
        first, last = pages[0].extract_text(), pages[-1].extract_text()
        if item.handout.language == "es":  # the Spanish footer, with accents extracted
            assert f"Versión 1.0 (contenido {shipped_version()})" in first
            assert "Próxima revisión: 21 nov 2027" in last
            assert "REVISIÓN VENCIDA" not in first + last
        else:
            assert f"Version 1.0 (content {shipped_version()})" in first
            assert "Review due 21 Nov 2027" in last
            assert "DUE FOR REVIEW" not in first + last


def test_packet_pages_are_the_cover_plus_each_part_and_numbers_run_across(
    handouts: dict[str, HandoutPrint], clinic: ClinicProfile
) -> None:
    items = [
        handouts[s] for s in ("after-your-session", "about-iv-ketamine", "questions-people-ask")
    ]
    alone = [len(reader(render_handout(i, clinic)).pages) for i in items]
    pdf = render_packet(items, clinic)
    texts = page_texts(pdf)
    assert len(texts) == 1 + sum(alone)
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in text
    starts = [2, 2 + alone[0], 2 + alone[0] + alone[1]]
    for item, start in zip(items, starts, strict=True):
        assert item.handout.title in texts[start - 1]
        assert "Riverside Mood Clinic" in texts[start - 1]  # every part opens on the letterhead
    cover_numbers = [int(n) for n in re.findall(r"(?m)^(\d+)$", texts[0])]
    assert cover_numbers == starts
    for item in items:
        assert item.handout.title in texts[0]


def test_packet_keeps_the_chosen_order(
    handouts: dict[str, HandoutPrint], clinic: ClinicProfile
) -> None:
    order = ["your-treatment-schedule", "after-your-session"]
    text = normalize(" ".join(page_texts(render_packet([handouts[s] for s in order], clinic))))
    body = text.split("In this pack", 1)[1]
    assert body.index("Your treatment schedule") < body.index("After your session")


@pytest.mark.parametrize(
    ("paper", "size"),
    [(PaperSize.LETTER, (612.0, 792.0)), (PaperSize.A4, (595.276, 841.89))],
)
def test_paper_sizes_are_exact(
    paper: PaperSize,
    size: tuple[float, float],
    handouts: dict[str, HandoutPrint],
    clinic: ClinicProfile,
) -> None:
    pdf = render_handout(handouts["during-your-session"], clinic, PrintOptions(paper=paper))
    assert set(page_sizes(pdf)) == {size}


def test_clinic_default_paper_applies_unless_overridden(
    handouts: dict[str, HandoutPrint], clinic: ClinicProfile
) -> None:
    a4_clinic = dataclasses.replace(clinic, paper=PaperSize.A4)
    item = handouts["after-your-session"]
    assert set(page_sizes(render_handout(item, a4_clinic))) == {(595.276, 841.89)}
    letter = render_handout(item, a4_clinic, PrintOptions(paper=PaperSize.LETTER))
    assert set(page_sizes(letter)) == {(612.0, 792.0)}


def _sizes_by_characters(pdf: bytes) -> Counter[float]:
    counts: Counter[float] = Counter()
    for page in reader(pdf).pages:

        def visit(text: str, cm: Any, tm: Any, _font: Any, size: Any) -> None:
            y = tm[5] * cm[3] + cm[5]
            if BODY[0] <= y <= BODY[1] and text.strip():
                counts[round(float(size) * float(tm[3]), 1)] += len(text.strip())

        page.extract_text(visitor_text=visit)
    return counts


def test_large_print_body_is_at_least_14_points(
    handouts: dict[str, HandoutPrint], clinic: ClinicProfile, templates: dict
) -> None:
    schedule = plan_schedule(templates["esketamine-trd"], date(2027, 1, 7))
    item = handouts["your-treatment-schedule"]
    normal = _sizes_by_characters(render_handout(item, clinic, schedule=schedule))
    large_pdf = render_handout(item, clinic, PrintOptions(large_print=True), schedule=schedule)
    large = _sizes_by_characters(large_pdf)
    assert normal.most_common(1)[0][0] == 10.5
    assert large.most_common(1)[0][0] >= 14
    assert min(large) >= 12  # labels and captions; every line of content is 14 pt or more
    assert font_problems(large_pdf) == []
    # Without the calendar's quiet 12 pt day cells, nearly every character is 14 pt or more.
    plain = _sizes_by_characters(render_handout(item, clinic, PrintOptions(large_print=True)))
    assert sum(n for size, n in plain.items() if size >= 14) / sum(plain.values()) > 0.95


def test_due_for_review_is_marked_on_every_page(
    handouts: dict[str, HandoutPrint], clinic: ClinicProfile
) -> None:
    due = dataclasses.replace(handouts["about-iv-ketamine"], due_for_review=True)
    texts = page_texts(render_handout(due, clinic))
    assert len(texts) > 1
    assert all("DUE FOR REVIEW" in t for t in texts)
    assert "Review due 21 Nov 2027 (PASSED)" in normalize(texts[0])
    assert "Staff: check it is still current" in normalize(texts[0])


def test_metadata_has_titles_but_never_personal_details(
    handouts: dict[str, HandoutPrint], clinic: ClinicProfile, templates: dict
) -> None:
    marker = "Zqxmarker"
    personal = Personalisation.build(
        patient_name=f"Ann {marker}",
        date=date(2027, 1, 7),
        escort=f"Bob {marker}",
        notes=f"Notes for {marker}",
        emergency_phone=f"555 {marker}",
    )
    schedule = plan_schedule(templates["iv-twice-weekly-3-weeks"], date(2027, 1, 7))
    items = [handouts["after-your-session"], handouts["your-treatment-schedule"]]
    for pdf in (
        render_handout(items[0], clinic, personal=personal, schedule=schedule),
        render_packet(items, clinic, personal=personal, schedule=schedule),
    ):
        meta = metadata_values(pdf)
        assert meta["/Creator"].startswith("ketref")
        assert meta["/Author"] == "Riverside Mood Clinic"
        assert meta["/Title"]
        assert meta["/Subject"]
        assert all(marker not in value for value in meta.values())
        assert marker.encode() not in pdf  # not in any uncompressed part of the file either
        assert f"Ann {marker}" in normalize(page_texts(pdf)[0])  # yet it is printed


def test_personal_details_schedule_and_notes_are_printed(
    handouts: dict[str, HandoutPrint], clinic: ClinicProfile, templates: dict
) -> None:
    personal = Personalisation.build(
        patient_name="José Núñez",
        date=date(2027, 1, 7),
        escort="Maria Núñez",
        notes="Take your usual blood pressure tablet.\n\nBring your medicines list.",
        emergency_phone="(217) 555-0111",
    )
    schedule = plan_schedule(templates["iv-3-2-1-taper"], date(2027, 1, 29), (0, 2, 4))
    pdf = render_handout(
        handouts["your-treatment-schedule"], clinic, personal=personal, schedule=schedule
    )
    text = normalize(" ".join(page_texts(pdf)))
    for expected in (
        "Prepared for José Núñez",
        "Date 7 Jan 2027",
        "Driver or escort Maria Núñez",
        "Notes from your care team",
        "Take your usual blood pressure tablet.",
        "After hours or urgent: (217) 555-0111",  # the override replaces the clinic's number
        "Fri 29 Jan 2027",
        "Session 1",
        "Session 9",
        "First course (Jan to Feb 2027)",
        "Monthly sessions (Mar to May 2027)",
    ):
        assert expected in text, expected
    assert "(217) 555-0199" not in text
    for session in schedule.sessions:
        assert f"Session {session.number}" in text


def test_no_dangling_labels_without_personal_details(
    handouts: dict[str, HandoutPrint], clinic: ClinicProfile
) -> None:
    personal = Personalisation.build(patient_name="  ", escort="\t", notes="\n\n")
    text = normalize(
        " ".join(
            page_texts(render_handout(handouts["after-your-session"], clinic, personal=personal))
        )
    )
    for label in ("Prepared for", "Driver or escort", "Notes from your care team"):
        assert label not in text


def test_missing_clinic_details_leave_write_in_lines(handouts: dict[str, HandoutPrint]) -> None:
    text = page_texts(render_handout(handouts["after-your-session"], ClinicProfile()))[0]
    assert "Clinic: ____" in text
    assert "Phone: ____" in text
    assert "After hours or urgent: ____" in text


def test_generic_document_renders_every_block_kind(clinic: ClinicProfile) -> None:
    doc = PrintDocument(
        title="Screening summary",
        label="Clinician summary",
        main_message="Needs review for IV ketamine.",
        blocks=(
            DocFields((("Product", "IV ketamine"), ("Rule set", "v3"), ("Empty", None))),
            DocHeading("Findings"),
            DocTable(
                header=("Rule", "Outcome", "Why"),
                rows=(("bp-uncontrolled", "needs-review", "BP <160/100 & rising"),),
                widths=(2, 1, 3),
            ),
            DocCallout(CalloutStyle.WARNING, "Check blood pressure", items=("Before dosing",)),
            DocCallout(CalloutStyle.EMERGENCY, "Stop if", text="Chest pain."),
            DocList("steps", ("One", "Two")),
            DocParagraph("Supports, never replaces, clinical judgement."),
        ),
        content_version="2026.11.1",
        disclaimer="Supports clinical judgement.",
        keywords=("screening",),
    )
    pdf = render_document(doc, clinic)
    text = normalize(" ".join(page_texts(pdf)))
    for expected in (
        "CLINICIAN SUMMARY",
        "Screening summary",
        "Product IV ketamine",
        "BP <160/100 & rising",
        "⚠ Check blood pressure",
        "☎ Stop if",
        "1. One",
        "Content 2026.11.1",
        "Supports clinical judgement.",
    ):
        assert expected in text, expected
    assert "Empty" not in text
    assert metadata_values(pdf)["/Subject"] == "Clinician summary"
    assert font_problems(pdf) == []


def test_schedule_template_due_for_review_is_marked(
    handouts: dict[str, HandoutPrint], clinic: ClinicProfile, templates: dict[str, ScheduleTemplate]
) -> None:
    schedule = dataclasses.replace(
        plan_schedule(templates["esketamine-trd"], date(2027, 1, 7)), due_for_review=True
    )
    text = normalize(
        " ".join(
            page_texts(render_handout(handouts["after-your-session"], clinic, schedule=schedule))
        )
    )
    assert "DUE FOR REVIEW: this schedule plan was due for review on 21 Nov 2027." in text


def test_an_unverified_schedule_template_says_so_on_paper(
    handouts: dict[str, HandoutPrint], clinic: ClinicProfile, templates: dict[str, ScheduleTemplate]
) -> None:
    taper = templates["iv-3-2-1-taper"]
    assert not taper.verified and taper.choice_label.endswith(" · Unverified")
    item = handouts["your-treatment-schedule"]
    marked = plan_schedule(taper, date(2027, 1, 7))
    text = normalize(" ".join(page_texts(render_handout(item, clinic, schedule=marked))))
    assert "Unverified plan: the exact pattern of this plan is your clinic's choice." in text
    assert "table your clinic gives you" not in text  # never right under the printed table
    sourced = plan_schedule(templates["esketamine-trd"], date(2027, 1, 7))
    assert templates["esketamine-trd"].verified
    assert "Unverified plan" not in " ".join(
        page_texts(render_handout(item, clinic, schedule=sourced))
    )
