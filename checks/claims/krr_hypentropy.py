"""krr Section 4 and Appendices D-E: the hypentropy q, Q_alpha, its expansions, and Lemma 5."""

from __future__ import annotations

import math
from fractions import Fraction

import sympy
from flint import arb
from hypothesis import strategies as st

from dlncheck.checks.audit import (
    VIOLATED,
    Audit,
    AuditResult,
    decide,
    judge,
)
from dlncheck.checks.claim import declare
from dlncheck.checks.formula_audit import formula_audit
from dlncheck.checks.instances import Instance, InstanceSpec, ParamSpec
from dlncheck.checks.property import PropertyCheck
from dlncheck.checks.symbolic import SymbolicCheck
from dlncheck.checks.verdicts import Verdict
from dlncheck.derivations import hypentropy as q_derivation
from dlncheck.derivations import hypentropy_bounds, hypentropy_expansions
from dlncheck.numerics import hypentropy
from dlncheck.numerics.enclosures import ball, ball_precision

# ------------------------------------------------------------------------------ krr (21)


def _audit_q(instance: Instance, dps: int) -> AuditResult:
    z = instance.params["z"]
    with ball_precision(dps):
        closed = hypentropy.q_interval(ball(z))
        quad = hypentropy.q_by_quadrature(z)
        relation = decide("int_0^z arcsinh(t/2) dt (quadrature)", "=", "closed form (21)", quad, closed)
    notes = (
        "the quadrature is arb's certified adaptive Gauss-Legendre integration (python-flint "
        "acb.integral) and the closed form a rigorous interval: a difference is certified",
    )
    return AuditResult(
        "krr.eq.q", dps, (("quadrature", quad), ("closed form", closed)), (relation,), notes=notes
    )


declare(
    id="krr.eq.q",
    equations=("21",),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "antiderivative",
            "SymPy's integral, and q' = arcsinh(z/2) with q(0) = 0, against (21)",
            q_derivation.q_antiderivative,
        ),
    ),
    audit=Audit(
        spec=InstanceSpec(params=(ParamSpec("z", "scalar", "the argument z"),)),
        evaluate=_audit_q,
        example={"params": {"z": "-37/4"}, "dps": 40},
        description="certified quadrature (arb) of arcsinh(t/2) against the closed form in intervals",
        max_dps=lambda instance: hypentropy.quadrature_max_dps(instance.params["z"]),
        max_dps_reason="its certified quadrature costs about dps² (1 + log2 |z|): 2 s at 1,000 digits and z = 37/4",
    ),
)

# ------------------------------------------------------------------------------ Lemma 5

LEMMA5_SPEC = InstanceSpec(
    params=(
        ParamSpec("beta", "vector", "the vector beta (d = its length)", "nonzero"),
        ParamSpec("epsilon", "scalar", "the accuracy eps > 0", "positive"),
        ParamSpec("alpha", "scalar", "the initialization scale alpha > 0", "positive"),
        ParamSpec("log_alpha", "scalar", "ln(alpha)"),
        ParamSpec(
            "log_alpha_gap",
            "scalar",
            "u >= 0 with ln(alpha) = ln(alpha_1(eps, |beta|_1, d)) - u",
            "nonnegative",
        ),
    ),
    one_of=(("alpha", "log_alpha", "log_alpha_gap"),),
)


def _lift(x):
    return ball(x) if isinstance(x, Fraction) else x


def _add(a, b):
    """a + b, exact when both are rationals, else in balls."""
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return a + b
    return _lift(a) + _lift(b)


def _mul(a, b):
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return a * b
    return _lift(a) * _lift(b)


def _threshold(eps: Fraction, l1: Fraction, d: int):
    """T = -2 ln alpha_1 = max{0, -ln|b|_1, ln(2|b|_1)/eps, d/(eps |b|_1)}: exact when a rational term wins."""
    rational = max(Fraction(0), Fraction(d) / (eps * l1))
    logs = []
    if l1 != 1:
        logs.append(-ball(l1).log())
    if 2 * l1 != 1:
        logs.append((2 * ball(l1)).log() / ball(eps))
    bound = ball(rational)
    if all(t < bound for t in logs):
        return rational
    for t in logs:
        bound = bound.max(t)
    return bound


def _intersect(a: arb, b: arb) -> arb:
    if not a.overlaps(b):
        raise ArithmeticError("the direct and the rearranged lower margins do not overlap")
    return a.intersection(b)


def _audit_lemma5(instance: Instance, dps: int) -> AuditResult:
    p = instance.params
    beta, eps = p["beta"], p["epsilon"]
    d = len(beta)
    l1 = sum((abs(b) for b in beta), Fraction(0))
    nonzero = [abs(b) for b in beta if b != 0]
    with ball_precision(dps):
        T = _threshold(eps, l1, d)
        if "log_alpha_gap" in p:
            ell = _add(T, 2 * p["log_alpha_gap"])
            hyp_margin = p["log_alpha_gap"]  # ln alpha_1 - ln alpha = u by construction
        elif "log_alpha" in p:
            ell = -2 * p["log_alpha"]
            hyp_margin = _add(ell, -T) / 2
        else:
            ell = -2 * ball(p["alpha"]).log()
            hyp_margin = _add(ell, -T) / 2
        hypothesis = judge("ln alpha", "<=", "ln alpha_1(eps, |beta|_1, d)", hyp_margin)
        quantities = [("ln alpha", -_lift(ell) / 2), ("ln alpha_1", -_lift(T) / 2)]
        if hypothesis.status == VIOLATED:
            return AuditResult("krr.lem5", dps, tuple(quantities), (), (hypothesis,))
        ell_ball = _lift(ell)
        mid = hypentropy.Q_alpha_interval(beta, -ell_ball / 2) / ell_ball
        low_bound, up_bound = (1 - eps) * l1, (1 + eps) * l1
        # The lower bound is attained in the limit: decide it from the cancellation-free form
        # (numerics.hypentropy), intersected with the direct one as a consistency check.
        alpha2 = (-ell_ball).exp()
        k_term = _add(_mul(eps * l1, ell), Fraction(-len(nonzero)))  # exact when ell is
        rearranged = sum((hypentropy.lower_margin_terms_interval(b, alpha2) for b in nonzero), arb(0))
        lower_margin = _intersect(mid - ball(low_bound), (rearranged + _lift(k_term)) / ell_ball)
        lower = judge("(1-eps)|beta|_1", "<=", "Q_alpha(beta)/ln(1/alpha^2)", lower_margin)
        upper = decide("Q_alpha(beta)/ln(1/alpha^2)", "<=", "(1+eps)|beta|_1", mid, ball(up_bound))
        band = ball(eps * l1)
        slack = lower.margin.min(upper.margin) / band
        quantities += [
            ("(1-eps)|beta|_1", low_bound),
            ("Q_alpha(beta)/ln(1/alpha^2)", mid),
            ("(1+eps)|beta|_1", up_bound),
        ]
    return AuditResult("krr.lem5", dps, tuple(quantities), (lower, upper), (hypothesis,), slack=slack)


def _log_of_fraction(x: Fraction) -> float:
    return math.log(x.numerator) - math.log(x.denominator)


def _lemma5_slack(instance: Instance) -> float:
    p = instance.params
    beta = [float(b) for b in p["beta"]]
    eps = float(p["epsilon"])
    l1 = math.fsum(abs(b) for b in beta)
    if "log_alpha_gap" in p:
        log_alpha = hypentropy.log_alpha1_float(eps, l1, len(beta)) - float(p["log_alpha_gap"])
    elif "log_alpha" in p:
        log_alpha = float(p["log_alpha"])
    else:
        log_alpha = _log_of_fraction(p["alpha"])
    return hypentropy.lemma5_margins(beta, eps, log_alpha).slack


def _float_text(x: float) -> str:
    return repr(float(x))


@st.composite
def lemma5_instances(draw) -> dict:
    """beta in R^d (d <= 12) with entries 0, +-1 or +-10^U(-8, 12); eps rational or 10^U(-4, 1);
    alpha at the threshold alpha_1 (gap 0) or below it by a log-uniform gap."""
    d = draw(st.integers(1, 12))
    magnitude = st.one_of(
        st.just("1"),
        st.just("0"),
        st.floats(-8, 12).map(lambda e: _float_text(10.0**e)),
    )
    entries = draw(st.lists(st.tuples(st.booleans(), magnitude), min_size=d, max_size=d))
    beta = [m if (positive or m == "0") else "-" + m for positive, m in entries]
    if all(b == "0" for b in beta):
        beta[0] = "1"
    eps = draw(
        st.one_of(
            st.sampled_from(["1/2", "1/10", "1/100", "1/1000"]),
            st.floats(-4, 1).map(lambda e: _float_text(10.0**e)),
        )
    )
    gap = draw(st.one_of(st.just("0"), st.floats(-12, 3).map(lambda e: _float_text(10.0**e))))
    return {"params": {"beta": beta, "epsilon": eps, "log_alpha_gap": gap}}


declare(
    id="krr.lem5",
    expected=Verdict.SUPPORTED,
    findings=(
        r"The lower bound is sharp: at $\boldsymbol\beta=\mathbf e_1$, $d=1$, $\alpha=\alpha_1$ the margin is "
        r"$O(\alpha^2)$, because $\ln x\ge1-1/x$ in (28) is tight at $|\beta_i|=1$ and "
        r"$\alpha_1=\exp(-d/(2\epsilon\|\boldsymbol\beta\|_1))$ makes $d/\ln(1/\alpha^2)=\epsilon\|\boldsymbol\beta\|_1$.",
    ),
    checks=(
        SymbolicCheck(
            "derivation (22), (25)-(29)",
            "evenness, the upper bound (25)-(26) and the lower bound (27)-(29), each proven in SymPy",
            lambda: _lemma5_symbolic(),
        ),
        PropertyCheck(
            name="two-sided bound",
            description="random beta, d, eps and alpha <= alpha_1 (gap 0 = at the threshold)",
            instances=lemma5_instances,
            slack=_lemma5_slack,
            slack_doc=(
                "min(Q/ell - (1-eps)|beta|_1, (1+eps)|beta|_1 - Q/ell) / (eps |beta|_1), "
                "ell = ln(1/alpha^2): the fraction of the allowed band eps|beta|_1 left "
                "unused on the tighter side"
            ),
        ),
    ),
    audit=Audit(
        spec=LEMMA5_SPEC,
        evaluate=_audit_lemma5,
        example={"params": {"beta": ["1"], "epsilon": "1/100", "log_alpha_gap": "0"}, "dps": 60},
        description="Q_alpha from (21) in interval arithmetic; the lower margin also in a "
        "cancellation-free form, since the bound is attained in the limit",
    ),
)


# ------------------------------------------------------------------------------ Lemma 5, symbolic


def _lemma5_symbolic():
    """Lemma 5 = (22) + (25)-(26) + (27)-(29): the derivations of its three steps together."""
    from dlncheck.derivations.derivation import Derivation, Part

    pieces = (
        q_derivation.q_is_even(),
        hypentropy_bounds.lemma5_upper_bound(),
        hypentropy_bounds.lemma5_lower_bound(),
    )
    return Derivation.from_parts(
        [Part(d.title, d.outcome, d.derived, d.residual, str(d.outcome), printed=d.printed) for d in pieces],
        title="Lemma 5 from (22), (25)-(26) and (27)-(29)",
        steps=[step for d in pieces for step in d.steps],
        derived=pieces[-1].derived,
        printed=pieces[-1].printed,
        assumptions="w0 = 1, eps > 0, alpha <= alpha_1 (< 1: its exp term is < 1)",
        instance=None,  # each step's derivation keeps its own witness
    )


# ------------------------------------------------------------------------------ (18)-(20)

declare(
    id="krr.eq19",
    equations=("18", "19", "20"),
    expected=Verdict.VERIFIED,
    findings=(
        r"The gradient of (20)-(21) is (19) exactly, $b_\alpha$ is increasing with right inverse (19), $Q(0)=0$ and "
        r"$q''=1/\sqrt{4+z^2}>0$ (so the KKT conditions are sufficient). The constant in $\nu$ depends on the flow's "
        r"normalization (krr.eq15) and does not enter.",
    ),
    checks=(
        SymbolicCheck(
            "gradient and inverse",
            "differentiate (20)-(21) (d = 3, symbolic alpha, w0, beta) against (19); b_alpha(b_alpha^{-1}) = id",
            q_derivation.gradient_is_inverse_link,
        ),
    ),
)

declare(
    id="krr.lem5.even",
    equations=("22",),
    expected=Verdict.VERIFIED,
    findings=(
        r"(22) writes $\operatorname{arcsin}$ where $q$ has $\operatorname{arcsinh}$; the function used in (22) is "
        r"$g(x)=x\operatorname{arcsinh}(x/2)$, which is even, and so are $q$ and $Q_\alpha$.",
    ),
    checks=(
        SymbolicCheck(
            "evenness",
            "g(-x) = g(x), q(-z) = q(z), and Q's terms at -|beta_i| and |beta_i|",
            q_derivation.q_is_even,
        ),
    ),
)

declare(
    id="krr.eq23",
    equations=("23", "24"),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "rewriting",
            "each line of (23) against alpha^2 q(|beta_i|/alpha^2)/ln(1/alpha^2); (24) by squares",
            q_derivation.lemma5_rewriting,
        ),
    ),
)

# ------------------------------------------------------------------------------ (6), (7)

declare(
    id="krr.eq6",
    equations=("6",),
    expected=Verdict.VERIFIED,
    findings=(
        r"$q(z)=\frac{z^2}4-\frac{z^4}{192}+O(z^6)$; $\alpha^6(Q_i-\frac{\beta_i^2}{4\alpha^2w_{0,i}^2})\to"
        r"-\frac{\beta_i^4}{192w_{0,i}^6}$.",
    ),
    checks=(
        SymbolicCheck(
            "limits",
            "leading coefficients and finite limits of the scaled remainders (SymPy limit)",
            hypentropy_expansions.kernel_regime_expansion,
        ),
    ),
)

declare(
    id="krr.eq7",
    equations=("7",),
    expected=Verdict.REFUTED,
    findings=(
        r"$q(z)=|z|\log|z|-|z|+2-\frac1{|z|}+O(|z|^{-3})$: the remainder of $q(z)-|z|\log|z|$ is $-|z|+2+O(1/|z|)$, not "
        r"$O(1/|z|)$ ($\lim(q(z)-|z|\log|z|)/|z|=-1$). Equation (7) itself holds: "
        r"$Q_i-|\beta_i|\ln(1/\alpha^2)\to|\beta_i|(\ln|\beta_i|-2\ln w_{0,i}-1)$, a constant, as $\alpha\to0$.",
    ),
    checks=(
        SymbolicCheck(
            "expansion at infinity",
            "limits of (q(z) - |z| log|z|)/|z| and of the corrected remainder; (7) as a finite limit",
            hypentropy_expansions.rich_regime_expansion,
        ),
    ),
    audit=formula_audit(
        "krr.eq7",
        hypentropy_expansions.q_minus_zlogz_over_z(),
        sympy.Integer(0),
        left_name="lim (q(z) - |z| log|z|)/|z| (SymPy limit)",
        right_name="0, as q = |z| log|z| + O(1/|z|) requires",
        example={},
        description="the coefficient of |z| in q(z) - |z| log|z| at infinity, computed by SymPy's limit",
    ),
)
