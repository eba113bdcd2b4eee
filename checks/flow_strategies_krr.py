"""Hypothesis strategies of ``krr``-model flow instances (``checks.flow_instances``' format).

Written for krr's theorems about the limit of its w± flow (krr (3), (10)):

* A: M = 1..3 rows, N = M+1..5 columns, entries k/4 with |k| <= 12, or structured: a single
  row, or two nearly parallel columns (one = the other + 1/1000), the near-degenerate case;
* β*: sparse, signed (s = 1..M nonzeros, entries ±k/4, k = 1..12); y = X β* exactly, so
  {Xβ = y} is never empty (krr's theorems assume zero training error is reached);
* D = 2 (Theorem 1) with a shape w0 whose entries are drawn from ``W0_ENTRIES`` on half of the
  instances (Theorem 1, general case), or D = 3..5 with w0 = 𝟏 (Theorem 3 is stated for it);
* α = 10^-k on a log scale.  D = 2: k from -2 (α = 100, kernel side) to ``MAX_ALPHA_EXPONENT_D2``;
  D > 2: the float64 flows and the float64 primal minimizer cancel (D - 2)·k digits
  (``numerics.legendre_potentials.KrrDepthPotential.float64_digits_lost``), so
  k <= MAX_CANCELLED_DIGITS // (D - 2), from k = 0 (at α = 10, D = 5 the reduced dual flow of
  ``numerics.dual_flow`` fails: "array must not contain infs or NaNs", measured).

Every number is an exact decimal or rational string, so an instance replays exactly.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from dlncheck.checks.flow_strategies import MAX_CANCELLED_DIGITS, NEARLY_PARALLEL

# Shape entries of w0 (Theorem 1, general case: no zero entries).
W0_ENTRIES = (Fraction(1, 4), Fraction(1, 2), Fraction(1), Fraction(2), Fraction(4))
# α = 10^-k at D = 2 down to 1e-30 (the float64 primal minimizer and the flows work in
# logarithms of the scales there; the limit's off-support entries reach ~1e-60).
MAX_ALPHA_EXPONENT_D2 = 30
MIN_ALPHA_EXPONENT_D2 = -2
MIN_ALPHA_EXPONENT_DEEP = 0
# ... and (D - 2)·k <= MAX_DEEP_DIGITS: the reduced dual flow slows down there (measured: 12-24 s
# for one instance at D = 3, α = 1e-6, against < 0.2 s at α >= 1e-4); the families of
# checks.claims.krr_flow_limits take the limits at smaller α from the certified projection.
MAX_DEEP_DIGITS = 4


def _text(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def _alpha_text(k: int) -> str:
    return "1" if k == 0 else f"1e{-k}"


@st.composite
def krr_data(draw, max_rows: int = 3, max_columns: int = 5) -> dict[str, Any]:
    """A and a sparse signed β* (module docstring), as exact strings."""
    shape = draw(st.sampled_from(["general", "one row", "nearly parallel"]))
    m = 1 if shape == "one row" else draw(st.integers(1, max_rows))
    n = draw(st.integers(m + 1, max_columns))
    columns = [[Fraction(draw(st.integers(-12, 12)), 4) for _ in range(m)] for _ in range(n)]
    if all(v == 0 for column in columns for v in column):
        columns[0][0] = Fraction(1)
    if shape == "nearly parallel":
        j = draw(st.integers(0, n - 2))
        columns[j + 1] = [v + NEARLY_PARALLEL for v in columns[j]]
    s = draw(st.integers(1, m))
    support = draw(st.lists(st.integers(0, n - 1), min_size=s, max_size=s, unique=True))
    beta = [Fraction(0)] * n
    for j in support:
        beta[j] = Fraction(draw(st.sampled_from([1, -1])) * draw(st.integers(1, 12)), 4)
    assume(any(sum(columns[j][i] * beta[j] for j in range(n)) != 0 for i in range(m)))
    return {
        "A": [[_text(columns[j][i]) for j in range(n)] for i in range(m)],
        "x_star": [_text(v) for v in beta],
    }


@st.composite
def krr_flow_instances(draw, depths: tuple[int, ...] = (2, 3, 4, 5), shaped: bool = True) -> dict[str, Any]:
    """``krr``-model instances (module docstring); ``shaped``: a non-uniform w0 on half of the
    D = 2 instances."""
    data = draw(krr_data())
    depth = draw(st.sampled_from(depths))
    if depth == 2:
        k = draw(st.integers(MIN_ALPHA_EXPONENT_D2, MAX_ALPHA_EXPONENT_D2))
    else:
        k = draw(
            st.integers(MIN_ALPHA_EXPONENT_DEEP, min(MAX_CANCELLED_DIGITS, MAX_DEEP_DIGITS) // (depth - 2))
        )
    instance = {"model": "krr", **data, "L": depth, "init": {"alpha": _alpha_text(k)}}
    if depth == 2 and shaped and draw(st.booleans()):
        n = len(data["x_star"])
        instance["params"] = {"w0": [_text(draw(st.sampled_from(W0_ENTRIES))) for _ in range(n)]}
    return instance


def krr_shaped_instances():
    """Theorem 1 (general case): D = 2, w0 drawn (uniform on half of the instances)."""
    return krr_flow_instances(depths=(2,), shaped=True)


def krr_deep_instances():
    """Theorem 3: D = 3..5, w0 = 𝟏."""
    return krr_flow_instances(depths=(3, 4, 5), shaped=False)


# ------------------------------------------------------------------------------ Theorem 2

# ε = p/q drawn from these (Theorem 2: 0 < ε < d); α then sits 0..ALPHA_DECADES_BELOW decades
# below the theorem's threshold, and at least THRESHOLD_MARGIN_DECADES below it, so that the
# exact hypothesis test (in intervals) never meets a draw at the threshold itself.
EPSILON_CHOICES = tuple(Fraction(p, q) for p, q in ((1, 10), (1, 4), (1, 2), (1, 1), (3, 2), (2, 1), (3, 1)))
ALPHA_DECADES_BELOW = 6
THRESHOLD_MARGIN_DECADES = 1
# The projection evaluates α² in float64 (checks.input_limits.PROJECTION_PRODUCT_MIN_EXPONENT):
# draws whose threshold lies below 1e-140 are discarded.
SMALLEST_ALPHA_EXPONENT = 140


def theorem2_log10_threshold(epsilon: float, l1_min: float, d: int) -> float:
    """log10 of krr Theorem 2's bound on α: min{(2(1+ε)b)^{-(2+ε)/(2ε)}, exp(-d/(εb))}, b = ‖β*_ℓ1‖₁."""
    first = -(2 + epsilon) / (2 * epsilon) * math.log10(2 * (1 + epsilon) * l1_min)
    second = -d / (epsilon * l1_min) / math.log(10)
    return min(first, second)


@st.composite
def krr_theorem2_instances(draw) -> dict[str, Any]:
    """Theorem 2 (ℓ1 part): D = 2, w0 = 𝟏, ε in (0, d) and α below the theorem's threshold."""
    from dlncheck.numerics.sparse_recovery import l1_minimizer  # SciPy's LP: loaded when drawn

    data = draw(krr_data())
    d = len(data["x_star"])
    epsilon = draw(st.sampled_from([e for e in EPSILON_CHOICES if e < d]))
    A = [[Fraction(a) for a in row] for row in data["A"]]
    beta = [Fraction(v) for v in data["x_star"]]
    y = [sum((a * b for a, b in zip(row, beta, strict=True)), Fraction(0)) for row in A]
    l1 = l1_minimizer(A, y, positive=False, certify=False)
    assume(l1.converged)
    b = float(sum(abs(v) for v in l1.value))
    top = theorem2_log10_threshold(float(epsilon), b, d)
    k = math.ceil(-top) + THRESHOLD_MARGIN_DECADES + draw(st.integers(0, ALPHA_DECADES_BELOW))
    assume(k <= SMALLEST_ALPHA_EXPONENT)
    return {
        "model": "krr",
        **data,
        "L": 2,
        "init": {"alpha": _alpha_text(k)},
        "params": {"epsilon": _text(epsilon)},
    }
