"""The audit trail of content changes: ``ketref audit``."""

from __future__ import annotations

import argparse

from ketref.cli.common import Context, Subparsers, dump, positive_int
from ketref.domain.field_words import local_and_utc


def register(sub: Subparsers) -> None:
    p = sub.add_parser("audit", help="who changed which content, when (newest first)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=positive_int, default=50, help="at most N events (50)")
    p.set_defaults(handler=_cmd_audit, reads_only=True)


def _cmd_audit(args: argparse.Namespace, ctx: Context) -> int:
    events = ctx.services.audit.events(args.limit)
    if args.json:
        dump([e.as_dict() for e in events], ctx.out)
        return 0
    for e in events:
        version = f" (from {e.content_version})" if e.content_version else ""
        target = f" {e.target}" if e.target else ""
        ctx.out.write(
            f"{local_and_utc(e.at)}  {e.actor}  {e.action}{target}{version}"
            f"  {e.describe()}\n".replace("  \n", "\n")
        )
    return 0
