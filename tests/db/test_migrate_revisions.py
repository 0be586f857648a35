"""The revision list read from the version files is exactly Alembic's, or Alembic is asked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ketref.db import migrate

pytestmark = pytest.mark.db


def test_revisions_read_from_files_equal_alembics_walk() -> None:
    assert migrate._read_revisions() == migrate.alembic_revisions()
    assert migrate.head_revision() == migrate.alembic_revisions()[-1]


def test_a_branch_is_not_read_as_a_chain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    versions = tmp_path / "versions"
    versions.mkdir()
    for name, down in (("a", None), ("b", "a"), ("c", "a")):
        parent = "None" if down is None else f"'{down}'"
        (versions / f"{name}.py").write_text(f"revision = '{name}'\ndown_revision = {parent}\n")
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", tmp_path)
    assert migrate._read_revisions() is None
    (versions / "c.py").write_text("revision = 'c'\ndown_revision = 'b'\n")
    assert migrate._read_revisions() == ("a", "b", "c")


def test_starting_the_app_does_not_import_alembic() -> None:
    code = "import sys, ketref.app; print('alembic' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
