"""The print log: ``prints`` lists it, ``prints reprint ID -o FILE.pdf`` reprints an entry,
``prints settings`` shows or changes whether it logs and whether it keeps names."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ketref.cli.common import Context, Parser, Subparsers, dump
from ketref.cli.handout import iso_date
from ketref.domain.errors import BadInputError
from ketref.domain.print_log import (
    PERSONAL_FIELDS,
    PrintLogEntry,
    PrintLogFilter,
    PrintLogSettings,
)
from ketref.domain.printing import Personalisation
from ketref.services.reprint import reprint


def register(sub: Subparsers) -> None:
    p: Parser = sub.add_parser(
        "prints",
        help="the print log: list printed handouts, reprint one, change its settings",
        description="List the print log (newest first), reprint an entry exactly from the "
        "handout versions it printed, or change the print-log settings.",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--since", type=iso_date, metavar="YYYY-MM-DD", help="from this day (UTC)")
    p.add_argument("--until", type=iso_date, metavar="YYYY-MM-DD", help="to this day (UTC)")
    p.add_argument("--handout", metavar="SLUG", help="only entries that printed this handout")
    p.set_defaults(handler=_cmd_list, reads_only=True)
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)

    r: Parser = actions.add_parser(
        "reprint",
        help="regenerate a logged printout from the versions it printed",
        description="Regenerate a logged printout from the exact handout versions and settings "
        "it used (even after the handouts were edited). Personal details are printed only if "
        "typed again here, or if the clinic keeps names in the print log.",
    )
    r.add_argument("entry", type=int, metavar="ID", help="the entry's id (see 'ketref prints')")
    r.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.pdf")
    r.add_argument("--name", "--patient-name", dest="patient_name", metavar="TEXT")
    r.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD", help="date printed on it")
    r.add_argument("--escort", metavar="TEXT")
    r.add_argument("--notes", metavar="TEXT")
    r.add_argument("--emergency-number", metavar="TEXT")
    r.set_defaults(handler=_cmd_reprint, reads_only=False)

    s: Parser = actions.add_parser(
        "settings",
        help="show or change: log on/off, keep names on/off",
        description="Show the print-log settings, or change them. Switching names off with "
        "--erase-names also erases every stored name, escort, note, date and number.",
    )
    s.add_argument("--log", choices=["on", "off"], help="record every export and print")
    s.add_argument("--keep-names", choices=["on", "off"], help="store personal details")
    s.add_argument("--erase-names", action="store_true", help="erase stored personal details")
    s.set_defaults(handler=_cmd_settings, reads_only=False)


def entry_json(entry: PrintLogEntry) -> dict[str, Any]:
    plan = entry.plan
    data: dict[str, Any] = {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "user": entry.printed_by,
        "output": entry.output.value,
        "reprint_of": plan.reprint_of,
        "handouts": [
            {"slug": h.slug, "version_id": h.version_id, "title": title}
            for h, title in zip(plan.handouts, entry.titles, strict=True)
        ],
        "language": plan.language.value if plan.language else None,
        "bilingual": plan.bilingual,
        "paper": plan.paper.value,
        "large_print": plan.large_print,
        "page_count": entry.page_count,
        "pdf_sha256": entry.pdf_sha256,
        "personal_fields_printed": list(plan.personal_fields),
    }
    if entry.personal is not None:
        data["personal"] = {
            name: getattr(entry.personal, name)
            for name in PERSONAL_FIELDS
            if getattr(entry.personal, name)
        }
    return data


def _cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    where = PrintLogFilter(since=args.since, until=args.until, handout=args.handout)
    found = ctx.services.handouts.log.entries(where)
    if args.json:
        dump([entry_json(e) for e in found], ctx.out)
        return 0
    for e in found:
        when = e.at.strftime("%Y-%m-%d %H:%M UTC")
        pages = f"{e.page_count} page{'s' if e.page_count != 1 else ''}"
        lang = e.plan.language.value if e.plan.language else "as named"
        ctx.out.write(
            f"{e.id}\t{when}\t{e.printed_by}\t{e.output_label}\t{', '.join(e.slugs)}\t"
            f"{lang}\t{e.plan.paper.value}{' large' if e.plan.large_print else ''}\t{pages}\n"
        )
    if not found:
        ctx.out.write(
            "No printouts logged"
            + (" for that choice.\n" if args.since or args.until or args.handout else ".\n")
        )
    return 0


def _cmd_reprint(args: argparse.Namespace, ctx: Context) -> int:
    typed = Personalisation.build(
        patient_name=args.patient_name,
        date=args.date,
        escort=args.escort,
        notes=args.notes,
        emergency_phone=args.emergency_number,
    )
    done = reprint(ctx.services.handouts, args.entry, args.output, typed)
    ctx.out.write(f"Wrote {done.path}\n")
    for line in done.messages():
        ctx.out.write(line + "\n")
    return 0


def _cmd_settings(args: argparse.Namespace, ctx: Context) -> int:
    log = ctx.services.handouts.log
    current = log.settings()
    if args.log is None and args.keep_names is None and not args.erase_names:
        ctx.out.write(f"print log: {'on' if current.enabled else 'off'}\n")
        ctx.out.write(f"keep names in the print log: {'on' if current.keep_names else 'off'}\n")
        return 0
    wanted = PrintLogSettings(
        enabled=current.enabled if args.log is None else args.log == "on",
        keep_names=current.keep_names if args.keep_names is None else args.keep_names == "on",
    )
    if args.erase_names and wanted.keep_names:
        raise BadInputError("--erase-names goes with --keep-names off. Nothing was changed.")
    erased = log.change_settings(wanted, erase_names=args.erase_names)
    ctx.out.write(
        f"print log: {'on' if wanted.enabled else 'off'}; keep names: "
        f"{'on' if wanted.keep_names else 'off'}\n"
    )
    if erased is not None:
        ctx.out.write(f"Erased the personal details of {erased.entries} entries.\n")
        if not erased.wal_emptied:
            ctx.out.write(
                "Another program is reading the library; close it and run this again "
                "to push the erased text out of the write-ahead log.\n"
            )
    elif not wanted.keep_names and current.keep_names:
        ctx.out.write(
            "Names already stored are kept until you run 'ketref prints settings --erase-names'.\n"
        )
    return 0
