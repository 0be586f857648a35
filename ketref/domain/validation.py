"""Short, readable lines from pydantic's validation reports (for files, packs and stored items)."""

from __future__ import annotations

from pydantic import ValidationError


def format_validation_error(exc: ValidationError, limit: int = 5) -> list[str]:
    """Turn pydantic's report into short ``field.path: message`` lines."""
    lines = []
    for err in exc.errors()[:limit]:
        loc = ".".join(str(p) for p in err["loc"]) or "(item)"
        lines.append(f"{loc}: {err['msg']}")
    return lines
