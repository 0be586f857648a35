"""``python -m tests.benchmarks [--quick] [--only NAME] [-o FILE]``: see harness.py."""

import sys

from tests.benchmarks.harness import main

sys.exit(main())
