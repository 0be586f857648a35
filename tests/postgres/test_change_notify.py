"""Other workstations hear a change at once: NOTIFY in the writing transaction, LISTEN beside.

Two connections to one server library, as two workstations: a committed edit on one wakes the
other's listener within seconds; a write that is rolled back (a refused, conflicting edit)
wakes nobody, because the notification belongs to the transaction.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from ketref.domain.enums import ItemKind
from ketref.domain.errors import EditConflictError
from tests.conftest import SHIPPED_CONTENT, make_workspace

pytestmark = [pytest.mark.postgres, pytest.mark.db]

KIND, SLUG = ItemKind.SIDE_EFFECT, "dissociation"


def test_a_committed_edit_wakes_the_other_workstation(server_home: tuple[Path, str]) -> None:
    home, _url = server_home
    here = make_workspace(home, SHIPPED_CONTENT).open()
    there = make_workspace(home, SHIPPED_CONTENT).open()
    heard = threading.Event()
    listener = there.catalogue.listen_for_changes(heard.set)
    try:
        assert listener is not None
        assert listener.listening.wait(10)
        seen = here.catalogue.get_item(KIND, SLUG)
        stale = seen.fingerprint
        here.catalogue.edit_item(KIND, SLUG, {"summary": "Edited upstairs."}, expected=stale)
        assert heard.wait(5), "no notification within 5 s of the commit"
        heard.clear()
        with pytest.raises(EditConflictError):  # rolled back: nothing to hear
            here.catalogue.edit_item(KIND, SLUG, {"summary": "Stale."}, expected=stale)
        assert not heard.wait(1.5)
        assert there.catalogue.get_item(KIND, SLUG).item.summary == "Edited upstairs."
    finally:
        if listener is not None:
            listener.stop()
        here.close()
        there.close()


def test_a_listener_survives_a_server_restart_of_its_connection(
    server_home: tuple[Path, str], pg_cluster
) -> None:
    """The listener's connection is cut (as a server restart would): it reconnects and hears
    the next change."""
    from ketref.db.change_listener import ChangeListener

    home, _url = server_home
    here = make_workspace(home, SHIPPED_CONTENT).open()
    heard = threading.Event()
    listener = ChangeListener(here.db.engine, heard.set, retry_seconds=0.2).start()
    try:
        assert listener.listening.wait(10)
        pg_cluster.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()"
        )
        time.sleep(1.0)  # the cut wakes the waiting listener at once; it reconnects after 0.2 s
        assert listener.listening.wait(10)
        here.catalogue.edit_item(KIND, SLUG, {"summary": "After the restart."})
        assert heard.wait(5)
    finally:
        listener.stop()
        here.close()


@pytest.mark.sqlite_only("the SQLite side of the same call")
def test_nothing_to_listen_to_on_a_sqlite_file(shipped_services) -> None:
    assert shipped_services.catalogue.listen_for_changes(lambda: None) is None
