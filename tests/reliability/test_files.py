"""Filesystem faults on export (RELIABILITY.md section 5, FS-*): pack export now, and every
other file ketref writes through services.files.write_atomic (the PDF export too)."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketref.services.files import MAX_NAME_BYTES, ExportError, safe_file_name, write_atomic
from ketref.services.workspace import Services
from tests.reliability.harness import (
    FailingOS,
    posix_only,
    run_worker,
    tiny_disk_prefix,
    tree,
)

pytestmark = pytest.mark.unit


@posix_only
def test_fs01_export_into_read_only_folder_is_one_clear_error(read_only_results: Any) -> None:
    """FS-01: exporting a pack into a 0555 folder: "permission denied", no partial file."""
    result = read_only_results["export-into-read-only-folder"]
    assert result["error"] == "ExportError"
    assert "permission denied" in result["message"]
    assert "pack.json" in result["message"]
    assert read_only_results["_locked_files"] == []


@pytest.mark.parametrize("existing", [False, True], ids=["new-file", "replacing"])
@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO], ids=["ENOSPC", "EIO"])
def test_fs02_failure_at_every_write_fsync_and_rename(
    opened: Services, tmp_path: Path, code: int, existing: bool
) -> None:
    """FS-02: the export fails at the Nth file operation for every N (temp file, write, fsync,
    chmod, rename): each time one clear message, no file at the final name (or the previous
    file intact), no temp file left, and the app still exports afterwards."""
    out = tmp_path / "out"
    out.mkdir()
    target = out / "pack.json"
    with FailingOS(None).installed() as clean:
        opened.packs.export(target, everything=True)
    steps = clean.calls
    assert steps >= 5
    good = target.read_bytes()
    for n in range(1, steps + 1):
        if existing:
            target.write_bytes(b"previous pack")
        else:
            target.unlink(missing_ok=True)
        with FailingOS(n, code).installed(), pytest.raises(ExportError) as info:
            opened.packs.export(target, everything=True)
        message = str(info.value)
        assert message.startswith(f"Cannot write {target}: ")
        assert ("disk is full" in message) if code == errno.ENOSPC else ("Input/output" in message)
        assert tree(out) == (["pack.json"] if existing else [])
        if existing:
            assert target.read_bytes() == b"previous pack"
    opened.packs.export(target, everything=True)
    assert target.read_bytes() == good


@posix_only
@pytest.mark.slow
def test_fs02_real_full_disk_during_export(data_dir: Path, tmp_path: Path) -> None:
    """FS-02: a real full disk (a tiny tmpfs in a private mount namespace): one message, and
    nothing left on the disk."""
    disk = tmp_path / "disk"
    disk.mkdir()
    prefix = tiny_disk_prefix(disk)
    if prefix is None:
        pytest.skip("no permission to mount a tmpfs in a user namespace")
    result = run_worker("export-all", prefix=prefix, home=str(data_dir), dest=str(disk / "p.json"))
    assert result["error"] == "ExportError"
    assert "the disk is full" in result["message"]
    assert result["left"] == []


def test_fs04_read_only_target_file_is_not_overwritten(opened: Services, tmp_path: Path) -> None:
    """FS-04: the chosen file is read-only: "read-only (or open in another program)", the file
    unchanged, nothing else written."""
    target = tmp_path / "out" / "pack.json"
    target.parent.mkdir()
    target.write_bytes(b"keep me")
    target.chmod(0o444)
    with pytest.raises(ExportError, match="read-only \\(or open in another program\\)"):
        opened.packs.export(target, everything=True)
    assert target.read_bytes() == b"keep me"
    assert tree(target.parent) == ["pack.json"]


_name_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=400) | st.sampled_from(
    ["..", "../..", "CON", "nul", "aux.txt", "COM1", "a/b", "a\\b", "C:x", " . "]
)


@given(text=_name_text)
def test_fs05_names_from_user_text_are_safe(text: str) -> None:
    """FS-05: any text gives a legal name: no separator or control character, not reserved,
    within the length limit, and joined to a folder it never leaves it."""
    name = safe_file_name(text, ".json")
    stem = name.removesuffix(".json")
    assert name.endswith(".json")
    assert stem
    assert not any(c in name for c in '/\\:*?"<>|\x00')
    assert all(ord(c) >= 0x20 for c in name)
    assert stem.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL"} | {
        f"{p}{n}" for p in ("COM", "LPT") for n in range(10)
    }
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert not stem.endswith((" ", "."))
    folder = Path("/clinic/exports")
    assert (folder / name).resolve().parent == folder.resolve()


@pytest.mark.parametrize(
    "title",
    ["../../etc/passwd", "Nguyễn Thị Ánh: notes/plan", "CON", "😀 " * 200, "a\\b\u202etxt.exe"],
)
def test_fs05_export_to_a_sanitised_name_stays_in_the_folder(
    opened: Services, tmp_path: Path, title: str
) -> None:
    """FS-05 end to end: a pack saved under a name built from text lands inside the folder."""
    out = tmp_path / "out"
    out.mkdir()
    opened.packs.export(out / safe_file_name(title, ".json"), everything=True)
    assert [p.parent for p in tmp_path.rglob("*.json")] == [out]


def test_fs06_folder_removed_before_the_write(opened: Services, tmp_path: Path) -> None:
    """FS-06: the destination folder disappeared after it was chosen: a message, nothing
    written anywhere else."""
    out = tmp_path / "usb"
    out.mkdir()
    out.rmdir()
    before = tree(tmp_path)
    with pytest.raises(ExportError, match="the folder does not exist"):
        opened.packs.export(out / "pack.json", everything=True)
    assert tree(tmp_path) == before


def test_write_atomic_keeps_owner_only_mode(tmp_path: Path) -> None:
    """Files ketref writes are 0600 by default (PV-05 for exports)."""
    path = write_atomic(tmp_path / "x.json", b"{}")
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o600
