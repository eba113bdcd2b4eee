"""Which catalogue claims that call for a symbolic check have a derivation, and why not.

Every catalogue id whose ``check_methods`` include ``symbolic`` must end up either
declared with at least one :class:`~checks.symbolic.SymbolicCheck`, or listed with a
written reason why no derivation is possible, in a module-level ``NO_DERIVATION`` dict
of the ``checks.claims`` module that holds the neighbouring mathematics.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache

from dlncheck.checks import claims as claims_package
from dlncheck.checks.registry import Registry, registry

DERIVED, REASON, MISSING = "derived", "no derivation (reason given)", "missing"


@cache
def no_derivation_reasons() -> dict[str, str]:
    """Catalogue id -> why no symbolic derivation is possible, from every claims module."""
    reasons: dict[str, str] = {}
    for info in pkgutil.iter_modules(claims_package.__path__):
        module = importlib.import_module(f"{claims_package.__name__}.{info.name}")
        for cid, reason in getattr(module, "NO_DERIVATION", {}).items():
            if cid in reasons:
                raise ValueError(f"{cid}: a reason for no derivation is given twice ({module.__name__})")
            reasons[cid] = reason
    return reasons


def symbolic_checks(reg: Registry, claim_id: str) -> list:
    claim = reg.claims.get(claim_id)
    return [] if claim is None else [c for c in claim.checks if c.kind == "symbolic"]


@dataclass(frozen=True)
class Coverage:
    claim_id: str
    status: str  # DERIVED | REASON | MISSING
    detail: str  # the derivations' names, or the reason


def symbolic_coverage(reg: Registry | None = None) -> list[Coverage]:
    """The coverage of every catalogue id whose check methods include ``symbolic``."""
    reg = reg or registry()
    reasons = no_derivation_reasons()
    out = []
    for cid, record in reg.catalogue.items():
        if "symbolic" not in record.get("check_methods", ()):
            continue
        derived = symbolic_checks(reg, cid)
        if derived:
            out.append(Coverage(cid, DERIVED, "; ".join(c.name for c in derived)))
        elif cid in reasons:
            out.append(Coverage(cid, REASON, reasons[cid]))
        else:
            out.append(Coverage(cid, MISSING, ""))
    return out
