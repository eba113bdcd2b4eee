"""Flows of Hadamard-power models: every factor identical, x^{⊙L} or u^{⊙L} - v^{⊙L}.

Loss  E(x) = c ||A p(x) - y||^2  with p = x^{⊙L} (positive) or p = u^{⊙L} - v^{⊙L} (signed),
A in R^{M x N}, depth L >= 2, loss weight c (mil c = 1/2, ms and krr c = 1: see
:mod:`numerics.conventions`).  With r = A p - y and g = A^T r (derived here, checked against
finite differences in tests/test_factor_flows.py):

    du/dt = -dE/du = -2cL g ⊙ u^{⊙(L-1)},     dv/dt = -dE/dv = +2cL g ⊙ v^{⊙(L-1)},
    J = -2c (D^T A^T A D + diag(g ⊙ p'')),   D = [diag(L u^{L-1}), diag(-L v^{L-1})],
    p'' = [L(L-1) u^{L-2}, -L(L-1) v^{L-2}].

Instances: mil (15), (18) (positive, c = 1/2); mil (7), (35) with the partial gradients of
Appendix A.1 (signed, c = 1/2); ms's L~(u) = ||A u^{⊙2} - y||^2 (positive, L = 2, c = 1;
ms writes A in R^{N x d}: its N is our M, its d our N); krr (3) and (10) (signed, D = L, c = 1,
krr's X is our A).  krr's printed flows (15), (50), (52), (55) have half the gradient of krr's
loss (they are the flows of L/2); the model here is the true gradient flow of krr's L.

Every factor keeps its sign (du/dt vanishes with u), so all charts are x = s e^theta.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dlncheck.numerics.conventions import KRR_LOSS_WEIGHT, MIL_LOSS_WEIGHT, MS_LOSS_WEIGHT
from dlncheck.numerics.factor_flows import FactorCharts, LinearMeasurements, sign_preserving_charts


@dataclass(frozen=True)
class HadamardPowerFlow:
    """dx/dt = -grad c||A x^{⊙L} - y||^2, or the signed (u, v) flow of c||A(u^L - v^L) - y||^2."""

    A: np.ndarray
    y: np.ndarray
    depth: int
    loss_weight: float
    signed: bool
    residual_dtype: type = np.longdouble
    measurements: LinearMeasurements = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.depth < 2:
            raise ValueError(f"need depth >= 2, got {self.depth}")
        measurements = LinearMeasurements(self.A, self.y, self.residual_dtype)
        object.__setattr__(self, "measurements", measurements)
        object.__setattr__(self, "A", measurements.A)
        object.__setattr__(self, "y", measurements.y)

    @property
    def state_names(self) -> tuple[str, ...]:
        return ("u", "v") if self.signed else ("x",)

    def _blocks(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(factors as rows, sign of each row in p)."""
        n = self.A.shape[1]
        rows = x.reshape(-1, n)
        return rows, (np.array([1.0, -1.0]) if self.signed else np.array([1.0]))

    def product(self, x: np.ndarray) -> np.ndarray:
        rows, signs = self._blocks(x)
        return signs @ rows**self.depth

    def loss(self, x: np.ndarray) -> float:
        r = self.measurements.residual(self.product(x))
        return float(self.loss_weight * (r @ r))

    def rhs(self, x: np.ndarray) -> np.ndarray:
        rows, signs = self._blocks(x)
        g = self.measurements.correlation(signs @ rows**self.depth)
        first = signs[:, None] * self.depth * rows ** (self.depth - 1)  # dp/d(row)
        return (-2.0 * self.loss_weight * g * first).ravel()

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        rows, signs = self._blocks(x)
        L, k, n = self.depth, rows.shape[0], rows.shape[1]
        g = self.measurements.correlation(signs @ rows**L)
        first = (signs[:, None] * L * rows ** (L - 1)).ravel()
        second = (signs[:, None] * L * (L - 1) * rows ** (L - 2)).ravel()
        idx = np.tile(np.arange(n), k)
        jac = self.measurements.gram[np.ix_(idx, idx)] * first[:, None] * first[None, :]
        jac[np.diag_indices_from(jac)] += np.tile(g, k) * second
        return -2.0 * self.loss_weight * jac

    def charts(self, x0: np.ndarray) -> FactorCharts:
        return sign_preserving_charts(x0)


def mil_positive_flow(
    A: np.ndarray, y: np.ndarray, depth: int, *, residual_dtype: type = np.longdouble
) -> HadamardPowerFlow:
    """mil (15), (18): x' = -L [A^T (A x^{⊙L} - y)] ⊙ x^{⊙(L-1)}, the flow of mil (6)."""
    return HadamardPowerFlow(A, y, depth, MIL_LOSS_WEIGHT, signed=False, residual_dtype=residual_dtype)


def mil_signed_flow(
    A: np.ndarray, y: np.ndarray, depth: int, *, residual_dtype: type = np.longdouble
) -> HadamardPowerFlow:
    """mil (35) on mil (7), with the partial gradients printed in mil Appendix A.1."""
    return HadamardPowerFlow(A, y, depth, MIL_LOSS_WEIGHT, signed=True, residual_dtype=residual_dtype)


def ms_positive_flow(
    A: np.ndarray, y: np.ndarray, *, residual_dtype: type = np.longdouble
) -> HadamardPowerFlow:
    """ms Sec. I: u' = -grad ||A u^{⊙2} - y||^2 = -4 A^T(A u^{⊙2} - y) ⊙ u (no 1/2 in ms's loss)."""
    return HadamardPowerFlow(A, y, 2, MS_LOSS_WEIGHT, signed=False, residual_dtype=residual_dtype)


def krr_signed_flow(
    X: np.ndarray, y: np.ndarray, depth: int, *, residual_dtype: type = np.longdouble
) -> HadamardPowerFlow:
    """krr (3) (D = 2) and (10): w_± ' = ∓2D X^T r ⊙ w_±^{D-1}, the true gradient of krr's L.

    krr prints w_+' = -D X^T r ⊙ w_+^{D-1} ((50), and -2 X^T r ⊙ w in (15)): half this.
    """
    return HadamardPowerFlow(X, y, depth, KRR_LOSS_WEIGHT, signed=True, residual_dtype=residual_dtype)


def krr_initial_factors(alpha: float, w0: np.ndarray) -> np.ndarray:
    """krr Sec. 2 and 4: w_+(0) = w_-(0) = alpha w0 (w0 with no zero entries), as (w_+, w_-)."""
    w = alpha * np.asarray(w0, dtype=float)
    return np.concatenate([w, w])
