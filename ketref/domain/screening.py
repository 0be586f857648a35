"""The screening engine: ``screen(patient, rules, thresholds, medicines) -> ScreeningResult``.

Pure and deterministic. Conditions are evaluated in three-valued (Kleene) logic: a fact that is
not known makes a condition *unknown*, never false, unless the rest of the condition already
decides it. An unknown rule is reported as such: "cannot determine" when it could make the patient
not eligible, "needs review" when it could call for review (undecided informational rules add
nothing; an indication whose diagnosis holds but whose label condition is unknown or unmet says
so itself; any other missing indication is reported by the no-indication rule). Refining an
unknown into a value can therefore never undo a finding that already holds. Findings are sorted
on a total key, so the order of the rules never changes the result.

Status precedence per product: not-eligible > avoid-combination > cannot-determine >
needs-review > eligible-to-consider (an indication is met that is approved or off-label with at
least moderate evidence, its label conditions hold, and nothing else calls for attention).
Condition evaluation itself lives in ``rule_evaluation``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from ketref.domain.content import ScreeningRule
from ketref.domain.enums import (
    FindingOutcome,
    InteractionLevel,
    ItemKind,
    Product,
    RuleOutcome,
    ScreeningStatus,
)
from ketref.domain.errors import BadInputError
from ketref.domain.patient import FIELD_BY_NAME, Patient
from ketref.domain.rule_conditions import (
    NOT_RECOGNISED,
    Condition,
    LabelCondition,
    MedicationsCondition,
    NoIndicationCondition,
)
from ketref.domain.rule_evaluation import Context, Evaluation, Truth, combine, evaluate
from ketref.domain.screening_knowledge import (
    IndicationUseSummary,
    MedicationEntry,
    MedicationIndex,
    RuleSet,
    normalise_medicine_name,
)
from ketref.domain.screening_result import (
    Finding,
    ItemRef,
    JsonValue,
    ProductResult,
    ScreeningResult,
)
from ketref.domain.thresholds import Thresholds

__all__ = ["Evaluation", "Truth", "evaluate_condition", "screen", "status_of"]


_WHEN_UNKNOWN = {
    RuleOutcome.NOT_ELIGIBLE: FindingOutcome.CANNOT_DETERMINE,
    RuleOutcome.NEEDS_REVIEW: FindingOutcome.NEEDS_REVIEW,
}
"""What a rule that cannot be decided contributes. Undecided informational and indication rules
add nothing: they cannot change a status, and a missing indication is reported by the
no-indication rule with the facts it lacks."""

_STATUS_BY_OUTCOME = (
    (FindingOutcome.NOT_ELIGIBLE, ScreeningStatus.NOT_ELIGIBLE),
    (FindingOutcome.AVOID_COMBINATION, ScreeningStatus.AVOID_COMBINATION),
    (FindingOutcome.CANNOT_DETERMINE, ScreeningStatus.CANNOT_DETERMINE),
    (FindingOutcome.NEEDS_REVIEW, ScreeningStatus.NEEDS_REVIEW),
    (FindingOutcome.INDICATION_MET, ScreeningStatus.ELIGIBLE_TO_CONSIDER),
)


def screen(
    patient: Patient,
    rules: RuleSet,
    thresholds: Thresholds,
    medication_index: MedicationIndex,
) -> ScreeningResult:
    """Screen ``patient`` for every product.

    Raises:
        BadInputError: a diagnosis is not a condition of the knowledge base (a typo must not
            silently count as "no indication").
    """
    unknown = [d for d in patient.diagnoses or () if d not in rules.diagnoses]
    if unknown:
        raise BadInputError(
            f"diagnoses: {unknown[0]!r} is not a condition in the knowledge base "
            "(see 'ketref list indications')"
        )
    results = tuple(
        _screen_product(Context(patient, product, thresholds, medication_index, rules))
        for product in Product
    )
    return ScreeningResult(ruleset_version=rules.version, thresholds=thresholds, results=results)


def evaluate_condition(
    condition: Condition,
    patient: Patient,
    thresholds: Thresholds,
    medication_index: MedicationIndex,
) -> Evaluation:
    """Evaluate one condition on its own (boundary tests, explaining a rule)."""
    no_rules = RuleSet.from_content("none", [], [], [])
    return evaluate(
        condition, Context(patient, Product.IV_KETAMINE, thresholds, medication_index, no_rules)
    )


def status_of(findings: Iterable[Finding]) -> ScreeningStatus | None:
    """The status the findings call for by precedence; None when none of them decides."""
    outcomes = {f.outcome for f in findings}
    return next((s for o, s in _STATUS_BY_OUTCOME if o in outcomes), None)


def _screen_product(ctx: Context) -> ProductResult:
    rules = [r for r in ctx.rules.rules if ctx.product in r.products]
    if not rules:
        finding = _engine_finding(
            ctx,
            "no-rules-loaded",
            FindingOutcome.CANNOT_DETERMINE,
            "No screening rules are loaded for this product, so nothing was checked.",
        )
        return ProductResult(ctx.product, ScreeningStatus.CANNOT_DETERMINE, (finding,))
    findings: list[Finding] = []
    indications: list[_IndicationCheck] = []
    deferred: list[ScreeningRule] = []
    for rule in rules:
        if isinstance(rule.when, NoIndicationCondition):
            deferred.append(rule)  # needs every indication rule's result first
        elif isinstance(rule.when, MedicationsCondition):
            findings += _medication_findings(rule, rule.when, ctx)
        elif rule.outcome is RuleOutcome.INDICATION_MET:
            indications.append(_check_indication(rule, ctx))
        else:
            findings += _rule_findings(rule, evaluate(rule.when, ctx), ctx)
    findings += _indication_findings(indications, ctx)
    for rule in deferred:
        findings += _no_indication_findings(rule, indications, ctx)
    findings += [
        _engine_finding(
            ctx,
            "rules-do-not-fit-catalogue",
            FindingOutcome.CANNOT_DETERMINE,
            f"The screening rules do not fit the catalogue ({problem}); correct the rule or the "
            "edited item before relying on this result.",
        )
        for problem in ctx.rules.problems
    ]
    status = status_of(findings)
    if status is None:
        findings.append(
            _engine_finding(
                ctx,
                "no-indication-rule",
                FindingOutcome.NEEDS_REVIEW,
                "No indication was confirmed and the rule set has no rule explaining why; "
                "check the indication by hand.",
            )
        )
        status = ScreeningStatus.NEEDS_REVIEW
    ordered = tuple(sorted(findings, key=Finding.sort_key))
    return ProductResult(ctx.product, status, ordered, _status_reason(status, ordered))


def _status_reason(status: ScreeningStatus, findings: Sequence[Finding]) -> str | None:
    """The short reasons behind the status, from the findings that decide it (if they have one)."""
    deciding = next(o for o, s in _STATUS_BY_OUTCOME if s is status)
    headlines = [f.headline for f in findings if f.outcome is deciding and f.headline]
    return "; ".join(dict.fromkeys(headlines)) or None


# --- Findings ------------------------------------------------------------------------------


def _missing_text(missing: Iterable[str]) -> str:
    return "; ".join(FIELD_BY_NAME[m].label if m in FIELD_BY_NAME else m for m in missing)


def _rule_findings(rule: ScreeningRule, evaluation: Evaluation, ctx: Context) -> list[Finding]:
    if evaluation.truth is Truth.FALSE:
        return []
    if evaluation.truth is Truth.TRUE:
        outcome = FindingOutcome(rule.outcome.value)
        return [_finding(rule, outcome, rule.message, evaluation, ctx)]
    if rule.outcome in (RuleOutcome.INDICATION_MET, RuleOutcome.INFORMATIONAL):
        return []  # cannot change the status; unknown indications are reported by no-indication
    unknown = _missing_text(evaluation.missing)
    message = f"Not known: {unknown}. Answer this before deciding; if it applies: {rule.message}"
    return [_finding(rule, _WHEN_UNKNOWN[rule.outcome], message, evaluation, ctx)]


def _medication_findings(
    rule: ScreeningRule, when: MedicationsCondition, ctx: Context
) -> list[Finding]:
    medicines = ctx.patient.medications
    if medicines is None:
        evaluation = Evaluation(Truth.UNKNOWN, {"medications": None}, ["medications"])
        return _rule_findings(rule, evaluation, ctx)
    levels = set(when.medications)
    findings: list[Finding] = []
    for name in _unique_names(medicines):
        evaluation = Evaluation(Truth.TRUE, {"medication": name})
        brand = ctx.medicines.is_brand(name)
        for component in ctx.medicines.components(name):
            shown = f"{name} ({component})" if brand else name
            entries = ctx.medicines.lookup_generic(component)
            if not entries:
                if NOT_RECOGNISED in levels:
                    message = (
                        f"{shown}: not recognised — review manually. ketref has no entry for "
                        "this name, which is not the same as having no interaction."
                    )
                    outcome = FindingOutcome(rule.outcome.value)
                    findings.append(
                        _finding(rule, outcome, message, evaluation, ctx, basis=NOT_RECOGNISED)
                    )
                continue
            for entry in entries:
                if ctx.product not in entry.products or entry.level.value not in levels:
                    continue
                findings.append(_medication_finding(rule, shown, entry, evaluation, ctx))
    return findings


def _medication_finding(
    rule: ScreeningRule, shown: str, entry: MedicationEntry, evaluation: Evaluation, ctx: Context
) -> Finding:
    avoid = entry.level is InteractionLevel.AVOID and rule.outcome is RuleOutcome.NEEDS_REVIEW
    finding = _finding(
        rule,
        FindingOutcome.AVOID_COMBINATION if avoid else FindingOutcome(rule.outcome.value),
        f"{shown}: {entry.title} ({entry.level.value}). {entry.advice}",
        evaluation,
        ctx,
        basis=entry.level.value,
        item=ItemRef(ItemKind.INTERACTION, entry.interaction),
        extra_references=entry.references,
    )
    return replace(
        finding,
        verified=finding.verified and entry.verified,
        unverified_note=entry.unverified_note or finding.unverified_note,
        review_due=min(entry.review_due, rule.review_due),
        headline=f"{shown}: avoid with this product" if avoid else None,
    )


def _unique_names(names: Iterable[str]) -> list[str]:
    """Listed names once each (compared case- and space-insensitively), tidied for display."""
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(normalise_medicine_name(name), " ".join(name.split()))
    return list(seen.values())


# --- Indications ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _IndicationCheck:
    """One indication rule for one product: its diagnosis part, label conditions and result."""

    rule: ScreeningRule
    base: Evaluation
    """The rule's own ``when`` (diagnosis and definition)."""
    labels: tuple[tuple[LabelCondition, Evaluation], ...]
    combined: Evaluation
    """``when`` and every label condition together (Kleene AND)."""
    use: IndicationUseSummary | None

    @property
    def met(self) -> bool:
        return self.combined.truth is Truth.TRUE

    @property
    def explained(self) -> bool:
        """The diagnosis holds but a label condition fails or is unknown: its own finding says
        why, so the no-indication rule need not."""
        return self.base.truth is Truth.TRUE and not self.met


def _check_indication(rule: ScreeningRule, ctx: Context) -> _IndicationCheck:
    base = evaluate(rule.when, ctx)
    labels = tuple((c, evaluate(c.when, ctx)) for c in rule.label_conditions)
    combined = combine([base, *(e for _, e in labels)], every=True)
    use = ctx.rules.indication_uses.get(rule.diagnoses[0], {}).get(ctx.product)
    return _IndicationCheck(rule, base, labels, combined, use)


def _indication_findings(checks: Sequence[_IndicationCheck], ctx: Context) -> list[Finding]:
    """Met indications, weighed by their evidence, and label conditions that are not met.

    An indication supports "eligible to consider" only when it is approved or off-label with at
    least moderate evidence. One met only with weaker evidence needs review, saying so in words,
    unless a better-supported indication is also met (then it is listed for information).
    """
    supported = any(c.met and c.use is not None and c.use.supports_eligibility for c in checks)
    findings: list[Finding] = []
    for check in checks:
        rule = check.rule
        if check.met:
            findings.append(_met_finding(check, supported, ctx))
        elif check.explained:
            failed = [(c, e) for c, e in check.labels if e.truth is Truth.FALSE]
            label = ctx.product.label
            if failed:
                requires = "; ".join(c.requires for c, _ in failed)
                evaluation = combine([check.base, *(e for _, e in failed)], every=True)
                evaluation.truth = Truth.TRUE  # the finding reports facts that hold
                message = (
                    f"Label condition not met, so this indication is not met. {label} "
                    f"label requires: {requires}. {rule.message}"
                )
                headline = f"label condition not met: {requires}"
                findings.append(
                    _finding(
                        rule,
                        FindingOutcome.NEEDS_REVIEW,
                        message,
                        evaluation,
                        ctx,
                        headline=headline,
                    )
                )
            else:
                open_ = [c for c, e in check.labels if e.truth is Truth.UNKNOWN]
                requires = "; ".join(c.requires for c in open_)
                message = (
                    f"Not known: {_missing_text(check.combined.missing)}. This indication is not "
                    f"confirmed until it is known. {label} label requires: {requires}. "
                    f"{rule.message}"
                )
                findings.append(
                    _finding(rule, FindingOutcome.NEEDS_REVIEW, message, check.combined, ctx)
                )
    return findings


def _met_finding(check: _IndicationCheck, supported: bool, ctx: Context) -> Finding:
    rule, use = check.rule, check.use
    if use is not None and use.supports_eligibility:
        return _finding(rule, FindingOutcome.INDICATION_MET, rule.message, check.combined, ctx)
    words = use.in_words if use is not None else "status not in the knowledge base"
    title = use.title if use is not None else rule.diagnoses[0]
    if supported:
        message = f"{words.capitalize()}: {rule.message}"
        return _finding(rule, FindingOutcome.INFORMATIONAL, message, check.combined, ctx)
    message = (
        f"{words.capitalize()}: {rule.message} Evidence this weak is not read as support for "
        "treatment: weigh benefit and risk with the patient."
    )
    return _finding(
        rule,
        FindingOutcome.NEEDS_REVIEW,
        message,
        check.combined,
        ctx,
        headline=f"{words}: {title}",
    )


def _no_indication_findings(
    rule: ScreeningRule, checks: Sequence[_IndicationCheck], ctx: Context
) -> list[Finding]:
    if any(c.met for c in checks):
        return []
    values: dict[str, JsonValue] = {"diagnoses": ctx.patient.diagnoses}
    unknown = [c.combined for c in checks if c.combined.truth is Truth.UNKNOWN and not c.explained]
    if any(c.explained for c in checks) and not unknown:
        return []  # the label-condition finding already says why no indication is met
    if not unknown:
        return [
            _finding(
                rule, FindingOutcome.NEEDS_REVIEW, rule.message, Evaluation(Truth.TRUE, values), ctx
            )
        ]
    missing: list[str] = []
    for evaluation in unknown:
        values.update(evaluation.values)
        missing += [m for m in evaluation.missing if m not in missing]
    # in form order, so the order of the rules never changes the finding
    missing.sort(key=_form_order)
    values = {name: values[name] for name in sorted(values, key=_form_order)}
    message = (
        f"Not known: {_missing_text(missing)}. No indication can be confirmed until it is. "
        f"{rule.message}"
    )
    evaluation = Evaluation(Truth.UNKNOWN, values, missing)
    return [_finding(rule, FindingOutcome.NEEDS_REVIEW, message, evaluation, ctx)]


def _form_order(name: str) -> tuple[int, str]:
    """Patient fields in the order of the form; anything else after them, alphabetically."""
    return (_FORM_POSITION.get(name, len(_FORM_POSITION)), name)


_FORM_POSITION = {name: i for i, name in enumerate(FIELD_BY_NAME)}


def _finding(
    rule: ScreeningRule,
    outcome: FindingOutcome,
    message: str,
    evaluation: Evaluation,
    ctx: Context,
    *,
    basis: str | None = None,
    item: ItemRef | None = None,
    extra_references: Sequence[str] = (),
    headline: str | None = None,
) -> Finding:
    return Finding(
        rule_id=rule.id,
        rule_version=rule.version,
        outcome=outcome,
        message=message,
        values=tuple(evaluation.values.items()),
        threshold=tuple(evaluation.checks),
        missing=tuple(evaluation.missing),
        references=tuple(dict.fromkeys([*extra_references, *rule.references])),
        ruleset_version=ctx.rules.version,
        basis=basis or _basis(rule, ctx),
        item=item or _item(rule),
        verified=rule.verified,
        unverified_note=rule.unverified_note,
        reviewed=rule.reviewed,
        review_due=rule.review_due,
        headline=headline,
    )


def _basis(rule: ScreeningRule, ctx: Context) -> str | None:
    """The class or status behind a rule for this product, from the catalogue."""
    if rule.contraindication:
        classes = ctx.rules.contraindication_classes.get(rule.contraindication, {})
        level = classes.get(ctx.product)
        return level.value if level else None
    if rule.outcome is RuleOutcome.INDICATION_MET:
        uses = ctx.rules.indication_uses.get(rule.diagnoses[0], {})
        use = uses.get(ctx.product)
        return use.basis if use else None
    return None


def _item(rule: ScreeningRule) -> ItemRef | None:
    if rule.contraindication:
        return ItemRef(ItemKind.CONTRAINDICATION, rule.contraindication)
    if rule.outcome is RuleOutcome.INDICATION_MET:
        return ItemRef(ItemKind.INDICATION, rule.diagnoses[0])
    return None


def _engine_finding(ctx: Context, rule_id: str, outcome: FindingOutcome, message: str) -> Finding:
    """A finding the engine makes itself (rule version 0, no references: not a clinical claim)."""
    return Finding(
        rule_id=rule_id,
        rule_version=0,
        outcome=outcome,
        message=message,
        values=(),
        threshold=(),
        missing=(),
        references=(),
        ruleset_version=ctx.rules.version,
        basis="engine",
    )
