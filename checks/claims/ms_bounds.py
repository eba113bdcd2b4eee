"""Matt–Stöger: the setup of Sec. I, Lemma III.3 and the steps (III.1)-(III.12) of the proofs."""

from __future__ import annotations

from dlncheck.checks.claim import declare
from dlncheck.checks.formula_audit import formula_audit
from dlncheck.checks.symbolic import SymbolicCheck
from dlncheck.checks.verdicts import Verdict
from dlncheck.derivations import ms_definitions as defs
from dlncheck.derivations import ms_lower_bound as lower
from dlncheck.derivations import ms_upper_bound as upper
from dlncheck.derivations import scale_consistency as scale

SECTION_B = "III-B Proof of the main theorem"

# ----------------------------------------------------------------------------- Sec. I

declare(
    id="ms.def.setup",
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "loss as a sum over rows",
            "sum_i (<a_i,x> - y_i)^2 = ||Ax - y||^2 and L~(u) = L(u^2), N = 2, d = 3 symbolic",
            defs.loss_as_sum_over_rows,
        ),
        SymbolicCheck(
            "time scale against mil",
            "-grad L~ = 2 x (mil (6), L = 2) velocity: ms at t is mil's reduced flow at 2t "
            "(numerics.conventions.mil_time_from_ms_time)",
            defs.flow_time_scale_against_mil,
        ),
    ),
)

declare(
    id="ms.intro.lsq",
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "flow in the row space",
            "x = A^T z solves the flow, |z - v|^2 decays (y = AA^T v), the limit is the KKT "
            "minimal-norm solution (N = 2, d = 3 symbolic)",
            defs.least_squares_flow_limit,
        ),
    ),
)

declare(
    id="ms.def.bregman",
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "closed form of B_E",
            "grad E = log x; B_E(x, x0) = sum x log(x/x0) - x + x0; 0 log 0 = lim s log s",
            defs.entropy_bregman_closed_form,
        ),
        SymbolicCheck(
            "B_E >= 0",
            "B_E(x, x0) = sum x0_i phi(x_i/x0_i), phi(r) = r log r - r + 1 >= 0 (minimum at 1)",
            defs.entropy_bregman_nonnegative,
        ),
    ),
)

# ----------------------------------------------------------------------------- Lemma III.3

declare(
    id="ms.lem3.3",
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "first-order condition, symbolic d",
            "d/dt B_E(x^inf + t ñ, alpha 1) at 0 as a SymPy Sum over i = 1..d",
            defs.lemma_iii3_first_order_condition,
        ),
        SymbolicCheck(
            "split over S and S^c",
            "x^inf = x* + n, x*_{S^c} = 0: the condition is RHS - LHS of (ii); A n = 0 (|S| = 3, |S^c| = 2)",
            defs.lemma_iii3_split,
        ),
    ),
)

# ----------------------------------------------------------------------------- upper bound

declare(
    id="ms.eqIII.1",
    equations=("III.1",),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "definition of rho~",
            "gap = sigma~ ||n_{S^c}||_1 with rho~ = ||n_S||_1/||n_{S^c}||_1 + sigma~",
            upper.l1_split,
        ),
    ),
)

declare(
    id="ms.eqIII.3",
    equations=("III.2", "III.3"),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "chain step by step",
            "monotonicity ((r-1) log r >= 0), the split at lambda, (i) log(x*/lambda) >= 0, "
            "(ii) the definitions of rho, rho^- and alpha <= lambda (|S| = 3, |S^c| = 2)",
            upper.right_side_chain,
        ),
    ),
)

declare(
    id="ms.eqIII.4",
    equations=("III.4",),
    expected=Verdict.VERIFIED,
    findings=(
        r"Wording only: the text introduces (III.4) as a bound on the right-hand side of (III.2); it bounds the "
        r"left-hand side $\sum_{\mathcal S^c}n_i\log(n_i/\alpha)$.",
    ),
    checks=(
        SymbolicCheck(
            "log-sum inequality, symbolic |S^c|",
            "one SymPy Sum over i = 1..k: gap = sum_i m phi(n_i/m), phi(r) = r log r - r + 1 >= 0",
            upper.log_sum_inequality_symbolic_size,
        ),
        SymbolicCheck(
            "log-sum inequality",
            "gap = sum_i m phi(n_i/m), m the mean, phi(r) = r log r - r + 1 >= 0 (|S^c| = 2, 3, 4)",
            upper.log_sum_inequalities,
        ),
        SymbolicCheck("scale", "both sides of the log-sum inequality scale by λ²", scale.ms_iii4),
    ),
)

declare(
    id="ms.eqIII.5",
    equations=("III.5", "II.3"),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "exponentiation and (II.3)",
            "alpha k exp(rho log(lambda/alpha) + rho^- log kappa) = (III.5); (1 + rho~)(III.5)/alpha^{1-rho} = (II.3)",
            upper.exponentiation_and_ii3,
        ),
        SymbolicCheck("scale", "both sides of (III.5) scale by λ²", scale.ms_iii5),
    ),
)

# ----------------------------------------------------------------------------- lower bound

declare(
    id="ms.eqIII.8",
    equations=("III.7", "III.8"),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "Jensen and monotonicity",
            "gap = sum m_i psi(z_i/z̄), psi(r) = r - 1 - log r >= 0 (symbolic |S^c|, SymPy Sums); "
            "then z̄ <= max z (|S^c| = 2, 3)",
            lower.iii8_chain,
        ),
    ),
)

declare(
    id="ms.eqIII.9",
    equations=("III.9", "III.10"),
    expected=Verdict.REFUTED,
    findings=(
        r"The proof recalls $C=2(1+\tilde\varrho)|\mathcal S^c|\kappa_*^{\varrho}$; Theorem II.2(b) defines "
        r"$C=2(1+\tilde\varrho)|\mathcal S^c|\kappa_*^{\varrho^-}$. With the recalled constant (III.9)(i) does not "
        r"follow from (II.3) ($\kappa_*\ge1$, $\varrho\le\varrho^-$ make it the smaller one). With the theorem's "
        r"$C$, (III.9) and (III.10) are derived. (Possibly a lost superscript in the text.)",
    ),
    checks=(
        SymbolicCheck(
            "(III.9)-(III.10) with the theorem's C",
            "(II.3)/min x* = (C/2) eps^{1-rho}; (C/2) eps^{1-rho} <= 1/2 under II.2(b)'s hypothesis; (III.10)",
            lower.iii9_chain,
        ),
        SymbolicCheck(
            "the recalled constant C",
            "C recalled before (III.9) (kappa^rho) against Theorem II.2(b)'s (kappa^{rho^-})",
            lower.recalled_constant,
        ),
        SymbolicCheck("scale", "both sides of (III.9) are scale-free", scale.ms_iii9),
    ),
    audit=formula_audit(
        "ms.eqIII.9",
        lower.theorem_C(),
        lower.proof_C(),
        left_name="C of Theorem II.2(b)",
        right_name="C recalled before (III.9)",
        hypotheses=lower.RECALLED_C_HYPOTHESES,
        example={"k": 2, "kappa_star": "2", "rho": "1/2", "rho_minus": "1/2", "rho_tilde": "1"},
    ),
)

declare(
    id="ms.eqIII.FTC",
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "FTC and the integrand bound",
            "SymPy integrates m n/(x* + t n) over [0, 1]; |integrand| <= 2|m_i| ||n_S||_inf/lambda from (III.10); (III.9)",
            lower.ftc_display,
        ),
    ),
)

# The refuting instance of (III.11): the printed right side against l.h.s.(III.7) at t_lo <= t(alpha).
_III11_LEFT = lower.printed_iii11_on_counterexample()
_III11_RIGHT = lower.lhs_iii7(lower.t_lo)

declare(
    id="ms.eqIII.11",
    equations=("III.11",),
    expected=Verdict.REFUTED,
    findings=(
        r"Dividing the FTC error $\|m_{\mathcal S}\|_{\ell^1}C\varepsilon^{1-\varrho}$ by $\|m_{\mathcal S^c}\|_{\ell^1}$ "
        r"leaves $\frac{\|m_{\mathcal S}\|_{\ell^1}}{\|m_{\mathcal S^c}\|_{\ell^1}}C\varepsilon^{1-\varrho}\le"
        r"\tilde\varrho\,C\varepsilon^{1-\varrho}$, not $C\varepsilon^{1-\varrho}$; $\tilde\varrho$ can exceed 1. "
        r"The corrected (III.11) ends in $-\tilde\varrho C\varepsilon^{1-\varrho}$, and (II.4) then holds with "
        r"$1-\tilde\varrho C\varepsilon^{1-\varrho}$.",
        r"On $A=\begin{pmatrix}21&20&0\\1&0&-10\end{pmatrix}$, $y=(41,1)$ ($x^*=(1,1,0)$, $\varrho=\frac12$, "
        r"$\tilde\varrho=\frac{41}{2}$, $\varrho^-=\frac{21}{2}$, $\kappa_*=1$, $C=43$) and $\alpha=10^{-6}$ "
        r"(which meets II.2(b)'s hypothesis) (III.11) is false: l.h.s./$\|m_{\mathcal S^c}\|_{\ell^1}=6.7314\ldots<6.8647\ldots$; "
        r"so is (II.4): $\|n_{\mathcal S^c}\|_{\ell^\infty}/\alpha^{1/2}=0.8383\ldots<1-43\cdot10^{-3}$.",
        r"Typo: the chain starts from $\sum_{\mathcal S}(-m_i)\log(x_i/\alpha)$; it is $x_i^*$.",
    ),
    checks=(
        SymbolicCheck(
            "chain at lambda = ||x*||_inf",
            "split at lambda; drop m_i > 0 terms (log(x*/lambda) <= 0); (III.6), rho^-, kappa_* (|S| = 3, |S^c| = 2)",
            lower.iii11_chain_at_maximum,
        ),
        SymbolicCheck(
            "division by ||m_{S^c}||_1",
            "the bound the steps give, B - (||m_S||_1/||m_{S^c}||_1) C eps^{1-rho}, against the printed B - C eps^{1-rho}",
            lower.iii11_division,
        ),
        SymbolicCheck("scale", "both sides of (III.11) are scale-free", scale.ms_iii11),
    ),
    audit=formula_audit(
        "ms.eqIII.11",
        _III11_LEFT,
        _III11_RIGHT,
        op="<=",
        left_name="printed right side of (III.11) on the instance",
        right_name="l.h.s.(III.7)/||m_Sc||_1 at t_lo (>= its value at x^inf(alpha))",
        hypotheses=lower.counterexample_hypotheses(),
        example={"alpha": "1/1000000", "t_lo": "83/100000"},
        description="instance A = [[21,20,0],[1,0,-10]], y = (41,1): (III.11)'s right side against "
        "l.h.s.(III.7) at a certified lower bound t_lo of t(alpha) (g(t_lo) <= 0, g increasing; "
        "l.h.s.(III.7) decreasing in t)",
    ),
)

declare(
    id="ms.thm2.2b.final",
    equations=("II.4",),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "exponentiation",
            "nu = alpha exp(B - CE)(1 + s): gap = c[s e^{-CE} + (e^{-CE} - 1 + CE)], e^{-t} >= 1 - t as r - 1 - log r >= 0",
            lower.final_exponentiation,
        ),
    ),
)

# ----------------------------------------------------------------------------- Lemma III.1

declare(
    id="ms.eqIII.12",
    equations=("III.12",),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "directional derivative of the l1 norm",
            "exact for x*_S + eps ñ_S > 0, and SymPy's one-sided limit; 1 - rho(ñ) = quotient/||ñ_{S^c}||_1",
            lower.iii12,
        ),
    ),
)
