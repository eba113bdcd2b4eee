"""Measurements of "Gaussian random matrices satisfy P with high probability" statements.

The papers cite such facts with unspecified constants ("an absolute constant d", "M ≳ ...").
What a finite computation can test is a consequence that would fail if the stated scaling were
wrong: a :class:`GaussianTrend` draws matrices with i.i.d. N(0, 1/M) entries (the normalization
of [10]) at sizes of growing N along a family (a fixed M, or M tied to N by the stated scaling),
computes the *optimal* constant of the property on each draw (∞ where it fails for every
constant), and compares an upper quantile along the family:

* ``supported``: the quantile at the largest N is at most the one at the smallest N (the optimal
  constant does not grow with N, as an absolute constant requires), with the table as evidence;
* ``inconclusive``: otherwise, with the table (a probabilistic statement with unspecified
  constants is never *refuted* by finitely many draws).

The draws follow the run's seed, so the table is reproducible.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from dlncheck.checks.verdicts import CheckResult, Verdict

if TYPE_CHECKING:
    from dlncheck.checks.claim import Claim
    from dlncheck.checks.context import RunContext


def upper_quantile(values: Sequence[float], q: float) -> float:
    """The q-quantile (lower interpolation, so that ∞ entries count as ∞), of a sample."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


@dataclass(frozen=True)
class GaussianTrend:
    name: str
    description: str
    families: tuple[tuple[tuple[int, int], ...], ...]  # each: (M, N) with N increasing
    statistic: Callable[[np.ndarray], float]  # the optimal constant on one draw (∞: fails)
    statistic_doc: str
    draws: int = 30
    quantile: float = 0.9
    # per family, the value of the constant the statement is read at (e.g. ρ of (12)): the share of
    # draws whose optimal constant is at most it is reported as well (None: not reported)
    thresholds: tuple[float | None, ...] = ()
    kind: ClassVar[str] = "measurement"

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
            "statistic": self.statistic_doc,
        }

    def run(self, claim: Claim, ctx: RunContext) -> CheckResult:
        rng = np.random.default_rng(ctx.seed)
        table = []
        trends = []
        for index, family in enumerate(self.families):
            threshold = self.thresholds[index] if index < len(self.thresholds) else None
            rows = []
            for M, N in family:
                ctx.note(f"{self.name}: M = {M}, N = {N}")
                start = time.perf_counter()
                values = [
                    self.statistic(rng.standard_normal((M, N)) / math.sqrt(M)) for _ in range(self.draws)
                ]
                finite = [v for v in values if math.isfinite(v)]
                rows.append(
                    {
                        "M": M,
                        "N": N,
                        "draws": self.draws,
                        "finite": len(finite),
                        "median": _shown(upper_quantile(values, 0.5)),
                        f"q{round(100 * self.quantile)}": _shown(upper_quantile(values, self.quantile)),
                        "max": _shown(max(values)),
                        "wall_s": round(time.perf_counter() - start, 3),
                        "_q": upper_quantile(values, self.quantile),
                    }
                )
                if threshold is not None:
                    rows[-1]["at_most"] = threshold
                    rows[-1]["share_at_most"] = round(sum(v <= threshold for v in values) / self.draws, 3)
            first, last = rows[0]["_q"], rows[-1]["_q"]
            trends.append(last <= first)
            table.extend(rows)
        for row in table:
            row.pop("_q")
        evidence = {"statistic": self.statistic_doc, "seed": ctx.seed, "table": table}
        shown = "; ".join(
            f"M={r['M']}, N={r['N']}: q{round(100 * self.quantile)} {r[f'q{round(100 * self.quantile)}']} "
            f"({r['finite']}/{r['draws']} finite"
            + (f", share <= {r['at_most']}: {r['share_at_most']}" if "at_most" in r else "")
            + ")"
            for r in table
        )
        if all(trends):
            return CheckResult(
                self.name,
                self.kind,
                Verdict.SUPPORTED,
                f"{self.draws} Gaussian draws per size; the {round(100 * self.quantile)}% quantile of the "
                f"optimal constant does not grow with N along any family: {shown}",
                evidence,
            )
        return CheckResult(
            self.name,
            self.kind,
            Verdict.INCONCLUSIVE,
            f"the {round(100 * self.quantile)}% quantile of the optimal constant grows with N along a family "
            f"(at these sizes; the constants of the statement are unspecified): {shown}",
            evidence,
        )


def _shown(x: float) -> str:
    return "inf" if not math.isfinite(x) else f"{x:.4g}"
