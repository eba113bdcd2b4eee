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
from fractions import Fraction

import mpmath
from flint import arb, arb_mat, ctx

from dlncheck.numerics.dual_reduction import DiagonalReduction
from dlncheck.numerics.enclosures import digits_to_bits
from dlncheck.numerics.results import ABSOLUTE_MAX_RESIDUAL, FlowResult
from dlncheck.numerics.stiff_extrapolation import PRECISION_GUARD_BITS, integrate_stiff

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
    max_seconds: float | None = None,
) -> FlowResult:
    """Integrate (★) from λ = 0 at ``dps`` digits until the remaining change is negligible
    (or ``max_steps`` steps, or ``max_seconds`` of wall-clock time, have passed).

    Towards a face of S₊ (coordinates forced to 0) the flow moves like 1/t, and 50 digits need
    t ~ 1e42: on 2 × 2 faces that took 3 s for one A and 85 s for another, so a caller that
    must answer in bounded time passes ``max_seconds``; past it the run stops, unconverged,
    and says so.
    """
    start = time.perf_counter()
    m = len(A_exact)
    fields = _FieldAtPrecision(reduction, A_exact, y_exact)
    remaining = {"value": None}
    last: dict = {}

    def arrived(t: arb, lam: arb_mat) -> bool:
        last["t"], last["lam"] = t, lam  # the state as the integrator holds it, at full precision
        if max_seconds is not None and time.perf_counter() - start > max_seconds:
            last["out_of_time"] = True
            return True  # stop here; reported below as not converged
        evaluation = fields.current()
        x, dx = evaluation.product(lam)
        velocity = evaluation.field_from(x)
        step = _newton_step(evaluation.jacobian_from(dx).mid(), velocity.mid())
        change = evaluation.At * step
        x_max = max(abs(v.mid()) for v in x)
        moved = max(abs((d * c).mid()) for d, c in zip(dx, change.entries(), strict=True))
        remaining["value"] = moved / x_max if x_max > 0 else arb("inf")
        return bool(remaining["value"] < arb(10) ** -(dps - STOP_GUARD_DIGITS))

    result = integrate_stiff(
        fields.field,
        fields.jacobian,
        ["0"] * m,
        T_END,
        dps=dps,
        max_steps=max_steps,
        dense=False,
        progress=progress,
        stop=arrived,
    )
    with ctx.workprec(digits_to_bits(result.working_dps, PRECISION_GUARD_BITS)):
        lam = last.get("lam")
        if lam is None:  # no accepted step asked the stopping test
            lam = arb_mat([[arb(mpmath.nstr(v, result.working_dps + 5))] for v in result.y])
        evaluation = fields.current()
        x, _ = evaluation.product(lam)
        out_of_time = last.get("out_of_time", False)
        converged = bool(
            result.converged and result.stopped and not out_of_time and arrived(last.get("t", arb(0)), lam)
        )
        residual = float(max(abs(v.mid()) for v in evaluation.field_from(x).entries())) / reduction.rate
    if converged:
        message = f"converged: remaining relative change of x below 1e-{dps - STOP_GUARD_DIGITS}"
    elif out_of_time:
        message = (
            f"did not reach the limit within {max_seconds:g} s (t = {float(result.t):.3e}; near a face "
            "of S₊ the flow moves like 1/t): use --method project"
        )
    else:
        message = f"did not reach the limit: {result.message}"
    return FlowResult(
        limit=tuple(x),
        t_reached=float(result.t),
        converged=converged,
        message=message,
        residual=residual,
        steps=result.accepted_steps,
        dps=dps,
        wall_s=time.perf_counter() - start,
        info={
            "dual": result.y,
            "jacobian_evaluations": result.jacobian_evaluations,
            "function_evaluations": result.function_evaluations,
            "rejected_steps": result.rejected_steps,
        },
        residual_kind=ABSOLUTE_MAX_RESIDUAL,
    )


def _newton_step(jacobian: arb_mat, velocity: arb_mat) -> arb_mat:
    """J⁻¹ λ' for the stopping test.  J = -kL A diag(dx) Aᵀ is singular when rows of A are
    dependent (a zero row, a repeated one; the system is consistent, or the flow is refused):
    its null space is null(Aᵀ), which the change of x = diag(dx) Aᵀ step never sees, so any
    solution serves, here the one of J - ε‖J‖ I with ε half the working precision."""
    try:
        return jacobian.solve(velocity, algorithm="approx")
    except ZeroDivisionError:
        m = jacobian.nrows()
        size = max(abs(jacobian[i, j]) for i in range(m) for j in range(m)) or arb(1)
        shift = size * arb(2) ** (-(ctx.prec // 2))
        shifted = arb_mat([[jacobian[i, j] - (shift if i == j else 0) for j in range(m)] for i in range(m)])
        return shifted.solve(velocity, algorithm="approx")


class _FieldAtPrecision:
    """(★) and its Jacobian for the integrator, with the data converted once per precision.

    The integrator calls f hundreds of times per step on M × N data: rebuilding A, y and the
    branches' constants from fractions at every call made f 3x slower (136 vs 47 µs a call,
    M = 3, N = 5 at 92 working digits).  Keyed by flint's ``ctx.prec`` (the integrator's
    working precision).
    """

    def __init__(self, reduction: DiagonalReduction, A_exact, y_exact):
        self.reduction, self.A_exact, self.y_exact = reduction, A_exact, y_exact
        self.cache: dict[int, _Evaluation] = {}

    def current(self) -> _Evaluation:
        evaluation = self.cache.get(ctx.prec)
        if evaluation is None:
            evaluation = self.cache[ctx.prec] = _Evaluation(self.reduction, self.A_exact, self.y_exact)
        return evaluation

    def field(self, lam: arb_mat) -> arb_mat:
        evaluation = self.current()
        return evaluation.field_from(evaluation.product(lam)[0])

    def jacobian(self, lam: arb_mat) -> arb_mat:
        evaluation = self.current()
        return evaluation.jacobian_from(evaluation.product(lam)[1])


class _Evaluation:
    """x(Aᵀλ), dx/dg, (★) and its Jacobian at the precision in force when built.

    The branch formulas are those of ``numerics.dual_reduction`` (p = p0 e^{-h} for L = 2,
    p = (c + s h)^{-L/(L-2)} for L > 2), with c = p0^{-(L-2)/L} computed once and the powers
    taken as integer powers of 1/θ when L/(L-2) is an integer (L = 3, 4): a real power costs
    an exp and a log.  ``tests/test_flow_limits_precise.py`` checks them against ``product_arb``.
    """

    def __init__(self, reduction: DiagonalReduction, A_exact, y_exact):
        rows = [[arb(a.numerator) / a.denominator for a in row] for row in A_exact]
        self.rows = rows
        self.Am = arb_mat(rows)
        self.At = self.Am.transpose()
        self.y = arb_mat([[arb(v.numerator) / v.denominator] for v in y_exact])
        self.rate = arb(repr(reduction.rate))  # kL, a small exact binary number
        self.depth = reduction.depth
        self.branches = [(_branch_constants(reduction.u), 1)]
        if reduction.v is not None:
            self.branches.append((_branch_constants(reduction.v), -1))
        L = self.depth
        power = Fraction(L, L - 2) if L > 2 else None  # p = θ^{-L/(L-2)}
        self.s = None if power is None else arb(L - 2) / L
        self.integer_power = int(power) if power is not None and power.denominator == 1 else 0
        self.real_power = None if power is None else arb(-power.numerator) / power.denominator

    def product(self, lam: arb_mat) -> tuple[list[arb], list[arb]]:
        g = (self.At * lam).entries()
        x: list[arb] | None = None
        dx: list[arb] | None = None
        for constants, sign in self.branches:
            p, dp = self._branch(constants, g if sign > 0 else [-v for v in g])
            if x is None:
                x, dx = p, dp
            else:
                x = [a - b for a, b in zip(x, p, strict=True)]
                dx = [a + b for a, b in zip(dx, dp, strict=True)]
        return x, dx

    def _branch(self, constants: list[arb | None], h: list[arb]) -> tuple[list[arb], list[arb]]:
        out_p, out_dp = [], []
        s, integer_power, real_power = self.s, self.integer_power, self.real_power
        for c, hn in zip(constants, h, strict=True):
            if c is None:  # p0 = 0: the branch stays 0
                out_p.append(arb(0))
                out_dp.append(arb(0))
            elif s is None:  # L = 2: c holds p0
                p = c * (-hn).exp()
                out_p.append(p)
                out_dp.append(-p)
            else:
                theta = c + s * hn
                if not theta > 0:
                    raise ArithmeticError("h left the domain of the branch (c + s h must be > 0)")
                inverse = 1 / theta
                p = inverse**integer_power if integer_power else theta**real_power
                out_p.append(p)
                out_dp.append(-(p * inverse))  # -θ^{-(2L-2)/(L-2)} = -θ^{-L/(L-2)} θ^{-1}
        return out_p, out_dp

    def field_from(self, x: list[arb]) -> arb_mat:
        return (self.Am * arb_mat(len(x), 1, x) - self.y) * self.rate

    def jacobian_from(self, dx: list[arb]) -> arb_mat:
        scaled = arb_mat([[a * d for a, d in zip(row, dx, strict=True)] for row in self.rows])
        return scaled * self.At * self.rate


def _branch_constants(branch) -> list[arb | None]:
    """Per coordinate: p0 (L = 2) or c = p0^{-(L-2)/L} (L > 2) at the current precision; None for p0 = 0."""
    L = branch.depth
    out: list[arb | None] = []
    for p0 in branch.p0:
        if p0 == 0:
            out.append(None)
            continue
        ball = arb(p0.numerator) / p0.denominator
        out.append(ball if L == 2 else ball ** (arb(-(L - 2)) / L))
    return out
