"""Run ketref from a checkout: ``python main.py`` (same as the ``ketref`` command)."""

from __future__ import annotations

import sys

from ketref.app import main

if __name__ == "__main__":
    sys.exit(main())
