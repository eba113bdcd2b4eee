"""krr Theorem 4: matrix sensing with diagonal (commuting) measurements, in its delta/Delta form.

Model (krr Sec. 6): M = U V^T, U, V in R^{d x k}, loss L(U, V) = sum_n (<X_n, M> - y_n)^2 with
X_n = diag(row n of 𝒳), 𝒳 in R^{N x d} (krr's N samples: our M rows; krr's d: our N columns).
Only delta = diag(U V^T) and Delta = (1/2) diag(U U^T + V V^T) matter (krr Appendix G).

Derivation (krr's c = 1; checks in tests/test_factor_flows.py): <X_n, M> = (𝒳 delta)_n, so with
r = 𝒳 delta - y and g = 𝒳^T r,  U_ij' = -dL/dU_ij = -2 g_i V_ij and V_ij' = -2 g_i U_ij, hence

    delta' = -4 g ⊙ Delta,   Delta' = -4 g ⊙ delta                         krr (67), as printed,
    J = [[-4 diag(Delta) 𝒳^T𝒳, -4 diag(g)], [-4 diag(delta) 𝒳^T𝒳 - 4 diag(g), 0]].

Delta^2 - delta^2 is conserved (derived: d/dt = 2Delta(-4g delta) - 2delta(-4g Delta) = 0), so
Delta >= |delta| keeps Delta > 0 (chart e^theta) while delta crosses zero at the scale
sqrt(Delta^2 - delta^2) (chart sigma sinh theta, the same rule as for distinct factors).

Gradient descent on U, V (any width k) closes in (delta, Delta) as well (derived):
    delta+ = (1 + 4 eta^2 g^2) delta - 4 eta g Delta,  Delta+ = (1 + 4 eta^2 g^2) Delta - 4 eta g delta.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dlncheck.numerics.conventions import KRR_LOSS_WEIGHT
from dlncheck.numerics.factor_flows import FactorCharts, LinearMeasurements

SENSING_GRADIENT = 4.0 * KRR_LOSS_WEIGHT  # krr (67): delta' = -4 g Delta (2 from the loss, 2 from U, V)


@dataclass(frozen=True)
class CommutingSensingFlow:
    """krr (67): delta' = -4 𝒳^T r ⊙ Delta, Delta' = -4 𝒳^T r ⊙ delta, r = 𝒳 delta - y."""

    A: np.ndarray  # krr's 𝒳
    y: np.ndarray
    state_names: tuple[str, ...] = ("delta", "Delta")
    residual_dtype: type = np.longdouble
    measurements: LinearMeasurements = field(init=False, repr=False)

    def __post_init__(self) -> None:
        measurements = LinearMeasurements(self.A, self.y, self.residual_dtype)
        object.__setattr__(self, "measurements", measurements)
        object.__setattr__(self, "A", measurements.A)
        object.__setattr__(self, "y", measurements.y)

    def _split(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        d = self.A.shape[1]
        return x[:d], x[d:]

    def product(self, x: np.ndarray) -> np.ndarray:
        return self._split(x)[0].copy()

    def loss(self, x: np.ndarray) -> float:
        r = self.measurements.residual(self._split(x)[0])
        return float(KRR_LOSS_WEIGHT * (r @ r))

    def rhs(self, x: np.ndarray) -> np.ndarray:
        delta, big = self._split(x)
        g = self.measurements.correlation(delta)
        return -SENSING_GRADIENT * np.concatenate([g * big, g * delta])

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        delta, big = self._split(x)
        d = delta.size
        g = self.measurements.correlation(delta)
        jac = np.zeros((2 * d, 2 * d))
        jac[:d, :d] = big[:, None] * self.measurements.gram
        jac[:d, d:] = np.diag(g)
        jac[d:, :d] = delta[:, None] * self.measurements.gram + np.diag(g)
        return -SENSING_GRADIENT * jac

    def gradient_step(self, x: np.ndarray, step: float) -> np.ndarray:
        """One step of gradient descent on (U, V), written in (delta, Delta) (module doc)."""
        delta, big = self._split(x)
        g = self.measurements.correlation(delta)
        h = 0.5 * SENSING_GRADIENT * step * g  # 2 eta g: the factor update U+ = U - 2 eta g V
        return np.concatenate([(1 + h * h) * delta - 2 * h * big, (1 + h * h) * big - 2 * h * delta])

    def charts(self, x0: np.ndarray) -> FactorCharts:
        delta, big = self._split(np.asarray(x0, dtype=float))
        gap = big**2 - delta**2
        if np.any(big <= 0) or np.any(gap < 0):
            raise ValueError("need Delta > 0 and Delta >= |delta| entrywise (Delta = (|U|^2 + |V|^2)/2)")
        crossing = gap > 0
        ones = np.ones(big.size)
        return FactorCharts(
            log_mask=np.concatenate([~crossing, ones.astype(bool)]),
            sign=np.concatenate([np.where(delta < 0, -1.0, 1.0), ones]),
            scale=np.concatenate([np.sqrt(np.where(crossing, gap, 1.0)), ones]),
        )


def krr_commuting_sensing_flow(
    X: np.ndarray, y: np.ndarray, *, residual_dtype: type = np.longdouble
) -> CommutingSensingFlow:
    """krr Theorem 4, (67), with krr's 𝒳 (rows diag(X_n)) and y."""
    return CommutingSensingFlow(X, y, residual_dtype=residual_dtype)


def krr_theorem4_initial_state(mu: float, d: int) -> np.ndarray:
    """krr App. G: U(0) = [sqrt2 mu I, 0], V(0) = [0, sqrt2 mu I]: delta(0) = 0, Delta(0) = 2 mu^2 𝟏."""
    return np.concatenate([np.zeros(d), np.full(d, 2.0 * mu * mu)])


def sensing_state_from_factors(U: np.ndarray, V: np.ndarray) -> np.ndarray:
    """(delta, Delta) = (diag(U V^T), (1/2) diag(U U^T + V V^T)) of krr App. G."""
    U, V = np.asarray(U, dtype=float), np.asarray(V, dtype=float)
    return np.concatenate([np.sum(U * V, axis=1), 0.5 * np.sum(U * U + V * V, axis=1)])
