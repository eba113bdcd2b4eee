"""mil (32)-(33): S±, "an alternative representation of the solution set S".

S = {z : Az = y} (32); z = z₊ - z₋ with (z₊)_n = max(z_n, 0), (z₋)_n = max(-z_n, 0);
S± = {(z₊, z₋) : z₊, z₋ >= 0, A(z₊ - z₋) = y} (33).  What "alternative representation" means,
and is derived here:

* the decomposition inverts the difference map: z₊ - z₋ = z, z₊, z₋ >= 0, z₊ ⊙ z₋ = 0 and
  z₊ + z₋ = |z| entrywise (both signs of z_n, exactly);
* so z ∈ S ⟺ (z₊, z₋) ∈ S± (A(z₊ - z₋) = Az), and (a, b) ∈ S± ⟹ a - b ∈ S: the map
  (a, b) ↦ a - b sends S± onto S (symbolic A ∈ ℝ^{2×3});
* ‖a - b‖₁ <= 𝟙ᵀa + 𝟙ᵀb on S± with equality at the decomposition, so
  min_S ‖z‖₁ = min_{S±} 𝟙ᵀ(a + b) (the identity the proof of Theorem 1.1 uses); the map is
  not one-to-one (a + t𝟙, b + t𝟙 has the same image), which is why Theorem 3.1's argmin over S±
  is a pair, not a vector.
"""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Outcome, Part, Step

p = sp.Symbol("p", nonnegative=True)  # |z_n|


def _parts(z):
    return sp.Max(z, 0), sp.Max(-z, 0)


def decomposition_identities() -> Derivation:
    """z₊ - z₋ = z, z₊ ⊙ z₋ = 0, z₊ + z₋ = |z| for z_n = p and z_n = -p, p >= 0."""
    steps = []
    residuals = []
    for z in (p, -p):
        plus, minus = _parts(z)
        for name, expr in (
            ("z+ - z- - z", plus - minus - z),
            ("z+ * z-", plus * minus),
            ("z+ + z- - |z|", plus + minus - sp.Abs(z)),
            ("min(z+, 0) (z+ >= 0)", sp.Min(plus, 0)),
            ("min(z-, 0) (z- >= 0)", sp.Min(minus, 0)),
        ):
            value = sp.simplify(expr)
            steps.append(Step(f"{name} at z_n = {sp.sstr(z)}", value))
            residuals.append(value)
    residual = sp.Matrix(residuals)
    agrees = all(r == 0 for r in residuals)
    simplified = Part(
        "the identities at z_n = ±p",
        Outcome.AGREES if agrees else Outcome.INCONCLUSIVE,
        residual,
        residual,
        "SymPy simplify of Max at a signed argument",
        printed=sp.zeros(len(residuals), 1),
    )
    return Derivation.from_parts(
        [simplified],
        title="(32)-(33): the decomposition z = z+ - z- entrywise",
        steps=steps,
        assumptions="z_n real, split by sign: z_n = p or z_n = -p with p >= 0",
        instance=None,
    )


def difference_map_onto_solution_set() -> Derivation:
    """A(z₊ - z₋) - y = Az - y for symbolic A ∈ ℝ^{2×3}, z ∈ ℝ³ (so z ∈ S ⟺ (z₊, z₋) ∈ S±), and
    A(a - b) - y is the residual of a - b (so S± maps into S)."""
    A = sp.Matrix(2, 3, sp.symbols("a_11:14 a_21:24", real=True))
    y = sp.Matrix(sp.symbols("y_1:3", real=True))
    z = sp.Matrix(sp.symbols("z_1:4", real=True))
    a = sp.Matrix(sp.symbols("alpha_1:4", nonnegative=True))
    b = sp.Matrix(sp.symbols("beta_1:4", nonnegative=True))
    plus = z.applyfunc(lambda v: _parts(v)[0])
    minus = z.applyfunc(lambda v: _parts(v)[1])
    # A(z+ - z-) - Az = A(z+ - z- - z) (linearity); each entry of z+ - z- - z, Max rewritten as a
    # Piecewise, simplifies to 0 for real z_n
    entrywise = (plus - minus - z).applyfunc(lambda e: sp.simplify(e.rewrite(sp.Piecewise)))
    onto = sp.expand((A * (plus - minus) - y) - (A * z - y) - A * (plus - minus - z)) + A * entrywise
    into = sp.expand(A * (a - b) - y - (A * a - A * b - y))
    residual = sp.Matrix.vstack(onto, into)
    agrees = all(sp.simplify(r) == 0 for r in residual)
    simplified = Part(
        "A(z+ - z-) - Az and A(a - b) - (Aa - Ab)",
        Outcome.AGREES if agrees else Outcome.INCONCLUSIVE,
        residual,
        residual,
        "SymPy simplify (Piecewise rewrite of Max)",
        printed=sp.zeros(residual.rows, 1),
    )
    return Derivation.from_parts(
        [simplified],
        title="(33) represents S: (a, b) -> a - b maps S± onto S, z -> (z+, z-) is a section",
        steps=(
            Step("A(z+ - z-) - y - (Az - y), A symbolic 2 x 3", onto),
            Step("A(a - b) - y - (Aa - Ab - y) for (a, b) >= 0", into),
        ),
        assumptions="A ∈ R^{2x3}, y ∈ R^2, z ∈ R^3 symbolic; a, b >= 0",
        instance=None,
    )


def l1_over_the_representation() -> Derivation:
    """‖a - b‖₁ <= 𝟙ᵀ(a + b) entrywise for a, b >= 0 (|a_n - b_n| <= a_n + b_n in both orders),
    with equality at (z₊, z₋): min_S ‖z‖₁ = min_{S±} 𝟙ᵀ(a + b)."""
    a_n, b_n = sp.symbols("a_n b_n", nonnegative=True)
    margins = (
        sp.simplify((a_n + b_n) - (a_n - b_n)),  # a_n >= b_n: |a_n - b_n| = a_n - b_n
        sp.simplify((a_n + b_n) - (b_n - a_n)),  # a_n < b_n
    )
    equality = tuple(sp.simplify(sum(_parts(z)) - sp.Abs(z)) for z in (p, -p))
    decided = all(m.is_nonnegative for m in margins) and all(e == 0 for e in equality)
    signs = Part(
        "margins and equality",
        Outcome.AGREES if decided else Outcome.INCONCLUSIVE,
        sp.Matrix([*margins, *equality]),
        sp.Integer(0) if decided else sp.Matrix(margins),
        "SymPy is_nonnegative of 2 min(a_n, b_n) in each order; simplify of the equality",
        printed=sp.Matrix([sp.Symbol(">= 0"), sp.Symbol(">= 0"), 0, 0]),
    )
    return Derivation.from_parts(
        [signs],
        title="min over S of ||z||_1 equals min over S± of 1ᵀ(a + b)",
        steps=(
            Step("(a_n + b_n) - |a_n - b_n| in both orders of a_n, b_n >= 0", sp.Matrix(margins)),
            Step("z+ + z- - |z| at z_n = ±p", sp.Matrix(equality)),
        ),
        assumptions="a, b >= 0 entrywise",
        instance=None,
    )
