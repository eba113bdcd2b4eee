"""Appendix A.3 of "More is Less": the proof of Theorem 1.4 (noise-robust recovery).

mil (46): ||w||_1 - ||ẑ||_1 <= ε  if  c_L(||u_0||_L^L + ||v_0||_L^L) <= ε  (from (9));
the chain: ||x_* - Δ(y)||_2 <= ||x_* + u - w||_2 + ||u||_2
    <= C/sqrt(s) (||w||_1 - ||x_* + u||_1 + 2σ_s(x_* + u)_1) + ||u||_2                   ((45))
    <= C/sqrt(s) (||w||_1 - ||ẑ||_1 + ||ẑ||_1 - ||x_* + u||_1 + 2σ_s(x_*)_1 + ||u||_1) + ||u||_2
    <= C/sqrt(s) (ε + 2σ_s(x_*)_1) + C d sqrt(s_*)/sqrt(s) ||e||_2 + d'||e||_2,
    C' = C d sqrt(s_*)/sqrt(s) + d'.

The third line needs 2σ_s(x_* + u)_1 <= 2σ_s(x_*)_1 + ||u||_1.  What holds is
σ_s(x + u)_1 <= σ_s(x)_1 + ||u||_1 (triangle inequality off the support of a best s-term
approximation of x), i.e. 2σ_s(x + u)_1 <= 2σ_s(x)_1 + 2||u||_1, and then C' = 2 C d sqrt(s_*)/sqrt(s) + d'.
"""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations.best_s_term import sigma_by_definition
from dlncheck.derivations.derivation import Derivation, Outcome, Part, Step
from dlncheck.derivations.equality import compare
from dlncheck.derivations.sign_definite import decide_inequality

S_SPARSITY = 1  # s of the witness
x_star = sp.symbols("x1:4", real=True)
u_noise = sp.symbols("u1:4", real=True)
SIGMA_STEP_WITNESS = {**{xi: sp.Integer(0) for xi in x_star}, **{ui: sp.Integer(1) for ui in u_noise}}


def _sigma(vec) -> sp.Expr:
    return sigma_by_definition([sp.Abs(e) for e in vec], S_SPARSITY)


def equation_46() -> Derivation:
    """(46): (9) gives ||w||_1 - ||ẑ||_1 <= c_L(||u_0||_L^L + ||v_0||_L^L) <= ε."""
    bound, eps, gap = sp.symbols("B epsilon gap", real=True)  # B = c_L(...), gap = ||w||_1 - ||ẑ||_1
    s1, s2 = sp.symbols("s1 s2", nonnegative=True)
    return decide_inequality(
        "(46) from (9) and c_L(||u_0||_L^L + ||v_0||_L^L) <= ε",
        gap,
        eps,
        slacks={gap: bound - s1, eps: bound + s2},
        steps=(
            Step("(9) with y = A(x_* + u): gap = ||w||_1 - ||ẑ||_1 = B - s1, s1 >= 0"),
            Step("hypothesis of (46): ε = B + s2, s2 >= 0"),
        ),
        assumptions="Theorem 1.1 (9) for the data A(x_* + u)",
    )


def sigma_step() -> Derivation:
    """The third line of the chain needs 2σ_s(x_* + u)_1 <= 2σ_s(x_*)_1 + ||u||_1."""
    left = 2 * _sigma([x + u for x, u in zip(x_star, u_noise, strict=True)])
    l1_u = sum(sp.Abs(e) for e in u_noise)
    right = 2 * _sigma(x_star) + l1_u
    return decide_inequality(
        "A.3 chain, line 2 -> 3: 2σ_s(x_* + u)_1 <= 2σ_s(x_*)_1 + ||u||_1 (N = 3, s = 1)",
        left,
        right,
        slacks={},
        steps=(
            Step("σ_1 by its definition (derivations.best_s_term), N = 3", _sigma(x_star)),
            Step(
                "what holds: σ_s(x + u)_1 <= ||(x + u)_{T^c}||_1 <= σ_s(x)_1 + ||u_{T^c}||_1 "
                "<= σ_s(x)_1 + ||u||_1 "
                "with T the support of a best s-term approximation of x; doubled: + 2||u||_1"
            ),
        ),
        assumptions="N = 3, s = 1",
        witnesses=(SIGMA_STEP_WITNESS,),
        simplify=False,
        corrected=sp.Le(left, 2 * _sigma(x_star) + 2 * l1_u),
    )


def final_constant() -> Derivation:
    """C' of the final display, carried through with the corrected σ step."""
    C, d, dp, s, s_star, e2 = sp.symbols("C d dprime s s_star e2", positive=True)
    l1_u = d * sp.sqrt(s_star) * e2  # (44): ||u||_1 <= d sqrt(s_*) ||e||_2
    l2_u = dp * e2  # (44): ||u||_2 <= d' ||e||_2
    # line 3 with 2||u||_1 in place of ||u||_1; (46); ||ẑ||_1 <= ||x_* + u||_1
    noise_terms = C / sp.sqrt(s) * 2 * l1_u + l2_u
    derived = sp.expand(noise_terms / e2)
    printed = C * d * sp.sqrt(s_star) / sp.sqrt(s) + dp  # C' as printed
    cmp = compare(derived, printed)
    point = {C: 1, d: 1, dp: 1, s: 1, s_star: 1}
    value = (derived - printed).xreplace(point)
    differs = cmp.outcome == Outcome.DIFFERS or value != 0
    at_point = Part(
        "C' against printed",
        Outcome.DIFFERS if differs else cmp.outcome,
        derived,
        sp.simplify(derived - printed),
        "exact rational arithmetic" if differs else cmp.method,
        point,
        value,
        printed,
    )
    return Derivation.from_parts(
        [at_point],
        title="A.3: the constant C' with the σ step corrected",
        steps=(
            Step("noise terms: C/sqrt(s) * 2||u||_1 + ||u||_2 with (44)", noise_terms),
            Step("coefficient of ||e||_2", derived),
            Step("printed C'", printed),
        ),
        assumptions="(44), (45), (46); s = c s_*",
        corrected=derived,
        instance=None,
    )


# --------------------------------------------------------------------------- (44) and (45)
#
# The two cited results of A.3, derived here from (13) with explicit constants, so that the
# audits of Theorem 1.4 and of A.3's final display can use the constants of the proof.
# ρ ∈ [0, 1) is written ρ = k/(1 + k) with k >= 0, so that 1 - ρ = 1/(1 + k) > 0 is visible to
# SymPy's sign rules.

k_rho, eta = sp.symbols("k eta", nonnegative=True)
tau, s_order = sp.symbols("tau s", positive=True)
RHO = k_rho / (1 + k_rho)
t1, t2, t3, t4, t5, t6, t7 = sp.symbols("t1:8", nonnegative=True)
gamma = sp.Symbol("Gamma", real=True)  # ||z||_1 - ||x||_1 + 2σ_s(x)_1
C_45 = (1 + RHO) ** 2 / (1 - RHO)  # [10, Thm 4.25] at p = q = 2
D_45 = (3 + RHO) * tau / (1 - RHO)


def l1_error_from_13() -> Derivation:
    """[10, Thm 4.20] from (13): ‖z - x‖₁ <= (1+ρ)/(1-ρ) Γ + 2τ√s/(1-ρ) ‖A(z - x)‖₂.

    v = z - x, S the s largest entries of x, a = ‖v_S‖₁, b = ‖v_{Sᶜ}‖₁, η = ‖Av‖₂:
    (i) ‖z‖₁ >= ‖x_S‖₁ - a + b - ‖x_{Sᶜ}‖₁ entrywise, so Γ = b - a + t1;
    (ii) (13) and Cauchy–Schwarz, ‖v_S‖₁ <= √s‖v_S‖₂: a = ρb + τ√s η - t2.
    """
    a_sym, b_sym = sp.symbols("a b", nonnegative=True)
    a_value = RHO * b_sym + tau * sp.sqrt(s_order) * eta - t2
    right = (1 + RHO) / (1 - RHO) * gamma + 2 * tau * sp.sqrt(s_order) / (1 - RHO) * eta
    return decide_inequality(
        "[10, Thm 4.20] from (13): ||v||_1 <= (1+ρ)/(1-ρ) Γ + 2τ√s/(1-ρ) ||Av||_2",
        a_sym + b_sym,
        right,
        slacks={gamma: b_sym - a_value + t1, a_sym: a_value},
        steps=(
            Step("triangle inequality on S and S^c: Γ = ||v_{S^c}||_1 - ||v_S||_1 + t1, t1 >= 0"),
            Step(
                "(13) with ||v_S||_1 <= √s ||v_S||_2: ||v_S||_1 = ρ||v_{S^c}||_1 + τ√s||Av||_2 - t2", a_value
            ),
        ),
        assumptions="(13) of order s with 0 <= ρ < 1 (ρ = k/(1+k)), τ > 0",
    )


def equation_45() -> Derivation:
    """(45) with C = (1+ρ)²/(1-ρ), D = (3+ρ)τ/(1-ρ) ([10, Thm 4.25], p = q = 2) from (13).

    T the s largest entries of v, V1 = ‖v‖₁, V2 = ‖v‖₂:
    V2 <= ‖v_T‖₂ + ‖v_{Tᶜ}‖₂; ‖v_T‖₂ <= ρ/√s ‖v_{Tᶜ}‖₁ + τη <= ρ/√s V1 + τη ((13));
    ‖v_{Tᶜ}‖₂ <= V1/√s (each entry off T is at most ‖v_T‖₁/s); V1 from :func:`l1_error_from_13`.
    """
    V1 = (1 + RHO) / (1 - RHO) * gamma + 2 * tau * sp.sqrt(s_order) / (1 - RHO) * eta - t7
    P = RHO / sp.sqrt(s_order) * (V1 - t4) + tau * eta - t5
    Q = V1 / sp.sqrt(s_order) - t6
    V2 = sp.Symbol("V2", nonnegative=True)
    return decide_inequality(
        "(45) with C = (1+ρ)²/(1-ρ), D = (3+ρ)τ/(1-ρ), from (13)",
        V2,
        C_45 / sp.sqrt(s_order) * gamma + D_45 * eta,
        slacks={V2: P + Q - t3},
        steps=(
            Step("||v||_2 <= ||v_T||_2 + ||v_{T^c}||_2 (T: the s largest entries of v)"),
            Step("(13) at T, ||v_{T^c}||_1 = V1 - t4 <= V1", P),
            Step("||v_{T^c}||_2^2 <= max_{T^c}|v| ||v_{T^c}||_1 <= ||v||_1^2/s", Q),
            Step("V1 by [10, Thm 4.20] (l1_error_from_13)", V1),
        ),
        assumptions="(13) of order s with 0 <= ρ < 1 (ρ = k/(1+k)), τ > 0; Γ = ||v||_1 - ||w||_1 + 2σ_s(w)_1",
    )


def equation_44() -> Derivation:
    """(44): a u with Au = e and ‖u‖₁ <= d√s_*‖e‖₂ (the quotient property) has
    ‖u‖₂ <= d'‖e‖₂ with d' = τ + (1+ρ)d/√c, s = c·s_* (from (13) as in :func:`equation_45`)."""
    d, c, e2 = sp.symbols("d c e2", positive=True)
    U1 = d * sp.sqrt(s_order / c) * e2 - t5  # quotient property, s_* = s/c
    P = RHO / sp.sqrt(s_order) * (U1 - t2) + tau * e2 - t3  # (13) at the s largest entries, ||Au|| = ||e||
    Q = U1 / sp.sqrt(s_order) - t4
    U2 = sp.Symbol("U2", nonnegative=True)
    d_prime = tau + (1 + RHO) * d / sp.sqrt(c)
    return decide_inequality(
        "(44): ||u||_2 <= d'||e||_2 with d' = τ + (1+ρ)d/√c",
        U2,
        d_prime * e2,
        slacks={U2: P + Q - t1},
        steps=(
            Step("quotient property: ||u||_1 = d√(s_*)||e||_2 - t5, s_* = s/c", U1),
            Step("(13) at the s largest entries T of u, ||Au||_2 = ||e||_2", P),
            Step("||u_{T^c}||_2 <= ||u||_1/√s", Q),
        ),
        assumptions="(13) of order s = c s_* (0 <= ρ < 1, τ > 0), l1-quotient property with constant d",
    )
