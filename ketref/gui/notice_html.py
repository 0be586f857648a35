"""The detail pane's style sheet and its short notices, light enough to show before first paint.

Item layouts (``detail_html``) need the content models; a notice ("Opening the library…", an
empty list, a refused library) must not wait for them.
"""

from __future__ import annotations

from html import escape

STYLE = """
<style>
h1 { font-size: 150%; margin-bottom: 2px; }
h3 { font-size: 112%; margin-top: 14px; margin-bottom: 4px; }
.muted { font-size: 92%; }
td, th { padding: 3px 6px; vertical-align: top; }
th { text-align: left; }
</style>
"""


def message_html(title: str, text: str) -> str:
    """A short notice in the detail pane (a search miss, an empty list)."""
    return f"{STYLE}<h1>{escape(title)}</h1><p>{escape(text)}</p>"
