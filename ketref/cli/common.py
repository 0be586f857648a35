"""What every command module shares: the one-line-error parser, JSON output, the run context."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO, TypeAlias

from ketref.services.workspace import Services, Workspace


class Parser(argparse.ArgumentParser):
    """argparse that reports bad usage as one line and exit code 2 (its own convention too)."""

    def error(self, message: str) -> Any:  # argparse's signature is NoReturn
        self.exit(2, f"ketref: {message}\n")


Subparsers: TypeAlias = "argparse._SubParsersAction[Parser]"


@dataclass
class Context:
    """One command's world: the workspace, stdout, and services opened only when first used."""

    workspace: Workspace
    out: TextIO
    reads_only: bool = False
    """The command never writes, so a read-only library may be opened read-only."""
    _services: Services | None = field(default=None, init=False)

    @property
    def services(self) -> Services:
        if self._services is None:
            self._services = self.workspace.open(reads_only=self.reads_only)
            if self._services.repaired:
                print(f"ketref: {self._services.repaired}", file=sys.stderr)
            report = self._services.load_report
            if report is not None and report.release_conflicts:
                print(
                    f"ketref: content {report.version} changed {len(report.release_conflicts)} "
                    "item(s) edited here; your versions were kept. See: ketref updates list",
                    file=sys.stderr,
                )
        return self._services

    def close(self) -> None:
        if self._services is not None:
            self._services.close()
            self._services = None


Handler = Callable[[argparse.Namespace, Context], int]


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def dump(data: object, out: TextIO) -> None:
    """Write ``data`` as indented UTF-8 JSON (dates as ISO strings)."""
    json.dump(data, out, ensure_ascii=False, indent=2, default=str)
    out.write("\n")
