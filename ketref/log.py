"""Logging to a rotating file in the logs directory; never patient data (see DESIGN §2)."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(log_dir: Path, *, verbose: bool = False) -> Path:
    """Log to ``ketref.log`` (rotated at 1 MB, 5 kept); return the file's path."""
    log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = log_dir / "ketref.log"
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_ketref", False):
            root.removeHandler(handler)
            handler.close()
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler._ketref = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    return path
