"""Back/Forward behaves like a browser's."""

from __future__ import annotations

import pytest

from ketref.domain.enums import ItemKind
from ketref.gui.history import History, Place

pytestmark = pytest.mark.unit

A, B, C = (Place(ItemKind.SIDE_EFFECT, s) for s in ("a", "b", "c"))


def test_back_forward_and_a_new_visit_drops_forward() -> None:
    h = History()
    assert h.back() is None and h.current is None
    for p in (A, B, C):
        h.visit(p)
    assert h.back() == B and h.back() == A and h.back() is None
    assert h.forward() == B
    h.visit(A)
    assert not h.can_go_forward()
    assert h.back() == B


def test_repeat_visits_do_not_stack_and_limit_holds() -> None:
    h = History(limit=2)
    h.visit(A)
    h.visit(A)
    assert not h.can_go_back()
    h.visit(B)
    h.visit(C)
    assert h.back() == B and h.back() is None


@pytest.mark.parametrize("key", ["", "nope/x", "side-effects/", "side-effects"])
def test_malformed_keys_are_ignored(key) -> None:
    assert Place.from_key(key) is None


def test_keys_round_trip() -> None:
    assert Place.from_key(A.key()) == A
