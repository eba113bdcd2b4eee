"""A strictly positive point of S₊ = {z ≥ 0 : Az = y}, found without an LP and certified.

When S₊ has a point whose every coordinate is positive, S₊ is not empty and no coordinate is
forced to 0 on it (``numerics.positive_face``): the emptiness LP and the face LP that the
projection of mil (21) runs first have nothing to find, and the projection is posed on all of
S₊.  This module looks for such a point by non-negative least squares (Lawson-Hanson, SciPy's
``nnls``): w ≥ 0 with A w = y - εA𝟙 gives z = w + ε𝟙 ≥ ε, for a few ε below the size of an
NNLS solution of Az = y.  It returns None (the callers then run the LPs) whenever it finds none
or cannot certify the one it found; it never decides that a coordinate *is* forced.

Certificate (rigorous, in real arithmetic).  Let A_e, y_e be the exact data, A, y their
float64 roundings (|A_e - A| <= u|A| entrywise, u = 2^-53), z the float64 point, and r the
float64 evaluation of y - Az.  Then

    ‖y_e - A_e z‖₂ <= ‖r‖₂ + (N + 3) u ‖ |A||z| + |y| ‖₂          (rounding of r, of A and y;
                      + M·2^-1074 (‖z‖₁ + 1) for entries below the normal range)
    σ_min(A_e) >= σ̂_min - (SVD_ERROR_FACTOR·N + 1) u ‖A‖_F        (backward-stable SVD of A,
                   - 2^-1074 √(MN)                                  then A_e - A)

and where the second bound is positive, δ = A_e⁺(y_e - A_e z) solves A_e(z + δ) = y_e with
‖δ‖_∞ <= ‖δ‖₂ <= (first bound)/(second bound).  If that is at most CERTIFICATE_SHARE·min z,
z + δ is an exact solution with every coordinate positive.  A with dependent rows (σ̂_min
below its error bound) gets no certificate here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import nnls

UNIT_ROUNDOFF = 2.0**-53
# The absolute rounding error of an entry below float64's normal range (half the smallest subnormal
# step, rounded up): |a_e - a| <= max(u|a|, SUBNORMAL_STEP).
SUBNORMAL_STEP = 2.0**-1074
# Backward error of LAPACK's SVD, as a multiple of N·u·‖A‖ (the textbook bound is a modest
# polynomial in the dimensions times u; N·u with a factor 64 covers it at these sizes).
SVD_ERROR_FACTOR = 64
# The correction δ to an exact solution may use at most this share of the smallest coordinate.
CERTIFICATE_SHARE = 0.5
# The interior margins tried, as fractions of max_j z0_j (z0: an NNLS solution of Az = y): a
# balanced point first, then thinner ones (S₊ can be a thin sliver, e.g. nearly parallel
# columns); below the last, the face LP decides.
INTERIOR_FRACTIONS = (0.25, 1e-3, 1e-6)


@dataclass(frozen=True)
class InteriorPoint:
    """A float64 z with z ≥ margin > 0 and an exact solution of A_e x = y_e within ``bound``
    (‖x - z‖_∞ <= bound <= CERTIFICATE_SHARE · margin): S₊ has a strictly positive point."""

    z: np.ndarray
    margin: float
    bound: float

    @property
    def message(self) -> str:
        return (
            f"S₊ has a strictly positive point (a float64 point with min z = {self.margin:.3g} and an "
            f"exact solution within {self.bound:.2g} of it, by the residual bound of "
            "numerics.positive_interior)"
        )


def strictly_positive_point(A: np.ndarray, y: np.ndarray) -> InteriorPoint | None:
    """A certified strictly positive point of {z ≥ 0 : A_e z = y_e} from the float64 A, y
    (the roundings of the exact data), or None (module docstring)."""
    m, n = A.shape
    if m > n or not (np.all(np.isfinite(A)) and np.all(np.isfinite(y))):
        return None
    sigma = np.linalg.svd(A, compute_uv=False)
    frobenius = float(np.sqrt(np.sum(sigma**2)))
    sigma_low = (
        float(sigma[-1])
        - (SVD_ERROR_FACTOR * n + 1) * UNIT_ROUNDOFF * frobenius
        - SUBNORMAL_STEP * float(np.sqrt(m * n))
    )
    if not sigma_low > 0:
        return None
    try:
        z0, _ = nnls(A, y)
    except (RuntimeError, ValueError):  # iteration limit, or data nnls refuses
        return None
    top = float(z0.max())
    if not (top > 0 and np.isfinite(top)):
        return None
    row_sums = A.sum(axis=1)
    for fraction in INTERIOR_FRACTIONS:
        eps = fraction * top
        try:
            w, _ = nnls(A, y - eps * row_sums)
        except (RuntimeError, ValueError):
            return None
        z = w + eps
        margin = float(z.min())
        if not margin > 0:
            continue
        r = y - A @ z
        size = np.abs(A) @ np.abs(z) + np.abs(y)
        residual = (
            float(np.linalg.norm(r))
            + (n + 3) * UNIT_ROUNDOFF * float(np.linalg.norm(size))
            + SUBNORMAL_STEP * m * (float(np.abs(z).sum()) + 1.0)  # roundings below the normal range
        )
        bound = residual / sigma_low
        if bound <= CERTIFICATE_SHARE * margin:
            return InteriorPoint(z, margin, bound)
    return None
