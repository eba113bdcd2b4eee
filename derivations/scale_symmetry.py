"""Remark 1.2 of "More is Less": how the bounds transform with scale, dimension and depth.

Scale: (u_0, v_0, y) -> (λ u_0, λ v_0, λ^L y).  The flow of Theorem 1.1,
    u' = -grad_u L^±(u, v; y),  v' = -grad_v L^±(u, v; y),      L^± of mil (7),
is carried to itself by u(t) = λ U(λ^{2L-2} t), v(t) = λ V(λ^{2L-2} t): both sides of the ODE
pick up λ^{2L-1}.  Hence x̃_∞ -> λ^L x̃_∞ (8), S -> λ^L S, and both sides of (9) scale by λ^L.

Depth L stays a symbol throughout (positive; SymPy differentiates u^L for symbolic L);
the data are N = 3 columns and M = 2 rows with symbolic entries.
"""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Part, Step
from dlncheck.derivations.equality import compare

N_COLUMNS = 3
M_ROWS = 2

lam = sp.Symbol("lambda", positive=True)
L = sp.Symbol("L", positive=True)  # depth; every identity below holds for real L > 0
t = sp.Symbol("t", nonnegative=True)


def _data() -> tuple[sp.Matrix, sp.Matrix, sp.Matrix, sp.Matrix]:
    A = sp.Matrix(M_ROWS, N_COLUMNS, lambda i, j: sp.Symbol(f"a_{i + 1}{j + 1}", real=True))
    y = sp.Matrix(M_ROWS, 1, lambda i, _: sp.Symbol(f"y_{i + 1}", real=True))
    U = sp.Matrix(N_COLUMNS, 1, lambda i, _: sp.Symbol(f"U_{i + 1}", positive=True))
    V = sp.Matrix(N_COLUMNS, 1, lambda i, _: sp.Symbol(f"V_{i + 1}", positive=True))
    return A, y, U, V


def signed_loss(A: sp.Matrix, y: sp.Matrix, u: sp.Matrix, v: sp.Matrix) -> sp.Expr:
    """mil (7): L^±(u, v) = 1/2 ||A(u^{⊙L} - v^{⊙L}) - y||^2."""
    r = A * (u.applyfunc(lambda e: e**L) - v.applyfunc(lambda e: e**L)) - y
    return sp.Rational(1, 2) * sum(ri**2 for ri in r)


def _gradient(loss: sp.Expr, wrt: sp.Matrix) -> sp.Matrix:
    return sp.Matrix([sp.diff(loss, w) for w in wrt])


def _normal(e: sp.Expr) -> sp.Expr:
    return sp.powsimp(sp.expand(sp.expand_power_base(e, force=True)), force=True)


def flow_scaling() -> Derivation:
    """u(t) = λ U(λ^{2L-2} t), v(t) = λ V(λ^{2L-2} t) solves the flow with data λ^L y."""
    A, y, U, V = _data()
    u_sym = sp.Matrix(N_COLUMNS, 1, lambda i, _: sp.Symbol(f"u_{i + 1}", positive=True))
    v_sym = sp.Matrix(N_COLUMNS, 1, lambda i, _: sp.Symbol(f"v_{i + 1}", positive=True))
    # right-hand side of the scaled problem's ODE, evaluated on the scaled trajectory
    scaled_loss = signed_loss(A, lam**L * y, u_sym, v_sym)
    at_scaled = {
        **{u_sym[i]: lam * U[i] for i in range(N_COLUMNS)},
        **{v_sym[i]: lam * V[i] for i in range(N_COLUMNS)},
    }
    required = -sp.Matrix.vstack(_gradient(scaled_loss, u_sym), _gradient(scaled_loss, v_sym)).xreplace(
        at_scaled
    )
    # left-hand side: d/dt [λ U(κ t)] = λ κ U'(κ t), and U' = -grad_U L^±(U, V; y) (unscaled flow)
    kappa = lam ** (2 * L - 2)
    base_loss = signed_loss(A, y, U, V)
    base_velocity = -sp.Matrix.vstack(_gradient(base_loss, U), _gradient(base_loss, V))
    derived = (lam * kappa * base_velocity).applyfunc(_normal)
    printed = required.applyfunc(_normal)
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="Remark 1.2: the flow of Theorem 1.1 maps to itself under λ-scaling with time λ^{2L-2} t",
        steps=(
            Step("(7) with data λ^L y", scaled_loss),
            Step("-grad L^±(u, v; λ^L y) at (u, v) = (λU, λV)", printed),
            Step("d/dt [λ U(λ^{2L-2} t)] = λ^{2L-1} U'(τ) with U' = -grad_U L^±(U, V; y)", derived),
        ),
        assumptions="λ > 0, L > 0 symbolic; U, V > 0; N = 3, M = 2 with symbolic A, y",
        instance=None,
    )


def limit_and_solution_set_scaling() -> Derivation:
    """x̃ = u^L - v^L scales by λ^L; A(λ^L z) - λ^L y = λ^L (A z - y); ||λ^L z||_1 = λ^L ||z||_1."""
    A, y, U, V = _data()
    zvec = sp.Matrix(N_COLUMNS, 1, lambda i, _: sp.Symbol(f"z_{i + 1}", real=True))
    x_tilde = U.applyfunc(lambda e: e**L) - V.applyfunc(lambda e: e**L)  # (8) before the limit
    x_tilde_scaled = (lam * U).applyfunc(lambda e: e**L) - (lam * V).applyfunc(lambda e: e**L)
    residual_scaled = A * (lam**L * zvec) - lam**L * y
    l1 = sum(sp.Abs(zi) for zi in zvec)
    l1_scaled = sum(sp.Abs(lam**L * zi) for zi in zvec)
    derived = sp.Matrix([*x_tilde_scaled, *residual_scaled, l1_scaled]).applyfunc(_normal)
    printed = sp.Matrix([*(lam**L * x_tilde), *(lam**L * (A * zvec - y)), lam**L * l1]).applyfunc(_normal)
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="Remark 1.2: x̃ -> λ^L x̃, S -> λ^L S, ||.||_1 -> λ^L ||.||_1",
        steps=(
            Step("(λU)^L - (λV)^L; A(λ^L z) - λ^L y; ||λ^L z||_1", derived),
            Step(
                "λ^L times the unscaled quantities: the limit (8) and argmin_S ||z||_1 scale by λ^L", printed
            ),
        ),
        assumptions="λ > 0, L > 0 symbolic; U, V > 0; z real; N = 3, M = 2",
        instance=None,
    )


def bound_9_scaling() -> Derivation:
    """Both sides of (9) scale by λ^L."""
    _, _, U, V = _data()
    c_L = sp.Symbol("c_L", positive=True)
    lhs_x, lhs_min = sp.symbols("l1_xinf l1_min", nonnegative=True)  # ||x̃_∞||_1, min_S ||z||_1

    def norm_L_L(vec):
        return sum(sp.Abs(e) ** L for e in vec)

    rhs = c_L * (norm_L_L(U) + norm_L_L(V))
    rhs_scaled = c_L * (norm_L_L(lam * U) + norm_L_L(lam * V))
    lhs_scaled = lam**L * lhs_x - lam**L * lhs_min  # both terms scale by λ^L (previous derivation)
    derived = sp.Matrix([lhs_scaled, rhs_scaled]).applyfunc(_normal)
    printed = sp.Matrix([lam**L * (lhs_x - lhs_min), lam**L * rhs]).applyfunc(_normal)
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="Remark 1.2: both sides of (9) are multiplied by λ^L",
        steps=(
            Step("right side of (9) at (λu_0, λv_0)", rhs_scaled),
            Step("left side of (9) with x̃_∞ -> λ^L x̃_∞ and min_S -> λ^L min_S", lhs_scaled),
        ),
        assumptions="λ > 0, L > 0; u_0, v_0 > 0 (N = 3)",
        instance=None,
    )


# ----------------------------------------------------------------------------- other bounds' scaling


def scale_exponents() -> dict[str, sp.Expr]:
    """The power of λ each term of the paper's bounds picks up under the scaling of Remark 1.2.

    Under (u_0, v_0, y) -> (λu_0, λv_0, λ^L y) with y = A x_* + e, also x_* -> λ^L x_*,
    e -> λ^L e, and every norm of these vectors, σ_s(x_*)_1, ε and ||u_0||_L^L scale by λ^L.
    """
    q = {name: sp.Symbol(name, positive=True) for name in ("err2", "err1", "uL", "vL", "sigma", "e2", "eps")}
    scaled = {s: lam**L * s for s in q.values()}
    c_L, C, Cp, rho, s_ = sp.symbols("c_L C Cprime rho s", positive=True)
    terms = {
        "(9) right": c_L * (q["uL"] + q["vL"]),
        "Cor 1.3 right": (1 + rho) / (1 - rho) * (c_L * q["uL"] + c_L * q["vL"] + 2 * q["sigma"]),
        "Thm 1.4 left ||x̃_∞ - x_*||_2": q["err2"],
        "Thm 1.4 first term": C / sp.sqrt(s_) * (c_L * q["uL"] + c_L * q["vL"] + 2 * q["sigma"]),
        "Thm 1.4 last term C'||e||_2 ||x̃_∞ - x_*||_1 (as printed)": Cp * q["e2"] * q["err1"],
        "A.3 final term C'||e||_2": Cp * q["e2"],
        "A.3 final first term C/sqrt(s)(ε + 2σ_s)": C / sp.sqrt(s_) * (q["eps"] + 2 * q["sigma"]),
    }
    out = {}
    for name, term in terms.items():
        ratio = sp.powsimp(sp.simplify(term.xreplace(scaled) / term), force=True)
        out[name] = sp.simplify(sp.log(ratio) / sp.log(lam))
    return out


def theorem_1_4_scale_consistency() -> Derivation:
    """Theorem 1.4's last term scales like λ^{2L}, its left side like λ^L (finding for mil.thm1.4)."""
    exps = scale_exponents()
    derived = exps["Thm 1.4 last term C'||e||_2 ||x̃_∞ - x_*||_1 (as printed)"]
    printed = exps["Thm 1.4 left ||x̃_∞ - x_*||_2"]
    from dlncheck.derivations.equality import rational_points

    cmp = compare(derived, printed, rational_points({L}, count=3, domains={L: (2, 5)}))
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="Theorem 1.4: scale exponent of the term C'||e||_2 ||x̃_∞ - x_*||_1 "
        "against that of the left side",
        steps=tuple(Step(f"exponent of λ in {k}", v) for k, v in exps.items()),
        assumptions="scaling of Remark 1.2 with x_* -> λ^L x_*, e -> λ^L e",
        corrected=exps["A.3 final term C'||e||_2"],
        instance=None,
    )


# ----------------------------------------------------------------------------- dimension and depth


def dimension_linearity() -> Derivation:
    """(11)'s bound 2 c_L α^L N is linear (proportional) in N: B(N) = N B'(N), B'' = 0."""
    alpha, c_L = sp.symbols("alpha c_L", positive=True)
    N = sp.Symbol("N", positive=True)
    bound = 2 * c_L * alpha**L * N  # (11)
    derived = sp.Matrix([N * sp.diff(bound, N), sp.diff(bound, N, 2)])
    printed = sp.Matrix([bound, 0])
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="Remark 1.2: the bound of (11) is proportional to N",
        steps=(Step("(11) right side", bound), Step("N dB/dN and d^2B/dN^2", derived)),
        assumptions="α, c_L > 0 fixed; N as a real variable",
        instance=None,
    )


def c_L_symbolic(depth: sp.Expr) -> sp.Expr:
    """mil (10) for L > 2."""
    return depth / 2 + (depth / 2) ** (depth / (depth - 2))


def depth_growth() -> Derivation:
    """c_L / L -> 1 as L -> oo; in fact c_L = L + log(L/2) + o(1)."""
    c_L = c_L_symbolic(L)
    ratio_limit = sp.limit(c_L / L, L, sp.oo)
    half, one, two = sp.Rational(1, 2), sp.Integer(1), sp.Integer(2)
    bound_limits = sp.Matrix([sp.limit(2 * c_L * al**L, L, sp.oo) for al in (half, one, two)])
    derived = ratio_limit
    printed = sp.Integer(1)  # "c_L grows approximately linearly in L" (catalogue: c_L/L -> 1)
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="Remark 1.2: c_L / L -> 1 as L -> oo",
        steps=(
            Step("(10) for L > 2", c_L),
            Step("lim c_L / L", ratio_limit),
            Step(
                "lim 2 c_L α^L (per unit N) for α = 1/2, 1, 2: decays for α < 1, grows for α >= 1",
                bound_limits,
            ),
        ),
        assumptions="L -> oo through L > 2",
        instance=None,
    )


def depth_offset() -> Derivation:
    """c_L - L - log(L/2) -> 0: c_L = L + log(L/2) + o(1), slope 1 with a logarithmic offset."""
    c_L = c_L_symbolic(L)
    derived = sp.limit(c_L - L - sp.log(L / 2), L, sp.oo)
    cmp = compare(derived, sp.Integer(0))
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, sp.Integer(0))],
        title="Remark 1.2: c_L = L + log(L/2) + o(1)",
        steps=(Step("lim (c_L - L - log(L/2)) as L -> oo", derived),),
        assumptions="L -> oo through L > 2",
        instance=None,
    )
