"""The Screening page's result: a status card per product with a one-line why, then findings.

Facts that hold come first in full; unanswered questions follow as one short list each. Answers
set with "Mark the rest No" are named on every card, so a bulk "No" is never read as one asked
question by question.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import TYPE_CHECKING

from ketref.domain.enums import FindingOutcome, ScreeningStatus
from ketref.domain.patient import FIELD_BY_NAME
from ketref.domain.screening_result import DISCLAIMER, Finding, ProductResult, ScreeningResult
from ketref.domain.thresholds import Thresholds
from ketref.gui.detail_html import AMBER, BLUE, GREEN, GREY, RED, badge, item_url
from ketref.gui.detail_html import reference_url as ref_url
from ketref.gui.notice_html import STYLE
from ketref.gui.screening_form import BULK_MARK

if TYPE_CHECKING:
    from ketref.domain.content import Reference

AVOID_ORANGE = "#b8430a"
"""Deeper than the amber of "needs review", distinct from the red of "not eligible"."""
STATUS_COLOUR = {
    ScreeningStatus.NOT_ELIGIBLE: RED,
    ScreeningStatus.AVOID_COMBINATION: AVOID_ORANGE,
    ScreeningStatus.CANNOT_DETERMINE: GREY,
    ScreeningStatus.NEEDS_REVIEW: AMBER,
    ScreeningStatus.ELIGIBLE_TO_CONSIDER: GREEN,
}
OUTCOME_COLOUR = {
    FindingOutcome.NOT_ELIGIBLE: RED,
    FindingOutcome.AVOID_COMBINATION: AVOID_ORANGE,
    FindingOutcome.CANNOT_DETERMINE: GREY,
    FindingOutcome.NEEDS_REVIEW: AMBER,
    FindingOutcome.INDICATION_MET: GREEN,
    FindingOutcome.INFORMATIONAL: BLUE,
}


def result_html(
    result: ScreeningResult,
    bulk_no: tuple[str, ...] = (),
    sources: Mapping[str, Reference] | None = None,
) -> str:
    """A status card per product (badge, one-line why), then each product's findings.

    ``bulk_no``: field names answered No with "Mark the rest No" (named on every card).
    ``sources``: the cited references, so each is named by its title, not its id.
    """
    labels = {key: source_label(ref) for key, ref in (sources or {}).items()}
    bulk = _bulk_line(bulk_no)
    parts = [
        STYLE,
        f"<p><b>{escape(DISCLAIMER)}</b></p><table>",
        *(
            f"<tr><td><b>{escape(r.product.label)}</b></td><td>{_status_html(r)}"
            f"<br><small>{escape(status_why(r))}</small>{bulk}</td></tr>"
            for r in result.results
        ),
        f"</table><p><small>Rule set {escape(result.ruleset_version)} · "
        f"{escape(result.thresholds.describe())}</small></p>",
    ]
    for product_result in result.results:
        known = [f for f in product_result.findings if not f.is_unknown]
        unknown = [f for f in product_result.findings if f.is_unknown]
        parts.append(
            f"<h2>{escape(product_result.product.label)} {_status_html(product_result)}</h2>"
            f"<p>{escape(status_why(product_result))}{bulk}</p>"
        )
        if known:
            items = "".join(
                f"<li>{_finding_html(f, result.thresholds, labels)}</li>" for f in known
            )
            parts.append(f"<ul>{items}</ul>")
        for outcome, heading in (
            (FindingOutcome.CANNOT_DETERMINE, "Not known yet, and could rule this product out"),
            (FindingOutcome.NEEDS_REVIEW, "Not known yet, and would need review"),
        ):
            open_questions = [f for f in unknown if f.outcome is outcome]
            if open_questions:
                parts.append(f"<h3>{escape(heading)} ({len(open_questions)})</h3><ul>")
                parts += [f"<li>{_question_html(f, labels)}</li>" for f in open_questions]
                parts.append("</ul>")
        rest = [
            f
            for f in unknown
            if f.outcome not in (FindingOutcome.CANNOT_DETERMINE, FindingOutcome.NEEDS_REVIEW)
        ]
        if rest:
            questions = "".join(f"<li>{_question_html(f, labels)}</li>" for f in rest)
            parts.append(f"<ul>{questions}</ul>")
    return "".join(parts)


def status_why(result: ProductResult) -> str:
    """One line saying why the status is what it is, from the findings that decide it."""
    deciding = {
        ScreeningStatus.NOT_ELIGIBLE: FindingOutcome.NOT_ELIGIBLE,
        ScreeningStatus.AVOID_COMBINATION: FindingOutcome.AVOID_COMBINATION,
        ScreeningStatus.CANNOT_DETERMINE: FindingOutcome.CANNOT_DETERMINE,
        ScreeningStatus.NEEDS_REVIEW: FindingOutcome.NEEDS_REVIEW,
    }.get(result.status)
    if deciding is None:
        open_count = sum(1 for f in result.findings if f.is_unknown)
        still = f"; {open_count} optional question(s) still unknown" if open_count else ""
        return f"Why: no answer given rules it out or needs review{still}."
    found = result.findings_with(deciding)
    if result.status is ScreeningStatus.CANNOT_DETERMINE:
        names = _field_labels([m for f in found for m in f.missing])
        return f"Why: {len(found)} unanswered question(s) could rule it out: {_first(names)}."
    facts = [f.message.rstrip(".") for f in found if not f.is_unknown]
    if facts:
        return f"Why: {_first(facts)}."
    names = _field_labels([m for f in found for m in f.missing])
    return f"Why: still unknown and would need review: {_first(names)}."


def _first(texts: list[str]) -> str:
    """The first reason, and how many more (keeps the why to one line)."""
    more = len(texts) - 1
    return texts[0] + (f" (and {more} more)" if more > 0 else "") if texts else "see below"


def _field_labels(names: list[str]) -> list[str]:
    return list(dict.fromkeys(FIELD_BY_NAME[n].label if n in FIELD_BY_NAME else n for n in names))


def _bulk_line(bulk_no: tuple[str, ...]) -> str:
    if not bulk_no:
        return ""
    labels = ", ".join(_field_labels(list(bulk_no)))
    return (
        f'<br><small><span style="color: {AMBER};"><i>{escape(BULK_MARK)}:</i></span> '
        f"{escape(labels)}</small>"
    )


def _status_html(result: ProductResult) -> str:
    """The status badge, then its reason in words when the deciding findings give one."""
    reason = f" <small>{escape(result.reason)}</small>" if result.reason else ""
    return badge(result.status.label, STATUS_COLOUR[result.status]) + reason


def _question_html(finding: Finding, labels: Mapping[str, str]) -> str:
    fields = ", ".join(_field_labels(list(finding.missing)))
    return f"<b>{escape(fields)}</b> <small>{_sources(finding, labels)}</small>"


def source_label(reference: Reference) -> str:
    """A reference in a few words: its title cut at a word, and its year."""
    title = (
        reference.title
        if len(reference.title) <= 60
        else (reference.title[:60].rsplit(" ", 1)[0].rstrip(",;:") + "…")
    )
    return f"{title} ({reference.year})" if reference.year else title


def _sources(finding: Finding, labels: Mapping[str, str]) -> str:
    """The cited sources by title (the rule's id stays in a small details line)."""
    links = [
        f'<a href="{ref_url(r)}">{escape(labels.get(r, "source"))}</a>' for r in finding.references
    ]
    if finding.item is not None:
        url = item_url(finding.item.kind, finding.item.slug)
        links.insert(0, f'<a href="{url}">the item</a>')
    if not finding.verified:
        links.append(badge("Unverified", AMBER))
    details = f'<span style="color: gray;">details: rule {escape(finding.rule_id)}</span>'
    return f"{' · '.join(links)} · {details}"


def _finding_html(finding: Finding, thresholds: Thresholds, labels: Mapping[str, str]) -> str:
    outcome = badge(finding.outcome.value.replace("-", " "), OUTCOME_COLOUR[finding.outcome])
    bits = [f"{outcome} {escape(finding.message)}"]
    if finding.values:
        used = "; ".join(
            f"{_field_labels([name])[0]} = {_shown(value)}" for name, value in finding.values
        )
        bits.append(f"<br><small>Values used: {escape(used)}</small>")
    if finding.threshold:
        checks = "; ".join(
            f"{_field_labels([c.field])[0]} {c.op} {c.threshold:g}"
            + (f" ({thresholds.source.label})" if c.local_policy else "")
            for c in finding.threshold
        )
        bits.append(f"<br><small>Threshold: {escape(checks)}</small>")
    if finding.missing:
        missing = ", ".join(_field_labels(list(finding.missing)))
        bits.append(f"<br><small>Not known: {escape(missing)}</small>")
    bits.append(f"<br><small>Sources: {_sources(finding, labels)}</small>")
    return "".join(bits)


def _shown(value: object) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return ", ".join(value) if value else "none"
    return str(value)
