"""Bregman projections onto {z : Az = y} by Newton's method on the dual, float64 then arb.

The projection of x0 for a separable Legendre potential F (``numerics.legendre_potentials``)
is argmin F(z) - ⟨∇F(x0), z⟩ subject to Az = y.  A model can have several branches
(the signed models project the pair (ũ0, ṽ0) onto S_± = {(z₊, z₋) ≥ 0 : A(z₊ - z₋) = y} with
F^±(z₊, z₋) = F(z₊) + F(z₋), mil (34)): branch b with sign σ_b has θ_b = θ_b0 + σ_b Aᵀμ and
z = Σ_b σ_b z_b(θ_b).  The dual function

    Ψ(μ) = Σ_b Σ_n F*_b(θ_b,n) - ⟨y, μ⟩,   ∇Ψ = A z - y,   ∇²Ψ = A diag(Σ_b z_b') Aᵀ,

is convex, and its minimizer gives the projection (KKT: ∇F(z_b) - ∇F(x0_b) = σ_b Aᵀμ).

* :func:`project` runs a trust-region Newton method in float64.  The step is capped so that
  no θ moves by more than τ times its potential's natural scale (``step_scale``): for the
  entropies this bounds the relative change of z, so that a start at α = 1e-100, where the
  Hessian is ~α² and the raw Newton step ~1/α², takes O(log log(1/α)) capped steps instead of
  O(log(1/α)) backtracking ones.  τ grows after capped steps that the Armijo test accepts.
* :func:`refine` continues at ``dps`` digits in python-flint's arb: Newton steps solved at the
  working precision (the Hessian's condition number grows like 1/α², so a float64 solve
  would stall), then :func:`certify` encloses the solution by the Krawczyk test and reports how
  many digits of every entry of z are certified.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

import numpy as np
from flint import arb, arb_mat, ctx
from scipy.linalg.lapack import dgeqrf as _dgeqrf
from scipy.linalg.lapack import dtrtrs as _dtrtrs

from dlncheck.numerics.enclosures import arb_of_fraction, digits_to_bits, is_float64
from dlncheck.numerics.legendre_potentials import MilEntropy, MilPower
from dlncheck.numerics.results import LimitResult
from dlncheck.numerics.weighted_normal_equations import solve_weighted_normal

# float64 Newton: stop when the relative residual and the relative Newton correction of z are
# both below these (a few ulps above the unit roundoff: rounding in A z - y sets the floor).
# float64 Newton: converged when the relative residual and the relative x-space Newton
# correction are below these.  The correction is computed through a QR factor of condition
# √cond(Hessian), ~1e8 or more at small α, so 1e-10 is about what float64 can certify.
RESIDUAL_TOL = 1e-11
STEP_TOL = 1e-10
# When the line search can no longer decrease Ψ (its change is below rounding), the iterate is
# accepted if it is this close: rounding, not the method, has stopped it.
FLOOR_RESIDUAL = 1e-10
FLOOR_STEP = 1e-8
MAX_NEWTON_ITERATIONS = 500
MIN_STEP_FRACTION = 1e-20  # the line search gives up below this fraction of the step
# float64 keeps ~16 digits; a potential whose θ0 + Aᵀμ cancels more than this many (mil (21)
# with L > 2 at small α) is refused, so 10 digits of the result remain.
FLOAT64_MAX_DIGITS_LOST = 6
ARMIJO = 1e-4  # sufficient-decrease constant of the line search
INITIAL_TRUST = 1.0  # first cap on max |Δθ| / step_scale
TRUST_GROWTH = 4.0
# Below this relative size the change of Ψ is lost to rounding; the line search then accepts
# the Newton step when the residual does not grow.
PSI_ROUNDING = 1e-13
# arb refinement: digits carried beyond the target, and extra digits for the Hessian's
# condition number (added per solve from the float64 estimate).
GUARD_DIGITS = 15
MAX_REFINE_ITERATIONS = 200
# Largest move of θ per refinement step, in units of the potential's step_scale; below 1, a
# power potential's θ (scale |θ|) cannot cross its boundary 0 in one step.
REFINE_TRUST = 0.5
MIN_REFINE_FRACTION = 2.0**-30
# Ψ is the line search's merit while its predicted change exceeds this relative size (a few
# digits above the working precision's floor would do; 1e-20 is far above it at ≥ 30 digits).
PSI_VISIBLE = 1e-20  # below this the residual is at the precision's floor
MAX_EXPANSION = 2.0**20  # the expanding line search tries t = 1, 2, 4, ... up to this
# ... unless the full step already cut ‖r‖ by this factor (no longer the linear regime).
QUADRATIC_GAIN = 1e-2
# Refinement directions are solved in float64 (graded QR, ``_graded_direction``) while each
# Newton step shrinks the x-space step by at least GRADED_MIN_GAIN once it is below
# GRADED_SWITCH; slower than that, the float64 solve's error is what limits the gain, and the
# direction is solved at the working precision instead.  dz spread beyond GRADED_MIN_SPREAD
# leaves float64's exponent range.
GRADED_MIN_GAIN = 10.0
GRADED_SWITCH = 1e-8
GRADED_MIN_SPREAD = 1e-290
# refine raises its precision at most this many times when the solution's curvature spreads
# wider than the start's by more than SPREAD_SLACK_DIGITS.
MAX_PRECISION_RAISES = 3
SPREAD_SLACK_DIGITS = 2
# Precision of I - Y F'(X) in the Krawczyk test: the spread of dz in bits plus this margin
# (A's condition number squared, the N-term sums, and room for the product to be ≪ 1).
CERTIFICATION_MARGIN_BITS = 64
CERTIFICATION_MIN_BITS = 96
# Krawczyk boxes: radius 8·|Y F(μ̂)| first, then grown by this factor up to this many times.
KRAWCZYK_GROWTH = 16.0
KRAWCZYK_TRIES = 3


class ProjectionError(ValueError):
    """A projection problem that cannot be solved (one-line message)."""


@dataclass(frozen=True)
class ProjectionProblem:
    """min Σ_b F_b(z_b) - ⟨∇F_b(x0_b), z_b⟩ s.t. A Σ_b σ_b z_b = y, A and y exact rationals."""

    A_exact: tuple[tuple[Fraction, ...], ...]
    y_exact: tuple[Fraction, ...]
    branches: tuple[tuple[object, int], ...]  # (potential, σ = ±1)
    # When the problem lives on a face (``numerics.positive_face``): the kept columns of the
    # full problem and its width; the other coordinates of the solution are exactly 0.
    columns: tuple[int, ...] | None = None
    width: int | None = None
    # When the constraint set is a single point (a face whose columns are independent), its
    # exact rational solution: every potential projects onto it.
    unique_solution: tuple[Fraction, ...] | None = None
    note: str = ""  # how the problem was set up (e.g. the face certificate), echoed in messages
    # Where Newton starts when no start is given: μ = 0 unless the problem says otherwise (a
    # problem posed in a shifted dual, ``numerics.power_shift``, has θ0 on the boundary at 0).
    dual_start: tuple[float, ...] | None = None

    def embed(self, values: Sequence, zero) -> tuple:
        """The solution on the kept columns, padded with exact zeros to the full width."""
        if self.columns is None:
            return tuple(values)
        out = [zero] * self.width
        for k, v in zip(self.columns, values, strict=True):
            out[k] = v
        return tuple(out)

    # float64 and arb copies of A, y are computed once per problem (and per arb precision):
    # converting the M·N exact rationals costs more than a float64 Newton solve.
    @cached_property
    def A(self) -> np.ndarray:
        return np.array([[a.numerator / a.denominator for a in row] for row in self.A_exact])

    @cached_property
    def y(self) -> np.ndarray:
        return np.array([v.numerator / v.denominator for v in self.y_exact])

    def arb_data(self) -> tuple[list[list], arb_mat]:
        """A's rows and y (a column) for arb arithmetic at the current ``ctx.prec`` (cached).

        When every entry is a float64 (the usual case: instances typed or drawn as decimals
        and stored exactly), the rows are those floats, exact at every precision; otherwise
        arb balls rounded at this precision.
        """
        cache = self.__dict__.setdefault("_arb_cache", {})
        if "exact" in cache:
            return cache["exact"]
        if self.A_is_float64:
            cache["exact"] = (self.A.tolist(), arb_mat([[arb_of_fraction(v)] for v in self.y_exact]))
            return cache["exact"]
        # balls rounded at a higher precision serve any lower one
        usable = [prec for prec in cache if prec >= ctx.prec]
        if not usable:
            rows = [[arb_of_fraction(a) for a in row] for row in self.A_exact]
            cache[ctx.prec] = (rows, arb_mat([[arb_of_fraction(v)] for v in self.y_exact]))
            return cache[ctx.prec]
        return cache[min(usable)]

    @cached_property
    def A_is_float64(self) -> bool:
        return all(is_float64(a) for row in self.A_exact for a in row)


@dataclass
class _State:
    mu: np.ndarray
    thetas: list[np.ndarray]
    z: np.ndarray
    dz: np.ndarray
    grad: np.ndarray
    psi: float


# The float64 Newton below runs the iteration of the first version of ``project`` (kept verbatim
# as ``numerics.bregman_projection_baseline``) with less overhead per step, which is what small
# problems (N <= 20) pay for: LAPACK's geqrf/trtrs are called directly, with the very arguments
# ``scipy.linalg.qr``/``solve_triangular`` pass them (their wrappers cost more than the
# factorization at this size), the two potentials of mil (21) are evaluated in closed form once
# per point (z, z' and F* from the same exponential or power), and Aᵀ·step is formed once per
# step.  Every floating-point operation is the one the first version performs, in the same order,
# so the iterates are the same numbers (``tests/test_small_limits_fast.py`` checks it).
_GEQRF_LWORK: dict[tuple[int, int], int] = {}


def _branch_kernel(pot):
    """(z, z', F*) at θ for the potentials with a closed form here; None: use pot's methods."""
    if type(pot) is MilEntropy:
        return _entropy_point
    if type(pot) is MilPower:
        return functools.partial(_power_point, pot.depth)
    return None


def _entropy_point(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """MilEntropy.primal and .conjugate: z = e^{2θ}, z' = 2z, F* = ½ Σ e^{2θ}."""
    z = np.exp(2 * theta)
    return z, 2 * z, float(0.5 * z.sum())


def _power_point(L: int, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """MilPower.primal and .conjugate: q = (L-2)(-θ), z = q^{-L/(L-2)} (NaN where q <= 0),
    z' = L z / q, F* = ½ Σ q^{-2/(L-2)} (inf where some q <= 0)."""
    q = (L - 2) * (-theta)
    if (q > 0).all():  # inside the domain (the usual case): no NaN to place, no warning to silence
        z = q ** (-L / (L - 2))
        return z, L * z / q, float(0.5 * (q ** (-2 / (L - 2))).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(q > 0, q ** (-L / (L - 2)), np.nan)
        dz = L * z / q
    if np.any(q <= 0):
        return z, dz, math.inf
    return z, dz, float(0.5 * np.sum(q ** (-2 / (L - 2))))


class _FloatDual:
    """Ψ of one problem in float64: A, y, θ0 and each branch's evaluation, set up once per solve."""

    def __init__(self, problem: ProjectionProblem, A: np.ndarray, y: np.ndarray, theta0):
        self.A, self.y = A, y
        self.branches = [
            (_branch_kernel(pot), pot, sigma, t0)
            for (pot, sigma), t0 in zip(problem.branches, theta0, strict=True)
        ]

    def evaluate(self, mu: np.ndarray) -> _State:
        h = self.A.T @ mu
        z = dz = None
        psi = -float(self.y @ mu)
        thetas = []
        for kernel, pot, sigma, t0 in self.branches:
            theta = t0 + h if sigma == 1 else t0 + sigma * h  # 1·h is h
            if kernel is None:
                zb, dzb = pot.primal(theta)
                conj = pot.conjugate(theta)
            else:
                zb, dzb, conj = kernel(theta)
            # the first version summed into zeros: 0 + z_b and 0 + z_b' are these (0 + v = v but
            # for v = -0.0, which the closed forms, positive or NaN, never give; fresh arrays)
            if z is None and kernel is not None and sigma == 1:
                z, dz = zb, dzb
            elif z is None:
                z = sigma * zb + 0.0
                dz = dzb + 0.0
            else:
                z += sigma * zb
                dz += dzb
            psi += conj
            thetas.append(theta)
        return _State(mu, thetas, z, dz, self.A @ z - self.y, psi)


def _evaluate(problem: ProjectionProblem, A: np.ndarray, y: np.ndarray, theta0, mu: np.ndarray) -> _State:
    return _FloatDual(problem, A, y, theta0).evaluate(mu)


def _finite(state: _State) -> bool:
    return math.isfinite(state.psi) and bool(np.isfinite(state.z).all())


def _norm2(v: np.ndarray) -> float:
    """‖v‖₂ as ``np.linalg.norm`` computes it for a real vector (sqrt of v·v)."""
    return math.sqrt(float(v.dot(v)))


def _triangular_solve(Rt: np.ndarray, b: np.ndarray, trans: bool) -> np.ndarray:
    """``scipy.linalg.solve_triangular(R, b, trans)`` for the upper triangular R = Rtᵀ of
    ``np.triu(qr)[:M]``: a C-ordered array, so scipy hands LAPACK's trtrs Rᵀ as lower triangular
    with ``trans`` flipped (for M = 1 scipy passes R itself; a 1 x 1 solve is the same division);
    so does this (trtrs reads only that triangle: what lies above it in Rt, the Householder
    vectors that np.triu zeroes, is never read)."""
    x, info = _dtrtrs(Rt, b, lower=True, trans=not trans, unitdiag=False)
    if info != 0:
        raise np.linalg.LinAlgError(f"trtrs failed (info {info})")
    return x


def _newton_direction(A: np.ndarray, state: _State) -> np.ndarray:
    """``weighted_normal_equations.solve_weighted_normal(A, dz, -grad)``: its graded QR solve,
    with LAPACK called directly (its SVD fallback, for a singular R, is called as it is)."""
    d, b = state.dz, -state.grad
    m = A.shape[0]
    scaled = A * np.sqrt(d)
    order = (-d).argsort(kind="stable")
    B = scaled[:, order].T  # Fortran-ordered N x M, a fresh array: geqrf may overwrite it
    lwork = _GEQRF_LWORK.get(B.shape)
    if lwork is None:  # the workspace scipy.linalg.qr asks LAPACK for (it queries on every call)
        lwork = _GEQRF_LWORK[B.shape] = int(_dgeqrf(B, lwork=-1)[2][0].real)
    qr, _, _, info = _dgeqrf(B, lwork=lwork, overwrite_a=True)
    if info == 0:
        Rt = qr[:m].T
        if (np.abs(Rt.diagonal()) > 0).all():
            out = _triangular_solve(Rt, _triangular_solve(Rt, b, True), False)
            if np.isfinite(out).all():
                return out
    return solve_weighted_normal(A, d, b)


def _trust_ratio(problem: ProjectionProblem, state: _State, h_step: np.ndarray) -> float:
    """max over branches of |Aᵀ step| / step_scale(θ) (inf where the scale is 0)."""
    dh = np.abs(h_step)
    ratio = 0.0
    for (pot, _), theta in zip(problem.branches, state.thetas, strict=True):
        if type(pot) is MilEntropy:  # step_scale = 1: dh / 1 = dh
            ratio = max(ratio, float(dh.max()))
            continue
        scale = np.abs(theta) if type(pot) is MilPower else pot.step_scale(theta)
        if (scale > 0).all():  # where(scale > 0, dh / scale, inf) is dh / scale
            ratio = max(ratio, float((dh / scale).max()))
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = max(ratio, float(np.max(np.where(scale > 0, dh / scale, np.inf))))
    return ratio


def project(
    problem: ProjectionProblem,
    max_iterations: int = MAX_NEWTON_ITERATIONS,
    *,
    start_dual: np.ndarray | None = None,
) -> LimitResult:
    """Float64 trust-region Newton on the dual from ``start_dual`` (default ``problem.dual_start``,
    else μ = 0); the value is z (the end-to-end vector)."""
    start = time.perf_counter()
    A, y = problem.A, problem.y
    if problem.unique_solution is not None:  # exact, whatever the potential's scale
        return _unique_point_result(problem, start)
    theta0 = [pot.theta0() for pot, _ in problem.branches]
    lost = max(getattr(pot, "float64_digits_lost", lambda: 0)() for pot, _ in problem.branches)
    if lost > FLOAT64_MAX_DIGITS_LOST or not all(np.all(np.isfinite(t)) for t in theta0):
        raise ProjectionError(
            f"float64 cannot resolve this initialization scale in this potential (about {lost} digits "
            "cancel); use a higher precision, or pose the problem in the shifted dual "
            "(numerics.power_shift.shifted_projection)"
        )
    # The tests' floors rise with the digits θ0 + Aᵀμ cancels; RESIDUAL_TOL already sits
    # ~3 digits above float64's unit roundoff, so only cancellation beyond that counts.
    cancelled = max(1.0, 10.0 ** (lost - 3))
    mu0 = _default_start(problem, start_dual)
    dual = _FloatDual(problem, A, y, theta0)
    state = dual.evaluate(np.zeros(A.shape[0]) if mu0 is None else np.array(mu0, dtype=float))
    y_norm = max(_norm2(y), _TINY)
    if not _finite(state):
        why = "the start lies outside the potential's domain (give a start_dual inside it)"
        return _projection_result(problem, state, y_norm, False, why, 0, start)
    trust = INITIAL_TRUST
    for iteration in range(1, max_iterations + 1):
        step = _descent_direction(A, state)
        h_step = A.T @ step
        z_norm = max(_norm2(state.z), _TINY)
        correction = _norm2(state.dz * h_step) / z_norm
        residual = _norm2(state.grad) / y_norm
        if correction <= STEP_TOL * cancelled and residual <= RESIDUAL_TOL * cancelled:
            return _projection_result(problem, state, y_norm, True, "converged", iteration, start)
        at_floor = residual <= FLOOR_RESIDUAL * cancelled and correction <= FLOOR_STEP * cancelled
        ratio = _trust_ratio(problem, state, h_step)
        capped = ratio > trust
        if capped:
            step = step * (trust / ratio)
        trial, t = _armijo(dual, state, step)
        if trial is None:
            why = "stopped at the rounding floor" if at_floor else "line search failed"
            return _projection_result(problem, state, y_norm, at_floor, why, iteration, start)
        state = trial
        trust = trust * TRUST_GROWTH if (capped and t == 1.0) else max(trust * t, INITIAL_TRUST)
    message = f"no convergence in {max_iterations} iterations"
    return _projection_result(problem, state, y_norm, False, message, max_iterations, start)


_TINY = np.finfo(float).tiny


def _default_start(problem: ProjectionProblem, start_dual):
    if start_dual is not None:
        return start_dual
    return problem.dual_start


def _unique_point_result(problem: ProjectionProblem, start: float, dps: int | None = None) -> LimitResult:
    """The constraint set is one point, known exactly: no Newton iteration is needed."""
    exact = problem.embed(problem.unique_solution, Fraction(0))
    value = (
        np.array([float(v) for v in exact])
        if dps is None
        else tuple(arb(v.numerator) / v.denominator for v in exact)
    )
    return LimitResult(
        value=value,
        residual=0.0,
        residual_kind="exact: the constraint set is the single point A_face⁻¹ y (rational arithmetic)",
        converged=True,
        message="the constraint set is a single point; solved exactly"
        + (f" ({problem.note})" if problem.note else ""),
        certified_digits=None if dps is None else dps,
        dps=dps,
        wall_s=time.perf_counter() - start,
        info={"dual": None, "exact": exact, "krawczyk": False},
    )


def _descent_direction(A: np.ndarray, state: _State) -> np.ndarray:
    """The Newton direction, or a fallback when rounding has made it useless."""
    step = _newton_direction(A, state)
    if float(state.grad @ step) < 0:
        return step
    # the QR solve lost the direction (e.g. to underflowing D entries): solve with the Hessian
    # itself, then fall back to steepest descent
    step = np.linalg.lstsq((A * state.dz) @ A.T, -state.grad, rcond=None)[0]
    return step if float(state.grad @ step) < 0 else -state.grad


def _armijo(dual: _FloatDual, state: _State, step: np.ndarray) -> tuple[_State | None, float]:
    """Backtracking on Ψ; near the optimum, where Ψ's change is below rounding, on ‖∇Ψ‖."""
    slope = float(state.grad @ step)
    t = 1.0
    grad_norm = None
    while t >= MIN_STEP_FRACTION:
        trial = dual.evaluate(state.mu + t * step)
        if _finite(trial):
            if trial.psi <= state.psi + ARMIJO * t * slope:
                return trial, t
            lost = abs(slope) * t <= PSI_ROUNDING * max(abs(state.psi), 1.0)
            if lost:
                if grad_norm is None:
                    grad_norm = _norm2(state.grad)
                if _norm2(trial.grad) <= grad_norm:
                    return trial, t
        t *= 0.5
    return None, t


def _projection_result(
    problem: ProjectionProblem,
    state: _State,
    y_norm: float,
    converged: bool,
    message: str,
    iterations: int,
    start: float,
) -> LimitResult:
    value = state.z.copy() if problem.columns is None else np.array(problem.embed(state.z, 0.0))
    return LimitResult(
        value=value,
        residual=_norm2(state.grad) / y_norm,
        residual_kind="relative feasibility residual ||A z - y|| / ||y|| (KKT holds by construction)",
        converged=converged,
        message=message,
        iterations=iterations,
        wall_s=time.perf_counter() - start,
        info={"dual": state.mu},
    )


# ------------------------------------------------------------------------------ arb refinement


ARB_GUARD_BITS = 8  # beyond the working digits, for the rounding of each Newton step's arithmetic


class _ArbProblem:
    """The dual system in python-flint balls at the current ``ctx.prec``."""

    def __init__(self, problem: ProjectionProblem):
        self.problem = problem
        self.rows, self.y = problem.arb_data()
        self.Am = arb_mat(self.rows)
        self.At = self.Am.transpose()
        self.theta0 = [pot.theta0_arb() for pot, _ in problem.branches]
        self.m, self.n = self.Am.nrows(), self.Am.ncols()
        self.A64 = problem.A

    def primal(self, mu: arb_mat) -> tuple[list[arb], list[arb]]:
        h = self.At * mu
        z = [arb(0)] * self.n
        dz = [arb(0)] * self.n
        for (pot, sigma), t0 in zip(self.problem.branches, self.theta0, strict=True):
            theta = [t0[i] + sigma * h[i, 0] for i in range(self.n)]
            zb, dzb = pot.primal_arb(theta)
            z = [a + sigma * b for a, b in zip(z, zb, strict=True)]
            dz = [a + b for a, b in zip(dz, dzb, strict=True)]
        return z, dz

    def residual(self, z: Sequence[arb]) -> arb_mat:
        return self.Am * arb_mat([[v] for v in z]) - self.y

    def dual_objective(self, mu: arb_mat) -> arb:
        """Ψ(μ) = Σ_b F*_b(θ_b) - ⟨y, μ⟩ (raises ArithmeticError outside the domain)."""
        h = self.At * mu
        value = -sum((self.y[i, 0] * mu[i, 0] for i in range(self.m)), arb(0))
        for (pot, sigma), t0 in zip(self.problem.branches, self.theta0, strict=True):
            value += pot.conjugate_arb([t0[i] + sigma * h[i, 0] for i in range(self.n)])
        return value

    def trust_ratio(self, mu: arb_mat, step: arb_mat) -> float:
        """max over branches of |Δθ| / step_scale(θ), in floats from the midpoints (as in float64)."""
        h = self.At * mu
        dh = self.At * step
        ratio = 0.0
        for (pot, sigma), t0 in zip(self.problem.branches, self.theta0, strict=True):
            theta_arb = [t0[i] + sigma * h[i, 0] for i in range(self.n)]
            moves = np.array([abs(float(dh[i, 0].mid())) for i in range(self.n)])
            if hasattr(pot, "step_scale_arb"):  # a scale the float64 midpoints of θ cannot carry
                scale = np.array([float(v.mid()) for v in pot.step_scale_arb(theta_arb)])
            else:
                scale = pot.step_scale(np.array([float(t.mid()) for t in theta_arb]))
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = max(ratio, float(np.max(np.where(scale > 0, moves / scale, np.inf))))
        return ratio

    def hessian(self, dz: Sequence[arb]) -> arb_mat:
        """A diag(dz) Aᵀ: the columns scaled in Python lists (indexing arb_mat is slow), one product."""
        return arb_mat([[a * d for a, d in zip(row, dz, strict=True)] for row in self.rows]) * self.At


def _norm(v: arb_mat) -> float:
    """Euclidean norm of the midpoints, as a float (inf when it overflows float64).

    Scaled by the largest entry: squares of entries below 1e-154 would underflow to 0, and a
    residual that reads 0 makes every line-search trial look acceptable.
    """
    try:
        values = [float(abs(v[i, 0]).mid()) for i in range(v.nrows())]
    except OverflowError:
        return math.inf
    largest = max(values, default=0.0)
    if largest == 0 or not math.isfinite(largest):
        return largest
    return largest * math.sqrt(sum((x / largest) ** 2 for x in values))


def refine(
    problem: ProjectionProblem, start_dual: np.ndarray | Sequence[Fraction] | None, dps: int
) -> LimitResult:
    """Newton on the dual at ``dps`` (+ guard + spread) digits from a dual point, then certify.

    ``start_dual``: float64 values, exact rationals (a start that float64 cannot carry: at
    L > 2 and small α the dual is ~α^{-(L-2)} and its O(1) part is what matters, e.g. a shifted
    solution mapped back by ``numerics.power_shift``), or None for ``problem.dual_start``, else 0.
    An exact start is read at enough digits to keep ``dps`` digits below its largest entry,
    and the working precision keeps those digits too.

    Every entry of z is wanted to ``dps`` significant digits, and the entries span many orders
    of magnitude (down to ~α² off the support): Newton at a fixed number of digits resolves
    the small entries only to that many digits less their distance below the largest.  The
    working precision is therefore dps + ``GUARD_DIGITS`` + the decimal spread of the
    curvature dz = Σ_b z_b' (which is what sets the Hessian's grading), measured at the start
    and again at the end: if the solution's spread is wider, Newton continues at the
    corresponding precision from where it stopped.
    """
    start = time.perf_counter()
    # the precision is raised inside as the spread of the solution shows; workprec restores it
    with ctx.workprec(digits_to_bits(dps + GUARD_DIGITS, ARB_GUARD_BITS)):
        if problem.unique_solution is not None:
            return _unique_point_result(problem, start, dps)
        m = len(problem.A_exact)
        start_dual = _default_start(problem, start_dual)
        exact_start = start_dual is not None and any(isinstance(v, Fraction) for v in start_dual)
        magnitude = _magnitude_digits(start_dual) if exact_start else 0
        ctx.prec = digits_to_bits(dps + GUARD_DIGITS + magnitude, ARB_GUARD_BITS)
        if exact_start:
            mu = arb_mat([[arb_of_fraction(Fraction(v))] for v in start_dual]).mid()
            spread = None
        else:
            mu = arb_mat([[arb(float(v))] for v in (start_dual if start_dual is not None else np.zeros(m))])
            spread = _float64_spread_digits(problem, start_dual)
        if spread is None:  # float64 cannot evaluate the start: measure it in arb
            spread = _spread_digits(_ArbProblem(problem).primal(mu)[1])
        iterations = 0
        for _ in range(MAX_PRECISION_RAISES):
            ctx.prec = digits_to_bits(dps + GUARD_DIGITS + max(spread, magnitude), ARB_GUARD_BITS)
            ap = _ArbProblem(problem)
            mu, z, dz, r, rel, used = _newton_at_working_precision(ap, mu, dps)
            iterations += used
            final_spread = _spread_digits(dz)
            if final_spread <= spread + SPREAD_SLACK_DIGITS:
                break
            spread = final_spread
        y_norm = _norm(ap.y)
        residual = _norm(r) / y_norm if y_norm else _norm(r)
        # a last step below 10^-dps settles Newton only where the point also fits the data: the
        # step's size is measured in floats and reads 0 when z underflows them (x0 < 1e-308)
        settled = rel <= 10.0**-dps and residual <= _settled_residual(dps)
        cert = certify(ap, mu, dps)
        value = problem.embed(cert.enclosure if cert.enclosure is not None else z, arb(0))
        converged = cert.success or settled
        if not cert.success and settled:
            estimated = min(dps, max(0, int(-math.log10(max(rel, 10.0 ** -(dps + GUARD_DIGITS))))))
            cert = Certificate(
                False,
                None,
                None,
                cert.message
                + f"; about {estimated} digits estimated from the last Newton step (not certified)",
            )
        message = "converged" if converged else "refinement did not converge"
        return LimitResult(
            value=value,
            residual=residual,
            residual_kind="relative feasibility residual ||A z - y|| / ||y|| at the final dual point",
            converged=converged,
            message=f"{message}; {cert.message}",
            iterations=iterations,
            certified_digits=cert.digits,
            dps=dps,
            wall_s=time.perf_counter() - start,
            info={
                "dual": mu,
                "krawczyk": cert.success,
                "working_digits": dps + GUARD_DIGITS + max(spread, magnitude),
            },
        )


def _settled_residual(dps: int) -> float:
    """Largest relative residual of an uncertified refinement that may still count as converged:
    half the requested digits (a settled Newton iterate at dps + guard digits fits far better)."""
    return 10.0 ** -(dps // 2)


def _newton_at_working_precision(ap: _ArbProblem, mu: arb_mat, dps: int):
    """Trust-region Newton with the expanding line search until the step is below target.

    The step's size is measured entry-wise, |z_j' Δh_j| / max(|z_j|, z_j') (z_j' is the scale
    of z_j even where a signed z_j cancels), against 10^-(dps + GUARD_DIGITS/2).  Directions are
    solved in float64 (``_graded_direction``) while that keeps converging, see GRADED_*.
    Returns (μ, z, dz, r, the last step's size, iterations).
    """
    z, dz = ap.primal(mu)
    r = ap.residual(z)
    target = 10.0 ** (-(dps + GUARD_DIGITS // 2))
    iterations, rel = 0, math.inf
    graded = True
    for _ in range(MAX_REFINE_ITERATIONS):
        iterations += 1
        previous = rel
        step = _graded_direction(ap, dz, r) if graded else None
        if step is None:
            graded = False
            try:
                step = _solve_mid(ap.hessian(dz), r)
            except ZeroDivisionError:  # H is singular at the working precision (its curvature
                break  # spreads beyond it, e.g. 1e-100 against 1): no Newton step; not converged
        ratio = ap.trust_ratio(mu, step)
        if not math.isfinite(ratio):  # θ's distance to its boundary is lost: no step can be sized
            break
        if ratio > REFINE_TRUST:  # far from the solution (a cold start): cap the move of θ
            step = step * (REFINE_TRUST / ratio)
        predicted = _entrywise_step(ap, z, dz, step, 1.0)
        if predicted <= target:  # the remaining correction is below the target: take it, stop
            trial_mu = mu - step
            tz, tdz = ap.primal(trial_mu)
            tr = ap.residual(tz)
            if _norm(tr) <= _norm(r):
                mu, z, dz, r = trial_mu, tz, tdz, tr
            return mu, z, dz, r, predicted, iterations
        trial = _expanding_line_search(ap, mu, r, step)
        if trial is None and graded:
            graded = False  # the float64 direction may be what stalls: retry at full precision
            continue
        if trial is None:
            break  # ‖r‖ no longer decreases: the working precision's floor
        t, mu, z, dz, r = trial
        rel = _entrywise_step(ap, z, dz, step, t)
        if rel <= target:
            break
        # a full step (t = 1) is Newton's quadratic regime: a gain below GRADED_MIN_GAIN there
        # is the float64 solve's error, not the nonlinearity (extended steps, t > 1, are the
        # entropy's linear regime, where an exact solve would gain no more)
        if graded and t == 1.0 and rel < GRADED_SWITCH and rel > previous / GRADED_MIN_GAIN:
            graded = False
    return mu, z, dz, r, rel, iterations


def _entrywise_step(ap: _ArbProblem, z, dz, step: arb_mat, t: float) -> float:
    """max_j |z_j' (Aᵀ step)_j t| / max(|z_j|, z_j'), in floats from the midpoints."""
    h_step = ap.At * step
    worst = 0.0
    for j in range(ap.n):
        scale = max(abs(float(z[j].mid())), abs(float(dz[j].mid())), 1e-300)
        worst = max(worst, abs(float((dz[j] * h_step[j, 0]).mid())) * t / scale)
    return worst


def _magnitude_digits(start_dual: Sequence[Fraction]) -> int:
    """Decimal digits above 1 of the start's largest entry (what an exact start's O(1) part needs)."""
    largest = max((abs(Fraction(v)) for v in start_dual), default=Fraction(0))
    if largest <= 1:
        return 0
    return math.ceil(math.log10(largest.numerator) - math.log10(largest.denominator))


def _float64_spread_digits(problem: ProjectionProblem, start_dual: np.ndarray | None) -> int | None:
    """:func:`_spread_digits` of the curvature at the start, in float64 (None if not finite)."""
    if start_dual is None:
        return None
    theta0 = [pot.theta0() for pot, _ in problem.branches]
    if not all(np.all(np.isfinite(t)) for t in theta0):
        return None
    with np.errstate(all="ignore"):
        dz = _evaluate(problem, problem.A, problem.y, theta0, np.asarray(start_dual, dtype=float)).dz
    positive = dz[dz > 0]
    if positive.size == 0 or not np.all(np.isfinite(dz)) or positive.min() < GRADED_MIN_SPREAD:
        return None
    return max(0, math.ceil(math.log10(positive.max() / positive.min())))


def _spread_digits(dz) -> int:
    """ceil(log10(max dz / min dz)) over the positive entries, from arb midpoints (no underflow)."""
    logs = [float((abs(v.mid())).log()) for v in dz if v.mid() != 0]
    if not logs:
        return 0
    return max(0, math.ceil((max(logs) - min(logs)) / math.log(10)))


def _expanding_line_search(ap: _ArbProblem, mu, r, step):
    """Step μ - t·step: t halved until the merit decreases, then doubled while it keeps falling.

    The merit is Ψ while its decrease is visible at the working precision (far from the
    solution, where ‖r‖ ≈ ‖y‖ hardly moves while z grows by orders of magnitude), and ‖r‖
    near the solution (where Ψ's changes are below rounding).  Doubling matters in the
    directions of tiny curvature: there the exponential/power maps make Newton converge only
    linearly (by a factor ~e per step for the entropy), and t ~ ln(z/z*) takes it in one go.
    """
    base_r = _norm(r)
    base_psi = ap.dual_objective(mu)
    slope = float(sum((r[i, 0] * step[i, 0] for i in range(ap.m)), arb(0)).mid())  # ∇Ψ·step
    psi_visible = abs(slope) > PSI_VISIBLE * max(abs(float(base_psi.mid())), 1.0)

    def attempt(t):
        trial_mu = mu - step * t
        try:
            tz, tdz = ap.primal(trial_mu)
            psi = ap.dual_objective(trial_mu) if psi_visible else None
        except ArithmeticError:
            return None
        tr = ap.residual(tz)
        value = float((psi - base_psi).mid()) if psi_visible else _norm(tr) - base_r
        return (value, (t, trial_mu, tz, tdz, tr)) if math.isfinite(value) else None

    def decreases(trial, t):
        if trial is None:
            return False
        return trial[0] <= -ARMIJO * t * slope if psi_visible else trial[0] <= -ARMIJO * t * base_r

    t = 1.0
    best = attempt(t)
    while not decreases(best, t):
        t *= 0.5
        if t < MIN_REFINE_FRACTION:
            return None
        best = attempt(t)
    if t == 1.0 and _norm(best[1][4]) <= QUADRATIC_GAIN * base_r:
        return best[1]  # the full step cut ‖r‖ by orders of magnitude: Newton's quadratic regime
    while t < MAX_EXPANSION:
        bigger = attempt(2 * t)
        if bigger is None or bigger[0] >= best[0]:
            break
        best, t = bigger, 2 * t
    return best[1]


def _float64_curvature(dz: Sequence[arb]) -> np.ndarray | None:
    """dz as float64, or None when it is not finite, not positive, or spreads beyond float64."""
    d = np.array([float(v.mid()) for v in dz])
    if not np.all(np.isfinite(d)) or d.max() <= 0 or d.min() < d.max() * GRADED_MIN_SPREAD:
        return None
    return d


def _graded_direction(ap: _ArbProblem, dz: Sequence[arb], r: arb_mat) -> arb_mat | None:
    """H⁻¹r for H = A diag(dz) Aᵀ, solved in float64 through the QR factor of (A D^{1/2})ᵀ.

    An inexact Newton direction: each step multiplies the error by about the relative error of
    this solve (eps times the graded condition number), so Newton converges linearly, by many
    digits per step, at the price of one float64 factorization instead of an M × M × N product
    at the working precision.  dz and r are scaled by powers of 2 first; None when dz spreads
    beyond float64's exponent range (or anything is not finite).
    """
    d = _float64_curvature(dz)
    if d is None:
        return None
    r_max = max(abs(float(r[i, 0].mid())) for i in range(ap.m))
    if r_max == 0 or not math.isfinite(r_max):
        return None
    shift = -math.frexp(r_max)[1]  # r · 2^shift has entries of order 1
    scale = arb(2) ** shift
    rhs = np.array([float((r[i, 0] * scale).mid()) for i in range(ap.m)])
    step = solve_weighted_normal(ap.A64, d / d.max(), rhs) / d.max()
    if not np.all(np.isfinite(step)):
        return None
    inverse_scale = arb(2) ** (-shift)
    return arb_mat([[arb(float(v)) * inverse_scale] for v in step])


def _solve_mid(H: arb_mat, r: arb_mat) -> arb_mat:
    """Approximate solution of H s = r at the working precision (no error bounds needed)."""
    return H.mid().solve(r.mid(), algorithm="approx")


@dataclass(frozen=True)
class Certificate:
    success: bool
    digits: int | None
    enclosure: list[arb] | None
    message: str


def certify(ap: _ArbProblem, mu: arb_mat, dps: int) -> Certificate:
    """Krawczyk test for F(μ) = A z(Aᵀμ) - y on a box around μ; encloses z if it succeeds.

    K(X) = μ̂ - Y F(μ̂) + (I - Y F'(X))(X - μ̂) with any matrix Y; K(X) ⊂ int X proves a unique
    zero of F in X, so z(AᵀX) encloses the projection.  Costs are kept to one interval
    Hessian F'(X_max) = A diag(z'(AᵀX_max)) Aᵀ, on the largest box tried (F' over a smaller box
    is contained in it), formed at ``_certification_bits`` (the graded condition number's bits
    plus a margin: I - Y F'(X) only has to be small, it multiplies X - μ̂, a box of radius
    ~10^-dps); F(μ̂) and z(AᵀX) are at the working precision.  Y is first the float64 inverse
    through the graded QR factor, then, if I - Y F'(X) does not contract, the inverse of
    mid F'(X_max) at the certification precision.
    """
    mu_mid = mu.mid()
    z, dz = ap.primal(mu_mid)
    F = ap.residual(z).mid()
    floor = 10.0 ** (-(dps + GUARD_DIGITS)) * (1 + _norm(mu_mid))
    Y = _graded_inverse(ap, dz)
    first = max(_norm(Y * F) * 8, floor) if Y is not None else floor
    largest = first * KRAWCZYK_GROWTH**KRAWCZYK_TRIES
    try:
        _, dz_largest = ap.primal(arb_mat([[arb(mu_mid[i, 0], largest)] for i in range(ap.m)]))
    except ArithmeticError:
        return Certificate(False, None, None, "certification failed: the box leaves the domain")
    with ctx.workprec(_certification_bits(dz)):
        hessian = ap.hessian(dz_largest)
        identity = arb_mat(_identity(ap.m))
        candidates = [Y] if Y is not None else []
        candidates.append(None)  # fallback, formed below only if needed
        contractions = []
        for candidate in candidates:
            if candidate is None:
                try:
                    candidate = hessian.mid().solve(identity, algorithm="approx")
                except ZeroDivisionError:  # a singular Hessian (dependent rows of A): no certificate
                    break
            contraction = identity - candidate * hessian
            if _contracts(contraction):
                contractions.append((candidate, contraction))
                break
    for Y, contraction in contractions:
        correction = Y * F
        radius = max(_norm(correction) * 8, floor)
        while radius <= largest:
            box = arb_mat([[arb(mu_mid[i, 0], radius)] for i in range(ap.m)])
            try:
                zx, _ = ap.primal(box)
            except ArithmeticError:
                return Certificate(False, None, None, "certification failed: the box leaves the domain")
            K = mu_mid - correction + contraction * (box - mu_mid)
            if all(_strictly_inside(K[i, 0], box[i, 0]) for i in range(ap.m)):
                digits = min(_ball_digits(v) for v in zx)
                return Certificate(True, digits, list(zx), f"Krawczyk test passed: {digits} digits certified")
            radius *= KRAWCZYK_GROWTH
    return Certificate(False, None, None, "certification failed: Krawczyk test did not contract")


def _graded_inverse(ap: _ArbProblem, dz: Sequence[arb]) -> arb_mat | None:
    """(A diag(dz) Aᵀ)⁻¹ in float64 through the graded QR solve, as an exact arb matrix."""
    d = _float64_curvature(dz)
    if d is None:
        return None
    inverse = solve_weighted_normal(ap.A64, d / d.max(), np.eye(ap.m)) / d.max()
    if not np.all(np.isfinite(inverse)):
        return None
    return arb_mat([[float(v) for v in row] for row in inverse])


def _certification_bits(dz: Sequence[arb]) -> int:
    """Bits for I - Y F'(X): log2 of the spread of dz (which bounds the graded condition
    number's growth) plus ``CERTIFICATION_MARGIN_BITS`` for A's own conditioning and the sums."""
    if not all(v.is_finite() for v in dz):
        return ctx.prec
    # logarithms of the arb midpoints: dz may span beyond float64's range (1e-36 against 1e300)
    logs = [float(abs(v.mid()).log()) for v in dz if v.mid() != 0]
    if not logs:
        return ctx.prec
    spread = (max(logs) - min(logs)) / math.log(2)
    return max(CERTIFICATION_MIN_BITS, math.ceil(spread) + CERTIFICATION_MARGIN_BITS)


def _contracts(matrix: arb_mat) -> bool:
    """Whether the ∞-norm of the upper bounds of |matrix| is below 1."""
    worst = 0.0
    for i in range(matrix.nrows()):
        worst = max(worst, sum(float(abs(matrix[i, j]).upper()) for j in range(matrix.ncols())))
    return worst < 1.0


def _identity(m: int) -> list[list[int]]:
    return [[1 if i == j else 0 for j in range(m)] for i in range(m)]


def _strictly_inside(inner: arb, outer: arb) -> bool:
    lo_in, hi_in = inner.mid() - inner.rad(), inner.mid() + inner.rad()
    lo_out, hi_out = outer.mid() - outer.rad(), outer.mid() + outer.rad()
    return bool(lo_in > lo_out and hi_in < hi_out)


def _ball_digits(x: arb) -> int:
    """Correct significant digits of a ball (0 if it contains 0 and is not exactly 0)."""
    if x.rad() == 0:
        return 10**6
    mid = abs(x.mid())
    if mid == 0 or not (mid > x.rad()):
        return 0
    # in arb: mid/rad may exceed float64's range (1e400 for a tight ball of a large entry)
    return max(0, math.floor(float((mid / x.rad()).log()) / math.log(10)))
