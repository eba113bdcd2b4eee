"""The argmin characterizations of krr Theorems 1 and 3 through their KKT conditions.

krr Sec. 4 ("A General Approach"): if X beta_inf = y and beta_inf = b_alpha(X^T nu), then
beta_inf minimizes Q_alpha subject to X beta = y as soon as grad Q_alpha = b_alpha^{-1}:
the KKT conditions X beta = y, grad Q(beta) in range(X^T) are then met, and they suffice
because Q is strictly convex.

Both links are derived here from the flow of L itself (krr Sec. 2, no 1/2): the factor 2
that the printed flows (15), (55) drop only rescales nu.
"""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations import hypentropy, krr_depth_potential
from dlncheck.derivations.derivation import Derivation, Outcome, Part, Step
from dlncheck.derivations.equality import compare

alpha = sp.Symbol("alpha", positive=True)
DIMENSION = 2


def _positive(text: str, expr: sp.Expr, what: str) -> Part:
    if expr.is_positive is True:
        return Part(text, Outcome.AGREES, expr, sp.Integer(0), f"SymPy decides {what} > 0")
    return Part(text, Outcome.INCONCLUSIVE, expr, expr, f"could not decide the sign of {what}")


def theorem1_kkt() -> Derivation:
    """Theorem 1 (w0 general): grad Q_{alpha,w0}(beta_inf) = X^T nu and Q strictly convex."""
    d = DIMENSION
    s = sp.Matrix(d, 1, lambda i, _: sp.Symbol(f"s_{i + 1}", real=True))  # X^T int_0^inf r
    w0 = sp.Matrix(d, 1, lambda i, _: sp.Symbol(f"w0_{i + 1}", positive=True))
    # flow of L: w_+- = alpha w0 o exp(-+4 X^T int r) (krr.eq15 corrected, krr.eq16)
    w_plus = (alpha * w0).multiply_elementwise((-4 * s).applyfunc(sp.exp))
    w_minus = (alpha * w0).multiply_elementwise((4 * s).applyfunc(sp.exp))
    beta_flow = w_plus.applyfunc(lambda e: e**2) - w_minus.applyfunc(lambda e: e**2)
    v = -8 * s  # X^T nu with nu = -8 int_0^inf r
    beta = sp.Matrix(d, 1, lambda i, _: 2 * alpha**2 * w0[i] ** 2 * sp.sinh(v[i]))  # b_alpha(X^T nu)
    link = Part.of(
        "beta = b_alpha(X^T nu)",
        compare(beta_flow, beta.applyfunc(lambda e: e.rewrite(sp.exp))),
        beta_flow,
        beta,
    )
    b = sp.Matrix(d, 1, lambda i, _: sp.Symbol(f"beta_{i + 1}", real=True))
    Q = sum(alpha**2 * w0[i] ** 2 * hypentropy.q_printed(b[i] / (alpha**2 * w0[i] ** 2)) for i in range(d))
    grad = sp.Matrix(d, 1, lambda i, _: sp.simplify(sp.diff(Q, b[i])))
    at_limit = grad.subs({b[i]: beta[i] for i in range(d)})
    # SymPy leaves asinh(sinh(v)); sinh is injective on R, so compare after applying it
    kkt = compare(at_limit.applyfunc(sp.sinh), v.applyfunc(sp.sinh))
    hessian = sp.hessian(Q, list(b))
    mixed = sp.Matrix([hessian[0, 1], hessian[1, 0]])
    off_diagonal = compare(mixed, sp.zeros(2, 1))
    convex = _positive("strict convexity", sp.simplify(hessian[0, 0]), "d^2 Q / d beta_1^2")
    steps = (
        Step("flow of L: w_+- = alpha w0 o exp(-+4 X^T int r), beta = w_+^2 - w_-^2", beta_flow),
        Step("b_alpha(X^T nu) = 2 alpha^2 w0^2 o sinh(X^T nu), nu = -8 int_0^inf r (printed (18): -4)", beta),
        Step("Q_{alpha,w0} of krr (5)/(20) with q of (21), d = 2", Q),
        Step("grad Q (= arcsinh(beta/(2 alpha^2 w0^2)), krr (19))", grad),
        Step("grad Q at beta_inf = b_alpha(X^T nu); compared after sinh, injective on R", at_limit),
        Step(
            "Hessian of Q: diagonal with entries 1/(alpha^2 w0_i^2 sqrt(4 + (beta_i/(alpha^2 w0_i^2))^2))",
            hessian,
        ),
        Step(
            "X beta_inf = y (hypothesis) and grad Q(beta_inf) = X^T nu in range(X^T) are the KKT "
            "conditions of "
            "min Q s.t. X beta = y; Q is strictly convex, so beta_inf is its unique minimizer. nu exists: "
            "X^T nu(t) = arcsinh(beta(t)/(2 alpha^2 w0^2)) converges with beta(t), and range(X^T) is closed"
        ),
    )
    return Derivation.from_parts(
        [
            link,
            Part.of("grad Q(beta_inf) = X^T nu", kkt, at_limit, v),
            Part.of("Hessian diagonal", off_diagonal, mixed, sp.zeros(2, 1)),
            convex,
        ],
        title="Theorem 1: KKT of min Q_alpha s.t. X beta = y at the flow's limit",
        assumptions="alpha > 0, w0 without zero entries (w0 > 0 wlog: only w0^2 enters), d = 2",
        steps=steps,
        derived=at_limit,
        printed=v,
    )


def theorem3_kkt() -> Derivation:
    """Theorem 3: beta_inf = alpha^D h_D(X^T nu) from the flow of L; grad Q^D_alpha = h_D^{-1}."""
    D = krr_depth_potential.D
    h = krr_depth_potential.h
    s = sp.Symbol("s", real=True)  # [X^T int_0^inf r]_i
    # flow of L (krr.lem8, corrected): w_+-^{2-D} = alpha^{2-D} +- 2D(D-2) s
    c = alpha ** (D - 2) * 2 * D * (D - 2) * s
    w_plus = (alpha ** (2 - D) * (1 + c)) ** (-1 / (D - 2))
    w_minus = (alpha ** (2 - D) * (1 - c)) ** (-1 / (D - 2))
    beta_flow = sp.powsimp(sp.expand_power_base(w_plus**D - w_minus**D, force=True), force=True)
    v = -c  # [X^T nu]_i, nu = -2 alpha^{D-2} D(D-2) int_0^inf r (printed (58): without the 2)
    link = compare(beta_flow, alpha**D * h(v))
    beta = sp.Symbol("beta", real=True)
    inverse = sp.Function("h_inv")
    tt = sp.Symbol("t", real=True)
    Q = alpha**D * sp.Integral(inverse(tt), (tt, 0, beta / alpha**D))  # krr (60), one coordinate
    grad = sp.diff(Q, beta).doit()
    zeta = sp.Symbol("zeta", real=True)  # [X^T nu]_i, in (-1, 1) by Lemma 8
    at_limit = grad.subs(beta, alpha**D * h(zeta))
    # h_D^{-1}(h_D(zeta)) = zeta on (-1, 1), the definition of the inverse of an increasing h_D
    inverted = at_limit.replace(
        inverse, lambda arg: zeta if sp.simplify(arg - h(zeta)) == 0 else inverse(arg)
    )
    kkt = compare(inverted, zeta)
    _, increasing = krr_depth_potential.h_derivative_positive("h_D' > 0 (convexity)")
    steps = (
        Step("flow of L: beta = w_+^D - w_-^D with w_+-^{2-D} = alpha^{2-D}(1 +- c)", beta_flow),
        Step("= alpha^D h_D(X^T nu), X^T nu = -c = -2 alpha^{D-2} D(D-2) X^T int_0^inf r", alpha**D * h(v)),
        Step("Q^D_alpha of (60), one coordinate; d/dbeta", grad),
        Step("at beta = alpha^D h_D(zeta): h_D^{-1}(h_D(zeta)) = zeta for zeta in (-1, 1)", inverted),
        Step(
            "h_D' > 0 on (-1, 1), so h_D^{-1} is increasing, q_D'' > 0 and Q^D_alpha is strictly "
            "convex; with "
            "X beta_inf = y the KKT conditions hold and beta_inf is the unique minimizer"
        ),
    )
    return Derivation.from_parts(
        [
            Part.of("beta = alpha^D h_D(X^T nu)", link, beta_flow, alpha**D * h(v)),
            Part.of("grad Q(beta_inf) = X^T nu", kkt, inverted, zeta),
            increasing,
        ],
        title="Theorem 3: KKT of min Q^D_alpha s.t. X beta = y at the flow's limit",
        assumptions="alpha > 0, D > 2 symbolic; coordinatewise; |X^T nu| < 1 (Lemma 8)",
        steps=steps,
        derived=inverted,
        printed=zeta,
    )
