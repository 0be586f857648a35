"""A shared library on a PostgreSQL server: ``server init-roles`` and ``server whoami``."""

from __future__ import annotations

import argparse

from ketref.cli.common import Context, Subparsers, dump
from ketref.domain.roles import ALLOWS, ROLES_LOW_TO_HIGH


def register(sub: Subparsers) -> None:
    p = sub.add_parser("server", help="a shared PostgreSQL library: roles and access")
    server_sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = server_sub.add_parser(
        "init-roles", help="create the ketref_reader/editor/approver/owner roles and grant them"
    )
    q.set_defaults(handler=_cmd_init_roles)
    q = server_sub.add_parser("whoami", help="your database user and ketref role")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=_cmd_whoami)


def _cmd_init_roles(_args: argparse.Namespace, ctx: Context) -> int:
    ctx.services.maintenance.init_roles()
    names = ", ".join(r.server_name for r in ROLES_LOW_TO_HIGH)
    ctx.out.write(
        f"Roles ready: {names} (each includes the ones before it).\n"
        "Give each person a login and one role, e.g.:\n"
        "  CREATE ROLE alice LOGIN PASSWORD '...'; GRANT ketref_editor TO alice;\n"
    )
    return 0


def _cmd_whoami(args: argparse.Namespace, ctx: Context) -> int:
    user, role = ctx.services.maintenance.access()
    if args.json:
        dump({"user": user, "role": role.label, "allows": ALLOWS[role]}, ctx.out)
    else:
        who = user or "(a SQLite file: whoever can write it)"
        ctx.out.write(f"User: {who}\nRole: {role.label}: {ALLOWS[role]}\n")
    return 0
