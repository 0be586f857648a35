"""A YAML reader that cannot surprise: YAML 1.2 booleans, no aliases, no duplicate keys.

PyYAML's SafeLoader follows YAML 1.1, where ``no``, ``off`` and ``y`` become booleans. Content
text like "Answer: no" must stay text, so only ``true``/``false`` are booleans here. Aliases are
refused outright (no alias bombs; content never needs them) and a repeated key is an error
instead of silently keeping the last value.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64
"""Deeper nesting is refused while building (which recurses); libyaml's own parser stops at
1,000 levels, so composing the tree cannot exhaust the stack first."""
_TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep"


class YamlError(ValueError):
    """A YAML document that ketref will not read, with the line where the problem is."""


# libyaml's C parser is about ten times faster; the pure-Python one is the fallback.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe loader with YAML 1.2 core booleans; its composer builds the node tree."""


# Replace the YAML 1.1 boolean resolver with the YAML 1.2 one (true/false only).
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


_IMPLICIT = _StrictLoader.yaml_implicit_resolvers
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


def _resolve(self: _StrictLoader, kind: type[Node], value: Any, implicit: Any) -> str:
    """PyYAML's resolver without the path-resolver machinery ketref never uses: the composer
    calls this for every scalar, so it is most of the cost of reading YAML."""
    if kind is ScalarNode:
        if implicit[0]:
            for tag, regexp in _IMPLICIT.get(value[:1], ()):
                if regexp.match(value):
                    return str(tag)
        return _STR
    return _MAP if kind is MappingNode else _SEQ


_StrictLoader.resolve = _resolve

_SCALARS = {
    "tag:yaml.org,2002:null": _StrictLoader.construct_yaml_null,
    "tag:yaml.org,2002:bool": _StrictLoader.construct_yaml_bool,
    "tag:yaml.org,2002:int": _StrictLoader.construct_yaml_int,
    "tag:yaml.org,2002:float": _StrictLoader.construct_yaml_float,
    "tag:yaml.org,2002:timestamp": _StrictLoader.construct_yaml_timestamp,
}


def _at(node: Node | yaml.Event) -> str:
    return f"line {node.start_mark.line + 1}: " if node.start_mark else ""


class _Builder:
    """Plain data from the composed node tree, checking as it goes.

    PyYAML's constructor is generic and several times slower; here every node is visited
    once: a node reached twice is an alias (refused), depth is counted, keys are checked.
    ``aliases``: whether the text could hold one at all (an alias is written ``*name``); when
    it cannot, nodes are not tracked and plain text values are taken without a call each
    (most of a content file), which reads a large knowledge base about a third faster.
    """

    def __init__(self, loader: _StrictLoader, *, aliases: bool = True) -> None:
        self._loader = loader
        self._seen: set[int] = set()
        self._aliases = aliases

    def build(self, node: Node, depth: int = 0) -> Any:
        if self._aliases:
            if id(node) in self._seen:
                raise YamlError(f"{_at(node)}YAML aliases are not allowed")
            self._seen.add(id(node))
        tag = node.tag
        if isinstance(node, ScalarNode):
            if tag == _STR:
                return node.value
            if tag in _SCALARS:
                return _SCALARS[tag](self._loader, node)
        elif depth >= MAX_DEPTH:
            raise YamlError(f"{_at(node)}{_TOO_DEEP}")
        elif isinstance(node, SequenceNode) and tag == _SEQ:
            if self._aliases:
                return [self.build(item, depth + 1) for item in node.value]
            return [
                item.value
                if type(item) is ScalarNode and item.tag == _STR
                else self.build(item, depth + 1)
                for item in node.value
            ]
        elif isinstance(node, MappingNode) and tag == _MAP:
            return self._mapping(node, depth)
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        raise YamlError(f"{_at(node)}unsupported YAML tag {shown}")

    def _mapping(self, node: MappingNode, depth: int) -> dict[Any, Any]:
        mapping: dict[Any, Any] = {}
        plain = not self._aliases
        for key_node, value_node in node.value:
            if plain and type(key_node) is ScalarNode and key_node.tag == _STR:
                key = key_node.value
            else:
                key = self.build(key_node, depth + 1)
                if not isinstance(key, str | int | float | bool | date) and key is not None:
                    raise YamlError(f"{_at(key_node)}a key must be text or a number")
            if key in mapping:
                raise YamlError(f"{_at(key_node)}duplicate key {key!r}")
            if plain and type(value_node) is ScalarNode and value_node.tag == _STR:
                mapping[key] = value_node.value
            else:
                mapping[key] = self.build(value_node, depth + 1)
        return mapping


def _scan(text: str, max_collections: int) -> None:
    """Stream the parser's events (constant memory) and stop at the first sign of abuse: an
    alias, nesting deeper than MAX_DEPTH, or more than ``max_collections`` lists and maps."""
    depth = collections = 0
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, yaml.AliasEvent):
            raise YamlError(f"{_at(event)}YAML aliases are not allowed")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            collections += 1
            if depth > MAX_DEPTH:
                raise YamlError(f"{_at(event)}{_TOO_DEEP}")
            if collections > max_collections:
                raise YamlError(f"more than {max_collections:,} lists and mappings")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def load_yaml(text: str, *, max_bytes: int = MAX_BYTES, max_collections: int | None = None) -> Any:
    """Parse one YAML document under ketref's strict rules.

    ``max_collections`` (for files from elsewhere, such as packs) first streams the document
    and refuses it past that many lists and mappings, before any tree is built in memory.

    Raises:
        YamlError: the text is too large or too deeply nested, malformed, uses aliases or a
            tag such as ``!!python/object``, repeats a key, or holds too many collections.
    """
    if len(text.encode("utf-8", errors="replace")) > max_bytes:
        raise YamlError(f"file is larger than {max_bytes // (1024 * 1024)} MB")
    loader = _StrictLoader(text)
    try:
        if max_collections is not None:
            _scan(text, max_collections)
        node = loader.get_single_node()
        return None if node is None else _Builder(loader, aliases="*" in text).build(node)
    except YamlError:
        raise
    except RecursionError:  # only without libyaml, whose parser stops at 1,000 levels
        raise YamlError(_TOO_DEEP) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        if "maximum nesting depth" in problem:
            # PyYAML 6.0.4's libyaml stops deep nesting itself; the message must not depend
            # on which PyYAML is installed.
            problem = _TOO_DEEP
        raise YamlError(f"{where}{problem}") from exc
    finally:
        loader.dispose()
