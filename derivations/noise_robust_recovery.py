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

from derivations.best_s_term import sigma_by_definition
from derivations.derivation import Derivation, Outcome, Step
from derivations.equality import compare
from derivations.sign_definite import decide_inequality

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
        "mil.A3.final",
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
        "mil.A3.final",
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
    outcome = Outcome.DIFFERS if cmp.outcome == Outcome.DIFFERS or value != 0 else cmp.outcome
    return Derivation(
        claim_id="mil.A3.final",
        title="A.3: the constant C' with the σ step corrected",
        steps=(
            Step("noise terms: C/sqrt(s) * 2||u||_1 + ||u||_2 with (44)", noise_terms),
            Step("coefficient of ||e||_2", derived),
            Step("printed C'", printed),
        ),
        derived=derived,
        printed=printed,
        outcome=outcome,
        residual=sp.simplify(derived - printed),
        assumptions="(44), (45), (46); s = c s_*",
        method="exact rational arithmetic" if outcome == Outcome.DIFFERS else cmp.method,
        witness_point={sp.sstr(k): sp.sstr(v) for k, v in point.items()}
        if outcome == Outcome.DIFFERS
        else {},
        witness_value=sp.sstr(value) if outcome == Outcome.DIFFERS else "",
        corrected=derived,
    )
