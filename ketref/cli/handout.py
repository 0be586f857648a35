"""Printing handouts: ``handout SLUG... -o OUT.pdf``, ``handout --all -o DIR``, ``schedules``.

Personal details given here go into the PDF only: they are not echoed, and stored in the print
log only when the clinic keeps names there; the confirmation line names the file, nothing else.
"""

from __future__ import annotations

import argparse
import re
from datetime import date
from pathlib import Path

from ketref.cli.common import Context, Parser, Subparsers, dump
from ketref.domain.errors import BadInputError
from ketref.domain.handout_languages import MissingTranslationError
from ketref.domain.print_language import Language
from ketref.domain.printing import PaperSize, Personalisation, PrintOptions
from ketref.domain.schedules import WEEKDAY_NAMES, parse_weekdays
from ketref.services.handouts import HandoutRequest, ScheduleRequest

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def iso_date(value: str) -> date:
    """argparse type: a real calendar date written YYYY-MM-DD (no two-digit years)."""
    if not _ISO_DATE.match(value):
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"no such date: {value!r}") from None


def register(sub: Subparsers) -> None:
    p: Parser = sub.add_parser(
        "handout",
        help="print handouts to PDF: one, a packet of several, or --all",
        description="Print one handout, a packet of several (in the order given) or every "
        "handout (--all, one PDF each into a folder). Personal details are printed only.",
    )
    p.add_argument("slugs", nargs="*", metavar="SLUG", help="handouts (see 'ketref list handouts')")
    p.add_argument("--all", action="store_true", help="one PDF per handout into the -o folder")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="OUT", help="PDF or folder")
    p.add_argument("--patient-name", metavar="TEXT")
    p.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD", help="date printed on it")
    p.add_argument("--escort", metavar="TEXT", help="driver or escort")
    p.add_argument("--notes", metavar="TEXT", help="notes from the care team")
    p.add_argument("--emergency-number", metavar="TEXT", help="instead of the clinic's")
    p.add_argument(
        "--start-date", type=iso_date, metavar="YYYY-MM-DD", help="first day of the schedule"
    )
    p.add_argument(
        "--schedule",
        metavar="TEMPLATE",
        help="schedule template id, or iv-ketamine / esketamine-nasal for the default",
    )
    p.add_argument(
        "--days",
        metavar="DAYS",
        help=f"session weekdays, e.g. mon,thu ({', '.join(WEEKDAY_NAMES)})",
    )
    p.add_argument("--paper", choices=[s.value for s in PaperSize], help="default: the clinic's")
    p.add_argument("--large-print", action="store_true", help="body text 14 pt")
    p.add_argument(
        "--lang",
        choices=[lang.value for lang in Language],
        help="print every handout in this language (default: each as named)",
    )
    p.add_argument(
        "--bilingual", action="store_true", help="each handout in English, then in --lang"
    )
    p.add_argument(
        "--fallback",
        choices=[Language.EN.value],
        help="print handouts with no translation in --lang in English instead of refusing",
    )
    p.set_defaults(handler=_cmd_handout)

    p = sub.add_parser("schedules", help="list the treatment schedule templates")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=_cmd_schedules, reads_only=True)


def _schedule_request(args: argparse.Namespace) -> ScheduleRequest | None:
    if args.schedule is None:
        if args.start_date is not None or args.days is not None:
            raise BadInputError("--start-date and --days need --schedule")
        return None
    if args.start_date is None:
        raise BadInputError("--schedule needs --start-date YYYY-MM-DD")
    weekdays = parse_weekdays(args.days) if args.days is not None else None
    return ScheduleRequest(template=args.schedule, start=args.start_date, weekdays=weekdays)


def _language(args: argparse.Namespace) -> Language | None:
    language = Language(args.lang) if args.lang else None
    if args.bilingual and language in (None, Language.EN):
        raise BadInputError("--bilingual needs --lang with a language other than English")
    if args.fallback and language is None:
        raise BadInputError("--fallback needs --lang")
    return language


def _cmd_handout(args: argparse.Namespace, ctx: Context) -> int:
    if args.all == bool(args.slugs):
        raise BadInputError("name one or more handouts, or use --all (not both)")
    language = _language(args)
    try:
        return _export(args, ctx, language)
    except MissingTranslationError as exc:
        raise BadInputError(
            f"No {exc.language.english_name} translation of: {', '.join(exc.missing)}. "
            "Add --fallback en to print these in English. Nothing was written."
        ) from None


def _export(args: argparse.Namespace, ctx: Context, language: Language | None) -> int:
    personal = Personalisation.build(
        patient_name=args.patient_name,
        date=args.date,
        escort=args.escort,
        notes=args.notes,
        emergency_phone=args.emergency_number,
    )
    options = PrintOptions(
        paper=PaperSize(args.paper) if args.paper else None, large_print=args.large_print
    )
    schedule = _schedule_request(args)
    service = ctx.services.handouts
    if args.all:
        if schedule is not None:
            raise BadInputError("--schedule prints with named handouts, not with --all")
        if args.bilingual:
            raise BadInputError("--bilingual prints with named handouts, not with --all")
        written = service.export_all(
            args.output, options, personal, language, fallback_english=bool(args.fallback)
        )
        ctx.out.write(f"Wrote {len(written)} handouts to {args.output}\n")
        return 0
    request = HandoutRequest(
        slugs=tuple(args.slugs),
        personal=personal,
        schedule=schedule,
        options=options,
        language=language,
        bilingual=args.bilingual,
        fallback_english=bool(args.fallback),
    )
    exported = service.export(request, args.output)
    ctx.out.write(f"Wrote {exported.path}\n")
    if exported.recorded.problem:
        ctx.out.write(exported.recorded.note().strip() + "\n")
    return 0


def _cmd_schedules(args: argparse.Namespace, ctx: Context) -> int:
    templates = ctx.services.handouts.list_schedules()
    if args.json:
        dump(
            [
                {
                    "id": t.id,
                    "title": t.title,
                    "product": t.product.value,
                    "default": t.default,
                    "days": t.default_days,
                    "sessions_shown": t.total_sessions,
                    "verified": t.verified,
                    "unverified_note": t.unverified_note,
                    "references": t.references,
                    "reviewed": t.reviewed,
                    "review_due": t.review_due,
                }
                for t in templates
            ],
            ctx.out,
        )
        return 0
    for t in templates:
        flags = (" [default for " + t.product.value + "]") if t.default else ""
        flags += "" if t.verified else " [unverified]"
        ctx.out.write(f"{t.id}\t{t.title}{flags}\n")
    return 0
