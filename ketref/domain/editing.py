"""Checking an item as it is being edited: the load schema plus the editor's own rules.

Each problem carries the path of the field it belongs to (pydantic's ``loc``), so a form can
show the reason next to the field. The schema is the one loading uses; the extra rules here
are the ones a person typing needs to hear about (unknown sources, dates, a handout without a
"when to get help" section, oversized text, a name already taken).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ValidationError

from ketref.domain import content as c
from ketref.domain.enums import CalloutStyle, ItemKind

Loc = tuple[str | int, ...]
MAX_TEXT = 6000
"""The longest text any field holds (the schema's ``Text``); longer input is refused whole."""
HELP_WORDS = ("help", "ayuda", "emergency", "emergencia")
"""A section heading with one of these words tells the reader when to get help."""


@dataclass(frozen=True)
class Problem:
    """One reason an edited item cannot be saved, at the field it concerns."""

    loc: Loc
    message: str


def model_for(kind: ItemKind) -> type[BaseModel]:
    """The content model the editor validates ``kind`` with (references included)."""
    return c.Reference if kind is ItemKind.REFERENCE else c.MODEL_BY_KIND[kind]


def slug_for(title: str) -> str:
    """A slug from a title: accents dropped, lower case, words joined by hyphens, ≤ 80 chars."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].rstrip("-") or "item"


def unique_slug(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``… whichever is not in ``taken``."""
    if base not in taken:
        return base
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = base[: 80 - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        number += 1


def check_item(
    kind: ItemKind,
    data: Mapping[str, Any],
    *,
    known_references: set[str],
    taken_slugs: set[str] | None = None,
) -> tuple[BaseModel | None, list[Problem]]:
    """The validated item (or ``None``) and every problem found, each at its field.

    ``taken_slugs`` is given for a new item: the slugs other items of its kind already use.
    """
    problems = list(_oversized(data))
    if problems:  # never hand 100,000 characters to the validator, and say only this
        return None, problems
    model: BaseModel | None = None
    try:
        model = model_for(kind).model_validate(dict(data))
    except ValidationError as exc:
        problems += [_problem(err) for err in exc.errors()]
    problems += _unknown_references(data, known_references)
    if kind is not ItemKind.REFERENCE:
        problems += _dates(data)
    if kind is ItemKind.HANDOUT and not _has_help_section(data):
        problems.append(
            Problem(
                ("sections",),
                "A handout needs a section that says when to get help (a heading with "
                "“help”, or an emergency callout).",
            )
        )
    slug = data.get("id" if kind is ItemKind.REFERENCE else "slug")
    if taken_slugs is not None and isinstance(slug, str) and slug in taken_slugs:
        where: Loc = ("id",) if kind is ItemKind.REFERENCE else ("title",)
        problems.append(
            Problem(
                where,
                f"Another {kind.singular.lower()} already has the short name “{slug}”; "
                "choose a different title.",
            )
        )
    unique = list(dict.fromkeys(problems))
    return (model if not unique else None), unique


def _oversized(value: object, loc: Loc = ()) -> Iterator[Problem]:
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            yield Problem(
                loc, f"Too long: {len(value):,} characters. The limit is {MAX_TEXT:,} characters."
            )
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _oversized(inner, (*loc, str(key)))
    elif isinstance(value, list | tuple):
        for index, inner in enumerate(value):
            yield from _oversized(inner, (*loc, index))


_MESSAGES = {
    "missing": "Required.",
    "string_too_short": "Required.",
    "too_short": "Add at least one.",
    "extra_forbidden": "Not a field of this kind of item.",
}


def _problem(err: Any) -> Problem:
    loc: Loc = tuple(err["loc"])
    kind = err["type"]
    message = str(err["msg"]).removeprefix("Value error, ")
    if kind in _MESSAGES:
        message = _MESSAGES[kind]
    elif kind == "string_too_long":
        limit = err.get("ctx", {}).get("max_length")
        message = f"Too long. The limit is {limit:,} characters."
    elif kind == "string_pattern_mismatch" and loc and loc[-1] == "slug":
        message = "Use lower-case letters, digits and single hyphens only."
    if "review_due must be after reviewed" in message:
        return Problem((*loc, "review_due"), _DATE_MESSAGE)
    return Problem(loc, message)


_DATE_MESSAGE = "The next review must be after the last review date."


def _dates(data: Mapping[str, Any]) -> list[Problem]:
    reviewed, due = _as_date(data.get("reviewed")), _as_date(data.get("review_due"))
    if reviewed is not None and due is not None and due <= reviewed:
        return [Problem(("review_due",), _DATE_MESSAGE)]
    return []


def _as_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _unknown_references(value: object, known: set[str], loc: Loc = ()) -> list[Problem]:
    """Every ``references`` list (at any depth) naming a source the library does not have."""
    found: list[Problem] = []
    if isinstance(value, Mapping):
        for key, inner in value.items():
            if key == "references" and isinstance(inner, list):
                missing = [r for r in inner if isinstance(r, str) and r not in known]
                if missing:
                    found.append(
                        Problem(
                            (*loc, "references"),
                            f"Not in the library: {', '.join(missing)}. Pick a source from the "
                            "library, or add it as a new reference first.",
                        )
                    )
            else:
                found += _unknown_references(inner, known, (*loc, str(key)))
    elif isinstance(value, list | tuple):
        for index, inner in enumerate(value):
            found += _unknown_references(inner, known, (*loc, index))
    return found


def _has_help_section(data: Mapping[str, Any]) -> bool:
    sections = data.get("sections")
    if not isinstance(sections, list):
        return True  # the schema reports the missing sections itself
    for section in sections:
        if not isinstance(section, Mapping):
            continue
        heading = str(section.get("heading", "")).lower()
        if any(word in heading for word in HELP_WORDS):
            return True
        for block in section.get("blocks") or []:
            if isinstance(block, Mapping) and block.get("style") == CalloutStyle.EMERGENCY.value:
                return True
    return False
