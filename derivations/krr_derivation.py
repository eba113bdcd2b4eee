"""Assembling a :class:`Derivation` from one or more comparisons (the krr derivations).

Several krr formulas are checked in parts (a closed form solves its ODE *and* meets the
initial condition); the parts are compared separately and the outcome is their
conjunction: ``differs`` if any part certainly differs, ``agrees`` only if every part
reduces to 0, ``inconclusive`` otherwise.  A ``differs`` keeps the witness point of the
first part that differs, both as text and as a :func:`checks.formula_audit` instance.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Outcome, Step, joint_outcome, witness_instance
from dlncheck.derivations.equality import Comparison, compare


def assemble(
    *,
    claim_id: str,
    title: str,
    steps: Sequence[Step],
    derived,
    printed,
    parts: Sequence[tuple[str, Comparison]],
    assumptions: str,
    corrected=None,
) -> Derivation:
    """One derivation from named comparisons (``parts``: (name, comparison) pairs)."""
    comparisons = [c for _, c in parts]
    outcome = joint_outcome(c.outcome for c in comparisons)
    method = "; ".join(f"{name}: {c.method}" for name, c in parts)
    if len(parts) == 1:
        residual = comparisons[0].residual
    else:
        entries = []
        for c in comparisons:
            entries += list(c.residual) if isinstance(c.residual, sp.MatrixBase) else [c.residual]
        residual = sp.Matrix(entries)
    witness_point: dict[str, str] = {}
    witness_value = ""
    instance = None
    if outcome == Outcome.DIFFERS:
        first = next(c for c in comparisons if c.outcome == Outcome.DIFFERS)
        witness_point = {sp.sstr(s): sp.sstr(v) for s, v in first.witness_point.items()}
        witness_value = sp.sstr(first.witness_value)
        instance = witness_instance(first.witness_point)
    return Derivation(
        claim_id=claim_id,
        title=title,
        steps=tuple(steps),
        derived=derived,
        printed=printed,
        outcome=outcome,
        residual=residual,
        assumptions=assumptions,
        method=method,
        witness_point=witness_point,
        witness_value=witness_value,
        witness_instance=instance,
        corrected=corrected,
    )


def compare_polynomials(derived, printed, points) -> Comparison:
    """:func:`compare` without its slow general reductions, where expansion decides.

    If the expanded difference is 0 the two agree.  Otherwise a rational point at which the
    difference evaluates exactly to a nonzero rational is a witness that they differ (sound
    for any expression, and the usual case for polynomials, where a nonzero expansion is
    never identically 0).  When neither happens, :func:`compare` decides as usual.
    """
    difference = derived - printed
    entries = list(difference) if isinstance(difference, sp.MatrixBase) else [difference]
    expanded = [sp.expand(sp.powsimp(e, force=True)) for e in entries]
    if all(e == 0 for e in expanded):
        zero = sp.zeros(*difference.shape) if isinstance(difference, sp.MatrixBase) else sp.Integer(0)
        return Comparison(Outcome.AGREES, zero, "expand")
    residual = (
        sp.Matrix(difference.shape[0], difference.shape[1], expanded)
        if isinstance(difference, sp.MatrixBase)
        else expanded[0]
    )
    for point in points:
        for entry in expanded:
            value = entry.xreplace(dict(point))
            if value.is_Rational and value != 0:
                return Comparison(
                    Outcome.DIFFERS, residual, "expanded; exact rational arithmetic", dict(point), value
                )
    return compare(derived, printed, points)
