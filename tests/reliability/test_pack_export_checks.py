"""Exporting a pack: checked as the import reads it, before the file is written (CP-*)."""

from __future__ import annotations

from typing import Any

import pytest

from ketref.content.packs import read_pack, serialise, serialise_checked
from ketref.domain.packs import PackError

pytestmark = pytest.mark.content


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_an_export_is_checked_as_the_import_reads_it(payload: dict[str, Any], fmt: str) -> None:
    """JSON is checked on the document as built (not parsed again): it must give exactly what
    reading the written bytes gives."""
    data, checked = serialise_checked(payload, fmt)
    assert data == serialise(payload, fmt)
    assert checked == read_pack(data, fmt)


@pytest.mark.parametrize(
    ("spoil", "match"),
    [
        (lambda p: p["items"][0]["item"].update(title="Right\u202eleft"), "the text contains"),
        (lambda p: p["references"].pop(), "which the pack does not include"),
        (lambda p: p["items"][0]["item"].update(colour="red"), "Extra inputs"),
        (lambda p: p["items"][0].update(kind="references"), "references go in"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_an_export_that_would_not_import_is_refused_before_it_is_written(
    payload: dict[str, Any], spoil: Any, match: str, fmt: str
) -> None:
    spoil(payload)
    with pytest.raises(PackError, match=match):
        read_pack(serialise(payload, fmt), fmt)
    with pytest.raises(PackError, match=match):
        serialise_checked(payload, fmt)
