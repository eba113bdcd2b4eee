"""mil §1 and §1.3: why coherence-based guarantees need M ≳ s² measurements.

Coherence μ = max_{i≠j} |⟨a_i, a_j⟩| of unit columns; the classical coherence guarantee of
sparse recovery asks (2s - 1)μ < 1 ([10, Thm 5.15]).  The Welch bound ([10, Thm 5.7]),

    μ² >= (N - M) / (M(N - 1))        (‖AᵀA‖_F² >= (tr AᵀA)²/M = N²/M, ‖AᵀA‖_F² <= N + N(N-1)μ²),

then forces M(N - 1) >= (2s - 1)²(N - M), i.e. M >= (2s - 1)²/2 · (N - M)/((N - 1)/2): for
N >= 2M this is M ≳ s², the sample complexity mil attributes to coherence-based results ([18]).
"""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Step
from dlncheck.derivations.sign_definite import decide_inequality


def coherence_needs_quadratic_measurements() -> Derivation:
    """(2s - 1)μ < 1 and the Welch bound give (2s - 1)²(N - M) <= M(N - 1) (slack form)."""
    k, w, t1, u, m0 = sp.symbols("k w t1 u m0", nonnegative=True)  # k = (2s-1)², w = μ²
    p = sp.Symbol("p", positive=True)
    M = 1 + m0
    N = M + p  # N > M
    welch = p / (M * (N - 1)) + t1  # μ² = (N - M)/(M(N - 1)) + t1
    k_value = (1 - u) / w  # (2s - 1)²μ² = 1 - u
    return decide_inequality(
        "coherence guarantee (2s-1)μ < 1 with the Welch bound: (2s-1)²(N-M) <= M(N-1)",
        k * (N - M),
        M * (N - 1),
        slacks={k: k_value.xreplace({w: welch})},
        steps=(
            Step("Welch bound: μ² = (N - M)/(M(N - 1)) + t1, t1 >= 0", welch),
            Step("coherence condition: (2s - 1)²μ² = 1 - u, u >= 0", k_value),
        ),
        assumptions="unit-norm columns, 1 <= M < N; [10, Thm 5.7] (Welch) and [10, Thm 5.15] ((2s-1)μ < 1)",
    )
