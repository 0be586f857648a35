"""The lock: committed, current, hashed, for three platforms; stale locks are refused."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

from tests.install.devscript import ROOT, load_dev

pytestmark = pytest.mark.unit

SETS = ("runtime", "test", "dev", "package")


@pytest.fixture
def dev() -> ModuleType:
    return load_dev()


@pytest.fixture
def copied_project(tmp_path: Path, dev: ModuleType, monkeypatch: pytest.MonkeyPatch) -> Path:
    """pyproject.toml, uv.lock and requirements/ copied, with dev.py pointed at the copy."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copy(ROOT / "uv.lock", tmp_path / "uv.lock")
    shutil.copytree(ROOT / "requirements", tmp_path / "requirements")
    monkeypatch.setattr(dev, "ROOT", tmp_path)
    monkeypatch.setattr(dev, "LOCK", tmp_path / "uv.lock")
    monkeypatch.setattr(dev, "REQUIREMENTS", tmp_path / "requirements")
    return tmp_path


def pins(name: str) -> dict[str, str]:
    text = (ROOT / "requirements" / f"{name}.txt").read_text(encoding="utf-8")
    return {m[0].lower(): m[1] for m in re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", text, re.M)}


@pytest.mark.parametrize("name", SETS)
def test_committed_exports_match_pyproject_and_lock(dev: ModuleType, name: str) -> None:
    assert dev.lock_problem(name) is None


@pytest.mark.parametrize("name", SETS)
def test_every_pin_is_exact_and_hashed(name: str) -> None:
    text = (ROOT / "requirements" / f"{name}.txt").read_text(encoding="utf-8")
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 4)[4])
    assert len(entries) > 10
    for entry in entries:
        assert re.match(r"[A-Za-z0-9_.\-]+(\[[a-z,]+\])?==\S+", entry), entry
        assert "--hash=sha256:" in entry, entry


def test_sets_hold_what_they_should() -> None:
    runtime, test, dev_set, package = (pins(name) for name in SETS)
    assert {"pyside6-essentials", "sqlalchemy", "reportlab", "pyyaml"} <= runtime.keys()
    assert {"psycopg", "psycopg-binary"} <= runtime.keys()  # an installed app reaches a server
    assert not {"pytest", "mypy", "ruff", "pyinstaller", "hatchling"} & runtime.keys()
    assert {"pytest", "pytest-qt", "psycopg", "psycopg-binary", "hatchling"} <= test.keys()
    assert not {"mypy", "ruff"} & test.keys()
    assert {"mypy", "ruff", "import-linter"} <= dev_set.keys()
    assert "pyinstaller" in package
    assert not {"pytest", "mypy", "ruff", "hypothesis"} & package.keys()
    for other in (test, dev_set, package):  # one lock: every set agrees on shared packages
        assert all(other[name] == version for name, version in runtime.items())


def test_lock_has_wheels_for_linux_windows_and_macos() -> None:
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    packages = {package["name"]: package for package in lock["package"]}
    for name in ("pyside6-essentials", "pyside6-pdf", "pydantic-core", "pillow", "psycopg-binary"):
        wheels = " ".join(wheel["url"] for wheel in packages[name]["wheels"])
        for platform in ("manylinux", "win_amd64", "macosx"):
            assert platform in wheels, (name, platform)
        assert all(wheel["hash"].startswith("sha256:") for wheel in packages[name]["wheels"])


def test_changed_dependencies_make_the_lock_stale(dev: ModuleType, copied_project: Path) -> None:
    pyproject = copied_project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace('"pillow>=10,<14"', '"pillow>=11,<14"'), encoding="utf-8")
    problem = dev.lock_problem("dev")
    assert problem is not None
    assert "out of date" in problem
    assert "python3 dev.py lock" in problem


def test_other_pyproject_edits_leave_the_lock_current(
    dev: ModuleType, copied_project: Path
) -> None:
    pyproject = copied_project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace("line-length = 100", "line-length = 99"), encoding="utf-8")
    assert dev.lock_problem("dev") is None


def test_a_lock_edited_without_export_is_refused(dev: ModuleType, copied_project: Path) -> None:
    lock = copied_project / "uv.lock"
    lock.write_text(lock.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert "not exported from this uv.lock" in dev.lock_problem("test")


def test_crlf_checkout_of_the_lock_is_the_same_lock(dev: ModuleType, copied_project: Path) -> None:
    lock = copied_project / "uv.lock"
    lock.write_bytes(lock.read_bytes().replace(b"\n", b"\r\n"))
    assert dev.lock_problem("runtime") is None


def test_stale_lock_stops_before_installing_anything(
    dev: ModuleType, copied_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (copied_project / "requirements" / "dev.txt").unlink()
    monkeypatch.setattr(dev, "run", lambda *a, **k: pytest.fail("nothing may be run"))
    monkeypatch.setattr("sys.argv", ["dev.py", "setup"])
    monkeypatch.setattr(dev, "VENV", copied_project / ".venv")
    assert dev.main() == 2
    assert not (copied_project / ".venv").exists()


def test_reportlab_range_spans_one_major_version() -> None:
    """pdf/flowables.py uses Paragraph.blPara, which is private to reportlab."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    (spec,) = [d for d in project["dependencies"] if d.startswith("reportlab")]
    low, high = re.fullmatch(r"reportlab>=(\d+)\.\d+,<(\d+)", spec).groups()
    assert int(high) == int(low) + 1
