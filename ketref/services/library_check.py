"""The content half of ``db check``: what a server database can be checked for, and SQLite too.

The storage engine's own check (SQLite's integrity_check) cannot see a deleted item or a broken
link; a server gives no such check to its clients at all. So ketref reads every item back
through the content schema, runs the same cross-item checks a content folder must pass
(citations and links resolve, rules name real items), and compares the library with the
release it says it holds: every shipped item present, nothing present that is neither shipped
nor edited here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ketref.content.reader import read_content_folder
from ketref.db.engine import Database
from ketref.db.stored_content import StoredContent, read_stored_content
from ketref.domain.content import MODEL_BY_KIND, ContentBundle
from ketref.domain.content_integrity import integrity_problems
from ketref.domain.errors import ContentError


@dataclass(frozen=True)
class ContentCheck:
    items: int
    references: int
    rules: int
    compared_with: str | None
    """The release the library was compared with, or why it was not."""
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, object]:
        return {
            "items": self.items,
            "references": self.references,
            "screening_rules": self.rules,
            "compared_with": self.compared_with,
            "problems": list(self.problems),
        }


def check_content(db: Database, content_dir: Path, version: str | None) -> ContentCheck:
    """Validate everything stored, cross-check it, and compare it with the shipped release."""
    with db.read() as session:
        stored = read_stored_content(session)
    by_field: dict[str, Any] = {kind.value.replace("-", "_"): [] for kind in MODEL_BY_KIND}
    for kind, item in stored.items:
        by_field[kind.value.replace("-", "_")].append(item)
    by_field.update(references=stored.references, screening_rules=stored.rules)
    bundle = ContentBundle.model_construct(**by_field)  # checked below, problem by problem
    problems = [*stored.unreadable, *integrity_problems(bundle)]
    if len(stored.present) > len(stored.items):  # an unreadable item's citations are unknown
        problems = [p for p in problems if not p.endswith("is not cited by any item")]
    compared, missing = _compare_with_release(stored, content_dir, version)
    problems += missing
    return ContentCheck(
        items=len(stored.items),
        references=len(stored.references),
        rules=len(stored.rules),
        compared_with=compared,
        problems=tuple(problems),
    )


def _compare_with_release(
    stored: StoredContent, content_dir: Path, version: str | None
) -> tuple[str, list[str]]:
    try:
        shipped = read_content_folder(content_dir)
    except ContentError:
        return "not compared: this ketref's shipped content could not be read", []
    if version != shipped.release.version:
        return (
            f"not compared: the library holds release {version}, this ketref ships "
            f"{shipped.release.version}",
            [],
        )
    names = stored.present
    stored_refs = {ref.id for ref in stored.references}
    release = {f"{kind.value}/{item.slug}" for kind, item in shipped.clinical_items()}
    problems = [
        f"{name} of release {version} is missing from the library"
        for name in sorted(release - names)
    ]
    problems += [
        f"references/{ref.id} of release {version} is missing from the library"
        for ref in shipped.references
        if ref.id not in stored_refs
    ]
    problems += [
        f"{name} is neither in release {version} nor edited or added here"
        for name in sorted(names - release - stored.local)
    ]
    return f"release {version}", problems
