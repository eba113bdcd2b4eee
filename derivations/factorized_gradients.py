"""Gradients of the overparameterized losses and the model reduction of "More is Less".

mil (4):  L_over(x^(1), ..., x^(L)) = 1/2 || A (x^(1) ⊙ ... ⊙ x^(L)) - y ||^2
mil (6):  L(x) = 1/2 || A x^{⊙L} - y ||^2
mil (39), Lemma A.1: grad_{x^(k)} L_over = [A^T (A x̃ - y)] ⊙ x̃_{k^c}
mil Lemma A.2: identical factors stay identical, and "x'(t) = -grad L(x)".

Depth is symbolic where SymPy can carry it: the product over the factors is a SymPy
``Product`` over l = 1..L with L = k + j (k >= 1 the differentiated factor, j >= 0), so that
every 1 <= k <= L is covered and SymPy can resolve the range conditions.  The data are
N = 3 columns and M = 2 rows with fully symbolic entries; the concrete-depth derivations
(L = 2, 3, 4) expand everything as polynomials and do not use ``Product`` at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Part, Step
from dlncheck.derivations.equality import compare, rational_points

N_COLUMNS = 3
M_ROWS = 2
CONCRETE_DEPTHS = (2, 3, 4)


def symbolic_data(m: int = M_ROWS, n: int = N_COLUMNS) -> tuple[sp.Matrix, sp.Matrix]:
    """A (m x n) and y (m x 1) with independent real symbolic entries."""
    A = sp.Matrix(m, n, lambda i, j: sp.Symbol(f"a_{i + 1}{j + 1}", real=True))
    y = sp.Matrix(m, 1, lambda i, _: sp.Symbol(f"y_{i + 1}", real=True))
    return A, y


def half_squared_residual(A: sp.Matrix, y: sp.Matrix, product: sp.Matrix) -> sp.Expr:
    """1/2 ||A p - y||^2, the common form of mil (3)-(7)."""
    r = A * product - y
    return sp.Rational(1, 2) * sum(ri**2 for ri in r)


def _hadamard(u: sp.Matrix, v: sp.Matrix) -> sp.Matrix:
    return u.multiply_elementwise(v)


def _factor_symbols(l: int, n: int) -> sp.Matrix:
    return sp.Matrix([sp.Symbol(f"x{l + 1}_{i + 1}", real=True) for i in range(n)])


def lemma_a1_concrete_depths() -> Derivation:
    """mil (39) for L = 2, 3, 4 by expanding L_over as a polynomial and differentiating."""
    A, y = symbolic_data()
    n = A.cols
    derived_blocks, printed_blocks, steps = [], [], []
    for depth in CONCRETE_DEPTHS:
        factors = [_factor_symbols(l, n) for l in range(depth)]
        prod = factors[0]
        for f in factors[1:]:
            prod = _hadamard(prod, f)
        loss = half_squared_residual(A, y, prod)  # mil (4)
        steps.append(Step(f"L = {depth}: L_over from mil (4), expanded", sp.expand(loss)))
        for k in range(depth):
            derived = sp.Matrix([sp.diff(loss, factors[k][i]) for i in range(n)])
            others = sp.ones(n, 1)
            for l, f in enumerate(factors):
                if l != k:
                    others = _hadamard(others, f)
            printed = _hadamard(A.T * (A * prod - y), others)  # mil (39)
            derived_blocks.append(derived)
            printed_blocks.append(printed)
    derived = sp.Matrix.hstack(*derived_blocks)
    printed = sp.Matrix.hstack(*printed_blocks)
    steps.append(Step("gradients with respect to every factor k = 1..L, one column per (L, k)", derived))
    steps.append(Step("mil (39) typed in: [A^T(A x̃ - y)] ⊙ x̃_{k^c}, same layout", printed))
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="Lemma A.1 for L = 2, 3, 4 (N = 3, M = 2)",
        steps=tuple(steps),
        assumptions="A, y, factors real; N = 3, M = 2 with symbolic entries",
        instance=None,
    )


@dataclass(frozen=True)
class SymbolicDepth:
    """L_over of mil (4) with symbolic depth L = k + j (k >= 1 the differentiated factor, j >= 0)."""

    k: sp.Symbol
    j: sp.Symbol
    x: sp.IndexedBase  # x[l, n]: entry n of factor l
    l: sp.Symbol
    A: sp.Matrix
    y: sp.Matrix

    @property
    def depth(self) -> sp.Expr:
        return self.k + self.j  # covers every 1 <= k <= L

    @property
    def product(self) -> sp.Matrix:
        """x̃ = x^(1) ⊙ ... ⊙ x^(L), entrywise a SymPy Product."""
        return sp.Matrix(
            self.A.cols, 1, lambda i, _: sp.Product(self.x[self.l, i + 1], (self.l, 1, self.depth))
        )

    def loss(self) -> sp.Expr:
        return half_squared_residual(self.A, self.y, self.product)  # mil (4)

    def gradient(self) -> sp.Matrix:
        """grad_{x^(k)} L_over, by SymPy's differentiation of the Products."""
        loss = self.loss()
        return sp.Matrix(self.A.cols, 1, lambda i, _: sp.diff(loss, self.x[self.k, i + 1]).doit())


def symbolic_depth() -> SymbolicDepth:
    A, y = symbolic_data()
    return SymbolicDepth(
        k=sp.Symbol("k", integer=True, positive=True),
        j=sp.Symbol("j", integer=True, nonnegative=True),
        x=sp.IndexedBase("x"),
        l=sp.Symbol("l", integer=True),
        A=A,
        y=y,
    )


def lemma_a1_symbolic_depth() -> Derivation:
    """mil (39) with symbolic depth L (products over l = 1..L as SymPy Products)."""
    setup = symbolic_depth()
    x, l, k, A, y = setup.x, setup.l, setup.k, setup.A, setup.y
    loss = setup.loss()
    derived = setup.gradient()
    others = sp.Matrix(
        A.cols,
        1,
        lambda i, _: (
            sp.Product(x[l, i + 1], (l, 1, k - 1)) * sp.Product(x[l, i + 1], (l, k + 1, setup.depth))
        ),
    )  # x̃_{k^c}
    printed = _hadamard(A.T * (A * setup.product - y), others)  # mil (39)
    cmp = compare(derived, printed)
    steps = (
        Step("mil (4) with x̃_n = Product_{l=1}^{L} x[l, n], L = k + j", loss),
        Step("derivative with respect to x[k, n] (SymPy resolves d/dx[k,n] of the Product)", derived),
        Step("mil (39) typed in, x̃_{k^c} = Product_{l<k} x[l,n] * Product_{l>k} x[l,n]", printed),
    )
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="Lemma A.1 for symbolic depth L (N = 3, M = 2)",
        steps=steps,
        assumptions="L = k + j with integers k >= 1, j >= 0; A, y real",
        instance=None,
    )


def _at_identical_factors(expr, x, n: int):
    """Substitute x[l, i] -> X_i for every factor l (identical initialization)."""
    X = sp.Matrix(n, 1, lambda i, _: sp.Symbol(f"X_{i + 1}", positive=True))
    replaced = expr.replace(
        lambda e: isinstance(e, sp.Indexed) and e.base == x,
        lambda e: X[int(e.indices[1]) - 1],
    )
    return replaced.doit(), X


@dataclass(frozen=True)
class IdenticalFactorVelocity:
    """-grad_{x^(k)} L_over at x^(1) = ... = x^(L) = X, with L a symbol again."""

    velocity: sp.Matrix
    k: sp.Symbol
    L: sp.Symbol
    A: sp.Matrix
    y: sp.Matrix
    X: sp.Matrix


def factor_velocity_at_identical_factors() -> IdenticalFactorVelocity:
    setup = symbolic_depth()
    at_diag, X = _at_identical_factors(setup.gradient(), setup.x, setup.A.cols)
    L = sp.Symbol("L", integer=True, positive=True)
    velocity = (-at_diag.subs(setup.j, L - setup.k)).applyfunc(lambda e: sp.powsimp(e, force=True))
    return IdenticalFactorVelocity(velocity, setup.k, L, setup.A, setup.y, X)


def lemma_a2_balancedness() -> Derivation:
    """All factors have the same velocity on {x^(1) = ... = x^(L)}: the set is invariant."""
    flow = factor_velocity_at_identical_factors()
    velocity = flow.velocity
    other = velocity.subs(flow.k, sp.Symbol("k'", integer=True, positive=True))
    cmp = compare(velocity, other)
    steps = (
        Step("velocity -grad_{x^(k)} L_over (from Lemma A.1, symbolic L) at identical factors X", velocity),
        Step("the same for another factor k'", other),
        Step(
            "the velocity does not depend on k, so the vector field is tangent to the linear subspace "
            "{x^(1) = ... = x^(L)}; the field is polynomial (locally Lipschitz), so by uniqueness a "
            "solution started in the subspace stays there for all t >= 0"
        ),
    )
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, velocity, other)],
        title="Lemma A.2: identical factors stay identical (symbolic L)",
        steps=steps,
        assumptions="L = k + j >= k >= 1 symbolic; X > 0; N = 3, M = 2",
        instance=None,
    )


def lemma_a2_reduced_dynamics() -> Derivation:
    """Compare the common factor's velocity with the printed x'(t) = -grad L(x)."""
    flow = factor_velocity_at_identical_factors()
    velocity, L, A, y, X = flow.velocity, flow.L, flow.A, flow.y, flow.X
    n = A.cols
    power = sp.Matrix(n, 1, lambda i, _: X[i] ** L)
    reduced_loss = half_squared_residual(A, y, power)  # mil (6)
    printed = -sp.Matrix(n, 1, lambda i, _: sp.diff(reduced_loss, X[i]))  # "x' = -grad L(x)"
    corrected = printed / L
    domains = {L: (2, 5)}
    symbols = velocity.free_symbols | printed.free_symbols
    cmp = compare(velocity, printed, rational_points(symbols, count=6, seed=2, domains=domains))
    steps = (
        Step("velocity of the common factor X (Lemma A.1 at identical factors)", velocity),
        Step("mil (6): reduced loss L(X) = 1/2 ||A X^{⊙L} - y||^2", reduced_loss),
        Step("printed dynamics x' = -grad L(x), differentiated by SymPy", printed),
        Step("residual velocity - printed, factored", cmp.residual.applyfunc(sp.factor)),
        Step("the velocity equals -(1/L) grad L(X): the reduced flow runs on the time scale t/L", corrected),
    )
    return Derivation.from_parts(
        [Part.of("velocity against -grad L", cmp, velocity, printed)],
        title="Lemma A.2: reduced dynamics x'(t) = -grad L(x)",
        steps=steps,
        assumptions="L >= 2 symbolic; X > 0; N = 3, M = 2",
        corrected=corrected,
        instance=lambda point: _witness_instance(point, A, y, X, L),
    )


def _witness_instance(point, A, y, X, L) -> dict:
    def s(expr) -> str:
        return sp.sstr(sp.nsimplify(expr.xreplace(point)))

    return {
        "A": [[s(A[i, j]) for j in range(A.cols)] for i in range(A.rows)],
        "y": [s(v) for v in y],
        "depth": int(point[L]),
        "init": {"x0": [s(v) for v in X]},
    }
