"""The command line: the same services as the window, with output for people and scripts.

Exit codes: 0 ok, 2 bad input or a refused database (one line on stderr), 1 internal error.
JSON goes to stdout only; messages go to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

from ketref import __version__
from ketref.domain.catalogue import ItemDetail, ReferenceDetail
from ketref.domain.content import Reference
from ketref.domain.enums import ItemKind
from ketref.domain.errors import BadInputError
from ketref.services.workspace import Services, Workspace

KIND_CHOICES = [k.value for k in ItemKind]


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad usage as one line and exit code 2 (its own convention too)."""

    def error(self, message: str) -> Any:  # argparse's signature is NoReturn
        self.exit(2, f"ketref: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="ketref",
        description="Offline clinician reference for ketamine and esketamine therapy. "
        "With no command, opens the main window.",
    )
    parser.add_argument("--version", action="version", version=f"ketref {__version__}")
    parser.add_argument("--db", metavar="PATH_OR_URL", help="database file or SQLAlchemy URL")
    parser.add_argument("--home", metavar="DIR", help="keep all ketref files under DIR")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("list", help="list the items of one kind")
    p.add_argument("kind", choices=KIND_CHOICES)
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("show", help="show one item with its references and review dates")
    p.add_argument("kind", choices=KIND_CHOICES)
    p.add_argument("slug")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("search", help="search everything (typos and synonyms forgiven)")
    p.add_argument("text", nargs="+")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--limit", type=_positive_int, default=20, help="at most N results (20)")

    p = sub.add_parser("content", help="the loaded knowledge base")
    content_sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = content_sub.add_parser("status", help="content version and counts")
    q.add_argument("--json", action="store_true")

    p = sub.add_parser("db", help="check, back up or restore the database")
    db_sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = db_sub.add_parser("check", help="integrity and schema version")
    q.add_argument("--json", action="store_true")
    q = db_sub.add_parser("backup", help="write a verified backup (SQLite backup API)")
    q.add_argument("path", nargs="?", type=Path, help="file or folder (default: backups folder)")
    q = db_sub.add_parser("restore", help="replace the database with a verified backup")
    q.add_argument("path", type=Path)
    return parser


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _dump(data: object, out: TextIO) -> None:
    json.dump(data, out, ensure_ascii=False, indent=2, default=str)
    out.write("\n")


# --- Commands ------------------------------------------------------------------------------


def _cmd_list(args: argparse.Namespace, services: Services, out: TextIO) -> int:
    kind = ItemKind(args.kind)
    items = services.catalogue.list_items(kind)
    if args.json:
        _dump(
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


def _render_value(value: Any, indent: str, out: TextIO) -> None:
    if isinstance(value, dict):
        for key, sub in value.items():
            if sub in (None, [], {}):
                continue
            if isinstance(sub, dict | list):
                out.write(f"{indent}{key}:\n")
                _render_value(sub, indent + "  ", out)
            else:
                out.write(f"{indent}{key}: {sub}\n")
    elif isinstance(value, list):
        for sub in value:
            if isinstance(sub, dict | list):
                out.write(f"{indent}-\n")
                _render_value(sub, indent + "  ", out)
            else:
                out.write(f"{indent}- {sub}\n")
    else:
        out.write(f"{indent}{value}\n")


def _show_item(detail: ItemDetail, out: TextIO) -> None:
    item = detail.item
    badges = []
    if detail.due_for_review:
        badges.append("DUE FOR REVIEW")
    if not item.verified:
        badges.append("UNVERIFIED")
    if detail.locally_edited:
        badges.append("LOCAL EDIT")
    out.write(f"{item.title}  ({detail.kind.singular}: {item.slug})\n")
    if badges:
        out.write("[" + "] [".join(badges) + "]\n")
    out.write(f"Reviewed {item.reviewed:%Y-%m-%d}; review due {item.review_due:%Y-%m-%d}\n\n")
    body = item.model_dump(mode="json", by_alias=True)
    for key in ("slug", "title", "references", "reviewed", "review_due", "verified"):
        body.pop(key, None)
    _render_value(body, "", out)
    out.write("\nReferences:\n")
    for number, ref in enumerate(detail.references, start=1):
        mark = "" if ref.verified else " [unverified]"
        out.write(f"  [{number}] {ref.citation}{mark}\n")


def _show_reference(detail: ReferenceDetail, out: TextIO) -> None:
    ref = detail.reference
    out.write(f"{ref.title}  (reference: {ref.id}, {ref.kind.value})\n")
    if not ref.verified:
        out.write(f"[UNVERIFIED] {ref.note}\n")
    out.write(f"{ref.citation}\n")
    for label, value in (("DOI", ref.doi), ("PMID", ref.pmid), ("URL", ref.url)):
        if value:
            out.write(f"{label}: {value}\n")
    out.write("Cited by:\n")
    for kind, slug, title in detail.cited_by:
        out.write(f"  {kind.value}/{slug}\t{title}\n")


def _cmd_show(args: argparse.Namespace, services: Services, out: TextIO) -> int:
    kind = ItemKind(args.kind)
    if kind is ItemKind.REFERENCE:
        ref_detail = services.catalogue.get_reference(args.slug)
        if args.json:
            _dump(
                {
                    "kind": kind.value,
                    **_reference_json(ref_detail.reference),
                    "cited_by": [
                        {"kind": k.value, "slug": s, "title": t} for k, s, t in ref_detail.cited_by
                    ],
                },
                out,
            )
        else:
            _show_reference(ref_detail, out)
        return 0
    detail = services.catalogue.get_item(kind, args.slug)
    if args.json:
        _dump(detail_json(detail), out)
    else:
        _show_item(detail, out)
    return 0


def _cmd_search(args: argparse.Namespace, services: Services, out: TextIO) -> int:
    result = services.catalogue.search(" ".join(args.text), limit=args.limit)
    if args.json:
        _dump(
            {
                "query": result.query,
                "found": result.found,
                "message": result.message(),
                "corrections": dict(result.corrections),
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


def _cmd_content(args: argparse.Namespace, services: Services, out: TextIO) -> int:
    status = services.content.status()
    if args.json:
        _dump(asdict(status), out)
    else:
        out.write(f"Content version: {status.content_version}\n")
        for kind, n in status.counts.items():
            out.write(f"  {kind}: {n}\n")
    return 0


def _cmd_db(args: argparse.Namespace, services: Services, out: TextIO) -> int:
    if args.action == "check":
        report = services.maintenance.check()
        if args.json:
            _dump(report.as_dict(), out)
        else:
            out.write(
                f"Database: {report.database}\n"
                f"Integrity: {'ok' if report.integrity_ok else 'DAMAGED'}\n"
                f"Schema: {report.schema_revision} "
                f"({'current' if report.schema_current else 'needs upgrade'})\n"
                f"Content version: {report.content_version}\n"
            )
        return 0 if report.integrity_ok else 2
    path = services.maintenance.backup(args.path)
    out.write(f"Backup written and verified: {path}\n")
    return 0


Command = Callable[[argparse.Namespace, Services, TextIO], int]
COMMANDS: dict[str, Command] = {
    "list": _cmd_list,
    "show": _cmd_show,
    "search": _cmd_search,
    "content": _cmd_content,
    "db": _cmd_db,
}


def run_command(args: argparse.Namespace, workspace: Workspace, out: TextIO | None = None) -> int:
    """Run one parsed command against ``workspace``; errors propagate to the caller."""
    out = out or sys.stdout
    if args.command == "db" and args.action == "restore":
        aside = workspace.restore(args.path)
        out.write(f"Restored {args.path.name}. The previous database was kept as {aside}.\n")
        return 0
    services = workspace.open()
    try:
        return COMMANDS[args.command](args, services, out)
    finally:
        services.close()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    args = build_parser().parse_args(argv)
    if args.command == "search" and not " ".join(args.text).strip():
        raise BadInputError("search needs some text")
    return args
