"""Matrix factorization of "Kernel and Rich Regimes", Section 6 and Appendix G.

krr Sec. 6:  L(U, V) = L~(M) = sum_n (<X_n, M> - y_n)^2, M = U V^T (no 1/2)
             symmetric: M_W = W W^T, "M' = grad L~(M) M + M grad L~(M)" (Gunasekar et al. 2017)
             lift: M_bar = [U; V][U; V]^T, X_bar_n = 1/2 [[0, X_n], [X_n^T, 0]], <M_bar, X_bar_n> = <M, X_n>
krr (67):    diagonal X_n: delta = diag(U V^T), Delta = 1/2 diag(U U^T + V V^T),
             delta' = -4 X^T r o Delta, Delta' = -4 X^T r o delta,
             delta = 2 mu^2 sinh(-4 X^T int r), Delta = 2 mu^2 cosh(-4 X^T int r)

Sizes: d = 2, width k = 2 or 3, N = 1 or 2 measurements, all entries symbolic.
"""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Part, Step
from dlncheck.derivations.equality import compare, compare_polynomials, rational_points

# width of W in the comparison with print (the corrected form is also confirmed for k = 2)
WITNESS_WIDTH = 2

t = sp.Symbol("t", real=True)
mu = sp.Symbol("mu", positive=True)


def mat(name: str, rows: int, cols: int) -> sp.Matrix:
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i + 1}{j + 1}", real=True))


def inner(A: sp.Matrix, B: sp.Matrix) -> sp.Expr:
    return sum(A[i, j] * B[i, j] for i in range(A.rows) for j in range(A.cols))


def matrix_gradient(expr: sp.Expr, W: sp.Matrix) -> sp.Matrix:
    return W.applyfunc(lambda e: sp.diff(expr, e))


def symmetric_factorization(d: int = 2, k: int = 2):
    """M = W W^T, one measurement X_1 (not necessarily symmetric): M' and the printed form."""
    W = mat("W", d, k)
    X = mat("X", d, d)
    y = sp.Symbol("y_1", real=True)
    M = W * W.T
    r = inner(X, M) - y
    loss = r**2  # L~(M), krr Sec. 6
    G = 2 * r * X  # grad L~(M)
    W_dot = -matrix_gradient(loss, W)  # gradient flow on W
    M_dot = W_dot * W.T + W * W_dot.T
    printed = G * M + M * G  # krr Sec. 6
    corrected = -((G + G.T) * M + M * (G + G.T))
    return W, X, y, M, G, M_dot, printed, corrected


def symmetric_dynamics() -> Derivation:
    """krr Sec. 6: M' for M = W W^T against the printed grad L~(M) M + M grad L~(M)."""
    *_, G, M_dot, printed, corrected = symmetric_factorization(k=WITNESS_WIDTH)
    closed = compare(*symmetric_factorization(k=2)[-3::2])
    symbols = M_dot.free_symbols | printed.free_symbols
    cmp = compare_polynomials(M_dot, printed, rational_points(symbols, count=4, seed=6))
    steps = (
        Step("M = W W^T, L~(M) = (<X_1, M> - y_1)^2, grad L~(M) = 2 r X_1", G),
        Step("W' = -grad_W L~(W W^T); M' = W' W^T + W W'^T", M_dot),
        Step("printed: grad L~(M) M + M grad L~(M)", printed),
        Step(
            f"M' = -[(G + G^T) M + M (G + G^T)], G = grad L~(M): a function of M alone "
            f"(k = 2: {closed.outcome}, {closed.method}); for symmetric X_n this is -2 (G M + M G)",
            corrected,
        ),
    )
    return Derivation.from_parts(
        [Part.of("printed form", cmp, M_dot, printed)],
        title="induced dynamics of M = W W^T",
        assumptions="d = k = 2, N = 1, X_1 (not symmetric) and W symbolic",
        steps=steps,
        corrected=corrected,
    )


def symmetric_dynamics_closed() -> Derivation:
    """The part of the Sec. 6 claim that holds: M' depends on M only."""
    *_, M_dot, _, corrected = symmetric_factorization()
    closed = compare(M_dot, corrected)
    return Derivation.from_parts(
        [Part.of("closed in M", closed, M_dot, corrected)],
        title="M' is a function of M = W W^T alone",
        assumptions="d = k = 2, N = 1",
        steps=(Step("M'", M_dot), Step("-(G + G^T) M - M (G + G^T), G = grad L~(M)", corrected)),
    )


def lifted_model() -> Derivation:
    """krr Sec. 6: M_bar blocks, and <M_bar, X_bar> = <U V^T, X>."""
    d, k = 2, 3
    U, V, X = mat("U", d, k), mat("V", d, k), mat("X", d, d)
    W = U.col_join(V)
    M_bar = W * W.T
    blocks = sp.Matrix(sp.BlockMatrix([[U * U.T, U * V.T], [V * U.T, V * V.T]]))
    X_bar = sp.Rational(1, 2) * sp.Matrix(sp.BlockMatrix([[sp.zeros(d, d), X], [X.T, sp.zeros(d, d)]]))
    lifted = inner(M_bar, X_bar)
    plain = inner(U * V.T, X)
    steps = (
        Step("M_bar = [U; V][U; V]^T", M_bar),
        Step("X_bar = 1/2 [[0, X], [X^T, 0]]", X_bar),
        Step("<M_bar, X_bar>", sp.expand(lifted)),
    )
    return Derivation.from_parts(
        [
            Part.of("blocks", compare(M_bar, blocks), M_bar, blocks),
            Part.of("<M_bar, X_bar> = <M, X>", compare(lifted, plain), lifted, plain),
        ],
        title="the lifted symmetric model",
        assumptions="d = 2, k = 3 symbolic",
        steps=steps,
        derived=sp.Matrix([lifted]).col_join(sp.Matrix(list(M_bar))),
        printed=sp.Matrix([plain]).col_join(sp.Matrix(list(blocks))),
    )


def diagonal_sensing_dynamics() -> Derivation:
    """krr Appendix G: delta' = -4 X^T r o Delta, Delta' = -4 X^T r o delta for diagonal X_n."""
    d, k, n = 2, 3, 2
    U, V = mat("U", d, k), mat("V", d, k)
    xs = mat("x", n, d)  # row n: diag(X_n), the matrix called script-X in the paper
    ys = sp.Matrix(n, 1, lambda i, _: sp.Symbol(f"y_{i + 1}", real=True))
    Xn = [sp.diag(*xs.row(i)) for i in range(n)]
    M = U * V.T
    r = sp.Matrix([inner(Xn[i], M) - ys[i] for i in range(n)])
    loss = sum(e**2 for e in r)  # krr Sec. 6
    U_dot, V_dot = -matrix_gradient(loss, U), -matrix_gradient(loss, V)
    small_delta = sp.Matrix([M[i, i] for i in range(d)])
    big_delta = sp.Matrix([sp.Rational(1, 2) * ((U * U.T)[i, i] + (V * V.T)[i, i]) for i in range(d)])

    def rate(expr):
        return sum(
            sp.diff(expr, e) * de for e, de in zip(list(U) + list(V), list(U_dot) + list(V_dot), strict=True)
        )

    derived = small_delta.applyfunc(rate).col_join(big_delta.applyfunc(rate))
    g = xs.T * r
    printed = (-4 * g.multiply_elementwise(big_delta)).col_join(-4 * g.multiply_elementwise(small_delta))
    # the residual of the lifted model is that of M (krr Sec. 6 lift)
    M_bar = U.col_join(V) * U.col_join(V).T
    r_bar = sp.Matrix(
        [
            inner(
                M_bar,
                sp.Rational(1, 2)
                * sp.Matrix(sp.BlockMatrix([[sp.zeros(d, d), Xn[i]], [Xn[i].T, sp.zeros(d, d)]])),
            )
            - ys[i]
            for i in range(n)
        ]
    )
    steps = (
        Step("L(U, V) = sum_n (<X_n, U V^T> - y_n)^2, X_n = diag(x_n), d = 2, k = 3, N = 2", loss),
        Step("(delta', Delta') along the flow U' = -grad_U L, V' = -grad_V L", derived),
        Step("printed: (-4 X^T r o Delta, -4 X^T r o delta), r_n = <M_bar, X_bar_n> - y_n", printed),
    )
    return Derivation.from_parts(
        [
            Part.of("dynamics", compare(derived, printed), derived, printed),
            Part.of("lifted residual", compare(r_bar, r), r_bar, r),
        ],
        title="krr Appendix G: the (delta, Delta) dynamics",
        assumptions="U, V in R^{2x3} arbitrary (the dynamics closes for any U, V); diagonal X_n",
        steps=steps,
        derived=derived,
        printed=printed,
    )


def eq67_solution() -> Derivation:
    """krr (67) solves the (delta, Delta) dynamics, with delta(0) = 0, Delta(0) = 2 mu^2 from U(0), V(0)."""
    d = 2
    S = sp.Matrix(d, 1, lambda i, _: sp.Function(f"S_{i + 1}", real=True)(t))  # X^T int_0^t r
    g = S.diff(t)  # X^T r
    small = (-4 * S).applyfunc(lambda e: 2 * mu**2 * sp.sinh(e))  # krr (67)
    big = (-4 * S).applyfunc(lambda e: 2 * mu**2 * sp.cosh(e))
    derived = small.diff(t).col_join(big.diff(t))
    rhs = (-4 * g.multiply_elementwise(big)).col_join(-4 * g.multiply_elementwise(small))
    ode = compare(derived, rhs)
    at_zero = small.col_join(big).subs({s: 0 for s in S})
    # U(0) = [sqrt2 mu I, 0], V(0) = [0, sqrt2 mu I] (k = 2d)
    I, Z = sp.eye(d), sp.zeros(d, d)
    U0 = (sp.sqrt(2) * mu * I).row_join(Z)
    V0 = Z.row_join(sp.sqrt(2) * mu * I)
    init_delta = sp.Matrix([(U0 * V0.T)[i, i] for i in range(d)])
    init_Delta = sp.Matrix([sp.Rational(1, 2) * ((U0 * U0.T)[i, i] + (V0 * V0.T)[i, i]) for i in range(d)])
    M_bar0 = U0.col_join(V0) * U0.col_join(V0).T
    initial = sp.Matrix([at_zero, init_delta, init_Delta, sp.Matrix(list(M_bar0))])
    stated = sp.Matrix(
        [
            sp.zeros(d, 1),
            2 * mu**2 * sp.ones(d, 1),
            sp.zeros(d, 1),
            2 * mu**2 * sp.ones(d, 1),
            sp.Matrix(list(2 * mu**2 * sp.eye(2 * d))),
        ]
    )
    init = compare(initial, stated)
    steps = (
        Step(
            "krr (67): delta = 2 mu^2 sinh(-4 S), Delta = 2 mu^2 cosh(-4 S), S = X^T int_0^t r",
            small.col_join(big),
        ),
        Step("time derivatives", derived),
        Step("right-hand sides -4 X^T r o Delta, -4 X^T r o delta", rhs),
        Step("U(0) = [sqrt2 mu I, 0], V(0) = [0, sqrt2 mu I]: delta(0), Delta(0), M_bar(0)", M_bar0),
    )
    return Derivation.from_parts(
        [Part.of("ODE", ode, derived, rhs), Part.of("initial values", init, initial, stated)],
        title="krr (67) solves the (delta, Delta) dynamics from the stated initialization",
        assumptions="d = 2; S(0) = 0",
        steps=steps,
        derived=derived,
        printed=rhs,
    )
