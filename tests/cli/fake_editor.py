"""A stand-in for $EDITOR in tests: each run applies the next step of a JSON script to the file.

Steps (a list in the file named by $KETREF_FAKE_EDITOR): ``{"set": {field: value}}`` changes
fields (the YAML is parsed and written back, as a person retyping would), ``{"empty": true}``
empties the file, ``{"keep": true}`` leaves it as it is, ``{"run": [argv...]}`` runs a command
first (another user saving), ``{"exit": n}`` exits with n. Every run appends the text it was
given to the script's ``seen`` list, so a test can check what the user was shown.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml


def main() -> int:
    script_path = Path(os.environ["KETREF_FAKE_EDITOR"])
    script = json.loads(script_path.read_text())
    target = Path(sys.argv[1])
    text = target.read_text(encoding="utf-8")
    script["seen"].append(text)
    step = script["steps"].pop(0)
    script_path.write_text(json.dumps(script))
    for argv in step.get("run", []):
        subprocess.run(argv, check=True, capture_output=True)
    if "exit" in step:
        return int(step["exit"])
    if step.get("empty"):
        target.write_text("")
    elif "set" in step:
        data = yaml.safe_load(text)
        data.update(step["set"])
        target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
