"""ScreeningService over a real database: rules round-trip, caching, clinic thresholds."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from sqlalchemy import select

from ketref.db import tables as t
from ketref.db.mapping import rule_to_domain
from ketref.domain.enums import FindingOutcome, ItemKind, ScreeningStatus
from ketref.domain.errors import BadInputError
from ketref.domain.thresholds import BloodPressure, Thresholds, ThresholdSource
from ketref.services.screening import CLINIC_THRESHOLDS_KEY, LOCAL_EDITS_SUFFIX
from ketref.services.workspace import Services
from tests.conftest import logical_snapshot, shipped_bundle
from tests.screening_support import ESK, IV, clear_patient, run

pytestmark = pytest.mark.db


def test_rules_survive_the_database_unchanged(shipped_services: Services) -> None:
    with shipped_services.db.read() as session:
        stored = [rule_to_domain(r) for r in session.scalars(select(t.ScreeningRuleRow))]
    assert sorted(stored, key=lambda r: r.id) == sorted(
        shipped_bundle().screening_rules, key=lambda r: r.id
    )


def test_service_result_equals_the_pure_engine_on_the_shipped_files(
    shipped_services: Services,
) -> None:
    for patient in (
        clear_patient(),
        clear_patient(medications=["lorazepam", "metforminn"], systolic_bp=185),
        clear_patient(pregnant=None, diagnoses=["ptsd"]),
        clear_patient(age_years=16, medications=["Xanax", "Suboxone", "theophylline"]),
        clear_patient(diagnoses=["depression-with-suicidal-ideation"], medications=["Zoloft"]),
        clear_patient(diagnoses=["depression-with-suicidal-ideation"], medications=[]),
    ):
        assert shipped_services.screening.screen(patient) == run(patient)


def test_knowledge_is_cached_until_content_changes(shipped_services: Services) -> None:
    screening = shipped_services.screening
    first = screening.knowledge()
    assert screening.knowledge() is first
    assert not screening.medication_names().count("newdrugzine")
    benzos = shipped_services.catalogue.get_item(ItemKind.INTERACTION, "benzodiazepines").item
    shipped_services.catalogue.edit_item(
        ItemKind.INTERACTION,
        "benzodiazepines",
        {"agents": [*benzos.model_dump()["agents"], "newdrugzine"]},
        actor="tester",
    )
    refreshed = screening.knowledge()
    assert refreshed is not first
    assert "newdrugzine" in screening.medication_names()
    assert refreshed.rules.version.endswith(LOCAL_EDITS_SUFFIX)
    result = screening.screen(clear_patient(medications=["Newdrugzine"]))
    assert result.ruleset_version.endswith(LOCAL_EDITS_SUFFIX)
    finding = next(f for f in result.for_product(IV).findings if f.rule_id == "medication-review")
    assert finding.basis == "caution"


def test_diagnosis_choices_and_summary_references(shipped_services: Services) -> None:
    screening = shipped_services.screening
    choices = dict(screening.diagnosis_choices())
    assert choices["ptsd"]
    patient = clear_patient(systolic_bp=150)
    summary = screening.summarise(patient, screening.screen(patient))
    cited = summary.result.cited_references()
    assert [r.id for r in summary.references] == cited
    assert summary.reference_number(cited[0]) == 1
    assert summary.screened_on.isoformat() == "2026-11-21"


def test_screening_with_no_rules_loaded_says_so(services: Services) -> None:
    # The small fixture knowledge base has no screening rules (RELIABILITY SC-06).
    result = services.screening.screen(clear_patient(diagnoses=[]))
    for product_result in result.results:
        assert product_result.status is ScreeningStatus.CANNOT_DETERMINE
        assert [f.rule_id for f in product_result.findings] == ["no-rules-loaded"]


def test_clinic_thresholds_are_stored_validated_and_audited(shipped_services: Services) -> None:
    screening = shipped_services.screening
    assert screening.clinic_thresholds() == Thresholds()
    saved = screening.save_clinic_thresholds(
        BloodPressure(150, 95), BloodPressure(170, 105), actor="tester"
    )
    assert saved.source is ThresholdSource.CLINIC
    assert screening.clinic_thresholds() == saved
    patient = clear_patient(systolic_bp=145, diastolic_bp=92)
    assert screening.screen(patient).for_product(ESK).status is ScreeningStatus.ELIGIBLE_TO_CONSIDER
    assert screening.screen(patient).thresholds.source is ThresholdSource.CLINIC
    with shipped_services.db.read() as session:
        event = session.scalars(
            select(t.AuditEventRow).where(t.AuditEventRow.action == "set-screening-thresholds")
        ).one()
    assert event.actor == "tester"
    assert event.detail == {"before": None, "after": {"bp_delay": [150, 95], "bp_stop": [170, 105]}}
    one_off = screening.thresholds_for(bp_delay=BloodPressure(130, 80))
    assert one_off.source is ThresholdSource.THIS_SCREENING
    assert one_off.bp_stop == saved.bp_stop
    assert screening.reset_clinic_thresholds(actor="tester") == Thresholds()
    assert screening.clinic_thresholds().source is ThresholdSource.DEFAULT


def test_every_screening_reads_the_thresholds_stored_now(shipped_services: Services) -> None:
    """The rules are kept between screenings (until an audited change); the thresholds are not:
    a value another workstation stored is used at the next screening, even one written without
    an audit event, which would leave the kept rules' key unchanged."""
    screening = shipped_services.screening
    patient = clear_patient(systolic_bp=145, diastolic_bp=92)
    assert screening.screen(patient).thresholds == Thresholds()
    kept = screening.knowledge()
    with shipped_services.db.write() as session:
        session.add(
            t.MetaRow(
                key=CLINIC_THRESHOLDS_KEY,
                value=json.dumps({"bp_delay": [150, 95], "bp_stop": [170, 105]}),
            )
        )
    result = screening.screen(patient)
    assert screening.knowledge() is kept
    assert result.thresholds.source is ThresholdSource.CLINIC
    assert result.thresholds.bp_delay == BloodPressure(150, 95)
    assert result.for_product(ESK).status is ScreeningStatus.ELIGIBLE_TO_CONSIDER


def test_invalid_thresholds_change_nothing(shipped_services: Services) -> None:
    before = logical_snapshot(shipped_services)
    with pytest.raises(BadInputError, match="must be above the consider-delaying"):
        shipped_services.screening.save_clinic_thresholds(
            BloodPressure(150, 95), BloodPressure(150, 100)
        )
    with pytest.raises(BadInputError, match="outside the sensible range"):
        BloodPressure(300, 90)
    assert logical_snapshot(shipped_services) == before


DAMAGED = [
    "not json",
    '{"bp_delay": [140], "bp_stop": [180, 100]}',
    '{"bp_delay": [190, 90], "bp_stop": [180, 100]}',
]


@pytest.mark.parametrize("stored", DAMAGED)
def test_damaged_stored_thresholds_are_never_replaced_silently(
    shipped_services: Services, stored: str
) -> None:
    with shipped_services.db.write() as session:
        session.add(t.MetaRow(key=CLINIC_THRESHOLDS_KEY, value=stored))
    with pytest.raises(BadInputError, match="thresholds are damaged"):
        shipped_services.screening.screen(clear_patient())
    shipped_services.screening.reset_clinic_thresholds(actor="tester")
    assert shipped_services.screening.clinic_thresholds() == Thresholds()


def test_patient_values_never_reach_the_log(
    shipped_services: Services, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.DEBUG)
    marker = "zzqmarkerdrug"
    file = tmp_path / "p.json"
    file.write_text(json.dumps({**clear_patient().as_dict(), "medications": [marker]}))
    screening = shipped_services.screening
    patient = screening.load_patient_file(file)
    result = screening.screen(patient)
    screening.summarise(patient, result)
    assert marker in json.dumps(result.as_dict())
    assert marker not in caplog.text


def test_a_local_edit_that_breaks_a_rule_is_shown_in_every_result(
    shipped_services: Services,
) -> None:
    catalogue = shipped_services.catalogue
    item = catalogue.get_item(ItemKind.CONTRAINDICATION, "hypersensitivity-to-ketamine").item
    classes = item.model_dump(by_alias=True)["classes"]
    classes["iv-ketamine"]["class"] = "relative"
    catalogue.edit_item(
        ItemKind.CONTRAINDICATION, "hypersensitivity-to-ketamine", {"classes": classes}, "tester"
    )
    result = shipped_services.screening.screen(clear_patient())
    for product_result in result.results:
        assert product_result.status is ScreeningStatus.CANNOT_DETERMINE
        (finding,) = product_result.findings_with(FindingOutcome.CANNOT_DETERMINE)
        assert finding.rule_id == "rules-do-not-fit-catalogue"
        assert "hypersensitivity-to-ketamine (relative for iv-ketamine)" in finding.message
