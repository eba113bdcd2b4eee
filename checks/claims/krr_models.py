"""krr Sections 2-6 and Appendices C, D, F, G: the models, their flows in closed form, the
depth-D potential and the tangent kernels, each derived in SymPy from the definitions.

Convention (krr Sec. 2): L(w) = sum_n (f(w, x_n) - y_n)^2, without 1/2; the flow is
w' = -grad L.  The paper's own flows (15), (50), (52), (55) drop the factor 2 that the
square contributes; the closed forms are checked against the flows as printed and
against the flow of L itself.
"""

from __future__ import annotations

from dlncheck.checks.claim import declare
from dlncheck.checks.formula_audit import formula_audit
from dlncheck.checks.symbolic import SymbolicCheck
from dlncheck.checks.verdicts import Verdict
from dlncheck.derivations import krr_closed_form_flows as flows
from dlncheck.derivations import krr_depth_potential as potential
from dlncheck.derivations import krr_implicit_bias as bias
from dlncheck.derivations import krr_induced_penalty as penalty
from dlncheck.derivations import krr_matrix_factorization as factorization
from dlncheck.derivations import krr_tangent_kernel as kernels
from dlncheck.derivations import krr_uv_balance as uv

# ------------------------------------------------------------------------------ (15)-(17)

# the audit's two sides: the same expressions the derivation compares (no simplification here)
_, _eq15_derived, _eq15_printed, _ = flows.squared_model_gradient(flows.WITNESS_SAMPLES)

declare(
    id="krr.eq15",
    equations=("15",),
    expected=Verdict.REFUTED,
    findings=(
        r"$-\nabla\|\tilde X\mathbf w^2-y\|_2^2=-4\tilde X^\top r\circ\mathbf w$: the square of the loss and the square "
        r"$\mathbf w^2$ each contribute a factor 2; (15) keeps one. The printed flow is the flow of $L$ at time $t/2$ "
        r"(equivalently the flow of $\frac12L$); the implicit bias (Theorem 1) is unaffected because the constant is "
        r"absorbed into $\nu$.",
    ),
    checks=(
        SymbolicCheck(
            "gradient",
            "differentiate ||X~ w^2 - y||^2 (N = 1, d = 2 symbolic; N = 2 for the corrected form) against (15)",
            flows.eq15_gradient,
        ),
    ),
    audit=formula_audit(
        "krr.eq15",
        _eq15_derived,
        _eq15_printed,
        left_name="-grad L(w)",
        right_name="(15): -2 X~^T r o w",
        example={"wm_1": "1", "wm_2": "1/2", "wp_1": "2", "wp_2": "1", "x_11": "1", "x_12": "-1", "y_1": "1"},
    ),
)

declare(
    id="krr.eq16",
    equations=("16",),
    expected=Verdict.VERIFIED,
    findings=(
        r"(16) solves (15) as printed. The flow of $L$ itself, $\dot{\mathbf w}=-4\tilde X^\top r\circ\mathbf w$ "
        r"(krr.eq15), is solved by $\mathbf w_\alpha(0)\circ\exp(-4\tilde X^\top\int_0^tr_\alpha)$.",
    ),
    checks=(
        SymbolicCheck(
            "solves (15)",
            "differentiate (16) with R' = r (N = 2, d = 2) and compare with (15); w(0) = alpha w0",
            flows.eq16_closed_form,
        ),
    ),
)

declare(
    id="krr.eq17",
    equations=("17",),
    expected=Verdict.VERIFIED,
    findings=(
        r"(17) follows from (16); with the flow of $L$ itself the argument is $-8X^\top\int_0^tr_\alpha$.",
    ),
    checks=(
        SymbolicCheck(
            "from (16)",
            "square the two halves of (16) and compare with both lines of (17)",
            flows.eq17_hyperbolic_sine,
        ),
    ),
)

# ------------------------------------------------------------------------------ Lemma 8, (55)-(57)

declare(
    id="krr.lem8",
    equations=("50", "51", "52", "53", "54"),
    expected=Verdict.VERIFIED,
    findings=(
        r"(50) and (52) drop the factor 2 of the loss (see krr.eq57); (51), (53) solve them as printed. With the "
        r"flow of $L$ the closed forms carry $2D(D-2)$ and the bound is $\frac{\alpha^{2-D}}{2D(D-2)}$, half the "
        r"printed one, so the lemma as stated holds (strictly).",
    ),
    checks=(
        SymbolicCheck(
            "(51), (53) solve (50), (52)",
            "differentiate the closed forms (symbolic D) and compare with the printed flows",
            flows.printed_flow_closed_form,
        ),
        SymbolicCheck(
            "closed form of the flow of L",
            "the corrected flow w' = -+2D X^T r o w^{D-1} and its closed forms (symbolic D)",
            flows.true_flow_closed_form,
        ),
        SymbolicCheck(
            "bound",
            "positivity of w_+-^{2-D} gives |X^T int r| < alpha^{2-D}/(2D(D-2)) <= the printed bound",
            flows.lemma8_bound,
        ),
    ),
)

_, _eq55_derived, _eq55_printed, _ = flows.depth_model_gradient(flows.WITNESS_SAMPLES)

declare(
    id="krr.eq57",
    equations=("55", "56", "57"),
    expected=Verdict.REFUTED,
    findings=(
        r"(55): $-\nabla L=-2D\tilde X^\top r\circ\mathbf w^{D-1}$ for $L=\sum_n(\langle\mathbf w_+^D-\mathbf w_-^D,"
        r"\mathbf x_n\rangle-y_n)^2$; the printed $-D\tilde X^\top r\circ\mathbf w^{D-1}$ drops the factor 2 (and the "
        r"middle term should read $-\frac{dL}{d\mathbf w}$). (56) and (57) follow from (55) as printed; for the flow of "
        r"$L$ replace $D(D-2)$ by $2D(D-2)$. In (57) $\tilde X^\top$ should read $X^\top$ ($\beta\in\mathbb R^d$).",
    ),
    checks=(
        SymbolicCheck(
            "gradient (55)",
            "differentiate L of model (10) (symbolic D; N = 1, d = 2, corrected form for N = 2) against (55)",
            flows.eq55_gradient,
        ),
        SymbolicCheck(
            "(56) solves (55)",
            "differentiate (56) coordinatewise (symbolic D) and compare with (55) as printed; w(0) = alpha",
            flows.eq56_closed_form,
        ),
        SymbolicCheck("(57) from (56)", "w_+^D - w_-^D from (56) against (57)", flows.eq57_beta),
    ),
    audit=formula_audit(
        "krr.eq57",
        _eq55_derived,
        _eq55_printed,
        left_name="-grad L(w)",
        right_name="(55): -D X~^T r o w^{D-1}",
        example={
            "D": 3,
            "wm_1": "1",
            "wm_2": "1/2",
            "wp_1": "2",
            "wp_2": "1",
            "x_11": "1",
            "x_12": "-1",
            "y_1": "1",
        },
    ),
)

# ------------------------------------------------------------------------------ Sec. 2-4: models and kernels

declare(
    id="krr.def.setup",
    equations=("1",),
    expected=Verdict.VERIFIED,
    findings=(
        r"The loss has no $\frac12$: the flow (1) is the flow of mil's $\frac12\|\cdot\|^2$ losses at time $2t$ "
        r"(see krr.eq3).",
    ),
    checks=(
        SymbolicCheck(
            "homogeneity of the paper's models",
            "F(c w) = c^D F(w) for (3) (D = 2), (10) (symbolic D), u o v (D = 2) and UV^T (D = 2)",
            kernels.homogeneity,
        ),
    ),
)

declare(
    id="krr.eq3",
    equations=("3",),
    expected=Verdict.VERIFIED,
    findings=(
        r"With $A=X$, $\mathbf u=\mathbf w_+$, $\mathbf v=\mathbf w_-$ and $L=2$, krr's loss is twice mil (7): "
        r"$\nabla L_{\rm krr}=2\nabla\mathcal L^\pm$, so krr's flow at time $t$ is mil's at time $2t$.",
    ),
    checks=(
        SymbolicCheck(
            "linear predictor",
            "the sum in (3) is <beta_w, x>, and F(alpha w0) = 0",
            kernels.model3_linear_predictor,
        ),
        SymbolicCheck(
            "mil (7) with L = 2", "grad L_krr = 2 grad L_mil (N = 2, d = 2)", kernels.flow_time_scale
        ),
    ),
)

declare(
    id="krr.sec3.ntk",
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "kernel scaling",
            "K at alpha w0 against alpha^{2(D-1)} K at w0 for (3), (10) (symbolic D), u o v, UV^T",
            kernels.kernel_scaling,
        ),
    ),
)

declare(
    id="krr.sec4.ntk",
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "tangent kernel",
            "K_w of model (3) (d = 3) at w_+ = w_- = alpha 1",
            kernels.kernel_at_uniform_init,
        ),
    ),
)

# ------------------------------------------------------------------------------ Theorems 1 and 3

declare(
    id="krr.thm1",
    equations=("4",),
    expected=Verdict.VERIFIED,
    findings=(
        r"Derived from the flow of $L$ itself: $\beta(t)=2\alpha^2\mathbf w_0^2\circ\sinh(-8X^\top\int_0^tr)$, so "
        r"$\nu=-8\int_0^\infty r$ rather than the printed $-4\int_0^\infty r$ of (18); the characterization is unaffected.",
    ),
    checks=(
        SymbolicCheck(
            "KKT at the flow's limit",
            "beta_inf = 2 alpha^2 w0^2 sinh(X^T nu) from the flow; grad Q(beta_inf) = X^T nu; Q strictly convex "
            "(general w0, d = 2)",
            bias.theorem1_kkt,
        ),
    ),
)

declare(
    id="krr.eq59",
    equations=("58", "59", "60"),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "(58)-(59) and monotonicity",
            "(57) at t = inf equals alpha^D h_D(X^T nu); h_D' > 0 on (-1, 1); h_D(-1+) = -inf, h_D(1-) = inf",
            potential.eq58_link,
        ),
        SymbolicCheck(
            "(60)",
            "grad Q^D_alpha = h_D^{-1}(beta/alpha^D); h_D^{-1} and q_D as series; convexity",
            potential.eq60_gradient_of_potential,
        ),
    ),
)

declare(
    id="krr.thm3.kernel",
    equations=("63", "64", "65", "66"),
    expected=Verdict.VERIFIED,
    findings=(
        r"(66) as a ratio is undefined where $[X^\top\mu]_i=0$; the argument is sound in the form "
        r"$\beta-X^\top\mu=\beta\,O([X^\top\nu]^2)\to0$, so $X^\top\mu\to\beta^\infty$ and, $\mathrm{range}(X^\top)$ "
        r"being closed, the limit satisfies the $\ell_2$ KKT condition.",
    ),
    checks=(
        SymbolicCheck(
            "(64)",
            "bounded beta = alpha^D h_D(z) as alpha -> inf forces z -> 0",
            potential.eq64_small_argument,
        ),
        SymbolicCheck("(65)", "series of h_D at 0, symbolic D", potential.eq65_taylor),
        SymbolicCheck(
            "(66)", "limit of alpha^D h_D(z) / (2D alpha^D z/(D-2)) as z -> 0", potential.eq66_ratio
        ),
    ),
)

# ------------------------------------------------------------------------------ Sec. 6, Appendix G, Appendix C

_sym = factorization.symmetric_factorization(k=factorization.WITNESS_WIDTH)

declare(
    id="krr.sec6.sym",
    expected=Verdict.REFUTED,
    findings=(
        r"Under $\dot{\mathbf W}=-\nabla_{\mathbf W}\tilde L(\mathbf W\mathbf W^\top)$ one gets $\dot{\mathbf M}=-[(G+G^\top)"
        r"\mathbf M+\mathbf M(G+G^\top)]$, $G=\nabla\tilde L(\mathbf M)$, i.e. $-2(G\mathbf M+\mathbf MG)$ for symmetric "
        r"measurements: the printed formula has the wrong sign (it is an ascent) and lacks the factor 2. That the "
        r"dynamics depends only on $\mathbf M$ is correct.",
    ),
    checks=(
        SymbolicCheck(
            "printed dynamics",
            "M' for M = W W^T (d = k = 2, N = 1, X_1 not symmetric) against grad L~ M + M grad L~",
            factorization.symmetric_dynamics,
        ),
        SymbolicCheck(
            "closed in M",
            "M' = -(G + G^T) M - M (G + G^T), a function of M",
            factorization.symmetric_dynamics_closed,
        ),
    ),
    audit=formula_audit(
        "krr.sec6.sym",
        _sym[5],
        _sym[6],
        left_name="M' under the flow on W",
        right_name="grad L~(M) M + M grad L~(M)",
        example={
            "W_11": "1",
            "W_12": "0",
            "W_21": "1/2",
            "W_22": "1",
            "X_11": "1",
            "X_12": "0",
            "X_21": "0",
            "X_22": "1",
            "y_1": "0",
        },
    ),
)

declare(
    id="krr.sec6.lift",
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "lift",
            "blocks of [U; V][U; V]^T and <M_bar, X_bar> = <U V^T, X> (d = 2, k = 3)",
            factorization.lifted_model,
        ),
    ),
)

declare(
    id="krr.thm4.proof",
    equations=("67",),
    expected=Verdict.VERIFIED,
    findings=(
        r"The $(\delta,\Delta)$ system closes for any $\mathbf U,\mathbf V$ (not only near $2\mu^2I$), with the loss "
        r"without $\frac12$; here the factor 4 is right. (67) has the form of (17) as printed; the flow of the width-1 "
        r"model itself has $-8$ in place of $-4$ (krr.eq15), which only rescales $\nu$.",
    ),
    checks=(
        SymbolicCheck(
            "(delta, Delta) dynamics",
            "differentiate delta and Delta along the flow on (U, V) (d = 2, k = 3, N = 2 diagonal X_n)",
            factorization.diagonal_sensing_dynamics,
        ),
        SymbolicCheck(
            "(67) and the initialization",
            "(67) solves the system; U(0), V(0) give delta(0) = 0, Delta(0) = 2 mu^2, M_bar(0) = 2 mu^2 I",
            factorization.eq67_solution,
        ),
    ),
)

_uv = uv.positive_u_sides()

declare(
    id="krr.appC",
    equations=("11", "12", "13", "14"),
    expected=Verdict.REFUTED,
    findings=(
        r"(11) has the wrong sign: $\frac d{dt}|\mathbf u|=+\mathrm{sign}(\mathbf u)\circ\dot{\mathbf u}$; (12) squares the "
        r"residual: $\frac d{dt}|\mathbf u|=-2\sum_nr_n\,\mathrm{sign}(\mathbf u)\circ\mathbf v\circ\mathbf x^{(n)}$, "
        r"$r_n=\sum_i\mathbf u_i\mathbf v_i\mathbf x_i^{(n)}-y^{(n)}$ (likewise (13)-(14)). The conclusion holds: "
        r"$\frac d{dt}(\mathbf u_i^2-\mathbf v_i^2)=0$ and a unit at 0 is at rest.",
    ),
    checks=(
        SymbolicCheck(
            "(11)-(12)",
            "SymPy's derivative of |u(t)| along the flow (N = 2, d = 2) against both printed lines",
            uv.magnitude_rate,
        ),
        SymbolicCheck(
            "balancedness",
            "d/dt (u_i^2 - v_i^2) = 0 along the flow; u_i = v_i = 0 is at rest",
            uv.balance_invariant,
        ),
    ),
    audit=formula_audit(
        "krr.appC",
        _uv[0].col_join(_uv[0]),
        _uv[1].col_join(_uv[2]),
        left_name="d|u|/dt",
        right_name="(11) then (12)",
        example={
            "u_1": "1",
            "u_2": "2",
            "v_1": "1",
            "v_2": "1/2",
            "x_11": "1",
            "x_12": "0",
            "x_21": "0",
            "x_22": "1",
            "y_1": "1/2",
            "y_2": "0",
        },
    ),
)

# ------------------------------------------------------------------------------ Sec. 5

declare(
    id="krr.sec5.explicit",
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "induced penalty",
            "Lagrange points of min a^2 + b^2 s.t. a^D - b^D = 1 for symbolic D (and solved for D = 3); scaling in beta",
            penalty.induced_penalty,
        ),
    ),
)
