"""``ketref handout``, ``ketref schedules`` and ``ketref clinic``: output, files, exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from ketref.paths import AppPaths
from tests.cli_support import run_main
from tests.conftest import file_hash
from tests.pdf.pdf_inspect import normalize, page_sizes, page_texts

pytestmark = pytest.mark.cli


def run(capsys, home: Path, *argv: str) -> tuple[int, str, str]:
    return run_main(capsys, *argv, home=home)


def test_one_handout_personalised_with_a_schedule(
    capsys, shipped_home: Path, tmp_path: Path
) -> None:
    out = tmp_path / "after.pdf"
    code, stdout, err = run(
        capsys, shipped_home, "handout", "after-your-session", "-o", str(out),
        "--patient-name", "Nguyễn Thị Ánh", "--escort", "O'Brien & <Sons>",
        "--notes", "Bring your medicines list.", "--start-date", "2026-12-03",
        "--schedule", "iv-ketamine", "--days", "tue,fri", "--paper", "a4", "--large-print",
    )  # fmt: skip
    assert code == 0, err
    assert stdout == f"Wrote {out}\n"
    text = normalize(" ".join(page_texts(out.read_bytes())))
    assert "Prepared for Nguyễn Thị Ánh" in text
    assert "O'Brien & <Sons>" in text
    assert "First session: Fri 4 Dec 2026. Session days: Tue, Fri." in text
    assert set(page_sizes(out.read_bytes())) == {(595.276, 841.89)}
    log = (AppPaths.resolve(shipped_home).logs / "ketref.log").read_text()
    assert "Nguyễn" not in log
    assert "medicines list" not in log


def test_packet_and_all(capsys, shipped_home: Path, tmp_path: Path) -> None:
    packet = tmp_path / "packet.pdf"
    code, _, err = run(
        capsys, shipped_home, "handout", "your-treatment-schedule", "after-your-session",
        "-o", str(packet),
    )  # fmt: skip
    assert code == 0, err
    texts = page_texts(packet.read_bytes())
    assert "In this pack" in texts[0]
    assert f"Page {len(texts)} of {len(texts)}" in texts[-1]
    folder = tmp_path / "all"
    folder.mkdir()
    code, stdout, err = run(capsys, shipped_home, "handout", "--all", "-o", str(folder))
    assert code == 0, err
    assert stdout == f"Wrote 20 handouts to {folder}\n"  # every item: English and Spanish
    assert len(list(folder.glob("*.pdf"))) == 20
    assert len(list(folder.glob("*-es.pdf"))) == 10


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "No handout called 'nope'"),
        (["after-your-session", "--start-date", "2026-02-30"], "no such date: '2026-02-30'"),
        (["after-your-session", "--start-date", "26-12-01"], "not a date in YYYY-MM-DD form"),
        (["after-your-session", "--schedule", "iv-ketamine"], "--schedule needs --start-date"),
        (["after-your-session", "--start-date", "2026-12-01"], "need --schedule"),
        (["after-your-session", "--schedule", "weekly", "--start-date", "2026-12-01"],
         "No schedule called 'weekly'"),
        (["after-your-session", "--schedule", "iv-ketamine", "--start-date", "2026-12-01",
          "--days", "mon,funday"], "not a day of the week: 'funday'"),
        (["after-your-session", "--paper", "legal"], "invalid choice: 'legal'"),
        (["after-your-session", "--notes", "x" * 10_001], "notes is too long"),
        (["--all", "after-your-session"], "not both"),
        ([], "name one or more handouts"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_with_one_line(
    capsys, shipped_home: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "x.pdf"
    code, _, err = run(capsys, shipped_home, "handout", *args, "-o", str(out))
    assert code == 2
    assert message in err
    assert err.count("\n") == 1
    assert not out.exists()


def test_unwritable_target_keeps_the_old_file(capsys, shipped_home: Path, tmp_path: Path) -> None:
    code, _, err = run(
        capsys, shipped_home, "handout", "after-your-session", "-o", str(tmp_path / "no" / "x.pdf")
    )
    assert code == 2
    assert "the folder does not exist" in err


def test_schedules_list(capsys, shipped_home: Path) -> None:
    code, out, _ = run(capsys, shipped_home, "schedules", "--json")
    assert code == 0
    data = {t["id"]: t for t in json.loads(out)}
    assert data["iv-twice-weekly-3-weeks"]["default"] is True
    assert data["iv-3-2-1-taper"]["verified"] is False
    assert data["esketamine-trd"]["sessions_shown"] == 16
    code, out, _ = run(capsys, shipped_home, "schedules")
    assert "iv-3-2-1-taper\tIV ketamine: 3-2-1 course, then once a month [unverified]" in out


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 100), "navy").save(buffer, format="PNG")
    return buffer.getvalue()


def test_clinic_set_and_show(capsys, shipped_home: Path, tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(_png())
    code, out, err = run(
        capsys, shipped_home, "clinic", "set", "--name", "Riverside Mood Clinic",
        "--address", "12 Harbour Road\\nSpringfield", "--phone", "(217) 555-0142",
        "--emergency", "(217) 555-0199", "--logo", str(logo), "--paper", "a4",
    )  # fmt: skip
    assert code == 0, err
    code, out, _ = run(capsys, shipped_home, "clinic", "show", "--json")
    data = json.loads(out)
    assert data == {
        "name": "Riverside Mood Clinic",
        "address": "12 Harbour Road\nSpringfield",
        "phone": "(217) 555-0142",
        "emergency_phone": "(217) 555-0199",
        "logo": {"mime": "image/png", "bytes": len(_png()), "width": 300, "height": 100},
        "paper": "a4",
    }
    pdf = tmp_path / "a.pdf"
    assert run(capsys, shipped_home, "handout", "after-your-session", "-o", str(pdf))[0] == 0
    assert set(page_sizes(pdf.read_bytes())) == {(595.276, 841.89)}  # the clinic's paper
    assert "After hours or urgent: (217) 555-0199" in page_texts(pdf.read_bytes())[0]
    code, out, _ = run(capsys, shipped_home, "clinic", "set", "--phone", "555 1000", "--no-logo")
    assert code == 0
    code, out, _ = run(capsys, shipped_home, "clinic", "show")
    assert "Name:    Riverside Mood Clinic" in out
    assert "Phone:   555 1000" in out
    assert "Logo:    (none)" in out


def test_clinic_set_refuses_a_bad_logo_and_changes_nothing(
    capsys, shipped_home: Path, tmp_path: Path
) -> None:
    assert run(capsys, shipped_home, "clinic", "set", "--name", "Before")[0] == 0
    database = AppPaths.resolve(shipped_home).database
    before = file_hash(database)
    bad = tmp_path / "logo.png"
    bad.write_text("<svg>not a png</svg>")
    code, _, err = run(capsys, shipped_home, "clinic", "set", "--name", "After", "--logo", str(bad))
    assert code == 2
    assert err == "ketref: The logo is not an image ketref can read; use a PNG or JPEG.\n"
    assert run(capsys, shipped_home, "clinic", "show", "--json")[1].count('"Before"') == 1
    assert file_hash(database) == before
    code, _, err = run(capsys, shipped_home, "clinic", "set")
    assert code == 2
    assert "nothing to change" in err
    code, _, err = run(capsys, shipped_home, "clinic", "set", "--logo", str(bad), "--no-logo")
    assert code == 2
    assert "not allowed with argument" in err
