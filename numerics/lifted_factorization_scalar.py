"""krr Appendix H at d = 1, N = 1: the lifted factorization flow in closed form, float64 or arb.

Setting (krr Sec. 6 and App. H): one measurement X_1 = c (a 1 x 1 matrix, c > 0 after the
symmetry (c, y*) -> (-c, -y*) of the loss), U = u^T, V = v^T in R^{1 x k}, W = [U; V], loss
(c <u, v> - y*)^2 (no factor 1/2).  Derived and checked in SymPy by
:mod:`derivations.krr_lifted_scalar_flow`:

* a = (u + v)/sqrt 2, b = (u - v)/sqrt 2 and s(t) = int_0^t r:  a = a0 e^{-2cs}, b = b0 e^{2cs};
  r(s) = c (A e^{-4cs} - B e^{4cs})/2 - y* with A = |a0|^2, B = |b0|^2 (C = a0.b0).  s runs
  monotonically from 0 to s_inf, 4c s_inf = ln z+, z+ the positive root of
  cB z^2 + 2y* z - cA = 0; everything the bounds of App. H need is a function of s, so
  sup over T is a sup over s in [0, s_inf].
* Tangent kernel model (krr (68)): r_TK = r0 e^{-Kt}, K = 2c^2 (A + B);
  a_TK = a0 (1 - 2c s_TK), b_TK = b0 (1 + 2c s_TK), s_TK = int_0^t r_TK.
* g = r - r_TK obeys g' = -K g + h(s) r with h = K + dr/ds = 2c^2 (A + B - A e^{-4cs} - B e^{4cs}),
  g(0) = 0; hence int_0^oo g dt = H(s_inf)/K and int_0^oo |g| dt <= int |h| ds / K,
  H(s) = int_0^s h = (c/2) (A psi(-4cs) - B psi(4cs)), psi(x) = e^x - 1 - x.

The functions take a :class:`ScalarLiftedFlow` and a backend: :data:`FLOAT` (float64, for the
property searches) or :func:`arb_backend` (python-flint balls at a working precision, for the
audits: every value is a rigorous enclosure).  Quantities are written in the variable
l = 4cs, free of cancellation (expm1, log1p, psi).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from flint import arb, fmpq

# Pieces of the Riemann enclosures of the path integrals (80) and (82).  The integrand of (82)
# increases in |s| (module docstring of the claims), so its lower and upper sums differ by
# |L| f(L) / n: 2/n relative; 512 pieces give 0.4 %, far inside the factor 2.5 by which the
# printed (80) and (82) fail, at ~10 ms per enclosure at 30 digits.
RIEMANN_PIECES = 512
# psi(x) = e^x - 1 - x from its Taylor series below this |x| in float64 (expm1(x) - x loses
# -log10|x| digits there); 12 terms leave a remainder below 1e-28 |x|^2.
PSI_SERIES_BELOW = 0.05
PSI_SERIES_TERMS = 12


@dataclass(frozen=True)
class ScalarLiftedFlow:
    """The d = 1, N = 1 instance: X_1 = c > 0, target y*, initial Gram in the (a, b) basis, mu, gamma.

    ``A = |a0|^2``, ``B = |b0|^2``, ``C = a0.b0``; ``mu`` and ``gamma`` are Theorem 9's free
    parameters.  All exact rationals.
    """

    c: Fraction
    y_star: Fraction
    A: Fraction
    B: Fraction
    C: Fraction
    mu: Fraction
    gamma: Fraction

    @classmethod
    def from_factors(
        cls,
        c: Fraction,
        y_star: Fraction,
        u0: tuple[Fraction, ...],
        v0: tuple[Fraction, ...],
        mu: Fraction,
        gamma: Fraction,
    ) -> ScalarLiftedFlow:
        """From u(0), v(0) in R^k; a negative c is turned positive with y* (the loss is unchanged)."""
        if c == 0:
            raise ValueError("c must be nonzero (lambda > 0)")
        if c < 0:
            c, y_star = -c, -y_star
        uu = sum((x * x for x in u0), Fraction(0))
        vv = sum((x * x for x in v0), Fraction(0))
        uv = sum((x * y for x, y in zip(u0, v0, strict=True)), Fraction(0))
        # |a0|^2 = |u0 + v0|^2 / 2, |b0|^2 = |u0 - v0|^2 / 2, a0.b0 = (|u0|^2 - |v0|^2)/2
        return cls(c, y_star, (uu + vv) / 2 + uv, (uu + vv) / 2 - uv, (uu - vv) / 2, mu, gamma)

    @property
    def r0(self) -> Fraction:
        """r(0) = y(0) - y* with y(0) = c <u0, v0> = c (A - B)/2."""
        return self.c * (self.A - self.B) / 2 - self.y_star

    @property
    def gram_uv(self) -> tuple[Fraction, Fraction, Fraction]:
        """W0 W0^T = [[|u0|^2, u0.v0], [u0.v0, |v0|^2]] as (|u0|^2, |v0|^2, u0.v0)."""
        return (self.A + self.B) / 2 + self.C, (self.A + self.B) / 2 - self.C, (self.A - self.B) / 2


# ------------------------------------------------------------------ backends


@dataclass(frozen=True)
class Backend:
    """Arithmetic for the closed forms: float64, or arb balls at a precision."""

    name: str
    const: Callable[[Fraction], Any]
    exp: Callable[[Any], Any]
    expm1: Callable[[Any], Any]
    log1p: Callable[[Any], Any]
    log: Callable[[Any], Any]
    sqrt: Callable[[Any], Any]
    psi: Callable[[Any], Any]
    hull: Callable[[Any, Any], Any]  # a value containing both arguments' ranges (lo <= hi)
    lower: Callable[[Any], float]  # for decisions between branches
    upper: Callable[[Any], float]


def _psi_float(x: float) -> float:
    if abs(x) < PSI_SERIES_BELOW:
        term, total = x * x / 2, 0.0
        for n in range(3, PSI_SERIES_TERMS + 3):
            total += term
            term *= x / n
        return total
    return math.expm1(x) - x


FLOAT = Backend(
    name="float64",
    const=float,
    exp=math.exp,
    expm1=math.expm1,
    log1p=math.log1p,
    log=math.log,
    sqrt=lambda x: math.sqrt(max(x, 0.0)),
    psi=_psi_float,
    hull=lambda lo, hi: (lo, hi),
    lower=float,
    upper=float,
)


def _arb_sqrt(x: arb) -> arb:
    """sqrt of a ball that may reach below 0 by rounding: its non-negative part."""
    return x.nonnegative_part().sqrt()


def _arb_hull(lo: arb, hi: arb) -> arb:
    """A ball containing [lo.lower(), hi.upper()] (arb's union is loose for exact endpoints)."""
    a, b = lo.lower(), hi.upper()
    return (a + b) / 2 + arb(0, 1) * ((b - a) / 2)


def arb_backend() -> Backend:
    """Balls at python-flint's current precision (callers set it with ``flint.ctx.workprec``)."""
    return Backend(
        name="arb",
        const=lambda q: arb(fmpq(q.numerator, q.denominator)),
        exp=lambda x: x.exp(),
        expm1=lambda x: x.expm1(),
        log1p=lambda x: x.log1p(),
        log=lambda x: x.log(),
        sqrt=_arb_sqrt,
        psi=lambda x: x.expm1() - x,
        hull=_arb_hull,
        lower=lambda x: float(x.lower()),
        upper=lambda x: float(x.upper()),
    )


# ------------------------------------------------------------------ the closed form


@dataclass(frozen=True)
class ScalarPath:
    """The d = 1 flow's quantities (values of the backend: floats or arb balls).

    ``L = 4c s_inf`` = ln z+; ``dev_F_limit`` = ||W(oo) - W(0)||_F (= sup_T, monotone in |s|);
    ``tk_gap_limit`` = ||W(oo) - W_TK(oo)||_F; ``tk_gap_sup`` >= sup_T ||W(T) - W_TK(T)||_F (an
    upper bound); ``int_g`` = int_0^oo g dt (exact); ``int_abs_g`` = (lower, upper) bounds of
    int_0^oo |g| dt; ``W0_op`` = ||W(0)||_op.
    """

    backend: str
    r0: Any
    K: Any
    L: Any
    dev_F_limit: Any
    tk_gap_limit: Any
    tk_gap_sup: Any
    int_g: Any
    int_abs_g: tuple[Any, Any]
    W0_op: Any


def _lambda_max(p: Any, q: Any, r: Any, be: Backend) -> Any:
    """Largest eigenvalue of [[p, r], [r, q]]."""
    return (p + q) / 2 + be.sqrt(((p - q) / 2) ** 2 + r * r)


def _H(ell: Any, A: Any, B: Any, c: Any, be: Backend) -> Any:
    """H at 4cs = ell: (c/2)(A psi(-ell) - B psi(ell))."""
    return c / 2 * (A * be.psi(-ell) - B * be.psi(ell))


def closed_form(flow: ScalarLiftedFlow, be: Backend) -> ScalarPath:
    """The path quantities of the module docstring."""
    c, ys = be.const(flow.c), be.const(flow.y_star)
    A, B, C = be.const(flow.A), be.const(flow.B), be.const(flow.C)
    r0 = be.const(flow.r0)
    K = 2 * c * c * (A + B)
    W0_op = be.sqrt(_lambda_max(A, B, C, be))
    zero = be.const(Fraction(0))
    if flow.r0 == 0:  # y(0) = y*: the flow stands still
        return ScalarPath(be.name, r0, K, zero, zero, zero, zero, zero, (zero, zero), W0_op)
    # w = z+ - 1 solves cB w^2 + 2(cB + y*) w - 2 r0 = 0 (z = 1 + w in cB z^2 + 2y* z - cA = 0),
    # rationalized: no cancellation when r0 is small.
    cb = c * B + ys
    w = 2 * r0 / (cb + be.sqrt(cb * cb + 2 * c * B * r0))
    L = be.log1p(w)  # 4c s_inf
    p, q = be.expm1(-L / 2), be.expm1(L / 2)  # e^{-2cs} - 1, e^{2cs} - 1 at s_inf
    dev_F = be.sqrt(A * p * p + B * q * q)
    H_inf = _H(L, A, B, c, be)
    int_g = H_inf / K
    # int |h| ds: h = 0 at s = 0 and at 4cs = ln(A/B), positive between them (h is concave)
    abs_H = abs(H_inf)
    int_abs_h = abs_H
    if flow.A != flow.B and flow.A > 0 and flow.B > 0:
        ell_h = be.log(A / B)
        if _strictly_between(ell_h, L, be):
            H_h = _H(ell_h, A, B, c, be)
            int_abs_h = abs(H_h) + abs(H_inf - H_h)
    int_abs_g = (abs_H / K, int_abs_h / K)
    a_coef = be.psi(-L / 2) - 2 * c * int_g  # e^{-2cs} - 1 + 2c s_TK at oo
    b_coef = be.psi(L / 2) + 2 * c * int_g  # e^{2cs} - 1 - 2c s_TK at oo
    tk_limit = be.sqrt(A * a_coef * a_coef + B * b_coef * b_coef)
    half = abs(L) / 2
    tk_sup = be.sqrt(A + B) * (be.psi(half) + 2 * c * int_abs_h / K)
    return ScalarPath(be.name, r0, K, L, dev_F, tk_limit, tk_sup, int_g, int_abs_g, W0_op)


def _strictly_between(ell_h: Any, L: Any, be: Backend) -> bool:
    """Is ell_h strictly between 0 and L?  With balls: where it may be, split (the sum of |H|
    over the two pieces is then an upper bound of int |h| either way: |H(L)| <= |H(h)| + |H(L) - H(h)|)."""
    lo, hi = (0.0, be.upper(L)) if be.lower(L) >= 0 else (be.lower(L), 0.0)
    return be.upper(ell_h) > lo and be.lower(ell_h) < hi


# ------------------------------------------------------------------ path integrals


def deviation_op(ell: Any, flow: ScalarLiftedFlow, be: Backend) -> Any:
    """||W(s) - W(0)||_op at 4cs = ell: sqrt(lambda_max(D G0 D)), D = diag(e^{-ell/2} - 1, e^{ell/2} - 1)."""
    A, B, C = be.const(flow.A), be.const(flow.B), be.const(flow.C)
    p, q = be.expm1(-ell / 2), be.expm1(ell / 2)
    return be.sqrt(_lambda_max(A * p * p, B * q * q, C * p * q, be))


def factor_op(ell: Any, flow: ScalarLiftedFlow, be: Backend) -> Any:
    """||W(s)||_op at 4cs = ell: sqrt(lambda_max([[A e^{-ell}, C], [C, B e^{ell}]]))."""
    A, B, C = be.const(flow.A), be.const(flow.B), be.const(flow.C)
    return be.sqrt(_lambda_max(A * be.exp(-ell), B * be.exp(ell), C, be))


def integral_80(flow: ScalarLiftedFlow, path: ScalarPath, be: Backend, pieces: int = RIEMANN_PIECES) -> Any:
    """sqrt(Lambda) int_0^oo ||W(t)||_op |r(t)| dt = (1/4) int_0^{|L|} ||W||_op dl (ds = r dt, Lambda = c^2).

    float64: the trapezoid rule; arb: the sum of (piece width) x (enclosure of the integrand on
    the piece), a rigorous enclosure.
    """
    L = path.L
    if be.name == "float64":
        h = L / pieces
        values = [factor_op(i * h, flow, be) for i in range(pieces + 1)]
        return abs(h) * (sum(values) - (values[0] + values[-1]) / 2) / 4
    h = L / pieces
    total = arb(0)
    for i in range(pieces):
        piece = _arb_hull_unordered(i * h, (i + 1) * h)
        total += factor_op(piece, flow, be)
    return abs(h) * total / 4


def integral_82(flow: ScalarLiftedFlow, path: ScalarPath, be: Backend, pieces: int = RIEMANN_PIECES) -> Any:
    """sqrt(Lambda) int_0^oo (||W - W0||_op |r| + ||W0||_op |r_TK - r|) dt, krr (82) with Lambda = c^2.

    The first part is (1/4) int_0^{|L|} ||W - W0||_op dl, whose integrand increases with |l|
    (lower/upper Riemann sums); the second is c ||W0||_op int |g| dt, enclosed by
    [|H(s_inf)|, int |h| ds] / K (module docstring).  float64: the upper end (a violation found
    with it survives the whole enclosure); arb: the enclosure.
    """
    L = path.L
    h = L / pieces
    values = [deviation_op(i * h, flow, be) for i in range(pieces + 1)]
    lower = abs(h) * sum(values[:-1]) / 4
    upper = abs(h) * sum(values[1:]) / 4
    c = be.const(flow.c)
    g_lo, g_hi = path.int_abs_g
    if be.name == "float64":
        return upper + c * path.W0_op * g_hi
    return be.hull(lower + c * path.W0_op * g_lo, upper + c * path.W0_op * g_hi)


def _arb_hull_unordered(x: arb, y: arb) -> arb:
    lo = x if float(x.mid()) <= float(y.mid()) else y
    hi = y if lo is x else x
    return _arb_hull(lo, hi)


# ------------------------------------------------------------------ the bounds of Theorem 9


def theorem9_bounds(flow: ScalarLiftedFlow, be: Backend) -> tuple[Any, Any]:
    """Theorem 9's two right sides with lambda = Lambda = c^2 (krr App. H):
    sqrt(Lambda + lambda/4)|r0|/(lambda sqrt mu) and
    Lambda sqrt(1 + lambda/(4 Lambda)) r0^2/(lambda^2 mu^{3/2})
    + 2 sqrt(Lambda) sqrt(1 + gamma/mu)|r0|/(lambda sqrt mu)."""
    c, mu, gamma = be.const(flow.c), be.const(flow.mu), be.const(flow.gamma)
    r0 = abs(be.const(flow.r0))
    lam = c * c
    root_mu = be.sqrt(mu)
    first = be.sqrt(lam + lam / 4) * r0 / (lam * root_mu)
    second = lam * be.sqrt(1 + be.const(Fraction(1, 4))) * r0 * r0 / (
        lam * lam * mu * root_mu
    ) + 2 * c * be.sqrt(1 + gamma / mu) * r0 / (lam * root_mu)
    return first, second


def hypothesis_margins(flow: ScalarLiftedFlow) -> dict[str, Fraction]:
    """Theorem 9's hypotheses at d = N = 1 as exact margins (>= 0 iff the hypothesis holds; > 0 for mu).

    * ||W0 W0^T - mu I||_op <= gamma: both (mu + gamma) I - G and G - (mu - gamma) I are PSD
      (2 x 2: diagonal >= 0 and determinant >= 0; the margin is the smallest of the four);
    * mu > 4 Lambda gamma / lambda = 4 gamma;
    * |r0| <= mu c (1 - sqrt((1 + gamma/mu)/(1 + 1/4))): 1 - |r0|/(mu c) >= 0 and
      (1 - |r0|/(mu c))^2 - (4/5)(1 + gamma/mu) >= 0 (the smaller of the two).
    """
    p, q, r = flow.gram_uv
    mu, gamma = flow.mu, flow.gamma
    up = (mu + gamma - p, mu + gamma - q, (mu + gamma - p) * (mu + gamma - q) - r * r)
    down = (p - mu + gamma, q - mu + gamma, (p - mu + gamma) * (q - mu + gamma) - r * r)
    ratio = 1 - abs(flow.r0) / (mu * flow.c)
    return {
        "||W0 W0^T - mu I||_op <= gamma": min(*up, *down),
        "mu > 4 Lambda gamma / lambda": mu - 4 * gamma,
        "||y(0) - y*|| <= mu lambda/sqrt(Lambda) (1 - sqrt((1 + gamma/mu)/(1 + lambda/(4 Lambda))))": min(
            ratio, ratio * ratio - Fraction(4, 5) * (1 + gamma / mu)
        ),
    }
