"""Tools → Due for review…: the queue, Mark reviewed…, Approve draft (second-person rule),
Revert…, stale translations and the reading level of handouts."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QMessageBox

from ketref.domain.enums import ItemKind
from ketref.gui.review_dialogs import SHIPPED
from ketref.gui.review_queue import (
    DRAFT,
    OVERDUE,
    SOURCE_CHANGED,
    QueueModel,
    QueueRow,
    ReviewQueueDialog,
)
from ketref.services.catalogue import current_actor
from ketref.services.workspace import Services

HYPERTENSION = (ItemKind.CONTRAINDICATION, "uncontrolled-hypertension")
EN = (ItemKind.HANDOUT, "about-iv-ketamine")
ES = (ItemKind.HANDOUT, "about-iv-ketamine-es")
OLD_DATES = {"reviewed": date(2024, 1, 1), "review_due": date(2025, 1, 1)}


@pytest.fixture
def refusals(monkeypatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _parent, _title, text, *a: shown.append(text)
    )
    return shown


def _queue(qtbot, services: Services) -> ReviewQueueDialog:
    dialog = ReviewQueueDialog(services)
    qtbot.addWidget(dialog)
    return dialog


def test_queue_model_passes_the_model_tester(qtmodeltester) -> None:
    model = QueueModel()
    model.set_rows(
        [
            QueueRow(*HYPERTENSION, "Hypertension", OVERDUE, date(2025, 1, 1)),
            QueueRow(*EN, "About IV ketamine", DRAFT, None, 12, "dr-a"),
        ]
    )
    qtmodeltester.check(model, force_py=True)


def test_the_window_opens_the_queue_overdue_first_and_filters_by_kind(
    qtbot, make_window, shipped_services: Services
) -> None:
    shipped_services.catalogue.edit_item(*HYPERTENSION, OLD_DATES)
    win = make_window()
    assert win.review_action in win.tools_menu.actions()
    dialog = win.show_review_queue()
    assert dialog is not None
    qtbot.addWidget(dialog)
    first = dialog.model.rows[0]
    assert (first.kind, first.slug, first.status) == (*HYPERTENSION, OVERDUE)
    assert dialog.selected() == first and "Overdue" in dialog.detail.toPlainText()

    dialog.kind.setCurrentIndex(dialog.kind.findData(ItemKind.HANDOUT.value))
    assert all(r.kind is ItemKind.HANDOUT for r in dialog.model.rows)
    assert HYPERTENSION[1] not in {r.slug for r in dialog.model.rows}


def test_mark_reviewed_records_reviewer_note_and_next_date(
    qtbot, shipped_services: Services
) -> None:
    shipped_services.catalogue.edit_item(*HYPERTENSION, OLD_DATES)
    dialog = _queue(qtbot, shipped_services)
    dialog.select(*HYPERTENSION)
    form = dialog.mark_reviewed()
    assert form is not None
    today = shipped_services.review.today()
    values = form.values()
    assert values.reviewer == current_actor() and values.reviewed_on == today
    assert values.next_review == date(today.year + 1, today.month, today.day)
    form.reviewer.setText("dr-b")
    form.note.setPlainText("BP limits checked")
    form.accept()

    item = shipped_services.catalogue.get_item(*HYPERTENSION)
    assert item.item.reviewed == today
    assert item.item.review_due == date(today.year + 1, today.month, today.day)
    event = shipped_services.audit.events(limit=1)[0]
    assert (event.action, event.actor, event.detail["note"]) == (
        "review",
        "dr-b",
        "BP limits checked",
    )
    assert HYPERTENSION[1] not in {r.slug for r in dialog.model.rows}


def test_approve_honours_the_second_person_setting(
    qtbot, shipped_services: Services, refusals: list[str]
) -> None:
    me = current_actor()
    shipped_services.review.save_draft(*HYPERTENSION, {"summary": "Draft wording."}, actor=me)
    dialog = _queue(qtbot, shipped_services)
    assert dialog.model.rows[0].status == DRAFT and dialog.approve_button.isEnabled()
    assert "never prints until approved" in dialog.detail.toPlainText()

    dialog.second_person.setChecked(True)
    assert shipped_services.review.second_person_required()
    dialog.approve()
    assert refusals and f"{me} saved this draft" in refusals[0]
    assert shipped_services.catalogue.get_item(*HYPERTENSION).item.summary != "Draft wording."

    dialog.second_person.setChecked(False)
    dialog.approve()
    assert shipped_services.catalogue.get_item(*HYPERTENSION).item.summary == "Draft wording."
    assert DRAFT not in {r.status for r in dialog.model.rows}


def test_revert_to_the_shipped_version(qtbot, shipped_services: Services) -> None:
    shipped = shipped_services.catalogue.get_item(*HYPERTENSION).item
    shipped_services.catalogue.edit_item(*HYPERTENSION, OLD_DATES)
    dialog = _queue(qtbot, shipped_services)
    dialog.select(*HYPERTENSION)
    form = dialog.revert()
    assert form is not None
    assert form.target() is None  # the shipped release's version is offered first
    assert form.versions.count() >= 1
    assert form.versions.item(0).data(0x0100) == SHIPPED
    form.note.setText("back to the release")
    form.accept()

    now = shipped_services.catalogue.get_item(*HYPERTENSION)
    assert now.item == shipped and not now.locally_edited
    assert shipped_services.audit.events(limit=1)[0].action == "revert"


def test_a_stale_translation_is_listed_with_its_reading_level(
    qtbot, shipped_services: Services
) -> None:
    english = shipped_services.catalogue.get_item(*EN).item
    shipped_services.catalogue.edit_item(*EN, {"main_message": english.main_message + " Rest."})
    dialog = _queue(qtbot, shipped_services)
    stale = [r for r in dialog.model.rows if r.slug == ES[1]]
    assert stale and stale[0].status == SOURCE_CHANGED
    dialog.select(*ES)
    qtbot.waitUntil(lambda: "INFLESZ" in dialog.detail.toPlainText(), timeout=5000)
    assert "English handout this translates changed" in dialog.detail.toPlainText()
