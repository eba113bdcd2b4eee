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
import scipy.linalg
from flint import arb, arb_mat, ctx

from numerics.results import LimitResult

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
MAX_EXPANSION = 2.0**20  # the expanding line search tries t = 1, 2, 4, ... up to this


class ProjectionError(ValueError):
    """A projection problem that cannot be solved (one-line message)."""


@dataclass(frozen=True)
class ProjectionProblem:
    """min Σ_b F_b(z_b) - ⟨∇F_b(x0_b), z_b⟩ s.t. A Σ_b σ_b z_b = y, A and y exact rationals."""

    A_exact: tuple[tuple[Fraction, ...], ...]
    y_exact: tuple[Fraction, ...]
    branches: tuple[tuple[object, int], ...]  # (potential, σ = ±1)

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
    """Solve (A D Aᵀ) Δ = -∇Ψ through the QR factorization of B = (A D^{1/2})ᵀ = QR.

    A D Aᵀ = RᵀR, and its condition number is the square of R's: solving with the two
    triangular factors keeps the x-space change D AᵀΔ = -D^{1/2} Q R^{-T}∇Ψ accurate to
    √cond digits where a Cholesky solve of A D Aᵀ would lose them all (cond ~ 1/α²).
    """
    root = np.sqrt(state.dz)
    R = scipy.linalg.qr((A * root).T, mode="r", check_finite=False)[0][: A.shape[0]]
    w = scipy.linalg.solve_triangular(R, -state.grad, trans="T", check_finite=False)
    return scipy.linalg.solve_triangular(R, w, check_finite=False)


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
    if not all(np.all(np.isfinite(t)) for t in theta0):
        raise ProjectionError(
            "the initialization is beyond float64's range in this potential; use a higher precision"
        )
    state = _evaluate(problem, A, y, theta0, np.zeros(A.shape[0]))
    y_norm = max(float(np.linalg.norm(y)), np.finfo(float).tiny)
    trust = INITIAL_TRUST
    for iteration in range(1, max_iterations + 1):
        step = _newton_direction(A, state)
        if not float(state.grad @ step) < 0:
            # the QR solve lost the direction (e.g. to underflowing D entries): solve with the
            # Hessian itself, then fall back to steepest descent
            step = np.linalg.lstsq((A * state.dz) @ A.T, -state.grad, rcond=None)[0]
            if not float(state.grad @ step) < 0:
                step = -state.grad
        ratio = _trust_ratio(problem, A, state, step)
        capped = ratio > trust
        if capped:
            step = step * (trust / ratio)
        correction = float(np.linalg.norm(state.dz * (A.T @ step)))
        small = correction <= STEP_TOL * float(np.linalg.norm(state.z))
        slope = float(state.grad @ step)
        residual = float(np.linalg.norm(state.grad)) / y_norm
        relative_correction = correction / max(float(np.linalg.norm(state.z)), np.finfo(float).tiny)
        if small and residual <= RESIDUAL_TOL:
            return _projection_result(state, y_norm, True, "converged", iteration, start)
        at_floor = residual <= FLOOR_RESIDUAL and relative_correction <= FLOOR_STEP
        if slope >= 0:
            why = (
                "stopped at the rounding floor"
                if at_floor
                else "the Newton direction is not a descent direction"
            )
            return _projection_result(state, y_norm, at_floor, why, iteration, start)
        t = 1.0
        while True:
            trial = _evaluate(problem, A, y, theta0, state.mu + t * step)
            if _finite(trial):
                if trial.psi <= state.psi + ARMIJO * t * slope:
                    break
                lost = abs(slope) * t <= PSI_ROUNDING * max(abs(state.psi), 1.0)
                if lost and np.linalg.norm(trial.grad) <= np.linalg.norm(state.grad):
                    break
            t *= 0.5
            if t < 1e-20:
                why = "stopped at the rounding floor" if at_floor else "line search failed"
                return _projection_result(state, y_norm, at_floor, why, iteration, start)
        state = trial
        trust = trust * TRUST_GROWTH if (capped and t == 1.0) else max(trust * t, INITIAL_TRUST)
    return _projection_result(
        state, y_norm, False, f"no convergence in {max_iterations} iterations", max_iterations, start
    )


def _projection_result(
    state: _State, y_norm: float, converged: bool, message: str, iterations: int, start: float
) -> LimitResult:
    return LimitResult(
        value=state.z,
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
    return int(math.ceil(digits * math.log2(10))) + 8


class _ArbProblem:
    """The dual system in python-flint balls at the current ``ctx.prec``."""

    def __init__(self, problem: ProjectionProblem):
        self.problem = problem
        self.Am = arb_mat([[arb(a.numerator) / a.denominator for a in row] for row in problem.A_exact])
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

    def hessian(self, dz: Sequence[arb]) -> arb_mat:
        scaled = arb_mat(self.m, self.n)
        for i in range(self.m):
            for j in range(self.n):
                scaled[i, j] = self.Am[i, j] * dz[j]
        return scaled * self.At


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
        ap = _ArbProblem(problem)
        mu = arb_mat([[arb(float(v))] for v in (start_dual if start_dual is not None else np.zeros(ap.m))])
        z, dz = ap.primal(mu)
        r = ap.residual(z)
        target = 10.0 ** (-(dps + GUARD_DIGITS // 2))
        iterations = 0
        converged = False
        rel = math.inf
        for iterations in range(1, MAX_REFINE_ITERATIONS + 1):
            step = _solve_mid(ap.hessian(dz), r)
            trial = _expanding_line_search(ap, mu, z, dz, r, step)
            if trial is None:
                # ‖r‖ cannot decrease any more: the working precision's floor.  Accept if the
                # residual is there and the last step no longer moved any entry of z.
                converged = _norm(r) <= target * max(_norm(ap.y), 1e-300) and rel <= 10.0**-dps
                break
            t, mu, z, dz, r = trial
            h_step = ap.At * step
            # x-space size of the step just taken, relative to ‖z‖∞ (entries far below
            # ‖z‖∞ times the residual floor are not determined at this precision)
            z_max = max(max(float(abs(v).mid()) for v in z), 1e-300)
            rel = max(float(abs(dz[j] * h_step[j, 0] * t).mid()) for j in range(ap.n)) / z_max
            if rel <= target:
                converged = True
                break
        cert = certify(ap, mu, dps)
        y_norm = _norm(ap.y)
        value = tuple(cert.enclosure if cert.enclosure is not None else z)
        if cert.digits is None and converged:
            # not certified: report the digits the last Newton correction leaves untouched
            estimated = max(0, int(-math.log10(max(rel, 10.0 ** -(dps + GUARD_DIGITS)))))
            cert = Certificate(
                False,
                None,
                None,
                cert.message + f"; about {min(estimated, dps)} digits "
                "estimated from the last Newton correction (not certified)",
            )
        return LimitResult(
            value=value,
            residual=_norm(r) / y_norm if y_norm else _norm(r),
            residual_kind="relative feasibility residual ||A z - y|| / ||y|| at the final dual point",
            converged=converged,
            message=("converged" if converged else "refinement did not converge") + "; " + cert.message,
            iterations=iterations,
            certified_digits=cert.digits,
            dps=dps,
            wall_s=time.perf_counter() - start,
            info={"dual": mu, "krawczyk": cert.success},
        )
    finally:
        ctx.prec = saved


def _expanding_line_search(ap, mu, z, dz, r, step):
    """Step t·Newton with t halved until ‖r‖ decreases, or doubled while it keeps decreasing.

    Doubling matters far from the solution in the directions of tiny curvature: there the
    exponential/power maps make Newton converge only linearly (by a factor ~e per step for
    the entropy), and t ~ ln(z/z*) steps in one go.
    """
    base = _norm(r)

    def attempt(t):
        trial_mu = mu - step * t
        try:
            tz, tdz = ap.primal(trial_mu)
        except ArithmeticError:
            return None
        tr = ap.residual(tz)
        value = _norm(tr)
        return (value, (t, trial_mu, tz, tdz, tr)) if math.isfinite(value) else None

    best = attempt(1.0)
    if best is not None and best[0] <= (1 - ARMIJO) * base:
        t = 1.0
        while t < MAX_EXPANSION:
            bigger = attempt(2 * t)
            if bigger is None or bigger[0] >= best[0]:
                break
            best, t = bigger, 2 * t
        return best[1]
    t = 0.5
    while t > 1e-30:
        trial = attempt(t)
        if trial is not None and trial[0] <= (1 - ARMIJO * t) * base:
            return trial[1]
        t *= 0.5
    return None


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
    return max(0, int(math.floor(math.log10(float(mid / x.rad())))))
