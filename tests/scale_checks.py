"""The registry's scale-consistency checks: (claim id, check name, derivation) for every symbolic
check whose derivation is written in ``derivations/scale_consistency.py``; and the claims whose
declarations name a given derivation function."""

from __future__ import annotations

from functools import cache

from dlncheck.checks.registry import registry
from dlncheck.checks.symbolic import SymbolicCheck
from dlncheck.derivations import scale_consistency


@cache
def scale_checks() -> list[tuple]:
    return [
        (claim.id, check.name, check.derive)
        for claim in registry().claims.values()
        for check in claim.checks
        if isinstance(check, SymbolicCheck) and check.derive.__module__ == scale_consistency.__name__
    ]


def claims_declaring(derive) -> set[str]:
    """The ids of the registered claims with a symbolic check whose derivation is ``derive``."""
    return {
        claim.id
        for claim in registry().claims.values()
        for check in claim.checks
        if isinstance(check, SymbolicCheck) and check.derive is derive
    }
