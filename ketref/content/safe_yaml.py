"""A YAML reader that cannot surprise: YAML 1.2 booleans, no aliases, no duplicate keys.

PyYAML's SafeLoader follows YAML 1.1, where ``no``, ``off`` and ``y`` become booleans. Content
text like "Answer: no" must stay text, so only ``true``/``false`` are booleans here. Aliases are
refused outright (no alias bombs; content never needs them) and a repeated key is an error
instead of silently keeping the last value.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import MappingNode

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64
"""Deeper nesting is refused before construction (which recurses and could exhaust the stack)."""
_TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep"


class YamlError(ValueError):
    """A YAML document that ketref will not read, with the line where the problem is."""


# libyaml's C parser is about ten times faster; the pure-Python one is the fallback.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe loader with YAML 1.2 core booleans and no duplicate keys (aliases: see load_yaml)."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise YamlError(f"line {key_node.start_mark.line + 1}: duplicate key {key!r}")
            seen.add(key)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


# Replace the YAML 1.1 boolean resolver with the YAML 1.2 one (true/false only).
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _where(event: yaml.Event) -> str:
    return f"line {event.start_mark.line + 1}: " if event.start_mark else ""


def load_yaml(text: str, *, max_bytes: int = MAX_BYTES) -> Any:
    """Parse one YAML document under ketref's strict rules.

    Raises:
        YamlError: the text is too large or too deeply nested, malformed, uses aliases or a
            tag such as ``!!python/object``, or repeats a key.
    """
    if len(text.encode("utf-8", errors="replace")) > max_bytes:
        raise YamlError(f"file is larger than {max_bytes // (1024 * 1024)} MB")
    try:
        depth = 0
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, yaml.AliasEvent):
                raise YamlError(f"{_where(event)}YAML aliases are not allowed")
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlError(f"{_where(event)}{_TOO_DEEP}")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - strict SafeLoader subclass
    except YamlError:
        raise
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = exc.problem or str(exc)
        if "constructor for the tag" in problem:
            tag = problem.rsplit(" ", 1)[-1].strip("'").replace("tag:yaml.org,2002:", "!!")
            problem = f"unsupported YAML tag {tag}"
        raise YamlError(f"{where}{problem}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        if "maximum nesting depth" in problem:
            # PyYAML 6.0.4's libyaml stops deep nesting itself; the message must not depend
            # on which PyYAML is installed.
            problem = _TOO_DEEP
        raise YamlError(f"{where}{problem}") from exc
