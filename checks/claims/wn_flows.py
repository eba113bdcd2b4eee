"""wn Sections 1.2-3.1: the flows (9)-(13), the gradients (23)-(25), Lemmas 3.1-3.5, the magnification
factor (17), (20), and the remarks after Theorem 2.1, each derived in SymPy from the definitions;
Lemmas 3.9-3.11 (entries bounded below, uniqueness, boundedness of r) through their proofs' steps."""

from __future__ import annotations

import sympy as sp

from dlncheck.checks.claim import declare
from dlncheck.checks.formula_audit import formula_audit
from dlncheck.checks.symbolic import SymbolicCheck
from dlncheck.checks.verdicts import Verdict
from dlncheck.derivations import scale_consistency as scale
from dlncheck.derivations import weight_normalized_flow as flow
from dlncheck.derivations import wn_convergence_rate as rate
from dlncheck.derivations import wn_invariant_bounds as bounds
from dlncheck.derivations import wn_magnification as mag

# ----------------------------------------------------------------------------- (9)-(13)

declare(
    id="wn.def.flows",
    equations=("9", "10", "11", "12", "13"),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "normalization and time scale",
            "∇ of the 1/(2L)-loss (9) is 1/L times ∇ of the 1/2-loss (6): flow (10) runs at time t/L",
            flow.flow_normalization_time_scale,
        ),
        SymbolicCheck(
            "flow (12)-(13) in (r, u)",
            "-η ∇ of (11) by SymPy against the written-out flow (29), (30) (symbolic L, N = 2)",
            flow.flow_written_out_29_30,
        ),
    ),
)

# ----------------------------------------------------------------------------- (23)-(25)

declare(
    id="wn.eq23",
    equations=("23", "24", "25"),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck("(23)", "differentiate (9), symbolic L, N = 3", flow.gradient_of_loss_23),
        SymbolicCheck(
            "(24), (25)", "differentiate (11) in r and u, symbolic L, N = 3", flow.gradients_in_r_u_24_25
        ),
    ),
)

# ----------------------------------------------------------------------------- Lemmas 3.1-3.4

declare(
    id="wn.lem3.1",
    equations=("26", "27", "28"),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "rescaled vector field",
            "the field of (12)-(13) with rates (η_r, a²η_u) at (r, a u) is (r', a u'); x unchanged",
            flow.rescaled_learning_rate_3_1,
        ),
    ),
)

declare(
    id="wn.lem3.2",
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "d/dt ||u||^2 = 0", "2 u^T u' with u' from (11), symbolic L, N = 3", flow.constant_norm_3_2
        ),
    ),
)

declare(
    id="wn.lem3.3",
    equations=("29", "30"),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "(29), (30)", "the flow written out, against -η ∇ of (11)", flow.flow_written_out_29_30
        ),
        SymbolicCheck(
            "r' = r g_r, u_n' = u_n g_n",
            "for L = 2 + k (k >= 0 integer) the field factors through r and u_n with continuous quotients",
            flow.constant_sign_3_3,
        ),
    ),
    findings=(
        r"The proof's 'r = 0 implies $\partial_t r=0$' is not by itself enough for invariance of the sign; "
        r"what holds (and is checked) is $\partial_t r=r\,g_r$, $\partial_t u_n=u_n g_n$ with $g$ continuous for "
        r"$L\ge2$, so $u_n(t)=u_n(0)e^{\int g_n}$.",
    ),
)

declare(
    id="wn.lem3.4",
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "chain rule and sign",
            "d/dt L̃(r(t), u(t)) by SymPy along (12)-(13); the sign decided by SymPy (symbolic L, N = 2)",
            flow.loss_decrease_3_4,
        ),
    ),
)

# ----------------------------------------------------------------------------- Lemma 3.5

declare(
    id="wn.lem3.5",
    equations=("31",),
    expected=Verdict.REFUTED,
    findings=(
        r"(31) prints $c_{\mathbf x}^2$ where the proof (and the truth) has $c_{\mathbf x}^{2L-2}$: for $L\ge3$ and "
        r"$c_{\mathbf x}<1$ the printed rate is too fast. Witness ($M=1$, $N=2$, $L=3$, $\mathbf A=(1,1)$, "
        r"$\mathbf u=(3/5,4/5)$, $r=1/10$, $c_{\mathbf x}=1/20$, $\eta_r=c_r=1/1000$, $\eta_{\mathbf u}=c_{\mathbf u}=1$): "
        r"the flow's decay rate $-\dot{\mathcal L}/\mathcal L=29163/78125000000$ at $t_0$ is below the printed "
        r"$3/100000$, so (31) fails just after $t_0$; the proof's rate $3/40000000$ holds.",
        r"The step $\|\mathbf A_I^\top\mathbf e\|\ge\sigma_{\min}(\mathbf A_I)\|\mathbf e\|$ needs $\operatorname{rank}"
        r"\mathbf A_I=M$ (so $|I|\ge M$), not 'full rank' of a tall $\mathbf A_I$: $\mathbf A=I_2$, $I=\{1\}$, "
        r"$\mathbf e=(0,1)$ gives $0\ge1$.",
        r"'for all $t\ge t_0$' in the statement and 'for all $t\in[0,T]$' after it: only $t\in[t_0,T]$ is proven.",
    ),
    checks=(
        SymbolicCheck(
            "quadratic form",
            "-η_r|∇_r L̃|² - η_u||∇_u L̃||² = -∇L^T(η_r P_u + η_u r²(I - P_u))∇L at ||u|| = 1",
            rate.quadratic_form_identity,
        ),
        SymbolicCheck(
            "rate in (31)",
            "the printed c_x² against the proof's c_x^{2L-2}; witness: the flow's decay rate at t0",
            rate.rate_31,
        ),
        SymbolicCheck(
            "singular value step",
            "||A_I^T e|| >= σ_min(A_I)||e|| for a full-column-rank A_I",
            rate.singular_value_step,
        ),
        SymbolicCheck(
            "scale of the rate", "the exponent of (31) as printed scales by λ^{4-2L}", scale.wn_lem35
        ),
    ),
    audit=formula_audit(
        "wn.lem3.5",
        rate.rate_printed_31(),
        rate.decay_rate_closed_form(),
        op="<=",
        left_name="κ of (31) as printed",
        right_name="decay rate -(dL/dt)/L of the flow at t0",
        hypotheses=rate.audit_hypotheses(),
        example={
            "L": "2",
            "s": "1/2",
            "r": "1/10",
            "c_x": "1/20",
            "eta_r": "1",
            "c_r": "1",
            "eta_u": "1",
            "c_u": "1",
            "a_1": "1",
            "a_2": "1",
        },
        description=(
            "(31) with equality at t0 needs κ <= -(dL/dt)/L at t0 (else it fails just after t0); "
            "M = 1, N = 2, I = {1, 2}, u = ((1-s²), 2s)/(1+s²)"
        ),
    ),
)

# ----------------------------------------------------------------------------- (17), (20)

declare(
    id="wn.eq20",
    equations=("17", "20"),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "ρ = 1/γ", "(17) from the rescaling γ of Lemma 3.8, (43)-(44)", mag.rho_is_inverse_gamma
        ),
        SymbolicCheck(
            "(20)",
            "log ρ = h(r_∞²) - h(r0²) with h convex; decreasing along the segment from η̃ to r_∞²",
            mag.magnification_region_20,
        ),
        SymbolicCheck("scale", "η̃ and r_0² both scale by λ²", scale.wn_eq20),
    ),
    findings=(
        r"(20) is sufficient, not necessary: $\rho\ge1$ iff $h(r_0^2)\le h(r_\infty^2)$, "
        r"$h(S)=\frac S{2\tilde\eta}-\frac12\log S$.",
    ),
)

declare(
    id="wn.rem.err",
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "ε at L = 2",
            "(16) at (ρ^{-2}β_1, ρ^{-2}β_min); at x0 = α1, r0 = 1 it is log N/log(ρ²Q) -> 0 as ρ -> ∞",
            mag.error_reduction_remark,
        ),
    ),
    findings=(
        r"The remark defines $Q$ as the minimum over $S$, while (14)-(16) use the minimum over $S_+$; "
        r"and a word ('small') is missing in 'we can make the right hand side by making $\rho$ sufficiently large'.",
    ),
)

declare(
    id="wn.rem.dep",
    expected=Verdict.REFUTED,
    findings=(
        r"$\partial_{\tilde\eta}\rho=\rho\frac{r_0^2-r_\infty^2}{2\tilde\eta^2}$: '$\rho$ maximized at $\tilde\eta=0$' "
        r"holds only for $r_0<r_\infty$. For $r_0>r_\infty$, $\rho\to0$ as $\tilde\eta\to0^+$ and increases to "
        r"$r_0/r_\infty$ as $\tilde\eta\to\infty$ (e.g. $r_0=2$, $r_\infty=1$: $\rho(1)=2e^{-3/2}>\rho(1/2)=2e^{-3}$).",
    ),
    checks=(
        SymbolicCheck(
            "rho against eta",
            "the sign of ∂ρ/∂η̃, and ρ at η̃ -> 0+ against its supremum when r0 > r_∞",
            mag.rho_versus_eta,
        ),
        SymbolicCheck(
            "rho against r0", "the critical point of ρ in r0 and its second derivative", mag.rho_versus_r0
        ),
    ),
    audit=formula_audit(
        "wn.rem.dep",
        mag.rho_printed(),
        mag.rho_printed(ratio=mag.kappa * mag.eta),
        op="<=",
        left_name="ρ at η̃",
        right_name="ρ at κ η̃ (a smaller η̃, which the remark says does not lower ρ)",
        hypotheses=(sp.StrictLessThan(mag.kappa, 1),),
        example={"r_0": "1", "r_inf": "2", "eta": "1", "kappa": "1/2"},
    ),
)

declare(
    id="wn.rem.pm",
    equations=("22",),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "shift invariance and reach",
            "L_± at (u^L + ζ)^{1/L}, (v^L + ζ)^{1/L}; u, v > 0 with u^L - v^L = z for any z (symbolic L)",
            mag.signed_model_shift,
        ),
    ),
    findings=(
        r"(22) and the loss before it carry no factor $\frac1{2L}$, unlike (9); the flows on them run $2L$ "
        r"times faster than the normalization of (9).",
    ),
)

# ----------------------------------------------------------------------------- Lemmas 3.9-3.11

declare(
    id="wn.lem3.9",
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "conserved sums",
            "P_A 1 = 0; d/dt Σ log x = 0 (L = 2) and d/dt Σ x^{2-L} = 0 (symbolic L) along (10); explicit bounds",
            bounds.conserved_sums_3_9,
        ),
    ),
    findings=(
        r"The proof's conserved sum $\langle\mathbf x^{\odot\frac2L-1},\mathbf 1\rangle$ should be "
        r"$\langle\mathbf x^{\odot2-L},\mathbf 1\rangle=\langle\tilde{\mathbf x}^{\odot\frac2L-1},\mathbf 1\rangle$: "
        r"along (10) with $L=3$, $\mathbf A=[[1,0,-1],[0,1,-1]]$, $\mathbf b=0$, $\mathbf x=(1,2,3)$ the printed "
        r"sum has a nonzero derivative. The conclusion stands with the corrected sum (for $L>2$ it even gives "
        r"$x_j\ge(\sum_n x_{0,n}^{2-L})^{-1/(L-2)}$ without the upper bound).",
    ),
)

declare(
    id="wn.lem3.10",
    equations=("45", "46", "47"),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "(47) and the scalar fact",
            "(47) by log expansion; the two cases of 1/b - 1/a >= min(b, δ)/(2b²); ξ >= Δ log(1 + Δ/M) increasing",
            bounds.uniqueness_steps_3_10,
        ),
        SymbolicCheck(
            "L > 2 chain",
            "ξ = Δ(1/b - 1/a), concavity of x^p gives a - b >= p M^{p-1} Δ, so ξ >= φ(Δ) with φ increasing",
            bounds.uniqueness_chain_power_3_10,
        ),
    ),
    findings=(
        r"The proof ends with 'Δ converges to zero because ξ converges to zero and the iterates are bounded'; "
        r"the missing step is $|(\tilde x^{(1)})^p-(\tilde x^{(2)})^p|\ge pM^{p-1}\Delta$ ($p=1-\frac2L$, concavity), "
        r"which gives $\xi\ge\Delta\min(m^p,pM^{p-1}\Delta)/(2M^{2p})$.",
    ),
)

declare(
    id="wn.lem3.11",
    equations=("48", "49", "50"),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "ξ² log ξ >= -1/(2e)", "critical point, convexity and end limits", bounds.entropy_minimum_3_11
        ),
        SymbolicCheck(
            "(50) and the final bound",
            "the derived bound r²(log r̃ - N/(2e)) exceeds the printed (50); the final quadratic in r²",
            bounds.bound_50_3_11,
        ),
        SymbolicCheck(
            "projection identities",
            "P_A symmetric idempotent: <v, P_A w> = <P_A v, P_A w>",
            bounds.projection_identities_3_11,
        ),
    ),
    findings=(
        r"$\xi^2\log\xi\ge-\frac1{2e}$ gives (50) with $\frac N{2e}$, not $\frac{eN}2$: the printed (50) is weaker "
        r"but still true, so the proof stands.",
    ),
)
