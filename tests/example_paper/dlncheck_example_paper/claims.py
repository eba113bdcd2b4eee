"""The example paper's three claims, declared with their checks (their text is in
``catalogue.json``): one verified by SymPy, one refuted by a stored instance, one supported by a
property search over flow limits. Every name used comes from dlncheck's public modules."""

from __future__ import annotations

import math
from fractions import Fraction

import sympy as sp

from dlncheck.checks.claim import declare
from dlncheck.checks.flow_strategies import positive_flow_instances
from dlncheck.checks.formula_audit import formula_audit
from dlncheck.checks.limit_audit import LimitBound, limit_audit, limit_search, solution_set_hypothesis
from dlncheck.checks.symbolic import SymbolicCheck
from dlncheck.checks.verdicts import Verdict
from dlncheck.derivations.derivation import Derivation, Part, Step, witness_instance
from dlncheck.derivations.equality import compare

a, b = sp.symbols("a b", real=True)
x = sp.Symbol("x", positive=True)

# ------------------------------------------------------------------ (1): an identity


def derive_square() -> Derivation:
    """(a + b)² expanded by SymPy, against the printed a² + 2ab + b²."""
    derived = sp.expand((a + b) ** 2)
    printed = a**2 + 2 * a * b + b**2
    return Derivation.from_parts(
        [Part.of("(a + b)^2 against (1)", compare(derived, printed), derived, printed)],
        title="(1)",
        steps=(Step("expand (a + b)^2", derived),),
        assumptions="a, b real",
    )


declare(
    id="ex.identity",
    expected=Verdict.VERIFIED,
    checks=(SymbolicCheck("expansion", "(a + b)^2 expanded by SymPy against (1)", derive_square),),
)

# ------------------------------------------------------------------ (2): a false inequality


def derive_minimum() -> Derivation:
    """min over x > 0 of x + 1/x, by the stationary point of its derivative, against the printed 3."""
    f = x + 1 / x
    (stationary,) = sp.solve(sp.diff(f, x), x)
    derived = f.subs(x, stationary)
    printed = sp.Integer(3)
    cmp = compare(derived, printed, points=[{x: stationary}])  # the residual 2 - 3, at the minimizer
    return Derivation.from_parts(
        [Part.of("the minimum against the printed 3", cmp, derived, printed)],
        title="(2): the minimum of x + 1/x",
        steps=(Step("f'(x) = 1 - 1/x^2 = 0 at", stationary), Step("f at the stationary point", derived)),
        assumptions="x > 0",
        corrected=sp.Integer(2),
        instance=witness_instance,
    )


declare(
    id="ex.amgm",
    expected=Verdict.REFUTED,
    findings=(r"False: the minimum of $x+1/x$ over $x>0$ is $2$, at $x=1$; the corrected bound is $\ge2$.",),
    checks=(
        SymbolicCheck(
            "minimum", "the minimum of x + 1/x over x > 0 (SymPy) against the printed 3", derive_minimum
        ),
    ),
    audit=formula_audit(
        "ex.amgm",
        sp.Integer(3),
        x + 1 / x,
        op="<=",
        left_name="3",
        right_name="x + 1/x",
        example={"x": "2"},
        description="both sides of (2) at a point x > 0, exactly",
    ),
)

# ------------------------------------------------------------------ Proposition 1: a bound on a flow limit


def _l1_minimum_image(A: tuple, y: tuple) -> tuple[Fraction, ...] | None:
    """Aᵀλ for an exact optimal dual λ of min ‖z‖₁ over S₊ (a certified LP)."""
    from dlncheck.numerics.sparse_recovery import certify_l1_minimizer

    certificate = certify_l1_minimizer(A, y, positive=True)
    if not certificate.certified:
        return None
    return tuple(sum(A[i][j] * certificate.dual[i] for i in range(len(A))) for j in range(len(A[0])))


def _sides(instance, limit: tuple, intervals: bool):
    """left λᵀA x̃∞ = λᵀy (the minimum), right Σ|x̃∞_j|: true, since x̃∞ ∈ S₊."""
    image = _l1_minimum_image(instance.A, instance.y)
    if image is None:
        return None, None
    if intervals:
        from flint import arb

        from dlncheck.numerics.enclosures import ball

        left = sum((ball(c) * v for c, v in zip(image, limit, strict=True)), arb(0))
        return left, sum((abs(v) for v in limit), arb(0))
    left = math.fsum(float(c) * v for c, v in zip(image, limit, strict=True))
    return left, math.fsum(abs(v) for v in limit)


PROPOSITION_1 = LimitBound(
    claim_id="ex.limit",
    models=("positive",),
    left_name="min_{z in S+} ||z||_1",
    right_name="||x̃_∞||_1",
    hypotheses=solution_set_hypothesis("Proposition 1", "S₊"),
    sides=_sides,
    description="Proposition 1 at the limit of the positive flow, certified at D digits",
)

declare(
    id="ex.limit",
    expected=Verdict.SUPPORTED,
    checks=(
        limit_search(
            PROPOSITION_1,
            positive_flow_instances,
            "Proposition 1 on drawn positive-flow instances: the limit in float64, a slack below 1e-3 "
            "re-audited with the limit certified at 30-240 digits",
        ),
    ),
    audit=limit_audit(
        PROPOSITION_1,
        {"model": "positive", "A": [["1", "2", "3"]], "y": ["2"], "L": 2, "init": {"alpha": "1e-3"}},
    ),
)
