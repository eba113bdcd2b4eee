"""Integrated flow limits at 50 digits against the certified projections and a closed form.

The spec: the limit of the reduced flow (★) integrated at high precision
(``numerics.dual_flow_precise.integrate_precisely``) and the independent solver (the papers'
Bregman projection: Newton in arb with a Krawczyk certificate, ``numerics.bregman_projection
.refine``) agree to >= 30 digits at 50-digit precision for α down to 1e-60 on random instances
of every model; on one-row instances the integrated limit is the root of a scalar equation to
>= 40 digits.

"50-digit precision" keeps 50 digits after the cancellation c + s g of the L > 2 branches
(``checks.flow_command.digits_needed``): L = 3 at α = 1e-60 integrates at 110 digits.
Agreement is norm-wise, relative to ‖x‖∞ (the flow's stopping test measures the remaining
change relative to ‖x‖∞ too, so α²-sized off-support entries are not resolved relative to
themselves).

Costs on this machine, one core: an M = 3, N = 5 instance takes 2-7 s at L = 2 and 10-60 s at
L = 3 (the stiff hump of ``numerics.stiff_extrapolation`` at 50+ digits), so the default run
draws L = 2 and integrates one L = 3 instance; the slow run draws both depths.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
from flint import arb, arb_mat
from flint import ctx as flint_ctx
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from dlncheck.checks.flow_command import FLOAT64_DIGITS, digits_needed
from dlncheck.checks.flow_files import parse_flow_instance
from dlncheck.checks.flow_instances import FlowInstance
from dlncheck.numerics.bregman_projection import ProjectionError, project, refine
from dlncheck.numerics.dual_flow_precise import _FieldAtPrecision, integrate_precisely
from dlncheck.numerics.dual_reduction import (
    pair_as_signed,
    positive_reduction,
    signed_reduction,
)
from dlncheck.numerics.results import FlowResult, LimitResult

# The spec's numbers: digits kept after the L > 2 cancellation, and the agreement asked for.
KEPT_DIGITS = 50
AGREEMENT_DIGITS = 30
CERTIFIED_DIGITS = 30
# One row: the scalar equation's root is computed ONE_ROW_REFERENCE_GUARD digits beyond the
# integration, so the integration's own accuracy is tested (it stops at 1e-(dps - 8)).
ONE_ROW_AGREEMENT_DIGITS = 40
ONE_ROW_REFERENCE_GUARD = 20
# On a face of S₊ the forced coordinates decay like 1/t (numerics.positive_face), so the flow
# reaches 10^-d only at t ~ 10^d, and at 40+ digits its steps stay near the stiff hump until
# t ~ 1e5: ~1000 steps and ~40 s for the 41 digits of dps = 50 (t ~ 1e42), against 130 steps
# and ~1 s at dps = 30.  The default run integrates at FACE_DPS, whose stopping test
# (1e-(FACE_DPS - 8)) bounds the agreement at FACE_DPS - 8 digits; the slow run at 50 digits.
FACE_DPS = 30
FACE_AGREEMENT_DIGITS = 20

# refine starts Newton at μ = 0 when float64 cannot represent the instance, and from there it
# fails for L = 3 at α <= 1e-30 (positive, signed: its line search compares Ψ's decrease with
# 1e-20 |Ψ|, and |Ψ| ~ α^{-1}) and for krr's depth-3 potential at α <= 1e-20 (the doubled step
# ends on |θ| = 1, the boundary of its domain).  The properties draw α above these scales (the
# largest exponent per model and depth below); the strict xfails at the end hold the spec's
# α = 1e-60 until refine is fixed.
REFINE_COLD_START_MAX_EXPONENT = {("positive", 3): 20, ("signed", 3): 20, ("krr", 3): 10}

MODELS = ("positive", "signed", "krr", "ms")

# Each example is a full integration: no shrinking (a failing example is reported as drawn).
NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)


# ----------------------------------------------------------------------------------------
# strategies


def _decimals(values: np.ndarray) -> list[str]:
    return [f"{float(v):.3f}" for v in values]


@st.composite
def interior_flow_instances(draw, models=MODELS, depths=(2, 3)) -> dict:
    """A flow instance whose limit is a nondegenerate interior point (as instance data).

    A: M x N Gaussian, M = 2-3, N = M+1..5, entries rounded to 3 decimals (exact rationals).
    positive, ms: x* > 0 entrywise, so S₊ = {x >= 0 : Ax = y} has a strictly positive point
    (no forced zeros, see ``numerics.positive_face``).  signed, krr: x* with no zero entry, so
    the small-α limit (an ℓ1 minimizer, generically with M nonzeros) keeps the dual Hessian
    A diag(dx) Aᵀ well conditioned; a 2-sparse x* with M = 3 is usually recovered exactly and
    leaves it singular to ~α², where no Krawczyk box certifies 30 digits.
    krr: D = 2 with a random positive shape w0, D = 3 with w0 = 1 (Theorem 3's setting).
    α = 10^-k with k drawn from 1..60 (a log scale), capped by REFINE_COLD_START_MAX_EXPONENT.
    """
    model = draw(st.sampled_from(models))
    depth = 2 if model == "ms" else draw(st.sampled_from(depths))
    m = draw(st.integers(2, 3))
    n = draw(st.integers(m + 1, 5))
    exponent = draw(st.integers(1, REFINE_COLD_START_MAX_EXPONENT.get((model, depth), 60)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    A = rng.standard_normal((m, n))
    x_star = rng.uniform(0.5, 2.0, n)
    if model in ("signed", "krr"):
        x_star *= rng.choice([-1.0, 1.0], n)
    data = {
        "model": model,
        "A": [_decimals(row) for row in A],
        "x_star": _decimals(x_star),
        "L": depth,
        "init": {"alpha": f"1e-{exponent}"},
    }
    if model == "krr" and depth == 2:
        data["params"] = {"w0": _decimals(rng.uniform(0.5, 2.0, n))}
    return data


# ----------------------------------------------------------------------------------------
# the two sides


def integrated_limit(instance: FlowInstance, dps: int) -> FlowResult:
    return integrate_precisely(instance.reduction(), instance.A, instance.y, dps)


def certified_projection(instance: FlowInstance, dps: int) -> LimitResult:
    """The paper's limit refined at ``dps`` digits, from float64 Newton where float64 can start it
    (as ``dlncheck flow`` does)."""
    problem = instance.projection()
    start = None
    if digits_needed(instance) <= FLOAT64_DIGITS:
        try:
            low = project(problem)
            start = low.info["dual"] if low.converged else None
        except ProjectionError:
            start = None
    return refine(problem, start, dps)


def agreement_digits(computed, reference) -> float:
    """-log10(‖computed - reference‖∞ / ‖reference‖∞), from the balls' midpoints."""
    with mpmath.workdps(250):
        a = [_mpf(v) for v in computed]
        b = [_mpf(v) for v in reference]
        scale = max(abs(v) for v in b)
        gap = max(abs(u - v) for u, v in zip(a, b, strict=True))
        return float("inf") if gap == 0 else float(-mpmath.log10(gap / scale))


def _mpf(value) -> mpmath.mpf:
    if isinstance(value, arb):
        return mpmath.mpf(value.mid().str(240, radius=False, more=True))
    return mpmath.mpf(value)


def check_integrated_limit_agrees_with_the_certified_projection(data: dict) -> None:
    instance = parse_flow_instance(data)
    dps = digits_needed(instance, KEPT_DIGITS)
    projection = certified_projection(instance, dps)  # first: it takes milliseconds
    assert projection.certified_digits is not None, projection.message
    assert projection.certified_digits >= CERTIFIED_DIGITS, projection.message
    flow = integrated_limit(instance, dps)
    assert flow.converged, flow.message
    assert agreement_digits(flow.limit, projection.value) >= AGREEMENT_DIGITS


# ----------------------------------------------------------------------------------------
# the integrator's evaluation of (★)


def _balls(values) -> list[arb]:
    return [arb(v.numerator) / v.denominator for v in values]


@pytest.mark.parametrize("depth", [2, 3, 4, 5])
def test_precise_flow_evaluates_the_branches_of_the_reduction(depth):
    """dual_flow_precise's cached evaluation of x(Aᵀλ), dx/dg and (★) equals dual_reduction's."""
    A = ((Fraction(1), Fraction(-1, 2), Fraction(3, 4)), (Fraction(0), Fraction(2), Fraction(-1, 5)))
    y = (Fraction(1), Fraction(-1, 3))
    u0 = (Fraction(1, 3), Fraction(1, 7), Fraction(2))
    reductions = [
        positive_reduction(u0, depth, 4.0),
        signed_reduction(u0, (Fraction(1, 5), Fraction(1, 3), Fraction(3)), depth, 9.0),
    ]
    if depth == 2:  # the u⊙v model with u0 = v0 in one coordinate: a branch that stays 0
        reductions.append(pair_as_signed(u0, (Fraction(1, 3), Fraction(1, 4), Fraction(1)), 4.0))
    with flint_ctx.workprec(400):
        tolerance = arb(10) ** -110  # 400 bits are 120 digits
        lam = arb_mat([[arb("0.03")], [arb("-0.02")]])
        Am = arb_mat([_balls(row) for row in A])
        for reduction in reductions:
            fields = _FieldAtPrecision(reduction, A, y)
            x, dx = fields.current().product(lam)
            x_ref, dx_ref = reduction.product_arb((Am.transpose() * lam).entries())
            for value, reference in zip(x + dx, x_ref + dx_ref, strict=True):
                assert abs(value - reference) <= tolerance * (1 + abs(reference))
            field = fields.field(lam)
            expected = (Am * arb_mat(3, 1, x_ref) - arb_mat(2, 1, _balls(y))) * arb(repr(reduction.rate))
            for i in range(2):
                assert abs(field[i, 0] - expected[i, 0]) <= tolerance


# ----------------------------------------------------------------------------------------
# the spec's property


@pytest.mark.parametrize("model", MODELS)
@settings(max_examples=3, phases=NO_SHRINK)
@given(draws=st.data())
def test_integrated_depth_2_limit_agrees_with_the_certified_projection_to_30_digits(model, draws):
    check_integrated_limit_agrees_with_the_certified_projection(
        draws.draw(interior_flow_instances(models=(model,), depths=(2,)), label="instance")
    )


DEPTH_3_A = [["2.041", "-2.556", "0.418", "-0.568"], ["-0.453", "-0.216", "-2.020", "-0.232"]]
DEPTH_3_X_STAR = {
    "positive": ["1.602", "0.671", "1.087", "1.275"],
    "signed": ["-1.602", "-0.671", "1.087", "1.275"],
}


def test_integrated_depth_3_limit_agrees_with_the_certified_projection_to_30_digits():
    """One L = 3 instance in the default run (~7 s): α = 1e-10, 50 digits kept at 60."""
    data = {"model": "signed", "A": DEPTH_3_A, "x_star": DEPTH_3_X_STAR["signed"], "L": 3}
    check_integrated_limit_agrees_with_the_certified_projection(data | {"init": {"alpha": "1e-10"}})


@pytest.mark.slow
@pytest.mark.parametrize("model", MODELS)
@settings(max_examples=5, phases=NO_SHRINK)
@given(draws=st.data())
def test_integrated_limit_agrees_with_the_certified_projection_on_every_model(model, draws):
    check_integrated_limit_agrees_with_the_certified_projection(
        draws.draw(interior_flow_instances(models=(model,)), label="instance")
    )


# The spec's smallest α at L = 3, where refine's cold start fails (see
# REFINE_COLD_START_MAX_EXPONENT); strict, so that a fixed refine turns these into failures
# to be unmarked.  refine runs first, so the xfail costs milliseconds, not the integration.
DEPTH_3_AT_1E_MINUS_60 = [
    pytest.param(
        model,
        marks=pytest.mark.xfail(
            strict=True, reason="refine does not converge from μ = 0 at α = 1e-60, L = 3 (see above)"
        ),
    )
    for model in ("positive", "signed", "krr")
]


@pytest.mark.slow
@pytest.mark.parametrize("model", DEPTH_3_AT_1E_MINUS_60)
def test_depth_3_limit_at_alpha_1e_minus_60_agrees_with_the_certified_projection(model):
    x_star = DEPTH_3_X_STAR["positive" if model == "positive" else "signed"]
    data = {"model": model, "A": DEPTH_3_A, "x_star": x_star, "L": 3, "init": {"alpha": "1e-60"}}
    check_integrated_limit_agrees_with_the_certified_projection(data)


# ----------------------------------------------------------------------------------------
# one row: the limit solves a scalar equation


def one_row_limit(instance: FlowInstance, dps: int) -> list[mpmath.mpf]:
    """x(aλ*) with Σ a_n x_n(a_n λ*) = y, the fixed point of (★) for M = 1, at ``dps`` digits.

    The branches as ``numerics.dual_reduction`` derives them from the factor ODEs, written
    again in mpmath: p(h) = p0 e^{-h} (L = 2), p(h) = (c + s h)^{-L/(L-2)} with
    c = p0^{-(L-2)/L}, s = (L-2)/L (L > 2); x = p_u(g) (positive), p_u(g) - p_v(-g) (signed).
    φ(λ) = Σ a_n x_n(a_n λ) - y decreases (dx/dg < 0) from +∞ to -∞ over the domain of λ,
    so bisection finds λ*.
    """
    L = instance.depth
    a, target = instance.A[0], instance.y[0]
    with mpmath.workdps(dps):
        q = [mpmath.mpf(v.numerator) / v.denominator for v in a]
        y = mpmath.mpf(target.numerator) / target.denominator
        pu = [mpmath.mpf(u.numerator) ** L / mpmath.mpf(u.denominator) ** L for u in instance.u0]
        signed = instance.v0 is not None
        pv = (
            [mpmath.mpf(v.numerator) ** L / mpmath.mpf(v.denominator) ** L for v in instance.v0]
            if signed
            else []
        )
        s = mpmath.mpf(L - 2) / L

        def branch(p0, h):
            if L == 2:
                return p0 * mpmath.exp(-h)
            return (p0 ** (-s) + s * h) ** (-mpmath.mpf(L) / (L - 2))

        def x(lam):
            values = [branch(p, an * lam) for p, an in zip(pu, q, strict=True)]
            if signed:
                values = [u - branch(p, -an * lam) for u, p, an in zip(values, pv, q, strict=True)]
            return values

        def phi(lam):
            return mpmath.fsum(an * xn for an, xn in zip(q, x(lam), strict=True)) - y

        lo, hi = -mpmath.inf, mpmath.inf  # L = 2: the domain is the real line
        if L > 2:  # c + s h > 0 on every branch: an open interval, φ -> ±∞ at its ends
            # u branch, h = a λ: λ > -c / (s a) for a > 0, λ < -c / (s a) for a < 0;
            # v branch, h = -a λ: the same with a -> -a
            ends = [(-(p ** (-s)) / (s * an), an) for p, an in zip(pu, q, strict=True) if an != 0]
            if signed:
                ends += [((p ** (-s)) / (s * an), -an) for p, an in zip(pv, q, strict=True) if an != 0]
            lo = max([end for end, slope in ends if slope > 0], default=lo)
            hi = min([end for end, slope in ends if slope < 0], default=hi)
        step = mpmath.mpf(1)
        while lo == -mpmath.inf:  # bracket an infinite end by doubling
            trial = (min(hi, 0) if hi < mpmath.inf else 0) - step
            lo, step = (trial if phi(trial) > 0 else -mpmath.inf), 2 * step
        step = mpmath.mpf(1)
        while hi == mpmath.inf:
            trial = max(lo, 0) + step
            hi, step = (trial if phi(trial) < 0 else mpmath.inf), 2 * step
        while hi - lo > mpmath.mpf(10) ** -(dps - 5) * max(1, abs(lo), abs(hi)):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if phi(mid) > 0 else (lo, mid)
        return x((lo + hi) / 2)


ONE_ROW_CASES = [
    ("positive", 2, 60),
    ("positive", 3, 60),
    pytest.param("signed", 2, 60, marks=pytest.mark.slow),
    pytest.param("signed", 3, 60, marks=pytest.mark.slow),
    pytest.param("positive", 2, 6, marks=pytest.mark.slow),
    pytest.param("positive", 3, 6, marks=pytest.mark.slow),
    pytest.param("positive", 3, 30, marks=pytest.mark.slow),
    pytest.param("signed", 3, 30, marks=pytest.mark.slow),
]


@pytest.mark.parametrize(("model", "depth", "exponent"), ONE_ROW_CASES)
def test_one_row_integrated_limit_is_the_root_of_its_scalar_equation(model, depth, exponent):
    row = ["1", "1/2", "3/2"] if model == "positive" else ["1", "-1/2", "3/2", "-2/7"]
    data = {"model": model, "A": [row], "y": ["1"], "L": depth, "init": {"alpha": f"1e-{exponent}"}}
    instance = parse_flow_instance(data)
    dps = digits_needed(instance, KEPT_DIGITS)
    flow = integrated_limit(instance, dps)
    assert flow.converged, flow.message
    reference = one_row_limit(instance, dps + ONE_ROW_REFERENCE_GUARD)
    assert agreement_digits(flow.limit, reference) >= ONE_ROW_AGREEMENT_DIGITS


# ----------------------------------------------------------------------------------------
# a face of S₊


FACE_INSTANCE = {
    # x3, x4 vanish on S₊: w = (0, 5/2) has Aᵀw = (0, 0, 5/2, 1) >= 0 and <y, w> = 0
    "model": "positive",
    "A": [["1", "1/2", "3/4", "-1/3"], ["0", "0", "1", "2/5"]],
    "y": ["1", "0"],
    "L": 2,
    "init": {"alpha": "1e-10"},
}


def test_positive_limit_on_a_face_agrees_with_the_projection_on_the_face():
    """Forced coordinates decay like 1/t: the flow reaches FACE_DPS - 8 digits at t ~ 1e22."""
    instance = parse_flow_instance(FACE_INSTANCE)
    assert instance.face().forced == (2, 3)
    projection = certified_projection(instance, FACE_DPS)
    assert projection.certified_digits >= FACE_DPS
    flow = integrated_limit(instance, FACE_DPS)
    assert flow.converged, flow.message
    assert flow.t_reached > 10.0 ** (FACE_AGREEMENT_DIGITS - 2)  # the 1/t decay, seen
    assert agreement_digits(flow.limit, projection.value) >= FACE_AGREEMENT_DIGITS


@pytest.mark.slow
def test_positive_limit_on_a_face_reaches_30_digits_at_50():
    instance = parse_flow_instance(FACE_INSTANCE)
    dps = digits_needed(instance, KEPT_DIGITS)
    projection = certified_projection(instance, dps)
    flow = integrated_limit(instance, dps)
    assert flow.converged, flow.message
    assert agreement_digits(flow.limit, projection.value) >= AGREEMENT_DIGITS
