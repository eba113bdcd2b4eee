"""wn Sections 3.2 and 3.4: the invariants (32)-(44), the γ~ calculus, the reduction (53)-(54)
and the Bregman argument (55)-(58), each derived in SymPy from the definitions."""

from __future__ import annotations

from fractions import Fraction

import sympy as sp

from dlncheck.checks.audit import HOLDS, VIOLATED, Audit, AuditResult, Relation, decide
from dlncheck.checks.claim import declare
from dlncheck.checks.formula_audit import formula_audit
from dlncheck.checks.instances import Instance, InstanceSpec, ParamSpec
from dlncheck.checks.symbolic import SymbolicCheck
from dlncheck.checks.verdicts import Verdict
from dlncheck.derivations import wn_bregman as bregman
from dlncheck.derivations import wn_invariants as inv

# ----------------------------------------------------------------------------- Lemma 3.6

declare(
    id="wn.lem3.6",
    equations=("32",),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "L = 2",
            "d/dt of (I - A^†A) log x along (10), chain rule, A 2 x 3 symbolic",
            lambda: inv.lemma_3_6("L = 2"),
        ),
        SymbolicCheck(
            "L symbolic",
            "d/dt of (I - A^†A) x^{2-L} along (10), chain rule, L symbolic, A 2 x 3 symbolic",
            lambda: inv.lemma_3_6("L != 2"),
        ),
    ),
)

# ----------------------------------------------------------------------------- Lemma 3.7

declare(
    id="wn.lem3.7",
    equations=("33",),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "L = 2",
            "d/dt of the projected (33) along (12)-(13) on ||u|| = 1, L = 2",
            lambda: inv.lemma_3_7("L = 2"),
        ),
        SymbolicCheck(
            "L symbolic",
            "d/dt of the projected (33) along (12)-(13) on ||u|| = 1, L symbolic",
            lambda: inv.lemma_3_7("L != 2"),
        ),
    ),
)

# ----------------------------------------------------------------------------- (34)-(38)

declare(
    id="wn.eq34",
    equations=("34", "35", "36", "37", "38"),
    expected=Verdict.VERIFIED,
    findings=(
        r"The proof of (38) divides by $\tilde{\mathbf u}=(I-\mathcal P_{\mathbf A})\mathbf u^{\odot2-L}$ and takes "
        r"$\log\tilde{\mathbf u}$, which needs $\tilde{\mathbf u}>0$ entrywise, not given (a projection has entries "
        r"of both signs or zero). The conclusion (38) holds anyway: $\partial_t\tilde{\mathbf u}=c(t)\tilde{\mathbf u}$ "
        r"is linear, and the derivation checks (38) directly.",
    ),
    checks=(
        SymbolicCheck(
            "steps (34)-(38)",
            "u' from (13) against both forms of (34); (35); (36); d/dt of (38)'s left side; L symbolic",
            inv.proof_of_lemma_3_7_steps,
        ),
    ),
)

# ----------------------------------------------------------------------------- Lemma 3.8

_derived_42, _printed_42, _ = inv.lemma_3_8_audit_sides()
_U0_NORM = sum(sp.Symbol(f"u0_{i + 1}", positive=True) ** 2 for i in range(3))

declare(
    id="wn.lem3.8",
    equations=("39", "40", "41", "42", "43", "44"),
    expected=Verdict.REFUTED,
    findings=(
        r"(42) has $\mathbf x_{wn}^{\odot L}(0)$ where the derivation (and the paper's own proof, last line) gives "
        r"$\mathbf x_{wn}(0)$: the correct statement is $\lim(I-\mathcal P_{\mathbf A})\mathbf x_{wn}^{\odot2-L}(t)="
        r"(I-\mathcal P_{\mathbf A})[\gamma(r_0,r_\infty)\mathbf x_{wn}(0)]^{\odot2-L}$, i.e. WN behaves like the plain "
        r"flow started at $\gamma\,\mathbf x_{wn}(0)$, as used in the proof of Theorem 2.1. (40), (43), (44) agree.",
    ),
    checks=(
        SymbolicCheck(
            "(39), (41)",
            "the projected plain invariant is constant (Lemma 3.6), so its limit is its initial value",
            inv.lemma_3_8_plain_flow,
        ),
        SymbolicCheck(
            "(40)", "log x_wn from the invariant (33), L = 2, against (40)", lambda: inv.lemma_3_8("L = 2")
        ),
        SymbolicCheck(
            "(42)",
            "x_wn^{2-L} from the invariant (33), against (42) as printed",
            lambda: inv.lemma_3_8("L != 2"),
        ),
        SymbolicCheck("(42) corrected", "against [γ x_wn(0)]^{2-L}, L symbolic", inv.lemma_3_8_corrected),
    ),
    audit=formula_audit(
        "wn.lem3.8",
        _derived_42,
        _printed_42,
        left_name="n^T(I-P_A) lim x_wn^{2-L} (derived from (33))",
        right_name="n^T (42) as printed",
        hypotheses=(sp.Symbol("L", integer=True, positive=True) >= 3, _U0_NORM <= 1, _U0_NORM >= 1),
        example={k: v if k == "L" else str(v) for k, v in inv.LEMMA_3_8_POINT.items()},
        description="the projected limit (along n = a_1 × a_2, the kernel of A) from the invariant, against (42)",
    ),
)

# ----------------------------------------------------------------------------- proof of Theorem 2.1

_gamma_second_derived, _gamma_second_printed = inv.gamma_tilde_second_derivative_sides()

declare(
    id="wn.thm2.1.gamma",
    expected=Verdict.REFUTED,
    findings=(
        r"$\tilde\gamma''(r)=(\frac2{r^3}-\frac1{\tilde\eta r}+\frac r{\tilde\eta^2})e^{r^2/(2\tilde\eta)}$, not "
        r"$(\frac2{r^3}+\frac r{\tilde\eta})e^{r^2/(2\tilde\eta)}$ (at $r=\tilde\eta=1$: $2\sqrt e$ against $3\sqrt e$). "
        r"It is still positive, $r^3\tilde\eta^2e^{-r^2/(2\tilde\eta)}\tilde\gamma''=(r^2-\tilde\eta/2)^2+\frac74\tilde\eta^2$, "
        r"so convexity, the minimizer $\sqrt{\tilde\eta}$ and $\gamma\le1$ on the stated interval stand.",
    ),
    checks=(
        SymbolicCheck("derivatives", "γ~' and γ~'' of (44) by differentiation", inv.gamma_tilde_derivatives),
        SymbolicCheck(
            "convexity and minimizer",
            "γ~'' as a sum of squares, sign of γ~', the critical point",
            inv.gamma_tilde_convex_with_minimum,
        ),
        SymbolicCheck("smallest γ", "γ(sqrt η̃, r_inf) against both printed forms", inv.smallest_gamma),
        SymbolicCheck("γ^L", "||(γ x_0)^{⊙L}||_1 = γ^L ||x~_0||_1", inv.rescaled_initialization_norm),
    ),
    audit=formula_audit(
        "wn.thm2.1.gamma",
        _gamma_second_derived,
        _gamma_second_printed,
        left_name="d²/dr² of (44)",
        right_name="printed γ~''",
        example={"r": "1", "eta": "1"},
    ),
)

# ----------------------------------------------------------------------------- Lemma 3.13, Cor 3.14

_velocity_53, _printed_53, _sphere_53 = bregman.lemma_3_13_audit_sides()

declare(
    id="wn.lem3.13",
    equations=("53",),
    expected=Verdict.REFUTED,
    findings=(
        r"(53) lacks the '+' between its two terms; as printed the two matrices are juxtaposed, i.e. multiplied, and "
        r"$\frac{\mathbf x\mathbf x^\top}{\|\mathbf x\|^2}(\|\mathbf x\|^2I-\mathbf x\mathbf x^\top)=0$, so the printed "
        r"right side is $\mathbf 0$. The proof's last display has the sum: $\partial_t\mathbf x=-(\eta_r\frac{\mathbf x"
        r"\mathbf x^\top}{\|\mathbf x\|^2}+\eta_{\mathbf u}(\|\mathbf x\|^2I-\mathbf x\mathbf x^\top))\nabla\mathcal L(\mathbf x)$, "
        r"which the derivation confirms.",
    ),
    checks=(
        SymbolicCheck(
            "(53) as printed",
            "x' by the chain rule through x = r u/||u||, against (53) read literally",
            lambda: bregman.lemma_3_13(False),
        ),
        SymbolicCheck(
            "(53) with '+'", "the same x' against (53) with the missing '+'", lambda: bregman.lemma_3_13(True)
        ),
    ),
    audit=formula_audit(
        "wn.lem3.13",
        _velocity_53,
        _printed_53,
        left_name="x' (chain rule)",
        right_name="(53) as printed",
        hypotheses=_sphere_53,
        example={
            "u_1": "1/3",
            "u_2": "2/3",
            "u_3": "2/3",
            "r": "1",
            "g_1": "1",
            "g_2": "0",
            "g_3": "0",
            "eta_r": "1",
            "eta_u": "1",
        },
        description="x' at a point of the unit sphere (g stands for ∇L(x)), against (53) as printed",
    ),
)

declare(
    id="wn.cor3.14",
    equations=("54",),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "(54)", "x' by the chain rule with (η_r, η_u) = (r², 1), on ||u|| = 1", bregman.corollary_3_14
        ),
    ),
)

# ----------------------------------------------------------------------------- Definition 3.15 / Lemma 3.16

declare(
    id="wn.def3.15",
    equations=("55",),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck("L = 2", "Lemma 3.16 for F of (57), L = 2", lambda: bregman.definition_3_15(2)),
        SymbolicCheck("L > 2", "Lemma 3.16 for F of (57), L = 2 + delta", lambda: bregman.definition_3_15(3)),
        SymbolicCheck("F as in mil", "wn (57) is mil (21)", bregman.potential_matches_mil),
    ),
)

# ----------------------------------------------------------------------------- Lemma 3.17

declare(
    id="wn.lem3.17",
    equations=("56", "57"),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck("L = 2", "∂_t D_F along (54) with b = A z, L = 2", lambda: bregman.lemma_3_17(2)),
        SymbolicCheck(
            "L symbolic", "∂_t D_F along (54) with b = A z, L symbolic", lambda: bregman.lemma_3_17(3)
        ),
    ),
)

# ----------------------------------------------------------------------------- Lemma 3.18


def _least_squares_residual(columns: list[list[Fraction]], b: list[Fraction]) -> Fraction:
    """min_w ||B w - b||² exactly (B with the given columns; rank-deficient B allowed)."""
    if not columns:
        return sum((v * v for v in b), Fraction(0))
    B = sp.Matrix([[sp.Rational(c[i].numerator, c[i].denominator) for c in columns] for i in range(len(b))])
    bb = sp.Matrix([sp.Rational(v.numerator, v.denominator) for v in b])
    basis = B.columnspace()
    if not basis:
        projected = sp.zeros(len(b), 1)
    else:
        Q = sp.Matrix.hstack(*basis)
        projected = Q * (Q.T * Q).inv() * Q.T * bb
    residual = bb - projected
    value = sp.nsimplify((residual.T * residual)[0])
    return Fraction(int(value.p), int(value.q))


def _audit_invariant_face(instance: Instance, dps: int) -> AuditResult:
    """Lemma 3.18 on an instance whose direction u(0) has zero entries.

    u_n = 0 is invariant under (13) for L >= 2 (u_n' = -r(I - P_u)∇L(x) has n-th entry 0 there:
    [∇L(x)]_n carries the factor x_n^{L-1}; cf. the proof of Lemma 3.3 and the symbolic check).
    So x_n(t) = 0 for every n with u_n(0) = 0 and L(x(t)) >= 1/(2L) min_w ||A_F w - b||², F the
    other columns: a lower bound on lim L(x(t)), computed exactly.
    """
    A, b, depth = instance.A, instance.y, instance.depth
    u0 = instance.params["direction"]
    z = instance.params["z"]
    norm = sum((v * v for v in u0), Fraction(0))
    Az = [sum((A[m][n] * z[n] for n in range(instance.N)), Fraction(0)) for m in range(instance.M)]
    hypotheses = (
        decide("||u(0)||²", "=", "1", norm, Fraction(1)),
        decide(
            "A z (z >= 0, S_+ non-empty)", "=", "b", max(abs(a - c) for a, c in zip(Az, b, strict=True)), 0
        ),
        Relation(
            "0",
            "<=",
            "||b||² (strictly)",
            sum((v * v for v in b), Fraction(0)),
            HOLDS if any(b) else VIOLATED,
        ),
    )
    face = [n for n in range(instance.N) if u0[n] != 0]
    columns = [[A[m][n] for m in range(instance.M)] for n in face]
    bound = _least_squares_residual(columns, list(b)) / (2 * depth)
    relation = decide(
        "lim L(x(t)) >= 1/(2L) min ||A_F w - b||² (invariant face)", "<=", "0 (Lemma 3.18)", bound, 0
    )
    return AuditResult(
        "wn.lem3.18",
        None,
        (
            ("coordinates with u_n(0) = 0", tuple(Fraction(n + 1) for n in range(instance.N) if u0[n] == 0)),
            ("lower bound on L(x(t)) for all t", bound),
        ),
        (relation,),
        hypotheses,
        notes=("u(0) >= 0 is not a hypothesis of the lemma; r(0) > 0 is params.r0",),
    )


LEMMA_3_18_SPEC = InstanceSpec(
    needs=frozenset({"A", "y", "depth", "params"}),
    params=(
        ParamSpec("r0", "scalar", "r(0)", "positive"),
        ParamSpec("direction", "vector", "u(0), ||u(0)|| = 1 (entries may be 0)", "nonnegative", length="N"),
        ParamSpec("z", "vector", "a point of S_+ (z >= 0, A z = b)", "nonnegative", length="N"),
    ),
)

declare(
    id="wn.lem3.18",
    equations=("58",),
    expected=Verdict.REFUTED,
    findings=(
        r"The lemma omits $\mathbf u(0)>0$, which its proof uses ('since $r(0)>0$ and $\mathbf u(0)\ge0$') and needs: "
        r"with $N=2$, $\mathbf A=[0\ 1]$, $\mathbf b=1$, $\mathbf u(0)=(1,0)$, $r(0)>0$ all stated hypotheses hold, the "
        r"face $u_2=0$ is invariant and $\mathcal L(\mathbf x(t))=\frac1{2L}$ for all $t$ (derived for $L=2..5$). "
        r"The D_F display, (58) and the blow-up agree; the phrase 'all terms except the last converge to zero' "
        r"should read 'stay bounded' (the $\mathbf z$-terms are constant). With $\mathbf u(0)>0$ added "
        r"(the setting of Theorem 2.3) the proof goes through.",
    ),
    checks=(
        SymbolicCheck(
            "D_F display, L = 2",
            "(55) with F of (57) against the display",
            lambda: bregman.lemma_3_18_divergence_display(2),
        ),
        SymbolicCheck(
            "D_F display, L symbolic",
            "(55) with F of (57) against the display",
            lambda: bregman.lemma_3_18_divergence_display(3),
        ),
        SymbolicCheck("(58)", "integrating (56) (FTC)", bregman.lemma_3_18_integrated_rate),
        SymbolicCheck("blow-up", "D_F(z, x~) -> ∞ as x~ -> 0 with z != 0", bregman.lemma_3_18_blow_up),
        SymbolicCheck(
            "hypothesis u(0) > 0",
            "u(0) = (1, 0), A = [0 1], b = 1: the loss stays 1/(2L)",
            bregman.lemma_3_18_needs_positive_direction,
        ),
    ),
    audit=Audit(
        spec=LEMMA_3_18_SPEC,
        evaluate=_audit_invariant_face,
        example={
            "A": [["1", "-1"]],
            "y": ["1"],
            "depth": 2,
            "params": {"r0": "1", "direction": ["3/5", "4/5"], "z": ["1", "0"]},
        },
        description="the loss on the face {u_n = 0 : u_n(0) = 0}, bounded below exactly, against lim = 0",
        exact=True,
    ),
)
