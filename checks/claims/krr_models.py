"""krr Sections 2-6 and Appendices C, D, F, G: the models, their flows in closed form, the
depth-D potential and the tangent kernels, each derived in SymPy from the definitions.

Convention (krr Sec. 2): L(w) = sum_n (f(w, x_n) - y_n)^2, without 1/2; the flow is
w' = -grad L.  The paper's own flows (15), (50), (52), (55) drop the factor 2 that the
square contributes; the closed forms are checked against the flows as printed and
against the flow of L itself.
"""

from __future__ import annotations

from dlncheck.checks.claim import Kind, declare
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
    paper="krr",
    label="eq. (15)",
    equations=("15",),
    section="Appendix D (Proof of Theorem 1)",
    kind=Kind.IDENTITY,
    statement=(
        r"$\dot{\mathbf w}_\alpha(t)=-\nabla L(\mathbf w_\alpha(t))=-\nabla\left(\|\tilde X\mathbf w_\alpha(t)^2-y\|_2^2\right)"
        r"=-2\tilde X^\top r_\alpha(t)\circ\mathbf w_\alpha(t)$ (15), $\tilde X=[X\ -X]$, "
        r"$r_\alpha(t)=\tilde X\mathbf w_\alpha(t)^2-y$"
    ),
    hypotheses=(r"$L$ without $\frac12$ (krr Sec. 2)",),
    depends_on=("krr.eq3",),
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
    paper="krr",
    label="eq. (16)",
    equations=("16",),
    section="Appendix D (Proof of Theorem 1)",
    kind=Kind.IDENTITY,
    statement=(
        r"$\mathbf w_\alpha(t)=\mathbf w_\alpha(0)\circ\exp\left(-2\tilde X^\top\int_0^tr_\alpha(s)ds\right)$ (16) "
        r"solves (15)."
    ),
    depends_on=("krr.eq15",),
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
    paper="krr",
    label="eq. (17)",
    equations=("17",),
    section="Appendix D (Proof of Theorem 1)",
    kind=Kind.IDENTITY,
    statement=(
        r"$\beta_{\alpha,\mathbf w_0}(t)=\mathbf w_{\alpha,+}(t)^2-\mathbf w_{\alpha,-}(t)^2=\alpha^2\mathbf w_0^2\circ"
        r"\left(\exp(-4X^\top\int_0^tr_\alpha)-\exp(4X^\top\int_0^tr_\alpha)\right)"
        r"=2\alpha^2\mathbf w_0^2\circ\sinh\left(-4X^\top\int_0^tr_\alpha(s)ds\right)$ (17)"
    ),
    hypotheses=(r"$\mathbf w_{\alpha,+}(0)=\mathbf w_{\alpha,-}(0)=\alpha\mathbf w_0$",),
    depends_on=("krr.eq16",),
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
    paper="krr",
    label="Lemma 8, eqs. (50)-(54)",
    equations=("50", "51", "52", "53", "54"),
    section="Appendix F (Proof of Theorem 3)",
    kind=Kind.INEQUALITY,
    statement=(
        r"For $D>2$ and the $D$-homogeneous model (10), $\forall t\ \left\|X^\top\int_0^tr(\tau)d\tau\right\|_\infty\le"
        r"\frac{\alpha^{2-D}}{D(D-2)}$, via $\dot{\mathbf w}_+=-DX^\top r\circ\mathbf w_+^{D-1}$ (50) $\Rightarrow$ "
        r"$\mathbf w_+(t)=(\alpha^{2-D}+D(D-2)X^\top\int_0^tr)^{-\frac1{D-2}}$ (51), "
        r"$\mathbf w_-(t)=(\alpha^{2-D}-D(D-2)X^\top\int_0^tr)^{-\frac1{D-2}}$ (53), and positivity of "
        r"$\mathbf w_\pm^{2-D}$ (54)."
    ),
    hypotheses=(r"$D>2$", r"$\mathbf w_\pm(0)=\alpha\mathbf 1$"),
    depends_on=("krr.eq10",),
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
    paper="krr",
    label="eqs. (55)-(57)",
    equations=("55", "56", "57"),
    section="Appendix F (Proof of Theorem 3)",
    kind=Kind.IDENTITY,
    statement=(
        r"$\dot{\mathbf w}(t)=\frac{dL}{d\mathbf w}=-D\tilde X^\top r(t)\circ\mathbf w^{D-1}$, $\mathbf w(0)=\alpha1$ (55) "
        r"$\Rightarrow\mathbf w(t)=(\alpha^{2-D}+D(D-2)\tilde X^\top\int_0^tr)^{-\frac1{D-2}}$ (56) $\Rightarrow"
        r"\beta(t)=\alpha^D(1+\alpha^{D-2}D(D-2)\tilde X^\top\int_0^tr)^{-\frac D{D-2}}-\alpha^D(1-\alpha^{D-2}D(D-2)"
        r"\tilde X^\top\int_0^tr)^{-\frac D{D-2}}$ (57)"
    ),
    depends_on=("krr.lem8",),
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
    paper="krr",
    label="Sec. 2 setup, eq. (1)",
    equations=("1",),
    section="2 Setup and preliminaries",
    kind=Kind.DEFINITION,
    statement=(
        r"Models $f(\mathbf w,\mathbf x)$ that are $D$-positive homogeneous: $F(c\mathbf w)=c^DF(\mathbf w)$ for "
        r"$c\in\mathbb R_+$; loss $L(\mathbf w)=\sum_{n=1}^N(f(\mathbf w,\mathbf x_n)-y_n)^2$; gradient flow "
        r"$\dot{\mathbf w}=-\nabla L(\mathbf w)$ (1); $\mathbf w_{\alpha,\mathbf w_0}(0)=\alpha\mathbf w_0$."
    ),
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
    paper="krr",
    label="eq. (3)",
    equations=("3",),
    section="4 Detailed Study of a Simple Depth-2 Model",
    kind=Kind.DEFINITION,
    statement=(
        r"$f(\mathbf w,\mathbf x)=\sum_i(\mathbf w_{+,i}^2-\mathbf w_{-,i}^2)\mathbf x_i=\langle\boldsymbol\beta_{\mathbf w},"
        r"\mathbf x\rangle$, $\mathbf w=[\mathbf w_+;\mathbf w_-]\in\mathbb R^{2d}$, $\boldsymbol\beta_{\mathbf w}="
        r"\mathbf w_+^2-\mathbf w_-^2$; initialization $\mathbf w_+(0)=\mathbf w_-(0)=\alpha\mathbf w_0$."
    ),
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
    paper="krr",
    label="Sec. 3 claim",
    section="3 The Kernel Regime",
    kind=Kind.IDENTITY,
    statement=(
        r"For $D$-homogeneous models with $\mathbf w_\alpha(0)=\alpha\mathbf w_0$: $K_{\mathbf w_\alpha(0)}="
        r"\alpha^{2(D-1)}K_0$, $K_0=K_{\mathbf w_0}$, where $K_{\mathbf w}(\mathbf x,\mathbf x')=\langle\nabla_{\mathbf w}"
        r"f(\mathbf w,\mathbf x),\nabla_{\mathbf w}f(\mathbf w,\mathbf x')\rangle$."
    ),
    hypotheses=("f D-homogeneous and differentiable",),
    depends_on=("krr.def.setup",),
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
    paper="krr",
    label="Sec. 4 claim",
    section="4 Detailed Study of a Simple Depth-2 Model",
    kind=Kind.IDENTITY,
    statement=(
        r"For $\mathbf w_0=\mathbf 1$ the tangent kernel at initialization is $K_{\mathbf w(0)}(\mathbf x,\mathbf x')="
        r"8\alpha^2\langle\mathbf x,\mathbf x'\rangle$, so $\|\beta\|_{K_{\mathbf w(0)}}\propto\|\beta\|_2$ and the "
        r"kernel-regime limit is $\beta^*_{\ell_2}=\arg\min_{X\beta=\mathbf y}\|\beta\|_2$."
    ),
    hypotheses=(r"$\mathbf w_0=\mathbf 1$",),
    depends_on=("krr.eq3",),
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
    paper="krr",
    label="Theorem 1 (special case w0=1), eq. (4)",
    equations=("4",),
    section="4 Detailed Study of a Simple Depth-2 Model",
    kind=Kind.CHARACTERIZATION,
    statement=(
        r"For any $0<\alpha<\infty$, if the gradient flow solution $\beta^\infty_{\alpha,\mathbf 1}$ of model (3) satisfies "
        r"$X\beta^\infty_{\alpha,\mathbf 1}=\mathbf y$, then $\beta^\infty_{\alpha,\mathbf 1}=\arg\min_\beta Q_\alpha(\beta)$ "
        r"s.t. $X\beta=\mathbf y$ (4), $Q_\alpha(\beta)=\alpha^2\sum_iq(\beta_i/\alpha^2)$, "
        r"$q(z)=\int_0^z\operatorname{arcsinh}(u/2)du=2-\sqrt{4+z^2}+z\operatorname{arcsinh}(z/2)$."
    ),
    hypotheses=(r"$0<\alpha<\infty$", "convergence to zero training error is ASSUMED"),
    depends_on=("krr.thm1.general",),
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
    paper="krr",
    label="eqs. (58)-(60)",
    equations=("58", "59", "60"),
    section="Appendix F (Proof of Theorem 3)",
    kind=Kind.CHARACTERIZATION,
    statement=(
        r"If $X\beta(\infty)=y$: $\beta(\infty)=\alpha^Dh_D(X^\top\nu(\infty))$, $\nu(\infty)=-\alpha^{D-2}D(D-2)"
        r"\int_0^\infty r$, $h_D(z)=(1-z)^{-\frac D{D-2}}-(1+z)^{-\frac D{D-2}}$ (59); by Lemma 8 $\|X^\top\nu\|_\infty\le1$; "
        r"$h_D$ is increasing on $[-1,1]$ from $-\infty$ to $\infty$, inverse $h_D^{-1}:[-\infty,\infty]\to[-1,1]$; "
        r"$Q^D_\alpha(\beta)=\alpha^D\sum_i\int_0^{\beta_i/\alpha^D}h_D^{-1}(t)dt$ (60)."
    ),
    hypotheses=("zero-error convergence",),
    depends_on=("krr.eq57", "krr.lem8"),
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
    paper="krr",
    label="eqs. (63)-(66), 'Kernel Regime'",
    equations=("63", "64", "65", "66"),
    section="Appendix F (Proof of Theorem 3)",
    kind=Kind.LIMIT,
    statement=(
        r"If $\lim_{\alpha\to\infty}[\beta^\infty]_i<\infty$ then $[X^\top\nu]_i\to0$ (64); with $\mu=\frac{2D\alpha^D}{D-2}"
        r"\nu$ and $(1-z)^{-\frac D{D-2}}-(1+z)^{-\frac D{D-2}}=\frac{2D}{D-2}z+O(z^3)$ (65): "
        r"$\lim_{\alpha\to\infty}[\beta^\infty]_i/[X^\top\mu]_i=1$ (66), so KKT of $\beta^*_{\ell_2}$ holds in the limit."
    ),
    hypotheses=("limits assumed",),
    depends_on=("krr.eq59",),
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
    paper="krr",
    label="Sec. 6 claim on symmetric factorization",
    section="6 The Effect of Width",
    kind=Kind.IDENTITY,
    statement=(
        r"For $\mathbf M_{\mathbf W}=\mathbf W\mathbf W^\top$ the induced dynamics is $\dot{\mathbf M}=\nabla\tilde L(\mathbf M)"
        r"\mathbf M+\mathbf M\nabla\tilde L(\mathbf M)$, depending only on $\mathbf M$."
    ),
    hypotheses=("gradient flow on W",),
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
    paper="krr",
    label="Sec. 6 lifted model",
    section="6 The Effect of Width",
    kind=Kind.IDENTITY,
    statement=(
        r"$\bar{\mathbf M}_{\mathbf U,\mathbf V}=[\mathbf U;\mathbf V][\mathbf U;\mathbf V]^\top=\begin{bmatrix}\mathbf U"
        r"\mathbf U^\top&\mathbf M_{\mathbf U,\mathbf V}\\\mathbf M^\top_{\mathbf U,\mathbf V}&\mathbf V\mathbf V^\top"
        r"\end{bmatrix}$, $\bar{\mathbf X}_n=\frac12\begin{bmatrix}0&\mathbf X_n\\\mathbf X_n^\top&0\end{bmatrix}$, "
        r"$\bar f=\langle\bar{\mathbf M},\bar{\mathbf X}\rangle=f$."
    ),
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
    paper="krr",
    label="Appendix G, eq. (67)",
    equations=("67",),
    section="Appendix G",
    kind=Kind.IDENTITY,
    statement=(
        r"With $\mathbf U(0)=[\sqrt2\mu I,0]$, $\mathbf V(0)=[0,\sqrt2\mu I]$: $\delta(0)=0$, $\Delta(0)=2\mu^2\mathbf 1$, where "
        r"$\Delta=\frac12\mathrm{diag}(\mathbf U\mathbf U^\top+\mathbf V\mathbf V^\top)$, $\delta=\mathrm{diag}(\mathbf U"
        r"\mathbf V^\top)$; dynamics $\dot\delta=-4\mathcal X^\top r\circ\Delta$, $\dot\Delta=-4\mathcal X^\top r\circ\delta$; "
        r"solution $\delta(t)=2\mu^2\sinh(-4\mathcal X^\top\int_0^tr)$, $\Delta(t)=2\mu^2\cosh(-4\mathcal X^\top\int_0^tr)$ (67)."
    ),
    hypotheses=("diagonal measurements",),
    depends_on=("krr.sec6.lift",),
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
    paper="krr",
    label="Appendix C, eqs. (11)-(14)",
    equations=("11", "12", "13", "14"),
    section="Appendix C",
    kind=Kind.INVARIANT,
    statement=(
        r"For $f((\mathbf u,\mathbf v),\mathbf x)=\sum_i\mathbf u_i\mathbf v_i\mathbf x_i$: $\frac{d}{dt}|\mathbf u|="
        r"-\mathrm{sign}(\mathbf u)\dot{\mathbf u}=-2\sum_n(\sum_i\mathbf u_i\mathbf v_i\mathbf x_i^{(n)}-y^{(n)})^2"
        r"\mathrm{sign}(\mathbf u)\circ\mathbf v\circ\mathbf x^{(n)}$ (11)-(12), similarly (13)-(14); hence if "
        r"$|\mathbf u_i(0)|=|\mathbf v_i(0)|$ the magnitudes stay equal and signs never flip."
    ),
    hypotheses=(r"$|\mathbf u_i(0)|=|\mathbf v_i(0)|$",),
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
    paper="krr",
    label="Sec. 5 claim",
    section="5 Higher Order Models",
    kind=Kind.IDENTITY,
    statement=(
        r"Explicitly regularizing $\|\mathbf w\|_2$ in model (10) is equivalent to $\|\beta\|_{2/D}$ regularization: "
        r"$\min\{\|\mathbf w\|_2^2:\mathbf w_+^D-\mathbf w_-^D=\beta\}=\sum_i|\beta_i|^{2/D}$."
    ),
    hypotheses=(r"$D\ge2$",),
    depends_on=("krr.eq10",),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "induced penalty",
            "Lagrange points of min a^2 + b^2 s.t. a^D - b^D = 1 for symbolic D (and solved for D = 3); scaling in beta",
            penalty.induced_penalty,
        ),
    ),
)
