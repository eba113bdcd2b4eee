"""The reduced flow (★) λ' = kL (A x(Aᵀλ) - y) integrated at arbitrary precision.

The same dynamics as ``numerics.dual_flow`` (derived in ``numerics.dual_reduction``), evaluated
in python-flint's arb at ``dps`` digits and integrated by the stiff extrapolation method of
``numerics.stiff_extrapolation``, whose local error target follows the requested digits.  The
flow is integrated, not extrapolated: the run stops when the remaining change of x predicted
by the linearization (δx = diag(dx/dg) Aᵀ(-J⁻¹λ'), as in ``numerics.dual_flow``) is below
10^-(dps - ``STOP_GUARD_DIGITS``) of ‖x‖∞, and the reported limit is the state reached.
Meant for small instances (M, N in the tens): every step factors M × M matrices in arb.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import mpmath
from flint import arb, arb_mat

from numerics.dual_reduction import DiagonalReduction, with_precision
from numerics.results import FlowResult
from numerics.stiff_extrapolation import digits_to_bits, integrate_stiff

STOP_GUARD_DIGITS = 8  # the stopping test asks for this many digits fewer than the integration
T_END = "1e200"  # horizon in the model's time; the stopping test ends the run long before
MAX_STEPS = 20_000


def integrate_precisely(
    reduction: DiagonalReduction,
    A_exact,
    y_exact,
    dps: int,
    *,
    progress: Callable[[float, int], None] | None = None,
    max_steps: int = MAX_STEPS,
) -> FlowResult:
    """Integrate (★) from λ = 0 at ``dps`` digits until the remaining change is negligible."""
    start = time.perf_counter()
    m = len(A_exact)
    rate = arb(repr(reduction.rate))  # kL, a small exact binary number

    def matrix_rows() -> list[list[arb]]:
        # built at the precision in force (the integrator's working precision), not once here
        return [[arb(a.numerator) / a.denominator for a in row] for row in A_exact]

    remaining = {"value": None}
    last: dict = {}

    def product(lam: arb_mat) -> tuple[list[arb], list[arb]]:
        At = arb_mat(matrix_rows()).transpose()
        g = At * lam
        return reduction.product_arb([g[i, 0] for i in range(g.nrows())])

    def field(lam: arb_mat) -> arb_mat:
        x, _ = product(lam)
        Am, y = arb_mat(matrix_rows()), arb_mat([[arb(v.numerator) / v.denominator] for v in y_exact])
        return (Am * arb_mat([[v] for v in x]) - y) * rate

    def jacobian(lam: arb_mat) -> arb_mat:
        _, dx = product(lam)
        rows = matrix_rows()
        scaled = arb_mat([[a * d for a, d in zip(row, dx, strict=True)] for row in rows])
        return scaled * arb_mat(rows).transpose() * rate

    def arrived(t: arb, lam: arb_mat) -> bool:
        last["t"], last["lam"] = t, lam  # the state as the integrator holds it, at full precision
        x, dx = product(lam)
        velocity = field(lam)
        step = jacobian(lam).mid().solve(velocity.mid(), algorithm="approx")
        change = arb_mat(matrix_rows()).transpose() * step
        x_max = max(abs(v.mid()) for v in x)
        moved = max(abs((d * change[i, 0]).mid()) for i, d in enumerate(dx))
        remaining["value"] = moved / x_max if x_max > 0 else arb("inf")
        return bool(remaining["value"] < arb(10) ** -(dps - STOP_GUARD_DIGITS))

    result = integrate_stiff(
        field,
        jacobian,
        ["0"] * m,
        T_END,
        dps=dps,
        max_steps=max_steps,
        dense=False,
        progress=progress,
        stop=arrived,
    )
    with with_precision(digits_to_bits(result.working_dps)):
        lam = last.get("lam")
        if lam is None:  # no accepted step asked the stopping test
            lam = arb_mat([[arb(mpmath.nstr(v, result.working_dps + 5))] for v in result.y])
        x, _ = product(lam)
        converged = bool(result.converged and result.stopped and arrived(last.get("t", arb(0)), lam))
        residual = float(max(abs(v.mid()) for v in _entries(field(lam)))) / reduction.rate
    message = (
        f"converged: remaining relative change of x below 1e-{dps - STOP_GUARD_DIGITS}"
        if converged
        else f"did not reach the limit: {result.message}"
    )
    return FlowResult(
        limit=tuple(x),
        t_reached=float(result.t),
        converged=converged,
        message=message,
        residual=residual,
        steps=result.accepted_steps,
        dps=dps,
        wall_s=time.perf_counter() - start,
        info={"dual": result.y, "jacobian_evaluations": result.jacobian_evaluations},
    )


def _entries(column: arb_mat) -> list[arb]:
    return [column[i, 0] for i in range(column.nrows())]
