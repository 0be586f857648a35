"""Looking after the database file: ``db check|backup|backups|restore|recover``."""

from __future__ import annotations

import argparse
from pathlib import Path

from ketref.cli.common import Context, Subparsers, dump


def register(sub: Subparsers) -> None:
    p = sub.add_parser("db", help="check, back up, restore or recover the database")
    db_sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = db_sub.add_parser("check", help="integrity and schema version")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=_cmd_check, reads_only=True)
    q = db_sub.add_parser(
        "backup", help="write a verified backup (SQLite backup API; pg_dump on a server)"
    )
    q.add_argument("path", nargs="?", type=Path, help="file or folder (default: backups folder)")
    q.set_defaults(handler=_cmd_backup)
    q = db_sub.add_parser("backups", help="list the backups with dates, sizes and checks")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=_cmd_backups)
    q = db_sub.add_parser("restore", help="replace the database with a verified backup")
    q.add_argument("path", type=Path)
    q.set_defaults(handler=_cmd_restore)
    q = db_sub.add_parser(
        "recover",
        help="keep a damaged database aside and restore the newest verified backup",
    )
    q.add_argument(
        "--from", dest="backup", type=Path, metavar="BACKUP", help="restore this backup instead"
    )
    q.set_defaults(handler=_cmd_recover)


def _cmd_check(args: argparse.Namespace, ctx: Context) -> int:
    report = ctx.services.maintenance.check()
    if args.json:
        dump(report.as_dict(), ctx.out)
        return 0 if report.ok else 2
    storage = {
        True: "ok (SQLite's integrity check)",
        False: "DAMAGED",
        None: "not checked by ketref: the database server keeps the files (its own checks "
        "and backups apply)",
    }[report.integrity_ok]
    ctx.out.write(f"Database: {report.database}\nIntegrity: {storage}\n")
    checked = report.content
    if checked is None:
        ctx.out.write("Content: NOT CHECKED (the database could not be read)\n")
    elif checked.ok:
        ctx.out.write(
            f"Content: ok ({checked.items} items, {checked.references} references and "
            f"{checked.rules} screening rules read through the content schema; every citation "
            f"and link resolves; compared with {checked.compared_with})\n"
        )
    else:
        ctx.out.write(f"Content: {len(checked.problems)} PROBLEM(S)\n")
        ctx.out.writelines(f"  - {problem}\n" for problem in checked.problems)
    if report.invalid_items:
        ctx.out.write(f"Items that cannot be displayed: {len(report.invalid_items)}\n")
        ctx.out.write("".join(f"  {line}\n" for line in report.invalid_items))
    ctx.out.write(
        f"Schema: {report.schema_revision} "
        f"({'current' if report.schema_current else 'needs upgrade'})\n"
        f"Content version: {report.content_version}\n"
    )
    return 0 if report.ok else 2


def _cmd_backup(args: argparse.Namespace, ctx: Context) -> int:
    maintenance = ctx.services.maintenance
    if maintenance.on_server:
        made = maintenance.server_backup(args.path)
        how = (
            "written with pg_dump and verified with pg_restore --list"
            if made.verified
            else "written with pg_dump (NOT verified: pg_restore is not installed here)"
        )
        ctx.out.write(f"Server backup {how}: {made.path}\n")
        return 0
    path = maintenance.backup(args.path)
    ctx.out.write(f"Backup written and verified: {path}\n")
    return 0


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{max(1, n // 1024)} KB"


def _cmd_backups(args: argparse.Namespace, ctx: Context) -> int:
    # Works on the files alone, so it also helps when the database itself is refused.
    backups = ctx.workspace.list_backups(verify=True)
    if args.json:
        dump([b.as_dict() for b in backups], ctx.out)
        return 0
    if not backups:
        ctx.out.write(f"No backups in {ctx.workspace.paths.backups}.\n")
        return 0
    for b in backups:
        check = "verified" if b.verified else "FAILS CHECKS"
        ctx.out.write(f"{b.when}\t{_size(b.size)}\t{b.kind.label}\t{check}\t{b.path}\n")
    return 0


def _cmd_restore(args: argparse.Namespace, ctx: Context) -> int:
    # Works on the file itself, so it never opens (and never migrates) the current database.
    aside = ctx.workspace.restore(args.path)
    ctx.out.write(f"Restored {args.path.name}. The previous database was kept as {aside}.\n")
    return 0


def _cmd_recover(args: argparse.Namespace, ctx: Context) -> int:
    database = ctx.workspace.target.path
    exists = database is not None and database.exists()
    if args.backup is None and exists and ctx.workspace.diagnose() is None:
        ctx.out.write("The database is healthy; there is nothing to recover.\n")
        return 0
    result = ctx.workspace.recover(args.backup)
    ctx.out.write(result.report() + "\n")
    return 0
