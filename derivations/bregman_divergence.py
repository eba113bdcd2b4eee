"""The Bregman divergence of "More is Less": definition, closed form, sign, coercivity, splitting.

mil (20), Definition 2.3:  D_F(p, q) = F(p) - F(q) - <grad F(q), p - q>.
mil Lemma 2.4:             D_F >= 0 and p -> D_F(p, q) is strictly convex.
mil, proof of Lemma 2.5:   D_F(z, x) in closed form for F of (21), and the scalar maps
                           x -> x - z log x (L = 2), x -> (L-2) x^{2/L} + 2 z x^{2/L-1} (L > 2)
                           are bounded below and tend to infinity.
mil, proof of Thm 3.1:     D_{F^±}((z+, z-), (u, v)) = D_F(z+, u) + D_F(z-, v).

General-F statements use an undefined SymPy function F of two variables (C^2 where second
derivatives are taken); statements about F of (21) use N = 3 coordinates, or one coordinate
where F is separable, with L = 2 or symbolic L = 2 + delta.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from dlncheck.derivations.bregman_potentials import (
    L_SYMBOLIC,
    case,
    coordinates,
    delta,
    gradient,
    potential,
)
from dlncheck.derivations.derivation import Derivation, Part, Step
from dlncheck.derivations.equality import compare


def bregman_divergence(F: Callable[[sp.Matrix], sp.Expr], p: sp.Matrix, q: sp.Matrix) -> sp.Expr:
    """mil (20): D_F(p, q) = F(p) - F(q) - <grad F(q), p - q>.

    q may hold expressions (q = x^{⊙L}): grad F is taken at free symbols, then evaluated.
    """
    free = sp.Matrix([sp.Dummy(f"q{i}", positive=True) for i in range(len(q))])
    grad_q = gradient(F(free), free).xreplace(dict(zip(free, q, strict=True)))
    return F(p) - F(q) - (grad_q.T * (p - q))[0]


def divergence_of_potential(depth, p: sp.Matrix, q: sp.Matrix) -> sp.Expr:
    """D_F(p, q) for F of mil (21)."""
    return bregman_divergence(lambda v: potential(depth, v), p, q)


def closed_form_printed(depth, z: sp.Matrix, x: sp.Matrix) -> sp.Expr:
    """The display in the proof of mil Lemma 2.5, typed in."""
    ones = sp.ones(len(x), 1)

    def dot(u: sp.Matrix) -> sp.Expr:
        return (u.T * ones)[0]

    if depth == 2:
        first = sp.Matrix([xi - zi * sp.log(xi) for xi, zi in zip(x, z, strict=True)])
        second = sp.Matrix([zi * sp.log(zi) - zi for zi in z])
        return sp.Rational(1, 2) * (dot(first) + dot(second))
    L = depth
    first = sp.Matrix(
        [(L - 2) * xi ** (2 / L) + 2 * zi * xi ** (2 / L - 1) for xi, zi in zip(x, z, strict=True)]
    )
    return 1 / (2 * (L - 2)) * (dot(first) - L * dot(z.applyfunc(lambda zi: zi ** (2 / L))))


# ----------------------------------------------------------------------------- Definition 2.3


def _generic_potential(name: str = "F") -> Callable[[sp.Matrix], sp.Expr]:
    F = sp.Function(name)
    return lambda v: F(*v)


def definition_consequences() -> Derivation:
    """Definition 2.3 for a general F: D_F(p, p) = 0, grad_p D_F = grad F(p) - grad F(q),
    Hess_p D_F = Hess F(p) -- the three facts the proofs of Theorems 2.2 and 3.1 use."""
    p, q = coordinates("p", 2, real=True), coordinates("q", 2, real=True)
    F = _generic_potential()
    D = bregman_divergence(F, p, q)
    at_diagonal = D.xreplace(dict(zip(q, p, strict=True))).doit()
    grad_p = gradient(D, p)
    hess_p = sp.hessian(D, list(p))
    derived = sp.Matrix([at_diagonal, *grad_p, *hess_p])
    printed = sp.Matrix([0, *(gradient(F(p), p) - gradient(F(q), q)), *sp.hessian(F(p), list(p))])
    cmp = compare(derived, printed)
    steps = (
        Step("D_F(p, q) from (20), F an undefined function of two variables", D),
        Step("D_F(p, p)", at_diagonal),
        Step("grad_p D_F(p, q)", grad_p),
        Step("Hess_p D_F(p, q): D_F(., q) - F is affine", hess_p),
    )
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="Definition 2.3: D_F(p, p) = 0, gradient and Hessian in p (general F)",
        steps=steps,
        assumptions="F twice differentiable, N = 2",
        instance=None,
    )


# ----------------------------------------------------------------------------- Lemma 2.4


def first_order_term_is_directional_derivative() -> Derivation:
    """Lemma 2.4, nonnegativity for any differentiable convex F.

    Convexity gives, for 0 < s <= 1, (F(q + s(p - q)) - F(q))/s <= F(p) - F(q).  The left side
    tends to phi'(0) with phi(s) = F(q + s(p - q)); SymPy's chain rule gives phi'(0), which must
    be the inner product <grad F(q), p - q> subtracted in (20); then D_F(p, q) = F(p) - F(q) -
    phi'(0) >= 0.
    """
    p, q = coordinates("p", 2, real=True), coordinates("q", 2, real=True)
    s = sp.Symbol("s", nonnegative=True)
    F = _generic_potential()
    phi = F(q + s * (p - q))
    derived = sp.diff(phi, s).subs(s, 0).doit()
    printed = (gradient(F(q), q).T * (p - q))[0]
    cmp = compare(derived, printed)
    steps = (
        Step("phi(s) = F(q + s(p - q))", phi),
        Step("convexity: phi(s) <= (1 - s) phi(0) + s phi(1), so (phi(s) - phi(0))/s <= phi(1) - phi(0)"),
        Step("as s -> 0+ the quotient tends to phi'(0) (chain rule, SymPy)", derived),
        Step("<grad F(q), p - q>, the term subtracted in (20)", printed),
        Step("hence D_F(p, q) = phi(1) - phi(0) - phi'(0) >= 0"),
    )
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="Lemma 2.4: D_F >= 0 from the first-order condition of convexity (general F)",
        steps=steps,
        assumptions="F convex and differentiable, N = 2",
        instance=None,
    )


def strict_convexity_in_first_argument() -> Derivation:
    """Lemma 2.4, second part: D_F(p, q) - F(p) is affine in p, so p -> D_F(p, q) is strictly
    convex exactly when F is (adding an affine function preserves strict convexity)."""
    p, q = coordinates("p", 2, real=True), coordinates("q", 2, real=True)
    F = _generic_potential()
    remainder = bregman_divergence(F, p, q) - F(p)
    derived = sp.hessian(remainder, list(p))
    printed = sp.zeros(2, 2)
    cmp = compare(derived, printed)
    steps = (
        Step("D_F(p, q) - F(p)", remainder),
        Step("its Hessian in p: zero, i.e. it is affine in p", derived),
        Step("strictly convex F plus an affine function is strictly convex"),
    )
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="Lemma 2.4: p -> D_F(p, q) is F plus an affine function (general F)",
        steps=steps,
        assumptions="F differentiable, N = 2",
        instance=None,
    )


def nonnegativity_for_potential(depth) -> Derivation:
    """Lemma 2.4 for F of (21): per coordinate D_F(q w, q) = q^{2/L} psi(w) / c with psi(1) = 0,
    psi'(1) = 0 and psi'' > 0, so psi >= 0 with equality only at w = 1 (p = q)."""
    q = sp.Symbol("q", positive=True)
    w = sp.Symbol("w", positive=True)
    pvar = sp.Symbol("p", positive=True)
    d = divergence_of_potential(depth, sp.Matrix([pvar]), sp.Matrix([q]))
    scale = q / 2 if depth == 2 else q ** (2 / depth) / (2 * (depth - 2))
    psi = sp.simplify(
        sp.expand_log(
            sp.powsimp(sp.expand_power_base(d.subs(pvar, q * w), force=True), force=True) / scale, force=True
        )
    )
    psi_second = sp.simplify(sp.diff(psi, w, 2))
    derived = sp.Matrix([sp.simplify(psi.subs(w, 1)), sp.simplify(sp.diff(psi, w).subs(w, 1))])
    printed = sp.Matrix([0, 0])
    cmp = compare(derived, printed)
    convex = bool(psi_second.is_positive)
    steps = (
        Step("one coordinate of D_F(p, q), F of (21)", d),
        Step("psi(w) = D_F(q w, q) / scale, independent of q", psi),
        Step("psi(1) and psi'(1)", derived),
        Step(
            f"psi''(w) (SymPy: positive = {convex}): psi is strictly convex with minimum 0 at w = 1",
            psi_second,
        ),
        Step("D_F(p, q) = sum of nonnegative coordinate terms, zero only at p = q"),
    )
    return Derivation.from_parts(
        [Part.of("psi(1) and psi'(1) against 0", cmp, derived, printed)],
        title=f"Lemma 2.4 for F of (21): D_F >= 0 ({case(depth)})",
        steps=steps,
        notes=() if convex else ["SymPy could not show psi'' > 0"],
        assumptions="p, q > 0; " + case(depth),
        decided=convex,
        instance=None,
    )


# ----------------------------------------------------------------------------- Lemma 2.5


def closed_form(depth) -> Derivation:
    """The display in the proof of Lemma 2.5: D_F(z, x) in closed form, from (20) and (21)."""
    z = coordinates("z")
    x = coordinates("x")
    derived = divergence_of_potential(depth, z, x)
    printed = closed_form_printed(depth, z, x)
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title=f"closed form of D_F(z, x) ({case(depth)})",
        steps=(
            Step("D_F(z, x) from (20) with F of (21)", derived),
            Step("printed closed form (proof of Lemma 2.5)", printed),
        ),
        assumptions=f"z, x > 0, N = 3 ({case(depth)}); z log z = 0 at z = 0 extends it to z >= 0",
        instance=None,
    )


def _scalar_map(depth, x: sp.Symbol, z: sp.Symbol) -> sp.Expr:
    """The scalar maps named in the proof of Lemma 2.5."""
    if depth == 2:
        return x - z * sp.log(x)
    return (depth - 2) * x ** (2 / depth) + 2 * z * x ** (2 / depth - 1)


def _lower_bound(depth, h: sp.Expr, x: sp.Symbol, z: sp.Symbol) -> tuple[bool, list[Step]]:
    """Is h bounded below on x > 0 for every z >= 0?  Decided by SymPy, with the steps."""
    if depth == 2:
        zp = sp.Symbol("z", positive=True)
        hp = h.subs(z, zp)
        critical = sp.solve(sp.diff(hp, x), x)
        second = sp.simplify(sp.diff(hp, x, 2))
        at_zero = h.subs(z, 0)
        ok = critical == [zp] and bool(second.is_positive) and bool(at_zero.is_positive)
        minimum = sp.simplify(hp.subs(x, zp))
        return ok, [
            Step("z > 0: h'' (positive, so the critical point x = z is the global minimum)", second),
            Step("min over x > 0 for z > 0", minimum),
            Step("z = 0: h(x) = x > 0", at_zero),
        ]
    terms = sp.Add.make_args(sp.expand(h))
    ok = all(t.is_nonnegative for t in terms)
    return ok, [
        Step(f"every term of h is nonnegative for x > 0, z >= 0 (SymPy: {ok}), so h >= 0", sp.Matrix(terms))
    ]


def coercivity(depth) -> Derivation:
    """The scalar maps of the proof of Lemma 2.5 are bounded below and tend to infinity, and
    each coordinate of D_F(z, .) is a positive multiple of one of them plus a constant."""
    x = sp.Symbol("x", positive=True)
    z = sp.Symbol("z", nonnegative=True)
    h = _scalar_map(depth, x, z)
    bounded, bound_steps = _lower_bound(depth, h, x, z)
    zp = sp.Symbol("z", positive=True)  # the coordinate term of D_F, z > 0 (z log z -> 0 at 0)
    d = divergence_of_potential(depth, sp.Matrix([zp]), sp.Matrix([x]))
    scale = sp.Rational(1, 2) if depth == 2 else 1 / (2 * (depth - 2))
    constant = sp.simplify(sp.expand(d - scale * h.subs(z, zp)))
    reciprocal_limit = sp.limit(1 / h, x, sp.oo)
    derived = sp.Matrix([reciprocal_limit, sp.diff(constant, x)])
    printed = sp.Matrix([0, 0])
    cmp = compare(derived, printed)
    steps = (
        Step("the scalar map h(x) of the proof of Lemma 2.5", h),
        *bound_steps,
        Step("lim_{x -> oo} 1/h(x) = 0: h tends to +infinity", reciprocal_limit),
        Step("one coordinate of D_F(z, x) from (20), (21)", d),
        Step(f"D_F - {scale} h: does not depend on x", constant),
        Step(
            "so D_F(z, x~) = sum_n (c h_n(x~_n) + const_n) with c > 0: if it stays bounded, each h_n(x~_n) "
            "stays bounded (the others are bounded below), hence each x~_n stays bounded"
        ),
    )
    return Derivation.from_parts(
        [Part.of("lim 1/h and d(D_F - c h)/dx against 0", cmp, derived, printed)],
        title=f"coercivity of D_F(z, .) ({case(depth)})",
        steps=steps,
        notes=() if bounded else ["SymPy could not show h bounded below"],
        assumptions="x > 0, z >= 0; " + case(depth),
        decided=bounded,
        instance=None,
    )


# ----------------------------------------------------------------------------- eq. (21) at L -> 2


def divergence_continuous_in_depth() -> Derivation:
    """The two cases of (21) fit together: D_{F_L}(z, x) -> D_{F_2}(z, x) as L -> 2+.

    F_L itself diverges as L -> 2, but only by an affine function of x, which D_F ignores.
    """
    x, z = sp.Symbol("x", positive=True), sp.Symbol("z", positive=True)
    d_L = divergence_of_potential(L_SYMBOLIC, sp.Matrix([z]), sp.Matrix([x]))
    d_2 = divergence_of_potential(2, sp.Matrix([z]), sp.Matrix([x]))
    derived = sp.limit(d_L, delta, 0, "+")
    cmp = compare(derived, d_2)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, d_2)],
        title="D_F for L > 2 tends to D_F for L = 2 as L -> 2+",
        steps=(
            Step("one coordinate of D_F(z, x), L = 2 + delta", d_L),
            Step("limit delta -> 0+", derived),
            Step("one coordinate of D_F(z, x), L = 2", d_2),
        ),
        assumptions="x, z > 0",
        instance=None,
    )


# ----------------------------------------------------------------------------- Theorem 3.1


def split_over_signs(depth) -> Derivation:
    """Proof of Theorem 3.1: D_{F^±}((z+, z-), (u, v)) = D_F(z+, u) + D_F(z-, v)."""
    n = 2
    zp, zm = coordinates("zp", n), coordinates("zm", n)
    u, v = coordinates("u", n), coordinates("v", n)

    def F_pm(w: sp.Matrix) -> sp.Expr:  # mil (34) on the stacked vector (u, v)
        return potential(depth, w[:n, :]) + potential(depth, w[n:, :])

    derived = bregman_divergence(F_pm, sp.Matrix.vstack(zp, zm), sp.Matrix.vstack(u, v))
    printed = divergence_of_potential(depth, zp, u) + divergence_of_potential(depth, zm, v)
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title=f"D_(F^±) splits over the signs ({case(depth)})",
        steps=(
            Step("D_{F^±} from (20) with F^± of (34) on R^{2N}", derived),
            Step("D_F(z+, u) + D_F(z-, v)", printed),
        ),
        assumptions="z+, z-, u, v > 0, N = 2; " + case(depth),
        instance=None,
    )
