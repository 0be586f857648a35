"""Reading and writing content pack files (JSON or YAML): every check before anything is used.

File layout (the same in JSON and YAML)::

    format: ketref-content-pack
    format_version: 1
    checksum: {algorithm: sha256, value: <hex>}
    payload: {pack: {...header...}, references: [...], items: [...], audit: [...]}

The checksum is SHA-256 over the *canonical* JSON of ``payload``: keys sorted, no whitespace
(separators ``,`` and ``:``), UTF-8 without ``\\u`` escapes, dates as ISO text. Because it is
computed on the parsed data, a pack keeps its checksum when converted between JSON and YAML, and
any truncation or edit of the payload is caught.

Reading refuses, before validation: files over the size limit, zip archives and other binary
files, UTF-16/32, invalid UTF-8 (with the byte offset), NUL and other control characters, lone
surrogates, bidirectional overrides, duplicate keys, NaN/Infinity and numbers too large for a
float, YAML tags and aliases, and nesting deeper than the limit. Every problem found is reported
together, each with a JSON pointer (``/payload/items/3/item/title``). Text is NFC-normalised.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ketref.content.safe_yaml import YamlError, load_yaml
from ketref.domain.content import MODEL_BY_KIND, Item, Reference
from ketref.domain.enums import ItemKind
from ketref.domain.model_walk import cited_reference_ids
from ketref.domain.packs import (
    PACK_FORMAT,
    PACK_FORMAT_VERSION,
    ContentPack,
    PackAuditRecord,
    PackEntry,
    PackError,
    PackHeader,
    PackItemRecord,
)
from ketref.domain.strict_json import NonFinite, StrictJsonError, parse_strict_json
from ketref.domain.text_rules import BAD_CHARACTER, text_problem

MAX_PACK_BYTES = 96 * 1024 * 1024
"""A whole library of 100 times the shipped content is about 60 MB of JSON."""
MAX_YAML_PACK_BYTES = 16 * 1024 * 1024
"""YAML costs several times JSON to parse: larger packs are exported as JSON."""
MAX_COLLECTIONS = 2_000_000
"""Lists and mappings in a pack (the 100x library has about a million): bounds the memory a
parse can take before anything is built; counted from the bytes (JSON) or streamed (YAML)."""
MAX_YAML_COLLECTIONS = 500_000
MAX_ITEMS = 50_000
MAX_AUDIT_EVENTS = 200_000
MAX_DEPTH = 40
FORMATS = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}

MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}
"""Pack format N -> N+1 upgrades of the payload, applied in turn when reading older packs."""

# --- Writing -------------------------------------------------------------------------------


def _json_default(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def canonical_json(payload: Any) -> bytes:
    """The bytes the checksum is taken over (see the module docstring)."""
    return json.dumps(
        payload,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=_json_default,
    ).encode("utf-8")


def checksum(payload: Any) -> str:
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def _envelope_of(payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": PACK_FORMAT,
        "format_version": PACK_FORMAT_VERSION,
        "checksum": {"algorithm": "sha256", "value": checksum(payload)},
        "payload": payload,
    }


def _encode(document: dict[str, Any], fmt: str) -> bytes:
    if fmt == "json":
        # No indentation: json's C encoder only runs without it (about five times faster on
        # a whole library); the items are still in a stable order, so packs still compare.
        text = json.dumps(document, ensure_ascii=False, sort_keys=True, allow_nan=False)
        return (text + "\n").encode("utf-8")
    return yaml.safe_dump(
        document, allow_unicode=True, sort_keys=True, default_flow_style=False, width=100
    ).encode("utf-8")


def serialise(payload: dict[str, Any], fmt: str) -> bytes:
    """A complete pack file (``fmt`` "json" or "yaml"); the same payload gives the same bytes."""
    return _encode(_envelope_of(payload), fmt)


def serialise_checked(payload: dict[str, Any], fmt: str) -> tuple[bytes, ContentPack]:
    """The pack file of ``payload`` and what importing it would read, by every check
    ``read_pack`` makes (so a pack that would not import is refused before it is written).

    A JSON file is not parsed back: ``json.dumps`` writes JSON types only (it raises on
    anything else) and reading that text gives the same lists, strings and numbers again, so
    the checks run on the document as built, after the checks on the bytes themselves
    (size, lists and objects, characters that could hide in escapes); its checksum was just
    computed from this very payload. A YAML file is read back in full.

    Raises:
        PackError: as ``read_pack`` would, for the same file.
    """
    document = _envelope_of(payload)
    data = _encode(document, fmt)
    if fmt != "json":
        return data, read_pack(data, fmt)
    text = _checked_text(data, fmt)
    return data, _checked_document(document, _may_hide_bad_characters(text, fmt), trusted=True)


# --- Reading: bytes to plain data ------------------------------------------------------------


def _decode(data: bytes) -> str:
    for bom, name in ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32")):
        if data.startswith(bom):
            raise PackError([f"the pack is {name} encoded; save it as UTF-8"])
    for bom in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if data.startswith(bom):
            raise PackError(["the pack is UTF-16 encoded; save it as UTF-8"])
    offset = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    nul = data.find(b"\x00")
    if nul >= 0:
        raise PackError([f"NUL byte at byte offset {nul}: this is not a text pack file"])
    try:
        return data[offset:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PackError([f"invalid UTF-8 at byte offset {exc.start + offset}"]) from None


def size_limit(fmt: str) -> int:
    return MAX_YAML_PACK_BYTES if fmt == "yaml" else MAX_PACK_BYTES


def size_problem(size: int, fmt: str) -> str | None:
    limit = size_limit(fmt)
    if size <= limit:
        return None
    hint = " (save larger packs as .json)" if fmt == "yaml" else ""
    return f"pack too large: {size:,} bytes, the limit is {limit:,}{hint}"


def _checked_text(data: bytes, fmt: str) -> str:
    """The text of a pack file, after the checks that need only its bytes."""
    problem = size_problem(len(data), fmt)
    if problem:
        raise PackError([problem])
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        raise PackError(
            [
                "this is a zip archive; a ketref pack is one .json or .yaml file (nothing was "
                "extracted)"
            ]
        )
    text = _decode(data)
    if fmt == "json":
        collections = data.count(b"{") + data.count(b"[")  # an upper bound: braces in text count
        if collections > MAX_COLLECTIONS:
            raise PackError([f"pack too large: more than {MAX_COLLECTIONS:,} lists and objects"])
    return text


def _parse(data: bytes, fmt: str) -> tuple[Any, bool]:
    """The parsed document, and whether its strings must each be checked for bad characters."""
    text = _checked_text(data, fmt)
    if fmt == "yaml":
        try:
            document = load_yaml(
                text, max_bytes=MAX_YAML_PACK_BYTES, max_collections=MAX_YAML_COLLECTIONS
            )
            return document, True
        except YamlError as exc:
            raise PackError([f"not a readable YAML pack: {exc}"]) from None
    try:
        return parse_strict_json(text), _may_hide_bad_characters(text, fmt)
    except StrictJsonError as exc:
        if exc.reason == "nested too deeply":
            raise PackError([f"the pack is nested too deeply (limit {MAX_DEPTH})"]) from None
        if exc.line is None:
            raise PackError([f"not a readable JSON pack: {exc.reason}"]) from None
        raise PackError(
            [f"not a readable JSON pack (incomplete or damaged?): {exc.reason} at line {exc.line}"]
        ) from None


# --- Reading: plain data checks ------------------------------------------------------------


def _pointer(parts: tuple[str | int, ...]) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


_JSON_ESCAPES = re.compile(r"\\[ubf]")
"""The JSON escapes that can stand for a refused character (tab, CR and LF are fine)."""


def _may_hide_bad_characters(text: str, fmt: str) -> bool:
    """Whether any string of the parsed pack could hold a character ``text_problem`` refuses.

    JSON can only carry one as itself or as an escape (``\\u``, ``\\b``, ``\\f``), so a JSON
    text with neither spares checking each of its million strings; YAML has more escapes and
    is always checked.
    """
    return fmt != "json" or bool(_JSON_ESCAPES.search(text) or BAD_CHARACTER.search(text))


def _nfc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _clean(value: Any, path: tuple[str | int, ...], problems: list[str], check: bool) -> Any:
    """Return ``value`` with text NFC-normalised; append a problem for each bad part.

    ``check``: look for refused characters in each string (see ``_may_hide_bad_characters``).
    Text inside a list or object (most of a pack) is handled in place, without a call or a
    path of its own unless it has a problem (``_nfc`` written out, too): a pack holds over a
    million strings.
    """
    if type(value) is str:
        return _clean_text(value, path, problems, check)
    if len(path) > MAX_DEPTH:
        problems.append(f"{_pointer(path)}: nested more than {MAX_DEPTH} levels deep")
        return None
    if isinstance(value, dict):
        for dup in getattr(value, "duplicates", ()):
            problems.append(f"{_pointer((*path, dup))}: duplicate key {dup!r}")
        cleaned: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                problems.append(f"{_pointer((*path, str(key)))}: keys must be text")
                continue
            bad = text_problem(key) if check else None
            if bad:
                problems.append(f"{_pointer((*path, key))}: the key contains {bad}")
            name = key if key.isascii() else unicodedata.normalize("NFC", key)
            if type(item) is str and not (check and BAD_CHARACTER.search(item)):
                cleaned[name] = item if item.isascii() else unicodedata.normalize("NFC", item)
            else:
                cleaned[name] = _clean(item, (*path, key), problems, check)
        return cleaned
    if isinstance(value, list):
        return [
            (item if item.isascii() else unicodedata.normalize("NFC", item))
            if type(item) is str and not (check and BAD_CHARACTER.search(item))
            else _clean(item, (*path, i), problems, check)
            for i, item in enumerate(value)
        ]
    if isinstance(value, NonFinite):
        problems.append(f"{_pointer(path)}: {value.text} is not a finite number")
        return None
    if isinstance(value, float) and not math.isfinite(value):
        problems.append(f"{_pointer(path)}: {value} is not a finite number")
        return None
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, date | datetime):
        return value.isoformat()
    problems.append(f"{_pointer(path)}: unsupported value ({type(value).__name__})")
    return None


def _clean_text(value: str, path: tuple[str | int, ...], problems: list[str], check: bool) -> str:
    if check and BAD_CHARACTER.search(value):
        problems.append(f"{_pointer(path)}: the text contains {text_problem(value)}")
    return _nfc(value)


def _envelope(document: Any) -> tuple[dict[str, Any], str]:
    """Check format, version and checksum; return the (raw) payload and its checksum."""
    if not isinstance(document, dict) or document.get("format") != PACK_FORMAT:
        raise PackError([f"not a ketref content pack (no 'format: {PACK_FORMAT}')"])
    extra = sorted(set(document) - {"format", "format_version", "checksum", "payload"})
    if extra:
        raise PackError([f"/{extra[0]}: unknown field in the pack envelope"])
    version = document.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise PackError(["/format_version: must be a whole number from 1"])
    if version > PACK_FORMAT_VERSION:
        raise PackError(
            [
                f"This pack needs a newer ketref: it uses pack format {version}, this ketref reads "
                f"up to format {PACK_FORMAT_VERSION}. Nothing was imported."
            ]
        )
    payload = document.get("payload")
    stated = document.get("checksum")
    if not isinstance(payload, dict):
        raise PackError(["/payload: missing; the pack is incomplete"])
    if (
        not isinstance(stated, dict)
        or stated.get("algorithm") != "sha256"
        or not isinstance(stated.get("value"), str)
    ):
        raise PackError(["/checksum: missing or not sha256; the pack cannot be trusted"])
    return payload, stated["value"]


def _validation_problems(exc: ValidationError, base: tuple[str | int, ...]) -> list[str]:
    return [
        f"{_pointer((*base, *err['loc']))}: {err['msg']}" for err in exc.errors(include_url=False)
    ]


M = TypeVar("M", bound=BaseModel)


def _validate(
    model: type[M], data: Any, base: tuple[str | int, ...], problems: list[str]
) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(_validation_problems(exc, base))
        return None


def _list(payload: dict[str, Any], key: str, limit: int, problems: list[str]) -> list[Any]:
    value = payload.get(key, [])
    if not isinstance(value, list):
        problems.append(f"/payload/{key}: must be a list")
        return []
    if len(value) > limit:
        raise PackError([f"pack too large: {len(value):,} {key}, the limit is {limit:,}"])
    return value


def _validate_payload(payload: dict[str, Any], digest: str) -> ContentPack:
    problems: list[str] = []
    extra = sorted(set(payload) - {"pack", "references", "items", "audit"})
    problems += [f"/payload/{key}: unknown field" for key in extra]
    header = _validate(PackHeader, payload.get("pack"), ("payload", "pack"), problems)
    refs: list[Reference] = []
    raw_refs = _list(payload, "references", MAX_ITEMS, problems)
    for i, raw in enumerate(raw_refs):
        ref = _validate(Reference, raw, ("payload", "references", i), problems)
        if ref is not None:
            refs.append(ref)
    entries: list[PackEntry] = []
    raw_items = _list(payload, "items", MAX_ITEMS, problems)
    for i, raw in enumerate(raw_items):
        base: tuple[str | int, ...] = ("payload", "items", i)
        record = _validate(PackItemRecord, raw, base, problems)
        if record is None:
            continue
        if record.kind is ItemKind.REFERENCE:
            problems.append(f"{_pointer((*base, 'kind'))}: references go in /payload/references")
            continue
        item = _validate(MODEL_BY_KIND[record.kind], record.item, (*base, "item"), problems)
        if isinstance(item, Item):
            entries.append(PackEntry(record.kind, item, record.content_version))
    audit: list[PackAuditRecord] = []
    for i, raw in enumerate(_list(payload, "audit", MAX_AUDIT_EVENTS, problems)):
        event = _validate(PackAuditRecord, raw, ("payload", "audit", i), problems)
        if event is not None:
            audit.append(event)
    # A reference or item that failed validation already has its problem; without it the
    # cross-checks would add unrelated "not included" / "not cited" lines.
    problems += _integrity_problems(
        refs,
        entries,
        all_refs=len(refs) == len(raw_refs),
        all_items=len(entries) == len(raw_items),
    )
    if problems or header is None:
        raise PackError(problems or ["/payload/pack: missing"])
    if not entries:
        raise PackError(["/payload/items: the pack holds no items"])
    return ContentPack(header, tuple(refs), tuple(entries), tuple(audit), digest)


def _integrity_problems(
    refs: list[Reference], entries: list[PackEntry], *, all_refs: bool, all_items: bool
) -> list[str]:
    """Inside the pack: no duplicates, every cited reference included, none left uncited
    (each cross-check only over a complete side)."""
    problems: list[str] = []
    seen_refs: set[str] = set()
    for i, ref in enumerate(refs):
        if ref.id in seen_refs:
            problems.append(f"/payload/references/{i}/id: reference {ref.id!r} appears twice")
        seen_refs.add(ref.id)
    seen_items: set[str] = set()
    cited: set[str] = set()
    for i, entry in enumerate(entries):
        if entry.name in seen_items:
            problems.append(f"/payload/items/{i}: {entry.name} appears twice")
        seen_items.add(entry.name)
        item_refs = cited_reference_ids(entry.item)
        cited |= item_refs
        for missing in sorted(item_refs - seen_refs if all_refs else ()):
            problems.append(
                f"/payload/items/{i}/item: {entry.name} cites reference {missing!r}, which the "
                "pack does not include"
            )
    for orphan in sorted(seen_refs - cited if all_items else ()):
        problems.append(f"/payload/references: {orphan!r} is not cited by any item in the pack")
    return problems


def read_pack(data: bytes, fmt: str) -> ContentPack:
    """Parse and check a whole pack file (``fmt`` "json" or "yaml").

    Raises:
        PackError: listing every problem found; nothing has been written anywhere.
    """
    document, check = _parse(data, fmt)
    return _checked_document(document, check, trusted=False)


def _checked_document(document: Any, check: bool, *, trusted: bool) -> ContentPack:
    """Every check on a pack's parsed document; ``trusted``: built here from this very payload,
    so its checksum needs no second computation."""
    payload, stated = _envelope(document)
    problems: list[str] = []
    cleaned = _clean(payload, ("payload",), problems, check)
    if problems:
        raise PackError(problems)
    if not trusted and checksum(payload) != stated.lower():
        raise PackError(
            [
                "the pack is damaged or was changed after export (its checksum does not match); "
                "nothing was imported"
            ]
        )
    version = document["format_version"]
    while version < PACK_FORMAT_VERSION:
        cleaned = MIGRATIONS[version](cleaned)
        version += 1
    return _validate_payload(cleaned, stated.lower())


def format_of(suffix: str) -> str | None:
    """ "json" or "yaml" for a file name suffix, None for anything else."""
    return FORMATS.get(suffix.lower())
