"""Writing user-chosen files so that a failure never leaves a half-written or lost file."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from ketref.domain.errors import BadInputError


class ExportError(BadInputError):
    """A file could not be written where the user asked; any existing file is unchanged."""


_REASONS = {
    errno.ENOENT: "the folder does not exist",
    errno.ENOTDIR: "part of the path is not a folder",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the disk is read-only",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EISDIR: "a folder has that name",
}


def write_atomic(path: Path, data: bytes, *, mode: int = 0o600) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder, fsync, then rename.

    Either the complete new file is in place or the old one (if any) is untouched.

    Raises:
        ExportError: with one plain sentence naming the file and the reason.
    """
    path = Path(path)
    if path.is_dir():
        raise ExportError(f"Cannot write {path}: {_REASONS[errno.EISDIR]}.")
    tmp_name: str | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError as exc:
        reason = _REASONS.get(exc.errno or 0, exc.strerror or "the system refused")
        raise ExportError(f"Cannot write {path}: {reason}.") from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
    return path
