"""wn Sections 3.2 and 3.4: the invariants (32)-(44), the γ~ calculus, the reduction (53)-(54)
and the Bregman argument (55)-(58), each derived in SymPy from the definitions."""

from __future__ import annotations

from fractions import Fraction

import sympy as sp

from dlncheck.checks.audit import HOLDS, VIOLATED, Audit, AuditResult, Relation, decide
from dlncheck.checks.claim import Kind, declare
from dlncheck.checks.formula_audit import formula_audit
from dlncheck.checks.instances import Instance, InstanceSpec, ParamSpec
from dlncheck.checks.symbolic import SymbolicCheck
from dlncheck.checks.verdicts import Verdict
from dlncheck.derivations import wn_bregman as bregman
from dlncheck.derivations import wn_invariants as inv

# ----------------------------------------------------------------------------- Lemma 3.6

declare(
    id="wn.lem3.6",
    paper="wn",
    label="Lemma 3.6 (Invariant without normalization), eq. (32)",
    equations=("32",),
    section="3.2 Invariants of the flow",
    kind=Kind.INVARIANT,
    statement=(
        r"Let $L\in\mathbb N$. Suppose $\mathbf x$ follows the dynamics in (10). Then the quantity "
        r"$h_0(t):=(I-\mathbf A^\dagger\mathbf A)\cdot\begin{cases}\log(\mathbf x(t))&L=2\\"
        r"\mathbf x(t)^{\odot2-L}&L\ne2\end{cases}$ (32) is the same for all $t\ge0$."
    ),
    hypotheses=(r"$\mathbf x$ follows (10)", r"$\mathbf x>0$ (for the logarithm and negative powers)"),
    depends_on=("wn.eq23",),
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
    paper="wn",
    label="Lemma 3.7 (Invariant with normalization), eq. (33)",
    equations=("33",),
    section="3.2 Invariants of the flow",
    kind=Kind.INVARIANT,
    statement=(
        r"Let $L\in\mathbb N$, $\tilde\eta>0$, $(\eta_r,\eta_{\mathbf u})=(\tilde\eta,1)$, $\|\mathbf u_0\|_2=1$. Then "
        r"$h_{\tilde\eta}(t):=(I-\mathbf A^\dagger\mathbf A)\cdot\begin{cases}\log\big(\mathbf u(t)"
        r"\exp(\frac1{2\tilde\eta}r(t)^2)\big)&L=2\\ \mathbf u(t)^{\odot2-L}\exp(\frac{2-L}{2\tilde\eta}r(t)^2)"
        r"&L\ne2\end{cases}$ (33) remains constant for all $t\ge0$."
    ),
    hypotheses=(r"$(\eta_r,\eta_u)=(\tilde\eta,1)$", r"$\|\mathbf u_0\|=1$", r"$r,\mathbf u>0$"),
    depends_on=("wn.eq34", "wn.lem3.2"),
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
    paper="wn",
    label="eqs. (34)-(38)",
    equations=("34", "35", "36", "37", "38"),
    section="3.2 Invariants of the flow",
    kind=Kind.IDENTITY,
    statement=(
        r"$\partial_t\mathbf u=-r\nabla\mathcal L(r\mathbf u)-\frac r{\tilde\eta}\mathbf u\partial_tr"
        r"=-r\nabla\mathcal L(r\mathbf u)-\frac1{2\tilde\eta}\partial_t(r^2)\mathbf u$ (34); "
        r"$(I-\mathcal P_{\mathbf A})(\mathbf u^{\odot1-L}\odot\nabla\mathcal L(r\mathbf u))=(I-\mathcal P_{\mathbf A})"
        r"(\mathbf A^\top(\mathbf A(r\mathbf u)^{\odot L}-\mathbf b)r^{L-1})=0$ (35); "
        r"$(I-\mathcal P_{\mathbf A})(\mathbf u^{\odot1-L}\odot\partial_t\mathbf u)=-\frac1{2\tilde\eta}\partial_t(r^2)"
        r"(I-\mathcal P_{\mathbf A})\mathbf u^{\odot2-L}$ (36); integrated forms (37), (38)."
    ),
    hypotheses=(r"$(\eta_r,\eta_u)=(\tilde\eta,1)$", r"$\|\mathbf u\|=1$"),
    depends_on=("wn.lem3.3",),
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
    paper="wn",
    label="Lemma 3.8 (Invariant comparison), eqs. (39)-(44)",
    equations=("39", "40", "41", "42", "43", "44"),
    section="3.2 Invariants of the flow",
    kind=Kind.IDENTITY,
    statement=(
        r"With $\mathbf x$ from (10), $\mathbf x_{wn}=r\mathbf u/\|\mathbf u\|_2$, $r_\infty=\lim r(t)\ne0$: for $L=2$ "
        r"$\lim_{t\to\infty}(I-\mathcal P_{\mathbf A})\log\mathbf x(t)=(I-\mathcal P_{\mathbf A})\log\mathbf x(0)$ (39), "
        r"$\lim_{t\to\infty}(I-\mathcal P_{\mathbf A})\log\mathbf x_{wn}(t)=(I-\mathcal P_{\mathbf A})"
        r"\log(\gamma(r_0,r_\infty)\cdot\mathbf x_{wn}(0))$ (40); for $L\ne2$ "
        r"$\lim(I-\mathcal P_{\mathbf A})\mathbf x^{\odot2-L}(t)=(I-\mathcal P_{\mathbf A})\mathbf x^{\odot2-L}(0)$ (41), "
        r"$\lim_{t\to\infty}(I-\mathcal P_{\mathbf A})\mathbf x_{wn}^{\odot2-L}(t)=(I-\mathcal P_{\mathbf A})"
        r"[\gamma(r_0,r_\infty)\cdot\mathbf x_{wn}^{\odot L}(0)]^{\odot2-L}$ (42), where "
        r"$\gamma(r_0,r):=\tilde\gamma(r_0)/\tilde\gamma(r)$ (43), $\tilde\gamma(r):=\frac1r\exp(\frac{r^2}{2\tilde\eta})$ (44)."
    ),
    hypotheses=(
        r"$(\eta_r,\eta_u)=(\tilde\eta,1)$",
        r"$r_0,\mathbf u_0>0$, $\|\mathbf u_0\|_2=1$",
        r"$r_\infty=\lim r(t)$ exists and is nonzero",
    ),
    depends_on=("wn.lem3.6", "wn.lem3.7"),
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
    paper="wn",
    label="proof of Theorem 2.1 (analysis of gamma~)",
    section="3.2 Invariants of the flow",
    kind=Kind.IDENTITY,
    statement=(
        r"$\tilde\gamma'(r)=(-\frac1{r^2}+\frac1{\tilde\eta})\exp(\frac{r^2}{2\tilde\eta})$, "
        r"$\tilde\gamma''(r)=(\frac2{r^3}+\frac r{\tilde\eta})\exp(\frac{r^2}{2\tilde\eta})$; $\tilde\gamma$ convex, "
        r"minimum at $r_0=\sqrt{\tilde\eta}$; smallest $\gamma(r_0,r_\infty)=\frac{r_\infty}{r_0}"
        r"\exp(\frac{\tilde\eta-r_\infty^2}{2r_0^2})=\frac{r_\infty}{r_0}\exp(\frac12-\frac{r_\infty^2}{2r_0^2})$; "
        r"$\gamma\le1$ for $r_0\in[\min(\sqrt{\tilde\eta},r_\infty),\max(\sqrt{\tilde\eta},r_\infty)]$; "
        r"the upper bound in (7) is reduced by $\gamma^L$."
    ),
    hypotheses=(r"$r,\tilde\eta>0$",),
    depends_on=("wn.lem3.8",),
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
    paper="wn",
    label="Lemma 3.13 (Dynamics reduction), eq. (53)",
    equations=("53",),
    section="3.4 An example of time-dependent learning rate",
    kind=Kind.IDENTITY,
    statement=(
        r"Suppose $r$ and $\mathbf u$ follow (12) and (13) with $\|\mathbf u(0)\|=1$. Let "
        r"$\mathbf x:=\frac r{\|\mathbf u\|_2}\mathbf u$. Then $\partial_t\mathbf x=-\left(\eta_r\frac{\mathbf x\mathbf x^\top}"
        r"{\|\mathbf x\|_2^2}\eta_{\mathbf u}(\|\mathbf x\|_2^2I-\mathbf x\mathbf x^\top)\right)\nabla\mathcal L(\mathbf x)$ (53)."
    ),
    hypotheses=(r"$\|\mathbf u(0)\|=1$",),
    depends_on=("wn.eq23", "wn.lem3.2"),
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
    paper="wn",
    label="Corollary 3.14, eq. (54)",
    equations=("54",),
    section="3.4 An example of time-dependent learning rate",
    kind=Kind.IDENTITY,
    statement=(
        r"Let $L\in\mathbb N$, $(\eta_r,\eta_{\mathbf u})=(r^2,1)$, $\|\mathbf u(0)\|=1$, "
        r"$\mathbf x:=\frac r{\|\mathbf u\|_2}\mathbf u$. Then $\partial_t\mathbf x=-\|\mathbf x\|_2^2\cdot\nabla\mathcal L(\mathbf x)$ (54)."
    ),
    hypotheses=(r"$(\eta_r,\eta_u)=(r^2,1)$", r"$\|\mathbf u(0)\|=1$"),
    depends_on=("wn.lem3.13",),
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
    paper="wn",
    label="Definition 3.15 / Lemma 3.16",
    equations=("55",),
    section="3.4 An example of time-dependent learning rate",
    kind=Kind.DEFINITION,
    statement=(
        r"$D_F(p,q)=F(p)-F(q)-\langle\nabla F(q),p-q\rangle$ (55); $D_F$ is non-negative and $p\mapsto D_F(p,q)$ "
        r"is strictly convex (Lemma 3.16)."
    ),
    hypotheses=(r"$F$ continuously differentiable and strictly convex on a closed convex set",),
    depends_on=("mil.def2.3", "mil.lem2.4"),
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
    paper="wn",
    label="Lemma 3.17, eqs. (56)-(57)",
    equations=("56", "57"),
    section="3.4 An example of time-dependent learning rate",
    kind=Kind.IDENTITY,
    statement=(
        r"For $L\ge2$, $(\eta_r,\eta_{\mathbf u})=(r^2,1)$, $\|\mathbf u(0)\|=1$, any $\mathbf z\ge0$ with "
        r"$\mathbf A\mathbf z=\mathbf b$: $\partial_tD_F(\mathbf z,\tilde{\mathbf x}(t))=-2L\|\mathbf x(t)\|_2^2\cdot"
        r"\mathcal L(\mathbf x(t))$ (56), with $F(\tilde{\mathbf x})=\frac12\langle\tilde{\mathbf x}\odot\log\tilde{\mathbf x}"
        r"-\tilde{\mathbf x},\mathbf 1\rangle$ ($L=2$), $\frac L{2(2-L)}\langle\tilde{\mathbf x}^{\odot\frac2L},\mathbf 1\rangle$ "
        r"($L>2$) (57)."
    ),
    hypotheses=(r"$\mathbf z\in S_+$", r"$\mathbf x>0$"),
    depends_on=("wn.cor3.14", "mil.lem2.6"),
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
    paper="wn",
    label="Lemma 3.18, eq. (58) and D_F display",
    equations=("58",),
    section="3.4 An example of time-dependent learning rate",
    kind=Kind.LIMIT,
    statement=(
        r"Let $L\ge2$, $(\eta_r,\eta_{\mathbf u})=(r^2,1)$, $\|\mathbf u(0)\|=1$ and $r(0)>0$. Suppose $\mathbf b\ne0$ "
        r"and $S_+\ne\emptyset$. Then $\lim_{t\to\infty}\mathcal L(\mathbf x(t))=0$. Proof: (58) "
        r"$D_F(\mathbf z,\tilde{\mathbf x}_0)\ge2L\varepsilon\int_0^\infty\|\mathbf x\|^2dt$, and "
        r"$D_F(\mathbf z,\tilde{\mathbf x})=\frac12\langle\mathbf z\odot\log\mathbf z-\mathbf z+\tilde{\mathbf x},\mathbf 1\rangle"
        r"-\frac12\langle\log\tilde{\mathbf x},\mathbf z\rangle$ ($L=2$), $\langle\frac L{2(2-L)}\mathbf z^{\odot\frac2L}"
        r"+\frac12\tilde{\mathbf x}^{\odot\frac2L},\mathbf 1\rangle-\frac1{2-L}\langle\tilde{\mathbf x}^{\odot\frac2L-1},"
        r"\mathbf z\rangle$ ($L>2$) blows up as $\mathbf x\to0$."
    ),
    hypotheses=(r"$\mathbf b\ne0$", r"$S_+\ne\emptyset$", r"$r(0)>0$"),
    depends_on=("wn.lem3.17", "wn.lem3.4"),
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
