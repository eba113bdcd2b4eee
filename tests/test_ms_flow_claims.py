"""Matt–Stöger's claims decided from the flow's limit and from exact null-space computations
(checks.claims.ms_flow_limits, checks.claims.ms_null_space)."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import pytest
from cli_support import assert_one_line_error, run_cli
from hypothesis import given, settings

from dlncheck.checks.claims.ms_flow_limits import (
    II3_BOUND,
    LEMMA_III2_BOUND,
    REMARK_BOUND,
    STEP1_PRINTED_BOUND,
    closed_form_limit,
    deviation,
    theorem_data,
)
from dlncheck.checks.claims.ms_null_space import evaluate_rate_exponent, exact_rho
from dlncheck.checks.flow_strategies_ms import design_constants, design_instances, theorem_flow_instances
from dlncheck.checks.limit_audit import FLOAT_SLACK_UNCERTAINTY, certified_limit
from dlncheck.derivations.ms_flow_invariant import conservation_law
from dlncheck.numerics import enclosures
from dlncheck.numerics.basic_solutions import has_recession_direction, vertices
from dlncheck.numerics.ms_vertex_constants import ms_constants_by_vertices

F = Fraction
DESIGN_2X3 = {"A": [["21", "20", "0"], ["1", "0", "-10"]], "y": ["41", "1"]}  # ms.thm2.2b's design


def _ms(alpha: str, A=DESIGN_2X3["A"], y=DESIGN_2X3["y"]) -> dict:
    return {"model": "ms", "A": A, "y": y, "L": 2, "init": {"alpha": alpha}}


def _exact(rows) -> tuple:
    return tuple(tuple(F(v) for v in row) for row in rows)


def _file(tmp_path, data) -> str:
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(data))
    return str(path)


# ----------------------------------------------------------------------------- vertex enumeration


def test_vertices_of_a_simplex_and_of_an_empty_set():
    assert set(vertices([[F(1), F(1), F(1)]], [F(2)], 3)) == {(2, 0, 0), (0, 2, 0), (0, 0, 2)}
    assert vertices([[F(1), F(1)]], [F(-1)], 2) == ()  # x >= 0 cannot sum to -1
    assert vertices([[F(1), F(1)], [F(2), F(2)]], [F(1), F(3)], 2) == ()  # inconsistent rows


def test_recession_direction_is_found_exactly():
    assert has_recession_direction([[F(1), F(-1)]], 2)  # (1, 1)
    assert not has_recession_direction([[F(1), F(2)]], 2)


@pytest.mark.parametrize(
    ("A", "y", "expected"),
    [
        # ms.thm2.2b's 2 x 3 design: x* = (1, 1, 0), ϱ = 1/2, ϱ̃ = 41/2, ϱ⁻ = 21/2
        (DESIGN_2X3["A"], DESIGN_2X3["y"], ((1, 1, 0), F(1, 2), F(41, 2), F(21, 2))),
        # opposite columns: 𝒩 = {t(1, 1)}, Σ_𝒮 n > 0, ϱ = -1
        ([["1", "-1"]], ["1"], ((1, 0), F(-1), F(1), F(0))),
        # a zero column: 𝒩 moves x_2 alone, ϱ = ϱ̃ = ϱ⁻ = 0
        ([["1", "0"]], ["1"], ((1, 0), F(0), F(0), F(0))),
    ],
)
def test_constants_by_vertices_on_designs_computed_by_hand(A, y, expected):
    v = ms_constants_by_vertices(_exact(A), tuple(F(t) for t in y))
    assert v.assumption_holds
    assert (v.minimizer, v.rho, v.rho_tilde, v.rho_minus) == expected


def test_ties_between_l1_minimizers_fail_assumption_ii1_c():
    v = ms_constants_by_vertices(_exact([["1", "1", "1"]]), (F(1),))
    assert v.two_feasible_points and not v.unique_minimizer and not v.assumption_holds


@settings(max_examples=40, deadline=None)
@given(design_instances())
def test_toolkit_and_vertex_enumeration_agree_on_assumption_and_constants(raw):
    A, y = _exact(raw["A"]), tuple(F(v) for v in raw["y"])
    v, tool = ms_constants_by_vertices(A, y), design_constants(A, y)
    assert tool.exist == v.assumption_holds
    if v.assumption_holds:
        assert (tool.rho.exact, tool.rho_tilde.exact, tool.rho_minus.exact) == (
            v.rho,
            v.rho_tilde,
            v.rho_minus,
        )


# ----------------------------------------------------------------------------- Theorem II.2(a) at the limit


# (α, normalized slack of (II.3)) on the 2 x 3 design, certified: ms.thm2.2a's finding
II3_SLACKS = [
    ("1e-1", 0.894069168),
    ("1e-2", 0.583882250),
    ("1e-3", 0.161652302),
    ("1e-5", 2.0959017e-3),
    ("1e-10", 2.1024999e-8),
    ("1e-20", 2.1025e-18),
    ("1e-30", 2.1025e-28),
]


@pytest.mark.parametrize(("alpha", "slack"), II3_SLACKS)
def test_ii3_tends_to_equality_on_the_2x3_design(alpha, slack):
    result = II3_BOUND.evaluate(II3_BOUND.parse(_ms(alpha)), 80)
    assert result.status == "holds"
    assert float(enclosures.midpoint(result.slack)) == pytest.approx(slack, rel=1e-6)


def test_ii3_holds_with_equality_where_the_limit_has_a_closed_form():
    """A zero column off the support: x^∞ = (x*, α) exactly, ‖x^∞ − x*‖₁ = α = C α^{1−ϱ}."""
    data = {"model": "ms", "A": [["1", "0"]], "y": ["1"], "L": 2, "init": {"alpha": "1e-4"}}
    result = II3_BOUND.evaluate(II3_BOUND.parse(data), 30)
    assert result.exact and result.status == "holds" and result.slack == 0


def _as_fraction(end) -> F:
    """An mpf endpoint exactly, as a rational."""
    return (-1 if end < 0 else 1) * F(int(end.man)) * F(2) ** int(end.exp)


@pytest.mark.parametrize(
    ("A", "y"),
    [([["1", "0", "0"], ["0", "1", "0"]], ["1", "2"]), ([["2", "3", "-3"], ["1", "0", "0"]], ["2", "1"])],
    ids=["zero-column", "opposite-columns"],
)
def test_closed_form_limit_lies_in_the_certified_enclosure(A, y):
    instance = II3_BOUND.parse(_ms("1e-2", A, y))
    data = theorem_data(instance, "test")
    closed = closed_form_limit(instance, data)
    assert closed is not None
    limit = certified_limit(instance, 40)
    for exact, enclosure in zip(closed, limit.values, strict=True):
        lo, hi = (_as_fraction(end) for end in enclosures.endpoints(enclosure))
        assert lo <= exact <= hi


@settings(max_examples=30, deadline=None)
@given(theorem_flow_instances())
def test_float64_slack_of_ii3_agrees_with_the_certified_slack(raw):
    instance = II3_BOUND.parse(raw)
    float_slack = II3_BOUND.float_slack(instance)
    result = II3_BOUND.evaluate(instance, 60)
    if result.exact or result.slack is None or not math.isfinite(float_slack):
        return
    certified = float(enclosures.midpoint(result.slack))
    assert abs(float_slack - certified) <= FLOAT_SLACK_UNCERTAINTY * max(1.0, abs(certified))


# ----------------------------------------------------------------------------- the Remark after Theorem II.2


@pytest.mark.parametrize(
    ("alpha", "sup_ratio", "l1_ratio"),
    [
        ("1e-3", 0.8383476983, 18.02447551),
        ("1e-4", 0.9796135343, 21.06169099),
        ("1e-6", 0.9997898162, 21.49548105),
        ("1e-8", 0.9999978975, 21.4999548),
    ],
)
def test_the_sup_ratio_of_ii4_tends_to_c_from_below_while_the_l1_ratio_tends_to_C(alpha, sup_ratio, l1_ratio):
    """ms.rem.asym's finding: on the 2 x 3 design (ϱ = 1/2, S^c = {3}) c = 1 and C = 43/2."""
    instance = II3_BOUND.parse(_ms(alpha))
    data = theorem_data(instance, "test")
    limit = certified_limit(instance, 60)
    with enclosures.ball_precision(60):
        on, off = deviation(data, limit.values, True)
        scale = enclosures.ball(data.alpha).sqrt()
        assert float(enclosures.midpoint(abs(off[0]) / scale)) == pytest.approx(sup_ratio, rel=1e-9)
        l1 = (sum(abs(v) for v in on) + abs(off[0])) / scale
        assert float(enclosures.midpoint(l1)) == pytest.approx(l1_ratio, rel=1e-9)


def test_the_remark_refuses_an_alpha_outside_theorem_ii2b(tmp_path, capsys):
    code, out, err = run_cli(capsys, "audit", "ms.rem.asym", "--instance", _file(tmp_path, _ms("1e-1")))
    assert_one_line_error(err, "small enough for Theorem II.2(b)", code=code)
    assert out == ""


# ----------------------------------------------------------------------------- audits at flow instances


def test_ii3_audit_at_a_flow_instance(tmp_path, capsys):
    code, out, err = run_cli(
        capsys, "audit", "ms.thm2.2a", "--instance", _file(tmp_path, _ms("1e-3")), "--dps", "40"
    )
    assert code == 0, err
    assert "status: holds" in out and "normalized slack = 0.16165230166714" in out


@pytest.mark.parametrize(
    ("data", "fragments"),
    [
        (_ms("1"), ["0 < α < min_𝒮 x*_i", "α = a² = 1"]),
        ({**_ms("1e-3"), "init": {"x0": ["1/10", "1/10", "1/5"]}}, ["u_0 = α𝟙", "not uniform"]),
        ({**_ms("1e-3"), "A": [["1", "1", "1"]], "y": ["1"]}, ["Assumption II.1", "unique x*"]),
        ({**_ms("1e-3"), "model": "positive"}, ["speaks of the flow(s) ms"]),
    ],
    ids=["alpha-too-large", "non-uniform", "non-unique-minimizer", "wrong-model"],
)
def test_instances_outside_theorem_ii2a_are_refused_in_one_line(tmp_path, capsys, data, fragments):
    code, out, err = run_cli(capsys, "audit", "ms.thm2.2a", "--instance", _file(tmp_path, data))
    assert_one_line_error(err, *fragments, code=code)
    assert out == ""


# ----------------------------------------------------------------------------- Lemma III.2


def test_lemma_iii2_holds_on_a_zero_column():
    data = {"model": "ms", "A": [["1", "0", "0"]], "y": ["1"], "L": 2, "init": {"alpha": "1e-3"}}
    assert LEMMA_III2_BOUND.evaluate(LEMMA_III2_BOUND.parse(data), 30).status == "holds"


def test_lemma_iii2_check_fails_if_the_face_forces_a_coordinate_that_n_moves(monkeypatch):
    """The check can fail: a face LP that wrongly forced x_3 = 0 is caught (x_3 is in supp 𝒩)."""
    from dlncheck.checks.flow_instances import FlowInstance
    from dlncheck.numerics.positive_face import PositiveFace

    instance = LEMMA_III2_BOUND.parse(_ms("1e-3"))
    monkeypatch.setattr(
        FlowInstance, "face", lambda self: PositiveFace((2,), None, False, "forced for the test")
    )
    assert LEMMA_III2_BOUND.float_slack(instance) < 0
    assert LEMMA_III2_BOUND.evaluate(instance, 30).status == "violated"


# ----------------------------------------------------------------------------- Sec. I, step 1


def test_conservation_law_of_ms_flow_is_derived():
    assert conservation_law().outcome == "agrees"


def test_printed_prior_violates_the_conservation_law_by_log_a(tmp_path, capsys):
    """A = (1/4, 0), y = 1/16, u0 = 10·1: the zero column keeps x_2 = u_2² = 100, the printed
    argmin B_E(x, 10·1) puts 10 there: residual log 10."""
    data = {"model": "ms", "A": [["1/4", "0"]], "y": ["1/16"], "L": 2, "init": {"alpha": "10"}}
    code, out, _ = run_cli(
        capsys, "audit", "ms.intro.step1", "--instance", _file(tmp_path, data), "--dps", "40"
    )
    assert code == 1 and "status: violated" in out
    result = STEP1_PRINTED_BOUND.evaluate(STEP1_PRINTED_BOUND.parse(data), 40)
    assert float(enclosures.midpoint(-result.slack)) == pytest.approx(math.log(10), rel=1e-12)


def test_printed_prior_is_right_where_the_ones_vector_is_in_the_row_space():
    """A = (1, 1, 1): 𝟙 ∈ range Aᵀ, so both priors give the same projection (exactly decided)."""
    data = {"model": "ms", "A": [["1", "1", "1"]], "y": ["1"], "L": 2, "init": {"alpha": "1/10"}}
    result = STEP1_PRINTED_BOUND.evaluate(STEP1_PRINTED_BOUND.parse(data), 30)
    assert result.exact and result.status == "holds"


# ----------------------------------------------------------------------- the introduction and the remark on ϱ


def test_rho_is_negative_on_opposite_columns_outside_the_introductions_interval():
    ev = evaluate_rate_exponent(_exact([["1", "-1"]]), (F(1),))
    assert [r.status for r in ev.relations] == ["violated", "holds"] and ev.slack == -1


def test_the_printed_rate_of_the_remark_vanishes_where_rho_is_positive():
    """ms.rem.rho's finding: A = (1, 2, 3), y = 2 has N = s = 1 (log(N/s) = 0) and ϱ = 2/3."""
    rho, support = exact_rho(_exact([["1", "2", "3"]]), (F(2),))
    assert rho == F(2, 3) and len(support) == 1


def test_remark_constant_c_is_attained_on_a_zero_column():
    """ϱ̃ = 0, one moving coordinate: ratio = ‖x^∞ − x*‖₁/α = 1 = c for every α (ms.rem.asym's finding)."""
    data = {"model": "ms", "A": [["1", "0"]], "y": ["1"], "L": 2, "init": {"alpha": "1e-5"}}
    result = REMARK_BOUND.evaluate(REMARK_BOUND.parse(data), 30)
    assert result.exact and result.status == "holds" and result.slack == 0


def test_rate_is_alpha_squared_when_rho_is_minus_one():
    """ms.intro.rates's finding: A = (1, -1), y = 1, x^∞ = (1 + t, t) with t(1 + t) = α² (α = a²)."""
    data = {"model": "ms", "A": [["1", "-1"]], "y": ["1"], "L": 2, "init": {"alpha": "1e-3"}}
    instance = II3_BOUND.parse(data)
    limit = certified_limit(instance, 40)
    with enclosures.ball_precision(40):
        t = limit.values[1]
        alpha = enclosures.ball(F(1, 10**6))
        assert float(enclosures.midpoint(t * (1 + t) / alpha**2)) == pytest.approx(1.0, rel=1e-30)
