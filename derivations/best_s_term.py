"""The error of best s-term approximation in l1, mil Section 1.2.

mil:  σ_s(x)_1 = min_{z : ||z||_0 <= s} ||x - z||_1;  "clearly σ_s(x)_1 = 0 if x is s-sparse".

For a support T (|T| <= s) the inner minimum over z supported on T is attained at z_T = x_T
(each |x_i - z_i| >= 0 with equality there), leaving sum_{i not in T} |x_i|.  The outer minimum
over T is taken by SymPy's ``Min`` on the magnitudes written in sorted order with
nonnegative gaps, |x_(1)| = p_1, |x_(2)| = p_1 + p_2, ..., for every ordering of the
coordinates; it is compared with the sum of the N - s smallest magnitudes.
"""

from __future__ import annotations

from itertools import combinations, permutations

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Part, Step
from dlncheck.derivations.equality import compare

CASES = ((3, 0), (3, 1), (3, 2), (3, 3), (4, 2))  # (N, s)


def sigma_by_definition(magnitudes: list[sp.Expr], s: int) -> sp.Expr:
    """min over supports |T| <= s of sum_{i not in T} |x_i| (inner minimum at z_T = x_T)."""
    n = len(magnitudes)
    candidates = [
        sum((magnitudes[i] for i in range(n) if i not in T), sp.Integer(0))
        for size in range(s + 1)
        for T in combinations(range(n), size)
    ]
    return sp.Min(*candidates)


def best_s_term_error() -> Derivation:
    """σ_s(x)_1 = sum of the N - s smallest |x_i|, for every ordering of the magnitudes."""
    derived_rows, printed_rows = [], []
    for n, s in CASES:
        gaps = sp.symbols(f"p1:{n + 1}", nonnegative=True)
        sorted_magnitudes = [sum(gaps[: i + 1]) for i in range(n)]  # |x_(1)| <= ... <= |x_(n)|
        smallest = sum(sorted_magnitudes[: n - s], sp.Integer(0))
        for order in permutations(range(n)):
            magnitudes = [sp.Integer(0)] * n
            for rank, position in enumerate(order):
                magnitudes[position] = sorted_magnitudes[rank]
            derived_rows.append(sigma_by_definition(magnitudes, s))
            printed_rows.append(smallest)
    derived, printed = sp.Matrix(derived_rows), sp.Matrix(printed_rows)
    unresolved = [e for e in derived_rows if e.has(sp.Min)]
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="σ_s(x)_1 is the sum of the N - s smallest |x_i| "
        "(N = 3, s = 0..3; N = 4, s = 2; all orderings)",
        steps=(
            Step("inner minimum over z supported on T: z_T = x_T, leaving sum_{i not in T} |x_i|"),
            Step("outer minimum over |T| <= s, magnitudes in sorted order with gaps p_i >= 0", derived),
            Step("sum of the N - s smallest magnitudes", printed),
        ),
        assumptions="|x_(1)| <= ... <= |x_(N)| written with nonnegative gaps, every permutation of positions",
        notes=[f"SymPy left {len(unresolved)} Min unresolved"] if unresolved else (),
        decided=not unresolved,
        instance=None,
    )


def sparse_vectors_have_zero_error() -> Derivation:
    """x with at most s nonzero entries: σ_s(x)_1 = 0 (N = 3, s = 1, 2; N = 4, s = 2)."""
    derived_rows = []
    for n, s in ((3, 1), (3, 2), (4, 2)):
        magnitudes = [sp.Symbol(f"m{i + 1}", nonnegative=True) for i in range(s)] + [sp.Integer(0)] * (n - s)
        derived_rows.append(sigma_by_definition(magnitudes, s))
    derived = sp.Matrix(derived_rows)
    printed = sp.zeros(len(derived_rows), 1)
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="σ_s(x)_1 = 0 for s-sparse x",
        steps=(Step("σ_s by the definition with N - s zero entries", derived),),
        assumptions="x has s nonzero entries m_i (placed first; σ_s is permutation invariant)",
        instance=None,
    )
