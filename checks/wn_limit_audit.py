"""Claims of wn about its flows' limits, decided at one flow instance: :class:`WnLimitBound`.

The interface is that of :class:`checks.limit_audit.LimitBound` (``parse``, ``evaluate``,
``float_slack``, names, ``description``), so :func:`checks.limit_audit.limit_search`,
:func:`~checks.limit_audit.limit_audit`, ``dlncheck audit ID --instance F`` and the replay of
stored counterexamples take it as they take a LimitBound.  What differs is the limit:

* ``wn`` instances (``checks.flow_wn``): the root of the limit system of
  :mod:`numerics.weight_normalization_limit_system` (the γ-scaled Bregman projection with its
  radius equation for (η̃, 1) rates, the projection of x̃(0) for r² rates), float64 for the
  search and enclosed by Krawczyk's test at D digits for the audit.  The audit also integrates
  the flow (float64, ``numerics.weight_normalization_flow``) and requires the enclosed root to
  agree with the integrated limit to ``AGREEMENT``: the radius equation may have several roots,
  and the integration says which one is the flow's.  So the digits of a verdict rest on the
  enclosure (rigorous) and on the identification of the root by a float64 integration (numeric).
* ``positive`` instances (the plain flow (10), the Theorem from [7]): the certified Bregman
  projection of :func:`checks.limit_audit.certified_limit` (mil Theorem 2.2).

The bounds of wn (14) are evaluated without cancellation: with λ an exact optimal dual of the
LP Q = min_{z ∈ S₊} ⟨w, z⟩ (Aᵀλ <= w, Q = ⟨λ, b⟩ = ⟨Aᵀλ, x̃∞⟩ since A x̃∞ = b),
||x̃∞||_{w,1} - Q = Σ_j (w_j - (Aᵀλ)_j) x̃∞_j, a sum of non-negative terms (the identity holds at
the true limit, which the enclosure contains, so the evaluation in balls stays rigorous).

A bound may carry *conditions at the limit* (hypotheses that depend on r∞, such as the
positivity of the denominator of (16) at ρ^{-L}β₁): they become the audit's hypotheses (an
instance that certainly violates one is *inadmissible*), and the search's float slack is +inf
there (the claim holds vacuously; such instances neither steer nor refute).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np
from mpmath import mp

from dlncheck.checks.audit import UNDECIDED, VIOLATED, AuditResult, Relation, decide
from dlncheck.checks.errors import InstanceError
from dlncheck.checks.limit_audit import (
    FLOAT_LEFT_RELATIVE_ERROR,
    FLOAT_LIMIT_ERROR,
    FLOAT_SLACK_UNCERTAINTY,
    LIMIT_SEARCH_MAX_BUDGET,
    LimitSearch,
    certified_limit,
    float64_limit,
)
from dlncheck.checks.verdicts import CheckResult, Verdict
from dlncheck.numerics import enclosures
from dlncheck.numerics.enclosures import BALLS, ball, ball_precision

if TYPE_CHECKING:
    from dlncheck.checks.flow_wn import WnFlowInstance

# The enclosed root and the integrated flow must agree to this (relative to max |x̃∞|): the
# integration stops at a remaining relative change of 1e-10 (checks.flow_wn.FLOW_TOL), so 1e-6
# leaves four digits of room and still separates distinct roots of the radius equation.
AGREEMENT = 1e-6
# An integration that stopped as stationary with ||A x̃ - b|| <= SETTLED_RESIDUAL ||b|| ended in S₊
# (checks.flow_observation's residual ceiling: the stopping test's tol 1e-10 x 1e4).
SETTLED_RESIDUAL = 1e-6
# A condition at the limit fails "clearly" in float64 when its relative margin is below this;
# closer ones are decided in balls.
CONDITION_MARGIN = 1e-6
# Closed-form sides (no limit) in float64: a few dozen roundings, with a wide margin.
FORMULA_RELATIVE_ERROR = 1e-12
# Wall-clock limit of the confirming integration: the drawn instances integrate in under 5 s
# (checks.flow_strategies_wn keeps their limits away from S₊'s boundary); a slower one is undecided.
INTEGRATION_MAX_SECONDS = 20.0


# ----------------------------------------------------------------------------------------
# instances


def parse_wn(data: Any) -> WnFlowInstance:
    from dlncheck.checks.flow_files import parse_flow_instance

    return parse_flow_instance({k: v for k, v in data.items() if k != "claim"})


def design(instance) -> tuple[tuple[tuple[Fraction, ...], ...], tuple[Fraction, ...]]:
    """A and y on a basis of A's rows (same solutions; the limit system needs full row rank)."""
    from dlncheck.checks.flow_instances import row_basis

    return row_basis(instance.A, instance.y)


def exact_x0(instance) -> tuple[Any, ...]:
    """x(0) of the flow: Fractions where rational, else callables ctx -> value (r0 u0/||u0||)."""
    if not hasattr(instance, "rates"):  # checks.flow_instances.FlowInstance (positive model)
        return instance.u0
    n = instance.N
    if instance.alpha is not None:
        return (instance.alpha,) * n
    u0, r0 = instance.direction, instance.r0
    norm2 = sum((v * v for v in u0), Fraction(0))
    root = _rational_sqrt(norm2)
    if root is not None:
        return tuple(r0 * v / root for v in u0)

    def entry(j: int):
        return lambda ctx: _ctx(r0, ctx) * _ctx(u0[j], ctx) / ctx.sqrt(_ctx(norm2, ctx))

    return tuple(entry(j) for j in range(n))


def _rational_sqrt(q: Fraction) -> Fraction | None:
    p, d = math.isqrt(q.numerator), math.isqrt(q.denominator)
    return Fraction(p, d) if p * p == q.numerator and d * d == q.denominator else None


def _ctx(v: Any, ctx) -> Any:
    """A Fraction or a callable ctx -> value, in ``mp`` or ``enclosures.BALLS``."""
    if callable(v):
        return v(ctx)
    return ball(v) if ctx is BALLS else ctx.mpf(v.numerator) / v.denominator


def rational_x0(instance) -> tuple[Fraction, ...] | None:
    x0 = exact_x0(instance)
    return x0 if all(isinstance(v, Fraction) for v in x0) else None


def radius0(instance) -> Any:
    """r0 = ||x(0)||₂ as a Fraction or a callable (alpha init: α √N)."""
    if instance.alpha is None:
        return instance.r0
    root = _rational_sqrt(Fraction(instance.N))
    if root is not None:
        return instance.alpha * root
    alpha, n = instance.alpha, instance.N
    return lambda ctx: _ctx(alpha, ctx) * ctx.sqrt(n)


def float_x0(instance) -> np.ndarray:
    with mp.workdps(20):
        return np.array([float(_ctx(v, mp)) for v in exact_x0(instance)])


# ----------------------------------------------------------------------------------------
# the limit


@dataclass(frozen=True)
class WnLimit:
    """The limit x̃∞ (``z``) and r∞ = lim r(t) (None for r² rates and plain flows), float64 or balls."""

    z: tuple[Any, ...]
    r_inf: Any
    certified: bool
    message: str


# Whether enclosed_limit confirms the root by integrating the flow (see ConfirmedLimitSearch).
_CONFIRMING = [True]


@contextmanager
def deferred_confirmation() -> Iterator[None]:
    """Inside: enclosed_limit skips the confirming integration (the search's shrinking evaluates
    hundreds of candidates); ConfirmedLimitSearch confirms the instances its verdict rests on."""
    saved = _CONFIRMING[0]
    _CONFIRMING[0] = False
    try:
        yield
    finally:
        _CONFIRMING[0] = saved


@functools.lru_cache(maxsize=1024)
def float_root(instance):
    """The float64 root of the limit system (None if it fails), cached per instance."""
    from dlncheck.numerics.weight_normalization_limit_system import float64_limit as wn_float64_limit

    if instance.signed:
        raise InstanceError("wn's bounds (14) speak of the positive model wn, not wn_signed")
    A, y = design(instance)
    A_f = np.array([[float(v) for v in row] for row in A])
    y_f = np.array([float(v) for v in y])
    eta = None if instance.eta is None else float(instance.eta)
    try:
        return wn_float64_limit(A_f, y_f, instance.depth, np.log(float_x0(instance)), instance.rates, eta)
    except (ArithmeticError, ValueError, FloatingPointError):
        return None


@functools.lru_cache(maxsize=256)
def integrated(instance):
    """The flow integrated in float64 (``checks.flow_wn``), cached per instance."""
    try:
        return instance.integrate(max_wall_s=INTEGRATION_MAX_SECONDS)
    except (ValueError, ArithmeticError, RuntimeError):
        return None


def settled(flow) -> bool:
    """The integration ended at a point of S₊: its stopping test passed (``converged``), or it
    stopped as stationary with A x̃ - b within SETTLED_RESIDUAL (its classifier calls a point with
    a relative residual a few times its tol 1e-10 non-interpolating)."""
    if flow.converged:
        return True
    return flow.info.get("stationarity") == "non-interpolating" and flow.residual <= SETTLED_RESIDUAL


def float_limit(instance) -> WnLimit | None:
    if not hasattr(instance, "rates"):
        plain = float64_limit(instance)
        return None if plain is None else WnLimit(plain.values, None, False, plain.message)
    root = float_root(instance)
    if root is None or not root.converged:
        return None
    return WnLimit(tuple(float(v) for v in root.z), root.r_inf, False, root.message)


def enclosed_limit(instance, dps: int) -> WnLimit:
    """The limit at ``dps`` digits, as python-flint balls (inside ``ball_precision(dps)``)."""
    if not hasattr(instance, "rates"):
        limit = certified_limit(instance, dps)
        return WnLimit(limit.values, None, limit.certified, limit.message)
    from dlncheck.numerics.weight_normalization_limit_system import enclosed_limit as enclose

    root = float_root(instance)
    if root is None or not root.converged:
        return WnLimit((), None, False, "the float64 limit (the Newton start) did not converge")
    A, y = design(instance)
    constant = instance.rates == "tilde"
    result = enclose(
        A,
        y,
        instance.depth,
        exact_x0(instance),
        root,
        dps,
        eta=instance.eta if constant else None,
        r0=radius0(instance) if constant else None,
    )
    if not result.certified:
        return WnLimit((), None, False, result.message)
    if not _CONFIRMING[0]:
        return WnLimit(
            result.z,
            result.r_inf,
            True,
            f"{result.message} (within a search: the flow's integration confirms the final instance)",
        )
    flow = integrated(instance)
    if flow is None or not settled(flow):
        why = "the solver failed" if flow is None else flow.message
        return WnLimit(
            (), None, False, f"{result.message}; the confirming integration did not converge ({why})"
        )
    reached = np.asarray(flow.limit, dtype=float)
    mids = np.array([float(enclosures.midpoint(v)) for v in result.z])
    distance = float(np.max(np.abs(reached - mids)) / np.max(np.abs(mids)))
    if not distance <= AGREEMENT:
        return WnLimit(
            (),
            None,
            False,
            f"{result.message}, but the integrated flow ends {distance:.1e} (relative) away: the root "
            "is not the flow's limit (another root of the radius equation?)",
        )
    return WnLimit(
        result.z,
        result.r_inf,
        True,
        f"{result.message}; the integrated flow (float64) agrees to {distance:.1e}",
    )


# ----------------------------------------------------------------------------------------
# the quantities of wn (14)-(17)


def c_L_float(depth: int) -> float:
    """c_L of wn (15)."""
    return 1.0 if depth == 2 else (depth / 2) ** (depth / (depth - 2))


def c_L_interval(depth: int):
    """c_L of wn (15) as a ball."""
    return ball(1) if depth == 2 else (ball(depth) / 2) ** (ball(depth) / (depth - 2))


def weighted_minimum_float(A: np.ndarray, y: np.ndarray, w: np.ndarray) -> float | None:
    """min ⟨w, z⟩ over S₊ by HiGHS (for placing the strategies' instances; not certified)."""
    from scipy.optimize import linprog

    result = linprog(w, A_eq=A, b_eq=y, bounds=(0, None), method="highs")
    return float(result.fun) if result.status == 0 else None


@dataclass(frozen=True)
class WeightedMinimum:
    """Q = min ⟨w, z⟩ over S₊ (or min Σ w|z| over S): exact value and dual image Aᵀλ."""

    value: Fraction
    dual_image: tuple[Fraction, ...]


@functools.lru_cache(maxsize=512)
def weighted_minimum(A: tuple, y: tuple, w: tuple, positive: bool) -> WeightedMinimum:
    """Certified by ``numerics.sparse_recovery``: min ||v||₁ for the columns A_j / w_j (v = w ⊙ z)."""
    from dlncheck.numerics.sparse_recovery import InfeasibleSystemError, certify_l1_minimizer

    scaled = tuple(tuple(a / w[j] for j, a in enumerate(row)) for row in A)
    try:
        certificate = certify_l1_minimizer(scaled, y, positive=positive)
    except InfeasibleSystemError as exc:
        raise InstanceError(f"hypothesis S₊ ≠ ∅ fails: {exc}") from None
    if not certificate.certified:
        raise InstanceError(f"the LP of Q could not be certified exactly: {certificate.message}")
    image = tuple(
        sum((A[i][j] * certificate.dual[i] for i in range(len(A))), Fraction(0)) for j in range(len(A[0]))
    )
    return WeightedMinimum(certificate.value, image)


def weights(instance) -> tuple[Fraction, ...]:
    """w = x̃(0)^{⊙(2/L-1)} = x0^{⊙(2-L)} of wn (14) (exact: needs rational x0 for L > 2)."""
    if instance.depth == 2:
        return (Fraction(1),) * instance.N
    x0 = rational_x0(instance)
    if x0 is None:
        raise InstanceError(
            "the weights x0^(2-L) of wn (14) must be exact for the LP Q: give init u0 with a rational "
            'Euclidean norm (e.g. ["3/5", "4/5"]) or init alpha'
        )
    return tuple(v ** (2 - instance.depth) for v in x0)


def betas(instance, intervals: bool):
    """β₁ = ||x̃(0)||_{w,1} = Σ x0², β_min = min x0² (wn Theorem from [7])."""
    x0 = exact_x0(instance)
    if intervals:
        squares = [_ctx(v, BALLS) ** 2 for v in x0]
        smallest = squares[0]
        for s in squares[1:]:
            smallest = smallest.min(s)  # contains the minimum of any two points of the balls
        return sum(squares, ball(0)), smallest
    values = float_x0(instance) ** 2
    return float(np.sum(values)), float(np.min(values))


def epsilon_16(log_beta_1, log_beta_min, log_Q, depth: int, intervals: bool):
    """ε(β₁, β_min) of wn (16), from logarithms (ρ^{-L} rescalings are shifts); None where the
    denominator is 0 or (in intervals) not certainly nonzero."""
    if depth == 2:
        numerator, denominator = log_beta_1 - log_beta_min, log_Q - log_beta_1
    else:
        g = 1 - ball(2) / depth if intervals else 1 - 2 / depth
        exp = BALLS.exp if intervals else math.exp
        numerator = depth * (exp(g * log_beta_1) - exp(g * log_beta_min))
        denominator = 2 * exp(g * log_Q) - depth * exp(g * log_beta_1)
    if intervals and enclosures.sign(denominator) == 0:
        return None
    if not intervals and denominator == 0:
        return None
    return numerator / denominator


def log_of(x, intervals: bool):
    return BALLS.log(x) if intervals else math.log(x)


def log_rho(instance, r_inf, intervals: bool):
    """log ρ, ρ of wn (17) = (r0/r∞) exp((r∞² - r0²)/(2η̃)), at the given r∞."""
    r0 = radius0(instance)
    if intervals:
        r0_v, eta = _ctx(r0, BALLS), ball(instance.eta)
        return r0_v.log() - BALLS.log(r_inf) + (r_inf * r_inf - r0_v * r0_v) / (2 * eta)
    with mp.workdps(20):
        r0_f = float(_ctx(r0, mp))
    eta = float(instance.eta)
    return math.log(r0_f) - math.log(r_inf) + (r_inf * r_inf - r0_f * r0_f) / (2 * eta)


def gap_is_exactly_zero(minimum: WeightedMinimum, w: tuple[Fraction, ...]) -> bool:
    """||z||_{w,1} is constant on S₊ (w = Aᵀλ exactly): the gap of (14) is 0 at every point of S₊."""
    return all(wj == a for wj, a in zip(w, minimum.dual_image, strict=True))


def gap_14(
    limit: tuple, minimum: WeightedMinimum, w: tuple[Fraction, ...], intervals: bool, signed: bool = False
):
    """||x̃∞||_{w,1} - Q = Σ_j (w_j - (Aᵀλ)_j) x̃∞_j (module docstring; x̃∞ >= 0, so for the
    minimum over S, Σ w|z|, the same sum with |Aᵀλ| <= w)."""
    coefficients = [wj - a for wj, a in zip(w, minimum.dual_image, strict=True)]  # exact, >= 0
    if intervals:
        return sum((ball(c) * x for c, x in zip(coefficients, limit, strict=True) if c != 0), ball(0))
    return math.fsum(
        (float(wj) - float(a)) * x for wj, a, x in zip(w, minimum.dual_image, limit, strict=True)
    )


# ----------------------------------------------------------------------------------------
# the bound


@dataclass(frozen=True)
class Sides:
    """Both sides of a bound at the limit, and its conditions at the limit (``left <= right``
    each, with names): (left name, right name, left, right)."""

    left: Any
    right: Any
    conditions: tuple[tuple[str, str, Any, Any], ...] = ()
    quantities: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class WnLimitBound:
    """A claim ``left <= right`` at the limit of wn's flows (module docstring); the interface of
    :class:`checks.limit_audit.LimitBound`.

    ``hypotheses(instance)`` raises :class:`InstanceError` naming the first hypothesis of the
    claim the instance violates (exactly); ``sides(instance, limit, intervals)`` returns
    :class:`Sides` or None (not computable at this precision)."""

    claim_id: str
    models: tuple[str, ...]
    left_name: str
    right_name: str
    hypotheses: Callable[[Any], None]
    sides: Callable[[Any, WnLimit, bool], Sides | None]
    description: str
    rates: str | None = None  # the rates the claim speaks of (wn instances)
    part: str = ""  # the part of the claim (params.part of an instance, see PartedBound)
    needs_limit: bool = True  # False: the sides are functions of the instance alone

    def parse(self, data: Any):
        from dlncheck.checks.flow_files import parse_flow_instance

        data = strip_part(data, self.claim_id, self.part)
        instance = parse_flow_instance(data)
        model = getattr(instance, "model", None)
        if model not in self.models:
            raise InstanceError(
                f"{self.claim_id} speaks of the flow(s) {', '.join(self.models)}, not {model!r}"
            )
        if self.rates is not None and instance.rates != self.rates:
            wanted = {"tilde": '"tilde" ((η_r, η_u) = (η̃, 1))', "r2": '"r2" ((η_r, η_u) = (r², 1))'}[
                self.rates
            ]
            raise InstanceError(f"{self.claim_id} speaks of the rates {wanted}, not {instance.rates!r}")
        if model == "wn":
            instance.require_characterized()  # S₊ ≠ ∅ with a strictly positive point (interior limit)
        self.hypotheses(instance)
        return instance

    def evaluate(self, instance, dps: int) -> AuditResult:
        with ball_precision(dps):
            limit = enclosed_limit(instance, dps) if self.needs_limit else WnLimit((), None, True, "")
            sides = self.sides(instance, limit, True) if limit.certified else None
            if sides is None:
                relation = Relation(self.left_name, "<=", self.right_name, None, UNDECIDED)
                note = (
                    f"the limit could not be certified at {dps} digits: {limit.message}"
                    if not limit.certified
                    else f"the sides are not decided at {dps} digits (a denominator's enclosure contains 0)"
                )
                return AuditResult(self.claim_id, dps, (), (relation,), notes=(note,))
            relation = decide(self.left_name, "<=", self.right_name, sides.left, sides.right)
            conditions = tuple(decide(a, "<=", b, left, right) for a, b, left, right in sides.conditions)
            right = sides.right
            nonzero = right != 0 if isinstance(right, Fraction) else enclosures.sign(right) != 0
            slack = (right - sides.left) / abs(right) if nonzero else None
            quantities = (("limit x̃∞ (certified)", tuple(limit.z)),) if self.needs_limit else ()
            if limit.r_inf is not None:
                quantities += (("r∞ = lim r(t) (certified)", limit.r_inf),)
            quantities += (*sides.quantities, (self.left_name, sides.left), (self.right_name, right))
        notes = (limit.message,) if limit.message else ()
        if any(c.status == VIOLATED for c in conditions):
            notes = ("the instance violates a hypothesis at the limit: the claim holds vacuously", *notes)
        return AuditResult(self.claim_id, dps, quantities, (relation,), conditions, slack=slack, notes=notes)

    def float_slack(self, instance) -> float:
        """(right - left)/|right| at the float64 limit; +inf where a condition at the limit
        clearly fails (vacuous), NaN where float64 cannot tell (then intervals decide)."""
        limit = float_limit(instance) if self.needs_limit else WnLimit((), None, False, "")
        if limit is None:
            return math.nan
        sides = self.sides(instance, limit, False)
        if sides is None:
            return math.nan
        for _, _, left, right in sides.conditions:
            margin = (right - left) / max(abs(right), abs(left), 1e-300)
            if margin < -CONDITION_MARGIN:
                return math.inf
            if margin < CONDITION_MARGIN:
                return math.nan
        left, right = float(sides.left), float(sides.right)
        if not (math.isfinite(left) and math.isfinite(right)) or right == 0:
            return math.nan
        if not self.needs_limit:  # the sides are closed forms of the instance: float64 rounding only
            error = FORMULA_RELATIVE_ERROR * (abs(left) + abs(right))
        else:
            error = FLOAT_LEFT_RELATIVE_ERROR * abs(left) + FLOAT_LIMIT_ERROR * math.fsum(map(abs, limit.z))
        if error > FLOAT_SLACK_UNCERTAINTY * abs(right):
            return math.nan
        return (right - left) / abs(right)


def strip_part(data: Any, claim_id: str, part: str | None) -> Any:
    """The instance without the keys that name the claim (``claim``) and its part
    (``params.part``), after checking that they are this bound's."""
    if not isinstance(data, dict):
        return data
    if "claim" in data:
        if data["claim"] != claim_id:
            raise InstanceError(f"the instance is for claim {data['claim']!r}, not {claim_id!r}")
        data = {key: value for key, value in data.items() if key != "claim"}
    params = data.get("params")
    if isinstance(params, dict) and "part" in params:
        if part is not None and params["part"] != part:
            raise InstanceError(f"params.part {params['part']!r} is not {part!r}")
        rest = {key: value for key, value in params.items() if key != "part"}
        data = {key: value for key, value in data.items() if key != "params"}
        if rest:
            data["params"] = rest
    return data


@dataclass(frozen=True)
class PartedBound:
    """A claim with several parts, each a :class:`WnLimitBound`: an instance names its part in
    ``params.part`` (default: the first).  The claim's audit and the replay of its stored
    counterexamples dispatch through this, so each stored instance is re-audited by the part
    that found it."""

    claim_id: str
    parts: tuple[WnLimitBound, ...]
    description: str

    @property
    def left_name(self) -> str:
        return self.parts[0].left_name

    @property
    def right_name(self) -> str:
        return self.parts[0].right_name

    def part_of(self, data: Any) -> WnLimitBound:
        params = data.get("params") if isinstance(data, dict) else None
        name = params.get("part") if isinstance(params, dict) else None
        if name is None:
            return self.parts[0]
        for part in self.parts:
            if part.part == name:
                return part
        known = ", ".join(repr(p.part) for p in self.parts)
        raise InstanceError(f"params.part {name!r} is not a part of {self.claim_id}; its parts: {known}")

    def parse(self, data: Any):
        part = self.part_of(data)
        return _Parted(part, part.parse(data))

    def evaluate(self, parted, dps: int) -> AuditResult:
        result = parted.bound.evaluate(parted.instance, dps)
        return result if not parted.bound.part else _with_note(result, f"part: {parted.bound.part}")

    def float_slack(self, parted) -> float:
        return parted.bound.float_slack(parted.instance)


@dataclass(frozen=True)
class _Parted:
    bound: WnLimitBound
    instance: Any

    def __getattr__(self, name: str) -> Any:  # the CLI's range checks read the instance's fields
        return getattr(self.instance, name)


def _with_note(result: AuditResult, note: str) -> AuditResult:
    from dataclasses import replace

    return replace(result, notes=(note, *result.notes))


@dataclass(frozen=True)
class ConfirmedLimitSearch(LimitSearch):
    """:class:`checks.limit_audit.LimitSearch` whose escalations skip the confirming integration
    (``deferred_confirmation``), after which the instance the verdict rests on (the certified
    counterexample, or the smallest-slack instance) is audited again with it: a refutation or a
    support stands only if that audit agrees (else the check is inconclusive, and a counterexample
    file it wrote is removed)."""

    def run(self, claim, ctx) -> CheckResult:
        from dataclasses import replace

        from dlncheck.checks.audit import HOLDS, VIOLATED
        from dlncheck.checks.limit_audit import escalate_limit

        with deferred_confirmation():
            result = super().run(claim, ctx)
        integrated = "wn" in self.bound.models and getattr(self.bound, "needs_limit", True)
        if result.verdict not in (Verdict.REFUTED, Verdict.SUPPORTED) or not integrated:
            return result  # plain flows (mil's certified projection) and closed forms: nothing to confirm
        key = "counterexample" if result.verdict == Verdict.REFUTED else "min_slack_instance"
        raw = result.evidence.get(key)
        if raw is None:
            return result
        wanted = VIOLATED if result.verdict == Verdict.REFUTED else HOLDS
        confirmed = escalate_limit(self.bound, self.bound.parse(raw))
        evidence = dict(result.evidence, confirmation=confirmed.to_json())
        if confirmed.status == wanted:
            return replace(
                result, summary=result.summary + "; confirmed by integrating the flow", evidence=evidence
            )
        name = result.evidence.get("counterexample_file")
        if name:
            (ctx.counterexample_dirs[0] / name).unlink(missing_ok=True)
        return CheckResult(
            self.name,
            self.kind,
            Verdict.INCONCLUSIVE,
            f"the instance the search rests on audits as {confirmed.status} once its flow is integrated: "
            f"{confirmed.notes[0] if confirmed.notes else ''}",
            evidence,
        )


def confirmed_limit_search(bound, instances, description: str) -> ConfirmedLimitSearch:
    return ConfirmedLimitSearch(
        name="flow-limit search",
        description=description,
        instances=instances,
        slack=bound.float_slack,
        slack_doc=f"({bound.right_name} - {bound.left_name}) / |{bound.right_name}| at the limit",
        max_budget=LIMIT_SEARCH_MAX_BUDGET,
        bound=bound,
    )
