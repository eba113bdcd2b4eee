"""Homogeneity, tangent kernels and the saddle at 0 of the models of "Kernel and Rich Regimes".

krr Sec. 2:  F(c w) = c^D F(w) for c > 0 (D-homogeneous); L(w) = sum_n (f(w, x_n) - y_n)^2
krr Sec. 3:  K_w(x, x') = <grad_w f(w, x), grad_w f(w, x')>,  K_{alpha w0} = alpha^{2(D-1)} K_{w0}
krr (3):     f(w, x) = <w_+^2 - w_-^2, x>;  Sec. 4: K_{w(0)} = 8 alpha^2 <x, x'> for w0 = 1
krr (10):    f_D(w, x) = <w_+^D - w_-^D, x>;  the u o v model of Appendix C; UV^T of Sec. 6

d = 2 features with symbolic entries; depth D is a symbol.
"""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Outcome, Part, Step
from dlncheck.derivations.equality import compare

c = sp.Symbol("c", positive=True)
alpha = sp.Symbol("alpha", positive=True)
D = sp.Symbol("D", integer=True, positive=True)
DIMENSION = 2


def vec(name: str, d: int = DIMENSION, **assumptions) -> sp.Matrix:
    assumptions = assumptions or {"real": True}
    return sp.Matrix(d, 1, lambda i, _: sp.Symbol(f"{name}_{i + 1}", **assumptions))


def mat(name: str, rows: int, cols: int) -> sp.Matrix:
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i + 1}{j + 1}", real=True))


def _pow(v: sp.Matrix, k) -> sp.Matrix:
    return v.applyfunc(lambda e: e**k)


def models(depth=D) -> dict[str, tuple[sp.Expr, list[sp.Symbol], object]]:
    """name -> (f(w, x), the parameters w, the homogeneity degree), each at a symbolic x."""
    x = vec("x")
    wp, wm = vec("wp", positive=True), vec("wm", positive=True)
    u, v = vec("u"), vec("v")
    U, V, X = mat("U", 2, 2), mat("V", 2, 2), mat("X", 2, 2)
    return {
        "krr (3)": ((_pow(wp, 2) - _pow(wm, 2)).dot(x), list(wp) + list(wm), 2),
        "krr (10)": ((_pow(wp, depth) - _pow(wm, depth)).dot(x), list(wp) + list(wm), depth),
        "u o v (App. C)": (sum(u[i] * v[i] * x[i] for i in range(DIMENSION)), list(u) + list(v), 2),
        "<U V^T, X> (Sec. 6)": (
            sum((U * V.T)[i, j] * X[i, j] for i in range(2) for j in range(2)),
            list(U) + list(V),
            2,
        ),
    }


def homogeneity() -> Derivation:
    """krr Sec. 2: F(c w) = c^D F(w) for each model of the paper (D symbolic for (10))."""
    parts, steps, derived, printed = [], [], [], []
    for name, (f, params, degree) in models().items():
        scaled = f.xreplace({p: c * p for p in params})
        expanded = sp.powsimp(sp.expand(scaled, power_base=True, force=True), force=True)
        parts.append(Part.of(name, compare(expanded, c**degree * f), expanded, c**degree * f))
        steps.append(Step(f"{name}: f(c w, x) against c^{degree} f(w, x)", scaled))
        derived.append(scaled)
        printed.append(c**degree * f)
    return Derivation.from_parts(
        parts,
        title="D-homogeneity of the models (3), (10), u o v and UV^T",
        assumptions="c > 0; w_+, w_- > 0 for (10) (the flow keeps them positive); d = 2",
        steps=steps,
        derived=sp.Matrix(derived),
        printed=sp.Matrix(printed),
    )


def flow_time_scale() -> Derivation:
    """krr's L (no 1/2) against mil's 1/2 ||A x - y||^2: grad L_krr = 2 grad L_mil (time t -> 2t)."""
    X, y = mat("X", 2, 2), vec("y")
    wp, wm = vec("wp"), vec("wm")
    beta = _pow(wp, 2) - _pow(wm, 2)
    r = X * beta - y
    krr_loss = sum(e**2 for e in r)  # krr Sec. 2
    mil_loss = sp.Rational(1, 2) * sum(e**2 for e in r)  # mil (7) with L = 2, u = w_+, v = w_-
    w = list(wp) + list(wm)
    derived = sp.Matrix([sp.diff(krr_loss, p) for p in w])
    printed = sp.Matrix([2 * sp.diff(mil_loss, p) for p in w])
    cmp = compare(derived, printed)
    steps = (
        Step("krr: L(w) = sum_n (<w_+^2 - w_-^2, x_n> - y_n)^2", krr_loss),
        Step("mil (7), L = 2, A = X, u = w_+, v = w_-: 1/2 ||A(u^2 - v^2) - y||^2", mil_loss),
        Step("grad L_krr = 2 grad L_mil: krr's flow at time t is mil's flow at time 2t"),
    )
    return Derivation.from_parts(
        [Part.of("gradients", cmp, derived, printed)],
        title="krr (3) is mil (7) with L = 2: L_krr = 2 L_mil",
        assumptions="N = 2, d = 2 symbolic",
        steps=steps,
    )


def model3_linear_predictor() -> Derivation:
    """krr (3): f(w, x) = <beta_w, x>, and F(alpha w0) = 0 at w_+(0) = w_-(0) = alpha w0."""
    x, wp, wm, w0 = vec("x"), vec("wp"), vec("wm"), vec("w0")
    f = sum((wp[i] ** 2 - wm[i] ** 2) * x[i] for i in range(DIMENSION))  # krr (3), the sum
    beta = _pow(wp, 2) - _pow(wm, 2)
    inner = compare(f, beta.dot(x))
    at_init = f.subs({**{wp[i]: alpha * w0[i] for i in range(2)}, **{wm[i]: alpha * w0[i] for i in range(2)}})
    unbiased = compare(at_init, 0)
    return Derivation.from_parts(
        [Part.of("inner product", inner, f, beta.dot(x)), Part.of("F(alpha w0) = 0", unbiased, at_init)],
        title="krr (3): f(w, x) = <w_+^2 - w_-^2, x>, zero at the initialization",
        assumptions="d = 2",
        steps=(Step("krr (3), the sum", f), Step("<beta_w, x>", beta.dot(x))),
        derived=f,
        printed=beta.dot(x),
    )


def kernel(f: sp.Expr, params, x: sp.Matrix, x2: sp.Matrix) -> sp.Expr:
    """K_w(x, x') = <grad_w f(w, x), grad_w f(w, x')> (krr Sec. 3)."""
    g1 = sp.Matrix([sp.diff(f, p) for p in params])
    g2 = g1.xreplace(dict(zip(x, x2, strict=True)))
    return g1.dot(g2)


def kernel_scaling() -> Derivation:
    """krr Sec. 3: K_{alpha w0} = alpha^{2(D-1)} K_{w0}, for each model (symbolic D for (10))."""
    x = vec("x")
    x2 = vec("xp")
    parts, steps, derived, printed = [], [], [], []
    for name, (f, params, degree) in models().items():
        if name.startswith("<U"):
            X2 = mat("Xp", 2, 2)
            X = mat("X", 2, 2)
            g1 = sp.Matrix([sp.diff(f, p) for p in params])
            g2 = g1.xreplace(dict(zip(list(X), list(X2), strict=True)))
            K = g1.dot(g2)
        else:
            K = kernel(f, params, x, x2)
        w0 = {p: sp.Symbol(f"{p.name}0", positive=True) for p in params}
        at_w0 = K.xreplace(w0)
        at_alpha_w0 = K.xreplace({p: alpha * v for p, v in w0.items()})
        lhs = sp.powsimp(sp.expand(at_alpha_w0, power_base=True, force=True), force=True)
        rhs = alpha ** (2 * (degree - 1)) * at_w0
        parts.append(Part.of(name, compare(lhs, rhs), lhs, rhs))
        steps.append(Step(f"{name}: K at alpha w0", at_alpha_w0))
        derived.append(lhs)
        printed.append(rhs)
    steps.append(
        Step(
            "in general: differentiating F(c w) = c^D F(w) in w gives c grad F(c w) = c^D grad F(w), so the "
            "features are (D-1)-homogeneous and K is 2(D-1)-homogeneous"
        )
    )
    return Derivation.from_parts(
        parts,
        title="K_{alpha w0} = alpha^{2(D-1)} K_{w0} for the models (3), (10), u o v, UV^T",
        assumptions="alpha > 0, w0 > 0 entrywise (for the symbolic powers of (10)); d = 2",
        steps=steps,
        derived=sp.Matrix(derived),
        printed=sp.Matrix(printed),
    )


def kernel_at_uniform_init() -> Derivation:
    """krr Sec. 4: K_{w(0)}(x, x') = 8 alpha^2 <x, x'> for model (3) with w0 = 1."""
    d = 3
    x = vec("x", d)
    x2 = vec("xp", d)
    wp, wm = vec("wp", d), vec("wm", d)
    f = (_pow(wp, 2) - _pow(wm, 2)).dot(x)
    K = kernel(f, list(wp) + list(wm), x, x2)
    at_init = K.xreplace({p: alpha for p in list(wp) + list(wm)})
    printed = 8 * alpha**2 * x.dot(x2)  # krr Sec. 4
    cmp = compare(at_init, printed)
    steps = (
        Step("K_w(x, x') for model (3), d = 3", K),
        Step("at w_+ = w_- = alpha 1", at_init),
        Step("printed: 8 alpha^2 <x, x'>", printed),
        Step(
            "a kernel c <x, x'> has RKHS norm ||beta||_2 / sqrt(c) for the predictor <beta, .>, "
            "so the kernel "
            "regime minimizes ||beta||_2 subject to X beta = y"
        ),
    )
    return Derivation.from_parts(
        [Part.of("kernel", cmp, at_init, printed)],
        title="the tangent kernel of model (3) at w0 = 1",
        assumptions="d = 3 symbolic",
        steps=steps,
    )


def saddle_at_zero() -> Derivation:
    """krr Sec. 4: w = 0 is a critical point of L for model (3), with Hessian diag(-4 X^T y, 4 X^T y)."""
    X, y = mat("X", 2, 2), vec("y")
    wp, wm = vec("wp"), vec("wm")
    w = list(wp) + list(wm)
    r = X * (_pow(wp, 2) - _pow(wm, 2)) - y
    L = sum(e**2 for e in r)  # krr Sec. 2
    zero = {p: 0 for p in w}
    grad0 = sp.Matrix([sp.diff(L, p) for p in w]).xreplace(zero)
    H0 = sp.hessian(L, w).xreplace(zero)
    g = X.T * y
    expected_hessian = sp.diag(*(-4 * g), *(4 * g))
    critical = compare(grad0, sp.zeros(4, 1))
    hessian = compare(H0, expected_hessian)
    # opposite curvatures along e_{+,i} and e_{-,i}: indefinite exactly when X^T y != 0
    curvature_sums = sp.Matrix([H0[i, i] + H0[i + 2, i + 2] for i in range(2)])
    trace_pairs = compare(curvature_sums, sp.zeros(2, 1))
    steps = (
        Step("L(w) for model (3), N = 2, d = 2", L),
        Step("grad L(0)", grad0),
        Step("Hessian of L at 0", H0),
        Step(
            "= diag(-4 X^T y, 4 X^T y): eigenvalues -+4 [X^T y]_i; if X^T y != 0 some pair has "
            "opposite signs, "
            "so 0 is a saddle (not a local minimum)",
            expected_hessian,
        ),
    )
    return Derivation.from_parts(
        [
            Part.of("critical point", critical, grad0, sp.zeros(4, 1)),
            Part.of("Hessian", hessian, H0, expected_hessian),
            Part.of("opposite curvatures", trace_pairs, curvature_sums, sp.zeros(2, 1)),
        ],
        title="w = 0 is a saddle of L for model (3)",
        assumptions="N = 2, d = 2 symbolic",
        steps=steps,
        derived=sp.Matrix([grad0, curvature_sums]),
        printed=sp.zeros(6, 1),
    )


def escape_time_linearized() -> Derivation:
    """Near 0 the flow is w' = -H(0) w: the time to grow from alpha to eps is ln(eps/alpha)/(4 g)."""
    g = sp.Symbol("g", positive=True)  # a positive eigenvalue -H(0) direction: 4 |[X^T y]_i| = 4 g
    eps = sp.Symbol("epsilon", positive=True)
    t = sp.Symbol("t", positive=True)
    w = sp.Function("w")
    solution = sp.dsolve(sp.Eq(w(t).diff(t), 4 * g * w(t)), w(t), ics={w(0): alpha}).rhs
    escape = sp.solve(sp.Eq(solution, eps), t)[0]
    derivative = sp.diff(escape, alpha)
    text = "monotone in alpha"
    decreasing = (
        Part(
            text,
            Outcome.AGREES,
            derivative,
            sp.Integer(0),
            "SymPy decides d t_escape / d alpha < 0",
            printed=sp.Integer(0),
        )
        if (-derivative).is_positive is True
        else Part(
            text,
            Outcome.INCONCLUSIVE,
            derivative,
            derivative,
            "could not decide the sign of d t_escape / d alpha",
            printed=sp.Integer(0),
        )
    )
    steps = (
        Step("linearized flow along the unstable direction, w(0) = alpha", solution),
        Step("time to reach eps", escape),
        Step(
            "d t / d alpha = -1/(4 g alpha) < 0: smaller alpha, longer escape (linearization only)",
            derivative,
        ),
    )
    return Derivation.from_parts(
        [decreasing],
        title="escape time from the saddle, linearized flow",
        assumptions="the linearization w' = -H(0) w; g = |[X^T y]_i| > 0",
        steps=steps,
    )
