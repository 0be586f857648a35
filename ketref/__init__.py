"""ketref: an offline clinician reference for ketamine and esketamine therapy."""

from __future__ import annotations

__version__ = "0.1.0"
