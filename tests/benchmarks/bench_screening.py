"""Screening one patient through the service, as the GUI does on every answer changed.

Subject: ``ScreeningService.screen`` on the shipped content, which checks the content fingerprint
(one database read), reads the clinic's thresholds and runs the engine. Baseline: the pure engine
(``ketref.domain.screening.screen``) with the same rules, medicine index and thresholds, so the
ratio is what the service's database reads add (for information; the goal is absolute).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from ketref.domain.patient import PATIENT_FIELDS, FieldKind, Patient
from ketref.domain.screening import screen
from tests.benchmarks import fixtures
from tests.benchmarks.harness import Context, Figure, alternate, benchmark, under

CALLS = 20
"""Screenings per sample: one takes well under a millisecond, too short to time alone."""


def sample_patient() -> Patient:
    """A filled-in adult with treatment-resistant depression, several medicines (some that
    interact), a raised blood pressure and a few answers not known: what a clinic enters."""
    values: dict[str, object] = {
        spec.name: False for spec in PATIENT_FIELDS if spec.kind is FieldKind.FLAG
    }
    values.update(
        age_years=46,
        diagnoses=("treatment-resistant-depression", "generalized-anxiety-disorder"),
        failed_antidepressant_trials=3,
        systolic_bp=148,
        diastolic_bp=92,
        medications=("sertraline", "lorazepam", "lamotrigine", "amlodipine", "bupropion"),
        lorazepam_equivalent_mg_per_day=1.5,
        respiratory_risk=None,
        abnormal_liver_tests=None,
        bladder_symptoms=None,
    )
    return Patient(**values)  # type: ignore[arg-type]


def per_call(fn: Callable[[], object]) -> Callable[[], Mapping[str, float]]:
    def measure() -> Mapping[str, float]:
        start = time.perf_counter()
        for _ in range(CALLS):
            fn()
        return {"ms": (time.perf_counter() - start) * 1000 / CALLS}

    return measure


@benchmark("screening", "Screening one patient through the service vs the pure engine")
def screening(ctx: Context) -> list[Figure]:
    home = fixtures.home_with(ctx, fixtures.database_of(ctx, fixtures.SHIPPED), "screening")
    services = fixtures.open_services(home, fixtures.SHIPPED)
    try:
        patient = sample_patient()
        service = services.screening
        start = time.perf_counter()
        result = service.screen(patient)  # the first call reads the rules (cached after)
        first_ms = (time.perf_counter() - start) * 1000
        knowledge = service.knowledge()
        thresholds = service.clinic_thresholds()
        engine = screen(patient, knowledge.rules, thresholds, knowledge.medicines)
        if engine != result:
            raise RuntimeError("the service and the engine disagree on the same patient")
        repeat = ctx.repeat(15, quick=5)
        subject, baseline = alternate(
            per_call(lambda: service.screen(patient)),
            per_call(lambda: screen(patient, knowledge.rules, thresholds, knowledge.medicines)),
            repeat,
            warmup=int(repeat > 1),
        )
    finally:
        services.close()
    statuses = ", ".join(f"{r.product.value} {r.status.value}" for r in result.results)
    findings = sum(len(r.findings) for r in result.results)
    return [
        Figure(
            "screen one patient",
            "ms",
            subject["ms"],
            baseline["ms"],
            "pure engine",
            (under(5.0),),
            note=f"{statuses}; {findings} findings; mean of {CALLS} calls per sample",
        ),
        Figure("first screening", "ms", [first_ms], note="reads rules, medicines and references"),
    ]
