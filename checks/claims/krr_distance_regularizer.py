"""krr Sections 4-5: the parameter-distance regularizer R_{alpha,1} (8)-(9), its quartic, and (10)."""

from __future__ import annotations

from fractions import Fraction

import sympy as sp

from dlncheck.checks.audit import Audit, AuditResult, decide, judge
from dlncheck.checks.claim import declare
from dlncheck.checks.instances import Instance, InstanceSpec, ParamSpec
from dlncheck.checks.symbolic import SymbolicCheck
from dlncheck.checks.verdicts import Verdict
from dlncheck.derivations import krr_depth_d_model as depth_d
from dlncheck.derivations import krr_quartic_R as quartic

# ------------------------------------------------------------------ (8)-(9)

declare(
    id="krr.eq8",
    equations=("8", "9"),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "linear regression",
            "the gradient-flow limit alpha w0 + X^T(XX^T)^{-1}(y - X alpha w0) solves the KKT system of (8) "
            "with F = id (N = 2, d = 3 symbolic)",
            quartic.linear_regression_flow_limit,
        ),
        SymbolicCheck(
            "limits of R and Q",
            "alpha -> oo: alpha^2 R and alpha^2 Q are positive multiples of beta^2; alpha -> 0: R -> |beta| "
            "and Q/ln(1/alpha^2) -> |beta| (SymPy limits; R through its rational parametrization)",
            quartic.limits_match,
        ),
        SymbolicCheck(
            "convexity of R",
            "r'(z) = mu by the chain rule on the branch (envelope theorem), r'' = (1 - mu^2)^3/(4(1 + 3mu^2)) > 0",
            quartic.r_is_convex,
        ),
    ),
)

# ------------------------------------------------------------------ the quartic p_z


def _audit_quartic(instance: Instance, dps: int) -> AuditResult:
    """alpha > 0 and the branch parameter mu in (-1, 1) give beta = alpha^2 z(mu) exactly."""
    a = sp.Rational(instance.params["alpha"])
    m = sp.Rational(instance.params["mu"])
    hypotheses = (
        judge("-1", "<=", "mu", Fraction(str(m + 1)) if m > -1 else Fraction(-1)),
        judge("mu", "<=", "1", Fraction(str(1 - m)) if m < 1 else Fraction(-1)),
    )
    if m <= -1 or m >= 1:
        return AuditResult("krr.R.quartic", None, (), (), hypotheses)
    z = quartic.z_of_mu(m)
    beta = a**2 * z
    wp, wm = a / (1 - m), a / (1 + m)  # the Lagrange point, scaled by alpha
    assert wp**2 - wm**2 == beta  # F(w) = beta exactly
    R = (wp - a) ** 2 + (wm - a) ** 2  # krr (9) at its minimizer (the branch |mu| < 1)
    poly = sp.Poly(quartic.p_printed(quartic.u, z), quartic.u)
    roots = sorted(set(sp.real_roots(poly)), key=lambda r: float(r))
    r_printed = roots[0]  # the printed "unique real root"; if there are several, the smallest
    if not r_printed.is_Rational:
        raise ArithmeticError(f"the smallest root of p_z at z = {z} is not rational: {r_printed}")
    fr = lambda e: Fraction(int(e.p), int(e.q))  # noqa: E731
    quantities = (
        ("z = beta/alpha^2", fr(z)),
        ("beta", fr(beta)),
        ("R_{alpha,1}(beta), value of (9) at its minimizer", fr(R)),
        ("distinct real roots of p_z", Fraction(len(roots))),
        ("r(beta/alpha^2), smallest real root of p_z", fr(r_printed)),
    )
    relations = (
        decide(
            "distinct real roots of p_z",
            "=",
            "1 (the printed 'unique real root')",
            Fraction(len(roots)),
            Fraction(1),
        ),
        decide("R_{alpha,1}(beta) from (9)", "=", "printed r(beta/alpha^2)", fr(R), fr(r_printed)),
    )
    return AuditResult("krr.R.quartic", None, quantities, relations, hypotheses)


declare(
    id="krr.R.quartic",
    expected=Verdict.REFUTED,
    findings=(
        r"The quartic is right: eliminating $a,b$ from the Lagrange conditions of "
        r"$\min(a-1)^2+(b-1)^2$ s.t. $a^2-b^2=z$ gives exactly $p_z$.",
        r"$p_z$ does not have a unique real root: its discriminant is $-16z^4(16z^2+27)^3<0$ for $z\ne0$, so it has "
        r"exactly two simple real roots (and $p_0(u)=u(u-2)^3$). $r(z)$ is the smaller one; the larger is the value at "
        r"the second real Lagrange point, on the far branch of the hyperbola. E.g. $z=32/9$: roots $10/9$ and "
        r"$\approx8.93$ (the value at $\mu\approx1.519$).",
        r"The scale is missing: (9) with $\mathbf w=\alpha(a,b)$ gives "
        r"$R_{\alpha,\mathbf 1}(\boldsymbol\beta)=\alpha^2\sum_ir(\beta_i/\alpha^2)$ (as for $Q_{\alpha,\mathbf 1}$), "
        r"not $\sum_ir(\beta_i/\alpha^2)$; e.g. $\alpha=2$, $\beta=128/9$: $R=40/9$, printed $10/9$. The argmin in (8) "
        r"is unaffected, but without the factor $R$ would not approach $\|\boldsymbol\beta\|_1$ as $\alpha\to0$.",
        r"On the branch $-1<\mu<1$: $z=4\mu/(1-\mu^2)^2$, $r=2\mu^2(1+\mu^2)/(1-\mu^2)^2$ (a rational "
        r"parametrization of $r$).",
    ),
    checks=(
        SymbolicCheck(
            "quartic by elimination",
            "lex Groebner basis of the Lagrange system of (9) (one coordinate), and the resultant of its "
            "rational parametrization, against p_z",
            quartic.quartic_by_elimination,
        ),
        SymbolicCheck(
            "real roots of p_z",
            "the discriminant of p_z in u (exact sign) and the real roots at z = 32/9, against 'unique'",
            quartic.real_root_count,
        ),
        SymbolicCheck(
            "scale alpha^2",
            "(9) with w = alpha (a, b) against the printed sum_i r(beta_i/alpha^2)",
            quartic.alpha_scaling,
        ),
    ),
    audit=Audit(
        spec=InstanceSpec(
            params=(
                ParamSpec("alpha", "scalar", "the initialization scale alpha", "positive"),
                ParamSpec(
                    "mu", "scalar", "the Lagrange multiplier in (-1, 1); beta = alpha^2 4mu/(1-mu^2)^2"
                ),
            )
        ),
        evaluate=_audit_quartic,
        example={"params": {"alpha": "1", "mu": "1/2"}},
        description="exact: the minimizer of (9) from its Lagrange point, R there, and the real roots of p_z",
        exact=True,
    ),
)

declare(
    id="krr.R.vsQ",
    expected=Verdict.VERIFIED,
    findings=(
        r"With $R_{\alpha,\mathbf 1}$ as defined in (9), $R_{\alpha,\mathbf 1}(\beta)=|\beta|-2\alpha\sqrt{|\beta|}+O(\alpha^2)$ "
        r"per coordinate, while $Q/\ln(1/\alpha^2)=|\beta|+|\beta|(\ln|\beta|-1)/\ln(1/\alpha^2)+o(1/\ln(1/\alpha^2))$. "
        r"Read with the printed formula $\sum_ir(\beta_i/\alpha^2)$ (no factor $\alpha^2$) $R$ would diverge like "
        r"$\|\boldsymbol\beta\|_1/\alpha^2$; see krr.R.quartic.",
    ),
    checks=(
        SymbolicCheck(
            "rates to the l1 norm",
            "lim (R - |beta|)/alpha and lim (Q/ln(1/alpha^2) - |beta|) ln(1/alpha^2) finite and nonzero; "
            "r(z)/z -> 1 and q(z)/(z ln z) -> 1 (q transcendental, no rescaling)",
            quartic.rates_to_l1,
        ),
        SymbolicCheck(
            "q and r differ",
            "q(32/9) - r(32/9) at 50 digits, r(32/9) = 10/9 exactly",
            quartic.q_and_r_differ_at_a_point,
        ),
    ),
)

# ------------------------------------------------------------------ (10)

declare(
    id="krr.eq10",
    equations=("10",),
    expected=Verdict.VERIFIED,
    findings=(
        r"Convention: with krr's loss (no $\frac12$), $L=2\mathcal L^\pm$ of mil (7) with $L=D$, $\mathbf A=X$, "
        r"$\mathbf u=\mathbf w_+$, $\mathbf v=\mathbf w_-$: krr's flow at time $t$ is mil's at $2t$. The tangent kernel "
        r"at initialization is $2D^2\alpha^{2(D-1)}\langle\mathbf x,\mathbf x'\rangle$ ($8\alpha^2$ at $D=2$, as in Sec. 4).",
    ),
    checks=(
        SymbolicCheck(
            "loss conversion",
            "krr loss and gradient of (10) against 2 x mil (7) with L = D (symbolic D, N = d = 2)",
            depth_d.loss_conversion,
        ),
        SymbolicCheck(
            "tangent kernel",
            "kernel of (10) at alpha 1: 8 alpha^2 <x, x'> at D = 2 and alpha^{2(D-1)} K_0 (symbolic D)",
            depth_d.tangent_kernel_at_initialization,
        ),
    ),
)
