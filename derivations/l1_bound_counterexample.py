"""The l1 bounds (9), (11) and (16) of "More is Less" fail on a one-row instance.

Instance: L = 4, N = 2, M = 1, A = (1, a) with 0 < a < 1, y = b > 0, u_0 = v_0 = α1 with α = 1
(x̃_0 = 1 in the positive case).  By Theorem 3.1 (resp. 2.2) the flow limit is the minimizer of
    sum_n g(p_n) + g(q_n)  over  p, q >= 0 with A(p - q) = b,   g(w) = 2w - 4 sqrt(w)   ((28), x̃_0 = 1),
a strictly convex function under one linear constraint, so the KKT point is the minimizer:
    g'(p_1) = μ, g'(p_2) = μ a, g'(q_1) = -μ, g'(q_2) = -μ a      (0 < μ < 2).
Choosing μ (instead of b) makes every quantity rational: b := A(p - q).  Since |a| < 1,
min_S ||z||_1 = b, attained at z = (b, 0), so
    ε = ||x̃_∞||_1 - min_S ||z||_1 = (1 - a)(p_2 - q_2),
which tends to (1 - a)(1/(1 - a)^2 - 1/(1 + a)^2) -> oo as μ -> 2 and then a -> 1, while (11)
bounds it by 2 c_4 α^4 N = 24.  (A direct numerical integration of the flow at μ = 1999/1000,
a = 97/100 reproduces ε = 32.27...; see tests/test_derivations_mil_bounds.py.)
"""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations import coordinate_functions as cf
from dlncheck.derivations.derivation import Derivation, Step, witness_instance
from dlncheck.derivations.sign_definite import decide_inequality

DEPTH = sp.Integer(4)
N_COORDS = 2
mu = sp.Symbol("mu", positive=True)  # KKT multiplier of the constraint A(p - q) = b
a = sp.Symbol("a2", positive=True)  # A = (1, a2)
WITNESS = {mu: sp.Rational(1999, 1000), a: sp.Rational(97, 100)}


def _g(arg: sp.Expr) -> sp.Expr:
    return cf.g_printed(DEPTH).xreplace({cf.x: sp.Integer(1)}).xreplace({cf.z: arg})


def _solve_slope(value: sp.Expr) -> sp.Expr:
    """The w > 0 with g'(w) = value (value < 2)."""
    w = sp.Symbol("w", positive=True)
    roots = sp.solve(sp.Eq(sp.diff(_g(w), w), value), w)
    if len(roots) != 1:
        raise RuntimeError(f"expected one root of g'(w) = {value}, got {roots}")
    return sp.factor(roots[0])


def kkt_point(signed: bool = True) -> dict[str, sp.Expr]:
    """p, q, b and the flow limit's l1 gap as functions of (μ, a)."""
    p1, p2 = _solve_slope(mu), _solve_slope(mu * a)
    q1, q2 = (_solve_slope(-mu), _solve_slope(-mu * a)) if signed else (sp.Integer(0), sp.Integer(0))
    b = p1 + a * p2 - q1 - a * q2
    x1, x2 = p1 - q1, p2 - q2  # x̃_∞ = p - q, both entries positive for 0 < μ < 2
    gap = sp.factor(sp.simplify(x1 + x2 - b))  # ||x̃_∞||_1 - min_S ||z||_1, min_S ||z||_1 = b
    return {"p1": p1, "p2": p2, "q1": q1, "q2": q2, "b": b, "gap": gap}


def bound_11_right() -> sp.Expr:
    """(11): 2 c_L α^L N at L = 4, α = 1, N = 2 (= (9)'s c_L(||u_0||_L^L + ||v_0||_L^L))."""
    return 2 * cf.c_L_printed(DEPTH) * 1**DEPTH * N_COORDS


def bound_16_right() -> sp.Expr:
    """(16): c_L ||x_0||_L^L at L = 4, x_0 = 1 (N = 2)."""
    return cf.c_L_printed(DEPTH) * N_COORDS


def _derivation(signed: bool) -> Derivation:
    k = kkt_point(signed)
    right = bound_11_right() if signed else bound_16_right()
    limit_mu = sp.simplify(sp.limit(k["gap"], mu, 2, "-"))
    growth = sp.limit(limit_mu, a, 1, "-")
    equation = "(11)" if signed else "(16)"
    return decide_inequality(
        f"{equation} at the flow limit of Theorem {'3.1' if signed else '2.2'}: L = 4, A = (1, a2), α = 1",
        k["gap"],
        right,
        slacks={},
        steps=(
            Step("g of (28) at L = 4, x̃_0 = 1", _g(sp.Symbol("w"))),
            Step(
                "KKT: g'(p_1) = μ, g'(p_2) = μ a2" + (", g'(q_1) = -μ, g'(q_2) = -μ a2" if signed else ""),
                sp.Matrix([k["p1"], k["p2"], k["q1"], k["q2"]]),
            ),
            Step("data y = b := A(p - q) (μ chosen, b derived)", k["b"]),
            Step("min_S ||z||_1 = b for 0 < a2 < 1: |b - a2 z_2| + |z_2| >= b + (1 - a2)|z_2|"),
            Step("ε = ||p - q||_1 - b", k["gap"]),
            Step("ε as μ -> 2-", limit_mu),
            Step("... and then a2 -> 1-: unbounded, while the bound stays fixed", growth),
            Step(f"printed bound {equation}", right),
        ),
        assumptions="0 < μ < 2, 0 < a2 < 1; flow limit as characterized by the paper's Theorem "
        + ("3.1" if signed else "2.2"),
        witnesses=(WITNESS,),
        hypotheses=(sp.Lt(mu, 2), sp.Lt(a, 1)),
        simplify=False,
        witness_instance=witness_instance(WITNESS),
    )


def equation_11_counterexample() -> Derivation:
    """(11) (and (9)) fail: ε = (1 - a2)(p_2 - q_2) exceeds 2 c_4 α^4 N = 24."""
    return _derivation(signed=True)


def theorem_2_1_counterexample() -> Derivation:
    """(16) fails in the positive case: ε = (1 - a2) p_2 exceeds c_4 ||x_0||_4^4 = 12."""
    return _derivation(signed=False)
