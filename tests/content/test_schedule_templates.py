"""The shipped schedule templates: valid, sourced, reviewed, readable, one default per product."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ketref.content.schedules import read_schedule_templates
from ketref.domain.enums import Product
from ketref.domain.errors import ContentError
from ketref.domain.readability import measure
from ketref.domain.schedules import plan_schedule
from tests.conftest import SHIPPED_CONTENT, shipped_bundle

pytestmark = pytest.mark.content


@pytest.fixture(scope="module")
def shipped():
    known = {r.id for r in shipped_bundle().references}
    return read_schedule_templates(SHIPPED_CONTENT, known)


def test_the_requested_plans_are_shipped(shipped) -> None:
    by_id = {t.id: t for t in shipped}
    assert set(by_id) >= {
        "iv-twice-weekly-3-weeks",
        "iv-three-times-weekly-2-weeks",
        "iv-3-2-1-taper",
        "esketamine-trd",
        "esketamine-suicidal-thoughts",
    }
    start = date(2027, 1, 4)
    counts = {t.id: [s.date for s in plan_schedule(t, start).sessions] for t in shipped}
    assert len(counts["iv-twice-weekly-3-weeks"]) == 6
    assert counts["iv-twice-weekly-3-weeks"][-1] - start < date(2027, 1, 25) - start
    assert len(counts["iv-three-times-weekly-2-weeks"]) == 6
    taper = plan_schedule(by_id["iv-3-2-1-taper"], start).sessions
    assert [s.phase for s in taper][:6] == ["First course"] * 6
    assert {s.phase for s in taper[6:]} == {"Monthly sessions"}
    eske = plan_schedule(by_id["esketamine-trd"], start).sessions
    assert sum(1 for s in eske if s.date < date(2027, 2, 1)) == 8  # twice weekly, weeks 1-4
    assert len(plan_schedule(by_id["esketamine-suicidal-thoughts"], start).sessions) == 8


def test_each_product_has_exactly_one_default(shipped) -> None:
    for product in Product:
        defaults = [t.id for t in shipped if t.product is product and t.default]
        assert len(defaults) == 1, product


def test_templates_are_reviewed_sourced_and_plainly_worded(shipped) -> None:
    for t in shipped:
        assert t.references
        assert t.review_due > date(2026, 11, 21)
        for text in (t.summary, t.after or ""):
            assert measure(text).grade <= 8, (t.id, text)
        assert t.verified or t.unverified_note


def test_unknown_reference_and_second_default_are_reported(tmp_path: Path) -> None:
    folder = tmp_path / "schedules"
    folder.mkdir()
    source = (SHIPPED_CONTENT / "schedules" / "iv-twice-weekly-3-weeks.yaml").read_text()
    (folder / "a.yaml").write_text(source)
    (folder / "b.yaml").write_text(source.replace("id: iv-twice-weekly-3-weeks", "id: other"))
    (folder / "c.yaml").write_text("id: [broken")
    with pytest.raises(ContentError) as info:
        read_schedule_templates(tmp_path, known_references={"anand-2023"})
    problems = " ".join(info.value.problems)
    assert "already has a default template" in problems
    assert "cites unknown reference 'phillips-2019'" in problems
    assert "schedules/c.yaml" in problems


def test_every_shipped_template_is_worded_in_spanish(shipped) -> None:
    for template in shipped:
        assert template.has_language("es"), template.id
        spanish = template.in_language("es")
        assert spanish.summary != template.summary, template.id
        assert [p.label for p in spanish.phases] != [p.label for p in template.phases]
        assert spanish.in_language("fr") is spanish  # no translation: the words stay as they are


def test_a_translation_needs_one_label_per_phase(shipped) -> None:
    template = shipped[0]
    data = template.model_dump(mode="json")
    labels = ["a"] * (len(template.phases) + 1)
    data["translations"] = {"es": {"title": "t", "summary": "s", "phase_labels": labels}}
    with pytest.raises(ValueError, match="one label per phase"):
        type(template).model_validate(data, strict=False)
