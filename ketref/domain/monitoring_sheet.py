"""The session monitoring sheet: what a nurse fills in at one session, per product.

A sheet template is data (``resources/content/monitoring-sheets/<product>.yaml``) with sources
and review dates: the observation rule in words, the times vital signs are taken and the
discharge criteria. The clinic's blood-pressure thresholds are printed beside the BP boxes.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from ketref.domain.content import ProductT
from ketref.domain.content_base import VERSION_PATTERN, Model, ShortText, Sourced, Text


class SheetTimepoint(Model):
    """One row of the observation table: when, and what to look at then."""

    label: ShortText
    note: ShortText | None = None


class MonitoringSheet(Sourced):
    """A one-page monitoring record for one session with one product."""

    product: ProductT
    title: ShortText
    version: Annotated[str, StringConstraints(pattern=VERSION_PATTERN)]
    observation: Text
    timepoints: Annotated[list[SheetTimepoint], Field(min_length=2, max_length=14)]
    discharge_note: Text
    discharge_criteria: Annotated[list[ShortText], Field(min_length=1, max_length=10)]
