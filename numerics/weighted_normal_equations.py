"""Solving (A D Aᵀ) Δ = b for a positive diagonal D spread over many orders of magnitude.

The dual Hessians of every flow and projection here have this form, with D = |dx/dg| running
from O(1) on the support down to α² (or below) off it, so cond(A D Aᵀ) reaches 1e30.  With
B = (A D^{1/2})ᵀ = QR, A D Aᵀ = RᵀR and Δ = R⁻¹R⁻ᵀb.  The quantity the callers need is the
change of x, D AᵀΔ = D^{1/2} Q R⁻ᵀ b, which involves one triangular solve with R, whose
condition number is only √cond(A D Aᵀ): a Cholesky solve of A D Aᵀ would lose every digit.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg


def solve_weighted_normal(A: np.ndarray, d: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Δ with (A diag(d) Aᵀ) Δ = b, for d ≥ 0 (A has at most as many rows as columns)."""
    R = scipy.linalg.qr((A * np.sqrt(d)).T, mode="r", check_finite=False)[0][: A.shape[0]]
    w = scipy.linalg.solve_triangular(R, b, trans="T", check_finite=False)
    return scipy.linalg.solve_triangular(R, w, check_finite=False)
