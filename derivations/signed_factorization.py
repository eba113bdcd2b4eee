"""The losses of "More is Less" and the reduction of the signed factorization (5) to (7).

mil (3)-(7): L_quad(x) = 1/2||Ax - y||^2, L_over = 1/2||A(x^(1) ⊙ ... ⊙ x^(L)) - y||^2,
    L^±_over = 1/2||A(⊙_k u^(k) - ⊙_k v^(k)) - y||^2, L(x) = 1/2||A x^{⊙L} - y||^2,
    L^±(u, v) = 1/2||A(u^{⊙L} - v^{⊙L}) - y||^2.
mil A.1, after Lemma A.2: grad_u L^± = L[A^T(A(u^L - v^L) - y)] ⊙ u^{L-1}, grad_v = -L[...] ⊙ v^{L-1},
    and gradient flow on L^±_over with identical initialization "is equivalent to" that on L^±.

Depth is symbolic: products over the factors are SymPy ``Product`` s over l = 1..L with
L = k + j (k >= 1 the differentiated factor, j >= 0), as in derivations.factorized_gradients;
the data are N = 2 columns and M = 2 rows with symbolic entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Outcome, Part, Step, witness_instance
from dlncheck.derivations.equality import compare, rational_points
from dlncheck.derivations.factorized_gradients import half_squared_residual

N_COLUMNS = 2
M_ROWS = 2

k = sp.Symbol("k", integer=True, positive=True)
j = sp.Symbol("j", integer=True, nonnegative=True)
l_ = sp.Symbol("l", integer=True)
L = sp.Symbol("L", integer=True, positive=True)
Uf, Vf, Xf = sp.IndexedBase("U"), sp.IndexedBase("V"), sp.IndexedBase("X")  # factor entries [l, n]


def _data() -> tuple[sp.Matrix, sp.Matrix]:
    A = sp.Matrix(M_ROWS, N_COLUMNS, lambda i, c: sp.Symbol(f"a_{i + 1}{c + 1}", real=True))
    y = sp.Matrix(M_ROWS, 1, lambda i, _: sp.Symbol(f"y_{i + 1}", real=True))
    return A, y


def _vector(name: str) -> sp.Matrix:
    return sp.Matrix(N_COLUMNS, 1, lambda i, _: sp.Symbol(f"{name}_{i + 1}", positive=True))


def _product(base: sp.IndexedBase, depth: sp.Expr) -> sp.Matrix:
    """⊙_{l=1}^{depth} factor l, entrywise a SymPy Product."""
    return sp.Matrix(N_COLUMNS, 1, lambda i, _: sp.Product(base[l_, i + 1], (l_, 1, depth)))


def _identical(expr, base: sp.IndexedBase, common: sp.Matrix):
    """Every factor l of ``base`` replaced by the common vector."""
    return expr.replace(
        lambda e: isinstance(e, sp.Indexed) and e.base == base, lambda e: common[int(e.indices[1]) - 1]
    )


def _power(vec: sp.Matrix, p) -> sp.Matrix:
    return vec.applyfunc(lambda e: e**p)


def signed_reduced_loss(A, y, u, v) -> sp.Expr:
    """mil (7)."""
    return half_squared_residual(A, y, _power(u, L) - _power(v, L))


# ----------------------------------------------------------------------------- (3)-(7)


def losses_reduce_at_identical_factors() -> Derivation:
    """(4) -> (6) and (5) -> (7) at identical factors (L symbolic); (4) at L = 1 is (3)."""
    A, y = _data()
    x, u, v = _vector("x"), _vector("u"), _vector("v")
    over = half_squared_residual(A, y, _product(Xf, L))  # (4)
    over_pm = half_squared_residual(A, y, _product(Uf, L) - _product(Vf, L))  # (5)
    over_at_x = _identical(over, Xf, x).doit()
    over_pm_at_uv = _identical(_identical(over_pm, Uf, u), Vf, v).doit()
    quad = half_squared_residual(A, y, x)  # (3)
    over_depth_1 = _identical(half_squared_residual(A, y, _product(Xf, 1)), Xf, x).doit()
    derived = sp.Matrix([over_at_x, over_pm_at_uv, over_depth_1])
    printed = sp.Matrix([half_squared_residual(A, y, _power(x, L)), signed_reduced_loss(A, y, u, v), quad])
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="(4) and (5) at identical factors are (6) and (7); (4) at depth 1 is (3)",
        steps=(
            Step("(4) with x̃_n = Product_{l=1}^{L} X[l, n]", over),
            Step("(5) with Products for u and v", over_pm),
            Step(
                "all factors equal (X[l, n] = x_n, U[l, n] = u_n, V[l, n] = v_n), Products evaluated", derived
            ),
            Step("(6), (7) and (3) as printed", printed),
        ),
        assumptions="L symbolic positive integer; x, u, v > 0; N = 2, M = 2 with symbolic A, y",
        instance=None,
    )


# ----------------------------------------------------------------------------- gradients of (7)


def signed_partial_gradients() -> Derivation:
    """The partial gradients of L^± printed in A.1, by differentiating (7) with L symbolic."""
    A, y = _data()
    u, v = _vector("u"), _vector("v")
    loss = signed_reduced_loss(A, y, u, v)
    derived = sp.Matrix.vstack(
        sp.Matrix([sp.diff(loss, e) for e in u]), sp.Matrix([sp.diff(loss, e) for e in v])
    )
    back = A.T * (A * (_power(u, L) - _power(v, L)) - y)
    printed = sp.Matrix.vstack(
        L * back.multiply_elementwise(_power(u, L - 1)), -L * back.multiply_elementwise(_power(v, L - 1))
    )
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="A.1: grad_u L^± and grad_v L^± (L symbolic)",
        steps=(Step("(7)", loss), Step("gradients by differentiation", derived), Step("printed", printed)),
        assumptions="L symbolic; u, v > 0; N = 2, M = 2",
        instance=None,
    )


# ----------------------------------------------------------------------------- factor flow of (5)


@dataclass(frozen=True)
class SignedFactorVelocity:
    """-grad of (5) with respect to factor k of u and of v, at identical factors u, v."""

    velocity: sp.Matrix  # (u-block; v-block)
    A: sp.Matrix
    y: sp.Matrix
    u: sp.Matrix
    v: sp.Matrix


@cache  # shared by the balancedness and the reduced-dynamics derivations
def signed_factor_velocity() -> SignedFactorVelocity:
    A, y = _data()
    u, v = _vector("u"), _vector("v")
    depth = k + j  # covers every 1 <= k <= L
    loss = half_squared_residual(A, y, _product(Uf, depth) - _product(Vf, depth))  # (5)
    grad_u = sp.Matrix([sp.diff(loss, Uf[k, i + 1]).doit() for i in range(N_COLUMNS)])
    grad_v = sp.Matrix([sp.diff(loss, Vf[k, i + 1]).doit() for i in range(N_COLUMNS)])
    at = sp.Matrix.vstack(-grad_u, -grad_v).applyfunc(
        lambda e: _identical(_identical(e, Uf, u), Vf, v).doit()
    )
    velocity = at.subs(j, L - k).applyfunc(lambda e: sp.powsimp(e, force=True))
    return SignedFactorVelocity(velocity, A, y, u, v)


def signed_factor_balancedness() -> Derivation:
    """The velocity of factor k at identical factors does not depend on k: factors stay identical."""
    flow = signed_factor_velocity()
    other = flow.velocity.subs(k, sp.Symbol("k'", integer=True, positive=True))
    cmp = compare(flow.velocity, other)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, flow.velocity, other)],
        title="(5): factors u^(k), v^(k) have k-independent velocities at identical factors (L symbolic)",
        steps=(
            Step(
                "-grad_{u^(k)}, -grad_{v^(k)} of (5) at identical factors (L = k + j, then j = L - k)",
                flow.velocity,
            ),
            Step("the same for k'", other),
            Step(
                "the velocity field is tangent to {u^(1) = ... = u^(L), v^(1) = ... = v^(L)} and polynomial, "
                "so by uniqueness identical initial factors stay identical"
            ),
        ),
        assumptions="L symbolic; u, v > 0; N = 2, M = 2",
        instance=None,
    )


def _reduced_velocity(flow: SignedFactorVelocity) -> sp.Matrix:
    loss = signed_reduced_loss(flow.A, flow.y, flow.u, flow.v)
    return -sp.Matrix([sp.diff(loss, e) for e in (*flow.u, *flow.v)])


def signed_reduced_dynamics() -> Derivation:
    """The common factors' velocity against the printed reduced flow u' = -grad_u L^±, v' = -grad_v L^±.

    The general reductions of ``compare`` take seconds on these entries, so the residual is
    decided in two exact steps: L * velocity = -grad L^± reduces to 0, hence
    velocity - (-grad L^±) = (1/L - 1)(-grad L^±), which is then evaluated at rational points.
    """
    flow = signed_factor_velocity()
    printed = _reduced_velocity(flow)
    scaled = compare(L * flow.velocity, printed)
    steps = [
        Step("velocity of the common factors (u; v)", flow.velocity),
        Step("printed reduced flow: -grad_u L^±, -grad_v L^± of (7)", printed),
        Step(f"L * velocity - (-grad L^±) reduces to 0 ({scaled.method})", scaled.residual),
    ]
    if scaled.outcome != Outcome.AGREES:
        how = "could not reduce L * velocity + grad L^± to 0"
        undecided = Part(
            "L * velocity against -grad L^±", Outcome.INCONCLUSIVE, flow.velocity, scaled.residual, how
        )
        return Derivation.from_parts(
            [undecided],
            title="(5) with identical factors against gradient flow on (7)",
            steps=steps,
            printed=printed,
            assumptions="L symbolic (>= 2); u, v > 0; N = 2, M = 2",
            instance=None,
        )
    residual = (1 / L - 1) * printed  # velocity - printed, by the reduced identity
    symbols = residual.free_symbols
    witness, value = {}, None
    for point in rational_points(symbols, count=6, seed=4, domains={L: (2, 4)}):
        entries = [e.xreplace(point) for e in residual]
        nonzero = [e for e in entries if e != 0]
        if nonzero:
            witness, value = point, nonzero[0]
            break
    steps.append(Step("residual velocity - printed = (1/L - 1)(-grad L^±)", residual))
    steps.append(
        Step("the factor velocity is (1/L)(-grad L^±): the reduced flow (7) at time t/L", printed / L)
    )
    at_witness = Part(
        "velocity against -grad L^±",
        Outcome.DIFFERS if witness else Outcome.INCONCLUSIVE,
        flow.velocity,
        residual,
        "exact rational arithmetic at the witness" if witness else "no rational point made it nonzero",
        witness,
        value,
        printed,
    )
    return Derivation.from_parts(
        [at_witness],
        title="(5) with identical factors against gradient flow on (7)",
        steps=steps,
        assumptions="L symbolic (>= 2); u, v > 0; N = 2, M = 2",
        corrected=printed / L,
        instance=witness_instance,
    )


def signed_flow_equivalence_up_to_time() -> Derivation:
    """A.1 'equivalent': the factor flow is the flow on (7) run at time t/L (same orbits and limits)."""
    flow = signed_factor_velocity()
    derived = L * flow.velocity  # velocity in the time τ = t/L: d/dτ = L d/dt
    printed = _reduced_velocity(flow)
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="A.1: with identical factors, (5)'s flow in the time τ = t/L is the flow on (7)",
        steps=(
            Step("velocity of the common factors (u; v) in time t", flow.velocity),
            Step("in time τ = t/L: d/dτ = L d/dt", derived),
            Step("-grad L^± of (7)", printed),
        ),
        assumptions="L symbolic; u, v > 0; N = 2, M = 2; "
        "'equivalent' read as equal up to the time change t -> t/L",
        instance=None,
    )
