"""``dlncheck flow`` models ``wn`` and ``wn_signed``: the weight-normalized flows of wn.

Loss and time are the paper's own (``numerics.weight_normalization``): wn (9), (11)

    L̃(r, u) = 1/(2L) ‖A x^{⊙L} - y‖²,   x = r u/‖u‖₂,

(c = 1/(2L), ``numerics.conventions.wn_loss_weight``), and the flow (12), (13)
r' = -η_r ∇_r L̃, u' = -η_u ∇_u L̃ in wn's time t, with η_u = 1 and

* ``"rates": "tilde"``: (η_r, η_u) = (η̃, 1), the learning-rate ratio η̃ = ``params.eta`` (wn Theorem 2.1);
* ``"rates": "r2"``:    (η_r, η_u) = (r², 1) (wn Theorem 2.3); no ``eta``.

``wn_signed`` is x₊^{⊙L} - x₋^{⊙L} (wn (22), Section 4.3) with one radius for the concatenated
direction, (x₊, x₋) = r (u, v)/‖(u, v)‖₂: the positive model for the design [A, -A].

``init``: ``{"alpha": a}`` (x(0) = a𝟏 in every factor entry: r0 = a√n, u0 = 𝟏/√n, n = N or 2N) or
``{"r0": r, "u0": [...]}`` (``wn_signed``: ``{"r0": r, "u0": [...], "v0": [...]}``), where u0 (and
v0) give the direction, entries > 0 (wn Lemma 3.3), scaled to ‖u0‖₂ = 1 as Theorems 2.1 and 2.3
assume (another norm is another η_u, wn Lemma 3.1).

Limits (``numerics.weight_normalization_limits``): r² rates, the Bregman projection of x̃(0) onto
S₊ (Corollary 3.14, Theorem 2.3 through mil); η̃ rates, the projection of γ(r0, r∞)^L x̃(0) with
r∞ = lim r(t) a scalar fixed point (Lemmas 3.8, 3.10, proof of Theorem 2.1).  Both need the limit
bounded away from 0, so ``project`` is refused when S₊ (of [A, -A] for ``wn_signed``) has no
strictly positive point; Theorem 2.1's rows of A summing to 0 imply that it has one, and are not
required here.  Integration and projection are float64 only.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

import numpy as np

from dlncheck.checks.flow_instances import InstanceFields, positive_vector
from dlncheck.checks.instances import InstanceError, parse_number, shown
from dlncheck.numerics.affine_feasibility import require_affine_solution
from dlncheck.numerics.positive_face import positive_face, require_nonempty_positive_set
from dlncheck.numerics.results import FlowResult, LimitResult
from dlncheck.numerics.weight_normalization import (
    WeightNormalizedModel,
    initial_state,
    uniform_initial_state,
    weight_normalized_model,
)
from dlncheck.numerics.weight_normalization_flow import integrate_flow
from dlncheck.numerics.weight_normalization_limits import constant_rate_flow_limit, r_squared_flow_limit

RATES = {"tilde": "constant", "r2": "r_squared"}  # instance name: numerics.weight_normalization's
# The stopping test extrapolates the remaining change of x̃ (numerics.weight_normalization_flow);
# two digits below its default 1e-8 so that flow and projection agree to ~10 digits, with the
# integrator's local tolerance two digits below that again.  Measured on M = 3, N = 5, L = 2, 3,
# alpha = 1e-1..1e-6, both rates, both models: agreement 1e-10 or better in under 2 s, except
# wn_signed with r2 rates at alpha = 1e-6 (L = 2) and 1e-3 (L = 3), which did not pass the test
# within 20 s (at the module's default tol 1e-8 they did, in 13 s and 0.3 s, agreeing to 4e-12 and
# 7e-8); such a run ends unconverged (exit code 1) with the point it reached.
FLOW_TOL = 1e-10
FLOW_RTOL = 1e-12
# The trajectory is not reported: keep only its ends.
KEPT_SAMPLES = 2
FLOAT64_SMALLEST = sys.float_info.min


@dataclass(frozen=True)
class WnFlowInstance:
    """A weight-normalized flow: data, depth, rates, and the initialization (alpha, or r0 and u0)."""

    model: str
    A: tuple[tuple[Fraction, ...], ...]
    y: tuple[Fraction, ...]
    depth: int
    rates: str  # "tilde" | "r2"
    eta: Fraction | None
    alpha: Fraction | None
    r0: Fraction | None
    direction: tuple[Fraction, ...] | None  # u0 (wn_signed: u0 then v0), before scaling to norm 1
    dps: int | None

    @property
    def N(self) -> int:
        return len(self.A[0])

    @property
    def signed(self) -> bool:
        return self.model == "wn_signed"

    def wn_model(self) -> WeightNormalizedModel:
        A = np.array([[float(a) for a in row] for row in self.A])
        y = np.array([float(v) for v in self.y])
        eta = None if self.eta is None else float(self.eta)
        return weight_normalized_model(A, y, self.depth, rates=RATES[self.rates], eta=eta, signed=self.signed)

    def initial_state(self, model: WeightNormalizedModel) -> np.ndarray:
        if self.alpha is not None:
            return uniform_initial_state(model, float(self.alpha))
        u0 = np.array([float(v) for v in self.direction])
        return initial_state(model, float(self.r0), u0 / np.linalg.norm(u0))

    def integrate(self, max_wall_s: float | None = None) -> FlowResult:
        """wn (12), (13) to the limit, float64 (``numerics.weight_normalization_flow``)."""
        model = self.wn_model()
        state0 = self.initial_state(model)
        return integrate_flow(
            model, state0, tol=FLOW_TOL, rtol=FLOW_RTOL, max_samples=KEPT_SAMPLES, max_wall_s=max_wall_s
        )

    def require_solvable(self) -> None:
        """Raise unless S₊ is nonempty (checked once per instance), before anything is integrated.

        wn: S₊ = {z ≥ 0 : Az = y} (``numerics.positive_face.require_nonempty_positive_set``:
        EmptyPositiveSetError with an exact Farkas vector, or UndecidedPositiveSetError).
        wn_signed: S₊ of [A, -A] is nonempty iff Az = y has a solution (z = z₊ - z₋), which the
        exact range test of ``numerics.affine_feasibility`` decides without an LP; its w
        (Aᵀw = 0, ⟨y, w⟩ < 0) is a Farkas vector of [A, -A] (InfeasibleSystemError).
        """
        _ = self._solvable  # cached: the check runs once per instance

    @cached_property
    def _solvable(self) -> bool:
        if self.signed:
            require_affine_solution(self.A, self.y)
        else:
            require_nonempty_positive_set(self.A, self.y)
        return True

    def require_characterized(self) -> None:
        """One-line InstanceError unless S₊ has a strictly positive point (module docstring)."""
        self.require_solvable()
        design = self.A if not self.signed else tuple(row + tuple(-a for a in row) for row in self.A)
        face = positive_face(design, self.y, checked_nonempty=True)
        if face.forced:
            raise InstanceError(
                f"{self.model}: S₊ = {{z >= 0 : Az = y}} has no strictly positive point "
                f"({face.message}); wn's limit characterizations (Lemma 3.10, Corollary 3.14) need "
                "a limit bounded away from 0; use --method integrate"
            )

    def limit(self) -> LimitResult:
        """The characterized limit (module docstring); ArithmeticError if its solver fails."""
        model = self.wn_model()
        state0 = self.initial_state(model)
        if self.rates == "tilde":
            return constant_rate_flow_limit(model, state0)
        return r_squared_flow_limit(model, state0)


def parse_wn_instance(fields: InstanceFields) -> WnFlowInstance:
    """Validate ``init`` and ``params`` of ``wn`` / ``wn_signed`` (module docstring)."""
    model, n, init, params = fields.model, fields.N, fields.init, fields.params
    unknown = set(params) - {"rates", "eta"}
    if unknown:
        raise InstanceError(
            f"params: unknown key(s) {shown(sorted(unknown))}; {model} takes 'rates' and 'eta'"
        )
    rates = params.get("rates")
    if rates not in RATES:
        raise InstanceError(
            f'params.rates must be "tilde" ((η_r, η_u) = (η̃, 1), wn Theorem 2.1) or "r2" '
            f"((r², 1), wn Theorem 2.3), got {shown(rates)}"
        )
    eta = None
    if rates == "tilde":
        if "eta" not in params:
            raise InstanceError('params.eta, the learning-rate ratio η̃ > 0, is needed with "rates": "tilde"')
        eta = _float64_positive(parse_number(params["eta"], "params.eta"), "params.eta")
    elif "eta" in params:
        raise InstanceError('params.eta is for "rates": "tilde"; the r2 rates take η_r = r² and no eta')
    direction_keys = {"r0", "u0", "v0"} if model == "wn_signed" else {"r0", "u0"}
    alpha = r0 = direction = None
    if set(init) == {"alpha"}:
        alpha = _float64_positive(parse_number(init["alpha"], "init.alpha"), "init.alpha")
    elif set(init) == direction_keys:
        r0 = _float64_positive(parse_number(init["r0"], "init.r0"), "init.r0")
        direction = positive_vector(init["u0"], "init.u0", n)
        if model == "wn_signed":
            direction += positive_vector(init["v0"], "init.v0", n)
        for i, v in enumerate(direction):
            _float64_positive(v, f"the direction's entry {i}")
    else:
        raise InstanceError(
            f'init keys {shown(sorted(init))} do not fit model {model!r}; give {{"alpha": a}} or '
            + ", ".join(f'"{k}"' for k in sorted(direction_keys))
        )
    instance = WnFlowInstance(
        model, fields.A, fields.y, fields.depth, rates, eta, alpha, r0, direction, fields.dps
    )
    try:  # the numerics' own checks (shapes, finiteness, positivity), at the edge
        instance.initial_state(instance.wn_model())
    except ValueError as exc:
        raise InstanceError(f"{model}: {exc}") from None
    return instance


def _float64_positive(value: Fraction, where: str) -> Fraction:
    if value <= 0:
        raise InstanceError(f"{where} = {value} must be positive (wn Lemma 3.3: r, u > 0; η̃ > 0)")
    try:
        as_float = float(value)
    except OverflowError:
        as_float = math.inf
    if not FLOAT64_SMALLEST <= as_float < math.inf:
        raise InstanceError(
            f"{where} is outside float64's normal range (about 1e-308 to 1e308); the wn flows are "
            "computed in float64"
        )
    return value
