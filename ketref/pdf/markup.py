"""The one door from text to reportlab markup: every string a Paragraph sees passes here.

reportlab's Paragraph parses a mini-HTML: an unescaped ``<`` crashes it ("Dose 0.1 <A <0.9") or
changes the style (a typed ``<font size=40>``). ``escape_text`` cleans the text (see
``ketref.domain.plaintext``), replaces characters the bundled font cannot draw, and those beyond
U+FFFF such as emoji (see ``fonts.printable_codepoints``), with U+FFFD (a visible "?" in a
diamond, never a silent box), escapes ``& < >`` and turns line breaks into
``<br/>``. Text is never markup anywhere in ketref, so nothing is ever passed through unescaped.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from ketref.domain.plaintext import clean_text
from ketref.pdf.fonts import printable_codepoints

REPLACEMENT = "\ufffd"


def printable(text: str, *, multiline: bool = True) -> str:
    """Cleaned text with every character the bundled font lacks replaced by U+FFFD."""
    cleaned = clean_text(text, multiline=multiline)
    if cleaned.isascii():  # printable ASCII after cleaning: the font has every character
        return cleaned
    glyphs = printable_codepoints()
    return "".join(ch if ch == "\n" or ord(ch) in glyphs else REPLACEMENT for ch in cleaned)


def escape_text(text: str, *, multiline: bool = True) -> str:
    """Plain text -> Paragraph markup that prints exactly that text."""
    return escape(printable(text, multiline=multiline)).replace("\n", "<br/>")
