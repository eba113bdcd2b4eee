"""Scale consistency of the papers' bounds under the symmetry of the flows (mil Remark 1.2).

The flows of all four papers are carried to themselves by
    (A, y, initialization) -> (A, λ^L y, λ · initialization),
with time rescaled: factors scale by λ, the product x̃ = x^{⊙L} (and its limit, the solution
set S, every z in S) by λ^L.  Each paper in its own parameterization:

* mil: u_0, v_0, x_0, α -> λ(·); x̃_∞, min_S ||z||_1, σ_s(x_*)_1, ||e||_2 -> λ^L; flow (15) time
  t -> λ^{2-2L} t; loss ½||A x^{⊙L} - y||² -> λ^{2L}; D_F with F of (21) -> λ² (F is
  homogeneous of degree 2/L in x̃; for L = 2 D_F is homogeneous of degree 1).
* ms (D = 2): u_0 = α 1 -> λ u_0, x = u^{⊙2} -> λ² x; in Theorem II.2 α is the scale of the
  product (x^∞(α) = argmin B_E(x, α 1)), so α -> λ² α there; the constants κ_*, ϱ, ϱ~, S of A fixed.
* krr (D = 2): w_0 = α 1 with α -> λ α, β = w_+^2 - w_-^2 -> λ² β; data eigenvalues fixed.
* wn: x = r u/||u||, r_0 -> λ r_0, u_0 fixed, b -> λ^L b, and η̃ -> λ² η̃ (r' = -η̃ ∂_r L~ and
  u' = -∇_u L~ are both carried over with time t -> λ^{-2L} t only if η̃ scales by λ²); hence
  lim r(t) -> λ r, ρ of (17) is invariant when r_∞ = lim r(t); Q, β_1, β_min of (14)-(16) -> λ²
  (w = x̃_0^{⊙(2/L-1)} -> λ^{2-L} w); Lemma 3.5: c_r -> λ² c_r, c_u fixed, c_x -> λ c_x.

For each bound both sides are transformed (each quantity q -> λ^{w_q} q, the weight being
derived as above) and the factors side(λ)/side(1) are compared: *agrees* means both sides
transform the same way; *differs* gives a witness (λ and the other symbols rational).  A bound
whose sides scale differently is false on some rescaled instance as soon as it is attained or
its hypothesis is scale-free; the differs found here are such typos.

Hypotheses that are not scale-free but merely make a true statement narrower (krr Theorem 2's
conditions on α, krr Lemma 5's ln(1/α²), which fix a unit) are not errors; they are listed in
NOT_SCALE_FREE, with the reason, and carry no check.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Outcome, Part, Step
from dlncheck.derivations.equality import compare, rational_points

lam = sp.Symbol("lambda", positive=True)
L = sp.Symbol("L", integer=True, positive=True)


def _p(name: str) -> sp.Symbol:
    return sp.Symbol(name, positive=True)


def transform(expr: sp.Expr, weights: Mapping[sp.Symbol, sp.Expr]) -> sp.Expr:
    """expr with each quantity q replaced by λ^{w_q} q."""
    return sp.sympify(expr).xreplace({s: lam**w * s for s, w in weights.items()})


def scale_factor(expr: sp.Expr, weights: Mapping[sp.Symbol, sp.Expr]) -> sp.Expr:
    """expr(λ)/expr(1), simplified (all quantities positive, so forced power rules are legitimate)."""
    ratio = transform(expr, weights) / expr
    ratio = sp.powsimp(sp.expand_power_base(sp.expand_log(ratio, force=True), force=True), force=True)
    return sp.simplify(sp.powdenest(ratio, force=True))


def bound_scaling(
    title: str,
    left: sp.Expr,
    right: sp.Expr,
    weights: Mapping[sp.Symbol, sp.Expr],
    *,
    assumptions: str,
    domains: Mapping[sp.Symbol, tuple[Any, Any]] | None = None,
    corrected_right: sp.Expr | None = None,
    note: str = "",
) -> Derivation:
    """Compare the scale factors of the two sides of a printed bound."""
    left_factor = scale_factor(left, weights)
    right_factor = scale_factor(right, weights)
    symbols = left_factor.free_symbols | right_factor.free_symbols | {lam}
    ranges = {lam: (2, 3), L: (3, 5), **dict(domains or {})}
    cmp = compare(left_factor, right_factor, rational_points(symbols, count=8, seed=5, domains=ranges))
    steps = [
        Step("weights: each quantity q -> λ^w q", sp.Matrix([[s, w] for s, w in weights.items()])),
        Step("left side as printed", left),
        Step("right side as printed", right),
        Step("left(λ)/left", left_factor),
        Step("right(λ)/right", right_factor),
    ]
    if note:
        steps.append(Step(note))
    differs = cmp.outcome == Outcome.DIFFERS
    corrected = None
    if differs and corrected_right is not None:
        corrected_factor = scale_factor(corrected_right, weights)
        fixed = compare(left_factor, corrected_factor)
        steps.append(Step(f"corrected right side ({fixed.outcome} with the left)", corrected_right))
        corrected = corrected_right
    return Derivation.from_parts(
        [Part.of("left(λ)/left against right(λ)/right", cmp, left_factor, right_factor)],
        title=f"scale consistency: {title}",
        steps=steps,
        assumptions=assumptions,
        corrected=corrected,
        instance=None,
    )


# ------------------------------------------------------------------------------ mil

c_L = _p("c_L")  # (10), a number
x_inf_l1 = _p("||x~_inf||_1")
min_l1 = _p("min_S||z||_1")
u0_L = _p("||u_0||_L")
v0_L = _p("||v_0||_L")
x0_L = _p("||x_0||_L")
alpha = _p("alpha")
N = _p("N")
rho = _p("rho")
sigma_s = _p("sigma_s(x_*)_1")
err_1 = _p("||x~_inf - x_*||_1")
err_2 = _p("||x~_inf - x_*||_2")
noise = _p("||e||_2")
C, C2, s, d, d2, s_star, eps = (_p(n) for n in ("C", "C'", "s", "d", "d'", "s_*", "epsilon"))

MIL_WEIGHTS = {
    x_inf_l1: L, min_l1: L, u0_L: 1, v0_L: 1, x0_L: 1, alpha: 1,
    sigma_s: L, err_1: L, err_2: L, noise: L, eps: L,
}  # fmt: skip
MIL = "mil: factors -> λ(·), products, solutions, σ_s, ||e|| -> λ^L; L symbolic"


def mil_eq9() -> Derivation:
    return bound_scaling("(9)", x_inf_l1 - min_l1, c_L * (u0_L**L + v0_L**L), MIL_WEIGHTS, assumptions=MIL)


def mil_eq11() -> Derivation:
    return bound_scaling("(11)", x_inf_l1 - min_l1, 2 * c_L * alpha**L * N, MIL_WEIGHTS, assumptions=MIL)


def mil_cor13() -> Derivation:
    right = (1 + rho) / (1 - rho) * (c_L * u0_L**L + c_L * v0_L**L + 2 * sigma_s)
    return bound_scaling("Corollary 1.3", err_1, right, MIL_WEIGHTS, assumptions=MIL)


def mil_thm14() -> Derivation:
    head = C / sp.sqrt(s) * (c_L * u0_L**L + c_L * v0_L**L + 2 * sigma_s)
    right = head + C2 * noise * err_1  # as printed: C' ||e||_2 ||x~_inf - x_*||_1
    return bound_scaling(
        "Theorem 1.4 as printed",
        err_2,
        right,
        MIL_WEIGHTS,
        assumptions=MIL,
        corrected_right=head + C2 * noise,
        note="the last term is a product of two quantities of weight L: it scales by λ^{2L}",
    )


def mil_eq16() -> Derivation:
    return bound_scaling("(16)", x_inf_l1 - min_l1, c_L * x0_L**L, MIL_WEIGHTS, assumptions=MIL)


def mil_a3_final() -> Derivation:
    right = C / sp.sqrt(s) * (eps + 2 * sigma_s) + C * d * sp.sqrt(s_star) / sp.sqrt(s) * noise + d2 * noise
    return bound_scaling(
        "final display of A.3 (ε bounds a difference of ℓ1 norms: weight L)",
        err_2,
        right,
        MIL_WEIGHTS,
        assumptions=MIL,
    )


def mil_rate() -> Derivation:
    loss, divergence, t = _p("L(x~(t)^{1/L})"), _p("D_F(z, x~(0))"), _p("t")
    weights = {loss: 2 * L, divergence: 2, t: 2 - 2 * L}
    return bound_scaling(
        "L(x~(t)^{1/L}) <= D_F(z, x~(0))/(2Lt)",
        loss,
        divergence / (2 * L * t),
        weights,
        assumptions="mil flow (15): loss -> λ^{2L}, D_F -> λ², time -> λ^{2-2L}",
    )


# ------------------------------------------------------------------------------ ms

varrho = sp.Symbol("varrho", positive=True)  # ϱ < 1
varrho_t, kappa, n_Sc, varrho_minus = (_p(n) for n in ("varrho~", "kappa_*", "|S^c|", "varrho^-"))
ms_alpha = _p("alpha")
ms_err1 = _p("||x^inf(alpha) - x^*||_1")
ms_err_inf = _p("||x^inf(alpha)_{S^c} - x^*_{S^c}||_inf")
min_S = _p("min_S x^*_i")
x_star_inf = _p("||x^*||_inf")
C_ms = 2 * (1 + varrho_t) * n_Sc * kappa**varrho_minus  # Theorem II.2(b)
MS_WEIGHTS = {ms_alpha: 2, ms_err1: 2, ms_err_inf: 2, min_S: 2, x_star_inf: 2}
MS = "ms Theorem II.2: α the scale of the product x (x^inf = argmin B_E(x, α 1)) -> λ² α; x^* -> λ² x^*"
MS_DOMAINS = {varrho: (sp.Rational(1, 7), 1)}  # rational_points needs an integer in range


def ms_ii3() -> Derivation:
    left = ms_err1 / ms_alpha ** (1 - varrho)
    right = (1 + varrho_t) * n_Sc * kappa**varrho_minus * min_S**varrho
    return bound_scaling("(II.3)", left, right, MS_WEIGHTS, assumptions=MS, domains=MS_DOMAINS)


def ms_ii4() -> Derivation:
    e = ms_alpha / min_S
    left = x_star_inf**varrho / kappa**varrho_minus * (1 - C_ms * e ** (1 - varrho))
    right = ms_err_inf / ms_alpha ** (1 - varrho)
    return bound_scaling("(II.4)", left, right, MS_WEIGHTS, assumptions=MS, domains=MS_DOMAINS)


def ms_ii4_hypothesis() -> Derivation:
    left = (ms_alpha / min_S) ** (1 - varrho)
    right = 1 / C_ms
    return bound_scaling("hypothesis of II.2(b)", left, right, MS_WEIGHTS, assumptions=MS, domains=MS_DOMAINS)


def ms_bregman_prior() -> Derivation:
    """ms Section I: u_0 = α 1, x = u^{⊙2}, yet x^inf(α) = argmin B_E(x, 1 α).

    An explicit instance: A = [1 2], y > 0.  The Bregman projection of p 1 onto
    {x >= 0 : x_1 + 2 x_2 = y} (entropy E of ms) solves log(x_1/p) = μ, log(x_2/p) = 2μ,
    x_1 + 2 x_2 = y, i.e. x_2 = x_1²/p.  The flow's limit scales by λ² under (y, u_0) -> (λ² y, λ u_0);
    the projection with prior α 1 does not, with prior α² 1 (= x_0) it does.
    """
    y, p, x1 = _p("y"), _p("p"), _p("x_1")
    roots = [r for r in sp.solve(x1 + 2 * x1**2 / p - y, x1) if r.is_positive is not False]
    if len(roots) != 1:
        raise RuntimeError(f"expected one positive x_1, got {roots}")
    projection = roots[0]  # x_1 of argmin B_E(x, p 1)
    a = _p("alpha")
    printed = projection.subs(p, a)  # prior α 1, as printed
    corrected = projection.subs(p, a**2)  # prior x_0 = u_0^{⊙2} = α² 1
    weights = {y: 2, a: 1}
    derived = lam**2  # x^inf of the flow: the flow from λ u_0 with data λ² y is λ u(λ² t)
    printed_factor = scale_factor(printed, weights)
    corrected_factor = scale_factor(corrected, weights)
    cmp = compare(
        derived, printed_factor, rational_points({lam, y, a}, count=4, seed=1, domains={lam: (2, 3)})
    )
    fixed = compare(derived, corrected_factor)
    differs = cmp.outcome == Outcome.DIFFERS
    steps = (
        Step("x_1 of the entropy Bregman projection of p 1 onto {x_1 + 2 x_2 = y}", projection),
        Step("the flow's limit x^inf: factor λ² under (y, u_0) -> (λ² y, λ u_0)", derived),
        Step("argmin B_E(x, 1 α) (printed): factor", printed_factor),
        Step(f"argmin B_E(x, 1 α²) (x_0 = u_0^{{⊙2}}): factor ({fixed.outcome})", corrected_factor),
    )
    return Derivation.from_parts(
        [Part.of("flow's factor against the printed projection's", cmp, derived, printed_factor)],
        title="scale consistency: x^inf(α) = argmin B_E(x, 1α) with u_0 = α 1",
        steps=steps,
        assumptions="A = [1 2], y > 0; ms Section I: u_0 = α 1, x = u^{⊙2}",
        corrected=sp.Symbol("argmin B_E(x, alpha**2*1)") if differs else None,
        instance=None,
    )


nSc_1, nS_inf, nSc_inf, max_S = (_p(n) for n in ("||n_Sc||_1", "||n_S||_inf", "||n_Sc||_inf", "max_S x^*_i"))
MS_PROOF_WEIGHTS = {**MS_WEIGHTS, nSc_1: 2, nS_inf: 2, nSc_inf: 2, max_S: 2}


def ms_iii5() -> Derivation:
    return bound_scaling(
        "(III.5), n = x^inf - x^*",
        nSc_1,
        ms_alpha ** (1 - varrho) * n_Sc * min_S**varrho * kappa**varrho_minus,
        MS_PROOF_WEIGHTS,
        assumptions=MS,
        domains=MS_DOMAINS,
    )


def ms_iii4() -> Derivation:
    n1, n2 = _p("n_1"), _p("n_2")  # two entries of n_{S^c}, |S^c| = 2
    left = n1 * sp.log(n1 / ms_alpha) + n2 * sp.log(n2 / ms_alpha)
    right = (n1 + n2) * sp.log((n1 + n2) / (2 * ms_alpha))
    return bound_scaling(
        "(III.4) log-sum inequality, |S^c| = 2",
        left,
        right,
        {**MS_WEIGHTS, n1: 2, n2: 2},
        assumptions=MS,
    )


def ms_iii9() -> Derivation:
    return bound_scaling(
        "(III.9) ||n||_inf/min_S x^* <= (C/2) ε^{1-ϱ}",
        nS_inf / min_S,
        C_ms / 2 * (ms_alpha / min_S) ** (1 - varrho),
        MS_PROOF_WEIGHTS,
        assumptions=MS,
        domains=MS_DOMAINS,
    )


def ms_iii11() -> Derivation:
    m_ratio = _p("lhs(III.7)/||m_Sc||_1")  # a weighted mean of log(n_i/α): scale-free
    right = (
        varrho * sp.log(x_star_inf / ms_alpha)
        - varrho_minus * sp.log(kappa)
        - C_ms * (ms_alpha / min_S) ** (1 - varrho)
    )
    return bound_scaling(
        "(III.11): the right side is scale-free, as the left (a mean of log(n_i/α))",
        m_ratio,
        right,
        {**MS_PROOF_WEIGHTS, m_ratio: 0},
        assumptions=MS,
        domains=MS_DOMAINS,
    )


# ------------------------------------------------------------------------------ krr

beta_inf_1, beta_star_1 = _p("||beta_inf||_1"), _p("||beta*_l1||_1")
beta_inf_2, beta_star_2 = _p("||beta_inf||_2"), _p("||beta*_l2||_2")
k_alpha, k_eps = _p("alpha"), _p("epsilon")
KRR_WEIGHTS = {beta_inf_1: 2, beta_star_1: 2, beta_inf_2: 2, beta_star_2: 2, k_alpha: 1}
KRR = "krr D = 2: w_0 = α 1 -> λ α, β -> λ² β"


def krr_thm2_l1() -> Derivation:
    return bound_scaling(
        "||β_inf||_1 <= (1+ε)||β*||_1",
        beta_inf_1,
        (1 + k_eps) * beta_star_1,
        KRR_WEIGHTS,
        assumptions=KRR,
    )


def krr_thm2_l2() -> Derivation:
    return bound_scaling(
        "||β_inf||_2² <= (1+ε)||β*||_2²",
        beta_inf_2**2,
        (1 + k_eps) * beta_star_2**2,
        KRR_WEIGHTS,
        assumptions=KRR,
    )


def krr_thm2_l2_hypothesis() -> Derivation:
    return bound_scaling(
        "hypothesis α >= sqrt(2(1+ε)(1+2/ε)||β*||_2)",
        k_alpha,
        sp.sqrt(2 * (1 + k_eps) * (1 + 2 / k_eps) * beta_star_2),
        KRR_WEIGHTS,
        assumptions=KRR,
    )


def krr_thm9() -> Derivation:
    dW, dWTK, dy, mu, gam = (
        _p(n) for n in ("||W(T)-W(0)||_F", "||W(T)-W_TK(T)||_F", "||y(0)-y*||", "mu", "gamma")
    )
    lmin, lmax = _p("lambda_min"), _p("Lambda")  # eigenvalues of X X^T: data, fixed
    weights = {dW: 1, dWTK: 1, dy: 2, mu: 2, gam: 2}
    right = lmax * sp.sqrt(1 + lmin / (4 * lmax)) * dy**2 / (lmin**2 * mu ** sp.Rational(3, 2)) + 2 * sp.sqrt(
        lmax
    ) * sp.sqrt(1 + gam / mu) * dy / (lmin * sp.sqrt(mu))
    return bound_scaling(
        "Theorem 9, second bound (W -> λ W, W W^T ≈ μ I so μ, γ -> λ², y -> λ² y)",
        dWTK,
        right,
        weights,
        assumptions="krr Theorem 9: W -> λ W, μ, γ -> λ², y -> λ² y; X fixed",
    )


def krr_thm9_first() -> Derivation:
    dW, dy, mu = _p("||W(T)-W(0)||_F"), _p("||y(0)-y*||"), _p("mu")
    lmin, lmax = _p("lambda_min"), _p("Lambda")
    return bound_scaling(
        "Theorem 9, first bound",
        dW,
        sp.sqrt(lmax + lmin / 4) * dy / (lmin * sp.sqrt(mu)),
        {dW: 1, dy: 2, mu: 2},
        assumptions="krr Theorem 9: W -> λ W, μ -> λ², y -> λ² y; X fixed",
    )


def krr_lem7() -> Derivation:
    q = sp.Function("q")
    b1, b2 = _p("beta_1"), _p("beta_2")  # entries of β, d = 2
    Q_alpha = k_alpha**2 * (q(b1 / k_alpha**2) + q(b2 / k_alpha**2))  # krr Q_{α,1}
    return bound_scaling(
        "Lemma 7: 4α² Q_{α,1}(β) against ||β||_2² (d = 2, q unspecified)",
        4 * k_alpha**2 * Q_alpha,
        b1**2 + b2**2,
        {k_alpha: 1, b1: 2, b2: 2},
        assumptions=KRR,
    )


def krr_lem7_hypothesis() -> Derivation:
    return bound_scaling(
        "hypothesis α >= sqrt(||β||_2)(1 + ε^{-1/4})",
        k_alpha,
        sp.sqrt(beta_star_2) * (1 + k_eps ** sp.Rational(-1, 4)),
        KRR_WEIGHTS,
        assumptions=KRR,
    )


def mil_eq24() -> Derivation:
    D0, Dinf = _p("D_F(z, x~(0))"), _p("D_F(x~_inf, x~(0))")
    return bound_scaling(
        "(24) D_F(z, x~(0)) >= D_F(x~_inf, x~(0))",
        Dinf,
        D0,
        {D0: 2, Dinf: 2},
        assumptions="mil: D_F with F of (21) is homogeneous of degree 2/L in x~ -> λ²",
    )


# ------------------------------------------------------------------------------ wn

w_r0, w_eta = _p("r_0"), _p("eta")
w_rinf = _p("r_inf")  # lim r(t) = ||x~_inf^{⊙1/L}||_2
w_xinf2 = _p("||x~_inf||_2")
Q, beta1, beta_min, x_inf_w1 = _p("Q"), _p("beta_1"), _p("beta_min"), _p("||x~_inf||_{w,1}")
WN_WEIGHTS = {w_r0: 1, w_eta: 2, w_rinf: 1, w_xinf2: L, Q: 2, beta1: 2, beta_min: 2, x_inf_w1: 2}
WN = "wn: r_0 -> λ r_0, η̃ -> λ² η̃, b -> λ^L b; lim r -> λ r, x~ -> λ^L x~, Q, β_1, β_min -> λ²"
g = 1 - 2 / L  # γ of wn (16) (an exponent, not the rescaling γ)


def wn_error_16(b1: sp.Expr, bmin: sp.Expr, q: sp.Expr) -> sp.Expr:
    """wn (16) for L > 2 (L symbolic)."""
    return L * (b1**g - bmin**g) / (2 * q**g - L * b1**g)


def wn_thm_from7_hypothesis() -> Derivation:
    return bound_scaling(
        "hypothesis Q > c_L β_1^{2/L}",
        Q,
        c_L * beta1 ** (2 / L),
        WN_WEIGHTS,
        assumptions=WN + "; L > 2",
        corrected_right=c_L * beta1,
        note="the denominator 2Q^γ - Lβ_1^γ of (16) is positive iff Q > (L/2)^{L/(L-2)} β_1 = c_L β_1",
    )


def wn_thm_from7_bound() -> Derivation:
    return bound_scaling(
        "(14) with ε of (16), L > 2",
        x_inf_w1 - Q,
        wn_error_16(beta1, beta_min, Q) * Q,
        WN_WEIGHTS,
        assumptions=WN + "; L > 2",
    )


def wn_rho_17() -> Derivation:
    rho_printed = w_r0 / w_xinf2 * sp.exp((w_xinf2**2 - w_r0**2) / (2 * w_eta))  # r_inf = ||x~_inf||_2
    rho_fixed = w_r0 / w_rinf * sp.exp((w_rinf**2 - w_r0**2) / (2 * w_eta))  # r_inf = lim r(t)
    return bound_scaling(
        "ρ of (17) with r_inf = ||x~_inf||_2 (as stated in Theorem 2.1) must be invariant",
        sp.Integer(1),
        rho_printed,
        WN_WEIGHTS,
        assumptions=WN,
        corrected_right=rho_fixed,
        note="(19) uses ρ^{-L} β_1: ρ must be scale-free; r_inf = lim r(t) = ||x~_inf^{⊙1/L}||_2 as in (21)",
    )


def wn_error_19() -> Derivation:
    """(19): ε(ρ^{-L}β_1, ρ^{-L}β_min) is the error (16) of the plain flow from γ x_0, γ = 1/ρ."""
    gam = _p("gamma")
    # from γ x_0: w -> γ^{2-L} w, so Q -> γ^{2-L} Q; β_1, β_min -> γ² (·)
    plain = wn_error_16(gam**2 * beta1, gam**2 * beta_min, gam ** (2 - L) * Q)
    printed = wn_error_16(gam**L * beta1, gam**L * beta_min, Q)  # ρ^{-L} = γ^L
    plain_s, printed_s = (
        sp.powsimp(sp.expand_power_base(e, force=True), force=True) for e in (plain, printed)
    )
    ranges = {L: (3, 5), gam: (sp.Rational(1, 3), 1)}
    cmp = compare(
        sp.simplify(sp.powdenest(plain_s, force=True)),
        sp.simplify(sp.powdenest(printed_s, force=True)),
        rational_points(plain.free_symbols | printed.free_symbols, count=6, seed=2, domains=ranges),
    )
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, plain, printed)],
        title="(19): the error (16) of the plain flow started at γ x_0 (Lemma 3.8) "
        "equals ε(ρ^{-L}β_1, ρ^{-L}β_min)",
        steps=(
            Step("(16) with the weights of γ x_0: β_1, β_min -> γ², Q -> γ^{2-L} Q", plain),
            Step("(19) typed in, ρ^{-L} = γ^L", printed),
        ),
        assumptions="L > 2 symbolic; γ = 1/ρ > 0",
        instance=None,
    )


def wn_eq20() -> Derivation:
    return bound_scaling(
        "(20) min(η̃, r_inf²) <= r_0² <= max(η̃, r_inf²), lower end with η̃ (the other ends alike)",
        w_eta,
        w_r0**2,
        WN_WEIGHTS,
        assumptions=WN,
    )


def wn_eq21() -> Derivation:
    minimum = _p("min_S+||z||_{2/L}^{2/L}")
    return bound_scaling(
        "(21) r_inf² >= min ||z||_{2/L}^{2/L}",
        w_rinf**2,
        minimum,
        {**WN_WEIGHTS, minimum: 2},
        assumptions=WN,
    )


def wn_lem35() -> Derivation:
    c_r, c_u, c_x, sig, t, n_I = (_p(n) for n in ("c_r", "c_u", "c_x", "sigma_min(A_I)", "t - t_0", "|I|"))
    weights = {c_r: 2, c_u: 0, c_x: 1, t: -2 * L}
    printed = sp.Min(c_r, c_u * c_x**2 * n_I) * 2 * L * c_x**2 * sig**2 * t  # exponent of (31)
    proof = sp.Min(c_r, c_u * c_x**2 * n_I) * 2 * L * c_x ** (2 * L - 2) * sig**2 * t  # the proof's last line
    return bound_scaling(
        "the exponent of (31) must be scale-free",
        sp.Integer(1),
        c_r * 2 * L * c_x**2 * sig**2 * t,  # (31), branch c_r of the min
        weights,
        assumptions=WN + "; time t -> λ^{-2L} t, η_r >= c_r -> λ² c_r, η_u fixed, c_x -> λ c_x; "
        "both branches of the min scale by λ²: shown for the branch c_r",
        corrected_right=c_r * 2 * L * c_x ** (2 * L - 2) * sig**2 * t,
        note=f"(31) as printed: {sp.sstr(printed)}; the proof ends with {sp.sstr(proof)}",
    )


def wn_c_L_threshold() -> Derivation:
    from dlncheck.derivations.wn_bregman import wn_c_L_threshold

    return wn_c_L_threshold()


NOT_SCALE_FREE: dict[str, str] = {
    "krr.thm2": (
        "the hypotheses α <= (2(1+ε)||β*||_1)^{-(2+ε)/(2ε)} and α <= exp(-d/(ε||β*||_1)) are not scale-free "
        "(α -> λα, ||β*||_1 -> λ²||β*||_1); the conclusion is, so the theorem holds for the scale closure of "
        "the hypotheses: they implicitly fix the unit ||β*||_1 ~ 1. Not an error."
    ),
    "krr.lem5": (
        "Q_α(β)/ln(1/α²) is not homogeneous (Q_{λα}(λ²β) = λ² Q_α(β) but ln(1/α²) shifts by -2 ln λ): "
        "Lemma 5 is a statement about Q_α at fixed α, whose log fixes a unit. Not an error."
    ),
    "krr.cor10": "O(·) hides constants depending on Y = bound on ||y*||, which scales: nothing to compare.",
    "wn.eq7": (
        "ε in (7) is an unspecified increasing function; scale-covariance requires ε to depend on Q too, "
        "as (16) does."
    ),
}
