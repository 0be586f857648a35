"""The printed screening summary: inputs, findings per product, rule set, thresholds, date.

It carries no patient identifier unless the clinician types one for this printout; the PDF's
metadata never does (the label goes into the body only).
"""

from __future__ import annotations

from pathlib import Path

from ketref.domain.document import (
    CLINICIAN_DISCLAIMER,
    DocBlock,
    DocCallout,
    DocFields,
    DocHeading,
    DocList,
    DocParagraph,
    DocTable,
    PrintDocument,
)
from ketref.domain.enums import CalloutStyle
from ketref.domain.patient import FIELD_BY_NAME, Patient
from ketref.domain.printing import ClinicProfile, PrintOptions
from ketref.domain.screening_result import ScreeningResult
from ketref.domain.screening_summary import ScreeningSummary, describe_basis
from ketref.pdf.document import render_document
from ketref.services.clinic import ClinicService
from ketref.services.files import write_atomic
from ketref.services.screening import ScreeningService


def summary_document(
    summary: ScreeningSummary, patient_label: str | None = None, bulk_no: tuple[str, ...] = ()
) -> PrintDocument:
    """Lay out ``summary``; ``patient_label`` (name or initials) prints in the body only.

    ``bulk_no`` names the answers set to No with "Mark the rest No" in the window; the summary
    says so beside the answers, so a bulk No never reads as one asked question by question.
    """
    result = summary.result
    blocks: list[DocBlock] = [
        DocCallout(CalloutStyle.KEY, summary.disclaimer),  # said once: its title is the sentence
        DocFields(
            (
                ("Patient", (patient_label or "").strip() or None),
                ("Screened on", summary.screened_on.isoformat()),
                ("Rule set", result.ruleset_version),
                ("Blood-pressure thresholds", result.thresholds.describe()),
            )
        ),
        DocHeading("Result per product"),
        DocTable(
            ("Product", "Status"),
            tuple((r.product.label, r.status_text) for r in result.results),
            widths=(1, 1),
        ),
    ]
    for product_result in result.results:
        blocks.append(DocHeading(f"{product_result.product.label}: {product_result.status_text}"))
        rows = []
        open_questions: dict[str, list[str]] = {}
        for finding in product_result.findings:
            if finding.is_unknown:  # one line per outcome keeps the summary to about a page
                labels = [
                    FIELD_BY_NAME[m].label if m in FIELD_BY_NAME else m for m in finding.missing
                ]
                open_questions.setdefault(finding.outcome.value.replace("-", " "), []).extend(
                    labels
                )
                continue
            numbers = [summary.reference_number(r) for r in finding.references]
            sources = ", ".join(f"[{n}]" for n in numbers if n is not None)
            basis = "; ".join(describe_basis(finding, summary.diagnosis_titles))
            rows.append(
                (
                    finding.outcome.value.replace("-", " "),
                    finding.message + (f" ({basis})" if basis else ""),
                    sources + ("" if finding.verified else " unverified"),
                )
            )
        if rows:
            blocks.append(DocTable(("Finding", "Why", "Sources"), tuple(rows), widths=(1, 4, 1)))
        for outcome, labels in open_questions.items():
            unique = ", ".join(dict.fromkeys(labels))
            blocks.append(DocParagraph(f"Not known ({outcome} until answered): {unique}."))
    unknown = summary.unknown_inputs
    blocks.append(DocHeading("Answers given"))
    answers = [f"{row.label}: {row.value}" for row in summary.inputs if row.known]
    blocks.append(DocParagraph("; ".join(answers) + "." if answers else "None."))
    if bulk_no:
        bulk = ", ".join(FIELD_BY_NAME[n].label if n in FIELD_BY_NAME else n for n in bulk_no)
        blocks.append(
            DocParagraph(f"Set to No with “Mark the rest No” (not asked one by one): {bulk}.")
        )
    if unknown:
        blocks.append(DocHeading("Not known at the time of screening"))
        blocks.append(DocParagraph("; ".join(row.label for row in unknown) + "."))
    if summary.references:
        blocks.append(DocHeading("References"))
        blocks.append(
            DocList(
                "steps",
                tuple(
                    ref.citation + ("" if ref.verified else " (unverified)")
                    for ref in summary.references
                ),
            )
        )
    return PrintDocument(
        title="Eligibility screening summary",
        blocks=tuple(blocks),
        label="Clinician record",
        content_version=result.ruleset_version,
        disclaimer=CLINICIAN_DISCLAIMER,
        keywords=("ketamine", "screening"),
    )


def render_summary(
    summary: ScreeningSummary,
    clinic: ClinicProfile,
    options: PrintOptions | None = None,
    patient_label: str | None = None,
    bulk_no: tuple[str, ...] = (),
) -> bytes:
    """The screening summary as PDF bytes on the clinic's letterhead."""
    return render_document(
        summary_document(summary, patient_label, bulk_no), clinic, options or PrintOptions()
    )


def save_summary(
    screening: ScreeningService,
    clinic: ClinicService,
    patient: Patient,
    result: ScreeningResult,
    path: Path,
    *,
    patient_label: str | None = None,
    bulk_no: tuple[str, ...] = (),
) -> Path:
    """Summarise, render on the letterhead and write ``path`` atomically.

    Raises:
        ExportError: the file cannot be written (any existing file is unchanged).
    """
    summary = screening.summarise(patient, result)
    rendered = render_summary(summary, clinic.get(), patient_label=patient_label, bulk_no=bulk_no)
    return write_atomic(path, rendered)
