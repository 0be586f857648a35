"""What the screening engine knows besides the patient: the rule set and the medicine index.

Both are built from validated content (shipped files, a pack, or the database) by the same two
constructors, so the engine sees exactly the catalogue the clinician can browse.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from ketref.domain.content import Contraindication, Indication, Interaction, ScreeningRule
from ketref.domain.enums import ContraindicationClass, InteractionLevel, Product
from ketref.domain.rule_checks import rule_problems

_SPACES = re.compile(r"\s+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


def normalise_medicine_name(name: str) -> str:
    """Case-, space- and apostrophe-insensitive key: ``" St John’s  Wort"`` -> ``st john's wort``.

    Used for both the knowledge base's agents and the patient's list, so they always agree.
    """
    text = unicodedata.normalize("NFKC", name).translate(_APOSTROPHES)
    return _SPACES.sub(" ", text).strip().casefold()


@dataclass(frozen=True)
class MedicationEntry:
    """One interaction class a medicine name belongs to, with what to do about it."""

    interaction: str
    title: str
    level: InteractionLevel
    products: frozenset[Product]
    advice: str
    references: tuple[str, ...]
    verified: bool
    unverified_note: str | None
    reviewed: date
    review_due: date


class MedicationIndex:
    """Generic names -> interaction classes, from the ``agents`` lists of the knowledge base.

    A name missing from the index is "not recognised", which says nothing about its safety.
    """

    def __init__(self, by_name: Mapping[str, tuple[MedicationEntry, ...]]) -> None:
        self._by_name = MappingProxyType(
            {normalise_medicine_name(k): tuple(v) for k, v in by_name.items()}
        )
        self._classes = frozenset(e.interaction for v in by_name.values() for e in v)

    @classmethod
    def from_interactions(cls, interactions: Iterable[Interaction]) -> MedicationIndex:
        by_name: dict[str, list[MedicationEntry]] = {}
        for item in sorted(interactions, key=lambda i: i.slug):
            entry = MedicationEntry(
                interaction=item.slug,
                title=item.title,
                level=item.level,
                products=frozenset(item.products),
                advice=item.rule,
                references=tuple(dict.fromkeys(item.references)),
                verified=item.verified,
                unverified_note=item.unverified_note,
                reviewed=item.reviewed,
                review_due=item.review_due,
            )
            for agent in dict.fromkeys(normalise_medicine_name(a) for a in item.agents):
                by_name.setdefault(agent, []).append(entry)
        return cls({name: tuple(entries) for name, entries in by_name.items()})

    def lookup(self, name: str) -> tuple[MedicationEntry, ...]:
        """Every interaction class of ``name``; empty when the name is not recognised."""
        return self._by_name.get(normalise_medicine_name(name), ())

    def recognises(self, name: str) -> bool:
        return bool(self.lookup(name))

    def has_class(self, interaction: str) -> bool:
        return interaction in self._classes

    def names(self) -> list[str]:
        """All recognised names, sorted (for a picker or completer)."""
        return sorted(self._by_name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MedicationIndex) and dict(self._by_name) == dict(other._by_name)

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True)
class IndicationUseSummary:
    """How the knowledge base lists one indication for one product (shown as the basis)."""

    title: str
    status: str
    evidence: str | None

    @property
    def basis(self) -> str:
        return f"{self.status}, evidence {self.evidence}" if self.evidence else self.status


@dataclass(frozen=True)
class RuleSet:
    """A versioned set of screening rules plus the catalogue facts findings refer to."""

    version: str
    rules: tuple[ScreeningRule, ...]
    diagnoses: Mapping[str, str]
    """Every indication slug a patient's diagnoses may use -> its title."""
    contraindication_classes: Mapping[str, Mapping[Product, ContraindicationClass]]
    indication_uses: Mapping[str, Mapping[Product, IndicationUseSummary]]
    problems: tuple[str, ...] = ()
    """Ways the rules no longer fit the catalogue (e.g. after a local edit); every result shows
    them and cannot be more certain than "cannot determine" while they exist."""

    @classmethod
    def from_content(
        cls,
        version: str,
        rules: Iterable[ScreeningRule],
        indications: Iterable[Indication],
        contraindications: Iterable[Contraindication],
        interactions: Iterable[Interaction] = (),
    ) -> RuleSet:
        """Build from validated items; ``interactions`` are needed to check ``takes`` rules."""
        indication_list = list(indications)
        contraindication_list = list(contraindications)
        rule_list = tuple(rules)
        interaction_list = list(interactions)
        problems = rule_problems(
            rule_list, contraindication_list, indication_list, interaction_list
        )
        return cls(
            version=version,
            rules=rule_list,
            problems=tuple(problems),
            diagnoses=MappingProxyType({i.slug: i.title for i in indication_list}),
            contraindication_classes=MappingProxyType(
                {
                    c.slug: MappingProxyType({p: k.level for p, k in c.classes.items()})
                    for c in contraindication_list
                }
            ),
            indication_uses=MappingProxyType(
                {
                    i.slug: MappingProxyType(
                        {
                            p: IndicationUseSummary(
                                title=i.title,
                                status=use.status.value,
                                evidence=use.evidence.value if use.evidence else None,
                            )
                            for p, use in i.uses.items()
                        }
                    )
                    for i in indication_list
                }
            ),
        )

    def with_rules(self, rules: Iterable[ScreeningRule]) -> RuleSet:
        """The same knowledge with other rules (used to test that order does not matter)."""
        return RuleSet(
            version=self.version,
            rules=tuple(rules),
            diagnoses=self.diagnoses,
            contraindication_classes=self.contraindication_classes,
            indication_uses=self.indication_uses,
            problems=self.problems,
        )
