"""What this installation is: app version, shipped content release, database schema, licences.

Read from the shipped files, never from a database, so ``ketref --version`` answers even when
the library cannot be opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from ketref import __version__
from ketref.content.safe_yaml import YamlError, load_yaml
from ketref.db import migrate
from ketref.domain.content import Release


@dataclass(frozen=True)
class Versions:
    app: str
    content_release: str
    schema: str

    def line(self) -> str:
        return (
            f"ketref {self.app} (content release {self.content_release}, "
            f"database schema {self.schema})"
        )


def installed_versions(content_dir: Path) -> Versions:
    """The versions this installation ships (a broken release.yaml reads as "unreadable")."""
    try:
        text = (content_dir / "release.yaml").read_text(encoding="utf-8")
        release = Release.model_validate(load_yaml(text)).version
    except (OSError, UnicodeDecodeError, YamlError, ValidationError):
        release = "unreadable"
    return Versions(__version__, release, schema_version())


def schema_version() -> str:
    """The database schema this version of ketref writes (its newest migration)."""
    return migrate.head_revision()


@dataclass(frozen=True)
class BundledPart:
    name: str
    licence: str
    url: str


# Third-party parts the packaged app ships, with the licence each is distributed under (checked
# against the installed packages' metadata by tests/install/test_licences.py).
BUNDLED_PARTS = (
    BundledPart(
        "Qt 6 and PySide6 / Shiboken6 (Qt for Python)", "LGPL-3.0", "https://qt.io/licensing"
    ),
    BundledPart(
        "DejaVu Sans fonts",
        "Bitstream Vera / DejaVu free licence",
        "https://dejavu-fonts.github.io/License.html",
    ),
    BundledPart("ReportLab", "BSD-3-Clause", "https://www.reportlab.com"),
    BundledPart("SQLAlchemy", "MIT", "https://www.sqlalchemy.org"),
    BundledPart("Alembic", "MIT", "https://alembic.sqlalchemy.org"),
    BundledPart("Mako", "MIT", "https://www.makotemplates.org"),
    BundledPart("MarkupSafe", "BSD-3-Clause", "https://palletsprojects.com/p/markupsafe/"),
    BundledPart("Pydantic and pydantic-core", "MIT", "https://docs.pydantic.dev"),
    BundledPart(
        "annotated-types, typing-inspection", "MIT", "https://pypi.org/project/annotated-types/"
    ),
    BundledPart("typing-extensions", "PSF-2.0", "https://pypi.org/project/typing-extensions/"),
    BundledPart("PyYAML", "MIT", "https://pyyaml.org"),
    BundledPart("platformdirs", "MIT", "https://pypi.org/project/platformdirs/"),
    BundledPart("Pillow", "MIT-CMU", "https://python-pillow.org"),
    BundledPart("charset-normalizer", "MIT", "https://pypi.org/project/charset-normalizer/"),
    BundledPart("Babel (with Unicode CLDR data)", "BSD-3-Clause", "https://babel.pocoo.org"),
    BundledPart(
        "psycopg 3 (PostgreSQL driver), with libpq and OpenSSL in its binary wheel",
        "LGPL-3.0 (libpq: PostgreSQL Licence; OpenSSL: Apache-2.0)",
        "https://www.psycopg.org",
    ),
    BundledPart("tzdata (Windows only)", "Apache-2.0", "https://pypi.org/project/tzdata/"),
    BundledPart(
        "Pyphen (syllables by hyphenation, for the reading level), with its en_US and es "
        "hyphenation dictionaries",
        "LGPL-2.1-or-later or MPL-1.1 (ketref's choice of its GPL/LGPL/MPL tri-licence); "
        "dictionaries: en_US BSD-style, es MIT",
        "https://pyphen.org",
    ),
    BundledPart(
        "Python and its standard library", "PSF-2.0", "https://docs.python.org/3/license.html"
    ),
    BundledPart(
        "PyInstaller bootloader",
        "GPL-2.0 with the bootloader exception",
        "https://pyinstaller.org/en/stable/license.html",
    ),
)
