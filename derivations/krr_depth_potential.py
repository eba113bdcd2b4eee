"""The depth-D link function h_D of "Kernel and Rich Regimes" and its potential q_D.

krr (59):  h_D(z) = (1 - z)^{-D/(D-2)} - (1 + z)^{-D/(D-2)} on [-1, 1], D > 2
krr (58):  beta(inf) = alpha^D h_D(X^T nu(inf)), nu(inf) = -alpha^{D-2} D(D-2) int_0^inf r
krr (60):  Q^D_alpha(beta) = alpha^D sum_i int_0^{beta_i/alpha^D} h_D^{-1}(t) dt
krr (65):  h_D(z) = 2D/(D-2) z + O(z^3);  (66): beta_i / [X^T mu]_i -> 1, mu = 2D alpha^D nu/(D-2)

h_D^{-1} has no closed form (the paper: "the root of a rational equation"), so q_D is
handled through its defining properties and as a power series at 0.  Depth is a symbol;
D = 2 + delta with delta > 0 where SymPy needs the sign of D - 2.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Outcome, Part, Step
from dlncheck.derivations.equality import compare

z = sp.Symbol("z", real=True)
tt = sp.Symbol("t", real=True)
alpha = sp.Symbol("alpha", positive=True)
D = sp.Symbol("D", integer=True, positive=True)
delta = sp.Symbol("delta", positive=True)  # D = 2 + delta
# 1 - z and 1 + z on the open interval (-1, 1)
one_minus, one_plus = sp.symbols("a b", positive=True)
# Order of the power series of h_D and its inverse (terms z, z^3, z^5).
SERIES_ORDER = 7


def exponent(depth=D):
    return depth / (depth - 2)


def h(arg=z, depth=D) -> sp.Expr:
    """krr (59)."""
    p = exponent(depth)
    return (1 - arg) ** (-p) - (1 + arg) ** (-p)


def _decided_positive(text: str, expr: sp.Expr, what: str) -> Part:
    if expr.is_positive is True:
        return Part(text, Outcome.AGREES, expr, sp.Integer(0), f"SymPy decides {what} > 0")
    return Part(text, Outcome.INCONCLUSIVE, expr, expr, f"could not decide the sign of {what}")


def h_derivative_positive(text: str = "h_D' > 0") -> tuple[sp.Expr, Part]:
    """h_D'(z) > 0 on (-1, 1): with a = 1 - z > 0, b = 1 + z > 0 and D = 2 + delta."""
    derivative = sp.diff(h(), z)
    in_ab = derivative.xreplace({1 - z: one_minus, z + 1: one_plus, -z + 1: one_minus})
    in_ab = in_ab.subs(D, 2 + delta)
    if in_ab.has(z):
        return derivative, Part(
            text, Outcome.INCONCLUSIVE, in_ab, in_ab, "could not write h_D' in 1 - z, 1 + z"
        )
    what = "h_D'(z) (a = 1 - z, b = 1 + z, D = 2 + delta)"
    return derivative, _decided_positive(text, sp.simplify(in_ab), what)


@cache
def h_series(order: int = SERIES_ORDER) -> sp.Expr:
    return sp.series(h(), z, 0, order).removeO()


@cache
def inverse_series(order: int = SERIES_ORDER) -> sp.Expr:
    """h_D^{-1}(t) as an odd power series, by reverting the series of h_D coefficientwise."""
    series = sp.expand(h_series(order))
    coeffs = sp.symbols(f"c1:{order}")
    trial = sum(c * tt**k for k, c in enumerate(coeffs, start=1) if k % 2 == 1)

    # compose with truncation after every product: the full expansion is needlessly large
    def truncate(e):
        e = sp.expand(e)
        return sum(e.coeff(tt, k) * tt**k for k in range(order))

    composed, power = sp.Integer(0), sp.Integer(1)
    for k in range(1, order):
        power = truncate(power * trial)
        composed += series.coeff(z, k) * power
    composed = sp.expand(composed)
    # the t^k coefficient is h_1 c_k + (terms in c_1 .. c_{k-2}): solve it coefficient by coefficient
    solution: dict[sp.Symbol, sp.Expr] = {}
    for k in range(1, order, 2):
        ck = coeffs[k - 1]
        equation = sp.expand(composed.coeff(tt, k).subs(solution))
        target = 1 if k == 1 else 0
        solution[ck] = sp.factor((target - equation.subs(ck, 0)) / equation.coeff(ck))
    return sp.expand(trial.subs(solution)).subs({c: 0 for c in coeffs})


@cache
def q_series(order: int = SERIES_ORDER) -> sp.Expr:
    """q_D(u) = int_0^u h_D^{-1}(t) dt as a power series (even, from u^2)."""
    inverse = sp.expand(inverse_series(order))
    return sum(inverse.coeff(tt, k) * z ** (k + 1) / (k + 1) for k in range(1, order))


# ----------------------------------------------------------------------------- (58)-(60)


def eq58_link() -> Derivation:
    """(57) at t = inf with nu of (58) equals alpha^D h_D(X^T nu)."""
    s = sp.Symbol("s", real=True)  # [X^T int_0^inf r]_i
    c = alpha ** (D - 2) * D * (D - 2) * s
    beta57 = alpha**D * (1 + c) ** (-exponent()) - alpha**D * (1 - c) ** (-exponent())  # krr (57)
    nu_coordinate = -(alpha ** (D - 2)) * D * (D - 2) * s  # [X^T nu(inf)]_i, krr (58)
    printed = alpha**D * h(nu_coordinate)  # krr (58)-(59)
    link = compare(beta57, printed)
    derivative, increasing = h_derivative_positive()
    ends = sp.Matrix(
        [
            sp.limit(h().subs(D, 2 + delta), z, 1, "-"),
            sp.limit(h().subs(D, 2 + delta), z, -1, "+"),
            h(sp.Integer(0)),
        ]
    )
    expected_ends = sp.Matrix([sp.oo, -sp.oo, 0])
    limits = (
        Part(
            "limits at -1, 0, 1",
            Outcome.AGREES,
            ends,
            sp.zeros(3, 1),
            "SymPy's limits are exactly oo, -oo, 0",
        )
        if ends == expected_ends
        else Part("limits at -1, 0, 1", Outcome.INCONCLUSIVE, ends, ends, "SymPy's limits are not oo, -oo, 0")
    )
    steps = (
        Step("krr (57) at t = inf, s = [X^T int_0^inf r]_i", beta57),
        Step("krr (58)-(59): alpha^D h_D(X^T nu), X^T nu = -alpha^{D-2} D(D-2) s", printed),
        Step("h_D'(z), positive on (-1, 1)", derivative),
        Step("h_D(1-), h_D(-1+), h_D(0) (D = 2 + delta)", ends),
        Step(
            "h_D is continuous and strictly increasing on (-1, 1) from -inf to inf, so "
            "h_D^{-1}: R -> (-1, 1) "
            "exists; the endpoints +-1 are never reached because w_+- stay positive (krr.lem8)"
        ),
    )
    return Derivation.from_parts(
        [
            Part.of("link (58)", link, beta57, printed),
            increasing,
            limits,
        ],
        title="krr (58)-(59): beta(inf) = alpha^D h_D(X^T nu), h_D increasing from -inf to inf",
        assumptions="alpha > 0, D > 2 symbolic; coordinatewise",
        steps=steps,
        derived=beta57,
        printed=printed,
    )


def eq60_gradient_of_potential() -> Derivation:
    """(60): grad Q^D_alpha = h_D^{-1}(beta/alpha^D), the series of h_D^{-1} inverts h_D."""
    beta = sp.Symbol("beta", real=True)
    inverse = sp.Function("h_inv")
    Q = alpha**D * sp.Integral(inverse(tt), (tt, 0, beta / alpha**D))  # krr (60), one coordinate
    gradient = sp.diff(Q, beta).doit()
    printed = inverse(beta / alpha**D)
    fundamental = compare(gradient, printed)
    series = inverse_series()
    # q_D'' = (h_D^{-1})' = 1 / h_D'(h_D^{-1}): positive because h_D' > 0 on (-1, 1)
    _, increasing = h_derivative_positive("convexity: h_D' > 0")
    # the series of q_D starts with z^2 / (2 h_D'(0)): the kernel-regime quadratic
    quadratic, expected_quadratic = q_series().coeff(z, 2), 1 / (2 * sp.diff(h(), z).subs(z, 0))
    leading = compare(quadratic, expected_quadratic)
    steps = (
        Step("krr (60), one coordinate, h_inv = h_D^{-1}", Q),
        Step("d/dbeta by the fundamental theorem of calculus", gradient),
        Step("h_D^{-1}(t) as a series (reverted from h_D's)", series),
        Step(
            "q_D(z) = int_0^z h_D^{-1} as a series; q_D'' = 1/h_D'(h_D^{-1}) > 0, so Q^D_alpha is "
            "strictly convex",
            sp.expand(q_series()),
        ),
    )
    return Derivation.from_parts(
        [
            Part.of("fundamental theorem", fundamental, gradient, printed),
            increasing,
            Part.of("q_D = z^2/(2 h_D'(0)) + O(z^4)", leading, quadratic, expected_quadratic),
        ],
        title="krr (60): the gradient of Q^D_alpha is h_D^{-1}(beta/alpha^D)",
        assumptions="symbolic D; series to order z^5",
        steps=steps,
        derived=gradient,
        printed=printed,
    )


# ----------------------------------------------------------------------------- (65)-(66)


def eq65_taylor() -> Derivation:
    """(65): (1-z)^{-D/(D-2)} - (1+z)^{-D/(D-2)} = 2D/(D-2) z + O(z^3), symbolic D."""
    series = h_series(3)  # terms z^0, z^1, z^2: (65) says they are 0, 2D/(D-2) z, 0
    printed = 2 * D / (D - 2) * z  # krr (65)
    cmp = compare(series, printed)
    cubic = sp.factor(h_series(SERIES_ORDER).coeff(z, 3))
    even_coefficients = sp.Matrix([h_series(SERIES_ORDER).coeff(z, k) for k in (0, 2, 4, 6)])
    even = compare(even_coefficients, sp.zeros(4, 1))
    steps = (
        Step("series of h_D at 0 up to O(z^3)", series),
        Step("printed (65)", printed),
        Step("the z^3 coefficient (the O(z^3) term)", cubic),
        Step("even coefficients vanish (h_D is odd)"),
    )
    return Derivation.from_parts(
        [Part.of("linear term, no z^2 term", cmp, series, printed), Part.of("odd", even, even_coefficients)],
        title="krr (65): the Taylor expansion of h_D",
        assumptions="symbolic D > 2",
        steps=steps,
        derived=series,
        printed=printed,
    )


def eq66_ratio() -> Derivation:
    """(66): alpha^D h_D(z) / [X^T mu]_i -> 1 as z = [X^T nu]_i -> 0, mu = 2D alpha^D nu/(D-2)."""
    ratio = alpha**D * h() / (2 * D * alpha**D / (D - 2) * z)
    limit = sp.limit(ratio.subs(D, 2 + delta), z, 0)
    cmp = compare(limit, sp.Integer(1))
    correction = sp.factor(sp.series(ratio, z, 0, 3).removeO() - 1)
    steps = (
        Step("krr (66): beta_i / [X^T mu]_i with beta_i = alpha^D h_D(z), z = [X^T nu]_i", ratio),
        Step("limit z -> 0 (D = 2 + delta)", limit),
        Step(
            "ratio - 1 = O(z^2): beta - X^T mu = beta O(z^2) -> 0, so X^T mu -> beta_lim and, range(X^T) "
            "being closed, beta_lim = X^T mu_lim: the l2 KKT condition",
            correction,
        ),
    )
    return Derivation.from_parts(
        [Part.of("limit", cmp, limit, sp.Integer(1))],
        title="krr (66): the ratio beta_i / [X^T mu]_i tends to 1",
        assumptions="D > 2; z = [X^T nu]_i -> 0 by (64)",
        steps=steps,
    )


def eq64_small_argument() -> Derivation:
    """(64): bounded beta_i = alpha^D h_D(z) with alpha -> inf forces z -> 0."""
    b = sp.Symbol("b", real=True)  # the bounded limit of beta_i
    # h_D(z) = b / alpha^D -> 0; h_D is a continuous bijection with h_D(0) = 0
    target = sp.limit(b / alpha**D, alpha, sp.oo)
    at_zero = sp.Matrix([target, h(sp.Integer(0))])
    cmp = compare(at_zero, sp.zeros(2, 1))
    _, increasing = h_derivative_positive()
    steps = (
        Step("beta_i = alpha^D h_D(z_i), so h_D(z_i) = beta_i / alpha^D -> 0 for bounded beta_i", target),
        Step("h_D(0) = 0 and h_D is strictly increasing and continuous, with a continuous inverse: z_i -> 0"),
    )
    return Derivation.from_parts(
        [Part.of("limits", cmp, at_zero, sp.zeros(2, 1)), increasing],
        title="krr (64): [X^T nu]_i -> 0 as alpha -> inf",
        assumptions="D > 2, beta_i bounded as alpha -> inf",
        steps=steps,
        derived=at_zero,
        printed=sp.zeros(2, 1),
    )


# ----------------------------------------------------------------------------- Sec. 5, Fig. 3(b)

FIGURE_DIMENSION = 3  # d in the ratio Q(e_1) / Q(1_d / sqrt(d))
beta_sym = sp.Symbol("beta", positive=True)


def regime_ratios() -> Derivation:
    """Sec. 5 / Fig. 3(b): Q^D_alpha(e_1) / Q^D_alpha(1_d/sqrt d) -> 1 (alpha -> inf),
    -> 1/sqrt d (alpha -> 0),
    and the gap to ||beta||_1 near alpha = 0 is polynomial, of order alpha^{D-2}."""
    d = FIGURE_DIMENSION
    q2 = q_series()

    sigma = sp.Symbol("sigma", positive=True)  # alpha^{-D}

    def scaled_Q(
        beta_entries,
    ):  # alpha^D Q^D_alpha(beta) = sum_i q_D(beta_i sigma) / sigma^2, q_D by its series
        return sp.expand(sum(q2.subs(z, bi * sigma) for bi in beta_entries) / sigma**2)

    e1 = [1] + [0] * (d - 1)
    flat = [1 / sp.sqrt(d)] * d
    ends = [sp.limit(scaled_Q(v), sigma, 0) for v in (e1, flat)]  # alpha -> inf is sigma -> 0
    ratio = scaled_Q(e1) / scaled_Q(flat)
    kernel_end = sp.simplify(ends[0] / ends[1])
    kernel = compare(kernel_end, sp.Integer(1))
    # rich end: q_D' = h_D^{-1} -> 1 as u -> inf (h_D(1-) = inf), so q_D(u)/u -> 1 and
    # alpha^D q_D(beta/alpha^D) -> |beta|: Q^D_alpha -> ||beta||_1, ratio -> ||e_1||_1 / ||1_d/sqrt d||_1
    rich_end = sp.Integer(1) / sum(flat)
    rich = compare(rich_end, 1 / sp.sqrt(d))
    # the approach to 1 of h_D^{-1}: h_D(1 - eps) eps^{D/(D-2)} -> 1, so 1 - h_D^{-1}(t) ~ t^{-(D-2)/D}
    eps = sp.Symbol("epsilon", positive=True)
    P = sp.Symbol("p", positive=True)  # D/(D-2) > 0 for D > 2
    tail_expr = sp.expand((eps ** (-P) - (2 - eps) ** (-P)) * eps**P)  # h_D(1 - eps) eps^{D/(D-2)}
    tail = sp.limit(tail_expr, eps, 0, "+")
    tail_cmp = compare(tail, sp.Integer(1))
    u = sp.Symbol("u", positive=True)
    gap = sp.integrate((tt ** (-(D - 2) / D)).subs(D, 2 + delta), (tt, 0, u))  # int_0^u (1 - h^{-1}) ~ this
    per_coordinate_gap = sp.simplify((alpha**D * gap.subs(u, beta_sym / alpha**D)).subs(D, 2 + delta))
    steps = (
        Step(f"Q^D_alpha(e_1) / Q^D_alpha(1_d/sqrt d), d = {d}, q_D by its series, sigma = alpha^-D", ratio),
        Step("alpha^D Q^D_alpha at sigma -> 0 (alpha -> inf): (D-2)/(4D) ||beta||_2^2", sp.Matrix(ends)),
        Step("alpha -> inf: the l2 end (ratio of squared l2 norms)", kernel_end),
        Step(
            "alpha -> 0: Q^D_alpha -> ||beta||_1 since q_D(u)/u -> h_D^{-1}(inf) = 1; ratio of l1 norms",
            rich_end,
        ),
        Step("h_D(1 - eps) eps^p, p = D/(D-2) > 0; its limit as eps -> 0+ is 1", tail_expr),
        Step(
            "so ||beta||_1 - Q^D_alpha(beta) ~ alpha^D sum_i int_0^{|beta_i|/alpha^D} t^{-(D-2)/D} dt, "
            "per coordinate "
            "(polynomial in alpha, order alpha^{D-2}; for D = 2 the gap is logarithmic, krr (7))",
            per_coordinate_gap,
        ),
    )
    return Derivation.from_parts(
        [
            Part.of("alpha -> inf", kernel, kernel_end, sp.Integer(1)),
            Part.of("alpha -> 0", rich, rich_end, 1 / sp.sqrt(d)),
            Part.of("tail of h_D^{-1}", tail_cmp, tail, sp.Integer(1)),
        ],
        title="Fig. 3(b): the two ends of Q(e_1)/Q(1_d/sqrt d), and the polynomial approach to l1",
        assumptions=f"D > 2 symbolic, d = {d}; the alpha -> inf end through q_D's series at 0",
        steps=steps,
        derived=sp.Matrix([kernel_end, rich_end, tail]),
        printed=sp.Matrix([1, 1 / sp.sqrt(d), 1]),
    )
