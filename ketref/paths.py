"""Where ketref keeps its files: platformdirs by default, all under KETREF_HOME when set."""

from __future__ import annotations

import contextlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "ketref"
HOME_ENV = "KETREF_HOME"
DATABASE_ENV = "KETREF_DATABASE_URL"


@dataclass(frozen=True)
class AppPaths:
    """Every directory ketref writes to; tests and users move them all with one setting."""

    data: Path
    config: Path
    logs: Path
    backups: Path

    @property
    def database(self) -> Path:
        return self.data / "ketref.db"

    @classmethod
    def resolve(cls, home: str | os.PathLike[str] | None = None) -> AppPaths:
        """Use ``home`` (or $KETREF_HOME) when given, else the platform's user directories."""
        root = home if home is not None else os.environ.get(HOME_ENV) or None
        if root is not None:
            base = Path(root).expanduser().resolve()
            return cls(base / "data", base / "config", base / "logs", base / "backups")
        data = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
        return cls(
            data=data,
            config=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            logs=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
            backups=data / "backups",
        )

    def ensure(self) -> None:
        """Create the directories owner-only (0700): they may hold clinic data.

        Existing ketref folders that others can read are tightened to 0700 as well.
        """
        for directory in (self.data, self.config, self.logs, self.backups):
            make_private_dirs(directory)
            if os.name == "posix" and directory.stat().st_mode & 0o077:
                with contextlib.suppress(OSError):  # not ours to tighten (read-only home)
                    directory.chmod(stat.S_IMODE(directory.stat().st_mode) & ~0o077)


def make_private_dirs(directory: Path) -> None:
    """``mkdir -p`` where every folder created (a new ``--home`` and its parents too) is 0700
    from the start: ``Path.mkdir(parents=True)`` would make the parents 0777 minus the umask."""
    missing = [p for p in (directory, *directory.parents) if not p.exists()]
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another ketref made it just now
            folder.mkdir(mode=0o700)


def resources_dir() -> Path:
    """The bundled resources: beside the package in a checkout, inside it in a wheel."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "resources", package.parent / "resources"):
        if (candidate / "content").is_dir():
            return candidate
    raise FileNotFoundError("ketref resources not found; the installation is incomplete")
