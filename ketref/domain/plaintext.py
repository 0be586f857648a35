"""Cleaning text that people type before it is stored or printed.

The written rule: text is normalised to NFC (so a decomposed "Nguyễn" prints and compares like a
composed one); control characters and invisible format characters (zero-width spaces, soft
hyphens, bidirectional overrides) are removed, since they print as boxes or reorder a name
invisibly; tabs become spaces; one-line fields turn line breaks into spaces; leading and
trailing blanks go. Length limits are checked after cleaning.
"""

from __future__ import annotations

import re
import unicodedata

from ketref.domain.errors import BadInputError

_SPACES = re.compile(r"[ \t\u00a0]+")
_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]*")


def _keep(ch: str) -> bool:
    # Cc controls, Cf invisible format characters (zero-width spaces, soft hyphens, bidi
    # overrides and marks, BOM), Cs lone surrogates, Co private use, Cn unassigned: none prints.
    return ch == "\n" or unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn"}


def clean_text(text: str, *, multiline: bool = True) -> str:
    """Apply the module's cleaning rule; the result may be empty."""
    if _PRINTABLE_ASCII.fullmatch(text):  # the common case, without a per-character loop
        return _SPACES.sub(" ", text).strip()
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    if not multiline:
        text = text.replace("\n", " ")
    text = "".join(ch for ch in text if _keep(ch))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return unicodedata.normalize("NFC", "\n".join(lines).strip("\n "))


def optional_field(
    value: str | None,
    label: str,
    *,
    max_chars: int,
    multiline: bool = False,
    max_lines: int | None = None,
) -> str | None:
    """Clean one typed field; ``None`` when nothing is left.

    Raises:
        BadInputError: the cleaned text is longer than allowed (nothing is cut silently).
    """
    if value is None:
        return None
    cleaned = clean_text(value, multiline=multiline)
    if not cleaned:
        return None
    if len(cleaned) > max_chars:
        raise BadInputError(
            f"{label} is too long: {len(cleaned):,} characters (at most {max_chars:,})."
        )
    if max_lines is not None and cleaned.count("\n") + 1 > max_lines:
        raise BadInputError(f"{label} has too many lines (at most {max_lines}).")
    return cleaned
