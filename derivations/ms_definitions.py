"""Matt–Stöger Sec. I and Lemma III.3: the loss, its flow, the entropy's Bregman divergence.

ms Sec. I:  L(x) = sum_i (<a_i, x> - y_i)^2 = ||Ax - y||^2 (no 1/2), L~(u) = L(u^{⊙2}),
            B_Phi(x, x0) = Phi(x) - Phi(x0) - <grad Phi(x0), x - x0>,
            E(x) = sum_i x_i log x_i - x_i (0 log 0 := 0).
ms Lemma III.3(ii): 0 = d/dt|_{t=0} B_E(x^inf + t ñ, alpha 1) = sum_i ñ_i log(x^inf_i / alpha),
            split over S and S^c with x^inf = x* + n and x*_{S^c} = 0.

ms writes A in R^{N x d}; the data here are N = 2 rows and d = 3 columns with symbolic entries
(numerics/conventions.py converts the names).
"""

from __future__ import annotations

from fractions import Fraction

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Part, Step
from dlncheck.derivations.equality import compare, rational_points
from dlncheck.derivations.ms_sign_certificates import Term, entropy_tangent, inequality
from dlncheck.numerics import conventions

N_ROWS, D_COLUMNS = 2, 3


def design(rows: int = N_ROWS, cols: int = D_COLUMNS) -> tuple[sp.Matrix, sp.Matrix]:
    """A (rows x cols) and y with independent real symbolic entries (ms's N x d)."""
    A = sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"a_{i + 1}{j + 1}", real=True))
    y = sp.Matrix(rows, 1, lambda i, _: sp.Symbol(f"y_{i + 1}", real=True))
    return A, y


def ms_loss(A: sp.Matrix, y: sp.Matrix, x: sp.Matrix) -> sp.Expr:
    """ms Sec. I: L(x) = ||Ax - y||^2, no 1/2."""
    r = A * x - y
    return sum(ri**2 for ri in r)


def mil_reduced_loss(A: sp.Matrix, y: sp.Matrix, x: sp.Matrix, depth: int) -> sp.Expr:
    """mil (6): L(x) = 1/2 ||A x^{⊙L} - y||^2."""
    r = A * x.applyfunc(lambda v: v**depth) - y
    return sp.Rational(1, 2) * sum(ri**2 for ri in r)


def _gradient(f: sp.Expr, x: sp.Matrix) -> sp.Matrix:
    return sp.Matrix([sp.diff(f, v) for v in x])


def loss_as_sum_over_rows() -> Derivation:
    """ms Sec. I: sum_i (<a_i, x> - y_i)^2 = ||Ax - y||^2, and L~(u) = ||A u^{⊙2} - y||^2."""
    A, y = design()
    x = sp.Matrix(sp.symbols(f"x_1:{D_COLUMNS + 1}", real=True))
    u = sp.Matrix(sp.symbols(f"u_1:{D_COLUMNS + 1}", real=True))
    by_rows = sum((A.row(i).dot(x) - y[i]) ** 2 for i in range(A.rows))
    norm = (A * x - y).dot(A * x - y)
    reparam = by_rows.subs(dict(zip(x, u.applyfunc(lambda v: v**2), strict=True)), simultaneous=True)
    printed = ms_loss(A, y, u.applyfunc(lambda v: v**2))
    derived = sp.Matrix([by_rows, reparam])
    target = sp.Matrix([norm, printed])
    cmp = compare(derived, target)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, target)],
        title="L as a sum over the rows a_i, and L~(u) = L(u^{⊙2})",
        steps=(
            Step("sum_i (<a_i, x> - y_i)^2 over the rows of A (N = 2, d = 3)", by_rows),
            Step("||Ax - y||^2", norm),
            Step("L(u^{⊙2}) from the row sum", reparam),
            Step("printed L~(u) = ||A u^{⊙2} - y||^2", printed),
        ),
        assumptions="A (2 x 3), y, x, u real and symbolic",
        instance=None,
    )


def flow_time_scale_against_mil() -> Derivation:
    """ms's gradient flow of L~ and mil's reduced flow (15) with L = 2: the time factor.

    -grad_u L~(u) = -4 u ⊙ A^T(A u^{⊙2} - y) (ms, no 1/2); mil (6) with L = 2 gives
    -grad L(u) = -2 u ⊙ A^T(A u^{⊙2} - y).  So u_ms(t) = x_mil(c t), c = 2, and the project's
    conversion numerics.conventions.mil_time_from_ms_time must be t -> 2t.
    """
    A, y = design()
    u = sp.Matrix(sp.symbols(f"u_1:{D_COLUMNS + 1}", real=True))
    ms_velocity = -_gradient(ms_loss(A, y, u.applyfunc(lambda v: v**2)), u)
    mil_velocity = -_gradient(mil_reduced_loss(A, y, u, 2), u)
    closed = -4 * u.multiply_elementwise(A.T * (A * u.applyfunc(lambda v: v**2) - y))
    factor = sp.Rational(str(Fraction(conventions.mil_time_from_ms_time(1.0)).limit_denominator(1000)))
    derived = sp.Matrix.vstack(ms_velocity, ms_velocity)
    printed = sp.Matrix.vstack(closed, factor * mil_velocity)
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="gradient flow of L~ (no 1/2) is mil's flow (15), L = 2, at twice the time",
        steps=(
            Step("ms velocity -grad_u L~(u), differentiated by SymPy", ms_velocity),
            Step("closed form -4 u ⊙ A^T(A u^{⊙2} - y)", closed),
            Step("mil (6), L = 2: -grad (1/2)||A u^{⊙2} - y||^2", mil_velocity),
            Step(
                "time factor from numerics.conventions.mil_time_from_ms_time(1): u_ms(t) = x_mil(c t) "
                "iff ms velocity = c * mil velocity",
                factor,
            ),
            Step(
                "for the model x = u^{⊙2}: x' = 2u ⊙ u' = -4 x ⊙ A^T(Ax - y), i.e. "
                "d/dt log x = -4 A^T(Ax - y): the mirror flow of the entropy E at speed 4; "
                "x(0) = u_0^{⊙2} = alpha^2 1 for u_0 = alpha 1",
            ),
        ),
        assumptions="A (2 x 3), y, u real and symbolic",
        instance=None,
    )


def least_squares_flow_limit() -> Derivation:
    """ms Sec. I: the flow of L from 0 converges to the minimal-l2-norm solution of Ax = y.

    The flow x' = -grad L(x) = -2 A^T(Ax - y) started at 0 is x = A^T z with
    z' = -2(G z - y), G = A A^T (checked below; by uniqueness it is *the* solution).  With
    w = z - G^{-1} y: d/dt |w|^2 = -4 |A^T w|^2 = -4 w^T G w <= -4 lambda_min(G) |w|^2, so w -> 0
    when A has full row rank, and x -> A^T G^{-1} y.  That limit is compared with the
    minimizer of |x|^2 on {Ax = y} found from its KKT system by SymPy's linear solver.
    """
    A, y = design()
    d = A.cols
    x = sp.Matrix(sp.symbols(f"x_1:{d + 1}", real=True))
    z = sp.Matrix(sp.symbols(f"z_1:{A.rows + 1}", real=True))
    G = A * A.T
    flow = -_gradient(ms_loss(A, y, x), x)
    z_velocity = -2 * (G * z - y)
    ansatz_residual = A.T * z_velocity - flow.subs(dict(zip(x, A.T * z, strict=True)), simultaneous=True)
    # w = z - G^{-1} y; for G invertible write y = G v (v = G^{-1} y), so z = w + v: polynomial algebra
    w = sp.Matrix(sp.symbols(f"w_1:{A.rows + 1}", real=True))
    v = sp.Matrix(sp.symbols(f"v_1:{A.rows + 1}", real=True))
    z_velocity_w = z_velocity.subs(dict(zip(z, w + v, strict=True)), simultaneous=True).subs(
        dict(zip(y, G * v, strict=True)), simultaneous=True
    )
    lyapunov = 2 * w.dot(z_velocity_w) + 4 * (A.T * w).dot(A.T * w)
    limit = A.T * G.inv() * y
    mu = sp.Matrix(sp.symbols(f"mu_1:{A.rows + 1}", real=True))
    kkt = list(2 * x - A.T * mu) + list(A * x - y)
    solution = sp.solve(kkt, list(x) + list(mu), dict=True)
    minimum_norm = x.subs(solution[0]) if len(solution) == 1 else sp.Matrix([sp.nan] * d)
    # any A: every solution is A^T v + k with A k = 0, and |A^T v + k|^2 = |A^T v|^2 + |k|^2 + 2 v.(A k)
    k = sp.Matrix(sp.symbols(f"k_1:{d + 1}", real=True))
    pythagoras = (A.T * v + k).dot(A.T * v + k) - (A.T * v).dot(A.T * v) - k.dot(k) - 2 * v.dot(A * k)
    derived = sp.Matrix.vstack(ansatz_residual, sp.Matrix([lyapunov, pythagoras]), limit)
    printed = sp.Matrix.vstack(sp.zeros(d, 1), sp.zeros(2, 1), minimum_norm)
    cmp = compare(derived, printed, rational_points(derived.free_symbols | printed.free_symbols, count=3))
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="flow of L from 0 converges to the minimal-norm solution",
        steps=(
            Step("flow of L (no 1/2): x' = -grad L(x)", flow),
            Step(
                "ansatz x = A^T z, z' = -2(A A^T z - y): A^T z' - (-grad L(A^T z)) (must be 0)",
                ansatz_residual,
            ),
            Step("w = z - (A A^T)^{-1} y: d/dt |w|^2 + 4 |A^T w|^2 (must be 0)", lyapunov),
            Step(
                "A A^T is positive definite for A of full row rank, so |w|^2 decays at rate "
                "4 lambda_min(A A^T): z -> (A A^T)^{-1} y"
            ),
            Step("limit of the flow: A^T (A A^T)^{-1} y", limit),
            Step(
                "for any consistent A (rank-deficient too): y in range(A) = range(A A^T), so y = A A^T v; "
                "the ansatz and Lyapunov identities above hold for every A; the component of w in ker(A A^T) "
                "is constant and killed by A^T, the rest decays; the limit A^T v is minimal since "
                "|A^T v + k|^2 - |A^T v|^2 - |k|^2 = 2 v.(A k) = 0 for k in ker A (must be 0)",
                pythagoras,
            ),
            Step("KKT of min |x|^2 s.t. Ax = y, solved by SymPy", minimum_norm),
        ),
        assumptions="A (2 x 3) symbolic; the KKT comparison takes det A A^T != 0, the other identities hold "
        "for every A; x(0) = 0",
        instance=None,
    )


def entropy_bregman_closed_form() -> Derivation:
    """ms Sec. I: B_E from its definition, in closed form; grad E = log x.

    B_E(x, x0) = sum_i x_i log(x_i/x0_i) - x_i + x0_i; at x0 = alpha 1 this is the divergence
    of Theorem II.2.  0 log 0 := 0 is the limit of x log x as x -> 0+.
    """
    d = D_COLUMNS
    x = sp.Matrix(sp.symbols(f"x_1:{d + 1}", positive=True))
    x0 = sp.Matrix(sp.symbols(f"x0_1:{d + 1}", positive=True))
    alpha = sp.Symbol("alpha", positive=True)
    s = sp.Symbol("s", positive=True)

    def E(v: sp.Matrix) -> sp.Expr:
        return sum(vi * sp.log(vi) - vi for vi in v)

    grad_E = _gradient(E(x), x)
    grad_at_x0 = grad_E.subs(dict(zip(x, x0, strict=True)), simultaneous=True)
    bregman = E(x) - E(x0) - grad_at_x0.dot(x - x0)  # ms Sec. I definition
    closed = sum(xi * sp.log(xi / x0i) - xi + x0i for xi, x0i in zip(x, x0, strict=True))
    at_alpha = bregman.subs(dict(zip(x0, [alpha] * d, strict=True)), simultaneous=True)
    closed_alpha = sum(xi * sp.log(xi / alpha) - xi + alpha for xi in x)
    zero_log_zero = sp.limit(s * sp.log(s), s, 0, "+")
    derived = sp.Matrix([*grad_E, bregman, at_alpha, zero_log_zero])
    printed = sp.Matrix([*x.applyfunc(sp.log), closed, closed_alpha, 0])
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="B_E in closed form from the definition",
        steps=(
            Step("E(x) = sum x_i log x_i - x_i; grad E by SymPy", grad_E),
            Step("B_E(x, x0) = E(x) - E(x0) - <grad E(x0), x - x0> (d = 3)", bregman),
            Step("closed form sum x_i log(x_i/x0_i) - x_i + x0_i", closed),
            Step("at x0 = alpha 1", at_alpha),
            Step("lim_{s -> 0+} s log s (the convention 0 log 0 = 0 is continuity)", zero_log_zero),
        ),
        assumptions="x, x0 > 0 entrywise, d = 3",
        instance=None,
    )


def entropy_bregman_nonnegative() -> Derivation:
    """B_E(x, x0) >= 0: each term is x0_i phi(x_i/x0_i), phi(r) = r log r - r + 1 >= 0 (E strictly convex)."""
    d = D_COLUMNS
    x = sp.symbols(f"x_1:{d + 1}", positive=True)
    x0 = sp.symbols(f"x0_1:{d + 1}", positive=True)
    bregman = sum(
        xi * sp.log(xi) - xi - (x0i * sp.log(x0i) - x0i) - sp.log(x0i) * (xi - x0i)
        for xi, x0i in zip(x, x0, strict=True)
    )
    phi = entropy_tangent()
    return inequality(
        title="B_E(x, x0) >= 0 (E is convex)",
        steps=(Step("B_E(x, x0) from the definition (d = 3)", bregman),),
        lesser=sp.Integer(0),
        greater=bregman,
        certificate=[Term(x0i, phi, xi / x0i) for xi, x0i in zip(x, x0, strict=True)],
        assumptions="x, x0 > 0 entrywise, d = 3",
    )


def lemma_iii3_first_order_condition() -> Derivation:
    """ms Lemma III.3(ii): d/dt B_E(x^inf + t ñ, alpha 1) at t = 0, for symbolic d.

    The sum over i = 1..d is a SymPy Sum with indexed entries; the derivative of the sum is
    the sum of the derivatives, compared summand by summand with ñ_i log(x^inf_i / alpha).
    """
    i = sp.Symbol("i", integer=True, positive=True)
    d = sp.Symbol("d", integer=True, positive=True)
    t = sp.Symbol("t", real=True)
    alpha = sp.Symbol("alpha", positive=True)
    X = sp.IndexedBase("x_inf", positive=True)
    m = sp.IndexedBase("n_tilde", real=True)
    v = X[i] + t * m[i]
    a = alpha
    summand = v * sp.log(v) - v - (a * sp.log(a) - a) - sp.log(a) * (v - a)  # E(v) - E(a1) - <log a, v - a>
    bregman = sp.Sum(summand, (i, 1, d))
    derivative = sp.diff(bregman, t).subs(t, 0)
    printed_summand = m[i] * sp.log(X[i] / alpha)
    derived_summand = derivative.function if isinstance(derivative, sp.Sum) else derivative
    cmp = compare(derived_summand, printed_summand)
    summand_by_summand = Part(
        "summand against printed summand",
        cmp.outcome,
        derived_summand,
        cmp.residual,
        cmp.method + " (summand by summand over the same range i = 1..d)",
        cmp.witness_point,
        cmp.witness_value,
        printed_summand,
    )
    return Derivation.from_parts(
        [summand_by_summand],
        title="first-order condition d/dt B_E(x^inf + t ñ, alpha 1)|_0 = sum ñ_i log(x^inf_i/alpha), "
        "symbolic d",
        steps=(
            Step("B_E(x^inf + t ñ, alpha 1) as a Sum over i = 1..d", bregman),
            Step("d/dt at t = 0 (SymPy differentiates under the finite Sum)", derivative),
            Step("printed summand ñ_i log(x^inf_i / alpha)", printed_summand),
        ),
        assumptions="d symbolic; x^inf_i > 0 wherever ñ_i != 0 (Lemma III.2), so each summand is "
        "differentiable",
        instance=None,
    )


def lemma_iii3_split(support: int = 3, off_support: int = 2) -> Derivation:
    """ms Lemma III.3: (i) n = x^inf - x* in ker A, n_{S^c} = x^inf_{S^c} >= 0; (ii) the split.

    With x^inf = x* + n and x*_{S^c} = 0, sum_i ñ_i log(x^inf_i/alpha) = 0 is, term by term,
    RHS - LHS of the printed identity -sum_S ñ_i log((x*_i + n_i)/alpha) = sum_{S^c} ñ_i log(n_i/alpha).
    """
    d = support + off_support
    alpha = sp.Symbol("alpha", positive=True)
    xs = sp.Matrix([sp.Symbol(f"xstar_{k + 1}", positive=True) for k in range(support)] + [0] * off_support)
    n = sp.Matrix(sp.symbols(f"n_1:{d + 1}", real=True))
    m = sp.Matrix(sp.symbols(f"ntilde_1:{d + 1}", real=True))
    A, _ = design(N_ROWS, d)
    x_inf = xs + n
    condition = sum(m[k] * sp.log(x_inf[k] / alpha) for k in range(d))
    lhs = -sum(m[k] * sp.log((xs[k] + n[k]) / alpha) for k in range(support))
    rhs = sum(m[k] * sp.log(n[k] / alpha) for k in range(support, d))
    kernel = A * (x_inf - xs) - A * n  # A n = A x^inf - A x* = y - y
    derived = sp.Matrix([condition, *kernel, *(x_inf[support:, 0] - n[support:, 0])])
    printed = sp.Matrix([rhs - lhs, *([0] * A.rows), *([0] * off_support)])
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title=f"Lemma III.3 split over S and S^c (|S| = {support}, |S^c| = {off_support})",
        steps=(
            Step(
                "first-order condition sum_i ñ_i log(x^inf_i/alpha) with x^inf = x* + n, x*_{S^c} = 0",
                condition,
            ),
            Step("printed: RHS - LHS of Lemma III.3(ii)", rhs - lhs),
            Step("A n - A(x^inf - x*) (n in ker A since A x^inf = A x* = y)", kernel),
            Step(
                "n_{S^c} = x^inf_{S^c} >= 0, so n in N; n_{S^c} != 0 because some ñ in N has ñ_{S^c} != 0 "
                "(Lemma III.1(i)) and then x^inf_{S^c} != 0 (Lemma III.2)"
            ),
        ),
        assumptions=f"x*_S > 0, |S| = {support}, |S^c| = {off_support}; "
        "x^inf_i > 0 where ñ_i != 0 (Lemma III.2)",
        instance=None,
    )
