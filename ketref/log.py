"""Logging to a rotating, owner-only file in the logs folder; never patient data.

Two guards keep patient text out of the log:

* Tracebacks are logged with their frames (file, line, function) and exception *types*, but
  exception messages are replaced by their length and local variables are never shown: a
  message may quote user input (a name in a PDF error, a value in a database error).
* ``hide_in_logs(*values)`` registers text a service is handling (a patient name, clinician
  notes) for the duration of a block; the filter replaces it with ``[hidden]`` in any record.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import threading
import traceback
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
HIDDEN = "[hidden]"

_sensitive: list[str] = []
_sensitive_lock = threading.Lock()


@contextlib.contextmanager
def hide_in_logs(*values: str | None) -> Iterator[None]:
    """Within the block, these values never reach a log record (replaced by ``[hidden]``)."""
    added = [v for v in values if v and len(v.strip()) >= 2]
    with _sensitive_lock:
        _sensitive.extend(added)
    try:
        yield
    finally:
        with _sensitive_lock:
            for value in added:
                _sensitive.remove(value)


def _scrub(text: str) -> str:
    with _sensitive_lock:
        values = sorted(_sensitive, key=len, reverse=True)
    for value in values:
        text = text.replace(value, HIDDEN)
    return text


class SensitiveTextFilter(logging.Filter):
    """Replaces registered sensitive values in a record's final message."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _sensitive:
            record.msg = _scrub(record.getMessage())
            record.args = None
        return True


ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


class PrivacyFormatter(logging.Formatter):
    """Tracebacks with frames and exception types only: no messages, no local values."""

    def format(self, record: logging.LogRecord) -> str:
        # Another handler may have cached its own full traceback text on the record.
        cached, record.exc_text = record.exc_text, None
        try:
            return super().format(record)
        finally:
            record.exc_text = cached

    def formatException(self, ei: ExcInfo) -> str:  # noqa: N802 - logging's name
        _, value, _ = ei
        if value is None:
            return ""
        return "".join(_private_traceback(value)).rstrip("\n")


def _private_traceback(exc: BaseException, seen: set[int] | None = None) -> list[str]:
    seen = seen if seen is not None else set()
    seen.add(id(exc))
    lines: list[str] = []
    cause = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    if cause is not None and id(cause) not in seen:
        lines += _private_traceback(cause, seen)
        lines.append("\nThe above exception led to the following one:\n\n")
    lines.append("Traceback (most recent call last):\n")
    lines += traceback.StackSummary.extract(
        traceback.walk_tb(exc.__traceback__), capture_locals=False, lookup_lines=True
    ).format()
    size = len(str(exc))
    lines.append(
        f"{type(exc).__module__}.{type(exc).__qualname__}: [message hidden, {size} chars]\n"
    )
    return lines


class _OwnerOnlyFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files are created 0600 (rotation renames, which keeps the mode)."""

    def _open(self):  # type: ignore[no-untyped-def]
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        """A full or read-only disk loses the log line, never the user's one-line message:
        logging's default would print a traceback on stderr."""


def setup_logging(log_dir: Path, *, verbose: bool = False) -> Path | None:
    """Log to ``ketref.log`` (rotated at 1 MB, 5 kept); return the file's path.

    Where the logs folder cannot be written (a read-only home), errors go to stderr instead
    and None is returned: logging must never be the reason ketref cannot start.
    """
    path: Path | None = log_dir / "ketref.log"
    root = logging.getLogger()
    for old_handler in list(root.handlers):
        if getattr(old_handler, "_ketref", False):
            root.removeHandler(old_handler)
            old_handler.close()
    handler: logging.Handler
    try:
        log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        if os.name == "posix":
            for old in log_dir.glob("ketref.log*"):
                with contextlib.suppress(OSError):
                    old.chmod(0o600)
        handler = _OwnerOnlyFileHandler(
            log_dir / "ketref.log", maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        path = None
        handler = logging.StreamHandler()
        handler.setLevel(logging.ERROR)  # the user's one-line message stays one line
    handler.setFormatter(PrivacyFormatter(LOG_FORMAT))
    handler.addFilter(SensitiveTextFilter())
    handler._ketref = True  # type: ignore[union-attr]
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    return path
