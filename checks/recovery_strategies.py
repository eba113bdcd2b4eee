"""Hypothesis strategies for mil's compressed-sensing statements: matrices with a null space
property, instances of the definitions and cited inequalities of §1.2 and A.3 on them, and
signed-flow instances (``checks.recovery_flow_instances``' format).

Matrices (exact rationals, so every null-space constant is computed exactly):

* 2 × N with columns on the unit circle, (1 − t², 2t)/(1 + t²) for distinct t ≥ 0 (angles
  2·arctan t in [0, π)), each column's sign optionally flipped, the matrix scaled by k/4 (neither
  changes ρ_1; the scale changes τ and d).  Unit columns
  at distinct angles in [0, π) always have the stable NSP of order 1 with ρ < 1 (for a triple
  at angle gaps a, b with a + b < π, sin(a + b) < sin a + sin b and sin b < sin a + sin(a + b),
  the triangle inequalities of the triple's circuit).  N ≥ 6 makes s_* = 2/log(eN/2) < 1, so
  order s = 1 = c·s_* with c > 1 (Theorem 1.4's hypothesis);
* M × N with entries k/4 (|k| ≤ 12), kept where ρ_s(A) < 1 (for Corollary 1.3);

x* is s-sparse (σ_s(x*)_1 = 0, where the bounds are tightest) or has a small tail; the noise
e is 0 on half of the Theorem 1.4 instances, else k/4·10^(-j); L from 2 to 4 and α = 10^-k as
in ``checks.flow_strategies`` (k ≤ 30 at L = 2; (L - 2)·k ≤ 6 above, float64's range).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from dlncheck.checks.flow_strategies import MAX_ALPHA_EXPONENT_L2, MAX_CANCELLED_DIGITS
from dlncheck.checks.recovery_constants import stable_constant

# The circle parameters t of the columns (angles 2·arctan t spread over [0, π)).
CIRCLE_PARAMETERS = tuple(
    Fraction(p, q) for p, q in ((0, 1), (1, 4), (1, 2), (1, 1), (2, 1), (4, 1), (8, 1), (3, 4), (3, 2))
)


def _text(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def _matrix_key(A: list[list[Fraction]]) -> tuple[tuple[Fraction, ...], ...]:
    return tuple(tuple(row) for row in A)


@st.composite
def circle_matrices(draw, min_columns: int = 6, max_columns: int = 8) -> list[list[Fraction]]:
    """2 × N, columns on the unit circle (module docstring), signs flipped, scaled; ρ_1 < 1."""
    n = draw(st.integers(min_columns, max_columns))
    ts = draw(st.lists(st.sampled_from(CIRCLE_PARAMETERS), min_size=n, max_size=n, unique=True))
    scale = Fraction(draw(st.sampled_from([4, 4, 2, 3, 6, 8])), 4)
    columns = []
    for t in ts:
        sign = draw(st.sampled_from([1, 1, -1]))
        columns.append(((1 - t * t) / (1 + t * t) * sign * scale, 2 * t / (1 + t * t) * sign * scale))
    A = [[c[i] for c in columns] for i in range(2)]
    rho = stable_constant(_matrix_key(A), 1).value
    assert rho is not None and rho < 1  # unit columns at distinct angles in [0, π) (module docstring)
    return A


@st.composite
def nsp_matrices(draw, order: int = 1, min_extra_columns: int = 1) -> list[list[Fraction]]:
    """M × N (M = 2, 3, N >= M + ``min_extra_columns``), entries k/4, with the stable NSP of
    order ``order`` (ρ_s < 1)."""
    if order == 1 and draw(st.booleans()):
        return draw(circle_matrices(min_columns=2 + min_extra_columns, max_columns=6))
    m = draw(st.integers(max(2, 2 * order), max(3, 2 * order)))
    n = draw(st.integers(m + min_extra_columns, m + 3))
    A = [[Fraction(draw(st.integers(-12, 12)), 4) for _ in range(n)] for _ in range(m)]
    rho = stable_constant(_matrix_key(A), order).value
    assume(rho is not None and rho < 1)
    return A


@st.composite
def _x_star(draw, n: int, s: int, scale: Fraction) -> list[Fraction]:
    x = [Fraction(0)] * n
    for j in draw(st.lists(st.integers(0, n - 1), min_size=s, max_size=s, unique=True)):
        x[j] = scale * Fraction(draw(st.sampled_from([1, -1])) * draw(st.integers(1, 12)), 4)
    if draw(st.integers(0, 3)) == 0:  # a small tail: σ_s(x*)_1 > 0
        j = draw(st.integers(0, n - 1))
        x[j] += scale * Fraction(draw(st.sampled_from([1, -1])), 10 ** draw(st.integers(1, 4)))
    return x


@st.composite
def _depth_and_init(draw, n: int, max_depth: int) -> tuple[int, dict[str, Any]]:
    depth = draw(st.integers(2, max_depth))
    top = MAX_ALPHA_EXPONENT_L2 if depth == 2 else MAX_CANCELLED_DIGITS // (depth - 2)
    k = draw(st.integers(0, top))
    alpha = Fraction(1, 10**k)
    if draw(st.integers(0, 3)) == 0:  # non-uniform: α (1 + j/4), j = 0..4 per entry
        init = {
            name: [_text(alpha * (4 + draw(st.integers(0, 4))) / 4) for _ in range(n)]
            for name in ("u0", "v0")
        }
    else:
        init = {"alpha": "1" if k == 0 else f"1e-{k}"}
    return depth, init


def _matrix_text(A: list[list[Fraction]]) -> list[list[str]]:
    return [[_text(v) for v in row] for row in A]


@st.composite
def small_matrices(draw, max_rows: int = 3, max_columns: int = 7) -> list[list[Fraction]]:
    """M × N (M <= 3, N <= 7), entries k/4, |k| <= 12, sometimes with nearly parallel columns."""
    m = draw(st.integers(1, max_rows))
    n = draw(st.integers(m + 1, max_columns))
    A = [[Fraction(draw(st.integers(-12, 12)), 4) for _ in range(n)] for _ in range(m)]
    if draw(st.integers(0, 3)) == 0:
        j = draw(st.integers(0, n - 2))
        for row in A:
            row[j + 1] = row[j] + Fraction(1, 1000)
    if all(v == 0 for row in A for v in row):
        A[0][0] = Fraction(1)
    return A


@st.composite
def stable_nsp_definition_instances(draw) -> dict[str, Any]:
    """A (``small_matrices`` or ``nsp_matrices``) and an order s in {1, 2}."""
    A = draw(st.one_of(small_matrices(), nsp_matrices()))
    s = draw(st.integers(1, min(2, len(A[0]))))
    return {"A": _matrix_text(A), "params": {"s": s}}


@st.composite
def quotient_definition_instances(draw) -> dict[str, Any]:
    """A of full row rank (M = 2, 3) and a noise vector e with entries k/4."""
    A = draw(st.one_of(small_matrices(), nsp_matrices(), circle_matrices()))
    m = len(A)
    from flint import fmpq, fmpq_mat

    rank = fmpq_mat(m, len(A[0]), [fmpq(v.numerator, v.denominator) for row in A for v in row]).rank()
    assume(rank == m)
    e = [Fraction(draw(st.integers(-12, 12)), 4) for _ in range(m)]
    assume(any(v != 0 for v in e))
    return {"A": _matrix_text(A), "params": {"noise": [_text(v) for v in e]}}


def _rho_between(rho_min: Fraction, step: int) -> Fraction:
    """ρ = ρ_min + (1 - ρ_min)·step/4, step = 0..3: from the smallest valid ρ towards 1."""
    return rho_min + (1 - rho_min) * step / 4


@st.composite
def robust_nsp_definition_instances(draw) -> dict[str, Any]:
    """A with ρ_1(A) < 1, ρ in [ρ_1(A), 1), and a vector v: random, or the exact witness of τ*(ρ)
    (``numerics.robust_null_space``) perturbed by k/8 in one entry."""
    from dlncheck.checks.recovery_constants import robust_constant

    A = draw(nsp_matrices(order=1))
    key = _matrix_key(A)
    rho = _rho_between(stable_constant(key, 1).value, draw(st.integers(0, 3)))
    n = len(A[0])
    witness = robust_constant(key, rho).witness
    if witness is not None and draw(st.booleans()):
        v = list(witness)
        v[draw(st.integers(0, n - 1))] += Fraction(draw(st.integers(-2, 2)), 8)
    else:
        v = [Fraction(draw(st.integers(-12, 12)), 4) for _ in range(n)]
    assume(any(x != 0 for x in v))
    return {"A": _matrix_text(A), "params": {"rho": _text(rho), "v": [_text(x) for x in v]}}


@st.composite
def simultaneous_quotient_instances(draw) -> dict[str, Any]:
    """2 × N circle matrices (N = 6..8: s = 1 = c·s_*, c > 1) and noise e with entries k/4."""
    A = draw(circle_matrices())
    e = [Fraction(draw(st.integers(-12, 12)), 4) for _ in range(2)]
    assume(any(v != 0 for v in e))
    return {"A": _matrix_text(A), "params": {"noise": [_text(v) for v in e]}}


@st.composite
def robust_recovery_inequality_instances(draw) -> dict[str, Any]:
    """A with ρ_1(A) < 1 and vectors v, w for (45): w sparse or not, v = w + t·(a circuit of ker A)
    + a small perturbation (where (45) is tight: A(v - w) ≈ 0)."""
    from dlncheck.numerics.stable_null_space import circuits

    A = draw(nsp_matrices(order=1))
    n = len(A[0])
    w = [Fraction(0)] * n
    for j in draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True)):
        w[j] = Fraction(draw(st.integers(-12, 12)), 4)
    found = circuits(A)
    direction = list(draw(st.sampled_from(found))) if found else [Fraction(0)] * n
    t = Fraction(draw(st.integers(-8, 8)), 4)
    v = [a + t * b for a, b in zip(w, direction, strict=True)]
    if draw(st.booleans()):
        v[draw(st.integers(0, n - 1))] += Fraction(draw(st.integers(-4, 4)), 16)
    assume(any(a != b for a, b in zip(v, w, strict=True)))
    return {"A": _matrix_text(A), "params": {"v": [_text(x) for x in v], "w": [_text(x) for x in w]}}


@st.composite
def positive_solution_set_instances(draw) -> dict[str, Any]:
    """(A, y) with y = A x for x >= 0 (S₊ ≠ ∅) or a drawn y (S₊ often empty)."""
    A = draw(small_matrices(max_columns=6))
    n = len(A[0])
    if draw(st.booleans()):
        x = [Fraction(draw(st.integers(0, 8)), 4) for _ in range(n)]
        y = [sum(row[j] * x[j] for j in range(n)) for row in A]
    else:
        y = [Fraction(draw(st.integers(-12, 12)), 4) for _ in range(len(A))]
    return {"A": _matrix_text(A), "y": [_text(v) for v in y]}


@st.composite
def stable_nsp_flow_instances(draw, form: str = "printed", max_depth: int = 4) -> dict[str, Any]:
    """Signed-flow instances with y = A x* on matrices with the stable NSP of order 1
    (Corollary 1.3's hypotheses).  For the form "true gap", dim ker A >= 2: with a one-dimensional
    kernel (N = M + 1) x̃∞ - x* is a multiple of the one circuit and [10, Thm 4.14] holds with
    equality there, which intervals cannot certify."""
    A = draw(nsp_matrices(order=1, min_extra_columns=2 if form == "true gap" else 1))
    n = len(A[0])
    x = draw(_x_star(n, 1, Fraction(1)))
    assume(any(sum(row[j] * x[j] for j in range(n)) != 0 for row in A))
    depth, init = draw(_depth_and_init(n, max_depth))
    return {
        "model": "signed",
        "A": [[_text(v) for v in row] for row in A],
        "x_star": [_text(v) for v in x],
        "L": depth,
        "init": init,
        "params": {"s": 1, "form": form},
    }


@st.composite
def robust_recovery_flow_instances(
    draw, form: str, max_depth: int = 4, with_form: bool = True
) -> dict[str, Any]:
    """Signed-flow instances y = A x* + e on 2 × N circle matrices, N = 6..8 (Theorem 1.4's
    hypotheses at s = 1: ℓ2-robust NSP, quotient property, c = s/s_* > 1), with the data scaled
    by 10^-j (x* and e together) to test the scaling of the bound."""
    A = draw(circle_matrices())
    n = len(A[0])
    scale = Fraction(1, 10 ** draw(st.integers(0, 6)))
    x = draw(_x_star(n, 1, scale))
    if draw(st.booleans()):
        noise = [Fraction(0), Fraction(0)]
    else:
        size = scale / 10 ** draw(st.integers(0, 4))
        noise = [size * Fraction(draw(st.integers(-8, 8)), 4) for _ in range(2)]
    y = [sum(row[j] * x[j] for j in range(n)) + e for row, e in zip(A, noise, strict=True)]
    assume(any(v != 0 for v in y))
    depth, init = draw(_depth_and_init(n, max_depth))
    return {
        "model": "signed",
        "A": [[_text(v) for v in row] for row in A],
        "x_star": [_text(v) for v in x],
        "L": depth,
        "init": init,
        "params": {"s": 1, "noise": [_text(v) for v in noise], **({"form": form} if with_form else {})},
    }
