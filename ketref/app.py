"""Composition root: paths, logging, the workspace, then the window or a CLI command.

A plain ``ketref`` (the window) imports neither the command line nor the database layer before
its first frame; the workspace is built on a worker thread right after it.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from ketref.domain.errors import KetrefError
from ketref.domain.text_rules import visible
from ketref.log import setup_logging
from ketref.options import window_options
from ketref.paths import DATABASE_ENV, AppPaths, resources_dir

if TYPE_CHECKING:
    from ketref.services.workspace import Workspace

log = logging.getLogger("ketref")


def build_workspace(db: str | None, home: str | None) -> Workspace:
    """Resolve directories and the database target (``--db``, $KETREF_DATABASE_URL, default)."""
    from ketref.db.engine import DatabaseTarget
    from ketref.services.workspace import Workspace

    paths = AppPaths.resolve(home)
    paths.ensure()
    choice = db or os.environ.get(DATABASE_ENV)
    target = DatabaseTarget.parse(choice) if choice else DatabaseTarget.parse(paths.database)
    return Workspace(paths, target, resources_dir() / "content")


def folders_problem(exc: OSError) -> str:
    where = f" ({exc.filename})" if exc.filename else ""
    return f"ketref: cannot use the ketref folders{where}: {exc.strerror or exc}."


def run_window(args: argparse.Namespace) -> int:
    """The window: folders and logging now, the workspace after the first paint."""
    try:
        paths = AppPaths.resolve(args.home)
        paths.ensure()
        log_file = setup_logging(paths.logs, verbose=args.verbose)
        log.info("ketref starting (window)")
    except OSError as exc:
        print(folders_problem(exc), file=sys.stderr)
        return 2
    from ketref.gui.launch import run_gui  # Qt is imported only when a window is wanted

    database = args.db or os.environ.get(DATABASE_ENV)
    code = run_gui(paths, lambda: build_workspace(args.db, args.home), database, log_file)
    _window_closed.append(code)
    return code


_window_closed: list[int] = []
"""Holds the exit code once a window has run and closed with everything saved."""


def console() -> NoReturn:
    """The ``ketref`` command, ``python main.py`` and ``python -m ketref``: ``main``, then exit.

    After a window, Python's own teardown of what it held took 0.9-1.5 s, so quitting felt
    stuck; everything is saved and closed by then, so the process ends without it. Commands
    end the ordinary way.
    """
    code = main()
    if _window_closed:
        from ketref.gui.launch import end_process

        end_process(code)
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """What the ``ketref`` command does (``console`` runs it); returns the exit code."""
    if (window := window_options(argv)) is not None:
        return run_window(window)
    from ketref.cli import parse_args, run_command  # every service: not before a first paint

    try:
        args = parse_args(argv)
        if args.command is None:
            return run_window(args)
        workspace = build_workspace(args.db, args.home)
        log_file = setup_logging(workspace.paths.logs, verbose=args.verbose)
        log.info("ketref starting (%s)", args.command)
    except KetrefError as exc:
        print(f"ketref: {visible(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        print(folders_problem(exc), file=sys.stderr)
        return 2
    try:
        if getattr(args, "gui_command", None) == "screenshot":
            from ketref.gui.screenshot import run_screenshot

            written = run_screenshot(workspace, args.page, args.select, args.output, args.search)
            print(f"Screenshot written: {written}")
            return 0
        return run_command(args, workspace)
    except BrokenPipeError:  # e.g. `ketref list ... | head`: the reader left, which is fine
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silences the exit-time flush
        return 0
    except KetrefError as exc:
        log.warning("refused: %s", exc.__class__.__name__)
        print(f"ketref: {visible(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except Exception:
        log.exception("internal error")
        where = f"are in {log_file}" if log_file else "were written above"
        print(f"ketref: internal error; details {where}", file=sys.stderr)
        return 1
