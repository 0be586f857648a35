"""What kind of input each content field needs, read from the pydantic models themselves.

The editor's forms are generated from these specs, so a field added to a content model gets
an input without a new form: text (one line or several, by its length limit), dates, numbers,
yes/no, a choice from an enum or literal, a set of products, sources from the library, lists,
nested groups, a group per product, and blocks of several types.
"""

from __future__ import annotations

import types
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ketref.domain.enums import Product
from ketref.gui.editor.labels import choice_label, field_label

MULTILINE_FROM = 301
"""Text that may be longer than a short line (the schema's ``Text``) gets a multi-line box."""


@dataclass(frozen=True)
class Spec:
    """One input: ``kind`` says which widget; the rest are what that widget needs."""

    kind: str
    """text, date, bool, int, float, choice, products, references, list, model, union, by_product"""
    label: str = ""
    optional: bool = False
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[tuple[object, str], ...] = ()
    item: Spec | None = None
    model: type[BaseModel] | None = None
    variants: dict[str, type[BaseModel]] = field(default_factory=dict)
    name: str = ""

    @property
    def multiline(self) -> bool:
        return self.kind == "text" and (self.max_length or 0) >= MULTILINE_FROM


@dataclass(frozen=True)
class FieldSpec:
    """A model's field: the key it has in the document (its alias) and its input."""

    key: str
    spec: Spec


def model_fields(model: type[BaseModel], skip: frozenset[str] = frozenset()) -> list[FieldSpec]:
    """The inputs of ``model``'s fields in declaration order (``skip``: keys left out)."""
    found = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key in skip:
            continue
        found.append(FieldSpec(key, spec_for(info.annotation, info.metadata, name)))
    return found


def _unwrap(annotation: Any, metadata: list[Any]) -> tuple[Any, list[Any], bool]:
    """The bare type, every constraint around it, and whether ``None`` is allowed."""
    optional = False
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *extra = get_args(annotation)
            metadata = [*metadata, *extra]
        elif origin in (Union, types.UnionType) and type(None) in get_args(annotation):
            rest = [a for a in get_args(annotation) if a is not type(None)]
            optional = True
            annotation = rest[0] if len(rest) == 1 else Union[tuple(rest)]  # noqa: UP007
        else:
            return annotation, metadata, optional


def _constraint(metadata: list[Any], name: str) -> Any:
    for item in metadata:
        if isinstance(item, FieldInfo):
            found = _constraint(list(item.metadata), name)
        else:
            found = getattr(item, name, None)
        if found is not None:
            return found
    return None


def _discriminated(metadata: list[Any]) -> bool:
    return any(isinstance(m, FieldInfo) and m.discriminator for m in metadata)


def spec_for(annotation: Any, metadata: list[Any], name: str = "") -> Spec:
    """The input for one annotated type (``name``: the field's, for its label)."""
    bare, metadata, optional = _unwrap(annotation, list(metadata))
    label = field_label(name)
    common: dict[str, Any] = {"label": label, "optional": optional, "name": name}
    origin = get_origin(bare)
    if bare is str:
        return Spec("text", max_length=_constraint(metadata, "max_length"), **common)
    if bare is bool:
        return Spec("bool", **common)
    if bare is date:
        return Spec("date", **common)
    if bare in (int, float):
        low = _constraint(metadata, "ge")
        if low is None and (gt := _constraint(metadata, "gt")) is not None:
            low = gt
        high = _constraint(metadata, "le")
        return Spec(bare.__name__, minimum=low, maximum=high, **common)
    if isinstance(bare, type) and issubclass(bare, Enum):
        choices = tuple((m.value, choice_label(m)) for m in bare)
        return Spec("choice", choices=choices, **common)
    if origin is Literal:
        return Spec("choice", choices=tuple((v, str(v)) for v in get_args(bare)), **common)
    if isinstance(bare, type) and issubclass(bare, BaseModel):
        return Spec("model", model=bare, **common)
    if origin in (Union, types.UnionType) and _discriminated(metadata):
        variants = {}
        for variant in get_args(bare):
            tag_field = variant.model_fields["type"]
            (tag,) = get_args(tag_field.annotation)
            variants[str(tag)] = variant
        return Spec("union", variants=variants, **common)
    if origin is list:
        (inner,) = get_args(bare)
        item = spec_for(inner, [], "")
        if item.kind == "choice" and _enum_of(inner) is Product:
            return Spec("products", **common)
        if name == "references":
            return Spec("references", **common)
        return Spec("list", item=item, minimum=_constraint(metadata, "min_length"), **common)
    if origin is dict:
        key, value = get_args(bare)
        if _enum_of(key) is Product:
            return Spec("by_product", item=spec_for(value, [], ""), **common)
    raise TypeError(f"no input for {name}: {annotation!r}")


def _enum_of(annotation: Any) -> type[Enum] | None:
    bare, _, _ = _unwrap(annotation, [])
    return bare if isinstance(bare, type) and issubclass(bare, Enum) else None
