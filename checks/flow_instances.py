"""Flow instance files for ``dlncheck flow``: the schema, validation, and the models they name.

Schema (``dlncheck.flow/1``); numbers are strings (decimal or rational) so exact values survive::

    {
      "model":  "positive" | "signed" | "krr" | "ms"            # this module
              | "overparam" | "overparam_signed" | "krr_uv" | "sensing"   # checks.flow_models
              | "wn" | "wn_signed",                                        # checks.flow_wn
      "A":      [["1", "1/2", ...], ...],            # M x N
      "y":      ["...", ...]                         # length M, or instead:
      "x_star": ["...", ...],                        # length N: y = A x_star computed exactly
      "L":      2,                                   # depth (krr: D)
      "init":   {"alpha": "1e-30"}                   # every factor starts at alpha * 1
              | {"x0": [...]}                        # positive: factor vector at t = 0
              | {"u0": [...], "v0": [...]},          # signed: factor vectors at t = 0
      "params": {"w0": [...]},                       # krr: the shape w0 (default 1); w±(0) = alpha w0
      "dps":    50                                   # optional default precision
    }

The other models' ``init`` and ``params`` are documented in ``checks.flow_models`` and
``checks.flow_wn``.  Models of this module, with their loss normalization and time scale
(``numerics.conventions``):

* ``positive``: mil (15)/(18), x' = -∇L(x), L(x) = ½‖A x^{⊙L} - y‖²; limit x̃∞ = x∞^{⊙L}.
* ``signed``:   mil (35), the flow of L^±(u, v) = ½‖A(u^{⊙L} - v^{⊙L}) - y‖²; limit ũ∞ - ṽ∞.
* ``ms``:       ms's positive depth-2 flow, L(u) = ‖A u^{⊙2} - y‖² (no ½), u(0) = α𝟏; its limit is the
  entropy projection of x0 = α²𝟏, which is ms Theorem II.2's x^∞ at the theorem's α = α²
  (``numerics.conventions.ms_theorem_alpha_from_factor_scale``).
* ``krr``:      krr Section 2/Theorem 1 and 3, f = ⟨w₊^{⊙D} - w₋^{⊙D}, x⟩, L(w) = Σ(f - y)² (no ½),
  w₊(0) = w₋(0) = α w0; limit β∞ = w₊∞^{⊙D} - w₋∞^{⊙D}.

The factor-scale α is converted to each paper's own α by the named functions of
``numerics.conventions``; here α always scales each factor.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any

import numpy as np
from scipy.linalg.lapack import dgeqp3

from dlncheck.checks.input_limits import check_flow_data
from dlncheck.checks.instances import InstanceError, parse_matrix, parse_number, parse_vector, shown
from dlncheck.numerics import conventions
from dlncheck.numerics.affine_feasibility import require_affine_solution
from dlncheck.numerics.bregman_projection import ProjectionProblem
from dlncheck.numerics.dual_reduction import DiagonalReduction, positive_reduction, signed_reduction
from dlncheck.numerics.legendre_potentials import KrrDepthPotential, KrrHypentropy, MilEntropy, MilPower
from dlncheck.numerics.positive_face import (
    RANK_TOL,
    PositiveFace,
    independent_rows,
    positive_face,
    require_nonempty_positive_set,
    unique_point,
)
from dlncheck.numerics.positive_interior import InteriorPoint, strictly_positive_point
from dlncheck.numerics.sparse_recovery import LinearSystem, linear_system

SCHEMA = "dlncheck.flow/1"
REDUCED_MODELS = ("positive", "signed", "krr", "ms")  # FlowInstance, below
FACTOR_MODELS = ("overparam", "overparam_signed", "krr_uv", "sensing")  # checks.flow_models
WN_MODELS = ("wn", "wn_signed")  # checks.flow_wn
MODELS = REDUCED_MODELS + FACTOR_MODELS + WN_MODELS
TOP_LEVEL_KEYS = frozenset({"schema", "model", "A", "y", "x_star", "L", "init", "params", "dps"})
MAX_DEPTH = 64


@dataclass(frozen=True)
class FlowInstance:
    model: str
    A: tuple[tuple[Fraction, ...], ...]
    y: tuple[Fraction, ...]
    depth: int
    u0: tuple[Fraction, ...]  # factor vector at t = 0 (positive model: x0; krr: α w0)
    v0: tuple[Fraction, ...] | None
    alpha: Fraction | None
    dps: int | None

    @property
    def N(self) -> int:
        return len(self.A[0])

    def reduction(self) -> DiagonalReduction:
        """The model reduced to the dual flow (★) of ``numerics.dual_reduction``."""
        weight = {"krr": conventions.KRR_LOSS_WEIGHT, "ms": conventions.MS_LOSS_WEIGHT}.get(
            self.model, conventions.MIL_LOSS_WEIGHT
        )
        # w' = -2·weight·L [Aᵀr] ⊙ w^{L-1} for the loss weight·‖A w^{⊙L}... - y‖², so kL = 2·weight·L²
        rate = 2 * weight * self.depth**2
        if self.model in ("positive", "ms"):
            return positive_reduction(self.u0, self.depth, rate)
        return signed_reduction(self.u0, self.v0 if self.v0 is not None else self.u0, self.depth, rate)

    def projection(self) -> ProjectionProblem:
        """The limit the paper characterizes, as a Bregman projection / regularized minimization.

        On a basis of the rows of A (``row_basis``): the system is consistent
        (``require_solvable``), so dependent rows add nothing but a singular dual Hessian.
        """
        L = self.depth
        A, y = row_basis(self.A, self.y)
        if self.model == "krr":
            if L == 2:  # krr (5), (19)-(21): argmin Q_{α,w0} s.t. Xβ = y
                return ProjectionProblem(A, y, ((KrrHypentropy(tuple(w * w for w in self.u0)), 1),))
            if any(w != self.u0[0] for w in self.u0):
                raise InstanceError("krr with D > 2: Theorem 3 is stated for w0 = 1 only")
            return ProjectionProblem(A, y, ((KrrDepthPotential(self.u0[0] ** L, L, self.N), 1),))
        if self.model == "signed":  # mil (34); S± always has a strictly positive point
            v0 = self.v0 if self.v0 is not None else self.u0
            branches = (
                (self._mil_potential(tuple(u**L for u in self.u0)), 1),
                (self._mil_potential(tuple(v**L for v in v0)), -1),
            )
            return ProjectionProblem(A, y, branches)
        # positive and ms: mil (21) (for ms, Theorem II.2's B_E(·, α𝟙) has the same minimizer)
        face = self.face()
        potential = self._mil_potential(tuple(u**L for u in self.u0))
        if not face.forced:
            return ProjectionProblem(A, y, ((potential, 1),))
        free = face.free(self.N)
        rows = _independent_rows(self.A, free)
        A_face = tuple(tuple(self.A[i][k] for k in free) for i in rows)
        y_face = tuple(self.y[i] for i in rows)
        point = unique_point(A_face, y_face) if len(rows) == len(free) else None
        return ProjectionProblem(
            A_face, y_face, ((potential.restrict(free), 1),), free, self.N, point, note=face.message
        )

    def face(self) -> PositiveFace:
        """The coordinates forced to 0 on S₊ (positive model), see ``numerics.positive_face``;
        none, without the face LP, where S₊ has a certified strictly positive point
        (``numerics.positive_interior``)."""
        self.require_solvable()  # S₊ is not empty: checked once per instance
        if self._interior is not None:
            return PositiveFace((), None, True, self._interior.message)
        return positive_face(self._system, checked_nonempty=self.model in ("positive", "ms"))

    def require_solvable(self) -> None:
        """Raise unless the set the limit lies in is nonempty: S₊ = {z ≥ 0 : Az = y} for positive
        and ms (``numerics.positive_face.require_nonempty_positive_set``: EmptyPositiveSetError or
        UndecidedPositiveSetError), {z : Az = y} for signed and krr
        (``numerics.affine_feasibility``: InfeasibleSystemError or Float64InconsistencyError)."""
        _ = self._solvable  # cached: the check runs once per instance

    @cached_property
    def _system(self) -> LinearSystem:
        """A and y exactly and in float64, built once for the emptiness test and the face LP."""
        return linear_system(self.A, self.y)

    @cached_property
    def _solvable(self) -> bool:
        if self.model in ("positive", "ms"):
            if self._interior is None:  # a certified interior point already shows S₊ ≠ ∅
                require_nonempty_positive_set(self._system)
        else:
            require_affine_solution(self.A, self.y)
        return True

    @cached_property
    def _interior(self) -> InteriorPoint | None:
        """A certified strictly positive point of S₊ (positive and ms), found by NNLS from the
        float64 data (``numerics.positive_interior``); None where there is none or it is not
        certified, and for the other models.  With one, S₊ is not empty and no coordinate is
        forced: the emptiness LP and the face LP are skipped."""
        if self.model not in ("positive", "ms"):
            return None
        try:
            A = np.array([[a.numerator / a.denominator for a in row] for row in self.A])
            y = np.array([v.numerator / v.denominator for v in self.y])
        except OverflowError:  # beyond float64: the LPs decide (and report) such data
            return None
        return strictly_positive_point(A, y)

    def _mil_potential(self, x0: tuple[Fraction, ...]):
        return MilEntropy(x0) if self.depth == 2 else MilPower(x0, self.depth)  # mil (21)


def row_basis(
    A: tuple[tuple[Fraction, ...], ...], y: tuple[Fraction, ...]
) -> tuple[tuple[tuple[Fraction, ...], ...], tuple[Fraction, ...]]:
    """The rows of a consistent system Az = y that span its row space (same solutions)."""
    rows = _independent_rows(A, tuple(range(len(A[0]))))
    if len(rows) == len(A):
        return A, y
    return tuple(A[i] for i in rows), tuple(y[i] for i in rows)


_GEQP3_LWORK: dict[tuple[int, int], int] = {}


def _independent_rows(A: tuple[tuple[Fraction, ...], ...], columns: tuple[int, ...]) -> tuple[int, ...]:
    """``numerics.positive_face.independent_rows(A, columns)``: the same pivoted QR (LAPACK's
    geqp3 with the workspace scipy.linalg.qr asks for) and the same rank test, without
    scipy.linalg.qr's wrapper, which costs more than the factorization at these sizes."""
    transposed = np.array([[row[k].numerator / row[k].denominator for k in columns] for row in A]).T
    if transposed.size == 0:
        return ()
    lwork = _GEQP3_LWORK.get(transposed.shape)
    if lwork is None:
        lwork = _GEQP3_LWORK[transposed.shape] = int(dgeqp3(transposed, lwork=-1)[3][0].real)
    qr, pivots, _, _, info = dgeqp3(transposed, lwork=lwork)
    if info != 0:  # not expected; the reference implementation decides
        return independent_rows(A, columns)
    diag = np.abs(np.diagonal(qr)[: min(transposed.shape)])
    rank = int(np.sum(diag > RANK_TOL * diag[0])) if diag.size and diag[0] > 0 else 0
    return tuple(sorted(int(p) - 1 for p in pivots[:rank]))


@dataclass(frozen=True)
class InstanceFields:
    """The keys every model shares, validated; ``init`` and ``params`` are each model's own."""

    model: str
    A: tuple[tuple[Fraction, ...], ...]
    y: tuple[Fraction, ...]
    depth: int
    init: dict[str, Any]
    params: dict[str, Any]
    dps: int | None

    @property
    def N(self) -> int:
        return len(self.A[0])


def parse_instance_fields(data: Any) -> InstanceFields:
    """The shared keys: schema, model, A, y or x_star, L, init (an object), params, dps."""
    if not isinstance(data, dict):
        raise InstanceError("a flow instance must be a JSON object")
    unknown = set(data) - TOP_LEVEL_KEYS
    if unknown:
        raise InstanceError(f"unknown key(s) {shown(sorted(unknown))}; allowed: {sorted(TOP_LEVEL_KEYS)}")
    if "schema" in data and data["schema"] != SCHEMA:
        raise InstanceError(f"schema {shown(data['schema'])} is not {SCHEMA!r}")
    model = data.get("model")
    if model not in MODELS:
        raise InstanceError(f"model must be one of {list(MODELS)}, got {shown(model)}")
    if "A" not in data:
        raise InstanceError("missing key 'A'")
    A = parse_matrix(data["A"], "A")
    m, n = len(A), len(A[0])
    if ("y" in data) == ("x_star" in data):
        raise InstanceError("give exactly one of 'y' and 'x_star'")
    if "y" in data:
        y = parse_vector(data["y"], "y")
        if len(y) != m:
            raise InstanceError(f"y has length {len(y)} but A has {m} rows")
    else:
        x_star = parse_vector(data["x_star"], "x_star")
        if len(x_star) != n:
            raise InstanceError(f"x_star has length {len(x_star)} but A has {n} columns")
        # exact; the zero entries of x* (most of a sparse x*) add nothing and are skipped
        support = [(j, x) for j, x in enumerate(x_star) if x]
        y = tuple(sum((row[j] * x for j, x in support), Fraction(0)) for row in A)
    if all(v == 0 for v in y):
        raise InstanceError("y = 0: the flow stays at its initialization's orbit; give a nonzero y")
    check_flow_data(A, y)  # before any model converts them to float64
    depth = data.get("L")
    if isinstance(depth, bool) or not isinstance(depth, int) or not 2 <= depth <= MAX_DEPTH:
        raise InstanceError(f"L must be an integer in [2, {MAX_DEPTH}], got {shown(depth)}")
    init = data.get("init")
    if not isinstance(init, dict) or not init:
        raise InstanceError(
            f'missing init: give an object such as {{"alpha": "1e-3"}} (model {model}: see the README)'
        )
    params = data.get("params", {})
    if not isinstance(params, dict):
        raise InstanceError("params: expected an object")
    dps = data.get("dps")
    if dps is not None and (isinstance(dps, bool) or not isinstance(dps, int) or not 16 <= dps <= 10_000):
        raise InstanceError(f"dps must be an integer in [16, 10000], got {shown(dps)}")
    return InstanceFields(model, A, y, depth, init, params, dps)


def reduced_instance(fields: InstanceFields) -> FlowInstance:
    model, n, init, params = fields.model, fields.N, fields.init, fields.params
    if model == "ms" and fields.depth != 2:
        raise InstanceError("model ms is the depth-2 flow of Matt-Stöger: L must be 2")
    if set(params) - {"w0"}:
        raise InstanceError("params: only 'w0' (krr's initialization shape) is recognised")
    alpha = None
    if set(init) == {"alpha"}:
        alpha = positive_number(parse_number(init["alpha"], "init.alpha"), "init.alpha")
        shape = parse_vector(params["w0"], "params.w0") if "w0" in params else (Fraction(1),) * n
        if len(shape) != n:
            raise InstanceError(f"params.w0 has length {len(shape)} but A has {n} columns")
        for i, w in enumerate(shape):
            positive_number(w, f"params.w0[{i}]")
        u0 = tuple(alpha * w for w in shape)
        v0 = u0 if model in ("signed", "krr") else None
    elif set(init) == {"x0"} and model in ("positive", "ms"):
        u0, v0 = positive_vector(init["x0"], "init.x0", n), None
    elif set(init) == {"u0", "v0"} and model == "signed":
        u0, v0 = positive_vector(init["u0"], "init.u0", n), positive_vector(init["v0"], "init.v0", n)
    else:
        raise InstanceError(f"init keys {shown(sorted(init))} do not fit model {model!r}")
    if "w0" in params and alpha is None:
        raise InstanceError("params.w0 needs init.alpha")
    return FlowInstance(model, fields.A, fields.y, fields.depth, u0, v0, alpha, fields.dps)


def positive_number(x: Fraction, where: str) -> Fraction:
    if x <= 0:
        raise InstanceError(f"{where} = {x} but initializations must be positive")
    return x


def positive_vector(value: Any, where: str, n: int) -> tuple[Fraction, ...]:
    vec = parse_vector(value, where)
    if len(vec) != n:
        raise InstanceError(f"{where} has length {len(vec)} but A has {n} columns")
    for i, x in enumerate(vec):
        positive_number(x, f"{where}[{i}]")
    return vec


def gaussian_sparse_data(seed: int, m: int, n: int, s: int, signs: str = "nonnegative") -> dict:
    """``A`` and ``x_star`` of a flow instance, as exact decimal strings (y = A x* exactly).

    A is Gaussian/√M (M = m rows, N = n columns) and x* is s-sparse with entries in [0.5, 2]
    (issue 3's instances); ``signs``: ``"nonnegative"``, ``"random"`` (each entry's sign drawn)
    or ``"alternate"`` (every other nonzero negated: the benchmark's signed instances).
    """
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((m, n)) / np.sqrt(m)
    x = np.zeros(n)
    support = rng.choice(n, s, replace=False)
    if signs == "random":
        x[support] = rng.uniform(0.5, 2.0, s) * rng.choice([-1, 1], s)
    else:
        x[support] = rng.uniform(0.5, 2.0, s)
        if signs == "alternate":
            x[np.flatnonzero(x)[::2]] *= -1
    return {"A": [[repr(float(a)) for a in row] for row in A], "x_star": [repr(float(v)) for v in x]}
