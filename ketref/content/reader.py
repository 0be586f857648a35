"""Read a knowledge-base folder (the shipped one or an unpacked pack) into a ContentBundle.

Every problem names the file, the item and the field, so a content editor can fix it at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ketref.bounded_read import UnreadableFileError, read_bounded, read_bounded_text
from ketref.content.parallel_read import map_files
from ketref.content.safe_yaml import MAX_BYTES, YamlError, load_yaml
from ketref.domain.content import (
    ContentBundle,
    Contraindication,
    Handout,
    Indication,
    Interaction,
    MonitoringStep,
    ProductPage,
    Reference,
    Release,
    ScreeningRule,
    SideEffect,
    Synonym,
)
from ketref.domain.content_integrity import integrity_problems
from ketref.domain.errors import ContentError
from ketref.domain.validation import format_validation_error

# folder name -> (bundle field, model)
FOLDERS: dict[str, tuple[str, type[BaseModel]]] = {
    "references": ("references", Reference),
    "indications": ("indications", Indication),
    "contraindications": ("contraindications", Contraindication),
    "side-effects": ("side_effects", SideEffect),
    "interactions": ("interactions", Interaction),
    "monitoring": ("monitoring", MonitoringStep),
    "handouts": ("handouts", Handout),
    "products": ("products", ProductPage),
    "screening-rules": ("screening_rules", ScreeningRule),
}
SEPARATE_FOLDERS = frozenset({"schedules", "monitoring-sheets"})
"""Folders read by their own reader (ketref.content.schedules, .monitoring_sheets), not into
the bundle."""


def _items_in(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        return [data]
    if data is None:
        return []
    raise YamlError("expected a list of items or one item (a mapping)")


def validate_items(raw: Any, model: type[BaseModel], where: str) -> tuple[list[Any], list[str]]:
    """Validate each raw item; return the good models and one problem line per bad field."""
    good: list[Any] = []
    problems: list[str] = []
    try:
        items = _items_in(raw)
    except YamlError as exc:
        return [], [f"{where}: {exc}"]
    for index, item in enumerate(items, start=1):
        label = f"item {index}"
        if isinstance(item, dict) and isinstance(item.get("slug", item.get("id")), str):
            label += f" ({item.get('slug', item.get('id'))})"
        try:
            good.append(model.model_validate(item))
        except ValidationError as exc:
            problems += [f"{where}: {label}: {line}" for line in format_validation_error(exc)]
    return good, problems


def _yaml_files(folder: Path) -> Iterator[Path]:
    yield from sorted(p for p in folder.iterdir() if p.suffix in {".yaml", ".yml"} and p.is_file())


def _read(path: Path) -> Any:
    try:
        return load_yaml(read_bounded_text(path, MAX_BYTES))
    except UnreadableFileError as exc:
        raise YamlError(str(exc)) from exc


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # reported by the read itself
        return 0


def _read_file(job: tuple[Path, str, type[BaseModel]]) -> tuple[list[Any], list[str]]:
    """One content file's valid items and its problems (run in a worker process for large
    folders: see ketref.content.parallel_read)."""
    path, where, model = job
    try:
        return validate_items(_read(path), model, where)
    except YamlError as exc:
        return [], [f"{where}: {exc}"]


def folder_digest(root: Path) -> str:
    """SHA-256 over every content file's path and bytes: cheap to compute, changes with any edit."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in {".yaml", ".yml"}):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(read_bounded(path, MAX_BYTES) + b"\0")
    return digest.hexdigest()


def read_content_folder(root: Path) -> ContentBundle:
    """Load and validate every file under ``root``.

    Raises:
        ContentError: listing every problem found (files, items, fields, cross-references).
    """
    problems: list[str] = []
    fields: dict[str, list[Any]] = {name: [] for name, _ in FOLDERS.values()}

    def rel(path: Path) -> str:
        return path.relative_to(root).as_posix()

    release: Release | None = None
    release_path = root / "release.yaml"
    try:
        releases, release_problems = validate_items(_read(release_path), Release, rel(release_path))
        problems += release_problems
        if len(releases) == 1:
            release = releases[0]
        elif not release_problems:
            problems.append(f"{rel(release_path)}: must hold exactly one release")
    except YamlError as exc:
        problems.append(f"{rel(release_path)}: {exc}")

    synonyms: list[Synonym] = []
    synonyms_path = root / "synonyms.yaml"
    if synonyms_path.exists():
        try:
            synonyms, syn_problems = validate_items(
                _read(synonyms_path), Synonym, rel(synonyms_path)
            )
            problems += syn_problems
        except YamlError as exc:
            problems.append(f"{rel(synonyms_path)}: {exc}")

    jobs: list[tuple[Path, str, type[BaseModel]]] = []
    fields_of_jobs: list[str] = []
    for folder_name, (field, model) in FOLDERS.items():
        folder = root / folder_name
        if folder.is_dir():
            for path in _yaml_files(folder):
                jobs.append((path, rel(path), model))
                fields_of_jobs.append(field)
    sizes = [_size(path) for path, _, _ in jobs]
    for field, (good, file_problems) in zip(
        fields_of_jobs, map_files(_read_file, jobs, sizes), strict=True
    ):
        fields[field] += good
        problems += file_problems
    for unexpected in sorted(
        p.name
        for p in root.iterdir()
        if p.is_dir() and p.name not in FOLDERS and p.name not in SEPARATE_FOLDERS
    ):
        problems.append(f"{unexpected}/: unknown content folder")

    if problems or release is None:
        raise ContentError(problems or ["release.yaml is missing"])
    # Items are already validated one by one above (with file names in the messages), so the
    # bundle is assembled without re-validating and then checked across files.
    values: dict[str, Any] = {"release": release, "synonyms": synonyms, **fields}
    bundle = ContentBundle.model_construct(**values)
    cross_problems = integrity_problems(bundle)
    if cross_problems:
        raise ContentError([f"content: {p}" for p in cross_problems])
    return bundle
