"""Who may do what in a shared library: ketref's four roles, from reading to owning.

On a PostgreSQL server each is a group role (``ketref_reader`` ...) made by ``ketref server
init-roles``; a person's login role is granted one of them. Each role includes the ones below
it. A SQLite file has no roles: whoever can write the file is its owner.
"""

from __future__ import annotations

from enum import IntEnum


class Role(IntEnum):
    NONE = 0
    READER = 1
    """Search, read, screen and print."""
    EDITOR = 2
    """Also edit items, import packs, set the clinic profile and thresholds."""
    APPROVER = 3
    """Also approve drafts and mark items reviewed (``ketref review``)."""
    OWNER = 4
    """Also upgrade the schema and load new content releases."""

    @property
    def server_name(self) -> str:
        """The PostgreSQL group role that grants it."""
        return f"ketref_{self.name.lower()}"

    @property
    def needed(self) -> str:
        """What the window says beside an action this role grants, for a user without it."""
        return f"Needs the {self.server_name} role on the shared database"

    @property
    def label(self) -> str:
        return self.name.lower()


ROLES_LOW_TO_HIGH = (Role.READER, Role.EDITOR, Role.APPROVER, Role.OWNER)

WHAT_NEEDS = {
    Role.EDITOR: "Saving changes (edits, pack imports, the clinic profile, thresholds)",
    Role.APPROVER: "Approving drafts or marking items reviewed",
    Role.OWNER: "Upgrading the library or loading a new content release",
}

ALLOWS = {
    Role.NONE: "nothing (ask for a ketref role)",
    Role.READER: "search, read, screen and print",
    Role.EDITOR: "also edit items, import packs, set the clinic profile and thresholds",
    Role.APPROVER: "also approve drafts and mark items reviewed",
    Role.OWNER: "everything, including upgrades and loading content releases",
}
