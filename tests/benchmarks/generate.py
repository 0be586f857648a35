"""Synthetic knowledge bases N times the size of the shipped one, built through the real schema.

The whole app, not just SQL, has to be measured at scale, so the generated content looks like the
shipped content to every layer: each generated item is a variant of a shipped item (same kind,
same structure, same enums and products), with made-up titles and names in the template's shape,
text produced by a word-level Markov chain trained on the shipped text (``vocabulary``), its own
generated references (valid DOIs, PMIDs, years) and cross-links inside its copy. Every item is
built as a pydantic model from ``ketref.domain.content`` and written as YAML that
``read_content_folder`` validates like any content folder; nothing goes around validation.

Copy 0 is the shipped content itself, so real queries still find real items; copies 1..N-1 are
synthetic. The text is nonsense clinically: it only ever lives in a cache folder for benchmarks
and its release notes say so. Generation is deterministic for a seed, and results are cached
under a key that covers the shipped content, this generator and the database code.

Usage: ``python -m tests.benchmarks.generate --scale 100 [--seed N] [--db] [-o DIR]``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import shutil
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ketref.content.reader import FOLDERS, folder_digest, read_content_folder
from ketref.domain import content as c
from ketref.paths import resources_dir
from tests.benchmarks import vocabulary
from tests.benchmarks.vocabulary import KEEP, Vocabulary, dump_model

SHIPPED = resources_dir() / "content"
DEFAULT_SEED = 20261121
DEFAULT_SCALE = 100
CACHE_ENV = "KETREF_BENCH_CACHE"
SYNTHETIC_NOTE = (
    "SYNTHETIC benchmark knowledge base: the shipped content plus generated copies. "
    "Not clinical content; never load it into a real library."
)


# Fields copied unchanged from the template: enums, products, numbers, dates, identifiers the
# code interprets (screening factors and parameters) and units.
def cache_root() -> Path:
    """Where generated folders and databases are kept between runs ($KETREF_BENCH_CACHE)."""
    configured = os.environ.get(CACHE_ENV)
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "ketref-bench-cache"


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-") or "item"


# --- One generated copy ---------------------------------------------------------------------


@dataclass
class Copy:
    """Generated content of one copy, ready to be written (every model already validated)."""

    references: list[c.Reference]
    items: dict[str, list[c.Model]]
    rules: list[c.ScreeningRule]


class Generator:
    def __init__(self, bundle: c.ContentBundle, seed: int) -> None:
        self.bundle = bundle
        self.seed = seed
        self.vocab = Vocabulary(bundle)

    def copy(self, number: int) -> Copy:
        rng = random.Random(f"{self.seed}:{number}")
        ref_ids = {r.id: f"{r.id}-s{number}" for r in self.bundle.references}
        slugs: dict[str, dict[str, str]] = {}
        titles: dict[tuple[str, str], str] = {}
        for kind, item in self.bundle.clinical_items():
            taken = set(slugs.setdefault(kind.value, {}).values())
            title = self.vocab.title_like(rng, item.title)
            slug = f"{_slugify(title)}-{number}"
            while slug in taken:
                slug = f"{slug}-x"
            slugs[kind.value][item.slug] = slug
            titles[(kind.value, item.slug)] = title
        items: dict[str, list[c.Model]] = defaultdict(list)
        for kind, item in self.bundle.clinical_items():
            rewritten = self._rewrite(rng, dump_model(item), ref_ids, slugs, "")
            data = {
                **rewritten,
                "slug": slugs[kind.value][item.slug],
                "title": titles[(kind.value, item.slug)],
            }
            items[kind.value].append(c.MODEL_BY_KIND[kind].model_validate(data))
        rules = []
        for rule in self.bundle.screening_rules:
            data = self._rewrite(rng, dump_model(rule), ref_ids, slugs, "")
            data["id"] = f"{rule.id}-s{number}"
            if rule.contraindication:
                data["contraindication"] = slugs["contraindications"][rule.contraindication]
            rules.append(c.ScreeningRule.model_validate(data))
        references = [
            self._reference(rng, ref, ref_ids[ref.id], number, index)
            for index, ref in enumerate(self.bundle.references)
        ]
        return Copy(references=references, items=dict(items), rules=rules)

    def _rewrite(
        self,
        rng: random.Random,
        value: Any,
        ref_ids: dict[str, str],
        slugs: dict[str, dict[str, str]],
        key: str,
    ) -> Any:
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for name, nested in value.items():
                if name in KEEP or name in {"id", "slug", "contraindication"}:
                    out[name] = nested
                elif name == "references":
                    out[name] = [ref_ids[r] for r in nested]
                elif name == "related":
                    out[name] = [
                        {"kind": link["kind"], "slug": slugs[link["kind"]][link["slug"]]}
                        for link in nested
                    ]
                elif name == "drug_class":
                    out[name] = self.vocab.title_like(rng, nested)
                elif name == "agents":
                    out[name] = sorted({self.vocab.agent(rng) for _ in nested})
                else:
                    out[name] = self._rewrite(rng, nested, ref_ids, slugs, str(name))
            return out
        if isinstance(value, list):
            return [self._rewrite(rng, v, ref_ids, slugs, key) for v in value]
        if isinstance(value, str):
            return self.vocab.text_like(rng, key, value)
        return value

    def _reference(
        self, rng: random.Random, template: c.Reference, new_id: str, number: int, index: int
    ) -> c.Reference:
        vocab = self.vocab
        authors = ", ".join(
            f"{rng.choice(vocab.surnames)} {rng.choice('ABCDEFGHJKLMNPRSTW')}"
            f"{rng.choice('ABCDEJKLMRS')}"
            for _ in range(rng.randint(1, 6))
        )
        if rng.random() < 0.5:
            authors += ", et al"
        title = vocab.text_like(rng, "reference.title", template.title).rstrip(".")
        year = rng.randint(1998, 2025) if template.year else None
        source = rng.choice(vocab.pools["reference.source"]) if template.source else None
        doi = f"10.{rng.randint(1000, 99999)}/kb.{number}.{index}" if template.doi else None
        volume, page = rng.randint(1, 400), rng.randint(1, 2400)
        citation = f"{authors}. {title}. {source or 'Report'}. {year or 'n.d.'};"
        citation += f"{volume}:{page}-{page + rng.randint(2, 14)}."
        if doi:
            citation += f" doi:{doi}."
        data: dict[str, Any] = {
            "id": new_id,
            "kind": template.kind.value,
            "citation": citation,
            "title": title,
            "authors": authors,
            "source": source,
            "year": year,
            "doi": doi,
            "pmid": str(rng.randint(10_000_000, 39_999_999)) if template.pmid else None,
            "pmcid": f"PMC{rng.randint(1_000_000, 9_999_999)}" if template.pmcid else None,
            "set_id": f"{rng.getrandbits(64):016x}" if template.set_id else None,
            "url": f"https://doi.org/{doi}" if doi else template.url,
            "verified": template.verified,
            "note": vocab.text_like(rng, "reference.note", template.note)
            if template.note
            else None,
        }
        return c.Reference.model_validate({k: v for k, v in data.items() if v is not None})


# --- Writing and caching --------------------------------------------------------------------


def _write_yaml(path: Path, models: Iterable[c.Model]) -> None:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    data = [dump_model(m) for m in models]
    text = yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(text, encoding="utf-8")


def generate_folder(
    out: Path, scale: int, seed: int = DEFAULT_SEED, source: Path = SHIPPED
) -> Path:
    """Write a knowledge base ``scale`` times the size of ``source`` into ``out`` (created).

    Raises:
        ContentError: the source folder is invalid.
        pydantic.ValidationError: a generated item failed the schema (a generator bug).
    """
    if scale < 1:
        raise ValueError("scale must be at least 1")
    bundle = read_content_folder(source)
    out.mkdir(parents=True)
    for path in source.rglob("*.yaml"):
        if path.name != "release.yaml":
            target = out / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    release = c.Release.model_validate(
        {
            "version": bundle.release.version,
            "released": bundle.release.released.isoformat(),
            "notes": f"{SYNTHETIC_NOTE} Scale {scale}, seed {seed}.",
        }
    )
    (out / "release.yaml").write_text(
        yaml.safe_dump(dump_model(release), sort_keys=False), encoding="utf-8"
    )
    generator = Generator(bundle, seed)
    for number in range(1, scale):
        copy = generator.copy(number)
        # Item kinds are named like their folders ("side-effects").
        groups: dict[str, list[c.Model]] = {"references": list(copy.references), **copy.items}
        if copy.rules:
            groups["screening-rules"] = list(copy.rules)
        for folder, models in groups.items():
            (out / folder).mkdir(exist_ok=True)
            _write_yaml(out / folder / f"synthetic-{number:03d}.yaml", models)
    return out


def _source_key(*parts: object) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode("utf-8") + b"\0")
    return digest.hexdigest()


def _code_digest(*roots: Path) -> str:
    digest = hashlib.sha256()
    for root in roots:
        files = [root] if root.is_file() else sorted(root.rglob("*.py"))
        for path in files:
            digest.update(path.read_bytes())
    return digest.hexdigest()


def folder_key(scale: int, seed: int, source: Path = SHIPPED) -> str:
    """Cache key of a generated folder: the source content, this generator, scale and seed."""
    return _source_key(
        folder_digest(source), _code_digest(Path(__file__), Path(vocabulary.__file__)), scale, seed
    )[:16]


def _publish(build: Path, final: Path) -> None:
    """Move a finished build into place and drop older builds of the same kind.

    A concurrent run that published first keeps its copy.
    """
    try:
        build.rename(final)
    except OSError:
        shutil.rmtree(build, ignore_errors=True)
        if not final.exists():
            raise
    family = final.name.rsplit("-", 1)[0]  # "kb-100x", "db-shipped"
    for stale in final.parent.glob(f"{family}-*"):
        if stale != final and stale.name.rsplit("-", 1)[0] == family:
            shutil.rmtree(stale, ignore_errors=True)


def _scratch(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="building-", dir=root))


def cached_folder(scale: int, seed: int = DEFAULT_SEED, cache: Path | None = None) -> Path:
    """The generated knowledge base for (scale, seed), generated on first use.

    The folder is named ``content`` (inside a keyed directory) like the shipped one, so it can
    stand in for ``resources/content``.
    """
    root = cache or cache_root()
    final = root / f"kb-{scale}x-{folder_key(scale, seed)}"
    if not (final / "content").is_dir():
        build = _scratch(root)
        generate_folder(build / "ready" / "content", scale, seed)
        _publish(build / "ready", final)
        shutil.rmtree(build, ignore_errors=True)
    return final / "content"


def _database_dir(folder: Path, cache: Path | None) -> Path:
    """Where the database of ``folder`` is cached: keyed by the folder's files and by ketref's
    database, content and domain code, so a changed schema, loader or search index rebuilds it."""
    package = Path(__file__).resolve().parents[2] / "ketref"
    code = _code_digest(package / "db", package / "content", package / "domain")
    generated = re.match(r"kb-(\d+x)-", folder.resolve().parent.name)
    label = "shipped" if folder.resolve() == SHIPPED.resolve() else "other"
    label = generated.group(1) if generated else label
    return (cache or cache_root()) / f"db-{label}-{_source_key(folder_digest(folder), code)[:16]}"


def database_for(folder: Path, cache: Path | None = None) -> Path:
    """A ketref database file with ``folder`` loaded (built on first use); copy it before use."""
    from ketref.db.engine import DatabaseTarget
    from ketref.paths import AppPaths
    from ketref.services.workspace import Workspace

    final = _database_dir(folder, cache)
    if not (final / "ketref.db").is_file():
        build = _scratch(final.parent)
        paths = AppPaths.resolve(build / "home")
        paths.ensure()
        Workspace(paths, DatabaseTarget.parse(paths.database), folder).open().close()
        adopt_database(folder, paths.database, cache)
        shutil.rmtree(build, ignore_errors=True)
    return final / "ketref.db"


def adopt_database(folder: Path, database: Path, cache: Path | None = None) -> None:
    """Keep a database just built from ``folder`` (closed) as its cached copy, if none is yet."""
    final = _database_dir(folder, cache)
    if (final / "ketref.db").is_file():
        return
    build = _scratch(final.parent)
    shutil.move(database, build / "ketref.db")
    _publish(build, final)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.generate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--scale", type=int, default=DEFAULT_SCALE, help="copies (default 100)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("-o", "--out", type=Path, help="write here instead of the cache")
    parser.add_argument("--db", action="store_true", help="also build the cached database")
    args = parser.parse_args(argv)
    if args.out:
        folder = generate_folder(args.out, args.scale, args.seed)
    else:
        folder = cached_folder(args.scale, args.seed)
    bundle = read_content_folder(folder)
    counts = ", ".join(f"{len(getattr(bundle, f))} {f}" for f, _m in FOLDERS.values())
    print(f"{folder}\n{counts}")
    if args.db:
        print(database_for(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
