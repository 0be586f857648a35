"""What the screening engine knows besides the patient: the rule set and the medicine index.

Both are built from validated content (shipped files, a pack, or the database) by the same two
constructors, so the engine sees exactly the catalogue the clinician can browse.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
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

    Brand names come from the search synonyms: a synonym whose meanings include a known agent
    (``xanax`` -> ``alprazolam``; ``suboxone`` -> ``buprenorphine, naloxone``) stands for those
    components. A name missing from the index is "not recognised", which says nothing about its
    safety; so is any component of a brand that the index does not know.
    """

    def __init__(
        self,
        by_name: Mapping[str, tuple[MedicationEntry, ...]],
        brands: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self._by_name = MappingProxyType(
            {normalise_medicine_name(k): tuple(v) for k, v in by_name.items()}
        )
        self._brands = MappingProxyType(
            {
                normalise_medicine_name(k): tuple(normalise_medicine_name(g) for g in v)
                for k, v in (brands or {}).items()
            }
        )
        self._classes = frozenset(e.interaction for v in by_name.values() for e in v)

    @classmethod
    def from_interactions(
        cls,
        interactions: Iterable[Interaction],
        synonyms: Mapping[str, Sequence[str]] | None = None,
    ) -> MedicationIndex:
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
        brands = {
            term: means
            for term, means in (synonyms or {}).items()
            if normalise_medicine_name(term) not in by_name
            and any(normalise_medicine_name(m) in by_name for m in means)
        }
        return cls({name: tuple(entries) for name, entries in by_name.items()}, brands)

    def components(self, name: str) -> tuple[str, ...]:
        """The generic names ``name`` stands for: a brand's components, else the name itself."""
        key = normalise_medicine_name(name)
        return self._brands.get(key, (key,))

    def is_brand(self, name: str) -> bool:
        return normalise_medicine_name(name) in self._brands

    def lookup(self, name: str) -> tuple[MedicationEntry, ...]:
        """Every interaction class of ``name`` (of each component for a brand); empty when none
        is recognised."""
        entries = (e for c in self.components(name) for e in self._by_name.get(c, ()))
        return tuple(dict.fromkeys(entries))

    def lookup_generic(self, generic: str) -> tuple[MedicationEntry, ...]:
        return self._by_name.get(normalise_medicine_name(generic), ())

    def recognises(self, name: str) -> bool:
        """True when every component of ``name`` is known."""
        return all(c in self._by_name for c in self.components(name))

    def has_class(self, interaction: str) -> bool:
        return interaction in self._classes

    def names(self) -> list[str]:
        """All recognised names, generic and brand, sorted (for a picker or completer)."""
        return sorted({*self._by_name, *self._brands})

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, MedicationIndex)
            and dict(self._by_name) == dict(other._by_name)
            and dict(self._brands) == dict(other._brands)
        )

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

    @property
    def supports_eligibility(self) -> bool:
        """Approved, or off-label with at least moderate evidence: enough on its own for
        "eligible to consider". Low, very-low or ungraded evidence is not."""
        return self.status == "approved" or self.evidence in ("high", "moderate")

    @property
    def in_words(self) -> str:
        """``"off-label; evidence very low"`` (for the status reason)."""
        evidence = self.evidence.replace("-", " ") if self.evidence else "not graded"
        return f"{self.status}; evidence {evidence}"


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
