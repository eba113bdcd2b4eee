"""wn's statements about its flows' limits, decided at the limits and by integrating the flows.

* the bounds (14) with (16) and (19) (the Theorem from [7], Theorems 2.1 and 2.3), (5), (7),
  (8) and (21): :class:`~checks.wn_limit_audit.WnLimitBound`s searched over drawn instances
  (``checks.flow_strategies_wn``) at the characterized limit (float64, then enclosed by
  Krawczyk's test and confirmed by integrating the flow), each in its printed and in its
  corrected form (``checks.wn_bounds``);
* (18) and the first part of Theorem 2.1: a certificate, closed-form in the instance, that the
  (η̃, 1) flow collapses to x = 0 (``checks.wn_bounds.collapse_sides``);
* existence and convergence (Theorems 2.2, 2.3, (4)-(5), (21), Sec. 5): the flows integrated on
  drawn instances (``checks.wn_flow_observations``).

Each claim with several refuting parts audits through a :class:`~checks.wn_limit_audit.PartedBound`:
an instance names its part in ``params.part`` (``dlncheck show ID`` lists them).
"""

from __future__ import annotations

from dlncheck.checks.claim import Kind, declare
from dlncheck.checks.flow_observation import FlowObservationSearch
from dlncheck.checks.flow_strategies_wn import placed_instances, tagged, wn_flow_instances
from dlncheck.checks.limit_audit import limit_audit
from dlncheck.checks.symbolic import SymbolicCheck
from dlncheck.checks.verdicts import Verdict
from dlncheck.checks.wn_bounds import (
    both,
    bound,
    bound_14,
    collapse_sides,
    no_hypothesis,
    q_hypothesis,
    quasi_norm_minimum_sides,
    rho_at_least_one,
    rows_sum_to_zero,
    uniform_or_depth_two,
)
from dlncheck.checks.wn_flow_observations import (
    existence_observation,
    exponential_decay_observation,
    limit_observation,
    outward_start,
    slower_when_smaller_observation,
)
from dlncheck.checks.wn_limit_audit import PartedBound, confirmed_limit_search
from dlncheck.derivations import scale_consistency as scale
from dlncheck.derivations import wn_magnification as mag

_KINDS = {
    "existence/convergence": Kind.CONVERGENCE,
    "inequality": Kind.INEQUALITY,
    "limit": Kind.LIMIT,
}

GAP = "||x̃∞||_{w,1} - Q"
ERROR = "ε Q"


def _search(part_bound, strategy, description: str):
    """A limit search whose instances name the part they test (``params.part``)."""
    drawn = tagged(strategy, part_bound.part) if part_bound.part else strategy
    return confirmed_limit_search(part_bound, lambda: drawn, description)


def _observe(name: str, description: str, strategy, observe, slack_doc: str) -> FlowObservationSearch:
    return FlowObservationSearch(name, description, lambda: strategy, observe, slack_doc)


def _parted(claim_id: str, *parts) -> PartedBound:
    """The claim's audit bound: its parts, named by ``params.part`` (the first is the default)."""
    names = ", ".join(repr(p.part) for p in parts)
    return PartedBound(claim_id, parts, f"{parts[0].description}. Parts (params.part): {names}")


def _not_collapsing(raw) -> bool:
    return outward_start(raw)


LIMIT_SLACK = "1 - max|x̃_flow - x̃_characterized| / (max|x̃∞| · 1e-6)"

# ------------------------------------------------------------------ the Theorem from [7], (14)-(16)

FROM7_PRINTED = bound(
    "wn.thm.from7",
    models=("positive",),
    left_name=GAP,
    right_name="ε(β₁, β_min) Q",
    hypotheses=q_hypothesis("printed", "the Theorem from [7]"),
    sides=bound_14(None),
    description="(14) with ε of (16) at the limit of the plain flow (10) (mil (21)'s projection, certified at D "
    "digits), under the printed hypothesis Q > c_L β₁^{2/L}",
    part="as printed",
)
FROM7_CORRECTED = bound(
    "wn.thm.from7",
    models=("positive",),
    left_name=GAP,
    right_name="ε(β₁, β_min) Q",
    hypotheses=q_hypothesis("corrected", "the Theorem from [7] (corrected)"),
    sides=bound_14(None),
    description="(14) with ε of (16) under Q > c_L β₁ (the threshold at which (16)'s denominator is positive)",
    part="corrected: Q > c_L β₁",
)

declare(
    id="wn.thm.from7",
    expected=Verdict.REFUTED,
    findings=(
        r"The hypothesis $Q>c_L\beta_1^{2/L}$ compares $\lambda^2$ with $\lambda^{4/L}$; the threshold at which "
        r"the denominator of (16) is positive, derived, is $Q>c_L\beta_1$.",
        r"Refuted as printed (a misprinted hypothesis; the corrected form holds on the drawn instances): for $L>2$ and "
        r"$\beta_1>1$ (a large initialization, reached by rescaling) the printed hypothesis admits $Q<c_L\beta_1$, where "
        r"the denominator of (16) is negative, $\varepsilon<0$, and (14) fails since its left side is $\ge0$. Witness, "
        r"the limit certified: $\mathbf A=(0,\frac14)$, $\mathbf x^*=(0,25)$, $L=3$, $\mathbf x_0=\frac{89}{50}\mathbb 1$: "
        r"$c_L\beta_1^{2/L}=11.56<Q=14.04<c_L\beta_1=21.39$, $\varepsilon=-1.577$, "
        r"$\|\tilde{\mathbf x}_\infty\|_{\mathbf w,1}-Q=3.168$ against $\varepsilon Q=-22.15$ (normalized slack $-1.143$). "
        r"For $L=2$ the two hypotheses coincide ($c_2=1$).",
        r"Under the corrected hypothesis $Q>c_L\beta_1$, (14) with (16) holds on every drawn instance (the corrected "
        r"search: 200 instances at seed 0, smallest certified slack about 0.6). The existence part (the plain flow's "
        r"limit exists and lies in $S_+$) is mil's Theorem 2.1(a) for the same flow in its own time scale, checked by "
        r"integration under mil.thm2.1a.",
    ),
    checks=(
        _search(
            FROM7_PRINTED,
            placed_instances("printed"),
            "(14) on plain-flow instances whose Q is placed at 10^0.1..10^3 times c_L β₁^{2/L} by scaling y "
            "(β₁ up to 100: the scaled instances of the scale finding); limit in float64, certified at 30-240 digits",
        ),
        _search(
            FROM7_CORRECTED,
            placed_instances("corrected"),
            "(14) on plain-flow instances whose Q is placed at 10^0.1..10^3 times c_L β₁; the corrected form",
        ),
        SymbolicCheck(
            "scale of the hypothesis", "Q > c_L β_1^{2/L}: λ² against λ^{4/L}", scale.wn_thm_from7_hypothesis
        ),
        SymbolicCheck("scale (14)", "both sides of (14) scale by λ²", scale.wn_thm_from7_bound),
        SymbolicCheck(
            "c_L of (15)", "c_L is the threshold on Q/β_1 for the denominator of (16)", scale.wn_c_L_threshold
        ),
    ),
    audit=limit_audit(
        _parted("wn.thm.from7", FROM7_PRINTED, FROM7_CORRECTED),
        example={
            "model": "positive",
            "A": [["0", "1/4"]],
            "x_star": ["0", "25"],
            "L": 3,
            "init": {"alpha": "89/50"},
            "params": {"part": "as printed"},
        },
    ),
)

# ------------------------------------------------------------------ Theorem 2.1

_THEOREM_2_1 = rows_sum_to_zero("Theorem 2.1")

COLLAPSE = bound(
    "wn.thm2.1",
    models=("wn",),
    left_name="η̃ φ0² (φ0 = bᵀA u0^{⊙L} < 0)",
    right_name="2L K ||Aᵀb||₂ r0²",
    hypotheses=_THEOREM_2_1,
    sides=collapse_sides,
    description="(18) and x̃∞ ∈ S₊ need the collapse certificate of checks.wn_bounds.collapse_sides to fail: "
    "where η̃ φ0² > 2L K ||Aᵀb||₂ r0², r(t) -> 0, x̃(t) -> 0 and L(x(t)) -> ||b||²/(2L) > 0 (closed form in the "
    "instance, interval arithmetic at D digits)",
    rates="tilde",
    part="(18): collapse",
    needs_limit=False,
)
THEOREM_2_1_PRINTED = bound(
    "wn.thm2.1",
    models=("wn",),
    left_name=GAP,
    right_name="ε(ρ^{-L}β₁, ρ^{-L}β_min) Q",
    hypotheses=_THEOREM_2_1,
    sides=bound_14("printed", condition=True),
    description="(14) with ε of (19) and ρ of (17) as printed, r∞ = ||x̃∞||₂, where (16) is defined at ρ^{-L}β₁ "
    "(c_L ρ^{-L} β₁ <= Q), at the limit of the (η̃, 1) flow (the γ-scaled projection, enclosed at D digits, "
    "confirmed by integration)",
    rates="tilde",
    part="(19) with (17) as printed",
)
THEOREM_2_1_NO_HYPOTHESIS = bound(
    "wn.thm2.1",
    models=("wn",),
    left_name=GAP,
    right_name="ε(ρ^{-L}β₁, ρ^{-L}β_min) Q",
    hypotheses=_THEOREM_2_1,
    sides=bound_14("corrected"),
    description="(14) with ε of (19), ρ of (17) with r∞ = lim r(t), and no hypothesis on Q (as printed)",
    rates="tilde",
    part="(19) without a hypothesis on Q",
)
THEOREM_2_1_CORRECTED = bound(
    "wn.thm2.1",
    models=("wn",),
    left_name=GAP,
    right_name="ε(ρ^{-L}β₁, ρ^{-L}β_min) Q",
    hypotheses=_THEOREM_2_1,
    sides=bound_14("corrected", condition=True),
    description="(14) with ε of (19), ρ of (17) with r∞ = lim r(t), under c_L ρ^{-L} β₁ <= Q (the corrected "
    "hypothesis of the Theorem from [7] at the rescaled start ρ^{-1} x0)",
    rates="tilde",
    part="corrected",
)
_THEOREM_2_1_INSTANCES = wn_flow_instances("tilde", rows_sum_zero=True, keep=_not_collapsing)

declare(
    id="wn.thm2.1",
    expected=Verdict.REFUTED,
    findings=(
        r"$\rho$ of (17) with $r_\infty=\|\tilde{\mathbf x}_\infty\|_2$ is not scale-free; with "
        r"$r_\infty=\lim r(t)=\|\tilde{\mathbf x}_\infty^{\odot1/L}\|_2$, as in (21) and Lemma 3.8, it is.",
        r"False statement (part 1; a missing hypothesis $\lim r(t)>0$): the flow can collapse to $\mathbf x=0$. With "
        r"$\varphi_0=\mathbf b^\top\mathbf A\mathbf u_0^{\odot L}<0$ and $2LK\|\mathbf A^\top\mathbf b\|_2r_0^2<\tilde\eta\varphi_0^2$, "
        r"$K=\max_n\|\mathbf A_{:,n}\|_2(r_0^L\|\mathbf A\|_F+\|\mathbf b\|_2)$, $r(t)\to0$ while $\mathbf u$ stays near "
        r"$\mathbf u_0$ (checks.wn_bounds.collapse_sides), so $\mathcal L(\mathbf x(t))\to\|\mathbf b\|^2/(2L)>0$: (18) fails and "
        r"$\tilde{\mathbf x}_\infty=0\notin S_+$. Witness (rows of $\mathbf A$ sum to 0, $S_+\ni(\frac14,0,0,0)$): "
        r"$\mathbf A=(1,0,0,-1)$, $\mathbf b=\frac14$, $L=2$, $r_0=\frac1{10}$, $\mathbf u_0=(20,20,20,97)/103$, $\tilde\eta=1$: "
        r"$\tilde\eta\varphi_0^2=0.0451>0.00374$; the integrated flow's $r$ falls more than 8 decades. The proof "
        r"uses Lemma 3.8, which assumes $r_\infty\ne0$, and Lemma 3.9's '$\gamma$ bounded below', which fails as $r\to0$.",
        r"Misprint (part 2): with $r_\infty=\|\tilde{\mathbf x}_\infty\|_2$ as printed, (14) with (19) fails on rescaled "
        r"instances. Witness: $\mathbf A=\begin{pmatrix}1&2&-3\\1&-1&0\end{pmatrix}$, $\mathbf x^*=(100,0,0)$, $L=2$, $r_0=10$, "
        r"$\mathbf u_0=(3,4,12)/13$, $\tilde\eta=100$: $\lim r(t)=10.89$ but $\|\tilde{\mathbf x}_\infty\|_2=106.6$, so the "
        r"printed $\log\rho=53.93$ gives $\varepsilon Q=2.719$ against $\|\tilde{\mathbf x}_\infty\|_{\mathbf w,1}-Q=18.64$ "
        r"(slack $-5.86$); with $r_\infty=\lim r(t)$, $\log\rho=0.0077$ and $\varepsilon Q=18946$: it holds.",
        r"Missing hypothesis (part 2): (19) needs the denominator of (16) positive at $\rho^{-L}\beta_1$, i.e. "
        r"$Q>c_L\rho^{-L}\beta_1$ (the corrected hypothesis of the Theorem from [7] at the rescaled start); Theorem 2.1 "
        r"states none. Witness: $\mathbf A=(\frac14,-\frac14,0)$, $\mathbf x^*=(\frac14,0,0)$, $L=2$, $r_0=1$, "
        r"$\mathbf u_0=(10,10,49)/51$, $\tilde\eta=1$: $\varepsilon=-2.373$, $\|\tilde{\mathbf x}_\infty\|_{\mathbf w,1}-Q=0.922$ "
        r"against $\varepsilon Q=-0.593$.",
        r"The corrected theorem ($r_\infty=\lim r(t)>0$, $Q>c_L\rho^{-L}\beta_1$) holds on the drawn instances "
        r"(searched at the limit, confirmed by integration; flows with $\mathbf b^\top\mathbf A\tilde{\mathbf x}(0)\ge0$, away "
        r"from the collapse), and there the integrated loss decays exponentially.",
    ),
    checks=(
        _search(
            COLLAPSE,
            wn_flow_instances("tilde", rows_sum_zero=True),
            "the collapse certificate on drawn instances of Theorem 2.1 (rows of A summing to 0, scaled by wn's "
            "symmetry); closed form, certified in intervals",
        ),
        _search(
            THEOREM_2_1_PRINTED,
            _THEOREM_2_1_INSTANCES,
            "(14)/(19) with ρ as printed on drawn instances of Theorem 2.1 with bᵀA x̃(0) >= 0 (away from the "
            "collapse); limit in float64, enclosed at 30-240 digits and confirmed by integration",
        ),
        _search(
            THEOREM_2_1_NO_HYPOTHESIS,
            _THEOREM_2_1_INSTANCES,
            "(14)/(19) with the corrected ρ and no hypothesis on Q, on the same instances",
        ),
        _search(
            THEOREM_2_1_CORRECTED,
            _THEOREM_2_1_INSTANCES,
            "(14)/(19) corrected (r∞ = lim r(t), c_L ρ^{-L} β₁ <= Q) on the same instances",
        ),
        _observe(
            "flow integration: (18) and the limit",
            "the (η̃, 1) flow integrated (float64) on drawn instances of Theorem 2.1 with bᵀA x̃(0) >= 0: it converges "
            "to the γ-scaled projection (the limit the bounds are evaluated at) and its loss decays exponentially",
            wn_flow_instances("tilde", rows_sum_zero=True, keep=_not_collapsing, scaled=False),
            exponential_decay_observation,
            "min("
            + LIMIT_SLACK
            + ", 1 - 10/p or 1 - e^0.5/(p growth), p the loss's decay exponent per e-fold of t)",
        ),
        SymbolicCheck("scale of ρ", "ρ of (17) with r_inf = ||x~_inf||_2 is not scale-free", scale.wn_rho_17),
        SymbolicCheck(
            "(19) from rescaling",
            "ε(ρ^{-L}β_1, ρ^{-L}β_min) is (16) for the plain flow from γ x_0",
            scale.wn_error_19,
        ),
    ),
    audit=limit_audit(
        _parted("wn.thm2.1", THEOREM_2_1_PRINTED, COLLAPSE, THEOREM_2_1_NO_HYPOTHESIS, THEOREM_2_1_CORRECTED),
        example={
            "model": "wn",
            "A": [["1", "2", "-3"], ["1", "-1", "0"]],
            "x_star": ["100", "0", "0"],
            "L": 2,
            "init": {"r0": "10", "u0": ["3/13", "4/13", "12/13"]},
            "params": {"rates": "tilde", "eta": "100", "part": "(19) with (17) as printed"},
        },
    ),
)

# ------------------------------------------------------------------ Theorem 2.2

declare(
    id="wn.thm2.2",
    expected=Verdict.SUPPORTED,
    findings=(
        r"Proof gap: the proof applies Lemma 3.11, whose hypothesis (all entries of $\mathbf u$ bounded away from 0) it "
        r"does not establish; Lemma 3.9, which would give it, assumes the trajectory bounded above, the conclusion sought.",
        r"The statement holds on the integrated flows, but the limit need not lie in $S_+$: the flow may converge to "
        r"$\tilde{\mathbf x}=0$ (wn.thm2.1's collapse), which the observation counts as the limit it is.",
    ),
    checks=(
        _observe(
            "flow integration: the limit exists",
            "the (η̃, 1) flow at L = 2 integrated (float64) on drawn instances of Theorem 2.1 (rows of A summing to "
            "0): it converges, to the γ-scaled projection in S₊ or (collapse) to x̃ = 0",
            wn_flow_instances("tilde", rows_sum_zero=True, max_depth=2, scaled=False),
            existence_observation,
            LIMIT_SLACK + "; 1 where the limit is x̃ = 0",
        ),
    ),
)

# ------------------------------------------------------------------ Theorem 2.3

THEOREM_2_3_PRINTED = bound(
    "wn.thm2.3",
    models=("wn",),
    left_name=GAP,
    right_name="ε(β₁, β_min) Q",
    hypotheses=q_hypothesis("printed", "Theorem 2.3 (through the Theorem from [7])"),
    sides=bound_14(None),
    description="(14) with ε(β₁, β_min) of (16) at the limit of the r² flow (the projection of x̃(0), enclosed at "
    "D digits, confirmed by integration), under the printed hypothesis of the Theorem from [7], Q > c_L β₁^{2/L}",
    rates="r2",
    part="as printed",
)
THEOREM_2_3_CORRECTED = bound(
    "wn.thm2.3",
    models=("wn",),
    left_name=GAP,
    right_name="ε(β₁, β_min) Q",
    hypotheses=q_hypothesis("corrected", "Theorem 2.3 (corrected)"),
    sides=bound_14(None),
    description="(14) with ε(β₁, β_min) of (16) at the r² flow's limit under Q > c_L β₁",
    rates="r2",
    part="corrected: Q > c_L β₁",
)

declare(
    id="wn.thm2.3",
    expected=Verdict.REFUTED,
    findings=(
        r"Part 2 refuted as printed, through the Theorem from [7] (its limit is [7]'s, Corollary 3.14): the error "
        r"$\varepsilon(\beta_1,\beta_{\min})$ of (16) is negative where $Q<c_L\beta_1$, which the printed hypothesis "
        r"$Q>c_L\beta_1^{2/L}$ of the Theorem from [7] admits. Witness (r² rates, limit enclosed, integration agrees): "
        r"$\mathbf A=(0,0,\frac14)$, $\mathbf x^*=\frac{177}{20}\mathbb 1$, $L=3$, $\mathbf x_0=\mathbb 1$: $Q=8.85$, "
        r"$\varepsilon=-6.989$, $\|\tilde{\mathbf x}_\infty\|_{\mathbf w,1}-Q=2$ against $\varepsilon Q=-61.86$. With $Q>c_L\beta_1$ "
        r"(16)'s bound holds on the drawn instances.",
        r"Part 1 (existence, limit in $S_+$) holds on the integrated flows, for any $\mathbf A$: the proof goes through [7] "
        r"(Corollary 3.14) and needs no row sums; the catalogue's 'setting of Thm 2.1 (incl. row-sum-zero?)' is not used.",
    ),
    checks=(
        _observe(
            "flow integration: the limit exists in S₊",
            "the r² flow integrated (float64) on drawn instances with an interior limit: it converges to a point of "
            "S₊, the projection of x̃(0) (Corollary 3.14 and [7])",
            wn_flow_instances("r2", r0_quarters=(-4, 2), scaled=False),
            limit_observation,
            LIMIT_SLACK,
        ),
        _search(
            THEOREM_2_3_PRINTED,
            placed_instances("printed", model="wn"),
            "(14) on r²-flow instances whose Q is placed at 10^0.1..10^3 times c_L β₁^{2/L} by scaling y",
        ),
        _search(
            THEOREM_2_3_CORRECTED,
            placed_instances("corrected", model="wn"),
            "(14) on r²-flow instances whose Q is placed at 10^0.1..10^3 times c_L β₁ (the corrected form)",
        ),
    ),
    audit=limit_audit(
        _parted("wn.thm2.3", THEOREM_2_3_PRINTED, THEOREM_2_3_CORRECTED),
        example={
            "model": "wn",
            "A": [["0", "0", "1/4"]],
            "x_star": ["177/20", "177/20", "177/20"],
            "L": 3,
            "init": {"alpha": "1"},
            "params": {"rates": "r2", "part": "as printed"},
        },
    ),
)

# ------------------------------------------------------------------ (4)-(5)

EQ5_PRINTED = bound(
    "wn.eq4",
    models=("wn",),
    left_name="||x̃∞||₁ - min_{Az=b} ||z||₁ (weighted by the constant w)",
    right_name="ε(ρ^{-L}β₁, ρ^{-L}β_min) min_{Az=b} ||z||₁",
    hypotheses=both(_THEOREM_2_1, uniform_or_depth_two("(5)")),
    sides=bound_14("corrected", over="S", condition=True),
    description="(5) made quantitative by the paper's own (8)/(19): the limit's ℓ1 excess over min_{Az=b} ||z||₁ "
    "(the minimum over all solutions, as (5) prints it) against ε of (19), at the (η̃, 1) flow's limit",
    rates="tilde",
    part="(5) over {Az = b}",
)
EQ5_CORRECTED = bound(
    "wn.eq4",
    models=("wn",),
    left_name="||x̃∞||₁ - min_{S₊} ||z||₁ (weighted by the constant w)",
    right_name="ε(ρ^{-L}β₁, ρ^{-L}β_min) min_{S₊} ||z||₁",
    hypotheses=both(_THEOREM_2_1, uniform_or_depth_two("(5)")),
    sides=bound_14("corrected", condition=True),
    description="(5) over S₊ = {z >= 0 : Az = b}, quantified as in (19)",
    rates="tilde",
    part="(5) over S₊",
)
_EQ4_INSTANCES = wn_flow_instances("tilde", rows_sum_zero=True, uniform=True, keep=_not_collapsing)

declare(
    id="wn.eq4",
    expected=Verdict.REFUTED,
    findings=(
        r"(5) writes $\arg\min_{\mathbf A\mathbf z=\mathbf b}\|\mathbf z\|_1$, but the limit lies in $S_+$ (for even $L$ "
        r"whatever the initialization): where the $\ell_1$ minimizer has a negative entry no magnification closes the gap "
        r"(a misprint for the minimum over $S_+$, as in Theorem 2.1; that form holds on the drawn instances). Witness, "
        r"(5) quantified by (8)/(19): $\mathbf A=(1,1,-2)$, $\mathbf b=1$, $L=2$, $\mathbf x_0=\frac1{10}\mathbb 1$, "
        r"$\tilde\eta=\frac1{10}$: $\min_{\mathbf A\mathbf z=\mathbf b}\|\mathbf z\|_1=\frac12$ (at $(0,0,-\frac12)$), every point of "
        r"$S_+$ has $\|\mathbf z\|_1\ge1$; excess 0.5 against $\varepsilon(\rho^{-2}\beta_1,\rho^{-2}\beta_{\min})\cdot\frac12=0.061$ "
        r"(slack $-7.20$).",
        r"The flows converge on every integrated instance ($L=2,3,4$), but possibly to $\tilde{\mathbf x}=0$ "
        r"(wn.thm2.1's collapse), which is not close to any minimizer.",
    ),
    checks=(
        _observe(
            "flow integration: convergence for L >= 2",
            "the (η̃, 1) flow integrated (float64) on drawn instances (L = 2..4, rows of A summing to 0 or x* > 0): "
            "it converges, to the γ-scaled projection in S₊ or (collapse) to x̃ = 0",
            wn_flow_instances("tilde", scaled=False),
            existence_observation,
            LIMIT_SLACK + "; 1 where the limit is x̃ = 0",
        ),
        _search(
            EQ5_PRINTED,
            _EQ4_INSTANCES,
            "(5) quantified by (19), min over {Az = b}, on drawn instances of Theorem 2.1 with a uniform start",
        ),
        _search(EQ5_CORRECTED, _EQ4_INSTANCES, "(5) quantified by (19), min over S₊, on the same instances"),
    ),
    audit=limit_audit(
        _parted("wn.eq4", EQ5_PRINTED, EQ5_CORRECTED),
        example={
            "model": "wn",
            "A": [["1", "1", "-2"]],
            "y": ["1"],
            "L": 2,
            "init": {"alpha": "1/10"},
            "params": {"rates": "tilde", "eta": "1/10", "part": "(5) over {Az = b}"},
        },
    ),
)

# ------------------------------------------------------------------ (6)-(8)

EQ7_PRINTED = bound(
    "wn.eq7",
    models=("positive",),
    left_name="||x̃∞||₁ - min_{Az=b} ||z||₁ (weighted by the constant w)",
    right_name="ε(β₁, β_min) min_{Az=b} ||z||₁",
    hypotheses=uniform_or_depth_two("(7)"),
    sides=bound_14(None, over="S", condition=True),
    description="(7) at the limit of the plain flow (6) (mil (21)'s projection, certified at D digits), with the "
    "ε the paper specifies, (16), and min over {Az = b} as (7) prints it",
    part="(7) over {Az = b}",
)
EQ7_CORRECTED = bound(
    "wn.eq7",
    models=("positive",),
    left_name="||x̃∞||₁ - min_{S₊} ||z||₁ (weighted by the constant w)",
    right_name="ε(β₁, β_min) min_{S₊} ||z||₁",
    hypotheses=uniform_or_depth_two("(7)"),
    sides=bound_14(None, condition=True),
    description="(7) with min over S₊ (the Theorem from [7] with a uniform start)",
    part="(7) over S₊",
)
EQ8_RHO = bound(
    "wn.eq7",
    models=("wn",),
    left_name="1",
    right_name="ρ of (17) (r∞ = lim r(t))",
    hypotheses=no_hypothesis,
    sides=rho_at_least_one,
    description="(8)'s 'some ρ >= 1': ρ of (17) at the (η̃, 1) flow's limit (enclosed, confirmed by integration)",
    rates="tilde",
    part="(8): ρ >= 1",
)

declare(
    id="wn.eq7",
    expected=Verdict.REFUTED,
    findings=(
        r"(7) writes $\min_{\mathbf A\mathbf z=\mathbf b}$ for the positive flow (6), whose limit lies in $S_+$; [7] "
        r"(mil (16)) and the Theorem from [7] have $\min_{S_+}$ (a misprint; the $S_+$ form holds on the drawn "
        r"instances). Witness with the paper's $\varepsilon$, (16): $\mathbf A=(1,1,-2)$, $\mathbf b=1$, $L=2$, "
        r"$\mathbf x_0=\frac1{100}\mathbb 1$: excess 0.5 against $\varepsilon\cdot\frac12=0.074$ (slack $-5.75$); every point of "
        r"$S_+$ has $\|\mathbf z\|_1\ge1=2\min_{\mathbf A\mathbf z=\mathbf b}\|\mathbf z\|_1$, so no $\varepsilon$ with "
        r"$\varepsilon(0^+)=0$ makes (7) hold as $\mathbf x_0\to0$.",
        r"(8)'s '$\rho\ge1$ that increases as $\mathbf x_0$ decreases' fails for (17) at the flow's limit: "
        r"$\mathbf A=(1,1,-2)$, $\mathbf b=1$, $L=2$, $\tilde\eta=1$: $\rho=0.0286$ at $\mathbf x_0=\frac1{100}\mathbb 1$ and "
        r"$\rho=0.00286$ at $\frac1{1000}\mathbb 1$ (below 1, and decreasing with $\mathbf x_0$: $\rho\ge1$ needs (20)).",
        r"$\varepsilon(\|\tilde{\mathbf x}_0\|_1)$ cannot be a function of $\|\tilde{\mathbf x}_0\|_1$ alone and "
        r"scale-covariant; (16) depends on $Q$ too (derivations.scale_consistency.NOT_SCALE_FREE).",
    ),
    checks=(
        _search(
            EQ7_PRINTED,
            placed_instances("corrected", uniform=True, max_depth=3),
            "(7) with ε of (16) on drawn plain-flow instances with a uniform start (min over {Az = b})",
        ),
        _search(
            EQ7_CORRECTED,
            placed_instances("corrected", uniform=True, max_depth=3),
            "(7) with ε of (16) on the same kind of instances, min over S₊",
        ),
        _search(
            EQ8_RHO,
            wn_flow_instances("tilde", keep=_not_collapsing),
            "ρ >= 1 at the (η̃, 1) flow's limit on drawn instances",
        ),
    ),
    audit=limit_audit(
        _parted("wn.eq7", EQ7_PRINTED, EQ7_CORRECTED, EQ8_RHO),
        example={
            "model": "positive",
            "A": [["1", "1", "-2"]],
            "y": ["1"],
            "L": 2,
            "init": {"alpha": "1/100"},
            "params": {"part": "(7) over {Az = b}"},
        },
    ),
)

# ------------------------------------------------------------------ (21)

EQ21 = bound(
    "wn.eq21",
    models=("wn",),
    left_name="min_{S₊} ||z||_{2/L}^{2/L}",
    right_name="r∞² = ||x̃∞^{⊙1/L}||₂²",
    hypotheses=no_hypothesis,
    sides=quasi_norm_minimum_sides,
    description="(21) at the (η̃, 1) flow's limit (enclosed at D digits, confirmed by integration); the minimum of "
    "the concave Σ z^{2/L} over S₊ over its exact vertices",
    rates="tilde",
)

declare(
    id="wn.eq21",
    expected=Verdict.SUPPORTED,
    findings=(
        r"Theorem 2.1 defines $r_\infty=\|\tilde{\mathbf x}_\infty\|_2$, but (21), Lemma 3.8 and (17) need "
        r"$r_\infty=\lim r(t)=\|\tilde{\mathbf x}_\infty^{\odot1/L}\|_2$; they differ, e.g. $L=2$, "
        r"$\tilde{\mathbf x}_\infty=(9/25,16/25)$: $1$ against $\sqrt{337}/25$.",
        r"(21) holds at the limits and is nearly tight where $\rho$ is large (the limit near a vertex of $S_+$). The "
        r"remark's recipe 'take $r_0^2$ below $\min_{S_+}\|\mathbf z\|_{2/L}^{2/L}$ to ensure $r_0<r_\infty$' presumes "
        r"$\tilde{\mathbf x}_\infty\in S_+$: on wn.thm2.1's collapse witness $r_0^2=\frac1{100}<\frac14=\min_{S_+}\|\mathbf z\|_1$, "
        r"yet $r(t)\to0<r_0$.",
    ),
    checks=(
        SymbolicCheck(
            "(21)",
            "r² = ||x||² at ||u|| = 1 with x = x̃^{1/L}, against the quasi-norm form (symbolic L)",
            mag.radius_limit_21,
        ),
        _search(
            EQ21, wn_flow_instances("tilde", keep=_not_collapsing), "(21) on drawn (η̃, 1)-flow instances"
        ),
        _observe(
            "flow integration: empirical convergence",
            "the (η̃, 1) flow integrated (float64) on drawn instances (L = 2..4): it converges (to the γ-scaled "
            "projection in S₊, or to x̃ = 0 where r(t) -> 0 < r0)",
            wn_flow_instances("tilde", scaled=False),
            existence_observation,
            LIMIT_SLACK + "; 1 where the limit is x̃ = 0",
        ),
        SymbolicCheck("scale", "both sides scale by λ²", scale.wn_eq21),
    ),
    audit=limit_audit(
        EQ21,
        example={
            "model": "wn",
            "A": [["1", "1", "-2"], ["1", "-1", "0"]],
            "y": ["1", "1/2"],
            "L": 2,
            "init": {"r0": "1", "u0": ["1/3", "2/3", "2/3"]},
            "params": {"rates": "tilde", "eta": "1/10"},
        },
    ),
)

# ------------------------------------------------------------------ Sec. 5

declare(
    id="wn.sec5",
    expected=Verdict.SUPPORTED,
    checks=(
        _observe(
            "flow integration: linear rate, slower from smaller starts",
            "the (η̃, 1) flow integrated (float64) from r0 and r0/10 (same direction and η̃) on drawn instances of "
            "Theorem 2.1 with bᵀA x̃(0) >= 0: from r0 the loss decays exponentially (a linear rate) and the start "
            "r0/10 needs longer to bring the loss below 1e-6 ||b||²/(2L)",
            wn_flow_instances("tilde", rows_sum_zero=True, keep=_not_collapsing, scaled=False),
            slower_when_smaller_observation,
            "min(1 - T(r0)/T(r0/10), the exponential-decay slack)",
        ),
    ),
)
