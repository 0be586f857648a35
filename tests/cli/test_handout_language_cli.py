"""``ketref handout --lang``: Spanish output, bilingual, and exit 2 naming missing translations."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ketref.paths import resources_dir
from tests.cli_support import run_main
from tests.pdf.pdf_inspect import normalize, page_texts

pytestmark = pytest.mark.cli


def run(capsys, home: Path, *argv: str) -> tuple[int, str, str]:
    return run_main(capsys, *argv, home=home)


def test_lang_es_prints_spanish_that_extracts_with_accents(
    capsys, shipped_home: Path, tmp_path: Path
) -> None:
    out = tmp_path / "es.pdf"
    code, _, err = run(
        capsys, shipped_home, "handout", "preparing-for-your-session", "--lang", "es",
        "-o", str(out), "--notes", "¿Trae su lista? ¡Gracias! Año, señal, acción.",
    )  # fmt: skip
    assert code == 0, err
    text = normalize(" ".join(page_texts(out.read_bytes())))
    assert "Cómo prepararse para su sesión" in text
    assert "¿Trae su lista? ¡Gracias! Año, señal, acción." in text
    assert "Página 1 de" in text
    if shutil.which("pdftotext"):  # a second extractor, as a reader's PDF tool sees it
        poppler = subprocess.run(
            ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "¿Trae su lista? ¡Gracias! Año, señal, acción." in poppler
        assert "Información para el paciente".upper() in poppler
    if shutil.which("pdffonts"):
        fonts = subprocess.run(
            ["pdffonts", str(out)], capture_output=True, text=True, check=True
        ).stdout
        assert "Helvetica" not in fonts
        assert all(" yes " in line for line in fonts.splitlines()[2:])  # all embedded


def test_bilingual_and_validation(capsys, shipped_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "both.pdf"
    code, _, err = run(
        capsys, shipped_home, "handout", "after-your-session", "--lang", "es", "--bilingual",
        "-o", str(out),
    )  # fmt: skip
    assert code == 0, err
    cover = normalize(page_texts(out.read_bytes())[0])
    assert cover.index("After your session") < cover.index("Después de su sesión")
    for bad in (["--bilingual"], ["--lang", "en", "--bilingual"], ["--fallback", "en"]):
        code, _, err = run(
            capsys, shipped_home, "handout", "after-your-session", *bad, "-o", str(out)
        )
        assert code == 2
        assert len(err.strip().splitlines()) == 1


def test_all_in_spanish(capsys, shipped_home: Path, tmp_path: Path) -> None:
    code, stdout, err = run(
        capsys, shipped_home, "handout", "--all", "--lang", "es", "-o", str(tmp_path)
    )
    assert code == 0, err
    written = sorted(p.name for p in tmp_path.glob("*.pdf"))
    assert len(written) == 10
    assert all(name.endswith("-es.pdf") for name in written)
    assert stdout == f"Wrote 10 handouts to {tmp_path}\n"


@pytest.fixture
def home_missing_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Shipped content without the Spanish "After your session"."""
    resources = tmp_path / "resources"
    shutil.copytree(resources_dir() / "content", resources / "content")
    (resources / "fonts").symlink_to(resources_dir() / "fonts")
    handouts = resources / "content" / "handouts"
    (handouts / "after-your-session-es.yaml").unlink()
    for path in handouts.glob("*-es.yaml"):  # links to it point at the English one instead
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("after-your-session-es}", "after-your-session}"), "utf-8")
    monkeypatch.setattr("ketref.app.resources_dir", lambda: resources)
    return tmp_path / "home"


def test_missing_translation_exits_2_naming_it_unless_fallback(
    capsys, home_missing_one: Path, tmp_path: Path
) -> None:
    out = tmp_path / "pack.pdf"
    args = ["handout", "during-your-session", "after-your-session", "--lang", "es"]
    code, stdout, err = run(capsys, home_missing_one, *args, "-o", str(out))
    assert code == 2
    assert stdout == ""
    assert "No Spanish translation of: after-your-session." in err
    assert "--fallback en" in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()

    code, _, err = run(capsys, home_missing_one, *args, "--fallback", "en", "-o", str(out))
    assert code == 0, err
    cover = normalize(page_texts(out.read_bytes())[0])
    assert "Qué pasa durante su sesión" in cover
    assert "After your session" in cover

    folder = tmp_path / "all"
    folder.mkdir()
    code, _, err = run(
        capsys, home_missing_one, "handout", "--all", "--lang", "es", "-o", str(folder)
    )
    assert code == 2
    assert "after-your-session" in err
    assert list(folder.iterdir()) == []  # checked before any file is written
