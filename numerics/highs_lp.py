"""``scipy.optimize.linprog(..., method="highs")`` for the small dense LPs of this project, without
its per-call set-up.

The projections' instances are small (N <= 20 columns, a handful of rows), where HiGHS itself
solves an LP in ~0.3 ms but ``linprog`` spends ~2 ms around it: validating and copying the
inputs, building a SciPy sparse matrix, and creating, type-checking and setting each HiGHS option
anew on every call.  :func:`linprog` hands HiGHS the same model (the constraint matrix in the
same column-wise sparse form, the same bounds with ±inf as HiGHS's infinity) with the same
options (``linprog``'s defaults for ``method="highs"``: presolve on, dual simplex strategy,
no output), prepared once per process, and returns the same fields (``x``, ``fun``,
``status``, ``message``, ``slack``, ``con``, ``eqlin``/``ineqlin``/``lower``/``upper`` with
their residuals and marginals) after the same validity test of the answer
(``scipy.optimize._linprog_util._check_result`` at linprog's default tolerance).  The answers
are therefore those of ``linprog`` (``tests/test_small_limits_fast.py`` compares them).

HiGHS is reached through SciPy's bundled bindings (``scipy.optimize._highspy``), a private module:
when it is missing or its interface differs, :func:`linprog` is SciPy's own (``FAST`` is False).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import OptimizeResult
from scipy.optimize import linprog as scipy_linprog

try:  # SciPy's private HiGHS bindings; everything below falls back to scipy's linprog without them
    from scipy.optimize._highspy import _core as _h
    from scipy.optimize._linprog_highs import _highs_to_scipy_status_message
    from scipy.optimize._linprog_util import _check_result

    _INF = _h.kHighsInf
    _OPTIMAL = _h.HighsModelStatus.kOptimal
    _LOWER, _UPPER = _h.HighsBasisStatus.kLower, _h.HighsBasisStatus.kUpper
    FAST = True
except (ImportError, AttributeError):  # pragma: no cover - depends on the SciPy build
    FAST = False

# linprog's termination tolerance for the validity test of HiGHS's answer (its default ``tol``).
CHECK_TOL = 1e-9

_OPTIONS = None


def _options():
    """linprog's HiGHS options for method="highs" (``_linprog_highs``'s defaults), built once."""
    global _OPTIONS
    if _OPTIONS is None:
        options = _h.HighsOptions()
        options.presolve = "on"
        options.highs_debug_level = _h.HighsDebugLevel.kHighsDebugLevelNone
        options.log_to_console = False
        options.output_flag = False
        options.simplex_strategy = _h.simplex_constants.SimplexStrategy.kSimplexStrategyDual
        _OPTIONS = options
    return _OPTIONS


def _bounds(bounds, n: int) -> np.ndarray:
    """linprog's bounds forms (one (lo, hi) pair for all, or n pairs; None = unbounded) as n x 2."""
    if bounds is None:
        bounds = (0, np.inf)
    conv = np.atleast_2d(np.array(bounds, dtype=float))
    if conv.shape == (n, 2):
        out = conv.copy()
    elif conv.shape in ((1, 2), (2, 1)):
        flat = conv.ravel()
        out = np.empty((n, 2))
        out[:, 0], out[:, 1] = flat[0], flat[1]
    else:
        raise ValueError(f"unable to interpret bounds of shape {conv.shape}")
    out[np.isnan(out[:, 0]), 0] = -np.inf
    out[np.isnan(out[:, 1]), 1] = np.inf
    return out


def _as_matrix(A, n: int) -> np.ndarray:
    if A is None:
        return np.zeros((0, n))
    return np.asarray(A, dtype=float).reshape(-1, n)


def _as_vector(b) -> np.ndarray:
    if b is None:
        return np.zeros(0)
    return np.asarray(b, dtype=float).reshape(-1)


def _highs_value(x: np.ndarray) -> np.ndarray:
    """±inf as HiGHS's infinity (``_linprog_highs._replace_inf``)."""
    x = x.copy()
    infinite = np.isinf(x)
    x[infinite] = np.sign(x[infinite]) * _INF
    return x


def linprog(c, A_ub=None, b_ub=None, A_eq=None, b_eq=None, bounds=(0, None), method: str = "highs"):
    """``scipy.optimize.linprog`` with ``method="highs"`` on dense data (module docstring); other
    methods, and data that linprog would refuse (shapes, non-finite entries), go to linprog."""
    if FAST and method == "highs":
        try:
            result = _solve(c, A_ub, b_ub, A_eq, b_eq, bounds)
        except (TypeError, AttributeError):  # SciPy's private HiGHS interface changed: its own linprog
            result = None
        if result is not None:
            return result
    return scipy_linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=bounds, method=method)


def _solve(c, A_ub, b_ub, A_eq, b_eq, bounds) -> OptimizeResult | None:
    """HiGHS on linprog's model and options (module docstring); None where linprog must decide."""
    c = np.asarray(c, dtype=float).reshape(-1)
    n = c.size
    A_ub, A_eq = _as_matrix(A_ub, n), _as_matrix(A_eq, n)
    b_ub, b_eq = _as_vector(b_ub), _as_vector(b_eq)
    if A_ub.shape[0] != b_ub.size or A_eq.shape[0] != b_eq.size:
        return None
    if not all(np.isfinite(v).all() for v in (c, A_ub, A_eq, b_ub, b_eq)):
        return None
    try:
        box = _bounds(bounds, n)
    except ValueError:
        return None
    A = np.vstack((A_ub, A_eq))
    lhs = np.concatenate((np.full(b_ub.size, -np.inf), b_eq))
    rhs = np.concatenate((b_ub, b_eq))
    m = rhs.size
    # column-wise sparse form of A, as scipy.sparse.csc_array(A) gives it (explicit zeros dropped)
    cols, rows = np.nonzero(A.T)
    lp = _h.HighsLp()
    lp.num_col_, lp.num_row_ = n, m
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, m
    lp.a_matrix_.format_ = _h.MatrixFormat.kColwise
    lp.col_cost_ = c
    lower, upper = _highs_value(box[:, 0]), _highs_value(box[:, 1])
    lp.col_lower_, lp.col_upper_ = lower, upper
    lp.row_lower_, lp.row_upper_ = _highs_value(lhs), _highs_value(rhs)
    lp.a_matrix_.start_ = np.concatenate(([0], np.cumsum(np.bincount(cols, minlength=n)))).astype(np.int32)
    lp.a_matrix_.index_ = rows.astype(np.int32)
    lp.a_matrix_.value_ = A.T[cols, rows]
    highs = _h._Highs()
    if highs.passOptions(_options()) == _h.HighsStatus.kError:  # pragma: no cover - fixed options
        return None
    raw: dict = {"x": None, "fun": None}
    if highs.passModel(lp) == _h.HighsStatus.kError:
        raw.update(
            status=_h.HighsModelStatus.kModelError,
            message=highs.modelStatusToString(_h.HighsModelStatus.kModelError),
        )
    elif highs.run() == _h.HighsStatus.kError:
        raw.update(status=highs.getModelStatus(), message=highs.modelStatusToString(highs.getModelStatus()))
    else:
        _read_solution(highs, raw, n, rhs)
    return _result(raw, b_ub.size, box, lower, upper)


def _read_solution(highs, raw: dict, n: int, rhs: np.ndarray) -> None:
    """``_highs_wrapper``'s reading of a solved model (LP case)."""
    status = highs.getModelStatus()
    info = highs.getInfo()
    if status != _OPTIMAL:
        raw.update(
            status=status,
            message=f"model_status is {highs.modelStatusToString(status)}; primal_status is "
            f"{highs.solutionStatusToString(info.primal_solution_status)}",
            simplex_nit=info.simplex_iteration_count,
            ipm_nit=info.ipm_iteration_count,
            crossover_nit=info.crossover_iteration_count,
        )
        return
    solution = highs.getSolution()
    col_status = highs.getBasis().col_status
    col_dual = solution.col_dual
    bound_marginals = np.zeros((2, n))
    for j in range(n):
        if col_status[j] == _LOWER:
            bound_marginals[0, j] = col_dual[j]
        elif col_status[j] == _UPPER:
            bound_marginals[1, j] = col_dual[j]
    raw.update(
        status=status,
        message=highs.modelStatusToString(status),
        x=np.array(solution.col_value),
        slack=rhs - solution.row_value,
        multipliers=np.array(solution.row_dual),
        bound_marginals=bound_marginals,
        fun=info.objective_function_value,
        simplex_nit=info.simplex_iteration_count,
        ipm_nit=info.ipm_iteration_count,
        crossover_nit=info.crossover_iteration_count,
    )


def _result(raw: dict, n_ub: int, box: np.ndarray, lb: np.ndarray, ub: np.ndarray) -> OptimizeResult:
    """``_linprog_highs``'s OptimizeResult (bound residuals against HiGHS's bounds, infinity
    replaced, as there), then ``linprog``'s validity test of it."""
    x = raw["x"]
    if "slack" in raw:
        slack, con = np.array(raw["slack"][:n_ub]), np.array(raw["slack"][n_ub:])
        marg_ub, marg_eq = raw["multipliers"][:n_ub], raw["multipliers"][n_ub:]
        marg_lower, marg_upper = raw["bound_marginals"][0], raw["bound_marginals"][1]
    else:
        slack = con = marg_ub = marg_eq = marg_lower = marg_upper = None
    status, message = _highs_to_scipy_status_message(raw.get("status"), raw.get("message"))
    sol = {
        "x": x,
        "slack": slack,
        "con": con,
        "ineqlin": OptimizeResult({"residual": slack, "marginals": marg_ub}),
        "eqlin": OptimizeResult({"residual": con, "marginals": marg_eq}),
        "lower": OptimizeResult({"residual": None if x is None else x - lb, "marginals": marg_lower}),
        "upper": OptimizeResult({"residual": None if x is None else ub - x, "marginals": marg_upper}),
        "fun": raw.get("fun"),
        "status": status,
        "message": message,
        "nit": raw.get("simplex_nit", 0) or raw.get("ipm_nit", 0),
        "crossover_nit": raw.get("crossover_nit"),
    }
    sol["status"], sol["message"] = _check_result(
        x, sol["fun"], status, slack, con, box, CHECK_TOL, message, None
    )
    sol["success"] = sol["status"] == 0
    return OptimizeResult(sol)
