"""The mirror potentials F of "More is Less" and their derivatives.

mil (21):  F(x) = 1/2 <x ⊙ log x - x, 1> = 1/2 sum_n x_n log x_n - x_n          (L = 2)
           F(x) = L/(2(2-L)) <x^{⊙2/L}, 1> = L/(2(2-L)) sum_n x_n^{2/L}         (L > 2)
mil, after (21): H_F(x) is diagonal with entries (1/L) x_n^{-2+2/L} > 0 for x > 0.
mil (34):  F^±(u, v) = F(u) + F(v), strictly convex.

F is separable, so every statement is about the scalar potential f of one coordinate; the
vector forms are built over N = 3 coordinates with positive symbolic entries.  The depth is
L = 2 or symbolic L = 2 + delta, delta > 0 (as in derivations.coordinate_functions).
"""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations.coordinate_functions import L_SYMBOLIC, delta
from dlncheck.derivations.derivation import Derivation, Part, Step
from dlncheck.derivations.equality import compare

N_COORDINATES = 3


def case(depth) -> str:
    return "L = 2" if depth == 2 else "L > 2 (symbolic, L = 2 + delta)"


def coordinates(name: str, n: int = N_COORDINATES, **assumptions) -> sp.Matrix:
    """A column of n scalar symbols name_1..name_n (positive unless told otherwise)."""
    assumptions = assumptions or {"positive": True}
    return sp.Matrix([sp.Symbol(f"{name}_{i + 1}", **assumptions) for i in range(n)])


def scalar_potential(depth, s: sp.Expr) -> sp.Expr:
    """One coordinate's term of mil (21), sum form."""
    if depth == 2:
        return sp.Rational(1, 2) * (s * sp.log(s) - s)
    depth = sp.sympify(depth)
    return depth / (2 * (2 - depth)) * s ** (2 / depth)


def potential(depth, x: sp.Matrix) -> sp.Expr:
    """F(x) of mil (21), the sum form."""
    return sum(scalar_potential(depth, xi) for xi in x)


def potential_inner_product_form(depth, x: sp.Matrix) -> sp.Expr:
    """F(x) of mil (21), the first (inner product) form, typed in."""
    ones = sp.ones(len(x), 1)
    if depth == 2:
        v = sp.Matrix([xi * sp.log(xi) - xi for xi in x])
        return sp.Rational(1, 2) * (v.T * ones)[0]
    depth = sp.sympify(depth)
    v = x.applyfunc(lambda xi: xi ** (2 / depth))
    return depth / (2 * (2 - depth)) * (v.T * ones)[0]


def gradient(expr: sp.Expr, x: sp.Matrix) -> sp.Matrix:
    return sp.Matrix([sp.diff(expr, xi) for xi in x])


def potential_gradient(depth, x: sp.Matrix) -> sp.Matrix:
    """grad F(x), by differentiating (21)."""
    return gradient(potential(depth, x), x)


def hessian_printed(depth, x: sp.Matrix) -> sp.Matrix:
    """mil, sentence after (21): diag((1/L) x_n^{-2+2/L})."""
    return sp.diag(*[xi ** (-2 + 2 / sp.sympify(depth)) / depth for xi in x])


def _all_positive(entries) -> bool:
    return all(sp.simplify(e).is_positive for e in entries)


def potential_forms(depth) -> Derivation:
    """mil (21): the inner-product form and the sum form are the same function."""
    x = coordinates("x")
    derived = potential_inner_product_form(depth, x)
    printed = potential(depth, x)
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title=f"the two forms of F in (21) ({case(depth)})",
        steps=(Step("first form of (21)", derived), Step("second (sum) form of (21)", printed)),
        assumptions=f"x > 0, N = {N_COORDINATES}; " + case(depth),
        instance=None,
    )


def potential_hessian(depth) -> Derivation:
    """The claim after (21): H_F is diagonal with entries (1/L) x_n^{-2+2/L} > 0."""
    x = coordinates("x")
    F = potential(depth, x)
    H = sp.hessian(F, list(x)).applyfunc(lambda e: sp.powsimp(sp.simplify(e), force=True))
    printed = hessian_printed(depth, x)
    cmp = compare(H, printed)
    diagonal = [H[i, i] for i in range(len(x))]
    positive = _all_positive(diagonal)
    steps = (
        Step("F from (21), sum form", F),
        Step("grad F", potential_gradient(depth, x)),
        Step("Hessian of F, by SymPy", H),
        Step("printed: diag((1/L) x_n^{-2+2/L})", printed),
        Step(f"diagonal entries positive for x > 0 (SymPy: {positive}), so F is strictly convex on x > 0"),
    )
    return Derivation.from_parts(
        [Part.of("Hessian against printed", cmp, H, printed)],
        title=f"Hessian of F ({case(depth)})",
        steps=steps,
        notes=() if positive else ["SymPy could not show the entries positive"],
        assumptions=f"x > 0, N = {N_COORDINATES}; " + case(depth),
        decided=positive,
        instance=None,
    )


def product_potential_hessian(depth) -> Derivation:
    """mil (34): F^±(u, v) = F(u) + F(v) has the block-diagonal positive Hessian diag(H_F(u), H_F(v))."""
    u, v = coordinates("u", 2), coordinates("v", 2)
    F_pm = potential(depth, u) + potential(depth, v)  # mil (34)
    uv = sp.Matrix.vstack(u, v)
    H = sp.hessian(F_pm, list(uv)).applyfunc(lambda e: sp.powsimp(sp.simplify(e), force=True))
    printed = sp.diag(hessian_printed(depth, u), hessian_printed(depth, v))
    cmp = compare(H, printed)
    positive = _all_positive(H[i, i] for i in range(4))
    steps = (
        Step("F^±(u, v) = F(u) + F(v) (34), N = 2", F_pm),
        Step("Hessian in (u, v)", H),
        Step("expected from the claim after (21): diag(H_F(u), H_F(v))", printed),
        Step(
            f"diagonal with positive entries (SymPy: {positive}): F^± strictly convex on u, v > 0, "
            "so D_{F^±} is well defined there"
        ),
    )
    return Derivation.from_parts(
        [Part.of("Hessian against printed", cmp, H, printed)],
        title=f"F^± is strictly convex ({case(depth)})",
        steps=steps,
        notes=() if positive else ["SymPy could not show the entries positive"],
        assumptions="u, v > 0, N = 2; " + case(depth),
        decided=positive,
        instance=None,
    )


__all__ = [
    "L_SYMBOLIC",
    "case",
    "coordinates",
    "delta",
    "gradient",
    "hessian_printed",
    "potential",
    "potential_forms",
    "potential_gradient",
    "potential_hessian",
    "product_potential_hessian",
    "scalar_potential",
]
