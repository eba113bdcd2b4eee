"""The u o v diagonal network of "Kernel and Rich Regimes", Appendix C.

krr App. C:  f((u, v), x) = sum_i u_i v_i x_i, L = sum_n (f((u, v), x^(n)) - y^(n))^2 (no 1/2)
krr (11):    d|u|/dt = -sign(u) o u'
krr (12):    = -2 sum_n (sum_i u_i v_i x_i^(n) - y^(n))^2 sign(u) o v o x^(n)
krr (13)-(14) the same with u and v exchanged; conclusion: |u_i(0)| = |v_i(0)| is kept.

N = 2 samples, d = 2, symbolic entries.
"""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Part, Step
from dlncheck.derivations.equality import compare, compare_polynomials, rational_points

N_SAMPLES = 2
DIMENSION = 2
t = sp.Symbol("t", real=True)


def uv_setup():
    X = sp.Matrix(N_SAMPLES, DIMENSION, lambda i, j: sp.Symbol(f"x_{i + 1}{j + 1}", real=True))
    y = sp.Matrix(N_SAMPLES, 1, lambda i, _: sp.Symbol(f"y_{i + 1}", real=True))
    u = sp.Matrix(DIMENSION, 1, lambda i, _: sp.Symbol(f"u_{i + 1}", real=True))
    v = sp.Matrix(DIMENSION, 1, lambda i, _: sp.Symbol(f"v_{i + 1}", real=True))
    r = X * u.multiply_elementwise(v) - y
    loss = sum(e**2 for e in r)
    u_dot = -sp.Matrix([sp.diff(loss, e) for e in u])
    v_dot = -sp.Matrix([sp.diff(loss, e) for e in v])
    return X, y, u, v, r, loss, u_dot, v_dot


def _abs_rate(u: sp.Matrix, u_dot: sp.Matrix) -> sp.Matrix:
    """d|u_i|/dt by SymPy's chain rule on |u_i(t)| (u_i != 0), then u_i' = the flow."""
    out = []
    for ui, vi in zip(u, u_dot, strict=True):
        f = sp.Function("f", real=True)(t)
        rate = sp.diff(sp.Abs(f), t)  # sign(f) f'
        out.append(rate.subs(sp.Derivative(f, t), vi).subs(f, ui))
    return sp.Matrix(out)


def printed_eq12(X, y, u, v, first, second) -> sp.Matrix:
    """krr (12) (and (14) with u, v exchanged): the residual appears squared."""
    return sum(
        (
            -2
            * (X.row(n) * u.multiply_elementwise(v) - y.row(n))[0] ** 2
            * first.applyfunc(sp.sign).multiply_elementwise(second).multiply_elementwise(X.row(n).T)
            for n in range(X.rows)
        ),
        sp.zeros(len(u), 1),
    )


def eq11_eq12_magnitude_rate():
    X, y, u, v, r, loss, u_dot, v_dot = uv_setup()
    derived = _abs_rate(u, u_dot)
    printed11 = -u.applyfunc(sp.sign).multiply_elementwise(u_dot)  # krr (11)
    printed12 = printed_eq12(X, y, u, v, u, v)  # krr (12)
    return X, y, u, v, r, loss, u_dot, v_dot, derived, printed11, printed12


def corrected_rate(X, u, v, r) -> sp.Matrix:
    """d|u|/dt = -2 sum_n r_n sign(u) o v o x_n (the residual to the first power)."""
    return -2 * sum(
        (
            r[n] * u.applyfunc(sp.sign).multiply_elementwise(v).multiply_elementwise(X.row(n).T)
            for n in range(X.rows)
        ),
        sp.zeros(DIMENSION, 1),
    )


def positive_u_sides():
    """d|u|/dt, (11), (12) and the corrected rate at u > 0 (the audit's two sides come from here)."""
    X, _, u, v, r, _, _, _, derived, printed11, printed12 = eq11_eq12_magnitude_rate()
    corrected = corrected_rate(X, u, v, r)
    positive = {e: sp.Symbol(e.name, positive=True) for e in u}
    return tuple(m.xreplace(positive) for m in (derived, printed11, printed12, corrected))


def magnitude_rate() -> Derivation:
    """krr (11)-(12): d|u|/dt against the two printed lines."""
    X, _, u, v, r, loss, u_dot, _, derived, printed11, printed12 = eq11_eq12_magnitude_rate()
    corrected = corrected_rate(X, u, v, r)
    # compared where u > 0 (sign(u) = 1, so every entry is a polynomial and the comparison is
    # exact and fast); the general-sign expressions are kept in the steps
    left, right11, right12, corr = positive_u_sides()
    symbols = left.free_symbols | right12.free_symbols
    points = rational_points(symbols, count=6, seed=11)
    against11 = compare_polynomials(left, right11, points)
    against12 = compare_polynomials(left, right12, points)
    confirm = compare_polynomials(left, corr, ())
    steps = (
        Step("L(u, v) = sum_n (<u o v, x_n> - y_n)^2 (krr Sec. 2, no 1/2), N = 2, d = 2", loss),
        Step("flow u' = -grad_u L = -2 sum_n r_n v o x_n", u_dot),
        Step("d|u|/dt = sign(u) o u' (SymPy's derivative of |u(t)|)", derived),
        Step("printed (11): -sign(u) o u'", printed11),
        Step("printed (12): -2 sum_n r_n^2 sign(u) o v o x_n", printed12),
        Step(
            f"corrected: d|u|/dt = +sign(u) o u' = -2 sum_n r_n sign(u) o v o x_n ({confirm.outcome}); "
            "(11) has the wrong sign and (12) squares the residual; the two printed errors do not cancel",
            corrected,
        ),
    )
    return Derivation.from_parts(
        [Part.of("(11)", against11, left, right11), Part.of("(12)", against12, left, right12)],
        title="krr (11)-(12): the rate of |u|",
        assumptions="u_i != 0 (|u_i| differentiable); compared at u > 0; N = 2, d = 2 symbolic",
        steps=steps,
        derived=derived.col_join(derived),
        printed=printed11.col_join(printed12),
        corrected=corrected.col_join(corrected),
    )


def balance_invariant() -> Derivation:
    """The conclusion of Appendix C: d/dt (u_i^2 - v_i^2) = 0, and u_i = v_i = 0 is at rest."""
    _, _, u, v, _, _, u_dot, v_dot = uv_setup()
    rate = sp.Matrix([2 * u[i] * u_dot[i] - 2 * v[i] * v_dot[i] for i in range(DIMENSION)])
    invariant = compare_polynomials(rate, sp.zeros(DIMENSION, 1), ())
    at_rest = u_dot.col_join(v_dot).subs({u[0]: 0, v[0]: 0})
    first_unit = sp.Matrix([at_rest[0], at_rest[DIMENSION]])
    rest = compare(first_unit, sp.zeros(2, 1))
    steps = (
        Step("d/dt (u_i^2 - v_i^2) = 2 u_i u_i' - 2 v_i v_i' along the flow", rate),
        Step("u_1' and v_1' at u_1 = v_1 = 0", sp.Matrix([at_rest[0], at_rest[DIMENSION]])),
        Step(
            "so |u_i| = |v_i| holds for all t once it holds at 0, and a unit with u_i = v_i = 0 stays there: "
            "by uniqueness a unit that starts nonzero never reaches 0, so its signs never flip"
        ),
    )
    return Derivation.from_parts(
        [
            Part.of("u_i^2 - v_i^2 conserved", invariant, rate, sp.zeros(DIMENSION, 1)),
            Part.of("0 is at rest", rest, first_unit, sp.zeros(2, 1)),
        ],
        title="balancedness u_i^2 - v_i^2 and sign invariance",
        assumptions="N = 2, d = 2 symbolic",
        steps=steps,
        derived=rate,
        printed=sp.zeros(DIMENSION, 1),
    )
