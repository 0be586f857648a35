"""A newer release met local edits: ``updates list|keep|take`` (merge by hand: ``edit --release``).

Loading a release never overwrites an item edited here; each such item waits here, with what
the release would change, until the editor decides.
"""

from __future__ import annotations

import argparse

from ketref.cli.catalogue import KIND_CHOICES
from ketref.cli.common import Context, Subparsers, dump
from ketref.cli.diff_text import write_changes
from ketref.domain.enums import ItemKind
from ketref.domain.release_updates import Resolution


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "updates", help="items edited here that a newer content release changed (keep or take)"
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = actions.add_parser("list", help="each item with what the release would change")
    q.add_argument("--json", action="store_true", help="print JSON")
    q.set_defaults(handler=_cmd_list, reads_only=True)
    for name, choice, text in (
        ("keep", Resolution.KEEP_MINE, "keep the version edited here"),
        ("take", Resolution.TAKE_RELEASE, "take the release's version (local edit replaced)"),
    ):
        q = actions.add_parser(name, help=text)
        q.add_argument("kind", choices=KIND_CHOICES)
        q.add_argument("slug")
        q.set_defaults(handler=_cmd_resolve, choice=choice)


def _cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    pending = ctx.services.releases.pending()
    if args.json:
        dump([conflict.as_dict() for conflict in pending], ctx.out)
        return 0
    if not pending:
        ctx.out.write("No item edited here is waiting for a decision about a newer release.\n")
        return 0
    ctx.out.write(
        f"{len(pending)} item(s) edited here were changed by a newer content release. Your "
        "version is still the one shown; the release's is kept beside it.\n"
    )
    for conflict in pending:
        ctx.out.write(
            f"\n{conflict.name} ({conflict.title}): release {conflict.release}; "
            f"yours is version {conflict.local_version}, the release's {conflict.release_version}\n"
            f"  - yours  + the release's\n"
        )
        write_changes(conflict.changes, ctx.out, indent="  ")
        ctx.out.write(
            f"  Decide: ketref updates keep|take {conflict.kind.value} {conflict.slug}, or merge "
            f"by hand: ketref edit {conflict.kind.value} {conflict.slug} --release\n"
        )
    return 0


def _cmd_resolve(args: argparse.Namespace, ctx: Context) -> int:
    choice: Resolution = args.choice
    version = ctx.services.releases.resolve(ItemKind(args.kind), args.slug, choice)
    what = "Kept your version of" if choice is Resolution.KEEP_MINE else "Took the release's"
    ctx.out.write(f"{what} {args.kind}/{args.slug} (now version {version}).\n")
    return 0
