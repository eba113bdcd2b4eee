"""Every solver result conforms to ``numerics.results.SolverResult`` (each solver run on a tiny instance).

The protocol's names are checked by ``isinstance`` (``runtime_checkable``), their meaning by
``numerics.results.protocol_problems``: ``converged`` a bool, a message that is never empty (and
says why when the solver did not converge), ``residual`` a float or None as ``residual_kind``
says, ``certified_digits`` an int or None, ``counts`` ints by name.
"""

from __future__ import annotations

import ast
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from flint import arb_mat

import dlncheck.checks.flow_command as flow_command
from dlncheck.checks.flow_command import FlowReport, run_flow
from dlncheck.checks.flow_files import parse_flow_instance
from dlncheck.numerics.bregman_projection import project
from dlncheck.numerics.dual_flow import integrate_to_limit
from dlncheck.numerics.enclosures import ball_precision
from dlncheck.numerics.lifted_factorization_flow import (
    LAST_SAMPLE_RESIDUAL,
    LiftedFlowPath,
    LiftedFlowProblem,
    integrate_lifted_flow,
)
from dlncheck.numerics.results import (
    ABSOLUTE_MAX_RESIDUAL,
    NO_RESIDUAL,
    RELATIVE_RESIDUAL,
    FlowResult,
    LimitResult,
    SolverResult,
    protocol_problems,
)
from dlncheck.numerics.stiff_extrapolation import STIFF_ERROR_ESTIMATE, StiffResult, integrate_stiff
from dlncheck.numerics.weight_normalization_limit_system import (
    DUAL_RESIDUAL,
    RADIUS_SYSTEM_RESIDUAL,
    DualProjection,
    EnclosedLimit,
    SystemRoot,
    enclosed_limit,
    float64_limit,
    project_dual,
)
from dlncheck.numerics.weight_normalization_linear import EnclosedRadius, enclosed_radius, linear_data

# 2 x 4, a sparse positive x* (as tests/test_input_boundary.py)
INSTANCE = {
    "model": "positive",
    "A": [["1", "1/2", "-1/3", "2"], ["0", "1", "1", "-1/2"]],
    "x_star": ["0", "1/10", "3/20", "0"],
    "L": 2,
    "init": {"alpha": "1e-3"},
}
PRECISE_DPS = 30


def assert_conforms(result) -> None:
    assert isinstance(result, SolverResult), type(result)
    assert protocol_problems(result) == [], (type(result).__name__, protocol_problems(result))


def assert_says_why(result) -> None:
    assert_conforms(result)
    assert result.converged is False or result.converged == np.False_
    assert result.message.strip(), type(result).__name__


# ---------------------------------------------------------------------------- run_flow and its solvers


@pytest.fixture(scope="module")
def float64_report() -> FlowReport:
    return run_flow(parse_flow_instance(INSTANCE), "both", None)


def test_run_flow_returns_a_report_that_conforms_and_so_do_its_solvers_results(float64_report):
    report = float64_report
    assert_conforms(report)
    assert isinstance(report.flow, FlowResult) and isinstance(report.projection, LimitResult)
    assert_conforms(report.flow)
    assert_conforms(report.projection)
    assert report.converged and report.flow.converged and report.projection.converged
    assert report.limit_from == "project" and report.residual_kind == report.projection.residual_kind
    assert report.flow.residual_kind == RELATIVE_RESIDUAL
    assert report.counts["steps"] == report.flow.steps > 0
    assert report.counts["iterations"] == report.projection.iterations
    assert "limit from project" in report.message and "agree" in report.message


def test_the_report_s_json_is_the_documented_dict(float64_report):
    doc = float64_report.to_json()
    assert list(doc) == [
        "model", "L", "method", "dps", "integrate", "project", "limit_from", "limit", "residual",
        "certified_digits", "t_reached", "agree_digits", "agreement", "wall_s", "converged",
    ]  # fmt: skip
    assert doc["converged"] is float64_report.converged and doc["residual"] == float64_report.residual
    assert doc["integrate"]["steps"] == float64_report.flow.steps


def test_the_precise_flow_and_the_refined_projection_conform():
    report = run_flow(parse_flow_instance(INSTANCE | {"L": 3}), "both", PRECISE_DPS)
    assert_conforms(report)
    flow, projection = report.flow, report.projection
    assert_conforms(flow)
    assert_conforms(projection)
    assert flow.converged and flow.residual_kind == ABSOLUTE_MAX_RESIDUAL and flow.dps == PRECISE_DPS
    assert flow.counts["function_evaluations"] > 0 and flow.counts["jacobian_evaluations"] > 0
    assert projection.converged and projection.certified_digits >= PRECISE_DPS - 5
    assert report.certified_digits == projection.certified_digits


def test_a_report_whose_solvers_did_not_converge_says_why(monkeypatch):
    """Real solvers stopped early: integrate_to_limit after 3 steps, project after 1 Newton step."""
    flows, projections = [], []

    def stopped_flow(reduction, A, y, **_):
        flows.append(integrate_to_limit(reduction, A, y, max_steps=3, keep_trajectory=False))
        return flows[-1]

    def stopped_projection(problem, *_, **__):
        projections.append(project(problem, max_iterations=1))
        return projections[-1]

    monkeypatch.setattr(flow_command, "flow_limit", stopped_flow)
    monkeypatch.setattr(flow_command, "project", stopped_projection)
    report = run_flow(parse_flow_instance(INSTANCE), "both", None)
    for result in (*flows, *projections, report):
        assert_says_why(result)
    assert report.residual is None and report.residual_kind == NO_RESIDUAL and report.limit_from is None
    assert "integrate did not converge" in report.message and "project did not converge" in report.message
    assert flows[0].message in report.message


# ---------------------------------------------------------------------------- the stiff integrator


def _decay(y: arb_mat) -> arb_mat:
    return -y


def _decay_jacobian(y: arb_mat) -> arb_mat:
    return arb_mat([[-1 if i == j else 0 for j in range(y.nrows())] for i in range(y.nrows())])


def test_the_stiff_integrator_s_result_conforms():
    result = integrate_stiff(_decay, _decay_jacobian, ["1", "2"], "1", dps=20)
    assert isinstance(result, StiffResult)
    assert_conforms(result)
    assert result.converged and result.residual_kind == STIFF_ERROR_ESTIMATE
    assert result.residual == float(result.error_estimate) and result.certified_digits is None
    assert result.counts["steps"] == result.accepted_steps > 0
    assert result.counts["function_evaluations"] == result.function_evaluations > 0


def test_a_stiff_integration_that_ran_out_of_steps_says_why():
    result = integrate_stiff(_decay, _decay_jacobian, ["1", "2"], "100", dps=20, max_steps=1)
    assert_says_why(result)
    assert "max_steps" in result.message


# ---------------------------------------------------------------------------- wn's enclosed limit

# one measurement z1 + z2 = 1 at depth 2, r² rates, from x(0) = (1/2, 1/4)
WN_A, WN_B, WN_X0 = [[Fraction(1), Fraction(1)]], [Fraction(1)], [Fraction(1, 2), Fraction(1, 4)]


def test_wn_s_enclosed_limit_conforms():
    start = float64_limit(np.array([[1.0, 1.0]]), np.array([1.0]), 2, np.log([float(v) for v in WN_X0]), "r2")
    assert start.converged, start.message
    with ball_precision(PRECISE_DPS):
        result = enclosed_limit(WN_A, WN_B, 2, WN_X0, start, PRECISE_DPS)
    assert isinstance(result, EnclosedLimit)
    assert_conforms(result)
    assert result.converged is result.certified is True
    assert result.residual is None and result.counts == {}
    assert PRECISE_DPS - 10 <= result.certified_digits


def test_an_enclosure_that_failed_says_why():
    """Two equal rows: the limit system's Jacobian is singular, nothing is enclosed."""
    start = SystemRoot(np.array([0.5, 0.5]), np.zeros(2), None, True, "a start")
    with ball_precision(PRECISE_DPS):
        result = enclosed_limit(WN_A * 2, WN_B * 2, 2, WN_X0, start, PRECISE_DPS)
    assert_says_why(result)
    assert result.certified_digits is None


# ---------------------------------------------------------------------------- wn's float64 limit system

WN_A_F, WN_B_F, WN_LOG_X0 = np.array([[1.0, 1.0]]), np.array([1.0]), np.log([float(v) for v in WN_X0])
# two equal rows with different right sides: the dual Newton matrix is singular
WN_A_SINGULAR, WN_B_SINGULAR = np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([1.0, 2.0])


@pytest.mark.parametrize("depth", [2, 3])
def test_the_dual_projection_conforms(depth):
    result = project_dual(
        WN_A_F, WN_B_F, depth, np.exp((2 - depth) * WN_LOG_X0) if depth > 2 else 2 * WN_LOG_X0
    )
    assert isinstance(result, DualProjection)
    assert_conforms(result)
    assert result.converged and result.residual_kind == DUAL_RESIDUAL and result.residual <= 1e-13
    assert result.certified_digits is None and result.counts["iterations"] == result.iterations > 0
    np.testing.assert_allclose(WN_A_F @ result.z, WN_B_F, rtol=1e-13)


def test_a_dual_projection_that_failed_says_why():
    result = project_dual(WN_A_SINGULAR, WN_B_SINGULAR, 2, 2 * WN_LOG_X0)
    assert_says_why(result)
    assert "singular" in result.message


@pytest.mark.parametrize("depth", [2, 3])
@pytest.mark.parametrize(
    ("rates", "eta", "kind"), [("r2", None, DUAL_RESIDUAL), ("tilde", 0.1, RADIUS_SYSTEM_RESIDUAL)]
)
def test_wn_s_float64_root_conforms(depth, rates, eta, kind):
    result = float64_limit(WN_A_F, WN_B_F, depth, WN_LOG_X0, rates, eta)
    assert isinstance(result, SystemRoot)
    assert_conforms(result)
    assert result.converged and result.residual_kind == kind and result.residual <= 1e-13
    assert result.certified_digits is None
    assert result.counts["iterations"] == result.iterations > 0
    assert result.counts["projections"] == result.projections >= 1 + (rates == "tilde")


@pytest.mark.parametrize(("rates", "eta"), [("r2", None), ("tilde", 0.1)])
def test_a_float64_root_that_failed_says_why(rates, eta):
    result = float64_limit(WN_A_SINGULAR, WN_B_SINGULAR, 3, WN_LOG_X0, rates, eta)
    assert_says_why(result)
    assert "singular" in result.message and result.counts["projections"] == 1


# ---------------------------------------------------------------------------- wn's enclosed radius (L = 1)


def test_wn_s_enclosed_radius_conforms():
    data = linear_data([[Fraction(1), Fraction(1)]], [Fraction(1)], [Fraction(1, 2), Fraction(1, 4)])
    with ball_precision(PRECISE_DPS):
        result = enclosed_radius(data, Fraction(1, 10), PRECISE_DPS)
    assert isinstance(result, EnclosedRadius)
    assert_conforms(result)
    assert result.converged is result.certified is True
    assert result.residual is None and result.residual_kind == NO_RESIDUAL
    assert PRECISE_DPS - 10 <= result.certified_digits
    assert (
        result.counts["iterations"] > 0
        and result.counts["function_evaluations"] > result.counts["iterations"]
    )


def test_an_enclosed_radius_that_failed_says_why():
    result = EnclosedRadius(
        None, None, False, "no certified bracket of r∞", function_evaluations=120, widenings=60
    )
    assert_says_why(result)
    assert result.certified_digits is None and result.counts["widenings"] == 60


# ---------------------------------------------------------------------------- krr's lifted factorization flow


def test_the_lifted_flow_path_conforms():
    # d = 1: X = (1), W0 = (3, 1/5)ᵀ, so M0 = W0 W0ᵀ; mu = 9, lambda = 1
    problem = LiftedFlowProblem(np.array([[[1.0]]]), np.array([0.5]), np.array([[9.0, 0.6], [0.6, 0.04]]))
    result = integrate_lifted_flow(problem, 9.0, 1.0)
    assert isinstance(result, LiftedFlowPath)
    assert_conforms(result)
    assert result.converged and result.residual_kind == LAST_SAMPLE_RESIDUAL
    assert result.residual == result.residuals[-1] < 1e-6 * result.residuals[0]  # the horizon: decayed
    assert result.residuals.shape == result.t.shape and result.certified_digits is None
    assert result.counts["function_evaluations"] == result.evaluations > 0 and result.counts["steps"] > 0


# ---------------------------------------------------------------------------- no solver result left out

# numerics' dataclasses with a ``converged`` or ``certified`` field: each conforms (tested above), is a
# domain object (DOMAIN) or is a solver result not converted yet (NOT_YET), with the reason.
CONFORMING = {
    "LimitResult",
    "FlowResult",
    "StiffResult",
    "EnclosedLimit",
    "DualProjection",
    "SystemRoot",
    "EnclosedRadius",
    "LiftedFlowPath",
}
DOMAIN = {
    # the protocol's members for certified enclosures, mixed into EnclosedLimit and EnclosedRadius
    "CertifiedEnclosure": "numerics/results.py",
    # one step inside dual_flow.integrate_to_limit; its outcome is the FlowResult's
    "_Tail": "numerics/dual_flow.py",
    # exact constants and optimality certificates: ``certified`` means proved in rational arithmetic
    # (lower == upper, weak duality), not a stopping test; there is no residual and no digit count
    "NullSpaceConstant": "numerics/null_space_constants.py",
    "StableNspConstant": "numerics/stable_null_space.py",
    "L1Certificate": "numerics/sparse_recovery.py",
}
# solver results not converted yet (name -> file, with the reason): none left
NOT_YET: dict[str, str] = {}


def _result_like_classes() -> dict[str, str]:
    """Class name -> file: the dataclasses of numerics/ with a ``converged`` or ``certified`` field."""
    found = {}
    for path in sorted((Path(__file__).parent.parent / "numerics").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            fields = {
                item.target.id
                for item in node.body
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
            }
            if fields & {"converged", "certified"}:
                found[node.name] = f"numerics/{path.name}"
    return found


def test_every_result_like_class_of_numerics_conforms_or_is_named_with_its_reason():
    found = _result_like_classes()
    unknown = set(found) - CONFORMING - set(DOMAIN) - set(NOT_YET)
    assert not unknown, f"conform to numerics.results.SolverResult (and test it here): {sorted(unknown)}"
    assert CONFORMING <= set(found), "a conforming class lost its converged field: update CONFORMING"
    stale = {name for name in set(DOMAIN) | set(NOT_YET) if name not in found}
    assert not stale, f"no longer result-like, drop from DOMAIN / NOT_YET: {sorted(stale)}"


def test_every_conforming_class_is_checked_on_a_run_of_its_solver_here():
    source = Path(__file__).read_text(encoding="utf-8")
    unchecked = {name for name in CONFORMING if not re.search(rf"isinstance\([\w.]+, {name}\)", source)}
    assert not unchecked, (
        f"run the solver on a tiny instance and assert_conforms its result: {sorted(unchecked)}"
    )
