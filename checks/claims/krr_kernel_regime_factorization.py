"""krr Appendix H: the kernel regime of matrix factorization (Theorem 9, Lemmas 11-12, Corollary 10)."""

from __future__ import annotations

import dataclasses

import sympy as sp

from checks.audit import Audit, AuditResult
from checks.claim import Kind, declare
from checks.formula_audit import formula_audit
from checks.instances import Instance, InstanceSpec, ParamSpec
from checks.symbolic import SymbolicCheck
from checks.unchecked import UncheckedPart
from checks.verdicts import Verdict
from derivations import krr_appendix_h as h

# ------------------------------------------------------------------ Lemma 11


_, _, _L11_DERIVED, _L11_PRINTED = h.prediction_sides()

declare(
    id="krr.lem11",
    paper="krr",
    label="Lemma 11, eqs. (71)-(77)",
    equations=("71", "72", "73", "74", "75", "76", "77"),
    section="Appendix H.1 (Proof of Theorem 9)",
    kind=Kind.INEQUALITY,
    statement=(
        r"If $\sup_{t\le T}\|\mathbf W(t)-\mathbf W(0)\|_F\le R$: $\|y(t)-y^*\|\le\|y(0)-y^*\|\exp(-2\mu\lambda t"
        r"+4\Lambda(\gamma+R^2+2R\sqrt{\mu+\gamma})t)$ and $\|y_{TK}(t)-y^*\|\le\|y_{TK}(0)-y^*\|\exp(-2\mu\lambda t"
        r"+4\Lambda\gamma t)$; proved via $y'(t)=-\Sigma(t)(y(t)-y^*)$ (71) with "
        r"$\Sigma(t)_{m,n}=4\langle\mathbf W(t)\mathbf W(t)^\top,\mathbf X_n\mathbf X_m\rangle$ (72), (73)-(77)."
    ),
    hypotheses=(
        r"$\|\mathbf W(0)\mathbf W(0)^\top-\mu I\|_{op}\le\gamma$",
        r"$0\prec\lambda I\preceq\mathcal X\mathcal X^\top\preceq\Lambda I$",
        r"loss $L=\sum_n(\langle\mathbf X_n,\mathbf U\mathbf V^\top\rangle-y_n)^2$ (krr Sec. 6)",
    ),
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
    paper="krr",
    label="Lemma 12, eqs. (78)-(81)",
    equations=("78", "79", "80", "81"),
    section="Appendix H.1 (Proof of Theorem 9)",
    kind=Kind.INEQUALITY,
    statement=(
        r"Under the hypotheses of Theorem 9: $\sup_{t\ge0}\|\mathbf W(t)-\mathbf W(0)\|_F\le"
        r"\frac{\sqrt{\Lambda+\lambda/4}\|y(0)-y^*\|}{\lambda\sqrt\mu}$; with $R:=\sqrt{\mu+\frac{\mu\lambda}{4\Lambda}}"
        r"-\sqrt{\mu+\gamma}>0$ (78) one has $2\mu\lambda-4\Lambda(\gamma+R^2+2R\sqrt{\mu+\gamma})=\mu\lambda$ (79) and a "
        r"contradiction argument (80)-(81)."
    ),
    depends_on=("krr.lem11",),
    expected=Verdict.INCONCLUSIVE,
    findings=(
        r"(79), the last line of (80) and the chain (81) hold exactly. The first inequality of (80) uses "
        r"$\|\dot{\mathbf W}\|_F\le\|\sum_nr_n\mathbf X_n\mathbf W\|_F$, but the paper's loss gives "
        r"$\dot{\mathbf W}=-4\sum_nr_n\bar{\mathbf X}_n\mathbf W$ (see krr.lem11). With the correct flow the constant "
        r"becomes $4\sqrt{\Lambda/2}=2\sqrt2\sqrt\Lambda$ and the decay rate $3\mu\lambda$ instead of $\mu\lambda$, so "
        r"the bound still holds (factor $2\sqrt2/3<1$); this is not checked here.",
    ),
    checks=(
        SymbolicCheck(
            "(79)-(81)",
            "the identity (79), the last line of (80) and the chain (81) with R of (78)",
            h.lemma12_algebra,
        ),
        UncheckedPart(
            "(80) flow step",
            "the norm of the velocity in (80) and the contradiction argument on the flow are analytic; the printed "
            "velocity bound lacks the factor 4 of the paper's loss (the conclusion survives by an argument not "
            "checked here)",
        ),
    ),
)

# ------------------------------------------------------------------ Theorem 9 and its proof

declare(
    id="krr.thm9.proof",
    paper="krr",
    label="eqs. (82)-(87)",
    equations=("82", "83", "84", "85", "86", "87"),
    section="Appendix H.1 (Proof of Theorem 9)",
    kind=Kind.INEQUALITY,
    statement=(
        r"$\|\mathbf W(T)-\mathbf W_{TK}(T)\|_F\le\sqrt\Lambda\int_0^\infty\|\mathbf W(t)-\mathbf W(0)\|_{op}"
        r"\|y(t)-y^*\|+\|\mathbf W(0)\|_{op}\|y_{TK}(t)-y(t)\|dt$ (82); (85) both residuals decay like "
        r"$e^{-\mu\lambda t}$; (86) $\|y_{TK}-y\|\le2\|y(0)-y^*\|e^{-\mu\lambda t}$; integrating gives the bound of "
        r"Theorem 9 (87)."
    ),
    depends_on=("krr.lem11", "krr.lem12"),
    expected=Verdict.INCONCLUSIVE,
    findings=(
        r"(85) and (87) are exact: the decay rate at the radius (78) is $\mu\lambda$, the tangent-kernel rate "
        r"$2\mu\lambda-4\Lambda\gamma\ge\mu\lambda$ iff $\mu\ge4\Lambda\gamma/\lambda$, and the integral equals the "
        r"printed bound. (82) has the same missing factor 4 in the velocity as (80).",
    ),
    checks=(
        SymbolicCheck(
            "(85)-(87)",
            "the decay exponents of (85) and the integral (87) against Theorem 9's second bound",
            h.theorem9_integral,
        ),
        UncheckedPart(
            "(82)",
            "the integral inequality (82) for the flow difference is analytic (and its velocity lacks the factor "
            "4 of the paper's loss)",
        ),
    ),
)

declare(
    id="krr.thm9",
    paper="krr",
    label="Theorem 9",
    section="Appendix H",
    kind=Kind.INEQUALITY,
    statement=(
        r"Let $k\ge d$, $\lambda I\preceq\mathcal X\mathcal X^\top\preceq\Lambda I$, $\gamma\ge0$, "
        r"$\mu>4\Lambda\gamma/\lambda$, $\|\mathbf W(0)\mathbf W(0)^\top-\mu I\|_{op}\le\gamma$, $\|y(0)-y^*\|\le"
        r"\frac{\mu\lambda}{\sqrt\Lambda}(1-\sqrt{(1+\gamma/\mu)/(1+\lambda/(4\Lambda))})$. Then "
        r"$\sup_T\|\mathbf W(T)-\mathbf W(0)\|_F\le\frac{\sqrt{\Lambda+\lambda/4}\|y(0)-y^*\|}{\lambda\sqrt\mu}$ and "
        r"$\sup_T\|\mathbf W(T)-\mathbf W_{TK}(T)\|_F\le\frac{\Lambda\sqrt{1+\lambda/(4\Lambda)}\|y(0)-y^*\|^2}"
        r"{\lambda^2\mu^{3/2}}+\frac{2\sqrt\Lambda\sqrt{1+\gamma/\mu}\|y(0)-y^*\|}{\lambda\sqrt\mu}$."
    ),
    depends_on=("krr.lem11", "krr.lem12", "krr.thm9.proof"),
    expected=Verdict.INCONCLUSIVE,
    checks=(
        SymbolicCheck(
            "bounds from the lemmas",
            "the first bound is Lemma 12's, the second the integral (87)",
            h.theorem9_bounds_are_the_lemma_bounds,
        ),
        UncheckedPart(
            "flow bounds",
            "the bounds are statements about the gradient flow; their analytic steps (Lemmas 11-12, (82)) are "
            "not established symbolically (numeric evidence belongs to the flow audits)",
        ),
    ),
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
    paper="krr",
    label="eqs. (88)-(100)",
    equations=tuple(str(n) for n in range(88, 101)),
    section="Appendix H.2 (Proof of Corollary 10)",
    kind=Kind.INEQUALITY,
    statement=(
        r"(88) $\mathbb P[\|\mathbf W\mathbf W^\top-\alpha^2kI\|<8\alpha^2\sqrt{2kd}]\ge1-2e^{-d}$; (89) "
        r"$\|y(0)-y^*\|^2\le2Y^2+256kd^3\alpha^4\Lambda^2$; (90) $\gamma=8\alpha^2\sqrt{2kd}$, $\mu=\alpha^2k$; (91) "
        r"$\mu>4\Lambda\gamma/\lambda\iff k>2048\Lambda^2d/\lambda^2$; (93) is implied by (94) "
        r"$k\ge\max\{\frac{8192\Lambda^2d}{\lambda^2},\frac{512d^3\Lambda^3(4+16\Lambda/\lambda)^2}{\lambda^2},"
        r"\frac{Y}{2\alpha^2\sqrt\Lambda(\lambda+4\Lambda)}\}$; (95) $\sqrt{\frac{1+8\sqrt{2d}/\sqrt k}{1+\lambda/(4\Lambda)}}"
        r"\le1-\frac1{4+16\Lambda/\lambda}$; (96)-(97) case analysis; (98)-(100) final bounds with a constant $c$."
    ),
    depends_on=("krr.thm9", "krr.lem13"),
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
    paper="krr",
    label="Corollary 10, eqs. (69)-(70)",
    equations=("69", "70"),
    section="Appendix H",
    kind=Kind.INEQUALITY,
    statement=(
        r"Let $\lambda I\preceq\mathcal X\mathcal X^\top\preceq\Lambda I$, $\|y^*\|\le Y$. If $\mathbf U(0),\mathbf V(0)$ "
        r"have i.i.d. $\mathcal N(0,\alpha^2)$ entries with $\alpha^2\ge\Omega(k^{-1})$, then w.p. $\ge1-2\exp(-d)$: "
        r"$\sup_T\|[\mathbf U;\mathbf V](T)-[\mathbf U;\mathbf V](0)\|_F\le O(\frac1{\alpha\sqrt k}+\alpha)$ (69), "
        r"$\sup_T\|[\mathbf U;\mathbf V](T)-[\mathbf U_{TK};\mathbf V_{TK}](T)\|_F\le O(\frac1{\alpha^3k^{3/2}}"
        r"+\frac1{\alpha\sqrt k}+\alpha)$ (70)."
    ),
    hypotheses=(r"$k$ large (conditions (94))",),
    depends_on=("krr.thm9", "krr.lem13", "krr.cor10.proof"),
    expected=Verdict.INCONCLUSIVE,
    findings=(
        r"The O-forms follow from (98)-(99) with constants depending on $\Lambda,\lambda,d,Y$; with the corrected "
        r"width condition of (97) (see krr.cor10.proof) the hypothesis is still $\alpha^2=\Omega(1/k)$.",
    ),
    checks=(
        SymbolicCheck(
            "O-form (100)",
            "each term of (98)-(99) over its O-term is free of alpha and k (for k >= 1)",
            h.big_o_form_100,
        ),
        UncheckedPart(
            "Theorem 9 and Lemma 13",
            "the corollary rests on Theorem 9 (flow bounds) and the Wishart concentration of Lemma 13, neither of "
            "which is established symbolically",
        ),
    ),
)

# ------------------------------------------------------------------ the text after Corollary 10

_A = sp.Symbol("a", positive=True)

declare(
    id="krr.appH.text",
    paper="krr",
    label="text after Corollary 10",
    section="Appendix H",
    kind=Kind.ASYMPTOTIC,
    statement=(
        r"GF on matrix factorization stays in the kernel regime whenever $\sigma=\alpha^2\sqrt k$ satisfies "
        r"$\sigma=\omega(1/\sqrt k)$; the kernel regime can happen even when $\sigma\to0$ 'as long as $\sigma$ goes to "
        r"zero slower than $1/\sqrt k$ (or $\alpha$ goes to zero slower than $1/k$)'."
    ),
    depends_on=("krr.cor10",),
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
