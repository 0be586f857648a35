"""Tools → Audit trail…: a read-only, filterable table of content changes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt

from ketref.domain.audit import AuditEvent
from ketref.domain.enums import ItemKind
from ketref.domain.field_words import local_and_utc
from ketref.gui.audit_view import AuditFilterProxy, AuditTableModel, action_label, item_label

pytestmark = pytest.mark.gui

KIND = ItemKind.CONTRAINDICATION


def _events() -> list[AuditEvent]:
    at = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
    return [
        AuditEvent(
            at,
            "drsmith",
            "edit",
            KIND.value,
            "pregnancy",
            "2026.11.1",
            {"fields": ["summary"], "changes": {"summary": {"before": "Old.", "after": "New."}}},
        ),
        AuditEvent(
            at.replace(hour=8),
            "nurse.lee",
            "import-pack",
            None,
            None,
            "2026.11.1",
            {"pack": "f" * 64, "exported_by": "drsmith", "added": 2, "updated": 1},
        ),
        AuditEvent(at.replace(day=1), "ketref", "load-shipped", None, None, "2026.11.1", {}),
    ]


def test_audit_model_and_filter_pass_the_model_tester(qtmodeltester) -> None:
    model = AuditTableModel()
    model.set_events(_events())
    qtmodeltester.check(model, force_py=True)
    assert [model.index(0, c).data() for c in range(6)] == [
        local_and_utc(datetime(2026, 11, 21, 9, 30, tzinfo=UTC)),
        "drsmith",
        "Edited",
        "Contraindication: pregnancy",
        "2026.11.1",
        "Summary changed: Old. → New.",
    ]
    assert model.index(1, 5).data().endswith("2 added, 1 updated, 0 unchanged")
    proxy = AuditFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(AuditTableModel.WHEN, Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(proxy, force_py=True)
    assert [proxy.index(r, 1).data() for r in range(3)] == ["ketref", "nurse.lee", "drsmith"]
    proxy.set_filter_words("DRSMITH pack")  # every word, any column, any case
    assert [proxy.index(r, 1).data() for r in range(proxy.rowCount())] == ["nurse.lee"]
    proxy.set_filter_words("")
    assert proxy.rowCount() == 3


def test_labels_for_actions_and_items() -> None:
    assert action_label("load-shipped") == "Content loaded (shipped)"
    assert action_label("import") == "Imported from a pack"
    assert action_label("something-new") == "Something new"
    assert item_label("side-effects", "nausea") == "Side effect: nausea"
    assert item_label("unknown-kind", "x") == "unknown-kind/x"
    assert item_label(None, None) == ""


def test_audit_dialog_shows_edits_newest_first_and_filters(qtbot, data_window) -> None:
    window = data_window
    first_item = window.services.catalogue.list_items(KIND)[0]
    slug, title = first_item.slug, first_item.title
    window.services.catalogue.edit_item(KIND, slug, {"summary": "A clearer summary."})
    window.data_actions.audit_action.trigger()
    dialog = window.data_actions.audit_dialog
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded, timeout=10000)
    total = dialog.model.rowCount()
    assert total >= 2  # the shipped content load and the edit
    first = [dialog.proxy.index(0, c).data() for c in range(6)]
    assert first[2:4] == ["Edited", f"Contraindication: {title}"]  # its title, not its slug
    assert first[5].startswith("Summary changed: ") and first[5].endswith("→ A clearer summary.")
    assert f"{total} event(s)." in dialog.count.text()
    assert "A clearer summary." in dialog.record.toPlainText()  # the full record, before/after
    qtbot.keyClicks(dialog.filter, "edited")
    assert dialog.proxy.rowCount() == 1
    assert dialog.count.text() == f"1 of {total} event(s)."
    assert dialog.table.editTriggers() == dialog.table.EditTrigger.NoEditTriggers
    dialog.close()
