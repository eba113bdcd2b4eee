"""Linearly implicit Euler extrapolation (SEULEX) for stiff autonomous systems y' = f(y) at high precision.

One step of size H from y_0 builds an extrapolation tableau (HW §IV.9, "Linearly implicit Euler"):

    column j (0-based) runs n_j substeps h = H / n_j of the linearly implicit Euler method
        (I - h J) Δ_i = h f(y_i),   y_{i+1} = y_i + Δ_i,      J = f'(y_0) frozen over the step,
    and its result T_{j,0} is extrapolated to h -> 0 in powers of h (Aitken-Neville):
        T_{j,m} = T_{j,m-1} + (T_{j,m-1} - T_{j-1,m-1}) / (n_j / n_{j-m} - 1).

T_{j,j} has order j + 1; ||T_{j,j} - T_{j,j-1}|| (the error of the lower-order value, so
conservative for the accepted one) drives the step size, and the column count is chosen to
minimize the work per unit step (HW §II.9 and §IV.9; the order-control logic follows NR3 §17.3
``StepperBS`` and §17.5 ``StepperSie``, with the changes named at the constants below: growth
capped independently of the order, stiff probes, step freezing, column extension instead of
rejection, and a work-rate climb of steps stalled near the stiff hump).  The step sequence is
harmonic, n_j = j + 1 (SEULEX's sequence 3): the fewest substeps per column, which is what
counts when f calls dominate; the stability functions of its T_{k,k} satisfy |R(z)| <= 1 on
the negative real axis (checked numerically up to 80 columns).  Deuflhard's 1, 2, 3, 4, 6, 8, ...
is available (``sequence="deuflhard"``) but needed 3x (25 digits) to 13x (45 digits) more f calls.  Why
extrapolation at high precision: the order rises to whatever the tolerance needs (30-60
columns at 25-45 digits).

Sources: P. Deuflhard, "Recent progress in extrapolation methods for ODEs", SIAM Rev. 27 (1985);
E. Hairer, G. Wanner, "Solving ODEs II", 2nd ed., §IV.9 (SEULEX) [HW]; W. Press et al.,
"Numerical Recipes", 3rd ed., §17.3 and §17.5 [NR3].

Conventions (uniform for every callable):

* ``f(y)`` and ``jac(y)`` receive the state as a python-flint ``arb_mat`` column (M x 1, exact
  midpoints) and return an ``arb_mat`` (M x 1 and M x M).  They run with ``flint.ctx.prec`` (and
  ``mpmath.mp.prec``) set to the working precision; radii they return are ignored (midpoints are
  used: this is floating-point arithmetic at high precision, not interval arithmetic).
  python-flint rather than mpmath matrices because the tableau needs one M x M inversion per
  column: measured on this machine, M = 150 at 40 digits, mpmath ``lu_solve`` takes 13 s and
  flint 0.04 s; M = 14: 13 ms vs 0.1 ms.  :func:`mpmath_callables` wraps mpmath code.
* ``stop(t, y)`` gets the same ``arb`` time and ``arb_mat`` state; ``progress(t, steps)`` a float
  time and the number of accepted steps.

Precision: ``dps`` is the number of digits asked for.  The local error target is
``tol = 10^-(dps - TOL_GUARD_DIGITS)`` (default for both ``rtol`` and ``atol``), and all
arithmetic runs at ``dps + roundoff_guard_digits(max_columns)`` digits so that the rounding errors
amplified by the extrapolation weights stay below ``tol``.  The linear algebra of a column runs
with ``log2(1 + h ||J||)`` further bits: forming ``I - h J`` for h ||J|| >> 1 otherwise loses the
digits of the slow directions, which are the ones being integrated.
"""

from __future__ import annotations

import bisect
import math
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np
from flint import arb, arb_mat, ctx
from mpmath import mp, mpf
from mpmath.libmp import from_man_exp

from dlncheck.numerics.enclosures import arb_of_fraction, digits_to_bits

VectorField = Callable[[arb_mat], arb_mat]
"""y (M x 1 arb_mat) -> f(y) (M x 1 arb_mat), evaluated at the working precision."""

JacobianField = Callable[[arb_mat], arb_mat]
"""y (M x 1 arb_mat) -> f'(y) (M x M arb_mat), evaluated at the working precision."""

# ----------------------------------------------------------------------------------------
# tolerances and controller constants

# The local error target is 10^-(dps - TOL_GUARD_DIGITS): the global error is at most the sum
# of the local errors for non-expansive flows (gradient flows of convex functions), i.e. a
# factor (number of steps) <= 10^3, plus one digit for the error estimate's optimism.
TOL_GUARD_DIGITS = 5

# Working digits beyond dps on top of log10 of the extrapolation weights' Lebesgue constant:
# the substeps' own rounding (M-term sums, n substeps) and the Jacobian-free parts of a column.
ROUNDOFF_EXTRA_DIGITS = 4

# Columns (harmonic n_j = j + 1) allowed per requested digit of accuracy, and the bounds: the
# optimal order of an h-extrapolation grows with the digits, and its Lebesgue constant (about
# 10^(columns/2)) is paid for in working digits, which flint makes nearly free.
COLUMNS_PER_DIGIT = 1.5
MIN_COLUMNS = 6
MAX_COLUMNS_CAP = 90

# The target column never drops below this (3 columns, order 3): an order-2 target can accept
# at its column 1 forever with an error ~1 and a step that cannot grow.
MIN_TARGET_COLUMN = 2

# Deuflhard's sequence doubles every other column: 18 columns already run 768 substeps.
DEUFLHARD_MAX_COLUMNS = 18

# The first step targets this many columns per requested digit (the controller adapts it).
INITIAL_COLUMNS_PER_DIGIT = 0.25

# Step-size factors per step: growth is capped independently of the order (SEULEX's
# 10^(1/(k-1)) cap would make a plateau of length t cost O(order * log t) steps); 10 per step
# keeps the step count ~ log10(t_end) once the flow has settled.
STEP_GROWTH_MAX = 10.0
# A rejected step shrinks by at most this factor (the error model is unreliable far off).
STEP_SHRINK_MIN = 1e-3
# hopt = H (ERROR_FRACTION / err)^(1/(k+1)): steps aim at half the tolerance.  NR3's extra
# safety factor 0.94 would, at order 30, aim at 0.5 * 0.94^31 ~ 0.08 and waste 6 % per step.
ERROR_FRACTION = 0.5

# SEULEX's stability check in the first columns with n >= 2 (HW §IV.9): the simplified-Newton
# contraction theta of the first two substeps must be < 1, else the step is halved.
THETA_MAX = 1.0
STABILITY_SHRINK = 0.5
# After a rejection the next try is at least this much smaller, whatever the error model says.
# (0.9 walked a step rejected at the column cap down by 10 % per rejection, each costing the
# full tableau, where near the stiff hump the error hardly depends on H: see CLIMB_FACTOR.)
REJECTED_FACTOR_MAX = 0.5
# A step whose substeps overflow, divide by zero or leave f's domain shrinks by this factor.
FAILURE_SHRINK = 0.1

# Order control: after a rejection, step back one column when its work per unit step is below
# this fraction of the current one's (NR3 StepperBS's KFAC1).
ORDER_DOWN_WORK_RATIO = 0.6
# After an acceptance, add a column when the top column's work per unit step beats its
# predecessor's by this factor: with h-extrapolation at 30+ columns a column gains only ~5 %,
# below NR3's threshold 0.93, yet 60 columns need ~10x less work per e-fold than 30 at 45 digits.
ORDER_UP_WORK_RATIO = 0.99

# Column extension: a step whose error at its last planned column (k_target + 1) is above
# tolerance continues with further columns when the decay of the errors over the last
# EXTENSION_WINDOW columns predicts convergence within max(EXTENSION_MIN_COLUMNS,
# EXTENSION_FRACTION * k) columns.  At 40+ digits the error of a column often hardly depends
# on H (the stiff modes sit in the hump, see PROBE_GROWTH): a rejection then shrinks H without
# reducing the error, and repeats the k^2/2 substeps, where 1-3 more columns cost ~3k.
EXTENSION_WINDOW = 3
EXTENSION_MIN_COLUMNS = 2
EXTENSION_FRACTION = 0.25

# Deterministic cost model (multiply-adds at the working precision, measured ratios of flint on
# this machine: approximate inverse ~ M^3, matrix-vector product ~ M^2, ~2 us Python overhead
# per call).  A user f is charged as a few matrix-vector products, its Jacobian as M of them.
CALL_OVERHEAD = 200
F_COST_IN_MATVECS = 4

# Step-size underflow: t + H must change t in the working precision's last UNDERFLOW_DIGITS digits.
UNDERFLOW_DIGITS = 5

DEFAULT_MAX_STEPS = 10_000


# ----------------------------------------------------------------------------------------
# precision and conversions


# One guard bit beyond the working digits (whose count already carries the round-off guard).
PRECISION_GUARD_BITS = 1


@contextmanager
def working_precision(bits: int) -> Iterator[None]:
    """python-flint's and mpmath's precision at ``bits`` (both ``workprec``: restored on exit)."""
    with ctx.workprec(bits), mp.workprec(bits):
        yield


def arb_to_mpf(x: arb) -> mpf:
    """The midpoint of ``x`` as an mpmath number, exactly (independent of ``mp.prec``)."""
    if not x.is_finite():
        raise ArithmeticError(f"non-finite value {x}")
    man, exp = x.mid().man_exp()
    return mp.make_mpf(from_man_exp(int(man), int(exp)))


def to_arb(value: Any) -> arb:
    """An exact ``arb`` midpoint for a number or a decimal string, rounded to ``ctx.prec``.

    Strings are parsed at the working precision (keep inputs as strings: a float literal
    carries only 16 digits); ints, Fractions, floats and mpmath numbers are taken exactly.
    """
    if isinstance(value, arb):
        return value.mid()
    if isinstance(value, mpf):
        return arb((value.man, value.exp)) if value else arb(0)
    if isinstance(value, Fraction):
        return arb_of_fraction(value).mid()
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TypeError(f"expected a number or a decimal string, got {value!r}")
    x = arb(value)
    if not x.is_finite():
        raise ValueError(f"non-finite value {value!r}")
    return x.mid()


def mpmath_callables(
    f_mp: Callable[[Any], Any], jac_mp: Callable[[Any], Any]
) -> tuple[VectorField, JacobianField]:
    """Adapt ``f`` and ``jac`` written with mpmath matrices to the ``arb_mat`` convention.

    Costs M^2 conversions per Jacobian; write the callables with ``arb_mat`` for large M.
    """
    from mpmath import matrix

    def to_mp(y: arb_mat) -> Any:
        return matrix([[arb_to_mpf(y[i, 0])] for i in range(y.nrows())])

    def to_flint(a: Any) -> arb_mat:
        return arb_mat([[to_arb(mpf(a[i, j])) for j in range(a.cols)] for i in range(a.rows)])

    return (lambda y: to_flint(f_mp(to_mp(y)))), (lambda y: to_flint(jac_mp(to_mp(y))))


# ----------------------------------------------------------------------------------------
# the extrapolation scheme


def step_sequence(columns: int, kind: str = "harmonic") -> tuple[int, ...]:
    """Substep counts n_j: "harmonic" 1, 2, 3, 4, 5, ... (SEULEX NSEQU = 3) or "deuflhard"
    1, 2, 3, 4, 6, 8, 12, 16, ... (n_j = 2 n_{j-2}; Deuflhard 1985, SEULEX NSEQU = 1)."""
    if kind == "harmonic":
        return tuple(range(1, columns + 1))
    if kind == "deuflhard":
        seq = [1, 2, 3]
        while len(seq) < columns:
            seq.append(2 * seq[-2])
        return tuple(seq[:columns])
    raise ValueError(f"unknown step sequence {kind!r}: use 'harmonic' or 'deuflhard'")


def extrapolation_weights(sequence: Sequence[int]) -> tuple[Fraction, ...]:
    """Weights w_j of T_{k,k} = sum_j w_j T_{j,0}: Lagrange interpolation in h = 1/n_j, at h = 0."""
    hs = [Fraction(1, n) for n in sequence]
    weights = []
    for j, hj in enumerate(hs):
        w = Fraction(1)
        for i, hi in enumerate(hs):
            if i != j:
                w *= hi / (hi - hj)
        weights.append(w)
    return tuple(weights)


def roundoff_guard_digits(sequence: Sequence[int]) -> int:
    """Digits lost to rounding in the tableau: log10 of the Lebesgue constant sum |w_j| (about
    columns / 2 for the harmonic sequence, < 3 for Deuflhard's), plus ROUNDOFF_EXTRA_DIGITS."""
    lebesgue = sum(abs(w) for w in extrapolation_weights(sequence))
    return math.ceil(math.log10(lebesgue)) + ROUNDOFF_EXTRA_DIGITS


def max_columns_for(dps: int) -> int:
    """The column cap for ``dps`` requested digits (see COLUMNS_PER_DIGIT)."""
    return max(MIN_COLUMNS, min(MAX_COLUMNS_CAP, math.ceil(COLUMNS_PER_DIGIT * dps)))


@dataclass(frozen=True)
class CostModel:
    """Cumulative work A_k of columns 0..k (NR3 StepperSie's cost[k]), in multiply-adds."""

    cumulative: tuple[float, ...]

    @classmethod
    def for_dimension(cls, m: int, sequence: Sequence[int]) -> CostModel:
        solve = m * m + CALL_OVERHEAD
        inverse = m**3 + CALL_OVERHEAD
        feval = F_COST_IN_MATVECS * solve
        jac = m * feval
        total = jac + feval
        cumulative = []
        for n in sequence:
            total += inverse + n * solve + (n - 1) * feval
            cumulative.append(float(total))
        return cls(tuple(cumulative))


# ----------------------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class DenseTrajectory:
    """The accepted steps: ``y[k]`` is the state at ``t[k]`` and ``dydt[k] = f(y[k])``.

    Calling it evaluates the cubic Hermite interpolant between the bracketing steps: cheap
    and C^1, but only O(H^4) accurate, so for plotting and locating events, not for digits
    (integrate to the time of interest for those).
    """

    t: tuple[mpf, ...]
    y: tuple[tuple[mpf, ...], ...]
    dydt: tuple[tuple[mpf, ...], ...]
    working_dps: int

    def __len__(self) -> int:
        return len(self.t)

    def __call__(self, t: Any) -> tuple[mpf, ...]:
        with mp.workdps(self.working_dps):
            t = mpf(t)
            if not self.t[0] <= t <= self.t[-1]:
                raise ValueError(f"t = {t} lies outside the trajectory [{self.t[0]}, {self.t[-1]}]")
            k = min(max(bisect.bisect_right(self.t, t) - 1, 0), len(self.t) - 2)
            if len(self.t) == 1:
                return self.y[0]
            t0, t1 = self.t[k], self.t[k + 1]
            step = t1 - t0
            s = (t - t0) / step
            h00 = (1 + 2 * s) * (1 - s) ** 2
            h10 = s * (1 - s) ** 2
            h01 = s * s * (3 - 2 * s)
            h11 = s * s * (s - 1)
            return tuple(
                h00 * a + h10 * step * da + h01 * b + h11 * step * db
                for a, da, b, db in zip(self.y[k], self.dydt[k], self.y[k + 1], self.dydt[k + 1], strict=True)
            )

    def as_float_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(t, states) as float64 arrays, states[k] the state at t[k] (for plots)."""
        return (
            np.array([float(t) for t in self.t]),
            np.array([[float(v) for v in row] for row in self.y]),
        )


# StiffResult.residual_kind: its residual is the error estimate, not a residual of an equation
STIFF_ERROR_ESTIMATE = (
    "global error estimate: sum over accepted steps of ||T_kk - T_k,k-1|| "
    "(a bound for non-expansive flows, an estimate otherwise)"
)


@dataclass(frozen=True)
class StiffResult:
    """The outcome of :func:`integrate_stiff` (like SciPy's ``OdeResult``).

    ``converged`` is true only when the integration reached ``t_end`` (or the caller's ``stop``
    test held) with every step's local error estimate within tolerance.  ``error_estimate`` is
    the sum over accepted steps of the Euclidean norm of ||T_kk - T_k,k-1||: a bound on the global
    error when the flow is non-expansive (gradient flows of convex functions), an estimate
    otherwise.  ``max_scaled_error`` is the largest accepted local error relative to
    ``atol + rtol |y|`` (<= 1 by construction).

    Conforms to ``numerics.results.SolverResult``: ``residual`` is ``error_estimate`` as a float
    (``residual_kind`` says so), ``certified_digits`` is None (high-precision floating point, not
    interval arithmetic) and ``counts`` holds the step, evaluation and factorization counts.
    """

    t: mpf
    y: tuple[mpf, ...]
    converged: bool
    message: str
    accepted_steps: int
    rejected_steps: int
    jacobian_evaluations: int
    function_evaluations: int
    factorizations: int
    error_estimate: mpf
    max_scaled_error: float
    last_columns: int
    last_step_size: mpf
    stopped: bool
    dps: int
    working_dps: int
    tol: mpf
    wall_s: float
    trajectory: DenseTrajectory | None = None

    residual_kind: ClassVar[str] = STIFF_ERROR_ESTIMATE
    certified_digits: ClassVar[None] = None

    @property
    def residual(self) -> float:
        return float(self.error_estimate)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "steps": self.accepted_steps,
            "rejected_steps": self.rejected_steps,
            "function_evaluations": self.function_evaluations,
            "jacobian_evaluations": self.jacobian_evaluations,
            "factorizations": self.factorizations,
        }


# ----------------------------------------------------------------------------------------
# one column and one step


class _StepFailure(Exception):
    """A step attempt that must be retried with a smaller step (with this shrink factor)."""

    def __init__(self, reason: str, shrink: float):
        super().__init__(reason)
        self.shrink = shrink


@dataclass(frozen=True)
class _Problem:
    f: VectorField
    m: int
    atol: arb
    rtol: arb
    work_bits: int
    sequence: tuple[int, ...]
    coefficients: tuple[tuple[arb, ...], ...]  # coefficients[k][j] = n_{k-j} / (n_k - n_{k-j})
    cost: CostModel
    identity: arb_mat


@dataclass
class _Counters:
    fevals: int = 0
    factorizations: int = 0


def _checked_f(problem: _Problem, y: arb_mat, counters: _Counters) -> arb_mat:
    counters.fevals += 1
    value = problem.f(y)
    if not isinstance(value, arb_mat) or value.nrows() != problem.m or value.ncols() != 1:
        raise TypeError(f"f must return an {problem.m} x 1 arb_mat, got {value!r:.80}")
    return value.mid()


def _scaled_max_norm(v: arb_mat, y_a: arb_mat, y_b: arb_mat, problem: _Problem) -> float:
    """max_i |v_i| / (atol + rtol max(|y_a,i|, |y_b,i|)), inf if any entry is not finite."""
    worst = 0.0
    for i in range(problem.m):
        vi = v[i, 0]
        if not vi.is_finite():
            return math.inf
        scale = problem.atol + problem.rtol * abs(y_a[i, 0].mid()).max(abs(y_b[i, 0].mid()))
        worst = max(worst, float(abs(vi.mid()) / scale))
    return worst


def _euclidean_norm(v: arb_mat) -> arb:
    return sum((v[i, 0].mid() ** 2 for i in range(v.nrows())), arb(0)).sqrt().mid()


def _linear_algebra_bits(problem: _Problem, h: arb, jac_norm: arb) -> int:
    """Working bits plus log2(1 + h ||J||): what forming I - h J at large h ||J|| costs."""
    return problem.work_bits + max(0, int(float((1 + h * jac_norm).log()) / math.log(2)) + 1)


class _ShiftedInverses:
    """(I - h_j J)^-1, h_j = H / n_j, for one step size H and one Jacobian J: built on demand, one
    per column, and kept while H and J stay the same (steps of equal size reuse them, as SEULEX
    and RADAU5 do by freezing h).  J need not be the current Jacobian: the linearly implicit
    Euler method has an h-expansion for any fixed J (HW IV.9), and every step is still judged by
    its own error estimate, so a stale J costs steps (see JACOBIAN_REUSE_THETA), never accuracy."""

    def __init__(self, problem: _Problem, jac: arb_mat, jac_norm: arb, big_h: arb, counters: _Counters):
        self.problem, self.jac, self.jac_norm, self.big_h = problem, jac, jac_norm, big_h
        self.counters = counters
        self.inverses: dict[int, tuple[arb, int, arb_mat]] = {}

    def for_substeps(self, n: int) -> tuple[arb, int, arb_mat]:
        """(h, bits of the linear algebra, (I - h J)^-1) for the column with n substeps."""
        cached = self.inverses.get(n)
        if cached is not None:
            return cached
        h = (self.big_h / n).mid()
        la_bits = _linear_algebra_bits(self.problem, h, self.jac_norm)
        with ctx.workprec(la_bits):
            self.counters.factorizations += 1
            try:
                inverse = (self.problem.identity - self.jac * h).solve(
                    self.problem.identity, algorithm="approx"
                )
            except ZeroDivisionError as exc:
                raise _StepFailure(f"I - hJ is singular at h = {float(h):.3g}", FAILURE_SHRINK) from exc
        self.inverses[n] = (h, la_bits, inverse.mid())
        return self.inverses[n]


def _apply_at(bits: int, matrix: arb_mat, vector: arb_mat) -> arb_mat:
    """matrix * vector (midpoints) at ``bits``."""
    with ctx.workprec(bits):
        return (matrix * vector).mid()


def _implicit_euler_column(
    problem: _Problem,
    inverses: _ShiftedInverses,
    y0: arb_mat,
    f0: arb_mat,
    n: int,
    check_theta: bool,
    counters: _Counters,
) -> tuple[arb_mat, float]:
    """(T_{j,0}, theta): n substeps of the linearly implicit Euler method with h = H / n (HW IV.9).

    theta (0 unless ``check_theta``) is SEULEX's ||(I - hJ)^-1 (h f(y_1) - Δ_1)|| / max(1, ||Δ_1||),
    the contraction of the simplified Newton iteration for implicit Euler; a step with theta > 1
    fails (too large, or J too far from the Jacobian).
    """
    h, la_bits, inverse = inverses.for_substeps(n)
    theta = 0.0
    y = y0
    rhs = f0 * h
    for i in range(n):
        delta = _apply_at(la_bits, inverse, rhs)
        y = (y + delta).mid()
        if i == n - 1:
            break
        rhs = _checked_f(problem, y, counters) * h
        if check_theta and i == 0:
            correction = _apply_at(la_bits, inverse, rhs - delta)
            del1 = _scaled_max_norm(delta, y0, y0, problem)
            theta = _scaled_max_norm(correction, y0, y0, problem) / max(1.0, del1)
            if not theta <= THETA_MAX:
                raise _StepFailure(
                    f"linearly implicit Euler unstable (theta = {theta:.3g})", STABILITY_SHRINK
                )
    return y, theta


@dataclass(frozen=True)
class _StepOutcome:
    accepted: bool
    column: int  # last column computed
    y: arb_mat | None
    f_new: arb_mat | None
    scaled_error: float
    error_norm: arb | None
    errors: tuple[float, ...]  # scaled error estimate per column (0 where not computed)
    hopt: tuple[float, ...]  # step-size factors hopt[k] / H per column (0 where not computed)
    work: tuple[float, ...]  # work per unit step A_k / hopt_k (inf where not computed)
    theta: float  # largest stability ratio theta of the columns checked
    reason: str = ""
    shrink: float = 1.0


def _step_factor(err: float, column: int) -> float:
    """hopt / H for a column whose error estimate is ``err`` (order column + 1, HW IV.9)."""
    if err == 0.0:
        return STEP_GROWTH_MAX
    exponent = 1.0 / (column + 1)
    try:
        fac = (ERROR_FRACTION / err) ** exponent
    except OverflowError:
        fac = STEP_GROWTH_MAX
    return min(STEP_GROWTH_MAX, max(STEP_SHRINK_MIN, fac))


def _columns_to_converge(errors: Sequence[float], k: int) -> float:
    """Columns beyond k that the errors' decay over the last EXTENSION_WINDOW columns needs to
    bring the error to 1 (inf when they do not decay)."""
    if k < EXTENSION_WINDOW + 1 or errors[k - EXTENSION_WINDOW] <= 0 or errors[k] <= 0:
        return math.inf
    decay = (errors[k] / errors[k - EXTENSION_WINDOW]) ** (1.0 / EXTENSION_WINDOW)
    if not decay < 1.0:
        return math.inf
    return math.log(errors[k]) / -math.log(decay)


def _extension_allowance(k: int) -> float:
    return max(EXTENSION_MIN_COLUMNS, EXTENSION_FRACTION * k)


def _extrapolation_step(
    problem: _Problem,
    inverses: _ShiftedInverses,
    y0: arb_mat,
    f0: arb_mat,
    k_target: int,
    eager: bool,
    counters: _Counters,
    probe: bool = False,
) -> _StepOutcome:
    """One step attempt of size H: columns up to k_target + 1, accepted at the first column from
    k_target - 1 on whose error estimate is <= 1 (NR3 StepperBS's window, without its early
    rejections: their thresholds assume h^2-extrapolation and, wrongly triggered, shrink the
    step by orders of magnitude).

    Past k_target + 1 the step continues while the errors' decay predicts convergence within a
    few more columns (see EXTENSION_WINDOW), instead of rejecting.

    ``eager``: accept at the first column with err <= 1 (first and last step, probes);
    ``probe``: a stiff probe (see PROBE_GROWTH), abandoned as soon as the errors' observed
    decay over the remaining columns cannot reach 1.
    """
    kmax = len(problem.sequence)
    seq = problem.sequence
    errors = [0.0] * kmax
    hopt = [0.0] * kmax
    work = [math.inf] * kmax

    def rejection(k: int, err: float, reason: str, shrink: float = 1.0) -> _StepOutcome:
        return _StepOutcome(
            False, k, None, None, err, None, tuple(errors), tuple(hopt), tuple(work), theta, reason, shrink
        )

    row: list[arb_mat] = []
    theta = 0.0
    last_column = min(k_target + 1, kmax - 1)
    k = -1
    while k < last_column:
        k += 1
        try:
            t_k0, theta_k = _implicit_euler_column(problem, inverses, y0, f0, seq[k], k in (1, 2), counters)
            theta = max(theta, theta_k)
        except _StepFailure as failure:
            return rejection(k, math.inf, str(failure), failure.shrink)
        except (ArithmeticError, ValueError) as exc:  # f left its domain during a trial step
            return rejection(k, math.inf, f"f failed in a substep: {exc}", FAILURE_SHRINK)
        new_row = [t_k0]
        for j in range(1, k + 1):
            new_row.append(
                (new_row[j - 1] + (new_row[j - 1] - row[j - 1]) * problem.coefficients[k][j]).mid()
            )
        row = new_row
        if k == 0:
            continue
        difference = row[k] - row[k - 1]
        err = _scaled_max_norm(difference, y0, row[k], problem)
        errors[k] = err
        hopt[k] = _step_factor(err, k)
        work[k] = problem.cost.cumulative[k] / hopt[k]
        decision = None
        if eager and err <= 1.0:
            decision = True
        elif probe and k > PROBE_WINDOW and errors[k - PROBE_WINDOW] > 0:
            decay = err / errors[k - PROBE_WINDOW]  # over PROBE_WINDOW columns (single ones are noisy)
            if decay >= 1.0 or err * decay ** ((kmax - 1 - k) / PROBE_WINDOW) > 1.0:
                return rejection(k, err, f"probe abandoned at column {k} (error {err:.3g} x tol)")
        elif k >= k_target - 1 and err <= 1.0:
            decision = True
        elif k == last_column:
            if k + 1 < kmax and _columns_to_converge(errors, k) <= _extension_allowance(k):
                last_column += 1  # a few more columns finish the step (see EXTENSION_WINDOW)
                continue
            decision = False
        if decision is None:
            continue
        if not decision:
            return rejection(k, err, f"local error {err:.3g} x tol")
        try:
            f_new = _checked_f(problem, row[k], counters)
        except (ArithmeticError, ValueError) as exc:
            return rejection(k, math.inf, f"f failed at the new point: {exc}", FAILURE_SHRINK)
        if _scaled_max_norm(f_new, y0, y0, problem) == math.inf:
            return rejection(k, math.inf, "f is not finite at the new point", FAILURE_SHRINK)
        return _StepOutcome(
            True,
            k,
            row[k],
            f_new,
            err,
            _euclidean_norm(difference),
            tuple(errors),
            tuple(hopt),
            tuple(work),
            theta,
        )
    return rejection(last_column, math.inf, "no column converged")


def _next_order(
    outcome: _StepOutcome, k_target: int, cost: CostModel, after_rejection: bool
) -> tuple[int, float]:
    """(new k_target, hnew / H) after an accepted step.

    The column with the least work per unit step among those computed, one more when the top
    column still beats its predecessor (HW II.9's order control; NR3's thresholds 0.6/0.93 are
    tuned for h^2-extrapolation, where a column gains much more than here).  A lower column
    qualifies only if it already met the tolerance at this step: its predicted smaller step
    (hopt ~ err^(-1/(j+1))) assumes the asymptotic regime, which is false on the near side of
    the stiff hump (see PROBE_GROWTH) and would walk the step back into it.
    """
    kmax = len(cost.cumulative)
    k, work, hopt, errors = outcome.column, outcome.work, outcome.hopt, outcome.errors
    candidates = [j for j in range(min(MIN_TARGET_COLUMN, k), k) if errors[j] <= 1.0] + [k]
    kopt = min(candidates, key=lambda j: (work[j], j))
    if kopt == k and work[k] < ORDER_UP_WORK_RATIO * work[k - 1]:
        # still improving at the top: one column beyond the target (an early acceptance at
        # k_target - 1 must not pin the order below the target)
        kopt = min(max(k, k_target) + 1, kmax - 2)
    kopt = max(kopt, MIN_TARGET_COLUMN)
    if after_rejection:  # no growth right after a rejection (NR3)
        kopt = min(kopt, k)
        return kopt, min(1.0, hopt[kopt])
    if kopt <= k:
        factor = hopt[kopt]
    elif errors[k - 1] > 0 and errors[k] > 0:  # extrapolate the observed convergence
        factor = _step_factor(errors[k] * errors[k] / errors[k - 1], kopt)
    else:
        factor = hopt[k]
    return kopt, min(factor, STEP_GROWTH_MAX)


class _WorkRateClimb:
    """Grows a stalled high-order step while larger steps cost less per unit time (see CLIMB_FACTOR)."""

    def __init__(self, cost: CostModel):
        self.cost = cost
        self.previous: tuple[float, float] | None = None  # (H, A_k / H) of the last accepted step
        self.stalled = 0  # accepted steps in a row with a stalled factor and no climb
        self.kick_interval = CLIMB_KICK_INTERVAL
        self.kicked = False  # the last step was a kick, not yet judged

    def factor(self, big_h: arb, outcome: _StepOutcome, factor: float) -> float:
        h, column = float(big_h), outcome.column
        rate = self.cost.cumulative[column] / h
        previous, self.previous = self.previous, (h, rate)
        top = CLIMB_COLUMN_FRACTION * len(self.cost.cumulative)
        if previous is None or factor >= CLIMB_STALLED or not CLIMB_MIN_COLUMN <= column < top:
            self.stalled, self.kicked = 0, False
            return factor
        improved = h >= previous[0] * CLIMB_MIN_GROWTH and rate < previous[1]
        if self.kicked:  # judge the kick: a success resets the interval, a failure doubles it
            self.kick_interval = CLIMB_KICK_INTERVAL if improved else 2 * self.kick_interval
            self.kicked = False
        if improved:
            self.stalled = 0
            return max(factor, CLIMB_FACTOR)
        self.stalled += 1
        if self.stalled >= self.kick_interval:
            self.stalled, self.kicked = 0, True
            return CLIMB_FACTOR
        return factor

    def rejected(self) -> None:
        """A rejection right after a kick: the kick failed."""
        if self.kicked:
            self.kick_interval *= 2
            self.kicked = False


def _after_rejection(outcome: _StepOutcome, k_target: int) -> tuple[int, float]:
    """(new k_target, hnew / H) after a rejected step (NR3 StepperBS)."""
    if outcome.shrink != 1.0:
        # failure or instability: no usable error estimate, and the column it stopped at says
        # nothing about the order (the stability test runs at column 1; a target dropped to
        # it cost 25 steps of regrowth at 50 digits)
        return k_target, outcome.shrink
    k_new = max(MIN_TARGET_COLUMN, min(k_target, outcome.column))
    work, hopt = outcome.work, outcome.hopt
    if k_new > MIN_TARGET_COLUMN and work[k_new - 1] < ORDER_DOWN_WORK_RATIO * work[k_new]:
        k_new -= 1
    factor = hopt[k_new] if hopt[k_new] > 0 else FAILURE_SHRINK
    return k_new, min(factor, REJECTED_FACTOR_MAX)


# ----------------------------------------------------------------------------------------
# the driver

# Work-rate climb.  Near the stiff hump (see PROBE_GROWTH) the error of a column hardly
# depends on H over a decade or more (at 50 digits, on the reduced flows of
# numerics.dual_flow_precise: the same 36-40 columns from H = 0.6 to H = 5), so the asymptotic
# factor (0.5 / err)^(1/(k+1)) stalls below CLIMB_STALLED and keeps the step 10x too small.
# After a step accepted at column k >= CLIMB_MIN_COLUMN (the hump is a high-order, 25+ digit
# phenomenon) that grew by at least CLIMB_MIN_GROWTH and cost less work per unit time (A_k / H)
# than its predecessor, a stalled factor is raised to CLIMB_FACTOR; the column extension (see
# EXTENSION_WINDOW) absorbs the extra columns a larger step needs, and a step that costs more
# per unit time ends the climb.  A factor stalled for CLIMB_KICK_INTERVAL accepted steps in a
# row gets one doubling to start a climb (a frozen step, factor in [1, STEP_KEEP_MAX], never
# grows by itself); a kick that does not pay doubles the interval.  No climb from columns
# within CLIMB_COLUMN_FRACTION of the cap, where those columns may not exist.  Climbing at low
# orders as well doubled the steps of the logistic equation at 30 digits, whose cubic Hermite
# dense output then missed its 1e-3 bound, and moved the time of a blow-up (y' = y^2, 20
# digits) by +3e-16 to past its singularity.
CLIMB_FACTOR = 2.0
CLIMB_MIN_GROWTH = 1.05
CLIMB_COLUMN_FRACTION = 0.8
CLIMB_STALLED = 1.25
CLIMB_MIN_COLUMN = 20
CLIMB_KICK_INTERVAL = 4

# A step whose successor would be at most STEP_KEEP_MAX times larger keeps its size, Jacobian
# and inverses (SEULEX/RADAU5 freeze h in [1, 1.2]: factorizations dominate for large M) when
# theta stayed below JACOBIAN_REUSE_THETA, i.e. the flow is linear to 8 digits over a substep.
# A looser threshold (1e-2) doubled the steps on Robertson's problem: near the stiff hump the
# error estimates depend on J being current, although asymptotically they do not.
STEP_KEEP_MAX = 1.2
JACOBIAN_REUSE_THETA = 1e-8

# Stiff probes.  At 25+ digits the error of a column, as a function of the step, has a hump
# where h |lambda| ~ 10..100 for the stiff eigenvalues (the extrapolated stability function
# is least accurate there: sup_z |R_kk(-z) - e^-z| ~ 10^(-0.45 k)); beyond it the stiff modes
# are damped and the error falls again.  An asymptotic controller (hopt ~ err^(-1/(k+1)))
# stays on the near side of the hump, with steps 1000x too small on Robertson's problem.
# After PROBE_INTERVAL accepted steps without a PROBE_GROWTH-fold growth of the step, one
# step PROBE_GROWTH times larger is tried with all columns; a failed probe is a rejection that
# leaves step and order as they were and doubles the interval.
PROBE_INTERVAL = 8
PROBE_GROWTH = 10
# A probe is abandoned when the error decay over this many columns, extrapolated to the last
# column, cannot bring the error below 1 (over fewer columns the decay is too noisy to judge).
PROBE_WINDOW = 6

# Initial step (Hairer-Norsett-Wanner's heuristic as in scipy's select_initial_step):
# H0 = INITIAL_STEP_FRACTION ||y0|| / ||f(y0)|| in the scaled norm, or INITIAL_STEP_FALLBACK when
# either norm is negligible; error control corrects it within a few steps either way.
INITIAL_STEP_FRACTION = 0.01
INITIAL_STEP_FALLBACK = 1e-6
NEGLIGIBLE_SCALED_NORM = 1e-5


def _matrix_norm_inf(a: arb_mat) -> arb:
    """max_i sum_j |a_ij| (to size the extra bits of the linear algebra)."""
    best = arb(0)
    for i in range(a.nrows()):
        row = sum((abs(a[i, j].mid()) for j in range(a.ncols())), arb(0)).mid()
        best = best.max(row)
    return best.mid()


def _tolerance(value: Any, default: arb, name: str, floor: arb | None = None) -> arb:
    x = default if value is None else to_arb(value)
    if not x > 0:
        raise ValueError(f"{name} must be positive, got {value!r}")
    if floor is not None and x < floor:
        raise ValueError(f"{name} = {value!r} is below 10^-dps: ask for more digits (dps)")
    return x


def integrate_stiff(
    f: VectorField,
    jac: JacobianField,
    y0: Sequence[Any],
    t_end: Any,
    *,
    dps: int,
    rtol: Any = None,
    atol: Any = None,
    t0: Any = 0,
    max_steps: int = DEFAULT_MAX_STEPS,
    dense: bool = True,
    progress: Callable[[float, int], None] | None = None,
    stop: Callable[[arb, arb_mat], bool] | None = None,
    max_columns: int | None = None,
    sequence: str = "harmonic",
) -> StiffResult:
    """Integrate y' = f(y), y(t0) = y0 to ``t_end`` by linearly implicit Euler extrapolation.

    ``f``/``jac``: see the module docstring (``arb_mat`` in, ``arb_mat`` out, working precision).
    ``y0``, ``t_end``, ``t0``, ``rtol``, ``atol``: numbers or decimal strings (strings keep all
    digits).  ``rtol`` and ``atol`` default to ``10^-(dps - TOL_GUARD_DIGITS)``; the local error
    test is ``|err_i| <= atol + rtol max(|y_i|, |y_new,i|)`` for every component.
    ``max_steps`` bounds the step attempts (accepted + rejected).  ``stop(t, y)`` is asked after
    every accepted step and ends the run (converged) when true.  ``max_columns`` overrides the
    column cap (default :func:`max_columns_for`).

    A failed integration does not raise: ``converged`` is False and ``message`` says why (step
    limit, step-size underflow, with the last failure); ``t``/``y`` are then the last accepted
    point.  Invalid input raises (ValueError, TypeError: bad dps or tolerances, t_end <= t0,
    callables returning the wrong shape, f(y0) not finite), and so do exceptions of the
    callables other than ArithmeticError/ValueError in trial substeps (those shrink the step).
    """
    started = time.perf_counter()
    if int(dps) != dps or dps <= TOL_GUARD_DIGITS + 5:
        raise ValueError(f"dps must be an integer above {TOL_GUARD_DIGITS + 5}, got {dps!r}")
    if max_steps < 1:
        raise ValueError(f"max_steps must be positive, got {max_steps}")
    columns = max_columns_for(dps) if max_columns is None else int(max_columns)
    if columns < 3:
        raise ValueError(f"max_columns must be at least 3, got {max_columns}")
    if sequence == "deuflhard":
        columns = min(columns, DEUFLHARD_MAX_COLUMNS)
    substeps = step_sequence(columns, sequence)
    working_dps = dps + roundoff_guard_digits(substeps)
    work_bits = digits_to_bits(working_dps, PRECISION_GUARD_BITS)
    m = len(y0)
    if m == 0:
        raise ValueError("y0 is empty")

    with working_precision(work_bits):
        tol = (arb(10) ** (-(dps - TOL_GUARD_DIGITS))).mid()
        problem = _Problem(
            f=f,
            m=m,
            atol=_tolerance(atol, tol, "atol"),
            rtol=_tolerance(rtol, tol, "rtol", floor=(arb(10) ** -dps).mid()),
            work_bits=work_bits,
            sequence=substeps,
            coefficients=tuple(
                tuple(
                    arb(0) if j == 0 else (arb(substeps[k - j]) / (substeps[k] - substeps[k - j])).mid()
                    for j in range(k + 1)
                )
                for k in range(columns)
            ),
            cost=CostModel.for_dimension(m, substeps),
            identity=arb_mat(m, m, [1 if i == j else 0 for i in range(m) for j in range(m)]),
        )
        t = to_arb(t0)
        t_final = to_arb(t_end)
        if not t_final > t:
            raise ValueError(f"t_end = {t_end!r} must exceed t0 = {t0!r}")
        y = arb_mat(m, 1, [to_arb(v) for v in y0])
        counters = _Counters()
        f0 = _checked_f(problem, y, counters)
        # a rough first step, see INITIAL_STEP_FRACTION
        d0 = _scaled_max_norm(y, y, y, problem)
        d1 = _scaled_max_norm(f0, y, y, problem)
        if d1 == math.inf:
            raise ValueError("f(y0) is not finite")
        if d0 < NEGLIGIBLE_SCALED_NORM or d1 < NEGLIGIBLE_SCALED_NORM:
            big_h = to_arb(INITIAL_STEP_FALLBACK)
        else:
            big_h = (arb(INITIAL_STEP_FRACTION) * d0 / d1).mid()
        k_target = max(MIN_TARGET_COLUMN, min(columns - 2, round(INITIAL_COLUMNS_PER_DIGIT * dps)))
        underflow = (arb(10) ** (-(working_dps - UNDERFLOW_DIGITS))).mid()

        accepted = rejected = jevals = 0
        error_sum = arb(0)
        max_scaled = 0.0
        after_rejection = False
        jacobian: arb_mat | None = None
        jacobian_is_current = False  # evaluated at the current y (else kept from an earlier step)
        jac_norm = arb(0)
        inverses: _ShiftedInverses | None = None
        traj_t, traj_y, traj_f = [t], [y], [f0]
        converged = stopped = False
        message = ""
        last_columns = 0
        last_failure = ""
        probe_interval, stagnant, h_reference = PROBE_INTERVAL, 0, big_h
        climb = _WorkRateClimb(problem.cost)
        while True:
            if accepted + rejected >= max_steps:
                message = f"max_steps = {max_steps} step attempts reached at t = {float(t):.6g} before t_end"
                break
            if jacobian is None:
                jacobian = jac(y)
                jevals += 1
                if not isinstance(jacobian, arb_mat) or jacobian.nrows() != m or jacobian.ncols() != m:
                    raise TypeError(f"jac must return an {m} x {m} arb_mat, got {jacobian!r:.80}")
                jacobian = jacobian.mid()
                jacobian_is_current = True
                jac_norm = _matrix_norm_inf(jacobian)
                inverses = None
            remaining = (t_final - t).mid()
            last = big_h >= remaining
            if last:
                big_h = remaining
            if big_h <= underflow * (abs(t) + 1):
                message = f"step size underflow at t = {float(t):.6g} (H = {float(big_h):.3g})" + (
                    f"; last failure: {last_failure}" if last_failure else ""
                )
                break
            if inverses is None or inverses.big_h != big_h:
                inverses = _ShiftedInverses(problem, jacobian, jac_norm, big_h, counters)
            if stagnant >= probe_interval and not last and big_h * PROBE_GROWTH < remaining:
                # stiff probe (see PROBE_GROWTH): all columns at a step PROBE_GROWTH times larger
                stagnant = 0
                probe_inverses = _ShiftedInverses(problem, jacobian, jac_norm, big_h * PROBE_GROWTH, counters)
                outcome = _extrapolation_step(
                    problem, probe_inverses, y, f0, columns - 2, True, counters, probe=True
                )
                if not outcome.accepted:  # step and order stay as they were
                    rejected += 1
                    probe_interval *= 2
                    continue
                big_h, inverses, probe_interval = probe_inverses.big_h, probe_inverses, PROBE_INTERVAL
            else:
                # the first and the last step accept at the first converged column (NR3)
                eager = accepted == 0 or last
                outcome = _extrapolation_step(problem, inverses, y, f0, k_target, eager, counters)
            if not outcome.accepted:
                rejected += 1
                climb.rejected()
                last_failure = outcome.reason
                after_rejection = True
                k_target, factor = _after_rejection(outcome, k_target)
                big_h = (big_h * arb(factor)).mid()
                if not jacobian_is_current:  # perhaps the kept Jacobian's fault
                    jacobian = None
                continue
            accepted += 1
            t = t_final if last else (t + big_h).mid()
            y, f0 = outcome.y, outcome.f_new
            error_sum = (error_sum + outcome.error_norm).mid()
            max_scaled = max(max_scaled, outcome.scaled_error)
            last_columns = outcome.column + 1
            if dense:
                traj_t.append(t)
                traj_y.append(y)
                traj_f.append(f0)
            if progress is not None:
                progress(float(t), accepted)
            k_target, factor = _next_order(outcome, k_target, problem.cost, after_rejection)
            if not after_rejection:
                factor = climb.factor(big_h, outcome, factor)
            after_rejection = False
            if 1.0 <= factor <= STEP_KEEP_MAX and outcome.theta <= JACOBIAN_REUSE_THETA:
                jacobian_is_current = False  # same H, same J: the inverses serve the next step
            else:
                jacobian = None
                big_h = (big_h * arb(factor)).mid()
            if big_h >= h_reference * PROBE_GROWTH:
                h_reference, stagnant = big_h, 0
            else:
                stagnant += 1
            if stop is not None and stop(t, y):
                converged = stopped = True
                message = f"stopped by the caller's test at t = {float(t):.6g}"
                break
            if last:
                converged = True
                message = f"reached t_end = {float(t_final):.6g}"
                break

        trajectory = None
        if dense:
            trajectory = DenseTrajectory(
                t=tuple(arb_to_mpf(s) for s in traj_t),
                y=tuple(tuple(arb_to_mpf(v[i, 0]) for i in range(m)) for v in traj_y),
                dydt=tuple(tuple(arb_to_mpf(v[i, 0]) for i in range(m)) for v in traj_f),
                working_dps=working_dps,
            )
        return StiffResult(
            t=arb_to_mpf(t),
            y=tuple(arb_to_mpf(y[i, 0]) for i in range(m)),
            converged=converged,
            message=message,
            accepted_steps=accepted,
            rejected_steps=rejected,
            jacobian_evaluations=jevals,
            function_evaluations=counters.fevals,
            factorizations=counters.factorizations,
            error_estimate=arb_to_mpf(error_sum),
            max_scaled_error=max_scaled,
            last_columns=last_columns,
            last_step_size=arb_to_mpf(big_h),
            stopped=stopped,
            dps=dps,
            working_dps=working_dps,
            tol=arb_to_mpf(tol),
            wall_s=time.perf_counter() - started,
            trajectory=trajectory,
        )
