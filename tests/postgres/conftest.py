"""A ketref home whose library is a fresh PostgreSQL database holding the shipped content."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.backends import use_backend_database
from tests.conftest import SHIPPED_CONTENT


@pytest.fixture
def server_home(tmp_path: Path, request: pytest.FixtureRequest) -> tuple[Path, str]:
    """(home folder, library URL); $KETREF_DATABASE_URL points at the library."""
    url = use_backend_database(request, "postgres", SHIPPED_CONTENT)
    assert url is not None
    return tmp_path / "home", url
