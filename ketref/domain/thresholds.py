"""Blood-pressure thresholds the screener compares a resting reading with.

They are local policy, not evidence-derived limits (FACTS §2.2), so they are settings with
documented defaults: consider delaying above 140/90 mmHg (Spravato guidance) and do not give above
180/100 mmHg at rest (Swiss ketamine product information). "Above" is strict (``>``) and either
component counts; each component is checked and reported on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ketref.domain.errors import BadInputError

SYSTOLIC_RANGE = (80, 260)
DIASTOLIC_RANGE = (40, 160)
_BP_TEXT = re.compile(r"^\s*(\d{1,3})\s*/\s*(\d{1,3})\s*$")


class ThresholdSetting(StrEnum):
    """A threshold a rule may compare with by name instead of a fixed number."""

    BP_DELAY_SYSTOLIC = "bp_delay_systolic"
    BP_DELAY_DIASTOLIC = "bp_delay_diastolic"
    BP_STOP_SYSTOLIC = "bp_stop_systolic"
    BP_STOP_DIASTOLIC = "bp_stop_diastolic"

    @property
    def patient_field(self) -> str:
        """The patient field this threshold is meant for (``systolic_bp`` or ``diastolic_bp``)."""
        return "systolic_bp" if self.value.endswith("systolic") else "diastolic_bp"


class ThresholdSource(StrEnum):
    """Where the thresholds of a screening came from (reported with every result)."""

    DEFAULT = "default"
    CLINIC = "clinic"
    THIS_SCREENING = "this-screening"

    @property
    def label(self) -> str:
        """What every screen and printout calls the origin of the thresholds in use."""
        return {
            ThresholdSource.DEFAULT: "documented default",
            ThresholdSource.CLINIC: "clinic setting",
            ThresholdSource.THIS_SCREENING: "set for this screening",
        }[self]


@dataclass(frozen=True)
class BloodPressure:
    """A systolic/diastolic pair in mmHg."""

    systolic: int
    diastolic: int

    def __post_init__(self) -> None:
        for value, (low, high), name in (
            (self.systolic, SYSTOLIC_RANGE, "systolic"),
            (self.diastolic, DIASTOLIC_RANGE, "diastolic"),
        ):
            if isinstance(value, bool) or not isinstance(value, int):
                raise BadInputError(f"the {name} threshold must be a whole number of mmHg")
            if not low <= value <= high:
                raise BadInputError(
                    f"the {name} threshold {value} mmHg is outside the sensible range "
                    f"{low}-{high} mmHg"
                )
        if self.diastolic >= self.systolic:
            raise BadInputError("a blood-pressure threshold needs diastolic below systolic")

    def __str__(self) -> str:
        return f"{self.systolic}/{self.diastolic}"

    @classmethod
    def parse(cls, text: str, what: str | None = None) -> BloodPressure:
        """``"140/90"`` -> BloodPressure(140, 90).

        Raises:
            BadInputError: not of the form SYSTOLIC/DIASTOLIC or out of range.
        """
        prefix = f"{what}: " if what else ""
        match = _BP_TEXT.fullmatch(text)
        if not match:
            raise BadInputError(f"{prefix}write it as SYSTOLIC/DIASTOLIC, e.g. 140/90")
        try:
            return cls(int(match.group(1)), int(match.group(2)))
        except BadInputError as exc:
            raise BadInputError(f"{prefix}{exc}") from None

    def as_list(self) -> list[int]:
        return [self.systolic, self.diastolic]


DEFAULT_BP_DELAY = BloodPressure(140, 90)
DEFAULT_BP_STOP = BloodPressure(180, 100)


@dataclass(frozen=True)
class Thresholds:
    """The blood-pressure thresholds of one screening, validated as a pair."""

    bp_delay: BloodPressure = DEFAULT_BP_DELAY
    bp_stop: BloodPressure = DEFAULT_BP_STOP
    source: ThresholdSource = ThresholdSource.DEFAULT

    def __post_init__(self) -> None:
        if not (
            self.bp_stop.systolic > self.bp_delay.systolic
            and self.bp_stop.diastolic > self.bp_delay.diastolic
        ):
            raise BadInputError(
                f"the do-not-give threshold ({self.bp_stop}) must be above the "
                f"consider-delaying threshold ({self.bp_delay}) in both values"
            )

    def value(self, setting: ThresholdSetting) -> int:
        return {
            ThresholdSetting.BP_DELAY_SYSTOLIC: self.bp_delay.systolic,
            ThresholdSetting.BP_DELAY_DIASTOLIC: self.bp_delay.diastolic,
            ThresholdSetting.BP_STOP_SYSTOLIC: self.bp_stop.systolic,
            ThresholdSetting.BP_STOP_DIASTOLIC: self.bp_stop.diastolic,
        }[setting]

    @property
    def is_default(self) -> bool:
        return self.bp_delay == DEFAULT_BP_DELAY and self.bp_stop == DEFAULT_BP_STOP

    def as_dict(self) -> dict[str, Any]:
        """The ``thresholds`` object of a screening result."""
        return {
            "bp_delay": {"systolic": self.bp_delay.systolic, "diastolic": self.bp_delay.diastolic},
            "bp_stop": {"systolic": self.bp_stop.systolic, "diastolic": self.bp_stop.diastolic},
            "comparison": "above = strictly greater (>), systolic or diastolic",
            "source": self.source.value,
            "local_policy": True,
        }

    def describe(self) -> str:
        """One sentence for people: the values used and where they came from."""
        return (
            f"Consider delaying above {self.bp_delay} mmHg; do not give above {self.bp_stop} mmHg "
            f"at rest ({self.source.label}; local policy, not evidence-derived limits; 'above' "
            "means either value strictly greater)."
        )
