"""Gradient flow and descent on L_quad from 0 converge to the minimum-l2-norm solution (mil Sec. 1).

mil (3): L_quad(x) = 1/2 ||A x - y||^2; claim after (5): from x(0) = 0, gradient flow and gradient
descent converge to x_∞ = argmin_{Az = y} ||z||_2.

Both iterations stay in range(A^T): x = A^T w.  With K = A A^T (positive definite for full row
rank), w' = y - K w and w_{k+1} = w_k + η (y - K w_k) are solved in closed form.
  * M = 1, N = 3: K = |a|^2 =: σ; the closed forms are checked against the ODE/recursion and
    their limits taken (for descent under 0 < η < 2/σ = 2/||A||^2).
  * M = 2, N = 3: K = Q diag(κ1, κ2) Q^T with Q a rotation by θ (every 2x2 SPD matrix); the
    closed form w(t) = Q (I - e^{-Λt}) Λ^{-1} Q^T y is checked and its limit is K^{-1} y.
The limit A^T K^{-1} y solves Az = y and is the minimum-norm solution: for z = x_∞ + k with
A k = 0, ||z||^2 - ||x_∞||^2 = ||k||^2 because x_∞ ⊥ ker A.
"""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Part, Step
from dlncheck.derivations.equality import compare

t = sp.Symbol("t", nonnegative=True)
sigma = sp.Symbol("sigma", positive=True)  # |a|^2 for M = 1


def _grad_quad(A: sp.Matrix, y: sp.Matrix, x: sp.Matrix) -> sp.Matrix:
    """grad L_quad, by differentiating (3) in free variables, evaluated at x."""
    X = sp.Matrix(sp.symbols(f"X1:{A.cols + 1}", real=True))
    loss = sp.Rational(1, 2) * sum(e**2 for e in (A * X - y))  # (3)
    return sp.Matrix([sp.diff(loss, xi) for xi in X]).xreplace(dict(zip(X, x, strict=True)))


def _min_norm_checks(A: sp.Matrix, y: sp.Matrix, x_inf: sp.Matrix, kernel_basis: sp.Matrix) -> sp.Matrix:
    """A x_∞ - y, and x_∞ · k for k spanning ker A (so ||x_∞ + k||^2 = ||x_∞||^2 + ||k||^2)."""
    return sp.Matrix([*(A * x_inf - y), *(kernel_basis.T * x_inf)])


def gradient_flow_one_row() -> Derivation:
    """M = 1, N = 3: closed-form flow, its limit, and the minimum-norm property."""
    a = sp.Matrix(1, 3, sp.symbols("a1:4", real=True))
    y = sp.Matrix([sp.Symbol("y", real=True)])
    norm2 = (a * a.T)[0]
    w = (1 - sp.exp(-sigma * t)) * y[0] / sigma
    x = a.T * w
    ode = (sp.diff(x, t) + _grad_quad(a, y, x)).xreplace({sigma: norm2})  # x' + grad L_quad(x) = 0?
    x0 = x.xreplace({t: 0})
    x_inf = x.applyfunc(lambda e: sp.limit(e, t, sp.oo))
    kernel = sp.Matrix.hstack(*a.nullspace())
    derived = sp.Matrix([*ode, *x0, *_min_norm_checks(a, y, x_inf.xreplace({sigma: norm2}), kernel)])
    cmp = compare(derived, sp.zeros(derived.rows, 1))
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, sp.zeros(derived.rows, 1))],
        title="L_quad gradient flow from 0, M = 1, N = 3: limit a^T y/|a|^2 = argmin_{az=y} ||z||_2",
        steps=(
            Step("x(t) = a^T (1 - e^{-σt}) y/σ, σ = |a|^2", x),
            Step("x' + grad L_quad(x) (should vanish), x(0)", sp.Matrix([*ode, *x0])),
            Step("limit t -> oo (σ > 0)", x_inf),
            Step(
                "a x_∞ - y and x_∞ · k for k in ker a",
                _min_norm_checks(a, y, x_inf.xreplace({sigma: norm2}), kernel),
            ),
        ),
        assumptions="a != 0 (S nonempty for every y), M = 1, N = 3",
        instance=None,
    )


def gradient_descent_one_row() -> Derivation:
    """M = 1: x_k = a^T (1 - (1 - ησ)^k) y/σ; converges iff |1 - ησ| < 1, i.e. 0 < η < 2/||A||^2."""
    a = sp.Matrix(1, 3, sp.symbols("a1:4", real=True))
    y = sp.Matrix([sp.Symbol("y", real=True)])
    eta = sp.Symbol("eta", positive=True)
    kk = sp.Symbol("k", integer=True, nonnegative=True)
    norm2 = (a * a.T)[0]
    rho = sp.Symbol("rho", real=True)  # 1 - η σ

    def x_at(step):
        return a.T * (1 - rho**step) * y[0] / sigma

    recursion = x_at(kk + 1) - (x_at(kk) - eta * _grad_quad(a, y, x_at(kk)))
    recursion = recursion.xreplace({rho: 1 - eta * sigma}).xreplace({sigma: norm2}).applyfunc(sp.expand)
    contraction = sp.solve_univariate_inequality(sp.Abs(1 - eta * sigma) < 1, eta, relational=False)
    derived = sp.Matrix([*recursion, *x_at(0).xreplace({rho: 1 - eta * sigma})])
    cmp = compare(derived, sp.zeros(derived.rows, 1))
    interval_ok = contraction == sp.Interval.open(0, 2 / sigma)
    return Derivation.from_parts(
        [Part.of("derived against 0", cmp, derived, sp.zeros(derived.rows, 1))],
        title="L_quad gradient descent from 0, M = 1: closed form, and convergence iff 0 < η < 2/||A||^2",
        steps=(
            Step("x_k = a^T (1 - ρ^k) y/σ, ρ = 1 - ησ", x_at(kk)),
            Step("x_{k+1} - (x_k - η grad L_quad(x_k)) and x_0", derived),
            Step("{η > 0 : |1 - ησ| < 1} (then ρ^k -> 0 and x_k -> a^T y/σ, the flow's limit)", contraction),
        ),
        assumptions="M = 1, N = 3, σ = |a|^2 = ||A||^2 > 0",
        notes=() if interval_ok else [f"step-size set came out as {contraction}"],
        decided=interval_ok,
        instance=None,
    )


def gradient_flow_two_rows() -> Derivation:
    """M = 2, N = 3, full row rank: A A^T = Q diag(κ) Q^T; closed-form flow and its limit A^T K^{-1} y.

    In eigen-coordinates ω = Q^T w (Q orthogonal, checked) the system w' = y - K w decouples
    into ω_i' = η_i - κ_i ω_i with η = Q^T y, solved by ω_i = (1 - e^{-κ_i t}) η_i / κ_i.
    """
    theta = sp.Symbol("theta", real=True)
    k1, k2 = sp.symbols("kappa1 kappa2", positive=True)
    eta = sp.Matrix(sp.symbols("eta1:3", real=True))  # Q^T y
    Q = sp.Matrix([[sp.cos(theta), -sp.sin(theta)], [sp.sin(theta), sp.cos(theta)]])
    Lam = sp.diag(k1, k2)
    orthogonal = (Q.T * Q - sp.eye(2)).applyfunc(sp.trigsimp)
    omega = sp.Matrix([(1 - sp.exp(-k * t)) * e / k for k, e in zip((k1, k2), eta, strict=True)])
    # x = A^T w gives x' + grad L_quad(x) = A^T (w' - (y - K w)); with K = Q Λ Q^T, Q^T Q = I and
    # w = Q ω, y = Q η this is A^T Q (ω' - (η - Λ ω))
    ode = (sp.diff(omega, t) - (eta - Lam * omega)).applyfunc(sp.expand)
    omega_inf = omega.applyfunc(lambda e: sp.limit(e, t, sp.oo))
    K = Q * Lam * Q.T
    w_inf = Q * omega_inf
    solves = (K * w_inf - Q * eta).applyfunc(lambda e: sp.trigsimp(sp.expand(e)))  # K w_∞ = y
    derived = sp.Matrix([*orthogonal, *ode, *omega.xreplace({t: 0}), *solves])
    cmp = compare(derived, sp.zeros(derived.rows, 1))
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, sp.zeros(derived.rows, 1))],
        title="L_quad gradient flow from 0, M = 2 (full row rank): x(t) = A^T w(t) -> A^T (A A^T)^{-1} y",
        steps=(
            Step("x = A^T w: x' + grad L_quad(x) = A^T (w' - y + A A^T w); K = A A^T = Q diag(κ) Q^T", K),
            Step("Q^T Q - I", orthogonal),
            Step("ω = Q^T w: ω(t) = (I - e^{-Λt}) Λ^{-1} η, η = Q^T y", omega),
            Step(
                "ω' - (η - Λω), ω(0), K w_∞ - y with w_∞ = Q lim ω",
                sp.Matrix([*ode, *omega.xreplace({t: 0}), *solves]),
            ),
            Step(
                "x_∞ = A^T K^{-1} y lies in range(A^T) = (ker A)^⊥ and solves Az = y: "
                "the minimum-norm solution"
            ),
        ),
        assumptions="M = 2, rank A = 2 (K positive definite: κ1, κ2 > 0, any rotation θ)",
        instance=None,
    )


def spectral_coordinates_any_rank() -> Derivation:
    """Any M, any rank: in an orthonormal eigenbasis of K = A A^T the flow and descent decouple.

    With x = A^T w, w = Q ω, y = Q η (Q orthogonal, K = Q Λ Q^T by the spectral theorem), each
    coordinate solves ω' = η - κ ω (flow) or ω_{k+1} = ω_k + h(η - κ ω_k) (descent, step h), ω(0) = 0.
    κ > 0: ω -> η/κ; descent converges iff 0 < h < 2/κ, for all κ iff h < 2/κ_max = 2/||A||^2.
    κ = 0: y ∈ range(A) ⊥ ker(A^T) = ker(K) forces η = 0, and ω stays 0.
    The limit x_∞ = A^T w_∞ lies in range(A^T) = (ker A)^⊥ and solves A x = y (K w_∞ = y), so
    ||x_∞ + k||^2 = ||x_∞||^2 + ||k||^2 for A k = 0: x_∞ is the minimum-norm solution.
    """
    kappa, h = sp.symbols("kappa h", positive=True)
    eta = sp.Symbol("eta", real=True)
    kk = sp.Symbol("k", integer=True, nonnegative=True)
    omega = (1 - sp.exp(-kappa * t)) * eta / kappa
    flow_ode = sp.expand(sp.diff(omega, t) - (eta - kappa * omega))
    flow_limit = sp.limit(omega, t, sp.oo)
    rho = sp.Symbol("rho", real=True)  # 1 - h κ

    def omega_k(step):
        return (1 - rho**step) * eta / kappa

    recursion = sp.expand(
        (omega_k(kk + 1) - (omega_k(kk) + h * (eta - kappa * omega_k(kk)))).xreplace({rho: 1 - h * kappa})
    )
    steps_converging = sp.solve_univariate_inequality(sp.Abs(1 - h * kappa) < 1, h, relational=False)
    zero_mode = sp.Integer(0)  # κ = 0, η = 0: ω' = η - 0 ω = 0 and ω(0) = 0
    derived = sp.Matrix(
        [flow_ode, omega.xreplace({t: 0}), kappa * flow_limit - eta, recursion, omega_k(0), zero_mode]
    )
    cmp = compare(derived, sp.zeros(derived.rows, 1))
    interval_ok = steps_converging == sp.Interval.open(0, 2 / kappa)
    return Derivation.from_parts(
        [Part.of("derived against 0", cmp, derived, sp.zeros(derived.rows, 1))],
        title="L_quad flow and descent from 0 for any A (M, rank arbitrary), coordinate by eigen-coordinate",
        steps=(
            Step("flow coordinate ω(t) = (1 - e^{-κt}) η/κ: ω' - (η - κω), ω(0)", sp.Matrix([flow_ode, 0])),
            Step("limit: κ ω_∞ - η", kappa * flow_limit - eta),
            Step("descent coordinate ω_k = (1 - (1 - hκ)^k) η/κ: recursion residual", recursion),
            Step("{h > 0 : |1 - hκ| < 1}; over all eigenvalues: h < 2/κ_max = 2/||A||^2", steps_converging),
            Step("κ = 0: y in range(A) ⊥ ker(A A^T) gives η = 0, so ω stays 0"),
            Step("x_∞ = A^T w_∞ ∈ (ker A)^⊥ solves A x = y: the minimum-norm solution"),
        ),
        assumptions="spectral theorem for A A^T; S nonempty (y in range A)",
        notes=() if interval_ok else [f"step-size set came out as {steps_converging}"],
        decided=interval_ok,
        instance=None,
    )
