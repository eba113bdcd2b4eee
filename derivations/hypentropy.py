"""The hypentropy potential of "Kernel and Rich Regimes".

krr (21):  q(z) = int_0^z arcsinh(t/2) dt = 2 - sqrt(4 + z^2) + z arcsinh(z/2)
krr (20):  Q_{alpha,w0}(beta) = sum_i alpha^2 w0_i^2 q(beta_i / (alpha^2 w0_i^2))
"""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Outcome, Part, Step
from dlncheck.derivations.equality import compare, rational_points

z = sp.Symbol("z", real=True)
t = sp.Symbol("t", real=True)


def q_printed(arg: sp.Expr = z) -> sp.Expr:
    """krr (21), closed form as printed."""
    return 2 - sp.sqrt(4 + arg**2) + arg * sp.asinh(arg / 2)


def q_antiderivative() -> Derivation:
    """krr (21) two ways: SymPy's integral, and q' = arcsinh(z/2) with q(0) = 0."""
    integrand = sp.asinh(t / 2)
    printed = q_printed()
    derived = sp.integrate(integrand, (t, 0, z))
    by_integral = compare(derived, printed, rational_points({z}))
    # Independent of SymPy's integrator: q' = arcsinh(z/2) and q(0) = 0 determine q.
    slope_and_start = sp.Matrix([sp.diff(printed, z), printed.subs(z, 0)])
    fundamental = compare(slope_and_start, sp.Matrix([integrand.subs(t, z), 0]), rational_points({z}))
    steps = (
        Step("integrand arcsinh(t/2)", integrand),
        Step("SymPy: int_0^z arcsinh(t/2) dt", derived),
        Step("printed closed form krr (21)", printed),
        Step("residual integral - printed", by_integral.residual),
        Step("second route: (d/dz printed - arcsinh(z/2), printed(0))", fundamental.residual),
    )
    return Derivation.from_parts(
        [
            Part.of("q' and q(0)", fundamental, slope_and_start),
            Part.of("integral", by_integral, derived, printed),
        ],
        title="q as the antiderivative of arcsinh(t/2)",
        steps=steps,
        assumptions="z real",
    )


# ------------------------------------------------------------------ krr (18)-(20), Appendix D

alpha = sp.Symbol("alpha", positive=True)
# One entry of w0.  Only w0_i^2 enters (18)-(20), so taking w0_i > 0 loses nothing
# ("w0 with no zero entries", Theorem 1).
w0 = sp.Symbol("w0", positive=True)
beta = sp.Symbol("beta", real=True)

GRADIENT_COORDINATES = 3  # d for the gradient (19): coordinates are independent, 3 shows the pattern


def Q_coordinate(b: sp.Expr, a: sp.Expr = alpha, w: sp.Expr = w0) -> sp.Expr:
    """krr (20), one coordinate: alpha^2 w0_i^2 q(beta_i / (alpha^2 w0_i^2))."""
    return a**2 * w**2 * q_printed(b / (a**2 * w**2))


def link_function(u: sp.Expr, a: sp.Expr = alpha, w: sp.Expr = w0) -> sp.Expr:
    """krr (18): b_alpha(z) = 2 alpha^2 w0^2 sinh(z), entrywise."""
    return 2 * a**2 * w**2 * sp.sinh(u)


def gradient_is_inverse_link() -> Derivation:
    """krr (19): grad Q_{alpha,w0} of (20)-(21) equals b_alpha^{-1}(beta) = arcsinh(beta/(2 alpha^2 w0^2))."""
    d = GRADIENT_COORDINATES
    betas = sp.symbols(f"beta_1:{d + 1}", real=True)
    ws = sp.symbols(f"w0_1:{d + 1}", positive=True)
    Q = sum(Q_coordinate(b, alpha, w) for b, w in zip(betas, ws, strict=True))  # (20)
    gradient = sp.Matrix([sp.diff(Q, b) for b in betas])
    printed = sp.Matrix([sp.asinh(b / (2 * alpha**2 * w**2)) for b, w in zip(betas, ws, strict=True)])  # (19)
    grad = compare(gradient, printed, rational_points(set(betas) | set(ws) | {alpha}, count=3))
    # b_alpha^{-1}: b_alpha is strictly increasing (b' = 2 alpha^2 w0^2 cosh z > 0), so a right
    # inverse on all of R is the inverse.
    u = sp.Symbol("u", real=True)
    slope = sp.diff(link_function(u), u)
    inverted = link_function(sp.asinh(beta / (2 * alpha**2 * w0**2)))
    right_inverse = compare(inverted, beta)
    increasing = slope.is_positive is True
    # "Integrating this expression": Q(0) = 0 fixes the constant, so (19) and Q(0)=0 give (20).
    Q0 = Q.subs({b: 0 for b in betas})
    at_zero = compare(Q0, 0)
    # KKT for (5) are then sufficient: Q is convex, its Hessian is diagonal with q''(z) = 1/sqrt(4 + z^2) > 0
    curvature = compare(sp.diff(q_printed(t), t, 2), 1 / sp.sqrt(4 + t**2))
    convex = curvature.outcome == Outcome.AGREES and (1 / sp.sqrt(4 + t**2)).is_positive is True
    steps = (
        Step(f"Q of (20) with q of (21), d = {d}", Q),
        Step("gradient by SymPy", gradient),
        Step("printed (19): arcsinh(beta / (2 alpha^2 w0^2))", printed),
        Step("residual gradient - (19)", grad.residual),
        Step("b_alpha of (18) and its derivative (> 0: b_alpha is increasing, hence injective)", slope),
        Step("b_alpha(arcsinh(beta/(2 alpha^2 w0^2))) - beta", right_inverse.residual),
        Step("Q(0) (the constant of integration)", Q0),
        Step(
            "q''(t) - 1/sqrt(4 + t^2) (Q convex, so the KKT conditions of (5) are sufficient)",
            curvature.residual,
        ),
        Step("KKT: grad Q(b_alpha(X^T nu)) = b_alpha^{-1}(b_alpha(X^T nu)) = X^T nu, with X beta = y"),
    )
    return Derivation.from_parts(
        [
            Part.of("inverse (b' > 0)", right_inverse, inverted, beta),
            Part.of("Q(0)", at_zero, Q0),
            Part.of("gradient", grad, gradient, printed),
        ],
        title="grad Q_{alpha,w0} = b_alpha^{-1} (19) and Q(0) = 0 give (20)",
        steps=steps,
        assumptions="alpha > 0, w0_i != 0 (taken > 0: only w0_i^2 enters), beta real",
        decided=increasing and convex,
    )


# ---------------------------------------------------------------------------- krr (22)


def q_is_even() -> Derivation:
    """krr (22): g(x) = x arcsinh(x/2) and q are even, so Q_alpha(beta) = Q_alpha(|beta|).

    (22) writes g(x) = x arcsin(x/2); the q of (21) has arcsinh, and that is the g used here.
    """
    x = sp.Symbol("x", real=True)
    b = sp.Symbol("b", nonnegative=True)  # |beta_i|
    g = x * sp.asinh(x / 2)
    g_even = compare(g.subs(x, -x), g)
    q_even = compare(q_printed(-x), q_printed(x))
    # beta_i = +-|beta_i|: Q's coordinate term at -b equals the one at b = |beta_i|
    Q_even = compare(Q_coordinate(-b, alpha, 1), Q_coordinate(b, alpha, 1))
    steps = (
        Step("g(-x) - g(x), g(x) = x arcsinh(x/2)", g_even.residual),
        Step("q(-z) - q(z), q of (21)", q_even.residual),
        Step("alpha^2 q(-b/alpha^2) - alpha^2 q(b/alpha^2), b = |beta_i| (w0 = 1)", Q_even.residual),
        Step("every beta_i is |beta_i| or -|beta_i|, so each term of Q_alpha, hence Q_alpha, is even"),
    )
    return Derivation.from_parts(
        [
            Part.of("g", g_even, g.subs(x, -x), g),
            Part.of("q", q_even, q_printed(-x), q_printed(x)),
            Part.of("Q", Q_even, Q_coordinate(-b, alpha, 1), Q_coordinate(b, alpha, 1)),
        ],
        title="q and Q_alpha are even (22)",
        steps=steps,
        derived=q_printed(-x),
        printed=q_printed(x),
        assumptions="x real, alpha > 0, w0 = 1",
    )


# ---------------------------------------------------------------------- krr (23)-(24)

b_abs = sp.Symbol("b", nonnegative=True)  # |beta_i|
ell = sp.log(1 / alpha**2)  # ln(1/alpha^2), the normalization of Lemma 5


def lemma5_rewriting_printed(b: sp.Expr = b_abs) -> tuple[sp.Expr, ...]:
    """The four lines of krr (23) for one coordinate, as printed (with |beta_i| = b)."""
    a = alpha
    return (
        a**2 * (2 - sp.sqrt(4 + b**2 / a**4) + b / a**2 * sp.asinh(b / (2 * a**2))) / ell,  # (22) line 1
        2 * a**2 / ell - sp.sqrt(4 * a**4 + b**2) / ell + b / ell * sp.asinh(b / (2 * a**2)),
        2 * a**2 / ell
        - sp.sqrt(4 * a**4 + b**2) / ell
        + b / ell * sp.log(b / (2 * a**2) + sp.sqrt(1 + b**2 / (4 * a**4))),
        2 * a**2 / ell
        - sp.sqrt(4 * a**4 + b**2) / ell
        + b * (1 + sp.log(b / 2 + sp.sqrt(a**4 + b**2 / 4)) / ell),
    )


def lemma5_rewriting() -> Derivation:
    """krr (23): Q_alpha(beta)/ln(1/alpha^2) rewritten term by term; and (24)."""
    derived = Q_coordinate(b_abs, alpha, 1) / ell  # (20) with w0 = 1, coordinate |beta_i|
    points = [
        {alpha: sp.Rational(1, 3), b_abs: sp.Integer(2)},
        {alpha: sp.Rational(3, 5), b_abs: sp.Rational(1, 7)},
    ]
    lines = lemma5_rewriting_printed()
    cmps = [compare(derived, line, points) for line in lines]
    # (24): |a| <= sqrt(a^2 + b^2) <= |a| + |b|, with A = |a|, B = |b|: squares differ by B^2 and 2AB
    A, B = sp.symbols("A B", nonnegative=True)
    lower = sp.expand((A**2 + B**2) - A**2)
    upper = sp.expand((A + B) ** 2 - (A**2 + B**2))
    signs_ok = lower.is_nonnegative is True and upper.is_nonnegative is True
    steps = (
        *(
            Step(
                f"(23) line {k + 1} as printed; residual against alpha^2 q(|beta_i|/alpha^2)/ln(1/alpha^2): "
                f"{c.outcome} ({c.method})",
                line,
            )
            for k, (line, c) in enumerate(zip(lines, cmps, strict=True))
        ),
        Step("(24) lower: (A^2 + B^2) - A^2 with A = |a|, B = |b| (>= 0, and sqrt is increasing)", lower),
        Step("(24) upper: (A + B)^2 - (A^2 + B^2) (>= 0)", upper),
    )
    return Derivation.from_parts(
        [
            Part.of(f"(23) line {k + 1}", c, derived, line)
            for k, (line, c) in enumerate(zip(lines, cmps, strict=True))
        ],
        title="Q_alpha/ln(1/alpha^2) rewritten (23), and (24)",
        steps=steps,
        derived=derived,
        printed=lines[-1],
        assumptions="alpha > 0, alpha != 1, w0 = 1, b = |beta_i| >= 0 (by (22))",
        decided=signs_ok,
    )
