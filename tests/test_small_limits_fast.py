"""The fast path of small float64 limits against today's path (issue 12's speed part).

* ``numerics.bregman_projection.project`` against its verbatim first version
  (``numerics.bregman_projection_baseline``): the same limits, residuals and iteration counts;
* ``numerics.highs_lp.linprog`` against ``scipy.optimize.linprog(method="highs")``: the same answers;
* ``numerics.positive_interior``: a certified strictly positive point is what it says (an exact
  solution nearby, every coordinate positive), and the face LP then finds no forced coordinate;
* end to end: ``checks.flow_command.float64_projection`` with the new parts switched off (today's
  path, as ``bench/bench_small_limits.py`` runs it) and on gives the same limit.
"""

from __future__ import annotations

import contextlib
import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog as scipy_linprog

import dlncheck.checks.flow_command as flow_command
import dlncheck.checks.flow_instances as flow_instances
import dlncheck.numerics.highs_lp as highs_lp
from dlncheck.checks.flow_files import parse_flow_instance
from dlncheck.checks.flow_instances import FlowInstance, gaussian_sparse_data
from dlncheck.checks.flow_strategies import positive_flow_instances, signed_flow_instances
from dlncheck.checks.instances import InstanceError
from dlncheck.numerics import bregman_projection_baseline
from dlncheck.numerics.bregman_projection import ProjectionError, project
from dlncheck.numerics.positive_face import independent_rows, positive_face
from dlncheck.numerics.positive_interior import strictly_positive_point
from dlncheck.numerics.sparse_recovery import linear_system

# The new Newton performs the first version's floating-point operations in the same order, so
# its limits agree to the last bit; 1e-12 (relative, norm-wise) is the brief's tolerance, with
# room for a library whose norms or products round differently.
SAME_LIMIT = 1e-12


def _quiet(function, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # overflowing trial steps of the line search
        return function(*args)


def _solve(solver, problem):
    try:
        return _quiet(solver, problem)
    except ProjectionError:
        return None


def _assert_same_limit(old, new) -> None:
    assert (old is None) == (new is None)
    if old is None:
        return
    assert old.converged == new.converged and old.message == new.message
    assert old.iterations == new.iterations
    old_value, new_value = np.asarray(old.value, dtype=float), np.asarray(new.value, dtype=float)
    if not np.all(np.isfinite(old_value)):  # a start outside the domain: the same NaNs
        assert np.array_equal(old_value, new_value, equal_nan=True)
    else:
        scale = max(float(np.linalg.norm(old_value)), 1e-300)
        assert float(np.linalg.norm(old_value - new_value)) <= SAME_LIMIT * scale
    assert new.residual == pytest.approx(old.residual, rel=SAME_LIMIT, abs=1e-300, nan_ok=True)


def _problem(raw):
    instance = parse_flow_instance(raw)
    if flow_command.digits_needed(instance) > flow_command.FLOAT64_DIGITS:
        return None
    return instance.projection()


@settings(max_examples=60, deadline=None)
@given(raw=st.one_of(positive_flow_instances(), signed_flow_instances()))
def test_project_equals_its_first_version_on_drawn_instances(raw):
    problem = _problem(raw)
    if problem is not None:
        _assert_same_limit(_solve(bregman_projection_baseline.project, problem), _solve(project, problem))


@pytest.mark.parametrize("model", ["positive", "signed"])
@pytest.mark.parametrize(("depth", "alpha"), [(2, "1e-30"), (2, "1e-3"), (3, "1e-2"), (4, "1e-1")])
def test_project_equals_its_first_version_on_gaussian_instances(model, depth, alpha):
    """N = 20, M = 14, s = 3 (issue 3's small instances); positive ones are often a single point."""
    for seed in range(3):
        data = gaussian_sparse_data(seed, 14, 20, 3, "alternate" if model == "signed" else "nonnegative")
        problem = _problem(data | {"model": model, "L": depth, "init": {"alpha": alpha}})
        _assert_same_limit(_solve(bregman_projection_baseline.project, problem), _solve(project, problem))


def test_project_equals_its_first_version_with_a_start_outside_the_domain():
    """A start_dual outside a power potential's domain: both stop at once, with the same message."""
    data = {"model": "positive", "A": [["1", "2", "3"]], "y": ["2"], "L": 3, "init": {"alpha": "1e-1"}}
    problem = parse_flow_instance(data).projection()
    start = np.array([1e6])
    old = _quiet(lambda p: bregman_projection_baseline.project(p, start_dual=start), problem)
    new = _quiet(lambda p: project(p, start_dual=start), problem)
    assert not new.converged and new.iterations == 0
    _assert_same_limit(old, new)


# ------------------------------------------------------------------------------ HiGHS front end


def _same_answer(a, b) -> None:
    for key in ("status", "message", "fun", "success", "nit"):
        assert a[key] == b[key], key
    for key in ("x", "slack", "con"):
        assert (a[key] is None) == (b[key] is None), key
        if a[key] is not None:
            assert np.array_equal(a[key], b[key]), key
    for key in ("ineqlin", "eqlin", "lower", "upper"):
        for field in ("residual", "marginals"):
            u, v = a[key][field], b[key][field]
            assert (u is None) == (v is None), (key, field)
            if u is not None:
                assert np.array_equal(u, v), (key, field)


_entries = st.integers(-8, 8).map(lambda k: k / 4)


@st.composite
def small_lps(draw):
    """LPs of the shapes this project solves: equality form with z ≥ 0 (feasible or not),
    inequalities with free and boxed variables, and a mix (unbounded ones among them)."""
    m, n = draw(st.integers(1, 4)), draw(st.integers(2, 8))
    A = np.array([[draw(_entries) for _ in range(n)] for _ in range(m)])
    b = np.array([draw(_entries) for _ in range(m)])
    c = np.array([draw(_entries) for _ in range(n)])
    form = draw(st.sampled_from(["equality", "inequality", "mixed"]))
    if form == "equality":
        return {"c": c, "A_eq": A, "b_eq": b, "bounds": (0, None)}
    if form == "inequality":
        return {"c": c, "A_ub": A, "b_ub": b, "bounds": [(None, None)] * (n - 1) + [(0.0, 1.0)]}
    return {"c": c, "A_ub": A, "b_ub": b, "A_eq": A[:1], "b_eq": [1.0], "bounds": (None, None)}


@settings(max_examples=150, deadline=None)
@given(lp=small_lps())
def test_highs_front_end_answers_as_scipy_linprog(lp):
    assert highs_lp.FAST, "scipy's HiGHS bindings are missing: the front end falls back to linprog"
    c = lp.pop("c")
    _same_answer(scipy_linprog(c, method="highs", **lp), highs_lp.linprog(c, **lp))


# ------------------------------------------------------------------------------ row bases


@st.composite
def matrices_and_columns(draw):
    """Small rational matrices, often with dependent rows (a combination of two others) or a zero
    row, and a subset of their columns."""
    m, n = draw(st.integers(1, 6)), draw(st.integers(1, 9))
    rows = [
        [Fraction(draw(st.integers(-3, 3)), draw(st.sampled_from([1, 2, 4]))) for _ in range(n)]
        for _ in range(m)
    ]
    if m > 1 and draw(st.booleans()):
        rows[-1] = [2 * a - b for a, b in zip(rows[0], rows[1 % m], strict=True)]
    columns = tuple(sorted(draw(st.sets(st.integers(0, n - 1)))))
    return tuple(tuple(row) for row in rows), columns


@settings(max_examples=200, deadline=None)
@given(data=matrices_and_columns())
def test_row_basis_is_positive_faces_independent_rows(data):
    A, columns = data
    assert flow_instances._independent_rows(A, columns) == independent_rows(A, columns)


# ------------------------------------------------------------------------------ interior points


def _exact_nearby_solution(instance: FlowInstance, z: np.ndarray) -> list[Fraction]:
    """z + Aᵀ(AAᵀ)⁻¹(y - Az) in exact rationals (A has full row rank here)."""
    A, y = [list(row) for row in instance.A], list(instance.y)
    m, n = len(A), len(A[0])
    zq = [Fraction(float(v)) for v in z]
    r = [y[i] - sum((A[i][j] * zq[j] for j in range(n)), Fraction(0)) for i in range(m)]
    G = [
        [sum((A[i][j] * A[k][j] for j in range(n)), Fraction(0)) for k in range(m)] + [r[i]] for i in range(m)
    ]
    for col in range(m):  # Gauss-Jordan on [AAᵀ | r]
        pivot = next(i for i in range(col, m) if G[i][col] != 0)
        G[col], G[pivot] = G[pivot], G[col]
        G[col] = [v / G[col][col] for v in G[col]]
        for i in range(m):
            if i != col and G[i][col] != 0:
                G[i] = [a - G[i][col] * b for a, b in zip(G[i], G[col], strict=True)]
    lam = [G[i][m] for i in range(m)]
    return [zq[j] + sum((A[i][j] * lam[i] for i in range(m)), Fraction(0)) for j in range(n)]


@settings(max_examples=80, deadline=None)
@given(raw=positive_flow_instances())
def test_a_certified_interior_point_is_one_and_the_face_lp_agrees(raw):
    instance = parse_flow_instance(raw)
    A = np.array([[float(a) for a in row] for row in instance.A])
    y = np.array([float(v) for v in instance.y])
    point = strictly_positive_point(A, y)
    lp_face = positive_face(linear_system(instance.A, instance.y))
    if point is None:
        return
    assert not lp_face.forced, (raw, lp_face.message)
    exact = _exact_nearby_solution(instance, point.z)
    assert all(v > 0 for v in exact)
    assert max(abs(float(e) - z) for e, z in zip(exact, point.z, strict=True)) <= point.bound
    assert instance.face().forced == () and "strictly positive point" in instance.face().message


def test_no_interior_point_is_claimed_where_coordinates_are_forced():
    """Gaussian A, 2-sparse x* ≥ 0 with S₊ = {x*}: 12 coordinates forced (the face LP decides);
    and a 2 x 3 system whose S₊ is the single point (1, 0, 0)."""
    data = gaussian_sparse_data(0, 8, 14, 2) | {"model": "positive", "L": 3, "init": {"alpha": "1e-1"}}
    instance = parse_flow_instance(data)
    assert instance._interior is None
    assert len(instance.face().forced) == 12
    forced = {
        "model": "positive",
        "A": [["1", "1", "0"], ["0", "1", "1"]],
        "y": ["1", "0"],
        "L": 2,
        "init": {"alpha": "1e-2"},
    }
    instance = parse_flow_instance(forced)  # z2 = z3 = 0 on S₊: z = (1, 0, 0) only
    assert instance._interior is None and instance.face().forced == (1, 2)


# ------------------------------------------------------------------------------ end to end


@contextlib.contextmanager
def _todays_path():
    """The new parts switched off: SciPy's linprog, no interior point, the first Newton."""
    saved = (highs_lp.FAST, FlowInstance.__dict__["_interior"], flow_command.project)
    highs_lp.FAST = False
    FlowInstance._interior = property(lambda self: None)
    flow_command.project = bregman_projection_baseline.project
    try:
        yield
    finally:
        highs_lp.FAST, interior, flow_command.project = saved
        FlowInstance._interior = interior


def _float64_limit(raw):
    try:
        instance = parse_flow_instance(raw)
        return _quiet(flow_command.float64_projection, instance)
    except InstanceError as exc:
        return str(exc)


@settings(max_examples=60, deadline=None)
@given(raw=st.one_of(positive_flow_instances(max_rows=4, max_columns=8), signed_flow_instances()))
def test_float64_projection_equals_todays_path(raw):
    with _todays_path():
        old = _float64_limit(raw)
    new = _float64_limit(raw)
    if isinstance(old, str) or isinstance(new, str):
        assert old == new
        return
    _assert_same_limit(old, new)
