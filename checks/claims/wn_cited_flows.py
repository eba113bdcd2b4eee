"""wn's statements about flows it cites: [33]'s weight-normalized linear regression (L = 1,
(1)-(3)) and Łojasiewicz's theorem ([1], Theorem 3.12), checked on integrated flows.

* (3): the L = 1 flow (``numerics.weight_normalization_linear``) is integrated on drawn instances
  and compared with its characterization x∞ = A†b + γ(r0, r∞)(I - P_A)x0 (wn Lemma 3.7 at L = 1;
  r∞ = ±the root of the radius equation: at L = 1 nothing keeps r > 0, and with a large η̃ the
  flow's r crosses 0 — γ(r0, r∞) then is negative, |γ| is the root's);
  the "≈ argmin ||z||₂ for r0 < r*" is audited as "the limit is no farther from the minimum-norm
  solution than gradient descent's limit A†b + (I - P_A)x0", i.e. γ(r0, r∞) <= 1, with r∞ the
  unique root of its radius equation enclosed by interval bisection.
* Theorem 3.12: preconditioned gradient flows of random polynomials (``numerics.gradient_curves``),
  which satisfy (51)-(52), either escape to infinity or have a finite-length (geometric) tail.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import strategies as st

from dlncheck.checks.audit import Audit, AuditResult, decide
from dlncheck.checks.claim import Kind, declare
from dlncheck.checks.flow_observation import FlowObservationSearch, Observation
from dlncheck.checks.flow_strategies_wn import linear_regression_instances
from dlncheck.checks.instances import InstanceSpec, ParamSpec, parse_instance
from dlncheck.checks.property import PropertyCheck
from dlncheck.checks.verdicts import Verdict
from dlncheck.numerics import gradient_curves as curves
from dlncheck.numerics import weight_normalization_linear as linear
from dlncheck.numerics.enclosures import ball, ball_precision

_KINDS = {"existence/convergence": Kind.CONVERGENCE, "limit": Kind.LIMIT}

# The integrated L = 1 limit and its characterization agree to this (relative to max |x∞|): the
# integration stops at a speed 1e-12 ||x|| (numerics.weight_normalization_linear).
LINEAR_AGREEMENT = 1e-7
# Łojasiewicz: a bounded curve has a finite-length tail when the arc lengths of its last e-folds
# of time decay geometrically, each at most GEOMETRIC_RATIO times the one before (an algebraic
# approach t^-β to a degenerate critical point gives the ratio e^-β; x ~ t^{-1/4}, from φ ~ x^6
# with our degrees, gives 0.78; a curve of infinite length, e.g. a spiral, gives ratios ≈ 1).
GEOMETRIC_RATIO = 0.9


# ------------------------------------------------------------------ (1)-(3), L = 1

LINEAR_SPEC = InstanceSpec(
    needs=frozenset({"A", "y", "init"}),
    init_forms=frozenset({"x0"}),
    params=(ParamSpec("eta", "scalar", "the learning-rate ratio η̃ = η_r (η_u = 1)", "positive"),),
)


def _linear_data(instance) -> linear.LinearData:
    return linear.linear_data(instance.A, instance.y, instance.init.vectors[0])


def linear_audit_evaluate(instance, dps: int) -> AuditResult:
    """||x∞ - A†b||₂ = γ(r0, r∞) c <= c = ||(I - P_A) x0||₂ (GD's distance), under r0 < r* = ||A†b||₂."""
    data = _linear_data(instance)
    eta = instance.params["eta"]
    with ball_precision(dps):
        hypothesis = decide("r0²", "<=", "r*² = ||A†b||₂²", data.r0_2, data.p2)
        enclosed = linear.enclosed_radius(data, eta, dps)
        c = ball(data.c2).sqrt() if data.c2 > 0 else ball(0)
        left, right = enclosed.gamma * c, c
        relation = decide(
            "||x∞ - A†b||₂ (WN, L = 1)", "<=", "||(I - P_A) x0||₂ (plain GD's distance)", left, right
        )
        quantities = (
            ("r∞ (unique root, certified)", enclosed.r_inf),
            ("γ(r0, r∞)", enclosed.gamma),
            ("||(I - P_A)x0||₂", c),
        )
        slack = (right - left) / right if data.c2 > 0 else None
    return AuditResult(
        "wn.eq1", dps, quantities, (relation,), (hypothesis,), slack=slack, notes=(enclosed.message,)
    )


def linear_slack(instance) -> float:
    data = _linear_data(instance)
    if data.c2 == 0:
        return 1.0
    r_inf = linear.float64_radius(data, float(instance.params["eta"]))
    r0 = math.sqrt(float(data.r0_2))
    gamma = linear.float64_gamma(r_inf, r0, float(instance.params["eta"]))
    return 1 - gamma  # |γ(r0, r∞)|: the sign of r∞ does not change the distance


def linear_observation(raw: dict[str, Any]) -> Observation:
    """The L = 1 flow converges to x† + γ(r0, r∞)(I - P_A)x0 (slack 1 - distance/LINEAR_AGREEMENT)."""
    instance = parse_instance(raw, LINEAR_SPEC, "wn.eq1")
    data = _linear_data(instance)
    A = np.array([[float(v) for v in row] for row in instance.A])
    b = np.array([float(v) for v in instance.y])
    x0 = np.array([float(v) for v in instance.init.vectors[0]])
    eta = float(instance.params["eta"])
    flow = linear.integrate_linear_flow(A, b, float(np.linalg.norm(x0)), x0, eta)
    if not flow.converged:
        return Observation(math.nan, f"the L = 1 flow did not converge ({flow.message})")
    r_inf = linear.float64_radius(data, eta)
    r0 = float(np.linalg.norm(x0))
    # at L = 1 nothing keeps r > 0 (wn Lemma 3.3 needs L >= 2): r∞ = ±(the root), with the flow's sign
    sign = 1.0 if flow.info["r_inf"] > 0 else -1.0
    gamma = sign * linear.float64_gamma(r_inf, r0, eta)
    expected = np.array([float(v) for v in data.x_dagger]) + gamma * (
        x0 - np.array([float(v) for v in data.projected_x0])
    )
    distance = float(np.max(np.abs(flow.limit - expected)) / np.max(np.abs(expected)))
    measured = {
        "distance": distance,
        "gamma": gamma,
        "t_reached": flow.t_reached,
        "r_inf": flow.info["r_inf"],
    }
    slack = 1 - distance / LINEAR_AGREEMENT
    if slack < 0:
        return Observation(
            slack, f"the integrated limit is {distance:.1e} (relative) from the characterization", measured
        )
    return Observation(slack, None, measured)


LINEAR_AUDIT = Audit(
    spec=LINEAR_SPEC,
    evaluate=linear_audit_evaluate,
    example={
        "A": [["1", "2", "3"], ["0", "1", "-1"]],
        "y": ["2", "1/2"],
        "init": {"x0": ["1/10", "1/10", "1/10"]},
        "params": {"eta": "100"},
    },
    description="wn (3) for L = 1 as 'no farther from argmin ||z||₂ than gradient descent': ||x∞ - A†b||₂ = "
    "γ(r0, r∞)||(I - P_A)x0||₂ against ||(I - P_A)x0||₂, under r0 < r* = ||A†b||₂ ('in the radius r0 < r*')",
)

declare(
    id="wn.eq1",
    expected=Verdict.REFUTED,
    findings=(
        r"A missing hypothesis (a condition on the learning-rate ratio; [33]'s own abstract says 'for certain "
        r"stepsizes'): with $r_0<r^*$ alone, the limit $\mathbf A^\dagger\mathbf b+\gamma(r_0,r_\infty)(I-\mathcal P_{\mathbf A})"
        r"\mathbf x_0$ can be farther from $\arg\min\|\mathbf z\|_2$ than plain gradient descent's "
        r"$\mathbf A^\dagger\mathbf b+(I-\mathcal P_{\mathbf A})\mathbf x_0$. Witness: $\mathbf A=(0,\frac14)$, $\mathbf b=\frac1{16}$, "
        r"$\mathbf x_0=\frac{51}{2885}\mathbb 1$ ($r_0=0.025<r^*=\frac14$), $\tilde\eta=1$: $\gamma=12.71$; the audit's example, "
        r"$\tilde\eta=100$: $\gamma=4.32$, and with $\tilde\eta=\frac1{100}\le r_0^2$ (as in (20)) $\gamma=2.5\cdot10^{-10}$. "
        r"The $\approx$ is governed by $\tilde\eta/r_\infty^2$, not by $r_0<r^*$: as $r_0\to0$ the distance tends to "
        r"$r_\infty e^{-r_\infty^2/(2\tilde\eta)}\|(I-\mathcal P_{\mathbf A})\mathbf u_0\|_2$, not to 0.",
        r"At $L=1$ nothing keeps $r>0$ (Lemma 3.3 needs $L\ge2$): with a large $\tilde\eta$ the integrated $r(t)$ "
        r"crosses 0 and $r_\infty$ is minus the root of the radius equation; the characterization holds with that sign.",
    ),
    checks=(
        FlowObservationSearch(
            "flow integration: the L = 1 limit",
            "the weight-normalized flow of (2) (L = 1, (η_r, η_u) = (η̃, 1)) integrated (float64) on drawn instances: "
            "it converges to A†b + γ(r0, r∞)(I - P_A)x0 (wn Lemma 3.7 at L = 1, [33]'s Lemma 2.5)",
            lambda: linear_regression_instances(),
            linear_observation,
            f"1 - max|x_flow - x_characterized| / (max|x∞| · {LINEAR_AGREEMENT:g})",
        ),
        PropertyCheck(
            "(3) for r0 < r*",
            "drawn instances with r0 < r* = ||A†b||₂ and η̃ = 10^-2..10^3: the limit's distance to argmin ||z||₂ against "
            "gradient descent's, i.e. γ(r0, r∞) <= 1; certified by interval bisection of r∞",
            lambda: linear_regression_instances(),
            linear_slack,
            "1 - γ(r0, r∞) = (||(I - P_A)x0|| - ||x∞ - A†b||) / ||(I - P_A)x0||",
        ),
    ),
    audit=LINEAR_AUDIT,
)


# ------------------------------------------------------------------ Theorem 3.12


@st.composite
def analytic_curves(draw) -> dict[str, Any]:
    """A polynomial φ in n = 2, 3 variables (2..5 monomials of degree <= 4, integer coefficients
    -3..3, plus Σ x_i^4 on half of the draws, so both alternatives of the theorem occur), a
    preconditioner p_i = 10^{k/4} (k = -4..4) and a start in [-2, 2]^n (quarters)."""
    n = draw(st.integers(2, 3))
    terms = draw(st.integers(2, 5))
    powers, coefficients = [], []
    for _ in range(terms):
        e = [0] * n
        for _ in range(draw(st.integers(1, 4))):
            e[draw(st.integers(0, n - 1))] += 1
        powers.append(e)
        coefficients.append(draw(st.sampled_from([-3, -2, -1, 1, 2, 3])))
    if draw(st.booleans()):
        for i in range(n):
            e = [0] * n
            e[i] = 4
            powers.append(e)
            coefficients.append(1)
    return {
        "powers": powers,
        "coefficients": coefficients,
        "p": [draw(st.integers(-4, 4)) for _ in range(n)],
        "x0": [draw(st.integers(-8, 8)) / 4 for _ in range(n)],
    }


def lojasiewicz_observation(raw: dict[str, Any]) -> Observation:
    """Either ||x(t)|| -> ∞ (the curve passes ESCAPE_NORM) or the curve has a geometric, finite tail
    (slack 1 - q/GEOMETRIC_RATIO, q the largest ratio of consecutive e-fold lengths at the end)."""
    phi = curves.polynomial(raw["powers"], raw["coefficients"])
    p = np.array([10 ** (k / 4) for k in raw["p"]])
    curve = curves.trace_curve(phi, p, np.array(raw["x0"], dtype=float))
    if curve.escaped:
        return Observation(1.0, None, {"alternative": "||x(t)|| -> ∞", "t": float(curve.t[-1])})
    if curve.t[-1] < math.expm1(curves.MAX_EFOLDS) * (1 - 1e-12):
        return Observation(
            math.nan, f"the bounded curve's integration stopped at t = {curve.t[-1]:.3g}: {curve.message}"
        )
    q, tail = curves.remaining_length(curves.efold_lengths(curve), 1 + float(np.linalg.norm(curve.x[-1])))
    measured = {
        "alternative": "x(t) converges",
        "ratio": q,
        "extrapolated_tail": tail,
        "x_end": curve.x[-1].tolist(),
    }
    slack = 1 - q / GEOMETRIC_RATIO
    if slack < 0:
        return Observation(
            slack, f"a bounded curve whose e-fold lengths do not decay (ratio {q:.3g})", measured
        )
    return Observation(slack, None, measured)


declare(
    id="wn.thm3.12",
    expected=Verdict.SUPPORTED,
    checks=(
        FlowObservationSearch(
            "gradient curves of polynomials",
            "x' = -diag(p) ∇φ(x) for drawn polynomials φ (real analytic; (51) holds with δ = min p/max p, (52) "
            "since dφ/dt = -∇φᵀP∇φ), integrated to t = e^16: each curve escapes (||x|| > 1e4) or its arc length "
            "per e-fold of time decays geometrically (a finite length: x(t) converges)",
            lambda: analytic_curves(),
            lojasiewicz_observation,
            f"1 - q/{GEOMETRIC_RATIO}, q the largest ratio of the last e-fold arc lengths; 1 for escaping curves",
        ),
    ),
)
