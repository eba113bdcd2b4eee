"""Verdicts and check results.

The four verdicts have fixed meanings (DEVELOPERS.md):

* ``verified``: an exact argument by the tool (SymPy reduces a difference to 0, or exact
  rational arithmetic decides);
* ``supported``: numeric evidence only (the evidence names how many instances, the
  smallest normalized slack and the instance that gave it);
* ``refuted``: a concrete instance violates the claim with a margin certified exactly or
  in interval arithmetic, stored as a replayable file;
* ``inconclusive``: none of the above, with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    VERIFIED = "verified"
    SUPPORTED = "supported"
    REFUTED = "refuted"
    INCONCLUSIVE = "inconclusive"


# A claim is the conjunction of what its checks establish, so the weakest part decides:
# one refuted part refutes the claim; otherwise an undecided part leaves it undecided;
# otherwise numeric evidence for one part makes the whole only supported.
_CONJUNCTION_ORDER = (Verdict.REFUTED, Verdict.INCONCLUSIVE, Verdict.SUPPORTED, Verdict.VERIFIED)


def conjunction(verdicts: Iterable[Verdict]) -> Verdict:
    """Verdict of a claim whose checks each establish one part of it."""
    found = set(verdicts)
    if not found:
        return Verdict.INCONCLUSIVE
    for verdict in _CONJUNCTION_ORDER:
        if verdict in found:
            return verdict
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class CheckResult:
    """What one check established, with the evidence behind it.

    ``evidence`` is JSON-serialisable structured data whose keys depend on the kind of
    check (see ``checks.symbolic``, ``checks.property``, ``checks.audit``);
    ``summary`` is one human line that restates the decisive part of it.
    """

    check: str
    kind: str
    verdict: Verdict
    summary: str
    evidence: dict[str, Any] = field(default_factory=dict)
    wall_s: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "kind": self.kind,
            "verdict": str(self.verdict),
            "summary": self.summary,
            "evidence": self.evidence,
            "wall_s": round(self.wall_s, 4),
        }
