"""The side-by-side diff view: in the compare dialogs, the release updates and the pack preview."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog

from ketref.domain.document_diff import MISSING, FieldChange, diff_documents
from ketref.domain.enums import ContentState, ItemKind
from ketref.domain.packs import ImportReport
from ketref.gui.document_diff_view import ADDED, REMOVED, diff_html, highlighted
from ketref.gui.history import Place
from ketref.gui.packs_ui import PackPreviewDialog
from ketref.gui.release_updates_dialog import MergeDialog, ReleaseUpdatesDialog
from tests.release_edits import CI, EDITED, LOCAL_SUMMARY, release_over_local_edit

pytestmark = pytest.mark.gui


def test_only_the_changed_words_are_marked_and_markup_is_shown_as_typed() -> None:
    old, new = highlighted("Give <b>half</b> the dose & wait", "Give <b>all</b> the dose & wait")
    assert old.count(REMOVED) == 1 and new.count(ADDED) == 1
    assert f'<span style="{REMOVED}">&lt;b&gt;half&lt;/b&gt;</span>' in old
    assert "&lt;b&gt;" in new and "&amp; wait" in new and "<b>" not in new
    assert highlighted(180.0, 170.0) == (
        f'<span style="{REMOVED}">180.0</span>',
        f'<span style="{ADDED}">170.0</span>',
    )
    absent, present = highlighted(MISSING, ["pregnancy"])
    assert "(not present)" in absent and "pregnancy" in present


def test_the_table_names_fields_in_words_or_says_nothing_differs() -> None:
    changes = diff_documents({"thresholds": [{"value": 180}]}, {"thresholds": [{"value": 170}]})
    html = diff_html(changes, "Shipped", "Yours")
    assert "Threshold 1 › Value" in html and "thresholds[0].value" in html
    assert "<th>Shipped</th><th>Yours</th>" in html
    assert "No differences" in diff_html([], "a", "b")


def test_compare_with_shipped_and_with_a_version_on_the_shown_item(
    qtbot, window, shipped_services
) -> None:
    slug = shipped_services.catalogue.list_items(CI)[0].slug
    before = shipped_services.catalogue.get_item(CI, slug).item.summary
    shipped_services.catalogue.edit_item(CI, slug, {"summary": "Our <i>own</i> wording & more."})
    window.browser.show_place(Place(CI, slug), visit=True)
    assert window.compare.shipped_action.isEnabled()
    dialog = window.compare.compare_with_shipped()
    assert dialog is not None
    qtbot.addWidget(dialog)
    text = dialog.view.toPlainText()
    assert "Summary" in text and before[:40] in text
    assert "Our <i>own</i> wording & more." in text  # as typed, not as markup
    assert "1 field(s) differ" in dialog.summary.text()

    first = shipped_services.catalogue.history(CI, slug)[-1].version_id
    dialog = window.compare.compare_with_version(first)
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert f"Version {first}" in dialog.view.toPlainText()


def test_compare_with_version_asks_which_and_cancel_does_nothing(
    qtbot, window, shipped_services, monkeypatch
) -> None:
    slug = shipped_services.catalogue.list_items(CI)[0].slug
    shipped_services.catalogue.edit_item(CI, slug, {"summary": "Changed once."})
    window.browser.show_place(Place(CI, slug), visit=True)
    offered: list[list[str]] = []

    def pick(_parent, _title, _label, lines, *_rest):
        offered.append(lines)
        return lines[0], False

    monkeypatch.setattr(QInputDialog, "getItem", pick)
    assert window.compare.compare_with_version() is None
    assert offered and offered[0][0].startswith("Version ")
    assert all("(current)" not in line for line in offered[0])


def test_pack_preview_lists_each_changed_field_old_and_new(qtbot, tmp_path: Path) -> None:
    name = "contraindications/uncontrolled-hypertension"
    report = ImportReport(
        pack="ab" * 32,
        title="Clinic edits",
        exported_by="drsmith",
        base_content_version="2026.11.1",
        updated=[name],
        changes={name: [FieldChange("thresholds[0].value", 180, 200)]},
    )
    dialog = PackPreviewDialog(report, tmp_path / "clinic.yaml")
    qtbot.addWidget(dialog)
    text = dialog.details.toPlainText()
    assert "What changes, field by field" in text
    assert "Threshold 1 › Value" in text and "180" in text and "200" in text
    assert "In this library" in text and "In the pack" in text


@pytest.fixture
def released_services(tmp_path: Path):
    ws, _ = release_over_local_edit(tmp_path)
    services = ws.open()
    yield services
    services.close()


def test_release_updates_dialog_shows_the_diff_and_keep_mine_settles_it(
    qtbot, released_services
) -> None:
    dialog = ReleaseUpdatesDialog(released_services)
    qtbot.addWidget(dialog)
    assert dialog.items.count() == 1
    text = dialog.view.toPlainText()
    assert LOCAL_SUMMARY in text and "170.0" in text and "Yours (version" in text
    dialog.keep_button.click()
    assert dialog.items.count() == 0
    assert "Every release update has been decided" in dialog.heading.text()
    assert not dialog.take_button.isEnabled()
    assert released_services.catalogue.get_item(CI, EDITED).item.summary == LOCAL_SUMMARY


def test_take_the_release_and_edit_by_hand(qtbot, released_services) -> None:
    dialog = ReleaseUpdatesDialog(released_services)
    qtbot.addWidget(dialog)
    merge = dialog.merge()
    assert isinstance(merge, MergeDialog)
    qtbot.addWidget(merge)
    assert "value: 170.0" in merge.editor.toPlainText()
    merge.editor.setPlainText(
        merge.editor.toPlainText().replace("references:", "references:\n- no-such-ref", 1)
    )
    merge.save()
    assert "no-such-ref" in merge.errors.text() and merge.draft is None
    merge.editor.setPlainText("")
    merge.save()
    assert "empty" in merge.errors.text()
    merge_text = dialog.merge()
    assert isinstance(merge_text, MergeDialog)
    qtbot.addWidget(merge_text)
    merge_text.editor.setPlainText(
        merge_text.editor.toPlainText().replace("value: 170.0", "value: 175.0", 1)
    )
    merge_text.save()
    assert merge_text.draft is not None and merge_text.errors.text() == ""
    assert f"saved as draft version {merge_text.draft}" in dialog.heading.text()
    dialog.take_button.click()
    assert dialog.items.count() == 0
    detail = released_services.catalogue.get_item(CI, EDITED)
    assert detail.item.thresholds[0].value == 170 and not detail.locally_edited
    history = released_services.catalogue.history(ItemKind.CONTRAINDICATION, EDITED)
    assert [v.version_id for v in history if v.state is ContentState.DRAFT] == [merge_text.draft]


def test_a_rewritten_text_is_marked_whole_not_word_by_word() -> None:
    old, new = highlighted(
        "Clinic policy: withhold if resting BP is high.", "Blood pressure at rest"
    )
    assert old.count(REMOVED) == 1 and new.count(ADDED) == 1
    assert "Clinic policy: withhold if resting BP is high." in old
