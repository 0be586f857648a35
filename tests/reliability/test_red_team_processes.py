"""Red-team findings that need a real child process: the command line as a user runs it, under
resource limits, a private tmpfs, or beside another ketref (RELIABILITY.md RT-xx)."""

from __future__ import annotations

import os
import resource
from pathlib import Path

from tests.reliability.harness import posix_only, run_cli


@posix_only
def test_rt01_cli_screen_on_dev_zero_is_one_line_and_quick(tmp_path: Path) -> None:
    """RT-01, as reported: `ketref screen /dev/zero` (and a FIFO) end at once with exit 2 and
    one line under a 1 GB address-space limit instead of growing to gigabytes or hanging."""
    fifo = tmp_path / "patient.json"
    os.mkfifo(fifo)
    for target in ("/dev/zero", str(fifo)):
        result = run_cli(
            tmp_path / "home", ["screen", target], limits={resource.RLIMIT_AS: 1 << 30}
        )
        assert result.returncode == 2, result.stderr
        assert "not a regular file" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
