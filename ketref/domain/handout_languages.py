"""Which handout items a printout in a given language uses: translations, gaps, bilingual order.

A translation is its own item (e.g. ``after-your-session-es``) that names its English source in
``translation_of``. A request names handouts by any slug, English or translated; a language, when
given, applies to all of them, so a packet mixes languages only when asked (no language given and
items of different languages named, or the bilingual option).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from ketref.domain.content import Handout
from ketref.domain.errors import BadInputError
from ketref.domain.print_language import Language


class MissingTranslationError(BadInputError):
    """Some chosen handouts have no translation in the requested language; nothing printed."""

    def __init__(self, language: Language, missing: Sequence[str]) -> None:
        self.language = language
        self.missing = tuple(missing)
        super().__init__(
            f"No {language.english_name} translation of: {', '.join(self.missing)}. "
            "These can be printed in English instead."
        )


@dataclass(frozen=True)
class HandoutKey:
    """What choosing by language needs to know of a handout (not its words)."""

    slug: str
    language: str
    """The base language code (``es`` for ``es-MX``)."""
    source: str
    """The English handout's slug: ``slug`` itself unless this is a translation."""

    @classmethod
    def of(cls, slug: str, language: str, source: str | None) -> HandoutKey:
        return cls(slug, language.split("-", maxsplit=1)[0], source or slug)

    @classmethod
    def of_handout(cls, handout: Handout) -> HandoutKey:
        source = handout.translation_of.slug if handout.translation_of else None
        return cls.of(handout.slug, handout.language, source)

    @property
    def is_translation(self) -> bool:
        return self.source != self.slug


def translation_index(keys: Mapping[str, HandoutKey]) -> dict[tuple[str, str], str]:
    """``(English slug, language) -> slug`` for every handout in ``keys`` (by slug)."""
    index: dict[tuple[str, str], str] = {}
    for slug, key in sorted(keys.items()):
        index.setdefault((key.source, key.language), slug)
    return index


def choose_handouts(
    handouts: Mapping[str, HandoutKey],
    slugs: Sequence[str],
    language: Language | None = None,
    *,
    bilingual: bool = False,
    fallback_english: bool = False,
) -> list[str]:
    """The slugs to print, in order, for ``slugs`` in ``language``.

    ``language=None`` prints each handout as named. ``bilingual`` prints each handout in English
    and then in ``language``. With ``fallback_english`` a missing translation prints in English;
    otherwise nothing is chosen and the gaps are named. Unknown slugs are left to the caller.

    Raises:
        MissingTranslationError: listing the English slugs with no translation.
    """
    if language is None:
        return list(slugs)
    index = translation_index(handouts)
    wanted = [Language.EN, language] if bilingual and language is not Language.EN else [language]
    chosen: list[str] = []
    missing: list[str] = []
    for slug in slugs:
        key = handouts.get(slug)
        if key is None:
            chosen.append(slug)
            continue
        source = key.source
        for lang in wanted:
            found = index.get((source, lang.value))
            if found is None and lang is Language.EN and source in handouts:
                found = source
            if found is None:
                if source not in missing:
                    missing.append(source)
                found = source if fallback_english else None
            if found is not None and found not in chosen:
                chosen.append(found)
    if missing and not fallback_english:
        raise MissingTranslationError(language, missing)
    return chosen


def source_changed_on(
    translation: Handout, source: Handout | None, source_updated: date
) -> date | None:
    """When the English ``source`` changed after ``translation`` was made from it (the day the
    source's current version was saved), or None when it has not changed or is gone."""
    if source is None or not translation.source_changed(source):
        return None
    return source_updated
