"""Choosing a clinic server from the window: test a connection, then switch the workspace to it.

The choice holds host, port, database, user and SSL mode, never a password: one typed into the
dialog lives only in the ``DatabaseTarget`` of this session (and libpq's ``.pgpass`` or
service file can supply it instead).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import inspect

from ketref.db.engine import DatabaseTarget, make_engine
from ketref.db.errors import translate_error
from ketref.db.server_roles import detect_role
from ketref.db.server_url import SSL_MODES, build_url
from ketref.domain.errors import BadInputError, DatabaseRefusedError, KetrefError
from ketref.domain.roles import Role
from ketref.services.workspace import Workspace

__all__ = ["SSL_MODES", "ServerChoice", "check_connection", "workspace_on"]

CONNECT_TIMEOUT_S = 5


@dataclass(frozen=True)
class ServerChoice:
    """A clinic server as the connection dialog names it."""

    host: str
    port: int
    database: str
    user: str
    sslmode: str = "prefer"

    def target(self, password: str | None = None) -> DatabaseTarget:
        """Where to connect; ``password`` (typed, never stored) is kept beside the URL.

        Raises:
            BadInputError: a field is missing or the SSL mode is not one of libpq's.
        """
        if not self.host.strip() or not self.database.strip():
            raise BadInputError("Enter the server's host name and the database name.")
        if self.sslmode not in SSL_MODES:
            raise BadInputError(f"SSL mode must be one of: {', '.join(SSL_MODES)}.")
        params = {
            "host": self.host.strip(),
            "port": str(self.port),
            "dbname": self.database.strip(),
            "user": self.user.strip(),
            "sslmode": self.sslmode,
            "connect_timeout": str(CONNECT_TIMEOUT_S),
        }
        return DatabaseTarget(url=build_url(params), path=None, password=password or None)


def check_connection(choice: ServerChoice, password: str | None = None) -> str:
    """Connect once and say, in one line, who is connected where and what they may do.

    Nothing is created or changed. Raises KetrefError with the same one-line message a start
    would give (wrong password, unknown database, server down, no SSL), password hidden.
    """
    target = choice.target(password)
    engine = make_engine(target)
    try:
        with engine.connect() as conn:
            user, role = detect_role(conn)
            tables = set(inspect(conn).get_table_names())
    except KetrefError:
        raise
    except Exception as exc:  # driver errors: the typed, one-line message
        typed = translate_error(exc, target.display)
        raise typed or DatabaseRefusedError(
            f"Cannot connect to {target.display}: {exc.__class__.__name__}."
        ) from exc
    finally:
        engine.dispose()
    where = f"{choice.database} on {choice.host}:{choice.port}"
    if not tables:
        state = "an empty database: the first start sets up the library (needs ketref_owner)"
    elif "ketref_meta" in tables:
        state = "a ketref library"
    else:
        raise DatabaseRefusedError(
            f"{target.display} holds another program's tables, not a ketref library."
        )
    may = "no ketref role" if role is Role.NONE else role.server_name
    return f"Connected to {where} as {user} ({may}): {state}."


def workspace_on(workspace: Workspace, choice: ServerChoice, password: str | None) -> Workspace:
    """The same folders and content as ``workspace``, with the library on the chosen server."""
    return Workspace(
        workspace.paths,
        choice.target(password),
        workspace.content_dir,
        clock=workspace.clock,
        settings=workspace.settings,
    )
