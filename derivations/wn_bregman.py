"""The dynamics reduction and the Bregman argument of wn Section 3.4 (time-dependent rate).

wn (53), Lemma 3.13: x = r u/||u||,  x' = -(η_r x x^T/||x||² [+] η_u(||x||² I - x x^T)) ∇L(x)
wn (54), Cor. 3.14:  (η_r, η_u) = (r², 1):  x' = -||x||² ∇L(x)
wn (55), Def. 3.15:  D_F(p, q) = F(p) - F(q) - <∇F(q), p - q>;  Lemma 3.16: D_F >= 0, strictly convex in p
wn (57):  F = 1/2 <x̃ log x̃ - x̃, 1> (L = 2),  L/(2(2-L)) <x̃^{2/L}, 1> (L > 2)  (= mil (21))
wn (56), Lemma 3.17:  ∂_t D_F(z, x̃(t)) = -2L ||x||² L(x)  for z >= 0 with A z = b
wn Lemma 3.18: the D_F display, (58), the blow-up of D_F as x̃ -> 0, and its hypotheses.

Lemma 3.13 is a chain-rule statement that holds for any differentiable loss: ∇L(x) is kept
as a vector of symbols g, and the Jacobian of x = r u/||u|| in (r, u) is computed by SymPy.
On ||u|| = 1 (Lemma 3.2) differences are reduced modulo u_1² + u_2² + u_3² - 1.
"""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Outcome, Part, Step, witness_instance
from dlncheck.derivations.equality import compare
from dlncheck.derivations.wn_invariants import (
    design,
    gradient,
    on_unit_sphere,
    positive_vector,
    r,
    time_derivative,
    unit_norm_squared,
    wn_loss,
)

eta_r = sp.Symbol("eta_r", positive=True)
eta_u = sp.Symbol("eta_u", positive=True)
L = sp.Symbol("L", integer=True, positive=True)
delta = sp.Symbol("delta", positive=True)  # L = 2 + delta for the L > 2 limits
DEPTHS = (2, 3, 4, 5)

# a point on the unit sphere for witnesses (||u|| = 1 with rational entries)
SPHERE_POINT = {"u_1": sp.Rational(1, 3), "u_2": sp.Rational(2, 3), "u_3": sp.Rational(2, 3)}


# ------------------------------------------------------------------ Lemma 3.13, Corollary 3.14


class ReducedDynamics:
    """x' for x = r u/||u|| under (12)-(13), with ∇L(x) = g symbolic (chain rule)."""

    def __init__(self, rate_r, rate_u) -> None:
        self.u = positive_vector("u")
        self.g = sp.Matrix([sp.Symbol(f"g_{i + 1}", real=True) for i in range(3)])  # ∇L(x)
        self.x = r * self.u / sp.sqrt(unit_norm_squared(self.u))  # wn (11)
        self.jacobian = self.x.jacobian([r, *self.u])
        self.grad_tilde = self.jacobian.T * self.g  # (∇_r L~, ∇_u L~), chain rule
        rates = sp.diag(rate_r, rate_u, rate_u, rate_u)
        self.params_rate = -rates * self.grad_tilde  # (12), (13)
        self.velocity = self.jacobian * self.params_rate  # x'

    def sphere(self, m: sp.Matrix) -> sp.Matrix:
        return m.applyfunc(lambda e: on_unit_sphere(e, self.u))

    def sphere_points(self, extra: dict) -> list[dict]:
        symbols = {s.name: s for s in self.velocity.free_symbols | self.g.free_symbols}
        symbols.update({s.name: s for s in self.u})
        values = {**SPHERE_POINT, "r": 1, "g_1": 1, "g_2": 0, "g_3": 0, **extra}
        return [{symbols[k]: sp.Rational(v) for k, v in values.items() if k in symbols}]


def _eq53(x: sp.Matrix, g: sp.Matrix, norm_sq: sp.Expr, *, with_plus: bool) -> sp.Matrix:
    """(53) typed in; as printed the two terms are juxtaposed (a matrix product), corrected with '+'."""
    first = eta_r * x * x.T / norm_sq
    second = eta_u * (norm_sq * sp.eye(3) - x * x.T)
    return -((first + second) if with_plus else (first * second)) * g


def lemma_3_13_printed(with_plus: bool) -> tuple[ReducedDynamics, sp.Matrix]:
    flow = ReducedDynamics(eta_r, eta_u)
    x = flow.x
    norm_sq = sp.cancel((x.T * x)[0])  # ||x||² = r² for every u != 0
    return flow, _eq53(x, flow.g, norm_sq, with_plus=with_plus)


def lemma_3_13(with_plus: bool = False) -> Derivation:
    """x' from the chain rule, against (53) as printed (juxtaposition) or with the missing '+'."""
    flow, printed = lemma_3_13_printed(with_plus)
    derived = flow.velocity
    if with_plus:
        cmp = compare(flow.sphere(derived), flow.sphere(printed))
    else:
        # a difference at one gradient g = e_1 and η_r = η_u = 1 is enough; the general failed
        # reductions take seconds
        fixed = {**{g: sp.Integer(1 if i == 0 else 0) for i, g in enumerate(flow.g)}, eta_r: 1, eta_u: 1}
        cmp = compare(
            flow.sphere(derived.xreplace(fixed)), flow.sphere(printed.xreplace(fixed)), flow.sphere_points({})
        )
        cmp = type(cmp)(
            cmp.outcome, cmp.residual, cmp.method, {**cmp.witness_point, **fixed}, cmp.witness_value
        )
    differs = cmp.outcome == Outcome.DIFFERS
    corrected = lemma_3_13_printed(True)[1] if differs else None
    steps = (
        Step("x = r u/||u||, wn (11)", flow.x),
        Step("∇_{(r,u)} L~ = J^T ∇L(x), J = ∂x/∂(r, u) (chain rule; cf. (24)-(25))", flow.grad_tilde),
        Step("x' = J (r', u') with r' = -η_r ∇_r L~, u' = -η_u ∇_u L~", derived),
        Step(
            "(53) "
            + (
                "with '+' between the two terms"
                if with_plus
                else "as printed: the two matrices juxtaposed, "
                "i.e. multiplied; η_r x x^T/||x||² · η_u(||x||² I - x x^T) = 0 "
                "since x x^T x x^T = ||x||² x x^T"
            ),
            printed,
        ),
        Step(
            "both reduced modulo ||u||² - 1 (Lemma 3.2, ||u(0)|| = 1)"
            + ("" if with_plus else "; compared at g = ∇L(x) = e_1, η_r = η_u = 1"),
            cmp.residual,
        ),
    )
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="Lemma 3.13: x' for x = r u/||u|| "
        + ("against (53) with '+'" if with_plus else "against (53) as printed"),
        steps=steps + ((Step("corrected (53)", corrected),) if differs else ()),
        assumptions="||u|| = 1; r, u > 0; ∇L(x) = g arbitrary (the chain rule holds for any loss); N = 3",
        corrected=corrected,
        instance=witness_instance,
    )


def lemma_3_13_audit_sides() -> tuple[sp.Matrix, sp.Matrix, tuple[sp.Rel, ...]]:
    """(x' from the chain rule, (53) as printed, the hypothesis ||u|| = 1 as two inequalities)."""
    flow, printed = lemma_3_13_printed(False)
    norm = unit_norm_squared(flow.u)
    return flow.velocity, printed, (sp.Le(norm, 1), sp.Ge(norm, 1))


def corollary_3_14() -> Derivation:
    """(η_r, η_u) = (r², 1): x' against -||x||² ∇L(x)."""
    flow = ReducedDynamics(r**2, sp.Integer(1))
    norm_sq = sp.cancel((flow.x.T * flow.x)[0])
    printed = -norm_sq * flow.g
    cmp = compare(flow.sphere(flow.velocity), flow.sphere(printed), flow.sphere_points({}))
    steps = (
        Step("x' = J (r', u') with (η_r, η_u) = (r², 1)", flow.velocity),
        Step("||x||² = r² (x = r u/||u||)", norm_sq),
        Step("(54): -||x||² ∇L(x)", printed),
    )
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, flow.velocity, printed)],
        title="Corollary 3.14: x' = -||x||² ∇L(x) for (η_r, η_u) = (r², 1)",
        steps=steps,
        assumptions="||u|| = 1; r, u > 0; ∇L(x) = g arbitrary; N = 3",
        instance=None,
    )


# ------------------------------------------------------------------ F, D_F: (55), (57)


def potential(q: sp.Expr, depth) -> sp.Expr:
    """One coordinate of wn (57) (identical to mil (21))."""
    if depth == 2:
        return sp.Rational(1, 2) * (q * sp.log(q) - q)
    return depth / (2 * (2 - depth)) * q ** (sp.Integer(2) / depth)


def bregman(p: sp.Expr, q: sp.Expr, depth) -> sp.Expr:
    """One coordinate of wn (55) for F of (57)."""
    s = sp.Dummy("s", positive=True)
    dF = sp.diff(potential(s, depth), s)
    return potential(p, depth) - potential(q, depth) - dF.subs(s, q) * (p - q)


def _case(depth) -> str:
    return "L = 2" if depth == 2 else "L > 2 symbolic"


def definition_3_15(depth) -> Derivation:
    """Lemma 3.16 for F of (57): D_F(q, q) = 0, ∂_p D_F(p, q)|_{p=q} = 0, ∂²_p D_F = F'' > 0."""
    p = sp.Symbol("p", positive=True)
    q = sp.Symbol("q", positive=True)
    depth_expr = depth if depth == 2 else 2 + delta
    D = bregman(p, q, depth_expr)
    second = sp.simplify(sp.diff(D, p, 2))
    positive = bool(second.is_positive)
    derived = sp.Matrix(
        [
            sp.simplify(D.subs(p, q)),
            sp.simplify(sp.diff(D, p).subs(p, q)),
            sp.simplify(second * depth_expr * p ** (2 - sp.Integer(2) / depth_expr)),
        ]
    )
    printed = sp.Matrix([0, 0, 1])  # F''(p) = (1/L) p^{2/L - 2}, mil after (21)
    cmp = compare(derived, printed)
    steps = (
        Step("D_F(p, q) per coordinate, (55) with F of (57)", D),
        Step(f"∂²_p D_F = F''(p) (SymPy: positive = {positive})", second),
        Step("D_F(q,q) = 0, ∂_p D_F(q,q) = 0, L p^{2-2/L} F''(p) = 1", derived),
        Step(
            "a strictly convex function of p with a critical point at p = q has its minimum 0 there: "
            "D_F >= 0 and p -> D_F(p, q) strictly convex (Lemma 3.16); D_F is a sum over coordinates"
        ),
    )
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title=f"Definition 3.15 / Lemma 3.16 for F of (57) ({_case(depth)})",
        steps=steps,
        notes=() if positive else ["SymPy could not show F'' > 0"],
        assumptions="p, q > 0; " + ("L = 2" if depth == 2 else "L = 2 + delta, delta > 0"),
        decided=positive,
        instance=None,
    )


def potential_matches_mil() -> Derivation:
    """wn (57) against mil (21), typed in from each paper."""
    q = sp.Symbol("q", positive=True)
    wn = sp.Matrix([sp.Rational(1, 2) * (q * sp.log(q) - q), L / (2 * (2 - L)) * q ** (2 / L)])  # wn (57)
    mil = sp.Matrix([sp.Rational(1, 2) * q * sp.log(q) - q / 2, L / (2 * (2 - L)) * q ** (2 / L)])  # mil (21)
    cmp = compare(wn, mil)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, wn, mil)],
        title="F of wn (57) is F of mil (21)",
        steps=(Step("wn (57)", wn), Step("mil (21)", mil)),
        assumptions="one coordinate; L symbolic for L > 2",
        instance=None,
    )


# ------------------------------------------------------------------ Lemma 3.17, (56)


def lemma_3_17(depth) -> Derivation:
    """∂_t D_F(z, x^{⊙L}) along (54) with b = A z, against -2L ||x||² L(x) (56)."""
    depth_expr = depth if depth == 2 else L
    A, _ = design()
    x = positive_vector("x")
    z = positive_vector("z")
    b = A * z  # z in S_+
    loss = wn_loss(A, b, x, depth_expr)  # (9)
    velocity = -(sum(v**2 for v in x)) * gradient(loss, x)  # (54), derived in corollary_3_14
    divergence = sum(bregman(z[i], x[i] ** depth_expr, depth_expr) for i in range(3))
    derived = time_derivative(divergence, x, velocity)
    printed = -2 * depth_expr * sum(v**2 for v in x) * loss
    cmp = compare(derived, printed)
    steps = (
        Step("b = A z (z >= 0, A z = b); L(x) of (9)", loss),
        Step("x' = -||x||² ∇L(x), (54) (Corollary 3.14)", velocity),
        Step("D_F(z, x^{⊙L}), (55) with F of (57)", divergence),
        Step("∂_t D_F by the chain rule", derived),
        Step("(56): -2L ||x||² L(x)", printed),
    )
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title=f"Lemma 3.17: (56) ({'L = 2' if depth == 2 else 'L symbolic, L != 2'})",
        steps=steps,
        assumptions="x > 0, z > 0 with b = A z; A 2 x 3 symbolic; "
        + ("L = 2" if depth == 2 else "L != 2 symbolic"),
        instance=None,
    )


# ------------------------------------------------------------------ Lemma 3.18


def lemma_3_18_divergence_display(depth) -> Derivation:
    """The D_F display in the proof of Lemma 3.18, against (55) with F of (57)."""
    depth_expr = depth if depth == 2 else L
    z = sp.Symbol("z", positive=True)
    q = sp.Symbol("q", positive=True)  # x̃_n
    derived = bregman(z, q, depth_expr)
    if depth == 2:
        printed = sp.Rational(1, 2) * (z * sp.log(z) - z + q) - sp.Rational(1, 2) * sp.log(q) * z
    else:
        printed = (
            depth_expr / (2 * (2 - depth_expr)) * z ** (2 / depth_expr)
            + sp.Rational(1, 2) * q ** (2 / depth_expr)
            - 1 / (2 - depth_expr) * q ** (2 / depth_expr - 1) * z
        )
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title=f"Lemma 3.18: the D_F display ({'L = 2' if depth == 2 else 'L symbolic'})",
        steps=(Step("(55) with F of (57), one coordinate", derived), Step("printed display", printed)),
        assumptions="z, x̃ > 0, one coordinate (D_F is a sum over coordinates)",
        instance=None,
    )


def lemma_3_18_blow_up() -> Derivation:
    """As x̃_n -> 0+ with z_n > 0, each coordinate of D_F(z, x̃) -> +∞ (L = 2, and L = 2 + delta)."""
    z = sp.Symbol("z", positive=True)
    q = sp.Symbol("q", positive=True)
    limits = [sp.limit(bregman(z, q, depth), q, 0, "+") for depth in (2, 2 + delta)]
    # with z_n = 0 the coordinate tends to a finite value (0 log 0 = 0)
    zero_z = [sp.limit(sp.limit(bregman(z, q, d), z, 0, "+"), q, 0, "+") for d in (2, 2 + delta)]
    # +∞ is compared through its reciprocal (oo - oo is nan)
    derived = sp.Matrix([*(1 / v for v in limits), *zero_z])
    printed = sp.Matrix([0, 0, 0, 0])
    cmp = compare(derived, printed)
    steps = (
        Step(
            "lim_{x̃_n -> 0+} of the n-th term, z_n > 0 (L = 2; L = 2 + delta); compared as 1/lim = 0",
            sp.Matrix(limits),
        ),
        Step(
            "with z_n = 0 the term tends to 0 (with the convention 0 log 0 = 0): the terms of the "
            "display other than the last stay bounded (they do not all tend to zero, as printed: "
            "the z-terms are constant), the last tends to +∞ for every n with z_n > 0",
            sp.Matrix(zero_z),
        ),
    )
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="Lemma 3.18: D_F(z, x̃) -> +∞ as x̃ -> 0 when z != 0",
        steps=steps,
        assumptions="z_n > 0 (resp. z_n = 0); L = 2 or L = 2 + delta, delta > 0",
        instance=None,
    )


def lemma_3_18_integrated_rate() -> Derivation:
    """(58): D_F(z, x̃_0) - D_F(z, x̃(T)) = ∫_0^T 2L ||x||² L(x) dt, from (56) by the FTC."""
    t, T = sp.symbols("t T", positive=True)
    D = sp.Function("D")  # t -> D_F(z, x̃(t))
    rate = sp.Function("ell")  # t -> 2L ||x(t)||² L(x(t)) >= 0
    # (56): D' = -ell; the FTC on [0, T]
    derived = D(0) - D(T)
    integrated = sp.Integral(-sp.Derivative(D(t), t), (t, 0, T)).doit()
    printed = sp.Integral(rate(t), (t, 0, T))
    cmp = compare(integrated, derived)
    steps = (
        Step("∫_0^T -D'(t) dt = D(0) - D(T) (SymPy's FTC)", integrated),
        Step(
            "with D' = -2L||x||² L(x) (56, Lemma 3.17) this is ∫_0^T 2L||x||² L dt; D(T) >= 0 "
            "(Lemma 3.16) gives D(0) >= ∫_0^T ..., and L(x(t)) >= ε gives >= 2Lε ∫_0^T ||x||² dt; "
            "T -> ∞: (58)",
            printed,
        ),
    )
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, integrated, derived)],
        title="Lemma 3.18: (58) by integrating (56)",
        steps=steps,
        assumptions="D differentiable in t",
        instance=None,
    )


def lemma_3_18_needs_positive_direction() -> Derivation:
    """Lemma 3.18 omits u(0) > 0 (its proof uses it): with u(0) = (1, 0) the loss never goes to 0.

    N = 2, A = [0 1], b = 1, so S_+ = {z >= 0 : z_2 = 1} is non-empty and b != 0; r(0) > 0 and
    ||u(0)|| = 1.  The u_2-velocity vanishes where u_2 = 0 (computed below), so u_2(t) = 0, x_2(t) = 0
    and L(x(t)) = 1/(2L) for all t (uniqueness of the solution of the ODE).  Depths 2, 3, 4, 5.
    """
    u1, u2 = sp.symbols("u_1 u_2", nonnegative=True)
    A = sp.Matrix([[0, 1]])
    b = sp.Matrix([1])
    norm = sp.sqrt(u1**2 + u2**2)
    x = sp.Matrix([r * u1 / norm, r * u2 / norm])
    rates, losses = [], []
    for depth in DEPTHS:
        loss_tilde = sum(e**2 for e in (A * x.applyfunc(lambda v, d=depth: v**d) - b)) / (2 * depth)
        rates.append(sp.simplify(-sp.diff(loss_tilde, u2).subs(u2, 0)))  # (13), η_u = 1, on u_2 = 0
        losses.append(sp.simplify(loss_tilde.subs(u2, 0)))
    if any(v != 0 for v in rates):
        raise RuntimeError(f"u_2' does not vanish on u_2 = 0: {rates}")
    derived = sp.Matrix(losses)  # L(x(t)) for every t >= 0, hence its limit
    printed = sp.zeros(len(DEPTHS), 1)  # Lemma 3.18: lim L(x(t)) = 0
    cmp = compare(derived, printed, [{}])
    steps = (
        Step("A = [0 1], b = 1; u_2' at u_2 = 0, L = 2..5: the face u_2 = 0 is invariant", sp.Matrix(rates)),
        Step("the loss on the face, for every t (L = 2..5): 1/(2L), not -> 0", derived),
        Step(
            "the proof assumes u(0) >= 0 and needs u(0) > 0 (setting of Theorem 2.3); "
            "the lemma states neither"
        ),
    )
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="Lemma 3.18 without u(0) > 0: an invariant face on which the loss stays 1/(2L)",
        steps=steps,
        assumptions="N = 2, A = [0 1], b = 1, u(0) = (1, 0), r(0) > 0, L = 2, 3, 4, 5",
        corrected=sp.Symbol("u(0) > 0 added to the hypotheses"),
        instance={
            "A": [["0", "1"]],
            "y": ["1"],
            "depth": 2,
            "params": {"r0": "1", "direction": ["1", "0"], "z": ["0", "1"]},
        },
    )


# ------------------------------------------------------------------ c_L of wn (15) and of mil (10)


def _wn_threshold(depth_case: str) -> sp.Expr:
    """The ratio Q/β_1 above which the error (16) has a positive denominator."""
    ratio = sp.Symbol("t", positive=True)  # Q/β_1
    if depth_case == "L = 2":
        return sp.solve(sp.log(ratio), ratio)[0]  # log(Q/β_1) > 0, increasing in t
    depth = 2 + delta
    exponent = 1 - 2 / depth  # γ of (16)
    # 2Q^γ - Lβ_1^γ = β_1^γ (2 t^γ - L), increasing in t
    roots = sp.solve(2 * ratio**exponent - depth, ratio)
    if len(roots) != 1:
        raise RuntimeError(f"expected one threshold, got {roots}")
    return roots[0]


def wn_c_L_threshold() -> Derivation:
    """c_L of wn (15) is the threshold of (16): its denominator is positive iff Q > c_L β_1."""
    derived = sp.Matrix([_wn_threshold("L = 2"), _wn_threshold("L > 2")])
    depth = 2 + delta
    printed = sp.Matrix([1, (depth / 2) ** (depth / (depth - 2))])  # wn (15)
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="c_L of (15): the threshold on Q/β_1 for the denominator of (16) (L = 2; L = 2 + delta)",
        steps=(
            Step("Q/β_1 at which log(Q/β_1), resp. 2(Q/β_1)^γ - L, vanishes (increasing in Q/β_1)", derived),
            Step("(15) typed in", printed),
            Step(
                "so (14)-(16) need Q > c_L β_1; the printed hypothesis Q > c_L β_1^{2/L} differs for L > 2 "
                "(and is not scale-consistent, see derivations.scale_consistency)"
            ),
        ),
        assumptions="Q, β_1 > 0; L = 2, or L = 2 + delta with delta > 0",
        instance=None,
    )


def wn_c_L_against_mil() -> Derivation:
    """wn's c_L (15) against mil's c_L (10) (derived in derivations.coordinate_functions).

    Informational: the two constants belong to different bounds (mil (9)/(16): the additive error
    c_L ||x_0||_L^L; wn's quotation of [7]: a relative error in the weighted norm, valid for
    Q > c_L β_1), so they need not agree; the derivation records how they differ.
    """
    from dlncheck.derivations.coordinate_functions import L_SYMBOLIC, constant_c_L

    mil = sp.Matrix([constant_c_L(2).derived, constant_c_L(L_SYMBOLIC).derived])
    wn = wn_c_L_threshold().derived
    difference = (mil - wn).applyfunc(sp.simplify)
    cmp = compare(mil, wn, [{delta: sp.Integer(1)}])
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, mil, wn)],
        title="c_L of wn (15) against c_L of mil (10)",
        steps=(
            Step("mil (10), derived: (c_n - g_min/g'(c_n))/x", mil),
            Step("wn (15), derived as the threshold of (16)", wn),
            Step("mil - wn: e (L = 2), L/2 (L > 2): different constants of different bounds", difference),
        ),
        assumptions="L = 2; L = 2 + delta",
        instance=None,
    )
