"""Cross-checks between screening rules and the rest of the knowledge base.

A rule may be no stricter and no softer than the contraindication it applies: "not eligible" only
for an absolute class, and a relative or "not recommended" class always needs review. A rule may
count a diagnosis as an indication only for a product the knowledge base lists it for. These run
whenever content is loaded, so an edited rule cannot drift from the catalogue it cites.
"""

from __future__ import annotations

from collections.abc import Iterable

from ketref.domain.content import Contraindication, Indication, Interaction, ScreeningRule
from ketref.domain.enums import ContraindicationClass, RegulatoryStatus, RuleOutcome

OUTCOMES_BY_CLASS: dict[ContraindicationClass, frozenset[RuleOutcome]] = {
    ContraindicationClass.ABSOLUTE_LABEL: frozenset(
        {RuleOutcome.NOT_ELIGIBLE, RuleOutcome.NEEDS_REVIEW}
    ),
    ContraindicationClass.ABSOLUTE_GUIDELINE: frozenset(
        {RuleOutcome.NOT_ELIGIBLE, RuleOutcome.NEEDS_REVIEW}
    ),
    ContraindicationClass.NOT_RECOMMENDED: frozenset({RuleOutcome.NEEDS_REVIEW}),
    ContraindicationClass.RELATIVE: frozenset({RuleOutcome.NEEDS_REVIEW}),
    ContraindicationClass.PRECAUTION: frozenset(
        {RuleOutcome.NEEDS_REVIEW, RuleOutcome.INFORMATIONAL}
    ),
}
"""Which rule outcomes may apply a contraindication of each class (absolute classes may also
have softer rules, e.g. a lower blood-pressure level that only calls for review)."""


def rule_problems(
    rules: Iterable[ScreeningRule],
    contraindication_items: Iterable[Contraindication],
    indication_items: Iterable[Indication],
    interaction_items: Iterable[Interaction],
) -> list[str]:
    """Problems with the screening rules, one line each (empty when consistent).

    Run on every content load and again on the database's current items, which a clinician may
    have edited locally after the rules were loaded.
    """
    problems: list[str] = []
    contraindications = {c.slug: c for c in contraindication_items}
    indications = {i.slug: i for i in indication_items}
    interactions = {i.slug for i in interaction_items}
    for rule in rules:
        where = f"screening rule {rule.id}"
        ci = contraindications.get(rule.contraindication or "")
        if ci is not None:
            for product in rule.products:
                level = ci.classes[product].level
                if rule.outcome not in OUTCOMES_BY_CLASS[level]:
                    problems.append(
                        f"{where}: outcome {rule.outcome.value} does not fit "
                        f"{ci.slug} ({level.value} for {product.value})"
                    )
        elif rule.outcome is RuleOutcome.NOT_ELIGIBLE:
            problems.append(f"{where}: a not-eligible rule must name its contraindication")
        for slug in rule.diagnoses:
            indication = indications.get(slug)
            if indication is None:
                problems.append(f"{where}: {slug!r} is not an indication in the knowledge base")
                continue
            if rule.outcome is not RuleOutcome.INDICATION_MET:
                continue
            for product in rule.products:
                if indication.uses[product].status is RegulatoryStatus.NOT_APPROVED:
                    problems.append(
                        f"{where}: {slug} is not an indication for {product.value} in the "
                        "knowledge base"
                    )
        for slug in rule.classes_taken:
            if slug not in interactions:
                problems.append(f"{where}: {slug!r} is not an interaction class")
    return problems
