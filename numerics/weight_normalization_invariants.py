"""Invariants, conserved and monotone quantities of the weight-normalized flows (wn Section 3).

Every function takes a model of :mod:`numerics.weight_normalization` and a state [r, u] (or an
array of states, one per row) in the paper's conventions: loss (9), time t of (12)-(13).

    Lemma 3.1   rescaled η_u                        :func:`rescaled_learning_rate`
    Lemma 3.2   ||u(t)||_2 constant                  :func:`direction_norm`
    Lemma 3.3   r, u stay > 0                        :func:`sign_margin`
    Lemma 3.4   L̃ non-increasing, L̃' = -η_r|∇_r|² - η_u|∇_u|²   :func:`loss_rate`
    Lemma 3.6   h_0 of (32), plain flow (10)         :func:`plain_flow_invariant`
    Lemma 3.7   h_η̃ of (33)                          :func:`wn_invariant`
    Lemma 3.5   loss decay rate of (31)              :func:`loss_decay_rate_lemma_3_5`
    Lemma 3.8   γ, γ̃ of (43), (44)                   :func:`gamma`, :func:`gamma_tilde`
                (40), (42) at finite t                :func:`lemma_3_8_sides`
    Theorem 2.1 ρ of (17)                             :func:`magnification`
    Lemma 3.13  x' of (53)                            :func:`x_velocity_lemma_3_13`
    Cor. 3.14   x' of (54)                            :func:`x_velocity_corollary_3_14`
    Lemma 3.17  D_F of (57) and its rate (56)         :func:`bregman_divergence`, :func:`bregman_rate_eq56`

Where the printed formula differs from the derivation the derived one is implemented, and the
docstring says so (see (31), (42), (53), γ̃'').
"""

from __future__ import annotations

import numpy as np

from dlncheck.numerics.weight_normalization import (
    WeightNormalizedModel,
    factor_vector,
    gradient,
    learning_rate_r,
    loss,
    loss_gradient_x,
    weight_normalized_model,
)

# ----------------------------------------------------------------------------------------
# projections


def null_space_basis(design: np.ndarray) -> np.ndarray:
    """Orthonormal columns spanning ker A, so that I - A^†A = V V^T (wn Section 1.3's I - P_A)."""
    _, sigma, vt = np.linalg.svd(design)
    # numpy's matrix_rank default: singular values below max(shape)·eps·σ_max count as zero
    rank_tol = max(design.shape) * np.finfo(float).eps * (sigma[0] if sigma.size else 0.0)
    rank = int(np.sum(sigma > rank_tol))
    return vt[rank:].T


def project_off_row_space(design: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """(I - A^†A) v for v along the last axis."""
    V = null_space_basis(design)
    return (vectors @ V) @ V.T


def _rows(states) -> tuple[np.ndarray, bool]:
    states = np.asarray(states, dtype=float)
    return np.atleast_2d(states), states.ndim == 1


def _out(values: np.ndarray, single: bool):
    return values[0] if single else values


# ----------------------------------------------------------------------------------------
# Lemmas 3.1-3.4


def rescaled_learning_rate(
    model: WeightNormalizedModel, state: np.ndarray, a: float
) -> tuple[WeightNormalizedModel, np.ndarray]:
    """wn Lemma 3.1: the flow from (r0, a u0) with η_u a² is (r(t), a u(t))."""
    rescaled = weight_normalized_model(
        model.A,
        model.b,
        model.depth,
        rates=model.rates,
        eta=model.eta,
        eta_u=model.eta_u * a * a,
        signed=model.signed,
    )
    return rescaled, np.concatenate([[state[0]], a * np.asarray(state[1:])])


def direction_norm(states) -> np.ndarray | float:
    """||u||_2, constant in time by wn Lemma 3.2."""
    rows, single = _rows(states)
    return _out(np.linalg.norm(rows[:, 1:], axis=1), single)


def sign_margin(states) -> np.ndarray | float:
    """min(r, min_n u_n), positive for all t by wn Lemma 3.3."""
    rows, single = _rows(states)
    return _out(rows.min(axis=1), single)


def loss_rate(model: WeightNormalizedModel, state: np.ndarray) -> float:
    """dL̃/dt = -η_r |∇_r L̃|² - η_u ||∇_u L̃||² <= 0 (wn Lemma 3.4's proof)."""
    grad_r, grad_u = gradient(model, state)
    return -learning_rate_r(model, float(state[0])) * grad_r**2 - model.eta_u * float(grad_u @ grad_u)


def loss_decay_rate_lemma_3_5(
    c_r: float, c_u: float, c_x: float, support_size: int, sigma_min: float, depth: int
) -> float:
    """The rate c of L(x(t)) <= L(x(t0)) e^{-c (t - t0)} in wn Lemma 3.5, as derived.

    c = min(c_r, c_u c_x² |I|) · 2L c_x^{2L-2} σ_min²(A_I).  The statement (31) prints c_x² in
    place of c_x^{2L-2}; the proof's last two lines have c_x^{2L-2}, which is what
    ||∇L(x)||² >= c_x^{2L-2} ||A_I^T(A x̃ - b)||² gives.  The two agree only for L = 2.
    """
    return min(c_r, c_u * c_x**2 * support_size) * 2 * depth * c_x ** (2 * depth - 2) * sigma_min**2


# ----------------------------------------------------------------------------------------
# Lemmas 3.6-3.8, Theorem 2.1


def plain_flow_invariant(design: np.ndarray, x, depth: int) -> np.ndarray:
    """h_0 = (I - A^†A) log x (L = 2) or (I - A^†A) x^{⊙(2-L)} (L ≠ 2), wn (32), Lemma 3.6.

    Conserved by the plain flow (10) and, since (54) is (10) in the time ∫||x||² dt, by the
    r² flow (wn Corollary 3.14) with x = r u/||u||.
    """
    x = np.asarray(x, dtype=float)
    terms = np.log(x) if depth == 2 else x ** (2 - depth)
    return project_off_row_space(design, terms)


def _wn_invariant_terms(model: WeightNormalizedModel, rows: np.ndarray) -> np.ndarray:
    L = model.depth
    r = rows[:, :1]
    u = rows[:, 1:]
    c2 = np.sum(u * u, axis=1, keepdims=True)
    if model.rates == "constant":
        log_phi = model.eta_u * r * r / (2 * model.eta * c2)  # wn (33): r²/(2η̃) at η_u = ||u|| = 1
    else:
        log_phi = model.eta_u / c2 * np.log(r)  # r² rule: Φ = r at η_u = ||u|| = 1, so h = h_0(r u)
    if L == 2:
        return np.log(u) + log_phi
    return u ** (2 - L) * np.exp((2 - L) * log_phi)


def wn_invariant(model: WeightNormalizedModel, states, *, project: bool = True):
    """The conserved vector of the weight-normalized flow, wn (33) of Lemma 3.7.

    h = (I - A^†A) log(u Φ(r))  (L = 2),   h = (I - A^†A) [u^{⊙(2-L)} Φ(r)^{2-L}]  (L ≠ 2),

    constant rates (Lemma 3.7):  Φ(r) = exp(η_u r² / (2 η̃ c²));
    r² rates (derived like (36)): Φ(r) = r^{η_u / c²},
    with c = ||u|| (constant, Lemma 3.2).  At the paper's η_u = 1, c = 1 this is (33) as printed,
    and for the r² rule it is h_0 of (32) evaluated at x = r u (Corollary 3.14).
    ``project=False`` returns the vector before the projection, whose size sets the float64
    cancellation scale of h (entries of u^{2-L} grow as u_n -> 0).
    """
    rows, single = _rows(states)
    terms = _wn_invariant_terms(model, rows)
    return _out(project_off_row_space(model.design, terms) if project else terms, single)


def gamma_tilde(r, eta: float):
    """γ̃(r) = (1/r) exp(r²/(2η̃)), wn (44)."""
    r = np.asarray(r, dtype=float)
    return np.exp(r * r / (2 * eta)) / r


def gamma(r0, r, eta: float):
    """γ(r0, r) = γ̃(r0)/γ̃(r) = (r/r0) exp((r0² - r²)/(2η̃)), wn (43)."""
    r0 = np.asarray(r0, dtype=float)
    r = np.asarray(r, dtype=float)
    return (r / r0) * np.exp((r0 * r0 - r * r) / (2 * eta))


def log_gamma(r0, r, eta: float):
    """log γ(r0, r), wn (43) (for scales where γ itself under- or overflows)."""
    return np.log(r) - np.log(r0) + (r0 * r0 - r * r) / (2 * eta)


def magnification(r0, r_inf, eta: float):
    """ρ = (r0/r_∞) exp((r_∞² - r0²)/(2η̃)) = 1/γ(r0, r_∞), wn (17)."""
    r0 = np.asarray(r0, dtype=float)
    r_inf = np.asarray(r_inf, dtype=float)
    return (r0 / r_inf) * np.exp((r_inf * r_inf - r0 * r0) / (2 * eta))


def gamma_tilde_derivative(r, eta: float):
    """γ̃'(r) = (-1/r² + 1/η̃) exp(r²/(2η̃)) (wn proof of Theorem 2.1, as printed)."""
    r = np.asarray(r, dtype=float)
    return (-1 / r**2 + 1 / eta) * np.exp(r * r / (2 * eta))


def gamma_tilde_second_derivative(r, eta: float):
    """γ̃''(r) = (2/r³ - 1/(r η̃) + r/η̃²) exp(r²/(2η̃)), derived.

    The proof of Theorem 2.1 prints (2/r³ + r/η̃) exp(r²/(2η̃)); differentiating its own γ̃'
    gives the expression here.  Both are positive (the numerator 2η̃² - r²η̃ + r⁴ has negative
    discriminant in r²), so the convexity claim stands.
    """
    r = np.asarray(r, dtype=float)
    return (2 / r**3 - 1 / (r * eta) + r / eta**2) * np.exp(r * r / (2 * eta))


def lemma_3_8_sides(model: WeightNormalizedModel, state: np.ndarray, state0: np.ndarray):
    """Both sides of wn (40) (L = 2) / (42) (L ≠ 2) at finite t, with γ(r0, r(t)) (constant rates).

    lhs = (I - A^†A) log x_wn(t)            rhs = (I - A^†A) log(γ x_wn(0))          (L = 2)
    lhs = (I - A^†A) x_wn(t)^{⊙(2-L)}       rhs = (I - A^†A) [γ x_wn(0)]^{⊙(2-L)}    (L ≠ 2)

    (42) prints [γ x_wn^{⊙L}(0)]^{⊙(2-L)} on the right; the proof's last line, and this
    derivation, have x_wn(0) without the power L.  Returns (lhs, rhs, scale) with scale the
    largest unprojected term, the float64 cancellation scale.  Needs η_u = ||u|| = 1 (Lemma 3.8).
    """
    if model.rates != "constant":
        raise ValueError("Lemma 3.8 is stated for constant rates (η̃, 1)")
    L = model.depth
    x_t = factor_vector(model, state)
    x_0 = factor_vector(model, state0)
    g = gamma(float(state0[0]), float(state[0]), model.eta)
    if L == 2:
        lhs_terms, rhs_terms = np.log(x_t), np.log(g * x_0)
    else:
        lhs_terms, rhs_terms = x_t ** (2 - L), (g * x_0) ** (2 - L)
    scale = max(np.max(np.abs(lhs_terms)), np.max(np.abs(rhs_terms)))
    return (
        project_off_row_space(model.design, lhs_terms),
        project_off_row_space(model.design, rhs_terms),
        scale,
    )


# ----------------------------------------------------------------------------------------
# Lemma 3.13, Corollary 3.14


def x_velocity_lemma_3_13(model: WeightNormalizedModel, state: np.ndarray) -> np.ndarray:
    """x' = -(η_r P_x + η_u (r²/||u||²)(I - P_x)) ∇L(x), from wn Lemma 3.13's proof.

    At ||u|| = 1 this is (53) with the '+' that the printed (53) lacks between its two terms:
    -(η_r x x^T/||x||² + η_u(||x||² I - x x^T)) ∇L(x).
    """
    r = float(state[0])
    u = state[1:]
    x = factor_vector(model, state)
    grad = loss_gradient_x(model, x)
    along = x * (x @ grad) / (x @ x)  # P_x ∇L
    return -(learning_rate_r(model, r) * along + model.eta_u * r * r / (u @ u) * (grad - along))


def x_velocity_corollary_3_14(model: WeightNormalizedModel, state: np.ndarray) -> np.ndarray:
    """x' = -||x||² ∇L(x), wn (54) (r² rates, η_u = 1, ||u|| = 1)."""
    x = factor_vector(model, state)
    return -(x @ x) * loss_gradient_x(model, x)


# ----------------------------------------------------------------------------------------
# Lemma 3.17


def bregman_potential(x_tilde, depth: int) -> float:
    """F of wn (57): 1/2 <x̃ log x̃ - x̃, 1> (L = 2) or L/(2(2-L)) <x̃^{2/L}, 1> (L > 2)."""
    x_tilde = np.asarray(x_tilde, dtype=float)
    if depth == 2:
        return 0.5 * float(np.sum(x_tilde * np.log(x_tilde) - x_tilde))
    return depth / (2 * (2 - depth)) * float(np.sum(x_tilde ** (2 / depth)))


def bregman_gradient(x_tilde, depth: int) -> np.ndarray:
    """∇F = 1/2 log x̃ (L = 2) or x̃^{2/L - 1}/(2 - L) (L > 2), from (57)."""
    x_tilde = np.asarray(x_tilde, dtype=float)
    if depth == 2:
        return 0.5 * np.log(x_tilde)
    return x_tilde ** (2 / depth - 1) / (2 - depth)


def bregman_divergence(z, x_tilde, depth: int) -> float:
    """D_F(z, x̃) = F(z) - F(x̃) - <∇F(x̃), z - x̃> (wn (55), (57)), in the proof's closed form.

    L = 2:  1/2 <z log z - z + x̃, 1> - 1/2 <log x̃, z>   (z log z := 0 at z = 0)
    L > 2:  <L/(2(2-L)) z^{2/L} + 1/2 x̃^{2/L}, 1> - 1/(2-L) <x̃^{2/L-1}, z>
    """
    z = np.asarray(z, dtype=float)
    x_tilde = np.asarray(x_tilde, dtype=float)
    L = depth
    if L == 2:
        zlogz = np.where(z > 0, z * np.log(np.where(z > 0, z, 1.0)), 0.0)
        return 0.5 * float(np.sum(zlogz - z + x_tilde)) - 0.5 * float(np.log(x_tilde) @ z)
    return float(np.sum(L / (2 * (2 - L)) * z ** (2 / L) + 0.5 * x_tilde ** (2 / L))) - float(
        x_tilde ** (2 / L - 1) @ z
    ) / (2 - L)


def bregman_rate_eq56(model: WeightNormalizedModel, state: np.ndarray) -> float:
    """d/dt D_F(z, x̃(t)) = -2L ||x||² L(x) for every z in S_+ (wn (56), r² rates)."""
    x = factor_vector(model, state)
    return -2 * model.depth * float(x @ x) * loss(model, state)
