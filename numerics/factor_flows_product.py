"""Flows of Hadamard products of distinct factors: each factor its own gradient flow.

Loss  E = c ||A p - y||^2  with  p = ⊙_k u^(k)  (unsigned)  or  p = ⊙_k u^(k) - ⊙_k v^(k)  (signed),
k = 1..L, L >= 2.  With r = A p - y, g = A^T r and u~_{k^c} = ⊙_{l != k} u^(l) (derived here,
checked against finite differences in tests/test_factor_flows.py):

    u^(k)' = -2c g ⊙ u~_{k^c},      v^(k)' = +2c g ⊙ v~_{k^c},
    J = -2c (D^T A^T A D + H),  D = [diag(±x~_{k^c})]_k,  H_{(k,n),(l,n)} = ±g_n (x~_{{k,l}^c})_n (k != l).

Conservation (derived): d/dt (u^(k))^2 = -4c g ⊙ u~ is the same for every k, so
(u^(k))^2 - (u^(l))^2 (and likewise for the v's) is constant entrywise.  Only the strictly
smallest factor of an entry can therefore reach zero, and it may cross it: products of distinct
positive factors need not stay positive (see :func:`numerics.factor_flows.hadamard_product_charts`).

Instances: mil (4) and (5) (c = 1/2; mil (39) is g ⊙ x~_{k^c}, as derived); krr Appendix C
(u ⊙ v, L = 2, c = 1, signs free): u' = -2 X^T r ⊙ v, v' = -2 X^T r ⊙ u.  krr (11)-(14) print
d|u|/dt = -sign(u) u' (the sign is +) and a squared residual r_n^2 where the derivative has r_n.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dlncheck.numerics.conventions import KRR_LOSS_WEIGHT, MIL_LOSS_WEIGHT
from dlncheck.numerics.factor_flows import FactorCharts, LinearMeasurements, hadamard_product_charts


def _products_without(rows: np.ndarray, skip: tuple[int, ...]) -> np.ndarray:
    keep = [k for k in range(rows.shape[0]) if k not in skip]
    return np.prod(rows[keep], axis=0) if keep else np.ones(rows.shape[1])


@dataclass(frozen=True)
class HadamardProductFlow:
    """Gradient flow of c ||A(⊙_k u^(k) [- ⊙_k v^(k)]) - y||^2 in all L (or 2L) factors."""

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
    def group_signs(self) -> tuple[float, ...]:
        return (1.0, -1.0) if self.signed else (1.0,)

    @property
    def state_names(self) -> tuple[str, ...]:
        letters = ("u", "v") if self.signed else ("x",)
        return tuple(f"{c}{k + 1}" for c in letters for k in range(self.depth))

    def _groups(self, x: np.ndarray) -> np.ndarray:
        """(groups, L, N) view of the flat state."""
        return x.reshape(len(self.group_signs), self.depth, self.A.shape[1])

    def product(self, x: np.ndarray) -> np.ndarray:
        groups = self._groups(x)
        return sum(s * np.prod(rows, axis=0) for s, rows in zip(self.group_signs, groups, strict=True))

    def loss(self, x: np.ndarray) -> float:
        r = self.measurements.residual(self.product(x))
        return float(self.loss_weight * (r @ r))

    def _first_derivatives(self, groups: np.ndarray) -> np.ndarray:
        """dp/d(factor row), as rows ±x~_{k^c}."""
        return np.array(
            [
                s * _products_without(rows, (k,))
                for s, rows in zip(self.group_signs, groups, strict=True)
                for k in range(self.depth)
            ]
        )

    def rhs(self, x: np.ndarray) -> np.ndarray:
        groups = self._groups(x)
        g = self.measurements.correlation(self.product(x))
        return (-2.0 * self.loss_weight * g * self._first_derivatives(groups)).ravel()

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        groups = self._groups(x)
        n, depth = self.A.shape[1], self.depth
        g = self.measurements.correlation(self.product(x))
        first = self._first_derivatives(groups).ravel()
        idx = np.tile(np.arange(n), len(self.group_signs) * depth)
        jac = self.measurements.gram[np.ix_(idx, idx)] * first[:, None] * first[None, :]
        entries = np.arange(n)
        for gi, (s, rows) in enumerate(zip(self.group_signs, groups, strict=True)):
            for k in range(depth):
                for l in range(depth):
                    if k != l:
                        i, j = (gi * depth + k) * n, (gi * depth + l) * n
                        jac[i + entries, j + entries] += s * g * _products_without(rows, (k, l))
        return -2.0 * self.loss_weight * jac

    def charts(self, x0: np.ndarray) -> FactorCharts:
        parts = [hadamard_product_charts(rows) for rows in self._groups(np.asarray(x0, dtype=float))]
        return FactorCharts(
            log_mask=np.concatenate([p.log_mask for p in parts]),
            sign=np.concatenate([p.sign for p in parts]),
            scale=np.concatenate([p.scale for p in parts]),
        )


def mil_overparameterized_flow(
    A: np.ndarray, y: np.ndarray, depth: int, *, residual_dtype: type = np.longdouble
) -> HadamardProductFlow:
    """mil (4) with (x^(k))' = -grad_{x^(k)} L_over = -[A^T(A x~ - y)] ⊙ x~_{k^c} (mil (39))."""
    return HadamardProductFlow(A, y, depth, MIL_LOSS_WEIGHT, signed=False, residual_dtype=residual_dtype)


def mil_overparameterized_signed_flow(
    A: np.ndarray, y: np.ndarray, depth: int, *, residual_dtype: type = np.longdouble
) -> HadamardProductFlow:
    """mil (5): u^(k)' = -g ⊙ u~_{k^c}, v^(k)' = +g ⊙ v~_{k^c}, g = A^T(A(u~ - v~) - y)."""
    return HadamardProductFlow(A, y, depth, MIL_LOSS_WEIGHT, signed=True, residual_dtype=residual_dtype)


def krr_asymmetric_flow(
    X: np.ndarray, y: np.ndarray, *, residual_dtype: type = np.longdouble
) -> HadamardProductFlow:
    """krr Appendix C: f((u, v), x) = sum_i u_i v_i x_i under krr's loss (c = 1)."""
    return HadamardProductFlow(X, y, 2, KRR_LOSS_WEIGHT, signed=False, residual_dtype=residual_dtype)


def stack_factors(*factors: np.ndarray) -> np.ndarray:
    """The flat state (u^(1), ..., u^(L)[, v^(1), ..., v^(L)]) from the factor vectors in order."""
    return np.concatenate([np.asarray(f, dtype=float) for f in factors])
