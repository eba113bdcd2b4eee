"""The hypentropy potential of "Kernel and Rich Regimes".

krr (21):  q(z) = int_0^z arcsinh(t/2) dt = 2 - sqrt(4 + z^2) + z arcsinh(z/2)
krr (20):  Q_{alpha,w0}(beta) = sum_i alpha^2 w0_i^2 q(beta_i / (alpha^2 w0_i^2))
"""

from __future__ import annotations

import sympy as sp

from derivations.derivation import Derivation, Outcome, Step
from derivations.equality import compare, rational_points

z = sp.Symbol("z", real=True)
t = sp.Symbol("t", real=True)


def q_printed(arg: sp.Expr = z) -> sp.Expr:
    """krr (21), closed form as printed."""
    return 2 - sp.sqrt(4 + arg**2) + arg * sp.asinh(arg / 2)


def q_antiderivative() -> Derivation:
    """krr (21) two ways: SymPy's integral, and q' = arcsinh(z/2) with q(0) = 0."""
    integrand = sp.asinh(t / 2)
    printed = q_printed()
    derived = sp.integrate(integrand, (t, 0, z))
    by_integral = compare(derived, printed, rational_points({z}))
    # Independent of SymPy's integrator: q' = arcsinh(z/2) and q(0) = 0 determine q.
    fundamental = compare(
        sp.Matrix([sp.diff(printed, z), printed.subs(z, 0)]),
        sp.Matrix([integrand.subs(t, z), 0]),
        rational_points({z}),
    )
    outcomes = {by_integral.outcome, fundamental.outcome}
    if outcomes == {Outcome.AGREES}:
        outcome = Outcome.AGREES
    elif Outcome.DIFFERS in outcomes:
        outcome = Outcome.DIFFERS
    else:
        outcome = Outcome.INCONCLUSIVE
    steps = (
        Step("integrand arcsinh(t/2)", integrand),
        Step("SymPy: int_0^z arcsinh(t/2) dt", derived),
        Step("printed closed form krr (21)", printed),
        Step("residual integral - printed", by_integral.residual),
        Step("second route: (d/dz printed - arcsinh(z/2), printed(0))", fundamental.residual),
    )
    return Derivation(
        claim_id="krr.eq.q",
        title="q as the antiderivative of arcsinh(t/2)",
        steps=steps,
        derived=derived,
        printed=printed,
        outcome=outcome,
        residual=by_integral.residual,
        method=f"integral: {by_integral.method}; q' and q(0): {fundamental.method}",
        assumptions="z real",
    )
