"""Walking a content model's values: everything nested inside it, and the references it cites.

Apart from the content models so that module stays about what the content is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from enum import Enum
from typing import Any

from pydantic import BaseModel


def iter_values(value: object, skip: frozenset[str] = frozenset()) -> Iterator[object]:
    """Depth first: ``value`` and everything inside it; fields named in ``skip`` are not entered.

    A loop over an explicit stack: loading a large knowledge base walks every item several
    times, and nested generators cost several times as much.
    """
    stack = [value]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, BaseModel):
            fields = node.__dict__
            stack.extend(fields[name] for name in reversed(fields) if name not in skip)
        elif isinstance(node, dict):
            stack.extend(reversed(node.values()))
        elif isinstance(node, list | tuple):
            stack.extend(reversed(node))


_OTHER, _TEXT, _MODEL, _SEQUENCE, _MAPPING = range(1, 6)
_SHAPES: dict[type, int] = {str: _TEXT, list: _SEQUENCE, type(None): _OTHER, bool: _OTHER}
"""What each type of value is, worked out once per type: a walk of a 100x knowledge base
meets millions of values, and ``isinstance`` against BaseModel (whose metaclass checks in
Python) costs several times a dictionary lookup."""


def _shape(cls: type) -> int:
    if issubclass(cls, Enum):  # an enum's code is not text a person wrote
        shape = _OTHER
    elif issubclass(cls, str):
        shape = _TEXT
    elif issubclass(cls, BaseModel):
        shape = _MODEL
    elif issubclass(cls, list | tuple):
        shape = _SEQUENCE
    elif issubclass(cls, dict):
        shape = _MAPPING
    else:
        shape = _OTHER
    _SHAPES[cls] = shape
    return shape


def texts_and_references(
    item: BaseModel,
    skip: frozenset[str] = frozenset(),
    *,
    texts_wanted: bool = True,
    references_wanted: bool = True,
) -> tuple[list[str], set[str]]:
    """In one walk: every non-empty text inside ``item`` in depth-first order (as
    ``iter_values`` meets them; enum codes and fields named in ``skip`` left out), and
    every reference id it cites at any depth (as ``cited_reference_ids``).

    Only containers cost a call: text is taken where it is met (most values are text).
    """
    texts: list[str] = []
    found: set[str] = set()
    shapes = _SHAPES

    def visit(node: Any, shape: int, text: bool) -> None:
        if shape == _MODEL:
            fields = node.__dict__
            if references_wanted:
                refs = fields.get("references")
                if isinstance(refs, list):
                    found.update(map(str, refs))
            for name, value in fields.items():
                cls = type(value)
                if cls is str:
                    if text and value and name not in skip:
                        texts.append(value)
                    continue
                shape = shapes.get(cls) or _shape(cls)
                if shape == _OTHER:
                    continue
                wanted = text and name not in skip
                if wanted or references_wanted:
                    visit(value, shape, wanted)
            return
        if shape == _SEQUENCE:
            values: Iterable[Any] = node
        elif shape == _MAPPING:
            values = node.values()
        else:
            if shape == _TEXT and text and node:  # a str subclass (not an enum)
                texts.append(node)
            return
        for value in values:
            cls = type(value)
            if cls is str:
                if text and value:
                    texts.append(value)
                continue
            shape = shapes.get(cls) or _shape(cls)
            if shape != _OTHER:
                visit(value, shape, text)

    visit(item, shapes.get(type(item)) or _shape(type(item)), texts_wanted)
    return texts, found


def cited_reference_ids(item: BaseModel) -> set[str]:
    """Every reference id an item cites, at any depth (product uses, outcomes, frequencies)."""
    return texts_and_references(item, texts_wanted=False)[1]
