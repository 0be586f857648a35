"""The detail pane shows what a clinician needs of each kind, escaped and with its sources."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from ketref.domain.enums import ItemKind
from ketref.gui.detail_html import item_html, reference_html
from ketref.gui.history import Place

pytestmark = pytest.mark.gui


def shown(window, kind: ItemKind, slug: str) -> str:
    window.open_place(Place(kind, slug))
    return window.browser.detail.toPlainText()


def test_indication_status_evidence_outcomes_protocol(window) -> None:
    text = shown(window, ItemKind.INDICATION, "treatment-resistant-depression")
    assert "IV ketamine (racemic)" in text and "Esketamine nasal spray (Spravato)" in text
    assert "Approved (label)" in text and "Off-label" in text
    assert "Evidence:" in text
    assert "Trial" in text and "Compared with" in text
    assert "Protocol:" in text
    assert text.index("IV ketamine (racemic)") < text.index("Esketamine nasal spray (Spravato)\n")


def test_contraindication_classes_thresholds_rationale(window) -> None:
    text = shown(window, ItemKind.CONTRAINDICATION, "uncontrolled-hypertension")
    assert "Class by product" in text
    assert "Absolute (guideline)" in text and "Relative" in text
    assert "systolic bp > 180 mmHg" in text and "diastolic bp > 90 mmHg" in text
    assert "Rationale:" in text


def test_side_effect_frequency_against_comparator_with_source(window) -> None:
    text = shown(window, ItemKind.SIDE_EFFECT, "dissociation")
    assert "How often" in text
    assert "41%" in text and "9% (placebo spray plus oral antidepressant)" in text
    assert "TRANSFORM-1" in text
    assert "Time course" in text and "Management" in text


def test_interaction_level_agents_and_rule(window) -> None:
    text = shown(window, ItemKind.INTERACTION, "benzodiazepines")
    assert "Agents:" in text and "What to do:" in text
    assert any(level in text for level in ("Avoid", "Caution", "Informational"))


def test_monitoring_step_and_links_from_side_effects(window) -> None:
    text = shown(window, ItemKind.MONITORING, "spravato-bp-at-40-minutes")
    assert "What:" in text
    assert "Linked from" in text and "Blood-pressure increase" in text


def test_handout_shows_its_sections(window) -> None:
    handout = window.services.catalogue.get_item(ItemKind.HANDOUT, "after-your-session").item
    window.browser.show_place(
        Place(ItemKind.HANDOUT, "after-your-session"), visit=False
    )  # from a search hit
    text = window.browser.detail.toPlainText()
    assert handout.main_message in text
    assert all(section.heading in text for section in handout.sections)


def test_reference_lists_what_cites_it(window) -> None:
    detail = window.services.catalogue.get_item(ItemKind.SIDE_EFFECT, "dissociation")
    ref = detail.references[0]
    text = shown(window, ItemKind.REFERENCE, ref.id)
    assert "Cited by" in text and "Dissociation and perceptual changes" in text


def test_every_item_numbers_its_references_and_review_dates(shipped_services) -> None:
    catalogue = shipped_services.catalogue
    for kind in ItemKind:
        if kind is ItemKind.REFERENCE:
            continue
        for summary in catalogue.list_items(kind):
            detail = catalogue.get_item(kind, summary.slug)
            html = item_html(detail)
            assert "Reviewed " in html and "review due" in html, summary.slug
            assert html.count('href="ketref:reference/') >= len(detail.references), summary.slug
            for marks in re.findall(r"\[((?:<a href=[^>]+>\d+</a>(?:, )?)+)\]", html):
                numbers = [int(n) for n in re.findall(r">(\d+)</a>", marks)]
                assert numbers == sorted(set(numbers)), (summary.slug, numbers)  # [14, 15]
            if not detail.item.verified:
                assert "Unverified" in html and "Not yet verified" in html, summary.slug


def test_due_for_review_badge(shipped_services) -> None:
    detail = shipped_services.catalogue.get_item(ItemKind.SIDE_EFFECT, "nausea")
    assert "Due for review" not in item_html(detail)
    assert "Due for review" in item_html(replace(detail, due_for_review=True))


def test_content_text_is_escaped(shipped_services) -> None:
    detail = shipped_services.catalogue.get_item(ItemKind.SIDE_EFFECT, "nausea")
    hostile = detail.item.model_copy(update={"title": "<img src=x> & <a href=y>", "summary": "<b>"})
    html = item_html(replace(detail, item=hostile))
    assert "<img" not in html and "<a href=y>" not in html
    assert "&lt;img src=x&gt; &amp; &lt;a href=y&gt;" in html
    ref_detail = shipped_services.catalogue.get_reference(detail.references[0].id)
    bad_ref = ref_detail.reference.model_copy(update={"title": "<script>alert(1)</script>"})
    assert "<script>" not in reference_html(replace(ref_detail, reference=bad_ref))


def test_a_stored_document_that_no_longer_validates_says_it_cannot_be_displayed(
    window, shipped_services
) -> None:
    from sqlalchemy import update

    from ketref.db import tables as t

    with shipped_services.db.write() as session:
        row = session.query(t.ItemRow).filter_by(kind="side-effects", slug="dissociation").one()
        session.execute(
            update(t.ItemVersionRow)
            .where(t.ItemVersionRow.id == row.version_id)
            .values(document={"slug": "dissociation", "title": "Dissociation"})
        )
    text = shown(window, ItemKind.SIDE_EFFECT, "dissociation")
    assert text.startswith("Cannot be displayed")
    assert "side-effects/dissociation cannot be displayed:" in text
    assert "Emergence" in shown(window, ItemKind.SIDE_EFFECT, "emergence-reactions")  # goes on


def test_product_page_sections_cited_and_dated(window) -> None:
    text = shown(window, ItemKind.PRODUCT, "iv-ketamine")
    assert "Product page" in text and "Ketalar as an anaesthetic" in text
    assert "0.5 mg/kg over 40 minutes" in text and "[" in text
    assert "Related" in text
