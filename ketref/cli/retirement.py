"""``ketref retire KIND SLUG``, ``ketref retired`` and ``ketref restore KIND SLUG``.

Retiring takes an item out of lists, search, screening and printing (its history stays);
``retired`` lists what was retired, by whom, when and why; ``restore`` brings one back with the
text it had (a new version; a new item never approved comes back as a draft).
"""

from __future__ import annotations

import argparse

from ketref.cli.common import Context, Parser, Subparsers, dump
from ketref.domain.enums import ItemKind

CLINICAL_KINDS = [k.value for k in ItemKind if k is not ItemKind.REFERENCE]


def _item(p: Parser) -> None:
    p.add_argument("kind", choices=CLINICAL_KINDS)
    p.add_argument("slug")
    p.add_argument("--reason", default="", help="why (kept in history and the audit log)")


def register(sub: Subparsers) -> None:
    p: Parser = sub.add_parser(
        "retire", help="take an item out of lists, search, screening and printing (undo: restore)"
    )
    _item(p)
    p.set_defaults(handler=_cmd_retire)
    p = sub.add_parser("retired", help="retired items: who retired them, when and why")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=_cmd_retired, reads_only=True)
    p = sub.add_parser("restore", help="bring a retired item back with the text it had")
    _item(p)
    p.set_defaults(handler=_cmd_restore)


def _cmd_retire(args: argparse.Namespace, ctx: Context) -> int:
    kind = ItemKind(args.kind)
    title = ctx.services.editing.title(kind, args.slug)
    version = ctx.services.editing.retire(kind, args.slug, args.reason)
    ctx.out.write(
        f"Retired “{title}” ({kind.value}/{args.slug}, version {version}): it no longer lists, "
        f"searches, screens or prints. Undo with: ketref restore {kind.value} {args.slug}\n"
    )
    return 0


def _cmd_retired(args: argparse.Namespace, ctx: Context) -> int:
    retired = ctx.services.editing.retired()
    if args.json:
        dump(
            [
                {
                    "kind": r.kind.value,
                    "slug": r.slug,
                    "title": r.title,
                    "retired_at": r.retired_at.isoformat(),
                    "retired_by": r.retired_by,
                    "reason": r.reason,
                    "version": r.version_id,
                    "was_draft": r.was_draft,
                }
                for r in retired
            ],
            ctx.out,
        )
        return 0
    for r in retired:
        ctx.out.write(
            f"{r.retired_at:%Y-%m-%d %H:%M}\t{r.retired_by}\t{r.kind.value}\t{r.slug}\t{r.title}"
            f"\t{r.reason or '-'}\n"
        )
    if not retired:
        ctx.out.write("No item is retired.\n")
    return 0


def _cmd_restore(args: argparse.Namespace, ctx: Context) -> int:
    restored = ctx.services.editing.restore_retired(ItemKind(args.kind), args.slug, args.reason)
    ctx.out.write(f"{restored.message()} (version {restored.version_id})\n")
    return 0
