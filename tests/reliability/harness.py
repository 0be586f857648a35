"""The shared harness of the reliability catalogue (RELIABILITY.md, "Shared harness").

* ``integrity_ok`` / ``logical_snapshot``: "nothing lost, nothing changed" on a SQLite file.
* ``start_worker`` / ``run_worker`` / ``crash_child``: real child processes running
  ``python -m tests.reliability.worker TASK JSON``; a child prints ``ready`` at a chosen step
  and the parent SIGKILLs it there.
* ``UNPRIVILEGED``: a command prefix that drops root's permission override, so chmod-based
  faults (read-only files and folders) bite even when the tests run as root.
* ``FailingOS``: SQLite-style fail-at-N fault injection for ketref's file-writing helper.
* ``tree``: the files under a folder, to assert that nothing was added or left behind.
"""

from __future__ import annotations

import errno
import json
import os
import selectors
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from ketref.db.backup import integrity_ok
from tests.conftest import logical_snapshot

__all__ = [
    "REPO",
    "UNPRIVILEGED",
    "FailingOS",
    "crash_child",
    "integrity_ok",
    "logical_snapshot",
    "posix_only",
    "run_worker",
    "start_worker",
    "tree",
]

REPO = Path(__file__).resolve().parents[2]
WORKER = "tests.reliability.worker"

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions and signals")


def _unprivileged_prefix() -> list[str] | None:
    """Run children without CAP_DAC_OVERRIDE when we are root (None: impossible here)."""
    if os.name != "posix" or os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--"]


UNPRIVILEGED = _unprivileged_prefix()


def _command(task: str, args: dict[str, Any], prefix: list[str] | None) -> list[str]:
    return [*(prefix or []), sys.executable, "-m", WORKER, task, json.dumps(args)]


def start_worker(task: str, prefix: list[str] | None = None, **args: Any) -> subprocess.Popen[str]:
    """Start a worker child; its stdout is a pipe of lines (``ready``, then a JSON result)."""
    return subprocess.Popen(
        _command(task, args, prefix),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )


def wait_for(proc: subprocess.Popen[str], word: str = "ready", timeout: float = 60) -> None:
    """Block until the child prints ``word`` on a line of its own."""
    assert proc.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
            break
        line = proc.stdout.readline()
        if line.strip() == word:
            return
        if line == "":
            _, err = proc.communicate(timeout=10)
            raise AssertionError(f"worker ended before {word!r}: {err[-2000:]}")
    proc.kill()
    raise AssertionError(f"worker did not print {word!r} within {timeout} s")


def finish(proc: subprocess.Popen[str], timeout: float = 120) -> dict[str, Any]:
    """Wait for a child to exit successfully and return the JSON it printed last."""
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, f"worker failed ({proc.returncode}): {err[-3000:]}"
    lines = [line for line in out.splitlines() if line.startswith("{")]
    assert lines, f"worker printed no result: {out[-500:]} {err[-2000:]}"
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def run_worker(
    task: str, prefix: list[str] | None = None, timeout: float = 120, **args: Any
) -> dict[str, Any]:
    return finish(start_worker(task, prefix, **args), timeout)


def crash_child(task: str, timeout: float = 60, **args: Any) -> None:
    """Run a worker until it prints ``ready``, then SIGKILL it (no cleanup of any kind)."""
    proc = start_worker(task, **args)
    try:
        wait_for(proc, "ready", timeout)
    finally:
        proc.kill()  # SIGKILL on POSIX, TerminateProcess on Windows
        proc.communicate(timeout=30)
    assert proc.returncode != 0


def tree(folder: Path) -> list[str]:
    """Every file under ``folder`` (relative paths, sorted)."""
    if not folder.exists():
        return []
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


class FailingOS:
    """Fail the Nth low-level file operation of ``ketref.services.files`` with ``code``.

    Counts temp-file creation, each write, fsync, chmod and the final rename, like SQLite's
    I/O-error loop counts system calls. ``calls`` tells how many happened in a clean run.
    """

    def __init__(self, fail_at: int | None, code: int = errno.ENOSPC) -> None:
        self.fail_at = fail_at
        self.code = code
        self.calls = 0

    def _tick(self, what: str) -> None:
        self.calls += 1
        if self.calls == self.fail_at:
            raise OSError(self.code, f"{os.strerror(self.code)} (injected at {what})")

    @contextmanager
    def installed(self) -> Iterator[FailingOS]:
        from ketref.services import files

        real_mkstemp, real_fdopen = tempfile.mkstemp, os.fdopen
        real_fsync, real_chmod, real_replace = os.fsync, os.chmod, os.replace
        outer = self

        class _File:
            def __init__(self, handle: Any) -> None:
                self._handle = handle

            def write(self, data: bytes) -> int:
                outer._tick("write")
                return int(self._handle.write(data))

            def __getattr__(self, name: str) -> Any:
                return getattr(self._handle, name)

            def __enter__(self) -> _File:
                return self

            def __exit__(self, *exc: object) -> None:
                self._handle.close()

        def mkstemp(*a: Any, **k: Any) -> tuple[int, str]:
            self._tick("mkstemp")
            return real_mkstemp(*a, **k)

        def fsync(fd: int) -> None:
            self._tick("fsync")
            real_fsync(fd)

        def chmod(path: Any, mode: int) -> None:
            self._tick("chmod")
            real_chmod(path, mode)

        def replace(src: Any, dst: Any) -> None:
            self._tick("replace")
            real_replace(src, dst)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(files.tempfile, "mkstemp", mkstemp)
            patch.setattr(files.os, "fdopen", lambda *a, **k: _File(real_fdopen(*a, **k)))
            patch.setattr(files.os, "fsync", fsync)
            patch.setattr(files.os, "chmod", chmod)
            patch.setattr(files.os, "replace", replace)
            yield self


# --- Content packs for the tests -------------------------------------------------------------


def export_payload(services: Any, folder: Path) -> dict[str, Any]:
    """The payload of a pack holding every item of ``services``' library."""
    path = folder / "export-all.json"
    services.packs.export(path, everything=True)
    payload: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["payload"]
    path.unlink()
    return payload


def write_pack(path: Path, payload: dict[str, Any]) -> Path:
    """Write ``payload`` as a pack with a correct checksum (JSON or YAML by suffix)."""
    from ketref.content.packs import format_of, serialise

    fmt = format_of(path.suffix)
    assert fmt is not None
    path.write_bytes(serialise(payload, fmt))
    return path


def with_clones(payload: dict[str, Any], count: int, kind: str = "side-effects") -> dict[str, Any]:
    """``payload`` plus ``count`` new items copied from its first item of ``kind``."""
    template = next(i for i in payload["items"] if i["kind"] == kind)
    clones = []
    for n in range(1, count + 1):
        item = json.loads(json.dumps(template))
        item["item"]["slug"] = f"{template['item']['slug']}-copy-{n:04d}"
        item["item"]["title"] = f"{template['item']['title']} (copy {n})"
        clones.append(item)
    return {**payload, "items": payload["items"] + clones}


def home_with(database: Path, home: Path) -> Path:
    """A ketref home whose library is a copy of ``database``."""
    from ketref.paths import AppPaths

    paths = AppPaths.resolve(home)
    paths.ensure()
    shutil.copy2(database, paths.database)
    return home


def tiny_disk_prefix(mount_point: Path, size: str = "8k") -> list[str] | None:
    """A prefix running the child with a ``size`` tmpfs mounted on ``mount_point`` (a private
    mount namespace; nothing changes for the rest of the machine). None where not permitted."""
    unshare = shutil.which("unshare")
    if os.name != "posix" or unshare is None:
        return None
    script = f'mount -t tmpfs -o size={size} ketref-test "$0" && exec "$@"'
    probe = subprocess.run(
        [unshare, "-rm", "sh", "-c", script, str(mount_point), "true"],
        capture_output=True,
        check=False,
    )
    if probe.returncode != 0:
        return None
    return [unshare, "-rm", "sh", "-c", script, str(mount_point)]


def run_cli(
    home: Path,
    argv: list[str],
    *,
    prefix: list[str] | None = None,
    limits: dict[int, int] | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m ketref ARGV`` in a child with ``KETREF_HOME=home``, optionally under
    ``resource`` limits (e.g. {RLIMIT_AS: 1 GB}, {RLIMIT_FSIZE: n}) and a command prefix."""

    def _limit() -> None:
        import resource
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past FSIZE fails with EFBIG
        for which, value in (limits or {}).items():
            resource.setrlimit(which, (value, value))

    return subprocess.run(
        [*(prefix or []), sys.executable, "-m", "ketref", *argv],
        cwd=REPO,
        env={**os.environ, "KETREF_HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1", **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        preexec_fn=_limit if limits and os.name == "posix" else None,
    )


def damage_index(database: Path, index: str = "ix_item_review_due") -> None:
    """Index-only damage: change one key in ``index``'s leaf page so it no longer matches its
    row (quick_check still passes; integrity_check finds "row N missing from index")."""
    import re
    import sqlite3

    conn = sqlite3.connect(database)
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
        (root,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name=?", (index,)
        ).fetchone()
        (size,) = conn.execute("PRAGMA page_size").fetchone()
    finally:
        conn.close()
    with database.open("r+b") as handle:
        handle.seek((root - 1) * size)
        page = handle.read(size)
        assert page[0] == 10, "expected a leaf index page"
        dates = [m.start() for m in re.finditer(rb"20\d\d-\d\d-\d\d", page)]
        last = max(dates, key=lambda i: page[i : i + 10])  # the largest key stays in order
        handle.seek((root - 1) * size + last)
        handle.write(b"2099")


def refused_pack(services: Any, pack: Path, match: str) -> Any:
    """Import ``pack``, expect a PackError matching ``match``, and prove nothing changed."""
    from ketref.domain.packs import PackError

    before = logical_snapshot(services)
    with pytest.raises(PackError, match=match) as info:
        services.packs.import_pack(pack)
    assert logical_snapshot(services) == before
    return info.value


def pack_document(payload: dict[str, Any]) -> dict[str, Any]:
    """The whole pack document (header, checksum, payload) of ``payload``, as plain data."""
    from ketref.content.packs import serialise

    return dict(json.loads(serialise(payload, "json")))


def raw_pack(path: Path, document: dict[str, Any] | str) -> Path:
    """``document`` written as it is (no checksum fixed), for packs spoiled on purpose."""
    text = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path
