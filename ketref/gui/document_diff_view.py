"""Two versions of an item side by side, field by field, with the changed words highlighted.

One table row per changed field: the field in words ("Threshold 1 › Value"), the old value and
the new one. For text, only the words that differ are marked (struck through in red on the old
side, green on the new), so a rewritten threshold or a changed sentence inside a long summary
stands out; long prose wraps inside its cell. Everything typed (``<b>``, ``&``) is shown as
typed, never as markup. Used by "Compare with shipped/version…", the release-updates dialog
and the content-pack preview.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from difflib import SequenceMatcher
from html import escape

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from ketref.domain.document_diff import MISSING, FieldChange, readable_path
from ketref.gui.notice_html import STYLE

REMOVED = "background-color: #f9d0d0; color: #7a0000; text-decoration: line-through;"
ADDED = "background-color: #c9efc9; color: #00520f;"
_WORDS = re.compile(r"\s+|[^\s]+")
REWRITTEN = 0.4
"""Below this share of words in common, the whole text is marked as replaced."""

DIFF_STYLE = """
<style>
table.diff { border-collapse: collapse; width: 100%; }
table.diff td, table.diff th { border: 1px solid #c8c8c8; padding: 4px 6px; vertical-align: top; }
table.diff th { background-color: #eeeeee; }
.absent { color: #666666; font-style: italic; }
.path { color: #666666; font-size: 85%; }
</style>
"""


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    return (
        json.dumps(value, ensure_ascii=False, indent=1)
        if isinstance(value, (dict, list))
        else json.dumps(value, ensure_ascii=False)
    )


def _marked(words: Sequence[str], style: str) -> str:
    text = escape("".join(words)).replace("\n", "<br>")
    return f'<span style="{style}">{text}</span>' if text.strip() else text


def highlighted(old: object, new: object) -> tuple[str, str]:
    """HTML for both cells: the words only one side has are marked; an absent side says so."""
    if old is MISSING or new is MISSING:
        absent = '<span class="absent">(not present)</span>'
        present = _marked(
            [_text(new if old is MISSING else old)], ADDED if old is MISSING else REMOVED
        )
        return (absent, present) if old is MISSING else (present, absent)
    left, right = _WORDS.findall(_text(old)), _WORDS.findall(_text(new))
    matcher = SequenceMatcher(None, left, right, autojunk=False)
    if matcher.ratio() < REWRITTEN:  # a rewrite: a few shared words marked apart only confuse
        return _marked(left, REMOVED), _marked(right, ADDED)
    old_html: list[str] = []
    new_html: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            same = escape("".join(left[i1:i2])).replace("\n", "<br>")
            old_html.append(same)
            new_html.append(same)
            continue
        old_html.append(_marked(left[i1:i2], REMOVED))
        new_html.append(_marked(right[j1:j2], ADDED))
    return "".join(old_html), "".join(new_html)


def diff_html(changes: Sequence[FieldChange], old_label: str, new_label: str) -> str:
    """The side-by-side table (without a page style), or a line saying nothing differs."""
    if not changes:
        return "<p>No differences: both versions say the same.</p>"
    rows = []
    for change in changes:
        old, new = highlighted(change.old, change.new)
        rows.append(
            f"<tr><td width='22%'><b>{escape(readable_path(change.path))}</b><br>"
            f"<span class='path'>{escape(change.path)}</span></td>"
            f"<td width='39%'>{old}</td><td width='39%'>{new}</td></tr>"
        )
    return (
        f"{DIFF_STYLE}<table class='diff' width='100%' cellspacing='0'>"
        f"<tr><th>Field</th><th>{escape(old_label)}</th><th>{escape(new_label)}</th></tr>"
        + "".join(rows)
        + "</table>"
    )


class DiffView(QTextBrowser):
    """The diff table in a read-only, selectable, wrapping view."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setMinimumWidth(480)

    def show_changes(self, changes: Sequence[FieldChange], old_label: str, new_label: str) -> None:
        self.setHtml(STYLE + diff_html(changes, old_label, new_label))


class DiffDialog(QDialog):
    """A diff in its own window: what is compared on top, the table, Close."""

    def __init__(
        self,
        title: str,
        summary: str,
        changes: Sequence[FieldChange],
        labels: tuple[str, str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(980, 640)
        self.summary = QLabel(summary)
        self.summary.setWordWrap(True)
        self.view = DiffView()
        self.view.show_changes(changes, *labels)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
