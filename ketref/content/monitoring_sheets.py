"""Read the session monitoring sheet templates (``monitoring-sheets/<product>.yaml``).

Checked like the knowledge base: each validates against ``MonitoringSheet``, every cited
reference exists, and there is at most one sheet per product.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from ketref.content.reader import validate_items
from ketref.content.safe_yaml import YamlError, load_yaml
from ketref.domain.enums import Product
from ketref.domain.errors import ContentError
from ketref.domain.monitoring_sheet import MonitoringSheet

SHEETS_FOLDER = "monitoring-sheets"


def read_monitoring_sheets(
    content_root: Path, known_references: Collection[str] | None = None
) -> dict[Product, MonitoringSheet]:
    """Every sheet under ``content_root/monitoring-sheets``, by product.

    Raises:
        ContentError: listing every problem (file, field, unknown reference, second sheet).
    """
    folder = content_root / SHEETS_FOLDER
    if not folder.is_dir():
        return {}
    problems: list[str] = []
    sheets: dict[Product, MonitoringSheet] = {}
    paths = sorted(p for p in folder.iterdir() if p.suffix in {".yaml", ".yml"})
    for path in paths:
        where = f"{SHEETS_FOLDER}/{path.name}"
        try:
            raw = load_yaml(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, YamlError) as exc:
            problems.append(f"{where}: {exc}")
            continue
        good, item_problems = validate_items(raw, MonitoringSheet, where)
        problems += item_problems
        for sheet in good:
            if sheet.product in sheets:
                problems.append(f"{where}: a second sheet for {sheet.product.value}")
            sheets.setdefault(sheet.product, sheet)
            if known_references is not None:
                problems += [
                    f"{where}: cites unknown reference {ref!r}"
                    for ref in sheet.references
                    if ref not in known_references
                ]
    if problems:
        raise ContentError(problems)
    return sheets
