"""Solving (A D Aᵀ) Δ = b for a positive diagonal D spread over many orders of magnitude.

The dual Hessians of every flow and projection here have this form, with D = |dx/dg| running
from O(1) on the support down to α² (or below) off it, so cond(A D Aᵀ) reaches 1e30.  With
B = (A D^{1/2})ᵀ = QR, A D Aᵀ = RᵀR and Δ = R⁻¹R⁻ᵀb.  The quantity the callers need is the
change of x, D AᵀΔ = D^{1/2} Q R⁻ᵀ b, which involves one triangular solve with R, whose
condition number is only √cond(A D Aᵀ): a Cholesky solve of A D Aᵀ would lose every digit.

When entries of D underflow to 0 (coordinates forced to 0 on a face of S₊, ``numerics.
positive_face``, once e^{-g} < 1e-308) fewer than M columns of A remain and R is singular.
Then Δ is the minimum-norm least-squares solution, (A D Aᵀ)⁺ b = U S⁻² Uᵀ b from the SVD
A D^{1/2} = U S Vᵀ, with singular values below ``RANK_RTOL`` · S_max dropped: the change of x
D AᵀΔ it gives is the minimum-norm δx on the coordinates that can still move.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg

# Relative singular-value cutoff of the rank-deficient fallback: LAPACK's default for lstsq,
# max(M, N) · eps, scaled into the call below.
RANK_RTOL = np.finfo(float).eps


def solve_weighted_normal(A: np.ndarray, d: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Δ with (A diag(d) Aᵀ) Δ = b, for d ≥ 0 (A has at most as many rows as columns)."""
    scaled = A * np.sqrt(d)
    # R does not depend on the order of B's rows; Householder QR is row-wise backward stable
    # for graded rows when they come in decreasing size (Cox and Higham 1998), so sort them.
    order = np.argsort(-d, kind="stable")
    R = scipy.linalg.qr(scaled[:, order].T, mode="r", check_finite=False)[0][: A.shape[0]]
    if np.all(np.abs(np.diag(R)) > 0):
        with np.errstate(over="ignore", invalid="ignore"):
            w = scipy.linalg.solve_triangular(R, b, trans="T", check_finite=False)
            out = scipy.linalg.solve_triangular(R, w, check_finite=False)
        if np.all(np.isfinite(out)):
            return out
    U, S, _ = np.linalg.svd(scaled, full_matrices=False)
    keep = S > RANK_RTOL * max(A.shape) * (S[0] if S.size else 0.0)
    U = U[:, keep]
    return U @ ((U.T @ b) / S[keep] ** 2)
