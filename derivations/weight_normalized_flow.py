"""The weight-normalized flow of wn (9)-(13) in (r, u) coordinates, and its basic properties.

wn (9):   L(x) = 1/(2L) ||A x^{⊙L} - b||^2
wn (11):  L̃(r, u) = L(r u / ||u||_2)
wn (12), (13):  r' = -η_r ∇_r L̃,  u' = -η_u ∇_u L̃
wn (23)-(25): the gradients; (29), (30): the flow written out; Lemmas 3.1-3.5.

Everything is differentiated by SymPy from (9) and (11); nothing uses the printed gradients
except as the thing compared against.  The depth L is a positive symbol (x, u, r > 0 so that
x^L is defined for every real L); Lemma 3.3 writes L = 2 + k with an integer k >= 0.  The
data are N = 3 columns (N = 2 for (29), (30), Lemmas 3.3, 3.4) and M = 1 row with symbolic
entries.  After differentiation, ||u|| may be renamed to a positive symbol c (:func:`name_norm`).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Part, Step
from dlncheck.derivations.equality import compare

N_COLUMNS = 3
SMALL_N = 2  # (29)-(30), Lemmas 3.3 and 3.4: seconds at N = 3
M_ROWS = 1  # one row keeps every derivation of a claim under ~1 s; the rows enter linearly

L = sp.Symbol("L", positive=True)  # depth; x > 0 so x^L is defined for real L
k = sp.Symbol("k", integer=True, nonnegative=True)  # L = 2 + k in Lemma 3.3
r = sp.Symbol("r", positive=True)
a = sp.Symbol("a", positive=True)  # Lemma 3.1's scale
eta_r = sp.Symbol("eta_r", positive=True)
eta_u = sp.Symbol("eta_u", positive=True)


def symbolic_data(m: int = M_ROWS, n: int = N_COLUMNS) -> tuple[sp.Matrix, sp.Matrix]:
    """A (m x n) and b (m x 1) with independent real symbolic entries."""
    A = sp.Matrix(m, n, lambda i, j: sp.Symbol(f"a_{i + 1}{j + 1}", real=True))
    b = sp.Matrix(m, 1, lambda i, _: sp.Symbol(f"b_{i + 1}", real=True))
    return A, b


def positive_vector(name: str, n: int = N_COLUMNS) -> sp.Matrix:
    return sp.Matrix(n, 1, lambda i, _: sp.Symbol(f"{name}_{i + 1}", positive=True))


def norm(u: sp.Matrix) -> sp.Expr:
    return sp.sqrt(sum(ui**2 for ui in u))


def loss(A: sp.Matrix, b: sp.Matrix, x: sp.Matrix, depth=L) -> sp.Expr:
    """wn (9): 1/(2L) ||A x^{⊙L} - b||^2."""
    e = A * x.applyfunc(lambda xi: xi**depth) - b
    return sum(ei**2 for ei in e) / (2 * depth)


def gradient_23(A: sp.Matrix, b: sp.Matrix, x: sp.Matrix, depth=L) -> sp.Matrix:
    """wn (23), typed in: [A^T (A x^{⊙L} - b)] ⊙ x^{⊙(L-1)}."""
    e = A * x.applyfunc(lambda xi: xi**depth) - b
    return (A.T * e).multiply_elementwise(x.applyfunc(lambda xi: xi ** (depth - 1)))


def wn_loss(A: sp.Matrix, b: sp.Matrix, radius: sp.Expr, u: sp.Matrix, depth=L) -> sp.Expr:
    """wn (11): L̃(r, u) = L(r u / ||u||)."""
    return loss(A, b, radius * u / norm(u), depth)


@dataclass(frozen=True)
class WnGradients:
    """∇_r L̃ and ∇_u L̃ by differentiation of (11), with the data they were taken at."""

    grad_r: sp.Expr
    grad_u: sp.Matrix
    A: sp.Matrix
    b: sp.Matrix
    u: sp.Matrix
    radius: sp.Expr
    depth: sp.Expr


def differentiate_wn_loss(A, b, radius, u, depth=L, with_respect_to=None) -> WnGradients:
    """Differentiate (11) in r and u.

    ``with_respect_to`` = (r-symbol, u-symbols) when r, u are expressions (functions of t).
    """
    r_sym, u_syms = with_respect_to or (radius, list(u))
    f = wn_loss(A, b, radius, u, depth)
    grad_r = sp.diff(f, r_sym)
    grad_u = sp.Matrix([sp.diff(f, s) for s in u_syms])
    return WnGradients(grad_r, grad_u, A, b, u, radius, depth)


def printed_24_25(A, b, radius, u, depth=L) -> tuple[sp.Expr, sp.Matrix]:
    """wn (24), (25), typed in: u^T ∇L(x)/||u|| and (r/||u||)(I - P_u) ∇L(x), x = r u/||u||."""
    c = norm(u)
    g = gradient_23(A, b, radius * u / c, depth)
    P_u = u * u.T / c**2
    return (u.T * g)[0, 0] / c, (radius / c) * (sp.eye(len(u)) - P_u) * g


C_NORM = sp.Symbol("c", positive=True)  # the name given to ||u|| after differentiation


def name_norm(expr, u: sp.Matrix):
    """Write every power of ||u||^2 = Σ u_n^2 as a power of the positive symbol c = ||u||.

    Only a renaming of a subexpression, done after all differentiation; it keeps SymPy's
    cancellation away from nested roots.
    """
    squared = sp.expand(sum(ui**2 for ui in u))

    def rename(e):
        return e.replace(
            lambda p: p.is_Pow and sp.expand(p.base - squared) == 0, lambda p: C_NORM ** (2 * p.exp)
        )

    return expr.applyfunc(rename) if isinstance(expr, sp.MatrixBase) else rename(expr)


def _simplify_powers(e: sp.Expr) -> sp.Expr:
    return sp.powsimp(sp.expand_power_base(sp.expand(e), force=True), force=True)


# ------------------------------------------------------------------------------ (23)-(25)


def gradient_of_loss_23() -> Derivation:
    """wn (23): differentiate (9) with its factor 1/(2L); symbolic L, N = 3, M = 1."""
    A, b = symbolic_data()
    x = positive_vector("x")
    f = loss(A, b, x)
    derived = sp.Matrix([sp.diff(f, xi) for xi in x]).applyfunc(_simplify_powers)
    printed = gradient_23(A, b, x).applyfunc(sp.expand)
    return Derivation.from_parts(
        [Part.of("derived against printed", compare(derived, printed), derived, printed)],
        title="(23): gradient of the loss (9) (symbolic L)",
        steps=(
            Step("wn (9): L(x) = 1/(2L) ||A x^{⊙L} - b||^2", f),
            Step("∂L/∂x_n by SymPy; the factor L of d/dx x^L cancels the 1/(2L) with the 2", derived),
            Step("wn (23) typed in", printed),
        ),
        assumptions="L > 0 symbolic, x > 0, A (2 x 3) and b real symbolic",
        instance=None,
    )


def gradients_in_r_u_24_25() -> Derivation:
    """wn (24), (25): chain rule through x = r u/||u|| done by SymPy on (11)."""
    A, b = symbolic_data()
    u = positive_vector("u")
    grads = differentiate_wn_loss(A, b, r, u)
    derived = name_norm(sp.Matrix([grads.grad_r, *grads.grad_u]), u).applyfunc(_simplify_powers)
    p_r, p_u = printed_24_25(A, b, r, u)
    printed = name_norm(sp.Matrix([p_r, *p_u]), u).applyfunc(_simplify_powers)
    return Derivation.from_parts(
        [Part.of("derived against printed", compare(derived, printed), derived, printed)],
        title="(24), (25): gradients of L̃(r, u) (symbolic L)",
        steps=(
            Step("wn (11): L̃(r, u) = L(r u/||u||) with L of (9)", wn_loss(A, b, r, u)),
            Step("[∂_r L̃, ∂_u L̃] by SymPy", derived),
            Step("wn (24), (25) typed in (with (23) for ∇L)", printed),
        ),
        assumptions="L > 0 symbolic, r > 0, u > 0, N = 3, M = 1",
        instance=None,
    )


# ------------------------------------------------------------------------------ (9)-(13)


def flow_normalization_time_scale() -> Derivation:
    """wn (9) against the 1/2-loss of wn (2), (4), (6) (and mil (6)): the flows differ by time t/L."""
    A, b = symbolic_data()
    x = positive_vector("x")
    half_loss = sum(ei**2 for ei in (A * x.applyfunc(lambda xi: xi**L) - b)) / 2  # wn (6)
    grad_half = sp.Matrix([sp.diff(half_loss, xi) for xi in x])
    grad_9 = sp.Matrix([sp.diff(loss(A, b, x), xi) for xi in x])
    derived = grad_9.applyfunc(_simplify_powers)
    printed = (grad_half / L).applyfunc(_simplify_powers)
    return Derivation.from_parts(
        [Part.of("derived against printed", compare(derived, printed), derived, printed)],
        title="(9) vs (6): ∇ of the 1/(2L)-loss is 1/L times ∇ of the 1/2-loss",
        steps=(
            Step("wn (6) (1/2-loss), differentiated", grad_half),
            Step("wn (9) (1/(2L)-loss), differentiated", grad_9),
            Step(
                "so x_(9)(t) = x_(6)(t/L): the flow (10) is the 1/2-loss flow slowed by L; "
                "with (12)-(13) both η_r and η_u scale alike, so the ratio η̃ is unaffected"
            ),
        ),
        assumptions="L > 0 symbolic, x > 0, N = 3, M = 1",
        instance=None,
    )


def flow_vector_field(A, b, radius, u, rate_r, rate_u, depth=L, with_respect_to=None) -> sp.Matrix:
    """[r', u'] of wn (12), (13), from SymPy's gradients of (11)."""
    g = differentiate_wn_loss(A, b, radius, u, depth, with_respect_to)
    return sp.Matrix([-rate_r * g.grad_r, *(-rate_u * g.grad_u)])


def flow_written_out_29_30() -> Derivation:
    """wn (29), (30): r' and both printed forms of u' against -η ∇ of (11)."""
    A, b = symbolic_data(n=SMALL_N)
    u = positive_vector("u", SMALL_N)
    F = flow_vector_field(A, b, r, u, eta_r, eta_u)
    c = norm(u)
    g = gradient_23(A, b, r * u / c)
    r_dot_29 = -(eta_r / c) * (u.T * g)[0, 0]  # wn (29)
    u_dot_line2 = -eta_u * (r / c) * g + eta_u * (r / c**3) * u * (u.T * g)[0, 0]  # wn (30), 2nd line
    u_dot_line3 = -eta_u * (r / c) * g - eta_u * (r * r_dot_29 / (eta_r * c**2)) * u  # wn (30), 3rd line
    derived = name_norm(sp.Matrix.vstack(F, F[1:, :]), u).applyfunc(_simplify_powers)
    printed = name_norm(sp.Matrix([r_dot_29, *u_dot_line2, *u_dot_line3]), u).applyfunc(_simplify_powers)
    return Derivation.from_parts(
        [Part.of("derived against printed", compare(derived, printed), derived, printed)],
        title="(29), (30): the flow (12), (13) written out (symbolic L)",
        steps=(
            Step("[r', u'] = [-η_r ∂_r L̃, -η_u ∂_u L̃] by SymPy from (11)", F),
            Step("wn (29), (30) (second and third lines) typed in, stacked as [r', u', u']", printed),
        ),
        assumptions="L > 0 symbolic, r > 0, u > 0, η_r, η_u > 0, N = 2, M = 1",
        instance=None,
    )


# ------------------------------------------------------------------------------ Lemma 3.1


def rescaled_learning_rate_3_1() -> Derivation:
    """Lemma 3.1: (r, a u) with rates (η_r, a² η_u) moves as (r', a u')."""
    A, b = symbolic_data()
    u = positive_vector("u")
    scaled = [sp.Symbol(f"w_{i + 1}", positive=True) for i in range(len(u))]
    F_a = flow_vector_field(A, b, r, sp.Matrix(scaled), eta_r, a**2 * eta_u)
    # evaluate at u^(a) = a u; ||a u|| = a ||u|| for a > 0 (SymPy does not pull a out of the root)
    F_a = F_a.xreplace({w: a * ui for w, ui in zip(scaled, u, strict=True)})
    squared_norm = sum(ui**2 for ui in u)
    F_a = F_a.replace(
        lambda e: e.is_Pow and sp.expand(e.base - a**2 * squared_norm) == 0,
        lambda e: a ** (2 * e.exp) * squared_norm**e.exp,
    )
    F = flow_vector_field(A, b, r, u, eta_r, eta_u)
    derived = name_norm(F_a, u).applyfunc(_simplify_powers)
    printed = name_norm(sp.Matrix([F[0], *(a * F[1:, :])]), u).applyfunc(_simplify_powers)
    x_a = r * a * u / (a * norm(u))  # ||a u|| = a ||u||, a > 0
    x = r * u / norm(u)
    derived_x = sp.Matrix.vstack(derived, x_a)
    printed_x = sp.Matrix.vstack(printed, x)
    return Derivation.from_parts(
        [Part.of("derived against printed", compare(derived_x, printed_x), derived_x, printed_x)],
        title="Lemma 3.1: the vector field at (r, a u) with rates (η_r, a² η_u) is (r', a u') (symbolic L)",
        steps=(
            Step("vector field of (12), (13) with rates (η_r, a²η_u), at (r, a u)", derived),
            Step("(27), (28): [r', a u'] from the field at (r, u) with rates (η_r, η_u)", printed),
            Step(
                "so t -> (r(t), a u(t)) solves the rescaled system from (r0, a u0); the field is smooth "
                "where u ≠ 0 (||u|| is constant, Lemma 3.2), so by uniqueness it is the solution"
            ),
            Step("and x^(a) = r a u/||a u|| equals x = r u/||u|| (a > 0): last N rows", x_a),
        ),
        assumptions="a > 0, L > 0 symbolic, r > 0, u > 0, N = 3, M = 1",
        instance=None,
    )


# ------------------------------------------------------------------------------ Lemma 3.2


def constant_norm_3_2() -> Derivation:
    """Lemma 3.2: d/dt ||u||^2 = 2 u·u' = 0 identically."""
    A, b = symbolic_data()
    u = positive_vector("u")
    F = flow_vector_field(A, b, r, u, eta_r, eta_u)
    derived = _simplify_powers(2 * (u.T * F[1:, :])[0, 0])
    return Derivation.from_parts(
        [Part.of("derived against printed", compare(derived, sp.Integer(0)), derived, sp.Integer(0))],
        title="Lemma 3.2: d/dt ||u||^2 = 0 along (13) (symbolic L)",
        steps=(
            Step("u' = -η_u ∂_u L̃ by SymPy from (11)", F[1:, :]),
            Step("d/dt ||u||^2 = 2 u^T u'", derived),
        ),
        assumptions="L > 0 symbolic, r > 0, u > 0, N = 3, M = 1",
        instance=None,
    )


# ------------------------------------------------------------------------------ Lemma 3.3


def constant_sign_3_3() -> Derivation:
    """Lemma 3.3: for L = 2 + k (k >= 0 integer), r' = r·g_r and u_n' = u_n·g_n with g smooth.

    Then r(t) = r0 exp(∫ g_r) and u_n(t) = u_n(0) exp(∫ g_n) keep their signs: this is the
    exact form of the proof's "r = 0 implies r' = 0, u_n = 0 implies u_n' = 0".
    """
    A, b = symbolic_data(n=SMALL_N)
    u = positive_vector("u", SMALL_N)
    depth = 2 + k
    F = flow_vector_field(A, b, r, u, eta_r, eta_u, depth)
    c = norm(u)
    e = A * (r * u / c).applyfunc(lambda xi: xi**depth) - b
    s = A.T * e
    # the quotients, written with only nonnegative powers of r and u_n (k >= 0):
    grad_dot_u = sum(s[n] * (r / c) ** (1 + k) * u[n] ** (2 + k) for n in range(len(u)))  # u^T ∇L
    g_r = -(eta_r / c) * sum(s[n] * (r / c) ** k * u[n] ** (2 + k) for n in range(len(u))) / c
    g_u = [
        -eta_u * (r / c) * (s[n] * (r / c) ** (1 + k) * u[n] ** k - grad_dot_u / c**2) for n in range(len(u))
    ]
    derived = name_norm(F, u).applyfunc(_simplify_powers)
    printed = name_norm(sp.Matrix([r * g_r, *(u[n] * g_u[n] for n in range(len(u)))]), u).applyfunc(
        _simplify_powers
    )
    return Derivation.from_parts(
        [Part.of("derived against printed", compare(derived, printed), derived, printed)],
        title="Lemma 3.3: r' = r g_r(r, u) and u_n' = u_n g_n(r, u), L = 2 + k, k >= 0 integer",
        steps=(
            Step("[r', u'] by SymPy from (11), L = 2 + k", F),
            Step(
                "g_r, g_n: only nonnegative integer powers r^k, u_n^k, and ||u|| > 0 (Lemma 3.2) in "
                "denominators, so g is continuous and r(t) = r0 e^{∫g_r}, u_n(t) = u_n(0) e^{∫g_n} > 0",
                sp.Matrix([g_r, *g_u]),
            ),
            Step("for L = 1 (k = -1) u_n^k = 1/u_n and u_n' ≠ 0 at u_n = 0: L >= 2 is needed"),
        ),
        assumptions="L = 2 + k, k >= 0 integer symbolic; r > 0, u > 0; N = 2, M = 1",
        instance=None,
    )


# ------------------------------------------------------------------------------ Lemma 3.4


def loss_decrease_3_4() -> Derivation:
    """Lemma 3.4: dL̃/dt = ∂_r L̃ r' + ∇_u L̃·u' = -η_r |∂_r L̃|^2 - η_u ||∇_u L̃||^2 <= 0."""
    A, b = symbolic_data(n=SMALL_N)
    t = sp.Symbol("t", real=True)
    R = sp.Function("r")(t)
    U = sp.Matrix([sp.Function(f"u_{i + 1}")(t) for i in range(SMALL_N)])
    f = wn_loss(A, b, R, U)
    total = sp.diff(f, t)  # chain rule by SymPy on the trajectory
    grads = differentiate_wn_loss(A, b, R, U, with_respect_to=(R, list(U)))
    flow = {sp.Derivative(R, t): -eta_r * grads.grad_r}
    flow.update({sp.Derivative(Ui, t): -eta_u * gi for Ui, gi in zip(U, grads.grad_u, strict=True)})
    derived = total.subs(flow)
    printed = -eta_r * grads.grad_r**2 - eta_u * sum(gi**2 for gi in grads.grad_u)  # Lemma 3.4
    # the sign: -η_r G_r^2 - η_u Σ G_n^2 for real G and η > 0
    G = sp.symbols(f"G_r G_1:{SMALL_N + 1}", real=True)
    sign_form = -eta_r * G[0] ** 2 - eta_u * sum(gi**2 for gi in G[1:])
    if sign_form.is_nonpositive is not True:
        raise RuntimeError("SymPy could not decide the sign of -η_r G_r^2 - η_u ||G_u||^2")
    return Derivation.from_parts(
        [Part.of("derived against printed", compare(derived, printed), derived, printed)],
        title="Lemma 3.4: dL̃/dt along (12), (13) (symbolic L)",
        steps=(
            Step("d/dt L̃(r(t), u(t)) by SymPy's chain rule", total),
            Step("substitute r' = -η_r ∂_r L̃, u' = -η_u ∇_u L̃", derived),
            Step("Lemma 3.4 typed in", printed),
            Step("sign: SymPy decides -η_r G_r^2 - η_u ||G_u||^2 <= 0 for real G, η > 0", sign_form),
        ),
        assumptions="L > 0 symbolic, η_r, η_u > 0, N = 2, M = 1",
        instance=None,
    )
