"""Handouts in the patient's language: Spanish items, bilingual packets, missing translations
and the notice a translation carries once its English source changes."""

from __future__ import annotations

from datetime import date

import pytest

from ketref.domain.enums import ItemKind
from ketref.domain.handout_languages import MissingTranslationError
from ketref.domain.print_language import Language, format_date
from ketref.domain.printing import Personalisation, PrintOptions
from ketref.services.handouts import HandoutRequest, ScheduleRequest
from ketref.services.workspace import Services
from tests.conftest import FIXED_NOW
from tests.pdf.pdf_inspect import normalize, page_texts

pytestmark = pytest.mark.db

ENGLISH_FURNITURE = ("Page ", "Prepared for", "In this pack", "Reviewed ", "Review due", "Session ")


def _text(pdf: bytes) -> list[str]:
    return [normalize(t) for t in page_texts(pdf)]


def test_a_spanish_packet_has_no_english_furniture(shipped_services: Services) -> None:
    personal = Personalisation.build(
        patient_name="José Núñez", escort="Begoña Ibáñez", notes="¿Dudas? ¡Llámenos!",
        date=date(2027, 1, 8),
    )  # fmt: skip
    request = HandoutRequest(
        slugs=("your-treatment-schedule", "after-your-session"),
        personal=personal,
        schedule=ScheduleRequest("esketamine-nasal", date(2027, 1, 8), (0, 3)),
        language=Language.ES,
    )
    pages = _text(shipped_services.handouts.render(request))
    text = " ".join(pages)
    for expected in (
        "Preparado para José Núñez",
        "Fecha 8 de enero de 2027",
        "Conductor o acompañante Begoña Ibáñez",
        "¿Dudas? ¡Llámenos!",
        "En este paquete",
        "Su calendario de tratamiento",
        "Primera sesión: lunes 11 de enero de 2027. Días de sesión: lun, jue.",
        "Semanas 1 a 4 (enero a febrero de 2027)",
        "Sesión 1",
        "Revisado el 21 nov 2026",
        "Traducción aún no revisada por un traductor médico calificado.",
        "No reemplaza sus consejos.",
    ):
        assert expected in text, expected
    assert all(f"Página {n} de {len(pages)}" in page for n, page in enumerate(pages, 1))
    for english in ENGLISH_FURNITURE:
        assert english not in text, english


def test_bilingual_prints_each_handout_in_english_then_spanish(
    shipped_services: Services,
) -> None:
    request = HandoutRequest(
        slugs=("after-your-session", "during-your-session"),
        language=Language.ES,
        bilingual=True,
    )
    pages = _text(shipped_services.handouts.render(request))
    cover = pages[0]
    titles = [
        "After your session",
        "Después de su sesión",
        "What happens during your session",
        "Qué pasa durante su sesión",
    ]
    positions = [cover.index(t) for t in titles]
    assert positions == sorted(positions)
    english_pages = [p for p in pages[1:] if "Page " in p]
    spanish_pages = [p for p in pages[1:] if "Página " in p]
    assert english_pages and spanish_pages
    assert len(english_pages) + len(spanish_pages) == len(pages) - 1


def test_no_language_prints_each_handout_as_named(shipped_services: Services) -> None:
    request = HandoutRequest(slugs=("after-your-session", "during-your-session-es"))
    pages = _text(shipped_services.handouts.render(request))
    assert "In this pack" in pages[0]
    assert any("Qué pasa durante su sesión" in p and "Página" in p for p in pages)
    english = HandoutRequest(slugs=("during-your-session-es",), language=Language.EN)
    assert "What happens during your session" in _text(shipped_services.handouts.render(english))[0]


def test_a_missing_translation_is_named_and_english_is_offered(
    shipped_services: Services,
) -> None:
    handouts = shipped_services.handouts
    request = HandoutRequest(slugs=("after-your-session",), language=Language.ES)
    assert handouts.translations(Language.ES)["after-your-session"] == "after-your-session-es"
    sources = [s.slug for s in handouts.source_handouts()]
    assert "after-your-session" in sources
    assert not any(slug.endswith("-es") for slug in sources)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(handouts, "_keys", _without("after-your-session-es", handouts._keys))
        with pytest.raises(MissingTranslationError) as caught:
            handouts.render(request)
        assert caught.value.missing == ("after-your-session",)
        assert "No Spanish translation of: after-your-session" in str(caught.value)
        fallback = handouts.render(
            HandoutRequest(slugs=request.slugs, language=Language.ES, fallback_english=True)
        )
    assert "After your session" in _text(fallback)[0]


def _without(slug: str, library):  # a library as if one translation were never shipped
    def reduced():
        return {k: v for k, v in library().items() if k != slug}

    return reduced


def test_a_changed_english_source_marks_the_translation_for_review(
    shipped_services: Services,
) -> None:
    handouts = shipped_services.handouts
    catalogue = shipped_services.catalogue
    request = HandoutRequest(slugs=("after-your-session-es",))
    assert handouts.translation_notices(["after-your-session-es"]) == {}
    assert "cambió" not in " ".join(_text(handouts.render(request)))

    catalogue.edit_item(ItemKind.HANDOUT, "after-your-session", {"summary": "Staff summary."})
    assert handouts.translation_notices(["after-your-session-es"]) == {}  # not patient words

    catalogue.edit_item(
        ItemKind.HANDOUT, "after-your-session", {"main_message": "Rest today. Do not drive."}
    )
    edited_on = FIXED_NOW.date()  # the test services' clock
    notices = handouts.translation_notices(["after-your-session", "after-your-session-es"])
    expected = f"The English version changed on {format_date(edited_on)}; review this translation."
    assert notices == {"after-your-session-es": expected}
    spanish_date = format_date(edited_on, Language.ES, short=True)
    notice = f"La versión en inglés cambió el {spanish_date}; revise esta traducción."
    for large_print in (False, True):  # whole on every page, never cut by the footer
        options = PrintOptions(large_print=large_print)
        pages = _text(handouts.render(HandoutRequest(request.slugs, options=options)))
        assert all(notice in page for page in pages), large_print


def test_a_stale_translation_is_flagged_in_the_review_queue_and_the_item_view(
    shipped_services: Services,
) -> None:
    """The service-level due list (the review queue's source) and the item detail (the
    window's view) say the same as the PDF footer once the English source's wording changes."""
    from ketref.gui.detail_html import item_html

    review, catalogue = shipped_services.review, shipped_services.catalogue
    assert not any(d.source_changed_on for d in review.due())
    assert catalogue.get_item(ItemKind.HANDOUT, "after-your-session-es").source_changed_on is None
    catalogue.edit_item(
        ItemKind.HANDOUT, "after-your-session", {"main_message": "Rest today. Do not drive."}
    )
    edited_on = FIXED_NOW.date()
    flagged = [d for d in review.due() if d.source_changed_on]
    assert [(d.slug, d.source_changed_on) for d in flagged] == [
        ("after-your-session-es", edited_on)
    ]
    assert [d.slug for d in review.due(ItemKind.HANDOUT) if d.source_changed_on] == [
        "after-your-session-es"
    ]
    assert not any(d.source_changed_on for d in review.due(ItemKind.CONTRAINDICATION))
    detail = catalogue.get_item(ItemKind.HANDOUT, "after-your-session-es")
    assert detail.source_changed_on == edited_on
    html = item_html(detail)
    assert f"The English version changed on {format_date(edited_on)}; review this" in html
    assert "Translation needs review" in html
    assert catalogue.get_item(ItemKind.HANDOUT, "after-your-session").source_changed_on is None
