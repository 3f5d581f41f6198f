"""docs/rules.md names every pathway, criterion and warning the ruleset ships."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules_core.ruleset import RULES

DOC = (Path(__file__).resolve().parents[1] / "docs" / "rules.md").read_text(encoding="utf-8")
PATHWAYS = [p for rules in RULES.values() for p in rules.pathways]


@pytest.mark.parametrize("pathway", PATHWAYS, ids=[p.id for p in PATHWAYS])
def test_pathway_and_its_criteria_are_documented(pathway):
    assert f"`{pathway.id}`" in DOC
    for criterion in pathway.criteria:
        assert f"`{criterion.id.removeprefix(pathway.id + '.')}`" in DOC, criterion.id


@pytest.mark.parametrize("warning_id", [w.id for r in RULES.values() for w in r.warnings])
def test_warning_is_documented(warning_id):
    assert warning_id.split(".", 1)[1] in DOC
