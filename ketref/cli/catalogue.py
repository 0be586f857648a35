"""Reading the knowledge base: ``list``, ``show``, ``search`` and ``content status``."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from ketref.cli.common import Context, Parser, Subparsers, dump, positive_int
from ketref.cli.item_text import titles_by_field, write_item, write_reference
from ketref.domain.catalogue import ItemDetail
from ketref.domain.content import Reference
from ketref.domain.enums import ItemKind

KIND_CHOICES = [k.value for k in ItemKind]


def register(sub: Subparsers) -> None:
    p: Parser = sub.add_parser("list", help="list the items of one kind")
    p.add_argument("kind", choices=KIND_CHOICES)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=_cmd_list, reads_only=True)

    p = sub.add_parser("show", help="show one item with its references and review dates")
    p.add_argument("kind", choices=KIND_CHOICES)
    p.add_argument("slug")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=_cmd_show, reads_only=True)

    p = sub.add_parser("search", help="search everything (typos and synonyms forgiven)")
    p.add_argument("text", nargs="+")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--limit", type=positive_int, default=20, help="at most N results (20)")
    p.set_defaults(handler=_cmd_search, reads_only=True)

    p = sub.add_parser("content", help="the loaded knowledge base")
    content_sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = content_sub.add_parser("status", help="content version and counts")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=_cmd_content_status, reads_only=True)


def _cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    kind = ItemKind(args.kind)
    items = ctx.services.catalogue.list_items(kind)
    out = ctx.out
    if args.json:
        dump(
            [
                {
                    "kind": i.kind.value,
                    "slug": i.slug,
                    "title": i.title,
                    "summary": i.summary,
                    "review_due": i.review_due,
                    "due_for_review": i.due_for_review,
                    "verified": i.verified,
                    "locally_edited": i.locally_edited,
                }
                for i in items
            ],
            out,
        )
        return 0
    for i in items:
        flags = "".join(
            [" [due for review]" if i.due_for_review else "", "" if i.verified else " [unverified]"]
        )
        out.write(f"{i.slug}\t{i.title}{flags}\n")
    if not items:
        out.write(f"No {kind.label.lower()} are loaded.\n")
    return 0


def _reference_json(ref: Reference, number: int | None = None) -> dict[str, Any]:
    data = ref.model_dump(mode="json")
    return {"number": number, **data} if number is not None else data


def detail_json(detail: ItemDetail) -> dict[str, Any]:
    """Every field of an item, with its references resolved to full citations."""
    data = detail.item.model_dump(mode="json", by_alias=True)
    data["references"] = [
        _reference_json(ref, n) for n, ref in enumerate(detail.references, start=1)
    ]
    return {
        "kind": detail.kind.value,
        **data,
        "due_for_review": detail.due_for_review,
        "locally_edited": detail.locally_edited,
        "origin": detail.origin,
        "content_version": detail.content_version,
    }


def _cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    kind = ItemKind(args.kind)
    catalogue = ctx.services.catalogue
    if kind is ItemKind.REFERENCE:
        ref_detail = catalogue.get_reference(args.slug)
        if args.json:
            dump(
                {
                    "kind": kind.value,
                    **_reference_json(ref_detail.reference),
                    "cited_by": [
                        {"kind": k.value, "slug": s, "title": t} for k, s, t in ref_detail.cited_by
                    ],
                },
                ctx.out,
            )
        else:
            write_reference(ref_detail, ctx.out)
        return 0
    detail = catalogue.get_item(kind, args.slug)
    if args.json:
        dump(detail_json(detail), ctx.out)
    else:
        names = {k: {i.slug: i.title for i in catalogue.list_items(k)} for k in ItemKind}
        write_item(detail, ctx.out, titles_by_field(names))
    return 0


def _cmd_search(args: argparse.Namespace, ctx: Context) -> int:
    result = ctx.services.catalogue.search(" ".join(args.text), limit=args.limit)
    out = ctx.out
    if args.json:
        dump(
            {
                "query": result.query,
                "found": result.found,
                "message": result.message(),
                "corrections": dict(result.corrections),
                "suggestions": list(result.suggestions),
                "results": [
                    {
                        "kind": h.kind.value,
                        "slug": h.slug,
                        "title": h.title,
                        "snippet": h.plain_snippet,
                        "score": round(h.score, 4),
                    }
                    for h in result.hits
                ],
            },
            out,
        )
        return 0
    out.write(result.message() + "\n")
    for hit in result.hits:
        out.write(f"{hit.kind.value}/{hit.slug}\t{hit.title}\n    {hit.marked_snippet()}\n")
    return 0


def _cmd_content_status(args: argparse.Namespace, ctx: Context) -> int:
    status = ctx.services.content.status()
    if args.json:
        dump(asdict(status), ctx.out)
    else:
        ctx.out.write(f"Content version: {status.content_version}\n")
        for kind, n in status.counts.items():
            ctx.out.write(f"  {kind}: {n}\n")
    return 0
