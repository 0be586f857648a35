"""The content file format: strict types, named errors, safe YAML."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from ketref.content.reader import read_content_folder, validate_items
from ketref.content.safe_yaml import YamlError, load_yaml
from ketref.domain.content import Contraindication, Frequency, Reference, version_tuple
from ketref.domain.errors import ContentError
from tests.conftest import FIXTURE_CONTENT

pytestmark = pytest.mark.unit


def test_yaml_no_stays_text() -> None:
    data = load_yaml("answer: no\nswitch: off\nflag: true\nversion: '1.10'")
    assert data == {"answer": "no", "switch": "off", "flag": True, "version": "1.10"}


def test_yaml_rejects_duplicate_keys() -> None:
    with pytest.raises(YamlError, match="line 2: duplicate key 'a'"):
        load_yaml("a: 1\na: 2\n")


def test_yaml_rejects_aliases() -> None:
    bomb = "a: &x [1, 2]\nb: [*x, *x]\n"
    with pytest.raises(YamlError, match="aliases are not allowed"):
        load_yaml(bomb)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: !!python/object:os.system x\n", "line 1: unsupported YAML tag !!python/object"),
        ("a: !!binary aGk=\n", "unsupported YAML tag !!binary"),
        ("a: &x 1\nb: *x\n", "line 1: YAML aliases are not allowed"),
        ("? [1, 2]\n: x\n", "a key must be text or a number"),
        ("a:\n" + "".join("  " * i + "- \n" for i in range(1, 70)), "nested more than 64"),
    ],
)
def test_yaml_refuses_tags_aliases_odd_keys_and_deep_nesting(text: str, message: str) -> None:
    with pytest.raises(YamlError, match=message):
        load_yaml(text)


def test_yaml_reads_the_same_whether_or_not_an_alias_could_be_written() -> None:
    """Without a '*' in the text no alias can be written, so the reader takes text values
    without tracking nodes: the data and the checks are those of the tracking path."""
    text = "a: x\nb: [y, 2, {c: 2026-12-03, d: null, e: [f, true]}]\n'k': 'v'\n"
    starred = text + "note: '*not an alias*'\n"
    assert load_yaml(starred) == {**load_yaml(text), "note": "*not an alias*"}
    assert load_yaml(text) == {
        "a": "x",
        "b": ["y", 2, {"c": date(2026, 12, 3), "d": None, "e": ["f", True]}],
        "k": "v",
    }
    for plain in ("a: x\nb: y\na: z\n", "a: x\nb: y\na: z\nc: '*'\n"):
        with pytest.raises(YamlError, match="line 3: duplicate key 'a'"):
            load_yaml(plain)


def test_yaml_keeps_numbers_dates_and_nulls() -> None:
    data = load_yaml("n: 3\nf: 1.5\nd: 2026-12-03\nz: null\ne: ''\n")
    assert data == {"n": 3, "f": 1.5, "d": date(2026, 12, 3), "z": None, "e": ""}


def test_yaml_reports_syntax_error_with_line() -> None:
    with pytest.raises(YamlError, match="line 2"):
        load_yaml("a: [1, 2\nb: 3\n")


def test_boolean_where_text_expected_is_an_error() -> None:
    raw = {"id": "x", "kind": "label", "title": "T", "citation": True}
    good, problems = validate_items(raw, Reference, "references/x.yaml")
    assert not good
    assert problems == ["references/x.yaml: item 1 (x): citation: Input should be a valid string"]


def test_text_no_where_boolean_expected_is_an_error() -> None:
    raw = {"id": "x", "kind": "label", "title": "T", "citation": "C", "verified": "no"}
    _, problems = validate_items(raw, Reference, "f.yaml")
    assert any("verified: Input should be a valid boolean" in p for p in problems)


def test_unknown_key_names_file_item_and_field() -> None:
    raw = [{"id": "ok-ref", "kind": "label", "title": "T", "citation": "C", "pregant": True}]
    _, problems = validate_items(raw, Reference, "references/a.yaml")
    assert problems == [
        "references/a.yaml: item 1 (ok-ref): pregant: Extra inputs are not permitted"
    ]


def test_unverified_needs_a_note() -> None:
    _, problems = validate_items(
        {"id": "r", "kind": "trial", "title": "T", "citation": "C", "verified": False},
        Reference,
        "f",
    )
    assert any("unverified reference needs a note" in p for p in problems)


def test_frequency_comparator_comes_with_its_value() -> None:
    with pytest.raises(ValueError, match="comparator and comparator_value go together"):
        Frequency.model_validate(
            {
                "product": "iv-ketamine",
                "treated": "10%",
                "comparator": "placebo",
                "setting": "trial",
                "references": ["r"],
            }
        )


def test_contraindication_must_cover_both_products() -> None:
    raw = load_yaml((FIXTURE_CONTENT / "contraindications" / "contraindications.yaml").read_text())
    item = dict(raw[0])
    item["classes"] = {"iv-ketamine": {"class": "relative"}}
    _, problems = validate_items(item, Contraindication, "c.yaml")
    assert any("missing: esketamine-nasal" in p for p in problems)


def test_review_due_after_reviewed() -> None:
    raw = load_yaml((FIXTURE_CONTENT / "contraindications" / "contraindications.yaml").read_text())
    item = {**raw[0], "review_due": raw[0]["reviewed"]}
    _, problems = validate_items(item, Contraindication, "c.yaml")
    assert any("review_due must be after reviewed" in p for p in problems)


def test_versions_compare_as_numbers() -> None:
    assert version_tuple("2026.11.10") > version_tuple("2026.11.9")
    with pytest.raises(ValueError, match="not a content version"):
        version_tuple("1.x")


def test_fixture_folder_loads() -> None:
    bundle = read_content_folder(FIXTURE_CONTENT)
    assert bundle.release.version == "1.0.0"
    assert {i.slug for i in bundle.contraindications} == {
        "aneurysmal-vascular-disease",
        "uncontrolled-hypertension",
    }


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    return root


def test_unknown_reference_and_orphans_are_reported(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / "interactions" / "interactions.yaml"
    path.write_text(path.read_text().replace("andrashko-2020,", "no-such-ref,"))
    with pytest.raises(ContentError) as info:
        read_content_folder(root)
    assert any("cites unknown reference 'no-such-ref'" in p for p in info.value.problems)
    assert any("reference 'andrashko-2020' is not cited" in p for p in info.value.problems)


def test_bad_file_is_named(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "side-effects" / "broken.yaml").write_text("- slug: x\n  title: [unclosed\n")
    with pytest.raises(ContentError, match=r"side-effects/broken.yaml: line \d"):
        read_content_folder(root)


def test_unknown_folder_is_an_error(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "sideeffects").mkdir()
    with pytest.raises(ContentError, match="sideeffects/: unknown content folder"):
        read_content_folder(root)
