"""Text in content packs (RELIABILITY.md CP-09): encodings, control characters and escapes are
refused with the place they were found; accepted text is stored NFC and found either way."""

from __future__ import annotations

import codecs
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from ketref.content.packs import serialise
from ketref.domain.enums import ItemKind
from ketref.services.workspace import Services
from tests.reliability.harness import (
    pack_document,
    raw_pack,
    refused_pack,
    write_pack,
)

pytestmark = pytest.mark.content

KIND, SLUG = ItemKind.CONTRAINDICATION, "uncontrolled-hypertension"


# --- CP-09 ---------------------------------------------------------------------------------


def test_cp09_bom_and_crlf_are_accepted(
    opened: Services, payload: dict[str, Any], tmp_path: Path
) -> None:
    """CP-09: a UTF-8 byte-order mark and Windows line endings do not stop an import."""
    payload["items"][0]["item"]["summary"] = "Changed by the other clinic."
    data = serialise(payload, "yaml").replace(b"\n", b"\r\n")
    pack = tmp_path / "bom.yaml"
    pack.write_bytes(codecs.BOM_UTF8 + data)
    assert opened.packs.import_pack(pack).updated


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (codecs.BOM_UTF16_LE + '{"a": 1}'.encode("utf-16-le"), "UTF-16"),
        (b'{"format": "ketref-content-pack", "x": "caf\xe9"}', "invalid UTF-8 at byte offset 43"),
        (b'{"format": \x00}', "NUL byte at byte offset 11"),
    ],
    ids=["utf-16", "invalid-utf-8", "nul-byte"],
)
def test_cp09_wrong_encodings_are_refused_with_the_place(
    opened: Services, tmp_path: Path, data: bytes, message: str
) -> None:
    """CP-09: UTF-16, invalid UTF-8 (with its byte offset) and NUL bytes are refused."""
    pack = tmp_path / "p.json"
    pack.write_bytes(data)
    refused_pack(opened, pack, message)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Nul\u0000inside", "control character \\(U\\+0000\\)"),
        ("Bell\u0007", "control character \\(U\\+0007\\)"),
        ("\ud800 lone", "lone surrogate"),
        ("evil\u202etxt.exe", "bidirectional override"),
        ("mojibake \ufffd", "replacement character"),
    ],
)
def test_cp09_control_characters_and_broken_text_are_refused(
    opened: Services, payload: dict[str, Any], tmp_path: Path, text: str, message: str
) -> None:
    """CP-09: NUL and other controls, lone surrogates, bidi overrides and U+FFFD in text."""
    document = pack_document(payload)
    document["payload"]["items"][0]["item"]["summary"] = text
    raw = json.dumps(document)  # escapes keep the surrogate representable
    error = refused_pack(opened, raw_pack(tmp_path / "p.json", raw), message)
    assert "/payload/items/0/item/summary" in str(error)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Back\bspace", "control character \\(U\\+0008\\)"),
        ("Form\ffeed", "control character \\(U\\+000C\\)"),
        ("Next line \x85", "control character \\(U\\+0085\\)"),
        ("evil\u202etxt.exe", "bidirectional override"),
        ("mojibake \ufffd", "replacement character"),
    ],
)
def test_cp09_refused_characters_written_as_themselves_or_short_escapes(
    opened: Services, payload: dict[str, Any], tmp_path: Path, text: str, message: str
) -> None:
    """CP-09: the same refusals when the JSON holds the character itself (UTF-8) or as
    ``\\b``/``\\f``: reading skips the per-string check only for a text without either."""
    document = pack_document(payload)
    document["payload"]["items"][0]["item"]["summary"] = text
    raw = json.dumps(document, ensure_ascii=False)
    assert "\\u" not in raw
    error = refused_pack(opened, raw_pack(tmp_path / "p.json", raw), message)
    assert "/payload/items/0/item/summary" in str(error)


def test_cp09_text_is_stored_nfc_and_found_either_way(
    opened: Services, payload: dict[str, Any], tmp_path: Path
) -> None:
    """CP-09: decomposed (NFD) Vietnamese is stored composed (NFC); search finds it typed
    either way."""
    name = "Nguyễn Thị Ánh"
    record = next(r for r in payload["items"] if r["item"]["slug"] == SLUG)
    record["item"]["summary"] = f"Protocol written by {unicodedata.normalize('NFD', name)}."
    opened.packs.import_pack(write_pack(tmp_path / "p.json", payload))
    stored = opened.catalogue.get_item(KIND, SLUG).item.summary
    assert stored == f"Protocol written by {name}."
    for typed in (name, unicodedata.normalize("NFD", name)):
        assert SLUG in [h.slug for h in opened.catalogue.search(typed).hits]
