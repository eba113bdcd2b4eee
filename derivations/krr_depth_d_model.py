"""The depth-D diagonal model of "Kernel and Rich Regimes", eq. (10), and its conventions.

krr (10):  F_D(w) = w_+^D - w_-^D,  f_D(w, x) = <w_+^D - w_-^D, x>;  w_+(0) = w_-(0) = alpha 1.
krr Sec. 2: L(w) = sum_n (f(w, x_n) - y_n)^2 (no factor 1/2); K_{w_alpha(0)} = alpha^{2(D-1)} K_0.
krr Sec. 4 (D = 2): K_{w(0)}(x, x') = 8 alpha^2 <x, x'>.
mil (7):  L^pm(u, v) = 1/2 ||A (u^{⊙L} - v^{⊙L}) - y||^2.

Conversion (one named place, STYLE.md): with A = X (rows x_n), u = w_+, v = w_-, L = D,
the krr loss is 2 L^pm, so the krr flow at time t is the mil flow at time 2t.
The depth D is symbolic (a positive integer symbol); the data are N = 2, d = 2 symbolic.
"""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Part, Step
from dlncheck.derivations.equality import compare

D = sp.Symbol("D", integer=True, positive=True)
alpha = sp.Symbol("alpha", positive=True)
N_SAMPLES, DIM = 2, 2


def _data():
    X = sp.Matrix(N_SAMPLES, DIM, lambda i, j: sp.Symbol(f"x_{i + 1}{j + 1}", real=True))
    y = sp.Matrix(N_SAMPLES, 1, lambda i, _: sp.Symbol(f"y_{i + 1}", real=True))
    wp = sp.Matrix(DIM, 1, lambda i, _: sp.Symbol(f"wp_{i + 1}", positive=True))
    wm = sp.Matrix(DIM, 1, lambda i, _: sp.Symbol(f"wm_{i + 1}", positive=True))
    return X, y, wp, wm


def beta_of(wp: sp.Matrix, wm: sp.Matrix, depth=D) -> sp.Matrix:
    """krr (10): F_D(w) = w_+^D - w_-^D (entrywise)."""
    return wp.applyfunc(lambda e: e**depth) - wm.applyfunc(lambda e: e**depth)


def krr_loss(X, y, wp, wm, depth=D) -> sp.Expr:
    """krr Sec. 2 with (10): sum_n (<F_D(w), x_n> - y_n)^2."""
    r = X * beta_of(wp, wm, depth) - y
    return sum(e**2 for e in r)


def mil_loss_pm(A, y, u, v, depth=D) -> sp.Expr:
    """mil (7): 1/2 ||A (u^L - v^L) - y||^2 with L = depth."""
    r = A * (u.applyfunc(lambda e: e**depth) - v.applyfunc(lambda e: e**depth)) - y
    return sp.Rational(1, 2) * sum(e**2 for e in r)


def loss_conversion() -> Derivation:
    """krr's loss and gradient for (10) against 2 x mil (7) with L = D (symbolic D)."""
    X, y, wp, wm = _data()
    loss = krr_loss(X, y, wp, wm)
    mil = mil_loss_pm(X, y, wp, wm)
    grads = sp.Matrix([sp.diff(loss, v) for v in list(wp) + list(wm)])
    mil_grads = sp.Matrix([sp.diff(mil, v) for v in list(wp) + list(wm)])
    r = X * beta_of(wp, wm) - y
    # closed form: grad_{w_+} L = 2 D X^T r ∘ w_+^{D-1}, grad_{w_-} L = -2 D X^T r ∘ w_-^{D-1}
    closed = sp.Matrix.vstack(
        (2 * D * X.T * r).multiply_elementwise(wp.applyfunc(lambda e: e ** (D - 1))),
        (-2 * D * X.T * r).multiply_elementwise(wm.applyfunc(lambda e: e ** (D - 1))),
    )
    derived = sp.Matrix([loss, *grads])
    printed = sp.Matrix([2 * mil, *(2 * mil_grads)])
    cmp = compare(derived, printed)
    closed_cmp = compare(grads, closed)
    steps = (
        Step("krr loss with (10), symbolic D", loss),
        Step("mil (7) with A = X, u = w_+, v = w_-, L = D", mil),
        Step("gradient of the krr loss", grads),
        Step("= 2 D X^T r ∘ w_±^{D-1} (with sign ±): closed form", closed),
        Step("krr loss and gradient against 2 x (mil loss and gradient): the krr flow at t is mil's at 2t"),
    )
    return Derivation.from_parts(
        [
            Part.of("closed-form gradient", closed_cmp, grads, closed),
            Part.of("loss and gradient against mil's", cmp, derived, printed),
        ],
        title="(10) is mil's L^pm with L = D, up to the loss factor 2 (symbolic D)",
        steps=steps,
        assumptions="D positive integer (symbolic), w_± > 0, N = d = 2 symbolic data",
    )


def tangent_kernel_at_initialization() -> Derivation:
    """K_{w(0)}(x, x') = <grad_w f_D(w, x), grad_w f_D(w, x')> at w_± = alpha 1."""
    X, _, wp, wm = _data()
    x, xp = X.row(0).T, X.row(1).T
    f = lambda v: (beta_of(wp, wm).T * v)[0]  # noqa: E731  krr (10)
    params = list(wp) + list(wm)
    grad = lambda v: sp.Matrix([sp.diff(f(v), p) for p in params])  # noqa: E731
    at_init = {p: alpha for p in params}
    kernel = sp.simplify((grad(x).T * grad(xp))[0].subs(at_init))
    kernel_1 = kernel.subs(alpha, 1)  # K_0
    inner = (x.T * xp)[0]
    derived = sp.Matrix([kernel.subs(D, 2), kernel, beta_of(wp, wm).subs(at_init)[0]])
    printed = sp.Matrix([8 * alpha**2 * inner, alpha ** (2 * (D - 1)) * kernel_1, 0])
    cmp = compare(derived, printed)
    steps = (
        Step("tangent kernel of (10) at w_+ = w_- = alpha 1", kernel),
        Step("at D = 2 (krr Sec. 4: 8 alpha^2 <x, x'>)", kernel.subs(D, 2)),
        Step("homogeneity (krr Sec. 2): alpha^{2(D-1)} K_0", alpha ** (2 * (D - 1)) * kernel_1),
        Step("F_D(alpha 1) = 0: the initialization is unbiased", beta_of(wp, wm).subs(at_init)),
    )
    return Derivation.from_parts(
        [Part.of("kernel", cmp, derived, printed)],
        title="tangent kernel of (10) at initialization",
        steps=steps,
        assumptions="D positive integer (symbolic), alpha > 0",
    )
