"""Naming a PostgreSQL server the ways libpq users already do, and showing it without secrets.

``--db`` and ``$KETREF_DATABASE_URL`` accept a SQLAlchemy URL (``postgresql+psycopg://...``),
libpq's own URL (``postgresql://`` or ``postgres://``, which SQLAlchemy would hand to the
absent psycopg2) and a libpq keyword string (``service=clinic``, ``host=db dbname=ketref``).
Everything libpq understands (``service``, ``sslmode``, ``sslrootcert``, ``connect_timeout``)
reaches it unchanged, so the service file and ``.pgpass`` do their usual work and ketref never
needs to hold a password.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from sqlalchemy.engine import URL, make_url

from ketref.domain.errors import DatabaseRefusedError

DRIVER = "postgresql+psycopg"
MASK = "***"
SSL_MODES = ("prefer", "require", "verify-ca", "verify-full", "disable", "allow")
"""libpq's sslmode values, the usual default first."""

# The libpq keywords a clinic's connection string starts with; a path never does ("x=y.db"
# would be a strange library name, but it stays a path unless its key is one of these).
_CONNINFO_KEYS = (
    "service|host|hostaddr|port|dbname|user|password|passfile|sslmode|sslrootcert|sslcert|"
    "sslkey|connect_timeout|application_name|target_session_attrs|options"
)
_CONNINFO = re.compile(rf"^\s*({_CONNINFO_KEYS})\s*=")
_LIBPQ_SCHEMES = ("postgresql://", "postgres://")
_QUERY_SECRET = re.compile(r"([?&]password=)[^&]*", re.IGNORECASE)


def is_conninfo(raw: str) -> bool:
    """True for a libpq keyword string such as ``service=clinic`` (not a file path or URL)."""
    return "://" not in raw and bool(_CONNINFO.match(raw))


def server_url(raw: str) -> str | None:
    """The SQLAlchemy URL for a server given as ``raw``; None when ``raw`` is not one of
    libpq's forms (a file path, or a URL that already names its driver).

    Raises:
        DatabaseRefusedError: a keyword string libpq cannot parse (unknown keyword, bad quote).
    """
    if is_conninfo(raw):
        return _conninfo_url(raw)
    for scheme in _LIBPQ_SCHEMES:
        if raw.startswith(scheme):
            return DRIVER + "://" + raw[len(scheme) :]
    return None


def _conninfo_url(raw: str) -> str:
    from psycopg import ProgrammingError
    from psycopg.conninfo import conninfo_to_dict

    try:
        params = conninfo_to_dict(raw)
    except ProgrammingError as exc:  # libpq's own words name the keyword, never a password
        reason = str(exc).splitlines()[0] if str(exc) else "not a connection string"
        raise DatabaseRefusedError(
            f"The database setting is not a PostgreSQL connection string: {reason}."
        ) from exc
    return build_url({k: str(v) for k, v in params.items() if v is not None})


def build_url(params: Mapping[str, str], password: str | None = None) -> str:
    """A SQLAlchemy URL from libpq keywords; ``password`` (asked, never stored) rides along."""
    rest = dict(params)
    port = rest.pop("port", "")
    url = URL.create(
        DRIVER,
        username=rest.pop("user", None) or None,
        password=password or rest.pop("password", None) or None,
        host=rest.pop("host", None) or None,
        port=int(port) if port.isdigit() else None,
        database=rest.pop("dbname", None) or None,
        query={k: v for k, v in rest.items() if v},
    )
    return url.render_as_string(hide_password=False)


def masked(url: str) -> str:
    """``url`` safe to show or log: a password in it (or in its query) becomes ``***``."""
    try:
        parsed = make_url(url)
    except Exception:  # not a URL at all: hide whatever looks like a password
        return re.sub(r"(password\s*=\s*)\S+", rf"\g<1>{MASK}", url, flags=re.IGNORECASE)
    shown = parsed.render_as_string(hide_password=True)
    return _QUERY_SECRET.sub(rf"\g<1>{MASK}", shown)
