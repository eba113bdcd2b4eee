"""mil: the losses and their reduction (Sec. 1, A.1), the bounds (9)-(11) and Remark 1.2, σ_s,
Lemma 2.7 with its proof (A.2) and the arithmetic of the proof of Theorem 2.1 (A.3 is in
``checks.claims.mil_recovery``)."""

from __future__ import annotations

import sympy as sp

from dlncheck.checks.audit import Audit
from dlncheck.checks.claim import declare
from dlncheck.checks.formula_audit import lazy_formula_audit
from dlncheck.checks.symbolic import SymbolicCheck
from dlncheck.checks.verdicts import Verdict
from dlncheck.derivations import best_s_term, least_squares_flow, scale_symmetry
from dlncheck.derivations import coordinate_functions as cf
from dlncheck.derivations import l1_bound_counterexample as bc
from dlncheck.derivations import l1_error_bounds as eb
from dlncheck.derivations import scale_consistency as scale
from dlncheck.derivations import signed_factorization as sf

# ----------------------------------------------------------------------------- Section 1: losses

declare(
    id="mil.def.losses",
    equations=("3", "4", "5", "6", "7"),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "reduced losses",
            "(4), (5) with identical factors (symbolic L, Products) are (6), (7); (4) at depth 1 is (3)",
            sf.losses_reduce_at_identical_factors,
        ),
    ),
)

declare(
    id="mil.sec1.lsq",
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "flow, M = 1",
            "closed-form flow from 0 (M = 1, N = 3), its limit, and the minimum-norm property",
            least_squares_flow.gradient_flow_one_row,
        ),
        SymbolicCheck(
            "descent, M = 1",
            "closed-form descent iterates (M = 1) and the step sizes for which they converge",
            least_squares_flow.gradient_descent_one_row,
        ),
        SymbolicCheck(
            "any A, eigen-coordinates",
            "flow and descent in an eigenbasis of A A^T (spectral theorem), zero modes by y in range(A); "
            "descent converges iff h < 2/||A||^2",
            least_squares_flow.spectral_coordinates_any_rank,
        ),
    ),
)

# ----------------------------------------------------------------------------- A.1: the signed model

declare(
    id="mil.A1.pm",
    expected=Verdict.VERIFIED,
    findings=(
        r"'Equivalent' holds up to the time change $\tau=t/L$: the common factors move with "
        r"$-\frac1L\nabla\mathcal L^\pm$, not $-\nabla\mathcal L^\pm$ (see mil.lemA.2.intro); orbits and limits agree.",
    ),
    checks=(
        SymbolicCheck(
            "partial gradients",
            "differentiate (7) with L symbolic (N = 2, M = 2)",
            sf.signed_partial_gradients,
        ),
        SymbolicCheck(
            "equivalence up to time t/L",
            "velocity of identical factors of (5) (L symbolic via Products) in time t/L against -grad L^±",
            sf.signed_flow_equivalence_up_to_time,
        ),
    ),
)


def _signed_reduction_sides():
    flow = sf.signed_factor_velocity()
    return flow.velocity, sf._reduced_velocity(flow), ()


_SIGNED_SYMBOLS = (
    *sp.symbols("a_11 a_12 a_21 a_22 y_1 y_2", real=True),
    *sp.symbols("u_1 u_2 v_1 v_2", positive=True),
    sf.L,
)

declare(
    id="mil.lemA.2.intro",
    expected=Verdict.REFUTED,
    findings=(
        r"Identical factors do stay identical (derived for symbolic $L$), but the common factors of (5) move "
        r"with $-\frac1L\nabla\mathcal L^\pm$: gradient flow on (5) is gradient flow on (7) at time $t/L$, not at "
        r"time $t$ (the same factor $L$ as in Lemma A.2 for (4)/(6)); the limits are unaffected.",
    ),
    checks=(
        SymbolicCheck(
            "factors stay identical",
            "velocity of factor k of (5) at identical factors does not depend on k (symbolic L)",
            sf.signed_factor_balancedness,
        ),
        SymbolicCheck(
            "reduced dynamics",
            "velocity of the common factors of (5) against gradient flow on (7)",
            sf.signed_reduced_dynamics,
        ),
    ),
    audit=lazy_formula_audit(
        "mil.lemA.2.intro",
        _SIGNED_SYMBOLS,
        _signed_reduction_sides,
        op="=",
        left_name="(u'; v') of the identical factors of (5)",
        right_name="-grad L^±(u, v) of (7)",
        example={**{s.name: "1" for s in _SIGNED_SYMBOLS if s is not sf.L}, "L": 2},
        description="velocity of identical factors of (5) against the gradient flow on (7), exactly (N = M = 2)",
    ),
)

# ----------------------------------------------------------------------------- (11), Remark 1.2

declare(
    id="mil.eq11",
    equations=("11",),
    expected=Verdict.REFUTED,
    findings=(
        r"(11) is (9) at $\alpha\mathbf 1$ (derived), but it fails: $L=4$, $\alpha=1$, $\mathbf A=(1,a)$, "
        r"$0<a<1$; by Theorem 3.1 the limit is the KKT point $p_1=4/(2-\mu)^2$, $p_2=4/(2-\mu a)^2$, "
        r"$q_1=4/(2+\mu)^2$, $q_2=4/(2+\mu a)^2$ with $y=p_1+ap_2-q_1-aq_2$, and "
        r"$\varepsilon=(1-a)(p_2-q_2)\to\frac{4a}{(1-a)(1+a)^2}$ as $\mu\to2$, unbounded as $a\to1$, while "
        r"$2c_4\alpha^4N=24$. At $\mu=1999/1000$, $a=97/100$: $\varepsilon=32.27\ldots>24$ (exact rational; a direct "
        r"numerical integration of the flow gives the same limit). The same instance without $\mathbf q$ breaks (16) "
        r"of Theorem 2.1 ($\varepsilon=(1-a)p_2=32.28\ldots>12$); the proofs rest on Lemma 2.7, which is false.",
    ),
    checks=(
        SymbolicCheck(
            "(9) at α1",
            "the right side of (9) at u_0 = v_0 = α1 is 2 c_L α^L N (N, L symbolic)",
            eb.equation_11,
        ),
        SymbolicCheck(
            "one-row instance",
            "flow limit of Theorem 3.1 by KKT on A = (1, a2), L = 4, α = 1; ε against 2 c_4 α^4 N",
            bc.equation_11_counterexample,
        ),
        SymbolicCheck("scale (11)", "both sides of (11) scale by λ^L", scale.mil_eq11),
    ),
    audit=lazy_formula_audit(
        "mil.eq11",
        (bc.a, bc.mu),
        lambda: (bc.kkt_point()["gap"], bc.bound_11_right(), (sp.Lt(bc.mu, 2), sp.Lt(bc.a, 1))),
        op="<=",
        left_name="ε = ||x̃_∞||_1 - min_S ||z||_1 (KKT point of Theorem 3.1)",
        right_name="2 c_L α^L N",
        example={"a2": "1/2", "mu": "1"},
        description="L = 4, N = 2, α = 1, A = (1, a2), y = A(p - q) for the KKT point with multiplier mu",
    ),
)

declare(
    id="mil.rem1.2.scale",
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "flow scaling",
            "λU(λ^{2L-2} t), λV(λ^{2L-2} t) solves the flow with data λ^L y (L symbolic, N = 3, M = 2)",
            scale_symmetry.flow_scaling,
        ),
        SymbolicCheck(
            "limit and solution set",
            "(8), S and the l1 norm scale by λ^L",
            scale_symmetry.limit_and_solution_set_scaling,
        ),
        SymbolicCheck(
            "both sides of (9)", "left and right side of (9) pick up λ^L", scale_symmetry.bound_9_scaling
        ),
    ),
)

declare(
    id="mil.rem1.2.dim",
    expected=Verdict.VERIFIED,
    findings=(
        r"What (11) shows is that the error *bound* $2c_L\alpha^LN$ is proportional to $N$; (11) itself fails "
        r"(mil.eq11), so it says nothing about the error.",
    ),
    checks=(
        SymbolicCheck(
            "bound linear in N",
            "N dB/dN = B and d^2B/dN^2 = 0 for B = 2 c_L α^L N",
            scale_symmetry.dimension_linearity,
        ),
    ),
)

declare(
    id="mil.rem1.2.depth",
    expected=Verdict.VERIFIED,
    findings=(r"More precisely $c_L=L+\log(L/2)+o(1)$: slope 1 with a slowly growing offset.",),
    checks=(
        SymbolicCheck(
            "c_L / L -> 1",
            "SymPy limits of c_L/L as L -> oo, and of 2 c_L α^L for α = 1/2, 1, 2",
            scale_symmetry.depth_growth,
        ),
        SymbolicCheck(
            "logarithmic offset",
            "SymPy limit of c_L - L - log(L/2) as L -> oo",
            scale_symmetry.depth_offset,
        ),
    ),
)

# ----------------------------------------------------------------------------- σ_s

declare(
    id="mil.def.sigma",
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "sum of the N - s smallest",
            "minimum over supports, magnitudes in every order (N = 3, s = 0..3; N = 4, s = 2)",
            best_s_term.best_s_term_error,
        ),
        SymbolicCheck(
            "s-sparse vectors", "σ_s(x)_1 = 0 for s-sparse x", best_s_term.sparse_vectors_have_zero_error
        ),
    ),
)

# ----------------------------------------------------------------------------- (17), proof of Thm 2.1

declare(
    id="mil.eq17",
    equations=("17",),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "c_L, L = 2", "(c_n - g_min/g'(c_n))/x from (28), as for (10)", lambda: eb.equation_17(2)
        ),
        SymbolicCheck(
            "c_L, L > 2 symbolic",
            "(c_n - g_min/g'(c_n))/x from (28), L = 2 + delta",
            lambda: eb.equation_17(cf.L_SYMBOLIC),
        ),
    ),
)


def _theorem_2_1_sides():
    d = eb.theorem_2_1_middle_term(cf.L_SYMBOLIC)
    return d.derived, d.printed, ()


declare(
    id="mil.thm2.1.final",
    expected=Verdict.REFUTED,
    findings=(
        r"With $c_n=(\tilde x_0)_n\cdot\{e;(L/2)^{L/(L-2)}\}$ as defined in (30), the middle term "
        r"$(\tilde x_0)_n(c_n+\frac L2)$ is wrong unless $(\tilde x_0)_n=1$: it must read "
        r"$(\tilde x_0)_n(c_n/(\tilde x_0)_n+\frac L2)=c_n+\frac L2(\tilde x_0)_n$. The end points agree: "
        r"$\sum_n c_n-g_{n,\min}/g_n'(c_n)=c_L\|\tilde{\mathbf x}_0\|_1=c_L\|\mathbf x_0\|_L^L$ (derived).",
        r"The first inequality is Lemma 2.7, which is false as stated (mil.lem2.7).",
    ),
    checks=(
        SymbolicCheck(
            "middle term, L = 2",
            "c_n - g_min/g'(c_n) from (28) against (x̃_0)_n (c_n + L/2) with c_n of (30)",
            lambda: eb.theorem_2_1_middle_term(2),
        ),
        SymbolicCheck(
            "middle term, L > 2",
            "the same with L = 2 + delta symbolic",
            lambda: eb.theorem_2_1_middle_term(cf.L_SYMBOLIC),
        ),
        SymbolicCheck(
            "end points, L = 2",
            "sum_n c_n - g_min/g'(c_n) = c_L ||x̃_0||_1 = c_L ||x_0||_L^L (N = 3)",
            lambda: eb.theorem_2_1_endpoints(2),
        ),
        SymbolicCheck(
            "end points, L > 2",
            "the same with L = 2 + delta symbolic",
            lambda: eb.theorem_2_1_endpoints(cf.L_SYMBOLIC),
        ),
    ),
    audit=lazy_formula_audit(
        "mil.thm2.1.final",
        (cf.delta, cf.x),
        _theorem_2_1_sides,
        op="=",
        left_name="c_n - g_min/g'(c_n) (derived from (28))",
        right_name="(x̃_0)_n (c_n + L/2) with c_n of (30)",
        example={"delta": "1", "x": "1"},
        description="one coordinate of the final display at L = 2 + delta, x = (x̃_0)_n",
    ),
)

# ----------------------------------------------------------------------------- Lemma 2.7 and A.2


def _lemma_2_7_sides():
    left, right, hypothesis = eb.lemma_2_7_sides()
    return left, right, (hypothesis,)


_LEMMA_SYMBOLS = (eb.xt1, eb.xt2, eb.z1, eb.z2)


def _lemma_2_7_audit(claim_id: str) -> Audit:
    return lazy_formula_audit(
        claim_id,
        _LEMMA_SYMBOLS,
        _lemma_2_7_sides,
        op="<=",
        left_name="sum_n x̃_n - z_n",
        right_name="sum_n c_n - g_min/g'(c_n)",
        example={"xt1": "1", "xt2": "1", "z1": "1", "z2": "1"},
        description="(26) under (25) for N = 2 copies of the paper's g (28) at L = 4, (x̃_0)_n = 1",
    )


LEMMA_2_7_FINDING = (
    r"Lemma 2.7 is false: for two copies of the paper's own $g$ ((28) at $L=4$, $(\tilde x_0)_n=1$: "
    r"$g(w)=2w-4\sqrt w$, $c=4$, $g_{\min}=-2$, $g'(c)=1$) the family $\tilde x_1=Y^2$, $z_1=(Y+1)^2$, "
    r"$\tilde x_2=W^2$, $z_2=0$, $Y=(W-1)^2/2$ satisfies (25) with equality and gives "
    r"$\sum_n\tilde x_n-z_n=2W-2\to\infty$, while (26) bounds it by 12; at $W=9$: $\tilde{\mathbf x}=(1024,81)$, "
    r"$\mathbf z=(1089,0)$, $16>12$. The same happens at $L=2$, $g(w)=w(\log w-1)$: "
    r"$\tilde{\mathbf x}=(1999999,10)$, $\mathbf z=(2000000,1)$ satisfy (25) and $\sum_n\tilde x_n-z_n=8>2(e+1)$. "
    r"The proof fails at (42) (case $\tilde x\le z$) and in the step 'by (25)'. "
    r"Theorem 2.1's proof uses only (29), i.e. this lemma, so it has a gap."
)

declare(
    id="mil.lem2.7",
    equations=("25", "26"),
    expected=Verdict.REFUTED,
    findings=(LEMMA_2_7_FINDING,),
    checks=(
        SymbolicCheck(
            "unbounded family",
            "a family satisfying (25) for two copies of (28) at L = 4 along which sum x̃_n - z_n -> oo",
            eb.lemma_2_7_counterexample,
        ),
    ),
    audit=_lemma_2_7_audit("mil.lem2.7"),
)

declare(
    id="mil.eq40",
    equations=("40",),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck("both signs", "x̃ - z <= c and z - x̃ <= c in slack form", eb.case_both_below_c_distance),
    ),
)

declare(
    id="mil.eq41",
    equations=("41",),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "both signs",
            "g(x̃), g(z) in [g_min, 0] on [0, c] (convexity), then |g(x̃) - g(z)| <= -g_min in slack form",
            eb.case_both_below_c_values,
        ),
    ),
)

declare(
    id="mil.eq42",
    equations=("42",),
    expected=Verdict.REFUTED,
    findings=(
        r"(42) fails when $\tilde x\le z$: the supporting line at $z$ only gives $\tilde x-z\le(g(\tilde x)-g(z))/g'(z)$; "
        r"there $g(\tilde x)-g(z)\le0$ and $g'(z)\ge g'(c)$, so dividing by the smaller $g'(c)$ makes the right side "
        r"more negative and (42) does not follow. "
        r"Witness: (28) at $L=4$, $(\tilde x_0)_n=1$, $z=100$, $\tilde x=81$: $-19\not\le-34$.",
        r"The printed step $g(\tilde x)-g(z)\ge g'(\tilde x)(\tilde x-z)$ for $\tilde x>z$ runs the wrong way "
        r"(convexity gives $\le$; witness $z=9$, $\tilde x=16$); with $g'(z)$ in place of $g'(\tilde x)$ it holds "
        r"and (42) follows in that sub-case.",
    ),
    checks=(
        SymbolicCheck(
            "x̃ > z",
            "slack form with the supporting line at z and g'(z) >= g'(c)",
            lambda: eb.case_z_above_c("above"),
        ),
        SymbolicCheck(
            "x̃ <= z", "the same slack form in the other sub-case", lambda: eb.case_z_above_c("below")
        ),
        SymbolicCheck(
            "printed step for x̃ > z",
            "g(x̃) - g(z) >= g'(x̃)(x̃ - z) against the supporting line at x̃",
            eb.eq42_printed_intermediate_step,
        ),
    ),
    audit=lazy_formula_audit(
        "mil.eq42",
        (eb.xt, eb.z),
        lambda: (eb.xt - eb.z, eb.eq42_printed_right(), (sp.Gt(eb.z, eb.witness_g_constants()["c"]),)),
        op="<=",
        left_name="x̃ - z",
        right_name="(g(x̃) - g(z))/g'(c)",
        example={"xt": "36", "z": "25"},
        description="(42) for the paper's g (28) at L = 4, (x̃_0)_n = 1 (c = 4, g'(c) = 1)",
    ),
)

declare(
    id="mil.eq43",
    equations=("43",),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck("chain", "each of the three printed steps in slack form", eb.eq43_chain_steps),
        SymbolicCheck("conclusion", "(43) in slack form", eb.case_z_below_c_below_xt),
    ),
)

declare(
    id="mil.lem2.7.combine",
    expected=Verdict.REFUTED,
    findings=(
        r"The first step uses (42), false for $\tilde x_n\le z_n$; at the witness of Lemma 2.7 it fails "
        r"($-12$ margin) and so does the whole chain.",
        r"The step 'by (25)' has the wrong sign and needs a common $g_n'(c_n)$: (25) gives "
        r"$\sum_{I_2\cup I_3}\frac{g_n(\tilde x_n)-g_n(z_n)}{\gamma}\le-\sum_{I_1}\frac{g_n(\tilde x_n)-g_n(z_n)}{\gamma}$ "
        r"only when $g_n'(c_n)=\gamma$ for all $n$ (true for (28) by (31), not among the lemma's hypotheses); "
        r"(41) bounds either sign, so this slip alone would be harmless.",
    ),
    checks=(
        SymbolicCheck(
            "first step at the witness",
            "'by (40), (42), (43)' at the Lemma 2.7 witness",
            eb.chain_first_step_at_witness,
        ),
        SymbolicCheck(
            "step by (25)", "what (25) gives for the sum over I_2 ∪ I_3, in slack form", eb.chain_step_25
        ),
        SymbolicCheck(
            "end points", "first and last member of the chain at the Lemma 2.7 witness", eb.chain_endpoints
        ),
    ),
    audit=_lemma_2_7_audit("mil.lem2.7.combine"),
)
