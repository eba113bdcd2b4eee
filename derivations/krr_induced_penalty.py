"""The penalty on beta induced by ||w||_2^2 in the depth-D model (10) of "Kernel and Rich Regimes".

krr Sec. 5:  min { ||w||_2^2 : w_+^D - w_-^D = beta } = sum_i |beta_i|^{2/D}
             ("regularizing ||w||_2 is equivalent to ||beta||_{2/D} regularization")

The problem separates over coordinates: min a^2 + b^2 s.t. a^D - b^D = beta_i.  By the
symmetry (a, b, beta) -> (b, a, -beta) take beta > 0 (beta = 0 gives 0), and by the scaling
(a, b) -> beta^{1/D} (a, b) take beta = 1.  The objective is coercive and the constraint
gradient (D a^{D-1}, -D b^{D-1}) vanishes only at a = b = 0, which is infeasible, so the
minimum is a Lagrange point; those are enumerated for symbolic D (cases a = 0, b = 0,
a^{D-2} = -b^{D-2}) and, as a cross-check, solved outright for D = 3.
"""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Outcome, Part, Step
from dlncheck.derivations.equality import compare

a, b, lam = sp.symbols("a b lambda", real=True)
D = sp.Symbol("D", integer=True, positive=True)
delta = sp.Symbol("delta", positive=True)  # D = 2 + delta
beta = sp.Symbol("beta", positive=True)
CROSS_CHECK_DEPTH = 3


def lagrange_values_at_depth(depth: int) -> list[sp.Expr]:
    """a^2 + b^2 at the real Lagrange points of a^D - b^D = 1."""
    equations = [
        2 * a - lam * depth * a ** (depth - 1),
        2 * b + lam * depth * b ** (depth - 1),
        a**depth - b**depth - 1,
    ]
    solutions = sp.solve(equations, [a, b, lam], dict=True)
    values = {
        sp.nsimplify(sp.simplify(s[a] ** 2 + s[b] ** 2))
        for s in solutions
        if all(v.is_real for v in s.values())
    }
    return sorted(values, key=lambda e: float(e))


def induced_penalty() -> Derivation:
    # symbolic D: candidate values at beta = 1
    # a = 0: -b^D = 1 (odd D, b = -1); b = 0: a^D = 1 (a = 1); a, b != 0: a^{D-2} = -b^{D-2},
    # impossible for even D and a = -b for odd D, then 2 a^D = 1
    a_mixed = 2 ** (-1 / D)
    candidates = sp.Matrix([1, 1, 2 * a_mixed**2])
    mixed_excess = sp.powsimp(candidates[2], force=True)  # 2^{1 - 2/D}
    exponent = sp.simplify(sp.log(mixed_excess, 2).expand(force=True)).subs(D, 2 + delta)
    text = "mixed Lagrange point not smaller"
    mixed_not_smaller = (
        Part(text, Outcome.AGREES, exponent, sp.Integer(0), "SymPy decides 1 - 2/D >= 0 (D = 2 + delta)")
        if sp.simplify(exponent).is_nonnegative is True
        else Part(text, Outcome.INCONCLUSIVE, exponent, exponent, "could not decide the sign of 1 - 2/D")
    )
    # scaling: (a, b) -> beta^{1/D} (a, b) maps a^D - b^D = 1 to = beta and a^2 + b^2 to beta^{2/D}(a^2 + b^2)
    s = beta ** (1 / D)
    scaled_constraint = sp.powsimp(sp.expand_power_base((s * a) ** D - (s * b) ** D, force=True), force=True)
    scaled_target = sp.expand(beta * (a**D - b**D))
    scaling = compare(sp.expand(scaled_constraint), scaled_target)
    derived = beta ** (2 / D) * 1  # the minimum value 1 at beta = 1, scaled
    printed = sp.Abs(beta) ** (2 / D)  # krr Sec. 5, one coordinate
    value = compare(derived, printed)
    check_values = lagrange_values_at_depth(CROSS_CHECK_DEPTH)
    smallest = sp.Min(*check_values)
    cross = compare(smallest, sp.Integer(1))
    steps = (
        Step("one coordinate, beta = 1: Lagrange points a = 0 (odd D), b = 0, a = -b = 2^{-1/D} (odd D)"),
        Step("a^2 + b^2 at them", candidates),
        Step("log_2 of the mixed value, D = 2 + delta: >= 0, so the minimum is 1", exponent),
        Step("scaling (a, b) -> beta^{1/D}(a, b): constraint", scaled_constraint),
        Step(
            f"D = {CROSS_CHECK_DEPTH}: a^2 + b^2 at every real solution of the Lagrange system",
            sp.Matrix(check_values),
        ),
        Step(
            "minimum per coordinate beta^{2/D} (|beta|^{2/D} by symmetry); the sum over i separates", derived
        ),
    )
    return Derivation.from_parts(
        [
            mixed_not_smaller,
            Part.of("scaling", scaling, scaled_constraint, scaled_target),
            Part.of("value", value, derived, printed),
            Part.of(f"D = {CROSS_CHECK_DEPTH} solved outright", cross, smallest, sp.Integer(1)),
        ],
        title="min ||w||_2^2 s.t. w_+^D - w_-^D = beta equals sum |beta_i|^{2/D}",
        assumptions="D >= 2 symbolic, beta > 0 (beta < 0 by symmetry, beta = 0 trivially)",
        steps=steps,
        derived=derived,
        printed=printed,
    )
