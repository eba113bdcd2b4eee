"""krr Appendix H: the kernel regime of matrix factorization (Theorem 9, Lemmas 11-12, Corollary 10)."""

from __future__ import annotations

import dataclasses

import sympy as sp

from dlncheck.checks import flow_strategies_krr_factorization as strategies
from dlncheck.checks import lifted_flow_evaluations as evaluations
from dlncheck.checks.audit import Audit, AuditResult
from dlncheck.checks.claim import declare
from dlncheck.checks.formula_audit import formula_audit
from dlncheck.checks.instances import Instance, InstanceSpec, ParamSpec
from dlncheck.checks.lifted_flow_audit import scalar_audit, scalar_property_check
from dlncheck.checks.sampled_bound_search import SampledBoundSearch
from dlncheck.checks.symbolic import SymbolicCheck
from dlncheck.checks.unchecked import UncheckedPart
from dlncheck.checks.verdicts import Verdict
from dlncheck.derivations import krr_appendix_h as h
from dlncheck.derivations import krr_lifted_scalar_flow as scalar_flow
from dlncheck.derivations import scale_consistency as scale

SCALAR_INSTANCES = "d = N = 1 (X_1 = c = +-10^U(-2,2)), mu = 10^U(-3,3), gamma up to mu lambda/(4 Lambda), ||y(0) - y*|| up to the threshold"
FLOW_INSTANCES = (
    "d = 1..3, N <= min(d^2, 6) Gaussian, matrix-completion or diagonal measurements (Lambda/lambda <= 20), "
    "M0 = mu (I + theta lambda/(4 Lambda) Q diag(e) Q^T), ||y(0) - y*|| up to the threshold"
)
TIGHT = f"re-integrated at rtol {evaluations.TIGHT_RTOL:g} (DOP853)"


def _closed_form_check() -> SymbolicCheck:
    return SymbolicCheck(
        "closed form at d = 1",
        "the lifted flow and its tangent kernel model at one measurement, solved in s = int r dt (what the certified "
        "audit evaluates)",
        scalar_flow.closed_form,
    )


# ------------------------------------------------------------------ Lemma 11


_, _, _L11_DERIVED, _L11_PRINTED = h.prediction_sides()

declare(
    id="krr.lem11",
    equations=("71", "72", "73", "74", "75", "76", "77"),
    expected=Verdict.REFUTED,
    findings=(
        r"(71)-(72) do not follow from the paper's loss $\sum_n(\cdot)^2$ (no $\frac12$): then "
        r"$\dot{\mathbf W}=-4\sum_nr_n\bar{\mathbf X}_n\mathbf W$ and $y'=-2\Sigma(y-y^*)$, i.e. "
        r"$\Sigma_{mn}=8\langle\mathbf W\mathbf W^\top,\bar{\mathbf X}_n\bar{\mathbf X}_m\rangle$; the printed 4 is the "
        r"loss $\frac12\sum_n(\cdot)^2$. The derived $\Sigma$ is also the one whose value at "
        r"$\mathbf W\mathbf W^\top=\mu I$ is the centre $4\mu\mathcal X\mathcal X^\top$ of (74); (72) as printed gives "
        r"$2\mu\mathcal X\mathcal X^\top$ there. The lemma's two bounds survive (the true $\Sigma$ is twice the printed one, so "
        r"(75) and (77) remain valid lower bounds and the decay is only faster); the refutation is of (71)-(72) as "
        r"printed.",
        r"Notation: $\mathbf X_n$ in (71)-(74) must be the lifted $\bar{\mathbf X}_n=\frac12[[0,\mathbf X_n],"
        r"[\mathbf X_n^\top,0]]$ ($2d\times2d$), while $\mathcal X$ has rows $\mathrm{vec}(\mathbf X_n)$; "
        r"$\|\mathrm{vec}\,\bar{\mathbf X}_n\|^2=\frac12\|\mathrm{vec}\,\mathbf X_n\|^2$.",
    ),
    checks=(
        SymbolicCheck(
            "prediction dynamics",
            "y' from gradient flow on the paper's loss (d = 2, k = 1, N = 1 symbolic; larger in the tests) against (71)-(72)",
            h.prediction_dynamics,
        ),
        SymbolicCheck(
            "centre of (74)",
            "Sigma = 8 <W W^T, Xbar_n Xbar_m> at W W^T = mu I is the centre 4 mu calX calX^T of (74)",
            h.sigma_centre_74,
        ),
        SymbolicCheck(
            "Kronecker form (73)",
            "<W W^T, Xbar_n Xbar_m> = vec(Xbar_n)^T (I (x) W W^T) vec(Xbar_m) (d = k = 2 symbolic)",
            h.kronecker_form_73,
        ),
        SymbolicCheck(
            "perturbation identity (74)",
            "W W^T - W0 W0^T = D D^T + D W0^T + W0 D^T (2 x 2 symbolic)",
            h.perturbation_identity_74,
        ),
        UncheckedPart(
            "Chizat et al. Lemma B.1",
            "the step from Sigma >= c to ||y(t) - y*|| <= e^{-ct}||y(0) - y*|| (a Groenwall argument on the flow) "
            "and the operator-norm inequalities of (74) are analytic, not algebraic identities",
        ),
    ),
    audit=formula_audit(
        "krr.lem11",
        _L11_DERIVED,
        _L11_PRINTED,
        left_name="y' by the chain rule from the flow of L",
        right_name="(71): -Sigma (y - y*) with (72)",
        example={s.name: "1" for s in (_L11_DERIVED.free_symbols | _L11_PRINTED.free_symbols)},
    ),
)

# ------------------------------------------------------------------ Lemma 12

declare(
    id="krr.lem12",
    equations=("78", "79", "80", "81"),
    expected=Verdict.REFUTED,
    findings=(
        r"Proof gap, the lemma holds. The first inequality of (80), $\|\mathbf W(T)-\mathbf W(0)\|_F\le\int_0^T"
        r"\|\sum_nr_n\mathbf X_n\mathbf W\|_Fdt$, drops the factor 4 of the paper's loss "
        r"($\dot{\mathbf W}=-4\sum_nr_n\bar{\mathbf X}_n\mathbf W$, krr.lem11); the chain (80) then ends in "
        r"$\|\mathbf W(T)-\mathbf W(0)\|_F\le\sqrt\Lambda\int_0^T\|\mathbf W(t)\|_{op}\|y(t)-y^*\|dt$, which the flow "
        r"violates by a factor $\approx2.8$: at $X_1=c=1$, $\mathbf U(0)=(3,0)$, $\mathbf V(0)=(0,3)$, $y^*=\frac12$, "
        r"$\mu=9$, $\gamma=0$ (inside the hypotheses) the left side tends to $0.11782$ and the right side to $0.04223$ "
        r"(certified at 30 digits; the audit's example).",
        r"Corrected: $\|\dot{\mathbf W}\|_F\le2\sqrt{2\Lambda}\|\mathbf W\|_{op}\|y-y^*\|$ and, with the true "
        r"$\Sigma=8\langle\mathbf W\mathbf W^\top,\bar{\mathbf X}_n\bar{\mathbf X}_m\rangle$, the decay rate at the radius "
        r"(78) is $3\mu\lambda$ (not $\mu\lambda$); the contradiction argument goes through and gives the lemma's bound times "
        r"$2\sqrt2/3\approx0.943$ (derived here). (79) and (81) hold exactly as printed.",
    ),
    checks=(
        SymbolicCheck(
            "(79)-(81)",
            "the identity (79), the last line of (80) and the chain (81) with R of (78)",
            h.lemma12_algebra,
        ),
        _closed_form_check(),
        scalar_property_check(
            "krr.lem12",
            "bound (d = 1, certified)",
            ("first bound",),
            strategies.scalar_lifted_instances,
            f"the lemma's bound on the closed-form flow; {SCALAR_INSTANCES}",
        ),
        SampledBoundSearch(
            "bound (integrated flows)",
            f"the lemma's bound on the flow integrated in float64; {FLOW_INSTANCES}",
            strategies.lifted_flow_instances,
            evaluations.theorem9_evaluation(("first",)),
            "(bound - sup_T ||W(T) - W(0)||_F) / bound",
            TIGHT,
        ),
        scalar_property_check(
            "krr.lem12",
            "(80) as printed",
            ("(80)",),
            strategies.scalar_lifted_instances,
            "||W(T) - W(0)||_F <= sqrt(Lambda) int_0^T ||W(t)||_op ||y(t) - y*|| dt (lines 1-5 of (80)) as T -> oo, "
            f"closed-form flow; {SCALAR_INSTANCES}",
        ),
        SymbolicCheck(
            "(74)-(81) corrected",
            "with W' = -4 sum r_n Xbar_n W: rate 3 mu lambda at R of (78), constant 2 sqrt(2 Lambda), bound x 2 sqrt2/3",
            h.corrected_chain_80_81,
        ),
    ),
    audit=scalar_audit("krr.lem12", ("first bound", "(80)")),
)

# ------------------------------------------------------------------ Theorem 9 and its proof

declare(
    id="krr.thm9.proof",
    equations=("82", "83", "84", "85", "86", "87"),
    expected=Verdict.REFUTED,
    findings=(
        r"Proof gap, Theorem 9 holds. (82) as printed is false on the flow: its velocity difference lacks the factor 4 "
        r"of the paper's loss and $\|\bar{\mathbf X}_n\|_F^2=\frac12\|\mathbf X_n\|_F^2$ is not used, so the true constant is "
        r"$4\sqrt{\Lambda/2}=2\sqrt{2\Lambda}$, not $\sqrt\Lambda$. At the audit's example ($X_1=1$, $\mathbf U(0)=(3,0)$, "
        r"$\mathbf V(0)=(0,3)$, $y^*=\frac12$, $\mu=9$, $\gamma=0$) $\|\mathbf W(T)-\mathbf W_{TK}(T)\|_F\to0.0016359$ while "
        r"the right side of (82) is $0.000605$ (certified; a factor $\approx2.7$).",
        r"(85)-(86) hold on the flows (the residuals decay at rate $\approx4\mu\lambda$, the centre of the true "
        r"$\Sigma=8\langle\mathbf W\mathbf W^\top,\bar{\mathbf X}_n\bar{\mathbf X}_m\rangle$), and (85), (87) are exact as "
        r"algebra. With the true constants (rate $3\mu\lambda$ at Lemma 12's radius, $2\sqrt{2\Lambda}$ in (82)) the "
        r"integral (87) is at most $\frac{2\sqrt2}3$ times Theorem 9's second bound (derived here): the theorem survives.",
    ),
    checks=(
        SymbolicCheck(
            "(85)-(87)",
            "the decay exponents of (85) and the integral (87) against Theorem 9's second bound",
            h.theorem9_integral,
        ),
        _closed_form_check(),
        scalar_property_check(
            "krr.thm9.proof",
            "(82) as printed",
            ("(82)",),
            strategies.scalar_lifted_instances,
            f"the last line of (82) as T -> oo on the closed-form flow; {SCALAR_INSTANCES}",
        ),
        SampledBoundSearch(
            "(85)-(86) (integrated flows)",
            f"||y(t) - y*||, ||y_TK(t) - y*|| <= ||y(0) - y*|| e^(-mu lambda t), ||y_TK - y|| <= 2 ||y(0) - y*|| "
            f"e^(-mu lambda t) at the path's samples; {FLOW_INSTANCES}",
            strategies.lifted_flow_instances,
            evaluations.decay_evaluation,
            "1 - mu lambda / rate(t), rate(t) = ln(c ||y(0) - y*|| / left(t))/t the decay achieved by t "
            "(c = 1 for (85), 2 for (86)): >= 0 iff the bound holds at t",
            TIGHT,
        ),
        SymbolicCheck(
            "(82)-(87) corrected",
            "with W' = -4 sum r_n Xbar_n W: constant 2 sqrt(2 Lambda), decay 3 mu lambda; the integral is <= 2 sqrt2/3 "
            "x Theorem 9's second bound",
            h.corrected_chain_82_87,
        ),
    ),
    audit=scalar_audit("krr.thm9.proof", ("(82)",)),
)

declare(
    id="krr.thm9",
    expected=Verdict.SUPPORTED,
    findings=(
        r"True, although its proof has gaps (krr.lem11, krr.lem12, krr.thm9.proof: the factor 4 of the paper's loss): "
        r"with the true velocity and decay rate the proof gives both bounds times $\frac{2\sqrt2}3\approx0.943$ (derived "
        r"here). On the flows the first bound is the tight one (its smallest slack "
        r"found is $\approx0.27$-$0.35$ depending on the seed, always at $d=1$, against $1-\frac{2\sqrt2}3\approx0.057$ "
        r"guaranteed by the corrected proof); the second is loose by orders of magnitude in the kernel regime (its "
        r"first-order term $2\sqrt\Lambda\sqrt{1+\gamma/\mu}\|y(0)-y^*\|/(\lambda\sqrt\mu)$ bounds a second-order "
        r"quantity).",
        r"'$k\ge d$' is weaker than what the other hypotheses force: $\|\mathbf W(0)\mathbf W(0)^\top-\mu I\|_{op}\le"
        r"\gamma<\mu/4$ makes the $2d\times2d$ Gram matrix nonsingular, so $k\ge2d$.",
    ),
    checks=(
        SymbolicCheck(
            "bounds from the lemmas",
            "the first bound is Lemma 12's, the second the integral (87)",
            h.theorem9_bounds_are_the_lemma_bounds,
        ),
        _closed_form_check(),
        scalar_property_check(
            "krr.thm9",
            "bounds (d = 1, certified)",
            ("first bound", "second bound"),
            strategies.scalar_lifted_instances,
            f"both bounds on the closed-form flow; {SCALAR_INSTANCES}",
        ),
        SampledBoundSearch(
            "bounds (integrated flows)",
            f"both bounds on the flow and its tangent kernel model integrated in float64; {FLOW_INSTANCES}",
            strategies.lifted_flow_instances,
            evaluations.theorem9_evaluation(("first", "second")),
            "min over the two bounds of (bound - sup_T left) / bound",
            TIGHT,
        ),
        SymbolicCheck(
            "corrected proof",
            "(82)-(87) with the true velocity and decay rate: the bounds hold with the factor 2 sqrt2/3",
            h.corrected_chain_82_87,
        ),
        SymbolicCheck("scale, first bound", "both sides scale by λ", scale.krr_thm9_first),
        SymbolicCheck("scale, second bound", "both sides scale by λ", scale.krr_thm9),
    ),
    audit=scalar_audit("krr.thm9", ("first bound", "second bound")),
)

# ------------------------------------------------------------------ Corollary 10 and its proof

_AUDIT_93 = formula_audit(
    "krr.cor10.proof",
    sp.sqrt(h.y0_squared_bound_89()),
    h.required_93(),
    op="<=",
    left_name="sqrt(2Y^2 + 256 k d^3 alpha^4 Lambda^2), (89)",
    right_name="right side of (93) with (90)",
    hypotheses=(*(sp.GreaterThan(h.k, c) for c in h.conditions_94()), sp.LessThan(h.lam, h.Lam)),
    example={"alpha": "1", "lambda": "1", "Lambda": "1", "d": "1", "k": "204800", "Y": "1"},
)
_RESIDUAL_89, _BOUND_89, _DEVIATION_89 = h.initial_residual_89()
_AUDIT_89 = formula_audit(
    "krr.cor10.proof",
    _RESIDUAL_89,
    _BOUND_89,
    op="<=",
    left_name="||y(0) - y*||^2 at U = 2 alpha e_1, V = 2 alpha (t, sqrt(1-t^2), 0, 0), X_1 = c, y* = 0",
    right_name="(89): 2Y^2 + 256 k d^3 alpha^4 Lambda^2 (Y = 0, k = 4, d = 1, Lambda = c^2)",
    hypotheses=(
        sp.StrictLessThan(h.T89, 1),
        sp.StrictLessThan(_DEVIATION_89, 8 * h.alpha**2 * sp.sqrt(2 * h.WIDTH_89)),  # the event of (88)
    ),
    example=h.WITNESS_89,
)


def _either_instance_form(a93: Audit, a89: Audit) -> Audit:
    """One audit for two instance forms: (94) => (93) (width conditions), or (89) at a concrete W(0) (t given)."""
    params: dict[str, ParamSpec] = {}
    for spec_param in (*a93.spec.params, *a89.spec.params):
        params.setdefault(spec_param.name, dataclasses.replace(spec_param, optional=True))

    def evaluate(instance: Instance, dps: int) -> AuditResult:
        chosen = a89 if "t" in instance.params else a93
        return chosen.evaluate(instance, dps)

    return Audit(
        spec=InstanceSpec(params=tuple(params.values())),
        evaluate=evaluate,
        example=a93.example,
        description="(94) => (93) with the width conditions of (94) as hypotheses; or, when t is given, "
        "(89) at the initialization U = 2 alpha e_1, V = 2 alpha (t, sqrt(1-t^2), 0, 0) in the event of (88)",
        default_dps=a93.default_dps,
        exact_where_rational=a93.exact_where_rational or a89.exact_where_rational,
    )


declare(
    id="krr.cor10.proof",
    equations=tuple(str(n) for n in range(88, 101)),
    expected=Verdict.REFUTED,
    findings=(
        r"(94) does not imply (93): in the second case (97) needs $\frac{\alpha^2\lambda k}{\sqrt\Lambda(4+16\Lambda/\lambda)}"
        r"\ge2Y$, i.e. $k\ge\frac{8Y\sqrt\Lambda(\lambda+4\Lambda)}{\alpha^2\lambda^2}$, not the printed "
        r"$k\ge\frac{Y}{2\alpha^2\sqrt\Lambda(\lambda+4\Lambda)}$. At $\alpha=\lambda=\Lambda=d=1$, $k=204800$, "
        r"$Y=2048000$ every condition of (94) holds but (93) fails (left $\approx2.9\cdot10^6$, right "
        r"$\approx2.2\cdot10^4$). The corrected condition is still $\alpha^2=\Omega(1/k)$, so Corollary 10's form "
        r"survives.",
        r"(89) is false for small $\Lambda$: its last step needs $\|\mathcal X\|_F^2\le d\Lambda^2$ (one measurement "
        r"$c$: $\|\mathcal X\|_F^2=c^2=\Lambda>d\Lambda^2$ for $c^2<1/d$). At $d=1$, $k=4$, $X_1=c=1/100$, $y^*=0$, "
        r"$\mathbf U(0)=(2,0,0,0)$, $\mathbf V(0)=(6/5,8/5,0,0)$ (in the event of (88): deviation $12/5<8\sqrt8$) "
        r"$\|y(0)-y^*\|^2=576/10^6>1024/10^8$. What holds is $\|\mathcal X\|_F^2\le N\Lambda\le d^2\Lambda$, giving "
        r"$2Y^2+256kd^4\alpha^4\Lambda$.",
        r"The last step of (99) drops a factor $\sqrt2$: from its middle line the last term is "
        r"$64\sqrt2\,d^{3/2}\Lambda^{3/2}\alpha/\lambda$, not $64\,d^{3/2}\Lambda^{3/2}\alpha/\lambda$ (the printed "
        r"value follows from $\|y(0)-y^*\|\le2Y+16\sqrt{kd^3\alpha^4\Lambda^2}$ as in (98)). (99) also writes "
        r"$\sqrt{1+\lambda/(2\Lambda)}$ where Theorem 9 has $\lambda/(4\Lambda)$, and (93) $8\sqrt{2kd}/\sqrt k$ for "
        r"$8\sqrt{2kd}/k$ (typos that do not change the argument).",
        r"(88) (Lemma 13 with $d\to2d$), (91), (92), (95), (96) and (98) hold exactly.",
    ),
    checks=(
        SymbolicCheck(
            "(88), (91), (92), (95), (96)",
            "Lemma 13 at 2d, the threshold of (91), (92) with (90), the chain (95) (sqrt(1-x) <= 1 - x/2) and the equality of (96)",
            h.corollary10_constants,
        ),
        SymbolicCheck(
            "(94)-(97) second case",
            "the width that makes (97) hold against the third condition of (94); witness audited on (93)",
            h.case_two_condition_97,
        ),
        SymbolicCheck(
            "(89)",
            "||y(0) - y*||^2 at a concrete W(0) in the event of (88) (d = 1, k = 4, X_1 = c) against (89)",
            h.initial_residual_bound_89,
        ),
        SymbolicCheck(
            "(98)-(99)",
            "(98) and the last step of (99) from their middle lines",
            h.final_bounds_98_99,
        ),
    ),
    audit=_either_instance_form(_AUDIT_93, _AUDIT_89),
)

declare(
    id="krr.cor10",
    equations=("69", "70"),
    expected=Verdict.SUPPORTED,
    findings=(
        r"The O-forms hold with explicit constants once (89) is corrected ($\|\mathcal X\|_F^2\le N\Lambda$, "
        r"krr.cor10.proof): on the event of (88) and under Theorem 9's hypotheses at (90), (69) $\le\frac{\sqrt2"
        r"\sqrt{\Lambda+\lambda/4}\,Y}{\lambda\alpha\sqrt k}+\frac{16d\sqrt{N\Lambda}\sqrt{\Lambda+\lambda/4}}\lambda\alpha$ and "
        r"(70) $\le\frac{C_{2a}}{\alpha^3k^{3/2}}+\frac{C_{2b}}{\alpha\sqrt k}+C_{2c}\alpha$ (derived here; $N\le d^2$), and "
        r"the flows from Gaussian initializations stay below them. 'k large (94)' must be read as the corrected "
        r"(93) (the printed (94) does not imply (93), krr.cor10.proof); it is still $\alpha^2=\Omega(1/k)$ with $k$ above "
        r"a constant depending on $\Lambda,\lambda,d,Y$.",
        r"The probability comes from Lemma 13 at $2d$ (supported by sampling, krr.lem13); among the drawn "
        r"initializations the ones outside the event of (88) are counted in the search's evidence.",
    ),
    checks=(
        SymbolicCheck(
            "O-form (100)",
            "each term of (98)-(99) over its O-term is free of alpha and k (for k >= 1)",
            h.big_o_form_100,
        ),
        SymbolicCheck(
            "explicit constants",
            "(89) corrected and Theorem 9's bounds at (90) give (69)-(70) with constants in Lambda, lambda, d, N, Y",
            h.corollary10_corrected,
        ),
        SampledBoundSearch(
            "(69)-(70) (integrated flows, Gaussian initialization)",
            "U(0), V(0) with i.i.d. N(0, alpha^2) entries (their Gram drawn exactly by Bartlett's decomposition), "
            "d = 1, 2, Lambda/lambda <= 4, k above the width where the corrected (93) can hold, alpha^2 above its "
            "smallest value there; on the event of (88) the flow's sups against the explicit constants",
            strategies.gaussian_initialization_instances,
            evaluations.corollary10_evaluation,
            "min over (69), (70) of (explicit bound - sup_T left) / explicit bound",
            TIGHT,
        ),
    ),
)

# ------------------------------------------------------------------ Lemma 13

declare(
    id="krr.lem13",
    expected=Verdict.SUPPORTED,
    findings=(
        r"Follows from the cited covariance bound with $\delta=\sqrt{d/k}$ ($\sigma^2k(2\epsilon+\epsilon^2)="
        r"4\sigma^2(\sqrt{kd}+d)\le8\sigma^2\sqrt{kd}$ iff $d\le k$). Far from tight: no sampled Gram "
        r"matrix fell in the event (the largest $\|WW^\top-\sigma^2kI\|_{op}/(8\sigma^2\sqrt{kd})$ of the smallest-slack instance is in the "
        r"search's evidence; typically $\approx(2\sqrt{kd}+d)/(8\sqrt{kd})\le\frac38$).",
    ),
    checks=(
        SymbolicCheck(
            "from the cited bound",
            "Wainwright (2019)'s ||Sigma_hat - Sigma|| <= (2 eps + eps^2)||Sigma|| w.p. >= 1 - 2 exp(-k delta^2/2), "
            "eps = sqrt(d/k) + delta, at delta = sqrt(d/k)",
            h.lemma13_from_wainwright,
        ),
        SampledBoundSearch(
            "sampled Gram matrices",
            "d = 1..12, k = d..10^4 d: W W^T drawn by Bartlett's decomposition (sigma = 1: the event is scale-free), "
            "exceedances counted, a one-sided Clopper-Pearson bound at level 1 - 1e-6 against 2 exp(-d/2)",
            strategies.wishart_instances,
            evaluations.lemma13_evaluation,
            "(2 exp(-d/2) - upper confidence bound of the probability) / 2 exp(-d/2)",
            "twice the samples, a fresh seed",
            kind="property",
        ),
    ),
)

# ------------------------------------------------------------------ the text after Corollary 10

_A = sp.Symbol("a", positive=True)

declare(
    id="krr.appH.text",
    expected=Verdict.REFUTED,
    findings=(
        r"With $\sigma=\alpha^2\sqrt k$, $\sigma=\omega(1/\sqrt k)$ iff $\alpha^2k\to\infty$ iff $\alpha=\omega(1/\sqrt k)$, "
        r"not $\alpha=\omega(1/k)$: $\alpha=k^{-3/4}$ goes to zero slower than $1/k$ but gives $\sigma\sqrt k=k^{-1/2}\to0$. "
        r"Corrected: '$\alpha$ goes to zero slower than $1/\sqrt k$'. The condition on $\sigma$ is right: it is "
        r"$\alpha\sqrt k\to\infty$, which makes (69)-(70) small relative to $\|\mathbf W(0)\|_F\approx\alpha\sqrt{2dk}$.",
    ),
    checks=(
        SymbolicCheck(
            "sigma and the bounds",
            "sigma sqrt(k) = (alpha sqrt(k))^2: sigma = omega(1/sqrt k) iff the terms of (69)-(70) vanish",
            h.sigma_condition_matches_bounds,
        ),
        SymbolicCheck(
            "alpha threshold",
            "alpha = k^{-a}: sigma = omega(1/sqrt k) iff a < 1/2, against the printed a < 1",
            h.kernel_regime_exponent,
        ),
    ),
    audit=formula_audit(
        "krr.appH.text",
        sp.Integer(0),
        1 - 2 * _A,
        op="<=",
        left_name="0",
        right_name="exponent of k in sigma sqrt(k) for alpha = k^{-a} (must be > 0)",
        hypotheses=(sp.StrictLessThan(_A, 1),),
        example={"a": "1/4"},
        description="alpha = k^{-a} with 0 < a < 1 (the printed 'slower than 1/k'): is sigma sqrt(k) -> oo?",
    ),
)
