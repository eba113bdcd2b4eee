"""Exact evaluation of the factorized losses of "More is Less" and their gradients.

mil (4):  L_over(x^(1), ..., x^(L)) = 1/2 ||A (x^(1) ⊙ ... ⊙ x^(L)) - y||^2
mil (6):  L(x) = 1/2 ||A x^{⊙L} - y||^2

Two routes on purpose: :func:`gradients_by_differentiation` differentiates the loss as
written (SymPy on the concrete rational instance), while :func:`gradient_formula_39` evaluates
the printed formula mil (39).  Both are exact (rationals), so a disagreement is certain.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import sympy as sp

Vector = tuple[Fraction, ...]
Matrix = tuple[Vector, ...]


def hadamard(*vectors: Sequence[Fraction]) -> Vector:
    out = [Fraction(1)] * len(vectors[0])
    for v in vectors:
        out = [a * b for a, b in zip(out, v, strict=True)]
    return tuple(out)


def matvec(A: Matrix, v: Sequence[Fraction]) -> Vector:
    return tuple(sum((a * b for a, b in zip(row, v, strict=True)), Fraction(0)) for row in A)


def rmatvec(A: Matrix, r: Sequence[Fraction]) -> Vector:
    """A^T r."""
    n = len(A[0])
    return tuple(sum((A[m][j] * r[m] for m in range(len(A))), Fraction(0)) for j in range(n))


def residual(A: Matrix, y: Vector, product: Sequence[Fraction]) -> Vector:
    return tuple(a - b for a, b in zip(matvec(A, product), y, strict=True))


def gradient_formula_39(A: Matrix, y: Vector, factors: Sequence[Vector], k: int) -> Vector:
    """mil (39): [A^T (A x̃ - y)] ⊙ x̃_{k^c}, as printed."""
    product = hadamard(*factors)
    others = hadamard(*(f for l, f in enumerate(factors) if l != k))
    return hadamard(rmatvec(A, residual(A, y, product)), others)


def _rational(value: sp.Expr) -> Fraction:
    if not value.is_Rational:
        raise ValueError(f"expected an exact rational, got {value}")
    return Fraction(int(value.p), int(value.q))


def _sym_matrix(A: Matrix) -> sp.Matrix:
    return sp.Matrix([[sp.Rational(a.numerator, a.denominator) for a in row] for row in A])


def gradients_by_differentiation(A: Matrix, y: Vector, factors: Sequence[Vector]) -> tuple[Vector, ...]:
    """grad_{x^(k)} L_over for every k, by differentiating mil (4) exactly (SymPy)."""
    n, depth = len(A[0]), len(factors)
    symbols = [[sp.Symbol(f"x{l}_{j}") for j in range(n)] for l in range(depth)]
    product = sp.Matrix([sp.Mul(*(symbols[l][j] for l in range(depth))) for j in range(n)])
    r = _sym_matrix(A) * product - sp.Matrix([sp.Rational(v.numerator, v.denominator) for v in y])
    loss = sp.Rational(1, 2) * sum(ri**2 for ri in r)  # mil (4)
    values = {
        symbols[l][j]: sp.Rational(factors[l][j].numerator, factors[l][j].denominator)
        for l in range(depth)
        for j in range(n)
    }
    return tuple(
        tuple(_rational(sp.diff(loss, symbols[l][j]).xreplace(values)) for j in range(n))
        for l in range(depth)
    )


def reduced_gradient_by_differentiation(A: Matrix, y: Vector, x: Vector, depth: int) -> Vector:
    """grad L(x) of mil (6), by differentiating exactly (SymPy)."""
    n = len(A[0])
    symbols = [sp.Symbol(f"x_{j}") for j in range(n)]
    r = _sym_matrix(A) * sp.Matrix([s**depth for s in symbols]) - sp.Matrix(
        [sp.Rational(v.numerator, v.denominator) for v in y]
    )
    loss = sp.Rational(1, 2) * sum(ri**2 for ri in r)  # mil (6)
    values = {s: sp.Rational(v.numerator, v.denominator) for s, v in zip(symbols, x, strict=True)}
    return tuple(_rational(sp.diff(loss, s).xreplace(values)) for s in symbols)
