"""krr Appendix H at d = 1, N = 1: the closed form of the lifted flow, derived in SymPy.

One measurement X_1 = c (d = 1), U = u^T, V = v^T with u, v in R^k (k = 2 below; the algebra is
the same in every column), loss L = (c <u, v> - y*)^2 (krr Sec. 6, no factor 1/2), W = [U; V],
lifted measurement Xbar = (c/2) [[0, 1], [1, 0]].  What is shown here is what
:mod:`numerics.lifted_factorization_scalar` computes with:

* with a = (u + v)/sqrt 2, b = (u - v)/sqrt 2 and s(t) = int_0^t r:  a(s) = a0 e^{-2cs},
  b(s) = b0 e^{2cs} solve the gradient flow (du/ds = -2c v, dv/ds = -2c u, and ds/dt = r);
  r(s) = c(A e^{-4cs} - B e^{4cs})/2 - y*, A = |a0|^2, B = |b0|^2;
* r vanishes at z = e^{4cs} = z+, the positive root of cB z^2 + 2y* z - cA, and w = z+ - 1 is
  the rationalized root of cB w^2 + 2(cB + y*) w - 2 r0;
* the tangent kernel model (krr (68)): W_TK = W0 - 4 s_TK Xbar W0 is (a0 (1 - 2c s_TK),
  b0 (1 + 2c s_TK)) in the (a, b) basis, and r_TK' = -K r_TK with K = 8 ||Xbar W0||_F^2 = 2c^2 (A + B);
* g = r - r_TK obeys g' = -K g + h r with h = K + dr/ds = 2c^2 (A + B - A e^{-4cs} - B e^{4cs}),
  H = int_0^s h = (c/2)(A psi(-4cs) - B psi(4cs)), psi(x) = e^x - 1 - x; h vanishes at s = 0 and
  at 4cs = ln(A/B) and is concave (h'' < 0);
* ||W(s) - W0||_F^2 = A (e^{-2cs} - 1)^2 + B (e^{2cs} - 1)^2 and ||W - W_TK||_F^2 = A (e^{-2cs} - 1
  + 2c s_TK)^2 + B (e^{2cs} - 1 - 2c s_TK)^2, with e^{-2cs} - 1 + 2c s_TK = psi(-2cs) - 2c (s - s_TK).
"""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Part
from dlncheck.derivations.hypentropy_inequalities import identity

c = sp.Symbol("c", positive=True)
s, ystar, w_ = sp.symbols("s y_star w", real=True)
a1, a2, b1, b2 = sp.symbols("a_1 a_2 b_1 b_2", real=True)
s_tk = sp.Symbol("s_TK", real=True)
A = a1**2 + a2**2
B = b1**2 + b2**2


def psi(x: sp.Expr) -> sp.Expr:
    return sp.exp(x) - 1 - x


def _factors(at: sp.Expr) -> tuple[sp.Matrix, sp.Matrix, sp.Matrix, sp.Matrix]:
    """(a, b, u, v) at s = at."""
    a = sp.Matrix([a1, a2]) * sp.exp(-2 * c * at)
    b = sp.Matrix([b1, b2]) * sp.exp(2 * c * at)
    return a, b, (a + b) / sp.sqrt(2), (a - b) / sp.sqrt(2)


def closed_form_parts() -> list[Part]:
    _, _, u, v = _factors(s)
    u0, v0 = u.subs(s, 0), v.subs(s, 0)
    uu, vv = sp.symbols("uu_1:3", real=True), sp.symbols("vv_1:3", real=True)
    U, V = sp.Matrix(uu), sp.Matrix(vv)
    loss = (c * (U.T * V)[0] - ystar) ** 2
    r_uv = c * (U.T * V)[0] - ystar
    grad_u = sp.Matrix([sp.diff(loss, x) for x in uu])
    grad_v = sp.Matrix([sp.diff(loss, x) for x in vv])
    r_s = c * (u.T * v)[0] - ystar
    r_closed = c * (A * sp.exp(-4 * c * s) - B * sp.exp(4 * c * s)) / 2 - ystar
    # lifted form: W' = -4 r Xbar W with Xbar = (c/2)[[0, 1], [1, 0]]
    Xbar = c / 2 * sp.Matrix([[0, 1], [1, 0]])
    W = sp.Matrix.hstack(U, V).T  # 2 x k, rows u^T, v^T
    lifted_velocity = -4 * r_uv * Xbar * W
    z = sp.Symbol("z", positive=True)
    quadratic = c * B * z**2 + 2 * ystar * z - c * A
    r0 = c * (A - B) / 2 - ystar
    root_w = 2 * r0 / ((c * B + ystar) + sp.sqrt((c * B + ystar) ** 2 + 2 * c * B * r0))
    # tangent kernel model
    K = 2 * c**2 * (A + B)
    W0 = sp.Matrix.hstack(u0, v0).T
    W_tk = W0 - 4 * s_tk * Xbar * W0
    a_tk, b_tk = (W_tk[0, :] + W_tk[1, :]) / sp.sqrt(2), (W_tk[0, :] - W_tk[1, :]) / sp.sqrt(2)
    h = K + sp.diff(r_closed, s)
    H = c / 2 * (A * psi(-4 * c * s) - B * psi(4 * c * s))
    g, r_sym, rprime = sp.symbols("g r rprime", real=True)
    r_tk_sym = r_sym - g
    dev_sq = ((u - u0).T * (u - u0) + (v - v0).T * (v - v0))[0]
    gap_sq = ((u - W_tk[0, :].T).T * (u - W_tk[0, :].T) + (v - W_tk[1, :].T).T * (v - W_tk[1, :].T))[0]
    s_h = sp.log(A / B) / (4 * c)
    return [
        identity(
            "gradient: dL/du = 2 r c v, dL/dv = 2 r c u",
            grad_u.col_join(grad_v),
            2 * r_uv * c * V.col_join(U),
        ),
        identity(
            "lifted velocity -4 r Xbar W = -[dL/du; dL/dv] (krr.lem11's W' at d = 1)",
            lifted_velocity,
            -2 * r_uv * c * sp.Matrix.hstack(V, U).T,
        ),
        identity(
            "a = a0 e^{-2cs}, b = b0 e^{2cs}: du/ds = -2c v and dv/ds = -2c u (so u' = r du/ds = -dL/du)",
            sp.diff(u, s).col_join(sp.diff(v, s)),
            (-2 * c * v).col_join(-2 * c * u),
        ),
        identity("r(s) = c <u, v> - y* = c (A e^{-4cs} - B e^{4cs})/2 - y*", r_s, r_closed),
        identity(
            "r at e^{4cs} = z: -(cB z^2 + 2 y* z - cA)/(2z), so r = 0 at the positive root z+",
            r_closed.subs(s, sp.log(z) / (4 * c)),
            -quadratic / (2 * z),
        ),
        identity(
            "z = 1 + w: cB z^2 + 2y* z - cA = cB w^2 + 2(cB + y*) w - 2 r0",
            sp.expand(quadratic.subs(z, 1 + w_)),
            sp.expand(c * B * w_**2 + 2 * (c * B + ystar) * w_ - 2 * r0),
        ),
        identity(
            "the rationalized root w = 2 r0 / ((cB + y*) + sqrt((cB + y*)^2 + 2 cB r0)) solves it",
            (c * B * w_**2 + 2 * (c * B + ystar) * w_ - 2 * r0).subs(w_, root_w),
            0,
            [
                {
                    a1: 1,
                    a2: sp.Rational(1, 3),
                    b1: sp.Rational(1, 2),
                    b2: 2,
                    c: sp.Rational(3, 2),
                    ystar: sp.Rational(1, 5),
                }
            ],
        ),
        identity("K = 8 ||Xbar W0||_F^2 = 2 c^2 (A + B)", 8 * sum(x**2 for x in Xbar * W0), K),
        identity(
            "W_TK = W0 - 4 s_TK Xbar W0 in the (a, b) basis: a0 (1 - 2c s_TK), b0 (1 + 2c s_TK)",
            a_tk.col_join(b_tk),
            (sp.Matrix([[a1, a2]]) * (1 - 2 * c * s_tk)).col_join(sp.Matrix([[b1, b2]]) * (1 + 2 * c * s_tk)),
        ),
        identity(
            "g = r - r_TK: g' = r' r + K r_TK = -K g + (K + r') r",
            rprime * r_sym + K * r_tk_sym,
            -K * g + (K + rprime) * r_sym,
        ),
        identity(
            "h = K + dr/ds = 2c^2 (A + B - A e^{-4cs} - B e^{4cs})",
            h,
            2 * c**2 * (A + B - A * sp.exp(-4 * c * s) - B * sp.exp(4 * c * s)),
        ),
        identity(
            "H = (c/2)(A psi(-4cs) - B psi(4cs)): H' = h and H(0) = 0",
            sp.Matrix([sp.diff(H, s), H.subs(s, 0)]),
            sp.Matrix([h, 0]),
        ),
        identity(
            "h(0) = 0 and h = 0 at 4cs = ln(A/B)", sp.Matrix([h.subs(s, 0), h.subs(s, s_h)]), sp.zeros(2, 1)
        ),
        identity(
            "h'' = -32 c^4 (A e^{-4cs} + B e^{4cs}) < 0: h is concave",
            sp.diff(h, s, 2),
            -32 * c**4 * (A * sp.exp(-4 * c * s) + B * sp.exp(4 * c * s)),
        ),
        identity(
            "||W(s) - W0||_F^2 = A (e^{-2cs} - 1)^2 + B (e^{2cs} - 1)^2",
            dev_sq,
            A * (sp.exp(-2 * c * s) - 1) ** 2 + B * (sp.exp(2 * c * s) - 1) ** 2,
        ),
        identity(
            "||W - W_TK||_F^2 = A (e^{-2cs} - 1 + 2c s_TK)^2 + B (e^{2cs} - 1 - 2c s_TK)^2",
            gap_sq,
            A * (sp.exp(-2 * c * s) - 1 + 2 * c * s_tk) ** 2
            + B * (sp.exp(2 * c * s) - 1 - 2 * c * s_tk) ** 2,
        ),
        identity(
            "e^{-2cs} - 1 + 2c s_TK = psi(-2cs) - 2c (s - s_TK);  "
            "e^{2cs} - 1 - 2c s_TK = psi(2cs) + 2c (s - s_TK)",
            sp.Matrix([sp.exp(-2 * c * s) - 1 + 2 * c * s_tk, sp.exp(2 * c * s) - 1 - 2 * c * s_tk]),
            sp.Matrix([psi(-2 * c * s) - 2 * c * (s - s_tk), psi(2 * c * s) + 2 * c * (s - s_tk)]),
        ),
    ]


NOTES = (
    "r(s) is strictly decreasing (dr/ds = -2c^2 (A e^{-4cs} + B "
    "e^{4cs}) < 0), so r keeps its sign and s(t) runs "
    "monotonically from 0 to s_inf (4c s_inf = ln z+); every sup over "
    "T of the claims is a sup over s in [0, s_inf]",
    "g(0) = 0 and g' = -K g + h r give g(t) = int_0^t e^{-K(t - tau)} "
    "h r dtau, hence int_0^oo g dt = H(s_inf)/K and "
    "int_0^oo |g| dt <= int |h| |ds| / K (Fubini), with equality when h keeps its sign on the path",
    "||W(s) - W0||_op^2 = lambda_max(D G0 D), D = diag(e^{-2cs} - "
    "1, e^{2cs} - 1), G0 the Gram of (a0, b0): the "
    "entries of D grow in |s|, and the max of a PSD quadratic form "
    "over the ellipse {Dx : |x| <= 1} grows with it, "
    "so ||W(s) - W0||_op increases with |s|",
)


def closed_form() -> Derivation:
    return Derivation.from_parts(
        closed_form_parts(),
        title="the lifted flow at d = 1, N = 1 in closed form (what the certified audits compute)",
        assumptions="c > 0 (the loss is unchanged under (c, y*) -> (-c, -y*)), k = 2 columns, real entries",
        notes=NOTES,
    )
