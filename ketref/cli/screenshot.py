"""``ketref screenshot``: parsed here, run by the composition root (it needs the GUI layer)."""

from __future__ import annotations

from pathlib import Path

from ketref.cli.common import Subparsers

PAGE_NAMES = (
    "indications",
    "contraindications",
    "side-effects",
    "interactions",
    "monitoring",
    "handouts",
    "products",
    "screening",
    "references",
    "favourites",
    "recent",
)


def register(sub: Subparsers) -> None:
    p = sub.add_parser("screenshot", help="render a page of the window to a PNG (offscreen works)")
    p.add_argument("--page", required=True, choices=PAGE_NAMES)
    p.add_argument("--select", metavar="SLUG", help="show this item of the page")
    p.add_argument("--search", metavar="TEXT", help="show the results of this search")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.png")
    p.set_defaults(handler=None, gui_command="screenshot")
