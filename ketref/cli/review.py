"""Reviewing content: ``review due|mark|approve|revert|second-person``, ``history``, ``diff``."""

from __future__ import annotations

import argparse
from dataclasses import asdict

from ketref.cli.catalogue import KIND_CHOICES
from ketref.cli.common import Context, Parser, Subparsers, dump, iso_date, positive_int
from ketref.cli.diff_text import write_changes
from ketref.domain.document_diff import changes_as_dicts
from ketref.domain.enums import ItemKind
from ketref.domain.errors import NotFoundError


def version_or_shipped(value: str) -> int | None:
    """``shipped`` (None) or a version id from ``ketref history``."""
    if value == "shipped":
        return None
    try:
        return positive_int(value)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"not 'shipped' or a version id: {value!r}") from None


def _item(p: Parser) -> None:
    p.add_argument("kind", choices=KIND_CHOICES)
    p.add_argument("slug")


def register(sub: Subparsers) -> None:
    p: Parser = sub.add_parser("review", help="content review: what is due, mark reviewed, approve")
    review_sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = review_sub.add_parser("due", help="items overdue for review, then those due within 90 days")
    q.add_argument("--kind", choices=KIND_CHOICES)
    q.add_argument("--json", action="store_true", help="print JSON")
    q.set_defaults(handler=_cmd_due, reads_only=True)
    q = review_sub.add_parser("mark", help="record that you reviewed an item today")
    _item(q)
    q.add_argument("--note", help="what you checked (kept in history and the audit log)")
    q.add_argument("--next", type=iso_date, help="next review date (default: a year from today)")
    q.set_defaults(handler=_cmd_mark)
    q = review_sub.add_parser("approve", help="make the newest draft of an item current")
    _item(q)
    q.set_defaults(handler=_cmd_approve)
    q = review_sub.add_parser(
        "revert", help="make an earlier version (or the shipped one) current, as a new version"
    )
    _item(q)
    q.add_argument(
        "--to",
        type=version_or_shipped,
        required=True,
        metavar="VERSION|shipped",
        help="a version id from 'ketref history', or 'shipped'",
    )
    q.add_argument("--note", help="why (kept in history and the audit log)")
    q.set_defaults(handler=_cmd_revert)
    q = review_sub.add_parser(
        "second-person", help="show or set: approving a draft needs someone other than its author"
    )
    q.add_argument("state", nargs="?", choices=["on", "off"], help="omit to show the setting")
    q.set_defaults(handler=_cmd_second_person)

    p = sub.add_parser("history", help="every saved version of an item, newest first")
    _item(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=_cmd_history, reads_only=True)

    p = sub.add_parser("diff", help="what changed in an item since it shipped or since a version")
    _item(p)
    p.add_argument(
        "--against",
        type=version_or_shipped,
        default=None,
        metavar="shipped|VERSION",
        help="compare with the shipped version (default) or a version id from history",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=_cmd_diff, reads_only=True)


def _cmd_due(args: argparse.Namespace, ctx: Context) -> int:
    kind = ItemKind(args.kind) if args.kind else None
    due = ctx.services.review.due(kind)
    if args.json:
        dump([asdict(d) for d in due], ctx.out)
        return 0
    for d in due:
        status = "OVERDUE" if d.overdue else "due"
        if d.source_changed_on is not None:
            status = "TRANSLATION"  # its English source changed: review it now
        changed = (
            f"\tthe English version changed on {d.source_changed_on}; review this translation"
            if d.source_changed_on
            else ""
        )
        ctx.out.write(f"{status}\t{d.review_due}\t{d.kind.value}\t{d.slug}\t{d.title}{changed}\n")
    if not due:
        ctx.out.write("Nothing is due for review in the next 90 days.\n")
    return 0


def _cmd_mark(args: argparse.Namespace, ctx: Context) -> int:
    kind = ItemKind(args.kind)
    version = ctx.services.review.mark_reviewed(
        kind, args.slug, note=args.note, next_review=args.next
    )
    item = ctx.services.catalogue.get_item(kind, args.slug).item
    ctx.out.write(
        f"Marked {kind.value}/{args.slug} reviewed on {item.reviewed}; next review "
        f"{item.review_due} (version {version}).\n"
    )
    return 0


def _cmd_approve(args: argparse.Namespace, ctx: Context) -> int:
    version = ctx.services.review.approve_draft(ItemKind(args.kind), args.slug)
    ctx.out.write(f"Approved the draft of {args.kind}/{args.slug} (now version {version}).\n")
    return 0


def _cmd_revert(args: argparse.Namespace, ctx: Context) -> int:
    version = ctx.services.review.revert(ItemKind(args.kind), args.slug, args.to, note=args.note)
    target = "the shipped version" if args.to is None else f"version {args.to}"
    ctx.out.write(f"Reverted {args.kind}/{args.slug} to {target} (now version {version}).\n")
    return 0


def _cmd_second_person(args: argparse.Namespace, ctx: Context) -> int:
    review = ctx.services.review
    if args.state is not None:
        review.require_second_person(args.state == "on")
    required = review.second_person_required()
    ctx.out.write(
        "Approving a draft needs a second person (not the draft's author).\n"
        if required
        else "The author of a draft may approve it.\n"
    )
    return 0


def _cmd_history(args: argparse.Namespace, ctx: Context) -> int:
    versions = ctx.services.catalogue.history(ItemKind(args.kind), args.slug)
    if not versions:
        raise NotFoundError(f"No saved versions of {args.kind}/{args.slug} were found.")
    if args.json:
        dump(
            [
                {
                    "version": v.version_id,
                    "state": v.state.value,
                    "current": v.current,
                    "saved_by": v.saved_by,
                    "saved_at": v.saved_at,
                    "reason": v.reason,
                    "release": v.release,
                    "content_hash": v.content_hash,
                }
                for v in versions
            ],
            ctx.out,
        )
        return 0
    for v in versions:
        mark = "*" if v.current else " "
        ctx.out.write(
            f"{mark}{v.version_id}\t{v.state.value}\t{v.saved_at:%Y-%m-%d %H:%M}\t"
            f"{v.saved_by}\t{v.reason}\n"
        )
    return 0


def _cmd_diff(args: argparse.Namespace, ctx: Context) -> int:
    diff = ctx.services.review.diff(ItemKind(args.kind), args.slug, args.against)
    if args.json:
        dump(
            {
                "kind": args.kind,
                "slug": args.slug,
                "old_version": diff.old_version,
                "new_version": diff.new_version,
                "changes": changes_as_dicts(diff.changes),
            },
            ctx.out,
        )
        return 0
    ctx.out.write(
        f"{args.kind}/{args.slug}: version {diff.old_version} -> {diff.new_version} (current)\n"
    )
    write_changes(diff.changes, ctx.out)
    return 0
