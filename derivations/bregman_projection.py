"""The Bregman projection of the initialization onto S+, and the coordinate functions g.

mil, before Thm 2.2:      g_x(z) = <z, log z - 1 - log x>                  (L = 2)
                          g_x(z) = 2 ||z||_1 - L <z^{⊙2/L}, x^{⊙(1-2/L)}>    (L > 2)
mil, end of proof of Thm 2.2:
    argmin_{S+} D_F(z, x̃0) = argmin_{S+} F(z) - <grad F(x̃0), z>
                           = argmin_{S+} sum_n z_n log z_n - z_n - log(x̃0_n) z_n         (L = 2)
                                         sum_n -z_n^{2/L} + (2/L) x̃0_n^{-1+2/L} z_n      (L > 2)
                           = argmin_{S+} g_{x̃0}(z)
mil (27)-(28):            D_F(z, x̃0) = sum_n g_{(x̃0)_n}(z_n)

Two objectives have the same argmin over every S+ = {z >= 0 : A z = y} when one is a
positive constant times the other plus a constant.  For L > 2 the last step of the chain
multiplies coordinate n by L (x̃0)_n^{1-2/L}, a weight that changes with n: the argmin
changes.  The derivation shows it on an explicit instance (A = [1 1], y = 1), where g's
minimizer is not stationary for D_F(., x̃0) along S+.
"""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations.bregman_divergence import divergence_of_potential
from dlncheck.derivations.bregman_potentials import L_SYMBOLIC, case, coordinates, delta, gradient, potential
from dlncheck.derivations.coordinate_functions import g_printed
from dlncheck.derivations.coordinate_functions import x as g_x
from dlncheck.derivations.coordinate_functions import z as g_z
from dlncheck.derivations.derivation import Derivation, Outcome, Part, Step
from dlncheck.derivations.equality import compare

# The depth as an integer symbol, for instances that a formula audit can replay (L >= 2).
L_INTEGER = sp.Symbol("L", integer=True, positive=True)


def coordinate_g(depth, z: sp.Expr, x: sp.Expr) -> sp.Expr:
    """mil (28), one coordinate: g_x(z)."""
    return g_printed(depth).xreplace({g_z: z, g_x: x})


def g_vector_printed(depth, z: sp.Matrix, x: sp.Matrix) -> sp.Expr:
    """The definition before Theorem 2.2, vector form, typed in."""
    ones = sp.ones(len(z), 1)
    if depth == 2:
        return (z.T * (z.applyfunc(sp.log) - ones - x.applyfunc(sp.log)))[0]
    depth = sp.sympify(depth)
    z_power = z.applyfunc(lambda e: e ** (2 / depth))
    x_power = x.applyfunc(lambda e: e ** (1 - 2 / depth))
    return 2 * (z.T * ones)[0] - depth * (z_power.T * x_power)[0]


def weight(depth, x: sp.Expr) -> sp.Expr:
    """kappa_L x^{2/L - 1}: one coordinate of D_F(., x) is this times g_x plus a constant."""
    if depth == 2:
        return sp.Rational(1, 2)
    return x ** (2 / sp.sympify(depth) - 1) / (2 * (sp.sympify(depth) - 2))


def divergence_in_g(depth, z: sp.Matrix, x: sp.Matrix) -> sp.Expr:
    """The corrected (27): D_F(z, x) = sum_n kappa_L x_n^{2/L-1} g_{x_n}(z_n) + 1/2 ||x^{⊙2/L}||_1."""
    return sum(
        weight(depth, xi) * coordinate_g(depth, zi, xi) + xi ** (2 / sp.sympify(depth)) / 2
        for zi, xi in zip(z, x, strict=True)
    )


def _unit_points(symbols) -> list[dict[sp.Symbol, sp.Expr]]:
    """All ones (L = 3 when delta = 1), then two points with integer depth and distinct x."""
    symbols = sorted(symbols, key=sp.default_sort_key)
    first = {s: sp.Integer(1) for s in symbols}
    second = {s: sp.Rational(1, 2) if s.name.startswith("z") else sp.Integer(2) for s in symbols}
    third = {s: sp.Integer(i + 1) for i, s in enumerate(symbols)}
    for p in (second, third):
        if delta in p:
            p[delta] = sp.Integer(2)
    return [first, second, third]


def _params(point: dict[sp.Symbol, sp.Expr], depth) -> dict[str, object]:
    """A witness point as an instance over (z_n, x_n, L) for the audit with integer L."""
    params: dict[str, object] = {s.name: str(v) for s, v in point.items() if s != delta}
    params["L"] = 2 if depth == 2 else int(2 + point[delta])
    return {"params": dict(sorted(params.items()))}


# ----------------------------------------------------------------------------- (27)-(28)


def entrywise_decomposition(depth) -> Derivation:
    """mil (27): D_F(z, x̃0) = sum_n g_{(x̃0)_n}(z_n), with g of (28).

    Both sides are sums over n of one coordinate's term, so one coordinate decides (N = 1).
    """
    z, x = coordinates("z", 1), coordinates("x", 1)
    derived = divergence_of_potential(depth, z, x)
    printed = sum(coordinate_g(depth, zi, xi) for zi, xi in zip(z, x, strict=True))
    corrected = divergence_in_g(depth, z, x)
    cmp = compare(derived, printed, _unit_points(derived.free_symbols | printed.free_symbols))
    check_corrected = compare(derived, corrected)
    steps = (
        Step("D_F(z, x̃0) from (20), (21)", derived),
        Step("printed (27) with g of (28)", printed),
        Step("derived - printed", sp.simplify(cmp.residual)),
        Step(
            f"D_F(z, x̃0) = sum_n kappa_L (x̃0)_n^(2/L-1) g(z_n) + 1/2 ||x̃0^(2/L)||_1 "
            f"(SymPy: {check_corrected.outcome}); kappa_2 = 1/2, kappa_L = 1/(2(L-2))",
            corrected,
        ),
        Step(
            "the weight is the same for every n only when L = 2 or x̃0 is constant; g_n and kappa w_n g_n "
            "have the same zeros 0, c_n and the same ratio g_min / g'(c_n), so Lemma 2.7 applied to the "
            "weighted functions gives the same bound (16)"
        ),
    )
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title=f"(27): D_F(z, x̃0) as a sum of g ({case(depth)})",
        steps=steps,
        assumptions="z, x̃0 > 0, one coordinate (both sides are sums over n); " + case(depth),
        corrected=corrected if check_corrected.outcome == Outcome.AGREES else None,
        instance=lambda point: _params(point, depth),
    )


def entrywise_audit_sides() -> tuple[sp.Expr, sp.Expr]:
    """D_F(z, x) and g_x(z) for one coordinate (z_1, x_1) and integer L >= 2, for the audit."""
    z, x = coordinates("z", 1), coordinates("x", 1)
    L = L_INTEGER
    left = sp.Piecewise(
        (divergence_of_potential(2, z, x), sp.Eq(L, 2)), (divergence_of_potential(L, z, x), True)
    )
    right = sp.Piecewise(
        (sum(coordinate_g(2, zi, xi) for zi, xi in zip(z, x, strict=True)), sp.Eq(L, 2)),
        (sum(coordinate_g(L, zi, xi) for zi, xi in zip(z, x, strict=True)), True),
    )
    return left, right


# ----------------------------------------------------------------------------- Theorem 2.2


def _second_line_printed(depth, z: sp.Matrix, x: sp.Matrix) -> sp.Expr:
    """The middle objective of the chain, typed in."""
    if depth == 2:
        return sum(zi * sp.log(zi) - zi - sp.log(xi) * zi for zi, xi in zip(z, x, strict=True))
    L = sp.sympify(depth)
    return sum(-(zi ** (2 / L)) + 2 / L * xi ** (-1 + 2 / L) * zi for zi, xi in zip(z, x, strict=True))


def _second_line_factor(depth) -> sp.Expr:
    """The positive constant relating the middle objective to F(z) - <grad F(x̃0), z>."""
    return sp.Integer(2) if depth == 2 else 2 * (sp.sympify(depth) - 2) / sp.sympify(depth)


def argmin_chain_first_steps(depth) -> Derivation:
    """The first two equalities: D_F(z, x̃0) minus F(z) - <grad F(x̃0), z> is constant in z, and
    the middle objective is a positive constant times the latter (so all three argmins agree)."""
    z, x = coordinates("z"), coordinates("x")
    D = divergence_of_potential(depth, z, x)
    linearized = potential(depth, z) - (gradient(potential(depth, x), x).T * z)[0]
    middle = _second_line_printed(depth, z, x)
    c = _second_line_factor(depth)
    derived = sp.Matrix([*gradient(D - linearized, z), middle - c * linearized])
    printed = sp.zeros(len(z) + 1, 1)
    cmp = compare(derived, printed)
    positive = bool(c.is_positive)
    steps = (
        Step("D_F(z, x̃0)", D),
        Step("F(z) - <grad F(x̃0), z>", linearized),
        Step("grad_z of their difference: the difference does not depend on z", derived[: len(z), :]),
        Step("printed middle objective", middle),
        Step(
            f"middle - c (F(z) - <grad F(x̃0), z>) with c = {sp.sstr(c)} (positive: {positive})", derived[-1]
        ),
    )
    return Derivation.from_parts(
        [Part.of("middle objective against c (F(z) - <grad F(x̃0), z>)", cmp, derived, printed)],
        title=f"Theorem 2.2, argmin chain, first two steps ({case(depth)})",
        steps=steps,
        notes=() if positive else ["SymPy could not show the factor positive"],
        assumptions="z, x̃0 > 0, N = 3; " + case(depth),
        decided=positive,
        instance=None,
    )


def argmin_chain_last_step_l2() -> Derivation:
    """L = 2: the middle objective is g_{x̃0}(z) itself."""
    z, x = coordinates("z"), coordinates("x")
    derived = _second_line_printed(2, z, x)
    printed = g_vector_printed(2, z, x)
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="Theorem 2.2, argmin chain, last step (L = 2)",
        steps=(Step("middle objective", derived), Step("g_{x̃0}(z), L = 2", printed)),
        assumptions="z, x̃0 > 0, N = 3; L = 2",
        instance=None,
    )


def _segment_instance(depth):
    """A = [1 1], y = 1: S+ is the segment z1 + z2 = 1, z >= 0; g's minimizer there and the
    slope of D_F(., x̃0) along the segment at it."""
    x1, x2 = sp.symbols("x_1 x_2", positive=True)
    s = sp.Symbol("s", positive=True)  # z = (s, 1 - s)
    x = sp.Matrix([x1, x2])
    z_on_segment = sp.Matrix([s, 1 - s])
    g_star = x / (x1 + x2)  # candidate minimizer of g on the segment, checked below
    g_on_segment = g_vector_printed(depth, z_on_segment, x)
    g_slope = sp.simplify(sp.diff(g_on_segment, s).subs(s, g_star[0]))
    D_on_segment = divergence_of_potential(depth, z_on_segment, x)
    D_slope = sp.diff(D_on_segment, s).subs(s, g_star[0])
    return x1, x2, s, g_star, g_slope, D_on_segment, D_slope


def argmin_chain_last_step(depth=L_SYMBOLIC) -> Derivation:
    """L > 2: g's minimizer over S+ is not D_F(., x̃0)'s, on A = [1 1], y = 1."""
    x1, x2, s, g_star, g_slope, D_on_segment, D_slope = _segment_instance(depth)
    derived = D_slope  # printed chain: g's minimizer minimizes D_F on S+, so this slope is 0
    printed = sp.Integer(0)
    symbols = sorted(derived.free_symbols, key=sp.default_sort_key)
    points = [{x1: sp.Integer(1), x2: sp.Integer(4), delta: sp.Integer(2)}]
    points = [{k: v for k, v in p.items() if k in symbols} for p in points]
    cmp = compare(derived, printed, points)
    weight_ratio = sp.simplify(
        sp.powsimp(
            coordinate_g(depth, g_z, g_x)
            / (-(g_z ** (2 / depth)) + 2 / depth * g_x ** (-1 + 2 / depth) * g_z),
            force=True,
        )
    )
    # The flow limit: the minimizer of D_F(., x̃0) on the segment, at the witness (L = 4, x̃0 = (1, 4)).
    at_witness = {x1: 1, x2: 4}
    slope_L4 = sp.diff(D_on_segment.subs(delta, 2), s).subs(at_witness)
    projection = [r for r in sp.solve(sp.simplify(slope_L4), s) if r.is_real and 0 < r < 1]
    g_ok = g_slope == 0
    steps = (
        Step("one coordinate of g over one coordinate of the middle objective: L x^{1-2/L}", weight_ratio),
        Step("the weight depends on (x̃0)_n, so the last '=' of argmins needs a check"),
        Step("instance A = [1 1], y = 1: S+ = {(s, 1 - s) : 0 <= s <= 1}"),
        Step(f"g's minimizer on S+: z* = x̃0 / (x̃0_1 + x̃0_2) (d/ds g = 0 there: {g_ok})", g_star),
        Step(
            "D_F(., x̃0) is strictly convex (its Hessian is H_F, mil.eq21.hess), so on the segment its "
            "minimizer is where d/ds = 0"
        ),
        Step("d/ds D_F((s, 1 - s), x̃0) at z* (zero if the chain held)", derived),
        Step(
            "at L = 4, x̃0 = (1, 4): g gives z* = (1/5, 4/5); D_F is minimized at s =", sp.Matrix(projection)
        ),
        Step(
            "so argmin_{S+} D_F(z, x̃0) != argmin_{S+} g_{x̃0}(z) for L > 2; the flow limit is "
            "argmin_{S+} sum_n (x̃0)_n^{2/L-1} g_{(x̃0)_n}(z_n) "
            "= argmin_{S+} sum_n 2 (x̃0)_n^{2/L-1} z_n - L z_n^{2/L}"
        ),
    )
    corrected = sp.Matrix(projection) if projection else None
    return Derivation.from_parts(
        [Part.of("slope of D_F at g's minimizer against 0", cmp, derived, printed)],
        title="Theorem 2.2, argmin chain, last step (L > 2, symbolic L = 2 + delta)",
        steps=steps,
        notes=() if g_ok else ["SymPy could not confirm g's minimizer on the segment"],
        assumptions="A = [1 1], y = 1, x̃0 > 0; L = 2 + delta",
        decided=g_ok,
        corrected=corrected,
        instance=lambda point: {
            "params": {"L": int(2 + point[delta]), "x_1": str(point[x1]), "x_2": str(point[x2])}
        },
    )


def argmin_audit_sides() -> tuple[sp.Expr, sp.Expr]:
    """The slope of D_F((s, 1 - s), x̃0) at g's minimizer, integer L >= 3, against 0."""
    x1, x2 = sp.symbols("x_1 x_2", positive=True)
    s = sp.Symbol("s", positive=True)
    D = divergence_of_potential(L_INTEGER, sp.Matrix([s, 1 - s]), sp.Matrix([x1, x2]))
    return sp.diff(D, s).subs(s, x1 / (x1 + x2)), sp.Integer(0)


# ----------------------------------------------------------------------------- definition of g


def g_vector_is_coordinate_sum(depth) -> Derivation:
    """The definition before Theorem 2.2 is the sum over n of (28)."""
    z, x = coordinates("z"), coordinates("x")
    derived = sum(coordinate_g(depth, zi, xi) for zi, xi in zip(z, x, strict=True))
    printed = g_vector_printed(depth, z, x)
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title=f"g_x(z) = sum_n of (28) ({case(depth)})",
        steps=(Step("sum over n of (28)", derived), Step("vector form before Theorem 2.2", printed)),
        assumptions="z, x > 0, N = 3; " + case(depth),
        instance=None,
    )


def g_continuous_in_depth() -> Derivation:
    """The two cases of g fit together: g_L / (L - 2) -> g_2 as L -> 2+ (the same 1/(L - 2)
    as in D_F), so the L = 2 case is the limit of the L > 2 family."""
    g_L = coordinate_g(L_SYMBOLIC, g_z, g_x)
    derived = sp.limit(g_L / delta, delta, 0, "+")
    printed = coordinate_g(2, g_z, g_x)
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="g for L > 2, divided by L - 2, tends to g for L = 2",
        steps=(Step("g_x(z), L = 2 + delta", g_L), Step("limit of g / delta as delta -> 0+", derived)),
        assumptions="x > 0, z > 0",
        instance=None,
    )


def _mirror_coordinates(depth, b: sp.Matrix) -> sp.Matrix:
    """The point x with ∇F(x) = b-coordinates: L = 2, ∇F(x) = ½ log x, so x = e^{2b}; L > 2,
    ∇F(x) = x^{2/L-1}/(2-L), parametrized as x = b^{L/(2-L)} (b > 0) with ∇F(x) = b/(2-L)."""
    if depth == 2:
        return b.applyfunc(lambda v: sp.exp(2 * v))
    L = sp.sympify(depth)
    return b.applyfunc(lambda v: v ** (L / (2 - L)))


def pythagoras_constancy(depth) -> Derivation:
    """mil (23)-(24): Δ_z = D_F(z, x̃(0)) - D_F(z, x̃∞) is the same for all z in S₊, and
    Δ_{x̃∞} = D_F(x̃∞, x̃(0)).

    What the flow gives (mil.lem2.6.gradF, integrated in t): ∂_t ∇F(x̃) = -L Aᵀ(A x̃ - y), so
    ∇F(x̃∞) - ∇F(x̃(0)) = Aᵀw for some w (w = -L ∫ r dt).  In mirror coordinates (∇F(x̃0) = c,
    ∇F(x̃∞) = c + Aᵀw, up to the factor of :func:`_mirror_coordinates`) and with z2 = z1 + a null
    vector of A = (a1 a2 a3), the difference Δ_{z1} - Δ_{z2} must vanish identically, and
    D_F(x̃∞, x̃∞) = 0 gives the second equality of (24); D_F(z, x̃∞) >= 0 (Lemma 2.4,
    mil.lem2.4) gives its inequality.
    """
    a = coordinates("a", 3, real=True)
    c = coordinates("c", 3, real=True) if depth == 2 else coordinates("c")
    w, t1, t2 = sp.symbols("w t_1 t_2", real=True)
    z1 = coordinates("z")
    z2 = z1 + t1 * sp.Matrix([a[1], -a[0], 0]) + t2 * sp.Matrix([a[2], 0, -a[0]])
    factor = sp.Integer(1) if depth == 2 else 2 - sp.sympify(depth)
    shift = sp.Matrix([factor * a[n] * w for n in range(3)])  # ∇F(x̃∞) - ∇F(x̃0) = Aᵀw
    # b: mirror coordinates of x̃∞, independent symbols (positive for L > 2) while simplifying;
    # the flow's relation b = c + shift is substituted afterwards
    b = coordinates("b", 3, real=True) if depth == 2 else coordinates("b")
    x0, xinf = _mirror_coordinates(depth, c), _mirror_coordinates(depth, b)

    def delta_z(z):
        return divergence_of_potential(depth, z, x0) - divergence_of_potential(depth, z, xinf)

    free = sp.simplify(sp.powsimp(sp.expand(delta_z(z1) - delta_z(z2)), force=True))
    difference = sp.simplify(free.subs({b[n]: c[n] + shift[n] for n in range(3)}))
    self_divergence = sp.simplify(sp.powsimp(divergence_of_potential(depth, xinf, xinf), force=True))
    derived = sp.Matrix([difference, self_divergence])
    printed = sp.zeros(2, 1)
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title=f"(23)-(24): Δ_z constant on S₊ and Δ at the limit ({case(depth)})",
        steps=(
            Step("∇F(x̃∞) - ∇F(x̃0) = Aᵀw (the flow of ∇F(x̃), mil.lem2.6.gradF, integrated)", shift),
            Step(
                "Δ_{z1} - Δ_{z2}, z2 = z1 + t1 (a2, -a1, 0) + t2 (a3, 0, -a1), b = ∇-coordinates of x̃∞", free
            ),
            Step("the same with b = c + Aᵀw", difference),
            Step("D_F(x̃∞, x̃∞)", self_divergence),
        ),
        assumptions="N = 3, A = (a1 a2 a3), z1 > 0; " + case(depth),
        instance=None,
    )
