"""The in-window editor: forms for every kind, live checks at the field, undo/redo, drafts,
conflicts, lists that reorder, sources from the library, previews, and the window's actions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit

from ketref.domain.enums import ContentState, ItemKind
from ketref.gui.editor.conflict_dialog import TAKE_THEIRS
from ketref.gui.editor.fields import DateField, ProductsField, TextField
from ketref.gui.editor.groups import BlockField, ListField, ReferencesField
from ketref.gui.editor.item_editor import ItemEditor
from ketref.gui.editor.reference_picker import ReferencePicker
from ketref.gui.main_window import MainWindow
from ketref.services.workspace import Services

HYPERTENSION = (ItemKind.CONTRAINDICATION, "uncontrolled-hypertension")
HANDOUT = (ItemKind.HANDOUT, "after-your-session")


@pytest.fixture
def open_editor(qtbot, shipped_services: Services) -> Iterator:
    opened: list[ItemEditor] = []

    def make(kind: ItemKind, slug: str | None) -> ItemEditor:
        start = shipped_services.editing.start(kind, slug) if slug else None
        editor = ItemEditor(shipped_services.editing, kind, start)
        opened.append(editor)
        return editor

    yield make
    for editor in opened:
        editor.undo_stack.setClean()
        editor.close()


def _text(editor: ItemEditor, key: str) -> TextField:
    field = editor.form.fields[key]
    assert isinstance(field, TextField)
    return field


def test_every_kind_opens_in_a_form_that_validates(open_editor, shipped_services) -> None:
    for kind in ItemKind:
        slug = shipped_services.catalogue.list_items(kind)[0].slug
        editor = open_editor(kind, slug)
        assert editor.problems == [], kind
        assert editor.save_button.isEnabled()
        assert "title" in editor.form.fields
        assert editor.source.toPlainText().startswith(("slug:", "id:"))


def test_an_invalid_field_shows_its_reason_inline_and_blocks_save(
    qtbot, open_editor, shipped_services
) -> None:
    editor = open_editor(*HYPERTENSION)
    title = _text(editor, "title")
    title.editor.clear()
    qtbot.keyClicks(title.editor, " ")
    editor.check()
    assert not title.problem.isHidden() and title.problem.text() == "Required."
    assert not editor.save_button.isEnabled()
    assert not editor.save()
    assert not shipped_services.catalogue.get_item(*HYPERTENSION, include_drafts=True).draft


def test_bad_input_gets_one_clear_message_at_its_field(open_editor) -> None:
    editor = open_editor(*HYPERTENSION)
    due = editor.form.fields["review_due"]
    assert isinstance(due, DateField)
    due.set_value("2001-01-01")
    refs = editor.form.fields["references"]
    assert isinstance(refs, ReferencesField)
    refs.set_value(["no-such-source"])
    editor.check()
    assert due.problem.text() == "The next review must be after the last review date."
    assert "Not in the library: no-such-source" in refs.problem.text()
    assert "not in the library" in refs.list.item(0).text()

    editor.form.fields["summary"].set_value("x" * 100_000)
    editor.check()
    summary = _text(editor, "summary")
    assert summary.problem.text() == "Too long: 100,000 characters. The limit is 6,000 characters."
    assert len(editor.problems) == 1  # the size alone, not a cascade


def test_a_handout_needs_a_when_to_get_help_section(open_editor) -> None:
    editor = open_editor(*HANDOUT)
    sections = editor.form.fields["sections"]
    assert isinstance(sections, ListField)
    help_rows = [row for row in sections.rows if "help" in str(row.value()["heading"]).lower()]
    for row in help_rows:
        sections.remove(row)
    editor.check()
    assert "when to get help" in sections.problem.text()
    assert not editor.save_button.isEnabled()


def test_typing_merges_into_one_undo_step_and_undo_redo_restore(qtbot, open_editor) -> None:
    editor = open_editor(*HYPERTENSION)
    title = _text(editor, "title")
    before = title.text()
    title.editor.setFocus()
    title.editor.end(False)
    qtbot.keyClicks(title.editor, " (clinic)")
    assert editor.undo_stack.count() == 1
    editor.undo_stack.undo()
    assert title.text() == before
    editor.undo_stack.redo()
    assert title.text() == f"{before} (clinic)"


def test_list_rows_are_added_reordered_and_removed_with_undo(open_editor) -> None:
    editor = open_editor(*HANDOUT)
    sections = editor.form.fields["sections"]
    assert isinstance(sections, ListField)
    headings = [row.value()["heading"] for row in sections.rows]
    sections.move_row(sections.rows[0], 1)
    assert [r.value()["heading"] for r in sections.rows][:2] == [headings[1], headings[0]]
    assert editor.form.value()["sections"][0]["heading"] == headings[1]
    editor.undo_stack.undo()
    assert [r.value()["heading"] for r in sections.rows] == headings

    sections.add_button.click()
    assert len(sections.rows) == len(headings) + 1
    editor.check()
    assert sections.rows[-1].locate(("heading",)).problem.text() == "Required."
    editor.undo_stack.undo()
    assert len(sections.rows) == len(headings)

    blocks = sections.rows[0].locate(("blocks",))
    assert isinstance(blocks, ListField)
    block = blocks.rows[0]
    assert isinstance(block, BlockField)
    block.type_box.setCurrentIndex(block.type_box.findData("bullets"))
    assert block.value()["type"] == "bullets" and block.value()["items"]


def test_saving_makes_a_draft_with_a_badge_for_editors(open_editor, shipped_services) -> None:
    editor = open_editor(*HYPERTENSION)
    markup = "Check <b>BP</b> & pulse before each session."
    _text(editor, "summary").set_value(markup)
    editor.form.context.changed("summary")
    assert editor.save()
    history = shipped_services.catalogue.history(*HYPERTENSION)
    assert history[0].state is ContentState.DRAFT and not history[0].current
    approved = shipped_services.catalogue.get_item(*HYPERTENSION)
    assert approved.item.summary != markup and not approved.draft
    listed = shipped_services.catalogue.list_items(HYPERTENSION[0], include_drafts=True)
    assert [s.draft for s in listed if s.slug == HYPERTENSION[1]] == [True]
    assert shipped_services.catalogue.get_item(*HYPERTENSION, include_drafts=True).draft
    editor.preview.refresh()
    html = editor.preview.page.toHtml()
    assert "&lt;b&gt;BP&lt;/b&gt; &amp; pulse" in html  # markup shown as typed
    assert "Saved as draft version" in editor.summary.text()
    again = open_editor(*HYPERTENSION)
    assert _text(again, "summary").text() == markup  # the editor continues the draft


def test_a_second_editor_gets_a_conflict_showing_both_versions(open_editor) -> None:
    first, second = open_editor(*HYPERTENSION), open_editor(*HYPERTENSION)
    _text(first, "summary").set_value("First editor's words.")
    first.form.context.changed("a")
    assert first.save()
    _text(second, "summary").set_value("Second editor's words.")
    second.form.context.changed("b")
    assert not second.save()
    dialog = second.conflict
    assert dialog is not None and dialog.isVisible()
    cells = {
        dialog.table.item(r, 0).text(): (
            dialog.table.item(r, 1).text(),
            dialog.table.item(r, 2).text(),
        )
        for r in range(dialog.table.rowCount())
    }
    assert cells["summary"] == ("First editor's words.", "Second editor's words.")
    dialog.done(TAKE_THEIRS)
    assert _text(second, "summary").text() == "First editor's words."
    second.undo_stack.undo()
    assert _text(second, "summary").text() == "Second editor's words."
    assert second.save()  # now made over the first editor's version, knowingly


def test_sources_are_picked_from_the_library_by_search(qtbot, shipped_services) -> None:
    refs = list(shipped_services.editing.context(ItemKind.HANDOUT).references)
    picker = ReferencePicker(refs)
    qtbot.addWidget(picker)
    qtbot.keyClicks(picker.search, "spravato label")
    assert 0 < picker.list.count() < len(refs)
    picker.accept()
    assert picker.chosen == picker.list.item(0).data(Qt.ItemDataRole.UserRole)
    picker.search.setText("zzzz-nothing")
    assert picker.list.count() == 0 and "Not found" in picker.count.text()


def test_a_new_reference_is_added_from_the_editor(open_editor, shipped_services) -> None:
    editor = open_editor(ItemKind.REFERENCE, None)
    editor.form.fields["id"].set_value("clinic-protocol")
    editor.form.fields["citation"].set_value("Our clinic protocol, 2026.")
    editor.form.fields["title"].set_value("Clinic <ketamine> protocol & checklist")
    editor.form.context.changed()
    assert editor.save()
    stored = shipped_services.catalogue.get_reference("clinic-protocol").reference
    assert stored.title == "Clinic <ketamine> protocol & checklist"
    duplicate = open_editor(ItemKind.REFERENCE, None)
    duplicate.form.fields["id"].set_value("clinic-protocol")
    duplicate.check()
    assert "already has the short name" in duplicate.form.fields["id"].problem.text()


def test_a_new_item_takes_its_short_name_from_the_title(open_editor, shipped_services) -> None:
    editor = open_editor(ItemKind.INTERACTION, None)
    existing = shipped_services.catalogue.list_items(ItemKind.INTERACTION)[0]
    editor.form.fields["title"].set_value(existing.title)
    editor.check()
    assert _text(editor, "slug").text() == existing.slug
    assert "already has the short name" in _text(editor, "title").problem.text()
    products = editor.form.fields["products"]
    assert isinstance(products, ProductsField) and len(products.value()) == 2


def test_handout_editor_previews_the_printout_and_offers_prose_boxes(qtbot, open_editor) -> None:
    editor = open_editor(*HANDOUT)
    qtbot.waitUntil(lambda: editor.preview.last_pdf is not None, timeout=10000)
    assert editor.preview.last_pdf.startswith(b"%PDF")
    assert "As it will print" in editor.preview.pdf_status.text()
    prose = editor.prose_editors()
    assert prose and all(isinstance(p, QPlainTextEdit) for p in prose)
    assert editor.readability_slot.objectName() == "readabilitySlot"


def test_window_actions_edit_duplicate_and_retire(qtbot, window: MainWindow) -> None:
    actions = window.editor_actions
    from ketref.gui.history import Place

    window.open_place(Place(*HYPERTENSION))
    assert actions.edit_action.isEnabled()
    editor = actions.edit_shown()
    assert editor is not None and editor.start is not None
    assert editor.start.slug == HYPERTENSION[1]
    editor.close()

    copy = actions.duplicate_shown()
    assert copy is not None and copy.start is not None
    copy_slug = copy.start.slug
    copy.close()
    listed = {s.slug: s for s in window.browser.items_model.rows()}
    assert listed[copy_slug].draft and "(copy)" in listed[copy_slug].title

    assert actions.retire_shown(confirmed=True)
    assert HYPERTENSION[1] not in {s.slug for s in window.browser.items_model.rows()}
    new = actions.new_item(ItemKind.HANDOUT)
    assert new is not None and new.is_new and "sections" in new.form.fields
    new.close()
