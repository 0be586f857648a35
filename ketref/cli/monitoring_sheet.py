"""``ketref sheet PRODUCT -o FILE.pdf``: the session monitoring sheet, ready to fill in."""

from __future__ import annotations

import argparse
from pathlib import Path

from ketref.cli.common import Context, Parser, Subparsers
from ketref.domain.enums import Product
from ketref.domain.printing import PaperSize, PrintOptions


def register(sub: Subparsers) -> None:
    p: Parser = sub.add_parser(
        "sheet",
        help="print the session monitoring sheet for a product",
        description="One page to fill in at a session: patient and date lines, vital signs at "
        "the product's observation times with the clinic's BP thresholds, discharge criteria.",
    )
    p.add_argument("product", choices=[p.value for p in Product], metavar="PRODUCT",
                   help=" or ".join(p.value for p in Product))  # fmt: skip
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.pdf")
    p.add_argument("--paper", choices=[s.value for s in PaperSize], help="default: the clinic's")
    p.set_defaults(handler=_cmd_sheet)


def _cmd_sheet(args: argparse.Namespace, ctx: Context) -> int:
    options = PrintOptions(paper=PaperSize(args.paper) if args.paper else None)
    path = ctx.services.sheets.export(Product(args.product), args.output, options)
    ctx.out.write(f"Wrote {path}\n")
    return 0
