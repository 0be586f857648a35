"""Eligibility screening: ``screen PATIENT.json``, ``screen --template``, ``thresholds``.

The patient file is read and checked before the database is opened, so a bad file changes
nothing. Patient values are printed to stdout only; they are never logged.
"""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path
from typing import TextIO

from ketref.cli.common import Context, Subparsers, dump
from ketref.domain.enums import FindingOutcome
from ketref.domain.errors import BadInputError
from ketref.domain.patient import template_json
from ketref.domain.screening_result import Finding
from ketref.domain.screening_summary import ScreeningSummary, describe_basis
from ketref.domain.thresholds import BloodPressure, Thresholds
from ketref.services.screening import load_patient_file

WIDTH = 100
_HEADINGS = {
    FindingOutcome.NOT_ELIGIBLE: "Not eligible because",
    FindingOutcome.AVOID_COMBINATION: "Medicine to avoid with this product",
    FindingOutcome.CANNOT_DETERMINE: "Cannot determine until answered",
    FindingOutcome.NEEDS_REVIEW: "Needs review",
    FindingOutcome.INDICATION_MET: "Indication met",
    FindingOutcome.INFORMATIONAL: "For information",
}


def _blood_pressure(text: str) -> BloodPressure:
    try:
        return BloodPressure.parse(text)
    except BadInputError as exc:  # argparse names the option and exits with code 2
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_bp_options(parser: argparse.ArgumentParser, verb: str) -> None:
    parser.add_argument(
        "--bp-delay",
        metavar="SYS/DIA",
        type=_blood_pressure,
        help=f"consider-delaying threshold to {verb} (default 140/90)",
    )
    parser.add_argument(
        "--bp-stop",
        metavar="SYS/DIA",
        type=_blood_pressure,
        help=f"do-not-give threshold at rest to {verb} (default 180/100)",
    )


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "screen",
        help="screen a patient file for each product (decision support)",
        description="Screen a patient JSON file against the knowledge base's rules. The result "
        "supports, and does not replace, clinical judgement.",
    )
    p.add_argument("patient", nargs="?", type=Path, help="patient JSON file")
    p.add_argument(
        "--template", action="store_true", help="print a patient file with every field unknown"
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    _add_bp_options(p, "use for this screening")
    p.set_defaults(handler=_cmd_screen, reads_only=True)

    p = sub.add_parser("thresholds", help="the clinic's blood-pressure thresholds for screening")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = actions.add_parser("show", help="the thresholds screening uses now")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=_cmd_thresholds_show, reads_only=True)
    q = actions.add_parser("set", help="store the clinic's thresholds (audited)")
    _add_bp_options(q, "store")
    q.set_defaults(handler=_cmd_thresholds_set)
    q = actions.add_parser("reset", help="go back to the documented defaults (audited)")
    q.set_defaults(handler=_cmd_thresholds_reset)


def _cmd_screen(args: argparse.Namespace, ctx: Context) -> int:
    if args.template:
        if args.patient is not None or args.json or args.bp_delay or args.bp_stop:
            raise BadInputError("--template prints the blank patient file and takes no other input")
        ctx.out.write(template_json())
        return 0
    if args.patient is None:
        raise BadInputError("screen needs a patient file (start from 'ketref screen --template')")
    patient = load_patient_file(args.patient)  # before the database is opened or created
    screening = ctx.services.screening
    result = screening.screen(patient, screening.thresholds_for(args.bp_delay, args.bp_stop))
    if args.json:
        dump(result.as_dict(), ctx.out)
    else:
        render_summary(screening.summarise(patient, result), ctx.out)
    return 0


def render_summary(summary: ScreeningSummary, out: TextIO) -> None:
    """The human-readable screening summary: per product, status, reasons and references."""
    result = summary.result
    out.write(
        f"Eligibility screening, {summary.screened_on:%Y-%m-%d}, "
        f"rule set {result.ruleset_version}\n"
    )
    _wrapped(out, f"Blood pressure: {result.thresholds.describe()}", "", "  ")
    for product_result in result.results:
        status = product_result.status.label.upper()
        reason = f" ({product_result.reason})" if product_result.reason else ""
        _wrapped(out, f"{product_result.product.label}: {status}{reason}", "\n", "  ")
        for outcome in FindingOutcome:
            findings = product_result.findings_with(outcome)
            if findings:
                out.write(f"  {_HEADINGS[outcome]}:\n")
                for finding in findings:
                    _write_finding(finding, summary, out)
    unknown = summary.unknown_inputs
    if unknown:
        out.write(f"\nNot known ({len(unknown)}):\n")
        _wrapped(out, "; ".join(row.label for row in unknown), "  ", "  ")
    if summary.references:
        out.write("\nReferences:\n")
        for number, ref in enumerate(summary.references, start=1):
            mark = "" if ref.verified else " [unverified]"
            _wrapped(out, f"[{number}] {ref.citation}{mark}", "  ", "      ")
    out.write("\n")
    _wrapped(out, summary.disclaimer, "", "")


def _write_finding(finding: Finding, summary: ScreeningSummary, out: TextIO) -> None:
    numbers = [summary.reference_number(r) for r in finding.references]
    cites = "".join(f"[{n}]" for n in numbers if n is not None)
    badges = []
    if finding.basis:
        badges.append(finding.basis)
    if not finding.verified:
        badges.append("unverified: " + (finding.unverified_note or "see the rule"))
    if finding.review_due is not None and finding.review_due <= summary.screened_on:
        badges.append("due for review")
    tail = f" ({'; '.join(badges)})" if badges else ""
    _wrapped(out, f"- {finding.message} {cites}{tail}", "    ", "      ")
    details = [f"rule {finding.rule_id} v{finding.rule_version}"]
    details += describe_basis(finding, summary.diagnosis_titles)
    _wrapped(out, " | ".join(details), "      ", "      ")


def _wrapped(out: TextIO, text: str, first: str, rest: str) -> None:
    out.write(
        textwrap.fill(
            text,
            width=WIDTH,
            initial_indent=first,
            subsequent_indent=rest,
            break_long_words=False,
            break_on_hyphens=False,
        )
        + "\n"
    )


def _cmd_thresholds_show(args: argparse.Namespace, ctx: Context) -> int:
    thresholds = ctx.services.screening.clinic_thresholds()
    if args.json:
        dump(thresholds.as_dict(), ctx.out)
    else:
        _wrapped(ctx.out, thresholds.describe(), "", "")
    return 0


def _cmd_thresholds_set(args: argparse.Namespace, ctx: Context) -> int:
    if args.bp_delay is None and args.bp_stop is None:
        raise BadInputError("give --bp-delay SYS/DIA, --bp-stop SYS/DIA or both")
    screening = ctx.services.screening
    current = screening.clinic_thresholds()
    # Validate the combination before anything is written.
    wanted = Thresholds(args.bp_delay or current.bp_delay, args.bp_stop or current.bp_stop)
    saved = screening.save_clinic_thresholds(wanted.bp_delay, wanted.bp_stop)
    _wrapped(ctx.out, "Saved. " + saved.describe(), "", "")
    return 0


def _cmd_thresholds_reset(args: argparse.Namespace, ctx: Context) -> int:
    defaults = ctx.services.screening.reset_clinic_thresholds()
    _wrapped(ctx.out, "Reset. " + defaults.describe(), "", "")
    return 0
