"""Two small flowables: a paragraph that wraps once per width, and a group kept on one page."""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether, Paragraph


class Para(Paragraph):
    """A Paragraph that does not break its lines again when asked to wrap at the same width.

    Keeping things together and laying out table cells wraps the same paragraph two or three
    times at one width; line breaking is most of the cost of a handout, so it is done once.
    """

    _wrapped_width: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        # Paragraph.split drops blPara when it pushes the paragraph on: then wrap again.
        if self._wrapped_width == availWidth and hasattr(self, "blPara"):
            return self.width, self.height
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        self._wrapped_width = availWidth
        return size


class KeepGroup(KeepTogether):
    """Flowables that move to the next page together; ``parts`` lets a heading join them.

    reportlab's ``keepWithNext`` cannot attach a heading to a ``KeepTogether``, so the layout
    code merges a heading into the following group itself.
    """

    def __init__(self, parts: list[Flowable]) -> None:
        super().__init__(parts)
        self.parts = list(parts)
