"""The l1 error bound of "More is Less": Lemma 2.7, its proof (Appendix A.2), and the arithmetic
that turns it into c_L (proof of Theorem 2.1, (11)).

mil Lemma 2.7, (25)-(26): strictly convex g_n >= g_{n,min} (< 0) with g_n(0) = g_n(c_n) = 0 and
    sum g_n(x̃_n) <= sum g_n(z_n)   ==>   sum x̃_n - z_n <= sum c_n - g_{n,min}/g_n'(c_n).
mil (40)-(43): the three cases of the proof; the final chain of A.2 combines them with (25).

The generic steps are decided with slack variables (derivations.sign_definite): every
hypothesis and every convexity fact the proof uses becomes ``b = a + s`` with ``s >= 0``.
Where a step does not follow, the witness is a concrete g of the paper itself: (28) at
depth L = 4 with (x̃_0)_n = 1, g(w) = 2 w - 4 sqrt(w), whose zeros are 0 and c = 4, minimum
g_min = -2 at w = 1 and slope g'(c) = 1 (all derived in derivations.coordinate_functions);
at perfect squares every value is rational, so witnesses are exact.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import sympy as sp

from dlncheck.derivations import coordinate_functions as cf
from dlncheck.derivations.derivation import Derivation, Outcome, Part, Step, witness_instance
from dlncheck.derivations.equality import compare, rational_points
from dlncheck.derivations.sign_definite import decide_inequality

# ----------------------------------------------------------------------------- symbols

c = sp.Symbol("c", positive=True)  # the positive zero c_n of g
gamma = sp.Symbol("gamma", positive=True)  # g'(c) > 0 (strict convexity, g(0) = g(c) = 0)
m_abs = sp.Symbol("M", positive=True)  # M = -g_min > 0
xt = sp.Symbol("xt", nonnegative=True)  # x̃ (one coordinate)
z = sp.Symbol("z", nonnegative=True)
Gx, Gz = sp.symbols("G_xt G_z", real=True)  # g(x̃), g(z)
# slack variables: each encodes one hypothesis or one convexity fact, all >= 0
a, b, d, r, s, p = sp.symbols("a b d r s p", nonnegative=True)

# ----------------------------------------------------------------------------- the witness g

WITNESS_DEPTH = 4  # (28) at L = 4 is 2 w - 4 sqrt(w x): rational at perfect squares


def witness_g(arg: sp.Expr) -> sp.Expr:
    """mil (28) at L = 4 and (x̃_0)_n = 1, evaluated at ``arg``."""
    return cf.g_printed(WITNESS_DEPTH).xreplace({cf.x: sp.Integer(1)}).xreplace({cf.z: arg})


@cache
def witness_g_constants() -> dict[str, sp.Expr]:
    """c, g_min, g'(c) of the witness g, from the derivations of mil (30), (31) and g_min."""
    unit = {cf.x: sp.Integer(1)}
    return {
        "c": sp.nsimplify(cf.positive_zero(WITNESS_DEPTH).derived[1].xreplace(unit)),
        "g_min": sp.nsimplify(cf.minimum(WITNESS_DEPTH).derived[0].xreplace(unit)),
        "slope": sp.nsimplify(sp.sympify(cf.slope_at_zero(WITNESS_DEPTH).derived).xreplace(unit)),
    }


def _witness_slope(arg: sp.Expr) -> sp.Expr:
    w = sp.Symbol("w", positive=True)
    return sp.diff(witness_g(w), w).xreplace({w: arg})


def _both(title: str, first: Derivation, second: Derivation, printed) -> Derivation:
    """|u| <= v as u <= v and -u <= v."""

    def part(text: str, d: Derivation) -> Part:
        return Part(
            text, d.outcome, d.derived, d.residual, d.method, d.witness_point, d.witness_value or None
        )

    return Derivation.from_parts(
        [part("u <= v", first), part("-u <= v", second)],
        title=title,
        steps=(
            *(Step("u <= v: " + st.text, st.expr) for st in first.steps),
            *(Step("-u <= v: " + st.text, st.expr) for st in second.steps),
        ),
        derived=sp.Matrix([first.derived, second.derived]),
        printed=printed,
        assumptions=first.assumptions,
        instance=None,
    )


# ----------------------------------------------------------------------------- (40), (41)


def case_both_below_c_distance() -> Derivation:
    """mil (40): 0 <= x̃, z <= c  ==>  |x̃ - z| <= c."""
    hyp = "0 <= x̃, z <= c: c = x̃ + a = z + b with a, b >= 0"
    up = decide_inequality(
        "x̃ - z <= c",
        xt - z,
        c,
        slacks={c: xt + a},
        assumptions=hyp,
        steps=(Step("hypothesis x̃ <= c written c = x̃ + a, a >= 0"),),
    )
    down = decide_inequality(
        "z - x̃ <= c",
        z - xt,
        c,
        slacks={c: z + b},
        assumptions=hyp,
        steps=(Step("hypothesis z <= c written c = z + b, b >= 0"),),
    )
    return _both("(40): |x̃ - z| <= c on [0, c]", up, down, sp.Le(sp.Abs(xt - z), c))


def case_both_below_c_values() -> Derivation:
    """mil (41): 0 <= x̃, z <= c  ==>  |g(x̃) - g(z)| <= -g_min.

    On [0, c] a convex g with g(0) = g(c) = 0 lies below the chord (g <= 0) and above its
    minimum: g(x̃) = -a = -M + p and g(z) = -b = -M + q with a, b, p, q >= 0, M = -g_min.
    """
    q = sp.Symbol("q", nonnegative=True)
    hyp = "g(x̃), g(z) in [g_min, 0]: g(x̃) = -a = -M + p, g(z) = -b = -M + q; M = -g_min > 0"
    steps = (
        Step("convexity on [0, c] with g(0) = g(c) = 0: g(t c) <= (1 - t) g(0) + t g(c) = 0"),
        Step("g >= g_min everywhere (definition of the minimum)"),
    )
    up = decide_inequality(
        "g(x̃) - g(z) <= -g_min",
        Gx - Gz,
        m_abs,
        slacks={Gx: -a, Gz: -m_abs + q},
        steps=steps,
        assumptions=hyp,
    )
    down = decide_inequality(
        "g(z) - g(x̃) <= -g_min",
        Gz - Gx,
        m_abs,
        slacks={Gz: -b, Gx: -m_abs + p},
        steps=steps,
        assumptions=hyp,
    )
    return _both("(41): |g(x̃) - g(z)| <= -g_min on [0, c]", up, down, sp.Le(sp.Abs(Gx - Gz), m_abs))


# ----------------------------------------------------------------------------- (42)

# The point where (42) fails for the witness g: c = 4 < z = 100 and x̃ = 81 <= z.
EQ42_WITNESS = {xt: sp.Integer(81), z: sp.Integer(100)}


def eq42_printed_right(g=witness_g, slope_at_c=None) -> sp.Expr:
    slope_at_c = witness_g_constants()["slope"] if slope_at_c is None else slope_at_c
    return (g(xt) - g(z)) / slope_at_c


def case_z_above_c(sub_case: str) -> Derivation:
    """mil (42): c < z  ==>  x̃ - z <= (g(x̃) - g(z)) / g'(c), in the sub-case x̃ > z or x̃ <= z.

    Convexity facts used (as in the printed proof): the supporting line at z,
    g(x̃) >= g(z) + g'(z)(x̃ - z), and g'(z) >= g'(c) for z > c.
    """
    k = witness_g_constants()
    steps = [
        Step("supporting line at z: g(x̃) - g(z) = g'(z)(x̃ - z) + s, s >= 0"),
        Step("g' nondecreasing and z > c: g'(z) = g'(c) + r, r >= 0"),
    ]
    if sub_case == "above":
        slacks = {xt: z + d, Gx: Gz + (gamma + r) * d + s}
        steps.insert(0, Step("sub-case x̃ > z: x̃ = z + d, d >= 0"))
    else:
        slacks = {xt: z - d, Gx: Gz - (gamma + r) * d + s}
        steps.insert(0, Step("sub-case x̃ <= z: x̃ = z - d, d >= 0"))
    concrete_margin = eq42_printed_right(slope_at_c=k["slope"]) - (xt - z)
    steps.append(
        Step(
            "witness g: (28) at L = 4, (x̃_0)_n = 1; c = 4, g'(c) = 1 (derived); margin there",
            concrete_margin,
        )
    )
    hypotheses = (sp.Gt(z, k["c"]), sp.Le(xt, z)) if sub_case == "below" else (sp.Gt(z, k["c"]), sp.Gt(xt, z))
    derivation = decide_inequality(
        f"(42) in the sub-case x̃ {'>' if sub_case == 'above' else '<='} z",
        xt - z,
        (Gx - Gz) / gamma,
        slacks=slacks,
        steps=steps,
        assumptions="c < z; g strictly convex; gamma = g'(c) > 0",
        witnesses=(EQ42_WITNESS,) if sub_case == "below" else (),
        hypotheses=hypotheses,
        witness_margin=concrete_margin,
        # the supporting line at z gives x̃ - z <= (g(x̃) - g(z))/g'(z) in both sub-cases
        corrected=sp.Le(xt - z, (Gx - Gz) / sp.Symbol("gprime_z", positive=True)),
        witness_instance=witness_instance(EQ42_WITNESS) if sub_case == "below" else None,
    )
    return derivation


# The printed intermediate step "g(x̃) - g(z) >= g'(x̃)(x̃ - z) if x̃ > z" fails here (c < z < x̃).
EQ42_STEP_WITNESS = {xt: sp.Integer(16), z: sp.Integer(9)}


def eq42_printed_intermediate_step() -> Derivation:
    """The printed step of case 2: g(x̃) - g(z) >= g'(x̃)(x̃ - z) for x̃ > z (supporting line at x̃?)."""
    gprime_xt = sp.Symbol("gprime_xt", positive=True)
    k = witness_g_constants()
    concrete_margin = (witness_g(xt) - witness_g(z)) - _witness_slope(xt) * (xt - z)
    return decide_inequality(
        "(42), printed step g(x̃) - g(z) >= g'(x̃)(x̃ - z) for x̃ > z",
        gprime_xt * (xt - z),
        Gx - Gz,
        slacks={xt: z + d, Gz: Gx - gprime_xt * d + s},
        steps=(
            Step("x̃ = z + d, d >= 0"),
            Step(
                "supporting line at x̃: g(z) = g(x̃) + g'(x̃)(z - x̃) + s, s >= 0 "
                "(the inequality runs the other way)"
            ),
            Step("witness g (L = 4): margin g(x̃) - g(z) - g'(x̃)(x̃ - z)", concrete_margin),
        ),
        assumptions="c < z < x̃; g strictly convex",
        witnesses=(EQ42_STEP_WITNESS,),
        hypotheses=(sp.Gt(z, k["c"]), sp.Gt(xt, z)),
        witness_margin=concrete_margin,
        corrected=sp.Ge(Gx - Gz, sp.Symbol("gprime_z", positive=True) * (xt - z)),
    )


# ----------------------------------------------------------------------------- (43)


def case_z_below_c_below_xt() -> Derivation:
    """mil (43): z <= c < x̃  ==>  x̃ - z <= (g(x̃) - g(z))/g'(c) + c."""
    steps = (
        Step("g(z) <= 0 = g(c) on [0, c] (convexity, zeros at 0 and c): g(z) = -b, b >= 0"),
        Step("supporting line at c: g(x̃) = g(c) + g'(c)(x̃ - c) + s = g'(c)(x̃ - c) + s, s >= 0"),
        Step("x̃ > c: x̃ = c + d, d >= 0; z >= 0"),
    )
    return decide_inequality(
        "(43): x̃ - z <= (g(x̃) - g(z))/g'(c) + c",
        xt - z,
        (Gx - Gz) / gamma + c,
        slacks={xt: c + d, Gz: -b, Gx: gamma * d + s},
        steps=steps,
        assumptions="0 <= z <= c < x̃; g strictly convex, g(0) = g(c) = 0, gamma = g'(c) > 0",
    )


def eq43_chain_steps() -> Derivation:
    """The three printed inequalities of case 3, each as its own margin in slack variables."""
    chain = [
        ("g(x̃) - g(z) >= g(x̃) - g(c)", Gx - Gx, -Gz),  # margin -g(z) (g(c) = 0)
        ("g(x̃) - g(c) >= g'(c)(x̃ - c)", gamma * (xt - c), Gx),
        ("g'(c)(x̃ - c) >= g'(c)(x̃ - z - c)", gamma * (xt - z - c), gamma * (xt - c)),
    ]
    slacks = {xt: c + d, Gz: -b, Gx: gamma * d + s}
    margins = sp.Matrix([sp.factor(sp.simplify((hi - lo).xreplace(slacks))) for _, lo, hi in chain])
    ok = all(mg.is_nonnegative for mg in margins)
    how = "each margin is nonnegative in nonnegative slack variables" if ok else "sign undecided"
    return Derivation.from_parts(
        [
            Part(
                "margins of the three steps",
                Outcome.AGREES if ok else Outcome.INCONCLUSIVE,
                margins,
                sp.zeros(3, 1) if ok else margins,
                how,
                printed=sp.Matrix([0, 0, 0]),
            )
        ],
        title="(43): the three steps of the printed chain",
        steps=tuple(Step(text, margins[i]) for i, (text, _, _) in enumerate(chain)),
        assumptions="0 <= z <= c < x̃; g(z) = -b, g(x̃) = g'(c)(x̃ - c) + s; b, s, d >= 0",
    )


# ----------------------------------------------------------------------------- the chain of A.2

# Lemma 2.7 fails for N = 2 copies of the witness g (the paper's own (28), L = 4, x̃_0 = 1):
# coordinate 1 moves down from z_1 = (Y + 1)^2 to x̃_1 = Y^2 (z_1 > c, the case (42) gets wrong),
# which frees g(z_1) - g(x̃_1) for coordinate 2 to move up from z_2 = 0 to x̃_2 = W^2.
xt1, xt2, z1, z2 = sp.symbols("xt1 xt2 z1 z2", nonnegative=True)
W = sp.Symbol("W", positive=True)
Y = sp.Symbol("Y", positive=True)
LEMMA_WITNESS_W = 9


def lemma_2_7_sides() -> tuple[sp.Expr, sp.Expr, sp.Rel]:
    """(26) left and right, and hypothesis (25), for two copies of the witness g."""
    k = witness_g_constants()
    left = xt1 + xt2 - z1 - z2
    right = 2 * (k["c"] - k["g_min"] / k["slope"])  # sum over n = 1, 2 of c_n - g_min/g'(c_n)
    hypothesis = sp.Le(witness_g(xt1) + witness_g(xt2), witness_g(z1) + witness_g(z2))  # (25)
    return left, right, hypothesis


def lemma_2_7_counterexample() -> Derivation:
    """A one-parameter family satisfying (25) along which sum x̃_n - z_n is unbounded."""
    left, right, hypothesis = lemma_2_7_sides()
    family = {xt1: Y**2, z1: (Y + 1) ** 2, xt2: W**2, z2: sp.Integer(0)}
    budget = sp.expand(hypothesis.rhs - hypothesis.lhs).xreplace(family)  # (25) margin
    budget = sp.expand(sp.powdenest(budget, force=True))
    y_tight = sp.solve(sp.Eq(budget, 0), Y)
    if len(y_tight) != 1:
        raise RuntimeError(f"expected one Y making (25) tight, got {y_tight}")
    on_family = sp.expand(left.xreplace(family).xreplace({Y: y_tight[0]}))
    growth = sp.limit(on_family, W, sp.oo)
    w = sp.Integer(LEMMA_WITNESS_W)
    point = {s_: sp.nsimplify(v.xreplace({Y: y_tight[0]}).xreplace({W: w})) for s_, v in family.items()}
    derived_at = left.xreplace(point)
    cmp_margin = right - derived_at
    steps = (
        Step("two copies of (28) at L = 4, (x̃_0)_n = 1: g(w) = 2w - 4 sqrt(w)", witness_g(sp.Symbol("w"))),
        Step("printed bound (26): sum_n c_n - g_min/g'(c_n), c = 4, g_min = -2, g'(c) = 1 (derived)", right),
        Step("family x̃_1 = Y^2, z_1 = (Y+1)^2, x̃_2 = W^2, z_2 = 0; (25) margin", budget),
        Step("(25) holds with equality at Y", y_tight[0]),
        Step("sum x̃_n - z_n along the family", on_family),
        Step("its limit as W -> oo (so no bound of the form (26) can hold)", growth),
        Step(
            f"at W = {LEMMA_WITNESS_W}: the point, and right - left of (26)",
            sp.Matrix([*point.values(), cmp_margin]),
        ),
    )
    holds = bool(cmp_margin < 0) and bool(hypothesis.xreplace(point))
    found = Part(
        "(26) along the family",
        Outcome.DIFFERS if holds else Outcome.INCONCLUSIVE,
        on_family,
        right - on_family,
        "exact rational arithmetic" if holds else "the family did not produce a violation",
        point,
        cmp_margin,
        right,
    )
    return Derivation.from_parts(
        [found],
        title="Lemma 2.7 (26) under (25), N = 2 copies of the paper's g at L = 4",
        steps=steps,
        assumptions="g_1 = g_2 = (28) at L = 4 with (x̃_0)_n = 1 (strictly convex, zeros 0 and 4, min -2)",
        instance=witness_instance,
    )


LEMMA_POINT = {xt1: 1024, z1: 1089, xt2: 81, z2: 0}  # W = 9 of the family above


def chain_step_25() -> Derivation:
    """Second step of the A.2 chain, 'by (25)', with a common slope gamma = g_n'(c_n)."""
    D1, D23 = sp.symbols("D_1 D_23", real=True)  # sums of g_n(x̃_n) - g_n(z_n) over I_1, I_2 ∪ I_3
    return decide_inequality(
        "A.2 chain, step 'by (25)': sum_{I2∪I3} D_n/g'(c) <= sum_{I1} D_n/g'(c)",
        D23 / gamma,
        D1 / gamma,
        slacks={D23: -D1 - s},
        steps=(
            Step("(25): D_1 + D_23 <= 0, i.e. D_23 = -D_1 - s, s >= 0 (needs one common g_n'(c_n) = gamma)"),
            Step("what (25) gives: sum_{I2∪I3} D_n/gamma <= -sum_{I1} D_n/gamma", -D1 / gamma),
        ),
        assumptions="g_n'(c_n) = gamma for every n (true for (28) by (31); not in Lemma 2.7's hypotheses)",
        witnesses=({D1: sp.Integer(-1), D23: sp.Integer(1), gamma: sp.Integer(1)},),
        hypotheses=(sp.Le(D1 + D23, 0),),
        corrected=sp.Le(D23 / gamma, -D1 / gamma),
    )


def chain_endpoints() -> Derivation:
    """The A.2 chain's first and last members at the Lemma 2.7 witness."""
    d = lemma_2_7_counterexample()
    return replace(d, title="A.2 chain: sum x̃_n - z_n <= sum c_n - g_min/g'(c_n) at the witness of Lemma 2.7")


def chain_first_step_at_witness() -> Derivation:
    """First step of the chain ('by (40), (42), (43)') at the witness point of Lemma 2.7."""
    k = witness_g_constants()
    point = {s_: sp.Integer(v) for s_, v in LEMMA_POINT.items()}
    c_val, slope = k["c"], k["slope"]
    # coordinate 1: c < z_1 (I_2); coordinate 2: z_2 <= c < x̃_2 (I_3)
    left = (xt1 - z1) + (xt2 - z2)
    right = c_val + ((witness_g(xt1) - witness_g(z1)) + (witness_g(xt2) - witness_g(z2))) / slope
    return decide_inequality(
        "A.2 chain, first step 'by (40), (42), (43)' at the witness (n = 1 in I_2, n = 2 in I_3)",
        left,
        right,
        slacks={},
        steps=(Step("I_1 = {}, I_2 = {1}, I_3 = {2} at the witness point"),),
        assumptions="two copies of (28) at L = 4, (x̃_0)_n = 1",
        witnesses=(point,),
        hypotheses=(sp.Gt(z1, c_val), sp.Le(z2, c_val), sp.Gt(xt2, c_val)),
    )


# ----------------------------------------------------------------------------- proof of Thm 2.1

x0 = cf.x  # (x̃_0)_n > 0


@cache  # the middle term and the endpoints use the same derived pieces
def _bound_pieces(depth) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    c_n = cf.positive_zero(depth).derived[1]
    g_min = cf.minimum(depth).derived[0]
    slope = sp.sympify(cf.slope_at_zero(depth).derived)
    return c_n, g_min, slope


def theorem_2_1_middle_term(depth) -> Derivation:
    """Final display of the proof of Thm 2.1: c_n - g_min/g'(c_n) = (x̃_0)_n (c_n + L/2)?"""
    c_n, g_min, slope = _bound_pieces(depth)
    derived = sp.simplify(c_n - g_min / slope)
    # (30) as printed: c_n = (x̃_0)_n * {e (L = 2); (L/2)^(L/(L-2)) (L > 2)}
    c_n_printed = x0 * (sp.E if depth == 2 else (depth / sp.Integer(2)) ** (depth / (depth - 2)))
    printed = x0 * (c_n_printed + depth / sp.Integer(2))
    symbols = derived.free_symbols | printed.free_symbols
    # compared per unit of (x̃_0)_n > 0 (same zero set, much cheaper reductions), witnessed at
    # rational points with (x̃_0)_n != 1, where the two readings of c_n differ
    per_unit = compare(
        sp.expand(derived / x0),
        sp.expand(printed / x0),
        rational_points(symbols, count=6, seed=7, domains={x0: (2, 3)}),
    )
    cmp = replace(per_unit, residual=sp.factor(x0 * per_unit.residual))
    if per_unit.witness_point:
        cmp = replace(cmp, witness_value=per_unit.witness_value * per_unit.witness_point[x0])
    corrected = c_n_printed + depth / sp.Integer(2) * x0  # = (x̃_0)_n (c_n/(x̃_0)_n + L/2)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title=f"proof of Thm 2.1: c_n - g_min/g'(c_n) against (x̃_0)_n (c_n + L/2) ({cf._case(depth)})",
        steps=(
            Step("c_n, g_min, g'(c_n) as derived from (28)", sp.Matrix([c_n, g_min, slope])),
            Step("c_n - g_min/g'(c_n)", derived),
            Step("printed (x̃_0)_n (c_n + L/2) with c_n of (30)", printed),
            Step("residual (derived - printed), factored", cmp.residual),
            Step("what holds: (x̃_0)_n (c_n/(x̃_0)_n + L/2)", corrected),
        ),
        assumptions="(x̃_0)_n > 0; " + cf._case(depth),
        corrected=corrected,
        instance=witness_instance if depth != 2 else None,
    )


def theorem_2_1_endpoints(depth) -> Derivation:
    """sum_n c_n - g_min/g'(c_n) = c_L ||x̃_0||_1 = c_L ||x_0||_L^L (N = 3, x̃_0 = x_0^L, x_0 > 0)."""
    c_n, g_min, slope = _bound_pieces(depth)
    per_unit = sp.simplify((c_n - g_min / slope) / x0)
    L = depth
    X = sp.symbols("X1:4", positive=True)  # entries of x_0 > 0
    x_tilde0 = [Xi**L for Xi in X]  # x̃_0 = x_0^{⊙L}
    derived = sum(per_unit * xi for xi in x_tilde0)  # the bound is linear in (x̃_0)_n
    printed_1 = cf.c_L_printed(depth) * sum(sp.Abs(xi) for xi in x_tilde0)  # c_L ||x̃_0||_1
    printed_L = cf.c_L_printed(depth) * sum(sp.Abs(Xi) ** L for Xi in X)  # c_L ||x_0||_L^L
    cmp = compare(sp.Matrix([derived, derived]), sp.Matrix([printed_1, printed_L]))
    return Derivation.from_parts(
        [
            Part.of(
                "derived against printed",
                cmp,
                sp.Matrix([derived, derived]),
                sp.Matrix([printed_1, printed_L]),
            )
        ],
        title="proof of Thm 2.1: sum_n c_n - g_min/g'(c_n) = c_L ||x̃_0||_1 = c_L ||x_0||_L^L "
        f"({cf._case(depth)})",
        steps=(
            Step("(c_n - g_min/g'(c_n))/(x̃_0)_n, from the derived c_n, g_min, g'(c_n)", per_unit),
            Step("summed over n = 1..3 with (x̃_0)_n = (x_0)_n^L", derived),
            Step("printed c_L ||x̃_0||_1 and c_L ||x_0||_L^L", sp.Matrix([printed_1, printed_L])),
        ),
        assumptions="x_0 > 0 (N = 3); " + cf._case(depth),
        instance=None,
    )


def equation_17(depth) -> Derivation:
    """mil (17) is (10): c_L = (c_n - g_min/g'(c_n))/(x̃_0)_n from the derived c_n, g_min, g'(c_n).

    The same computation as derivations.coordinate_functions.constant_c_L (for (10)), on the
    pieces cached here for the proof of Theorem 2.1.
    """
    c_n, g_min, slope = _bound_pieces(depth)
    derived = sp.simplify((c_n - g_min / slope) / x0)
    printed = cf.c_L_printed(depth)  # (17), typed in: identical to (10)
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title=f"c_L of (17) ({cf._case(depth)})",
        steps=(
            Step("c_n (30), g_min, g'(c_n) (31) as derived from (28)", sp.Matrix([c_n, g_min, slope])),
            Step("(c_n - g_min/g'(c_n))/(x̃_0)_n", derived),
            Step("(17) as printed", printed),
        ),
        assumptions=cf._case(depth),
        instance=None,
    )


# ----------------------------------------------------------------------------- (11)


def equation_11() -> Derivation:
    """(11) from (9): c_L (||α1||_L^L + ||α1||_L^L) = 2 c_L α^L N, with N and L symbolic."""
    alpha = sp.Symbol("alpha", positive=True)
    N = sp.Symbol("N", integer=True, positive=True)
    L = sp.Symbol("L", integer=True, positive=True)
    c_L = sp.Symbol("c_L", positive=True)
    n = sp.Symbol("n", integer=True, positive=True)
    norm_L_L = sp.Sum(sp.Abs(alpha) ** L, (n, 1, N))  # ||α1||_L^L = sum_n |α|^L
    rhs_9 = c_L * (norm_L_L + norm_L_L)  # (9) at u_0 = v_0 = α1
    derived = rhs_9.doit()
    printed = 2 * c_L * alpha**L * N  # (11)
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="(11) as (9) at u_0 = v_0 = α1 (N, L symbolic)",
        steps=(
            Step("right side of (9) at u_0 = v_0 = α1", rhs_9),
            Step("the sums evaluated", derived),
            Step("printed (11)", printed),
        ),
        assumptions="α > 0; N, L positive integers",
        instance=None,
    )


# Lemma 2.7 also fails for the depth-2 g of (28), g(w) = w (log w - 1): coordinate 1 moves down by 1
# at z_1 = 2*10^6 (slope log z_1 ≈ 14.5), which pays for coordinate 2 to move from 1 to 10.
LEMMA_POINT_DEPTH_2 = {xt1: 1999999, z1: 2000000, xt2: 10, z2: 1}


def lemma_2_7_depth_2() -> Derivation:
    """(26) under (25) for two copies of (28) at L = 2, (x̃_0)_n = 1, at an explicit point."""
    unit = {cf.x: sp.Integer(1)}
    c_n = cf.positive_zero(2).derived[1].xreplace(unit)
    g_min = cf.minimum(2).derived[0].xreplace(unit)
    slope = sp.sympify(cf.slope_at_zero(2).derived).xreplace(unit)

    def g(arg):
        return cf.g_printed(2).xreplace(unit).xreplace({cf.z: arg})

    left = xt1 + xt2 - z1 - z2
    right = 2 * (c_n - g_min / slope)
    hypothesis = sp.Le(g(xt1) + g(xt2), g(z1) + g(z2))  # (25)
    point = {s_: sp.Integer(v) for s_, v in LEMMA_POINT_DEPTH_2.items()}
    return decide_inequality(
        "Lemma 2.7 (26) under (25), N = 2 copies of the paper's g at L = 2",
        left,
        right,
        slacks={},
        steps=(
            Step("g(w) = w(log w - 1): c = e, g_min = -1, g'(c) = 1 (derived); (26) bound", right),
            Step("(25) at the point: g(x̃_1) + g(x̃_2) <= g(z_1) + g(z_2)", hypothesis),
        ),
        assumptions="g_1 = g_2 = (28) at L = 2 with (x̃_0)_n = 1",
        witnesses=(point,),
        hypotheses=(hypothesis,),
        simplify=False,
    )
