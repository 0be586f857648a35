"""``python -m ketref``."""

from __future__ import annotations

from ketref.app import console

console()
