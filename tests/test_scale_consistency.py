"""Scale consistency of the papers' bounds under (A, y, init) -> (A, λ^L y, λ init)."""

from __future__ import annotations

import pytest
from scale_checks import claims_declaring, scale_checks

from dlncheck.derivations import scale_consistency as sc
from dlncheck.derivations.derivation import Outcome
from dlncheck.derivations.equality import compare

# the bounds whose two sides, as printed, transform differently (each a typo; corrected form agrees)
NOT_CONSISTENT = {
    ("mil.thm1.4", "scale"),
    ("ms.intro.step1", "scale of the prior"),
    ("wn.thm.from7", "scale of the hypothesis"),
    ("wn.thm2.1", "scale of ρ"),
    ("wn.lem3.5", "scale of the rate"),
}

CASES = scale_checks()


@pytest.mark.parametrize(("claim_id", "name", "derive"), CASES, ids=[f"{c}:{n}" for c, n, _ in CASES])
def test_each_bound_scales_consistently_unless_it_is_a_known_misprint(claim_id, name, derive):
    assert claims_declaring(derive) == {claim_id}  # declared by this claim alone
    d = derive()
    if (claim_id, name) in NOT_CONSISTENT:
        assert d.outcome == Outcome.DIFFERS, d.message
        assert d.witness_point and d.corrected is not None
    else:
        assert d.outcome == Outcome.AGREES, d.message


def test_corrected_misprints_scale_like_their_left_side():
    for derive in (sc.mil_thm14, sc.wn_thm_from7_hypothesis, sc.wn_rho_17, sc.wn_lem35):
        d = derive()
        fixed = sc.scale_factor(d.corrected, dict(_weights_of(d)))
        assert compare(d.derived, fixed).outcome == Outcome.AGREES


def _weights_of(d):
    table = d.steps[0].expr  # the weights step: rows [symbol, weight]
    return [(table[i, 0], table[i, 1]) for i in range(table.rows)]


def test_the_hypothesis_of_the_quoted_theorem_should_read_Q_greater_than_c_L_beta_1():
    d = sc.wn_thm_from7_hypothesis()
    assert d.printed == sc.lam ** (4 / sc.L)
    assert d.derived == sc.lam**2


def test_statements_that_merely_fix_a_unit_carry_no_scale_check():
    for claim_id in ("krr.lem5", "krr.cor10", "wn.eq7"):
        assert claim_id in sc.NOT_SCALE_FREE
        assert claim_id not in {cid for cid, _, _ in CASES}
