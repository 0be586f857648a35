"""Looking after the database file: ``db check``, ``db backup``, ``db restore``."""

from __future__ import annotations

import argparse
from pathlib import Path

from ketref.cli.common import Context, Subparsers, dump


def register(sub: Subparsers) -> None:
    p = sub.add_parser("db", help="check, back up or restore the database")
    db_sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = db_sub.add_parser("check", help="integrity and schema version")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=_cmd_check)
    q = db_sub.add_parser("backup", help="write a verified backup (SQLite backup API)")
    q.add_argument("path", nargs="?", type=Path, help="file or folder (default: backups folder)")
    q.set_defaults(handler=_cmd_backup)
    q = db_sub.add_parser("restore", help="replace the database with a verified backup")
    q.add_argument("path", type=Path)
    q.set_defaults(handler=_cmd_restore)


def _cmd_check(args: argparse.Namespace, ctx: Context) -> int:
    report = ctx.services.maintenance.check()
    if args.json:
        dump(report.as_dict(), ctx.out)
    else:
        ctx.out.write(
            f"Database: {report.database}\n"
            f"Integrity: {'ok' if report.integrity_ok else 'DAMAGED'}\n"
            f"Schema: {report.schema_revision} "
            f"({'current' if report.schema_current else 'needs upgrade'})\n"
            f"Content version: {report.content_version}\n"
        )
    return 0 if report.integrity_ok else 2


def _cmd_backup(args: argparse.Namespace, ctx: Context) -> int:
    path = ctx.services.maintenance.backup(args.path)
    ctx.out.write(f"Backup written and verified: {path}\n")
    return 0


def _cmd_restore(args: argparse.Namespace, ctx: Context) -> int:
    # Works on the file itself, so it never opens (and never migrates) the current database.
    aside = ctx.workspace.restore(args.path)
    ctx.out.write(f"Restored {args.path.name}. The previous database was kept as {aside}.\n")
    return 0
