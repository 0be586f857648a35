"""Run ketref from a checkout: ``python main.py`` (same as the ``ketref`` command)."""

from __future__ import annotations

from ketref.app import console

if __name__ == "__main__":
    console()
