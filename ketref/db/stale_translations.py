"""Which translated handouts are stale: their English source got a new wording since."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from ketref.db import items as items_db
from ketref.db import repositories as repo
from ketref.db.mapping import item_from_document
from ketref.domain.content import Handout
from ketref.domain.enums import ItemKind
from ketref.domain.handout_languages import source_changed_on


def _handout(session: Session, slug: str) -> tuple[Handout, date] | None:
    found = items_db.document_of_item(session, ItemKind.HANDOUT, slug)
    if found is None:
        return None
    row, document = found
    handout = item_from_document(ItemKind.HANDOUT, slug, document)
    assert isinstance(handout, Handout)
    return handout, row.updated_at.date()


def stale_translations(session: Session, slugs: set[str] | None = None) -> dict[str, date]:
    """``translation slug -> day its English source changed`` for every current translation
    (or those among ``slugs``) whose source's wording differs from the one it was made from."""
    stale: dict[str, date] = {}
    for slug, _language, source_slug in repo.handout_languages(session):
        if source_slug is None or (slugs is not None and slug not in slugs):
            continue
        translation, source = _handout(session, slug), _handout(session, source_slug)
        if translation is None:
            continue
        changed = source_changed_on(
            translation[0], source[0] if source else None, source[1] if source else date.min
        )
        if changed is not None:
            stale[slug] = changed
    return stale
