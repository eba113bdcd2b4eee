"""Appendix H of "Kernel and Rich Regimes": the kernel regime of matrix factorization.

Setting (krr Sec. 6 and App. H): f((U, V), X) = <U V^T, X>, loss L = sum_n (<X_n, U V^T> - y_n)^2
(no factor 1/2, krr Sec. 2 and Sec. 6); W = [U; V] in R^{2d x k}; the lifted measurement
Xbar = 1/2 [[0, X], [X^T, 0]], so that <W W^T, Xbar> = <U V^T, X>; y(t) the predictions.

What is derived here:
* krr (71)-(72): the prediction dynamics y' = -Sigma (y - y*) from the definitions;
* krr (78)-(81): the radius R of Lemma 12, the identity (79) and the chain (81);
* krr (84)-(87): the exponents of (85) and the integral (87) that gives Theorem 9's bound;
* krr (88)-(99): the constants of the proof of Corollary 10: (88), (91), (95), (96), (97),
  the last step of (89), and (98)-(99);
* the reading of Corollary 10 in the text after it (sigma = alpha^2 sqrt(k)).
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Outcome, Part, Step
from dlncheck.derivations.equality import compare, rational_points

mu, lam, Lam = sp.symbols("mu lambda Lambda", positive=True)  # mu; lambda <= Lambda: bounds of XX^T
gamma = sp.Symbol("gamma", nonnegative=True)
y0 = sp.Symbol("y0", positive=True)  # ||y(0) - y*||
t = sp.Symbol("t", nonnegative=True)
alpha = sp.Symbol("alpha", positive=True)
k = sp.Symbol("k", positive=True)  # the width (real here: the constants are algebraic in k)
d = sp.Symbol("d", positive=True)
Y = sp.Symbol("Y", positive=True)  # bound on ||y*||


# ------------------------------------------------------------------ (71)-(72), Lemma 11


def lifted(X: sp.Matrix) -> sp.Matrix:
    """Xbar = 1/2 [[0, X], [X^T, 0]]: <W W^T, Xbar> = <U V^T, X> for W = [U; V]."""
    n = X.shape[0]
    return sp.Rational(1, 2) * sp.Matrix(sp.BlockMatrix([[sp.zeros(n), X], [X.T, sp.zeros(n)]]))


def _inner(A: sp.Matrix, B: sp.Matrix) -> sp.Expr:
    return sum(A.multiply_elementwise(B))


@cache
def prediction_sides(dim: int = 2, width: int = 1, samples: int = 1):
    """(y, W', y' derived, -Sigma (y - y*) printed) for gradient flow on the paper's loss."""
    W = sp.Matrix(2 * dim, width, lambda i, j: sp.Symbol(f"w_{i + 1}{j + 1}", real=True))
    Xs = [
        sp.Matrix(dim, dim, lambda i, j, n=n: sp.Symbol(f"x{n + 1}_{i + 1}{j + 1}", real=True))
        for n in range(samples)
    ]
    ystar = sp.Matrix(samples, 1, lambda i, _: sp.Symbol(f"ystar_{i + 1}", real=True))
    bars = [lifted(X) for X in Xs]
    M = W * W.T
    y = sp.Matrix([_inner(M, Xb) for Xb in bars])
    loss = sum((y[n] - ystar[n]) ** 2 for n in range(samples))  # krr Sec. 6, no factor 1/2
    W_dot = -W.applyfunc(lambda w: sp.diff(loss, w))  # gradient flow
    # chain rule: y_n' = sum_ij d y_n / d W_ij * W_ij'
    derived = sp.Matrix(
        [
            sp.expand(sum(sp.diff(y[n], w) * wd for w, wd in zip(W, W_dot, strict=True)))
            for n in range(samples)
        ]
    )
    Sigma = sp.Matrix(samples, samples, lambda m, n: 4 * _inner(M, bars[n] * bars[m]))  # krr (72)
    printed = (-Sigma * (y - ystar)).applyfunc(sp.expand)  # krr (71)
    return y, W_dot, derived, printed


def prediction_dynamics(dim: int = 2, width: int = 1, samples: int = 1) -> Derivation:
    """y' under gradient flow on L = sum_n (<W W^T, Xbar_n> - y*_n)^2, against (71)-(72)."""
    y, W_dot, derived, printed = prediction_sides(dim, width, samples)
    corrected = 2 * printed
    # Both sides are polynomials: expanded, a nonzero residual is certainly nonzero, and
    # compare's general-purpose simplify on it would only cost time.
    residual = (derived - printed).applyfunc(sp.expand)
    fixed = (derived - corrected).applyfunc(sp.expand)
    symbols = sorted(residual.free_symbols, key=lambda s: s.name)
    text, method = "(71)-(72)", "polynomials expanded"
    part = Part(text, Outcome.AGREES, derived, residual, method, printed=printed)
    if residual != sp.zeros(*residual.shape):
        for point in rational_points(symbols, count=4, seed=11):
            value = residual.xreplace(point)
            if value != sp.zeros(*value.shape):
                # differs is claimed only where the corrected form 2 * (71) holds
                confirmed = fixed == sp.zeros(*fixed.shape)
                outcome = Outcome.DIFFERS if confirmed else Outcome.INCONCLUSIVE
                method += "; witness by exact rational arithmetic"
                part = Part(text, outcome, derived, residual, method, point, value, printed)
                break
        else:
            method += "; witness by no sampled point showed the residual"
            part = Part(text, Outcome.INCONCLUSIVE, derived, residual, method, printed=printed)
    steps = (
        Step("predictions y_n = <W W^T, Xbar_n> (= <U V^T, X_n>)", y),
        Step("W' = -grad_W L with L = sum_n (y_n - y*_n)^2 (krr Sec. 6): = -4 sum_n r_n Xbar_n W", W_dot),
        Step("y' by the chain rule, expanded (the 'derived' side)"),
        Step("printed (71)-(72): -Sigma (y - y*), Sigma_mn = 4 <W W^T, Xbar_n Xbar_m> (the 'printed' side)"),
        Step("residual derived - printed, expanded: equal to the printed side, so y' = 2 * (71)"),
        Step("derived - 2 * printed, expanded: 0, so Sigma_mn = 8 <W W^T, Xbar_n Xbar_m>", fixed),
    )
    return Derivation.from_parts(
        [part],
        title=f"prediction dynamics (71)-(72) (d = {dim}, k = {width}, N = {samples}, symbolic entries)",
        steps=steps,
        assumptions="loss without 1/2 as defined in krr Sec. 2 and 6; X_n lifted to Xbar_n",
        corrected=corrected,
    )


def sigma_centre_74(dim: int = 2) -> Derivation:
    """The centre 4 mu calX calX^T of (74) is Sigma at W W^T = mu I for the derived Sigma (8), not (72)."""
    X1, X2 = (
        sp.Matrix(dim, dim, lambda i, j, n=n: sp.Symbol(f"x{n}_{i + 1}{j + 1}", real=True)) for n in (1, 2)
    )
    bars = [lifted(X1), lifted(X2)]
    M = mu * sp.eye(2 * dim)  # W W^T = mu I
    derived_sigma = sp.Matrix(2, 2, lambda m, n: sp.expand(8 * _inner(M, bars[n] * bars[m])))
    printed_sigma = sp.Matrix(2, 2, lambda m, n: sp.expand(4 * _inner(M, bars[n] * bars[m])))  # (72)
    calX = sp.Matrix([[*X1.T.reshape(dim * dim, 1)], [*X2.T.reshape(dim * dim, 1)]])  # rows vec(X_n)
    centre = (4 * mu * calX * calX.T).applyfunc(sp.expand)  # (74)
    cmp = compare(derived_sigma, centre)
    steps = (
        Step(
            "Sigma at W W^T = mu I with Sigma_mn = 8 <W W^T, Xbar_n Xbar_m> (derived from the loss)",
            derived_sigma,
        ),
        Step("the centre of (74): 4 mu calX calX^T, calX with rows vec(X_n)", centre),
        Step("(72) as printed at W W^T = mu I: 2 mu calX calX^T, not the centre of (74)", printed_sigma),
    )
    return Derivation.from_parts(
        [Part.of("centre", cmp, derived_sigma, centre)],
        title="the centre 4 mu calX calX^T of (74)",
        steps=steps,
        assumptions=f"d = {dim}, two measurements with symbolic entries, W W^T = mu I",
    )


def perturbation_identity_74(size: int = 2, width: int = 2) -> Derivation:
    """krr (74), fifth line: W W^T - W0 W0^T = D D^T + D W0^T + W0 D^T with D = W - W0."""
    W0 = sp.Matrix(size, width, lambda i, j: sp.Symbol(f"a_{i + 1}{j + 1}", real=True))
    D = sp.Matrix(size, width, lambda i, j: sp.Symbol(f"e_{i + 1}{j + 1}", real=True))
    W = W0 + D
    derived = (W * W.T - W0 * W0.T).applyfunc(sp.expand)
    printed = (D * D.T + D * W0.T + W0 * D.T).applyfunc(sp.expand)
    cmp = compare(derived, printed)
    # ||W0||_op^2 = lambda_max(W0 W0^T) <= mu + gamma when ||W0 W0^T - mu I||_op <= gamma.
    steps = (
        Step("W W^T - W0 W0^T with W = W0 + D", derived),
        Step(
            "D D^T + D W0^T + W0 D^T: so ||.||_op <= R^2 + 2 R ||W0||_op (||D||_op <= ||D||_F <= R)", printed
        ),
        Step("||W0||_op^2 = lambda_max(W0 W0^T) <= mu + gamma, the last line of (74)"),
    )
    return Derivation.from_parts(
        [Part.of("perturbation identity", cmp, derived, printed)],
        title="the perturbation identity in (74)",
        steps=steps,
        assumptions=f"{size} x {width} symbolic matrices",
    )


def kronecker_form_73(dim: int = 2, width: int = 2) -> Derivation:
    """krr (73): Sigma_mn / 4 = <W W^T, Xbar_n Xbar_m> = vec(Xbar_n)^T (I (x) W W^T) vec(Xbar_m)."""
    W = sp.Matrix(2 * dim, width, lambda i, j: sp.Symbol(f"w_{i + 1}{j + 1}", real=True))
    X1, X2 = (
        sp.Matrix(dim, dim, lambda i, j, n=n: sp.Symbol(f"x{n}_{i + 1}{j + 1}", real=True)) for n in (1, 2)
    )
    B1, B2 = lifted(X1), lifted(X2)
    M = W * W.T
    vec = lambda A: A.T.reshape(A.rows * A.cols, 1)  # noqa: E731  column-stacking vec
    derived = sp.expand(_inner(M, B1 * B2))  # (72) entry (m, n) = (2, 1), without the 4
    printed = sp.expand((vec(B1).T * sp.kronecker_product(sp.eye(2 * dim), M) * vec(B2))[0])  # (73)
    cmp = compare(derived, printed)
    steps = (
        Step("<W W^T, Xbar_1 Xbar_2>", derived),
        Step("vec(Xbar_1)^T (I_{2d} (x) W W^T) vec(Xbar_2)", printed),
        Step(
            "(73) holds with the lifted rows vec(Xbar_n) and I of size 2d (the paper writes I_{d x d} and "
            "calX with rows vec(X_n), whose sizes do not match W W^T; ||vec Xbar_n||^2 = ||vec X_n||^2 / 2)"
        ),
    )
    return Derivation.from_parts(
        [Part.of("Kronecker form", cmp, derived, printed)],
        title="the Kronecker form (73) of Sigma",
        steps=steps,
        assumptions=f"d = {dim}, k = {width}, symbolic entries; lifted measurements",
    )


# ------------------------------------------------------------------ (78)-(81), Lemma 12

# mu > 4 Lambda gamma / lambda written as mu = 4 Lambda gamma / lambda + excess, excess > 0
excess = sp.Symbol("excess", positive=True)
MU_ABOVE_THRESHOLD = 4 * Lam * gamma / lam + excess


def positive_above_threshold(expr: sp.Expr) -> bool:
    """Is expr > 0 whenever mu > 4 Lambda gamma / lambda (SymPy's sign deduction after substitution)?"""
    return bool(sp.factor(sp.expand(expr.subs(mu, MU_ABOVE_THRESHOLD))).is_positive)


def radius_78() -> sp.Expr:
    """krr (78): R = sqrt(mu + mu lambda/(4 Lambda)) - sqrt(mu + gamma)."""
    return sp.sqrt(mu + mu * lam / (4 * Lam)) - sp.sqrt(mu + gamma)


def y0_bound() -> sp.Expr:
    """The hypothesis on ||y(0) - y*|| of Lemma 12 / Theorem 9."""
    return mu * lam / sp.sqrt(Lam) * (1 - sp.sqrt((1 + gamma / mu) / (1 + lam / (4 * Lam))))


def lemma12_bound() -> sp.Expr:
    """Lemma 12 / Theorem 9 first bound: sqrt(Lambda + lambda/4) ||y(0) - y*|| / (lambda sqrt(mu))."""
    return sp.sqrt(Lam + lam / 4) * y0 / (lam * sp.sqrt(mu))


def lemma12_algebra() -> Derivation:
    """(79), the last equality of (80), and the chain (81)."""
    R = radius_78()
    s = sp.sqrt(mu + gamma)  # ||W(0)||_op <= s
    # R > 0 iff (mu + mu lambda/(4 Lambda)) - (mu + gamma) > 0 iff mu > 4 Lambda gamma / lambda
    gap = sp.factor((mu + mu * lam / (4 * Lam)) - (mu + gamma))
    integral = sp.integrate(sp.exp(-mu * lam * t), (t, 0, sp.oo))
    derived = sp.Matrix(
        [
            2 * mu * lam - 4 * Lam * (gamma + R**2 + 2 * R * s),  # (79) left
            sp.sqrt(Lam) * (s + R),  # (80) last line, left
            sp.sqrt(mu * Lam + mu * lam / 4) * y0 * integral,  # (81) third line, left
            lemma12_bound().subs(y0, y0_bound()),  # (81) fifth line: the bound at the largest y0
        ]
    )
    printed = sp.Matrix(
        [
            mu * lam,  # (79)
            sp.sqrt(Lam) * sp.sqrt(mu + mu * lam / (4 * Lam)),  # (80)
            lemma12_bound(),  # (81)
            R,  # (81): = R
        ]
    )
    cmp = compare(derived, printed)
    radius_positive = positive_above_threshold(gap)
    steps = (
        Step("(78): R", R),
        Step(
            "(mu + mu lambda/(4 Lambda)) - (mu + gamma), factored: R > 0 iff mu > 4 Lambda gamma/lambda", gap
        ),
        Step("int_0^oo exp(-mu lambda t) dt", integral),
        Step("(79), (80) last line, (81) third and fifth lines, derived", derived),
        Step("as printed", printed),
    )
    return Derivation.from_parts(
        [Part.of("(79)-(81)", cmp, derived, printed)],
        title="Lemma 12: (79), (80) last line and (81)",
        steps=steps,
        assumptions="mu, lambda, Lambda > 0, gamma >= 0",
        decided=radius_positive,
    )


# ------------------------------------------------------------------ (84)-(87), Theorem 9


def theorem9_second_bound() -> sp.Expr:
    """Theorem 9, second bound, as printed (also the last line of (87))."""
    return Lam * sp.sqrt(1 + lam / (4 * Lam)) * y0**2 / (lam**2 * mu ** sp.Rational(3, 2)) + 2 * sp.sqrt(
        Lam
    ) * sp.sqrt(1 + gamma / mu) * y0 / (lam * sp.sqrt(mu))


def theorem9_integral() -> Derivation:
    """(85)-(87): the exponents are <= -mu lambda, and the integral gives Theorem 9's bound."""
    R78 = radius_78()
    s = sp.sqrt(mu + gamma)
    # (85), first line: the exponent rate 2 mu lambda - 4 Lambda (gamma + R^2 + 2 R s) is decreasing
    # in R >= 0, and R_thm := lemma12_bound() <= R78 by the hypothesis on y0; at R78 it equals mu lambda.
    rate = lambda R: 2 * mu * lam - 4 * Lam * (gamma + R**2 + 2 * R * s)  # noqa: E731
    R_sym = sp.Symbol("R", nonnegative=True)
    slope = sp.diff(rate(R_sym), R_sym)  # -8 Lambda (R + s) < 0
    at_largest = sp.expand(rate(R78))
    # (85), second line: 2 mu lambda - 4 Lambda gamma - mu lambda = mu lambda - 4 Lambda gamma > 0
    tk_margin = sp.expand(2 * mu * lam - 4 * Lam * gamma - mu * lam)
    # (87): sqrt(Lambda) int_0^oo (R_thm y0 + 2 s y0) exp(-mu lambda t) dt
    integrand = sp.sqrt(Lam) * (lemma12_bound() * y0 + 2 * s * y0) * sp.exp(-mu * lam * t)
    derived_integral = sp.integrate(integrand, (t, 0, sp.oo))
    derived = sp.Matrix([at_largest, derived_integral])
    printed = sp.Matrix([mu * lam, theorem9_second_bound()])
    cmp = compare(derived, printed)
    decreasing = bool((-slope).is_positive)
    steps = (
        Step("d/dR of the decay rate 2 mu lambda - 4 Lambda (gamma + R^2 + 2 R sqrt(mu+gamma))", slope),
        Step(
            "the rate at R = (78), where it is smallest (R_thm <= (78) by the hypothesis on y0)", at_largest
        ),
        Step(
            "(85) second line: (2 mu lambda - 4 Lambda gamma) - mu lambda > 0 iff mu > 4 Lambda gamma/lambda",
            tk_margin,
        ),
        Step(
            "(86)-(87): sqrt(Lambda) int_0^oo (R_thm y0 + 2 sqrt(mu+gamma) y0) e^{-mu lambda t} dt",
            derived_integral,
        ),
        Step("Theorem 9's second bound as printed", theorem9_second_bound()),
    )
    return Derivation.from_parts(
        [Part.of("(85) rate and (87) integral", cmp, derived, printed)],
        title="(85) exponents and the integral (87)",
        steps=steps,
        assumptions="mu, lambda, Lambda, y0 > 0, gamma >= 0",
        decided=decreasing and positive_above_threshold(tk_margin),
    )


def theorem9_bounds_are_the_lemma_bounds() -> Derivation:
    """Theorem 9's two bounds: the first is Lemma 12's, the second the end of (87)."""
    first_thm = sp.sqrt(Lam + lam / 4) * y0 / (lam * sp.sqrt(mu))
    derived_second = sp.integrate(
        sp.sqrt(Lam) * (lemma12_bound() * y0 + 2 * sp.sqrt(mu + gamma) * y0) * sp.exp(-mu * lam * t),
        (t, 0, sp.oo),
    )
    derived = sp.Matrix([lemma12_bound(), derived_second])
    printed = sp.Matrix([first_thm, theorem9_second_bound()])
    cmp = compare(derived, printed)
    steps = (
        Step("Lemma 12's bound and the integral of (87)", derived),
        Step("Theorem 9 as printed", printed),
    )
    return Derivation.from_parts(
        [Part.of("bounds", cmp, derived, printed)],
        title="Theorem 9's bounds from Lemma 12 and (87)",
        steps=steps,
        assumptions="mu, lambda, Lambda, y0 > 0, gamma >= 0",
    )


# ------------------------------------------------------------------ (88)-(100), Corollary 10

GAMMA_90 = 8 * alpha**2 * sp.sqrt(2 * k * d)  # (90)
MU_90 = alpha**2 * k  # (90)
C94 = 4 + 16 * Lam / lam  # the recurring 4 + 16 Lambda/lambda


def y0_squared_bound_89() -> sp.Expr:
    """(89): ||y(0) - y*||^2 <= 2 Y^2 + 256 k d^3 alpha^4 Lambda^2."""
    return 2 * Y**2 + 256 * k * d**3 * alpha**4 * Lam**2


def conditions_94() -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """(94) as printed: k >= each of these."""
    return (
        8192 * Lam**2 * d / lam**2,
        512 * d**3 * Lam**3 * C94**2 / lam**2,
        Y / (2 * alpha**2 * sp.sqrt(Lam) * (lam + 4 * Lam)),
    )


def required_93() -> sp.Expr:
    """Right side of (92) with (90) inserted ((93) prints 8 sqrt(2kd)/sqrt(k) for 8 sqrt(2d)/sqrt(k))."""
    return (
        alpha**2
        * lam
        * k
        / sp.sqrt(Lam)
        * (1 - sp.sqrt((1 + 8 * sp.sqrt(2 * d) / sp.sqrt(k)) / (1 + lam / (4 * Lam))))
    )


def corollary10_constants() -> Derivation:
    """(88) from Lemma 13, (91), (95) and (96): the algebra that does hold."""
    # (88): Lemma 13 for W in R^{2d x k} (d -> 2d), sigma = alpha
    dd, sigma = sp.symbols("d_W sigma", positive=True)
    lemma13_radius, lemma13_prob = 8 * sigma**2 * sp.sqrt(k * dd), 2 * sp.exp(-dd / 2)
    radius88 = lemma13_radius.subs({dd: 2 * d, sigma: alpha})
    prob88 = lemma13_prob.subs(dd, 2 * d)
    # (91): mu > 4 Lambda gamma / lambda  <=>  k > 2048 Lambda^2 d / lambda^2 (both sides positive)
    ratio91 = sp.simplify((MU_90 / (4 * Lam * GAMMA_90 / lam)) ** 2)  # (mu / (4 Lambda gamma/lambda))^2
    threshold91 = sp.solve(sp.Eq(ratio91, 1), k)
    # (95): at k = 8192 Lambda^2 d/lambda^2, 8 sqrt(2d)/sqrt(k) = lambda/(8 Lambda)
    at95 = sp.simplify((8 * sp.sqrt(2 * d) / sp.sqrt(k)).subs(k, conditions_94()[0]))
    middle95 = sp.simplify((1 + lam / (8 * Lam)) / (1 + lam / (4 * Lam)) - (1 - 1 / (2 + 8 * Lam / lam)))
    # sqrt(1 - x) <= 1 - x/2 for 0 <= x <= 1: (1 - x/2)^2 - (1 - x) = x^2/4 >= 0
    x = 1 / (2 + 8 * Lam / lam)
    sqrt_gap = sp.factor((1 - x / 2) ** 2 - (1 - x))
    # (96) second line at k = 512 d^3 Lambda^3 C^2/lambda^2 equals sqrt(512 k d^3 alpha^4 Lambda^2)
    k96 = conditions_94()[1]
    line96 = alpha**2 * lam * sp.sqrt(k) / (sp.sqrt(Lam) * C94) * sp.sqrt(512 * d**3 * Lam**3) * C94 / lam
    # (92): the hypothesis of Theorem 9 on ||y(0) - y*|| with (90) inserted
    at92 = y0_bound().subs({gamma: GAMMA_90, mu: MU_90})
    derived = sp.Matrix(
        [radius88, prob88, threshold91[0] if len(threshold91) == 1 else sp.nan, at92, at95, middle95, line96]
    )
    printed = sp.Matrix(
        [
            8 * alpha**2 * sp.sqrt(2 * k * d),
            2 * sp.exp(-d),
            2048 * Lam**2 * d / lam**2,
            required_93(),
            lam / (8 * Lam),
            0,
            sp.sqrt(512 * k * d**3 * alpha**4 * Lam**2),
        ]
    )
    cmp = compare(derived, printed)
    sign_ok = bool(sqrt_gap.is_nonnegative) and bool(
        sp.simplify(alpha**2 * lam * k96 / (sp.sqrt(Lam) * C94) - line96.subs(k, k96)) == 0
    )
    steps = (
        Step(
            "(88): Lemma 13's radius and probability with d -> 2d (W is 2d x k), sigma = alpha",
            sp.Tuple(radius88, prob88),
        ),
        Step(
            "(91): (mu / (4 Lambda gamma / lambda))^2 with (90); it is 1 at k =",
            sp.Tuple(ratio91, *threshold91),
        ),
        Step("(92): Theorem 9's bound on ||y(0) - y*|| with gamma, mu of (90)", at92),
        Step("(95): 8 sqrt(2d)/sqrt(k) at the first threshold of (94) (it decreases in k)", at95),
        Step(
            "(95): (1 + lambda/(8 Lambda))/(1 + lambda/(4 Lambda)) - (1 - 1/(2 + 8 Lambda/lambda))", middle95
        ),
        Step(
            "(95): (1 - x/2)^2 - (1 - x) with x = 1/(2 + 8 Lambda/lambda): >= 0, so sqrt(1-x) <= 1 - x/2",
            sqrt_gap,
        ),
        Step(
            "(96): the second line with sqrt(k) >= sqrt(512 d^3 Lambda^3) (4 + 16 Lambda/lambda)/lambda",
            line96,
        ),
    )
    return Derivation.from_parts(
        [Part.of("(88), (91), (92), (95), (96)", cmp, derived, printed)],
        title="Corollary 10's proof: (88), (91), (92), (95), (96)",
        steps=steps,
        assumptions="alpha, k, d, lambda, Lambda, Y > 0",
        decided=sign_ok,
    )


def case_two_condition_97() -> Derivation:
    """(97): the width that makes alpha^2 lambda k / (sqrt(Lambda) (4 + 16 Lambda/lambda)) >= 2 Y."""
    lower = alpha**2 * lam * k / (sp.sqrt(Lam) * C94)  # (97) after its first inequality
    derived = sp.solve(sp.Eq(lower, 2 * Y), k)[0]  # lower is increasing in k
    derived = sp.factor(derived)
    printed = conditions_94()[2]
    # A point of (94) in the second case 2 Y^2 > 256 k d^3 alpha^4 Lambda^2, where (93) fails.
    point = {
        alpha: sp.Integer(1),
        lam: sp.Integer(1),
        Lam: sp.Integer(1),
        d: sp.Integer(1),
        k: sp.Integer(204800),
        Y: sp.Integer(2048000),
    }
    cmp = compare(derived, printed, [point])
    margin93 = (required_93() - sp.sqrt(y0_squared_bound_89())).subs(point)
    steps = (
        Step("(97) first line: alpha^2 lambda k / (sqrt(Lambda)(4 + 16 Lambda/lambda))", lower),
        Step("it is >= 2Y exactly when k >= (derived)", derived),
        Step("(94) third condition as printed", printed),
        Step(
            "at the witness every condition of (94) holds and 2Y^2 > 256 k d^3 alpha^4 Lambda^2 (second "
            "case), but (93) fails: right side of (93) minus its left side =",
            margin93.evalf(30),
        ),
    )
    return Derivation.from_parts(
        [Part.of("third condition of (94)", cmp, derived, printed)],
        title="(94)-(97): the width condition of the second case",
        steps=steps,
        assumptions="alpha, k, d, lambda, Lambda, Y > 0",
        corrected=derived,
        instance={"params": {s.name: sp.sstr(v) for s, v in sorted(point.items(), key=lambda i: i[0].name)}},
    )


# The instance on which (89) fails: d = 1, k = 4, one measurement X_1 = c (so lambda = Lambda = c^2),
# y* = 0 (Y = 0), U = 2 alpha e_1, V = 2 alpha (t e_1 + s e_2) with s^2 = 1 - t^2.
C89, T89 = sp.Symbol("c", positive=True), sp.Symbol("t", positive=True)
WIDTH_89 = 4
WITNESS_89 = {"alpha": "1", "c": "1/100", "t": "3/5"}


def initial_residual_89() -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """(||y(0) - y*||^2 from the definitions, the printed bound of (89), ||W W^T - alpha^2 k I||_op)."""
    s = sp.sqrt(1 - T89**2)
    U = sp.Matrix([[2 * alpha, 0, 0, 0]])  # d = 1, k = 4: each row has norm alpha sqrt(k) = 2 alpha
    V = sp.Matrix([[2 * alpha * T89, 2 * alpha * s, 0, 0]])
    W = sp.Matrix.vstack(U, V)
    deviation = (W * W.T - alpha**2 * WIDTH_89 * sp.eye(2)).applyfunc(sp.simplify)
    op_norm = sp.Max(*[sp.Abs(e) for e in deviation.eigenvals()])  # symmetric: largest |eigenvalue|
    y0 = C89 * (U * V.T)[0]  # <U V^T, X_1> with X_1 = c
    residual_sq = sp.expand(y0**2)  # y* = 0
    bound = y0_squared_bound_89().subs({Y: 0, k: WIDTH_89, d: 1, Lam: C89**2})
    return residual_sq, bound, sp.simplify(op_norm)


def initial_residual_bound_89() -> Derivation:
    """(89) at a concrete initialization in the event of (88): the bound fails for small Lambda."""
    residual_sq, bound, op_norm = initial_residual_89()
    point = {alpha: sp.Integer(1), C89: sp.Rational(1, 100), T89: sp.Rational(3, 5)}
    event = (8 * alpha**2 * sp.sqrt(2 * k * d)).subs({k: WIDTH_89, d: 1})  # radius of (88)
    in_event = bool((event - op_norm).subs(point) > 0)
    margin = (bound - residual_sq).subs(point)  # (89) says >= 0
    at_witness = Part(
        "(89) at the witness",
        Outcome.DIFFERS if in_event and margin < 0 else Outcome.INCONCLUSIVE,
        residual_sq,
        sp.expand(residual_sq - bound),
        "exact rational arithmetic at the witness; event checked exactly",
        point,
        f"bound - ||y(0)-y*||^2 = {margin}",
        bound,
    )
    frob = C89**2  # ||calX||_F^2 for one measurement c E_11
    steps = (
        Step("d = 1, k = 4, X_1 = c: calX calX^T = c^2, so lambda = Lambda = c^2 and ||calX||_F^2 = c^2"),
        Step("||W W^T - alpha^2 k I||_op for U = 2 alpha e_1, V = 2 alpha (t, s, 0, 0)", op_norm),
        Step("radius of the event (88): 8 alpha^2 sqrt(2kd)", event),
        Step("||y(0) - y*||^2 = <U V^T, X_1>^2 (y* = 0, Y = 0)", residual_sq),
        Step("printed bound (89): 2Y^2 + 256 k d^3 alpha^4 Lambda^2", bound),
        Step("bound - ||y(0) - y*||^2 at alpha = 1, c = 1/100, t = 3/5 (in the event): negative", margin),
        Step(
            "the last step of (89) needs ||calX||_F^2 <= d Lambda^2, here c^2 <= c^4: false for c < 1; "
            "what holds is ||calX||_F^2 = tr(calX calX^T) <= N Lambda <= d^2 Lambda, "
            "giving 256 k d^4 alpha^4 Lambda",
            sp.Tuple(frob, C89**4),
        ),
    )
    corrected = 2 * Y**2 + 256 * k * d**4 * alpha**4 * Lam
    return Derivation.from_parts(
        [at_witness],
        title="(89) at an initialization in the event of (88)",
        steps=steps,
        assumptions="d = 1, k = 4, N = 1, X_1 = c, y* = 0",
        corrected=corrected,
        instance={"params": dict(WITNESS_89)},
    )


def final_bounds_98_99() -> Derivation:
    """(98) and the last step of (99), from ||y(0) - y*|| <= 2Y + 16 sqrt(k d^3 alpha^4 Lambda^2)."""
    sq = sp.sqrt(k * d**3 * alpha**4 * Lam**2)
    derived98 = sp.expand(2 * sp.sqrt(Lam) * (2 * Y + 16 * sq) / (lam * alpha * sp.sqrt(k)))
    printed98 = (
        4 * Y * sp.sqrt(Lam) / (lam * alpha * sp.sqrt(k))
        + 32 * d ** sp.Rational(3, 2) * Lam ** sp.Rational(3, 2) * alpha / lam
    )
    # (99) middle line as printed: sqrt(1 + lambda/(2 Lambda)) <= 2 and sqrt(1 + 8 sqrt(2d)/sqrt(k)) <= 2
    middle_second = (
        2
        * sp.sqrt(Lam)
        * 2
        * (2 * Y + sp.sqrt(512 * k * d**3 * alpha**4 * Lam**2))
        / (lam * alpha * sp.sqrt(k))
    )
    first = (
        2
        * Lam
        * (2 * Y**2 + 512 * k * d**3 * alpha**4 * Lam**2)
        / (lam**2 * (alpha**2 * k) ** sp.Rational(3, 2))
    )
    derived99 = sp.expand(first + middle_second)
    printed99 = (
        4 * Lam * Y**2 / (lam**2 * alpha**3 * k ** sp.Rational(3, 2))
        + 1024 * d**3 * Lam**3 * alpha / (lam**2 * sp.sqrt(k))
        + 8 * Y * sp.sqrt(Lam) / (lam * alpha * sp.sqrt(k))
        + 64 * d ** sp.Rational(3, 2) * Lam ** sp.Rational(3, 2) * alpha / lam
    )
    derived = sp.Matrix([derived98, derived99])
    printed = sp.Matrix([printed98, printed99])
    point = {
        alpha: sp.Integer(1),
        lam: sp.Integer(1),
        Lam: sp.Integer(1),
        d: sp.Integer(1),
        k: sp.Integer(1),
        Y: sp.Integer(1),
    }
    cmp = compare(derived, printed, [point])
    corrected = sp.Matrix(
        [
            printed98,
            printed99
            + (64 * sp.sqrt(2) - 64) * d ** sp.Rational(3, 2) * Lam ** sp.Rational(3, 2) * alpha / lam,
        ]
    )
    steps = (
        Step(
            "(98): 2 sqrt(Lambda) (2Y + 16 sqrt(k d^3 alpha^4 Lambda^2)) / (lambda alpha sqrt(k)), expanded",
            derived98,
        ),
        Step("(98) last line as printed", printed98),
        Step("(99) middle line, expanded", derived99),
        Step("(99) last line as printed", printed99),
        Step(
            "residual: from its middle line, the last term of (99) is 64 sqrt(2) d^{3/2} Lambda^{3/2} "
            "alpha/lambda, "
            "not 64 d^{3/2} Lambda^{3/2} alpha/lambda",
            cmp.residual,
        ),
    )
    return Derivation.from_parts(
        [Part.of("(98)-(99)", cmp, derived, printed)],
        title="(98) and the last step of (99)",
        steps=steps,
        assumptions="alpha, k, d, lambda, Lambda, Y > 0",
        corrected=corrected,
        instance=None,  # no claim instance: the symbolic check stays inconclusive on its own
    )


def big_o_form_100() -> Derivation:
    """(100): the terms of (98)-(99) against c (1/(alpha^3 k^{3/2}) + 1/(alpha sqrt k) + alpha), k >= 1."""
    ks = sp.Symbol("k", positive=True)
    # each term of (99) divided by its O-term; bounded by a constant in Lambda, lambda, d, Y for k >= 1
    ratios = sp.Matrix(
        [
            (4 * Lam * Y**2 / (lam**2 * alpha**3 * ks ** sp.Rational(3, 2)))
            * (alpha**3 * ks ** sp.Rational(3, 2)),
            (1024 * d**3 * Lam**3 * alpha / (lam**2 * sp.sqrt(ks))) / alpha * sp.sqrt(ks),
            (8 * Y * sp.sqrt(Lam) / (lam * alpha * sp.sqrt(ks))) * alpha * sp.sqrt(ks),
            (64 * d ** sp.Rational(3, 2) * Lam ** sp.Rational(3, 2) * alpha / lam) / alpha,
        ]
    ).applyfunc(sp.simplify)
    derived = sp.Matrix([sp.Integer(1 if (r.has(alpha) or r.has(ks)) else 0) for r in ratios])
    printed = sp.zeros(4, 1)
    cmp = compare(derived, printed)
    steps = (
        Step(
            "each term of (99) over its O-term (the 1024 term over alpha sqrt(k)^-1... i.e. over alpha, "
            "times sqrt(k) >= 1): free of alpha and k",
            ratios,
        ),
        Step("1 where a ratio still depends on alpha or k", derived),
        Step(
            "corrected conditions: alpha^2 >= 8 Y sqrt(Lambda)(lambda + 4 Lambda)/(lambda^2 k) is again "
            "alpha^2 = Omega(1/k), so (69)-(70) keep their form"
        ),
    )
    return Derivation.from_parts(
        [Part.of("O-terms", cmp, derived, printed)],
        title="(100): the O-form of (98)-(99)",
        steps=steps,
        assumptions="k >= 1; constants depend on Lambda, lambda, d, Y",
    )


def kernel_regime_exponent() -> Derivation:
    """Text after Corollary 10: with alpha = k^{-a}, when is sigma = alpha^2 sqrt(k) = omega(1/sqrt k)?"""
    a = sp.Symbol("a", positive=True)
    kk = sp.Symbol("k", positive=True)
    sigma = (kk ** (-a)) ** 2 * sp.sqrt(kk)
    exponent = sp.expand(
        sp.expand_log(sp.log(sp.powsimp(sigma * sp.sqrt(kk), force=True)), force=True) / sp.log(kk)
    )
    threshold = sp.solve(sp.Eq(exponent, 0), a)[0]  # sigma sqrt(k) -> oo iff exponent > 0 iff a < threshold
    # (69)-(70) vanish relative to ||W(0)||_F ~ alpha sqrt(2dk) iff alpha sqrt(k) -> oo: the same threshold.
    derived = threshold
    printed = sp.Integer(1)  # "alpha goes to zero slower than 1/k": a < 1
    cmp = compare(derived, printed, [{}])
    # the witness: at a = 3/4 (slower than 1/k) the exponent of k in sigma sqrt(k) is -1/2 < 0
    threshold_part = Part(
        "threshold on a",
        cmp.outcome,
        derived,
        cmp.residual,
        cmp.method,
        {a: sp.Rational(3, 4)},
        "exponent of k in sigma sqrt(k) = -1/2 < 0",
        printed,
    )
    steps = (
        Step("alpha = k^{-a}: sigma = alpha^2 sqrt(k)", sigma),
        Step("exponent of k in sigma sqrt(k): sigma = omega(1/sqrt(k)) iff it is > 0", exponent),
        Step("the threshold on a (alpha = k^{-a} with a below it)", threshold),
        Step("printed: 'alpha goes to zero slower than 1/k', i.e. a < 1"),
        Step("at a = 3/4 (slower than 1/k) sigma sqrt(k) = k^{-1/2} -> 0: not the kernel regime condition"),
    )
    return Derivation.from_parts(
        [threshold_part],
        title="sigma = omega(1/sqrt k) in terms of alpha",
        steps=steps,
        assumptions="alpha = k^{-a}, a > 0",
        corrected=sp.Rational(1, 2),
    )


def sigma_condition_matches_bounds() -> Derivation:
    """Text after Corollary 10: sigma = omega(1/sqrt k) iff alpha sqrt(k) -> oo, making (69)-(70) small."""
    a = sp.Symbol("a", positive=True)
    kk = sp.Symbol("k", positive=True)
    alpha_k = kk ** (-a)
    sigma_sqrt_k = sp.powsimp(alpha_k**2 * sp.sqrt(kk) * sp.sqrt(kk), force=True)
    alpha_sqrt_k = sp.powsimp(alpha_k * sp.sqrt(kk), force=True)
    derived = sp.powsimp(alpha_sqrt_k**2, force=True)
    printed = sigma_sqrt_k
    cmp = compare(derived, printed)
    steps = (
        Step("sigma sqrt(k) = alpha^2 k", sigma_sqrt_k),
        Step("(alpha sqrt k)^2: the same, so sigma = omega(1/sqrt k) iff 1/(alpha sqrt k) -> 0", derived),
        Step(
            "(69)-(70) over ||W(0)||_F ~ alpha sqrt(2 d k): "
            "O(1/(alpha^2 k) + 1/sqrt(k) + 1/(alpha^4 k^2)) -> 0"
        ),
    )
    return Derivation.from_parts(
        [Part.of("sigma sqrt(k) = (alpha sqrt(k))^2", cmp, derived, printed)],
        title="sigma = omega(1/sqrt k) is alpha sqrt(k) -> oo",
        steps=steps,
        assumptions="alpha = k^{-a}",
    )


# ------------------------------------------------------------------ the corrected chains of (80)-(87)

# The paper's loss gives W' = -4 sum_n r_n Xbar_n W (krr.lem11), with ||Xbar_n||_F^2 = ||X_n||_F^2 / 2, so
# ||calXbar||_op^2 <= Lambda/2 for calXbar with rows vec(Xbar_n); the true Sigma_mn = 8 <W W^T, Xbar_n Xbar_m>
VELOCITY_FACTOR = 4  # W' = -4 sum_n r_n Xbar_n W
XBAR_NORM_SQUARED = Lam / 2  # ||calXbar||_op^2 <= Lambda/2


def corrected_chain_80_81() -> Derivation:
    """(74)-(81) with the paper's loss: the decay rate is 3 mu lambda and the constant 2 sqrt(2 Lambda),
    so Lemma 12's conclusion holds with the factor 2 sqrt2/3 < 1 (the printed (80) lacks the 4)."""
    from dlncheck.derivations.hypentropy_inequalities import identity, nonnegative

    R = radius_78()
    s0 = sp.sqrt(mu + gamma)
    # (74) with the true Sigma: ||Sigma - 8 mu calXbar calXbar^T|| <= 8 ||calXbar||^2 ||W W^T - mu I||
    centre_factor = 8 * XBAR_NORM_SQUARED  # = 4 Lambda, the printed perturbation constant of (74)
    true_rate = 8 * mu * lam / 2 - centre_factor * (
        gamma + R**2 + 2 * R * s0
    )  # lambda_min of the centre 4 mu lambda
    velocity_constant = VELOCITY_FACTOR * sp.sqrt(XBAR_NORM_SQUARED)  # ||W'||_F <= 4 ||calXbar^T r|| ||W||_op
    corrected_bound = velocity_constant * (s0 + R) * y0 / (3 * mu * lam)  # (81) with rate 3 mu lambda
    ratio = sp.Rational(2, 3) * sp.sqrt(2)
    parts = [
        identity(
            "(74) with the true Sigma: 8 ||calXbar||^2 = 4 Lambda, the printed constant",
            centre_factor,
            4 * Lam,
        ),
        identity(
            "(75)/(79) with the true Sigma: 4 mu lambda - 4 Lambda (gamma + R^2 "
            "+ 2R sqrt(mu+gamma)) = 3 mu lambda at R of (78)",
            sp.expand(true_rate),
            3 * mu * lam,
        ),
        identity(
            "(80) with W' = -4 sum r_n Xbar_n W: ||W'||_F <= 2 sqrt(2 Lambda) ||W||_op ||r||",
            velocity_constant,
            2 * sp.sqrt(2) * sp.sqrt(Lam),
        ),
        identity(
            "(81) corrected: 2 sqrt(2 Lambda) sqrt(mu + mu lambda/(4 Lambda)) "
            "||r0|| / (3 mu lambda) = (2 sqrt2/3) x Lemma 12's bound",
            sp.simplify(corrected_bound / lemma12_bound()),
            ratio,
        ),
        nonnegative("2 sqrt2/3 < 1: 1 - 8/9 > 0", 1 - ratio**2, sp.Rational(1, 9)),
    ]
    return Derivation.from_parts(
        parts,
        title="(74)-(81) corrected for the paper's loss",
        assumptions=(
            "mu, lambda, Lambda, y0 > 0, gamma >= 0, mu > 4 Lambda gamma/lambda; W' = -4 sum_n r_n Xbar_n W"
        ),
        notes=(
            "the contradiction argument of (80)-(81) then goes through with R of (78): "
            "||W(T) - W(0)||_F <= (2 sqrt2/3) sqrt(Lambda + lambda/4) ||r0||/(lambda sqrt mu) < R",
        ),
    )


def corrected_chain_82_87() -> Derivation:
    """(82)-(87) with the paper's loss: constant 2 sqrt(2 Lambda) in (82), decay 3 mu lambda in (85),
    so Theorem 9's second bound holds with the factor 2 sqrt2/3 (and Lemma 12's radius shrunk likewise)."""
    from dlncheck.derivations.hypentropy_inequalities import identity, nonnegative

    s0 = sp.sqrt(mu + gamma)
    ratio = sp.Rational(2, 3) * sp.sqrt(2)
    R1 = ratio * lemma12_bound()  # Lemma 12's radius, corrected
    integrand = 2 * sp.sqrt(2) * sp.sqrt(Lam) * (R1 * y0 + 2 * s0 * y0) * sp.exp(-3 * mu * lam * t)
    corrected = sp.integrate(integrand, (t, 0, sp.oo))
    printed = theorem9_second_bound()
    tk_rate_gap = sp.expand(
        8 * mu * lam / 2 - 4 * Lam * gamma - 3 * mu * lam
    )  # (77) true rate minus 3 mu lambda
    gap = sp.expand(
        ratio * printed - corrected
    )  # >= 0: only the first term is smaller (R1 < Lemma 12's radius)
    certificate = (
        ratio * (1 - ratio) * Lam * sp.sqrt(1 + lam / (4 * Lam)) * y0**2 / (lam**2 * mu ** sp.Rational(3, 2))
    )
    parts = [
        nonnegative(
            "(85) tangent kernel with the true Sigma(0): 4 mu lambda - 4 Lambda "
            "gamma - 3 mu lambda = mu lambda - 4 Lambda gamma > 0",
            tk_rate_gap.subs(mu, MU_ABOVE_THRESHOLD),
            sp.expand(excess * lam),
        ),
        identity(
            "(87) corrected: 2 sqrt(2 Lambda) int_0^oo (R1 ||r0|| + 2 "
            "sqrt(mu+gamma) ||r0||) e^{-3 mu lambda t} dt",
            corrected,
            ratio * printed - certificate,
        ),
        nonnegative("(2 sqrt2/3) x Theorem 9's second bound - corrected integral >= 0", gap, certificate),
    ]
    return Derivation.from_parts(
        parts,
        title="(82)-(87) corrected for the paper's loss",
        assumptions=(
            "mu, lambda, Lambda, y0 > 0, gamma >= 0, mu > 4 Lambda "
            "gamma/lambda; R1 = (2 sqrt2/3) x Lemma 12's bound"
        ),
        notes=(
            "so sup_T ||W(T) - W_TK(T)||_F <= (2 sqrt2/3) x Theorem 9's "
            "second bound, and sup_T ||W(T) - W(0)||_F <= "
            "(2 sqrt2/3) x the first: Theorem 9 holds with room 1 - 2 sqrt2/3 ~ 0.057",
        ),
    )


# ------------------------------------------------------------------ Corollary 10 with corrected constants

NN = sp.Symbol("N", positive=True)  # number of measurements, N <= d^2
XI = sp.sqrt(1 + lam / (4 * Lam))  # >= sqrt(1 + gamma/mu) under (91)


def corrected_residual_bound_89() -> sp.Expr:
    """(89) corrected: ||y(0) - y*||^2 <= 2Y^2 + 256 k d^2 N Lambda alpha^4 (||calX||_F^2 <= N Lambda)."""
    return 2 * Y**2 + 256 * k * d**2 * NN * Lam * alpha**4


def corollary10_explicit_constants() -> dict[str, sp.Expr]:
    """The constants of (69)-(70) from Theorem 9 with the corrected (89) (k >= 1):
    (69) <= C1a/(alpha sqrt k) + C1b alpha, (70) <= C2a/(alpha^3 k^{3/2}) + C2b/(alpha sqrt k) + C2c alpha."""
    return {
        "C1a": sp.sqrt(2) * sp.sqrt(Lam + lam / 4) * Y / lam,
        "C1b": 16 * d * sp.sqrt(NN * Lam) * sp.sqrt(Lam + lam / 4) / lam,
        "C2a": 2 * Lam * XI * Y**2 / lam**2,
        "C2b": 2 * sp.sqrt(2) * sp.sqrt(Lam) * XI * Y / lam,
        "C2c": XI * (256 * d**2 * NN * Lam**2 / lam**2 + 32 * d * sp.sqrt(NN) * Lam / lam),
    }


def corollary10_corrected() -> Derivation:
    """(89), (98), (99) corrected: the explicit O-constants of Corollary 10."""
    from dlncheck.derivations.hypentropy_inequalities import identity, nonnegative

    C = corollary10_explicit_constants()
    E2 = corrected_residual_bound_89()
    E_split = sp.sqrt(2) * Y + 16 * d * alpha**2 * sp.sqrt(k * NN * Lam)  # >= sqrt(E2)
    sig, xnorm = sp.symbols("gamma_88 X_F", positive=True)
    # (89): 2 ||y0||^2 <= 2 sum_n ||Delta||_F^2 ||Xbar_n||_F^2 <= 2 (2d gamma^2)(||calX||_F^2 / 2),
    # ||calX||_F^2 <= N Lambda
    bound89 = (2 * (2 * d * sig**2) * (xnorm / 2)).subs({sig: GAMMA_90, xnorm: NN * Lam})
    mu90, ksq = MU_90, sp.sqrt(k)
    B1 = lemma12_bound().subs({y0: E_split, mu: mu90})
    B2 = Lam * XI * E2 / (lam**2 * mu90 ** sp.Rational(3, 2)) + 2 * sp.sqrt(Lam) * XI * E_split / (
        lam * sp.sqrt(mu90)
    )  # Theorem 9's second bound with r0^2 <= E2, r0 <= E_split, sqrt(1 + gamma/mu) <= XI
    kk = sp.Symbol("kappa", nonnegative=True)  # k = (1 + kappa)^2 >= 1
    rho = sp.Symbol("rho", nonnegative=True)  # k above the threshold of (91)
    at_k = {k: (1 + kk) ** 2}
    bound69 = C["C1a"] / (alpha * ksq) + C["C1b"] * alpha
    bound70 = C["C2a"] / (alpha**3 * k ** sp.Rational(3, 2)) + C["C2b"] / (alpha * ksq) + C["C2c"] * alpha
    gap70 = sp.simplify((bound70 - B2).subs(at_k))
    certificate70 = sp.simplify((256 * d**2 * NN * Lam**2 * XI * alpha / lam**2 * (1 - 1 / ksq)).subs(at_k))
    parts = [
        identity(
            "(89) corrected: 2 (2d gamma_88^2) ||calX||_F^2/2 at gamma_88 = "
            "8 alpha^2 sqrt(2kd), ||calX||_F^2 <= N Lambda",
            sp.expand(bound89),
            sp.expand(E2 - 2 * Y**2),
        ),
        nonnegative(
            "sqrt(E2) <= sqrt2 Y + 16 d alpha^2 sqrt(k N Lambda): (split)^2 - E2 >= 0",
            sp.expand(E_split**2 - E2),
            32 * sp.sqrt(2) * Y * d * alpha**2 * sp.sqrt(k * NN * Lam),
        ),
        identity(
            "(98) corrected: Theorem 9's first bound at r0 = split, mu = "
            "alpha^2 k, is C1a/(alpha sqrt k) + C1b alpha",
            sp.expand(B1),
            sp.expand(bound69),
        ),
        nonnegative(
            "(99) corrected: C2a/(alpha^3 k^{3/2}) + C2b/(alpha sqrt k) + C2c "
            "alpha - Theorem 9's second bound >= 0 (k >= 1)",
            gap70,
            certificate70,
        ),
        nonnegative(
            "(91): at k = 2048 Lambda^2 d (1 + rho)^2 / lambda^2, "
            "lambda/(4 Lambda) - gamma/mu >= 0 with gamma/mu = "
            "8 sqrt(2d/k) of (90); so sqrt(1 + gamma/mu) <= XI = sqrt(1 + lambda/(4 Lambda))",
            sp.simplify(
                (lam / (4 * Lam) - GAMMA_90 / MU_90).subs(k, 2048 * Lam**2 * d * (1 + rho) ** 2 / lam**2)
            ),
            lam * rho / (4 * Lam * (1 + rho)),
        ),
    ]
    return Derivation.from_parts(
        parts,
        title="Corollary 10's explicit constants with the corrected (89)",
        assumptions=(
            "alpha, k, d, N, lambda, Lambda, Y > 0, k >= 1; on the "
            "event of (88); Theorem 9's hypotheses at (90)"
        ),
        notes=(
            "the constants depend on Lambda, lambda, d, N <= d^2 and Y only: (69)-(70) as stated",
            "(89) as printed needs ||calX||_F^2 <= d Lambda^2, false "
            "for small Lambda (krr.cor10.proof); with "
            "||calX||_F^2 = tr(calX calX^T) <= N Lambda the constants are the ones above",
        ),
    )


# ------------------------------------------------------------------ Lemma 13


def lemma13_from_wainwright() -> Derivation:
    """Lemma 13 from the cited covariance bound (Wainwright 2019, Thm 6.1 / Example 6.2): for k
    samples of N(0, sigma^2 I_d), ||Sigma_hat - Sigma||/||Sigma|| <= 2 eps + eps^2, eps = sqrt(d/k) + delta,
    with probability >= 1 - 2 exp(-k delta^2/2); here Sigma_hat = W W^T / k, delta = sqrt(d/k)."""
    from dlncheck.derivations.hypentropy_inequalities import identity, nonnegative

    sigma = sp.Symbol("sigma", positive=True)
    gap = sp.Symbol("g", nonnegative=True)  # k = d + g >= d
    delta = sp.sqrt(d / k)
    eps = sp.sqrt(d / k) + delta
    radius = sigma**2 * k * (2 * eps + eps**2)  # ||W W^T - sigma^2 k I|| on the event
    printed = 8 * sigma**2 * sp.sqrt(k * d)
    margin = sp.expand(printed - radius)
    parts = [
        identity(
            "radius at delta = sqrt(d/k): sigma^2 k (2 eps + eps^2) = 4 sigma^2 (sqrt(kd) + d)",
            sp.expand(radius),
            sp.expand(4 * sigma**2 * (sp.sqrt(k) * sp.sqrt(d) + d)),
        ),
        nonnegative(
            "8 sigma^2 sqrt(kd) - radius = 4 sigma^2 sqrt(d)(sqrt(k) - sqrt(d)) >= 0 for k = d + g >= d",
            sp.expand(margin.subs(k, d + gap)),
            4 * sigma**2 * sp.sqrt(d) * gap / (sp.sqrt(d + gap) + sp.sqrt(d)),
            [{d: 2, gap: 3, sigma: 1}],
        ),
        identity(
            "probability: 2 exp(-k delta^2 / 2) = 2 exp(-d/2)",
            2 * sp.exp(-k * delta**2 / 2),
            2 * sp.exp(-d / 2),
        ),
    ]
    return Derivation.from_parts(
        parts,
        title="Lemma 13 from the cited Gaussian covariance bound",
        assumptions="d <= k; the cited bound of Wainwright (2019) (taken as given, not checked here)",
        notes=(
            "the cited theorem itself is not re-derived; the sampled "
            "check of this claim tests the lemma directly",
        ),
    )
