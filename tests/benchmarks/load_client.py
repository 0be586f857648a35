"""One workstation of the ``server-load`` benchmark, in its own process.

Usage: ``python -m tests.benchmarks.load_client JSON`` with ``url``, ``role`` ("reader" or
"editor"), ``seconds``, ``go`` (a file that starts everyone at once) and, for the editor, a
``pack`` to import. A reader searches, screens and prints (a handout PDF) in turn; the editor
appends a numbered word to an item's summary (reloading on a conflict) and imports the pack in
turn, going round every contraindication so that no summary outgrows its limit however fast the
backend saves. Prints one JSON line: latencies per operation, errors, and the editor's saved
words with the item each went to.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

KIND = "contraindications"


def _services(url: str, home: Path) -> Any:
    from ketref.db.engine import DatabaseTarget
    from ketref.paths import AppPaths, resources_dir
    from ketref.services.workspace import Workspace

    paths = AppPaths.resolve(home)
    paths.ensure()
    return Workspace(paths, DatabaseTarget.parse(url), resources_dir() / "content").open(
        load_content=False
    )


def main(args: dict[str, Any]) -> None:
    from ketref.domain.enums import ItemKind
    from ketref.domain.errors import EditConflictError, KetrefError
    from ketref.services.handouts import HandoutRequest
    from tests.benchmarks.bench_screening import sample_patient
    from tests.benchmarks.bench_search import query_mix

    services = _services(args["url"], Path(args["home"]))
    latencies: dict[str, list[float]] = {}
    errors: list[str] = []
    saved: list[list[str]] = []
    queries = [text for _, text in query_mix()]
    patient = sample_patient()
    handout = HandoutRequest(slugs=("after-your-session",))
    kind = ItemKind(KIND)
    slugs = [item.slug for item in services.catalogue.list_items(kind)]
    details = {slug: services.catalogue.get_item(kind, slug) for slug in slugs}
    step = 0

    def edit() -> None:
        word = f"{args['tag']}{len(saved)}"
        slug = slugs[len(saved) % len(slugs)]
        detail = details[slug]
        while True:
            try:
                details[slug] = services.catalogue.edit_item(
                    kind,
                    slug,
                    {"summary": f"{detail.item.summary} {word}"},
                    actor="load-editor",
                    expected=detail.fingerprint,
                )
                saved.append([slug, word])
                return
            except EditConflictError:
                detail = details[slug] = services.catalogue.get_item(kind, slug)

    if args["role"] == "editor":
        ops = [("edit", edit), ("import", lambda: services.packs.import_pack(Path(args["pack"])))]
    else:
        ops = [
            ("search", lambda: services.catalogue.search(queries[step % len(queries)])),
            ("screen", lambda: services.screening.screen(patient)),
            ("print", lambda: services.handouts.render(handout)),
        ]
    print("ready", flush=True)
    while not Path(args["go"]).exists():
        time.sleep(0.005)
    end = time.monotonic() + args["seconds"]
    while time.monotonic() < end:
        name, op = ops[step % len(ops)]
        start = time.perf_counter()
        try:
            op()
        except KetrefError as exc:
            errors.append(f"{name}: {type(exc).__name__}: {exc}")
        latencies.setdefault(name, []).append((time.perf_counter() - start) * 1000)
        step += 1
    services.close()
    print(json.dumps({"latencies": latencies, "errors": errors, "saved": saved}))


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
