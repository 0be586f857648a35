"""ketref's benchmark harness: ``python3 dev.py bench`` (or ``python -m tests.benchmarks``).

Not shipped and not collected by pytest (no ``test_*`` modules here); ``tests/unit/
test_bench_smoke.py`` runs it with tiny counts so it cannot rot. Plug-ins are the ``bench_*``
modules of this package; see ``harness.py`` for how to add one. Keep this file import-free: the
cold-start child processes import the package and must not pay for anything here.
"""
