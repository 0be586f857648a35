"""The window's Content menu: edit the item on screen, add a new one of any kind, duplicate
or retire it, and restore retired items. Only users who may edit get these actions (on a
shared server, by role)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QMessageBox

from ketref.domain.enums import ItemKind
from ketref.domain.errors import KetrefError
from ketref.gui import dialogs
from ketref.gui.history import Place

if TYPE_CHECKING:
    from ketref.gui.editor.item_editor import ItemEditor
    from ketref.gui.editor.retired_dialog import RetiredItemsDialog
    from ketref.gui.main_window import MainWindow
    from ketref.services.workspace import Services

EDITABLE_KINDS = (
    ItemKind.INDICATION,
    ItemKind.CONTRAINDICATION,
    ItemKind.SIDE_EFFECT,
    ItemKind.INTERACTION,
    ItemKind.MONITORING,
    ItemKind.HANDOUT,
    ItemKind.PRODUCT,
    ItemKind.REFERENCE,
)


class EditorActions(QObject):
    """Owns the editing actions and the editors they open."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.services: Services | None = None
        self.may_edit = False
        self.editors: list[ItemEditor] = []
        self.edit_action = self._action("Edit this item…", self.edit_shown, "Ctrl+E")
        self.duplicate_action = self._action("Duplicate this item", self.duplicate_shown)
        self.retire_action = self._action("Retire this item…", self.retire_shown)
        self.retired_action = self._action("Retired items…", self.show_retired)
        self.retired_dialog: RetiredItemsDialog | None = None
        self.new_actions = {
            kind: self._action(f"New {kind.singular.lower()}…", partial(self.new_item, kind))
            for kind in EDITABLE_KINDS
        }

    def _action(self, text: str, slot: object, keys: str = "") -> QAction:
        action = QAction(text, self.window)
        if keys:
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.window.addAction(action)
        action.triggered.connect(lambda _checked=False: slot())  # type: ignore[operator]
        return action

    def install(self, menus: QMenuBar) -> QMenu:
        menu = menus.addMenu("&Content")
        menu.addAction(self.edit_action)
        new_menu = menu.addMenu("New")
        new_menu.addActions(list(self.new_actions.values()))
        menu.addAction(self.duplicate_action)
        menu.addSeparator()
        menu.addAction(self.retire_action)
        menu.addAction(self.retired_action)
        return menu

    def attach(self, services: Services | None, may_edit: bool) -> None:
        self.services, self.may_edit = services, may_edit
        for action in self.new_actions.values():
            action.setEnabled(may_edit and services is not None)
        self.retired_action.setEnabled(may_edit and services is not None)
        if self.retired_dialog is not None:  # it belongs to the library it was opened on
            self.retired_dialog.close()
            self.retired_dialog = None
        self.update()

    def target(self) -> Place | None:
        """The item the actions apply to: the handout chosen on the Handouts page, or the item
        shown in the browser."""
        window = self.window
        page = window.handouts_page
        if page is not None and window.pages.currentWidget() is page:
            slugs = page.chosen_slugs()
            return Place(ItemKind.HANDOUT, slugs[0]) if slugs else None
        return window.browser.shown

    def update(self) -> None:
        place = self.target() if self.services is not None else None
        usable = self.may_edit and place is not None
        self.edit_action.setEnabled(usable)
        clinical = usable and place is not None and place.kind is not ItemKind.REFERENCE
        self.duplicate_action.setEnabled(clinical)
        self.retire_action.setEnabled(clinical)

    # --- opening editors --------------------------------------------------------------------

    def _open(self, kind: ItemKind, slug: str | None) -> ItemEditor | None:
        from ketref.gui.editor.item_editor import ItemEditor

        assert self.services is not None
        editing = self.services.editing
        try:
            start = editing.start(kind, slug) if slug is not None else None
        except KetrefError as exc:
            dialogs.show_error(self.window, "Cannot edit", str(exc))
            return None
        editor = ItemEditor(editing, kind, start, self.window)
        editor.saved.connect(self._saved)
        editor.finished.connect(lambda _result: self._forget(editor))
        self.editors.append(editor)
        editor.show()
        return editor

    def _forget(self, editor: ItemEditor) -> None:
        if editor in self.editors:
            self.editors.remove(editor)

    def edit_shown(self) -> ItemEditor | None:
        place = self.target()
        return self._open(place.kind, place.slug) if place is not None else None

    def new_item(self, kind: ItemKind) -> ItemEditor | None:
        return self._open(kind, None) if self.services is not None else None

    def duplicate_shown(self) -> ItemEditor | None:
        place = self.target()
        if place is None or self.services is None:
            return None
        try:
            slug = self.services.editing.duplicate(place.kind, place.slug)
        except KetrefError as exc:
            dialogs.show_error(self.window, "Cannot duplicate", str(exc))
            return None
        self._saved(place.kind, slug)
        return self._open(place.kind, slug)

    def retire_shown(self, *, confirmed: bool = False) -> bool:
        """Ask, then retire the item shown (it leaves lists, search and printing)."""
        place = self.target()
        if place is None or self.services is None:
            return False
        editing = self.services.editing
        try:
            title = editing.title(place.kind, place.slug)
        except KetrefError as exc:
            dialogs.show_error(self.window, "Cannot retire", str(exc))
            return False
        if not confirmed:
            answer = QMessageBox.question(
                self.window,
                "Retire this item?",
                f"Retire “{title}”? It leaves the lists, search, screening and printing. Its "
                "history stays, the audit trail records who retired it, and Content → Retired "
                "items… can restore it.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        try:
            editing.retire(place.kind, place.slug)
        except KetrefError as exc:
            dialogs.show_error(self.window, "Cannot retire", str(exc))
            return False
        self.window.browser.shown = None
        self._refresh(place.kind)
        self.window.statusBar().showMessage(
            f"Retired “{title}”. Content → Retired items… can restore it.", 8000
        )
        return True

    def show_retired(self) -> RetiredItemsDialog | None:
        """Content → Retired items…: the list, with Restore."""
        from ketref.gui.editor.retired_dialog import RetiredItemsDialog

        if self.services is None:
            return None
        dialog = self.retired_dialog
        if dialog is None:
            dialog = self.retired_dialog = RetiredItemsDialog(self.services.editing, self.window)
            dialog.restored.connect(self._restored)
        elif dialog.isVisible():
            dialog.raise_()
            return dialog
        else:
            dialog.refresh()
        dialog.open()
        return dialog

    def _restored(self, kind: ItemKind, slug: str, message: str) -> None:
        """List the restored item again and show it (a draft shows to editors, badged)."""
        self._refresh(kind)
        self.window.open_place(Place(kind, slug))
        self.window.statusBar().showMessage(message, 8000)

    # --- after a change ---------------------------------------------------------------------

    def _saved(self, kind: ItemKind, slug: str) -> None:
        self._refresh()
        self.window.statusBar().showMessage(
            f"Saved {slug} as a draft: it prints and screens only after approval."
            if kind is not ItemKind.REFERENCE
            else f"Saved source {slug}.",
            8000,
        )

    def _refresh(self, changed: ItemKind | None = None) -> None:
        """List the current section again (badges, added or retired items) and keep the
        item shown when it still exists; the start-up list too when ``changed`` is its kind."""
        window = self.window
        browser = window.browser
        shown = browser.shown
        if (
            window.pages.currentWidget() is browser
            and browser.section
            and not browser.showing_results
        ):
            browser.list_section(browser.section)
            if shown is not None:
                browser.select(shown)
        if window.handouts_page is not None and self.services is not None:
            if changed is ItemKind.HANDOUT:
                window.handouts_page.reload_handouts()
            window.handouts_page.refresh_preview()
        if changed is not None and self.services is not None:
            self._rewrite_first_list(changed)
        self.update()

    def _rewrite_first_list(self, changed: ItemKind) -> None:
        """The list painted at the next start-up, when it is of the ``changed`` kind: else a
        retired item would flash back (or a restored one be missing) until the library opens."""
        from ketref.gui.main_window import FIRST_PAGE

        first_list = self.window.first_list
        if first_list is None or self.services is None or changed.value != FIRST_PAGE:
            return
        include_drafts = self.window.browser.include_drafts
        first_list.write(self.services.catalogue.list_items(changed, include_drafts=include_drafts))
