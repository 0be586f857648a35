"""Run ketref from a checkout: ``python main.py`` (same as the ``ketref`` command)."""

from __future__ import annotations

import multiprocessing

if __name__ == "__main__":
    # A packaged ketref starts its content-reading workers (ketref.content.parallel_read) by
    # running itself again; this turns such a start into the worker, before the app's imports.
    # A no-op unpackaged.
    multiprocessing.freeze_support()
    from ketref.app import console

    console()
