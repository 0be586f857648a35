"""The command line: the same services as the window, with output for people and scripts.

Exit codes: 0 ok, 2 bad input or a refused database (one line on stderr), 1 internal error.
JSON goes to stdout only; messages go to stderr. Each module in this package registers its
commands with ``register(subparsers)`` and sets a ``handler`` default.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from ketref.cli import (
    audit,
    catalogue,
    clinic,
    database,
    edit,
    handout,
    monitoring_sheet,
    packs,
    prints,
    release_updates,
    retirement,
    review,
    screen,
    screenshot,
    server,
)
from ketref.cli.common import Context, Handler, Parser
from ketref.domain.errors import BadInputError
from ketref.options import add_global_options
from ketref.paths import resources_dir
from ketref.services.about import installed_versions
from ketref.services.workspace import Workspace

COMMAND_MODULES = (
    catalogue,
    database,
    packs,
    audit,
    review,
    edit,
    retirement,
    release_updates,
    screen,
    handout,
    monitoring_sheet,
    prints,
    clinic,
    screenshot,
    server,
)


class VersionAction(argparse.Action):
    """``--version``: the app, its content release and database schema (read only when asked)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **_: object) -> None:
        help_text = "show the app, content release and database schema versions and exit"
        super().__init__(option_strings, dest, nargs=0, help=help_text)

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(installed_versions(resources_dir() / "content").line())
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="ketref",
        description="Offline clinician reference for ketamine and esketamine therapy. "
        "With no command, opens the main window.",
    )
    parser.add_argument("--version", action=VersionAction)
    add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def run_command(args: argparse.Namespace, workspace: Workspace, out: TextIO | None = None) -> int:
    """Run one parsed command against ``workspace``; errors propagate to the caller."""
    handler: Handler = args.handler
    ctx = Context(workspace, out or sys.stdout, reads_only=getattr(args, "reads_only", False))
    try:
        return handler(args, ctx)
    finally:
        ctx.close()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    args = build_parser().parse_args(argv)
    if args.command == "search" and not " ".join(args.text).strip():
        raise BadInputError("search needs some text")
    return args
