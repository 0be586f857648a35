"""The readability panel beside an editor: scores, goal colour, highlights in place, debounce."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextCharFormat
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

from ketref.domain.content import Handout
from ketref.domain.readability import Level, measure
from ketref.gui.readability_panel import DEBOUNCE_MS, LEVEL_COLOURS, ReadabilityPanel
from tests.conftest import shipped_bundle

HARD = (
    "Intravenous administration of subanaesthetic ketamine necessitates comprehensive "
    "haemodynamic monitoring, particularly regarding hypertensive complications and the "
    "dissociative phenomena that characteristically accompany the infusion in many people."
)


def _handout(slug: str) -> Handout:
    return next(h for h in shipped_bundle().handouts if h.slug == slug)


def _watched(qtbot, text: str, language: str = "en", editor_class=QPlainTextEdit):
    editor = editor_class()
    editor.setPlainText(text)
    panel = ReadabilityPanel()
    qtbot.addWidget(editor)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.measured, timeout=20_000):
        panel.watch([editor], language)
    return editor, panel


def _formats(editor) -> list[tuple[str, bool, bool]]:
    """(text, wave-underlined, shaded) of every highlighted range."""
    block = editor.document().firstBlock()
    found = []
    while block.isValid():
        for r in block.layout().formats():
            fmt = QTextCharFormat(r.format)
            wave = fmt.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
            shaded = fmt.background().color().alpha() > 0
            found.append((block.text()[r.start : r.start + r.length], wave, shaded))
        block = block.next()
    return found


def test_scores_a_shipped_handout_like_the_domain(qtbot) -> None:
    handout = _handout("questions-people-ask")
    text = handout.plain_text()
    _editor, panel = _watched(qtbot, text)
    expected = measure(text, "en")
    assert panel.result == expected
    assert f"Grade {expected.grade:.1f}" in panel.grade.text()
    assert f"SMOG {expected.second:.1f}" in panel.grade.text()
    assert f"{expected.words:,} words" in panel.counts.text()
    assert "grade 6 or below, never above 8" in panel.goal.text()
    assert LEVEL_COLOURS[Level.GOAL] in panel.goal.text()


def test_hard_words_and_long_sentences_are_highlighted_in_place(qtbot) -> None:
    editor, panel = _watched(qtbot, "Rest today.\n" + HARD)
    formats = _formats(editor)
    underlined = {t for t, wave, _ in formats if wave}
    assert {"administration", "haemodynamic", "hypertensive"} <= underlined
    assert "Rest" not in underlined and "today" not in underlined
    shaded = [t for t, _, shade in formats if shade]
    assert "".join(shaded) == HARD  # the whole long sentence, and not "Rest today."
    assert panel.result is not None and panel.result.level is Level.TOO_HARD
    assert LEVEL_COLOURS[Level.TOO_HARD] in panel.goal.text() and "too hard" in panel.goal.text()


def test_typing_rescoring_waits_for_a_pause(qtbot) -> None:
    editor, panel = _watched(qtbot, "Rest today.")
    shown: list[object] = []
    panel.measured.connect(shown.append)
    for word in (" Call", " us", " now."):
        editor.insertPlainText(word)
    assert shown == []  # nothing re-scored while keys arrive
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=DEBOUNCE_MS * 20)
    assert panel.result is not None and panel.result.words == measure(editor.toPlainText()).words


def test_several_editors_and_a_rich_text_editor(qtbot) -> None:
    editor, panel = _watched(qtbot, "Do not drive today.", editor_class=QTextEdit)
    other = QPlainTextEdit("Call the clinic if you feel unwell.")
    qtbot.addWidget(other)
    with qtbot.waitSignal(panel.measured, timeout=5000):
        panel.watch([editor, other], "en")
    assert panel.result == measure("Do not drive today.\nCall the clinic if you feel unwell.")


def test_spanish_uses_inflesz(qtbot) -> None:
    text = _handout("after-your-session-es").plain_text()
    _editor, panel = _watched(qtbot, text, "es")
    expected = measure(text, "es")
    assert f"INFLESZ {expected.second:.0f}" in panel.grade.text()
    assert "INFLESZ 65 or above" in panel.goal.text()


@pytest.mark.parametrize("text", ["", "   \n\n"])
def test_empty_text_says_nothing_to_measure(qtbot, text: str) -> None:
    _editor, panel = _watched(qtbot, text)
    assert "nothing to measure" in panel.grade.text() and panel.goal.text() == ""
