"""Clinical vignettes against the shipped rules: each names a patient and what must come out.

Every vignette starts from a fully answered adult with treatment-resistant depression and
nothing against treatment (eligible to consider for both products), changes a few answers, and
states the status per product plus the rules that must (and must not) fire.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from ketref.domain.enums import FindingOutcome, ScreeningStatus
from ketref.domain.patient import Patient
from ketref.domain.thresholds import BloodPressure, Thresholds
from tests.screening_support import ESK, IV, clear_patient, fired, run, shipped_rules, unknown

pytestmark = pytest.mark.unit

NE = ScreeningStatus.NOT_ELIGIBLE
CD = ScreeningStatus.CANNOT_DETERMINE
NR = ScreeningStatus.NEEDS_REVIEW
AV = ScreeningStatus.AVOID_COMBINATION
OK = ScreeningStatus.ELIGIBLE_TO_CONSIDER


@dataclass(frozen=True)
class Vignette:
    name: str
    changes: dict[str, Any]
    iv: ScreeningStatus
    esketamine: ScreeningStatus
    fires: set[str] = field(default_factory=set)
    """Rule ids that must hold for at least one product."""
    silent: set[str] = field(default_factory=set)
    """Rule ids that must not hold for any product."""
    thresholds: Thresholds | None = None


def v(name: str, iv: ScreeningStatus, esk: ScreeningStatus, **kw: Any) -> Vignette:
    fires = set(kw.pop("fires", ()))
    silent = set(kw.pop("silent", ()))
    thresholds = kw.pop("thresholds", None)
    return Vignette(name, kw, iv, esk, fires, silent, thresholds)


# fmt: off
VIGNETTES = [
    v("clear adult with TRD", OK, OK, fires={"indication-trd-iv", "indication-trd-esketamine",
                                             "setting-iv", "setting-esketamine"}),
    # --- absolute contraindications ----------------------------------------------------------
    v("hypersensitivity to ketamine", NE, NE, hypersensitivity_to_ketamine=True,
      fires={"hypersensitivity-to-ketamine"}),
    v("abdominal aortic aneurysm", NE, NE, aneurysmal_vascular_disease=True,
      fires={"aneurysmal-vascular-disease"}),
    v("arteriovenous malformation", NE, NE, arteriovenous_malformation=True,
      fires={"arteriovenous-malformation"}),
    v("old intracerebral haemorrhage", NE, NE, intracerebral_hemorrhage_history=True,
      fires={"intracerebral-haemorrhage-history"}),
    v("ventricular shunt (raised ICP item)", NE, NE, raised_intracranial_pressure=True,
      fires={"raised-intracranial-pressure"}),
    v("current mania: out for IV, review for Spravato", NE, NR, current_psychosis_or_mania=True,
      fires={"current-psychosis-or-mania-iv", "current-psychosis-or-mania-esketamine"}),
    v("active alcohol use disorder", NE, NR, active_substance_use_disorder=True,
      fires={"active-substance-use-disorder-iv", "active-substance-use-disorder-esketamine"}),
    v("Child-Pugh C cirrhosis", NE, NR, severe_hepatic_impairment=True,
      fires={"severe-hepatic-impairment-iv", "severe-hepatic-impairment-esketamine"}),
    v("pre-eclampsia in pregnancy", NE, NR, pregnant=True, pre_eclampsia_or_eclampsia=True,
      fires={"pre-eclampsia-or-eclampsia-iv", "pregnancy-esketamine",
             "pre-eclampsia-or-eclampsia-esketamine"}),
    # --- blood pressure: at a threshold is not above it ------------------------------------
    v("BP exactly 140/90", OK, OK, systolic_bp=140, diastolic_bp=90,
      silent={"bp-above-delay-iv", "bp-above-delay-esketamine"}),
    v("BP 141/90: systolic alone above delay", NR, NR, systolic_bp=141, diastolic_bp=90,
      fires={"bp-above-delay-iv", "bp-above-delay-esketamine"}),
    v("BP 139/91: diastolic alone above delay", NR, NR, systolic_bp=139, diastolic_bp=91,
      fires={"bp-above-delay-iv", "bp-above-delay-esketamine"}),
    v("BP exactly 180/100", NR, NR, systolic_bp=180, diastolic_bp=100,
      fires={"bp-above-delay-iv"}, silent={"bp-above-stop-iv", "bp-above-stop-esketamine"}),
    v("BP 181/100: systolic above stop", NE, NR, systolic_bp=181, diastolic_bp=100,
      fires={"bp-above-stop-iv", "bp-above-stop-esketamine"}),
    v("BP 179/101: diastolic above stop", NE, NR, systolic_bp=179, diastolic_bp=101,
      fires={"bp-above-stop-iv", "bp-above-stop-esketamine"}),
    v("systolic unknown, diastolic normal", CD, NR, systolic_bp=None, diastolic_bp=80),
    v("systolic 185, diastolic unknown: one component decides", NE, NR,
      systolic_bp=185, diastolic_bp=None, fires={"bp-above-stop-iv"}),
    v("clinic delay threshold 130/85, BP 135/80", NR, NR, systolic_bp=135, diastolic_bp=80,
      thresholds=Thresholds(BloodPressure(130, 85), BloodPressure(160, 95)),
      fires={"bp-above-delay-iv"}),
    v("clinic stop threshold 160/95, BP 165/90", NE, NR, systolic_bp=165, diastolic_bp=90,
      thresholds=Thresholds(BloodPressure(130, 85), BloodPressure(160, 95)),
      fires={"bp-above-stop-iv"}),
    # --- age ---------------------------------------------------------------------------------
    v("17-year-old", NR, NR, age_years=17, fires={"age-under-18-iv", "age-under-18-esketamine"}),
    v("16-year-old with TRD: Spravato label is for adults", NR, NR, age_years=16,
      fires={"age-under-18-esketamine", "indication-trd-iv"}, silent={"no-indication-met"}),
    v("age unknown: Spravato's indication stays open", NR, NR, age_years=None,
      silent={"indication-trd-esketamine"}),
    v("exactly 18", OK, OK, age_years=18, silent={"age-under-18-iv", "age-under-18-esketamine"}),
    v("64-year-old", OK, OK, age_years=64, silent={"age-65-and-over"}),
    v("exactly 65", NR, NR, age_years=65, fires={"age-65-and-over"},
      silent={"age-75-and-over-esketamine"}),
    v("80-year-old", NR, NR, age_years=80, fires={"age-65-and-over", "age-75-and-over-esketamine"}),
    # --- relative contraindications and precautions ------------------------------------------
    v("pregnant", NR, NR, pregnant=True, fires={"pregnancy-iv", "pregnancy-esketamine"}),
    v("breastfeeding", NR, NR, breastfeeding=True,
      fires={"breastfeeding-iv", "breastfeeding-esketamine"}),
    v("MI eight months ago", NR, NR, recent_cardiac_event=True, fires={"recent-cardiac-event"}),
    v("past TIA", NR, NR, stroke_or_tia_history=True, fires={"stroke-or-tia-history"}),
    v("atrial fibrillation, decompensated", NR, NR, significant_arrhythmia_or_heart_failure=True,
      fires={"arrhythmia-or-heart-failure"}),
    v("untreated glaucoma", NR, NR, raised_intraocular_pressure=True,
      fires={"raised-intraocular-pressure"}),
    v("schizophrenia, currently well", NR, NR, psychosis_history=True, fires={"psychosis-history"}),
    v("untreated Graves' disease", NR, NR, uncontrolled_hyperthyroidism=True,
      fires={"uncontrolled-hyperthyroidism"}),
    v("early dementia", NR, NR, cognitive_impairment=True, fires={"cognitive-impairment"}),
    v("obstructive sleep apnoea", NR, NR, respiratory_risk=True, fires={"respiratory-risk"}),
    v("past hypertensive encephalopathy", NR, NR, hypertensive_encephalopathy_history=True,
      fires={"hypertensive-encephalopathy-history"}),
    v("recreational ketamine use", NR, NR, prior_ketamine_misuse_or_intoxication=True,
      fires={"prior-ketamine-misuse-or-intoxication"}),
    v("cannot consent", NR, NR, lack_of_capacity_to_consent=True,
      fires={"lack-of-capacity-to-consent"}),
    v("acute intermittent porphyria", NR, NR, acute_porphyria=True, fires={"acute-porphyria"}),
    v("abnormal liver tests only note", OK, OK, abnormal_liver_tests=True,
      fires={"abnormal-liver-tests"}),
    v("renal impairment only note", OK, OK, renal_impairment=True, fires={"renal-impairment"}),
    v("bladder symptoms only note", OK, OK, bladder_symptoms=True, fires={"bladder-symptoms"}),
    # --- indications -------------------------------------------------------------------------
    v("TRD with one failed trial", NR, NR, failed_antidepressant_trials=1,
      fires={"no-indication-met", "trd-definition-not-met"},
      silent={"indication-trd-iv", "indication-trd-esketamine"}),
    v("TRD with exactly two failed trials", OK, OK, failed_antidepressant_trials=2,
      fires={"indication-trd-iv", "indication-trd-esketamine"}),
    v("TRD with unknown trial count", NR, NR, failed_antidepressant_trials=None,
      silent={"indication-trd-iv", "indication-trd-esketamine"}),
    v("MDD without resistance: evidence low", NR, NR, diagnoses=["major-depressive-disorder"],
      fires={"indication-mdd-iv", "no-indication-met"}),
    v("MDD with acute suicidal ideation on sertraline", OK, OK,
      diagnoses=["depression-with-suicidal-ideation"], medications=["sertraline"],
      fires={"indication-suicidal-ideation-iv", "indication-suicidal-ideation-esketamine"}),
    v("suicidal ideation, no medicines: Spravato label needs an oral antidepressant", OK, NR,
      diagnoses=["depression-with-suicidal-ideation"], medications=[],
      fires={"indication-suicidal-ideation-iv"}, silent={"no-indication-met"}),
    v("suicidal ideation, medicines not known: the question is open", NR, NR,
      diagnoses=["depression-with-suicidal-ideation"], medications=None,
      silent={"indication-suicidal-ideation-esketamine"}),
    v("suicidal ideation on a brand-name antidepressant", OK, OK,
      diagnoses=["depression-with-suicidal-ideation"], medications=["Zoloft"],
      fires={"indication-suicidal-ideation-esketamine"}),
    v("bipolar depression: evidence low", NR, NR, diagnoses=["bipolar-depression"],
      fires={"indication-bipolar-depression-iv"}),
    v("generalised and social anxiety: evidence low", NR, NR,
      diagnoses=["generalized-anxiety-disorder", "social-anxiety-disorder"],
      fires={"indication-gad-iv", "indication-sad-iv"}),
    v("PTSD: evidence low", NR, NR, diagnoses=["ptsd"], fires={"indication-ptsd-iv"}),
    v("CRPS: evidence moderate", OK, NR, diagnoses=["complex-regional-pain-syndrome"],
      fires={"indication-crps-iv"}),
    v("fibromyalgia: evidence very low", NR, NR, diagnoses=["fibromyalgia"],
      fires={"indication-fibromyalgia-iv"}),
    v("TRD plus PTSD: the TRD indication carries IV", OK, OK,
      diagnoses=["treatment-resistant-depression", "ptsd"],
      fires={"indication-trd-iv", "indication-ptsd-iv"}),
    v("neuropathic pain, fibromyalgia, chronic pain", NR, NR,
      diagnoses=["neuropathic-pain", "fibromyalgia", "chronic-pain"],
      fires={"indication-neuropathic-pain-iv", "indication-fibromyalgia-iv",
             "indication-chronic-pain-iv"}),
    v("no diagnosis at all", NR, NR, diagnoses=[], fires={"no-indication-met"}),
    v("diagnoses not known", NR, NR, diagnoses=None),
    # --- medications -------------------------------------------------------------------------
    v("lorazepam, dose not known", NR, NR, medications=["lorazepam"],
      fires={"medication-review"}),
    v("lorazepam 3 mg/day: at the limit", NR, NR, medications=["lorazepam"],
      lorazepam_equivalent_mg_per_day=3, silent={"high-dose-benzodiazepines"}),
    v("lorazepam 4 mg/day", NR, NR, medications=["lorazepam"],
      lorazepam_equivalent_mg_per_day=4, fires={"high-dose-benzodiazepines"}),
    v("dose recorded but no benzodiazepine taken", OK, OK, medications=["sertraline"],
      lorazepam_equivalent_mg_per_day=4, silent={"high-dose-benzodiazepines"}),
    v("tranylcypromine (MAOI)", NR, NR, medications=["tranylcypromine"],
      fires={"medication-review"}),
    v("theophylline (avoid)", AV, AV, medications=["theophylline"], fires={"medication-review"}),
    v("avoid outranks cannot-determine", AV, AV, medications=["theophylline"], pregnant=None),
    v("Xanax is alprazolam", NR, NR, medications=["Xanax"], fires={"medication-review"}),
    v("gabapentin is a CNS depressant", NR, NR, medications=["gabapentin"],
      fires={"medication-review"}),
    v("Seroquel (quetiapine) is a CNS depressant", NR, NR, medications=[" SEROquel "],
      fires={"medication-review"}),
    v("lithium: noted, no change", OK, OK, medications=["lithium"], fires={"medication-note"}),
    v("donepezil: no known interaction, noted", OK, OK, medications=["Aricept"],
      fires={"medication-note"}),
    v("unknown medicine name", NR, NR, medications=["metforminn"], fires={"medication-review"}),
    v("sertraline is compatible", OK, OK, medications=["sertraline"], fires={"medication-note"}),
    v("nasal fluticasone concerns Spravato only", OK, NR, medications=["fluticasone"],
      fires={"medication-review"}),
    v("name written oddly", NR, NR, medications=["  LoRaZePaM  "], fires={"medication-review"}),
    v("medication list not known", NR, NR, medications=None),
    # --- precedence --------------------------------------------------------------------------
    v("not-eligible wins over unknowns", NE, NE, aneurysmal_vascular_disease=True,
      pregnant=None, systolic_bp=None, diagnoses=None, medications=None),
    v("cannot-determine wins over needs-review", CD, CD, hypersensitivity_to_ketamine=None,
      pregnant=True),
]
# fmt: on


@pytest.mark.parametrize("vignette", VIGNETTES, ids=lambda vg: vg.name)
def test_vignette(vignette: Vignette) -> None:
    result = run(clear_patient(**vignette.changes), vignette.thresholds)
    assert result.for_product(IV).status is vignette.iv
    assert result.for_product(ESK).status is vignette.esketamine
    holding = fired(result, IV) | fired(result, ESK)
    assert vignette.fires <= holding, vignette.fires - holding
    assert not vignette.silent & holding, vignette.silent & holding


def test_there_are_enough_vignettes() -> None:
    assert len(VIGNETTES) >= 30
    assert len({vg.name for vg in VIGNETTES}) == len(VIGNETTES)


def test_every_shipped_rule_is_exercised_by_a_vignette() -> None:
    exercised: set[str] = set()
    for vignette in VIGNETTES:
        result = run(clear_patient(**vignette.changes), vignette.thresholds)
        exercised |= fired(result, IV) | fired(result, ESK)
        exercised |= unknown(result, IV) | unknown(result, ESK)
    assert {r.id for r in shipped_rules().rules} <= exercised


def test_blood_pressure_components_are_each_reported() -> None:
    result = run(clear_patient(systolic_bp=150, diastolic_bp=85))
    finding = next(
        f for f in result.for_product(ESK).findings if f.rule_id == "bp-above-delay-esketamine"
    )
    checks = {c.field: c for c in finding.threshold}
    assert checks["systolic_bp"].met is True
    assert checks["systolic_bp"].threshold == 140
    assert checks["diastolic_bp"].met is False
    assert checks["diastolic_bp"].threshold == 90
    assert all(c.local_policy for c in checks.values())
    assert dict(finding.values) == {"systolic_bp": 150, "diastolic_bp": 85}


def test_unknown_blood_pressure_says_what_is_missing() -> None:
    result = run(clear_patient(systolic_bp=None, diastolic_bp=None))
    finding = next(f for f in result.for_product(IV).findings if f.rule_id == "bp-above-stop-iv")
    assert finding.outcome is FindingOutcome.CANNOT_DETERMINE
    assert finding.missing == ("systolic_bp", "diastolic_bp")
    assert finding.message.startswith("Not known: Resting systolic blood pressure")


def test_unknown_trial_count_is_not_zero() -> None:
    result = run(clear_patient(failed_antidepressant_trials=None))
    for product in (IV, ESK):
        findings = result.for_product(product).findings
        assert "trd-definition-not-met" not in {f.rule_id for f in findings}
        no_indication = next(f for f in findings if f.rule_id == "no-indication-met")
        assert no_indication.missing == ("failed_antidepressant_trials",)
        assert no_indication.outcome is FindingOutcome.NEEDS_REVIEW


def test_medicine_findings_name_the_class_and_cite_it() -> None:
    result = run(clear_patient(medications=["theophylline", "Metforminn", "sertraline"]))
    findings = {
        dict(f.values)["medication"]: f
        for f in result.for_product(IV).findings
        if f.values and f.values[0][0] == "medication"
    }
    theophylline = findings["theophylline"]
    assert theophylline.basis == "avoid"
    assert theophylline.item is not None
    assert theophylline.item.slug == "theophylline-aminophylline"
    assert "ketalar-uspi-2024" in theophylline.references
    assert "Do not co-administer" in theophylline.message
    unrecognised = findings["Metforminn"]
    assert unrecognised.outcome is FindingOutcome.NEEDS_REVIEW
    assert "not recognised — review manually" in unrecognised.message
    assert "no interaction" not in unrecognised.message.replace(
        "not the same as having no interaction", ""
    )
    assert findings["sertraline"].outcome is FindingOutcome.INFORMATIONAL


def test_the_same_medicine_twice_gives_one_finding() -> None:
    result = run(clear_patient(medications=["lorazepam", "LORAZEPAM ", "lorazepam"]))
    meds = [f for f in result.for_product(IV).findings if f.rule_id == "medication-review"]
    assert len(meds) == 1


def test_indication_findings_carry_regulatory_basis() -> None:
    result = run(clear_patient(diagnoses=["treatment-resistant-depression", "ptsd"]))
    esk = next(
        f for f in result.for_product(ESK).findings if f.rule_id == "indication-trd-esketamine"
    )
    assert esk.basis == "approved, evidence moderate"
    ptsd = next(f for f in result.for_product(IV).findings if f.rule_id == "indication-ptsd-iv")
    assert ptsd.basis == "off-label, evidence low"
    assert ptsd.item is not None
    assert ptsd.item.slug == "ptsd"


def test_every_finding_carries_its_basis() -> None:
    patient = clear_patient(pregnant=True, systolic_bp=150, medications=["lorazepam"], age_years=70)
    result = run(patient)
    for product_result in result.results:
        for finding in product_result.findings:
            assert finding.references, finding.rule_id
            assert finding.ruleset_version == result.ruleset_version
            assert finding.rule_version >= 1
            assert finding.review_due is not None
            assert finding.reviewed is not None
            assert finding.message


def test_an_all_unknown_patient_is_never_eligible_nor_ruled_out() -> None:
    result = run(Patient())
    for product_result in result.results:
        assert product_result.status is CD
        assert not product_result.findings_with(FindingOutcome.NOT_ELIGIBLE)
        assert product_result.findings_with(FindingOutcome.CANNOT_DETERMINE)


# --- evidence, label conditions, avoid, brands (issue 16) -----------------------------------


@pytest.mark.parametrize(
    ("diagnosis", "reason"),
    [
        ("fibromyalgia", "off-label; evidence very low: Fibromyalgia"),
        (
            "major-depressive-disorder",
            "off-label; evidence low: Major depressive disorder without treatment resistance",
        ),
    ],
)
def test_weak_evidence_alone_needs_review_and_says_why(diagnosis: str, reason: str) -> None:
    result = run(clear_patient(diagnoses=[diagnosis])).for_product(IV)
    assert result.status is NR
    assert result.reason == reason
    assert result.status_text == f"Needs review ({reason})"
    assert result.as_dict()["reason"] == reason
    finding = next(f for f in result.findings if f.rule_id.startswith("indication-"))
    assert finding.outcome is FindingOutcome.NEEDS_REVIEW
    assert finding.message.startswith(reason.split(":", maxsplit=1)[0].capitalize() + ":")
    assert not result.findings_with(FindingOutcome.INDICATION_MET)


def test_weak_evidence_beside_a_supported_indication_is_for_information() -> None:
    result = run(clear_patient(diagnoses=["treatment-resistant-depression", "ptsd"]))
    iv = result.for_product(IV)
    assert iv.status is OK
    assert iv.reason is None
    ptsd = next(f for f in iv.findings if f.rule_id == "indication-ptsd-iv")
    assert ptsd.outcome is FindingOutcome.INFORMATIONAL
    assert ptsd.message.startswith("Off-label; evidence low:")


def test_a_16_year_old_with_trd_does_not_meet_spravatos_indication() -> None:
    esk = run(clear_patient(age_years=16)).for_product(ESK)
    assert not esk.findings_with(FindingOutcome.INDICATION_MET)
    finding = next(f for f in esk.findings if f.rule_id == "indication-trd-esketamine")
    assert finding.outcome is FindingOutcome.NEEDS_REVIEW
    assert "adults (18 years or older)" in finding.message
    assert dict(finding.values)["age_years"] == 16
    assert esk.reason is not None and "adults (18 years or older)" in esk.reason


def test_spravato_for_suicidal_ideation_needs_a_known_oral_antidepressant() -> None:
    base = {"diagnoses": ["depression-with-suicidal-ideation"]}
    empty = run(clear_patient(medications=[], **base)).for_product(ESK)
    finding = next(f for f in empty.findings if f.rule_id.startswith("indication-suicidal"))
    assert "oral antidepressant" in finding.message and not finding.missing
    unknown_list = run(clear_patient(medications=None, **base)).for_product(ESK)
    open_question = next(
        f for f in unknown_list.findings if f.rule_id.startswith("indication-suicidal")
    )
    assert open_question.missing == ("medications",)
    assert open_question.message.startswith("Not known: Current medicines")
    unrecognised = run(clear_patient(medications=["Sleepwell"], **base)).for_product(ESK)
    assert not unrecognised.findings_with(FindingOutcome.INDICATION_MET)  # unknown, never "no"


def test_an_avoid_interaction_reads_stronger_than_a_caution() -> None:
    avoid = run(clear_patient(medications=["theophylline"])).for_product(IV)
    caution = run(clear_patient(medications=["lorazepam"])).for_product(IV)
    assert avoid.status is AV and caution.status is NR
    assert list(ScreeningStatus).index(avoid.status) < list(ScreeningStatus).index(caution.status)
    assert avoid.status.label != caution.status.label
    assert avoid.reason == "theophylline: avoid with this product"
    assert caution.reason is None


def test_brand_names_map_to_generics_and_are_shown_as_typed() -> None:
    result = run(clear_patient(medications=["  XANAX ", "Suboxone", "Lyrica"])).for_product(IV)
    messages = [f.message for f in result.findings if f.rule_id == "medication-review"]
    assert any(m.startswith("XANAX (alprazolam): Benzodiazepines") for m in messages)
    assert any(m.startswith("Suboxone (buprenorphine): Opioids") for m in messages)
    assert any(m.startswith("Suboxone (naloxone): not recognised") for m in messages)
    assert any(m.startswith("Lyrica (pregabalin): Gabapentinoids") for m in messages)


def test_no_known_interaction_is_not_called_safe() -> None:
    result = run(clear_patient(medications=["donepezil", "lithium"])).for_product(ESK)
    notes = [f.message for f in result.findings if f.rule_id == "medication-note"]
    assert len(notes) == 2
    assert all("No known interaction in the sources, which is not evidence" in n for n in notes)
