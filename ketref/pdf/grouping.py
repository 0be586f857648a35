"""Keeping things on one page: a ``KeepTogether`` that remembers what it holds."""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether


class KeepGroup(KeepTogether):
    """Flowables that move to the next page together; ``parts`` lets a heading join them.

    reportlab's ``keepWithNext`` cannot attach a heading to a ``KeepTogether``, so the layout
    code merges a heading into the following group itself.
    """

    def __init__(self, parts: list[Flowable]) -> None:
        super().__init__(parts)
        self.parts = list(parts)
