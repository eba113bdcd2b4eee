"""ms's flow in the product x = u^{⊙2}: its mirror form and the conservation law along ker A.

ms Sec. I: u' = −∇L~(u), L~(u) = ‖A u^{⊙2} − y‖² (no ½).  SymPy differentiates the loss; with
x = u^{⊙2},

    d/dt log x_i = 2 u_i'/u_i = −8 (Aᵀ(Ax − y))_i,

so log x(t) − log x(0) stays in range(Aᵀ), and for every n ∈ ker A

    d/dt Σ_i n_i log x_i(t) = −8 (An)ᵀ(Ax − y) = 0.

That is the law a limit of the flow keeps (where it is positive): Σ n_i log x^∞_i = Σ n_i log x_i(0).
It decides ms Sec. I's step 1 (the prior of the Bregman projection is x(0) = α²𝟙, not α𝟙).
The data are ms's N = 2 rows and d = 3 columns with symbolic entries; n = a₁ × a₂ (the cross
product of the rows) spans ker A for generic A.
"""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Part, Step
from dlncheck.derivations.equality import compare
from dlncheck.derivations.ms_definitions import D_COLUMNS, design, ms_loss

# ms's loss has no ½, so ẋ = 2u ⊙ u' = −8 x ⊙ Aᵀr (mil's ½‖·‖² gives −4).
MS_MIRROR_SPEED = 8


def conservation_law() -> Derivation:
    """d/dt log x = −8 Aᵀ(Ax − y) along ms's flow, and d/dt Σ n_i log x_i = 0 for An = 0."""
    A, y = design()
    u = sp.Matrix(sp.symbols(f"u_1:{D_COLUMNS + 1}", positive=True))
    loss = ms_loss(A, y, u.applyfunc(lambda v: v**2))
    velocity = -sp.Matrix([sp.diff(loss, v) for v in u])
    log_rate = sp.Matrix([2 * velocity[i] / u[i] for i in range(D_COLUMNS)])  # d/dt log u_i²
    x = u.applyfunc(lambda v: v**2)
    mirror = -MS_MIRROR_SPEED * A.T * (A * x - y)
    n = A.row(0).T.cross(A.row(1).T)  # An = 0 identically
    law = (n.T * log_rate)[0, 0]
    derived = sp.Matrix([*log_rate, (A * n)[0], (A * n)[1], law])
    printed = sp.Matrix([*mirror, 0, 0, 0])
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="along ms's flow d/dt log x = -8 A^T(Ax - y), so n^T log x(t) is constant for n in ker A",
        steps=(
            Step("u' = -grad L~(u), L~(u) = ||A u^2 - y||^2 (no 1/2), differentiated by SymPy", velocity),
            Step("d/dt log x_i = 2 u_i'/u_i for x = u^2", log_rate),
            Step("mirror form -8 A^T(Ax - y)", mirror),
            Step("n = a_1 x a_2 (rows of A): An = 0", n),
            Step("d/dt n^T log x", law),
        ),
        assumptions="A (2 x 3), y real and symbolic, u > 0",
        instance=None,
    )
