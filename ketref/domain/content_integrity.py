"""Checks across a whole knowledge base: unique ids, resolvable citations and links, rules.

Kept apart from the content models so the rule checks (which need the models) and the models
do not import each other.
"""

from __future__ import annotations

from ketref.domain.content import MODEL_BY_KIND, ContentBundle, Handout, cited_reference_ids
from ketref.domain.enums import ItemKind
from ketref.domain.rule_checks import rule_problems


def integrity_problems(bundle: ContentBundle) -> list[str]:
    """Cross-item checks: unique ids, resolvable references and links, no orphan references."""
    problems: list[str] = []
    ref_ids = [r.id for r in bundle.references]
    problems += [f"reference id {d!r} is defined twice" for d in _duplicates(ref_ids)]
    known_refs = set(ref_ids)
    slugs: dict[ItemKind, set[str]] = {}
    for kind in MODEL_BY_KIND:
        kind_slugs = [i.slug for i in bundle.items_of(kind)]
        problems += [f"{kind.value} slug {d!r} is defined twice" for d in _duplicates(kind_slugs)]
        slugs[kind] = set(kind_slugs)
    slugs[ItemKind.REFERENCE] = known_refs
    cited: set[str] = set()
    for kind, item in bundle.clinical_items():
        item_refs = cited_reference_ids(item)
        cited |= item_refs
        for missing in sorted(item_refs - known_refs):
            problems.append(f"{kind.value}/{item.slug} cites unknown reference {missing!r}")
        if isinstance(item, Handout) and item.translation_of is not None:
            source = item.translation_of.slug
            if source not in slugs[ItemKind.HANDOUT]:
                problems.append(f"handouts/{item.slug} translates unknown handout {source!r}")
        for link in item.related:
            if link.slug not in slugs[link.kind]:
                problems.append(
                    f"{kind.value}/{item.slug} links to unknown {link.kind.value}/{link.slug}"
                )
    rule_ids = [r.id for r in bundle.screening_rules]
    problems += [f"screening rule {d!r} is defined twice" for d in _duplicates(rule_ids)]
    for rule in bundle.screening_rules:
        rule_refs = set(rule.references)
        cited |= rule_refs
        for missing in sorted(rule_refs - known_refs):
            problems.append(f"screening rule {rule.id} cites unknown reference {missing!r}")
        if rule.contraindication and rule.contraindication not in slugs[ItemKind.CONTRAINDICATION]:
            problems.append(f"screening rule {rule.id} names unknown contraindication")
    problems += rule_problems(
        bundle.screening_rules, bundle.contraindications, bundle.indications, bundle.interactions
    )
    for orphan in sorted(known_refs - cited):
        problems.append(f"reference {orphan!r} is not cited by any item")
    return problems


def _duplicates(values: list[str]) -> list[str]:
    seen: set[str] = set()
    dups: list[str] = []
    for v in values:
        if v in seen and v not in dups:
            dups.append(v)
        seen.add(v)
    return dups
