"""Typed errors: each maps to one clear message and an exit code at the edges."""

from __future__ import annotations


class KetrefError(Exception):
    """Base for errors the user can act on; the message is shown as is, without a traceback."""

    exit_code = 2


class BadInputError(KetrefError):
    """Input from the user or a file is not acceptable; nothing was changed."""


class ContentError(BadInputError):
    """Content files or a content pack failed validation; nothing was loaded."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:10]
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        super().__init__("; ".join(shown) + more)


class NotFoundError(BadInputError):
    """The requested item does not exist (which says nothing about clinical risk)."""


class DatabaseRefusedError(KetrefError):
    """A database file ketref will not open: foreign, damaged, too new. It was left untouched."""
