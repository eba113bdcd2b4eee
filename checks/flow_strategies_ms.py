"""Hypothesis strategies for Matt–Stöger's claims: designs (A, y) and ``ms``-model flow instances.

Written for ms §II–III, not generic floats (``checks.flow_strategies`` does the same for mil):

* A: M = 1..3 rows (ms's N), 2..6 columns (ms's d), entries k/4 with |k| <= 12, in five shapes:
  "general"; "one row"; "nearly parallel" (column j+1 = column j + 1/1000: ℓ1 minimizers far
  apart, ϱ near 1); "zero column" (a column of zeros: a direction of 𝒩 with n_𝒮 = 0, so ϱ >= 0
  and x^∞ keeps the initialization there); "opposite columns" (column j+1 = −column j: a
  direction with Σ_𝒮 n_i > 0, the way to ϱ < 0);
* y = A x exactly for a sparse non-negative x (s = 1..M entries in (0, 3]), so S₊ ≠ ∅; ms's x*
  is the ℓ1 minimizer over S₊, which need not be that x;
* ms Theorem II.2 instances satisfy Assumption II.1, decided exactly by
  ``numerics.null_space_constants`` (cached per design), and the theorem's α = a² (a the factor
  scale, ``numerics.conventions.ms_theorem_alpha_from_factor_scale``) below min_𝒮 x*_i: a =
  10^-k on a log scale down to 10^-30 (α down to 10^-60), or a just below √(min_𝒮 x*_i), the
  boundary of the hypothesis;
* flow instances are kept where the certified limit is within reach (the module constants
  RATE_FLOOR_DIGITS and CERTIFIABLE_SPREAD_DIGITS say why and how far).

Every number is an exact decimal or rational string, so an instance replays exactly.
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

# ms Theorem II.2's α = a² is drawn down to 10^-60 (a = 10^-30): the float64 projection is exact
# in log coordinates at depth 2 (``checks.flow_strategies.MAX_ALPHA_EXPONENT_L2``).
MAX_FACTOR_EXPONENT = 30
# The slacks of (II.3) and of the Remark after it are of the order of α^{1-ϱ} to α^{2(1-ϱ)}
# (measured: 2.1α on a design with ϱ = 1/2, 324·4^9·α^10 on one with ϱ = -9).  Deciding one takes
# that many digits, and the certified limit is computed on the escalation ladder up to 240 (at
# 310 digits and more, numerics.bregman_projection.certify stalls on A = (1/4, -9/4)); so α is
# drawn with α^{1-ϱ} >= 10^-RATE_FLOOR_DIGITS, which keeps those slacks above about 10^-220.
RATE_FLOOR_DIGITS = 110
# The certified limit (numerics.bregman_projection.refine, Krawczyk) needs a precision above the
# decimal spread of the limit's entries: on a 3 x 5 design with entries from 1.25 down to 1e-49
# it fails at 30 digits and passes at 60; at a spread of about 210 it failed at 240.  So drawn
# flow instances keep the float64 limit's free entries within 10^CERTIFIABLE_SPREAD_DIGITS of each
# other, inside the escalation ladder (30-240 digits); float64 resolves them down to 1e-308.
CERTIFIABLE_SPREAD_DIGITS = 200
NEARLY_PARALLEL = Fraction(1, 1000)
SHAPES = ("general", "one row", "nearly parallel", "zero column", "opposite columns")


def _text(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


@functools.lru_cache(maxsize=16384)
def design_constants(A: tuple[tuple[Fraction, ...], ...], y: tuple[Fraction, ...]):
    """``numerics.null_space_constants`` on (A, y), once per design (strategies and hypotheses)."""
    from dlncheck.numerics.null_space_constants import null_space_constants  # SciPy's LP: loaded when used

    return null_space_constants([list(row) for row in A], list(y))


@st.composite
def _designs(draw, max_rows: int = 3, max_columns: int = 6) -> tuple[list[list[Fraction]], list[Fraction]]:
    shape = draw(st.sampled_from(SHAPES))
    m = 1 if shape == "one row" else draw(st.integers(1, max_rows))
    n = draw(st.integers(max(2, m), max_columns))
    columns = [[Fraction(draw(st.integers(-12, 12)), 4) for _ in range(m)] for _ in range(n)]
    if shape in ("nearly parallel", "opposite columns"):
        j = draw(st.integers(0, n - 2))
        columns[j + 1] = [v + NEARLY_PARALLEL if shape == "nearly parallel" else -v for v in columns[j]]
    elif shape == "zero column":
        columns[draw(st.integers(0, n - 1))] = [Fraction(0)] * m
    s = draw(st.integers(1, m))
    support = draw(st.lists(st.integers(0, n - 1), min_size=s, max_size=s, unique=True))
    x = [Fraction(0)] * n
    for j in support:
        x[j] = Fraction(draw(st.integers(1, 12)), 4)
    A = [[columns[j][i] for j in range(n)] for i in range(m)]
    y = [sum((A[i][j] * x[j] for j in range(n)), Fraction(0)) for i in range(m)]
    assume(any(v != 0 for v in y))
    return A, y


def design_instances(max_rows: int = 3, max_columns: int = 6):
    """``{"A", "y"}`` instances (``checks.instances``' format) of the designs above, unfiltered:
    Assumption II.1 may fail (ties between ℓ1 minimizers, a single feasible point)."""
    return _designs(max_rows, max_columns).map(
        lambda d: {"A": [[_text(v) for v in row] for row in d[0]], "y": [_text(v) for v in d[1]]}
    )


@st.composite
def _assumption_designs(draw, max_rows: int, max_columns: int):
    A, y = draw(_designs(max_rows, max_columns))
    constants = design_constants(tuple(map(tuple, A)), tuple(y))
    assume(
        constants.exist
        and all(c.certified for c in (constants.rho, constants.rho_tilde, constants.rho_minus))
    )
    return A, y, constants


def assumption_instances(max_rows: int = 3, max_columns: int = 6):
    """``{"A", "y"}`` instances on which ms Assumption II.1 holds (decided exactly)."""
    return _assumption_designs(max_rows, max_columns).map(
        lambda d: {"A": [[_text(v) for v in row] for row in d[0]], "y": [_text(v) for v in d[1]]}
    )


def _resolvable(constants, k: int) -> bool:
    """α = 10^-2k has α^{1-ϱ} >= 10^-RATE_FLOOR_DIGITS (module constants)."""
    return 2 * k * (1 - constants.rho.exact) <= RATE_FLOOR_DIGITS


def _below_root(q: Fraction, digits: int) -> Fraction | None:
    """A rational a with 0 < a < √q, within 2·10^-digits of it (None if there is none that close)."""
    scale = 10**digits
    root = math.isqrt(q.numerator * scale * scale // q.denominator)  # floor(√q · 10^digits)
    return Fraction(root - 1, scale) if root >= 2 else None


def _alpha_text(a: Fraction) -> str:
    if a.numerator == 1 and a.denominator > 1 and 10 ** (len(str(a.denominator)) - 1) == a.denominator:
        return f"1e-{len(str(a.denominator)) - 1}"
    return _text(a)


@st.composite
def theorem_flow_instances(draw, max_rows: int = 3, max_columns: int = 6, near_boundary: bool = True):
    """``ms``-model flow instances inside ms Theorem II.2(a)'s hypotheses: Assumption II.1 and
    0 < α = a² < min_𝒮 x*_i (module docstring)."""
    A, y, constants = draw(_assumption_designs(max_rows, max_columns))
    smallest = min(constants.minimizer[i] for i in constants.support)
    if near_boundary and draw(st.integers(0, 7)) == 0:
        a = _below_root(smallest, draw(st.integers(1, 8)))
        assume(a is not None)
    else:
        # 10^-2k < min x*, and α^{1-ϱ} = 10^{-2k(1-ϱ)} above the precision floor
        allowed = [
            k
            for k in range(MAX_FACTOR_EXPONENT + 1)
            if Fraction(1, 10 ** (2 * k)) < smallest and _resolvable(constants, k)
        ]
        assume(allowed)
        a = Fraction(1, 10 ** draw(st.sampled_from(allowed)))
    raw = _flow(A, y, a)
    assume(certifiable(raw))
    return raw


@st.composite
def any_alpha_flow_instances(draw, max_rows: int = 3, max_columns: int = 6, assumption: bool = True):
    """``ms``-model flow instances at any factor scale a = 10^k, k = -30..1 (ms Lemma III.2 and
    Sec. I speak of every α > 0); with ``assumption``, Assumption II.1 holds."""
    if assumption:
        A, y, _ = draw(_assumption_designs(max_rows, max_columns))
    else:
        A, y = draw(_designs(max_rows, max_columns))
    k = draw(st.integers(-MAX_FACTOR_EXPONENT, 1))
    raw = _flow(A, y, Fraction(10) ** k)
    assume(certifiable(raw))
    return raw


def certifiable(raw: dict[str, Any]) -> bool:
    """Whether the float64 limit of a flow instance converges with its free entries within
    10^CERTIFIABLE_SPREAD_DIGITS of each other (module constants)."""
    from dlncheck.checks.flow_command import float64_projection  # SciPy and the solvers: loaded when used
    from dlncheck.checks.flow_files import parse_flow_instance

    instance = parse_flow_instance(raw)
    result = float64_projection(instance)
    if result is None or not result.converged:
        return False
    values = [abs(float(result.value[j])) for j in instance.face().free(instance.N)]
    return min(values) > 0 and math.log10(max(values) / min(values)) <= CERTIFIABLE_SPREAD_DIGITS


def _flow(A: list[list[Fraction]], y: list[Fraction], a: Fraction) -> dict[str, Any]:
    return {
        "model": "ms",
        "A": [[_text(v) for v in row] for row in A],
        "y": [_text(v) for v in y],
        "L": 2,
        "init": {"alpha": _alpha_text(a)},
    }


# Theorem II.2(b)'s condition is drawn with this much room (a factor 10 in its log form), so that
# the claims' hypotheses, decided in intervals, always accept what this strategy draws.
SMALLNESS_ROOM = math.log(10.0)


@st.composite
def small_alpha_flow_instances(draw, max_rows: int = 3, max_columns: int = 6):
    """``ms``-model flow instances where both parts of ms Theorem II.2 apply: Assumption II.1 and
    α = a² small enough for (b): (α/min_𝒮 x*)^{1−ϱ} <= 1/(2(1+ϱ̃)|𝒮ᶜ|κ*^{ϱ⁻}) (with room)."""
    A, y, constants = draw(_assumption_designs(max_rows, max_columns))
    minimizer, S = constants.minimizer, constants.support
    smallest = float(min(minimizer[i] for i in S))
    kappa = float(max(minimizer[i] for i in S)) / smallest
    k = len(A[0]) - len(S)
    rho, rho_tilde, rho_minus = (
        float(c.exact) for c in (constants.rho, constants.rho_tilde, constants.rho_minus)
    )
    bound = -math.log(2 * (1 + rho_tilde) * k) - rho_minus * math.log(kappa) - SMALLNESS_ROOM

    def inside(exponent: int) -> bool:  # α = 10^(-2 exponent)
        return (1 - rho) * (-2 * exponent * math.log(10.0) - math.log(smallest)) <= bound

    allowed = [e for e in range(MAX_FACTOR_EXPONENT + 1) if inside(e) and _resolvable(constants, e)]
    assume(allowed)
    raw = _flow(A, y, Fraction(1, 10 ** draw(st.sampled_from(allowed))))
    assume(certifiable(raw))
    return raw
