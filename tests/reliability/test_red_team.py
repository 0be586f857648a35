"""Red-team findings (RELIABILITY.md RT-01 ... RT-13), each fixed and kept fixed by a test here
or, where it needs a child process, in test_red_team_processes.py."""

from __future__ import annotations

import pytest

from ketref.content.safe_yaml import MAX_DEPTH, YamlError, load_yaml

# --- RT-13 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "payload:\n  x: " + "[" * 1000 + "]" * 1000 + "\n",
        "a: " + "{b: " * 2000 + "1" + "}" * 2000 + "\n",
        "".join("  " * n + f"k{n}:\n" for n in range(200)) + "  " * 200 + "v\n",
    ],
    ids=["flow-list-1000", "flow-map-2000", "block-200"],
)
def test_rt13_deep_yaml_gets_ketrefs_message_whatever_the_pyyaml(text: str) -> None:
    """RT-13: PyYAML 6.0.4's libyaml stops deep nesting with its own "exceeded maximum nesting
    depth"; ketref says the same as with 6.0.1-6.0.3 ("nested more than 64 levels deep")."""
    with pytest.raises(YamlError, match=f"nested more than {MAX_DEPTH} levels deep"):
        load_yaml(text)
