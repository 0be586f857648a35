"""``ketref edit KIND SLUG``: change an item as YAML in your own editor; saved as a draft.

The loop: write the item to a temporary file, open ``$VISUAL``/``$EDITOR`` on it, read it back
with the strict YAML reader and validate it with the content schema (the same as loading a
release). Errors go back into the file as comments at the top and the editor opens again.
Nothing is stored until the text is valid; an empty file or one closed unchanged stores nothing.
The result is a draft (``review approve`` makes it current). When a draft already waits, the
edit starts from it (as the window's editor does), so a second edit adds to the first. If someone
saved the item while you were editing, nothing is stored and both versions are named; your text
stays in the file. The service compares fingerprints inside its write, so the check is atomic.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from ketref.cli.catalogue import KIND_CHOICES
from ketref.cli.common import Context, Subparsers
from ketref.content.item_yaml import (
    document_changes,
    item_yaml,
    read_item_yaml,
    with_notes,
    without_notes,
)
from ketref.content.safe_yaml import YamlError
from ketref.domain.catalogue import VersionInfo
from ketref.domain.enums import ItemKind
from ketref.domain.errors import BadInputError, EditConflictError

NO_EDITOR = (
    "No editor is set: set $VISUAL or $EDITOR (for example: export EDITOR=nano), then run "
    "ketref edit again. Nothing was changed."
)


def register(sub: Subparsers) -> None:
    p = sub.add_parser("edit", help="edit an item as YAML in $VISUAL/$EDITOR (saved as a draft)")
    p.add_argument("kind", choices=[k for k in KIND_CHOICES if k != ItemKind.REFERENCE.value])
    p.add_argument("slug")
    p.add_argument(
        "--release",
        action="store_true",
        help="start from the newer release's version of an item edited here (merge by hand)",
    )
    p.add_argument(
        "--accept-reading-level",
        action="store_true",
        help="save a handout that reads past the limit (grade 8); recorded in the audit trail",
    )
    p.set_defaults(handler=_cmd_edit)


def editor_command() -> list[str]:
    """The user's editor as argv, from $VISUAL then $EDITOR.

    Raises:
        BadInputError: neither is set.
    """
    for name in ("VISUAL", "EDITOR"):
        value = os.environ.get(name, "").strip()
        if value:
            return shlex.split(value)
    raise BadInputError(NO_EDITOR)


def _newest(ctx: Context, kind: ItemKind, slug: str) -> VersionInfo:
    return ctx.services.catalogue.history(kind, slug)[0]


def _notes(name: str, started: str, errors: list[str]) -> list[str]:
    notes = [
        f"ketref edit {name} (from {started}). Save and close to store it as a draft.",
        "To quit without saving: empty the file, or close it unchanged.",
    ]
    if errors:
        notes += ["", "NOT SAVED. Fix these problems, then save and close again:"]
        notes += [f"  - {part}" for line in errors for part in line.splitlines() if part]
    return [*notes, ""]


def _conflict(ctx: Context, kind: ItemKind, slug: str, started: int, path: Path) -> BadInputError:
    newest = _newest(ctx, kind, slug)
    return BadInputError(
        f"{kind.value}/{slug} was saved by someone else while you were editing: you started "
        f"from version {started}, and version {newest.version_id} was saved by "
        f"{newest.saved_by} at {newest.saved_at:%Y-%m-%d %H:%M} ({newest.state.value}). Nothing "
        f"was saved; your text is kept in {path}. See their change with: ketref diff "
        f"{kind.value} {slug} --against {started}"
    )


def _cmd_edit(args: argparse.Namespace, ctx: Context) -> int:
    kind = ItemKind(args.kind)
    command = editor_command()
    base = ctx.services.editing.start(kind, args.slug)  # the waiting draft, if there is one
    current = base.data
    start = ctx.services.releases.release_document(kind, args.slug) if args.release else current
    started = base.draft_version or ctx.services.catalogue.get_item(kind, args.slug).version_id
    assert started is not None
    name = f"{kind.value}/{args.slug}"
    origin = f"draft version {started}" if base.draft_version else f"version {started}"
    folder = Path(tempfile.mkdtemp(prefix="ketref-edit-"))
    path = folder / f"{kind.value}-{args.slug}.yaml"
    path.write_text(item_yaml(start, _notes(name, origin, [])), encoding="utf-8")
    while True:
        try:
            done = subprocess.run([*command, str(path)], check=False)
        except OSError as exc:
            raise BadInputError(f"Could not start the editor {command[0]!r}: {exc}") from None
        if done.returncode != 0:
            raise BadInputError(
                f"The editor exited with code {done.returncode}; nothing was saved "
                f"(your text is in {path})."
            )
        text = without_notes(path.read_text(encoding="utf-8", errors="replace"))
        try:
            edited = read_item_yaml(text)
        except YamlError as exc:
            path.write_text(with_notes(text, _notes(name, origin, [str(exc)])), encoding="utf-8")
            continue
        if edited is None or edited == start:
            ctx.out.write(f"Quit without saving: {name} is unchanged.\n")
            path.unlink()
            folder.rmdir()
            return 0
        try:
            draft = ctx.services.review.save_draft(
                kind,
                args.slug,
                document_changes(current, edited),
                expected=base.fingerprint,
                accept_reading_level=args.accept_reading_level,
            )
        except EditConflictError:
            raise _conflict(ctx, kind, args.slug, started, path) from None
        except BadInputError as exc:
            errors = [part for part in str(exc).split("; ") if part]
            path.write_text(with_notes(text, _notes(name, origin, errors)), encoding="utf-8")
            continue
        path.unlink()
        folder.rmdir()
        kept = "the approved version" if base.draft_version else f"version {started}"
        ctx.out.write(
            f"Saved your edit of {name} as draft version {draft}; {kept} stays "
            f"current until it is approved (ketref review approve {kind.value} {args.slug}).\n"
        )
        return 0
