"""Product pages: the model, the shipped pages, the CLI, the detail layout and search order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from ketref.app import main
from ketref.domain.content import ProductPage, Statement
from ketref.domain.enums import ItemKind, Product, RegulatoryStatus
from ketref.domain.model_walk import cited_reference_ids
from ketref.gui.detail_html import item_html
from tests.conftest import shipped_bundle

SECTIONS = ("what_it_is", "administration", "observation", "storage", "pharmacology", "warnings")


@pytest.fixture(scope="module")
def pages() -> dict[str, ProductPage]:
    return {p.slug: p for p in shipped_bundle().products}


def _minimal() -> dict[str, Any]:
    said = {"text": "A fact.", "references": ["ref-a"]}
    return {
        "slug": "x",
        "title": "X",
        "summary": "X.",
        "product": "iv-ketamine",
        "what_it_is": [said],
        "statuses": [{**said, "indication": "anaesthesia", "status": "approved"}],
        "dosing": [{**said, "phase": "Induction"}],
        **{name: [said] for name in SECTIONS[1:]},
        "references": ["ref-a"],
        "reviewed": "2026-12-01",
        "review_due": "2027-12-01",
    }


def test_minimal_page_validates_and_each_section_is_required() -> None:
    assert ProductPage.model_validate(_minimal()).product is Product.IV_KETAMINE
    for name in (*SECTIONS, "statuses", "dosing"):
        raw = _minimal()
        raw[name] = []
        with pytest.raises(ValidationError):
            ProductPage.model_validate(raw)


def test_statement_needs_a_reference_and_an_unverified_one_a_note() -> None:
    with pytest.raises(ValidationError):
        Statement.model_validate({"text": "A fact.", "references": []})
    with pytest.raises(ValidationError, match="unverified_note"):
        Statement.model_validate({"text": "A fact.", "references": ["r"], "verified": False})
    raw = _minimal()
    raw["pharmacology"] = raw["pharmacology"] * 3
    with pytest.raises(ValidationError):  # "pharmacology in two lines"
        ProductPage.model_validate(raw)


def test_both_products_have_a_page(pages: dict[str, ProductPage]) -> None:
    assert {p.product for p in pages.values()} == set(Product)


def test_every_statement_is_referenced_and_every_flag_explained(
    pages: dict[str, ProductPage],
) -> None:
    bundle = shipped_bundle()
    known = {r.id for r in bundle.references}
    for page in pages.values():
        assert cited_reference_ids(page) <= known
        assert page.review_due > page.reviewed
        statements = [s for name in SECTIONS for s in getattr(page, name)]
        statements += [*page.statuses, *page.dosing]
        statements += [s for section in page.context for s in section.statements]
        for st in statements:
            assert st.references, (page.slug, st.text)
            assert st.verified or st.unverified_note, (page.slug, st.text)


def test_status_rows_link_real_indications_and_off_label_is_never_approved(
    pages: dict[str, ProductPage],
) -> None:
    indications = {i.slug for i in shipped_bundle().indications}
    for page in pages.values():
        assert {s.indication for s in page.statuses} <= indications
        linked = {link.slug for link in page.related if link.kind is ItemKind.INDICATION}
        assert {s.indication for s in page.statuses} <= linked
    iv = {s.indication: s.status for s in pages["iv-ketamine"].statuses}
    assert iv["anaesthesia"] is RegulatoryStatus.APPROVED
    assert all(v is not RegulatoryStatus.APPROVED for k, v in iv.items() if k != "anaesthesia")
    spravato = {s.indication: s.status for s in pages["spravato"].statuses}
    assert spravato["anaesthesia"] is RegulatoryStatus.NOT_APPROVED
    assert all(
        "off-label" in d.phase for d in pages["iv-ketamine"].dosing if "Anaes" not in d.phase
    )


def test_pages_link_every_kind_of_related_item(pages: dict[str, ProductPage]) -> None:
    wanted = {ItemKind.INDICATION, ItemKind.CONTRAINDICATION, ItemKind.SIDE_EFFECT}
    wanted |= {ItemKind.INTERACTION, ItemKind.MONITORING, ItemKind.HANDOUT}
    for page in pages.values():
        assert {link.kind for link in page.related} == wanted, page.slug


def _run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_cli_list_and_show(capsys, shipped_home: Path) -> None:
    code, out = _run(capsys, "--home", str(shipped_home), "list", "products")
    assert code == 0 and "spravato\t" in out and "iv-ketamine\t" in out
    code, out = _run(capsys, "--home", str(shipped_home), "show", "products", "spravato", "--json")
    shown = json.loads(out)
    assert code == 0
    assert shown["dosing"][0]["text"].startswith("Day 1: 56 mg")
    assert shown["reviewed"] and shown["review_due"] and shown["references"][0]["number"] == 1


@pytest.mark.parametrize(
    ("query", "slug"),
    [("spravato", "spravato"), ("esketamine", "spravato"), ("ketalar", "iv-ketamine")],
)
def test_product_name_puts_its_page_first(
    capsys, shipped_home: Path, query: str, slug: str
) -> None:
    code, out = _run(capsys, "--home", str(shipped_home), "search", query, "--json")
    assert code == 0
    first = json.loads(out)["results"][0]
    assert (first["kind"], first["slug"]) == ("products", slug)


def test_detail_page_shows_every_section_with_status_badges(shipped_services) -> None:
    detail = shipped_services.catalogue.get_item(ItemKind.PRODUCT, "iv-ketamine")
    html = item_html(detail)
    for heading in (
        "What it is",
        "Regulatory status by indication",
        "Dose and schedule by phase",
        "Administration and setting",
        "Observation and discharge",
        "Storage and handling",
        "Pharmacology",
        "Key warnings",
        "Ketalar as an anaesthetic",
    ):
        assert f"<h3>{heading}</h3>" in html
    assert "Approved (label)" in html and "Off-label" in html
    assert "Not yet verified" in html and 'href="ketref:item/indications/anaesthesia"' in html
