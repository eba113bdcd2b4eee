"""wn Section 2: the magnification factor ρ of (17), the region (20), and the remarks after Theorem 2.1.

wn (17):  ρ = (r0/r_∞) exp((r_∞^2 - r0^2)/(2η̃))
wn (20):  ρ >= 1 whenever min(η̃, r_∞^2) <= r0^2 <= max(η̃, r_∞^2)
wn (43), (44) (Lemma 3.8): γ(r0, r) = γ̃(r0)/γ̃(r), γ̃(r) = exp(r^2/(2η̃))/r
wn (16), L = 2: ε(β_1, β_min) = log(β_1/β_min)/log(Q/β_1)
wn (21):  r_∞^2 = ||x̃_∞^{⊙1/L}||_2^2 = ||x̃_∞||_{2/L}^{2/L}
wn (22):  L_±(u, v) = ||A(u^{⊙L} - v^{⊙L}) - b||^2

In squared radii S = r^2, log ρ = h(S_∞) - h(S_0) with h(S) = S/(2η̃) - log(S)/2, convex with
its minimum at S = η̃: this is the whole content of (20).
"""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Outcome, Part, Step
from dlncheck.derivations.equality import compare

r0, r_inf, eta = sp.symbols("r_0 r_inf eta", positive=True)
S0, S_inf = sp.symbols("S_0 S_inf", positive=True)  # r0^2, r_inf^2
theta = sp.Symbol("theta", nonnegative=True)  # position of S0 between η̃ and S_inf
kappa = sp.Symbol("kappa", positive=True)  # a factor < 1 applied to η̃ in rem.dep


def rho_printed(radius0=r0, radius_inf=r_inf, ratio=eta) -> sp.Expr:
    """wn (17), typed in."""
    return (radius0 / radius_inf) * sp.exp((radius_inf**2 - radius0**2) / (2 * ratio))


# ------------------------------------------------------------------------------ (17)


def rho_is_inverse_gamma() -> Derivation:
    """(17) from Lemma 3.8: x_wn ends where the plain flow from γ x_wn(0) ends; (19): ρ^{-L} β = γ^L β."""
    r = sp.Symbol("r", positive=True)
    gamma_tilde = sp.exp(r**2 / (2 * eta)) / r  # (44)
    gamma = gamma_tilde.subs(r, r0) / gamma_tilde.subs(r, r_inf)  # (43)
    # the log of the factor, read off the invariant (37): log(r u) = [log u + r^2/(2η̃)] + [log r - r^2/(2η̃)]
    log_factor = (sp.log(r_inf) - r_inf**2 / (2 * eta)) - (sp.log(r0) - r0**2 / (2 * eta))
    derived = sp.Matrix([sp.exp(-log_factor), 1 / gamma])
    printed = sp.Matrix([rho_printed(), rho_printed()])
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="(17): ρ = 1/γ(r0, r_∞)",
        steps=(
            Step(
                "log of the rescaling of x_wn(0) read off (37): (log r - r^2/2η̃) at r_∞ minus at r0",
                log_factor,
            ),
            Step("γ(r0, r_∞) of (43), (44)", gamma),
            Step("x̃ scales by γ^L, so ρ^{-L} in (19) is γ^L: ρ = 1/γ", derived),
            Step("(17) typed in", printed[0]),
        ),
        assumptions="r0, r_∞, η̃ > 0; r_∞ = lim r(t) as in Lemma 3.8",
        instance=None,
    )


# ------------------------------------------------------------------------------ (20)


def h(S: sp.Expr) -> sp.Expr:
    return S / (2 * eta) - sp.log(S) / 2


def magnification_region_20() -> Derivation:
    """(20): S0 = η̃ + θ(S_∞ - η̃), θ in [0, 1], is exactly the printed interval; log ρ is then >= 0."""
    log_rho = sp.expand_log(sp.log(rho_printed().subs({r0: sp.sqrt(S0), r_inf: sp.sqrt(S_inf)})), force=True)
    S_between = eta + theta * (S_inf - eta)
    D = (h(S_inf) - h(S0)).subs(S0, S_between)  # log ρ along the segment
    dD = sp.diff(D, theta)
    dD_closed = -theta * (S_inf - eta) ** 2 / (2 * eta * S_between)
    derived = sp.Matrix([log_rho, dD, D.subs(theta, 1)])
    printed = sp.Matrix([h(S_inf) - h(S0), dD_closed, 0])
    cmp = compare(derived, printed)
    sign = dD_closed.subs(S_between, sp.Symbol("S_0", positive=True)).is_nonpositive
    if cmp.outcome == Outcome.AGREES and sign is not True:
        cmp = type(cmp)(Outcome.INCONCLUSIVE, dD_closed, "SymPy could not decide the sign of dD/dθ")
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="(20): ρ >= 1 for r0^2 between η̃ and r_∞^2",
        steps=(
            Step("log ρ in S = r^2 (derived from (17))", log_rho),
            Step("= h(S_∞) - h(S_0), h(S) = S/(2η̃) - log(S)/2 (printed column: this form)", printed[0]),
            Step("r0^2 in [min(η̃, r_∞^2), max(η̃, r_∞^2)] ⇔ S_0 = η̃ + θ(S_∞ - η̃), θ ∈ [0, 1]", S_between),
            Step("D(θ) = log ρ along the segment; dD/dθ", dD),
            Step(
                "dD/dθ = -θ(S_∞ - η̃)^2/(2η̃ S_0) <= 0 (SymPy decides the sign), and D(1) = 0, so "
                "D(θ) = -∫_θ^1 D' >= 0 on [0, 1]: ρ >= 1",
                dD_closed,
            ),
            Step(
                "(20) is sufficient, not necessary: ρ >= 1 ⇔ h(S_0) <= h(S_∞), a larger set "
                "(e.g. all r0 <= r_∞ when r_∞^2 <= η̃)"
            ),
        ),
        assumptions="η̃, r0, r_∞ > 0",
        instance=None,
    )


# ------------------------------------------------------------------------------ remark 'Error reduction'


def error_reduction_remark() -> Derivation:
    """ε(ρ^{-L} β_1, ρ^{-L} β_min) of (16) at L = 2, and its value for x0 = α 1 with r0 = 1."""
    beta_1, beta_min, Q, rho, N = sp.symbols("beta_1 beta_min Q rho N", positive=True)
    depth = 2

    def eps(b1, bmin):  # (16), L = 2
        return sp.log(b1 / bmin) / sp.log(Q / b1)

    derived = eps(rho**-depth * beta_1, rho**-depth * beta_min)
    printed = sp.log(beta_1 / beta_min) / sp.log(rho**depth * Q / beta_1)  # the remark, typed in
    cmp = compare(derived, printed)
    alpha = 1 / sp.sqrt(N)  # x0 = α 1 with ||x0|| = r0 = 1
    w = 1  # weights x̃(0)^{2/L - 1} = 1 at L = 2
    on_uniform = printed.subs({beta_1: N * w * alpha**2, beta_min: w * alpha**2})
    limit = sp.limit(on_uniform, rho, sp.oo)
    if cmp.outcome == Outcome.AGREES and limit != 0:
        cmp = type(cmp)(Outcome.INCONCLUSIVE, limit, f"ε does not tend to 0 as ρ -> ∞: {limit}")
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="remark 'Error reduction due to ρ': ε at L = 2",
        steps=(
            Step("(16), L = 2, at (ρ^{-2} β_1, ρ^{-2} β_min)", derived),
            Step("the remark typed in", printed),
            Step("with x0 = α1, r0 = 1: α = 1/sqrt(N), w = 1, β_1 = N α^2 = 1, β_min = α^2", on_uniform),
            Step("as ρ -> ∞ (SymPy's limit): the bound tends to 0", limit),
            Step(
                "(14) needs Q > c_2 (ρ^{-2} β_1)^{2/2} = ρ^{-2}: ρ large only helps. The remark's "
                "Q = min over S, but (14)-(16) use min over S_+ (equal at L = 2 only if the "
                "minimal-ℓ1 solution is nonnegative)"
            ),
        ),
        assumptions="β_1, β_min, Q, ρ > 0",
        instance=None,
    )


# ------------------------------------------------------------------------------ remark 'Dependence'


def rho_versus_eta() -> Derivation:
    """'Fix r0: ρ is maximized when η̃ = 0': ρ is monotone in η̃ with the sign of r0 - r_∞.

    For r0 > r_∞ the value as η̃ -> 0+ is 0 and the supremum is r0/r_∞ (η̃ -> ∞).
    """
    d = sp.Symbol("d", positive=True)  # r0 = r_∞ + d > r_∞
    drho = sp.diff(rho_printed(), eta)
    drho_closed = rho_printed() * (r0**2 - r_inf**2) / (2 * eta**2)
    exponent = sp.factor(sp.expand(((r_inf**2 - r0**2) / (2 * eta)).subs(r0, r_inf + d)))  # -d(d+2r_∞)/(2η̃)
    rho_above = (r_inf + d) / r_inf * sp.exp(exponent)
    at_zero = sp.limit(rho_above, eta, 0, "+")  # the printed maximizer η̃ = 0
    at_infinity = sp.limit(rho_above, eta, sp.oo)
    derived, printed = at_infinity, at_zero
    cmp = compare(sp.simplify(derived), printed, [{r_inf: sp.Integer(1), d: sp.Integer(1)}])
    monotone = compare(drho, drho_closed)
    if monotone.outcome != Outcome.AGREES:
        cmp = monotone
    witness = {"params": {"r_0": "2", "r_inf": "1", "eta": "1", "kappa": "1/2"}}
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="remark 'Dependence': ρ against η̃ at fixed r0, r_∞",
        steps=(
            Step("∂ρ/∂η̃ by SymPy", drho),
            Step("= ρ (r0^2 - r_∞^2)/(2η̃^2): the sign of r0 - r_∞, for every η̃ > 0", drho_closed),
            Step("r0 = r_∞ + d > r_∞: ρ at the printed maximizer η̃ -> 0+", at_zero),
            Step("the supremum, as η̃ -> ∞", at_infinity),
            Step(
                "corrected: for r0 < r_∞, ρ decreases in η̃ (unbounded as η̃ -> 0+); for r0 = r_∞, ρ = 1; "
                "for r0 > r_∞, ρ increases in η̃, from 0 (η̃ -> 0+) to r0/r_∞ (η̃ -> ∞)"
            ),
        ),
        assumptions="r0 = r_∞ + d, d > 0; η̃ > 0",
        instance=witness,
        corrected=sp.Piecewise((sp.oo, r0 < r_inf), (1, sp.Eq(r0, r_inf)), (r0 / r_inf, True)),
    )


def rho_versus_r0() -> Derivation:
    """'Fix η̃: ρ is maximized at r0 = sqrt(η̃)'."""
    drho = sp.diff(rho_printed(), r0)
    critical = sp.solve(sp.Eq(sp.simplify(drho / rho_printed()), 0), r0)
    second = sp.simplify(sp.diff(rho_printed(), r0, 2).subs(r0, sp.sqrt(eta)))
    cmp = compare(sp.Matrix(critical), sp.Matrix([sp.sqrt(eta)]))
    if cmp.outcome == Outcome.AGREES and second.is_negative is not True:
        cmp = type(cmp)(Outcome.INCONCLUSIVE, second, "SymPy could not decide the sign of ρ'' at sqrt(η̃)")
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, sp.Matrix(critical), sp.Matrix([sp.sqrt(eta)]))],
        title="remark 'Dependence': argmax over r0 of ρ at fixed η̃, r_∞",
        steps=(
            Step("∂ρ/∂r0 = ρ (1/r0 - r0/η̃)", drho),
            Step("the one positive critical point", sp.Matrix(critical)),
            Step("ρ'' there (negative; ρ -> 0 as r0 -> 0 and r0 -> ∞): the maximum", second),
        ),
        assumptions="r0, r_∞, η̃ > 0",
        instance=None,
    )


# ------------------------------------------------------------------------------ (21)


def radius_limit_21() -> Derivation:
    """(21): with ||u|| = 1, r^2 = ||x||^2 and x = x̃^{⊙1/L} (x >= 0): r^2 = ||x̃||_{2/L}^{2/L}."""
    L = sp.Symbol("L", positive=True)
    xt = sp.symbols("xt_1:4", positive=True)  # x̃_∞, N = 3
    x = [v ** (1 / L) for v in xt]
    r_sq = sum(xi**2 for xi in x)  # r^2 = ||x||^2, ||u|| = 1
    quasi_norm = sum(v ** (2 / L) for v in xt) ** (L / 2)  # ||x̃||_{2/L}
    derived = sp.Matrix([r_sq, r_sq])
    printed = sp.Matrix([sum((v ** (1 / L)) ** 2 for v in xt), quasi_norm ** (2 / L)])
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="(21): r_∞^2 = ||x̃_∞^{⊙1/L}||_2^2 = ||x̃_∞||_{2/L}^{2/L}",
        steps=(
            Step("r^2 = ||r u||^2 = ||x||^2 (||u|| = 1), x = x̃^{⊙1/L}", r_sq),
            Step("||x̃||_{2/L}^{2/L} with ||z||_p = (Σ |z_n|^p)^{1/p}", printed[1]),
            Step("x̃_∞ ∈ S_+ is feasible, so the value is >= min over S_+ (attained: closed set, coercive)"),
        ),
        assumptions="L > 0 symbolic, x̃_∞ > 0, N = 3",
        instance=None,
    )


def radius_in_theorem_2_1() -> Derivation:
    """Theorem 2.1 writes r_∞ = ||x̃_∞||_2; Lemma 3.8 and (21) use r_∞ = lim r(t) = ||x̃_∞^{⊙1/L}||_2."""
    L = sp.Symbol("L", integer=True, positive=True)
    xt = sp.symbols("xt_1:3", positive=True)
    derived = sp.sqrt(sum(v ** (2 / L) for v in xt))  # lim r(t)
    printed = sp.sqrt(sum(v**2 for v in xt))  # Theorem 2.1
    point = {L: sp.Integer(2), xt[0]: sp.Rational(9, 25), xt[1]: sp.Rational(16, 25)}  # x_∞ = (3/5, 4/5)
    cmp = compare(derived, printed, [point])
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="r_∞ in Theorem 2.1: ||x̃_∞||_2 against lim r(t) = ||x̃_∞^{⊙1/L}||_2",
        steps=(
            Step("lim r(t) = ||x_∞||_2 = ||x̃_∞^{⊙1/L}||_2 (||u|| = 1; used in Lemma 3.8 and (21))", derived),
            Step("Theorem 2.1 typed in: r_∞ = ||x̃_∞||_2", printed),
        ),
        assumptions="L >= 2, x̃_∞ > 0, N = 2",
        corrected=derived,
        instance=None,
    )


# ------------------------------------------------------------------------------ (22)


def signed_model_shift() -> Derivation:
    """(22) and the remark: a common shift ζ of u^{⊙L} and v^{⊙L} leaves L_± unchanged; any z is reached."""
    L = sp.Symbol("L", positive=True)
    zeta = sp.Symbol("zeta", positive=True)
    u = sp.Matrix(sp.symbols("u_1:3", positive=True))
    v = sp.Matrix(sp.symbols("v_1:3", positive=True))
    A = sp.Matrix(1, 2, sp.symbols("a_1:3", real=True))
    b = sp.Matrix([sp.Symbol("b_1", real=True)])

    def loss_pm(uu, vv):  # (22)
        e = A * (uu.applyfunc(lambda t: t**L) - vv.applyfunc(lambda t: t**L)) - b
        return (e.T * e)[0, 0]

    shift = lambda w: w.applyfunc(lambda t: (t**L + zeta) ** (1 / L))  # noqa: E731
    z_plus, z_minus = sp.symbols("z_+ z_-", nonnegative=True)
    u_of_z = (z_plus + zeta) ** (1 / L)
    v_of_z = (z_minus + zeta) ** (1 / L)
    derived = sp.Matrix([loss_pm(shift(u), shift(v)), u_of_z**L - v_of_z**L])
    printed = sp.Matrix([loss_pm(u, v), z_plus - z_minus])
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="(22): L_± is invariant under u^L -> u^L + ζ, v^L -> v^L + ζ; u, v > 0 reach every z",
        steps=(
            Step("L_± at the shifted pair", derived[0]),
            Step(
                "z = z_+ - z_-: u = (z_+ + ζ)^{1/L}, v = (z_- + ζ)^{1/L} > 0 give u^L - v^L = z", derived[1]
            ),
            Step("so (u, v) is not determined by u^L - v^L: a one-parameter family per entry"),
        ),
        assumptions="L > 0 symbolic, ζ > 0, N = 2, M = 1",
        instance=None,
    )
