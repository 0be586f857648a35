"""``python -m ketref``."""

from __future__ import annotations

import sys

from ketref.app import main

sys.exit(main())
