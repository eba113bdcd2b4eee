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

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from flint import arb, arb_mat, ctx

from numerics.results import LimitResult
from numerics.weighted_normal_equations import solve_weighted_normal

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

    def embed(self, values: Sequence, zero) -> tuple:
        """The solution on the kept columns, padded with exact zeros to the full width."""
        if self.columns is None:
            return tuple(values)
        out = [zero] * self.width
        for k, v in zip(self.columns, values, strict=True):
            out[k] = v
        return tuple(out)

    @property
    def A(self) -> np.ndarray:
        return np.array([[float(a) for a in row] for row in self.A_exact])

    @property
    def y(self) -> np.ndarray:
        return np.array([float(v) for v in self.y_exact])


@dataclass
class _State:
    mu: np.ndarray
    thetas: list[np.ndarray]
    z: np.ndarray
    dz: np.ndarray
    grad: np.ndarray
    psi: float


def _evaluate(problem: ProjectionProblem, A: np.ndarray, y: np.ndarray, theta0, mu: np.ndarray) -> _State:
    h = A.T @ mu
    z = np.zeros(A.shape[1])
    dz = np.zeros(A.shape[1])
    psi = -float(y @ mu)
    thetas = []
    for (pot, sigma), t0 in zip(problem.branches, theta0, strict=True):
        theta = t0 + sigma * h
        zb, dzb = pot.primal(theta)
        z += sigma * zb
        dz += dzb
        psi += pot.conjugate(theta)
        thetas.append(theta)
    return _State(mu, thetas, z, dz, A @ z - y, psi)


def _finite(state: _State) -> bool:
    return math.isfinite(state.psi) and bool(np.all(np.isfinite(state.z)))


def _newton_direction(A: np.ndarray, state: _State) -> np.ndarray:
    return solve_weighted_normal(A, state.dz, -state.grad)


def _trust_ratio(problem: ProjectionProblem, A: np.ndarray, state: _State, step: np.ndarray) -> float:
    dh = np.abs(A.T @ step)
    ratio = 0.0
    for (pot, _), theta in zip(problem.branches, state.thetas, strict=True):
        scale = pot.step_scale(theta)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = max(ratio, float(np.max(np.where(scale > 0, dh / scale, np.inf))))
    return ratio


def project(problem: ProjectionProblem, max_iterations: int = MAX_NEWTON_ITERATIONS) -> LimitResult:
    """Float64 trust-region Newton on the dual; the value is z (the end-to-end vector)."""
    start = time.perf_counter()
    A, y = problem.A, problem.y
    theta0 = [pot.theta0() for pot, _ in problem.branches]
    lost = max(getattr(pot, "float64_digits_lost", lambda: 0)() for pot, _ in problem.branches)
    if lost > FLOAT64_MAX_DIGITS_LOST or not all(np.all(np.isfinite(t)) for t in theta0):
        raise ProjectionError(
            f"float64 cannot resolve this initialization scale in this potential (about {lost} digits "
            "cancel); use a higher precision"
        )
    if problem.unique_solution is not None:
        return _unique_point_result(problem, start)
    # The tests' floors rise with the digits θ0 + Aᵀμ cancels; RESIDUAL_TOL already sits
    # ~3 digits above float64's unit roundoff, so only cancellation beyond that counts.
    cancelled = max(1.0, 10.0 ** (lost - 3))
    state = _evaluate(problem, A, y, theta0, np.zeros(A.shape[0]))
    y_norm = max(float(np.linalg.norm(y)), np.finfo(float).tiny)
    trust = INITIAL_TRUST
    for iteration in range(1, max_iterations + 1):
        step = _descent_direction(A, state)
        z_norm = max(float(np.linalg.norm(state.z)), np.finfo(float).tiny)
        correction = float(np.linalg.norm(state.dz * (A.T @ step))) / z_norm
        residual = float(np.linalg.norm(state.grad)) / y_norm
        if correction <= STEP_TOL * cancelled and residual <= RESIDUAL_TOL * cancelled:
            return _projection_result(problem, state, y_norm, True, "converged", iteration, start)
        at_floor = residual <= FLOOR_RESIDUAL * cancelled and correction <= FLOOR_STEP * cancelled
        ratio = _trust_ratio(problem, A, state, step)
        capped = ratio > trust
        if capped:
            step = step * (trust / ratio)
        trial, t = _armijo(problem, A, y, theta0, state, step)
        if trial is None:
            why = "stopped at the rounding floor" if at_floor else "line search failed"
            return _projection_result(problem, state, y_norm, at_floor, why, iteration, start)
        state = trial
        trust = trust * TRUST_GROWTH if (capped and t == 1.0) else max(trust * t, INITIAL_TRUST)
    message = f"no convergence in {max_iterations} iterations"
    return _projection_result(problem, state, y_norm, False, message, max_iterations, start)


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


def _armijo(problem, A, y, theta0, state: _State, step: np.ndarray) -> tuple[_State | None, float]:
    """Backtracking on Ψ; near the optimum, where Ψ's change is below rounding, on ‖∇Ψ‖."""
    slope = float(state.grad @ step)
    t = 1.0
    while t >= MIN_STEP_FRACTION:
        trial = _evaluate(problem, A, y, theta0, state.mu + t * step)
        if _finite(trial):
            if trial.psi <= state.psi + ARMIJO * t * slope:
                return trial, t
            lost = abs(slope) * t <= PSI_ROUNDING * max(abs(state.psi), 1.0)
            if lost and np.linalg.norm(trial.grad) <= np.linalg.norm(state.grad):
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
    return LimitResult(
        value=np.array(problem.embed(state.z, 0.0)),
        residual=float(np.linalg.norm(state.grad)) / y_norm,
        residual_kind="relative feasibility residual ||A z - y|| / ||y|| (KKT holds by construction)",
        converged=converged,
        message=message,
        iterations=iterations,
        wall_s=time.perf_counter() - start,
        info={"dual": state.mu},
    )


# ------------------------------------------------------------------------------ arb refinement


def _digits_to_bits(digits: int) -> int:
    return math.ceil(digits * math.log2(10)) + 8


class _ArbProblem:
    """The dual system in python-flint balls at the current ``ctx.prec``."""

    def __init__(self, problem: ProjectionProblem):
        self.problem = problem
        self.rows = [[arb(a.numerator) / a.denominator for a in row] for row in problem.A_exact]
        self.Am = arb_mat(self.rows)
        self.At = self.Am.transpose()
        self.y = arb_mat([[arb(v.numerator) / v.denominator] for v in problem.y_exact])
        self.theta0 = [pot.theta0_arb() for pot, _ in problem.branches]
        self.m, self.n = self.Am.nrows(), self.Am.ncols()

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
            theta = np.array([float((t0[i] + sigma * h[i, 0]).mid()) for i in range(self.n)])
            moves = np.array([abs(float(dh[i, 0].mid())) for i in range(self.n)])
            scale = pot.step_scale(theta)
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = max(ratio, float(np.max(np.where(scale > 0, moves / scale, np.inf))))
        return ratio

    def hessian(self, dz: Sequence[arb]) -> arb_mat:
        """A diag(dz) Aᵀ: the columns scaled in Python lists (indexing arb_mat is slow), one product."""
        return arb_mat([[a * d for a, d in zip(row, dz, strict=True)] for row in self.rows]) * self.At


def _norm(v: arb_mat) -> float:
    """Euclidean norm of the midpoints, as a float (inf when it overflows float64)."""
    try:
        return math.sqrt(sum(float(abs(v[i, 0]).mid()) ** 2 for i in range(v.nrows())))
    except OverflowError:
        return math.inf


def refine(problem: ProjectionProblem, start_dual: np.ndarray | None, dps: int) -> LimitResult:
    """Newton on the dual at ``dps`` (+ guard) digits from a float64 dual point, then certify."""
    start = time.perf_counter()
    saved = ctx.prec
    ctx.prec = _digits_to_bits(dps + GUARD_DIGITS)
    try:
        if problem.unique_solution is not None:
            return _unique_point_result(problem, start, dps)
        ap = _ArbProblem(problem)
        mu = arb_mat([[arb(float(v))] for v in (start_dual if start_dual is not None else np.zeros(ap.m))])
        z, dz = ap.primal(mu)
        r = ap.residual(z)
        target = 10.0 ** (-(dps + GUARD_DIGITS // 2))
        iterations = 0
        rel = math.inf
        for _ in range(MAX_REFINE_ITERATIONS):
            iterations += 1
            step = _solve_mid(ap.hessian(dz), r)
            ratio = ap.trust_ratio(mu, step)
            if ratio > REFINE_TRUST:  # far from the solution (a cold start): cap the move of θ
                step = step * (REFINE_TRUST / ratio)
            trial = _expanding_line_search(ap, mu, r, step)
            if trial is None:
                break  # ‖r‖ no longer decreases: the working precision's floor
            t, mu, z, dz, r = trial
            h_step = ap.At * step
            # x-space size of the step just taken, relative to ‖z‖∞ (entries far below
            # ‖z‖∞ times the residual floor are not determined at this precision)
            z_max = max(max(float(abs(v).mid()) for v in z), 1e-300)
            rel = max(float(abs(dz[j] * h_step[j, 0] * t).mid()) for j in range(ap.n)) / z_max
            if rel <= target:
                break
        settled = rel <= 10.0**-dps
        cert = certify(ap, mu, dps)
        y_norm = _norm(ap.y)
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
            residual=_norm(r) / y_norm if y_norm else _norm(r),
            residual_kind="relative feasibility residual ||A z - y|| / ||y|| at the final dual point",
            converged=converged,
            message=f"{message}; {cert.message}",
            iterations=iterations,
            certified_digits=cert.digits,
            dps=dps,
            wall_s=time.perf_counter() - start,
            info={"dual": mu, "krawczyk": cert.success},
        )
    finally:
        ctx.prec = saved


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
    while t < MAX_EXPANSION:
        bigger = attempt(2 * t)
        if bigger is None or bigger[0] >= best[0]:
            break
        best, t = bigger, 2 * t
    return best[1]


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

    K(X) = μ̂ - Y F(μ̂) + (I - Y F'(X))(X - μ̂) with Y ≈ F'(μ̂)^{-1}; K(X) ⊂ int X proves a
    unique zero of F in X, so z(AᵀX) encloses the projection.
    """
    mu_mid = mu.mid()
    z, dz = ap.primal(mu_mid)
    F = ap.residual(z).mid()
    J = ap.hessian(dz).mid()
    Y = J.solve(arb_mat(_identity(ap.m)), algorithm="approx")
    correction = Y * F
    radius = max(_norm(correction) * 8, 10.0 ** (-(dps + GUARD_DIGITS)) * (1 + _norm(mu_mid)))
    for _ in range(4):
        box = arb_mat([[arb(mu_mid[i, 0], radius)] for i in range(ap.m)])
        try:
            zx, dzx = ap.primal(box)
        except ArithmeticError:
            return Certificate(False, None, None, "certification failed: the box leaves the domain")
        Jx = ap.hessian(dzx)
        K = mu_mid - correction + (arb_mat(_identity(ap.m)) - Y * Jx) * (box - mu_mid)
        if all(_strictly_inside(K[i, 0], box[i, 0]) for i in range(ap.m)):
            digits = min(_ball_digits(v) for v in zx)
            return Certificate(True, digits, list(zx), f"Krawczyk test passed: {digits} digits certified")
        radius *= 16
    return Certificate(False, None, None, "certification failed: Krawczyk test did not contract")


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
    return max(0, math.floor(math.log10(float(mid / x.rad()))))
