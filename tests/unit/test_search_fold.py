"""``fold``'s fast path (non-ASCII runs only, then one ``lower``) equals folding every
character on its own, the definition search positions depend on."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketref.domain.search import _fold_char, first_folded, fold

pytestmark = pytest.mark.unit


def one_by_one(text: str) -> str:
    return "".join(map(_fold_char, text))


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Sesión de KETAMINA", "sesion de ketamina"),
        ("Blood-pressure ≥ 140 – check", "blood pressure ≥ 140   check"),
        ("ΟΔΟΣ İstanbul", "οδοσ istanbul"),
        ("Điều trị bằng ketamine", "đieu tri bang ketamine"),
    ],
)
def test_fold_examples(text: str, folded: str) -> None:
    assert fold(text) == folded == one_by_one(text)
    assert len(fold(text)) == len(text)


@given(st.text(max_size=200))
def test_fold_equals_folding_each_character(text: str) -> None:
    assert fold(text) == one_by_one(text)
    assert len(fold(text)) == len(text)


_TEXT = st.text(alphabet="abcdeéíñÑ- İKß’x", max_size=40)


@given(_TEXT, st.lists(st.tuples(st.integers(0, 40), st.integers(1, 5)), max_size=3), st.data())
@settings(max_examples=500, deadline=None)
def test_first_folded_is_the_first_match_in_the_whole_folded_text(text, spans, data) -> None:
    """Folding only as far as the first match finds what folding everything finds (terms cut
    from the folded text, so they match, and others)."""
    folded = fold(text)
    terms = [folded[start : start + size] for start, size in spans if folded[start : start + size]]
    terms += data.draw(st.lists(st.text(alphabet="abcdenx é", min_size=1, max_size=3), min_size=1))
    found = [p for p in (folded.find(term) for term in terms) if p >= 0]
    assert first_folded(text, terms) == (min(found) if found else -1), terms
