"""Widget set-ups every screen repeats: a read-only row table, and a form beside its result."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLayout,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)


def row_table(model: QAbstractItemModel) -> QTableView:
    """A read-only table that selects one whole row at a time, without grid or row numbers."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    table.setShowGrid(False)
    table.verticalHeader().hide()
    return table


def form_beside_result(
    page: QWidget, form: QWidget, result: list[QWidget | QLayout], sizes: tuple[int, int]
) -> None:
    """Lay ``page`` out: a vertically scrolling form left, ``result`` stacked on the right."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(form)
    right = QWidget()
    right_layout = QVBoxLayout(right)
    right_layout.setContentsMargins(0, 0, 0, 0)
    for part in result:
        if isinstance(part, QLayout):
            right_layout.addLayout(part)
        else:
            right_layout.addWidget(part)
    split = QSplitter()
    split.addWidget(scroll)
    split.addWidget(right)
    split.setSizes(list(sizes))
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(split)
