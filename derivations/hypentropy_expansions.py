"""Expansions of the hypentropy q and of Q_{alpha,w0} at 0 and at infinity ("Kernel and Rich Regimes").

krr (6):  q(z) = z^2/4 + O(z^4), so Q_{alpha,w0}(beta) = sum beta_i^2/(4 alpha^2 w0_i^2) + O(alpha^-6)
krr (7):  q(z) = |z| log|z| + O(1/|z|), so Q_{alpha,w0}(beta)/log(1/alpha^2) = |beta|_1 + O(1/log(1/alpha^2))
krr (31): q(1/(c alpha^2)) rewritten with arcsinh(x) = ln(x + sqrt(1 + x^2))
krr (38)-(40): the derivatives of phi(z) = int_0^{z/alpha^2} arcsinh(t/2) dt (Lemma 7)

An order claim "f = g + O(h)" is decided by the limit of (f - g)/h: finite means it holds,
infinite means it does not.  By (22) q is even, so the expansions at infinity are taken for
z > 0 and beta_i > 0 (beta_i = 0 contributes 0 to both sides).
"""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations.derivation import Derivation
from dlncheck.derivations.hypentropy import Q_coordinate, alpha, q_printed, w0
from dlncheck.derivations.hypentropy_inequalities import finite_limit, identity

zp = sp.Symbol("z", positive=True)  # |z| (q is even)
beta_p = sp.Symbol("beta", positive=True)  # |beta_i| > 0


# ------------------------------------------------------------------------------ krr (6)


def kernel_regime_expansion() -> Derivation:
    """krr (6): q(z) = z^2/4 + O(z^4) at 0; Q_{alpha,w0} = sum beta_i^2/(4 alpha^2 w0_i^2) + O(alpha^-6)."""
    z = sp.Symbol("z", real=True)
    q = q_printed(z)
    b = sp.Symbol("beta", real=True)
    Qi = Q_coordinate(b)
    printed_Q = b**2 / (4 * alpha**2 * w0**2)  # (6), one coordinate
    # alpha -> oo through x = 1/alpha -> 0+: Q_i is a power series in x^2 (q is analytic and even)
    x = sp.Symbol("x", positive=True)
    remainder = (Qi - printed_Q).subs(alpha, 1 / x) / x**6
    parts = [
        identity(
            "leading coefficient lim q(z)/z^2 at 0 against 1/4", sp.limit(q / z**2, z, 0), sp.Rational(1, 4)
        ),
        finite_limit("(q(z) - z^2/4)/z^4 has a finite limit at 0 (the O(z^4))", (q - z**2 / 4) / z**4, z, 0),
        identity(
            "leading term lim alpha^2 Q_i as alpha -> oo against beta^2/(4 w0^2)",
            sp.limit((Qi / x**2).subs(alpha, 1 / x), x, 0),
            b**2 / (4 * w0**2),
        ),
        finite_limit(
            "alpha^6 (Q_i - beta_i^2/(4 alpha^2 w0_i^2)) has a finite limit as alpha -> oo (the O(alpha^-6))",
            remainder,
            x,
            0,
        ),
    ]
    notes = (
        f"series at 0: q(z) = {sp.sstr(sp.series(q, z, 0, 6))}",
        "a finite sum of O(alpha^-6) terms is O(alpha^-6)",
    )
    return Derivation.from_parts(
        parts,
        title="kernel-regime expansion (6)",
        assumptions="z, beta_i real; alpha, w0_i > 0 (only w0_i^2 enters)",
        notes=notes,
    )


# ------------------------------------------------------------------------------ krr (7)


def q_minus_zlogz_over_z() -> sp.Expr:
    """lim_{z->oo} (q(z) - z log z)/z, which "q(z) = |z| log|z| + O(1/|z|)" makes 0."""
    return sp.limit((q_printed(zp) - zp * sp.log(zp)) / zp, zp, sp.oo)


def q_corrected_at_infinity(z: sp.Expr = zp) -> sp.Expr:
    """q(z) = |z| log|z| - |z| + 2 + O(1/|z|), the expansion derived here."""
    return z * sp.log(z) - z + 2


def rich_regime_expansion() -> Derivation:
    """krr (7) and the expansion of q at infinity that precedes it."""
    q = q_printed(zp)
    Qi = Q_coordinate(beta_p)
    ell = sp.log(1 / alpha**2)
    rich_constant = sp.limit(Qi - beta_p * ell, alpha, 0, "+")
    parts = [
        identity(
            "lim (q(z) - |z| log|z|)/|z| as |z| -> oo, against 0 as q = |z|log|z| + O(1/|z|) requires",
            q_minus_zlogz_over_z(),
            sp.Integer(0),
            [{}],
        ),
        finite_limit(
            "corrected: |z| (q(z) - (|z| log|z| - |z| + 2)) has a finite limit as |z| -> oo",
            zp * (q - q_corrected_at_infinity()),
            zp,
            sp.oo,
        ),
        finite_limit(
            "(7): ln(1/alpha^2) (Q_i/ln(1/alpha^2) - |beta_i|) has a finite limit as alpha -> 0+",
            Qi - beta_p * ell,
            alpha,
            0,
        ),
    ]
    notes = (
        f"lim_(alpha->0+) (Q_i - |beta_i| ln(1/alpha^2)) = {sp.sstr(rich_constant)}: "
        "(7) holds, with a constant that depends on beta and w0",
        "the remainder of q(z) - |z| log|z| is -|z| + 2 + O(1/|z|), not O(1/|z|); (7) divides by "
        "ln(1/alpha^2) and survives it",
    )
    return Derivation.from_parts(
        parts,
        title="rich-regime expansion of q at infinity and (7)",
        assumptions="z > 0 and beta_i > 0 by evenness (22); alpha, w0_i > 0",
        notes=notes,
        corrected=q_corrected_at_infinity(),
        instance={"params": {}},
    )


# ----------------------------------------------------------------------------- krr (31)

c_sym = sp.Symbol("c", positive=True)


def eq31_printed_lines(c: sp.Expr = c_sym, a: sp.Expr = alpha) -> tuple[sp.Expr, ...]:
    """The three lines of krr (31) as printed."""
    u = c * a**2
    half = sp.Rational(1, 2)
    return (
        2 - sp.sqrt(4 + 1 / (c**2 * a**4)) + 1 / u * sp.asinh(1 / (2 * u)),
        1
        / u
        * (2 * u - sp.sqrt(4 * c**2 * a**4 + 1) + sp.log(1 / (2 * u) + sp.sqrt(1 + 1 / (4 * c**2 * a**4)))),
        1
        / u
        * (2 * u - sp.sqrt(4 * c**2 * a**4 + 1) + sp.log(1 / u) + sp.log(half + sp.sqrt(c**2 * a**4 + half))),
    )


def eq31_corrected(c: sp.Expr = c_sym, a: sp.Expr = alpha) -> sp.Expr:
    """(31) third line with sqrt(c^2 alpha^4 + 1/4).

    1/(2u) + sqrt(1 + 1/(4u^2)) = (1/u)(1/2 + sqrt(u^2 + 1/4)), u = c alpha^2.
    """
    u = c * a**2
    half = sp.Rational(1, 2)
    return (
        1
        / u
        * (
            2 * u
            - sp.sqrt(4 * c**2 * a**4 + 1)
            + sp.log(1 / u)
            + sp.log(half + sp.sqrt(c**2 * a**4 + half**2))
        )
    )


EQ31_POINTS = ({c_sym: sp.Integer(1), alpha: sp.Integer(1)}, {c_sym: sp.Integer(2), alpha: sp.Rational(1, 3)})


def q_at_large_argument() -> Derivation:
    """krr (31): q(1/(c alpha^2)) from (21), line by line against print."""
    derived = q_printed(1 / (c_sym * alpha**2))
    lines = eq31_printed_lines()
    parts = [
        identity(f"(31) line {k + 1} against q(1/(c alpha^2)) of (21)", derived, line, EQ31_POINTS)
        for k, line in enumerate(lines)
    ]
    parts.append(identity("(31) line 3 with sqrt(c^2 alpha^4 + 1/4)", derived, eq31_corrected(), EQ31_POINTS))
    return Derivation.from_parts(
        parts,
        title="q(1/(c alpha^2)) rewritten (31)",
        assumptions="c, alpha > 0",
        notes=(
            "1/(2u) + sqrt(1 + 1/(4u^2)) = (1/u)(1/2 + sqrt(u^2 + 1/4)) with u = c alpha^2: "
            "the printed 1/2 under the root should be 1/4",
        ),
        corrected=eq31_corrected(),
    )


# -------------------------------------------------------------------------- krr (38)-(40)

zr = sp.Symbol("z", real=True)


def phi(z: sp.Expr = zr) -> sp.Expr:
    """krr Lemma 7: phi(z) = int_0^{z/alpha^2} arcsinh(t/2) dt, kept as an unevaluated integral."""
    t = sp.Symbol("t", real=True)
    return sp.Integral(sp.asinh(t / 2), (t, 0, z / alpha**2))


def phi_derivatives_printed(z: sp.Expr = zr) -> dict[str, sp.Expr]:
    """krr (39)-(40) as printed, as functions of z (before setting z = 0)."""
    a = alpha
    return {
        "phi'": 1 / a**2 * sp.asinh(z / (2 * a**2)),
        "phi''": 1 / (a**4 * sp.sqrt(4 + z**2 / a**4)),
        "phi'''": -z / (a**8 * (4 + z**2 / a**4) ** sp.Rational(3, 2)),
        "phi''''": 3 * z**2 / (a**12 * (4 + z**2 / a**4) ** sp.Rational(5, 2))
        - 1 / (a**8 * (4 + z**2 / a**4) ** sp.Rational(3, 2)),
        "phi'''' (40), without | |": (2 * z**2 - 4 * a**4) / (a**12 * (4 + z**2 / a**4) ** sp.Rational(5, 2)),
    }
