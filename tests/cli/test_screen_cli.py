"""``ketref screen`` and ``ketref thresholds``: output, JSON shape, exit codes, bad files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ketref.app import main
from ketref.domain.patient import PATIENT_FIELDS
from ketref.paths import AppPaths
from tests.cli_support import run_main
from tests.conftest import logical_snapshot
from tests.screening_support import clear_values

pytestmark = pytest.mark.cli


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    return run_main(capsys, *argv)


def write(tmp_path: Path, data: Any, name: str = "patient.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_template_round_trip_is_cannot_determine(
    capsys, shipped_home: Path, tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "--home", str(shipped_home), "screen", "--template")
    assert code == 0
    template = json.loads(out)
    assert list(template) == [s.name for s in PATIENT_FIELDS]
    assert set(template.values()) == {None}
    code, out, err = run(
        capsys, "--home", str(shipped_home), "screen", str(write(tmp_path, out)), "--json"
    )
    assert code == 0, err
    statuses = {r["product"]: r["status"] for r in json.loads(out)["results"]}
    assert statuses == {"iv-ketamine": "cannot-determine", "esketamine-nasal": "cannot-determine"}


def test_template_needs_no_database(capsys, tmp_path: Path) -> None:
    home = tmp_path / "fresh"
    code, _, _ = run(capsys, "--home", str(home), "screen", "--template")
    assert code == 0
    assert not AppPaths.resolve(home).database.exists()


def test_json_result_has_the_public_shape(capsys, shipped_home: Path, tmp_path: Path) -> None:
    patient = write(tmp_path, clear_values(systolic_bp=185, medications=["theophylline"]))
    code, out, _ = run(capsys, "--home", str(shipped_home), "screen", str(patient), "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"ruleset_version", "thresholds", "results"}
    assert data["thresholds"]["bp_stop"] == {"systolic": 180, "diastolic": 100}
    iv, esk = data["results"]
    assert (iv["product"], iv["status"]) == ("iv-ketamine", "not-eligible")
    assert (esk["product"], esk["status"]) == ("esketamine-nasal", "avoid-combination")
    assert esk["status_label"] == "Needs review: medicine to avoid"
    assert esk["reason"] == "theophylline: avoid with this product"
    stop = next(f for f in iv["findings"] if f["rule_id"] == "bp-above-stop-iv")
    assert stop["values"] == {"systolic_bp": 185, "diastolic_bp": 80}
    assert stop["threshold"][0] == {
        "field": "systolic_bp",
        "op": ">",
        "value": 180,
        "setting": "bp_stop_systolic",
        "local_policy": True,
        "patient_value": 185,
        "met": True,
    }
    assert stop["references"] == ["ketamin-smpc-ch", "yip-2022"]
    assert stop["ruleset_version"] == data["ruleset_version"]


def test_weak_evidence_reads_as_needs_review_with_the_reason(
    capsys, shipped_home: Path, tmp_path: Path
) -> None:
    patient = write(tmp_path, clear_values(diagnoses=["fibromyalgia"]))
    code, out, _ = run(capsys, "--home", str(shipped_home), "screen", str(patient))
    assert code == 0
    assert "IV ketamine (racemic): NEEDS REVIEW (off-label; evidence very low: Fibromyalgia)" in out
    assert "ELIGIBLE TO CONSIDER" not in out


def test_human_summary(capsys, shipped_home: Path, tmp_path: Path) -> None:
    patient = write(tmp_path, clear_values(pregnant=True, medications=["metforminn"]))
    code, out, _ = run(capsys, "--home", str(shipped_home), "screen", str(patient))
    assert code == 0
    assert "IV ketamine (racemic): NEEDS REVIEW" in out
    assert "Esketamine nasal spray (Spravato): NEEDS REVIEW" in out
    assert "metforminn: not recognised — review manually" in out
    assert "Consider delaying above 140/90 mmHg; do not give above 180/100 mmHg" in out
    assert "References:\n  [1] " in out
    assert "rule pregnancy-esketamine v1" in out
    flat = " ".join(out.split())
    assert "supports, and does not replace, clinical judgement" in flat


def test_one_off_thresholds(capsys, shipped_home: Path, tmp_path: Path) -> None:
    patient = write(tmp_path, clear_values(systolic_bp=150, diastolic_bp=85))
    argv = ["--home", str(shipped_home), "screen", str(patient), "--json"]
    _, out, _ = run(capsys, *argv)
    assert json.loads(out)["results"][1]["status"] == "needs-review"
    _, out, _ = run(capsys, *argv, "--bp-delay", "160/95")
    data = json.loads(out)
    assert data["results"][1]["status"] == "eligible-to-consider"
    assert data["thresholds"]["source"] == "this-screening"
    assert data["thresholds"]["bp_delay"] == {"systolic": 160, "diastolic": 95}


def test_clinic_thresholds_commands(capsys, shipped_home: Path, tmp_path: Path) -> None:
    home = ["--home", str(shipped_home)]
    code, out, _ = run(capsys, *home, "thresholds", "show")
    assert code == 0
    assert "(documented default;" in out
    code, out, _ = run(capsys, *home, "thresholds", "set", "--bp-delay", "150/95")
    assert code == 0
    assert "150/95" in out
    patient = write(tmp_path, clear_values(systolic_bp=145))
    _, out, _ = run(capsys, *home, "screen", str(patient), "--json")
    data = json.loads(out)
    assert data["thresholds"]["source"] == "clinic"
    assert data["results"][1]["status"] == "eligible-to-consider"
    code, _, err = run(capsys, *home, "thresholds", "set", "--bp-stop", "140/90")
    assert code == 2
    assert "must be above the consider-delaying threshold" in err
    code, out, _ = run(capsys, *home, "thresholds", "reset")
    assert code == 0
    _, out, _ = run(capsys, *home, "thresholds", "show", "--json")
    assert json.loads(out)["source"] == "default"


def _without(key: str) -> dict[str, Any]:
    data = clear_values()
    del data[key]
    return data


BAD_FILES = [
    ("not JSON", "{oops", "not valid JSON"),
    ("array", "[]", "must be a JSON object"),
    ("misspelt key", clear_values(pregant=True), "pregant: unknown field (did you mean 'pregn"),
    ("missing key", _without("medications"), "missing field(s): medications"),
    ("out of range", clear_values(systolic_bp=400), "systolic_bp: 400 is outside"),
    ("negative age", clear_values(age_years=-1), "age_years: -1 is outside"),
    ("string for a number", clear_values(age_years="forty"), "age_years: must be a whole number"),
    ("string for a flag", clear_values(pregnant="no"), "pregnant: must be true, false or null"),
    ("not UTF-8", "\udcff", "not a UTF-8"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("data", "message"), [b[1:] for b in BAD_FILES], ids=[b[0] for b in BAD_FILES]
)
def test_bad_files_exit_2_with_one_line_and_touch_nothing(
    capsys, tmp_path: Path, data: Any, message: str
) -> None:
    home = tmp_path / "home"
    path = tmp_path / "patient.json"
    if data == "\udcff":
        path.write_bytes(b"\xff\xfe\x00garbage")
    else:
        write(tmp_path, data)
    code, out, err = run(capsys, "--home", str(home), "screen", str(path))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert message in err
    assert err.startswith("ketref: patient.json")
    assert not AppPaths.resolve(home).database.exists(), "a bad file must not create a database"


def test_missing_file_and_folder(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, "--home", str(tmp_path / "h"), "screen", str(tmp_path / "no.json"))
    assert (code, err.count("\n")) == (2, 1)
    assert "There is no patient file at" in err
    code, _, err = run(capsys, "--home", str(tmp_path / "h"), "screen", str(tmp_path))
    assert code == 2
    assert "is a folder" in err


@pytest.mark.sqlite_only("compares the SQLite file")
def test_unknown_diagnosis_is_refused_and_database_unchanged(
    capsys, shipped_home: Path, tmp_path: Path
) -> None:
    database = AppPaths.resolve(shipped_home).database
    before = logical_snapshot(database)
    patient = write(tmp_path, clear_values(diagnoses=["depresion"]))
    code, out, err = run(capsys, "--home", str(shipped_home), "screen", str(patient))
    assert (code, out) == (2, "")
    assert "diagnoses: 'depresion' is not a condition in the knowledge base" in err
    assert logical_snapshot(database) == before


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["screen"], "screen needs a patient file"),
        (["screen", "--template", "x.json"], "--template prints the blank patient file"),
        (["screen", "p.json", "--bp-delay", "140"], "write it as SYSTOLIC/DIASTOLIC"),
        (["screen", "p.json", "--bp-stop", "400/100"], "outside the sensible range"),
        (["thresholds", "set"], "give --bp-delay"),
    ],
)
def test_bad_usage(capsys, tmp_path: Path, argv: list[str], message: str) -> None:
    try:
        code = main(["--home", str(tmp_path / "h"), *argv])
    except SystemExit as exc:  # argparse's own refusals
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code == 2
    assert message in err


def test_patient_values_are_not_logged(capsys, shipped_home: Path, tmp_path: Path) -> None:
    marker = "zzqmarkerdrug"
    patient = write(tmp_path, clear_values(medications=[marker], age_years=77))
    code, out, _ = run(capsys, "--home", str(shipped_home), "-v", "screen", str(patient))
    assert code == 0
    assert marker in out
    logs = "".join(p.read_text() for p in AppPaths.resolve(shipped_home).logs.glob("*"))
    assert logs
    assert marker not in logs
