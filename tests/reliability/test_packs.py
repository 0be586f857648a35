"""Content packs (RELIABILITY.md, CP-*): refused when wrong, all or nothing, round trips."""

from __future__ import annotations

import json
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketref.content.packs import MAX_PACK_BYTES, MAX_YAML_PACK_BYTES, checksum, serialise
from ketref.domain.enums import ItemKind
from ketref.domain.packs import PackConflictError, PackError
from ketref.services.workspace import Services
from tests.conftest import FIXTURE_CONTENT, make_workspace, use_backend_database
from tests.reliability.harness import (
    home_with,
    integrity_ok,
    logical_snapshot,
    pack_document,
    raw_pack,
    refused_pack,
    tree,
    with_clones,
    write_pack,
)

pytestmark = pytest.mark.content

KIND, SLUG = ItemKind.CONTRAINDICATION, "uncontrolled-hypertension"


# --- CP-01 ---------------------------------------------------------------------------------


def test_cp01_yaml_code_tags_are_refused_and_never_run(
    opened: Services, payload: dict[str, Any], tmp_path: Path
) -> None:
    """CP-01: ``!!python/object/apply:os.system`` in a YAML pack: "unsupported YAML tag" with
    its line, no code runs (the sentinel file is never created), the library unchanged."""
    sentinel = tmp_path / "sentinel"
    text = serialise(payload, "yaml").decode("utf-8")
    text = text.replace(
        "payload:\n",
        f"payload:\n  x: !!python/object/apply:os.system ['touch {sentinel}']\n",
        1,
    )
    error = refused_pack(opened, raw_pack(tmp_path / "evil.yaml", text), r"unsupported YAML tag")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "!!python" in t)
    assert f"line {line}: unsupported YAML tag !!python/object/apply:os.system" in str(error)
    other = raw_pack(
        tmp_path / "evil2.yaml", text.replace("object/apply:os.system", "name:os.system")
    )
    refused_pack(opened, other, r"unsupported YAML tag !!python/name:os.system")
    assert not sentinel.exists()


# --- CP-04 ---------------------------------------------------------------------------------


def _threshold_path(payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    for i, record in enumerate(payload["items"]):
        if record["item"].get("thresholds"):
            return i, record["item"]["thresholds"][0]
    raise AssertionError("the fixture has a threshold")


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("NaN", "NaN is not a finite number"),
        ("Infinity", "Infinity is not a finite number"),
        ("-Infinity", "-Infinity is not a finite number"),
        ("1e400", "1e400 is not a finite number"),
    ],
)
def test_cp04_non_finite_numbers_are_refused_with_their_path(
    opened: Services, payload: dict[str, Any], tmp_path: Path, number: str, message: str
) -> None:
    """CP-04: NaN, Infinity and 1e400 in a threshold are refused, naming the JSON path."""
    index, threshold = _threshold_path(payload)
    threshold["value"] = 424242.5
    text = serialise(payload, "json").decode("utf-8").replace("424242.5", number)
    error = refused_pack(opened, raw_pack(tmp_path / "p.json", text), message)
    assert f"/payload/items/{index}/item/thresholds/0/value" in str(error)


def test_cp04_duplicate_keys_are_refused_not_last_one_wins(
    opened: Services, payload: dict[str, Any], tmp_path: Path
) -> None:
    """CP-04: JSON with a key twice (json keeps the last silently) is refused with its path."""
    text = serialise(payload, "json").decode("utf-8")
    text = text.replace('"summary": ', '"summary": "first", "summary": ', 1)
    error = refused_pack(opened, raw_pack(tmp_path / "p.json", text), "duplicate key 'summary'")
    assert "/payload/items/0/item/summary" in str(error)


@pytest.mark.parametrize("value", [0, -140.0])
def test_cp04_zero_or_negative_threshold_is_refused(
    opened: Services, payload: dict[str, Any], tmp_path: Path, value: float
) -> None:
    """CP-04: a threshold that is zero or negative is refused by the content schema."""
    index, threshold = _threshold_path(payload)
    threshold["value"] = value
    error = refused_pack(opened, write_pack(tmp_path / "p.json", payload), "greater than 0")
    assert f"/payload/items/{index}/item/thresholds/0/value" in str(error)


# --- CP-05 ---------------------------------------------------------------------------------


def test_cp05_every_schema_problem_is_reported_at_once(
    opened: Services, payload: dict[str, Any], tmp_path: Path
) -> None:
    """CP-05: a missing field, a wrong type, an unknown field, an empty string and an unknown
    comparison in different items: one report lists them all with JSON pointers."""
    items = payload["items"]
    del items[0]["item"]["summary"]
    items[1]["item"]["title"] = 42
    items[2]["item"]["colour"] = "red"
    items[3]["item"]["summary"] = "   "
    index, threshold = _threshold_path(payload)
    threshold["comparison"] = "=>"
    error = refused_pack(opened, write_pack(tmp_path / "p.json", payload), "summary")
    expected = [
        "/payload/items/0/item/summary: Field required",
        "/payload/items/1/item/title: Input should be a valid string",
        "/payload/items/2/item/colour: Extra inputs are not permitted",
        "/payload/items/3/item/summary: String should have at least 1 character",
        f"/payload/items/{index}/item/thresholds/0/comparison: Input should be",
    ]
    for line in expected:
        assert any(p.startswith(line) for p in error.problems), (line, error.problems)


def test_cp05_links_to_unknown_items_and_missing_references_are_refused(
    opened: Services, payload: dict[str, Any], tmp_path: Path
) -> None:
    """CP-05: a link to an item that exists neither in the pack nor here, and a reference the
    pack cites but does not include, are refused; nothing is imported."""
    first = payload["items"][0]["item"]
    first["related"] = [{"kind": "interactions", "slug": "not-a-thing"}]
    refused_pack(opened, write_pack(tmp_path / "a.json", payload), "neither in the pack nor here")
    first["related"] = []
    first["references"] = [*first["references"], "nowhere-2020"]
    refused_pack(opened, write_pack(tmp_path / "b.json", payload), "does not include")


def _cited(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = set(node.get("references", []))
        return found.union(*(_cited(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_cited(v) for v in node))
    return set()


def test_cp05_links_to_items_and_references_only_here_are_accepted(
    opened: Services, payload: dict[str, Any], tmp_path: Path
) -> None:
    """CP-05: a pack of one item may link to items and references that are not in the pack
    but exist in this library (they are looked up together, one query per kind)."""
    first, other = payload["items"][0], payload["items"][1]
    item = first["item"]
    spare = sorted({r["id"] for r in payload["references"]} - _cited(item))[0]
    item["related"] = [
        *item["related"],
        {"kind": other["kind"], "slug": other["item"]["slug"]},
        {"kind": "references", "slug": spare},
    ]
    payload["items"] = [first]
    payload["references"] = [r for r in payload["references"] if r["id"] in _cited(item)]
    report = opened.packs.import_pack(write_pack(tmp_path / "one.json", payload))
    assert report.imported
    assert f"{first['kind']}/{item['slug']}" in report.updated


_mutation = st.sampled_from(["delete", "retype", "add"])


@pytest.mark.slow
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_cp05_mutated_packs_import_or_are_refused_cleanly(
    data: st.DataObject, opened: Services, payload: dict[str, Any], tmp_path: Path
) -> None:
    """CP-05: hypothesis deletes, retypes or adds a key somewhere in a valid pack (checksum
    recomputed): the import either succeeds or raises a typed error; on error the library is
    unchanged. Never an unhandled exception."""
    mutated = json.loads(json.dumps(payload))
    node: Any = mutated
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            break
        key = data.draw(st.sampled_from(keys))
        child = node[key]
        if not isinstance(child, dict | list) or not child or data.draw(st.booleans()):
            break
        node = child
    action = data.draw(_mutation)
    if action == "delete" and isinstance(node, dict):
        node.pop(key)
    elif action == "retype":
        node[key] = data.draw(
            st.one_of(
                st.none(), st.integers(), st.text(max_size=5), st.lists(st.none(), max_size=1)
            )
        )
    elif isinstance(node, dict):
        node[data.draw(st.text(min_size=1, max_size=8))] = data.draw(st.integers())
    pack = write_pack(tmp_path / "m.json", mutated)
    before = logical_snapshot(opened)
    try:
        opened.packs.import_pack(pack)
    except (PackError, PackConflictError):
        assert logical_snapshot(opened) == before


# --- CP-06 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("failing_item", [1, 17, 30])
def test_cp06_failure_at_item_n_rolls_back_the_whole_import(
    opened: Services,
    payload: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    failing_item: int,
) -> None:
    """CP-06: the database refuses the import after N of 30 new items were written: the whole
    import is rolled back (one transaction) and the message says nothing was imported."""
    pack = write_pack(tmp_path / "p.json", with_clones(payload, 30))
    from ketref.db import items as items_db

    real = items_db.save_items

    def failing(session: Any, saves: Any, *args: Any) -> Any:
        assert len(saves) == 30
        real(session, saves[: failing_item - 1], *args)
        raise ValueError("constraint violated")

    monkeypatch.setattr(items_db, "save_items", failing)
    error = refused_pack(opened, pack, r"the items could not be stored \(ValueError\)")
    assert "nothing was imported" in str(error)


# --- CP-08 ---------------------------------------------------------------------------------


def test_cp08_oversized_file_is_refused_before_reading(opened: Services, tmp_path: Path) -> None:
    """CP-08: a file over the size limit is refused from its size alone."""
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(MAX_PACK_BYTES + 1)
    refused_pack(opened, big, "pack too large")


def test_cp08_a_yaml_pack_of_a_million_tiny_mappings_is_refused_while_streaming(
    opened: Services, tmp_path: Path
) -> None:
    """CP-08: 15 MB of YAML holding a million tiny mappings is refused by counting parser
    events (constant memory), before any tree of them is built."""
    text = "format: ketref-content-pack\npayload:\n  items:\n" + "  - {a: 1}\n" * 1_200_000
    assert len(text) < MAX_YAML_PACK_BYTES
    refused_pack(
        opened, raw_pack(tmp_path / "tiny.yaml", text), "more than 500,000 lists and mappings"
    )


def test_cp08_a_yaml_pack_over_16_mb_is_refused_with_a_hint(
    opened: Services, tmp_path: Path
) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(MAX_YAML_PACK_BYTES + 1)
    refused_pack(opened, big, r"the limit is 16,777,216 \(save larger packs as .json\)")


def test_cp08_too_many_items_and_deep_nesting_are_refused(
    opened: Services, payload: dict[str, Any], tmp_path: Path
) -> None:
    """CP-08: 50,001 items, JSON nested 100,000 deep, a 10 MB string: each refused quickly with
    a message, never a RecursionError or a freeze."""
    many = {**payload, "items": [{}] * 50_001}
    refused_pack(opened, write_pack(tmp_path / "many.json", many), "pack too large: 50,001 items")
    deep = '{"format": "ketref-content-pack", "payload": ' + "[" * 100_000 + "]" * 100_000 + "}"
    refused_pack(opened, raw_pack(tmp_path / "deep.json", deep), "nested too deeply")
    deep_yaml = "payload:\n  x: " + "[" * 1000 + "]" * 1000 + "\n"
    refused_pack(opened, raw_pack(tmp_path / "deep.yaml", deep_yaml), "nested more than")
    long = json.loads(json.dumps(payload))
    long["items"][0]["item"]["summary"] = "x" * 10_000_000
    refused_pack(opened, write_pack(tmp_path / "long.json", long), "at most 6000 characters")


# --- CP-10 ---------------------------------------------------------------------------------


def test_cp10_zip_archives_are_refused_without_extracting(opened: Services, tmp_path: Path) -> None:
    """CP-10: ketref packs are single files; a zip with ../, absolute and drive-letter member
    names is refused as an archive and nothing is extracted anywhere."""
    archive = tmp_path / "pack.json"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in ("../escape.json", "/etc/evil.json", "C:\\evil.json", "a/../../b.json"):
            zf.writestr(name, "{}")
    before = tree(tmp_path.parent)
    refused_pack(opened, archive, "zip archive")
    assert tree(tmp_path.parent) == before


# --- CP-12 ---------------------------------------------------------------------------------


def test_cp12_pack_from_a_newer_ketref_is_refused(
    opened: Services, payload: dict[str, Any], tmp_path: Path
) -> None:
    """CP-12: format_version above what this ketref reads: "needs a newer ketref"."""
    document = pack_document(payload)
    document["format_version"] = 2
    refused_pack(opened, raw_pack(tmp_path / "p.json", document), "needs a newer ketref.*format 2")


# --- checksum (issue 7) -------------------------------------------------------------------


def test_truncated_or_tampered_packs_are_refused(
    opened: Services, payload: dict[str, Any], tmp_path: Path
) -> None:
    """A pack cut short, or edited after export, does not import (checksum or parse error)."""
    data = serialise(payload, "json")
    cut = tmp_path / "cut.json"
    cut.write_bytes(data[: len(data) // 2])
    refused_pack(opened, cut, "incomplete or damaged")
    document = pack_document(payload)
    document["payload"]["items"][0]["item"]["summary"] = "Quietly changed."
    refused_pack(opened, raw_pack(tmp_path / "t.json", document), "checksum does not match")
    del document["checksum"]
    refused_pack(opened, raw_pack(tmp_path / "n.json", document), "checksum")
    yaml_cut = tmp_path / "cut.yaml"
    text = serialise(payload, "yaml").decode("utf-8")
    yaml_cut.write_text(text[: text.index("items:")], encoding="utf-8")
    refused_pack(opened, yaml_cut, "checksum does not match")


def test_checksum_is_over_canonical_json_of_the_payload(payload: dict[str, Any]) -> None:
    """The documented checksum: sha256 of sorted, compact, UTF-8 JSON of the payload."""
    import hashlib

    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert checksum(payload) == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert pack_document(payload)["checksum"] == {"algorithm": "sha256", "value": checksum(payload)}


# --- CP-13 ---------------------------------------------------------------------------------

_text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Co", "Cn"),
        blacklist_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufffd",
    ),
    min_size=1,
    max_size=400,
).filter(lambda s: s.strip() == s and s.strip())


@pytest.mark.slow
@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    summary=_text,
    title=_text.filter(lambda s: len(s) <= 300),
    fmt=st.sampled_from(["json", "yaml"]),
)
def test_cp13_export_then_import_into_a_fresh_library_is_identical(
    summary: str,
    title: str,
    fmt: str,
    opened: Services,
    tmp_path: Path,
    seeded_template: Path,
    request: pytest.FixtureRequest,
    db_backend: str,
) -> None:
    """CP-13: any Unicode (markup like ``<img src=x>`` and ``&`` included) survives export and
    import into a fresh library exactly; two exports of the same library are byte-identical."""
    summary = unicodedata.normalize("NFC", f"<img src=x> & {summary}")
    title = unicodedata.normalize("NFC", title).strip() or "x"
    opened.catalogue.edit_item(KIND, SLUG, {"summary": summary, "title": title})
    first, second = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
    opened.packs.export(first)
    opened.packs.export(second)
    assert first.read_bytes() == second.read_bytes()
    fresh_home = home_with(seeded_template, tmp_path / f"fresh-{abs(hash((summary, fmt)))}")
    use_backend_database(request, db_backend, FIXTURE_CONTENT)  # a second server database
    fresh = make_workspace(fresh_home).open()
    try:
        report = fresh.packs.import_pack(first)
        assert report.updated == [f"{KIND.value}/{SLUG}"]
        original = opened.catalogue.get_item(KIND, SLUG)
        copy = fresh.catalogue.get_item(KIND, SLUG)
        assert copy.item == original.item
        assert {r.id: r for r in copy.references} == {r.id: r for r in original.references}
        assert integrity_ok(fresh_home / "data" / "ketref.db")
    finally:
        fresh.close()


@pytest.mark.parametrize("rebuild_at", [0, 10_000], ids=["index-rebuilt", "documents-replaced"])
def test_imported_items_are_searchable_and_versioned_either_way_the_index_is_filled(
    opened: Services,
    payload: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    rebuild_at: int,
) -> None:
    """A large import rebuilds the search index once; a small one replaces its documents: both
    leave the new items findable, with one version each saying where they came from."""
    from ketref.db import packs as db_packs

    monkeypatch.setattr(db_packs, "REBUILD_INDEX_AT", rebuild_at)
    report = opened.packs.import_pack(write_pack(tmp_path / "p.json", with_clones(payload, 3)))
    assert len(report.added) == 3
    hits = opened.catalogue.search("copy 2").hits
    assert [h.slug for h in hits if h.slug.endswith("-copy-0002")]
    kind, slug = report.added[0].split("/")
    (version,) = opened.catalogue.history(ItemKind(kind), slug)
    assert version.current and version.reason.startswith("imported from pack ")
