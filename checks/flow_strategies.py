"""Hypothesis strategies for flow instances of these papers (``checks.flow_instances``'s format).

Written for the theorems about limits, not generic floats:

* A: M = 1..3 rows, N = M+1..6 columns, entries k/4 with |k| <= 12 ("Gaussian-like": small
  signed rationals), or structured: a single row, or nearly parallel columns (column j+1 =
  column j + a perturbation of 1/1000), the near-degenerate case where ℓ1 minimizers are
  far apart and the limit's support is hard to read;
* x*: sparse and non-negative (s = 1..M nonzeros, entries in (0, 3]); y = A x* exactly, so
  S₊ is never empty and the instance is feasible by construction;
* L from 2 to 6; α = 10^-k on a log scale (factor scale: every factor starts at α, the
  product at α^L): k = 0..30 at L = 2; at L > 2 the float64 projection resolves
  (L - 2)·k <= 6 (``checks.flow_command.digits_needed``), and k is drawn within that;
* a non-uniform initialization x0 = α (1 + j/4), j = 0..4 per entry (signed: u0 and v0 each),
  on a quarter of the instances.

The signed model's x* has entries of either sign (mil (35); S = {z : Az = y} is never empty).

Every number is an exact decimal or rational string, so an instance replays exactly.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

# The factor-scale exponents k of α = 10^-k drawn at L = 2 (the projection is exact in log
# coordinates there; below 1e-150 the product α² leaves float64's range).
MAX_ALPHA_EXPONENT_L2 = 30
# At L > 2 the float64 projection cancels (L - 2)·k digits of its 10 usable ones; 6 leaves 4.
MAX_CANCELLED_DIGITS = 6
NEARLY_PARALLEL = Fraction(1, 1000)


def _text(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def positive_flow_instances(max_rows: int = 3, max_columns: int = 6, max_depth: int = 6):
    """``positive``-model flow instances with a non-negative sparse x* (module docstring)."""
    return _flow_instances("positive", max_rows, max_columns, max_depth)


def signed_flow_instances(max_rows: int = 3, max_columns: int = 6, max_depth: int = 6):
    """``signed``-model flow instances (mil (35)) with a sparse x* of either sign."""
    return _flow_instances("signed", max_rows, max_columns, max_depth)


@st.composite
def _flow_instances(draw, model: str, max_rows: int, max_columns: int, max_depth: int) -> dict[str, Any]:
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
    x_star = [Fraction(0)] * n
    for j in support:
        sign = 1 if model == "positive" else draw(st.sampled_from([1, -1]))
        x_star[j] = Fraction(sign * draw(st.integers(1, 12)), 4)
    # y = A x* must not vanish (the flow would not move: the instance format refuses it)
    assume(any(sum(columns[j][i] * x_star[j] for j in range(n)) != 0 for i in range(m)))
    depth = draw(st.integers(2, max_depth))
    top = MAX_ALPHA_EXPONENT_L2 if depth == 2 else MAX_CANCELLED_DIGITS // (depth - 2)
    k = draw(st.integers(0, top))
    alpha = Fraction(1, 10**k)

    def non_uniform() -> list[str]:  # α (1 + j/4), j = 0..4 per entry
        return [_text(alpha * (4 + draw(st.integers(0, 4))) / 4) for _ in range(n)]

    if draw(st.integers(0, 3)) == 0:
        init: dict[str, Any] = (
            {"x0": non_uniform()} if model == "positive" else {"u0": non_uniform(), "v0": non_uniform()}
        )
    else:
        init = {"alpha": "1" if k == 0 else f"1e-{k}"}
    return {
        "model": model,
        "A": [[_text(columns[j][i]) for j in range(n)] for i in range(m)],
        "x_star": [_text(v) for v in x_star],
        "L": depth,
        "init": init,
    }
