"""Typed errors: each maps to one clear message and an exit code at the edges."""

from __future__ import annotations

from datetime import datetime


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


class ReadingLevelError(BadInputError):
    """A handout reads above the limit (grade 8, or INFLESZ below "fairly easy"): saved only
    when the writer accepts it, which the audit trail records."""


class NotFoundError(BadInputError):
    """The requested item does not exist (which says nothing about clinical risk)."""


class DatabaseRefusedError(KetrefError):
    """A database file ketref will not open: foreign, damaged, too new. It was left untouched."""


class ServerUnreachableError(DatabaseRefusedError):
    """The database server cannot be reached, or the connection to it was lost; retry later.

    Nothing is half-saved: a lost connection rolls the server's transaction back.
    """

    retryable = True


class PermissionRefusedError(KetrefError):
    """The database server refused the operation to this user; nothing was changed."""


class DatabaseBusyError(KetrefError):
    """Another window or command held the database longer than ketref waited; nothing changed.

    Safe to retry: the caller keeps the user's unsaved text and offers "try again".
    """

    retryable = True


class StorageFullError(KetrefError):
    """The disk filled (or failed) while saving; the change was rolled back as a whole."""

    retryable = True


class ReadOnlyStorageError(KetrefError):
    """The database file or its folder cannot be written; nothing was changed."""


class EditConflictError(BadInputError):
    """Someone else saved the same item after it was opened; their change was kept.

    The editor keeps the user's text, reloads the item and lets them apply it again.
    """

    def __init__(self, message: str, *, changed_by: str | None, changed_at: datetime | None):
        super().__init__(message)
        self.changed_by = changed_by
        self.changed_at = changed_at


class StoredItemInvalidError(KetrefError):
    """A stored document no longer fits the content schema (edited by hand, or written by a
    newer ketref); it is reported with its kind, slug and first error, never shown half-read."""

    def __init__(self, kind: str, slug: str, error: str) -> None:
        super().__init__(f"{kind}/{slug} cannot be displayed: {error}")
        self.kind = kind
        self.slug = slug
        self.error = error
