"""Handout rendering speed against a plain reportlab document, measured in the same run.

    .venv/bin/python -m tests.benchmarks.pdf_render

The baseline is what any reportlab PDF of the same length costs: the same bundled fonts (the
regular, bold and oblique faces, embedded and subset), the handout's own words as plain
Paragraphs in a SimpleDocTemplate, padded to the same page count. The ratio (ketref / baseline,
per round, the two timed in alternation) is the number to watch; absolute times vary with the
machine's load. Issue 6 asks for a ratio of at most 2 and a packet of every handout in under a
second.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import timeit
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pypdf import PdfReader
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate

from ketref.content.reader import read_content_folder
from ketref.db.engine import DatabaseTarget
from ketref.domain.content import Handout
from ketref.domain.document import HandoutPrint
from ketref.domain.printing import ClinicProfile, Personalisation
from ketref.paths import AppPaths, resources_dir
from ketref.pdf.fonts import BOLD, ITALIC, REGULAR, register_fonts
from ketref.pdf.handout import render_handout, render_packet
from ketref.pdf.markup import escape_text
from ketref.services.handouts import HandoutRequest
from ketref.services.workspace import Workspace

SLUG = "side-effects-and-when-to-get-help"


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
    repeated until the plain document has the same page count."""
    headings = {handout.title, handout.main_message, *(s.heading for s in handout.sections)}
    base = [
        (BOLD if line in headings else REGULAR, line) for line in handout.plain_text().splitlines()
    ]
    closing = (ITALIC, "General information to go with advice from your care team.")
    lines = [*base, closing]
    while pages(plain_document(lines)) < wanted_pages:
        lines[-1:-1] = base[: max(1, len(base) // 8)]
    while pages(plain_document(lines)) > wanted_pages:
        del lines[-2]
    return lines


def interleaved(fns: dict[str, object], number: int, rounds: int = 7) -> dict[str, list[float]]:
    """Seconds per call of each function, timed in alternation so load spikes hit all alike."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            times[name].append(timeit.timeit(fn, number=number) / number)  # type: ignore[arg-type]
    return times


def main() -> None:
    register_fonts()
    bundle = read_content_folder(resources_dir() / "content")
    items = [HandoutPrint(h, bundle.release.version, False) for h in bundle.handouts]
    item = next(i for i in items if i.handout.slug == SLUG)
    clinic = ClinicProfile.build(
        name="Riverside Mood Clinic", address="12 Harbour Road\nSpringfield", phone="555 0142",
        emergency_phone="555 0199",
    )  # fmt: skip
    ours = render_handout(item, clinic)
    n_pages = pages(ours)
    lines = baseline_lines(item.handout, n_pages)
    assert pages(plain_document(lines)) == n_pages
    personal = Personalisation.build(patient_name="Nguyễn Thị Ánh", notes="Bring your list.")

    times = interleaved(
        {"handout": lambda: render_handout(item, clinic), "plain": lambda: plain_document(lines)},
        number=5,
        rounds=15,
    )
    ratios = [h / p for h, p in zip(times["handout"], times["plain"], strict=True)]
    packet = interleaved({"packet": lambda: render_packet(items, clinic, personal=personal)}, 2, 5)
    packet_pages = pages(render_packet(items, clinic, personal=personal))

    def ms(values: list[float]) -> str:
        return f"best {min(values) * 1000:.1f} ms, median {statistics.median(values) * 1000:.1f} ms"

    print(f"handout {SLUG} ({n_pages} pages): {ms(times['handout'])}")
    print(f"plain reportlab, same fonts and words, {n_pages} pages: {ms(times['plain'])}")
    print(
        f"ratio per round: median {statistics.median(ratios):.2f}, "
        f"range {min(ratios):.2f}-{max(ratios):.2f}"
    )
    print(f"packet of all {len(items)} handouts ({packet_pages} pages): {ms(packet['packet'])}")
    preview = service_preview_times()
    print(f"service render, one personalised handout (database read + PDF): {ms(preview)}")


def service_preview_times() -> list[float]:
    """What a GUI preview refresh costs: HandoutService.render, database reads included."""
    with tempfile.TemporaryDirectory() as home:
        paths = AppPaths.resolve(home)
        paths.ensure()
        workspace = Workspace(
            paths, DatabaseTarget.parse(paths.database), resources_dir() / "content"
        )
        services = workspace.open()
        try:
            request = HandoutRequest(
                slugs=("after-your-session",),
                personal=Personalisation.build(patient_name="Nguyễn Thị Ánh", notes="Rest."),
            )
            services.handouts.render(request)
            return interleaved({"preview": lambda: services.handouts.render(request)}, 5)["preview"]
        finally:
            services.close()


if __name__ == "__main__":
    main()
