"""Exact vertices of a polyhedron {x ≥ 0 : M x = b} by enumerating its basic feasible solutions.

A point of P = {x ≥ 0 : Mx = b} is a vertex iff it is a basic feasible solution: for some set
B of r = rank M columns with M_B nonsingular (on a basis of the rows), x_B = M_B⁻¹ b ≥ 0 and
x = 0 off B.  Every linear function bounded above on P attains its maximum at a vertex, and a
convex function on a polytope (a bounded P) attains its maximum at a vertex too.

This is the brute-force, LP-free way to the same optima that ``numerics.sparse_recovery`` and
``numerics.null_space_constants`` reach by HiGHS plus exact certificates: it serves as their
independent check on small instances (C(n, r) bases; refused beyond ``MAX_BASES``).  All
arithmetic is exact (``fractions.Fraction`` in, python-flint's ``fmpq_mat`` inside).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from fractions import Fraction

from flint import fmpq, fmpq_mat

# C(n, r) square solves, each exact: 20,000 keeps an enumeration under a few seconds.
MAX_BASES = 20_000

Vector = tuple[Fraction, ...]


class TooManyBasesError(ValueError):
    """The enumeration would solve more than MAX_BASES systems (a one-line message says how many)."""


def _fraction(q: fmpq) -> Fraction:
    return Fraction(int(q.p), int(q.q))


def _matrix(rows: Sequence[Sequence[Fraction]], width: int) -> fmpq_mat:
    return fmpq_mat(len(rows), width, [fmpq(v.numerator, v.denominator) for row in rows for v in row])


def rank(M: Sequence[Sequence[Fraction]]) -> int:
    """The rank of an exact rational matrix (0 for an empty one)."""
    if not M or not M[0]:
        return 0
    return _matrix(M, len(M[0])).rank()


def solve_exact(M: Sequence[Sequence[Fraction]], b: Sequence[Fraction]) -> list[Fraction] | None:
    """x with Mx = b for a square exact rational M (python-flint's fmpq_mat); None if M is singular."""
    n = len(M)
    square = _matrix(M, n)
    if square.det() == 0:
        return None
    solution = square.solve(_matrix([[v] for v in b], 1))
    return [_fraction(solution[i, 0]) for i in range(n)]


def _reduced_system(
    M: Sequence[Sequence[Fraction]], b: Sequence[Fraction], n: int
) -> tuple[list[list[Fraction]], list[Fraction]] | None:
    """Independent rows R x = c with the solutions of Mx = b; None if Mx = b has none."""
    if not M:
        return [], []
    augmented = _matrix([[*row, v] for row, v in zip(M, b, strict=True)], n + 1)
    echelon, r = augmented.rref()
    rows = [[_fraction(echelon[i, j]) for j in range(n + 1)] for i in range(r)]
    if any(all(v == 0 for v in row[:n]) for row in rows):  # a pivot in the right-hand side
        return None
    return [row[:n] for row in rows], [row[n] for row in rows]


def vertices(M: Sequence[Sequence[Fraction]], b: Sequence[Fraction], n: int) -> tuple[Vector, ...]:
    """The vertices of {x ∈ ℝⁿ : x ≥ 0, Mx = b}, exactly, in a stable order (empty if P = ∅).

    ``M`` may have dependent rows (they are reduced first) or no rows at all (then P = ℝⁿ₊ and
    its only vertex is 0).
    """
    system = _reduced_system(M, b, n)
    if system is None:
        return ()
    R, c = system
    r = len(R)
    if math.comb(n, r) > MAX_BASES:
        raise TooManyBasesError(
            f"vertex enumeration is for small designs: {math.comb(n, r)} bases (n = {n}, rank {r}), "
            f"the limit is {MAX_BASES}"
        )
    found: dict[Vector, None] = {}
    rhs = _matrix([[v] for v in c], 1) if r else None
    for basis in itertools.combinations(range(n), r):
        x = [Fraction(0)] * n
        if r:
            square = _matrix([[row[j] for j in basis] for row in R], r)
            if square.det() == 0:
                continue
            solution = square.solve(rhs)
            values = [_fraction(solution[i, 0]) for i in range(r)]
            if any(v < 0 for v in values):
                continue
            for j, v in zip(basis, values, strict=True):
                x[j] = v
        found[tuple(x)] = None
    return tuple(found)


def has_recession_direction(M: Sequence[Sequence[Fraction]], n: int) -> bool:
    """Whether some r ≥ 0, r ≠ 0 has Mr = 0 (then {x ≥ 0 : Mx = b} is unbounded where nonempty)."""
    normalized = [list(row) for row in M] + [[Fraction(1)] * n]
    return bool(vertices(normalized, [Fraction(0)] * len(M) + [Fraction(1)], n))


def row_basis_exact(M: Sequence[Sequence[Fraction]]) -> list[list[Fraction]]:
    """The nonzero rows of M's reduced row echelon form: a basis of its row space, exactly."""
    if not M or not M[0]:
        return []
    echelon, r = _matrix(M, len(M[0])).rref()
    return [[_fraction(echelon[i, j]) for j in range(len(M[0]))] for i in range(r)]
