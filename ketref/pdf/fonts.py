"""The bundled Unicode fonts (DejaVu Sans, four faces), registered once per process.

reportlab falls back to Helvetica, a base-14 font that is never embedded and has no glyphs for
"Nguyễn" or "Đặng". Every style, table, bullet and the canvas itself use these names instead, and
a test scans each PDF's font dictionaries to prove no base-14 font is referenced.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ketref.paths import resources_dir

REGULAR = "KetrefSans"
BOLD = "KetrefSans-Bold"
ITALIC = "KetrefSans-Oblique"
BOLD_ITALIC = "KetrefSans-BoldOblique"

_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


@cache
def register_fonts() -> None:
    """Register the four faces and their family mapping (idempotent; about 50 ms once)."""
    folder = fonts_dir()
    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, ITALIC)
    addMapping(REGULAR, 1, 1, BOLD_ITALIC)


@cache
def printable_codepoints() -> frozenset[int]:
    """Code points both the regular and the bold face can draw (user text may be set bold).

    Only the Basic Multilingual Plane: reportlab writes the text mapping of a character beyond
    U+FFFF (an emoji, say) in a form PDF readers reject, so it would print but vanish from
    copy, search and screen readers.
    """
    register_fonts()
    regular = pdfmetrics.getFont(REGULAR).face.charToGlyph  # type: ignore[attr-defined]
    bold = pdfmetrics.getFont(BOLD).face.charToGlyph  # type: ignore[attr-defined]
    return frozenset(c for c in regular if c in bold and c <= 0xFFFF)
