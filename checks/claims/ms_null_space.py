"""Matt–Stöger §II–III: Assumption II.1, the objects 𝒮, κ*, 𝒩, the constants ϱ (II.1), ϱ̃, ϱ⁻
(II.2), Lemma III.1, (III.6), the introduction's rates and the remark on the size of ϱ.

Each is checked on drawn designs (A, y) (``checks.flow_strategies_ms``) in exact rational
arithmetic, by comparing the toolkit's LP-based computation (``numerics.null_space_constants``,
which every ms theorem's hypotheses use) with an independent one from the definitions alone
(``numerics.ms_vertex_constants``: the vertices of S₊ and of 𝒩's normalized polytope), or by
deciding the stated property exactly.  A property search (``checks.property``) drives the
draws; every instance is decided exactly, so a violation is a counterexample without a margin
of error.  Exact decisions on drawn instances are evidence, not proof: the verdict is at most
*supported*.
"""

from __future__ import annotations

import functools
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar

from dlncheck.checks.audit import HOLDS, UNDECIDED, VIOLATED, Audit, AuditResult, Relation
from dlncheck.checks.claim import Kind, declare
from dlncheck.checks.flow_strategies_ms import assumption_instances, design_constants, design_instances
from dlncheck.checks.instances import InstanceError, InstanceSpec
from dlncheck.checks.property import EXACT_SEARCH_MAX_BUDGET, PropertyCheck
from dlncheck.checks.verdicts import CheckResult, Verdict

if TYPE_CHECKING:
    from dlncheck.checks.claim import Claim
    from dlncheck.checks.context import RunContext

_KINDS = {
    "definition": Kind.DEFINITION,
    "existence/convergence": Kind.CONVERGENCE,
    "asymptotic": Kind.ASYMPTOTIC,
}

SPEC = InstanceSpec(needs=frozenset({"A", "y"}))
EXAMPLE = {"A": [["21", "20", "0"], ["1", "0", "-10"]], "y": ["41", "1"]}  # ms.thm2.2b's 2 x 3 design


# ----------------------------------------------------------------------------- exact evaluations


@dataclass(frozen=True)
class Evaluation:
    """One design decided exactly: the relations, the hypotheses, and the normalized slack
    (>= 0 iff every relation holds; for strict relations a value of exactly 0 is a violation)."""

    quantities: tuple[tuple[str, Any], ...]
    relations: tuple[Relation, ...]
    hypotheses: tuple[Relation, ...] = ()
    slack: Fraction | None = None
    notes: tuple[str, ...] = ()


def equal(left_name: str, right_name: str, left: Any, right: Any) -> Relation:
    """Exact equality of two values (numbers, tuples, booleans); None on a side: undecided."""
    if left is None or right is None:
        return Relation(left_name, "=", right_name, None, UNDECIDED)
    same = left == right
    return Relation(left_name, "=", right_name, Fraction(0 if same else 1), HOLDS if same else VIOLATED)


def at_most(
    left_name: str, right_name: str, left: Fraction, right: Fraction, strict: bool = False
) -> Relation:
    """left <= right (or left < right) exactly; the margin is right - left."""
    margin = right - left
    ok = margin > 0 if strict else margin >= 0
    name = right_name + (" (strictly)" if strict else "")
    return Relation(left_name, "<=", name, margin, HOLDS if ok else VIOLATED)


def holds(name: str, value: bool) -> Relation:
    """A property decided exactly (margin 0 when it holds, -1 when it does not)."""
    return Relation(name, "=", "true", Fraction(0 if value else -1), HOLDS if value else VIOLATED)


def equality_slack(relations: tuple[Relation, ...]) -> Fraction:
    return Fraction(0) if all(r.status == HOLDS for r in relations) else Fraction(-1)


def _matrix(A) -> tuple[tuple[Fraction, ...], ...]:
    return tuple(tuple(Fraction(v) for v in row) for row in A)


@functools.lru_cache(maxsize=16384)
def _vertex_constants(A: tuple, y: tuple):
    from dlncheck.numerics.ms_vertex_constants import ms_constants_by_vertices

    return ms_constants_by_vertices(A, y)


def assumption_hypothesis(A: tuple, y: tuple) -> Relation:
    """ms Assumption II.1, decided by vertex enumeration (a hypothesis of the claims below)."""
    v = _vertex_constants(A, y)
    return holds("Assumption II.1 (a), (b), (c) by vertex enumeration", v.assumption_holds)


def _tool_minimizer_unique(constants) -> bool | None:
    if constants.hypotheses is None:
        return None
    return {"certified": True, "refuted": False}.get(constants.hypotheses.unique_minimizer.status)


def _slack_of(relations) -> Fraction:
    return equality_slack(relations)


# ms.assump2.1 -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=16384)
def evaluate_assumption(A: tuple, y: tuple) -> Evaluation:
    """Assumption II.1 (a), (b), (c) as decided by ``numerics.null_space_constants`` (the
    hypotheses of every ms theorem here) against the definitions by vertex enumeration."""
    from dlncheck.numerics.sparse_recovery import InfeasibleSystemError

    v = _vertex_constants(A, y)
    try:
        tool = design_constants(A, y)
    except InfeasibleSystemError as exc:  # S₊ = ∅ (an exact Farkas vector): (b) and (c) fail
        relations = (
            holds("S+ empty by the toolkit's Farkas vector, and no vertex of S+", not v.feasible),
            equal("(b) and (c), toolkit", "(b) and (c) by vertex enumeration", (False, False),
                  (v.two_feasible_points, v.unique_minimizer)),
        )  # fmt: skip
        notes = (f"toolkit: {exc}",)
        return Evaluation((), relations, slack=_slack_of(relations), notes=notes)
    h = tool.hypotheses
    unique = _tool_minimizer_unique(tool)
    relations = [
        equal("(a) y != 0, toolkit", "(a) by definition", h.y_nonzero if h else None, v.y_nonzero),
        equal("(b) two points of S+, toolkit", "(b) by vertex enumeration", h.two_feasible_points if h else None,
              v.two_feasible_points),
        equal("(c) unique l1 minimizer, toolkit", "(c) by vertex enumeration", unique, v.unique_minimizer),
    ]  # fmt: skip
    if v.unique_minimizer and unique:
        relations.append(
            equal("x*, toolkit (certified LP)", "x*, by vertex enumeration", tool.minimizer, v.minimizer)
        )
    quantities = (
        ("(a), (b), (c) by vertex enumeration (1 = true)", tuple(int(b) for b in (v.y_nonzero, v.two_feasible_points,
                                                                               v.unique_minimizer))),
    )  # fmt: skip
    notes = (f"toolkit: {h.message if h else tool.message}",)
    return Evaluation(quantities, tuple(relations), slack=_slack_of(relations), notes=notes)


# ms.def.consts ------------------------------------------------------------------------------


def _in_normalized_cone(A: tuple, n: tuple[Fraction, ...], complement: tuple[int, ...]) -> bool:
    """n ∈ 𝒩 with ‖n_𝒮ᶜ‖₁ = 1: An = 0, n_𝒮ᶜ >= 0, Σ_𝒮ᶜ n_j = 1 (exactly)."""
    kernel = all(sum((a * x for a, x in zip(row, n, strict=True)), Fraction(0)) == 0 for row in A)
    return kernel and all(n[j] >= 0 for j in complement) and sum(n[j] for j in complement) == 1


@functools.lru_cache(maxsize=16384)
def evaluate_objects(A: tuple, y: tuple) -> Evaluation:
    """𝒮, 𝒮ᶜ, κ*, 𝒩 as the toolkit computes them (the support of its certified ℓ1 minimizer, its
    normalized cone P and the witnesses it certifies there) against the definitions."""
    v = _vertex_constants(A, y)
    hypotheses = (assumption_hypothesis(A, y),)
    if not v.assumption_holds:
        return Evaluation((), (), hypotheses)
    tool = design_constants(A, y)
    d = len(A[0])
    S = tool.support
    Sc = tuple(j for j in range(d) if j not in set(S))
    kappa = max(tool.minimizer[i] for i in S) / min(tool.minimizer[i] for i in S) if S else None
    relations = [
        equal("S, toolkit", "S = {i : x*_i != 0}", S, v.support),
        equal("S^c, toolkit", "S^c = [d] minus S", Sc, v.complement),
        equal(
            "kappa_*, from the toolkit's x*", "max_S x*_i / min_S x*_i, by vertex enumeration", kappa, v.kappa
        ),
    ]
    if tool.exist:
        for constant in (tool.rho, tool.rho_tilde, tool.rho_minus):
            if constant.witness is not None:
                relations.append(
                    holds(f"the toolkit's witness for {constant.name} lies in N, normalized",
                          _in_normalized_cone(A, constant.witness, Sc))
                )  # fmt: skip
    relations.append(holds("every vertex of N's normalized polytope lies in N", all(
        _in_normalized_cone(A, n, v.complement) for n in v.cone_vertices)))  # fmt: skip
    quantities = (("S", S), ("kappa_*", kappa), ("vertices of N's normalized polytope", len(v.cone_vertices)))
    return Evaluation(quantities, tuple(relations), hypotheses, slack=_slack_of(relations))


# ms.eqII.1, ms.eqII.2 ----------------------------------------------------------------------------


def _constants_evaluation(A: tuple, y: tuple, names: tuple[str, ...]) -> Evaluation:
    v = _vertex_constants(A, y)
    hypotheses = (assumption_hypothesis(A, y),)
    if not v.assumption_holds:
        return Evaluation((), (), hypotheses)
    tool = design_constants(A, y)
    relations, quantities = [], []
    for name in names:
        constant = getattr(tool, name)
        exact = constant.exact if constant is not None else None
        index = ("rho", "rho_tilde", "rho_minus").index(name)
        by_vertices = (v.rho, v.rho_tilde, v.rho_minus)[index]
        relations.append(
            equal(f"{name}, toolkit (LP, exact bounds)", f"{name}, max over the vertices", exact, by_vertices)
        )
        if constant is not None and constant.witness is not None and exact is not None:
            attained = v.ratios(constant.witness)[index]
            relations.append(equal(f"ratio at the toolkit's witness for {name}", f"{name}", attained, exact))
        quantities.append((name, by_vertices))
    return Evaluation(tuple(quantities), tuple(relations), hypotheses, slack=_slack_of(relations))


@functools.lru_cache(maxsize=16384)
def evaluate_rho(A: tuple, y: tuple) -> Evaluation:
    """(II.1): ϱ by the toolkit's one LP over P = 𝒩 ∩ {Σ_𝒮ᶜ n = 1} against the maximum of the
    ratio over P's vertices."""
    return _constants_evaluation(A, y, ("rho",))


@functools.lru_cache(maxsize=16384)
def evaluate_rho_tilde_minus(A: tuple, y: tuple) -> Evaluation:
    """(II.2): ϱ̃ and ϱ⁻ by the toolkit's 2^|𝒮| LPs against the maxima over P's vertices."""
    return _constants_evaluation(A, y, ("rho_tilde", "rho_minus"))


# ms.lem3.1 ----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=16384)
def evaluate_lemma_iii1(A: tuple, y: tuple) -> Evaluation:
    """Lemma III.1's conclusions from the definitions (vertex enumeration), exactly."""
    v = _vertex_constants(A, y)
    hypotheses = (assumption_hypothesis(A, y),)
    if not v.assumption_holds:
        return Evaluation((), (), hypotheses)
    relations = [
        holds("(i) S nonempty", bool(v.support)),
        holds("(i) S^c nonempty", bool(v.complement)),
        holds("(i) N != {0}", bool(v.cone_vertices)),
        holds("(i) n_Sc != 0 for n in N minus {0} (ker A_S = {0})", bool(v.kernel_of_A_S_trivial)),
    ]
    if v.rho is not None:
        witnesses = [v.witness(k) for k in range(3)]
        relations += [
            at_most("(ii) rho", "1", v.rho, Fraction(1), strict=True),
            at_most("(ii) 0", "rho~", Fraction(0), v.rho_tilde),
            at_most("(ii) 0", "rho^-", Fraction(0), v.rho_minus),
            holds("(ii) the suprema are attained (at vertices of the bounded polytope P)",
                  all(v.ratios(w)[k] == c for k, (w, c) in enumerate(zip(witnesses, (v.rho, v.rho_tilde, v.rho_minus), strict=True)))),
        ]  # fmt: skip
    ok = all(r.status == HOLDS for r in relations)
    slack = (1 - v.rho) if ok and v.rho is not None else Fraction(-1)
    quantities = (("rho, rho~, rho^-", (v.rho, v.rho_tilde, v.rho_minus)), ("S", v.support))
    return Evaluation(quantities, tuple(relations), hypotheses, slack=slack)


# ms.eqIII.6 ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=16384)
def evaluate_iii6(A: tuple, y: tuple) -> Evaluation:
    """(III.6): the toolkit's certified maximizer m for ϱ has m ∈ ker A, m_𝒮ᶜ >= 0, m_𝒮ᶜ != 0 and
    −Σ_𝒮 m_i = ϱ‖m_𝒮ᶜ‖₁ with ϱ from the vertices (independent of the LP)."""
    v = _vertex_constants(A, y)
    hypotheses = (assumption_hypothesis(A, y),)
    if not v.assumption_holds:
        return Evaluation((), (), hypotheses)
    tool = design_constants(A, y)
    m = tool.rho.witness if tool.rho is not None else None
    if m is None:
        return Evaluation((), (Relation("m", "=", "a certified maximizer", None, UNDECIDED),), hypotheses)
    S, Sc = v.support, v.complement
    relations = (
        holds("A m = 0", all(sum((a * x for a, x in zip(row, m, strict=True)), Fraction(0)) == 0 for row in A)),
        holds("m_Sc >= 0", all(m[j] >= 0 for j in Sc)),
        holds("m_Sc != 0", any(m[j] != 0 for j in Sc)),
        equal("-sum_S m_i", "rho ||m_Sc||_1", -sum((m[i] for i in S), Fraction(0)),
              v.rho * sum((m[j] for j in Sc), Fraction(0))),
    )  # fmt: skip
    return Evaluation((("m", m), ("rho", v.rho)), relations, hypotheses, slack=_slack_of(relations))


# ms.intro.rates -----------------------------------------------------------------------------


@functools.lru_cache(maxsize=16384)
def evaluate_rate_exponent(A: tuple, y: tuple) -> Evaluation:
    """Sec. I: "(I.2) converges with rate α^{1−ϱ}, where ϱ ∈ (0, 1)": ϱ exactly, against (0, 1)."""
    v = _vertex_constants(A, y)
    hypotheses = (assumption_hypothesis(A, y),)
    if not v.assumption_holds:
        return Evaluation((), (), hypotheses)
    tool = design_constants(A, y)
    rho = tool.rho.exact if tool.rho is not None else None
    if rho is None:  # the toolkit did not certify ϱ (ms.assump2.1 and ms.eqII.1 say where)
        return Evaluation((), (Relation("rho", "=", "an exact value", None, UNDECIDED),), hypotheses)
    relations = (
        at_most("0", "rho", Fraction(0), rho, strict=True),
        at_most("rho", "1", rho, Fraction(1), strict=True),
    )
    return Evaluation((("rho", rho),), relations, hypotheses, slack=min(rho, 1 - rho))


# ----------------------------------------------------------------------------- checks and audits


def exact_audit(claim_id: str, evaluate: Callable[[tuple, tuple], Evaluation], description: str) -> Audit:
    """The claim's audit at an instance {"A", "y"}, in exact rational arithmetic."""

    def run(instance, dps: int) -> AuditResult:
        from dlncheck.numerics.basic_solutions import TooManyBasesError

        try:
            ev = evaluate(_matrix(instance.A), tuple(instance.y))
        except TooManyBasesError as exc:
            raise InstanceError(f"{exc}; give a smaller A") from None
        return AuditResult(claim_id, None, ev.quantities, ev.relations, ev.hypotheses, ev.slack, ev.notes)

    return Audit(spec=SPEC, evaluate=run, example=EXAMPLE, description=description, exact=True)


def exact_search(evaluate: Callable[[tuple, tuple], Evaluation], instances, description: str, slack_doc: str):
    """A property search whose every instance is decided exactly (``checks.property``)."""

    def slack(instance) -> float:
        ev = evaluate(_matrix(instance.A), tuple(instance.y))
        if ev.slack is None:
            return math.nan
        # A strict relation that fails at equality has slack exactly 0: report it as negative so
        # that the search re-audits the instance (its exact audit then finds it violated).
        if ev.slack == 0 and any(r.status == VIOLATED for r in ev.relations):
            return -math.ulp(0.0)
        return float(ev.slack)

    return PropertyCheck(
        name="exact instance search",
        description=description,
        instances=instances,
        slack=slack,
        slack_doc=slack_doc,
        max_budget=EXACT_SEARCH_MAX_BUDGET,
    )


# ----------------------------------------------------------------------------- ms.rem.rho


# The remark's words, read as numbers (a remark on "often" and "close to" has no sharp form):
# "ϱ is often substantially smaller than 1" (noiseless, highly sparse x*): the median of ϱ over
# the ensemble is at most NOISELESS_MEDIAN_CEILING; "with noise ϱ is close to 1": the median is at
# least NOISY_MEDIAN_FLOOR; "ϱ ≲ sqrt(s log(d/s)/N)": ϱ over that rate is at most RATE_RATIO_CEILING
# on every noiseless draw (a constant of order one; the printed N inside the log is read as d,
# the ambient dimension: findings).
NOISELESS_MEDIAN_CEILING = 0.5
NOISY_MEDIAN_FLOOR = 0.8
RATE_RATIO_CEILING = 2.0
# (N measurements, d unknowns, s nonzeros) of the Gaussian ensembles, N(0, 1/N) entries; x* has
# entries uniform in [1/2, 2]; the noisy designs add N(0, NOISE_LEVEL²) to y.
NOISELESS_SHAPES = ((10, 30, 1), (10, 30, 2), (20, 60, 2), (20, 60, 4))
NOISY_SHAPES = ((10, 30, 1), (20, 60, 2), (30, 90, 3))
NOISE_LEVEL = 0.05
DRAWS_PER_SHAPE = 8


def gaussian_design(rng, N: int, d: int, s: int, noise: float) -> tuple[tuple, tuple]:
    """A ~ N(0, 1/N) (float64 values taken exactly), y = A x* exactly (+ float64 noise, exactly)."""
    A = rng.standard_normal((N, d)) / math.sqrt(N)
    x = [0.0] * d
    for j in rng.choice(d, s, replace=False):
        x[int(j)] = float(rng.uniform(0.5, 2.0))
    A_exact = tuple(tuple(Fraction(float(v)) for v in row) for row in A)
    y = [sum((a * Fraction(xj) for a, xj in zip(row, x, strict=True)), Fraction(0)) for row in A_exact]
    if noise:
        y = [v + Fraction(float(e)) for v, e in zip(y, rng.standard_normal(N) * noise, strict=True)]
    return A_exact, tuple(y)


def exact_rho(A: tuple, y: tuple) -> tuple[Fraction, tuple[int, ...]] | None:
    """(ϱ, 𝒮) exactly where Assumption II.1 holds and ϱ is certified, else None (S₊ = ∅ included)."""
    from dlncheck.numerics.null_space_constants import UndefinedConstantError, rho
    from dlncheck.numerics.sparse_recovery import (
        InfeasibleSystemError,
        certify_l1_minimizer,
        l1_uniqueness,
        linear_system,
    )

    system = linear_system([list(r) for r in A], list(y))
    try:
        certificate = certify_l1_minimizer(system, positive=True)
    except InfeasibleSystemError:  # noise can take y out of A's positive cone: S₊ = ∅
        return None
    if not certificate.certified or l1_uniqueness(system, certificate=certificate).status != "certified":
        return None
    try:
        value = rho(system, certificate.support)
    except UndefinedConstantError:
        return None
    return (value.exact, certificate.support) if value.certified else None


@dataclass(frozen=True)
class GaussianRhoEnsemble:
    """ϱ computed exactly on Gaussian designs, noiseless and noisy, against the remark's words
    (the constants above).  A remark about what happens "often" has no single counterexample:
    when the ensemble disagrees, the check is inconclusive and says by how much."""

    name: str
    description: str
    kind: ClassVar[str] = "ensemble"

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "description": self.description}

    def run(self, claim: Claim, ctx: RunContext) -> CheckResult:
        import numpy as np

        start = time.perf_counter()
        rng = np.random.default_rng(ctx.seed)
        noiseless, noisy, ratios, skipped = [], [], [], 0
        for shapes, noise, out in ((NOISELESS_SHAPES, 0.0, noiseless), (NOISY_SHAPES, NOISE_LEVEL, noisy)):
            for N, d, s in shapes:
                for _ in range(DRAWS_PER_SHAPE):
                    found = exact_rho(*gaussian_design(rng, N, d, s, noise))
                    if found is None:
                        skipped += 1
                        continue
                    value, _ = found
                    out.append(value)
                    if not noise:
                        ratios.append((float(value) / math.sqrt(s * math.log(d / s) / N), N, d, s))
                ctx.note(f"{self.name}: {len(noiseless) + len(noisy)} designs")
        median_clean = statistics.median(float(v) for v in noiseless)
        median_noisy = statistics.median(float(v) for v in noisy)
        worst = max(ratios)
        evidence = {
            "seed": ctx.seed,
            "noiseless_rho": [str(v) if v.denominator < 10**6 else float(v) for v in noiseless],
            "noisy_rho": [float(v) for v in noisy],
            "median_noiseless": median_clean,
            "median_noisy": median_noisy,
            "max_rho_over_rate": worst[0],
            "max_at_N_d_s": worst[1:],
            "skipped_outside_assumption": skipped,
            "wall_s": time.perf_counter() - start,
        }
        ok = median_clean <= NOISELESS_MEDIAN_CEILING and median_noisy >= NOISY_MEDIAN_FLOOR
        ok = ok and worst[0] <= RATE_RATIO_CEILING
        summary = (
            f"{len(noiseless)} noiseless and {len(noisy)} noisy Gaussian designs, ϱ exact: median "
            f"{median_clean:.3f} noiseless (<= {NOISELESS_MEDIAN_CEILING}?), {median_noisy:.3f} with noise "
            f"(>= {NOISY_MEDIAN_FLOOR}?); max ϱ/sqrt(s log(d/s)/N) = {worst[0]:.3f} at (N, d, s) = {worst[1:]} "
            f"(<= {RATE_RATIO_CEILING}?); {skipped} draws outside Assumption II.1 skipped"
        )
        verdict = Verdict.SUPPORTED if ok else Verdict.INCONCLUSIVE
        return CheckResult(self.name, self.kind, verdict, summary, evidence)


# ----------------------------------------------------------------------------- declarations

_SEARCH = "on drawn designs (checks.flow_strategies_ms: general, one-row, nearly parallel, zero and opposite columns)"

declare(
    id="ms.assump2.1",
    expected=Verdict.SUPPORTED,
    checks=(
        exact_search(
            evaluate_assumption,
            design_instances,
            "Assumption II.1 (a), (b), (c) and x* as the toolkit decides them (certified LPs, the hypotheses of every "
            "ms theorem here) against the definitions by vertex enumeration of S₊, "
            + _SEARCH
            + ", unfiltered",
            "0 when the toolkit's decisions equal the definitions', -1 otherwise",
        ),
    ),
    audit=exact_audit(
        "ms.assump2.1", evaluate_assumption, "Assumption II.1 by the toolkit and by vertex enumeration"
    ),
)

declare(
    id="ms.def.consts",
    expected=Verdict.SUPPORTED,
    checks=(
        exact_search(
            evaluate_objects,
            assumption_instances,
            "S, S^c, κ* and N as the toolkit computes them against the definitions (vertex enumeration), "
            + _SEARCH
            + " satisfying Assumption II.1",
            "0 when every object agrees, -1 otherwise",
        ),
    ),
    audit=exact_audit(
        "ms.def.consts", evaluate_objects, "S, S^c, κ*, N by the toolkit and by the definitions"
    ),
)

declare(
    id="ms.eqII.1",
    expected=Verdict.SUPPORTED,
    checks=(
        exact_search(
            evaluate_rho,
            assumption_instances,
            "ϱ of (II.1) by the toolkit's LP (normalized Σ_Sc n_i = 1, exact primal and dual bounds) against the "
            "maximum of the ratio over the vertices of N's normalized polytope, " + _SEARCH,
            "0 when the two values are equal and the LP's witness attains it, -1 otherwise",
        ),
    ),
    audit=exact_audit("ms.eqII.1", evaluate_rho, "ϱ by LP and by vertex enumeration"),
)

declare(
    id="ms.eqII.2",
    expected=Verdict.SUPPORTED,
    checks=(
        exact_search(
            evaluate_rho_tilde_minus,
            assumption_instances,
            "ϱ̃ and ϱ⁻ of (II.2) by the toolkit's 2^|S| LPs against the maxima of the convex ratios over the "
            "vertices of N's normalized polytope, " + _SEARCH,
            "0 when the values are equal and the witnesses attain them, -1 otherwise",
        ),
    ),
    audit=exact_audit("ms.eqII.2", evaluate_rho_tilde_minus, "ϱ̃, ϱ⁻ by LPs and by vertex enumeration"),
)

declare(
    id="ms.lem3.1",
    expected=Verdict.SUPPORTED,
    checks=(
        exact_search(
            evaluate_lemma_iii1,
            assumption_instances,
            "Lemma III.1 (i)-(ii) decided exactly from the definitions (vertex enumeration) "
            + _SEARCH
            + " satisfying Assumption II.1",
            "1 - ϱ when every conclusion holds (how close ϱ comes to 1), -1 otherwise",
        ),
    ),
    audit=exact_audit("ms.lem3.1", evaluate_lemma_iii1, "Lemma III.1's conclusions by vertex enumeration"),
)

declare(
    id="ms.eqIII.6",
    expected=Verdict.SUPPORTED,
    checks=(
        exact_search(
            evaluate_iii6,
            assumption_instances,
            "the toolkit's certified maximizer m of ϱ against (III.6) with ϱ from the vertices, exactly, "
            + _SEARCH,
            "0 when m satisfies (III.6), -1 otherwise",
        ),
    ),
    audit=exact_audit("ms.eqIII.6", evaluate_iii6, "(III.6) at the toolkit's maximizer"),
)

declare(
    id="ms.intro.rates",
    expected=Verdict.REFUTED,
    findings=(
        r"False statement in the introduction: $\varrho\in(0,1)$. Lemma III.1 gives $-\infty<\varrho<1$, and "
        r"$\varrho\le0$ occurs under Assumption II.1: $A=(1,-1)$, $y=1$ has $x^*=(1,0)$, $\mathcal N=\{t(1,1)\}$, "
        r"$\varrho=-1$ (exact), and $\|x^\infty(\alpha)-x^*\|_1=2t$ with $t(1+t)=\alpha^2$, rate "
        r"$\alpha^2=\alpha^{1-\varrho}$; a zero column off the support gives $\varrho=0$ (the search's stored "
        r"counterexample: $A=(\frac14,0)$, $y=\frac1{16}$, $\varrho=0$ exactly, outside the open interval). The "
        r"abstract's $\varrho<1$ is right; the theorems do not use $\varrho>0$.",
        r"Misprint: '(I.1) converges to 0 with rate $\mathcal O(\log(1/\alpha))$': $\log(1/\alpha)\to\infty$ as "
        r"$\alpha\to0$, so this is no rate. The cited bound of [6] (krr Theorem 2: "
        r"$\|\beta_\alpha\|_1\le(1+\epsilon)\|\beta^*\|_1$ once $\alpha\le\exp(-d/(\epsilon\|\beta^*\|_1))$) gives "
        r"$\mathcal O(1/\log(1/\alpha))$.",
    ),
    checks=(
        exact_search(
            evaluate_rate_exponent,
            assumption_instances,
            "ϱ (exact, the toolkit's certified LP) against the introduction's ϱ ∈ (0, 1), "
            + _SEARCH
            + " satisfying Assumption II.1",
            "min(ϱ, 1 - ϱ) (a value of exactly 0 violates the open interval)",
        ),
    ),
    audit=exact_audit("ms.intro.rates", evaluate_rate_exponent, "ϱ against (0, 1), exactly"),
)

declare(
    id="ms.rem.rho",
    expected=Verdict.SUPPORTED,
    findings=(
        r"Notation slip: the printed $\sqrt{s\log(N/s)/N}$ has the number of measurements $N$ inside the "
        r"logarithm; it vanishes at $N=s$, where $\varrho>0$ occurs (e.g. $A=(1,2,3)$, $y=2$: $N=s=1$, "
        r"$\varrho=\frac23$). In [10]'s notation ($m$ measurements, $N$ unknowns) the rate reads "
        r"$\sqrt{s\log(d/s)/N}$ in ms's; the Gaussian ensembles are checked against that form.",
    ),
    checks=(
        GaussianRhoEnsemble(
            "Gaussian ensembles",
            "ϱ computed exactly (certified LP) on seeded Gaussian designs, N(0, 1/N) entries, (N, d, s) in "
            f"{NOISELESS_SHAPES} noiseless and {NOISY_SHAPES} with noise {NOISE_LEVEL}: median ϱ "
            f"<= {NOISELESS_MEDIAN_CEILING} noiseless, >= {NOISY_MEDIAN_FLOOR} with noise, "
            f"ϱ/sqrt(s log(d/s)/N) <= {RATE_RATIO_CEILING}",
        ),
    ),
)
