"""The main theorems' error bounds: what the derivations decide about them.

These claims are flow statements (their catalogue methods are flow audits and property
searches), but two kinds of derivation bear on them:

* their scale consistency under (A, y, initialization) -> (A, λ^L y, λ·initialization)
  (a derivation of ``derivations.scale_consistency``, declared with each claim's checks);
* for mil (9), mil (16) and ms (II.4), an explicit instance on which the bound fails: the
  flow limit there is the paper's own characterization (mil Theorems 2.2/3.1, ms Lemma
  III.3), evaluated in closed form (``derivations.l1_bound_counterexample``,
  ``derivations.ms_lower_bound``), and ``tests/test_derivations_mil_bounds.py`` integrates
  the flow numerically to the same limit.

What no derivation here reaches (the bound on general instances) is declared as an unchecked
part, so that a claim never reads *verified* on the strength of its scaling alone.
"""

from __future__ import annotations

import functools
import math
from dataclasses import replace
from fractions import Fraction
from typing import TYPE_CHECKING

import sympy as sp
from flint import arb

from dlncheck.checks.claim import Kind, declare
from dlncheck.checks.flow_convergence import FlowConvergenceSearch
from dlncheck.checks.flow_strategies import positive_flow_instances, signed_flow_instances
from dlncheck.checks.formula_audit import lazy_formula_audit
from dlncheck.checks.limit_audit import LimitBound, limit_search, solution_set_hypothesis
from dlncheck.checks.symbolic import SymbolicCheck
from dlncheck.checks.verdicts import Verdict
from dlncheck.derivations import l1_bound_counterexample as bc
from dlncheck.derivations import ms_lower_bound as lower
from dlncheck.derivations import scale_consistency as scale
from dlncheck.numerics.enclosures import ball

if TYPE_CHECKING:
    from dlncheck.checks.flow_instances import FlowInstance

_KINDS = {
    "existence/convergence": Kind.CONVERGENCE,
    "inequality": Kind.INEQUALITY,
    "characterization (argmin)": Kind.CHARACTERIZATION,
}


# ------------------------------------------------------------------ mil (9) and (16): one-row instances


def _theorem_1_1_instance():
    """(9) on the one-row instance: its right side at u_0 = v_0 = 1, N = 2, L = 4 is 24, as (11)'s."""
    d = bc.equation_11_counterexample()
    return replace(d, title=d.title.replace("(11)", "(9)"))


def _one_row_audit(claim_id: str, signed: bool, right_name: str):
    right = bc.bound_11_right if signed else bc.bound_16_right
    return lazy_formula_audit(
        claim_id,
        (bc.a, bc.mu),
        lambda: (bc.kkt_point(signed)["gap"], right(), (sp.Lt(bc.mu, 2), sp.Lt(bc.a, 1))),
        op="<=",
        left_name="ε = ||x̃_∞||_1 - min_S ||z||_1 (the paper's limit characterization)",
        right_name=right_name,
        example={"a2": "1/2", "mu": "1"},
        description="L = 4, N = 2, unit initialization, A = (1, a2), y = A x̃_∞ for the limit with multiplier mu",
    )


ONE_ROW_FINDING = (
    r"False: $L=4$, unit initialization, $\mathbf A=(1,a)$, $0<a<1$. The paper's own characterization of "
    r"the limit gives $\varepsilon=(1-a)(p_2-q_2)$ (signed) or $(1-a)p_2$ (positive) with "
    r"$p_2=4/(2-\mu a)^2$, which tends to $4a/((1-a)(1+a)^2)$ as $\mu\to2$ and is unbounded as $a\to1$; "
    r"at $\mu=1999/1000$, $a=97/100$: $\varepsilon=32.27\ldots$ against the bound "
)

# ------------------------------------------------------------------ mil (9) and (16) on general instances


def _c_L(depth: int, intervals: bool):
    """c_L of mil (17): L/2 + e (L = 2), L/2 + (L/2)^(L/(L-2)) (L > 2)."""
    if intervals:
        half = arb(depth) / 2
        return half + (arb.const_e() if depth == 2 else half ** (arb(depth) / (depth - 2)))
    half = depth / 2
    return half + (math.e if depth == 2 else half ** (depth / (depth - 2)))


@functools.lru_cache(maxsize=256)
def _l1_dual_image(A: tuple, y: tuple, positive: bool) -> tuple[Fraction, ...] | None:
    """Aᵀλ for an exact optimal dual λ of min ‖z‖₁ over S₊ (mil (14), Aᵀλ <= 1) or over S
    (|Aᵀλ| <= 1), from the certified LP; None if its optimum could not be certified."""
    from dlncheck.numerics.sparse_recovery import certify_l1_minimizer  # SciPy's LP: loaded when used

    certificate = certify_l1_minimizer(A, y, positive=positive)
    if not certificate.certified:
        return None
    return tuple(sum(A[i][j] * certificate.dual[i] for i in range(len(A))) for j in range(len(A[0])))


def _l1_gap_sides(signed: bool):
    """(16) / (9): left ‖x̃∞‖₁ - min ‖z‖₁ over S₊ / S, right c_L (‖u0‖_L^L [+ ‖v0‖_L^L]).

    The left side is summed without cancellation: with λ an optimal dual of the ℓ1 LP,
    min ‖z‖₁ = λᵀy = λᵀA x̃∞ (x̃∞ is a solution), so the gap is Σ_j (|x̃∞_j| - (Aᵀλ)_j x̃∞_j),
    a sum of non-negative terms (dual feasibility); the identity holds at the true limit, which
    the certified enclosure contains, so the interval evaluation stays rigorous (and float64
    keeps relative accuracy where the gap is 1e-60 of ‖x̃∞‖₁).
    """

    def sides(instance: FlowInstance, limit: tuple, intervals: bool):
        image = _l1_dual_image(instance.A, instance.y, not signed)
        if image is None:
            return None, None
        L = instance.depth
        norm = sum(u**L for u in instance.u0) + (
            sum(v**L for v in instance.v0 or instance.u0) if signed else 0
        )
        if intervals:
            terms = (abs(x) - ball(a) * x for a, x in zip(image, limit, strict=True))
            return sum(terms, arb(0)), _c_L(L, True) * ball(norm)
        left = math.fsum(abs(x) - float(a) * x for a, x in zip(image, limit, strict=True))
        return left, _c_L(L, False) * float(norm)

    return sides


THEOREM_2_1_BOUND = LimitBound(
    claim_id="mil.thm2.1b",
    models=("positive",),
    left_name="||x̃_∞||_1 - min_{z in S+} ||z||_1",
    right_name="c_L ||x_0||_L^L",
    hypotheses=solution_set_hypothesis("Theorem 2.1", "S₊"),
    sides=_l1_gap_sides(signed=False),
    description="(16) at the limit of the positive flow (15), mil (21)'s projection, certified at D digits",
)

THEOREM_1_1_BOUND = LimitBound(
    claim_id="mil.thm1.1b",
    models=("signed",),
    left_name="||x̃_∞||_1 - min_{z in S} ||z||_1",
    right_name="c_L (||u_0||_L^L + ||v_0||_L^L)",
    hypotheses=solution_set_hypothesis("Theorem 1.1", "S"),
    sides=_l1_gap_sides(signed=True),
    description="(9) at the limit of the flow of L^± (mil (7)), mil (34)'s projection, certified at D digits",
)

declare(
    id="mil.thm1.1a",
    expected=Verdict.SUPPORTED,
    checks=(
        FlowConvergenceSearch(
            "flow convergence",
            "the flow of L^± integrated (reduced dual flow, float64) on drawn signed-flow instances until its "
            "stopping test: the limit solves Az = y and is mil (34)'s projection",
            signed_flow_instances,
            nonnegative=False,
        ),
    ),
)

declare(
    id="mil.thm2.1a",
    expected=Verdict.SUPPORTED,
    checks=(
        FlowConvergenceSearch(
            "flow convergence",
            "the positive flow (15) integrated (reduced dual flow, float64) on drawn instances until its "
            "stopping test: the limit is a point of S₊ and is mil (21)'s projection",
            positive_flow_instances,
            nonnegative=True,
        ),
    ),
)

declare(
    id="mil.thm1.1b",
    expected=Verdict.REFUTED,
    findings=(
        ONE_ROW_FINDING + r"$c_4(\|\mathbf u_0\|_4^4+\|\mathbf v_0\|_4^4)=24$ (exact rational).",
        r"False on general instances, at the flow's limit certified by Krawczyk's test: "
        r"$\mathbf A=(1,2,3)$, $y=2$, $L=2$, $\mathbf u_0=\mathbf v_0=10^{-3}\mathbf 1$ gives "
        r"$\varepsilon=2.589\cdot10^{-3}$ against $c_2(\|\mathbf u_0\|_2^2+\|\mathbf v_0\|_2^2)=2.231\cdot10^{-5}$ "
        r"(normalized slack $-115.04$); the flow-limit search's first instance, shrunk, has nearly parallel "
        r"columns, $\mathbf A=(1,1001/1000)$, $\mathbf x^*=(1/4,0)$, $L=2$, $\alpha=10^{-3}$.",
    ),
    checks=(
        SymbolicCheck(
            "one-row instance",
            "the limit of Theorem 3.1 by KKT on A = (1, a2), L = 4, u_0 = v_0 = 1; ε against c_4 (2 + 2) = 24",
            _theorem_1_1_instance,
        ),
        limit_search(
            THEOREM_1_1_BOUND,
            signed_flow_instances,
            "(9) on drawn signed-flow instances (checks.flow_strategies): the limit by mil (34)'s "
            "projection in float64, a slack below 1e-3 re-audited with the limit certified at 30-240 digits",
        ),
        SymbolicCheck("scale (9)", "both sides of (9) scale by λ^L", scale.mil_eq9),
    ),
    audit=replace(
        _one_row_audit("mil.thm1.1b", True, "c_L (||u_0||_L^L + ||v_0||_L^L) = 24"),
        limit_bound=THEOREM_1_1_BOUND,
    ),
)

declare(
    id="mil.thm2.1b",
    expected=Verdict.REFUTED,
    findings=(
        ONE_ROW_FINDING + r"$c_4\|\mathbf x_0\|_4^4=12$ (exact rational).",
        r"False on general instances, at the flow's limit certified by Krawczyk's test: "
        r"$\mathbf A=(1,2,3)$, $y=2$, $L=2$, $\mathbf x_0=10^{-3}\mathbf 1$ gives "
        r"$\varepsilon=2.589\cdot10^{-3}$ against $c_2\|\mathbf x_0\|_2^2=1.115\cdot10^{-5}$ (normalized "
        r"slack $-231.09$); the flow-limit search's first instance, shrunk, is $\mathbf A=(1/4,1/2)$, "
        r"$\mathbf x^*=(1/4,0)$, $L=2$, $\alpha=10^{-2}$.  The limit keeps mass of order larger than "
        r"$\|\mathbf x_0\|_L^L$ off the $\ell_1$ minimizer's support.",
    ),
    checks=(
        SymbolicCheck(
            "one-row instance",
            "the limit of Theorem 2.2 by KKT on A = (1, a2), L = 4, x_0 = 1; ε against c_4 · 2 = 12",
            bc.theorem_2_1_counterexample,
        ),
        limit_search(
            THEOREM_2_1_BOUND,
            positive_flow_instances,
            "(16) on drawn positive-flow instances (checks.flow_strategies): the limit by mil (21)'s "
            "projection in float64, a slack below 1e-3 re-audited with the limit certified at 30-240 digits",
        ),
        SymbolicCheck("scale (16)", "both sides of (16) scale by λ^L", scale.mil_eq16),
    ),
    audit=replace(
        _one_row_audit("mil.thm2.1b", False, "c_L ||x_0||_L^L = 12"), limit_bound=THEOREM_2_1_BOUND
    ),
)

# ------------------------------------------------------------------ ms (II.4)

declare(
    id="ms.thm2.2b",
    expected=Verdict.REFUTED,
    findings=(
        r"False: $A=\begin{pmatrix}21&20&0\\1&0&-10\end{pmatrix}$, $y=(41,1)$, $x^*=(1,1,0)$, $\alpha=10^{-6}$ "
        r"($\varrho=1/2$, $\tilde\varrho=41/2$, $\kappa_*=1$, $C=43$; the smallness hypothesis holds): the ratio "
        r"$\|x^\infty_{\mathcal S^c}-x^*_{\mathcal S^c}\|_\infty/\alpha^{1/2}=0.838\ldots$ is below the printed "
        r"$1-43\cdot10^{-3}=0.957$. The proof's step (III.11) divides by $\|m_{\mathcal S^c}\|_1$ and loses a "
        r"factor $\|m_{\mathcal S}\|_1/\|m_{\mathcal S^c}\|_1\le\tilde\varrho$; with $(1-\tilde\varrho C"
        r"\varepsilon^{1-\varrho})$ the bound holds on this instance.",
    ),
    checks=(
        SymbolicCheck(
            "2 x 3 instance",
            "t(alpha) bracketed from above by t_hi (g increasing, decided); t_hi/sqrt(alpha) against (II.4)",
            lower.ii4_on_counterexample,
        ),
        SymbolicCheck("scale (II.4)", "both sides of (II.4) scale by λ^{2ϱ}", scale.ms_ii4),
        SymbolicCheck(
            "scale of the hypothesis", "the hypothesis of II.2(b) is scale-free", scale.ms_ii4_hypothesis
        ),
    ),
    audit=lazy_formula_audit(
        "ms.thm2.2b",
        (lower.alpha, lower.t_hi),
        lambda: (
            lower.ii4_printed_bound_on_counterexample(),
            lower.ii4_quantity_bound_on_counterexample(),
            lower.ii4_counterexample_hypotheses(),
        ),
        op="<=",
        left_name="(II.4) lower bound",
        right_name="t_hi/sqrt(alpha) (>= the ratio when g(t_hi) >= 0)",
        example={"alpha": "1/1000000", "t_hi": "84/100000"},
        description="the 2 x 3 instance of derivations.ms_lower_bound.COUNTEREXAMPLE at alpha, with t_hi above t(alpha)",
    ),
)
