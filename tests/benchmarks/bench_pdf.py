"""Handout PDFs: one handout against a plain reportlab document of equal pages, and a packet.

The baseline is what any reportlab PDF of the same length costs: the same bundled fonts (the
regular, bold and oblique faces, embedded and subset), the handout's own words as plain
Paragraphs in a SimpleDocTemplate, padded to the same page count. What ketref adds on top (the
letterhead, boxes, tables, footers, page numbers) is the ratio. The packet of every handout,
personalised, has an absolute goal; the service preview (database reads + render, what the GUI
pays per refresh) is shown for information.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from io import BytesIO

from pypdf import PdfReader
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate

from ketref.content.reader import read_content_folder
from ketref.domain.content import Handout
from ketref.domain.document import HandoutPrint
from ketref.domain.printing import ClinicProfile, Personalisation
from ketref.pdf.fonts import BOLD, ITALIC, REGULAR, register_fonts
from ketref.pdf.handout import render_handout, render_packet
from ketref.pdf.markup import escape_text
from ketref.services.handouts import HandoutRequest
from tests.benchmarks import fixtures
from tests.benchmarks.harness import Context, Figure, alternate, at_most, benchmark, timed, under

SLUG = "side-effects-and-when-to-get-help"
"""The handout timed alone: the longest of the shipped ones (several pages, boxes, lists)."""


def pages(data: bytes) -> int:
    return len(PdfReader(BytesIO(data)).pages)


def plain_document(lines: list[tuple[str, str]]) -> bytes:
    """One Paragraph per (face, text) line in a SimpleDocTemplate: no tables, boxes or footers."""
    buffer = BytesIO()
    styles = {
        face: ParagraphStyle(face, fontName=face, fontSize=10.5, leading=14, spaceAfter=6)
        for face in (REGULAR, BOLD, ITALIC)
    }
    doc = SimpleDocTemplate(
        buffer, pagesize=LETTER, leftMargin=0.75 * inch, rightMargin=0.75 * inch,
        initialFontName=REGULAR,
    )  # fmt: skip
    doc.build([Paragraph(escape_text(text), styles[face]) for face, text in lines])
    return buffer.getvalue()


def baseline_lines(handout: Handout, wanted_pages: int) -> list[tuple[str, str]]:
    """The handout's words in the same three faces (headings bold, a closing line oblique),
    repeated or trimmed until the plain document has the same page count."""
    headings = {handout.title, handout.main_message, *(s.heading for s in handout.sections)}
    base = [
        (BOLD if line in headings else REGULAR, line) for line in handout.plain_text().splitlines()
    ]
    closing = (ITALIC, "General information to go with advice from your care team.")
    lines = [*base, closing]
    while pages(plain_document(lines)) < wanted_pages:
        lines[-1:-1] = base[: max(1, len(base) // 8)]
    while pages(plain_document(lines)) > wanted_pages and len(lines) > 2:
        del lines[-2]
    return lines


def per_call(fn: Callable[[], object], calls: int) -> Callable[[], Mapping[str, float]]:
    """Milliseconds per call, averaged over ``calls`` back-to-back calls (one sample)."""

    def measure() -> Mapping[str, float]:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        return {"ms": (time.perf_counter() - start) * 1000 / calls}

    return measure


@benchmark("handout-pdf", "One handout vs plain reportlab of equal pages; a packet of every one")
def handout_pdf(ctx: Context) -> list[Figure]:
    register_fonts()
    bundle = read_content_folder(fixtures.SHIPPED)
    # One language, as a packet is printed (the Spanish translations double the items).
    english = [h for h in bundle.handouts if h.language == "en"]
    items = [HandoutPrint(h, bundle.release.version, False) for h in english]
    item = next(i for i in items if i.handout.slug == SLUG)
    clinic = ClinicProfile.build(
        name="Riverside Mood Clinic", address="12 Harbour Road\nSpringfield", phone="555 0142",
        emergency_phone="555 0199",
    )  # fmt: skip
    personal = Personalisation.build(patient_name="Nguyễn Thị Ánh", notes="Bring your list.")
    n_pages = pages(render_handout(item, clinic))
    lines = baseline_lines(item.handout, n_pages)
    if pages(plain_document(lines)) != n_pages:
        raise RuntimeError(f"the plain baseline does not come to {n_pages} pages")

    calls = 1 if ctx.quick else 3
    repeat = ctx.repeat(15, quick=3)
    subject, baseline = alternate(
        per_call(lambda: render_handout(item, clinic), calls),
        per_call(lambda: plain_document(lines), calls),
        repeat,
        warmup=int(repeat > 1),
    )

    packet = lambda: render_packet(items, clinic, personal=personal)  # noqa: E731
    packet_pages = pages(packet())  # also the warm-up
    packet_ms = [timed(packet)()["ms"] for _ in range(ctx.repeat(7, quick=3))]

    home = fixtures.home_with(ctx, fixtures.database_of(ctx, fixtures.SHIPPED), "handout-pdf")
    services = fixtures.open_services(home, fixtures.SHIPPED)
    try:
        request = HandoutRequest(
            slugs=("after-your-session",),
            personal=Personalisation.build(patient_name="Nguyễn Thị Ánh", notes="Rest."),
        )
        services.handouts.render(request)
        preview_ms = [
            timed(lambda: services.handouts.render(request))()["ms"]
            for _ in range(ctx.repeat(5, 3))
        ]
    finally:
        services.close()

    return [
        Figure(
            "one handout",
            "ms",
            subject["ms"],
            baseline["ms"],
            "plain reportlab",
            (at_most(2.0, on="ratio"),),
            note=f"{SLUG}, {n_pages} pages, same fonts and words in the baseline",
        ),
        Figure(
            "packet of every handout",
            "ms",
            packet_ms,
            goals=(under(1000),),
            note=f"{len(items)} handouts, personalised, {packet_pages} pages",
        ),
        Figure(
            "service preview",
            "ms",
            preview_ms,
            note="HandoutService.render of one personalised handout: database reads + PDF",
        ),
    ]
