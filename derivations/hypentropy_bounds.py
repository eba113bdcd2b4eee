"""The inequality steps of "Kernel and Rich Regimes", Appendix E, proven from the definitions.

Lemma 5, (25)-(29): Q_alpha(beta)/ln(1/alpha^2) between (1 -+ eps)|beta|_1
Lemma 6, (32)-(37): a ratio of Q_alpha at e_1 and at 1_d/sqrt(d) (alpha not small enough)
Lemma 7, (40)-(43): 4 alpha^2 Q_alpha(beta) between (1 -+ eps)|beta|_2^2
Theorem 2, (44)-(49): from the lemmas to the minimum-Q solution

Every inequality is shown through :mod:`derivations.hypentropy_inequalities`: its gap is
split into pieces whose signs SymPy decides from the symbols' assumptions (squares,
logarithms of ordered arguments, one-variable monotonicity or convexity).  A hypothesis
``x <= X`` enters by the substitution ``x = X/(1 + rho)`` or ``X = x + s`` with rho, s >= 0.
w0 = 1 throughout, as in Appendix E.
"""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Outcome, Part, joint_outcome, witness_instance
from dlncheck.derivations.hypentropy import alpha, q_printed
from dlncheck.derivations.hypentropy_expansions import phi, phi_derivatives_printed
from dlncheck.derivations.hypentropy_inequalities import (
    convex,
    identity,
    log_at_most,
    monotone,
    nonnegative,
    product_of,
    sqrt_at_least,
    sqrt_at_most,
    sum_of,
)

half = sp.Rational(1, 2)
b = sp.Symbol("b", positive=True)  # |beta_i| (coordinates with beta_i = 0 contribute 0)
L = sp.Symbol("ell", positive=True)  # ln(1/alpha^2) > 0, i.e. alpha < 1
eps = sp.Symbol("epsilon", positive=True)
rho = sp.Symbol("rho", nonnegative=True)  # slack of a hypothesis x <= X, x = X/(1 + rho)
s = sp.Symbol("s", nonnegative=True)  # slack of a hypothesis x <= X, X = x + s


def under(text: str, expr: sp.Expr, substitution: dict, part: Part) -> Part:
    """``expr >= 0`` under a hypothesis written as ``substitution``, from a part about expr.subs(...)."""
    same = identity(text, expr.subs(substitution), part.expr)
    if same.outcome != Outcome.AGREES:
        return Part(
            text, Outcome.INCONCLUSIVE, expr, same.residual, "hypothesis substitution: " + same.method
        )
    return Part(text, part.outcome, expr, part.residual, f"with {substitution}: {part.method}")


def lemma5_term(bb: sp.Expr = b, ell: sp.Expr = L) -> sp.Expr:
    """One coordinate of (23): alpha^2 q(|beta_i|/alpha^2) / ln(1/alpha^2), last line."""
    return (
        2 * alpha**2 / ell
        - sp.sqrt(4 * alpha**4 + bb**2) / ell
        + bb * (1 + sp.log(bb / 2 + sp.sqrt(alpha**4 + bb**2 / 4)) / ell)
    )


# --------------------------------------------------------------------------- (25)-(26)


def lemma5_upper_bound() -> Derivation:
    """krr (25)-(26): Q_alpha/ln(1/alpha^2) <= (1 + eps)|beta|_1.

    (26) assumes alpha <= min{1, sqrt(|beta|_1), (2|beta|_1)^(-1/(2eps))}.
    """
    # (25) line 1-2, per coordinate: term <= b (1 + ln(b + alpha^2)/ell)
    upper = b * (1 + sp.log(b + alpha**2) / L)
    root = sqrt_at_least("(24): sqrt(4 alpha^4 + b^2) >= 2 alpha^2", 4 * alpha**4 + b**2, 2 * alpha**2, b**2)
    inner = sqrt_at_most(
        "(24): sqrt(alpha^4 + b^2/4) <= alpha^2 + b/2", alpha**4 + b**2 / 4, alpha**2 + b / 2, alpha**2 * b
    )
    logs = log_at_most(
        "ln(b/2 + sqrt(alpha^4 + b^2/4)) <= ln(b + alpha^2)",
        b / 2 + sp.sqrt(alpha**4 + b**2 / 4),
        b + alpha**2,
        inner,
    )
    per_term = sum_of(
        "(25): term of (23) <= |beta_i| (1 + ln(|beta_i| + alpha^2)/ln(1/alpha^2))",
        upper - lemma5_term(),
        [_scale(root, 1 / L), _scale(logs, b / L)],
    )
    # (25) lines 3-4: |beta_i| <= B = |beta|_1, so ln(|beta_i| + alpha^2) <= ln(B + alpha^2); B = b + s
    B = b + s
    to_norm = _scale(
        log_at_most(
            "ln(|beta_i| + alpha^2) <= ln(|beta|_1 + alpha^2)",
            b + alpha**2,
            B + alpha**2,
            nonnegative("rest of the norm", s, s),
        ),
        b / L,
    )
    to_norm = Part(
        "(25): sum_i |beta_i| ln(|beta_i| + alpha^2) <= |beta|_1 ln(|beta|_1 + alpha^2), term by term",
        to_norm.outcome,
        to_norm.expr,
        to_norm.residual,
        to_norm.method,
    )
    # (26): alpha^2 <= B and alpha <= (2B)^(-1/(2 eps)) give ln(B + alpha^2)/ell <= eps
    Bn = sp.Symbol("B", positive=True)  # |beta|_1
    log_2B = under(
        "(26): alpha^2 <= |beta|_1 gives ln(|beta|_1 + alpha^2) <= ln(2|beta|_1)",
        sp.log(2 * Bn) - sp.log(Bn + alpha**2),
        {Bn: alpha**2 + s},
        log_at_most("", 2 * alpha**2 + s, 2 * (alpha**2 + s), nonnegative("", s, s)),
    )
    ell_alpha = sp.log(1 / alpha**2)
    threshold = under(
        "(26): alpha <= (2|beta|_1)^(-1/(2eps)) gives eps ln(1/alpha^2) >= ln(2|beta|_1)",
        eps * ell_alpha - sp.log(2 * Bn),
        {alpha: (2 * Bn) ** (-1 / (2 * eps)) / (1 + rho)},
        nonnegative("", 2 * eps * sp.log(1 + rho), 2 * eps * sp.log(1 + rho)),
    )
    final = identity(
        "(26): (1+eps)B - B (1 + ln(B + alpha^2)/ell) = "
        "(B/ell)(eps ell - ln(2B) + ln(2B) - ln(B + alpha^2)), B = |beta|_1",
        (1 + eps) * Bn - Bn * (1 + sp.log(Bn + alpha**2) / L),
        Bn / L * ((eps * L - sp.log(2 * Bn)) + (sp.log(2 * Bn) - sp.log(Bn + alpha**2))),
    )
    return Derivation.from_parts(
        [per_term, to_norm, log_2B, threshold, final],
        title="upper bound (25)-(26) of Lemma 5",
        assumptions="alpha > 0, ell = ln(1/alpha^2) > 0 (alpha < 1), |beta_i| > 0 "
        "(zero coordinates add 0 to both sides)",
        notes=(
            "alpha = 1 cannot satisfy the hypothesis of (26): it needs |beta|_1 >= 1 and 2|beta|_1 <= 1, "
            "so ln(1/alpha^2) > 0 there",
        ),
    )


def _scale(part: Part, factor: sp.Expr) -> Part:
    """factor * (a gap >= 0) with factor >= 0 by assumptions."""
    ok = sp.sympify(factor).is_nonnegative is True
    return Part(
        part.text,
        part.outcome if ok else Outcome.INCONCLUSIVE,
        factor * part.expr,
        part.residual,
        f"times {sp.sstr(factor)} >= 0: {part.method}",
    )


# --------------------------------------------------------------------------- (27)-(29)


def lemma5_lower_bound() -> Derivation:
    """krr (27)-(29): Q_alpha/ln(1/alpha^2) >= |beta|_1 - d/ln(1/alpha^2) >= (1-eps)|beta|_1."""
    lower27 = b * (1 + (sp.log(b) - 1) / L)
    root = sqrt_at_most(
        "(24): sqrt(4 alpha^4 + b^2) <= b + 2 alpha^2",
        4 * alpha**4 + b**2,
        b + 2 * alpha**2,
        4 * alpha**2 * b,
    )
    inner = sqrt_at_least("(24): sqrt(alpha^4 + b^2/4) >= b/2", alpha**4 + b**2 / 4, b / 2, alpha**4)
    logs = log_at_most(
        "ln(b) <= ln(b/2 + sqrt(alpha^4 + b^2/4))", b, b / 2 + sp.sqrt(alpha**4 + b**2 / 4), inner
    )
    per_term = sum_of(
        "(27): term of (23) >= |beta_i| (1 + (ln|beta_i| - 1)/ln(1/alpha^2))",
        lemma5_term() - lower27,
        [_scale(root, 1 / L), _scale(logs, b / L)],
    )
    h = b * sp.log(b) - b + 1  # ln x >= 1 - 1/x at x = b, times b
    log_bound = convex("ln x >= 1 - 1/x: b ln b - b + 1 >= 0", h, b, 1, 1 / b)
    step28 = _scale(log_bound, 1 / L)
    step28 = Part(
        "(28): |beta_i| (1 + (ln|beta_i| - 1)/ell) >= |beta_i| - 1/ell",
        step28.outcome,
        step28.expr,
        step28.residual,
        step28.method,
    )
    same28 = identity("(28) gap is (b ln b - b + 1)/ell", lower27 - (b - 1 / L), h / L)
    # (29): alpha <= exp(-d/(2 eps B)) gives d/ln(1/alpha^2) <= eps B
    Bn = sp.Symbol("B", positive=True)
    d = sp.Symbol("d", positive=True)
    gap29 = (Bn - d / sp.log(1 / alpha**2)) - (1 - eps) * Bn
    lg = sp.log(1 + rho)
    step29 = under(
        "(29): alpha <= exp(-d/(2 eps |beta|_1)) gives |beta|_1 - d/ln(1/alpha^2) >= (1 - eps)|beta|_1",
        gap29,
        {alpha: sp.exp(-d / (2 * eps * Bn)) / (1 + rho)},
        nonnegative(
            "",
            2 * eps**2 * Bn**2 * lg / (d + 2 * eps * Bn * lg),
            2 * eps**2 * Bn**2 * lg / (d + 2 * eps * Bn * lg),
        ),
    )
    return Derivation.from_parts(
        [per_term, same28, step28, step29],
        title="lower bound (27)-(29) of Lemma 5",
        assumptions="alpha > 0, ell = ln(1/alpha^2) > 0, |beta_i| > 0 "
        "(a zero coordinate gives 0 >= -1/ell in (28)); "
        "summing (28) over i gives |beta|_1 - d/ell",
    )


# ------------------------------------------------------------------------------ (32)

u = sp.Symbol("u", positive=True)  # c alpha^2


def q_scaled(uu: sp.Expr = u) -> sp.Expr:
    """c alpha^2 q(1/(c alpha^2)) from (21), with u = c alpha^2."""
    return uu * q_printed(1 / uu)


def q_large_argument_parts() -> tuple[Part, Part]:
    """krr (32): -1 + ln(1/u) <= u q(1/u) <= 3u - 1 + ln(1/u), u = c alpha^2 > 0."""
    inner = sp.sqrt(u**2 + sp.Rational(1, 4))
    lower = sum_of(
        "(32) lower: u q(1/u) - (-1 + ln(1/u)) >= 0",
        q_scaled() - (-1 + sp.log(1 / u)),
        [
            sqrt_at_most("sqrt(4u^2 + 1) <= 2u + 1", 4 * u**2 + 1, 2 * u + 1, 4 * u),
            log_at_most(
                "ln(1/2 + sqrt(u^2 + 1/4)) >= ln 1",
                sp.Integer(1),
                half + inner,
                sqrt_at_least("sqrt(u^2 + 1/4) >= 1/2", u**2 + sp.Rational(1, 4), half, u**2),
            ),
        ],
        [{u: sp.Integer(1)}, {u: sp.Rational(1, 100)}, {u: sp.Integer(7)}],
    )
    upper = sum_of(
        "(32) upper: 3u - 1 + ln(1/u) - u q(1/u) >= 0",
        3 * u - 1 + sp.log(1 / u) - q_scaled(),
        [
            sqrt_at_least("sqrt(4u^2 + 1) >= 1", 4 * u**2 + 1, sp.Integer(1), 4 * u**2),
            log_at_most(
                "ln(1/2 + sqrt(u^2 + 1/4)) <= ln(1 + u)",
                half + inner,
                1 + u,
                sqrt_at_most("sqrt(u^2 + 1/4) <= u + 1/2", u**2 + sp.Rational(1, 4), u + half, u),
            ),
            monotone("ln(1 + u) <= u", u - sp.log(1 + u), u, 0, u / (1 + u)),
        ],
        [{u: sp.Integer(1)}, {u: sp.Rational(1, 100)}, {u: sp.Integer(7)}],
    )
    return lower, upper


def q_large_argument_bounds() -> Derivation:
    lower, upper = q_large_argument_parts()
    return Derivation.from_parts(
        [lower, upper],
        title="two-sided bound (32) on c alpha^2 q(1/(c alpha^2))",
        assumptions="c, alpha > 0; the bound depends on them through u = c alpha^2 > 0",
    )


# -------------------------------------------------------------------------- (33)-(34)

dd = sp.Symbol("d", positive=True)  # the dimension (d >= 1; sqrt(d) enters)


def ratio_e1_ones(a: sp.Expr = alpha, d: sp.Expr = dd) -> sp.Expr:
    """Q_{alpha,1}(e_1)/Q_{alpha,1}(1_d/sqrt d) from (20) (q(0) = 0 for the other coordinates of e_1)."""
    return (a**2 * q_printed(1 / a**2)) / (d * a**2 * q_printed(1 / (a**2 * sp.sqrt(d))))


def ratio_bound_parts() -> list[Part]:
    """krr (33)-(34)."""
    sd = sp.sqrt(dd)
    printed33 = (
        (alpha**2 * q_printed(1 / alpha**2)) / (alpha**2 * dd * q_printed(1 / (alpha**2 * sd))),
        1 / sd * (alpha**2 * q_printed(1 / alpha**2)) / (alpha**2 * sd * q_printed(1 / (alpha**2 * sd))),
    )
    pts = [{alpha: sp.Rational(1, 3), dd: sp.Integer(4)}]
    parts = [identity(f"(33) form {k + 1}", ratio_e1_ones(), p, pts) for k, p in enumerate(printed33)]
    # (34) first line: A >= N by (32) lower at c = 1, B <= D by (32) upper at c = sqrt d, B > 0
    lower, upper = q_large_argument_parts()
    parts += [
        Part(
            "A = alpha^2 q(1/alpha^2) >= N = -1 + ln(1/alpha^2): (32) lower with c = 1",
            lower.outcome,
            lower.expr,
            lower.residual,
            lower.method,
        ),
        Part(
            "B = sqrt(d) alpha^2 q(1/(alpha^2 sqrt d)) <= "
            "D = 3 sqrt(d) alpha^2 - 1 + ln(1/(alpha^2 sqrt d)): "
            "(32) upper with c = sqrt d",
            upper.outcome,
            upper.expr,
            upper.residual,
            upper.method,
        ),
    ]
    z = sp.Symbol("z", positive=True)
    slope = identity("q'(z) = arcsinh(z/2)", sp.diff(q_printed(z), z), sp.asinh(z / 2))
    positive = monotone(
        "arcsinh(z/2) >= 0 for z >= 0 (its derivative 1/sqrt(4 + z^2) > 0: q increases strictly)",
        sp.asinh(z / 2),
        z,
        0,
        1 / sp.sqrt(4 + z**2),
    )
    parts += [slope, positive]
    A, B, D = sp.symbols("A B D", positive=True)
    AmN, DmB = sp.symbols("a_N d_B", nonnegative=True)  # A - N >= 0, D - B >= 0
    N = sp.Symbol("N", nonnegative=True)
    parts.append(
        nonnegative(
            "A/B - N/D >= 0 when N >= 0: (A - N)/B + N (D - B)/(B D)",
            ((N + AmN) / B - N / D).subs(D, B + DmB),
            AmN / B + N * DmB / (B * (B + DmB)),
        )
    )
    Nneg = sp.Symbol("N", negative=True)
    parts.append(nonnegative("A/B - N/D >= 0 when N < 0 (and D > 0)", A / B - Nneg / D, A / B - Nneg / D))
    ell = sp.log(1 / alpha**2)
    s_ = sd * alpha**2
    first = (-1 + ell) / (3 * s_ - 1 + sp.log(1 / (alpha**2 * sd)))
    parts += [
        identity("(34) line 2", first, (-1 + ell) / (3 * s_ - 1 + ell - half * sp.log(dd))),
        identity(
            "(34) line 3", first, 1 + (sp.log(dd) - 6 * s_) / (6 * s_ - 2 + 2 * sp.log(1 / (alpha**2 * sd)))
        ),
    ]
    return parts


def ratio_bound() -> Derivation:
    return Derivation.from_parts(
        ratio_bound_parts(),
        title="ratio (33) and its lower bound (34)",
        assumptions="alpha > 0, d >= 1; the denominator D of (34) > 0 (the catalogue's hypothesis)",
        notes=("(34) needs D > 0 only: if N = -1 + ln(1/alpha^2) < 0 the bound N/D < 0 < A/B is trivial",),
    )


# -------------------------------------------------------------------------------- (35)

k = sp.Symbol("k", positive=True)  # d^(1/(4 eps)) >= 12
Ld = sp.Symbol("L", positive=True)  # ln d >= 1
kappa, lam = sp.symbols("kappa lambda", nonnegative=True)  # k = 12 + kappa, L = 1 + lambda


def lemma6_alpha(d: sp.Expr = dd, e: sp.Expr = eps) -> sp.Expr:
    """alpha = d^(-1/4 - 1/(8 eps)), the value fixed in the proof of Lemma 6."""
    return d ** (-sp.Rational(1, 4) - 1 / (8 * e))


def implication_chain_parts() -> list[Part]:
    """krr (35): each line's gap is a nonnegative multiple of the previous one's."""
    g1, g2 = 2 * k - 6, k / 2 * Ld - 6
    g3 = 2 * k - 6 + k / (2 * eps) * Ld - 6 / eps
    g4 = (1 / eps - 1 / (2 * eps)) * Ld - 6 / eps / k - (6 / k - 2)
    g5 = Ld / eps - 6 / eps / k - (6 / k - 2 + Ld / (2 * eps))
    a0 = lemma6_alpha()
    sa = a0**2 * sp.sqrt(dd)
    g6 = sp.log(dd) - 6 * sa - eps * (6 * sa - 2 + 2 * sp.log(1 / sa))
    hyp = {k: 12 + kappa, Ld: 1 + lam}
    parts = [
        identity(
            "sqrt(d) alpha^2 = d^(-1/(4 eps)) at alpha = d^(-1/4 - 1/(8 eps))", sa, dd ** (-1 / (4 * eps))
        ),
        under(
            "2 d^(1/(4eps)) >= 6 from d >= 12^(4 eps)",
            g1,
            hyp,
            nonnegative("", 18 + 2 * kappa, 18 + 2 * kappa),
        ),
        under(
            "d^(1/(4eps)) ln(d)/2 >= 6 from d >= 12^(4 eps) and d >= e",
            g2,
            hyp,
            nonnegative("", (12 * lam + kappa + kappa * lam) / 2, (12 * lam + kappa + kappa * lam) / 2),
        ),
        identity("(35) line 2 = line 1a + line 1b / eps", g3, g1 + g2 / eps),
        identity("(35) line 3 = line 2 / d^(1/(4eps))", g4, g3 / k),
        identity("(35) line 4 = line 3", g5, g4),
        identity(
            "(35) line 5 = eps * line 4 at k = d^(1/(4 eps)), L = ln d",
            g6,
            (eps * g5).subs({k: dd ** (1 / (4 * eps)), Ld: sp.log(dd)}),
            [{dd: sp.Integer(20), eps: sp.Integer(1)}],
        ),
    ]
    # the denominator of (34)'s second term, 6/k - 2 + 2 ln k, is > 0 for k >= 12
    den = 6 / k - 2 + 2 * sp.log(k)
    parts.append(
        under(
            "denominator 6 sqrt(d) alpha^2 - 2 + 2 ln(1/(alpha^2 sqrt d)) > 0 (k >= 12)",
            den,
            {k: 12 + kappa},
            sum_of(
                "",
                6 / (12 + kappa) - 2 + 2 * sp.log(12 + kappa),
                [
                    nonnegative("", 6 / (12 + kappa), 6 / (12 + kappa)),
                    _scale(log_at_most("", sp.Integer(12), 12 + kappa, nonnegative("", kappa, kappa)), 2),
                    nonnegative("2 ln 12 - 2 > 0", 2 * sp.log(12) - 2, 2 * sp.log(12) - 2),
                ],
            ),
        )
    )
    # (36): the l1 norms: |e_1|_1 / |1_d/sqrt d|_1 = 1/sqrt d
    parts.append(
        identity("(36): |e_1|_1 / |1_d/sqrt(d)|_1 = 1/sqrt(d)", 1 / (dd / sp.sqrt(dd)), 1 / sp.sqrt(dd))
    )
    return parts


def implication_chain() -> Derivation:
    return Derivation.from_parts(
        implication_chain_parts(),
        title="the implications (35) and the conclusion (36)",
        assumptions="eps > 0, d >= max{e, 12^(4 eps)}, i.e. k = d^(1/(4eps)) >= 12 and L = ln d >= 1",
        notes=(
            "line 5 >= 0 with the denominator > 0 gives (ln d - 6 s)/(6 s - 2 + 2 ln(1/s)) >= eps, "
            "s = sqrt(d) alpha^2, "
            "so (34) gives sqrt(d) * ratio >= 1 + eps, which is (36)",
        ),
    )


# -------------------------------------------------------------------------------- (37)


def elasticity_decreasing() -> Part:
    """E(z) = z q'(z)/q(z) is decreasing on z > 0: the numerator of E' is <= 0."""
    z = sp.Symbol("z", positive=True)
    q = q_printed(z)
    qp, qpp = sp.diff(q, z), sp.diff(q, z, 2)
    numerator = (qp + z * qpp) * q - z * qp**2  # q^2 E'(z)
    c = sp.sqrt(1 + z**2 / 4)  # cosh t at z = 2 sinh t
    form = identity(
        "q^2 E'(z) = 2 (cosh t - 1)(t - sinh t)/cosh t at z = 2 sinh t",
        numerator,
        2 * (c - 1) * (sp.asinh(z / 2) - z / 2) / c,
    )
    cosh_part = sqrt_at_least("cosh t >= 1", 1 + z**2 / 4, sp.Integer(1), z**2 / 4)
    sinh_part = monotone(
        "sinh t >= t: z/2 - arcsinh(z/2) >= 0",
        z / 2 - sp.asinh(z / 2),
        z,
        0,
        z**2 / (2 * sp.sqrt(4 + z**2) * (sp.sqrt(4 + z**2) + 2)),
    )
    product = product_of(
        "-(q^2 E') = (2/cosh t) (cosh t - 1)(sinh t - t) >= 0", -form.printed, 2 / c, [cosh_part, sinh_part]
    )
    ok = {form.outcome, cosh_part.outcome, sinh_part.outcome, product.outcome}
    outcome = Outcome.AGREES if ok == {Outcome.AGREES} else Outcome.INCONCLUSIVE
    return Part(
        "E(z) = z q'(z)/q(z) decreases on z > 0",
        outcome,
        -numerator,
        0,
        f"{form.method}; {cosh_part.method}; {sinh_part.method}; {product.method}",
    )


def ratio_monotone_parts() -> list[Part]:
    """krr (37): d/d alpha of Q(e_1)/Q(1_d/sqrt d) >= 0."""
    z = sp.Symbol("z", positive=True)
    r = sp.Symbol("r", positive=True)  # sqrt(d)
    x = 1 / alpha**2
    E = lambda arg: (arg * sp.diff(q_printed(z), z) / q_printed(z)).subs(z, arg)  # noqa: E731
    R = q_printed(x) / (r**2 * q_printed(x / r))
    derivative = sp.diff(R, alpha)
    formula = R * (-2 / alpha**3) * alpha**2 * (E(x) - E(x / r))
    pts = [{alpha: sp.Rational(1, 2), r: sp.Integer(2)}]
    return [
        identity(
            "dR/d alpha = R (-2/alpha^3) (1/x)(E(x) - E(x/r)), x = 1/alpha^2, r = sqrt d",
            derivative,
            formula,
            pts,
        ),
        elasticity_decreasing(),
    ]


RATIO_MONOTONE_NOTE = (
    "x > x/r for r = sqrt(d) > 1 and E decreasing give E(x) - E(x/r) <= 0; with R > 0 and -2/alpha < 0 "
    "the derivative is >= 0 (d = 1: R = 1, derivative 0)"
)


def ratio_monotone() -> Derivation:
    return Derivation.from_parts(
        ratio_monotone_parts(),
        title="the ratio Q(e_1)/Q(1_d/sqrt d) increases with alpha (37)",
        assumptions="alpha > 0, d >= 1",
        notes=(
            RATIO_MONOTONE_NOTE,
            "(37) is stated without proof in the paper; the proof here: log R has "
            "x-derivative (E(x) - E(x/sqrt d))/x with E = z q'/q decreasing",
        ),
    )


# ------------------------------------------------------------------------ Lemma 6, fn 3


def lemma6() -> Derivation:
    parts = list(ratio_bound_parts()) + implication_chain_parts() + ratio_monotone_parts()
    return Derivation.from_parts(
        parts,
        title="Lemma 6 from (32)-(37)",
        assumptions="eps > 0, d >= max{e, 12^(4 eps)}; v = e_1, w = 1_d/sqrt(d)",
        notes=(
            RATIO_MONOTONE_NOTE,
            "at alpha_0 = d^(-1/4 - 1/(8eps)): (34) and (35) give ratio >= (1+eps)/sqrt(d) = "
            "(1+eps)|e_1|_1/|w|_1, i.e. Q(v)/|v|_1 >= (1+eps) Q(w)/|w|_1; "
            "(37) carries it to alpha >= alpha_0",
        ),
    )


def footnote3() -> Derivation:
    e = eps
    exponent = sp.expand_log(-sp.log(lemma6_alpha()), force=True) / sp.log(dd)
    parts = [
        identity(
            "-ln(alpha_0)/ln(d) = 1/4 + 1/(8 eps) for Lemma 6's alpha_0",
            exponent,
            sp.Rational(1, 4) + 1 / (8 * e),
            [{dd: sp.Integer(20), e: sp.Integer(1)}],
        ),
        identity(
            "lim_(eps -> 0) eps (1/4 + 1/(8 eps)) = 1/8 > 0: the exponent is Omega(1/eps)",
            sp.limit(e * (sp.Rational(1, 4) + 1 / (8 * e)), e, 0),
            sp.Rational(1, 8),
        ),
        identity("w = 1_d/sqrt(d) and e_1 are unit vectors", sp.sqrt(dd * (1 / sp.sqrt(dd)) ** 2), 1),
    ]
    return Derivation.from_parts(
        parts,
        title="footnote 3: Lemma 6 needs alpha < d^(-1/4 - 1/(8 eps)) = d^(-Omega(1/eps))",
        assumptions="eps > 0, d >= max{e, 12^(4 eps)}; Lemma 6 (krr.lem6) for the necessity itself",
    )


def footnote3_sufficiency_parts() -> list[Part]:
    """Every unit vector at once: alpha <= alpha_s(eps, d) = min{(2 sqrt d)^(-(2+eps)/(2eps)),
    exp(-(2+eps)d/(2eps))} meets Lemma 5's hypothesis alpha <= alpha_1(eps', |v|_1, d), eps' = eps/(2+eps),
    for all 1 <= |v|_1 <= sqrt d.

    In logarithms, l = ln(1/alpha) >= each of (2+eps)/(2eps) ln(2 sqrt d) and (2+eps)d/(2eps); n = |v|_1.
    """
    ep = eps_prime()
    n = sp.Symbol("n", positive=True)  # |v|_1 of a unit vector v
    sig = sp.Symbol("sigma", nonnegative=True)  # n = 1 + sigma
    rr = sp.Symbol("r", nonnegative=True)  # sqrt(d) = n (1 + r)
    sd = n * (1 + rr)  # sqrt(d)
    exp_term = (2 + eps) * sd**2 / (2 * eps)  # -ln of the exp term of alpha_s, d = sqrt(d)^2
    pow_term = (2 + eps) / (2 * eps) * sp.log(2 * sd)  # -ln of the power term
    return [
        identity(
            "1/(2 eps') = (2 + eps)/(2 eps) for eps' = eps/(2 + eps)", 1 / (2 * ep), (2 + eps) / (2 * eps)
        ),
        nonnegative(
            "Lemma 5's alpha <= 1: ln(1/alpha) >= (2+eps)d/(2eps) >= 0",
            exp_term,
            (2 + eps) * sd**2 / (2 * eps),
        ),
        nonnegative(
            "Lemma 5's alpha <= sqrt|v|_1: (2+eps)d/(2eps) + ln(|v|_1)/2 >= 0 (|v|_1 = 1 + sigma >= 1)",
            (exp_term + sp.log(n) / 2).subs(n, 1 + sig),
            ((2 + eps) * ((1 + sig) * (1 + rr)) ** 2 / (2 * eps) + sp.log(1 + sig) / 2),
        ),
        nonnegative(
            "Lemma 5's alpha <= (2|v|_1)^(-1/(2eps')): (1/(2eps')) (ln(2 sqrt d) - ln(2|v|_1)) >= 0 "
            "(sqrt d = |v|_1 (1 + r))",
            sp.expand_log(pow_term - sp.log(2 * n) / (2 * ep), force=True),
            (2 + eps) / (2 * eps) * sp.log(1 + rr),
        ),
        nonnegative(
            "Lemma 5's alpha <= exp(-d/(2 eps' |v|_1)): (2+eps)d/(2eps) - "
            "d/(2 eps' |v|_1) >= 0 (|v|_1 = 1 + sigma)",
            (exp_term - sd**2 / (2 * ep * n)).subs(n, 1 + sig),
            (2 + eps) * ((1 + sig) * (1 + rr)) ** 2 * sig / (2 * eps * (1 + sig)),
        ),
        identity(
            "Lemma 5 at eps' for v and w: (Q(v)/|v|_1) / (Q(w)/|w|_1) <= (1+eps')/(1-eps') = 1 + eps",
            (1 + ep) / (1 - ep),
            1 + eps,
        ),
    ]


def footnote3_scale_parts() -> list[Part]:
    """eps ln(1/threshold) as eps -> 0, exactly: each threshold is exp(-Theta(1/eps)) (d, |beta*|_1 fixed)."""
    sd = sp.Symbol("q", positive=True)  # sqrt(d)
    delta = sp.Symbol("delta", nonnegative=True)  # d = 1 + delta
    bb = bstar
    limit = lambda expr, value, text: identity(text, sp.limit(eps * expr, eps, 0, "+"), value)  # noqa: E731
    gap = 1 + delta - sp.log(2) - sp.log(1 + delta) / 2  # d - ln(2 sqrt d) at d = 1 + delta
    return [
        limit(
            (2 + eps) / (2 * eps) * sp.log(2 * sd),
            sp.log(2 * sd),
            "sufficient (unit vectors): power term -> ln(2 sqrt d)",
        ),
        limit((2 + eps) * dim / (2 * eps), dim, "sufficient (unit vectors): exp term -> d"),
        sum_of(
            "d >= ln(2 sqrt d) for d >= 1: so eps ln(1/alpha_s) -> d > 0",
            gap,
            [
                nonnegative("1 - ln 2 > 0", 1 - sp.log(2), 1 - sp.log(2)),
                monotone(
                    "delta - ln(1 + delta)/2 >= 0",
                    delta - sp.log(1 + delta) / 2,
                    delta,
                    0,
                    (1 + 2 * delta) / (2 + 2 * delta),
                ),
            ],
        ),
        limit(
            (2 + eps) / (2 * eps) * sp.log(2 * (1 + eps) * bb),
            sp.log(2 * bb),
            "Theorem 2 as printed: (2(1+eps)|beta*|_1)^(-(2+eps)/(2eps)) -> ln(2|beta*|_1)",
        ),
        limit(dim / (eps * bb), dim / bb, "Theorem 2 as printed: exp(-d/(eps |beta*|_1)) -> d/|beta*|_1 > 0"),
        limit(
            (2 + eps) / (2 * eps) * sp.log(2 * (1 + 2 * eps) * bb),
            sp.log(2 * bb),
            "Theorem 2 corrected (krr.thm2.proof): power term -> ln(2|beta*|_1)",
        ),
        limit((2 + eps) * dim / (2 * eps * bb), dim / bb, "Theorem 2 corrected: exp term -> d/|beta*|_1 > 0"),
        limit(
            sp.expand_log(-sp.log(lemma6_alpha()), force=True),
            sp.log(dd) / 8,
            "necessary (Lemma 6): -ln alpha_0 -> ln(d)/8 > 0 (d >= e)",
        ),
    ]


def footnote3_sufficiency() -> Derivation:
    return Derivation.from_parts(
        [*footnote3_sufficiency_parts(), *corrected_l1_threshold_parts()],
        title="footnote 3, sufficiency: exponentially small alpha makes "
        "Q_alpha proportional to l1 on all unit vectors, "
        "and is what Theorem 2 (corrected) needs",
        assumptions=(
            "0 < eps < d; d >= 1; unit vectors v have 1 <= |v|_1 <= sqrt(d) (|v|_2 <= |v|_1 <= sqrt(d) |v|_2)"
        ),
        notes=(
            "Lemma 5's two bounds are (26) and (29) (krr.eq25, krr.eq28, "
            "proven in SymPy); the last six parts are "
            "the corrected threshold of Theorem 2 meeting every use of "
            "Lemma 5 in its proof (as in krr.thm2.proof)",
        ),
    )


def footnote3_scale() -> Derivation:
    return Derivation.from_parts(
        footnote3_scale_parts(),
        title="footnote 3, the scale: eps ln(1/alpha) has a positive finite "
        "limit for every threshold (exp(-Theta(1/eps)))",
        assumptions="eps -> 0+ with d >= 1 and |beta*|_1 > 0 fixed; for Lemma 6, d >= e",
        notes=(
            "sufficient: alpha_s and Theorem 2's threshold (printed or corrected) have eps ln(1/alpha) -> "
            "max(ln(2 sqrt d), d) = d and max(ln(2|beta*|_1), d/|beta*|_1) >= d/|beta*|_1; necessary: "
            "eps ln(1/alpha_0) -> ln(d)/8: exponentially small in 1/eps "
            "on both sides, with different constants",
        ),
    )


# ------------------------------------------------------------------- (40)-(43), Lemma 7

zr = sp.Symbol("z", real=True)


def fourth_derivative_bound() -> Part:
    """krr (40): |phi''''(z)| <= (z^2 + 2 alpha^4)/(16 alpha^12)."""
    P = (4 + zr**2 / alpha**4) ** sp.Rational(5, 2)
    x = 2 * zr**2 - 4 * alpha**4
    M = 2 * zr**2 + 4 * alpha**4
    tri_plus = nonnegative("", M - x, 8 * alpha**4)
    tri_minus = nonnegative("", M + x, 4 * zr**2)
    triangle = Part(
        "|2z^2 - 4 alpha^4| <= 2z^2 + 4 alpha^4",
        joint_outcome((tri_plus.outcome, tri_minus.outcome)),
        M - sp.Abs(x),
        0,
        "both signs: " + tri_plus.method + "; " + tri_minus.method,
    )
    sv = sp.Symbol("sigma", nonnegative=True)
    p32 = monotone(
        "(4 + s)^(5/2) >= 32",
        (4 + sv) ** sp.Rational(5, 2) - 32,
        sv,
        0,
        sp.Rational(5, 2) * (4 + sv) ** sp.Rational(3, 2),
    )
    p32 = Part(p32.text, p32.outcome, P - 32, 0, p32.method + "; at s = z^2/alpha^4 >= 0")
    gap = (zr**2 + 2 * alpha**4) / (16 * alpha**12) - sp.Abs(x) / (alpha**12 * P)
    return sum_of(
        "(40): (z^2 + 2 alpha^4)/(16 alpha^12) - |phi''''(z)| >= 0",
        gap,
        [_scale(triangle, 1 / (alpha**12 * P)), _scale(p32, (zr**2 + 2 * alpha**4) / (16 * alpha**12 * P))],
    )


def taylor_remainder_parts() -> list[Part]:
    """krr (41)-(42)."""
    printed = phi_derivatives_printed()
    taylor = sum(
        (printed[n].subs(zr, 0) * zr**j / sp.factorial(j))
        for j, n in ((1, "phi'"), (2, "phi''"), (3, "phi'''"))
    )
    xi = sp.Symbol("xi", real=True)
    sig = sp.Symbol("sigma", nonnegative=True)
    bound_at_xi = (xi**2 + 2 * alpha**4) / (16 * alpha**12) / 24 * zr**4
    bound41 = (zr**6 + 2 * alpha**4 * zr**4) / (384 * alpha**12)
    betas = sp.symbols("beta_1:4", real=True)
    Q = alpha**2 * sum(q_printed(bi / alpha**2) for bi in betas)  # (20), w0 = 1
    phis = [q_printed(bi / alpha**2) for bi in betas]  # phi(beta_i) = q(beta_i/alpha^2), (38)
    norm2 = sum(bi**2 for bi in betas)
    return [
        identity(
            "Taylor polynomial phi(0) + phi'(0) z + phi''(0) z^2/2 + phi'''(0) z^3/6 = z^2/(4 alpha^4)",
            taylor,
            zr**2 / (4 * alpha**4),
        ),
        under(
            "(41): sup over xi^2 <= z^2 of (xi^2 + 2 alpha^4) z^4/(384 alpha^12) is at z",
            bound41 - bound_at_xi,
            {zr: sp.sqrt(xi**2 + sig)},
            nonnegative(
                "", sig * (xi**2 + sig) ** 2 / (384 * alpha**12), sig * (xi**2 + sig) ** 2 / (384 * alpha**12)
            ),
        ),
        identity(
            "(41): (z^6 + 2 alpha^4 z^4)/(384 alpha^12) = z^2/(4 alpha^4) (z^4 + 2 alpha^4 z^2)/(96 alpha^8)",
            bound41,
            zr**2 / (4 * alpha**4) * (zr**4 + 2 * alpha**4 * zr**2) / (96 * alpha**8),
        ),
        identity(
            "(42) line 1: 4 alpha^2 Q - |beta|_2^2 = 4 alpha^4 sum (phi(beta_i) - beta_i^2/(4 alpha^4)), "
            "d = 3",
            4 * alpha**2 * Q - norm2,
            4 * alpha**4 * sum(p - bi**2 / (4 * alpha**4) for p, bi in zip(phis, betas, strict=True)),
        ),
        identity(
            "(42) line 3: 4 alpha^4 * (41) at z = beta_i",
            4 * alpha**4 * bound41.subs(zr, betas[0]),
            betas[0] ** 2 * (betas[0] ** 4 + 2 * alpha**4 * betas[0] ** 2) / (96 * alpha**8),
        ),
    ]


def taylor_remainder() -> Derivation:
    return Derivation.from_parts(
        [*taylor_remainder_parts(), fourth_derivative_bound()],
        title="Taylor remainder (41) and the bound (42)",
        assumptions="alpha > 0; Taylor's theorem with Lagrange remainder (phi is smooth); "
        "d = 3 for (42) line 1",
        notes=(
            "(42) lines 2 and 4 are the triangle inequality and sum_i beta_i^2 m_i <= |beta|_2^2 max_i m_i",
        ),
    )


def relative_error_bound(xv: sp.Expr) -> sp.Expr:
    """max_i (beta_i^4 + 2 alpha^4 beta_i^2)/(96 alpha^8) at |beta_i| = x alpha^2: (x^4 + 2x^2)/96."""
    return (xv**4 + 2 * xv**2) / 96


def lemma7_parts() -> list[Part]:
    e = sp.Symbol("e", positive=True)  # eps^(1/4)
    xm = sp.Symbol("x", nonnegative=True)
    sig = sp.Symbol("sigma", nonnegative=True)
    Bn = sp.Symbol("B", positive=True)  # |beta|_2
    x_max = e**2 / (1 + e) ** 2
    return [
        identity(
            "alpha = sqrt(|beta|_2)(1 + eps^(-1/4)) gives |beta|_2/alpha^2 = eps^(1/2)/(1 + eps^(1/4))^2",
            Bn / (sp.sqrt(Bn) * (1 + 1 / e)) ** 2,
            x_max,
        ),
        under(
            "(x^4 + 2x^2)/96 increases in x >= 0 (|beta_i| <= |beta|_2, alpha larger: x smaller)",
            relative_error_bound(xm + sig) - relative_error_bound(xm),
            {},
            nonnegative(
                "",
                sp.expand(relative_error_bound(xm + sig) - relative_error_bound(xm)),
                sp.expand(relative_error_bound(xm + sig) - relative_error_bound(xm)),
            ),
        ),
        nonnegative(
            "eps - (x^4 + 2x^2)/96 >= 0 at x = eps^(1/2)/(1 + eps^(1/4))^2",
            e**4 - relative_error_bound(x_max),
            e**4 * sp.expand(96 * (1 + e) ** 8 - e**4 - 2 * (1 + e) ** 4) / (96 * (1 + e) ** 8),
        ),
    ]


def lemma7() -> Derivation:
    return Derivation.from_parts(
        lemma7_parts() + taylor_remainder_parts() + [fourth_derivative_bound()],
        title="Lemma 7 from (39)-(42)",
        assumptions="alpha > 0, eps > 0, beta in R^d (the sum bound (42) holds for any d)",
        notes=(
            "(42): |4 alpha^2 Q - |beta|_2^2| <= |beta|_2^2 max_i (x_i^4 + 2x_i^2)/96, "
            "x_i = |beta_i|/alpha^2 "
            "<= |beta|_2/alpha^2 <= eps^(1/2)/(1 + eps^(1/4))^2, and there the factor is <= eps: (43)",
        ),
    )


# ---------------------------------------------------------------------- Theorem 2 (44)-(49)

bstar = sp.Symbol("b", positive=True)  # |beta*|_1 or |beta*|_2
dim = sp.Symbol("d", integer=True, positive=True)


def eps_prime(e: sp.Expr = eps) -> sp.Expr:
    return e / (2 + e)


def alpha1(e: sp.Expr, norm: sp.Expr, d: sp.Expr) -> sp.Expr:
    """Lemma 5: alpha_1(eps, |beta|_1, d)."""
    return sp.Min(1, sp.sqrt(norm), (2 * norm) ** (-1 / (2 * e)), sp.exp(-d / (2 * e * norm)))


def theorem2_l1_threshold(e: sp.Expr = eps, b1: sp.Expr = bstar, d: sp.Expr = dim) -> sp.Expr:
    """Theorem 2, l1 part: min{(2(1+eps)|beta*|_1)^(-(2+eps)/(2eps)), exp(-d/(eps |beta*|_1))}."""
    return sp.Min((2 * (1 + e) * b1) ** (-(2 + e) / (2 * e)), sp.exp(-d / (e * b1)))


def theorem2_l2_threshold(e: sp.Expr = eps, b2: sp.Expr = bstar) -> sp.Expr:
    """Theorem 2, l2 part: sqrt(2(1+eps)(1+2/eps)|beta*|_2)."""
    return sp.sqrt(2 * (1 + e) * (1 + 2 / e) * b2)


def alpha2(e: sp.Expr, norm: sp.Expr) -> sp.Expr:
    """Lemma 7: alpha_2(eps, |beta|_2, d) = sqrt(|beta|_2)(1 + eps^(-1/4))."""
    return sp.sqrt(norm) * (1 + e ** sp.Rational(-1, 4))


THEOREM2_WITNESS = {eps: sp.Integer(1), bstar: sp.Integer(1), dim: sp.Integer(2)}


def threshold_requirements() -> tuple[sp.Matrix, sp.Matrix]:
    """What the proof needs of the theorem's thresholds, as left <= right entrywise:
    [l1 threshold <= alpha_1(eps', (1+2eps)|beta*|_1, d),
     alpha_2(eps', (1+2eps)|beta*|_2) <= l2 threshold]."""
    ep = eps_prime()
    left = sp.Matrix([theorem2_l1_threshold(), alpha2(ep, (1 + 2 * eps) * bstar)])
    right = sp.Matrix([alpha1(ep, (1 + 2 * eps) * bstar, dim), theorem2_l2_threshold()])
    return left, right


def theorem2_proof_parts() -> list[Part]:
    ep = eps_prime()
    left, right = threshold_requirements()
    pts = [THEOREM2_WITNESS]
    nb = sp.Symbol("n", positive=True)  # |beta*|_2
    return [
        nonnegative(
            "the l1 threshold of Theorem 2 implies alpha <= alpha_1(eps/(2+eps), (1+2eps)|beta*|_1, d) "
            "(used for (44))",
            right[0] - left[0],
            right[0] - left[0],
            pts,
        ),
        nonnegative(
            "the l2 threshold of Theorem 2 implies alpha >= alpha_2(eps/(2+eps), (1+2eps)|beta*|_2) "
            "(used for (47))",
            right[1] - left[1],
            right[1] - left[1],
            pts,
        ),
        identity(
            "(45)/(48): (1-eps')/(1+eps') (1+2eps) = (1+2eps)/(1+eps)",
            (1 - ep) / (1 + ep) * (1 + 2 * eps),
            (1 + 2 * eps) / (1 + eps),
        ),
        nonnegative("(45)/(48): (1+2eps)/(1+eps) - 1 > 0", (1 + 2 * eps) / (1 + eps) - 1, eps / (1 + eps)),
        identity("(46)/(49): (1+eps')/(1-eps') = 1+eps", (1 + ep) / (1 - ep), 1 + eps),
        identity(
            "(48) line 2: (1-eps')|beta|_2^2 at |beta|_2 = (1+2eps)|beta*|_2, against the printed "
            "(1-eps')(1+2eps)|beta*|_2^2",
            (1 - ep) * ((1 + 2 * eps) * nb) ** 2,
            (1 - ep) * (1 + 2 * eps) * nb**2,
            [{eps: sp.Integer(1), nb: sp.Integer(1)}],
        ),
        nonnegative(
            "Q is convex: q''(z) = 1/sqrt(4 + z^2) > 0", sp.diff(q_printed(zr), zr, 2), 1 / sp.sqrt(4 + zr**2)
        ),
    ]


def corrected_l1_threshold_parts() -> list[Part]:
    """The corrected l1 threshold min{(2(1+2eps)b)^(-(2+eps)/(2eps)), exp(-(2+eps)d/(2 eps b))} meets every
    hypothesis of Lemma 5 the proof uses (b = |beta*|_1, B = (1+2eps)b, b_inf = b + s in [b, B]).

    Compared in logarithms: each part is ln(needed bound) - ln(threshold term) >= 0.
    """
    p = (2 + eps) / (2 * eps)  # 1/(2 eps')
    log_exp_term = -(2 + eps) * dim / (2 * eps * bstar)  # ln of the corrected exp term
    delta = sp.Symbol("delta", positive=True)  # d = eps + delta (0 < eps < d)
    dd_ = eps + delta
    log_exp = log_exp_term.subs(dim, dd_)
    ep = eps_prime()
    h = bstar * sp.log(bstar) - bstar + 1  # >= 0, as in (28)
    return [
        nonnegative(
            "corrected: exp term <= exp(-d/(2eps'B)), Lemma 5 (29) at |beta|_1 = B = (1+2eps)|beta*|_1",
            -dim / (2 * ep * (1 + 2 * eps) * bstar) - log_exp_term,
            (2 + eps) * dim / (bstar * (1 + 2 * eps)),
        ),
        nonnegative(
            "corrected: exp term <= exp(-d/(2eps' b_inf)), Lemma 5 (29) at beta^inf, "
            "|beta^inf|_1 = b + s >= b",
            -dim / (2 * ep * (bstar + s)) - log_exp_term,
            (2 + eps) * dim * s / (2 * eps * bstar * (bstar + s)),
        ),
        sum_of(
            "corrected: exp term <= sqrt(|beta*|_1) <= sqrt(B), Lemma 5 (26) at beta* and at B "
            "(uses eps < d)",
            sp.log(bstar) / 2 - log_exp,
            [
                _scale(convex("b ln b - b + 1 >= 0", h, bstar, 1, 1 / bstar), 1 / (2 * bstar)),
                nonnegative(
                    "",
                    half + (1 + eps + delta * (2 + eps) / eps) / (2 * bstar),
                    half + (1 + eps + delta * (2 + eps) / eps) / (2 * bstar),
                ),
            ],
        ),
        nonnegative("corrected: exp term <= 1", -log_exp_term, -log_exp_term),
        identity(
            "corrected: power term = (2B)^(-1/(2eps')), Lemma 5 (26) at B",
            (2 * (1 + 2 * eps) * bstar) ** (-p),
            (2 * (1 + 2 * eps) * bstar) ** (-1 / (2 * ep)),
        ),
        _scale(
            log_at_most(
                "corrected: power term <= (2|beta*|_1)^(-1/(2eps')), Lemma 5 (26) at beta*",
                2 * bstar,
                2 * (1 + 2 * eps) * bstar,
                nonnegative("", 4 * eps * bstar, 4 * eps * bstar),
            ),
            p,
        ),
    ]


def theorem2_proof() -> Derivation:
    return Derivation.from_parts(
        [*theorem2_proof_parts(), *corrected_l1_threshold_parts()],
        title="proof of Theorem 2 (44)-(49)",
        assumptions="0 < eps < d, |beta*| > 0, eps' = eps/(2+eps)",
        notes=(
            "Lemma 5's alpha_1 increases with |beta|_1 through sqrt(|beta|_1) and exp(-d/(2eps|beta|_1)), so "
            "alpha <= alpha_1(eps', (1+2eps)|beta*|_1, d) does not give (44) for smaller |beta|_1 "
            "(beta*, beta^inf)",
        ),
        corrected=sp.Matrix(
            [
                sp.Min(
                    (2 * (1 + 2 * eps) * bstar) ** (-(2 + eps) / (2 * eps)),
                    sp.exp(-(2 + eps) * dim / (2 * eps * bstar)),
                )
            ]
        ),
        instance=lambda point: witness_instance({s_: point[s_] for s_ in (eps, bstar, dim)}),
    )


def theorem2_l2_parts() -> list[Part]:
    """Theorem 2 (l2) through (42) directly: at the theorem's alpha the factor of (42) is <= eps'."""
    ep = eps_prime()
    x_T = (
        (1 + 2 * eps) * bstar / theorem2_l2_threshold() ** 2
    )  # |beta|_2/alpha^2 at the threshold, |beta|_2 <= (1+2eps)|beta*|
    x_expected = eps * (1 + 2 * eps) / (2 * (1 + eps) * (2 + eps))
    gap = ep - relative_error_bound(x_expected)
    return [
        identity(
            "|beta|_2/alpha^2 <= (1+2eps)|beta*|_2/alpha_T^2 = eps(1+2eps)/(2(1+eps)(2+eps))", x_T, x_expected
        ),
        nonnegative(
            "(x^4 + 2x^2)/96 <= eps/(2+eps) at that x: (47) holds for all |beta|_2 <= (1+2eps)|beta*|_2",
            gap,
            sp.factor(sp.together(gap)),
        ),
        *theorem2_proof_parts()[2:5],
        theorem2_proof_parts()[6],
    ]


def theorem2_l2() -> Derivation:
    return Derivation.from_parts(
        theorem2_l2_parts() + lemma7_parts()[1:2] + taylor_remainder_parts() + [fourth_derivative_bound()],
        title="Theorem 2 (l2): the threshold suffices through (42)",
        assumptions="eps > 0, beta^inf = argmin Q_{alpha,1} over X beta = y (setting of Theorem 1)",
        notes=(
            "(47) at the theorem's alpha follows from (42) directly, not from Lemma 7 as the proof says "
            "(see krr.thm2.proof); (48)-(49) and convexity of Q then give the claim",
            "beta' = (1-c) beta + c beta*: Q(beta') <= max(Q(beta), Q(beta*)) by convexity and "
            "Q(beta') > Q(beta*) "
            "by (48), so Q(beta) >= Q(beta') > Q(beta*) >= Q(beta^inf)",
        ),
    )


def phi_derivatives() -> Derivation:
    """krr (39)-(40): derivatives of phi by the fundamental theorem of calculus and differentiation."""
    f = phi()  # hypentropy_expansions
    first = sp.diff(f, zr)  # SymPy applies the fundamental theorem of calculus to the upper limit
    derived = [first, sp.diff(first, zr), sp.diff(first, zr, 2), sp.diff(first, zr, 3)]
    printed = phi_derivatives_printed()
    points = [{zr: sp.Integer(1), alpha: sp.Integer(1)}, {zr: sp.Rational(-3, 2), alpha: sp.Rational(2, 3)}]
    parts = [
        identity("phi(0) = 0", f.subs(zr, 0).doit(), 0),
        identity("phi'(z) (39)", derived[0], printed["phi'"], points),
        identity("phi'(0) = 0", derived[0].subs(zr, 0), 0),
        identity("phi''(z) (39)", derived[1], printed["phi''"], points),
        identity("phi''(0) = 1/(2 alpha^4)", derived[1].subs(zr, 0), 1 / (2 * alpha**4)),
        identity("phi'''(z) (39)", derived[2], printed["phi'''"], points),
        identity("phi'''(0) = 0", derived[2].subs(zr, 0), 0),
        identity("phi''''(z) (39)", derived[3], printed["phi''''"], points),
        identity(
            "phi''''(z) = (2z^2 - 4 alpha^4)/(alpha^12 (4 + z^2/alpha^4)^(5/2)) (40)",
            derived[3],
            printed["phi'''' (40), without | |"],
            points,
        ),
    ]
    parts.append(fourth_derivative_bound())
    return Derivation.from_parts(
        parts,
        title="derivatives of phi (39) and the bound (40)",
        assumptions="alpha > 0, z real",
        notes=("(40) and (41) write phi''' for the fourth derivative phi'''' computed in (39)",),
    )
