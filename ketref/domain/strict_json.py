"""One strict JSON reader for the files people hand to ketref (patient files, content packs).

Python's ``json`` quietly keeps the last of two equal keys and reads ``NaN``, ``Infinity`` and
``1e400`` as floats that are not numbers. This reader keeps what it saw instead, so each caller
can refuse it in its own words: objects are ``JsonObject`` (with the keys given twice), and a
non-finite number is a ``NonFinite`` holding its text.
"""

from __future__ import annotations

import json
import math
from typing import Any


class JsonObject(dict[str, Any]):
    """A JSON object that remembers the keys it saw twice (JSON would keep the last silently)."""

    duplicates: tuple[str, ...] = ()
    """Set on the object only when it has some (a pack holds about a million objects)."""


class NonFinite:
    """``NaN``, ``Infinity`` or a number too large for a float, as written."""

    def __init__(self, text: str) -> None:
        self.text = text


class StrictJsonError(ValueError):
    """Not JSON at all: ``reason`` says why in plain words (line and column where known)."""

    def __init__(self, reason: str, *, line: int | None = None, column: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column


def _object(pairs: list[tuple[str, Any]]) -> JsonObject:
    obj = JsonObject(pairs)
    if len(obj) < len(pairs):  # the last of equal keys wins, as in json; the others are kept
        seen: set[str] = set()
        repeated: list[str] = []
        for key, _ in pairs:
            (repeated.append if key in seen else seen.add)(key)
        obj.duplicates = tuple(repeated)
    return obj


def _float(text: str) -> float | NonFinite:
    value = float(text)
    return value if math.isfinite(value) else NonFinite(text)


def parse_strict_json(text: str) -> Any:
    """Parse ``text``, keeping duplicate keys and non-finite numbers visible (see the module).

    Raises:
        StrictJsonError: a syntax error, nesting too deep for the parser, or an integer too
            long to convert.
    """
    try:
        return json.loads(
            text, object_pairs_hook=_object, parse_float=_float, parse_constant=NonFinite
        )
    except json.JSONDecodeError as exc:
        raise StrictJsonError(exc.msg, line=exc.lineno, column=exc.colno) from None
    except RecursionError:
        raise StrictJsonError("nested too deeply") from None
    except ValueError as exc:  # e.g. an integer with thousands of digits
        raise StrictJsonError(f"a number too long to read ({str(exc)[:60]})") from None
