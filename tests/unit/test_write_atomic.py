"""write_atomic: the whole new file or the untouched old one, and one clear message."""

from __future__ import annotations

import os
from pathlib import Path
from unittest import mock

import pytest

from ketref.services.files import ExportError, write_atomic

pytestmark = pytest.mark.unit


def test_writes_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    write_atomic(target, b"first")
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in tmp_path.iterdir()] == ["out.pdf"]
    if os.name == "posix":
        assert target.stat().st_mode & 0o777 == 0o600


def test_missing_folder_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="the folder does not exist"):
        write_atomic(tmp_path / "nope" / "out.pdf", b"x")


def test_folder_named_like_the_file(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="a folder has that name"):
        write_atomic(tmp_path, b"x")


def test_failed_write_keeps_old_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    target.write_bytes(b"old")
    with (
        mock.patch("os.fsync", side_effect=OSError(28, "No space left on device")),
        pytest.raises(ExportError, match="the disk is full"),
    ):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.pdf"]
