"""Hypothesis strategies for the claims of wn about its flows' limits (instance dicts of
``dlncheck flow``'s format, ``checks.flow_wn`` / ``checks.flow_instances``).

Written for wn's theorems, not generic floats:

* A: M = 1..3 rows, N = M+1..5 columns, entries k/4 (|k| <= 8), full row rank (exact); with
  ``rows_sum_zero`` the last column is minus the sum of the others (wn Theorem 2.1: each row of
  A sums to 0, so S₊ ∋ z + t𝟙 has a strictly positive point as soon as it is not empty);
  otherwise x* has every entry > 0, for the same reason (the limits are interior);
* x*: entries j/4 (j = 1..12), sparse (s = 1..M) where the rows sum to 0; y = κ A x* exactly
  with κ = 10^{m/2}: with r0 and η̃ also on log scales this draws the rescaled instances
  (A, λ^L b, λ r0, λ² η̃) of wn's scale symmetry (``derivations.scale_consistency``);
* L = 2..``max_depth``; r0 = 10^{k/4}, η̃ = 10^{j/4}; u0 a rational point of the unit sphere with
  every entry > 0 (inverse stereographic projection of t ∈ (0, 1)^{N-1}, |t| < 1), so that
  x(0) = r0 u0 is rational and the weights x0^{⊙(2-L)} of wn (14) are exact; or ``{"alpha": a}``;
* only instances whose float64 limit solves (``numerics.weight_normalization_limit_system``)
  are kept, with every entry of the limit at least MIN_LIMIT_SPREAD of the largest (the flows
  near S₊'s boundary are too slow to integrate) and, for L > 2, few digits cancelled.

Every number is an exact decimal or rational string, so an instance replays exactly.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np
from flint import fmpq_mat
from hypothesis import assume
from hypothesis import strategies as st

# Entries of A are k/4 with |k| <= ENTRY_RANGE.
ENTRY_RANGE = 8
# Limits with an entry below MIN_LIMIT_SPREAD of the largest are left out: the flow approaches
# them at a rate ∝ that entry^{(2L-2)/L} (wn Lemma 3.5's c_x), so slowly that the float64
# integration confirming a limit (checks.wn_limit_audit) does not end within its time limit.
MIN_LIMIT_SPREAD = 1e-6
# For L > 2 the float64 limit cancels log10 of max s0/s of its digits (module docstring of the
# limit system); beyond MAX_CANCELLED_DIGITS the drawn instance is left out.
MAX_CANCELLED_DIGITS = 6


def text(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def _power_of_ten(quarters: int, denominator: int = 4) -> Fraction:
    """10^(quarters/denominator) rounded to three significant digits, exactly."""
    return _three_digits(10 ** (quarters / denominator))


def _three_digits(value: float) -> Fraction:
    """``value`` > 0 rounded to three significant digits, as an exact rational."""
    exponent = math.floor(math.log10(value)) - 2
    mantissa = round(value / 10**exponent)
    return Fraction(mantissa) * Fraction(10) ** exponent


@st.composite
def design_matrices(
    draw, rows_sum_zero: bool, max_rows: int = 3, max_columns: int = 5
) -> list[list[Fraction]]:
    m = draw(st.integers(1, max_rows))
    n = draw(st.integers(m + 1 + (1 if rows_sum_zero else 0), max(max_columns, m + 2)))
    free = n - 1 if rows_sum_zero else n
    A = [[Fraction(draw(st.integers(-ENTRY_RANGE, ENTRY_RANGE)), 4) for _ in range(free)] for _ in range(m)]
    if rows_sum_zero:
        A = [[*row, -sum(row, Fraction(0))] for row in A]
    assume(_exact_rank(A) == m)
    return A


def _exact_rank(A: list[list[Fraction]]) -> int:
    from flint import fmpq

    return fmpq_mat(len(A), len(A[0]), [fmpq(q.numerator, q.denominator) for row in A for q in row]).rank()


@st.composite
def unit_directions(draw, n: int) -> list[Fraction]:
    """A rational point of the unit sphere with every entry > 0: u = (2t, 1 - |t|²)/(1 + |t|²),
    t_i = k/10 with k = 1..4 (|t|² <= 0.64 < 1 for n <= 5)."""
    t = [Fraction(draw(st.integers(1, 4)), 10) for _ in range(n - 1)]
    norm2 = sum((v * v for v in t), Fraction(0))
    assume(norm2 < 1)
    return [2 * v / (1 + norm2) for v in t] + [(1 - norm2) / (1 + norm2)]


@st.composite
def wn_flow_instances(
    draw,
    rates: str,
    rows_sum_zero: bool | None = None,
    min_depth: int = 2,
    max_depth: int = 4,
    uniform: bool | None = None,
    keep: Callable[[dict[str, Any]], bool] | None = None,
    r0_quarters: tuple[int, int] = (-8, 2),
    scaled: bool = True,
) -> dict[str, Any]:
    """``wn``-model instances with an interior limit (module docstring).  ``rows_sum_zero`` None
    draws both kinds; ``uniform`` None both initializations (alpha, and r0 with u0); ``keep``
    filters the drawn instances (after the float64 limit solved).

    A base instance (x* entries j/4, r0 = 10^{k/4} with k in ``r0_quarters`` (-8..2), η̃ = 10^{j/4}
    with j = -8..4) is
    carried by wn's scale symmetry to (A, λ^L b, λ r0, λ² η̃), λ = 10^{i/4} with i = -4..6 (``scaled``;
    else λ = 1: the integrations of the observations, which the symmetry only retimes)."""
    zero_rows = draw(st.booleans()) if rows_sum_zero is None else rows_sum_zero
    A = draw(design_matrices(zero_rows))
    m, n = len(A), len(A[0])
    if zero_rows:
        s = draw(st.integers(1, m))
        support = draw(st.lists(st.integers(0, n - 1), min_size=s, max_size=s, unique=True))
        x_star = [Fraction(0)] * n
        for j in support:
            x_star[j] = Fraction(draw(st.integers(1, 12)), 4)
    else:
        x_star = [Fraction(draw(st.integers(1, 12)), 4) for _ in range(n)]
    assume(any(sum((A[i][j] * x_star[j] for j in range(n)), Fraction(0)) != 0 for i in range(m)))
    depth = draw(st.integers(min_depth, max_depth))
    scale = _power_of_ten(draw(st.integers(-4, 6))) if scaled else Fraction(1)
    r0 = scale * _power_of_ten(draw(st.integers(*r0_quarters)))
    x_star = [scale**depth * v for v in x_star]
    if draw(st.booleans()) if uniform is None else uniform:
        init: dict[str, Any] = {"alpha": text(r0 / 2)}  # r0 = α √N: a comparable radius
    else:
        init = {"r0": text(r0), "u0": [text(v) for v in draw(unit_directions(n))]}
    params: dict[str, Any] = {"rates": rates}
    if rates == "tilde":
        params["eta"] = text(scale * scale * _power_of_ten(draw(st.integers(-8, 4))))
    raw = {
        "model": "wn",
        "A": [[text(v) for v in row] for row in A],
        "x_star": [text(v) for v in x_star],
        "L": depth,
        "init": init,
        "params": params,
    }
    assume(float64_solvable(raw))
    if keep is not None:
        assume(keep(raw))
    return raw


def tagged(strategy: st.SearchStrategy[dict[str, Any]], part: str) -> st.SearchStrategy[dict[str, Any]]:
    """The instances with ``params.part`` naming the part of the claim they test
    (``checks.wn_limit_audit.PartedBound``: a stored counterexample replays through its part)."""
    return strategy.map(lambda raw: {**raw, "params": {**raw.get("params", {}), "part": part}})


def float64_solvable(raw: dict[str, Any]) -> bool:
    """The float64 limit of the instance converges, is not near S₊'s boundary (MIN_LIMIT_SPREAD) and
    cancels few enough digits (L > 2)."""
    from dlncheck.checks.wn_limit_audit import float_root, parse_wn

    instance = parse_wn(raw)
    root = float_root(instance)
    if root is None or not root.converged or not np.all(np.isfinite(root.z)):
        return False
    z = np.asarray(root.z, dtype=float)
    if float(np.min(z)) < MIN_LIMIT_SPREAD * float(np.max(z)):
        return False
    if instance.depth > 2:
        s = z ** (-(instance.depth - 2) / instance.depth)
        if math.log10(max(float(np.max(s)), 1.0) / max(float(np.min(s)), 1e-300)) > MAX_CANCELLED_DIGITS:
            return False
    return True


@st.composite
def placed_instances(
    draw, threshold: str, model: str = "positive", max_depth: int = 4, uniform: bool | None = None
) -> dict[str, Any]:
    """Instances of the plain flow (10) (``model`` "positive") or of wn's r² flow ("wn", wn
    Theorem 2.3, whose limit is the plain flow's from x(0)) whose Q of wn (14) is placed at 10^t
    (t = 0.1..3) times the threshold of the Theorem from [7]: c_L β₁^{2/L} (``"printed"``) or
    c_L β₁ (``"corrected"``), by scaling y (Q is linear in y).  β₁ = ||x0||₂²: the two
    thresholds differ in the direction that matters (L > 2) for β₁ > 1, so α reaches 10.
    ``uniform`` None draws both x0 = α𝟙 and non-uniform x0 (α(1 + j/4), or r0 u0 for wn)."""
    from dlncheck.checks.wn_limit_audit import c_L_float, weighted_minimum_float

    A = draw(design_matrices(False))
    m, n = len(A), len(A[0])
    if model == "positive":
        s = draw(st.integers(1, m))
        support = draw(st.lists(st.integers(0, n - 1), min_size=s, max_size=s, unique=True))
        x_star = [Fraction(0)] * n
        for j in support:
            x_star[j] = Fraction(draw(st.integers(1, 12)), 4)
    else:  # every entry > 0: S₊ has a strictly positive point, the limit is interior
        x_star = [Fraction(draw(st.integers(1, 12)), 4) for _ in range(n)]
    assume(any(sum((A[i][j] * x_star[j] for j in range(n)), Fraction(0)) != 0 for i in range(m)))
    depth = draw(st.integers(2, max_depth))
    low = -8 if depth == 2 else max(-8, -4 * (MAX_CANCELLED_DIGITS // (depth - 2)))
    alpha = _power_of_ten(draw(st.integers(low, 4)))  # the float64 projection cancels (L-2) log10(1/α) digits
    non_uniform = draw(st.booleans()) if uniform is None else not uniform
    if model == "positive":
        x0 = [alpha * (4 + draw(st.integers(0, 4))) / 4 for _ in range(n)] if non_uniform else [alpha] * n
        init: dict[str, Any] = {"x0": [text(v) for v in x0]} if non_uniform else {"alpha": text(alpha)}
    else:
        u0 = draw(unit_directions(n)) if non_uniform else None
        if u0 is None:
            x0, init = [alpha] * n, {"alpha": text(alpha)}
        else:
            x0, init = [alpha * v for v in u0], {"r0": text(alpha), "u0": [text(v) for v in u0]}
    A_f = np.array([[float(v) for v in row] for row in A])
    y_f = A_f @ np.array([float(v) for v in x_star])
    w = np.array([float(v) ** (2 - depth) for v in x0])
    Q = weighted_minimum_float(A_f, y_f, w)
    assume(Q is not None and Q > 0)
    beta_1 = sum(float(v) ** 2 for v in x0)
    c = c_L_float(depth)
    threshold_value = c * beta_1 ** (2 / depth) if threshold == "printed" else c * beta_1
    t = draw(st.integers(1, 30)) / 10
    kappa = _three_digits(threshold_value / Q * 10**t)  # Q(κ y) = κ Q(y); rounding moves it by 0.5% at most
    raw: dict[str, Any] = {
        "model": model,
        "A": [[text(v) for v in row] for row in A],
        "x_star": [text(kappa * v) for v in x_star],
        "L": depth,
        "init": init,
    }
    if model == "wn":
        raw["params"] = {"rates": "r2"}
        assume(float64_solvable(raw))
    return raw


@st.composite
def linear_regression_instances(draw, below_min_norm: bool = True) -> dict[str, Any]:
    """Instances of the L = 1 audit (``dlncheck.instance/1``): A, y = A x*, x0 = r0 u0 > 0 with
    r0 < r* = ||A†y||₂ (wn Sec. 1.1: 'in the radius r0 < r*'), η̃ = 10^{j/2}."""
    A = draw(design_matrices(False))
    m, n = len(A), len(A[0])
    x_star = [Fraction(draw(st.integers(-12, 12)), 4) for _ in range(n)]
    y = [sum((A[i][j] * x_star[j] for j in range(n)), Fraction(0)) for i in range(m)]
    assume(any(v != 0 for v in y))
    A_f = np.array([[float(v) for v in row] for row in A])
    r_star = float(np.linalg.norm(np.linalg.pinv(A_f) @ np.array([float(v) for v in y])))
    direction = [Fraction(draw(st.integers(1, 8)), 4) for _ in range(n)]
    norm = math.sqrt(sum(float(v) ** 2 for v in direction))
    fraction = (
        Fraction(draw(st.integers(1, 9)), 10) if below_min_norm else Fraction(draw(st.integers(1, 30)), 10)
    )
    scale = Fraction(r_star / norm).limit_denominator(1000) * fraction
    assume(scale > 0)
    eta = _power_of_ten(draw(st.integers(-4, 6)), 2)
    return {
        "A": [[text(v) for v in row] for row in A],
        "y": [text(v) for v in y],
        "init": {"x0": [text(scale * v) for v in direction]},
        "params": {"eta": text(eta)},
    }
