"""Naming a PostgreSQL server the libpq ways, never showing a password, and matching text on a
server as ``fold`` does (the patterns are checked here with Python's re, whose bracket
expressions PostgreSQL's regular expressions read the same way)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ketref.db.engine import DatabaseTarget
from ketref.db.search_server import group_pattern, term_pattern
from ketref.domain.errors import DatabaseRefusedError
from ketref.domain.search import fold

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("given", "url"),
    [
        ("service=clinic", "postgresql+psycopg://?service=clinic"),
        (
            "host=db.clinic.local port=5433 dbname=ketref user=alice sslmode=verify-full",
            "postgresql+psycopg://alice@db.clinic.local:5433/ketref?sslmode=verify-full",
        ),
        ("postgresql:///?service=clinic", "postgresql+psycopg:///?service=clinic"),
        (
            "postgres://alice@db/ketref?sslmode=require",
            "postgresql+psycopg://alice@db/ketref?sslmode=require",
        ),
        ("postgresql+psycopg://alice@db/ketref", "postgresql+psycopg://alice@db/ketref"),
    ],
)
def test_libpq_forms_become_one_url(given: str, url: str) -> None:
    target = DatabaseTarget.parse(given)
    assert (target.url, target.path) == (url, None)


def test_a_path_stays_a_path(tmp_path: Path) -> None:
    odd = tmp_path / "notes=1.db"
    assert DatabaseTarget.parse(str(odd)).path == odd


def test_a_bad_keyword_string_is_one_clear_refusal() -> None:
    with pytest.raises(DatabaseRefusedError, match="not a PostgreSQL connection string"):
        DatabaseTarget.parse("service=clinic colour=blue")


@pytest.mark.parametrize(
    "given",
    [
        "host=db user=alice password=s3cret dbname=ketref",
        "postgresql+psycopg://alice:s3cret@db/ketref",
        "postgresql://alice@db/ketref?password=s3cret&sslmode=require",
    ],
)
def test_a_password_is_never_shown(given: str) -> None:
    target = DatabaseTarget.parse(given)
    assert "s3cret" not in target.display
    assert "***" in target.display


def test_a_typed_password_stays_out_of_the_url() -> None:
    target = DatabaseTarget(url="postgresql+psycopg://alice@db/ketref", path=None, password="pw1")
    assert "pw1" not in target.url + target.display + repr(target)


@pytest.mark.parametrize(
    ("term", "text", "found"),
    [
        ("sesion", "Después de la SESIÓN", True),
        ("nguyen", "Bệnh nhân Nguyễn", True),
        ("blood pressure", "Blood-pressure above 180", True),
        ("blood pressure", "Blood‑pressure (non-breaking hyphen)", True),
        ("a.b", "axb", False),  # a dot is a dot, not "any character"
        ("c++", "C++ notes", True),
        ("sesion", "session", False),
        ("ano", "año", True),
    ],
)
def test_patterns_match_as_fold_does(term: str, text: str, found: bool) -> None:
    assert (fold(term) in fold(text)) is found  # the judgement the pattern must agree with
    assert bool(re.search(term_pattern(fold(term)), text)) is found


def test_a_group_matches_any_alternative() -> None:
    pattern = group_pattern(("hypertension", "blood pressure"))
    assert re.search(pattern, "High BLOOD-PRESSURE")
    assert re.search(pattern, "Hypertensión")
    assert not re.search(pattern, "hypotension")
