"""mil Sections 2-3: the mirror potentials F, the Bregman divergence D_F, its rate along the
flows, and the argmin characterization of the flow limit."""

from __future__ import annotations

import sympy as sp

from dlncheck.checks.claim import declare
from dlncheck.checks.formula_audit import formula_audit
from dlncheck.checks.symbolic import SymbolicCheck
from dlncheck.checks.verdicts import Verdict
from dlncheck.derivations import bregman_divergence as divergence
from dlncheck.derivations import bregman_divergence_rate as rate
from dlncheck.derivations import bregman_potentials as potentials
from dlncheck.derivations import bregman_projection as projection
from dlncheck.derivations.coordinate_functions import L_SYMBOLIC

SECTION_2 = "2.1 Bregman divergence"
SECTION_3 = "3.1 General Bregman divergence"


def _both_cases(name: str, derive, description: str) -> tuple[SymbolicCheck, SymbolicCheck]:
    return (
        SymbolicCheck(f"{name}, L = 2", description, lambda: derive(2)),
        SymbolicCheck(
            f"{name}, L > 2", description + " (symbolic L = 2 + delta)", lambda: derive(L_SYMBOLIC)
        ),
    )


F_STATEMENT = (
    r"$F(\mathbf x)=\begin{cases}\frac12\langle\mathbf x\odot\log(\mathbf x)-\mathbf x,\mathbf 1\rangle&L=2\\"
    r"\frac{L}{2(2-L)}\langle\mathbf x^{\odot\frac2L},\mathbf 1\rangle&L>2\end{cases}"
    r"=\begin{cases}\frac12\sum_n x_n\log(x_n)-x_n&L=2\\ \frac{L}{2(2-L)}\sum_n x_n^{\frac2L}&L>2\end{cases}$ (21)"
)

# ----------------------------------------------------------------------------- (18)

declare(
    id="mil.eq18",
    equations=("18",),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "gradient of (6)",
            "differentiate (6) with symbolic L, A 2 x 3 and y symbolic; compare with (18)",
            rate.reduced_gradient,
        ),
    ),
)

declare(
    id="mil.sec2.sign",
    expected=Verdict.VERIFIED,
    checks=_both_cases(
        "sign preservation",
        rate.sign_preservation,
        "x_1' = x_1^{L-1} c(x) with c regular on {x_1 = 0}; d/dt log x_1 resp. x_1^{2-L} is regular",
    ),
)

# ----------------------------------------------------------------------------- Definition 2.3, Lemma 2.4

declare(
    id="mil.def2.3",
    equations=("20",),
    expected=Verdict.VERIFIED,
    findings=(),
    checks=(
        SymbolicCheck(
            "consequences used in the proofs",
            "for a general F: D_F(p, p) = 0, grad_p D_F = grad F(p) - grad F(q), Hess_p D_F = Hess F(p)",
            divergence.definition_consequences,
        ),
    ),
)

declare(
    id="mil.lem2.4",
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "nonnegativity, general F",
            "convexity bounds the difference quotient; its limit (chain rule) is the term subtracted in (20)",
            divergence.first_order_term_is_directional_derivative,
        ),
        SymbolicCheck(
            "strict convexity in p, general F",
            "D_F(p, q) - F(p) has zero Hessian in p (affine), so D_F(., q) is as strictly convex as F",
            divergence.strict_convexity_in_first_argument,
        ),
        *_both_cases(
            "nonnegativity for F of (21)",
            divergence.nonnegativity_for_potential,
            "D_F(q w, q) = scale psi(w), psi(1) = psi'(1) = 0, psi'' > 0",
        ),
    ),
)

# ----------------------------------------------------------------------------- (21), Hessian, (34)

declare(
    id="mil.eq21",
    equations=("21",),
    expected=Verdict.VERIFIED,
    checks=(
        *_both_cases(
            "the two printed forms agree", potentials.potential_forms, "inner-product form = sum form"
        ),
        SymbolicCheck(
            "the cases fit at L = 2",
            "one coordinate of D_F for L = 2 + delta tends to that for L = 2 as delta -> 0+",
            divergence.divergence_continuous_in_depth,
        ),
    ),
)

declare(
    id="mil.eq21.hess",
    expected=Verdict.VERIFIED,
    checks=_both_cases(
        "Hessian of F", potentials.potential_hessian, "Hessian of (21), N = 3; entries positive"
    ),
)

declare(
    id="mil.eq34",
    equations=("34",),
    expected=Verdict.VERIFIED,
    checks=_both_cases(
        "F^± strictly convex", potentials.product_potential_hessian, "Hessian of (34) in (u, v), N = 2"
    ),
)

# ----------------------------------------------------------------------------- Lemma 2.5

declare(
    id="mil.lem2.5.DF",
    expected=Verdict.VERIFIED,
    checks=(
        *_both_cases(
            "closed form", divergence.closed_form, "D_F from (20), (21), N = 3, against the display"
        ),
        *_both_cases(
            "bounded below and coercive",
            divergence.coercivity,
            "lower bound of the scalar map, its limit at infinity, D_F = c h + const per coordinate",
        ),
    ),
)

declare(
    id="mil.lem2.5",
    expected=Verdict.VERIFIED,
    checks=_both_cases(
        "coordinates of D_F(z, .) bounded below and coercive",
        divergence.coercivity,
        "each coordinate of D_F(z, .) is c h(x) + const with h bounded below and h -> oo",
    ),
)

# ----------------------------------------------------------------------------- Lemma 2.6

declare(
    id="mil.lem2.6.gradF",
    expected=Verdict.VERIFIED,
    checks=_both_cases(
        "mirror-flow form",
        rate.mirror_flow_form,
        "chain rule for grad F(x^{⊙L}) along x' = -grad (6); also the printed middle form",
    ),
)

declare(
    id="mil.lem2.6",
    equations=("22",),
    expected=Verdict.VERIFIED,
    checks=_both_cases(
        "rate of D_F",
        rate.divergence_rate,
        "chain rule for D_F(z, x^{⊙L}) along x' = -grad (6), y = A z; A 2 x 2 symbolic",
    ),
)

# ----------------------------------------------------------------------------- (27), Theorem 2.2


def _entrywise_audit():
    left, right = projection.entrywise_audit_sides()
    return formula_audit(
        "mil.eq27",
        left,
        right,
        left_name="D_F(z, x̃0) from (20), (21)",
        right_name="g_{x̃0}(z) of (28)",
        example={"L": 3, "z_1": "1/2", "x_1": "2"},
        description="one coordinate of D_F(z, x̃0) and of g, exactly or by strict evalf (N = 1: both sides are sums)",
    )


declare(
    id="mil.eq27",
    equations=("27", "28"),
    expected=Verdict.REFUTED,
    findings=(
        r"(27) is not an identity: from (20), (21), $D_F(\mathbf z,\tilde{\mathbf x}_0)=\sum_n\kappa_L"
        r"(\tilde x_0)_n^{\frac2L-1}g_{(\tilde x_0)_n}(z_n)+\frac12\|\tilde{\mathbf x}_0^{\odot\frac2L}\|_1$ with "
        r"$\kappa_2=\frac12$, $\kappa_L=\frac1{2(L-2)}$; e.g. $z=x=1$: $D_F=0$ but $g=-1$ ($L=2$), $g=2-L$ ($L>2$). "
        r"For $L=2$ the constant factor and offset do not change argmins; for $L>2$ the weight "
        r"$(\tilde x_0)_n^{2/L-1}$ varies with $n$, so (29) does not follow unless $\tilde{\mathbf x}_0$ is constant. "
        r"The bound (16) survives: Lemma 2.7 applied to the weighted $g_n$ gives the same $c_n$ and "
        r"$g_{n,\min}/g_n'(c_n)$.",
    ),
    checks=_both_cases(
        "D_F as a sum of g",
        projection.entrywise_decomposition,
        "D_F(z, x̃0) from (20), (21) against sum_n g of (28); witness at z = x̃0 = 1",
    ),
    audit=_entrywise_audit(),
)


def _argmin_audit():
    left, right = projection.argmin_audit_sides()
    return formula_audit(
        "mil.thm2.2.algebra",
        left,
        right,
        left_name="d/ds D_F((s, 1-s), x̃0) at g's minimizer s = x̃0_1/(x̃0_1 + x̃0_2)",
        right_name="0 (stationarity, if the printed argmins agreed)",
        hypotheses=(sp.Ge(projection.L_INTEGER, 3),),
        example={"L": 4, "x_1": "1", "x_2": "1"},
        description=(
            "A = [1 1], y = 1: the slope of D_F(., x̃0) along S+ at the minimizer of g_{x̃0} over S+; "
            "nonzero means the two argmins differ (D_F(., x̃0) is strictly convex)"
        ),
    )


declare(
    id="mil.thm2.2.algebra",
    expected=Verdict.REFUTED,
    findings=(
        r"The last equality fails for $L>2$: coordinate $n$ of $2\|\mathbf z\|_1-L\langle\mathbf z^{2/L},"
        r"\tilde{\mathbf x}(0)^{1-2/L}\rangle$ is $L\tilde x_n(0)^{1-2/L}$ times coordinate $n$ of the previous "
        r"objective, a weight that varies with $n$. With $\mathbf A=[1\ 1]$, $y=1$, $L=4$, "
        r"$\tilde{\mathbf x}(0)=(1,4)$: $g$ is minimized over $S_+$ at $(1/5,4/5)$, $D_F(\cdot,\tilde{\mathbf x}(0))$ at "
        r"$s=\frac12-\frac12\sqrt{64\sqrt5-143}\approx0.3354$ (the flow's limit, also seen numerically). "
        r"The flow limit is $\arg\min_{S_+}\sum_n\tilde x_n(0)^{\frac2L-1}g_{\tilde x_n(0)}(z_n)$; (19) holds "
        r"for $L=2$, or for constant $\tilde{\mathbf x}(0)$.",
    ),
    checks=(
        *_both_cases(
            "first two equalities",
            projection.argmin_chain_first_steps,
            "D_F - (F(z) - <grad F(x̃0), z>) is constant in z; middle objective = c (F - <grad F, z>), c > 0",
        ),
        SymbolicCheck(
            "last equality, L = 2", "middle objective = g_{x̃0}(z)", projection.argmin_chain_last_step_l2
        ),
        SymbolicCheck(
            "last equality, L > 2",
            "A = [1 1], y = 1: slope of D_F(., x̃0) along S+ at g's minimizer (symbolic L = 2 + delta)",
            projection.argmin_chain_last_step,
        ),
    ),
    audit=_argmin_audit(),
)

declare(
    id="mil.def.g",
    expected=Verdict.VERIFIED,
    checks=(
        *_both_cases("vector form = sum of (28)", projection.g_vector_is_coordinate_sum, "N = 3"),
        SymbolicCheck(
            "the cases fit at L = 2",
            "g for L = 2 + delta, divided by delta, tends to g for L = 2",
            projection.g_continuous_in_depth,
        ),
    ),
)

# ----------------------------------------------------------------------------- Theorem 3.1

declare(
    id="mil.thm3.1.split",
    expected=Verdict.VERIFIED,
    checks=_both_cases("split over signs", divergence.split_over_signs, "D_{F^±} from (20), (34), N = 2"),
)

declare(
    id="mil.thm3.1.deriv",
    expected=Verdict.VERIFIED,
    checks=_both_cases(
        "rate of D_(F^±)",
        rate.signed_divergence_rate,
        "chain rule along u' = -grad_u (7), v' = -grad_v (7), y = A(z+ - z-); A 2 x 2 symbolic",
    ),
)
