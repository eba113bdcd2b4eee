"""The limits of wn's weight-normalized flows as the root of one small system: float64 Newton,
and a rigorous enclosure (Krawczyk's test in python-flint balls) at any precision.

The limits are γ-scaled Bregman projections onto S₊ = {z >= 0 : Az = b}
(:mod:`numerics.weight_normalization_limits`, whose module docstring derives them):

* r² rates (wn Theorem 2.3, Corollary 3.14):  x̃∞ = argmin_{S₊} D_F(z, x̃(0));
* (η̃, 1) rates (proof of Theorem 2.1, Lemmas 3.8, 3.10):  x̃∞ = argmin_{S₊} D_F(z, γ(r0, r∞)^L x̃(0))
  with r∞ = lim r(t) = ||x̃∞^{⊙1/L}||₂ (wn (21)) and γ of wn (43).

F is wn (57).  Where S₊ has a strictly positive point the projection has every entry > 0 (∇F
diverges at 0), and it is the root of its KKT conditions ∇F(z) = ∇F(c x̃(0)) + Aᵀμ, Az = b,
c = γ^L (1 for r² rates).  In the variable x0 = x(0) (so x̃(0) = x0^{⊙L}), with k = (L-2)/L:

    L = 2:  log z = 2 log γ + 2 log x0 + 2 Aᵀμ                    (∇F = ½ log)
    L > 2:  z = s^{-L/(L-2)},  s = γ^{2-L} x0^{⊙(2-L)} - (L-2) Aᵀμ > 0   (∇F(z) = -z^{-k}/(L-2))

and the radius equation Σ z^{2/L} = r² closes the constant-rate system in (μ, r) ∈ R^{M+1}.

* :func:`float64_limit`: Newton on the (convex) dual of the projection, the fixed point in r by
  bracketing and Brent's method, then Newton on the joint system: a few milliseconds for the
  instances of the property searches (M <= 3), where ``constant_rate_flow_limit`` refines every
  trial projection in arb.
* :func:`enclosed_limit`: the float64 root refined by Newton at ``dps`` digits, then Krawczyk's
  test on a box around it: K(X) = x̂ - Y G(x̂) + (I - Y J(X))(X - x̂) ⊂ int X proves that G has
  exactly one root in X; z over X encloses the limit.  Every operation is a ball operation
  (python-flint's ``arb``, ``arb_mat``), so the enclosure is rigorous *as an enclosure of the
  characterization's root*.
  That this root is the flow's limit is wn's characterization (proved for r² rates through
  [7]; for constant rates Lemmas 3.8 and 3.10, given convergence, rows of A summing to 0); the
  radius equation may have several roots (γ is not monotone in r), so callers compare the root
  with the integrated flow (``checks.wn_limit_audit``).

A must have full row rank (dependent rows of a consistent system are dropped before).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
from flint import arb, arb_mat
from mpmath import mp
from scipy.optimize import brentq

from dlncheck.numerics.enclosures import BALLS, GUARD_DIGITS, ball, lower, upper
from dlncheck.numerics.results import NO_RESIDUAL, CertifiedEnclosure

# Newton on the dual: stop when ||A z - b|| <= DUAL_RTOL (||A||·||z|| + ||b||): a few hundred
# roundings of the M·N-term products.
DUAL_RTOL = 1e-14
MAX_NEWTON = 200
# Ψ is known to OBJECTIVE_EPS of its terms' size (a few ulps): the line search allows that much.
# Where ||A z - b|| stops decreasing for MAX_STALLED iterations, float64's floor is reached; the
# point is accepted if it is within FLOOR_FACTOR of DUAL_RTOL's bound (the rounding of z's
# exponentials and powers, some hundred ulps).
OBJECTIVE_EPS = 1e-15
MAX_STALLED = 3
FLOOR_FACTOR = 1e3
# Armijo's sufficient decrease and the largest number of step halvings per iteration.
ARMIJO = 1e-4
MAX_HALVINGS = 60
# The fixed point r∞: Brent's relative tolerance (float64's), the bracket's growth factor and the
# number of growth steps before giving up (1.5^200 spans any float64 radius).
FIXED_POINT_RTOL = 1e-15
BRACKET_FACTOR = 1.5
MAX_BRACKET_STEPS = 200
# Joint Newton steps that polish (μ, r) after Brent (each roughly doubles the correct digits).
POLISH_STEPS = 3
# Krawczyk: the box radius is KRAWCZYK_INFLATION times the last Newton correction, and at least
# 10^-(dps - KRAWCZYK_FLOOR_DIGITS) of each component's size (outward rounding must fit inside).
KRAWCZYK_INFLATION = 1000
KRAWCZYK_FLOOR_DIGITS = 8
# Newton iterations at dps digits from the float64 root (quadratic: 17 -> 34 -> 68 -> ... digits).
MAX_PRECISE_NEWTON = 40


# ----------------------------------------------------------------------------------------
# float64


# residual_kind of project_dual: the quantity its stopping test bounds by DUAL_RTOL
DUAL_RESIDUAL = "relative dual gradient ||A z - b|| / (||A||_F ||z|| + ||b||)"
# residual_kind of a constant-rate root: the dual gradient's and the radius equation's, the larger
RADIUS_SYSTEM_RESIDUAL = (
    "max of ||A z - b|| / (||A||_F ||z|| + ||b||) and |Σ z^{2/L} - r∞²| / r∞² (the radius equation)"
)


@dataclass(frozen=True)
class DualProjection:
    """The projection argmin_{S₊} D_F(z, q) found by :func:`project_dual` (float64).

    ``z`` the projection, ``mu`` the dual point; ``residual`` is :data:`DUAL_RESIDUAL` (NaN where
    no point of the domain was reached).  Conforms to ``numerics.results.SolverResult``;
    ``counts`` holds the Newton ``iterations``.
    """

    z: np.ndarray
    mu: np.ndarray
    converged: bool
    message: str
    residual: float
    iterations: int
    residual_kind: str = DUAL_RESIDUAL

    @property
    def certified_digits(self) -> None:
        return None

    @property
    def counts(self) -> dict[str, int]:
        return {"iterations": self.iterations}


@dataclass(frozen=True)
class SystemRoot:
    """A root of the limit system: the limit z = x̃∞ (float64), the dual μ, r∞ (None for r² rates).

    Conforms to ``numerics.results.SolverResult``: ``residual`` is :data:`DUAL_RESIDUAL` (r² rates)
    or :data:`RADIUS_SYSTEM_RESIDUAL` (constant rates), None where no root was reached; ``counts``
    holds the dual Newton ``iterations`` of all projections together and the ``projections``.
    """

    z: np.ndarray
    mu: np.ndarray
    r_inf: float | None
    converged: bool
    message: str
    info: dict[str, Any] = field(default_factory=dict)
    residual: float | None = None
    residual_kind: str = NO_RESIDUAL
    iterations: int = 0
    projections: int = 0

    @property
    def certified_digits(self) -> None:
        return None

    @property
    def counts(self) -> dict[str, int]:
        return {"iterations": self.iterations, "projections": self.projections}


def _log_gamma(r0: float, r: float, eta: float) -> float:
    """log γ(r0, r) = log(r/r0) + (r0² - r²)/(2η̃), wn (43)."""
    return math.log(r / r0) + (r0 * r0 - r * r) / (2 * eta)


def _dlog_gamma(r: float, eta: float) -> float:
    return 1 / r - r / eta


def _state(A: np.ndarray, depth: int, base: np.ndarray, mu: np.ndarray):
    """(z, dz/dθ, F*(θ0 + Aᵀμ)) at μ; None outside the domain (s <= 0) or on overflow.

    ``base`` is log(c x̃(0)) for L = 2 and s0 = (c x̃(0))^{-k} for L > 2 (module docstring);
    F*(θ) = ½ Σ e^{2θ} (L = 2), ½ Σ s^{-2/(L-2)} (L > 2), whose gradient is z."""
    t = A.T @ mu
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if depth == 2:
            z = np.exp(base + 2 * t)
            dz = 2 * z
            conjugate = 0.5 * float(np.sum(z))
        else:
            s = base - (depth - 2) * t
            if np.any(s <= 0):
                return None
            z = s ** (-depth / (depth - 2))
            dz = depth * z / s
            conjugate = 0.5 * float(np.sum(s ** (-2 / (depth - 2))))
    if not (np.all(np.isfinite(z)) and np.all(np.isfinite(dz)) and math.isfinite(conjugate)):
        return None
    return z, dz, conjugate


def _dual_residual(scale_A: float, A: np.ndarray, b: np.ndarray, z: np.ndarray) -> float:
    """:data:`DUAL_RESIDUAL` at z (the quantity project_dual's stopping test bounds)."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        size = float(np.linalg.norm(A @ z - b))
        return _ratio(size, scale_A * float(np.linalg.norm(z)) + float(np.linalg.norm(b)))


def _ratio(size: float, scale: float) -> float:
    return size / scale if scale > 0 else math.nan


def project_dual(
    A: np.ndarray, b: np.ndarray, depth: int, base: np.ndarray, mu0: np.ndarray | None = None
) -> DualProjection:
    """The projection argmin_{S₊} D_F(z, q) by Newton on its dual Ψ(μ) = F*(θ0 + Aᵀμ) - bᵀμ.

    ``base`` encodes q (see :func:`_state`).  ``converged``: ||A z - b|| <= DUAL_RTOL (||A||·||z||
    + ||b||), or float64's floor (within FLOOR_FACTOR of that bound) was reached."""
    mu = np.zeros(A.shape[0]) if mu0 is None else np.array(mu0, dtype=float)
    state = _state(A, depth, base, mu)
    if state is None:
        mu = np.zeros(A.shape[0])
        state = _state(A, depth, base, mu)
        if state is None:
            why = "F* is not finite at μ = 0 (q outside its domain)"
            return DualProjection(np.full(A.shape[1], np.nan), mu, False, why, math.nan, 0)
    scale_A = float(np.linalg.norm(A))
    best, stalled = math.inf, 0
    for iteration in range(MAX_NEWTON):
        z, dz, conjugate = state
        objective = conjugate - float(b @ mu)
        grad = A @ z - b
        size = float(np.linalg.norm(grad))
        scale = scale_A * float(np.linalg.norm(z)) + float(np.linalg.norm(b))
        bound = DUAL_RTOL * scale
        residual = _ratio(size, scale)
        if size <= bound:
            why = "||A z - b|| <= DUAL_RTOL (||A||·||z|| + ||b||)"
            return DualProjection(z, mu, True, why, residual, iteration)
        near = size <= FLOOR_FACTOR * bound  # within reach of float64's floor
        stalled = stalled + 1 if near and size >= best else 0
        best = min(best, size)
        if stalled >= MAX_STALLED:  # at the floor: no further progress
            why = "float64's floor: ||A z - b|| stopped decreasing within FLOOR_FACTOR of the bound"
            return DualProjection(z, mu, True, why, residual, iteration)
        try:
            step = -np.linalg.solve((A * dz) @ A.T, grad)
        except np.linalg.LinAlgError:
            return DualProjection(
                z, mu, False, "singular Newton matrix A diag(dz/dθ) Aᵀ", residual, iteration
            )
        slope = float(grad @ step)
        # Armijo, with room for Ψ's own rounding (near the optimum the decrease is below it)
        room = OBJECTIVE_EPS * (abs(conjugate) + abs(float(b @ mu)))
        t = 1.0
        for _ in range(MAX_HALVINGS):
            trial = _state(A, depth, base, mu + t * step)
            if (
                trial is not None
                and trial[2] - float(b @ (mu + t * step)) <= objective + ARMIJO * t * slope + room
            ):
                break
            t /= 2
        else:
            at_floor = size <= FLOOR_FACTOR * bound
            why = f"the line search failed after {MAX_HALVINGS} halvings" + (
                " within FLOOR_FACTOR of the bound (float64's floor)" if at_floor else ""
            )
            return DualProjection(z, mu, at_floor, why, residual, iteration)
        mu, state = mu + t * step, trial
    why = f"MAX_NEWTON = {MAX_NEWTON} iterations reached"
    return DualProjection(state[0], mu, False, why, _dual_residual(scale_A, A, b, state[0]), MAX_NEWTON)


def _base(depth: int, log_x0: np.ndarray, log_gamma: float) -> np.ndarray:
    if depth == 2:
        return 2 * (log_gamma + log_x0)
    return np.exp((2 - depth) * (log_gamma + log_x0))


def _radius(z: np.ndarray, depth: int) -> float:
    """r = ||z^{⊙1/L}||₂ (wn (21))."""
    return math.sqrt(float(np.sum(z ** (2 / depth))))


def float64_limit(
    A: np.ndarray, b: np.ndarray, depth: int, log_x0: np.ndarray, rates: str, eta: float | None = None
) -> SystemRoot:
    """The limit of the flow (``rates`` "r2" or "tilde" with η̃ = ``eta``) from x(0) = e^{log_x0}.

    For "tilde", r0 = ||x(0)||₂ (‖u0‖ = 1).  ``info['roots_seen']`` counts sign changes of the
    radius equation met while bracketing (a second root is a warning, see the module docstring).
    """
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # trial points may overflow
        return _float64_limit(A, b, depth, log_x0, rates, eta)


def _float64_limit(A, b, depth: int, log_x0, rates: str, eta: float | None) -> SystemRoot:
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    log_x0 = np.asarray(log_x0, dtype=float)
    if rates == "r2":
        found = project_dual(A, b, depth, _base(depth, log_x0, 0.0))
        return SystemRoot(
            found.z,
            found.mu,
            None,
            found.converged,
            "projection of x̃(0)" if found.converged else f"dual Newton failed ({found.message})",
            residual=found.residual,
            residual_kind=DUAL_RESIDUAL,
            iterations=found.iterations,
            projections=1,
        )
    if rates != "tilde" or eta is None:
        raise ValueError("rates must be 'r2', or 'tilde' with eta")
    r0 = math.sqrt(float(np.sum(np.exp(2 * log_x0))))
    cache = {"mu": None}
    work = {"iterations": 0, "projections": 0}

    def projection(r: float):
        found = project_dual(A, b, depth, _base(depth, log_x0, _log_gamma(r0, r, eta)), cache["mu"])
        work["iterations"] += found.iterations
        work["projections"] += 1
        if not found.converged:
            raise ArithmeticError(f"the projection at r = {r:.6g} did not converge ({found.message})")
        cache["mu"] = found.mu
        return found.z, found.mu

    def phi(r: float) -> float:
        return _radius(projection(r)[0], depth) - r

    def failed(message: str) -> SystemRoot:
        return SystemRoot(np.full(A.shape[1], np.nan), np.zeros(A.shape[0]), None, False, message, **work)

    try:
        r = _radius(projection(r0)[0], depth)
        value = phi(r)
        factor = BRACKET_FACTOR if value > 0 else 1 / BRACKET_FACTOR
        for _ in range(MAX_BRACKET_STEPS):
            r_next = r * factor
            value_next = phi(r_next)
            if (value_next > 0) != (value > 0):
                break
            r, value = r_next, value_next
        else:
            return failed("no bracket for r∞")
        bracket = (min(r, r_next), max(r, r_next))
        r_inf = brentq(phi, *bracket, rtol=FIXED_POINT_RTOL, xtol=1e-300)
        z, mu = projection(r_inf)
    except ArithmeticError as exc:
        return failed(str(exc))
    mu, r_inf = _polish(A, b, depth, log_x0, r0, eta, mu, r_inf)
    z = _state(A, depth, _base(depth, log_x0, _log_gamma(r0, r_inf, eta)), mu)[0]
    radius_residual = abs(float(np.sum(z ** (2 / depth))) - r_inf * r_inf) / (r_inf * r_inf)
    return SystemRoot(
        z,
        mu,
        r_inf,
        True,
        "γ-scaled projection, r∞ by Brent",
        {"bracket": bracket},
        residual=max(_dual_residual(float(np.linalg.norm(A)), A, b, z), radius_residual),
        residual_kind=RADIUS_SYSTEM_RESIDUAL,
        **work,
    )


def _joint_float(A, b, depth, log_x0, r0, eta, mu, r):
    """G(μ, r) and its Jacobian in float64 (the formulas of :func:`_system`)."""
    lg, dlg = _log_gamma(r0, r, eta), _dlog_gamma(r, eta)
    state = _state(A, depth, _base(depth, log_x0, lg), mu)
    if state is None:
        return None
    z, dz, _ = state
    if depth == 2:
        dz_dr = 2 * z * dlg
    else:
        dz_dr = dz * np.exp((2 - depth) * (lg + log_x0)) * dlg  # dθ0/dr = γ^{2-L} x0^{2-L} dlogγ/dr
    p = (2 / depth) * z ** (2 / depth - 1)
    G = np.concatenate([A @ z - b, [float(np.sum(z ** (2 / depth))) - r * r]])
    J = np.zeros((A.shape[0] + 1, A.shape[0] + 1))
    J[:-1, :-1] = (A * dz) @ A.T
    J[:-1, -1] = A @ dz_dr
    J[-1, :-1] = A @ (p * dz)
    J[-1, -1] = float(p @ dz_dr) - 2 * r
    return G, J


def _polish(A, b, depth, log_x0, r0, eta, mu, r):
    for _ in range(POLISH_STEPS):
        out = _joint_float(A, b, depth, log_x0, r0, eta, mu, r)
        if out is None:
            break
        G, J = out
        try:
            step = np.linalg.solve(J, -G)
        except np.linalg.LinAlgError:
            break
        if not np.all(np.isfinite(step)) or r + step[-1] <= 0:
            break
        if _state(A, depth, _base(depth, log_x0, _log_gamma(r0, r + step[-1], eta)), mu + step[:-1]) is None:
            break
        mu, r = mu + step[:-1], r + step[-1]
    return mu, r


def radius_roots_scan(
    A: np.ndarray,
    b: np.ndarray,
    depth: int,
    log_x0: np.ndarray,
    eta: float,
    r_lo: float,
    r_hi: float,
    points: int,
) -> int:
    """Sign changes of the radius equation φ(r) = ||P(γ(r)^L x̃0)^{1/L}|| - r on a log grid of
    [r_lo, r_hi] (a lower bound on its number of roots there; the tests use it)."""
    r0 = math.sqrt(float(np.sum(np.exp(2 * np.asarray(log_x0)))))
    signs, mu = [], None
    for r in np.geomspace(r_lo, r_hi, points):
        found = project_dual(A, b, depth, _base(depth, log_x0, _log_gamma(r0, r, eta)), mu)
        z, mu = found.z, found.mu
        if found.converged:
            signs.append(_radius(z, depth) > r)
    return sum(1 for p, q in itertools.pairwise(signs) if p != q)


# ----------------------------------------------------------------------------------------
# enclosure (python-flint balls at dps digits)


@dataclass(frozen=True)
class EnclosedLimit(CertifiedEnclosure):
    """The limit enclosed: ``z`` (x̃∞) and ``r_inf`` as python-flint balls (``r_inf`` None for r²
    rates), or ``certified`` False with the reason."""

    z: tuple[Any, ...]
    r_inf: Any
    certified: bool
    message: str

    def enclosed(self) -> tuple[Any, ...]:
        return (*self.z, *(() if self.r_inf is None else (self.r_inf,)))

    @property
    def counts(self) -> dict[str, int]:
        return {}


def _system(A, b, depth, x0, r0, eta, mu, r, *, interval: bool):
    """G(μ, r) (or G(μ)), its Jacobian and z; in ball (``interval``) or ``mp`` arithmetic.

    ``A``, ``b``, ``x0``, ``r0``, ``eta`` are numbers of that arithmetic; ``r`` None means r² rates
    (c = 1, unknowns μ only).  Powers are written as exp(p log(·)) of positive bases."""
    ctx = BALLS if interval else mp
    zero = ctx.mpf(0)
    m, n = len(A), len(A[0])
    t = [sum((A[i][j] * mu[i] for i in range(m)), zero) for j in range(n)]
    if r is not None:
        lg = ctx.log(r / r0) + (r0 * r0 - r * r) / (2 * eta)  # log γ(r0, r), wn (43)
        dlg = 1 / r - r / eta
    else:
        lg, dlg = zero, zero
    z, dz, dz_dr = [], [], []
    for j in range(n):
        if depth == 2:  # log z = 2 log γ + 2 log x0 + 2 Aᵀμ
            zj = ctx.exp(2 * (lg + ctx.log(x0[j]) + t[j]))
            dzj = 2 * zj
            dz_dr.append(dzj * dlg)
        else:  # z = s^{-L/(L-2)}, s = γ^{2-L} x0^{2-L} - (L-2) Aᵀμ
            s0 = ctx.exp((2 - depth) * (lg + ctx.log(x0[j])))
            sj = s0 - (depth - 2) * t[j]
            zj = ctx.exp(ctx.log(sj) * (-ctx.mpf(depth) / (depth - 2)))
            dzj = depth * zj / sj
            dz_dr.append(dzj * s0 * dlg)  # dθ0/dr = γ^{2-L} x0^{2-L} dlogγ/dr
        z.append(zj)
        dz.append(dzj)
    rows = [sum((A[i][j] * z[j] for j in range(n)), zero) - b[i] for i in range(m)]
    J = [[sum((A[i][j] * dz[j] * A[k][j] for j in range(n)), zero) for k in range(m)] for i in range(m)]
    if r is None:
        return rows, J, z
    root = [ctx.exp(ctx.log(z[j]) * (ctx.mpf(2) / depth)) for j in range(n)]  # z^{2/L}
    p = [2 * root[j] / (depth * z[j]) for j in range(n)]  # d z^{2/L}/dz
    rows.append(sum(root, zero) - r * r)
    for i in range(m):
        J[i].append(sum((A[i][j] * dz_dr[j] for j in range(n)), zero))
    J.append(
        [sum((p[j] * dz[j] * A[k][j] for j in range(n)), zero) for k in range(m)]
        + [sum((p[j] * dz_dr[j] for j in range(n)), zero) - 2 * r]
    )
    return rows, J, z


def enclosed_limit(
    A: Sequence[Sequence[Fraction]],
    b: Sequence[Fraction],
    depth: int,
    x0: Sequence[Any],
    start: SystemRoot,
    dps: int,
    eta: Fraction | None = None,
    r0: Any = None,
) -> EnclosedLimit:
    """Enclose the root of the limit system near ``start`` at ``dps`` digits (module docstring).

    ``x0`` are exact rationals or callables returning an ``mp`` value or a ball at the current
    precision (for x(0) = r0 u0/||u0|| with an irrational norm): ``x0[j](mp)``, ``x0[j](BALLS)``.
    ``eta`` and ``r0`` (a Fraction or such a callable) for constant rates; None for r² rates.
    Must run inside ``numerics.enclosures.ball_precision(dps)`` (python-flint's precision is set
    there); the Newton iterates are ``mp`` numbers at dps + GUARD_DIGITS digits.
    """
    constant = eta is not None
    m = len(A)

    def value(v, ctx):
        if callable(v):
            return v(ctx)
        if isinstance(v, Fraction):
            return ball(v) if ctx is BALLS else ctx.mpf(v.numerator) / v.denominator
        return ctx.mpf(v)

    with mp.workdps(dps + GUARD_DIGITS):
        A_mp = [[value(a, mp) for a in row] for row in A]
        b_mp = [value(v, mp) for v in b]
        x0_mp = [value(v, mp) for v in x0]
        r0_mp = value(r0, mp) if constant else None
        eta_mp = value(eta, mp) if constant else None
        x = [mp.mpf(float(v)) for v in start.mu] + ([mp.mpf(start.r_inf)] if constant else [])
        last = None
        for _ in range(MAX_PRECISE_NEWTON):
            G, J, _ = _system(
                A_mp, b_mp, depth, x0_mp, r0_mp, eta_mp, x[:m], x[m] if constant else None, interval=False
            )
            try:
                step = mp.lu_solve(mp.matrix(J), mp.matrix([-g for g in G]))
            except ZeroDivisionError:
                return EnclosedLimit((), None, False, "singular Jacobian of the limit system")
            x = [x[i] + step[i] for i in range(len(x))]
            size = max(abs(step[i]) / (1 + abs(x[i])) for i in range(len(x)))
            if size <= mp.mpf(10) ** (-(dps + GUARD_DIGITS - 2)):
                break
            # no longer contracting: the rounding floor of an ill-conditioned system (entries of z
            # spread over many decades); Krawczyk's box is sized from this step
            if last is not None and size > last / 2 and size <= mp.mpf(10) ** (-(dps // 2)):
                break
            last = size
        else:
            return EnclosedLimit((), None, False, f"Newton at {dps} digits did not settle")
        if constant and x[m] <= 0:
            return EnclosedLimit((), None, False, "Newton left r > 0")
        Y = mp.inverse(mp.matrix(J))
        n = len(x)
        # the mp numbers become balls exactly (arb of an mpf keeps its mantissa)
        Y_ball = arb_mat([[arb(Y[i, j]) for j in range(n)] for i in range(n)])
        floor = mp.mpf(10) ** (-(dps - KRAWCZYK_FLOOR_DIGITS))
        radii = [max(KRAWCZYK_INFLATION * abs(step[i]), floor * (1 + abs(x[i]))) for i in range(n)]
        center = [arb(v) for v in x]
        box = [arb(v, rad) for v, rad in zip(x, radii, strict=True)]  # midpoint x exactly, radius >= rad
    A_ball = [[value(a, BALLS) for a in row] for row in A]
    b_ball = [value(v, BALLS) for v in b]
    x0_ball = [value(v, BALLS) for v in x0]
    r0_ball = value(r0, BALLS) if constant else None
    eta_ball = value(eta, BALLS) if constant else None
    if constant and not box[m] > 0:
        return EnclosedLimit((), None, False, "the box around r∞ reaches 0")
    try:

        def on_balls(point):
            return _system(
                A_ball,
                b_ball,
                depth,
                x0_ball,
                r0_ball,
                eta_ball,
                point[:m],
                point[m] if constant else None,
                interval=True,
            )

        G_c, _, _ = on_balls(center)
        _, J_box, _ = on_balls(box)
    except (ZeroDivisionError, ValueError) as exc:
        return EnclosedLimit((), None, False, f"the system cannot be evaluated on the box ({exc})")
    if not all(v.is_finite() for v in (*G_c, *(e for row in J_box for e in row))):
        # a logarithm or power of a ball that reaches 0 or below, or a division by one containing 0
        return EnclosedLimit(
            (), None, False, "the system cannot be evaluated on the box (a value is not finite)"
        )
    # K(X) = x̂ - Y G(x̂) + (I - Y J(X))(X - x̂), in ball matrices
    identity = arb_mat([[1 if i == j else 0 for j in range(n)] for i in range(n)])
    offsets = arb_mat([[box[j] - center[j]] for j in range(n)])
    K_mat = (
        arb_mat([[v] for v in center])
        - Y_ball * arb_mat([[g] for g in G_c])
        + (identity - Y_ball * arb_mat(J_box)) * offsets
    )
    K = [K_mat[i, 0] for i in range(n)]
    inside = all(
        K[i].is_finite() and lower(box[i]) < lower(K[i]) and upper(K[i]) < upper(box[i]) for i in range(n)
    )
    if not inside:
        return EnclosedLimit((), None, False, f"Krawczyk's test failed at {dps} digits")
    # z over K (a smaller box, still containing the unique root)
    _, _, z_root = _system(
        A_ball, b_ball, depth, x0_ball, r0_ball, eta_ball, K[:m], K[m] if constant else None, interval=True
    )
    if not all(v.is_finite() for v in z_root):
        return EnclosedLimit((), None, False, "the limit cannot be evaluated on Krawczyk's box")
    return EnclosedLimit(
        tuple(z_root),
        K[m] if constant else None,
        True,
        f"Krawczyk's test at {dps} digits: one root of the limit system in a box of radius "
        f"{float(max(radii)):.1e}",
    )
