"""wn's claims about its flows' limits: the limit system, its enclosure, the bounds' parts and the
witnesses the findings cite (checks.claims.wn_flow_limits, checks.claims.wn_cited_flows)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest

from dlncheck.checks.audit import HOLDS, VIOLATED
from dlncheck.checks.errors import InstanceError
from dlncheck.checks.registry import registry
from dlncheck.checks.wn_limit_audit import enclosed_limit, float_root, parse_wn
from dlncheck.numerics.enclosures import ball_precision, lower, midpoint, radius, upper

REGISTRY = registry()

COLLAPSING = {
    "model": "wn",
    "A": [["1", "0", "0", "-1"]],
    "x_star": ["1/4", "0", "0", "0"],
    "L": 2,
    "init": {"r0": "1/10", "u0": ["20/103", "20/103", "20/103", "97/103"]},
    "params": {"rates": "tilde", "eta": "1"},
}


def _bound(claim_id: str):
    return REGISTRY.claims[claim_id].audit.limit_bound


def _audit(claim_id: str, raw: dict, dps: int = 30):
    bound = _bound(claim_id)
    return bound.evaluate(bound.parse(raw), dps)


def _with_part(raw: dict, part: str) -> dict:
    return {**raw, "params": {**raw.get("params", {}), "part": part}}


# ------------------------------------------------------------------ the limit system


@pytest.mark.parametrize("depth", [2, 3])
@pytest.mark.parametrize("rates", ["tilde", "r2"])
def test_float64_limit_system_agrees_with_the_projection_solver_of_numerics(depth, rates):
    from dlncheck.checks.flow_files import parse_flow_instance

    params = {"rates": rates} | ({"eta": "1/10"} if rates == "tilde" else {})
    raw = {
        "model": "wn",
        "A": [["1", "1", "-2"], ["1", "-1", "0"]],
        "y": ["1", "1/2"],
        "L": depth,
        "init": {"r0": "1", "u0": ["1/3", "2/3", "2/3"]},
        "params": params,
    }
    reference = parse_flow_instance(raw).limit()  # numerics.weight_normalization_limits
    root = float_root(parse_wn(raw))
    assert root.converged
    np.testing.assert_allclose(root.z, reference.value, rtol=1e-12)
    if rates == "tilde":
        assert math.isclose(root.r_inf, reference.info["r_inf"], rel_tol=1e-12)


def test_enclosure_contains_the_float64_root_and_tightens_with_the_precision():
    raw = {
        "model": "wn",
        "A": [["1", "1", "-2"], ["1", "-1", "0"]],
        "y": ["1", "1/2"],
        "L": 3,
        "init": {"r0": "1", "u0": ["1/3", "2/3", "2/3"]},
        "params": {"rates": "tilde", "eta": "1/10"},
    }
    instance = parse_wn(raw)
    root = float_root(instance)
    with ball_precision(30):
        low = enclosed_limit(instance, 30)
    with ball_precision(60):
        high = enclosed_limit(instance, 60)
    assert low.certified and high.certified, (low.message, high.message)
    for a, b, f in zip(low.z, high.z, root.z, strict=True):
        assert lower(a) <= lower(b) and upper(b) <= upper(
            a
        )  # the 60-digit enclosure lies inside the 30-digit one
        assert abs(float(midpoint(a)) - f) <= 1e-13 * abs(f)
        assert float(2 * radius(b)) < 1e-40 * abs(f)
    r_inf = high.r_inf
    assert lower(r_inf) <= root.r_inf <= upper(r_inf) or abs(float(midpoint(r_inf)) - root.r_inf) < 1e-14


# ------------------------------------------------------------------ Theorem 2.1


def test_collapse_certificate_is_violated_and_the_integrated_flow_collapses_to_zero():
    result = _audit("wn.thm2.1", _with_part(COLLAPSING, "(18): collapse"))
    assert result.status == VIOLATED
    from dlncheck.checks.wn_flow_observations import trajectory

    instance = parse_wn(COLLAPSING)
    flow = trajectory(instance)
    assert not flow.converged  # never reaches S₊
    log_r = flow.info["log_state"][0]
    assert log_r < math.log(0.1) - 8 * math.log(10)  # r fell at least 8 decades
    model = instance.wn_model()
    from dlncheck.numerics.weight_normalization import loss

    limit_loss = float(model.b @ model.b) / (2 * model.depth)  # the loss at x = 0
    assert loss(model, flow.trajectory.states[-1]) == pytest.approx(limit_loss, rel=1e-6)


def test_printed_rho_violates_while_the_corrected_rho_holds_on_the_same_instance():
    example = REGISTRY.claims["wn.thm2.1"].audit.example
    assert _audit("wn.thm2.1", example).status == VIOLATED
    corrected = _with_part(
        {k: v for k, v in example.items() if k != "params"} | {"params": {"rates": "tilde", "eta": "100"}},
        "corrected",
    )
    assert _audit("wn.thm2.1", corrected).status in (HOLDS, "inadmissible")


def test_theorem_2_1_refuses_rows_that_do_not_sum_to_zero():
    raw = {**COLLAPSING, "A": [["1", "0", "0", "-2"]]}
    with pytest.raises(InstanceError, match="sums to"):
        _bound("wn.thm2.1").parse(raw)


def test_a_part_that_the_claim_does_not_have_is_a_one_line_error():
    with pytest.raises(InstanceError, match=r"is not a part of wn\.thm2\.1"):
        _bound("wn.thm2.1").parse(_with_part(COLLAPSING, "no such part"))


# ------------------------------------------------------------------ the Theorem from [7]


def test_printed_hypothesis_admits_an_instance_on_which_epsilon_is_negative():
    example = REGISTRY.claims["wn.thm.from7"].audit.example
    result = _audit("wn.thm.from7", example)
    assert result.status == VIOLATED
    with pytest.raises(InstanceError, match="Q > c_L β₁ of"):
        _bound("wn.thm.from7").parse(_with_part(example, "corrected: Q > c_L β₁"))


# ------------------------------------------------------------------ (5), (7), (8), (21)


def test_minimum_over_all_solutions_is_not_approached_by_the_positive_flows():
    # A = (1, 1, -2), b = 1: min over Az = b is 1/2 at (0, 0, -1/2), min over S₊ is 1
    assert _audit("wn.eq4", REGISTRY.claims["wn.eq4"].audit.example).status == VIOLATED
    assert _audit("wn.eq7", REGISTRY.claims["wn.eq7"].audit.example).status == VIOLATED
    over_positive = _with_part(
        {k: v for k, v in REGISTRY.claims["wn.eq7"].audit.example.items() if k != "params"}, "(7) over S₊"
    )
    assert _audit("wn.eq7", over_positive).status == HOLDS


def test_rho_is_below_one_for_a_small_start():
    raw = {
        "model": "wn",
        "A": [["1", "1", "-2"]],
        "y": ["1"],
        "L": 2,
        "init": {"alpha": "1/100"},
        "params": {"rates": "tilde", "eta": "1", "part": "(8): ρ >= 1"},
    }
    assert _audit("wn.eq7", raw).status == VIOLATED


def test_vertices_give_the_quasi_norm_minimum():
    from dlncheck.checks.wn_bounds import vertices

    A = ((Fraction(1), Fraction(1), Fraction(-2)),)
    points = vertices(A, (Fraction(1),))
    assert set(points) == {(Fraction(1), Fraction(0), Fraction(0)), (Fraction(0), Fraction(1), Fraction(0))}
    assert _audit("wn.eq21", REGISTRY.claims["wn.eq21"].audit.example).status == HOLDS


# ------------------------------------------------------------------ (3), L = 1


def test_linear_flow_reaches_its_characterization_with_r_crossing_zero_allowed():
    from dlncheck.checks.claims.wn_cited_flows import linear_observation

    for eta in ("1/100", "1", "1000"):
        raw = {
            "A": [["1", "2", "3"], ["0", "1", "-1"]],
            "y": ["2", "1/2"],
            "init": {"x0": ["1/10", "1/10", "1/10"]},
            "params": {"eta": eta},
        }
        observed = linear_observation(raw)
        assert observed.failure is None, observed


def test_weight_normalized_limit_is_farther_from_min_norm_than_gd_for_large_eta_only():
    from dlncheck.checks.claims.wn_cited_flows import LINEAR_AUDIT
    from dlncheck.checks.instances import parse_instance

    example = LINEAR_AUDIT.example
    assert LINEAR_AUDIT.evaluate(parse_instance(example, LINEAR_AUDIT.spec), 30).status == VIOLATED
    small = {**example, "params": {"eta": "1/100"}}  # η̃ <= r0²: γ <= 1 (wn (20))
    assert LINEAR_AUDIT.evaluate(parse_instance(small, LINEAR_AUDIT.spec), 30).status == HOLDS


# ------------------------------------------------------------------ the observations can fail


def test_decay_exponents_tell_algebraic_from_exponential_decay():
    from dlncheck.checks.wn_flow_observations import EXPONENT_GROWTH, EXPONENTIAL_MIN_POWER, decay_exponents

    t = np.expm1(np.linspace(0, 12, 4000))
    algebraic = decay_exponents(t, (1 + t) ** -3.0)
    exponential = decay_exponents(t, np.exp(-0.01 * t))
    assert algebraic["p_last"] < EXPONENTIAL_MIN_POWER
    assert algebraic["p_last"] / algebraic["p_previous"] < EXPONENT_GROWTH
    assert (
        exponential["p_last"] >= EXPONENTIAL_MIN_POWER
        or exponential["p_last"] / exponential["p_previous"] >= EXPONENT_GROWTH
    )


def test_a_bounded_curve_of_infinite_length_is_not_taken_for_convergent():
    from dlncheck.numerics import gradient_curves as curves

    t = np.expm1(np.arange(0, curves.MAX_EFOLDS * curves.SAMPLES_PER_EFOLD + 1) / curves.SAMPLES_PER_EFOLD)
    spiral = curves.TracedCurve(t, np.stack([np.cos(np.log1p(t)), np.sin(np.log1p(t))], axis=1), False, "")
    q, tail = curves.remaining_length(curves.efold_lengths(spiral))
    assert q >= 0.99 and tail == math.inf
    approach = curves.TracedCurve(t, np.stack([(1 + t) ** -0.5, 0 * t], axis=1), False, "")
    q, tail = curves.remaining_length(curves.efold_lengths(approach))
    assert q < 0.9 and tail < 1e-3


# ------------------------------------------------------------------ the command line


def test_audit_command_decides_a_wn_flow_instance_and_names_a_failed_hypothesis(tmp_path):
    path = tmp_path / "collapse.json"
    path.write_text(json.dumps(_with_part(COLLAPSING, "(18): collapse")))
    run = subprocess.run(
        [sys.executable, "-m", "dlncheck.checks.cli", "audit", "wn.thm2.1", "--instance", str(path)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "violated" in run.stdout
    bad = tmp_path / "rows.json"
    bad.write_text(json.dumps({**COLLAPSING, "A": [["1", "0", "0", "-2"]]}))
    run = subprocess.run(
        [sys.executable, "-m", "dlncheck.checks.cli", "audit", "wn.thm2.1", "--instance", str(bad)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "each row of A sums to zero" in run.stderr


def test_a_tie_in_21_is_decided_exactly():
    # equal columns 1 and 2: ||z||₁ is constant on S₊, so (21) holds with equality
    raw = {
        "model": "wn",
        "A": [["1/2", "1/2", "3/2"], ["3/4", "3/4", "1"]],
        "x_star": ["5/4", "1/4", "5/4"],
        "L": 2,
        "init": {"r0": "89/50", "u0": ["2/11", "6/11", "9/11"]},
        "params": {"rates": "tilde", "eta": "281/50"},
    }
    result = _audit("wn.eq21", raw)
    assert result.status == HOLDS
    assert result.relations[0].margin == 0


def test_integration_survives_a_trial_step_beyond_float64_and_sees_the_collapse():
    # math.exp of a trial clock overflowed inside the solver (numerics.weight_normalization_flow)
    from dlncheck.checks.wn_flow_observations import existence_observation

    raw = {
        "model": "wn",
        "A": [["-3/4", "1", "-5/4"]],
        "x_star": ["1/4", "2", "3/4"],
        "L": 3,
        "init": {"alpha": "79/500"},
        "params": {"rates": "tilde", "eta": "79/25"},
    }
    observed = existence_observation(raw)
    assert observed.failure is None, observed
    assert "x̃ = 0" in observed.measured["limit"]
