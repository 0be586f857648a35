"""The options every ``ketref`` start accepts, window or command, parsed without loading either.

The window starts on these alone (``window_options``), so a plain ``ketref`` never imports the
command line's services before its first frame; the command line adds them to its own parser.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def add_global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH_OR_URL", help="database file or SQLAlchemy URL")
    parser.add_argument("--home", metavar="DIR", help="keep all ketref files under DIR")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")


def window_options(argv: Sequence[str] | None) -> argparse.Namespace | None:
    """The global options when nothing else was given (open the window); else None."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False, exit_on_error=False)
    add_global_options(parser)
    try:
        args, rest = parser.parse_known_args(argv)
    except argparse.ArgumentError:
        return None  # e.g. "--db" without a value: the full parser says what is wrong
    return None if rest else args
