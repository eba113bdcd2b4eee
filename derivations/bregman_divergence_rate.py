"""How D_F(z, x̃(t)) changes along the gradient flows of "More is Less".

mil (18):                 grad L(x) = L [A^T (A x^{⊙L} - y)] ⊙ x^{⊙(L-1)},  L of (6)
mil, start of Section 2:  the flow (15) preserves the sign of every entry
mil, proof of Lemma 2.6:  d/dt grad F(x̃) = H_F(x̃) x̃' = (1/L) x̃^{⊙(-2+2/L)} ⊙ x̃' = -L A^T (A x̃ - y)
mil (22), Lemma 2.6:      d/dt D_F(z, x̃(t)) = -2L · L(x̃^{⊙1/L}) = -L ||A x̃ - y||^2,  z in S+
mil, proof of Thm 3.1:    (1/L) d/dt D_{F^±}((z+, z-), (ũ, ṽ)) = -||A(ũ - ṽ) - y||^2
                                                             = -2 L^±(ũ^{⊙1/L}, ṽ^{⊙1/L})

Nothing printed is used to build the flows: the velocity is -grad of the loss (6) or (7),
differentiated by SymPy, and time derivatives are taken by the chain rule
d/dt G(x(t)) = <grad_x G, x'>.  Data: A is 2 x 3 (2 x 2 for the rates) with symbolic entries, y symbolic; the
constraint z in S+ (or S±) is imposed by substituting y = A z.  Depth: L = 2 or symbolic
L = 2 + delta; (18) with a positive symbol L.
"""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations.bregman_divergence import bregman_divergence, divergence_of_potential
from dlncheck.derivations.bregman_potentials import case, coordinates, gradient, hessian_printed, potential
from dlncheck.derivations.derivation import Derivation, Outcome, Part, Step
from dlncheck.derivations.equality import Comparison, compare
from dlncheck.derivations.factorized_gradients import half_squared_residual, symbolic_data

N = 3
# The rates expand squared residuals with symbolic exponents; N = 2 (A 2 x 2) keeps each claim
# within the time budget.  Nothing in the identities depends on N: they are sums over n and
# inner products.
N_RATE = 2


def hadamard_power(x: sp.Matrix, exponent) -> sp.Matrix:
    return x.applyfunc(lambda e: e**exponent)


def reduced_loss(depth, x: sp.Matrix, A: sp.Matrix, y: sp.Matrix) -> sp.Expr:
    """mil (6): L(x) = 1/2 ||A x^{⊙L} - y||^2."""
    return half_squared_residual(A, y, hadamard_power(x, depth))


def signed_loss(depth, u: sp.Matrix, v: sp.Matrix, A: sp.Matrix, y: sp.Matrix) -> sp.Expr:
    """mil (7): L^±(u, v) = 1/2 ||A(u^{⊙L} - v^{⊙L}) - y||^2."""
    return half_squared_residual(A, y, hadamard_power(u, depth) - hadamard_power(v, depth))


def flow_velocity(loss: sp.Expr, x: sp.Matrix) -> sp.Matrix:
    """x' = -grad loss (mil (15), (35))."""
    return -gradient(loss, x)


def time_derivative(expr: sp.Expr, x: sp.Matrix, velocity: sp.Matrix) -> sp.Expr:
    """d/dt expr(x(t)) = <grad_x expr, x'> (chain rule)."""
    return sum(sp.diff(expr, xi) * vi for xi, vi in zip(x, velocity, strict=True))


def collect_powers(expr: sp.Expr) -> sp.Expr:
    """Expand, merge powers of one base, expand every exponent: x^{(2+d)(-2+2/(2+d))} -> x^{-2-2d}."""
    merged = sp.powsimp(sp.expand(expr), force=True)
    return sp.expand(
        merged.replace(lambda a: a.is_Pow, lambda a: sp.Pow(a.base, sp.expand(sp.cancel(a.exp))))
    )


def _compare_with_printed_chain(derived, printed, middle, last) -> Comparison:
    """derived against printed, and the two printed forms of the last line against each other."""
    cmp = compare(derived, printed)
    inner = compare(middle, last)
    if inner.outcome == Outcome.AGREES or cmp.outcome != Outcome.AGREES:
        return cmp
    return Comparison(inner.outcome, inner.residual, "the two printed forms: " + inner.method)


def _squared_norm(r: sp.Matrix) -> sp.Expr:
    return sum(ri**2 for ri in r)


# ----------------------------------------------------------------------------- (18)


def reduced_gradient() -> Derivation:
    """mil (18): the gradient of (6), with symbolic depth L."""
    A, y = symbolic_data(2, N)
    x = coordinates("x", N)
    L = sp.Symbol("L", positive=True)
    loss = reduced_loss(L, x, A, y)
    derived = gradient(loss, x)
    printed = L * (A.T * (A * hadamard_power(x, L) - y)).multiply_elementwise(hadamard_power(x, L - 1))
    cmp = compare(derived, printed)
    steps = (
        Step("mil (6): L(x) = 1/2 ||A x^{⊙L} - y||^2, L symbolic", loss),
        Step("grad L(x), by SymPy", derived),
        Step("mil (18) typed in: L [A^T (A x^{⊙L} - y)] ⊙ x^{⊙(L-1)}", printed),
        Step(
            "(18) is the gradient of (6), so (15) and (18) are the same flow; the factor flow of (4) at "
            "identical factors moves with -(1/L) grad L (Lemma A.2 finding), i.e. (15) runs L times faster"
        ),
    )
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="(18): gradient of the reduced loss (6) (symbolic L)",
        steps=steps,
        assumptions="x > 0, L > 0 symbolic; A 2 x 3, y symbolic",
        instance=None,
    )


# ----------------------------------------------------------------------------- sign preservation


def sign_preservation(depth) -> Derivation:
    """Start of Section 2 / proof of Lemma 2.6: the flow (15) keeps every entry's sign.

    The velocity of x_1 is x_1^{L-1} times a function c(x) with no singularity at x_1 = 0; so
    it vanishes on {x_1 = 0}, and log x_1 (L = 2) or x_1^{2-L} (L > 2) moves with a rate that
    is finite along any solution on a bounded time interval: x_1 cannot reach 0 in finite time.
    """
    A, y = symbolic_data(2, N)
    x = coordinates("x", N)
    loss = reduced_loss(depth, x, A, y)
    velocity = flow_velocity(loss, x)
    x1 = x[0]
    c = -depth * (A.T * (A * hadamard_power(x, depth) - y))[0]  # x1' / x1^{L-1}, from (18)'s shape
    transform = sp.log(x1) if depth == 2 else x1 ** (2 - depth)
    transform_rate = sp.simplify(sp.powsimp(sp.expand(sp.diff(transform, x1) * velocity[0]), force=True))
    printed_rate = c if depth == 2 else (2 - depth) * c
    ratio = sp.expand(sp.powsimp(sp.expand(velocity[0] / x1 ** (depth - 1)), force=True))
    c_at_face = ratio.subs(x1, 0)
    regular = not c_at_face.has(sp.zoo, sp.oo, -sp.oo, sp.nan)
    derived = sp.Matrix([ratio, transform_rate])
    printed = sp.Matrix([c, printed_rate])
    cmp = compare(derived, printed)
    steps = (
        Step("x' = -grad L(x) of (6), by SymPy; first coordinate", velocity[0]),
        Step("x_1' / x_1^{L-1}: the printed shape -L [A^T (A x^{⊙L} - y)]_1 of (18)", ratio),
        Step(f"its value on the face x_1 = 0 (finite: {regular}); L - 1 > 0, so x_1' -> 0 there", c_at_face),
        Step(f"d/dt {sp.sstr(transform)} along the flow", transform_rate),
        Step(
            "the rate is a function of x with no singularity at x_1 = 0; along a solution on [0, T] it "
            "is bounded, so the transform stays finite and x_1(t) > 0 for all t when x_1(0) > 0: the "
            "sign is preserved, the face {x_1 = 0} is invariant (velocity 0 there, uniqueness), and "
            "x(t) >= 0 (indeed > 0) for x_0 > 0"
        ),
    )
    if not regular and cmp.outcome == Outcome.AGREES:
        cmp = Comparison(Outcome.INCONCLUSIVE, cmp.residual, "x_1'/x_1^{L-1} is singular at x_1 = 0")
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title=f"the flow (15) preserves the sign of each entry ({case(depth)})",
        steps=steps,
        assumptions=f"x > 0 (x_1 -> 0 as a limit); A 2 x 3, y symbolic; {case(depth)}",
        instance=None,
    )


# ----------------------------------------------------------------------------- Lemma 2.6


def _positive_flow(depth, n: int = N):
    A, y = symbolic_data(2, n)
    x = coordinates("x", n)
    velocity = flow_velocity(reduced_loss(depth, x, A, y), x)  # mil (15)
    x_tilde = hadamard_power(x, depth)
    return A, y, x, velocity, x_tilde


def mirror_flow_form(depth) -> Derivation:
    """The display in the proof of Lemma 2.6: d/dt grad F(x̃(t)) = -L A^T (A x̃ - y)."""
    A, y, x, velocity, x_tilde = _positive_flow(depth)
    q = coordinates("q", N)
    grad_F = gradient(potential(depth, q), q).xreplace(dict(zip(q, x_tilde, strict=True)))
    chain_rule = sp.Matrix([time_derivative(g, x, velocity) for g in grad_F])
    x_tilde_dot = sp.Matrix([time_derivative(e, x, velocity) for e in x_tilde])
    hessian_form = hessian_printed(depth, q).xreplace(dict(zip(q, x_tilde, strict=True))) * x_tilde_dot
    # x̃^{-2+2/L} x̃' collects into one power of x only after expansion
    hessian_form = hessian_form.applyfunc(collect_powers)
    final = -depth * A.T * (A * x_tilde - y)
    derived = sp.Matrix.hstack(chain_rule, hessian_form)
    printed = sp.Matrix.hstack(final, final)
    cmp = compare(derived, printed)
    steps = (
        Step("grad F(x̃) with x̃ = x^{⊙L}, F of (21)", grad_F),
        Step("x̃' by the chain rule along x' = -grad L(x)", x_tilde_dot),
        Step("d/dt grad F(x̃(t)) by the chain rule: derived column 1"),
        Step("printed middle form (1/L) x̃^{⊙(-2+2/L)} ⊙ x̃': derived column 2"),
        Step("printed final form -L A^T (A x̃ - y): both columns of printed"),
    )
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title=f"mirror-flow form of (15) ({case(depth)})",
        steps=steps,
        assumptions=f"x > 0; A 2 x 3, y symbolic; {case(depth)}",
        instance=None,
    )


def divergence_rate(depth) -> Derivation:
    """Lemma 2.6, (22): the rate of D_F(z, x̃(t)) along (15), for z in S+ (y = A z)."""
    A, y, x, velocity, x_tilde = _positive_flow(depth, N_RATE)
    z = coordinates("z", N_RATE, nonnegative=True)
    divergence = divergence_of_potential(depth, z, x_tilde)
    rate = time_derivative(divergence, x, velocity)
    r = A * x_tilde - y
    on_solutions = {yi: ei for yi, ei in zip(y, A * z, strict=True)}  # z in S+: y = A z
    rate_on_solutions = rate.xreplace(on_solutions)
    last_line = -depth * _squared_norm(r).xreplace(on_solutions)
    # -2L · L(x̃^{⊙1/L}): the argument of L of (6) is x̃^{⊙1/L}, as the proof's last line reads it
    loss_at_root = reduced_loss(depth, hadamard_power(x_tilde, 1 / sp.sympify(depth)), A, y)
    printed_22 = (-2 * depth * loss_at_root).xreplace(on_solutions)
    inner_line = depth * ((A.T * r).T * (z - x_tilde))[0]  # "Therefore" line, before using A z = y
    derived = sp.Matrix([rate, rate_on_solutions])
    printed = sp.Matrix([inner_line, printed_22])
    cmp = _compare_with_printed_chain(derived, printed, last_line, printed_22)
    # the large expressions are in derived/printed; the steps name them (serializing twice is slow)
    steps = (
        Step(
            "D_F(z, x̃) from (20), (21), x̃ = x^{⊙L}; d/dt along x' = -grad L(x) by the chain rule: derived[0]"
        ),
        Step("printed: L <A^T (A x̃ - y), z - x̃>: printed[0]"),
        Step("with y = A z (z in S+): derived[1]; printed (22) -2L · L(x̃^{⊙1/L}): printed[1]"),
        Step("printed -L ||A x̃ - y||^2 (= (22), checked)", last_line),
        Step(
            "(22) prints L(x̃(t))^{⊙1/L}; read literally (a power of the scalar L(x̃)) it is not the "
            "rate; the proof's last line fixes the meaning L(x̃^{⊙1/L}) = 1/2 ||A x̃ - y||^2, used here"
        ),
        Step(
            "the rate does not depend on z in S+; along the factor flow of (4) (time t/L, Lemma A.2 "
            "finding) it is -||A x̃ - y||^2, without the factor L"
        ),
    )
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title=f"Lemma 2.6: rate of D_F(z, x̃(t)) ({case(depth)})",
        steps=steps,
        assumptions=f"x > 0, z >= 0 with A z = y; A 2 x 2 symbolic; {case(depth)}",
        instance=None,
    )


# ----------------------------------------------------------------------------- Theorem 3.1


def signed_divergence_rate(depth) -> Derivation:
    """Proof of Theorem 3.1: (1/L) d/dt D_{F^±} along (35), for (z+, z-) in S± (y = A(z+ - z-))."""
    n = N_RATE
    A, y = symbolic_data(2, n)
    u, v = coordinates("u", n), coordinates("v", n)
    zp, zm = coordinates("zp", n, nonnegative=True), coordinates("zm", n, nonnegative=True)
    loss = signed_loss(depth, u, v, A, y)  # mil (7)
    uv = sp.Matrix.vstack(u, v)
    velocity = flow_velocity(loss, uv)  # mil (35)
    u_t, v_t = hadamard_power(u, depth), hadamard_power(v, depth)

    def F_pm(w: sp.Matrix) -> sp.Expr:  # mil (34)
        return potential(depth, w[:n, :]) + potential(depth, w[n:, :])

    divergence = bregman_divergence(F_pm, sp.Matrix.vstack(zp, zm), sp.Matrix.vstack(u_t, v_t))
    rate = time_derivative(divergence, uv, velocity)
    r = A * (u_t - v_t) - y
    first_line = ((A.T * r).T * (zp - u_t))[0] - ((A.T * r).T * (zm - v_t))[0]
    on_solutions = {yi: ei for yi, ei in zip(y, A * (zp - zm), strict=True)}  # (z+, z-) in S±
    rate_on_solutions = rate.xreplace(on_solutions)
    norm_line = -_squared_norm(r).xreplace(on_solutions)
    loss_line = (
        -2
        * signed_loss(
            depth,
            hadamard_power(u_t, 1 / sp.sympify(depth)),
            hadamard_power(v_t, 1 / sp.sympify(depth)),
            A,
            y,
        )
    ).xreplace(on_solutions)
    derived = sp.Matrix([rate, rate_on_solutions])
    printed = depth * sp.Matrix([first_line, loss_line])
    cmp = _compare_with_printed_chain(derived, printed, norm_line, loss_line)
    steps = (
        Step(
            "D_{F^±}((z+, z-), (ũ, ṽ)) from (20), (34); d/dt along u' = -grad_u L^±, "
            "v' = -grad_v L^± of (7): derived[0]"
        ),
        Step("L times the printed first line <A^T r, z+ - ũ> - <A^T r, z- - ṽ>: printed[0]"),
        Step("with y = A(z+ - z-): derived[1]; L times -2 L^±(ũ^{⊙1/L}, ṽ^{⊙1/L}): printed[1]"),
        Step("printed -||A(ũ - ṽ) - y||^2 (= -2 L^±(...), checked)", norm_line),
        Step("compared as d/dt D = L x (printed): expand then decides without rational functions of delta"),
    )
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title=f"Theorem 3.1: rate of D_(F^±) ({case(depth)})",
        steps=steps,
        assumptions=f"u, v > 0, z+, z- >= 0 with A(z+ - z-) = y; A 2 x 2 symbolic; {case(depth)}",
        instance=None,
    )
