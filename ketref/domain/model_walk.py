"""Walking a content model's values: everything nested inside it, and the references it cites.

Apart from the content models so that module stays about what the content is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

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


_SCALARS = (str, int, float, date, type(None))


def cited_reference_ids(item: BaseModel) -> set[str]:
    """Every reference id an item cites, at any depth (product uses, outcomes, frequencies)."""
    found: set[str] = set()
    stack: list[object] = [item]
    while stack:
        node = stack.pop()
        if isinstance(node, BaseModel):
            refs = node.__dict__.get("references")
            if isinstance(refs, list):
                found.update(str(r) for r in refs)
            values: Iterable[object] = node.__dict__.values()
        elif isinstance(node, dict):
            values = node.values()
        elif isinstance(node, list | tuple):
            values = node
        else:
            continue
        # Scalars (most values are text) are not stacked: each would cost a loop turn and an
        # isinstance against BaseModel, whose metaclass makes that check slow.
        stack.extend(v for v in values if not isinstance(v, _SCALARS))
    return found
