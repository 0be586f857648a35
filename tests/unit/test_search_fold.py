"""``fold``'s fast path (non-ASCII runs only, then one ``lower``) equals folding every
character on its own, the definition search positions depend on."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketref.domain.search import _fold_char, fold

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
