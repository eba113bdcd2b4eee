"""The coordinate functions g of "More is Less" and the constant c_L.

mil (28):  g_x(z) = z (log z - 1 - log x)          (L = 2)
           g_x(z) = 2 z - L z^{2/L} x^{1 - 2/L}      (L > 2),   x = (x̃_0)_n > 0, z >= 0.
mil, display before (30): g_min = -x * {1 (L = 2); L - 2 (L > 2)}, attained at z = x.
mil (30):  zeros at 0 and c_n = x * {e (L = 2); (L/2)^{L/(L-2)} (L > 2)}.
mil (31):  g'(c_n) = {1 (L = 2); (2/L)(L - 2) (L > 2)}.
mil (10) = (17):  c_L = L/2 + {e (L = 2); (L/2)^{L/(L-2)} (L > 2)},
           obtained in the proof of Theorem 2.1 as (c_n - g_min / g'(c_n)) / x.

Every g is homogeneous: g_x(x w) = x phi(w) with phi(w) = w (log w - 1) for L = 2 and
phi(w) = 2 w - L w^{2/L} for L > 2.  The derivations solve for w with SymPy, so the results
hold for every x > 0.  For L > 2 the depth is symbolic, written L = 2 + delta with
delta > 0 so that SymPy's assumptions know L - 2 > 0.
"""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Part, Step
from dlncheck.derivations.equality import compare

x = sp.Symbol("x", positive=True)  # (x̃_0)_n
z = sp.Symbol("z", nonnegative=True)
w = sp.Symbol("w", positive=True)  # z / x
delta = sp.Symbol("delta", positive=True)
L_SYMBOLIC = 2 + delta


def g_printed(depth) -> sp.Expr:
    """mil (28), typed in."""
    if depth == 2:
        return z * (sp.log(z) - 1 - sp.log(x))
    return 2 * z - depth * z ** (sp.Rational(2) / depth) * x ** (1 - sp.Rational(2) / depth)


def _phi(depth) -> sp.Expr:
    """phi(w) = g_x(x w) / x, simplified."""
    g = sp.expand_power_base(g_printed(depth).subs(z, x * w), force=True)
    return sp.simplify(sp.powsimp(sp.expand(sp.expand_log(g, force=True) / x), force=True))


def _case(depth) -> str:
    return "L = 2" if depth == 2 else "L > 2 (symbolic, L = 2 + delta)"


def _positive_root(expr: sp.Expr) -> sp.Expr:
    roots = [r for r in sp.solve(expr, w) if r.is_positive is not False]
    if len(roots) != 1:
        raise RuntimeError(f"expected one positive root of {expr}, got {roots}")
    return roots[0]


def _strictly_convex(phi: sp.Expr) -> tuple[sp.Expr, bool]:
    second = sp.simplify(sp.diff(phi, w, 2))
    return second, bool(second.is_positive)


def minimum(depth) -> Derivation:
    """g_min and its location, from g' = 0 and g'' > 0 (display before mil (30))."""
    phi = _phi(depth)
    dphi = sp.simplify(sp.diff(phi, w))
    w_star = _positive_root(dphi)
    second, convex = _strictly_convex(phi)
    derived = sp.simplify(x * phi.subs(w, w_star))
    printed = -x if depth == 2 else -x * (depth - 2)
    cmp = compare(sp.Matrix([derived, x * w_star]), sp.Matrix([printed, x]))
    steps = (
        Step("phi(w) = g_x(x w)/x", phi),
        Step("phi'(w)", dphi),
        Step("unique positive critical point w*", w_star),
        Step(f"phi''(w) (SymPy: positive = {convex}) -> strictly convex, so w* is the minimizer", second),
        Step("g_min = x phi(w*), attained at z = x w*", sp.Matrix([derived, x * w_star])),
    )
    return Derivation.from_parts(
        [
            Part.of(
                "(g_min, its location) against printed",
                cmp,
                sp.Matrix([derived, x * w_star]),
                sp.Matrix([printed, x]),
            )
        ],
        title=f"minimum of g ({_case(depth)})",
        steps=steps,
        notes=() if convex else ["SymPy could not show phi'' > 0"],
        assumptions="x > 0; " + _case(depth),
        decided=convex,
        instance=None,
    )


def positive_zero(depth) -> Derivation:
    """c_n of mil (30): the zeros of g are 0 and exactly one positive point."""
    phi = _phi(depth)
    ratio = sp.simplify(phi / w)  # phi(w)/w: its zeros are the positive zeros of g
    w_c = _positive_root(ratio)
    dratio = sp.simplify(sp.diff(ratio, w))
    increasing = bool(dratio.is_positive)
    at_zero = sp.limit(g_printed(depth), z, 0, "+")
    derived = sp.Matrix([at_zero, x * w_c])
    printed_c = x * sp.E if depth == 2 else x * (depth / sp.Integer(2)) ** (depth / (depth - 2))
    printed = sp.Matrix([0, printed_c])
    cmp = compare(derived, printed)
    steps = (
        Step("phi(w) = g_x(x w)/x", phi),
        Step("g(z) -> 0 as z -> 0+ (z log z -> 0 for L = 2)", at_zero),
        Step("for w > 0, g = 0 iff phi(w)/w = 0", ratio),
        Step(f"d/dw (phi(w)/w) (SymPy: positive = {increasing}) -> at most one positive zero", dratio),
        Step("the positive zero c_n = x w_c", x * w_c),
    )
    return Derivation.from_parts(
        [Part.of("zeros of g against printed", cmp, derived, printed)],
        title=f"zeros of g ({_case(depth)})",
        steps=steps,
        notes=() if increasing else ["SymPy could not show phi(w)/w increasing"],
        assumptions="x > 0; " + _case(depth),
        decided=increasing,
        instance=None,
    )


def slope_at_zero(depth) -> Derivation:
    """g'(c_n) of mil (31)."""
    phi = _phi(depth)
    w_c = _positive_root(sp.simplify(phi / w))
    # d/dz g_x(z) = phi'(z/x), so g'(c_n) = phi'(w_c)
    derived = sp.simplify(sp.diff(phi, w).subs(w, w_c))
    printed = sp.Integer(1) if depth == 2 else sp.Rational(2) / depth * (depth - 2)
    cmp = compare(derived, printed)
    steps = (
        Step("g'(z) = phi'(z/x); at z = c_n = x w_c", sp.diff(phi, w)),
        Step("w_c", w_c),
        Step("g'(c_n) = phi'(w_c)", derived),
    )
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title=f"slope of g at c_n ({_case(depth)})",
        steps=steps,
        assumptions="x > 0; " + _case(depth),
        instance=None,
    )


def c_L_printed(depth) -> sp.Expr:
    """mil (10) = (17), typed in."""
    half = depth / sp.Integer(2)
    return half + (sp.E if depth == 2 else half ** (depth / (depth - 2)))


def constant_c_L(depth) -> Derivation:
    """c_L = (c_n - g_min/g'(c_n)) / x, from the three derived pieces (proof of Thm 2.1)."""
    g_min = minimum(depth).derived[0]
    c_n = positive_zero(depth).derived[1]
    slope = slope_at_zero(depth).derived
    derived = sp.simplify((c_n - g_min / slope) / x)
    printed = c_L_printed(depth)
    cmp = compare(derived, printed)
    steps = [
        Step("c_n (derived, mil (30))", c_n),
        Step("g_min (derived)", g_min),
        Step("g'(c_n) (derived, mil (31))", slope),
        Step("Lemma 2.7 bound per coordinate divided by x: (c_n - g_min/g'(c_n))/x", derived),
    ]
    if depth != 2:
        steps.append(
            Step(
                "continuity at L = 2: limit of (L/2)^{L/(L-2)} as L -> 2+ is e",
                sp.limit((L_SYMBOLIC / 2) ** (L_SYMBOLIC / delta), delta, 0, "+"),
            )
        )
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title=f"c_L ({_case(depth)})",
        steps=tuple(steps),
        assumptions=_case(depth),
        instance=None,
    )


# Numerical values of c_L given by the claim catalogue beside mil (10) (the paper prints none).
PRINTED_VALUES = {3: sp.Rational(4875, 1000), 4: sp.Integer(6)}


def constant_c_L_values() -> Derivation:
    """c_3 and c_4 from the derived formula, exactly, against the catalogue's decimals."""
    derived = sp.Matrix(
        [sp.nsimplify(constant_c_L(L_SYMBOLIC).derived.subs(delta, d - 2)) for d in PRINTED_VALUES]
    )
    printed = sp.Matrix(list(PRINTED_VALUES.values()))
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="c_3 and c_4 in exact arithmetic",
        steps=(Step("derived c_L at L = 3, 4", derived), Step("catalogue: 4.875 and 6", printed)),
        assumptions="L = 3, 4",
        instance=None,
    )
