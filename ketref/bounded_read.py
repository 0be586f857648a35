"""The one way ketref reads a file it did not write: open once, check what was opened, read a cap.

A name can point at ``/dev/zero``, a FIFO with no writer, a device or a folder, and a size from
``stat`` on the name says nothing about what ``open`` then returns. So the file is opened once
(non-blocking, so a FIFO cannot hang the open), the *opened* descriptor is checked to be a
regular file (links resolved), and at most ``limit + 1`` bytes are read: memory stays bounded
whatever the file claims to be.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ketref.domain.errors import BadInputError

_CHUNK = 1 << 20
_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_BINARY", 0)
)


class UnreadableFileError(BadInputError):
    """The file is missing, unreadable, not a regular file or too large; nothing was read."""


class FileTooLargeError(UnreadableFileError):
    """Over the reader's cap; ``size`` is at least ``limit + 1`` (a stream has no true size)."""

    def __init__(self, path: Path, size: int, limit: int) -> None:
        self.path, self.size, self.limit = path, size, limit
        super().__init__(f"{path.name} is too large ({_mb(size)}; the limit is {_mb(limit)}).")


def _mb(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{size:,} bytes"


_REASONS = {
    errno.ENOENT: "there is no such file",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EISDIR: "it is a folder",
    errno.ENOTDIR: "part of the path is not a folder",
    errno.ELOOP: "too many symbolic links",
    errno.EIO: "the disk reported an I/O error",
}


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


class NotRegularFileError(UnreadableFileError):
    """A folder, device, FIFO or socket where a file was expected."""


def _cannot_read(path: Path, exc: OSError, fallback: str) -> UnreadableFileError:
    reason = _REASONS.get(exc.errno or 0, exc.strerror or fallback)
    return UnreadableFileError(f"Cannot read {path}: {reason}.")


@contextmanager
def _opened_regular(path: Path) -> Iterator[tuple[int, os.stat_result]]:
    """An fd opened for reading (never blocking on a FIFO), proven to be a regular file, closed
    on exit; an OSError while reading it becomes one UnreadableFileError naming the reason."""
    try:
        fd = os.open(path, _FLAGS)
    except OSError as exc:
        raise _cannot_read(path, exc, "the system refused") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFileError(
                f"Cannot read {path}: it is {_kind(info.st_mode)}, not a regular file."
            )
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        yield fd, info
    except OSError as exc:
        raise _cannot_read(path, exc, "read failed") from None
    finally:
        os.close(fd)


def read_head(path: Path | str, size: int) -> bytes:
    """The first ``size`` bytes (fewer if the file is shorter) of the regular file at ``path``.

    Raises:
        UnreadableFileError: missing or unreadable; NotRegularFileError: not a regular file.
    """
    path = Path(path)
    with _opened_regular(path) as (fd, _):
        return os.read(fd, size)


def read_bounded(path: Path | str, limit: int) -> bytes:
    """The bytes of the regular file at ``path`` (after links), at most ``limit`` of them.

    Raises:
        FileTooLargeError: the file holds more than ``limit`` bytes (by fstat or by reading).
        UnreadableFileError: missing, unreadable, or a folder, device, FIFO or socket.
    """
    path = Path(path)
    with _opened_regular(path) as (fd, info):
        if info.st_size > limit:
            raise FileTooLargeError(path, info.st_size, limit)
        chunks: list[bytes] = []
        left = limit + 1  # one byte more than allowed proves a file that grew or lied
        while left > 0:
            chunk = os.read(fd, min(_CHUNK, left))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            raise FileTooLargeError(path, len(data), limit)
        return data


def read_bounded_text(path: Path | str, limit: int) -> str:
    """``read_bounded`` decoded as UTF-8 (a leading byte-order mark is dropped).

    Raises:
        UnreadableFileError: as ``read_bounded``, or the bytes are not UTF-8 text.
    """
    data = read_bounded(path, limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(
            f"{Path(path).name} is not UTF-8 text (invalid byte at offset {exc.start})."
        ) from None
