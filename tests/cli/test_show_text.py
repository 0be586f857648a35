"""``ketref show`` reads as text for a clinician: words for fields, names for ids, wrapped lines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ketref.cli.item_text import WIDTH
from ketref.domain.enums import ContraindicationClass, Product
from tests.cli_support import run_main

SLUG = re.compile(r"\b[a-z]+(?:-[a-z0-9]+){2,}\b")  # e.g. treatment-resistant-depression
FIELD = re.compile(r"\b[a-z]+_[a-z_]+\b")  # e.g. evidence_reason


def _visible(out: str) -> str:
    """The text without the citations (DOIs and web addresses may hold hyphenated words)."""
    return out.split("\nReferences\n", maxsplit=1)[0]


@pytest.mark.parametrize(
    ("kind", "slug"),
    [
        ("contraindications", "pregnancy"),
        ("indications", "bipolar-depression"),
        ("products", "spravato"),
        ("side-effects", "dissociation"),
    ],
)
def test_show_prints_words_not_internals(capsys, shipped_home: Path, kind, slug) -> None:
    code, out, _ = run_main(capsys, "show", kind, slug, home=shipped_home)
    assert code == 0
    body = _visible(out)
    headings = [line for line in body.splitlines() if line and not line.startswith(" ")]
    assert all(not FIELD.search(h) for h in headings), headings
    assert not SLUG.search(body.replace(slug, "")), SLUG.findall(body)
    for product in Product:
        assert f"{product.value}:" not in body
    assert all(len(line) <= WIDTH for line in out.splitlines() if " " in line.strip())
    assert "\nReferences\n  [1] " in out


def test_classes_and_links_are_named(capsys, shipped_home: Path) -> None:
    _code, out, _ = run_main(capsys, "show", "contraindications", "pregnancy", home=shipped_home)
    assert "Class by product" in out
    assert Product.ESKETAMINE_NASAL.label in out
    assert ContraindicationClass.NOT_RECOMMENDED.label in out
    assert "  - Breastfeeding (contraindication)" in out  # a related item by its title


def test_product_page_names_its_indications(capsys, shipped_home: Path) -> None:
    _code, out, _ = run_main(capsys, "show", "products", "spravato", home=shipped_home)
    assert "Indication: Treatment-resistant depression" in out
    assert "Sources: [" in out  # reference ids become the numbers of the list


def test_json_keeps_the_structure(capsys, shipped_home: Path) -> None:
    _code, out, _ = run_main(
        capsys, "show", "contraindications", "pregnancy", "--json", home=shipped_home
    )
    data = json.loads(out)
    assert data["classes"]["esketamine-nasal"]["class"] == "not-recommended"
