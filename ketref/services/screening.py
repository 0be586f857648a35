"""Screening a patient against the loaded knowledge base, and the clinic's BP thresholds.

The rules, the medicine index and the cited references are read once per content state (a new
release or any audited edit refreshes them), so live screening in the GUI costs only the pure
engine. Patient data is never stored or logged here: it goes in, a result comes out.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.orm import Session

from ketref.bounded_read import FileTooLargeError, UnreadableFileError, read_bounded
from ketref.db import items as items_db
from ketref.db import repositories as repo
from ketref.db.engine import Database
from ketref.db.mapping import item_from_document, reference_to_domain, rule_to_domain
from ketref.db.seed import latest_release
from ketref.domain.clock import Clock, system_clock
from ketref.domain.content import Contraindication, Indication, Interaction, Reference
from ketref.domain.enums import ItemKind
from ketref.domain.errors import BadInputError, ContentError
from ketref.domain.patient import MAX_PATIENT_FILE_BYTES, Patient, parse_patient_json
from ketref.domain.screening import screen
from ketref.domain.screening_knowledge import MedicationIndex, RuleSet
from ketref.domain.screening_result import ScreeningResult
from ketref.domain.screening_summary import ScreeningSummary, summarise
from ketref.domain.thresholds import BloodPressure, Thresholds, ThresholdSource
from ketref.domain.validation import format_validation_error
from ketref.services.catalogue import current_actor

CLINIC_THRESHOLDS_KEY = "screening.bp_thresholds"
LOCAL_EDITS_SUFFIX = "+local-edits"
_KNOWLEDGE_KINDS = [ItemKind.INTERACTION, ItemKind.CONTRAINDICATION, ItemKind.INDICATION]


@dataclass(frozen=True)
class ScreeningKnowledge:
    """Everything the engine and the summary need from the database, read in one go."""

    rules: RuleSet
    medicines: MedicationIndex
    references: dict[str, Reference]
    local_edits: tuple[str, ...]
    """``kind/slug`` of locally edited items the screening depends on (shown in the version)."""


class ScreeningService:
    """Screen patients; read and change the clinic's blood-pressure thresholds."""

    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self._db = db
        self._clock = clock
        self._cache: tuple[object, ScreeningKnowledge] | None = None

    # --- screening -----------------------------------------------------------------------

    def screen(self, patient: Patient, thresholds: Thresholds | None = None) -> ScreeningResult:
        """Screen ``patient`` for every product with ``thresholds`` (default: the clinic's).

        Raises:
            BadInputError: a diagnosis is not a condition of the knowledge base.
        """
        with self._db.read() as session:  # one session for both: a screening is live typing
            knowledge = self._knowledge(session)
            used = thresholds if thresholds is not None else _clinic_thresholds(session)
        return screen(patient, knowledge.rules, used, knowledge.medicines)

    def summarise(self, patient: Patient, result: ScreeningResult) -> ScreeningSummary:
        """The result laid out for people (CLI text, GUI cards, printed summary), dated today."""
        knowledge = self.knowledge()
        return summarise(
            patient,
            result,
            knowledge.references,
            self._clock().date(),
            knowledge.rules.diagnoses,
        )

    def load_patient_file(self, path: Path) -> Patient:
        """See :func:`load_patient_file` (also offered here for the GUI)."""
        return load_patient_file(path)

    def ruleset_version(self) -> str:
        return self.knowledge().rules.version

    def diagnosis_choices(self) -> list[tuple[str, str]]:
        """(slug, title) of every condition a patient's diagnoses may name, by title."""
        return sorted(self.knowledge().rules.diagnoses.items(), key=lambda pair: pair[1])

    def medication_names(self) -> list[str]:
        """Every generic and brand name the medicine index knows (for a picker or completer)."""
        return self.knowledge().medicines.names()

    def knowledge(self) -> ScreeningKnowledge:
        """Rules, medicine index and cited references, re-read only when content changed."""
        with self._db.read() as session:
            return self._knowledge(session)

    def _knowledge(self, session: Session) -> ScreeningKnowledge:
        key = repo.content_fingerprint(session)
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        knowledge = _read_knowledge(session)
        self._cache = (key, knowledge)
        return knowledge

    # --- the clinic's thresholds ---------------------------------------------------------

    def clinic_thresholds(self) -> Thresholds:
        """The clinic's stored thresholds, or the documented defaults when none are stored.

        Raises:
            BadInputError: the stored value is damaged (never silently replaced by defaults).
        """
        with self._db.read() as session:
            return _clinic_thresholds(session)

    def thresholds_for(
        self, bp_delay: BloodPressure | None = None, bp_stop: BloodPressure | None = None
    ) -> Thresholds:
        """The clinic's thresholds with either pair overridden for one screening.

        Raises:
            BadInputError: the combination is invalid (stop must be above delay).
        """
        base = self.clinic_thresholds()
        if bp_delay is None and bp_stop is None:
            return base
        return Thresholds(
            bp_delay=bp_delay or base.bp_delay,
            bp_stop=bp_stop or base.bp_stop,
            source=ThresholdSource.THIS_SCREENING,
        )

    def save_clinic_thresholds(
        self, bp_delay: BloodPressure, bp_stop: BloodPressure, actor: str | None = None
    ) -> Thresholds:
        """Store the clinic's thresholds (validated) and audit the change.

        Raises:
            BadInputError: stop is not above delay, or a value is out of range.
        """
        new = Thresholds(bp_delay=bp_delay, bp_stop=bp_stop, source=ThresholdSource.CLINIC)
        self._write_thresholds(new, actor)
        return new

    def reset_clinic_thresholds(self, actor: str | None = None) -> Thresholds:
        """Forget the clinic's thresholds: the documented defaults apply again (audited)."""
        self._write_thresholds(None, actor)
        return Thresholds()

    def _write_thresholds(self, new: Thresholds | None, actor: str | None) -> None:
        now = self._clock()
        with self._db.write() as session:
            old = repo.get_meta(session, CLINIC_THRESHOLDS_KEY)
            if new is None:
                repo.delete_meta(session, CLINIC_THRESHOLDS_KEY)
            else:
                repo.set_meta(session, CLINIC_THRESHOLDS_KEY, _stored_text(new))
            release = latest_release(session)
            repo.audit(
                session,
                now=now,
                actor=actor or current_actor(),
                action="set-screening-thresholds" if new else "reset-screening-thresholds",
                kind=None,
                slug=None,
                content_version=release.version if release else None,
                detail={
                    "before": json.loads(old) if old and _is_json(old) else old,
                    "after": json.loads(_stored_text(new)) if new else None,
                },
            )


def _read_knowledge(session: Session) -> ScreeningKnowledge:
    """What ``ScreeningService.knowledge`` keeps, read from the library."""
    release = latest_release(session)
    try:
        rules = [rule_to_domain(row) for row in repo.screening_rule_rows(session)]
    except ValidationError as exc:
        raise ContentError(
            [f"stored screening rule: {line}" for line in format_validation_error(exc)]
        ) from None
    items = {
        kind: [
            item_from_document(kind, row.slug, document)
            for row, document in items_db.documents_of_kind(session, kind)
        ]
        for kind in _KNOWLEDGE_KINDS
    }
    interactions = [i for i in items[ItemKind.INTERACTION] if isinstance(i, Interaction)]
    synonyms = repo.synonyms(session)
    edits = tuple(repo.locally_edited_slugs(session, _KNOWLEDGE_KINDS))
    version = release.version if release is not None else "none"
    if edits:
        version += LOCAL_EDITS_SUFFIX
    rule_set = RuleSet.from_content(
        version,
        rules,
        [i for i in items[ItemKind.INDICATION] if isinstance(i, Indication)],
        [c for c in items[ItemKind.CONTRAINDICATION] if isinstance(c, Contraindication)],
        interactions,
    )
    cited = sorted(
        {ref for rule in rules for ref in rule.references}
        | {ref for item in interactions for ref in item.references}
    )
    references = {
        key: reference_to_domain(row) for key, row in repo.references_by_key(session, cited).items()
    }
    return ScreeningKnowledge(
        rules=rule_set,
        medicines=MedicationIndex.from_interactions(interactions, synonyms),
        references=references,
        local_edits=edits,
    )


def _clinic_thresholds(session: Session) -> Thresholds:
    stored = repo.get_meta(session, CLINIC_THRESHOLDS_KEY)
    return Thresholds() if stored is None else _parse_stored(stored)


def load_patient_file(path: Path) -> Patient:
    """Read and strictly parse a patient JSON file; needs no database, so it can run first.

    Raises:
        BadInputError: the file is missing, unreadable, not JSON or not a valid patient.
    """
    if not os.path.lexists(path):
        raise BadInputError(f"There is no patient file at {path}.")
    try:
        data = read_bounded(path, MAX_PATIENT_FILE_BYTES)
    except FileTooLargeError:
        raise BadInputError(f"{path.name} is too large to be a patient file (over 1 MB)") from None
    except UnreadableFileError as exc:
        raise BadInputError(str(exc)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInputError(f"{path.name} is not a UTF-8 text (JSON) file.") from None
    try:
        return parse_patient_json(text)
    except BadInputError as exc:
        raise BadInputError(f"{path.name}: {exc}") from None


def _stored_text(thresholds: Thresholds) -> str:
    return json.dumps(
        {"bp_delay": thresholds.bp_delay.as_list(), "bp_stop": thresholds.bp_stop.as_list()},
        sort_keys=True,
    )


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _parse_stored(text: str) -> Thresholds:
    damaged = BadInputError(
        "the clinic's stored blood-pressure thresholds are damaged; set them again with "
        "'ketref thresholds set' or go back to the defaults with 'ketref thresholds reset'"
    )
    try:
        data = json.loads(text)
    except ValueError:
        raise damaged from None
    if not isinstance(data, dict) or set(data) != {"bp_delay", "bp_stop"}:
        raise damaged
    pairs = [data["bp_delay"], data["bp_stop"]]
    if not all(isinstance(p, list) and len(p) == 2 for p in pairs):
        raise damaged
    try:
        return Thresholds(
            bp_delay=BloodPressure(*pairs[0]),
            bp_stop=BloodPressure(*pairs[1]),
            source=ThresholdSource.CLINIC,
        )
    except BadInputError:
        raise damaged from None
