"""Writing user-chosen files so that a failure never leaves a half-written or lost file."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
import unicodedata
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
    with contextlib.suppress(OSError):
        if not path.stat().st_mode & stat.S_IWUSR:
            # A rename would replace it anyway; a read-only file says "do not overwrite me".
            raise ExportError(
                f"Cannot write {path}: the file is read-only (or open in another program); "
                "choose another name."
            )
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


_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*\u202a-\u202e\u2066-\u2069]+')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
MAX_NAME_BYTES = 150
"""Well under every platform's 255-byte limit, leaving room for a ``-2`` or a temp prefix."""


def safe_file_name(text: str, suffix: str, *, fallback: str = "ketref-export") -> str:
    """A legal, harmless file name built from user or content text, ending in ``suffix``.

    Separators, ``..``, control and bidi characters, Windows-reserved names (CON, NUL, ...) and
    trailing dots or spaces are removed; the result stays within MAX_NAME_BYTES in UTF-8 and can
    never point outside the folder it is joined to. Prefer names without patient identifiers.
    """
    name = unicodedata.normalize("NFC", text)
    name = _UNSAFE.sub("-", name)
    name = re.sub(r"\s+", " ", name).strip(" .-")
    name = re.sub(r"-{2,}", "-", name)
    budget = MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    name = name.encode("utf-8")[:budget].decode("utf-8", "ignore").rstrip(" .-")
    if not name:
        name = fallback
    if _RESERVED.match(name):
        name = f"_{name}"
    return name + suffix
