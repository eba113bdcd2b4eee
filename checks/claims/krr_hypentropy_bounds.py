"""krr Appendix E: the inequality steps of Lemmas 5-7 and of the proof of Theorem 2, in SymPy.

The derivations are in :mod:`derivations.hypentropy_bounds` (w0 = 1 throughout, as in Appendix E).
"""

from __future__ import annotations

from dlncheck.checks.claim import declare
from dlncheck.checks.formula_audit import formula_audit
from dlncheck.checks.symbolic import SymbolicCheck
from dlncheck.checks.verdicts import Verdict
from dlncheck.derivations import hypentropy_bounds as bounds
from dlncheck.derivations import hypentropy_expansions as expansions
from dlncheck.derivations import scale_consistency as scale

SECTION = "Appendix E (Proof of Theorem 2)"

# ------------------------------------------------------------------------------ Lemma 5 steps

declare(
    id="krr.eq25",
    equations=("25", "26"),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "upper bound",
            "each step's gap split into square-root, logarithm and hypothesis pieces",
            bounds.lemma5_upper_bound,
        ),
    ),
)

declare(
    id="krr.eq28",
    equations=("27", "28", "29"),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "lower bound",
            "(24) by squares, ln x >= 1 - 1/x by convexity, (29) by substitution",
            bounds.lemma5_lower_bound,
        ),
    ),
)

# ------------------------------------------------------------------------------ Lemma 6 steps

_eq31_derived = expansions.q_printed(1 / (expansions.c_sym * expansions.alpha**2))
_eq31_printed = expansions.eq31_printed_lines()[2]

declare(
    id="krr.eq32",
    equations=("31", "32"),
    expected=Verdict.REFUTED,
    findings=(
        r"The last line of (31) has $\sqrt{c^2\alpha^4+\frac12}$; from $\frac1{2u}+\sqrt{1+\frac1{4u^2}}=\frac1u"
        r"\left(\frac12+\sqrt{u^2+\frac14}\right)$, $u=c\alpha^2$, it is $\sqrt{c^2\alpha^4+\frac14}$ (at $c=\alpha=1$ the "
        r"printed line is larger by $0.0639$). The bound (32) holds, proven from the corrected line.",
    ),
    checks=(
        SymbolicCheck(
            "(31)",
            "each printed line of (31) against q(1/(c alpha^2)) of (21)",
            expansions.q_at_large_argument,
        ),
        SymbolicCheck(
            "(32)",
            "both gaps split into square-root, logarithm and ln(1+u) <= u pieces",
            bounds.q_large_argument_bounds,
        ),
    ),
    audit=formula_audit(
        "krr.eq32",
        _eq31_derived,
        _eq31_printed,
        left_name="q(1/(c alpha^2)) of (21)",
        right_name="(31) last line as printed",
        example={"c": "1", "alpha": "1"},
    ),
)

declare(
    id="krr.eq34",
    equations=("33", "34"),
    expected=Verdict.VERIFIED,
    findings=(
        r"(34) combines (32) at $c=1$ (numerator) and $c=\sqrt d$ (denominator); that needs the denominator $D>0$ and "
        r"either $N=-1+\ln(1/\alpha^2)\ge0$ or, if $N<0$, nothing more ($N/D<0<$ ratio). Not stated in the paper.",
    ),
    checks=(
        SymbolicCheck(
            "ratio bound",
            "(33) from (20); (34) from (32) and a sign analysis of A/B - N/D",
            bounds.ratio_bound,
        ),
    ),
)

declare(
    id="krr.eq35",
    equations=("35", "36"),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "implications",
            "each line's gap a nonnegative multiple of the previous; the denominator > 0",
            bounds.implication_chain,
        ),
    ),
)

declare(
    id="krr.eq37",
    equations=("37",),
    expected=Verdict.VERIFIED,
    findings=(
        r"Stated without proof. It holds: with $x=1/\alpha^2$, $\frac{d}{dx}\ln(\text{ratio})=\frac{E(x)-E(x/\sqrt d)}x$ for "
        r"the elasticity $E(z)=zq'(z)/q(z)$, and at $z=2\sinh t$, $q^2E'=\frac{2}{\cosh t}(\cosh t-1)(t-\sinh t)\le0$.",
    ),
    checks=(
        SymbolicCheck(
            "monotone ratio",
            "derivative of the ratio through the elasticity z q'/q, shown decreasing",
            bounds.ratio_monotone,
        ),
    ),
)

declare(
    id="krr.lem6",
    expected=Verdict.VERIFIED,
    findings=(
        r"The proof is sound once (31) is corrected (krr.eq32) and (34)'s sign conditions are checked "
        r"(they hold at $\alpha=d^{-1/4-1/(8\epsilon)}$); (37), stated without proof, holds.",
    ),
    checks=(SymbolicCheck("proof", "(32)-(37) together, symbolic in d and eps", bounds.lemma6),),
)

declare(
    id="krr.fn3",
    expected=Verdict.VERIFIED,
    findings=(
        r"Both sides hold, on the same scale: $\epsilon\ln(1/\alpha)$ has a positive finite limit as $\epsilon\to0$ for "
        r"Lemma 6's necessary $\alpha_0=d^{-1/4-1/(8\epsilon)}$ ($\frac18\ln d$), for Theorem 2's threshold, printed or "
        r"corrected ($\max(\ln2\|\beta^*\|_1,d/\|\beta^*\|_1)$), and for the threshold "
        r"$\min\{(2\sqrt d)^{-\frac{2+\epsilon}{2\epsilon}},e^{-\frac{(2+\epsilon)d}{2\epsilon}}\}$ at which Lemma 5 makes "
        r"$Q_\alpha$ proportional to $\ell_1$ within $1+\epsilon$ on every unit vector at once ($d$). So 'exponentially small' "
        r"is exponential in $1/\epsilon$ on both sides, but the constants differ: $d$ (sufficient) against $\frac18\ln d$ "
        r"(necessary).",
        r"The sufficiency of Theorem 2's printed $\ell_1$ threshold is not what its proof shows (krr.thm2.proof); the "
        r"corrected threshold is exponentially small all the same.",
    ),
    checks=(
        SymbolicCheck(
            "necessity exponent",
            "Lemma 6's alpha_0 = d^(-1/4 - 1/(8eps)) = d^(-Omega(1/eps))",
            bounds.footnote3,
        ),
        SymbolicCheck(
            "sufficiency",
            "alpha <= min{(2 sqrt d)^(-(2+eps)/(2eps)), exp(-(2+eps)d/(2eps))} meets Lemma 5 at eps/(2+eps) for every "
            "unit vector (ratio 1 + eps); Theorem 2's corrected threshold meets every use of Lemma 5 in its proof",
            bounds.footnote3_sufficiency,
        ),
        SymbolicCheck(
            "exponential scale",
            "exact limits of eps ln(1/alpha) as eps -> 0 for the sufficient and the necessary thresholds",
            bounds.footnote3_scale,
        ),
    ),
)

# ------------------------------------------------------------------------------ Lemma 7

declare(
    id="krr.eq39",
    equations=("38", "39", "40"),
    expected=Verdict.VERIFIED,
    findings=(r"(40) and (41) write $\phi'''$ for the fourth derivative $\phi''''$ of (39).",),
    checks=(
        SymbolicCheck(
            "derivatives",
            "SymPy differentiates the integral (fundamental theorem of calculus); "
            "(40) by the triangle inequality and (4 + s)^(5/2) >= 32",
            bounds.phi_derivatives,
        ),
    ),
)

declare(
    id="krr.eq41",
    equations=("41", "42", "43"),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "Taylor remainder",
            "Taylor polynomial from (39), the sup over xi, and (42) for d = 3",
            bounds.taylor_remainder,
        ),
    ),
)

declare(
    id="krr.lem7",
    expected=Verdict.VERIFIED,
    findings=(
        r"At $\alpha=\alpha_2$ the factor of (42) is $\le\frac{\epsilon}{96}(\epsilon+2)$ and at most "
        r"$\frac{3}{96}$: the threshold is far from tight.",
    ),
    checks=(
        SymbolicCheck(
            "proof",
            "(39)-(42), then (x^4 + 2x^2)/96 <= eps at x = eps^(1/2)/(1 + eps^(1/4))^2",
            bounds.lemma7,
        ),
        SymbolicCheck("scale", "4α²Q_{α,1}(β) and ||β||_2² both scale by λ⁴", scale.krr_lem7),
        SymbolicCheck(
            "scale of the hypothesis", "α and sqrt(||β||_2) both scale by λ", scale.krr_lem7_hypothesis
        ),
    ),
)

# ------------------------------------------------------------------------------ Theorem 2

_thm2_left, _thm2_right = bounds.threshold_requirements()

declare(
    id="krr.thm2.proof",
    equations=("44", "45", "46", "47", "48", "49"),
    expected=Verdict.REFUTED,
    findings=(
        r"The $\ell_1$ threshold of Theorem 2 has $(2(1+\epsilon)\|\beta^*\|_1)^{-\frac{2+\epsilon}{2\epsilon}}$, but "
        r"$\alpha_1(\epsilon',(1+2\epsilon)\|\beta^*\|_1,d)$ has $(2(1+2\epsilon)\|\beta^*\|_1)^{-\frac{2+\epsilon}{2\epsilon}}$: "
        r"at $\epsilon=1$, $\|\beta^*\|_1=1$, $d=2$ the theorem allows $\alpha\le\frac18$ while the proof needs "
        r"$\alpha\le6^{-3/2}\approx0.068$.",
        r"The $\ell_2$ threshold $\sqrt{2(1+\epsilon)(1+2/\epsilon)\|\beta^*\|_2}$ is below $\alpha_2(\epsilon',(1+2\epsilon)"
        r"\|\beta^*\|_2)=\sqrt{(1+2\epsilon)\|\beta^*\|_2}(1+(\frac{2+\epsilon}{\epsilon})^{1/4})$ for $\epsilon>0.648$ (root of the difference, SymPy nsolve) "
        r"($\sqrt{12}$ against $\sqrt3(1+3^{1/4})$ at $\epsilon=1$); (47) still holds there, through (42) directly "
        r"(krr.thm2.l2).",
        r"Lemma 5's $\alpha_1$ increases with $\|\beta\|_1$ (terms $\sqrt{\|\beta\|_1}$, $e^{-d/(2\epsilon\|\beta\|_1)}$), so "
        r"$\alpha\le\alpha_1$ at $(1+2\epsilon)\|\beta^*\|_1$ does not give (44) at smaller norms ($\beta^*$, $\beta^\infty$).",
        r"With $\alpha\le\min\{(2(1+2\epsilon)\|\beta^*\|_1)^{-\frac{2+\epsilon}{2\epsilon}},"
        r"\exp(-\frac{(2+\epsilon)d}{2\epsilon\|\beta^*\|_1})\}$ every use of Lemma 5 in the proof is justified "
        r"(at $\beta^*$, at norm $(1+2\epsilon)\|\beta^*\|_1$ and at $\beta^\infty$, whose norm lies between); derived "
        r"here term by term.",
        r"(48) line 2: $\|\beta\|_2^2=(1+2\epsilon)^2\|\beta^*\|_2^2$, printed $(1+2\epsilon)\|\beta^*\|_2^2$; the chain "
        r"survives with $\ge$.",
    ),
    checks=(
        SymbolicCheck(
            "thresholds and algebra",
            "the theorem's thresholds against alpha_1, alpha_2 of the lemmas at "
            "eps' and (1+2eps)|beta*|; the eps' identities; (48) line 2",
            bounds.theorem2_proof,
        ),
    ),
    audit=formula_audit(
        "krr.thm2.proof",
        _thm2_left,
        _thm2_right,
        op="<=",
        left_name="[l1 threshold of Thm 2, alpha_2(eps', (1+2eps)|beta*|)]",
        right_name="[alpha_1(eps', (1+2eps)|beta*|, d), l2 threshold of Thm 2]",
        hypotheses=(bounds.eps < bounds.dim,),
        example={"epsilon": "1/10", "b": "1", "d": 2},
        description="what the proof needs of Theorem 2's thresholds (left <= right entrywise), by strict evalf",
    ),
)

declare(
    id="krr.thm2.l2",
    expected=Verdict.VERIFIED,
    findings=(
        r"True, but not by the printed proof for $\epsilon>0.648$ (root of the difference, SymPy nsolve) (krr.thm2.proof): at the threshold, "
        r"$\|\beta\|_2/\alpha^2\le\frac{\epsilon(1+2\epsilon)}{2(1+\epsilon)(2+\epsilon)}$ for $\|\beta\|_2\le(1+2\epsilon)"
        r"\|\beta^*\|_2$, and there the factor of (42) is $\le\frac{\epsilon}{2+\epsilon}$, which is (47).",
    ),
    checks=(
        SymbolicCheck(
            "through (42)",
            "(47) at the theorem's alpha from (39)-(42), then (48)-(49) and convexity",
            bounds.theorem2_l2,
        ),
        SymbolicCheck("scale", "both sides scale by λ⁴", scale.krr_thm2_l2),
        SymbolicCheck(
            "scale of the hypothesis",
            "α >= sqrt(c ||β*||_2): both sides scale by λ",
            scale.krr_thm2_l2_hypothesis,
        ),
    ),
)
