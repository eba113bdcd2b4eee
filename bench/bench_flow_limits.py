"""Flow limits: the reduced dual flow and the dual-Newton projections against baselines.

Three ratios, each against a baseline timed in the same run (issue 3's performance goals):

1. float64 flow limit, large instance (N = 1000, M = 150, s = 10): ``numerics.dual_flow``
   against scipy's LSODA on mil (15) in log coordinates and log time
   (``numerics.factor_flows_lsoda_baseline``, capped at ``--lsoda-cap`` seconds) and against
   the papers' gradient descent (step 1e-2, capped at ``--gd-cap`` seconds: a lower bound);
2. 50-digit projection, large instance: float64 Newton then arb refinement
   (``numerics.bregman_projection``) against arb Newton started from μ = 0 (no float64 start);
3. float64 projections per second on small instances (N = 20, M = 14, s = 3) against scipy's
   SLSQP on the primal problem min D_F(z, x0) s.t. Az = y, z ≥ 0.

Instances: A Gaussian/√M, x* ≥ 0 s-sparse with entries in [0.5, 2], y = A x* computed exactly
from the float64 entries (so x* ∈ S₊ exactly), seeds fixed.  Run from the repository root:

    .venv/bin/python bench/bench_flow_limits.py [--quick]
"""

from __future__ import annotations

import os

# Single-threaded BLAS for every side of every ratio: the matrices are 150 × 1000 at most, and
# a busy-waiting multi-threaded BLAS on a shared 2-core machine measures contention, not methods.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse
import math
import multiprocessing
import platform
import time
import warnings
from fractions import Fraction

import numpy as np
from scipy.optimize import minimize

from dlncheck.checks.flow_files import parse_flow_instance
from dlncheck.checks.flow_instances import FlowInstance, gaussian_sparse_data
from dlncheck.numerics.bregman_projection import project, refine
from dlncheck.numerics.dual_flow import flow_limit
from dlncheck.numerics.factor_flows_lsoda_baseline import lsoda_log_time_baseline
from dlncheck.numerics.power_shift import WORTH_SHIFTING_DIGITS, shifted_flow, shifted_projection

AGREEMENT = 1e-10  # relative agreement with the projection that counts as "reached the limit"
GD_STEP = 1e-2  # the papers' experiments
SLSQP_INSTANCES = 10  # the baseline's rate is measured on the first instances only


def instance(
    n: int, m: int, s: int, depth: int, alpha: str, seed: int, model: str = "positive"
) -> FlowInstance:
    """The issue's instances; ``signed`` flips the sign of every other nonzero of x*."""
    data = gaussian_sparse_data(seed, m, n, s, "alternate" if model == "signed" else "nonnegative")
    data |= {"model": model, "L": depth, "init": {"alpha": alpha}}
    return parse_flow_instance(data)


def arrays(inst: FlowInstance) -> tuple[np.ndarray, np.ndarray]:
    return (
        np.array([[float(a) for a in row] for row in inst.A]),
        np.array([float(v) for v in inst.y]),
    )


def relative_gap(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


def gradient_descent_gap(A, y, depth, alpha, reference, cap_s) -> tuple[float, int]:
    """mil (18) by gradient descent with the papers' step, for cap_s seconds: (gap, iterations).

    A run that has not reached AGREEMENT by the cap gives only a lower bound on the ratio (no
    extrapolation: the gap's decay is neither exponential nor a clean power law here).
    """
    x = np.full(A.shape[1], float(alpha))
    start, k = time.perf_counter(), 0
    while time.perf_counter() - start < cap_s:
        for _ in range(1000):
            x = x - GD_STEP * depth * (A.T @ (A @ x**depth - y)) * x ** (depth - 1)
        k += 1000
        if relative_gap(x**depth, reference) <= AGREEMENT:
            break
    return relative_gap(x**depth, reference), k


def flow_vs_baselines(quick: bool, lsoda_cap: float, gd_cap: float) -> None:
    print("\n## 1. float64 flow limit, N = 1000, M = 150, s = 10\n")
    print(
        "| L | alpha | dual flow (s) | gap to projection | LSODA (s) | LSODA gap | ratio | GD gap after cap "
        "| ratio to GD |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    alphas = ["1e-2", "1e-12"] if quick else ["1e-2", "1e-6", "1e-12", "1e-30"]
    for depth in (2, 3):
        for alpha in alphas:
            inst = instance(1000, 150, 10, depth, alpha, 0)
            A, y = arrays(inst)
            if depth > 2 and (depth - 2) * -math.log10(float(Fraction(alpha))) >= WORTH_SHIFTING_DIGITS:
                # float64 in the exactly shifted dual (numerics.power_shift); the time includes
                # the shift's exact LP and certificate
                start = time.perf_counter()
                shifted = shifted_flow(inst.reduction(), inst.A, inst.y)
                flow = shifted.limit()
                flow_wall = time.perf_counter() - start
                reference = project(shifted_projection(inst.projection(), shifted.shift).problem).value
            else:
                reference = project(inst.projection()).value
                flow = flow_limit(inst.reduction(), A, y)
                flow_wall = flow.wall_s
            gap = relative_gap(flow.limit, reference)
            base = lsoda_log_time_baseline(
                A, y, depth, np.full(A.shape[1], float(Fraction(alpha))), max_wall_s=lsoda_cap
            )
            base_gap = relative_gap(base.limit, reference)
            ratio = base.wall_s / flow_wall
            bound = ">= " if base_gap > AGREEMENT else ""
            start = time.perf_counter()
            gd_gap, gd_iterations = gradient_descent_gap(A, y, depth, Fraction(alpha), reference, gd_cap)
            gd_wall = time.perf_counter() - start
            gd_ratio = f"{'>= ' if gd_gap > AGREEMENT else ''}{gd_wall / flow_wall:.0f}x"
            print(
                f"| {depth} | {alpha} | {flow_wall:.2f} | {gap:.1e} | {base.wall_s:.1f} | {base_gap:.1e} | "
                f"{bound}{ratio:.0f}x | {gd_gap:.1e} ({gd_iterations} it.) | {gd_ratio} |"
            )


def _cold_refine(alpha: str, queue) -> None:
    """Baseline in a child process (so that it can be capped): arb Newton from μ = 0."""
    problem = instance(1000, 150, 10, 2, alpha, 0, "signed").projection()
    start = time.perf_counter()
    cold = refine(problem, None, 50)
    queue.put((time.perf_counter() - start, cold.converged, cold.certified_digits))


def high_precision_projection(quick: bool, cold_cap: float) -> None:
    # the positive model's S₊ is a single point here (solved exactly, no Newton): use the signed one
    print("\n## 2. projection at 50 digits, N = 1000, M = 150, s = 10 (signed, L = 2)\n")
    print("| alpha | float64 + arb (s) | certified digits | arb from mu = 0 (s), certified | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for alpha in ["1e-6"] if quick else ["1e-2", "1e-6", "1e-12", "1e-30"]:
        problem = instance(1000, 150, 10, 2, alpha, 0, "signed").projection()
        start = time.perf_counter()
        low = project(problem)
        high = refine(problem, low.info["dual"], 50)
        ours = time.perf_counter() - start
        queue = multiprocessing.Queue()
        child = multiprocessing.Process(target=_cold_refine, args=(alpha, queue))
        child.start()
        child.join(cold_cap)
        if child.is_alive():
            child.terminate()
            child.join()
            capped = f"> {cold_cap:.0f} (capped) | > {cold_cap / ours:.1f}x"
            print(f"| {alpha} | {ours:.2f} | {high.certified_digits} | {capped} |")
            continue
        baseline, converged, digits = queue.get()
        note = "" if converged else " (did not converge)"
        cold = f"{baseline:.2f}{note}, {digits} digits | {baseline / ours:.1f}x"
        print(f"| {alpha} | {ours:.2f} | {high.certified_digits} | {cold} |")


def slsqp_projection(inst: FlowInstance) -> np.ndarray:
    """Baseline: SLSQP on mil (34): min Σ F(z₊) + F(z₋) - ⟨∇F(x0), z₊ + z₋⟩, A(z₊ - z₋) = y (L = 2)."""
    A, y = arrays(inst)
    n = A.shape[1]
    log_x0 = np.log(np.array([float(u) ** 2 for u in inst.u0] * 2))  # ũ0 = ṽ0 = α²
    A = np.hstack([A, -A])

    def objective(z):
        z = np.maximum(z, 1e-300)
        return float(np.sum(z * np.log(z) - z - z * log_x0))

    def gradient(z):
        return np.log(np.maximum(z, 1e-300)) - log_x0

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = minimize(
            objective,
            np.full(A.shape[1], 1.0 / A.shape[1]),  # z = (z₊, z₋)
            jac=gradient,
            method="SLSQP",
            bounds=[(0, None)] * A.shape[1],
            constraints=[{"type": "eq", "fun": lambda z: A @ z - y, "jac": lambda z: A}],
            options={"ftol": 1e-14, "maxiter": 1000},
        )
    return result.x[:n] - result.x[n:]


def small_throughput(quick: bool) -> None:
    print("\n## 3. float64 projections per second, N = 20, M = 14, s = 3 (signed, L = 2, alpha = 1e-3)\n")
    count = 50 if quick else 200
    instances = [instance(20, 14, 3, 2, "1e-3", seed, "signed") for seed in range(count)]
    problems = [inst.projection() for inst in instances]  # the face LP is set-up, not solving
    start = time.perf_counter()
    ours = [project(problem).value for problem in problems]
    ours_rate = count / (time.perf_counter() - start)
    baseline_count = min(count, SLSQP_INSTANCES)  # SLSQP takes seconds per instance
    start = time.perf_counter()
    base = [slsqp_projection(inst) for inst in instances[:baseline_count]]
    base_rate = baseline_count / (time.perf_counter() - start)
    worst = max(relative_gap(b, o) for b, o in zip(base, ours, strict=False))
    print("| dual Newton (limits/s) | SLSQP on the primal (limits/s) | ratio | largest SLSQP gap |")
    print("| --- | --- | --- | --- |")
    print(f"| {ours_rate:.0f} | {base_rate:.1f} | {ours_rate / base_rate:.0f}x | {worst:.1e} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer cases (a smoke run)")
    parser.add_argument("--lsoda-cap", type=float, default=120.0, help="seconds per LSODA run")
    parser.add_argument("--gd-cap", type=float, default=30.0, help="seconds per gradient-descent run")
    parser.add_argument("--cold-cap", type=float, default=120.0, help="seconds per cold arb Newton run")
    args = parser.parse_args()
    print(f"# flow limits benchmark ({platform.machine()}, Python {platform.python_version()})")
    small_throughput(args.quick)
    high_precision_projection(args.quick, args.cold_cap)
    flow_vs_baselines(args.quick, args.lsoda_cap, args.gd_cap)


if __name__ == "__main__":
    main()
