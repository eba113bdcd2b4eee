"""A claim is stated once (issue 13): what a declaration states comes from its record in the
project's catalogue, a field that differs says why, and ``show`` links each claim to its code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dlncheck.checks.catalogue import catalogue
from dlncheck.checks.claim import STATED_FIELDS, Override, declare, stated
from dlncheck.checks.registry import registry

REPOSITORY = Path(__file__).resolve().parents[1]
CHECKS = (object(),)  # declare refuses before it looks at the checks


def test_every_declaration_states_what_its_catalogue_record_states():
    drift = []
    for cid, claim in registry().claims.items():
        overridden = dict(claim.overridden)
        for name, value in stated(cid).items():
            if getattr(claim, name) != value and name not in overridden:
                drift.append(f"{cid}.{name}")
        assert all(why.strip() for why in overridden.values()), cid
    assert not drift, f"declared text differs from the catalogue without an Override: {drift}"


@pytest.mark.parametrize("field", STATED_FIELDS)
def test_a_stated_field_typed_into_a_declaration_is_refused(field):
    with pytest.raises(ValueError, match="come from the catalogue record"):
        declare(id="mil.eq17", expected=None, checks=CHECKS, **{field: "typed twice"})


def test_an_override_needs_a_reason_and_a_stated_field():
    with pytest.raises(ValueError, match="gives its reason"):
        declare(id="mil.eq17", expected=None, checks=CHECKS, overrides={"statement": Override("x", " ")})
    with pytest.raises(ValueError, match="gives its reason"):
        declare(id="mil.eq17", expected=None, checks=CHECKS, overrides={"expected": Override("x", "why")})
    with pytest.raises(ValueError, match="not a catalogue id"):
        declare(id="mil.no_such_claim", expected=None, checks=CHECKS)


def test_the_catalogue_records_what_the_project_revised():
    for cid, record in catalogue().items():
        revised = record.get("revised", [])
        assert set(revised) <= {"label", "section", "statement", "hypotheses"}, cid


def _line(location: str) -> str:
    path, line = location.rsplit(":", 1)
    return (REPOSITORY / path).read_text(encoding="utf-8").splitlines()[int(line) - 1]


def test_declared_at_points_at_the_declaration():
    for cid, claim in registry().claims.items():
        line = _line(claim.declared_at)
        assert re.search(r"\bdeclare\(", line) or cid in line, (cid, claim.declared_at, line)


def test_derivation_links_point_at_functions():
    seen = 0
    for claim in registry().claims.values():
        for check in claim.checks:
            where = check.describe().get("derivation")
            if where:
                seen += 1
                assert re.match(r"\s*def \w+\(", _line(where)) or "lambda" in _line(where), where
    assert seen >= 100
