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


def load_yaml(text: str) -> Any:
    """Parse one YAML document under ketref's strict rules.

    Raises:
        YamlError: the text is too large, malformed, uses aliases or repeats a key.
    """
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        raise YamlError(f"file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, yaml.AliasEvent):
                where = f"line {event.start_mark.line + 1}: " if event.start_mark else ""
                raise YamlError(f"{where}YAML aliases are not allowed")
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - strict SafeLoader subclass
    except YamlError:
        raise
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlError(f"{where}{problem}") from exc
