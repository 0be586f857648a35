"""Running ketref's command line in-process, the way every CLI test does."""

from __future__ import annotations

from pathlib import Path

import pytest

from ketref.app import main


def run_main(
    capsys: pytest.CaptureFixture[str], *argv: str, home: Path | None = None, db: str | None = None
) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``ketref [--home HOME] [--db DB] ARGV``.

    argparse's usage errors exit through SystemExit; they come back as their exit code.
    """
    prefix = [*(["--home", str(home)] if home else []), *(["--db", db] if db else [])]
    try:
        code = main([*prefix, *argv])
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err
