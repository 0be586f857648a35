"""Which characters a file may carry in its text, and how text is shown on a terminal.

One rule for content packs and patient files: no C0/C1 control characters (tab, line feed and
carriage return are fine), no lone surrogates, no bidirectional overrides or isolates (they
reorder a drug name invisibly, U+202E), no U+FFFD (text mis-decoded somewhere). On a terminal a
control character is not text but a command (ESC sequences move the cursor, set the window
title, ring the bell), so anything shown on the command line goes through ``visible``.
"""

from __future__ import annotations

import re

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
BAD_CHARACTER = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069\ufffd]"
)


def text_problem(text: str) -> str | None:
    """What is wrong with ``text`` under the rule (None: nothing)."""
    match = BAD_CHARACTER.search(text)
    if match is None:
        return None
    ch = match.group()
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        return "a lone surrogate (broken text)"
    if ch in BIDI_CONTROLS:
        return f"a bidirectional override (U+{code:04X})"
    if ch == "\ufffd":
        return "a replacement character (U+FFFD: the text was mis-decoded somewhere)"
    return f"a control character (U+{code:04X})"


_SHOWN_AS_CODE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """``text`` safe for a terminal: each control, surrogate or bidi character becomes its
    code (``<U+001B>``), so it is seen, never obeyed. Line feeds stay."""
    return _SHOWN_AS_CODE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)
