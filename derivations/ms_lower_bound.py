"""Matt–Stöger, proof of Theorem II.2(b) (III.7)-(III.11) and of Lemma III.1 (III.12).

Sizes as in :mod:`derivations.ms_upper_bound`: |S| = 3 with real entries, |S^c| = 2 (and 3 for
Jensen's step) with positive entries; certificates are sums of per-index terms decided for
scalar symbols.  m is the maximizer of (II.1) (ms (III.6): -sum_S m_i = rho ||m_{S^c}||_1),
epsilon = alpha / min_S x*, and C = 2 (1 + rho~) |S^c| kappa_*^{rho^-} (Theorem II.2(b)).

The displayed steps divide the FTC bound ||m_S||_1 C eps^{1-rho} by ||m_{S^c}||_1 and keep
C eps^{1-rho} (III.11): the quotient ||m_S||_1/||m_{S^c}||_1 is dropped.  It is at most rho~,
which can exceed 1.  :data:`COUNTEREXAMPLE` is an instance of Assumption II.1 on which
(III.11) and (II.4) are false.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Outcome, Part, Step, witness_instance
from dlncheck.derivations.equality import compare, rational_points
from dlncheck.derivations.ms_sign_certificates import (
    Term,
    chain,
    indexed_sum_inequality,
    inequality,
    log_below_tangent,
)

SUPPORT, OFF_SUPPORT = 3, 2
JENSEN_SIZES = (2, 3)

alpha = sp.Symbol("alpha", positive=True)
lam = sp.Symbol("lambda", positive=True)
kappa = sp.Symbol("kappa_star", positive=True)
rho, rho_minus, rho_tilde = sp.symbols("rho rho_minus rho_tilde", real=True)
k_off = sp.Symbol("k", integer=True, positive=True)  # |S^c|
eps = sp.Symbol("epsilon", positive=True)


def theorem_C(power: sp.Expr = rho_minus) -> sp.Expr:
    """ms Theorem II.2(b): C = 2 (1 + rho~) |S^c| kappa_*^{rho^-}."""
    return 2 * (1 + rho_tilde) * k_off * kappa**power


def proof_C() -> sp.Expr:
    """ms, proof of II.2(b), before (III.9): 'Recall ... C = 2(1 + rho~)|S^c| kappa_*^rho'."""
    return theorem_C(rho)


# ------------------------------------------------------------------------------ (III.8)


def jensen_step(size: int) -> Derivation:
    """(III.8)(i): sum m_i log z_i <= M log(sum (m_i/M) z_i), z_i = n_i/alpha, M = ||m_{S^c}||_1.

    Certificate: with z̄ = sum m_i z_i / M, the gap is sum_i m_i psi(z_i/z̄), psi(r) = r - 1 - log r.
    """
    m = sp.symbols(f"m_1:{size + 1}", positive=True)
    z = sp.symbols(f"z_1:{size + 1}", positive=True)
    M = sum(m)
    mean = sum(mi * zi for mi, zi in zip(m, z, strict=True)) / M
    lesser = sum(mi * sp.log(zi) for mi, zi in zip(m, z, strict=True))
    greater = M * sp.log(mean)
    return inequality(
        title=f"(III.8)(i) concavity of log (Jensen), |S^c| = {size}",
        steps=(Step("sum_{S^c} m_i log(n_i/alpha), z_i = n_i/alpha", lesser),),
        lesser=lesser,
        greater=greater,
        certificate=[Term(mi, log_below_tangent(), zi / mean) for mi, zi in zip(m, z, strict=True)],
        assumptions=f"m_{{S^c}} > 0 (entries with m_i = 0 drop out), n_{{S^c}} > 0, |S^c| = {size}",
    )


def max_step(size: int) -> Derivation:
    """(III.8)(ii): M log(sum (m_i/M) z_i) <= M log(max z).

    z_i = Z/(1 + gamma_i) with Z = ||n_{S^c}||_inf/alpha.

    Certificate: with r = z̄/Z <= 1, -M log r = M (r - 1 - log r) + M (1 - r).
    """
    m = sp.symbols(f"m_1:{size + 1}", positive=True)
    gamma = sp.symbols(f"gamma_1:{size + 1}", nonnegative=True)
    Z = sp.Symbol("Z", positive=True)
    z = [Z / (1 + g) for g in gamma]
    M = sum(m)
    mean = sum(mi * zi for mi, zi in zip(m, z, strict=True)) / M
    ratio = mean / Z
    return inequality(
        title=f"(III.8)(ii) monotonicity of log, |S^c| = {size}",
        steps=(),
        lesser=M * sp.log(mean),
        greater=M * sp.log(Z),
        certificate=[Term(M, log_below_tangent(), ratio), Term(sp.factor(sp.cancel(M * (1 - ratio))))],
        assumptions="n_i/alpha = Z/(1 + gamma_i), gamma_i >= 0 (Z the largest)",
    )


def iii8_chain() -> Derivation:
    """(III.8): Jensen for symbolic |S^c|, then the step to the maximum for |S^c| = 2, 3."""
    parts = [jensen_step_symbolic_size()] + [max_step(k) for k in JENSEN_SIZES]
    return chain("(III.8): (i) symbolic |S^c|, (ii) |S^c| = 2, 3", parts)


# ------------------------------------------------------------------------------ (III.9)-(III.10)


def iii9_from_upper_bound() -> Derivation:
    """(III.9)(i): ||n||_inf / min_S x* <= (II.3)'s bound / min_S x* = (C/2) eps^{1-rho} with C of II.2(b)."""
    bound = (
        (1 + rho_tilde) * k_off * kappa**rho_minus * lam**rho * alpha ** (1 - rho)
    )  # (II.3) x alpha^{1-rho}
    derived = (bound / lam).subs(alpha, eps * lam)
    printed = theorem_C() / 2 * eps ** (1 - rho)
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="(III.9)(i): (II.3) divided by min_S x*, with C of Theorem II.2(b)",
        steps=(
            Step(
                "||n||_inf <= ||n||_1 <= (1 + rho~)|S^c| kappa^{rho^-} lambda^rho alpha^{1-rho} (II.3), "
                "lambda = min_S x*",
                bound,
            ),
            Step("divided by lambda, alpha = eps lambda", derived),
            Step("printed (C/2) eps^{1-rho}, C = 2(1 + rho~)|S^c| kappa^{rho^-} (Theorem II.2(b))", printed),
        ),
        assumptions="eps, lambda, kappa > 0; rho, rho^-, rho~ real",
        instance=None,
    )


# Admissible values: Lemma III.1(ii) rho < 1, rho <= rho^- (-sum_S n_i <= sum_{n_i<0} |n_i|),
# kappa_* >= 1 (a ratio max/min), |S^c| >= 1 (Lemma III.1(i)).
RECALLED_C_DOMAINS = {
    rho: (0, sp.Rational(9, 10)),
    rho_minus: (1, 3),
    rho_tilde: (0, 3),
    kappa: (2, 5),
    k_off: (2, 4),  # the formula audit takes positive integer parameters >= 2
}
RECALLED_C_HYPOTHESES = (rho < 1, rho <= rho_minus, kappa >= 1, rho_tilde >= 0)


def recalled_constant() -> Derivation:
    """The proof recalls C = 2(1 + rho~)|S^c| kappa_*^rho; the theorem defined kappa_*^{rho^-}."""
    derived = theorem_C()
    printed = proof_C()
    symbols = derived.free_symbols | printed.free_symbols
    points = rational_points(symbols, count=8, seed=11, domains=RECALLED_C_DOMAINS)
    cmp = compare(derived, printed, points)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="the constant C recalled before (III.9)",
        steps=(
            Step("C as defined in Theorem II.2(b) (and used by (III.9) via (II.3))", derived),
            Step("C as recalled in the proof: kappa_*^rho in place of kappa_*^{rho^-}", printed),
            Step(
                "kappa_* >= 1 and rho <= rho^- (-sum_S n_i <= sum_{S: n_i<0} |n_i|), so the recalled C "
                "is the smaller one and (III.9)(i) would not follow from (II.3) with it"
            ),
        ),
        assumptions="kappa_* > 0; rho, rho^-, rho~ real; |S^c| >= 1",
        corrected=derived,
        instance=witness_instance,
    )


def iii9_smallness() -> Derivation:
    """(III.9)(ii): (C/2) eps^{1-rho} <= 1/2 under the hypothesis eps^{1-rho} <= 1/C of II.2(b)."""
    C = sp.Symbol("C", positive=True)
    s = sp.Symbol("s", nonnegative=True)
    E = 1 / (C * (1 + s))  # eps^{1-rho} <= 1/C, with slack s
    return inequality(
        title="(III.9)(ii) from the smallness hypothesis of II.2(b)",
        steps=(Step("eps^{1-rho} = 1/(C (1 + s)), s >= 0", E),),
        lesser=C / 2 * E,
        greater=sp.Rational(1, 2),
        certificate=[Term(s / (2 * (1 + s)))],
        assumptions="C > 0, eps^{1-rho} C <= 1",
    )


def iii10() -> Derivation:
    """(III.10): x*_i + t n_i >= min_S x* - ||n||_inf >= min_S x* / 2 for t in [0, 1], i in S."""
    a, b, s = sp.symbols("a b s", nonnegative=True)
    q1, q2 = sp.symbols("q_1 q_2", positive=True)
    n = sp.Symbol("n_i", real=True)
    t = q1 / (q1 + q2)  # t in (0, 1); the endpoints follow by continuity
    x_i = lam + a  # x*_i >= lambda = min_S x*
    nu = sp.Abs(n) + b  # ||n||_inf >= |n_i|
    first = inequality(
        title="(III.10) first inequality",
        steps=(Step("t = q1/(q1 + q2) in [0, 1], x*_i = lambda + a, ||n||_inf = |n_i| + b", x_i + t * n),),
        lesser=lam - nu,
        greater=x_i + t * n,
        certificate=[
            Term(a),
            Term(b),
            Term(q2 / (q1 + q2) * sp.Abs(n)),
            Term(2 * q1 / (q1 + q2) * sp.Max(n, 0)),
        ],
        assumptions="q1, q2 > 0; |n_i| + n_i = 2 max(n_i, 0)",
    )
    nu2 = lam / (2 * (1 + s))  # (III.9): ||n||_inf <= lambda / 2
    second = inequality(
        title="(III.10) second inequality, from (III.9)",
        steps=(),
        lesser=lam / 2,
        greater=lam - nu2,
        certificate=[Term(lam * s / (2 * (1 + s)))],
        assumptions="||n||_inf = lambda/(2(1 + s)), s >= 0",
    )
    return chain("(III.10)", (first, second))


def iii9_chain() -> Derivation:
    return chain("(III.9)-(III.10)", (iii9_from_upper_bound(), iii9_smallness(), iii10()))


# ------------------------------------------------------------------------------ FTC display


def ftc_display() -> Derivation:
    """The display after (III.10): (i) FTC, (ii) |integrand| <= 2 |m_i| ||n_S||_inf / min x*, (iii) (III.9).

    (i) per index, with x*_i + n_i = x*_i r_i > 0: (-m_i)[log((x*_i+n_i)/alpha) - log(x*_i/alpha)]
        = -int_0^1 m_i n_i/(x*_i + t n_i) dt (SymPy integrates), so the absolute values agree.
    (ii) per index, x*_i + t n_i = lambda/2 + e (e >= 0, (III.10)), ||n_S||_inf = |n_i| + b.
    (iii) 2 ||n_S||_inf / lambda <= C eps^{1-rho} by (III.9), with slack.
    """
    t = sp.Symbol("t", nonnegative=True)
    xs = sp.symbols(f"xstar_1:{SUPPORT + 1}", positive=True)
    r = sp.symbols(f"r_1:{SUPPORT + 1}", positive=True)
    m = sp.symbols(f"m_1:{SUPPORT + 1}", real=True)
    n = [xs[i] * (r[i] - 1) for i in range(SUPPORT)]
    difference = sum(-m[i] * sp.log((xs[i] + n[i]) / alpha) for i in range(SUPPORT)) - sum(
        -m[i] * sp.log(xs[i] / alpha) for i in range(SUPPORT)
    )
    integrals = sum(sp.integrate(m[i] * n[i] / (xs[i] + t * n[i]), (t, 0, 1)) for i in range(SUPPORT))
    ftc_cmp = compare(difference, -integrals)
    ftc_part = Part(
        "FTC",
        ftc_cmp.outcome,
        difference,
        ftc_cmp.residual,
        ftc_cmp.method + " (the difference is minus the integral: equal absolute values)",
        ftc_cmp.witness_point,
        ftc_cmp.witness_value,
        -integrals,
    )
    ftc = Derivation.from_parts(
        [ftc_part],
        title="(i) fundamental theorem of calculus",
        steps=(
            Step(
                "sum_S (-m_i) log((x*_i + n_i)/alpha) - sum_S (-m_i) log(x*_i/alpha), x*_i + n_i = x*_i r_i",
                difference,
            ),
            Step("sum_S int_0^1 m_i n_i/(x*_i + t n_i) dt (SymPy)", integrals),
        ),
        instance=None,
    )
    mi, ni = sp.Symbol("m_i", real=True), sp.Symbol("n_i", real=True)
    e, b = sp.symbols("e b", nonnegative=True)
    D = lam / 2 + e
    nu = sp.Abs(ni) + b
    integrand_bound = inequality(
        title="(ii) |m_i n_i / (x*_i + t n_i)| <= 2 |m_i| ||n_S||_inf / min_S x*",
        steps=(Step("x*_i + t n_i = lambda/2 + e >= lambda/2 by (III.10); ||n_S||_inf = |n_i| + b", D),),
        lesser=sp.Abs(mi) * sp.Abs(ni) / D,
        greater=2 * sp.Abs(mi) * nu / lam,
        certificate=[Term(2 * sp.Abs(mi) * b / lam), Term(2 * sp.Abs(mi) * sp.Abs(ni) * e / (lam * D))],
        assumptions="summing over i in S and integrating over t in [0, 1] keeps the bound: "
        "|sum_S int| <= sum_S sup_t |integrand| <= 2 ||m_S||_1 ||n_S||_inf / lambda",
    )
    Ms, CE, s = (
        sp.Symbol("M_S", nonnegative=True),
        sp.Symbol("CE", nonnegative=True),
        sp.Symbol("s", nonnegative=True),
    )
    nu_over_lam = CE / 2 - s  # (III.9): ||n||_inf / lambda <= (C/2) eps^{1-rho}
    last = inequality(
        title="(iii) by (III.9)",
        steps=(Step("||n_S||_inf / lambda = (C/2) eps^{1-rho} - s, s >= 0 (III.9)", nu_over_lam),),
        lesser=2 * Ms * nu_over_lam,
        greater=Ms * CE,
        certificate=[Term(2 * Ms * s)],
        assumptions="M_S = ||m_S||_1, CE = C eps^{1-rho}",
    )
    return chain(
        "FTC display after (III.10)",
        (ftc, integrand_bound, last),
        assumptions="|S| = 3 for (i); per-index terms for (ii)",
    )


# ------------------------------------------------------------------------------ (III.11)


def iii11_chain_at_maximum() -> Derivation:
    """The chain before (III.11), lambda := ||x*||_inf (the printed 'x_i' read as x*_i).

    x*_i = lambda (1 + delta_i) / kappa with delta_i >= 0 (x*_i >= min = lambda/kappa) and
    lambda/x*_i = 1 + gamma_i; rho = -sum_S m_i / M exactly (III.6); rho^- = sum max(-m_i,0)/M + sigma^-.
    """
    m = sp.symbols(f"m_1:{SUPPORT + 1}", real=True)
    p = sp.symbols(f"p_1:{OFF_SUPPORT + 1}", positive=True)  # m_{S^c} > 0
    M = sum(p)
    delta = sp.symbols(f"delta_1:{SUPPORT + 1}", nonnegative=True)
    gamma = sp.symbols(f"gamma_1:{SUPPORT + 1}", nonnegative=True)
    eta = sp.Symbol("eta", nonnegative=True)
    sigma_minus = sp.Symbol("sigma_minus", nonnegative=True)
    kap = 1 + eta
    # first inequality: x*_i = lambda / (1 + gamma_i)
    xs_g = [lam / (1 + g) for g in gamma]
    lhs0 = sum(-m[i] * sp.log(xs_g[i] / alpha) for i in range(SUPPORT))
    split = sum(-v for v in m) * sp.log(lam / alpha) + sum(
        -m[i] * sp.log(xs_g[i] / lam) for i in range(SUPPORT)
    )
    kept = sum(-v for v in m) * sp.log(lam / alpha) + sum(
        sp.Max(-m[i], 0) * sp.log(xs_g[i] / lam) for i in range(SUPPORT)
    )
    split_cmp = compare(lhs0, split)
    split_d = Derivation.from_parts(
        [Part.of("derived against printed", split_cmp, lhs0, split)],
        title="split at lambda = ||x*||_inf",
        steps=(Step("sum_S (-m_i) log(x*_i/alpha)", lhs0),),
        instance=None,
    )
    keep_neg = inequality(
        title="keep the terms with m_i < 0 (log(x*_i/lambda) <= 0)",
        steps=(),
        lesser=kept,
        greater=split,
        certificate=[Term(sp.Max(m[i], 0) * sp.log(1 + gamma[i])) for i in range(SUPPORT)],
        assumptions="x*_i = lambda/(1 + gamma_i), gamma_i >= 0",
    )
    xs_d = [lam * (1 + d) / kap for d in delta]
    rho_exact = -sum(m) / M  # (III.6)
    rho_minus_def = sum(sp.Max(-v, 0) for v in m) / M + sigma_minus
    kept_d = sum(-v for v in m) * sp.log(lam / alpha) + sum(
        sp.Max(-m[i], 0) * sp.log(xs_d[i] / lam) for i in range(SUPPORT)
    )
    bound = rho_exact * M * sp.log(lam / alpha) - rho_minus_def * M * sp.log(kap)
    constants = inequality(
        title="(III.6) and the definitions of rho^- and kappa_*",
        steps=(
            Step(
                "x*_i = lambda (1 + delta_i)/kappa_* (x*_i >= min_S x* = lambda/kappa_*), kappa_* = 1 + eta",
                kept_d,
            ),
        ),
        lesser=bound,
        greater=kept_d,
        certificate=[
            *(Term(sp.Max(-m[i], 0) * sp.log(1 + delta[i])) for i in range(SUPPORT)),
            Term(sigma_minus * M * sp.log(1 + eta)),
        ],
        assumptions="rho ||m_{S^c}||_1 = -sum_S m_i (III.6); "
        "rho^- = sum_S max(-m_i, 0)/||m_{S^c}||_1 + sigma^-",
    )
    return chain("the chain before (III.11), lambda = ||x*||_inf", (split_d, keep_neg, constants))


# Symbols of the division step: Q = l.h.s.(III.7), M_S = ||m_S||_1, M_c = ||m_{S^c}||_1 > 0,
# B = rho log(||x*||_inf/alpha) - rho^- log kappa_*, CE = C eps^{1-rho}.
M_S = sp.Symbol("M_S", nonnegative=True)
M_c = sp.Symbol("M_c", positive=True)
B = sp.Symbol("B", real=True)
CE = sp.Symbol("CE", nonnegative=True)


def iii11_division_bound() -> sp.Expr:
    """What the displayed steps give: Q >= M_c B - M_S CE (chain + FTC), divided by M_c."""
    return B - M_S / M_c * CE


def iii11_printed_bound() -> sp.Expr:
    return B - CE  # ms (III.11)


def iii11_corrected_bound() -> sp.Expr:
    """M_S / M_c <= rho~ (definition (II.2), m in N \\ {0}): (III.11) with rho~ C eps^{1-rho}."""
    return B - rho_tilde * CE


@dataclass(frozen=True)
class Counterexample:
    """An instance of Assumption II.1 on which (III.11) and (II.4) fail.

    A = [[21, 20, 0], [1, 0, -10]], y = (41, 1): x* = (1, 1, 0), S = {1, 2}, ker A = span(m),
    m = (10, -21/2, 1) (so N = {t m : t >= 0}); rho = 1/2, rho~ = 41/2, rho^- = 21/2, kappa_* = 1,
    |S^c| = 1, C = 2 (1 + rho~) = 43 (numerics.null_space_constants certifies the constants).
    x^inf(alpha) = x* + t m where t > 0 solves Lemma III.3 with ñ = m:
        g(t) := sum_i m_i log(x^inf_i/alpha)
              = 10 log((1 + 10 t)/alpha) - 21/2 log((1 - 21 t/2)/alpha) + log(t/alpha) = 0,
    and g is increasing, so g(t_lo) <= 0 gives t_lo <= t.
    l.h.s.(III.7) = -sum_S m_i log((x*_i + t m_i)/alpha)
    is decreasing in t, so at the true t it is at most its value at t_lo.
    """

    A: tuple[tuple[int, ...], ...] = ((21, 20, 0), (1, 0, -10))
    y: tuple[int, ...] = (41, 1)
    x_star: tuple[int, ...] = (1, 1, 0)
    m: tuple[Fraction, ...] = (Fraction(10), Fraction(-21, 2), Fraction(1))
    rho: Fraction = Fraction(1, 2)
    rho_tilde: Fraction = Fraction(41, 2)
    rho_minus: Fraction = Fraction(21, 2)
    alpha: Fraction = Fraction(1, 10**6)
    t_lo: Fraction = Fraction(83, 100000)  # t(alpha) = 0.000838347... (mpmath, 40 digits)
    off_support_size: int = 1  # |S^c|
    kappa_star: Fraction = Fraction(1)

    @property
    def C(self) -> Fraction:
        """Theorem II.2(b): C = 2 (1 + rho~) |S^c| kappa_*^{rho^-} (= 43 here, kappa_* = 1)."""
        assert self.kappa_star == 1
        return 2 * (1 + self.rho_tilde) * self.off_support_size


COUNTEREXAMPLE = Counterexample()

t_lo = sp.Symbol("t_lo", positive=True)


def _m() -> list[sp.Rational]:
    return [sp.Rational(v.numerator, v.denominator) for v in COUNTEREXAMPLE.m]


def optimality_g(t: sp.Expr, a: sp.Expr = alpha) -> sp.Expr:
    """sum_i m_i log(x^inf_i/alpha) at x^inf = x* + t m (ms Lemma III.3 with ñ = m: zero at the true t)."""
    m = _m()
    x = [sp.Integer(xi) + t * mi for xi, mi in zip(COUNTEREXAMPLE.x_star, m, strict=True)]
    x[2] = t * m[2]
    return sum(mi * sp.log(xi / a) for mi, xi in zip(m, x, strict=True))


def lhs_iii7(t: sp.Expr, a: sp.Expr = alpha) -> sp.Expr:
    """l.h.s.(III.7) = -sum_S m_i log((x*_i + n_i)/alpha), n = t m, divided by ||m_{S^c}||_1 = 1."""
    m = _m()
    return -sum(m[i] * sp.log((sp.Integer(COUNTEREXAMPLE.x_star[i]) + t * m[i]) / a) for i in range(2))


def printed_iii11_on_counterexample(a: sp.Expr = alpha) -> sp.Expr:
    """(III.11)'s right side on the instance: rho log(||x*||_inf/alpha) - rho^- log 1 - C alpha^{1-rho}."""
    ce = COUNTEREXAMPLE
    r = sp.Rational(1, 2)
    return r * sp.log(1 / a) - sp.Rational(ce.C.numerator, ce.C.denominator) * a ** (1 - r)


def counterexample_hypotheses() -> tuple[sp.Rel, ...]:
    """t_lo below the true t (g increasing), 1 - 21 t_lo/2 > 0, and II.2(b)'s smallness eps^{1/2} <= 1/C."""
    C = sp.Integer(int(COUNTEREXAMPLE.C))
    return (optimality_g(t_lo) <= 0, 1 - sp.Rational(21, 2) * t_lo > 0, sp.sqrt(alpha) <= 1 / C)


def iii11_division() -> Derivation:
    """(III.11): the bound the steps give, against the printed one; witness on :data:`COUNTEREXAMPLE`."""
    ce = COUNTEREXAMPLE
    derived = iii11_division_bound()
    printed = iii11_printed_bound()
    t = sp.Symbol("t", positive=True)
    g_slope = sp.factor(sp.diff(optimality_g(t), t))
    lhs_slope = sp.factor(sp.diff(lhs_iii7(t), t))
    # signs on the whole feasible range 0 < t < 2/21 (x^inf_2 = 1 - 21 t/2 > 0): t = (2/21)/(1 + w), w > 0
    w = sp.Symbol("w", positive=True)
    on_range = {t: sp.Rational(2, 21) / (1 + w)}
    monotone = bool(sp.factor(g_slope.subs(on_range)).is_positive) and bool(
        sp.factor(lhs_slope.subs(on_range)).is_negative
    )
    point = {
        M_S: sp.Rational(sum(abs(v) for v in ce.m[:2])),
        M_c: sp.Integer(1),
        CE: sp.Rational(ce.C) * sp.sqrt(sp.Rational(ce.alpha.numerator, ce.alpha.denominator)),
        B: sp.Rational(1, 2) * sp.log(sp.Integer(10) ** 6),
    }
    follows = inequality(
        title="(III.11): dividing the FTC error ||m_S||_1 C eps^{1-rho} by ||m_{S^c}||_1",
        steps=(
            Step(
                "chain + FTC: l.h.s.(III.7) >= ||m_{S^c}||_1 B - ||m_S||_1 C eps^{1-rho}; "
                "divided by ||m_{S^c}||_1",
                derived,
            ),
            Step("printed (III.11): B - C eps^{1-rho}", printed),
            Step(
                "printed follows iff ||m_S||_1 <= ||m_{S^c}||_1; the definition (II.2) only gives "
                "||m_S||_1/||m_{S^c}||_1 <= rho~, which can exceed 1",
                printed - derived,
            ),
        ),
        lesser=printed,
        greater=derived,
        certificate=[Term(CE * (1 - M_S / M_c))],  # not signed: M_S may exceed M_c
        points=[point],
        corrected=iii11_corrected_bound(),
    )
    if follows.outcome != Outcome.DIFFERS:
        return follows
    if not monotone:
        how = (
            "differs symbolically, but SymPy could not decide the slopes that make t_lo a bracket: "
            f"g' = {g_slope}, d/dt l.h.s. = {lhs_slope}"
        )
        undecided = Part(follows.title, Outcome.INCONCLUSIVE, derived, follows.residual, how, printed=printed)
        return Derivation.from_parts([undecided], title=follows.title, steps=follows.steps, instance=None)
    a = sp.Rational(ce.alpha.numerator, ce.alpha.denominator)
    tl = sp.Rational(ce.t_lo.numerator, ce.t_lo.denominator)
    at_instance = {alpha: a, t_lo: tl}
    steps = (
        *follows.steps,
        Step(
            "instance: A = [[21,20,0],[1,0,-10]], y = (41,1), x* = (1,1,0), ker A = span(10,-21/2,1); "
            "rho = 1/2, rho~ = 41/2, rho^- = 21/2, kappa_* = 1, C = 43; "
            "alpha = 10^-6 (eps^{1/2} = 1/1000 <= 1/43)"
        ),
        Step(
            "g(t) = sum m_i log(x^inf_i(t)/alpha): dg/dt, decided positive on 0 < t < 2/21 "
            "(t = (2/21)/(1 + w), w > 0); g vanishes at the true t",
            g_slope,
        ),
        Step(
            "d/dt l.h.s.(III.7), decided negative on 0 < t < 2/21: l.h.s.(III.7) at the true t is at "
            "most its value at t_lo",
            lhs_slope,
        ),
        Step("g(t_lo) at t_lo = 83/100000 (<= 0, so t_lo <= t)", optimality_g(tl, a).evalf(30)),
        Step("l.h.s.(III.7)(t_lo) / ||m_{S^c}||_1", lhs_iii7(tl, a).evalf(30)),
        Step("printed right side of (III.11) on the instance", printed_iii11_on_counterexample(a).evalf(30)),
    )
    on_instance = Part(
        follows.title,
        Outcome.DIFFERS,
        derived,
        follows.residual,
        follows.method,
        follows.witness_point,
        follows.witness_value,
        printed,
    )
    return Derivation.from_parts(
        [on_instance],
        title=follows.title,
        steps=steps,
        assumptions="M_S = ||m_S||_1 >= 0, M_c = ||m_{S^c}||_1 > 0, CE = C eps^{1-rho} >= 0",
        corrected=iii11_corrected_bound(),
        instance=witness_instance(at_instance),
    )


def iii11_corrected_follows() -> Derivation:
    """With rho~ C eps^{1-rho} in place of C eps^{1-rho}, (III.11) follows: rho~ = M_S/M_c + sigma~."""
    sigma_tilde = sp.Symbol("sigma_tilde", nonnegative=True)
    corrected = iii11_corrected_bound().subs(rho_tilde, M_S / M_c + sigma_tilde)
    return inequality(
        title="(III.11) corrected: B - rho~ C eps^{1-rho}",
        steps=(Step("rho~ = ||m_S||_1/||m_{S^c}||_1 + sigma~ (II.2)", corrected),),
        lesser=corrected,
        greater=iii11_division_bound(),
        certificate=[Term(sigma_tilde * CE)],
    )


# ------------------------------------------------------------------------------ final step of II.2(b)


def final_exponentiation(error: sp.Expr = CE) -> Derivation:
    """From B - error <= log(nu/alpha), nu = ||n_{S^c}||_inf, to (II.4).

    nu/alpha^{1-rho} >= lambda^rho kappa^{-rho^-} (1 - error).

    The premise is nu = alpha exp(B - error) (1 + s), s >= 0; then
    nu/alpha^{1-rho} - lambda^rho kappa^{-rho^-} (1 - error)
      = lambda^rho kappa^{-rho^-} [s e^{-error} + (e^{-error} - 1 + error)], and e^{-t} >= 1 - t is
    the lemma r - 1 - log r >= 0 at r = e^{-t}.
    """
    s = sp.Symbol("s", nonnegative=True)
    Bx = rho * sp.log(lam / alpha) - rho_minus * sp.log(kappa)  # lambda = ||x*||_inf
    nu = alpha * sp.exp(Bx - error) * (1 + s)
    lesser = lam**rho / kappa**rho_minus * (1 - error)  # (II.4) left side
    greater = nu / alpha ** (1 - rho)
    c = lam**rho / kappa**rho_minus
    return inequality(
        title="exp of the last display and e^{-t} >= 1 - t give (II.4)",
        steps=(
            Step("premise log(nu/alpha) >= B - C eps^{1-rho}: nu = alpha exp(B - C eps^{1-rho}) (1 + s)", nu),
            Step("(II.4): ||x*||_inf^rho / kappa_*^{rho^-} (1 - C eps^{1-rho})", lesser),
        ),
        lesser=lesser,
        greater=greater,
        certificate=[Term(c * s * sp.exp(-error)), Term(c, log_below_tangent(), sp.exp(-error))],
        assumptions="lambda = ||x*||_inf, kappa_*, alpha > 0; rho, rho^- real; s >= 0",
    )


# ------------------------------------------------------------------------------ (III.12)


def iii12() -> Derivation:
    """(III.12): (||x* + eps ñ||_1 - ||x*||_1)/eps = sum_S ñ_i + sum_{S^c} |ñ_i| for small eps > 0.

    Exact for every eps with x*_i + eps ñ_i > 0 on S: those entries are written as positive
    symbols P_i (ñ_i = (P_i - x*_i)/eps).  Also the one-sided limit eps -> 0+ by SymPy, and
    the consequence rho(ñ) < 1: 1 - rho(ñ) = (quotient)/||ñ_{S^c}||_1.
    """
    xs = sp.symbols(f"xstar_1:{SUPPORT + 1}", positive=True)
    P = sp.symbols(f"P_1:{SUPPORT + 1}", positive=True)
    nS = sp.symbols(f"ntilde_1:{SUPPORT + 1}", real=True)
    nC = sp.symbols(f"ntilde_{SUPPORT + 1}:{SUPPORT + OFF_SUPPORT + 1}", nonnegative=True)
    e = sp.Symbol("varepsilon", positive=True)
    norm = lambda v: sum(sp.Abs(c) for c in v)  # noqa: E731
    moved = [xs[i] + e * nS[i] for i in range(SUPPORT)] + [e * c for c in nC]
    quotient = (norm(moved) - norm(xs)) / e
    small = quotient.subs({nS[i]: (P[i] - xs[i]) / e for i in range(SUPPORT)})
    printed = sum(nS) + sum(sp.Abs(c) for c in nC)
    printed_small = printed.subs({nS[i]: (P[i] - xs[i]) / e for i in range(SUPPORT)})
    limit = sp.limit(quotient, e, 0, "+")
    rho_of_n = -sum(nS) / sum(nC)
    derived = sp.Matrix([small, limit, (1 - rho_of_n) * sum(nC)])
    target = sp.Matrix([printed_small, printed, printed])
    cmp = compare(derived, target)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, target)],
        title="(III.12): one-sided directional derivative of ||.||_1 at x*",
        steps=(
            Step("(||x* + eps ñ||_1 - ||x*||_1)/eps, |S| = 3, |S^c| = 2, ñ_{S^c} >= 0", quotient),
            Step("for eps with x*_i + eps ñ_i = P_i > 0 on S (all small eps)", small),
            Step("one-sided limit eps -> 0+ (SymPy)", limit),
            Step("(1 - rho(ñ)) ||ñ_{S^c}||_1: so 0 < quotient gives rho(ñ) < 1", (1 - rho_of_n) * sum(nC)),
            Step(
                "x* + eps ñ >= 0 and A(x* + eps ñ) = y for small eps > 0 (ñ in N), and x* is the unique "
                "l1 minimizer, so the quotient is > 0; if ñ_{S^c} = 0 the same holds for -ñ, a contradiction"
            ),
        ),
        assumptions="x*_S > 0, ñ_{S^c} >= 0 (ñ in N), |S| = 3, |S^c| = 2",
        instance=None,
    )


def jensen_step_symbolic_size() -> Derivation:
    """(III.8)(i) for a symbolic size k = |S^c|: indexed m_i, z_i > 0, sums as SymPy Sums."""
    i = sp.Symbol("i", integer=True, positive=True)
    k = sp.Symbol("k", integer=True, positive=True)
    m = sp.IndexedBase("m", positive=True)
    z = sp.IndexedBase("z", positive=True)
    M = sp.Sum(m[i], (i, 1, k))
    mean = sp.Sum(m[i] * z[i], (i, 1, k)) / M
    lesser = sp.Sum(m[i] * sp.log(z[i]), (i, 1, k))
    greater = M * sp.log(mean)
    return indexed_sum_inequality(
        title="(III.8)(i) concavity of log (Jensen), symbolic |S^c| = k",
        steps=(
            Step("sum_{i=1}^k m_i log z_i, z_i = n_i/alpha", lesser),
            Step("M log(sum (m_i/M) z_i)", greater),
        ),
        lesser=lesser,
        greater=greater,
        summand_sum=lesser,
        weight=m[i],
        fact=log_below_tangent(),
        arg=z[i] / mean,
        assumptions="k >= 1 symbolic; m_i > 0 (entries with m_i = 0 drop out), z_i > 0",
    )


# ------------------------------------------------------------------------------ (II.4) on the instance

t_hi = sp.Symbol("t_hi", positive=True)


def ii4_printed_bound_on_counterexample(a: sp.Expr = alpha) -> sp.Expr:
    """(II.4)'s left side on :data:`COUNTEREXAMPLE`: ||x*||_inf^rho / kappa_*^{rho^-} (1 - C eps^{1-rho})."""
    C = sp.Integer(int(COUNTEREXAMPLE.C))
    return 1 - C * sp.sqrt(a)  # ||x*||_inf = 1, kappa_* = 1, eps = alpha, rho = 1/2


def ii4_quantity_bound_on_counterexample(t: sp.Expr = t_hi, a: sp.Expr = alpha) -> sp.Expr:
    """||x^inf(alpha)_{S^c} - x*_{S^c}||_inf / alpha^{1-rho} = t(alpha)/sqrt(alpha) <= t_hi/sqrt(alpha)
    when g(t_hi) >= 0 (g increasing, :func:`iii11_division` decides its slope)."""
    return t / sp.sqrt(a)


def ii4_counterexample_hypotheses() -> tuple[sp.Rel, ...]:
    """t_hi above the true t (g(t_hi) >= 0), 1 - 21 t_hi/2 > 0, and II.2(b)'s smallness eps^{1/2} <= 1/C."""
    C = sp.Integer(int(COUNTEREXAMPLE.C))
    return (optimality_g(t_hi) >= 0, 1 - sp.Rational(21, 2) * t_hi > 0, sp.sqrt(alpha) <= 1 / C)


def ii4_on_counterexample() -> Derivation:
    """Theorem II.2(b), (II.4), on :data:`COUNTEREXAMPLE`: the printed lower bound exceeds the ratio.

    g is increasing on 0 < t < 2/21 (decided as in :func:`iii11_division`), so g(t_hi) >= 0 gives
    t(alpha) <= t_hi, and ||x^inf_{S^c} - x*_{S^c}||_inf / alpha^{1/2} = t/sqrt(alpha) <= t_hi/sqrt(alpha).
    """
    ce = COUNTEREXAMPLE
    t = sp.Symbol("t", positive=True)
    w = sp.Symbol("w", positive=True)
    g_slope = sp.factor(sp.diff(optimality_g(t), t))
    increasing = bool(sp.factor(g_slope.subs(t, sp.Rational(2, 21) / (1 + w))).is_positive)
    point = {alpha: sp.Rational(ce.alpha.numerator, ce.alpha.denominator), t_hi: sp.Rational(84, 100000)}
    printed = ii4_printed_bound_on_counterexample()
    upper = ii4_quantity_bound_on_counterexample()
    hypotheses = [sp.sympify(h.xreplace(point)) for h in ii4_counterexample_hypotheses()]
    margin = (upper - printed).xreplace(point)
    value = margin.evalf(50, strict=True)
    steps = (
        Step(
            "instance: A = [[21,20,0],[1,0,-10]], y = (41,1), x* = (1,1,0), ker A = span(10,-21/2,1); "
            "rho = 1/2, rho~ = 41/2, rho^- = 21/2, kappa_* = 1, C = 43; alpha = 10^-6 meets II.2(b)'s "
            "smallness (eps^{1/2} = 1/1000 <= 1/(2(1 + rho~)|S^c| kappa_*^{rho^-}) = 1/43)"
        ),
        Step(f"dg/dt, decided positive on 0 < t < 2/21: {increasing}", g_slope),
        Step(
            "g(t_hi) at t_hi = 84/100000 (>= 0, so t(alpha) <= t_hi)",
            optimality_g(point[t_hi], point[alpha]).evalf(30),
        ),
        Step("printed (II.4) lower bound ||x*||_inf^rho/kappa_*^{rho^-} (1 - C eps^{1-rho})", printed),
        Step(
            "upper bound of the ratio ||x^inf_{S^c} - x*_{S^c}||_inf / alpha^{1-rho}: t_hi/sqrt(alpha)", upper
        ),
        Step("upper bound - printed bound at the instance (negative: (II.4) fails)", value),
    )
    decided = increasing and all(h is sp.true for h in hypotheses)
    on_instance = Part(
        "(II.4) at the instance",
        Outcome.DIFFERS if decided and value < 0 else Outcome.INCONCLUSIVE,
        upper,
        margin,
        "evalf(50, strict=True) at the instance" if decided else "hypotheses or slope undecided",
        point,
        value,
        printed,
    )
    return Derivation.from_parts(
        [on_instance],
        title="(II.4) on a 2 x 3 instance with rho~ = 41/2 > 1",
        steps=steps,
        assumptions="the instance of COUNTEREXAMPLE; t_hi = 84/100000 brackets t(alpha) from above",
        corrected=1
        - sp.Rational(ce.rho_tilde.numerator, ce.rho_tilde.denominator)
        * sp.Integer(int(ce.C))
        * sp.sqrt(alpha),
        instance=witness_instance,
    )
