"""Why property searches evaluate in float64 and escalate only negatives.

Measures, on the same instances drawn by krr.lem5's property check, the throughput of
(a) the float64 slack used by the search, against the baseline
(b) the interval-arithmetic audit at 30 digits that escalation runs,
and prints their ratio.  Run from the repository root:

    .venv/bin/python bench/bench_lemma5_evaluation.py [--instances N] [--seed S]
"""

from __future__ import annotations

import argparse
import time

from hypothesis import HealthCheck, given, seed, settings

from dlncheck.checks.claims.krr_hypentropy import _audit_lemma5, _lemma5_slack, lemma5_instances
from dlncheck.checks.instances import parse_instance
from dlncheck.checks.registry import registry


def draw_instances(count: int, seed_value: int) -> list:
    spec = registry().get("krr.lem5").audit.spec
    drawn = []

    @settings(max_examples=count, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @seed(seed_value)
    @given(lemma5_instances())
    def collect(raw):
        drawn.append(parse_instance(raw, spec))

    collect()
    return drawn


def rate(function, instances, repeats: int) -> float:
    start = time.perf_counter()
    for _ in range(repeats):
        for instance in instances:
            function(instance)
    return repeats * len(instances) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    instances = draw_instances(args.instances, args.seed)
    float_rate = rate(_lemma5_slack, instances, repeats=20)
    interval_rate = rate(lambda inst: _audit_lemma5(inst, 30), instances, repeats=1)
    print(f"instances: {len(instances)} (seed {args.seed})")
    print(f"float64 slack:          {float_rate:12.0f} evaluations/s")
    print(f"interval audit, 30 dps: {interval_rate:12.0f} evaluations/s (baseline)")
    print(f"ratio float64 / interval: {float_rate / interval_rate:.0f}x")


if __name__ == "__main__":
    main()
