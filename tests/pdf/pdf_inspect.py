"""Reading PDFs back for tests: text, text by region, fonts, page sizes, metadata (pypdf)."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

from pypdf import PdfReader

BASE14 = {
    "Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique",
    "Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique",
    "Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic", "Symbol", "ZapfDingbats",
}  # fmt: skip


def reader(data: bytes) -> PdfReader:
    return PdfReader(BytesIO(data))


def normalize(text: str) -> str:
    """Whitespace runs become one space (line wraps differ from the source text)."""
    return re.sub(r"\s+", " ", text).strip()


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in reader(data).pages]


def full_text(data: bytes) -> str:
    return normalize(" ".join(page_texts(data)))


def region_text(data: bytes, y_min: float, y_max: float) -> str:
    """Text drawn between two heights on every page (e.g. the body frame, without furniture)."""
    chunks: list[str] = []

    def visit(text: str, cm: Any, tm: Any, _font: Any, _size: Any) -> None:
        y = tm[5] * cm[3] + tm[4] * cm[1] + cm[5]
        if y_min <= y <= y_max:
            chunks.append(text)

    for page in reader(data).pages:
        page.extract_text(visitor_text=visit)
        chunks.append(" ")
    return normalize(" ".join(chunks))


def font_problems(data: bytes) -> list[str]:
    """Every font that is a base-14 font or is not embedded, named by page."""
    problems: list[str] = []
    for number, page in enumerate(reader(data).pages, start=1):
        resources = page.get("/Resources") or {}
        fonts = resources.get_object().get("/Font") or {}
        for key, ref in fonts.get_object().items():
            font = ref.get_object()
            base = str(font.get("/BaseFont", "")).lstrip("/")
            name = base.split("+", 1)[-1]
            if name in BASE14:
                problems.append(f"page {number}: {key} is base-14 {name}")
            descriptor = font.get("/FontDescriptor")
            if font.get("/Subtype") == "/Type0":
                descendant = font["/DescendantFonts"][0].get_object()
                descriptor = descendant.get("/FontDescriptor")
            if descriptor is None:
                problems.append(f"page {number}: {key} ({name}) has no font descriptor")
                continue
            descriptor = descriptor.get_object()
            if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                problems.append(f"page {number}: {key} ({name}) is not embedded")
    return problems


def font_names(data: bytes) -> set[str]:
    names: set[str] = set()
    for page in reader(data).pages:
        fonts = (page.get("/Resources") or {}).get_object().get("/Font") or {}
        for ref in fonts.get_object().values():
            names.add(str(ref.get_object().get("/BaseFont", "")).lstrip("/").split("+", 1)[-1])
    return names


def page_sizes(data: bytes) -> list[tuple[float, float]]:
    return [
        (round(float(p.mediabox.width), 3), round(float(p.mediabox.height), 3))
        for p in reader(data).pages
    ]


def metadata_values(data: bytes) -> dict[str, str]:
    info = reader(data).metadata or {}
    return {str(k): str(v) for k, v in info.items()}
