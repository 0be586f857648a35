"""HTML for the detail pane, one layout per kind; all content text is escaped here.

Links use the ``ketref:`` scheme for moves inside the app (``ketref:item/KIND/SLUG``,
``ketref:reference/ID``); DOIs and URLs are ordinary https links opened in the browser.
Badges always carry words, so nothing depends on colour alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from html import escape
from typing import TypeVar

from ketref.domain import content as c
from ketref.domain.catalogue import ItemDetail, ItemRef, ReferenceDetail
from ketref.domain.enums import (
    ContraindicationClass,
    EvidenceStrength,
    InteractionLevel,
    ItemKind,
    Product,
    RegulatoryStatus,
    Severity,
)
from ketref.domain.print_language import ENGLISH, format_date
from ketref.gui.notice_html import STYLE

RED, AMBER, BLUE, GREEN, GREY, PURPLE = (
    "#b3261e",
    "#8a5300",
    "#1f5fa8",
    "#2e7d32",
    "#5f6368",
    "#6a3fa0",
)

T = TypeVar("T")

_CLASS_COLOUR = {
    ContraindicationClass.ABSOLUTE_LABEL: RED,
    ContraindicationClass.ABSOLUTE_GUIDELINE: RED,
    ContraindicationClass.NOT_RECOMMENDED: PURPLE,
    ContraindicationClass.RELATIVE: AMBER,
    ContraindicationClass.PRECAUTION: BLUE,
}
_LEVEL_COLOUR = {
    InteractionLevel.AVOID: RED,
    InteractionLevel.CAUTION: AMBER,
    InteractionLevel.INFORMATIONAL: BLUE,
    InteractionLevel.COMPATIBLE: GREEN,
}
_SEVERITY_COLOUR = {
    Severity.SEVERE: RED,
    Severity.MODERATE: AMBER,
    Severity.MILD: BLUE,
    Severity.VARIABLE: GREY,
}
_STATUS_COLOUR = {
    RegulatoryStatus.APPROVED: GREEN,
    RegulatoryStatus.OFF_LABEL: AMBER,
    RegulatoryStatus.NOT_APPROVED: GREY,
}
_SHORT = {Product.IV_KETAMINE: "IV ketamine", Product.ESKETAMINE_NASAL: "Esketamine"}
_STATUS_LABEL = {
    RegulatoryStatus.APPROVED: "Approved (label)",
    RegulatoryStatus.OFF_LABEL: "Off-label",
    RegulatoryStatus.NOT_APPROVED: "Not approved",
}


def badge(text: str, colour: str) -> str:
    """A coloured label with its meaning in words (readable in light and dark palettes)."""
    return (
        f'<span style="background-color:{colour}; color:#ffffff; font-weight:600;">'
        f"&nbsp;{escape(text)}&nbsp;</span>"
    )


def item_url(kind: ItemKind, slug: str) -> str:
    return f"ketref:item/{kind.value}/{slug}"


def reference_url(ref_id: str) -> str:
    return f"ketref:reference/{ref_id}"


class _Citations:
    """Numbers every reference of an item once, in citation order, and renders [n] marks."""

    def __init__(self, references: Sequence[c.Reference]) -> None:
        self.number = {ref.id: n for n, ref in enumerate(references, start=1)}

    def marks(self, ids: Iterable[str]) -> str:
        """In number order, as a reader expects ("[14, 15]", not the order the item lists them)."""
        cited = sorted({i for i in ids if i in self.number}, key=self.number.__getitem__)
        links = [f'<a href="{reference_url(i)}">{self.number[i]}</a>' for i in cited]
        return f'<span style="font-size: 90%;">&nbsp;[{", ".join(links)}]</span>' if links else ""


def _para(text: str | None, label: str | None = None) -> str:
    if not text:
        return ""
    head = f"<b>{escape(label)}:</b> " if label else ""
    return f"<p>{head}{escape(text)}</p>"


def _unverified(flag: bool) -> str:
    return "" if flag else " " + badge("Unverified", AMBER)


def _header(detail: ItemDetail, extra_badges: Sequence[str] = ()) -> str:
    item = detail.item
    badges = list(extra_badges)
    if detail.draft:
        badges.append(badge("Draft waiting for approval", BLUE))
    if detail.due_for_review:
        badges.append(badge("Due for review", RED))
    if not item.verified:
        badges.append(badge("Unverified", AMBER))
    if detail.locally_edited:
        badges.append(badge("Local edit", GREY))
    if detail.source_changed_on is not None:
        badges.append(badge("Translation needs review", AMBER))
    parts = [
        STYLE,
        f"<h1>{escape(item.title)}</h1>",
        f'<p class="muted">{escape(detail.kind.singular)}</p>',
    ]
    if badges:
        parts.append("<p>" + " ".join(badges) + "</p>")
    if not item.verified and item.unverified_note:
        note = item.unverified_note.removeprefix("Unverified:").strip()
        parts.append(f"<p><b>Not yet verified:</b> {escape(note)}</p>")
    if detail.source_changed_on is not None:
        parts.append(f"<p><b>{escape(_source_changed(detail.source_changed_on))}</b></p>")
    parts.append(f"<p>{escape(item.summary)}</p>")
    return "".join(parts)


def _source_changed(day: date) -> str:
    return ENGLISH.source_changed.format(date=format_date(day))


def _products(products: Iterable[Product]) -> str:
    chosen = set(products)
    return escape(", ".join(p.label for p in Product if p in chosen))


def _by_product(mapping: Mapping[Product, T]) -> list[tuple[Product, T]]:
    """Per-product entries in one fixed order (IV ketamine first) on every page."""
    return [(p, mapping[p]) for p in Product if p in mapping]


# --- One body per kind ----------------------------------------------------------------------


def _indication(item: c.Indication, cite: _Citations) -> str:
    parts = [_para(item.definition, "Definition")]
    for product, use in _by_product(item.uses):
        status = badge(_STATUS_LABEL[use.status], _STATUS_COLOUR[use.status])
        evidence = (
            badge(
                f"Evidence: {use.evidence.value.replace('-', ' ')}", _evidence_colour(use.evidence)
            )
            if use.evidence
            else badge("Evidence: not graded", GREY)
        )
        parts.append(f"<h3>{escape(product.label)}</h3><p>{status} {evidence}</p>")
        parts.append(f"<p>{escape(use.evidence_reason)}{cite.marks(use.references)}</p>")
        if use.outcomes:
            rows = "".join(
                f"<tr><td>{escape(o.trial)}</td><td>{escape(o.finding)}"
                f"{cite.marks(o.references)}{_unverified(o.verified)}</td>"
                f"<td>{escape(o.comparator or '—')}</td></tr>"
                for o in use.outcomes
            )
            parts.append(
                '<table width="100%"><tr><th width="28%">Trial</th><th>Finding</th>'
                f'<th width="20%">Compared with</th></tr>{rows}</table>'
            )
        parts += [
            _para(use.onset, "Onset"),
            _para(use.durability, "Durability"),
            _para(use.protocol, "Protocol"),
        ]
    return "".join(parts)


def _evidence_colour(strength: EvidenceStrength) -> str:
    return {
        EvidenceStrength.HIGH: GREEN,
        EvidenceStrength.MODERATE: BLUE,
        EvidenceStrength.LOW: AMBER,
        EvidenceStrength.VERY_LOW: GREY,
    }[strength]


def _contraindication(item: c.Contraindication, cite: _Citations) -> str:
    rows = []
    for product, cls in _by_product(item.classes):
        rows.append(
            f"<tr><td><b>{escape(product.label)}</b></td>"
            f"<td>{badge(cls.level.label, _CLASS_COLOUR[cls.level])}</td>"
            f"<td>{escape(cls.note or '')}</td></tr>"
        )
    parts = ["<h3>Class by product</h3><table>", *rows, "</table>"]
    parts.append(_para(item.detail, "Detail"))
    if item.thresholds:
        parts.append("<h3>Thresholds</h3><ul>")
        for th in item.thresholds:
            value = f"{th.value:g}"
            parts.append(
                f"<li><b>{escape(th.parameter.replace('-', ' '))} {escape(th.comparison)} "
                f"{escape(value)} {escape(th.unit)}</b>: {escape(th.meaning)} "
                f"<span class='muted'>({_products(th.products)})</span>"
                f"{cite.marks(th.references)}</li>"
            )
        parts.append("</ul>")
    parts.append(_para(item.rationale, "Rationale"))
    return "".join(parts)


def _side_effect(item: c.SideEffect, cite: _Citations) -> str:
    severity = badge(f"Severity: {item.severity.value}", _SEVERITY_COLOUR[item.severity])
    parts = [
        f"<p>{severity} {badge(item.category.value.replace('-', ' ').capitalize(), GREY)}</p>",
        f"<p><b>Products:</b> {_products(item.products)}</p>",
        _para(item.severity_note, "Severity"),
    ]
    if item.frequencies:
        rows = "".join(
            f"<tr><td>{escape(_SHORT[f.product])}</td><td><b>{escape(f.treated)}</b></td>"
            f"<td>{escape(f'{f.comparator_value} ({f.comparator})' if f.comparator else '—')}</td>"
            f"<td>{escape(f.setting)}{cite.marks(f.references)}{_unverified(f.verified)}</td></tr>"
            for f in item.frequencies
        )
        parts.append(
            '<h3>How often</h3><table width="100%"><tr><th width="14%">Product</th>'
            '<th width="14%">With treatment</th><th width="24%">Comparator</th>'
            f"<th>Setting and source</th></tr>{rows}</table>"
        )
    else:
        parts.append(
            "<p><i>No frequency figure is recorded; that is not evidence of rarity.</i></p>"
        )
    if item.onset or item.peak or item.resolution:
        parts.append("<h3>Time course</h3>")
        parts += [
            _para(item.onset, "Onset"),
            _para(item.peak, "Peak"),
            _para(item.resolution, "Resolution"),
        ]
    parts.append("<h3>Management</h3>" + _para(item.management))
    return "".join(parts)


def _interaction(item: c.Interaction, _cite: _Citations) -> str:
    level = badge(item.level.value.capitalize(), _LEVEL_COLOUR[item.level])
    agents = escape(", ".join(item.agents)) if item.agents else "—"
    return "".join(
        [
            f"<p>{level} <b>{escape(item.drug_class)}</b></p>",
            f"<p><b>Agents:</b> {agents}</p>",
            f"<p><b>Products:</b> {_products(item.products)}</p>",
            _para(item.effect, "Effect"),
            _para(item.rule, "What to do"),
        ]
    )


def _monitoring(item: c.MonitoringStep, _cite: _Citations) -> str:
    parts = [
        f"<p>{badge(item.phase.value.replace('-', ' ').capitalize(), BLUE)}</p>",
        f"<p><b>Products:</b> {_products(item.products)}</p>",
        _para(item.timepoint, "When"),
        _para(item.what, "What"),
        _para(item.threshold, "Threshold"),
    ]
    if item.checklist:
        parts.append("<h3>Checklist</h3><ul>")
        parts += [f"<li>☐ {escape(line)}</li>" for line in item.checklist]
        parts.append("</ul>")
    return "".join(parts)


def _handout(item: c.Handout, _cite: _Citations) -> str:
    parts = [
        f"<p><b>For:</b> {escape(item.audience.value)} · <b>Products:</b> "
        f"{_products(item.products)} · <b>Version</b> {escape(item.version)}</p>",
        f"<p><b>{escape(item.main_message)}</b></p>",
    ]
    for section in item.sections:
        parts.append(f"<h3>{escape(section.heading)}</h3>")
        parts += [_block(block) for block in section.blocks]
    return "".join(parts)


def _statements(heading: str, statements: Sequence[c.Statement], cite: _Citations) -> str:
    rows = "".join(
        f"<li>{escape(st.text)}{cite.marks(st.references)}{_unverified(st.verified)}"
        + (f"<br><i>Not yet verified: {escape(note)}</i>" if (note := st.unverified_note) else "")
        + "</li>"
        for st in statements
    )
    return f"<h3>{escape(heading)}</h3><ul>{rows}</ul>"


def _product(item: c.ProductPage, cite: _Citations, titles: Mapping[str, str]) -> str:
    """A product page: status per indication first, then dosing by phase, then the rest."""
    statuses = "".join(
        f'<tr><td><a href="{item_url(ItemKind.INDICATION, st.indication)}">'
        f"{escape(titles.get(st.indication, st.indication))}</a></td>"
        f"<td>{badge(_STATUS_LABEL[st.status], _STATUS_COLOUR[st.status])}</td>"
        f"<td>{escape(st.text)}{cite.marks(st.references)}{_unverified(st.verified)}</td></tr>"
        for st in item.statuses
    )
    dosing = "".join(
        f'<tr><td width="30%"><b>{escape(d.phase)}</b></td><td>{escape(d.text)}'
        f"{cite.marks(d.references)}{_unverified(d.verified)}</td></tr>"
        for d in item.dosing
    )
    parts = [
        f"<p><b>Product:</b> {escape(item.product.label)}</p>",
        _statements("What it is", item.what_it_is, cite),
        '<h3>Regulatory status by indication</h3><table width="100%"><tr>'
        '<th width="26%">Indication</th><th width="14%">Status</th><th>Detail</th></tr>'
        f"{statuses}</table>",
        f'<h3>Dose and schedule by phase</h3><table width="100%">{dosing}</table>',
        _statements("Administration and setting", item.administration, cite),
        _statements("Observation and discharge", item.observation, cite),
        _statements("Storage and handling", item.storage, cite),
        _statements("Pharmacology", item.pharmacology, cite),
        _statements("Key warnings", item.warnings, cite),
    ]
    parts += [_statements(section.heading, section.statements, cite) for section in item.context]
    return "".join(parts)


def _block(block: c.Block) -> str:
    if isinstance(block, c.ParagraphBlock):
        return _para(block.text)
    if isinstance(block, c.StepsBlock):
        return "<ol>" + "".join(f"<li>{escape(i)}</li>" for i in block.items) + "</ol>"
    if isinstance(block, c.ChecklistBlock):
        return "<ul>" + "".join(f"<li>☐ {escape(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, c.BulletsBlock):
        return "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in block.items) + "</ul>"
    colour = {"key": BLUE, "warning": AMBER, "emergency": RED}[block.style.value]
    body = _para(block.text)
    if block.items:
        body += "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in block.items) + "</ul>"
    return (
        f'<table width="100%" style="border: 2px solid {colour};"><tr><td>'
        f"<p>{badge(block.style.value.capitalize(), colour)} <b>{escape(block.title)}</b></p>"
        f"{body}</td></tr></table>"
    )


_BODY = {
    c.Indication: _indication,
    c.Contraindication: _contraindication,
    c.SideEffect: _side_effect,
    c.Interaction: _interaction,
    c.MonitoringStep: _monitoring,
    c.Handout: _handout,
}


def _links(title: str, refs: Sequence[ItemRef]) -> str:
    if not refs:
        return ""
    rows = "".join(
        f'<li><a href="{item_url(r.kind, r.slug)}">{escape(r.title)}</a> '
        f'<span class="muted">({escape(r.kind.singular.lower())})</span></li>'
        for r in refs
    )
    return f"<h3>{escape(title)}</h3><ul>{rows}</ul>"


def _reference_line(ref: c.Reference) -> str:
    links = []
    if ref.doi:
        links.append(
            f'<a href="https://doi.org/{escape(ref.doi, quote=True)}">doi:{escape(ref.doi)}</a>'
        )
    if ref.pmid:
        pmid = escape(ref.pmid)
        links.append(f'<a href="https://pubmed.ncbi.nlm.nih.gov/{pmid}/">PMID {pmid}</a>')
    if ref.url and not ref.doi:
        links.append(f'<a href="{escape(ref.url, quote=True)}">link</a>')
    links.insert(0, f'<a href="{reference_url(ref.id)}">details</a>')
    return f"{escape(ref.citation)}{_unverified(ref.verified)} · {' · '.join(links)}"


def item_html(detail: ItemDetail) -> str:
    """The whole detail page of one clinical item."""
    item = detail.item
    cite = _Citations(detail.references)
    if isinstance(item, c.ProductPage):
        body = _product(item, cite, {r.slug: r.title for r in detail.related})
    else:
        body = _BODY[type(item)](item, cite)  # type: ignore[operator]
    parts = [
        _header(detail),
        body,
        f"<p class='muted'>Sources for this item{cite.marks(item.references)}</p>",
        _links("Related", detail.related),
        _links("Linked from", [r for r in detail.linked_from if r not in detail.related]),
        "<h3>References</h3><ol>",
        *(f"<li>{_reference_line(ref)}</li>" for ref in detail.references),
        "</ol>",
        f"<p class='muted'>Reviewed {item.reviewed:%d %b %Y} · review due "
        f"{item.review_due:%d %b %Y} · content {escape(detail.content_version)}</p>",
    ]
    return "".join(parts)


def reference_html(detail: ReferenceDetail) -> str:
    """A reference with its identifiers and every item that cites it."""
    ref = detail.reference
    parts = [STYLE, f"<h1>{escape(ref.title)}</h1>", '<p class="muted">Reference</p>']
    if not ref.verified:
        parts.append(f"<p>{badge('Unverified', AMBER)} {escape(ref.note or '')}</p>")
    parts.append(f"<p>{escape(ref.citation)}</p><table>")
    for label, value in (
        ("Type", ref.kind.value.replace("-", " ")),
        ("Authors", ref.authors),
        ("Source", ref.source),
        ("Year", str(ref.year) if ref.year else None),
    ):
        if value:
            parts.append(f"<tr><th>{label}</th><td>{escape(value)}</td></tr>")
    if ref.doi:
        doi = escape(ref.doi, quote=True)
        parts.append(f'<tr><th>DOI</th><td><a href="https://doi.org/{doi}">{doi}</a></td></tr>')
    if ref.pmid:
        pmid = escape(ref.pmid)
        parts.append(
            f'<tr><th>PubMed</th><td><a href="https://pubmed.ncbi.nlm.nih.gov/{pmid}/">'
            f"{pmid}</a></td></tr>"
        )
    if ref.url:
        url = escape(ref.url, quote=True)
        parts.append(f'<tr><th>Web</th><td><a href="{url}">{escape(ref.url)}</a></td></tr>')
    parts.append("</table>")
    cited = [ItemRef(kind, slug, title) for kind, slug, title in detail.cited_by]
    parts.append(_links("Cited by", cited) or "<p><i>No loaded item cites this reference.</i></p>")
    return "".join(parts)
