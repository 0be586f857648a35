"""Read the treatment schedule templates (``schedules/*.yaml``, one template per file).

They are data beside the knowledge base, checked as strictly: each template validates against
``ScheduleTemplate``, ids are unique, every cited reference exists, and each product has at most
one default template (the one ``--schedule iv-ketamine`` picks).
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from ketref.bounded_read import UnreadableFileError, read_bounded_text
from ketref.content.reader import validate_items
from ketref.content.safe_yaml import MAX_BYTES, YamlError, load_yaml
from ketref.domain.errors import ContentError
from ketref.domain.schedules import ScheduleTemplate

SCHEDULES_FOLDER = "schedules"


def read_schedule_templates(
    content_root: Path, known_references: Collection[str] | None = None
) -> list[ScheduleTemplate]:
    """Every template under ``content_root/schedules``, sorted by product then title.

    Raises:
        ContentError: listing every problem (file, template, field, unknown reference).
    """
    folder = content_root / SCHEDULES_FOLDER
    if not folder.is_dir():
        return []
    problems: list[str] = []
    templates: list[ScheduleTemplate] = []
    for path in sorted(p for p in folder.iterdir() if p.suffix in {".yaml", ".yml"}):
        where = f"{SCHEDULES_FOLDER}/{path.name}"
        try:
            raw = load_yaml(read_bounded_text(path, MAX_BYTES))
        except (UnreadableFileError, YamlError) as exc:
            problems.append(f"{where}: {exc}")
            continue
        good, item_problems = validate_items(raw, ScheduleTemplate, where)
        templates += good
        problems += item_problems
    problems += _cross_problems(templates, known_references)
    if problems:
        raise ContentError(problems)
    return sorted(templates, key=lambda t: (t.product.value, not t.default, t.title))


def _cross_problems(
    templates: list[ScheduleTemplate], known_references: Collection[str] | None
) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    defaults: dict[str, str] = {}
    for template in templates:
        where = f"{SCHEDULES_FOLDER}: {template.id}"
        if template.id in seen:
            problems.append(f"{where}: the id is used twice")
        seen.add(template.id)
        if template.default:
            if template.product.value in defaults:
                problems.append(
                    f"{where}: {template.product.value} already has a default template "
                    f"({defaults[template.product.value]})"
                )
            defaults.setdefault(template.product.value, template.id)
        if known_references is not None:
            for ref in template.references:
                if ref not in known_references:
                    problems.append(f"{where}: cites unknown reference {ref!r}")
    return problems
