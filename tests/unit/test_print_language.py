"""Message catalogues and CLDR dates per printing language; choosing translated handouts."""

from __future__ import annotations

import string
from datetime import date

import pytest

from ketref.domain.content import Handout, TranslationSource
from ketref.domain.handout_languages import (
    HandoutKey,
    MissingTranslationError,
    choose_handouts,
)
from ketref.domain.print_language import (
    CATALOGUES,
    ENGLISH,
    Language,
    format_date,
    format_month,
    message_fields,
    weekday_names,
)

pytestmark = pytest.mark.unit


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("language", list(Language))
def test_every_catalogue_fills_the_same_placeholders_as_english(language: Language) -> None:
    catalogue = CATALOGUES[language]
    for name in message_fields():
        text = getattr(catalogue, name)
        assert text.strip(), name
        if not name.endswith("_pattern"):
            assert _placeholders(text) == _placeholders(getattr(ENGLISH, name)), name


def test_dates_and_names_come_from_cldr() -> None:
    day = date(2027, 1, 8)
    assert format_date(day) == "8 Jan 2027"
    assert format_date(day, weekday=True) == "Fri 8 Jan 2027"
    assert format_date(day, Language.ES) == "8 de enero de 2027"
    assert format_date(day, Language.ES, weekday=True) == "viernes 8 de enero de 2027"
    assert format_date(date(2027, 3, 2), Language.ES, year=False) == "2 mar"
    assert format_month(date(2027, 9, 1), Language.ES) == "septiembre de 2027"
    assert weekday_names(Language.ES)[:3] == ("lun", "mar", "mié")
    assert weekday_names(Language.EN)[6] == "Sun"
    assert (Language.ES.label, Language.ES.english_name) == ("Español", "Spanish")


def _handout(slug: str, language: str = "en", source: str | None = None) -> Handout:
    return Handout.model_validate(
        {
            "slug": slug,
            "title": slug,
            "summary": "s",
            "language": language,
            "version": "1.0",
            "products": ["iv-ketamine"],
            "main_message": "m",
            "sections": [{"heading": "h", "blocks": [{"type": "paragraph", "text": "t"}]}],
            "references": ["r"],
            "reviewed": "2026-01-01",
            "review_due": "2027-01-01",
            "translation_of": (
                {"slug": source, "version": "1.0", "text_hash": "0" * 16} if source else None
            ),
        },
        strict=False,
    )


LIBRARY = {
    h.slug: HandoutKey.of_handout(h)
    for h in (
        _handout("a"),
        _handout("b"),
        _handout("a-es", "es", "a"),
    )
}


def test_choosing_by_language() -> None:
    assert choose_handouts(LIBRARY, ["a", "b"]) == ["a", "b"]  # as named
    assert choose_handouts(LIBRARY, ["a"], Language.ES) == ["a-es"]
    assert choose_handouts(LIBRARY, ["a-es"], Language.EN) == ["a"]
    assert choose_handouts(LIBRARY, ["a"], Language.ES, bilingual=True) == ["a", "a-es"]
    assert choose_handouts(LIBRARY, ["a-es", "b"], Language.ES, fallback_english=True) == [
        "a-es",
        "b",
    ]
    with pytest.raises(MissingTranslationError) as caught:
        choose_handouts(LIBRARY, ["a", "b"], Language.ES, bilingual=True)
    assert caught.value.missing == ("b",)


def test_a_translation_records_its_source_and_notices_changes() -> None:
    source = _handout("a")
    recorded = TranslationSource(slug="a", version="1.0", text_hash=source.text_fingerprint())
    translation = _handout("a-es", "es", "a").model_copy(update={"translation_of": recorded})
    assert not translation.source_changed(source)
    assert not translation.source_changed(source.model_copy(update={"summary": "other"}))
    assert translation.source_changed(source.model_copy(update={"main_message": "new"}))
    assert translation.source_changed(source.model_copy(update={"version": "1.1"}))
    with pytest.raises(ValueError, match="other than English"):
        _handout("x", "en", "a")
