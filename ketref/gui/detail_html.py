"""HTML for the detail pane; every piece of content text is escaped before it is shown."""

from __future__ import annotations

from html import escape
from typing import Any

from ketref.domain.catalogue import ItemDetail, ReferenceDetail
from ketref.domain.enums import Product

_SKIP = {
    "slug",
    "title",
    "summary",
    "references",
    "reviewed",
    "review_due",
    "verified",
    "unverified_note",
    "related",
}


_PRODUCT_LABELS = {p.value: p.label for p in Product}


def _label(key: str) -> str:
    if key in _PRODUCT_LABELS:
        return escape(_PRODUCT_LABELS[key])
    return escape(key.replace("_", " ").capitalize())


def _value_html(value: Any) -> str:
    if isinstance(value, dict):
        rows = "".join(
            f"<li><b>{_label(str(k))}:</b> {_value_html(v)}</li>"
            for k, v in value.items()
            if v not in (None, [], {})
        )
        return f"<ul>{rows}</ul>"
    if isinstance(value, list):
        return "<ul>" + "".join(f"<li>{_value_html(v)}</li>" for v in value) + "</ul>"
    return escape(str(value))


def item_html(detail: ItemDetail) -> str:
    item = detail.item
    badges = []
    if detail.due_for_review:
        badges.append("DUE FOR REVIEW")
    if not item.verified:
        badges.append(f"UNVERIFIED: {item.unverified_note or ''}")
    if detail.locally_edited:
        badges.append("LOCAL EDIT")
    parts = [f"<h2>{escape(item.title)}</h2>", f"<p><i>{escape(detail.kind.singular)}</i></p>"]
    parts += [f"<p><b>[{escape(b)}]</b></p>" for b in badges]
    parts.append(f"<p>{escape(item.summary)}</p>")
    body = item.model_dump(mode="json", by_alias=True)
    for key, value in body.items():
        if key in _SKIP or value in (None, [], {}):
            continue
        parts.append(f"<h4>{_label(key)}</h4>{_value_html(value)}")
    parts.append(
        f"<p>Reviewed {item.reviewed:%Y-%m-%d} · review due {item.review_due:%Y-%m-%d}</p>"
        "<h4>References</h4><ol>"
    )
    for ref in detail.references:
        mark = " <b>[unverified]</b>" if not ref.verified else ""
        link = f' <a href="{escape(ref.url, quote=True)}">link</a>' if ref.url else ""
        parts.append(f"<li>{escape(ref.citation)}{mark}{link}</li>")
    parts.append("</ol>")
    return "".join(parts)


def reference_html(detail: ReferenceDetail) -> str:
    ref = detail.reference
    parts = [f"<h2>{escape(ref.title)}</h2>", f"<p>{escape(ref.citation)}</p>"]
    if not ref.verified:
        parts.append(f"<p><b>[UNVERIFIED]</b> {escape(ref.note or '')}</p>")
    if ref.url:
        parts.append(f'<p><a href="{escape(ref.url, quote=True)}">{escape(ref.url)}</a></p>')
    parts.append("<h4>Cited by</h4><ul>")
    parts += [
        f"<li>{escape(kind.singular)}: {escape(title)}</li>" for kind, _, title in detail.cited_by
    ]
    parts.append("</ul>")
    return "".join(parts)
