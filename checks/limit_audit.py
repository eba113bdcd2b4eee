"""Claims about a gradient flow's limit, decided at one flow instance from the limit itself.

A :class:`LimitBound` is a claim ``left <= right`` whose sides are functions of a flow's limit
and of the instance (A, y, L, the initialization).  It is audited on an instance file of
``dlncheck flow``'s format (``checks.flow_instances``):

1. the claim's hypotheses are checked exactly on the instance (a failed one is an input error
   that names it, with its value);
2. the limit is the paper's characterization of it (the Bregman projection of
   ``FlowInstance.projection``), computed at D digits by ``numerics.bregman_projection.refine``
   and certified by its Krawczyk test: the enclosure is rigorous, so both sides are evaluated
   in interval arithmetic from it and a violation is certified;
3. the result is an :class:`~checks.audit.AuditResult` (holds / violated / undecided) with the
   normalized slack (right - left)/|right|.

:class:`LimitSearch` is the property check over such instances: hypothesis draws them
(``checks.flow_strategies``), the slack is evaluated from the float64 projection and pushed
down with ``target``, and a negative or unavailable float64 slack is re-audited on the
escalation ladder, so only a certified margin refutes (``checks.property``).

The limit being the projection is the papers' own theorem (mil Theorem 2.2 for the positive
model); ``dlncheck flow --method both`` and ``tests/test_flow_limits*.py`` integrate the flows
to the same limits.  A bound decided here is therefore decided *at the characterized limit*.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from dlncheck.checks.audit import (
    ESCALATION_DPS,
    UNDECIDED,
    Audit,
    AuditResult,
    Relation,
    decide,
    escalate_evaluation,
)
from dlncheck.checks.errors import InstanceError
from dlncheck.checks.property import PropertyCheck
from dlncheck.checks.verdicts import CheckResult, Verdict
from dlncheck.numerics import enclosures
from dlncheck.numerics.enclosures import ball_precision

if TYPE_CHECKING:
    from dlncheck.checks.claim import Claim
    from dlncheck.checks.context import RunContext
    from dlncheck.checks.flow_instances import FlowInstance


# Error model of a side evaluated at the float64 projection (for the search's steering only;
# verdicts come from the certified limit).  The projection stops at a relative residual of
# ~1e-13: entries of the limit that are exactly 0 come out ~1e-13 of the largest (signed
# limits cancel ũ - ṽ there), and the small entries off the ℓ1 support carry relative errors up
# to ~1e-5 (measured: 1.6e-6 in the slack of mil (16)).  So a side's error is at most about
# FLOAT_LEFT_RELATIVE_ERROR of itself plus FLOAT_LIMIT_ERROR of ‖x̃∞‖₁; where that exceeds
# FLOAT_SLACK_UNCERTAINTY of the right side, float64 cannot tell the slack, and says NaN.
FLOAT_LEFT_RELATIVE_ERROR = 1e-4
FLOAT_LIMIT_ERROR = 1e-12
FLOAT_SLACK_UNCERTAINTY = 1e-4


@dataclass(frozen=True)
class LimitValue:
    """The limit at an instance: float64 values, or python-flint balls (certified)."""

    values: tuple[Any, ...]
    certified: bool
    message: str


def solution_set_hypothesis(theorem: str, set_name: str) -> Callable[[FlowInstance], None]:
    """The hypotheses of a theorem about a flow's limit whose only non-structural one is that
    its solution set (S₊ or S) is not empty: decided exactly, the failure named."""

    def hypotheses(instance: FlowInstance) -> None:
        """L >= 2 and positive initializations are enforced by the instance format; the
        solution set's non-emptiness is decided exactly (a Farkas or range certificate)."""
        from dlncheck.checks.flow_command import require_solvable

        try:
            require_solvable(instance)
        except InstanceError as exc:
            raise InstanceError(f"hypothesis {set_name} ≠ ∅ of {theorem} fails: {exc}") from None

    return hypotheses


@dataclass(frozen=True)
class LimitBound:
    """A claim ``left <= right`` about the limit of the flows of ``models``.

    ``hypotheses(instance)`` raises :class:`InstanceError` naming the first hypothesis of the
    claim the instance violates (checked exactly).  ``sides(instance, limit, exact_l1)`` returns
    (left, right) from the limit's values, in whatever arithmetic they come in (float64, or
    python-flint balls under :func:`ball_precision`).
    """

    claim_id: str
    models: tuple[str, ...]
    left_name: str
    right_name: str
    hypotheses: Callable[[FlowInstance], None]
    sides: Callable[[FlowInstance, tuple[Any, ...], bool], tuple[Any, Any]]
    description: str
    # Where the limit is that of another flow than the instance's own (e.g. mil's signed flow as
    # the positive flow of [A, -A], whose limit is the pair (ũ∞, ṽ∞)): that flow's instance.
    limit_of: Callable[[FlowInstance], FlowInstance] | None = None

    def limit_instance(self, instance: FlowInstance) -> FlowInstance:
        return instance if self.limit_of is None else self.limit_of(instance)

    def parse(self, data: Any) -> FlowInstance:
        # imported here: the flow machinery (SciPy's LP among it) loads only when a limit is audited
        from dlncheck.checks.flow_files import parse_flow_instance
        from dlncheck.checks.flow_instances import FlowInstance

        if isinstance(data, dict) and "claim" in data:  # stored counterexamples name their claim
            if data["claim"] != self.claim_id:
                raise InstanceError(f"the instance is for claim {data['claim']!r}, not {self.claim_id!r}")
            data = {key: value for key, value in data.items() if key != "claim"}
        instance = parse_flow_instance(data)
        if not isinstance(instance, FlowInstance) or instance.model not in self.models:
            model = data.get("model") if isinstance(data, dict) else None
            raise InstanceError(
                f"{self.claim_id} speaks of the flow(s) {', '.join(self.models)}, not {model!r}"
            )
        self.hypotheses(instance)
        return instance

    def evaluate(self, instance: FlowInstance, dps: int) -> AuditResult:
        """Both sides at the limit certified at ``dps`` digits, in interval arithmetic."""
        limit = certified_limit(self.limit_instance(instance), dps)
        with ball_precision(dps):
            if not limit.certified:
                left = right = None
            else:
                left, right = self.sides(instance, limit.values, True)
            if left is None:
                relation = Relation(self.left_name, "<=", self.right_name, None, UNDECIDED)
                note = f"the limit could not be certified at {dps} digits: {limit.message}"
                return AuditResult(self.claim_id, dps, (), (relation,), notes=(note,))
            relation = decide(self.left_name, "<=", self.right_name, left, right)
            slack = (right - left) / abs(right) if not _contains_zero(right) else None
            quantities = (
                ("limit (certified)", tuple(limit.values)),
                (self.left_name, left),
                (self.right_name, right),
            )
        return AuditResult(self.claim_id, dps, quantities, (relation,), slack=slack, notes=(limit.message,))

    def float_slack(self, instance: FlowInstance) -> float:
        """(right - left)/|right| at the float64 projection; NaN where float64 cannot tell it to
        ``FLOAT_SLACK_UNCERTAINTY`` (then the search decides the instance in intervals)."""
        return self.slack_at(instance, float64_limit(self.limit_instance(instance)))

    def slack_at(self, instance: FlowInstance, limit: LimitValue | None) -> float:
        """:meth:`float_slack` at a given float64 limit (None: not computed); the benchmark
        ``bench/bench_small_limits.py`` gives it its baseline's limits."""
        if limit is None:
            return math.nan
        left, right = self.sides(instance, limit.values, False)
        if left is None or not (math.isfinite(left) and math.isfinite(right)) or right == 0:
            return math.nan
        error = FLOAT_LEFT_RELATIVE_ERROR * abs(left) + FLOAT_LIMIT_ERROR * math.fsum(map(abs, limit.values))
        if error > FLOAT_SLACK_UNCERTAINTY * abs(right):
            return math.nan
        return (right - left) / abs(right)


def _contains_zero(x) -> bool:
    return enclosures.sign(x) == 0


def certified_limit(instance: FlowInstance, dps: int) -> LimitValue:
    """The projection refined at ``dps`` digits and certified (Krawczyk), as python-flint balls
    (an exact rational entry as the ball of :func:`enclosures.ball`, at ``dps`` digits)."""
    # imported here: the flow command's machinery is loaded only by audits that use it
    from dlncheck.checks.flow_command import certified_projection

    result = certified_projection(instance, dps)
    if not result.converged or result.certified_digits is None:
        return LimitValue((), False, result.message)
    with ball_precision(dps):
        values = tuple(enclosures.ball(v) for v in result.value)
    return LimitValue(values, True, result.message)


def float64_limit(instance: FlowInstance) -> LimitValue | None:
    """The float64 projection, or None where float64 cannot compute it."""
    from dlncheck.checks.flow_command import float64_projection

    result = float64_projection(instance)
    if result is None or not result.converged:
        return None
    return LimitValue(tuple(float(v) for v in result.value), False, result.message)


def escalate_limit(
    bound: LimitBound, instance: FlowInstance, ladder=ESCALATION_DPS, slack_digits: int = 0
) -> AuditResult:
    """:meth:`LimitBound.evaluate` at increasing precision until decided (``checks.audit.escalate``)."""
    return escalate_evaluation(bound.evaluate, instance, ladder, slack_digits)


@dataclass(frozen=True)
class LimitSearch(PropertyCheck):
    """A property search over flow instances for a :class:`LimitBound` (module docstring);
    ``slack`` is the bound's float64 slack, ``instances`` a strategy of flow instance files."""

    bound: LimitBound | None = None
    kind = "limit property"
    # Float64 slacks are known to FLOAT_SLACK_UNCERTAINTY (else NaN); those below 1e-3, ten times
    # more, are decided in intervals anyway, so a near-tight instance is never judged in float64.
    escalate_below = 1e-3

    def parse(self, claim: Claim, raw: dict[str, Any]) -> Any:
        assert self.bound is not None
        return self.bound.parse(raw)

    def escalate(self, claim: Claim, instance: Any, slack_digits: int = 0) -> AuditResult:
        assert self.bound is not None
        return escalate_limit(self.bound, instance, slack_digits=slack_digits)

    def run(self, claim: Claim, ctx: RunContext) -> CheckResult:
        """The search (``checks.property``); when supported, the smallest-slack instance is
        followed along α → 0 on its own A and L (``alpha_family``), so a bound whose slack tends
        to 0 there is reported as tight."""
        from dataclasses import replace

        result = super().run(claim, ctx)
        if result.verdict != Verdict.SUPPORTED or self.bound is None:
            return result
        family = alpha_family(self.bound, result.evidence.get("min_slack_instance"))
        if len(family) < 2:
            return result
        first, last = family[0], family[-1]
        tight = 0 <= last[1] < TIGHT_FRACTION * first[1]
        trend = (
            f"; on its A and L as α → 0 the float64 slack goes {first[1]:.3g} (α = {first[0]}) → "
            f"{last[1]:.3g} "
            f"(α = {last[0]})" + (": tight as α → 0" if tight else "")
        )
        evidence = dict(result.evidence, alpha_family=[[a, s] for a, s in family], tight_as_alpha_to_0=tight)
        return replace(result, summary=result.summary + trend, evidence=evidence)


# The α-family of a supported search: the factor scale 10^-k, k in ALPHA_FAMILY_EXPONENTS (as far
# as float64 resolves the instance: LimitBound.float_slack is NaN beyond); the bound is reported
# tight as α → 0 when the slack at the smallest α is below TIGHT_FRACTION of the slack at α = 1.
ALPHA_FAMILY_EXPONENTS = (0, 1, 2, 3, 4, 6, 8, 10, 15, 20, 30)
TIGHT_FRACTION = 0.1


def alpha_family(bound: LimitBound, raw: dict[str, Any] | None) -> list[tuple[str, float]]:
    """(α, float64 slack) with the instance's initialization rescaled to α·(its shape)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("init"), dict):
        return []
    init = raw["init"]
    out = []
    for k in ALPHA_FAMILY_EXPONENTS:
        scale = Fraction(1, 10**k)
        if "alpha" in init and len(init) == 1:
            scaled = {"alpha": "1" if k == 0 else f"1e-{k}"}
        elif all(isinstance(v, list) for v in init.values()):
            first = Fraction(init[next(iter(init))][0])
            scaled = {key: [_text(Fraction(v) / first * scale) for v in vec] for key, vec in init.items()}
        else:
            return []
        try:
            slack = bound.float_slack(bound.parse(dict(raw, init=scaled)))
        except (InstanceError, ValueError, ZeroDivisionError):
            continue
        if math.isfinite(slack):
            out.append(("1" if k == 0 else f"1e-{k}", slack))
    return out


def _text(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


# Instances per run of a flow-limit search at most: each costs a float64 limit (1-15 ms) and,
# below escalate_below, a certified one at 30+ digits (20-200 ms); 1000 per seed keeps the slow
# suite's three full-budget seeds of every search within CI's time (the default run draws 200).
LIMIT_SEARCH_MAX_BUDGET = 1000


def limit_search(
    bound: LimitBound, instances, description: str, max_budget: int | None = LIMIT_SEARCH_MAX_BUDGET
) -> LimitSearch:
    return LimitSearch(
        name="flow-limit search",
        description=description,
        instances=instances,
        slack=bound.float_slack,
        slack_doc=f"({bound.right_name} - {bound.left_name}) / |{bound.right_name}| at the limit",
        max_budget=max_budget,
        bound=bound,
    )


def limit_audit(bound: LimitBound, example: dict[str, Any], default_dps: int = 30) -> Audit:
    """The claim's single-instance audit when its only instance form is a flow instance file:
    ``dlncheck audit ID --instance FILE`` (``checks.cli``) and the replay of stored
    counterexamples dispatch to ``bound``; ``example`` is a flow instance the tests audit."""
    from dlncheck.checks.instances import InstanceSpec

    def evaluate(instance: Any, dps: int) -> AuditResult:
        return bound.evaluate(instance, dps)

    return Audit(
        spec=InstanceSpec(),
        evaluate=evaluate,
        example=example,
        description=bound.description,
        default_dps=default_dps,
        limit_bound=bound,
    )
