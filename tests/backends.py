"""One parametrised fixture runs the database tests on SQLite and on PostgreSQL.

The database-touching tests (tests/db, tests/cli, tests/reliability, tests/postgres,
tests/search) that use ``db_backend`` (directly or through ``workspace``, ``shipped_home`` or
``data_dir``) run twice:
``[sqlite]`` and ``[postgres]``. On PostgreSQL each test gets a fresh database, created from a
template that already holds the migrated library (CREATE DATABASE ... TEMPLATE is a file copy,
tens of milliseconds), and the test sees it the way the app does: through
``$KETREF_DATABASE_URL``, which child processes inherit too. A test that is about SQLite files
(backups, damage, WAL) says so with ``@pytest.mark.sqlite_only``.

The cluster is a throwaway one (tests/pg_cluster.py) started once per session, only when
postgres tests were collected, and stopped at the end. When PostgreSQL is missing they are not
run, and the run says so in one line at its end (and in its header first).
"""

from __future__ import annotations

import atexit
import itertools
from pathlib import Path

import pytest

from ketref.paths import DATABASE_ENV
from tests.pg_cluster import Cluster, ClusterUnavailableError, find_bindir, start_cluster

BOTH_BACKENDS_UNDER = ("db", "cli", "reliability", "postgres", "search")
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
SKIP_REASON = "PostgreSQL tests skipped: {}"
TESTS = Path(__file__).resolve().parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only(reason): about SQLite files, so not run on PostgreSQL"
    )


def _unavailable_reason() -> str | None:
    """Why no cluster can start here (None: it should), without starting one."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "the psycopg driver is not installed (python3 dev.py setup installs it)"
    if find_bindir() is None:
        return "initdb/pg_ctl not found (install the 'postgresql' package; dev.py test does)"
    return None


def pytest_report_header(config: pytest.Config) -> str:
    reason = _unavailable_reason()
    if reason is not None:
        return f"postgres: NOT available: {reason}; the postgres tests will be skipped"
    return f"postgres: a throwaway cluster from {find_bindir()} (started when first needed)"


def _runs_on_both(item: pytest.Function | pytest.Item) -> bool:
    try:
        folder = Path(str(item.path)).resolve().relative_to(TESTS).parts[0]
    except (ValueError, IndexError):
        return False
    return folder in BOTH_BACKENDS_UNDER and item.get_closest_marker("sqlite_only") is None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_backend" in metafunc.fixturenames and _runs_on_both(metafunc.definition):
        metafunc.parametrize("db_backend", BACKENDS, indirect=True)


@pytest.fixture
def db_backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` or ``postgres``; tests outside the database folders always get ``sqlite``."""
    return str(getattr(request, "param", "sqlite"))


CLUSTER = pytest.StashKey[Cluster]()
SKIPPED = pytest.StashKey[tuple[int, str]]()


@pytest.hookimpl(trylast=True)  # after -m and -k have deselected what they will
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Start the cluster when postgres tests were collected; without one, set them aside.

    They are deselected rather than skipped one by one, so the run reports them in one line
    (pytest_terminal_summary) instead of one skip line per test.
    """
    wanted = [item for item in items if item.get_closest_marker("postgres")]
    if not wanted:
        return
    reason = _unavailable_reason()
    if reason is None:
        try:
            cluster = start_cluster()
            atexit.register(
                cluster.stop
            )  # also when the run is interrupted; stopping is idempotent
            config.stash[CLUSTER] = cluster
            return
        except ClusterUnavailableError as exc:
            reason = str(exc)
    config.stash[SKIPPED] = (len(wanted), reason)
    chosen = set(wanted)
    items[:] = [item for item in items if item not in chosen]
    config.hook.pytest_deselected(items=wanted)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = terminalreporter.config.stash.get(SKIPPED, None)
    if skipped is not None:
        count, reason = skipped
        terminalreporter.write_line(f"{SKIP_REASON.format(reason)} ({count} tests not run)")


def pytest_unconfigure(config: pytest.Config) -> None:
    cluster = config.stash.get(CLUSTER, None)
    if cluster is not None:
        cluster.stop()


@pytest.fixture(scope="session")
def pg_cluster(pytestconfig: pytest.Config) -> Cluster:
    """The session's throwaway cluster (tests using it carry the ``postgres`` marker)."""
    cluster = pytestconfig.stash.get(CLUSTER, None)
    if cluster is None:
        pytest.skip("this test needs the postgres marker to get a PostgreSQL cluster")
    return cluster


class PgTemplates:
    """Fresh databases per test, copied from a migrated (and loaded) template per content."""

    def __init__(self, cluster: Cluster, scratch: Path) -> None:
        self.cluster = cluster
        self.scratch = scratch
        self._templates: dict[Path, str] = {}
        self._names = itertools.count(1)

    def template(self, content: Path) -> str:
        """The template database holding ``content``, migrated and loaded once per session."""
        if content not in self._templates:
            from ketref.db.engine import DatabaseTarget
            from ketref.paths import AppPaths
            from ketref.services.workspace import Workspace
            from tests.conftest import fixed_clock

            name = f"template_{len(self._templates)}"
            self.cluster.execute(f'CREATE DATABASE "{name}"')
            paths = AppPaths.resolve(self.scratch / name)
            paths.ensure()
            target = DatabaseTarget.parse(self.cluster.url(name))
            Workspace(paths, target, content, clock=fixed_clock).open().close()
            self._templates[content] = name
        return self._templates[content]

    def fresh(self, content: Path | None) -> str:
        """A new database: empty (None), or a copy of the template holding ``content``."""
        name = f"test_{next(self._names)}"
        if content is None:
            self.cluster.execute(f'CREATE DATABASE "{name}"')
        else:
            self.cluster.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template(content)}"')
        return name

    def drop(self, name: str) -> None:
        self.cluster.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_templates(pg_cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> PgTemplates:
    return PgTemplates(pg_cluster, tmp_path_factory.mktemp("pg-templates"))


def use_backend_database(
    request: pytest.FixtureRequest, db_backend: str, content: Path | None
) -> str | None:
    """On PostgreSQL: point $KETREF_DATABASE_URL at a fresh database for this test.

    ``content`` None gives an empty database (what a first start meets); otherwise the library
    is migrated and holds that content, like the SQLite templates copied beside it. Returns the
    URL (None on SQLite, where the test's home folder holds the file).
    """
    if db_backend != "postgres":
        return None
    templates: PgTemplates = request.getfixturevalue("pg_templates")
    name = templates.fresh(content)
    url = templates.cluster.url(name)
    monkeypatch: pytest.MonkeyPatch = request.getfixturevalue("monkeypatch")
    monkeypatch.setenv(DATABASE_ENV, url)
    request.addfinalizer(lambda: templates.drop(name))
    return url
