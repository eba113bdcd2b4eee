"""Small float64 flow limits per second, end to end as a property search evaluates them, and the
wall time of a 200-instance search: today's path (the baseline) and the new one, in the same run,
on the same seeded instances.

Per instance, what ``checks.limit_audit.LimitSearch`` does with a drawn instance dict: parse it
(``LimitBound.parse``: ``checks.flow_files.parse_flow_instance`` and the claim's hypotheses,
S₊ ≠ ∅ / S ≠ ∅ decided), the float64 limit (``checks.flow_command.float64_projection``: the
projection problem, its face, ``numerics.bregman_projection.project``), and the slack
(``LimitBound.slack_at``: here mil Theorems 2.1/1.1's (16)/(9), whose left side needs an exact
certified ℓ1 dual, an LP per (A, y), cached; the cache is emptied before every pass).

Instances: ``checks.flow_strategies`` positive and signed (M <= 3, N <= 6, L = 2..6, α down to
1e-30), drawn by hypothesis from a fixed seed (the generate phase: the search's draws without its
targeting), and Gaussian ones, N = 20, M = 14, s = 3 (``gaussian_sparse_data``, issue 3's
instances), positive and signed, L = 2..4, α = 10^-k with k up to 30 (L = 2) or within float64's
reach (L > 2).

The baseline is today's code with the new parts switched off (:func:`baseline_path`, clearly a
benchmark device): SciPy's own ``linprog`` (``numerics.highs_lp.FAST = False``), no certified
interior point (``FlowInstance._interior`` is None, so the emptiness LP and the face LP run as
before), and the float64 Newton as it was (``numerics.bregman_projection_baseline.project``,
a verbatim copy).  The instance parser's exact y = A x* skips the zeros of x* on both sides (so
the baseline's parse is, if anything, faster than it was).

Rates are CPU time of the benchmark's process (``CLOCK``), best of ``repeats`` alternating passes.
Run from the repository root (single-threaded BLAS, as bench_flow_limits.py):

    .venv/bin/python bench/bench_small_limits.py [--quick]
"""

from __future__ import annotations

import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse
import contextlib
import functools
import math
import platform
import random
import sys
import tempfile
import time
import warnings
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings

import dlncheck.checks.flow_command as flow_command
import dlncheck.numerics.highs_lp as highs_lp
from dlncheck.checks.claim import Claim, Kind
from dlncheck.checks.claims import main_theorem_bounds
from dlncheck.checks.context import RunContext
from dlncheck.checks.errors import InstanceError
from dlncheck.checks.flow_instances import FlowInstance, gaussian_sparse_data
from dlncheck.checks.flow_strategies import positive_flow_instances, signed_flow_instances
from dlncheck.checks.limit_audit import LimitBound, float64_limit, limit_search
from dlncheck.checks.verdicts import Verdict
from dlncheck.numerics import bregman_projection_baseline
from dlncheck.numerics.bregman_projection import ProjectionError, project

BOUNDS = {"positive": main_theorem_bounds.THEOREM_2_1_BOUND, "signed": main_theorem_bounds.THEOREM_1_1_BOUND}
SEARCH_BUDGET = 200  # checks.runner.DEFAULT_BUDGET
SEARCH_SEED = 0
TARGET_PER_SECOND = 200
SEARCH_TARGET_S = 60.0
# Every rate is CPU time of this process: the 2-core machine is shared, so wall time measures the
# other jobs as much as this one (on a quiet machine the two agree: BLAS is single-threaded here).
CLOCK = time.process_time


# ------------------------------------------------------------------------------ the baseline


@contextlib.contextmanager
def baseline_path():
    """Today's path (module docstring): the new parts switched off while the block runs."""
    saved = (highs_lp.FAST, FlowInstance.__dict__["_interior"], flow_command.project)
    highs_lp.FAST = False
    FlowInstance._interior = property(lambda self: None)  # no certified interior point
    flow_command.project = bregman_projection_baseline.project
    try:
        yield
    finally:
        highs_lp.FAST, interior, flow_command.project = saved
        FlowInstance._interior = interior


@contextlib.contextmanager
def new_path():
    yield


PATHS = {"baseline": baseline_path, "new": new_path}


# ------------------------------------------------------------------------------ instances


def draw(strategy, n: int, seed_value: int) -> list[dict]:
    """n instance dicts from a strategy, reproducibly (hypothesis's generate phase, fixed seed)."""
    out: list[dict] = []

    @settings(
        max_examples=n,
        database=None,
        deadline=None,
        phases=(Phase.generate,),
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
    )
    @seed(seed_value)
    @given(strategy)
    def collect(raw):
        out.append(raw)

    collect()
    return out[:n]


def gaussian(n: int, model: str, seed_value: int) -> list[dict]:
    """N = 20, M = 14, s = 3 Gaussian instances; L and α drawn as the strategies draw them."""
    rng = random.Random(seed_value)
    out = []
    for i in range(n):
        depth = rng.choice((2, 3, 4))
        k = rng.randint(0, 30 if depth == 2 else 6 // (depth - 2))
        data = gaussian_sparse_data(
            1000 * seed_value + i, 14, 20, 3, "alternate" if model == "signed" else "nonnegative"
        )
        out.append(data | {"model": model, "L": depth, "init": {"alpha": "1" if k == 0 else f"1e-{k}"}})
    return out


def families(count: int, gaussian_count: int) -> dict[str, list[dict]]:
    return {
        "strategy positive (M <= 3, N <= 6)": draw(positive_flow_instances(), count, 1),
        "strategy signed (M <= 3, N <= 6)": draw(signed_flow_instances(), count, 2),
        "Gaussian positive (M = 14, N = 20)": gaussian(gaussian_count, "positive", 3),
        "Gaussian signed (M = 14, N = 20)": gaussian(gaussian_count, "signed", 4),
    }


# ------------------------------------------------------------------------------ limits per second


def _clear_l1_cache() -> None:
    cached = getattr(main_theorem_bounds, "_l1_dual_image", None)
    if hasattr(cached, "cache_clear"):
        cached.cache_clear()


def evaluate(raws: list[dict]) -> tuple[list[float], dict[str, float]]:
    """Each instance end to end as the search does (module docstring): slacks and phase times."""
    slacks, phases = [], {"parse + hypotheses": 0.0, "float64 limit": 0.0, "slack (ℓ1 dual, sides)": 0.0}
    for raw in raws:
        bound = BOUNDS[raw["model"]]
        t0 = CLOCK()
        try:
            instance = bound.parse(raw)
        except InstanceError:
            slacks.append(math.nan)
            continue
        t1 = CLOCK()
        limit = float64_limit(bound.limit_instance(instance))
        t2 = CLOCK()
        slacks.append(bound.slack_at(instance, limit))
        t3 = CLOCK()
        phases["parse + hypotheses"] += t1 - t0
        phases["float64 limit"] += t2 - t1
        phases["slack (ℓ1 dual, sides)"] += t3 - t2
    return slacks, phases


def timed_pass(path: str, raws: list[dict]) -> tuple[float, list[float], dict[str, float]]:
    _clear_l1_cache()
    with PATHS[path]():
        start = CLOCK()
        slacks, phases = evaluate(raws)
        return CLOCK() - start, slacks, phases


def _slack_difference(a: list[float], b: list[float]) -> float:
    """Largest |a - b| / max(|a|, |b|, 1e-300) over instances where either is a number; inf if
    only one of the two is NaN."""
    worst = 0.0
    for u, v in zip(a, b, strict=True):
        if math.isnan(u) and math.isnan(v):
            continue
        if math.isnan(u) or math.isnan(v):
            return math.inf
        worst = max(worst, abs(u - v) / max(abs(u), abs(v), 1e-300))
    return worst


def limits_per_second(sets: dict[str, list[dict]], repeats: int) -> dict:
    """Best of ``repeats`` alternating passes of each path (the machine is shared: the minimum
    is the least disturbed)."""
    for raws in sets.values():  # warm up imports and caches outside the timing
        for path in PATHS:
            timed_pass(path, raws[:3])
    rows = []
    total = {"baseline": 0.0, "new": 0.0}
    count_all = 0
    for name, raws in sets.items():
        best = {"baseline": math.inf, "new": math.inf}
        result = {}
        for _ in range(repeats):
            for path in ("baseline", "new"):
                wall, slacks, phases = timed_pass(path, raws)
                if wall < best[path]:
                    best[path] = wall
                    result[path] = (slacks, phases)
        difference = _slack_difference(result["baseline"][0], result["new"][0])
        rows.append((name, len(raws), best, difference, result["new"][1], result["baseline"][1]))
        for path in total:
            total[path] += best[path]
        count_all += len(raws)
    print("| instances | n | baseline limits/s | new limits/s | ratio | max rel. slack difference |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, n, best, difference, _, _ in rows:
        print(
            f"| {name} | {n} | {n / best['baseline']:.0f} | {n / best['new']:.0f} | "
            f"{best['baseline'] / best['new']:.1f}x | {difference:.1e} |"
        )
    print(
        f"| all | {count_all} | {count_all / total['baseline']:.0f} | {count_all / total['new']:.0f} | "
        f"{total['baseline'] / total['new']:.1f}x | |"
    )
    print("\nPer-instance time by phase, ms (new / baseline):\n")
    print("| instances | " + " | ".join(rows[0][4]) + " |")
    print("| --- |" + " --- |" * len(rows[0][4]))
    for name, n, _, _, new_phases, base_phases in rows:
        cells = [f"{1e3 * new_phases[k] / n:.2f} / {1e3 * base_phases[k] / n:.2f}" for k in new_phases]
        print(f"| {name} | " + " | ".join(cells) + " |")
    return {"new_per_s": count_all / total["new"], "baseline_per_s": count_all / total["baseline"]}


def project_only(sets: dict[str, list[dict]], repeats: int) -> None:
    """``project`` alone (the problems built once): the new Newton against the verbatim copy."""
    problems = []
    for raws in sets.values():
        for raw in raws:
            try:
                instance = BOUNDS[raw["model"]].parse(raw)
                if flow_command.digits_needed(instance) <= 16:
                    problems.append(instance.projection())
            except InstanceError:
                continue
    for problem in problems:  # float64 copies of A, y are cached per problem: not timed
        _ = (problem.A, problem.y)
    same = 0
    best = {"baseline": math.inf, "new": math.inf}
    for _ in range(repeats):
        for name, solve in (("baseline", bregman_projection_baseline.project), ("new", project)):
            start = CLOCK()
            results = []
            for problem in problems:
                try:
                    results.append(solve(problem))
                except ProjectionError:
                    results.append(None)
            best[name] = min(best[name], CLOCK() - start)
            if name == "baseline":
                reference = results
            else:
                same = sum(
                    (a is None and b is None)
                    or (
                        a is not None
                        and b is not None
                        and (a.value == b.value).all()
                        and a.iterations == b.iterations
                    )
                    for a, b in zip(reference, results, strict=True)
                )
    n = len(problems)
    print(
        f"\n`project` alone on the same {n} problems: baseline {n / best['baseline']:.0f}/s, "
        f"new {n / best['new']:.0f}/s, ratio {best['baseline'] / best['new']:.1f}x; "
        f"identical results (every entry, iteration count) on {same} of {n}"
    )


# ------------------------------------------------------------------------------ a 200-instance search


@functools.lru_cache(maxsize=256)
def _l1_minimum_image(A: tuple, y: tuple) -> tuple[Fraction, ...] | None:
    """Aᵀλ for an exact optimal dual λ of min ‖z‖₁ over S₊ (numerics.sparse_recovery's certified LP)."""
    from dlncheck.numerics.sparse_recovery import certify_l1_minimizer

    certificate = certify_l1_minimizer(A, y, positive=True)
    if not certificate.certified:
        return None
    return tuple(sum(A[i][j] * certificate.dual[i] for i in range(len(A))) for j in range(len(A[0])))


def _true_sides(instance, limit: tuple, intervals: bool):
    """min_{S₊} ‖z‖₁ <= ‖x̃∞‖₁, true since x̃∞ ∈ S₊: left λᵀA x̃∞ (= λᵀy = the minimum at the limit),
    right Σ|x̃∞_j| (the sides machinery of mil (16) in main_theorem_bounds)."""
    from flint import arb

    from dlncheck.numerics.enclosures import ball

    image = _l1_minimum_image(instance.A, instance.y)
    if image is None:
        return None, None
    if intervals:
        return sum((ball(a) * x for a, x in zip(image, limit, strict=True)), arb(0)), sum(
            (abs(x) for x in limit), arb(0)
        )
    return math.fsum(float(a) * x for a, x in zip(image, limit, strict=True)), math.fsum(
        abs(x) for x in limit
    )


def _solvable(instance) -> None:
    flow_command.require_solvable(instance)


TRUE_BOUND = LimitBound(
    claim_id="bench.l1-minimum-below-limit",
    models=("positive",),
    left_name="min_{z in S+} ||z||_1",
    right_name="||x̃_∞||_1",
    hypotheses=_solvable,
    sides=_true_sides,
    description="a true bound, for timing: the ℓ1 minimum over S₊ is at most the limit's ℓ1 norm",
)


def search_time(budget: int) -> None:
    """A LimitSearch of TRUE_BOUND over positive_flow_instances (no early stop: nothing violates
    it), run as ``dlncheck check`` runs a claim's check, once per path."""
    check = limit_search(TRUE_BOUND, positive_flow_instances, "timing search")
    claim = Claim(
        id=TRUE_BOUND.claim_id,
        paper="mil",
        label="benchmark",
        section="",
        statement="",
        kind=Kind.INEQUALITY,
        expected=Verdict.SUPPORTED,
        checks=(check,),
    )
    print(
        f"\nA {budget}-instance LimitSearch of a true bound "
        f"(seed {SEARCH_SEED}; target <= {SEARCH_TARGET_S:.0f} s):\n"
    )
    print(
        "| path | CPU time (wall) | verdict | instances | re-audited (slack < 1e-3), held | smallest slack |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as scratch:
        ctx = RunContext(
            budget=budget, seed=SEARCH_SEED, counterexample_dirs=(Path(scratch),), write_counterexamples=False
        )
        for path in ("baseline", "new"):
            _l1_minimum_image.cache_clear()
            with PATHS[path]():
                start, cpu_start = time.perf_counter(), CLOCK()
                result = check.run(claim, ctx)
                wall, cpu = time.perf_counter() - start, CLOCK() - cpu_start
            evidence = result.evidence
            print(
                f"| {path} | {cpu:.1f} s ({wall:.1f} s) | {result.verdict} | "
                f"{evidence.get('instances_evaluated')} | {evidence.get('float64_artefacts_dismissed')} | "
                f"{evidence.get('min_slack_certified')} |"
            )


def claim_time(claim_ids: list[str]) -> None:
    """The registry's claims run as ``dlncheck check ID`` runs them (stored counterexamples replayed,
    every check at budget 200, nothing written), once per path."""
    from dlncheck.checks.counterexamples import PACKAGE_DIR
    from dlncheck.checks.registry import registry
    from dlncheck.checks.runner import run_claim

    claims = registry().claims
    ctx = RunContext(
        budget=SEARCH_BUDGET,
        seed=SEARCH_SEED,
        counterexample_dirs=(PACKAGE_DIR,),
        write_counterexamples=False,
    )
    print(
        f"\nClaims as `dlncheck check ID` runs them (budget {SEARCH_BUDGET}, seed {SEARCH_SEED}; "
        "start-up not included):\n"
    )
    print("| claim | checks | baseline (CPU) | new (CPU) | verdict (both) |")
    print("| --- | --- | --- | --- | --- |")
    for claim_id in claim_ids:
        claim = claims[claim_id]
        walls, verdicts = {}, {}
        for path in ("baseline", "new"):
            _clear_l1_cache()
            with PATHS[path]():
                cpu_start = CLOCK()
                result = run_claim(claim, ctx)
            walls[path], verdicts[path] = CLOCK() - cpu_start, str(result.verdict)
        kinds = ", ".join(sorted({check.kind for check in claim.checks}))
        verdict = (
            verdicts["new"]
            if verdicts["new"] == verdicts["baseline"]
            else f"{verdicts['baseline']} / {verdicts['new']}"
        )
        print(f"| {claim_id} | {kinds} | {walls['baseline']:.1f} s | {walls['new']:.1f} s | {verdict} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer instances, one repeat")
    parser.add_argument("--count", type=int, help="instances per strategy family")
    parser.add_argument("--no-search", action="store_true", help="skip the 200-instance search")
    parser.add_argument(
        "--claims", nargs="*", default=["mil.thm2.1b", "mil.thm1.1b"], metavar="ID", help="claims to time"
    )
    args = parser.parse_args()
    count = args.count or (60 if args.quick else 300)
    repeats = 1 if args.quick else 3
    warnings.simplefilter("ignore", RuntimeWarning)  # overflowing trial steps of the line searches
    print(
        f"# small flow limits ({platform.machine()}, Python {platform.python_version()}, load average "
        f"{' '.join(f'{v:.2f}' for v in os.getloadavg())})\n"
    )
    sets = families(count, max(10, count // 5))
    rates = limits_per_second(sets, repeats)
    project_only(sets, repeats)
    verdict = "met" if rates["new_per_s"] >= TARGET_PER_SECOND else "missed"
    print(
        f"\nTarget >= {TARGET_PER_SECOND} limits/s over all instances: {verdict} ({rates['new_per_s']:.0f}/s)"
    )
    if not args.no_search:
        search_time(SEARCH_BUDGET)
        if args.claims:
            claim_time(args.claims)
    print(f"\nload average at the end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
