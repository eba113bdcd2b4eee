"""mil §1.2, §1.3 and A.3: the null space and quotient properties that Corollary 1.3 and
Theorem 1.4 assume (definitions, (12), (13), the Gaussian facts cited with them), S and S± of
(14), (32)-(33), the cited inequalities (44)-(45), and the literature comparison of §1 / §1.3.

Each definition is checked by computing its optimal constant exactly and testing the definition
against it on drawn instances (``numerics.stable_null_space``: circuits against certified LPs;
``numerics.robust_null_space``: an exact QP and its witness; ``numerics.quotient_property``:
vertex enumeration against certified ℓ1 minima); the Gaussian facts are measured
(``checks.gaussian_measurement``).  The bounds at the flow's limit are in
``checks.claims.mil_recovery_bounds``.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from typing import Any

from dlncheck.checks.audit import (
    ESCALATION_DPS,
    HOLDS,
    UNDECIDED,
    VIOLATED,
    Audit,
    AuditResult,
    Relation,
    decide,
    judge,
)
from dlncheck.checks.claim import declare
from dlncheck.checks.errors import InstanceError
from dlncheck.checks.gaussian_measurement import GaussianTrend
from dlncheck.checks.instances import Instance, InstanceSpec, ParamSpec
from dlncheck.checks.property import EXACT_SEARCH_MAX_BUDGET, PropertyCheck
from dlncheck.checks.recovery_constants import (
    constants_of_the_proof,
    quotient,
    robust_constant,
    robust_constants_of,
    sigma,
    stable_constant,
)
from dlncheck.checks.recovery_strategies import (
    positive_solution_set_instances,
    quotient_definition_instances,
    robust_nsp_definition_instances,
    robust_recovery_inequality_instances,
    simultaneous_quotient_instances,
    stable_nsp_definition_instances,
)
from dlncheck.checks.symbolic import SymbolicCheck
from dlncheck.checks.unchecked import UncheckedPart
from dlncheck.checks.verdicts import Verdict
from dlncheck.derivations import coherence_sample_complexity, signed_solution_set
from dlncheck.derivations import noise_robust_recovery as nrr
from dlncheck.numerics.enclosures import ball, ball_precision, lower, sign
from dlncheck.numerics.quotient_property import quotient_constant_float
from dlncheck.numerics.robust_null_space import (
    rnsp_order_one_margin_squared_sides,
    robust_nsp_order_one_float,
)
from dlncheck.numerics.stable_null_space import stable_nsp_constant_by_lp, stable_nsp_constant_float

# ------------------------------------------------------------------ single-instance audits of §1.2 and A.3
#
# Instances of ``checks.instances``' format: {"A": [...], "y": [...] (S₊ only), "params": {...}}.

# The exact computations enumerate column subsets; these sizes keep an audit within seconds.
MAX_AUDIT_ROWS = 3
MAX_AUDIT_COLUMNS = 10


def _matrix(instance: Instance) -> tuple[tuple[Fraction, ...], ...]:
    A = instance.A
    if A is None:
        raise InstanceError("missing key 'A'")
    if len(A) > MAX_AUDIT_ROWS or len(A[0]) > MAX_AUDIT_COLUMNS:
        raise InstanceError(
            f"A is {len(A)} × {len(A[0])}; these audits enumerate column subsets exactly and take at most "
            f"{MAX_AUDIT_ROWS} × {MAX_AUDIT_COLUMNS}"
        )
    return tuple(tuple(row) for row in A)


def _exact_result(claim_id: str, quantities, relations, slack, notes=(), hypotheses=()) -> AuditResult:
    return AuditResult(
        claim_id,
        None,
        tuple(quantities),
        tuple(relations),
        tuple(hypotheses),
        slack=slack,
        notes=tuple(notes),
    )


def _agreement_slack(result: AuditResult) -> float:
    """1 where every relation of an exact agreement audit holds, -1 where one is violated."""
    return 1.0 if result.status == HOLDS else -1.0


# --- the stable NSP (definition before (12))


def _audit_stable_nsp(instance: Instance, dps: int) -> AuditResult:
    A = _matrix(instance)
    s = instance.params["s"]
    if not 1 <= s <= len(A[0]):
        raise InstanceError(f"params.s = {s} must lie in [1, N = {len(A[0])}]")
    by_circuits = stable_constant(A, s)
    by_lp = stable_nsp_constant_by_lp(A, s)
    if not by_lp.certified:
        note = f"the LP computation was not certified: {by_lp.message}"
        relation = Relation("ρ_s(A) by circuits", "=", "ρ_s(A) by LPs", None, UNDECIDED)
        return AuditResult("mil.def.snsp", None, (), (relation,), notes=(note,))
    both_infinite = by_circuits.value is None and by_lp.value is None
    if both_infinite or by_circuits.value is None or by_lp.value is None:
        status = HOLDS if both_infinite else VIOLATED
        relation = Relation("ρ_s(A) by circuits", "=", "ρ_s(A) by LPs", None, status)
    else:
        relation = decide("ρ_s(A) by circuits", "=", "ρ_s(A) by LPs", by_circuits.value, by_lp.value)
    quantities = []
    notes = []
    for name, constant in (
        ("circuits (max of T_s/(‖e‖₁ - T_s))", by_circuits),
        ("LPs over |S| = s, σ", by_lp),
    ):
        if constant.value is None:
            notes.append(f"ρ_s(A) by {name} = ∞ ({constant.message})")
        else:
            quantities.append((f"ρ_s(A) by {name}", constant.value))
    quantities += [("circuits of ker A", by_circuits.count), ("LPs solved", by_lp.count)]
    if by_circuits.witness is not None:
        quantities.append(("kernel vector attaining it", by_circuits.witness))
    return _exact_result("mil.def.snsp", quantities, (relation,), None, notes)


def _stable_nsp_slack(instance: Instance) -> float:
    return _agreement_slack(_audit_stable_nsp(instance, 0))


STABLE_NSP_SPEC = InstanceSpec(
    needs=frozenset({"A"}),
    params=(ParamSpec("s", "integer", "the order s of the null space property (1 <= s <= N)"),),
)

# --- the ℓ1-quotient property (§1.2)


def _audit_quotient(instance: Instance, dps: int) -> AuditResult:
    from dlncheck.numerics.sparse_recovery import certify_l1_minimizer

    A = _matrix(instance)
    e = instance.params["noise"]
    q = quotient(A)
    if q.q_star is None:
        raise InstanceError(f"the ℓ1-quotient property fails for every d: {q.message}")
    at_e = certify_l1_minimizer(A, e, positive=False)
    at_vertex = certify_l1_minimizer(A, q.vertex, positive=False)
    if not (at_e.certified and at_vertex.certified):
        relation = Relation("min ‖u‖₁²", "<=", "q*‖e‖₂²", None, UNDECIDED)
        return AuditResult("mil.def.qp", None, (), (relation,), notes=(at_e.message, at_vertex.message))
    e_norm2 = sum((x * x for x in e), Fraction(0))
    bound = q.q_star * e_norm2
    holds = decide(
        "min{‖u‖₁ : Au = e}²", "<=", "q*‖e‖₂² (= (d√s_*‖e‖₂)² at the optimal d)", at_e.value**2, bound
    )
    attained = decide("min{‖u‖₁ : Au = μ*}", "=", "‖μ*‖₂² = q*", at_vertex.value, q.q_star)
    quantities = [
        ("q* = max{‖μ‖₂² : ‖Aᵀμ‖_∞ <= 1} (vertex enumeration)", q.q_star),
        ("μ* (the maximizing vertex)", q.vertex),
        ("min{‖u‖₁ : Au = e} (certified LP)", at_e.value),
        ("‖e‖₂²", e_norm2),
    ]
    slack = (bound - at_e.value**2) / bound
    return _exact_result("mil.def.qp", quantities, (holds, attained), slack)


def _quotient_slack(instance: Instance) -> float:
    result = _audit_quotient(instance, 0)
    if result.status != HOLDS:
        return -1.0
    return float(result.slack)


QUOTIENT_SPEC = InstanceSpec(
    needs=frozenset({"A"}),
    params=(
        ParamSpec("noise", "vector", "the vector e ∈ ℝ^M to be reached by Au = e", "nonzero", length="M"),
    ),
)

# --- the ℓ2-robust NSP (13), order 1


def _robust_data(instance: Instance) -> tuple[tuple, Fraction, Any]:
    A = _matrix(instance)
    rho = instance.params["rho"]
    rho_min = stable_constant(A, 1).value
    if rho_min is None or not rho_min <= rho < 1:
        shown_min = "∞" if rho_min is None else str(rho_min)
        raise InstanceError(
            f"params.rho = {rho} must lie in [ρ_1(A), 1) = [{shown_min}, 1): below ρ_1(A) no τ makes (13) hold"
        )
    robust = robust_constant(A, rho)
    if robust.tau_squared is None:
        raise InstanceError(f"(13) fails at ρ = {rho}: {robust.message}")
    return A, rho, robust


def _rnsp_relations(A, v, rho, tau_squared) -> tuple[list[Relation], Fraction]:
    """(13) at order 1 for every i, exactly: |v_i| - ρ‖v_{-i}‖₁ <= τ‖Av‖₂, decided by squares
    where the left side is positive; returns the relations and the smallest normalized slack."""
    relations = []
    slack = Fraction(1)
    for i in range(len(v)):
        excess, right_sq = rnsp_order_one_margin_squared_sides(A, v, rho, Fraction(1), i)
        right_sq *= tau_squared
        name = f"|v_{i + 1}| - ρ‖v_(-{i + 1})‖₁"
        if excess <= 0:
            relations.append(Relation(name, "<=", "τ*‖Av‖₂", -excess, HOLDS))
            continue
        margin = right_sq - excess * excess
        relations.append(judge(name + " (squared)", "<=", "τ*²‖Av‖₂²", margin))
        slack = min(slack, margin / right_sq if right_sq else Fraction(-1))
    return relations, slack


def _audit_robust_nsp(instance: Instance, dps: int) -> AuditResult:
    A, rho, robust = _robust_data(instance)
    v = instance.params["v"]
    relations, slack = _rnsp_relations(A, v, rho, robust.tau_squared)
    i = robust.index
    excess, right_sq = rnsp_order_one_margin_squared_sides(A, robust.witness, rho, Fraction(1), i)
    witness = decide(
        f"(|v*_{i + 1}| - ρ‖v*_(-{i + 1})‖₁)² at the witness v*",
        "=",
        "τ*²‖Av*‖₂²",
        excess * excess,
        robust.tau_squared * right_sq,
    )
    nonnegative = judge("0", "<=", f"|v*_{i + 1}| - ρ‖v*_(-{i + 1})‖₁ at the witness", excess)
    quantities = [
        ("ρ", rho),
        ("τ*(ρ)² (exact QP, numerics.robust_null_space)", robust.tau_squared),
        ("the witness v* of τ*(ρ)", robust.witness),
    ]
    return _exact_result("mil.def.rnsp", quantities, (*relations, nonnegative, witness), slack)


def _robust_nsp_slack(instance: Instance) -> float:
    result = _audit_robust_nsp(instance, 0)
    return -1.0 if result.status != HOLDS else float(result.slack)


ROBUST_NSP_SPEC = InstanceSpec(
    needs=frozenset({"A"}),
    params=(
        ParamSpec("rho", "scalar", "ρ of (13), in [ρ_1(A), 1)", "nonnegative"),
        ParamSpec("v", "vector", "the vector v ∈ ℝ^N at which (13) is evaluated", length="N"),
    ),
)

# --- (44): the simultaneous (ℓ2, ℓ1)-quotient property


def _audit_simultaneous_quotient(instance: Instance, dps: int) -> AuditResult:
    from dlncheck.numerics.sparse_recovery import certify_l1_minimizer

    A = _matrix(instance)
    e = instance.params["noise"]
    minimizer = certify_l1_minimizer(A, e, positive=False)
    if not minimizer.certified:
        relation = Relation("‖u‖₂", "<=", "d'‖e‖₂", None, UNDECIDED)
        return AuditResult("mil.A3.eq44", dps, (), (relation,), notes=(minimizer.message,))
    u = minimizer.minimizer
    e_norm2 = sum((x * x for x in e), Fraction(0))
    with ball_precision(dps):
        k = constants_of_the_proof(robust_constants_of(A, 1, None, None, None, intervals=True), True)
        l1_part = decide(
            "‖u‖₁²", "<=", "(d√s_*‖e‖₂)² = q*‖e‖₂² (d optimal)", minimizer.value**2, k["q_star"] * e_norm2
        )
        u2 = ball(sum((x * x for x in u), Fraction(0))).sqrt()
        right = k["d_prime"] * ball(e_norm2).sqrt()
        l2_part = decide("‖u‖₂", "<=", "d'‖e‖₂, d' = τ + (1+ρ)d/√c", u2, right)
        slack_l1 = ball(1 - minimizer.value**2 / (k["q_star"] * e_norm2))
        slack_l2 = (right - u2) / right
        slack = (
            slack_l1 if slack_l1 < slack_l2 else slack_l2 if slack_l2 < slack_l1 else slack_l1.min(slack_l2)
        )
        quantities = (
            ("u = argmin{‖u‖₁ : Au = e} (certified LP)", u),
            ("ρ = ρ_1(A)", k["rho"]),
            ("τ = τ*(ρ)", k["tau"]),
            ("d = √(q*/s_*) (optimal)", k["d"]),
            ("c = s/s_*", k["root_c"] ** 2),
            ("d'", k["d_prime"]),
            ("‖u‖₂", u2),
            ("d'‖e‖₂", right),
        )
    return AuditResult("mil.A3.eq44", dps, quantities, (l1_part, l2_part), slack=slack)


def _interval_slack(audit_fn):
    """Float slack of an interval audit, evaluated at the lowest rung of the ladder (the search only
    steers with it; -1 where the audit is not 'holds', so that the instance is re-audited)."""

    def slack(instance: Instance) -> float:
        result = audit_fn(instance, ESCALATION_DPS[0])
        if result.status != HOLDS or result.slack is None:
            return -1.0
        return float(lower(ball(result.slack)))

    return slack


SIMULTANEOUS_QUOTIENT_SPEC = InstanceSpec(
    needs=frozenset({"A"}),
    params=(ParamSpec("noise", "vector", "the vector e ∈ ℝ^M of (44)", "nonzero", length="M"),),
)

# --- (45): [10, Thm 4.25] with the constants derived from (13)


def _audit_robust_recovery_inequality(instance: Instance, dps: int) -> AuditResult:
    A = _matrix(instance)
    v, w = instance.params["v"], instance.params["w"]
    rho = stable_constant(A, 1).value
    if rho is None or rho >= 1:
        raise InstanceError(f"hypothesis '(13) with ρ < 1' fails: ρ_1(A) = {'∞' if rho is None else rho}")
    robust = robust_constant(A, rho)
    diff = [a - b for a, b in zip(v, w, strict=True)]
    residual2 = sum(
        (sum((row[j] * diff[j] for j in range(len(diff))), Fraction(0)) ** 2 for row in A), Fraction(0)
    )
    gamma = sum((abs(x) for x in v), Fraction(0)) - sum((abs(x) for x in w), Fraction(0)) + 2 * sigma(w, 1)
    C = (1 + rho) ** 2 / (1 - rho)
    with ball_precision(dps):
        tau_value = ball(robust.tau_squared).sqrt()
        D = ball((3 + rho) / (1 - rho)) * tau_value
        left = ball(sum((x * x for x in diff), Fraction(0))).sqrt()
        right = ball(C * gamma) + D * ball(residual2).sqrt()
        relation = decide("‖v - w‖₂", "<=", "C/√s (‖v‖₁ - ‖w‖₁ + 2σ_s(w)_1) + D‖A(v - w)‖₂", left, right)
        slack = (right - left) / abs(right) if sign(right) != 0 else None
        quantities = (
            ("ρ = ρ_1(A), s = 1", rho),
            ("τ = τ*(ρ)", tau_value),
            ("C = (1+ρ)²/(1-ρ)", C),
            ("D = (3+ρ)τ/(1-ρ)", D),
            ("‖v‖₁ - ‖w‖₁ + 2σ_1(w)_1", gamma),
            ("‖v - w‖₂", left),
            ("right side", right),
        )
    return AuditResult("mil.A3.eq45", dps, quantities, (relation,), slack=slack)


ROBUST_RECOVERY_SPEC = InstanceSpec(
    needs=frozenset({"A"}),
    params=(
        ParamSpec("v", "vector", "v of (45)", length="N"),
        ParamSpec("w", "vector", "w of (45) (its σ_s enters)", length="N"),
    ),
)

# --- S₊ of (14)


def _basic_solutions(A: tuple, y: tuple) -> list[tuple[Fraction, ...]]:
    """The nonnegative basic solutions of Az = y (support on independent columns), exactly."""
    from flint import fmpq, fmpq_mat

    m, n = len(A), len(A[0])
    Y = fmpq_mat(m, 1, [fmpq(v.numerator, v.denominator) for v in y])
    found = []
    for size in range(0, min(m, n) + 1):
        for cols in itertools.combinations(range(n), size):
            if size == 0:
                if all(v == 0 for v in y):
                    found.append((Fraction(0),) * n)
                continue
            A_J = fmpq_mat(
                m, size, [fmpq(A[i][j].numerator, A[i][j].denominator) for i in range(m) for j in cols]
            )
            if A_J.rank() < size:
                continue
            gram = A_J.transpose() * A_J
            x = gram.solve(A_J.transpose() * Y)
            if A_J * x != Y:
                continue
            values = [Fraction(int(q.p), int(q.q)) for q in x.entries()]
            if any(v < 0 for v in values):
                continue
            z = [Fraction(0)] * n
            for j, v in zip(cols, values, strict=True):
                z[j] = v
            found.append(tuple(z))
    return found


def _audit_positive_solution_set(instance: Instance, dps: int) -> AuditResult:
    from dlncheck.numerics.positive_face import (
        EmptyPositiveSetError,
        UndecidedPositiveSetError,
        require_nonempty_positive_set,
    )
    from dlncheck.numerics.sparse_recovery import certify_l1_minimizer

    A = _matrix(instance)
    if instance.y is None:
        raise InstanceError("missing key 'y'")
    y = tuple(instance.y)
    vertices = _basic_solutions(A, y)
    try:
        require_nonempty_positive_set(A, y)
        project_nonempty: bool | None = True
        note = "the project finds a point of S₊ (numerics.positive_face)"
    except EmptyPositiveSetError as error:
        project_nonempty, note = False, str(error)
    except UndecidedPositiveSetError as error:
        project_nonempty, note = None, str(error)
    if project_nonempty is None:
        relation = Relation("S₊ ≠ ∅ (project)", "=", "S₊ ≠ ∅ (basic solutions)", None, UNDECIDED)
        return AuditResult("mil.def.Splus", None, (), (relation,), notes=(note,))
    enumerated = bool(vertices)
    relations = [
        Relation(
            "S₊ ≠ ∅ (project)",
            "=",
            "S₊ ≠ ∅ (basic solutions)",
            None,
            HOLDS if project_nonempty == enumerated else VIOLATED,
        )
    ]
    quantities = [("nonnegative basic solutions", len(vertices))]
    if project_nonempty and enumerated:
        certificate = certify_l1_minimizer(A, y, positive=True)
        best = min(sum(z, Fraction(0)) for z in vertices)
        quantities.append(("min 1ᵀz over the basic solutions", best))
        if certificate.certified:
            quantities.append(("min ‖z‖₁ over S₊ (certified LP)", certificate.value))
            relations.append(
                decide("min over S₊ (certified LP)", "=", "min over its vertices", certificate.value, best)
            )
        else:
            relations.append(
                Relation("min over S₊ (certified LP)", "=", "min over its vertices", None, UNDECIDED)
            )
    return AuditResult("mil.def.Splus", None, tuple(quantities), tuple(relations), notes=(note,))


POSITIVE_SET_SPEC = InstanceSpec(needs=frozenset({"A", "y"}))


# ------------------------------------------------------------------ Gaussian measurements

# ρ of the ℓ2-robust NSP measurement: a fixed "appropriate absolute" ρ, the one (12) is read at.
GAUSSIAN_RHO = 0.5


def _optimal_d(A) -> float:
    """The optimal quotient constant d = √(q*/s_*) of one draw (float)."""
    M, N = A.shape
    return math.sqrt(quotient_constant_float(A) * (1 + math.log(N / M)) / M)


def _eq12_family(rho: float, sizes: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
    """(M, N) at (12) with constant 1, s = 1: M = ⌈ρ^-2 log(eN)⌉."""
    return tuple((math.ceil((1 + math.log(N)) / rho**2), N) for N in sizes)


# (12) at constant 1 for ρ = 7/10 and 3/5, s = 1 (M < N: at ρ = 1/2, M = ⌈4 log(eN)⌉ reaches N = 16);
# N = 16 and 32 (ρ_1 by N LPs per draw: ~6 s per size at N = 32).
EQ12_FAMILIES = (_eq12_family(0.7, (16, 32)), _eq12_family(0.6, (16, 32)))
EQ12_DRAWS = 15
# M = ⌈3N/4⌉: (12) at ρ = 1/2, s = 1 holds there with constants 0.65, 0.79, 0.94 (N = 12, 16, 20);
# at N = 24 SciPy's SLSQP takes 10-30 s per 30 draws.
RNSP_FAMILY = ((9, 12), (12, 16), (15, 20))
QP_FAMILIES = (((2, 4), (2, 8), (2, 16)), ((3, 6), (3, 12), (3, 24)))
GAUSSIAN_DRAWS = 30  # per size: ~1-3 s per measurement on 2 cores


# ------------------------------------------------------------------ declarations


declare(
    id="mil.def.snsp",
    expected=Verdict.SUPPORTED,
    checks=(
        PropertyCheck(
            name="circuits against LPs",
            description="ρ_s(A) = sup over ker A of max_{|S|<=s} ‖v_S‖₁/‖v_Sᶜ‖₁ computed twice, exactly: over the "
            "circuits of ker A (numerics.stable_null_space) and as the max of certified LPs over supports and signs; "
            "A of up to 3 × 7 (entries k/4, nearly parallel columns, circle matrices), s = 1, 2",
            instances=stable_nsp_definition_instances,
            slack=_stable_nsp_slack,
            slack_doc="1 where the two exact values agree (both ∞ included), -1 where they differ",
            max_budget=EXACT_SEARCH_MAX_BUDGET,
        ),
    ),
    audit=Audit(
        spec=STABLE_NSP_SPEC,
        evaluate=_audit_stable_nsp,
        example={"A": [["1", "0", "1", "1"], ["0", "1", "1", "-1"]], "params": {"s": 1}},
        description="ρ_s(A) by the circuits of ker A and by certified LPs over supports and signs, exactly",
        exact=True,
    ),
)

declare(
    id="mil.def.qp",
    expected=Verdict.SUPPORTED,
    checks=(
        PropertyCheck(
            name="optimal quotient constant",
            description="q* = max{‖μ‖₂² : ‖Aᵀμ‖_∞ <= 1} by exact vertex enumeration (numerics.quotient_property); "
            "for drawn e: min{‖u‖₁ : Au = e} (certified LP) <= √q*‖e‖₂ (the quotient property at the optimal "
            "d = √(q*/s_*)), with equality at e = μ*",
            instances=quotient_definition_instances,
            slack=_quotient_slack,
            slack_doc="1 - min{‖u‖₁ : Au = e}²/(q*‖e‖₂²) (0 at the worst direction e = μ*)",
            max_budget=EXACT_SEARCH_MAX_BUDGET,
        ),
        GaussianTrend(
            name="Gaussian draws",
            description="'Gaussian matrices satisfy it with an absolute d w.h.p.': the optimal d = √(q*/s_*) of "
            "N(0, 1/M) draws at M = 2, 3 and N = 2M, 4M, 8M; an absolute d needs its upper quantile not to grow with N",
            families=QP_FAMILIES,
            statistic=_optimal_d,
            statistic_doc="optimal d = √(q*/s_*), q* by float vertex enumeration",
            draws=GAUSSIAN_DRAWS,
        ),
    ),
    audit=Audit(
        spec=QUOTIENT_SPEC,
        evaluate=_audit_quotient,
        example={"A": [["1", "0", "1", "1"], ["0", "1", "1", "-1"]], "params": {"noise": ["1", "1/2"]}},
        description="the ℓ1 minimum of Au = e against the optimal quotient constant q*, exactly",
        exact=True,
    ),
)

declare(
    id="mil.def.rnsp",
    expected=Verdict.SUPPORTED,
    checks=(
        PropertyCheck(
            name="(13) at order 1 with the optimal τ",
            description="τ*(ρ) of (13) at order 1 by an exact QP (numerics.robust_null_space); (13) with (ρ, τ*) at "
            "drawn v (random, or the exact witness of τ*(ρ) perturbed), and equality at the witness; ρ from ρ_1(A) "
            "to 1",
            instances=robust_nsp_definition_instances,
            slack=_robust_nsp_slack,
            slack_doc="min over i of 1 - (|v_i| - ρ‖v_-i‖₁)²/(τ*²‖Av‖₂²) where |v_i| > ρ‖v_-i‖₁ (1 elsewhere)",
            max_budget=EXACT_SEARCH_MAX_BUDGET,
        ),
        GaussianTrend(
            name="Gaussian draws",
            description="'Gaussian matrices satisfy it with absolute τ, ρ w.h.p. under (12)': τ*(1/2) at order 1 "
            "(float QPs; ∞ where no τ works) of N(0, 1/M) draws at M = ⌈3N/4⌉, N = 12, 16, 20 ((12) at ρ = 1/2 "
            "holds there with constants 0.65-0.94); an absolute τ needs its upper quantile not to grow with N",
            families=(RNSP_FAMILY,),
            statistic=lambda A: robust_nsp_order_one_float(A, GAUSSIAN_RHO),
            statistic_doc="τ*(1/2) of (13) at order 1 (SciPy SLSQP per index, infeasibility confirmed by HiGHS)",
            draws=GAUSSIAN_DRAWS,
        ),
    ),
    audit=Audit(
        spec=ROBUST_NSP_SPEC,
        evaluate=_audit_robust_nsp,
        example={
            "A": [["1", "15/17", "3/5", "0", "-3/5", "-15/17"], ["0", "8/17", "4/5", "1", "4/5", "8/17"]],
            "params": {"rho": "19/20", "v": ["1", "-1/2", "0", "1/4", "0", "0"]},
        },
        description="(13) at order 1 with τ = τ*(ρ) (exact QP) at v, and equality at τ*'s witness, exactly",
        exact=True,
    ),
)

declare(
    id="mil.def.Splus",
    expected=Verdict.SUPPORTED,
    checks=(
        PropertyCheck(
            name="S₊ by its vertices",
            description="S₊ ≠ ∅ as the project decides it (numerics.positive_face: a point, or an exact Farkas "
            "vector) against the nonnegative basic solutions of Az = y enumerated exactly, and min 𝟙ᵀz over S₊ "
            "(certified LP) against the minimum over those vertices",
            instances=positive_solution_set_instances,
            slack=lambda instance: _agreement_slack(_audit_positive_solution_set(instance, 0)),
            slack_doc="1 where both decisions and minima agree exactly, -1 where one differs",
            max_budget=EXACT_SEARCH_MAX_BUDGET,
        ),
    ),
    audit=Audit(
        spec=POSITIVE_SET_SPEC,
        evaluate=_audit_positive_solution_set,
        example={"A": [["1", "2", "3"]], "y": ["2"]},
        description="S₊ = {z >= 0 : Az = y}: emptiness and min 1ᵀz against the vertices, exactly",
        exact=True,
    ),
)

declare(
    id="mil.def.S",
    expected=Verdict.VERIFIED,
    findings=(
        r"'Alternative representation' holds as a parametrization: $(\mathbf a,\mathbf b)\mapsto\mathbf a-\mathbf b$ "
        r"maps $S_\pm$ onto $S$ with the section $\mathbf z\mapsto(\mathbf z_+,\mathbf z_-)$ and "
        r"$\min_S\|\mathbf z\|_1=\min_{S_\pm}\mathbf 1^T(\mathbf a+\mathbf b)$; it is not one-to-one "
        r"($(\mathbf a+t\mathbf 1,\mathbf b+t\mathbf 1)$ has the same image), so Theorem 3.1's argmin over $S_\pm$ "
        r"is a pair that need not have disjoint supports.",
    ),
    checks=(
        SymbolicCheck(
            "decomposition",
            "z+ - z- = z, z+ ⊙ z- = 0, z+ + z- = |z|, z± >= 0 at z_n = ±p (exact)",
            signed_solution_set.decomposition_identities,
        ),
        SymbolicCheck(
            "S± onto S",
            "A(z+ - z-) - y = Az - y and A(a - b) - y for symbolic A ∈ R^{2x3}",
            signed_solution_set.difference_map_onto_solution_set,
        ),
        SymbolicCheck(
            "l1 over S±",
            "||a - b||_1 <= 1ᵀ(a + b) for a, b >= 0, equality at (z+, z-)",
            signed_solution_set.l1_over_the_representation,
        ),
    ),
)

declare(
    id="mil.A3.eq44",
    expected=Verdict.SUPPORTED,
    findings=(
        r"Misprints: '$\mathbf A\mathbf e=\mathbf u$' must read $\mathbf A\mathbf u=\mathbf e$, and "
        r"$\mathbf u\in\mathbb R^N$, not $\mathbb R^M$. With (13) of order $s=cs_*$ and the quotient property, "
        r"$d'=\tau+(1+\rho)d/\sqrt c$ works (derived); the check evaluates it at the optimal $\rho,\tau,d$.",
    ),
    checks=(
        SymbolicCheck(
            "d' from (13)",
            "||u||_2 <= (τ + (1+ρ)d/√c)||e||_2 from (13), the quotient property and ||u_Tc||_2 <= ||u||_1/√s "
            "(slack form)",
            nrr.equation_44,
        ),
        PropertyCheck(
            name="(44) on 2 × N matrices",
            description="2 × N circle matrices (N = 6..8, s = 1 = c·s_*, c > 1) and drawn e: the certified ℓ1 "
            "minimizer u of Au = e satisfies ||u||_1 <= d√s_*||e||_2 (d optimal) and ||u||_2 <= d'||e||_2 with "
            "ρ = ρ_1(A), τ = τ*(ρ)",
            instances=simultaneous_quotient_instances,
            slack=_interval_slack(_audit_simultaneous_quotient),
            slack_doc="min of 1 - ||u||_1²/(q*||e||_2²) and (d'||e||_2 - ||u||_2)/(d'||e||_2)",
            max_budget=EXACT_SEARCH_MAX_BUDGET,
        ),
    ),
    audit=Audit(
        spec=SIMULTANEOUS_QUOTIENT_SPEC,
        evaluate=_audit_simultaneous_quotient,
        example={
            "A": [["1", "15/17", "3/5", "0", "-3/5", "-15/17"], ["0", "8/17", "4/5", "1", "4/5", "8/17"]],
            "params": {"noise": ["1", "-1/2"]},
        },
        description="(44) at the certified ℓ1 minimizer of Au = e, in interval arithmetic",
    ),
)

declare(
    id="mil.A3.eq45",
    expected=Verdict.SUPPORTED,
    findings=(
        r"The constants are $C=(1+\rho)^2/(1-\rho)$, $D=(3+\rho)\tau/(1-\rho)$ ([10, Thm 4.25] at $p=q=2$, "
        r"derived here from (13)). The proof applies (45) 'for $\mathbf v=\mathbf x_*+\mathbf u$ and "
        r"$\mathbf w=\Delta(\ldots)$' but writes the terms of $\mathbf v=\Delta(\ldots)$, $\mathbf w=\mathbf x_*+\mathbf u$ "
        r"(the left side is symmetric, the right side is not); the roles are swapped in the text only.",
    ),
    checks=(
        SymbolicCheck(
            "[10, Thm 4.20] from (13)",
            "||v||_1 <= (1+ρ)/(1-ρ)Γ + 2τ√s/(1-ρ)||Av||_2 (slack form)",
            nrr.l1_error_from_13,
        ),
        SymbolicCheck("(45) from (13)", "C = (1+ρ)²/(1-ρ), D = (3+ρ)τ/(1-ρ) (slack form)", nrr.equation_45),
        PropertyCheck(
            name="(45) at drawn v, w",
            description="A with ρ_1(A) < 1 (order 1), τ = τ*(ρ) exact; v = w + t·(a circuit of ker A) + a small "
            "perturbation: (45) with the derived C, D in interval arithmetic",
            instances=robust_recovery_inequality_instances,
            slack=_interval_slack(_audit_robust_recovery_inequality),
            slack_doc="(right - left)/|right| of (45)",
            max_budget=EXACT_SEARCH_MAX_BUDGET,
        ),
    ),
    audit=Audit(
        spec=ROBUST_RECOVERY_SPEC,
        evaluate=_audit_robust_recovery_inequality,
        example={
            "A": [["1", "15/17", "3/5", "0", "-3/5", "-15/17"], ["0", "8/17", "4/5", "1", "4/5", "8/17"]],
            "params": {"v": ["1", "0", "0", "1/4", "0", "0"], "w": ["1", "0", "0", "0", "0", "0"]},
        },
        description="(45) with ρ = ρ_1(A), τ = τ*(ρ) and the derived C, D, in interval arithmetic",
    ),
)


declare(
    id="mil.eq12",
    expected=Verdict.INCONCLUSIVE,
    checks=(
        GaussianTrend(
            name="Gaussian draws at (12)",
            description="the stable NSP constant ρ_1(A) (float LPs) of N(0, 1/M) draws at (12) with constant 1, "
            "M = ⌈ρ^-2 log(eN)⌉, s = 1, for ρ = 7/10 and 3/5 and N = 16, 32; 'w.h.p. under (12)' with a fixed "
            "constant needs the upper quantile of ρ_1(A) not to grow with N",
            families=EQ12_FAMILIES,
            statistic=stable_nsp_constant_float,
            statistic_doc="ρ_1(A) = max_i max{v_i : Av = 0, ‖v_-i‖₁ <= 1} by HiGHS",
            draws=EQ12_DRAWS,
            thresholds=(0.7, 0.6),
        ),
        UncheckedPart(
            "the asymptotic statement",
            "(12) says 'M ≳ ρ^-2 s log(eN/s)' with an unspecified absolute constant, a statement as N → ∞ that no "
            "finite set of draws can fail: what would decide it is the explicit constant of the cited result "
            "(the Gaussian stable-NSP theorem of [10, Ch. 9]) or a proof; the measurement only says how (12) "
            "behaves at constant 1 for N <= 32",
        ),
    ),
)

declare(
    id="mil.sec1.literature",
    expected=Verdict.INCONCLUSIVE,
    findings=(
        r"What is computable is derived: the coherence condition $(2s-1)\mu<1$ with the Welch bound forces "
        r"$M(N-1)\ge(2s-1)^2(N-M)$, i.e. $M\gtrsim s^2$ for $N\ge2M$. The claim 'our result reduces the number "
        r"of measurements to the optimal one' rests on Corollary 1.3 and Theorem 1.4, which fail as stated "
        r"(mil.cor1.3, mil.thm1.4): their error bounds do not hold at the flow's limit.",
    ),
    checks=(
        SymbolicCheck(
            "coherence needs M ≳ s²",
            "(2s-1)μ < 1 and the Welch bound μ² >= (N-M)/(M(N-1)) give (2s-1)²(N-M) <= M(N-1) (slack form)",
            coherence_sample_complexity.coherence_needs_quadratic_measurements,
        ),
        UncheckedPart(
            "the literature comparison",
            "the sample complexities of [18] (coherence), [27] (δ_s <= c/√s needing M ≳ s² log(N/s)) and [26] "
            "(O(r²n) for matrix sensing) are theorems of those papers and of [10]'s lower bounds for the RIP, "
            "none of which is in this project's corpus; deciding them needs those statements (their conditions "
            "and constants)",
        ),
    ),
)
