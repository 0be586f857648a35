"""Sharing content: ``pack export``, ``pack import`` and ``pack check`` (JSON or YAML files)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from ketref.cli.common import Context, Subparsers, dump
from ketref.cli.diff_text import write_changes
from ketref.domain.packs import ImportReport, PackError


def register(sub: Subparsers) -> None:
    p = sub.add_parser("pack", help="export or import a content pack (.json or .yaml)")
    pack_sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = pack_sub.add_parser("export", help="write the local edits (or --all) to a pack file")
    q.add_argument("path", type=Path, metavar="FILE")
    q.add_argument("--all", action="store_true", help="every item, not only local edits")
    q.add_argument("--title", help="a short label stored in the pack")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=_cmd_export)
    q = pack_sub.add_parser("import", help="import a pack in one transaction (all or nothing)")
    q.add_argument("path", type=Path, metavar="FILE")
    q.add_argument(
        "--overwrite-local",
        action="store_true",
        help="replace items edited here (or newer here) with the pack's versions",
    )
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=_cmd_import)
    q = pack_sub.add_parser("check", help="check a pack and show what importing it would do")
    q.add_argument("path", type=Path, metavar="FILE")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=_cmd_check, reads_only=True)


def _cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    report = ctx.services.packs.export(args.path, everything=args.all, title=args.title)
    if args.json:
        dump(report.as_dict(), ctx.out)
    else:
        ctx.out.write(
            f"Exported {report.items} item(s), {report.references} reference(s) and "
            f"{report.audit_events} audit event(s) to {report.path} "
            f"(checksum {report.checksum[:16]}).\n"
        )
    return 0


def _write_report(report: ImportReport, out: TextIO) -> None:
    verb = "Imported" if report.imported else "Would import"
    out.write(
        f"{verb} pack {report.pack[:16]} by {report.exported_by} "
        f"(content {report.base_content_version}): {len(report.added)} added, "
        f"{len(report.updated)} updated, {len(report.unchanged)} unchanged.\n"
    )
    for conflict in report.conflicts:
        action = "replaced" if report.overwrote_local else "conflict"
        out.write(f"  {action}: {conflict.name} ({conflict.reason.explanation})\n")
    for name, changes in report.changes.items():
        out.write(f"\n{name}: here (-) -> the pack (+)\n")
        write_changes(changes, out, indent="  ")
    if report.backup:
        out.write(f"A backup was made first: {report.backup}\n")


def _cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    report = ctx.services.packs.import_pack(args.path, overwrite_local=args.overwrite_local)
    if args.json:
        dump(report.as_dict(), ctx.out)
    elif not report.imported:
        ctx.out.write(
            f"Nothing to import: all {len(report.unchanged)} item(s) of the pack are already "
            "here, unchanged.\n"
        )
    else:
        _write_report(report, ctx.out)
    return 0


def _cmd_check(args: argparse.Namespace, ctx: Context) -> int:
    try:
        report = ctx.services.packs.preview(args.path)
    except PackError as exc:
        if args.json:
            dump({"valid": False, "problems": exc.problems}, ctx.out)
        else:
            ctx.out.write(f"{args.path.name} cannot be imported:\n")
            for problem in exc.problems:
                ctx.out.write(f"  {problem}\n")
        return 2
    if args.json:
        dump({"valid": True, **report.as_dict()}, ctx.out)
    else:
        _write_report(report, ctx.out)
    return 0
