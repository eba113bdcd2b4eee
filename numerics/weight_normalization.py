"""The weight-normalized diagonal linear networks of wn and the vector fields of their gradient flows.

Loss and time scale (the paper's own, used everywhere in the ``weight_normalization*`` modules):

    wn (9), (11):   L̃(r, u) = 1/(2L) ||A x^{⊙L} - b||²,   x = r u / ||u||_2      (wn (1))
    wn (12), (13):  r' = -η_r ∇_r L̃,   u' = -η_u ∇_u L̃,   ' = d/dt

with the two learning-rate choices of the paper:

    "constant":  (η_r, η_u) = (η̃, 1)   wn Theorem 2.1, Lemma 3.7   (η_u may be set, for Lemma 3.1)
    "r_squared": (η_r, η_u) = (r², 1)  wn Theorem 2.3, Corollary 3.14

The signed variant replaces x^{⊙L} by x_+^{⊙L} - x_-^{⊙L} as in wn (22) and Section 4.3 (loss with
1/(2L), Section 4.3's normalization).  The paper does not say how it weight-normalizes (22); here
one radius normalizes the concatenated direction (u, v) ∈ R^{2N}:  (x_+, x_-) = r (u, v)/||(u, v)||.
This is the positive model for the design matrix [A, -A], so every lemma of wn Section 3 applies to
it verbatim with A replaced by [A, -A] (that is the reason for the choice).

Other normalizations of the same loss only rescale time (see :func:`time_under_eq9`).

A state is a float64 vector ``[r, u_1, ..., u_n]`` (n = N, or 2N for the signed model with
u = (u, v)).  The integrator works in log-coordinates ``y = (log r, log u)`` (wn Lemma 3.3: the
positive orthant is invariant), where a tiny initialization scale is a moderate number;
:func:`log_vector_field` and its Jacobian are written directly in those coordinates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from dlncheck.numerics.conventions import (
    WN_HALF_LOSS_WEIGHT,
    WN_UNNORMALIZED_LOSS_WEIGHT,
    time_between_loss_weights,
    wn_loss_weight,
)

LearningRates = Literal["constant", "r_squared"]


@dataclass(frozen=True, eq=False)
class WeightNormalizedModel:
    """A weight-normalized diagonal network: data, depth and learning-rate choice.

    ``design`` is the matrix acting on the factor-space power x̃ = x^{⊙L}: A for the positive
    model, [A, -A] for the signed one.  ``eta`` is η̃ for "constant" rates, None for "r_squared".
    """

    A: np.ndarray
    b: np.ndarray
    depth: int
    rates: LearningRates
    eta: float | None
    eta_u: float
    signed: bool
    design: np.ndarray
    gram: np.ndarray  # design^T design

    @property
    def n_factors(self) -> int:
        return self.design.shape[1]


# ----------------------------------------------------------------------------------------
# construction and validation (the edge: everything after this trusts its inputs)


def _finite_array(name: str, value, ndim: int) -> np.ndarray:
    array = np.array(value, dtype=float)
    if array.ndim != ndim or array.size == 0:
        raise ValueError(f"{name} must be a non-empty {ndim}-D array, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} has non-finite entries; pass finite numbers")
    return array


def weight_normalized_model(
    A,
    b,
    depth: int,
    *,
    rates: LearningRates = "constant",
    eta: float | None = None,
    eta_u: float = 1.0,
    signed: bool = False,
) -> WeightNormalizedModel:
    """The model of wn (9)-(13) (``signed=False``) or its (u, v) variant of wn (22) (``signed=True``)."""
    A = _finite_array("A", A, 2)
    b = _finite_array("b", b, 1)
    if b.shape[0] != A.shape[0]:
        raise ValueError(f"b has {b.shape[0]} entries but A has {A.shape[0]} rows")
    if not np.any(b):
        raise ValueError("b = 0: the relative residual is undefined and wn Theorem 2.3 assumes b ≠ 0")
    if isinstance(depth, bool) or not isinstance(depth, int | np.integer) or depth < 2:
        raise ValueError(f"depth must be an integer L >= 2 (wn Theorems 2.1, 2.3), got {depth!r}")
    if rates == "constant":
        if eta is None or not np.isfinite(eta) or eta <= 0:
            raise ValueError(f"constant rates need a finite learning-rate ratio eta > 0, got {eta!r}")
        eta = float(eta)
    elif rates == "r_squared":
        if eta is not None:
            raise ValueError("r_squared rates (η_r = r²) take no eta; pass eta=None")
    else:
        raise ValueError(f"rates must be 'constant' or 'r_squared', got {rates!r}")
    if not np.isfinite(eta_u) or eta_u <= 0:
        raise ValueError(f"eta_u must be finite and > 0, got {eta_u!r}")
    A.flags.writeable = False
    b.flags.writeable = False
    design = np.hstack([A, -A]) if signed else A.copy()
    design.flags.writeable = False
    gram = design.T @ design
    gram.flags.writeable = False
    return WeightNormalizedModel(A, b, int(depth), rates, eta, float(eta_u), bool(signed), design, gram)


def initial_state(model: WeightNormalizedModel, r0: float, u0) -> np.ndarray:
    """The state [r0, u0] after checking r0 > 0 and u0 > 0 (wn Lemma 3.3's hypotheses).

    The paper normalizes ||u0||_2 = 1 (after Lemma 3.2); any positive norm is accepted here, and
    Lemma 3.1 says what a different norm means (a rescaled η_u).
    """
    r0 = float(r0)
    if not np.isfinite(r0) or r0 <= 0:
        raise ValueError(f"r0 must be finite and > 0 (wn Lemma 3.3), got {r0!r}")
    u0 = _finite_array("u0", u0, 1)
    if u0.shape[0] != model.n_factors:
        raise ValueError(f"u0 must have {model.n_factors} entries for this model, got {u0.shape[0]}")
    if np.any(u0 <= 0):
        raise ValueError("u0 must be entrywise > 0 (wn Lemma 3.3); the flow keeps the positive orthant")
    return np.concatenate([[r0], u0])


def uniform_initial_state(model: WeightNormalizedModel, alpha: float) -> np.ndarray:
    """x(0) = α·1 in every factor entry: r0 = α sqrt(n), u0 = 1/sqrt(n) (so ||u0||_2 = 1)."""
    alpha = float(alpha)
    if not np.isfinite(alpha) or alpha <= 0:
        raise ValueError(f"alpha must be finite and > 0, got {alpha!r}")
    n = model.n_factors
    return initial_state(model, alpha * np.sqrt(n), np.full(n, 1.0 / np.sqrt(n)))


def check_state(model: WeightNormalizedModel, state) -> np.ndarray:
    """A finite, entrywise positive state of the right length, or a one-line ValueError."""
    state = _finite_array("state", state, 1)
    if state.shape[0] != 1 + model.n_factors:
        raise ValueError(f"state must have 1 + {model.n_factors} entries [r, u], got {state.shape[0]}")
    if np.any(state <= 0):
        raise ValueError("state must be entrywise > 0: r > 0 and u > 0 (wn Lemma 3.3)")
    return state


def time_under_eq9(t: float, depth: int, loss: Literal["half", "unnormalized"]) -> float:
    """The time of wn (9)'s flow at which it is where the flow of another normalization is at t.

    wn (9) weights the loss by 1/(2L); the 1/2-loss of wn (2), (4), (6) runs L times faster, the
    unnormalized loss of wn (22) 2L times (:func:`numerics.conventions.time_between_loss_weights`).
    The η̃-rule is unchanged by this (both η's scale alike); η_r = r² is, too.
    """
    weight = {"half": WN_HALF_LOSS_WEIGHT, "unnormalized": WN_UNNORMALIZED_LOSS_WEIGHT}[loss]
    return time_between_loss_weights(t, from_weight=weight, to_weight=wn_loss_weight(depth))


# ----------------------------------------------------------------------------------------
# natural coordinates (r, u)


def _split(state: np.ndarray) -> tuple[float, np.ndarray]:
    return float(state[0]), state[1:]


def factor_vector(model: WeightNormalizedModel, state: np.ndarray) -> np.ndarray:
    """x = r u / ||u||_2 (wn (1))."""
    r, u = _split(state)
    return r * u / np.linalg.norm(u)


def factor_power(model: WeightNormalizedModel, state: np.ndarray) -> np.ndarray:
    """x̃ = x^{⊙L} in factor space (length n)."""
    return factor_vector(model, state) ** model.depth


def end_to_end(model: WeightNormalizedModel, state: np.ndarray) -> np.ndarray:
    """The network's vector: x̃ = x^{⊙L} (positive), or x_+^{⊙L} - x_-^{⊙L} (signed, wn (22))."""
    return end_to_end_from_power(model, factor_power(model, state))


def end_to_end_from_power(model: WeightNormalizedModel, power: np.ndarray) -> np.ndarray:
    if model.signed:
        n = model.A.shape[1]
        return power[:n] - power[n:]
    return power


def loss(model: WeightNormalizedModel, state: np.ndarray) -> float:
    """L̃(r, u) = 1/(2L) ||A x^{⊙L} - b||² (wn (9), (11); Section 4.3 for the signed model)."""
    e = model.design @ factor_power(model, state) - model.b
    return float(e @ e) / (2 * model.depth)


def relative_residual(model: WeightNormalizedModel, power: np.ndarray) -> float:
    """||A x̃ - b|| / ||b|| for the factor-space power x̃."""
    return float(np.linalg.norm(model.design @ power - model.b) / np.linalg.norm(model.b))


def loss_gradient_x(model: WeightNormalizedModel, x: np.ndarray) -> np.ndarray:
    """∇L(x) = [A^T (A x^{⊙L} - b)] ⊙ x^{⊙(L-1)} (wn (23), for the loss (9))."""
    L = model.depth
    return (model.design.T @ (model.design @ x**L - model.b)) * x ** (L - 1)


def learning_rate_r(model: WeightNormalizedModel, r: float) -> float:
    """η_r: η̃ (constant rates) or r² (wn Section 3.4)."""
    return model.eta if model.rates == "constant" else r * r


def gradient(model: WeightNormalizedModel, state: np.ndarray) -> tuple[float, np.ndarray]:
    """(∇_r L̃, ∇_u L̃) by wn (24), (25)."""
    r, u = _split(state)
    c = np.linalg.norm(u)
    g = loss_gradient_x(model, r * u / c)
    grad_r = float(u @ g) / c  # wn (24)
    grad_u = (r / c) * (g - (u @ g) / c**2 * u)  # wn (25): (r/||u||)(I - P_u) ∇L
    return grad_r, grad_u


def vector_field(model: WeightNormalizedModel, state: np.ndarray) -> np.ndarray:
    """d/dt [r, u] = [-η_r ∇_r L̃, -η_u ∇_u L̃] (wn (12), (13), written out in (29), (30))."""
    grad_r, grad_u = gradient(model, state)
    return np.concatenate([[-learning_rate_r(model, float(state[0])) * grad_r], -model.eta_u * grad_u])


def vector_field_jacobian(model: WeightNormalizedModel, state: np.ndarray) -> np.ndarray:
    """The analytic Jacobian of :func:`vector_field` with respect to [r, u].

    With c = ||u||, x = r u/c, a = A^T(A x^{⊙L} - b), g = a ⊙ x^{⊙(L-1)}, s = u·g:
    f_r = -η_r s/c,  f_u = -η_u [(r/c) g - (r s/c³) u]; the Hessian of (9) is
    H = L diag(x^{L-1}) A^T A diag(x^{L-1}) + (L-1) diag(a ⊙ x^{L-2}).
    """
    L = model.depth
    r, u = _split(state)
    n = u.shape[0]
    c = np.linalg.norm(u)
    x = r * u / c
    a = model.design.T @ (model.design @ x**L - model.b)
    xl1 = x ** (L - 1)
    g = a * xl1
    s = float(u @ g)
    H = L * xl1[:, None] * model.gram * xl1[None, :] + np.diag((L - 1) * a * x ** (L - 2))
    dx_dr = u / c
    dx_du = (r / c) * (np.eye(n) - np.outer(u, u) / c**2)
    dg_dr = H @ dx_dr
    dg_du = H @ dx_du
    ds_dr = float(u @ dg_dr)
    ds_du = g + u @ dg_du
    J = np.empty((n + 1, n + 1))
    # f_r
    if model.rates == "constant":
        J[0, 0] = -model.eta * ds_dr / c
        J[0, 1:] = -model.eta * (ds_du / c - s * u / c**3)
    else:
        J[0, 0] = -2 * r * s / c - r * r * ds_dr / c
        J[0, 1:] = -r * r * (ds_du / c - s * u / c**3)
    # f_u
    J[1:, 0] = -model.eta_u * (g / c + (r / c) * dg_dr - (s / c**3) * u - (r / c**3) * ds_dr * u)
    J[1:, 1:] = -model.eta_u * (
        -(r / c**3) * np.outer(g, u)
        + (r / c) * dg_du
        - (r * s / c**3) * np.eye(n)
        - (r / c**3) * np.outer(u, ds_du)
        + (3 * r * s / c**5) * np.outer(u, u)
    )
    return J


# ----------------------------------------------------------------------------------------
# log-coordinates y = (ρ, θ) = (log r, log u): the integrator's coordinates


def to_log(state: np.ndarray) -> np.ndarray:
    return np.log(state)


def from_log(y: np.ndarray) -> np.ndarray:
    return np.exp(y)


@dataclass(frozen=True)
class LogParts:
    """The pieces shared by the log-coordinate field and its Jacobian (all without overflow)."""

    pi: np.ndarray  # u²/c² (sums to 1)
    inv_c2: float  # 1/c²
    q: np.ndarray  # x̃ = (r u/c)^L
    q_hat: np.ndarray  # x̃ / r²
    w: np.ndarray  # x̃ / u²
    a: np.ndarray  # A^T (A x̃ - b)
    p: float  # a·x̃
    p_hat: float  # a·x̃ / r²


def log_parts(model: WeightNormalizedModel, y: np.ndarray) -> LogParts:
    """x̃, x̃/r², x̃/u², A^T(A x̃ - b), ... at y = (log r, log u), formed without over- or underflow."""
    L = model.depth
    rho, theta = y[0], y[1:]
    top = 2 * float(np.max(theta))
    log_c2 = top + math.log(float(np.sum(np.exp(2 * theta - top))))  # log ||u||², overflow-free
    log_c = 0.5 * log_c2
    q = np.exp(L * (rho + theta - log_c))
    q_hat = np.exp((L - 2) * rho + L * (theta - log_c))  # x̃/r², formed without dividing by r²
    w = np.exp(L * (rho - log_c) + (L - 2) * theta)  # x̃/u², formed without dividing by u²
    a = model.design.T @ (model.design @ q - model.b)
    return LogParts(np.exp(2 * theta - log_c2), float(np.exp(-log_c2)), q, q_hat, w, a, a @ q, a @ q_hat)


def log_vector_field(model: WeightNormalizedModel, y: np.ndarray) -> np.ndarray:
    """d/dt (log r, log u) for wn (12), (13), in the time t of the paper.

    From (29), (30) with c = ||u||, x̃ = (r u/c)^{⊙L}, a = A^T(A x̃ - b), p = a·x̃:
        (log r)' = -η_r p / r²                 (η_r = η̃: -η̃ a·(x̃/r²);  η_r = r²: -p)
        (log u)' = -η_u [a ⊙ x̃/u² - (p/c²) 1].
    """
    P = log_parts(model, y)
    f_rho = -model.eta * P.p_hat if model.rates == "constant" else -P.p
    f_theta = -model.eta_u * (P.a * P.w - P.p * P.inv_c2)
    return np.concatenate([[f_rho], f_theta])


def log_power_derivatives(model: WeightNormalizedModel, y: np.ndarray) -> np.ndarray:
    """∂x̃/∂(log r, log u): column 0 is L x̃, columns 1.. are L (diag(x̃) - x̃ π^T), π = u²/c²."""
    P = log_parts(model, y)
    return _power_derivatives(model.depth, P.q, P.pi)


def _power_derivatives(L: int, q: np.ndarray, pi: np.ndarray) -> np.ndarray:
    D = np.empty((q.shape[0], q.shape[0] + 1))
    D[:, 0] = L * q
    D[:, 1:] = L * (np.diag(q) - np.outer(q, pi))
    return D


def log_vector_field_jacobian(model: WeightNormalizedModel, y: np.ndarray) -> np.ndarray:
    """The analytic Jacobian of :func:`log_vector_field` with respect to (log r, log u)."""
    L = model.depth
    P = log_parts(model, y)
    n = P.q.shape[0]
    Dq = _power_derivatives(L, P.q, P.pi)
    Dq_hat = np.empty_like(Dq)
    Dq_hat[:, 0] = (L - 2) * P.q_hat
    Dq_hat[:, 1:] = L * (np.diag(P.q_hat) - np.outer(P.q_hat, P.pi))
    Dw = np.empty_like(Dq)
    Dw[:, 0] = L * P.w
    Dw[:, 1:] = (L - 2) * np.diag(P.w) - L * np.outer(P.w, P.pi)
    Da = model.gram @ Dq
    Dp = (model.gram @ P.q + P.a) @ Dq  # p = a·x̃: ∂p = x̃^T G ∂x̃ + a^T ∂x̃
    Dp_hat = (model.gram @ P.q_hat) @ Dq + P.a @ Dq_hat
    D_inv_c2 = np.concatenate([[0.0], -2 * P.pi * P.inv_c2])
    J = np.empty((n + 1, n + 1))
    J[0] = -model.eta * Dp_hat if model.rates == "constant" else -Dp
    J[1:] = -model.eta_u * (
        P.w[:, None] * Da + P.a[:, None] * Dw - P.inv_c2 * Dp[None, :] - P.p * D_inv_c2[None, :]
    )
    return J
