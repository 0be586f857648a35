"""The clinic's letterhead: ``clinic show [--json]`` and ``clinic set ...`` (only given fields)."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import Any

from ketref.cli.common import Context, Parser, Subparsers, dump
from ketref.domain.errors import BadInputError
from ketref.domain.printing import ClinicProfile, PaperSize


def register(sub: Subparsers) -> None:
    p: Parser = sub.add_parser("clinic", help="the clinic's letterhead for printed handouts")
    clinic_sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = clinic_sub.add_parser("show", help="show the clinic profile")
    q.add_argument("--json", action="store_true", help="print JSON")
    q.set_defaults(handler=_cmd_show, reads_only=True)
    q = clinic_sub.add_parser(
        "set", help="change fields of the clinic profile (others stay as they are)"
    )
    q.add_argument("--name", metavar="TEXT")
    q.add_argument("--address", metavar="TEXT", help="use \\n or real line breaks between lines")
    q.add_argument("--phone", metavar="TEXT")
    q.add_argument("--emergency", metavar="TEXT", help="after-hours or emergency number")
    logo = q.add_mutually_exclusive_group()
    logo.add_argument("--logo", type=Path, metavar="FILE", help="PNG or JPEG, at most 2 MB")
    logo.add_argument("--no-logo", action="store_true", help="remove the logo")
    q.add_argument("--paper", choices=[s.value for s in PaperSize], help="default paper size")
    q.set_defaults(handler=_cmd_set)


def profile_json(profile: ClinicProfile, logo_size: tuple[int, int] | None) -> dict[str, Any]:
    """The profile without the logo's bytes (its type, size and pixel dimensions instead)."""
    logo = None
    if profile.logo:
        logo = {"mime": profile.logo_mime, "bytes": len(profile.logo)}
        if logo_size:
            logo.update(width=logo_size[0], height=logo_size[1])
    return {
        "name": profile.name,
        "address": profile.address,
        "phone": profile.phone,
        "emergency_phone": profile.emergency_phone,
        "logo": logo,
        "paper": profile.paper.value,
    }


def _logo_size(profile: ClinicProfile, ctx: Context) -> tuple[int, int] | None:
    if not profile.logo:
        return None
    try:
        info = ctx.services.clinic.check_logo(profile.logo)
    except BadInputError:
        return None
    return info.width, info.height


def _cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    profile = ctx.services.clinic.get()
    data = profile_json(profile, _logo_size(profile, ctx))
    if args.json:
        dump(data, ctx.out)
        return 0
    out = ctx.out
    address = (profile.address or "(not set)").replace("\n", "\n         ")
    out.write(f"Name:    {profile.name or '(not set)'}\n")
    out.write(f"Address: {address}\n")
    out.write(f"Phone:   {profile.phone or '(not set)'}\n")
    out.write(f"After hours / emergency: {profile.emergency_phone or '(not set)'}\n")
    logo = data["logo"]
    if logo:
        size = f", {logo['width']} x {logo['height']} px" if "width" in logo else ""
        out.write(f"Logo:    {logo['mime']}, {logo['bytes']:,} bytes{size}\n")
    else:
        out.write("Logo:    (none)\n")
    out.write(f"Paper:   {profile.paper.label}\n")
    return 0


def _cmd_set(args: argparse.Namespace, ctx: Context) -> int:
    changes: dict[str, Any] = {}
    for option, name in (
        ("name", "name"),
        ("phone", "phone"),
        ("emergency", "emergency_phone"),
    ):
        if getattr(args, option) is not None:
            changes[name] = getattr(args, option)
    if args.address is not None:
        changes["address"] = args.address.replace("\\n", "\n")
    if args.paper is not None:
        changes["paper"] = PaperSize(args.paper)
    service = ctx.services.clinic
    if args.logo is not None:
        changes["logo"] = service.read_logo_file(args.logo)
    if args.no_logo:
        changes["logo"], changes["logo_mime"] = None, None
    if not changes:
        raise BadInputError("nothing to change: give at least one option (see --help)")
    profile = dataclasses.replace(service.get(), **changes)
    saved = service.save(profile)
    ctx.out.write(f"Clinic profile saved ({', '.join(sorted(changes))}).\n")
    if not saved.name:
        ctx.out.write("Note: no clinic name is set; handouts print a blank line for it.\n")
    return 0
