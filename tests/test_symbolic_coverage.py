"""Every catalogue claim that calls for a symbolic check has a derivation or a written reason."""

from __future__ import annotations

from dlncheck.checks import symbolic_coverage as coverage
from dlncheck.checks.catalogue import catalogue
from dlncheck.checks.registry import build_registry, registry


def test_every_symbolic_catalogue_id_has_a_derivation_or_a_reason():
    missing = [c.claim_id for c in coverage.symbolic_coverage() if c.status == coverage.MISSING]
    assert not missing, f"no derivation and no reason for: {missing}"


def test_reasons_name_catalogue_ids_that_call_for_a_symbolic_check_and_have_no_derivation():
    reg = registry()
    for cid, reason in coverage.no_derivation_reasons().items():
        assert "symbolic" in reg.catalogue[cid]["check_methods"], cid
        assert not coverage.symbolic_checks(reg, cid), f"{cid} has a derivation and a reason for none"
        assert len(reason.split()) >= 8, f"{cid}: say why, not just that: {reason!r}"


def test_an_id_without_derivation_counts_as_covered_only_with_a_reason(monkeypatch):
    empty = build_registry([], catalogue())
    monkeypatch.setattr(coverage, "no_derivation_reasons", lambda: {"krr.sec5.claims": "a figure's reading"})
    statuses = {c.claim_id: c.status for c in coverage.symbolic_coverage(empty)}
    assert statuses["krr.sec5.claims"] == coverage.REASON
    assert statuses["mil.eq31"] == coverage.MISSING
