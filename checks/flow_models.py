"""``dlncheck flow`` models integrated in their own factors: mil's 𝓛_over, krr's u⊙v and sensing.

Each is integrated by ``numerics.factor_flows.integrate_factor_flow`` (float64, factor charts,
log time) in the paper's own loss and time; its limit is projected where a paper characterizes
it, through a reduced model whose correspondence is derived below.  Time scales are the papers'
own (``numerics.conventions``); g = Aᵀ(A p - y) throughout.

* ``overparam``: mil (4), 𝓛_over = ½‖A(x⁽¹⁾⊙…⊙x⁽ᴸ⁾) - y‖², x⁽ᵏ⁾' = -g ⊙ x̃_{k^c} (mil (39)), L distinct
  factors, all > 0 (mil's x0 > 0).  ``init``: ``{"alpha": a}`` (every factor a𝟏) or
  ``{"factors": [[...], ...]}`` (L rows of length N).  Limit characterized:
  identical factors x0: the product follows mil (15)/(18) from x0 at time t/L (mil Lemma A.2, with
  the factor L its proof drops: ``conventions.mil_reduced_time_from_overparameterized_time``), so
  the limit is mil (21)'s projection of x0^{⊙L} (the ``positive`` model);
  L = 2, x⁽¹⁾ ≠ x⁽²⁾ in every entry: w± = (x⁽¹⁾ ± x⁽²⁾)/2 obey w±' = ∓g ⊙ w± (derived), so
  x⁽¹⁾⊙x⁽²⁾ = w₊² - w₋² is mil (35) at time t/2 from (|w₊(0)|, |w₋(0)|): mil (34)'s projection
  (``numerics.dual_reduction.pair_as_signed``).  Otherwise no paper states the limit.
* ``overparam_signed``: mil (5), 𝓛_over^± = ½‖A(⊙u⁽ᵏ⁾ - ⊙v⁽ᵏ⁾) - y‖², u⁽ᵏ⁾' = -g ⊙ ũ_{k^c},
  v⁽ᵏ⁾' = +g ⊙ ṽ_{k^c}.  ``init``: ``{"alpha": a}`` or ``{"u_factors": [...], "v_factors": [...]}``
  (L rows each, > 0).  Identical factors: mil (35) at t/L, mil (34)'s projection (``signed``).
  L = 2, any factors: the two pairs share G = ∫g, u⁽¹⁾u⁽²⁾ = a₊²e^{-2G} - a₋²e^{2G} and
  v⁽¹⁾v⁽²⁾ = b₊²e^{2G} - b₋²e^{-2G} (a± = (u⁽¹⁾ ± u⁽²⁾)/2, b± likewise), so the product is mil (35)
  at t/2 with the products ũ0 = a₊² + b₋², ṽ0 = b₊² + a₋² (derived): mil (34)'s projection.
* ``krr_uv``: krr App. C, f = Σ uᵢvᵢxᵢ, L = Σ(f - y)² (c = 1, no ½), u' = -2g ⊙ v, v' = -2g ⊙ u;
  signs free.  ``init``: ``{"alpha": a}`` (u0 = v0 = a𝟏, App. C's |u(0)| = |v(0)|) or
  ``{"u0": [...], "v0": [...]}``.  w± = (u ± v)/2 obey w±' = ∓2g ⊙ w± (derived), which is mil (35)'s
  u' = -2g u: the product is mil (35) at the same t from (|w₊(0)|, |w₋(0)|), and krr's w± flow (3) at
  t/2.  Projection: u0 ± v0 ≠ 0 in every entry: mil (34) with ũ0 = w₊(0)², ṽ0 = w₋(0)², i.e. krr's
  hypentropy Q with per-entry scale α²w0² = |u0² - v0²|/4, measured from β0 = u0⊙v0 (not from 0 as
  krr (5)); u0 = v0 in every entry: the positive depth-2 flow mil (15) from |u0| (uv = w₊², krr
  App. C's width-1 model ⟨w², x⟩), its entropy projection on S₊.
* ``sensing``: krr Theorem 4 in its δ/Δ form, (67): L(U, V) = Σ(⟨X_n, UVᵀ⟩ - y_n)² (c = 1),
  δ' = -4g ⊙ Δ, Δ' = -4g ⊙ δ, with L = 2.  ``init``: ``{"mu": m}`` (δ(0) = 0, Δ(0) = 2m²𝟏, krr App. G)
  or ``{"delta0": [...], "Delta0": [...]}`` with Δ0 > |δ0|.  Δ ± δ = (Δ0 ± δ0) e^{∓4∫g} (derived;
  Δ² - δ² is conserved), and mil (35) at L = 2 has u² = u0² e^{-4∫g}: δ is mil (35) at the same t
  with u² = (Δ + δ)/2, v² = (Δ - δ)/2 (``conventions.mil_signed_time_from_sensing_time``), krr's w±
  flow at t/2 (``conventions.krr_time_from_sensing_time``), and μ is the factor scale
  (``conventions.krr_theorem4_mu_from_factor_scale``).  Projection: for ``mu``, Theorem 4's
  argmin Q_μ(δ) s.t. 𝒳δ = y (krr (5) with α = μ, w0 = 𝟏); otherwise mil (34) from
  ((Δ0 + δ0)/2, (Δ0 - δ0)/2).

These models integrate in float64 only (LSODA, then BDF if LSODA does not converge: see
INTEGRATORS); ``--dps`` above 16 applies to ``--method project`` (``numerics.bregman_projection.refine``).
The model names are declared in ``checks.flow_instances`` (FACTOR_MODELS).
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import numpy as np

from dlncheck.checks.flow_instances import (
    FlowInstance,
    InstanceFields,
    positive_number,
    positive_vector,
    row_basis,
)
from dlncheck.checks.instances import InstanceError, parse_number, parse_vector, shown
from dlncheck.numerics.affine_feasibility import require_affine_solution
from dlncheck.numerics.bregman_projection import ProjectionProblem
from dlncheck.numerics.factor_flows import DEFAULT_ATOL, DEFAULT_RTOL, FactorFlowModel, integrate_factor_flow
from dlncheck.numerics.factor_flows_product import (
    krr_asymmetric_flow,
    mil_overparameterized_flow,
    mil_overparameterized_signed_flow,
)
from dlncheck.numerics.factor_flows_sensing import krr_commuting_sensing_flow
from dlncheck.numerics.legendre_potentials import MilEntropy
from dlncheck.numerics.results import FlowResult

DEPTH_TWO = ("krr_uv", "sensing")
# The factor charts take logarithms of the factors in float64: a nonzero entry below the normal
# range (or one that rounds to 0) would enter as a wrong or infinite logarithm.
FLOAT64_SMALLEST = sys.float_info.min
# Integrators, tried in order until one passes the stopping test (FactorFlowInstance.integrate).
# Measured on 120 drawn instances (M = 3, N = 5, 𝓛_over and 𝓛_over^±, L = 2, 3, alpha = 1e-6..1e-1):
# LSODA at rtol 1e-12 (atol 100x below) converged on all, within 3.4e-9 of the float64
# projection (the projection's own cancellation at L = 3, alpha ~ 1e-6), 155 s in all.  BDF at
# numerics.factor_flows' default rtol 1e-10 (global error ~100 rtol) ended 2.5e-8 away once,
# did not pass the stopping test within 60 s twice, and raised once (SciPy factors a non-finite
# Newton matrix); at rtol 1e-12 it stalls on the residual's rounding floor (t ~ 1e12, L = 3).
# BDF stays as the fallback: it is the module's default, chosen on larger instances (M = 10,
# N = 30) where LSODA did not converge on every case.
INTEGRATORS = (("LSODA", 1e-12, 1e-14), ("BDF", DEFAULT_RTOL, DEFAULT_ATOL))
INIT_FORMS = {
    "overparam": ({"alpha"}, {"factors"}),
    "overparam_signed": ({"alpha"}, {"u_factors", "v_factors"}),
    "krr_uv": ({"alpha"}, {"u0", "v0"}),
    "sensing": ({"mu"}, {"delta0", "Delta0"}),
}


@dataclass(frozen=True)
class FactorFlowInstance:
    """One flow of this module: its data, its factors at t = 0, and how its limit is characterized.

    ``x0`` is the flat state of the ``numerics.factor_flows_*`` model, exact.  The limit is the
    projection of ``reduced`` (a model of ``checks.flow_instances`` that the product follows), or
    mil (34) at L = 2 for the pair of depth-2 products ``products`` = (ũ0, ṽ0); with neither,
    ``uncharacterized`` says why.
    """

    model: str
    A: tuple[tuple[Fraction, ...], ...]
    y: tuple[Fraction, ...]
    depth: int
    x0: tuple[Fraction, ...]
    dps: int | None
    reduced: FlowInstance | None = None
    products: tuple[tuple[Fraction, ...], tuple[Fraction, ...]] | None = None
    uncharacterized: str = ""

    @property
    def N(self) -> int:
        return len(self.A[0])

    def flow_model(self) -> FactorFlowModel:
        A = np.array([[float(a) for a in row] for row in self.A])
        y = np.array([float(v) for v in self.y])
        if self.model == "overparam":
            return mil_overparameterized_flow(A, y, self.depth)
        if self.model == "overparam_signed":
            return mil_overparameterized_signed_flow(A, y, self.depth)
        if self.model == "krr_uv":
            return krr_asymmetric_flow(A, y)
        return krr_commuting_sensing_flow(A, y)

    def integrate(self, max_wall_s: float = math.inf) -> FlowResult:
        """The factor flow from ``x0`` to its limit (float64; ``numerics.factor_flows``).

        The INTEGRATORS are tried in turn until one converges; the message names the earlier
        attempts.  If none converges the last result is returned (converged false); if the last
        one raises, so does this.  ``max_wall_s`` bounds the time of all attempts together.
        """
        model, x0 = self.flow_model(), np.array([float(v) for v in self.x0])
        notes = []
        deadline = time.perf_counter() + max_wall_s

        def attempt(method: str, rtol: float, atol: float) -> FlowResult:
            remaining = max(deadline - time.perf_counter(), 0.0)
            return integrate_factor_flow(
                model, x0, method=method, rtol=rtol, atol=atol, record_states=False, max_wall_s=remaining
            )

        for method, rtol, atol in INTEGRATORS[:-1]:
            try:
                flow = attempt(method, rtol, atol)
            except (ValueError, ArithmeticError) as exc:  # e.g. SciPy's LU of a non-finite Jacobian
                notes.append(f"{method} raised {type(exc).__name__}: {exc}")
                continue
            if flow.converged:
                return replace(flow, message=f"{method}: {flow.message}")
            notes.append(f"{method} did not converge")
        method, rtol, atol = INTEGRATORS[-1]
        flow = attempt(method, rtol, atol)
        return replace(flow, message="; ".join([*notes, f"{method}: {flow.message}"]))

    def require_solvable(self) -> None:
        """Raise unless some limit can fit the data, before anything is integrated.

        A product that follows a reduced model lies in that model's set (S₊ for ``positive``,
        {z : Az = y} for ``signed`` and ``krr``: ``FlowInstance.require_solvable``).  Otherwise
        (mil (34) products, and the flows no paper characterizes, whose factors may cross 0) its
        limit solves Az = y with entries of either sign: the exact range test of
        ``numerics.affine_feasibility`` (InfeasibleSystemError, Float64InconsistencyError).
        """
        if self.reduced is not None:
            self.reduced.require_solvable()
        else:
            require_affine_solution(self.A, self.y)

    def projection(self) -> ProjectionProblem:
        """The limit the papers characterize (module docstring), or a one-line InstanceError."""
        if self.reduced is not None:
            return self.reduced.projection()
        if self.products is not None:
            up, vp = self.products  # mil (34) at L = 2: both branches use mil (21)'s entropy
            A, y = row_basis(self.A, self.y)  # a consistent system (require_solvable)
            return ProjectionProblem(A, y, ((MilEntropy(up), 1), (MilEntropy(vp), -1)))
        raise InstanceError(self.uncharacterized)


def parse_factor_instance(fields: InstanceFields) -> FactorFlowInstance:
    """Validate ``init`` and ``params`` of a model of this module (module docstring)."""
    model, L, init = fields.model, fields.depth, fields.init
    if model in DEPTH_TWO and L != 2:
        raise InstanceError(f"model {model} is a depth-2 flow: L must be 2")
    if fields.params:
        raise InstanceError(f"params: model {model} takes none, got {sorted(fields.params)}")
    forms = INIT_FORMS[model]
    if set(init) not in forms:
        allowed = " or ".join(str(sorted(form)) for form in forms)
        raise InstanceError(f"init keys {shown(sorted(init))} do not fit model {model!r}; give {allowed}")
    build = {
        "overparam": _overparam,
        "overparam_signed": _overparam_signed,
        "krr_uv": _krr_uv,
        "sensing": _sensing,
    }[model]
    instance = build(fields)
    for i, v in enumerate(instance.x0):
        _check_float64(v, f"the initial state's entry {i}")
    return instance


def _overparam(fields: InstanceFields) -> FactorFlowInstance:
    n, L, init = fields.N, fields.depth, fields.init
    if "alpha" in init:
        alpha = positive_number(parse_number(init["alpha"], "init.alpha"), "init.alpha")
        rows = ((alpha,) * n,) * L
    else:
        rows = _factor_rows(init["factors"], "init.factors", L, n)
    x0 = tuple(v for row in rows for v in row)
    common = (fields.model, fields.A, fields.y, L, x0, fields.dps)
    if all(row == rows[0] for row in rows):  # mil Lemma A.2: the positive model from the common factor
        alpha = rows[0][0] if len(set(rows[0])) == 1 else None
        return FactorFlowInstance(*common, reduced=_reduced("positive", fields, rows[0], None, alpha))
    if L == 2 and all(a != b for a, b in zip(*rows, strict=True)):
        plus, minus = _half_sum_and_difference(*rows)
        return FactorFlowInstance(*common, products=(_squares(plus), _squares(minus)))
    why = (
        "factors equal in some entries and not in others"
        if L == 2
        else f"L = {L} factors that are not all identical"
    )
    return FactorFlowInstance(*common, uncharacterized=_no_characterization("overparam", why))


def _overparam_signed(fields: InstanceFields) -> FactorFlowInstance:
    n, L, init = fields.N, fields.depth, fields.init
    if "alpha" in init:
        alpha = positive_number(parse_number(init["alpha"], "init.alpha"), "init.alpha")
        u_rows = v_rows = ((alpha,) * n,) * L
    else:
        u_rows = _factor_rows(init["u_factors"], "init.u_factors", L, n)
        v_rows = _factor_rows(init["v_factors"], "init.v_factors", L, n)
    x0 = tuple(v for row in u_rows + v_rows for v in row)
    common = (fields.model, fields.A, fields.y, L, x0, fields.dps)
    if all(row == u_rows[0] for row in u_rows) and all(row == v_rows[0] for row in v_rows):
        u0, v0 = u_rows[0], v_rows[0]
        alpha = u0[0] if len(set(u0 + v0)) == 1 else None
        return FactorFlowInstance(*common, reduced=_reduced("signed", fields, u0, v0, alpha))
    if L == 2:  # module docstring: ũ0 = a₊² + b₋², ṽ0 = b₊² + a₋²
        a_plus, a_minus = _half_sum_and_difference(*u_rows)
        b_plus, b_minus = _half_sum_and_difference(*v_rows)
        up = tuple(p * p + m * m for p, m in zip(a_plus, b_minus, strict=True))
        vp = tuple(p * p + m * m for p, m in zip(b_plus, a_minus, strict=True))
        return FactorFlowInstance(*common, products=(up, vp))
    why = f"L = {L} factors that are not all identical"
    return FactorFlowInstance(*common, uncharacterized=_no_characterization("overparam_signed", why))


def _krr_uv(fields: InstanceFields) -> FactorFlowInstance:
    n, init = fields.N, fields.init
    if "alpha" in init:
        alpha = positive_number(parse_number(init["alpha"], "init.alpha"), "init.alpha")
        u0 = v0 = (alpha,) * n
    else:
        u0, v0 = _vector(init["u0"], "init.u0", n), _vector(init["v0"], "init.v0", n)
        for i, (a, b) in enumerate(zip(u0, v0, strict=True)):
            if a == 0 and b == 0:
                raise InstanceError(
                    f"init.u0[{i}] = init.v0[{i}] = 0: that entry never moves (u' = -2g v, v' = -2g u)"
                )
    common = (fields.model, fields.A, fields.y, 2, u0 + v0, fields.dps)
    plus, minus = _half_sum_and_difference(u0, v0)
    if all(m == 0 for m in minus):  # u0 = v0: uv = w₊², the positive depth-2 flow from |u0|
        factor = tuple(abs(u) for u in u0)
        alpha = factor[0] if len(set(factor)) == 1 else None
        return FactorFlowInstance(*common, reduced=_reduced("positive", fields, factor, None, alpha))
    if all(p != 0 and m != 0 for p, m in zip(plus, minus, strict=True)):
        return FactorFlowInstance(*common, products=(_squares(plus), _squares(minus)))
    why = (
        "krr_uv with u0 = ±v0 in some entries but not all: the limit then lies on a set with sign "
        "constraints on some entries only, which --method project does not cover (it covers u0 = v0 "
        "everywhere, krr App. C, and u0 ± v0 != 0 everywhere); use --method integrate"
    )
    return FactorFlowInstance(*common, uncharacterized=why)


def _sensing(fields: InstanceFields) -> FactorFlowInstance:
    n, init = fields.N, fields.init
    if "mu" in init:
        mu = positive_number(parse_number(init["mu"], "init.mu"), "init.mu")
        x0 = (Fraction(0),) * n + (2 * mu * mu,) * n  # krr App. G: δ(0) = 0, Δ(0) = 2μ²𝟏
        # Theorem 4's Q_μ is krr (5)'s Q_{α, w0} at α = μ, w0 = 𝟏: the krr model's projection
        reduced = FlowInstance("krr", fields.A, fields.y, 2, (mu,) * n, (mu,) * n, mu, fields.dps)
        return FactorFlowInstance(fields.model, fields.A, fields.y, 2, x0, fields.dps, reduced=reduced)
    delta0 = _vector(init["delta0"], "init.delta0", n)
    big0 = _vector(init["Delta0"], "init.Delta0", n)
    for i, (d, D) in enumerate(zip(delta0, big0, strict=True)):
        if not D > abs(d):
            raise InstanceError(
                f"init.Delta0[{i}] = {D} must exceed |init.delta0[{i}]| = {abs(d)} "
                "(Δ = ½diag(UUᵀ + VVᵀ) >= |δ|, and Δ² - δ² > 0 is conserved by krr (67))"
            )
    up = tuple((D + d) / 2 for d, D in zip(delta0, big0, strict=True))  # u² = (Δ + δ)/2
    vp = tuple((D - d) / 2 for d, D in zip(delta0, big0, strict=True))  # v² = (Δ - δ)/2
    x0 = delta0 + big0
    return FactorFlowInstance(fields.model, fields.A, fields.y, 2, x0, fields.dps, products=(up, vp))


def _reduced(model: str, fields: InstanceFields, u0, v0, alpha) -> FlowInstance:
    return FlowInstance(model, fields.A, fields.y, fields.depth, u0, v0, alpha, fields.dps)


def _no_characterization(model: str, why: str) -> str:
    return (
        f"{model} with {why}: no characterization of this limit is stated in the papers "
        "(mil Theorem 1.1 and Lemma A.2 assume identical factors); use --method integrate"
    )


def _half_sum_and_difference(a, b) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...]]:
    return (
        tuple((x + y) / 2 for x, y in zip(a, b, strict=True)),
        tuple((x - y) / 2 for x, y in zip(a, b, strict=True)),
    )


def _squares(values) -> tuple[Fraction, ...]:
    return tuple(v * v for v in values)


def _vector(value: Any, where: str, n: int) -> tuple[Fraction, ...]:
    vec = parse_vector(value, where)
    if len(vec) != n:
        raise InstanceError(f"{where} has length {len(vec)} but A has {n} columns")
    return vec


def _factor_rows(value: Any, where: str, depth: int, n: int) -> tuple[tuple[Fraction, ...], ...]:
    if not isinstance(value, list) or not value or not all(isinstance(row, list) for row in value):
        raise InstanceError(f"{where}: expected a list of L = {depth} factor vectors")
    if len(value) != depth:
        raise InstanceError(f"{where} has {len(value)} factor vectors but L = {depth}: give one per layer")
    return tuple(positive_vector(row, f"{where}[{k}]", n) for k, row in enumerate(value))


def _check_float64(value: Fraction, where: str) -> None:
    if value == 0:
        return
    try:
        magnitude = abs(float(value))
    except OverflowError:
        magnitude = float("inf")
    if not FLOAT64_SMALLEST <= magnitude < float("inf"):
        raise InstanceError(
            f"{where} is outside float64's normal range (about 1e-308 to 1e308), in which this model "
            "is integrated; use initial scales between 1e-300 and 1e300"
        )
