"""The weight-normalized flows of wn (Chou, Rauhut, Ward): vector fields, invariants, limits, GD.

Conventions are the paper's: loss (9) with 1/(2L), time t of (12)-(13), ||u0||_2 = 1, η_u = 1.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp
from scipy.optimize import nnls

from dlncheck.numerics import weight_normalization as wn
from dlncheck.numerics import weight_normalization_invariants as inv
from dlncheck.numerics import weight_normalization_limits as lim
from dlncheck.numerics.weight_normalization_flow import (
    DEFAULT_RTOL,
    DEFAULT_TOL,
    gradient_descent,
    integrate_flow,
)

# Central differences with step h: truncation O(h²) and rounding O(eps/h) relative; at h = 1e-6
# both are <= 1e-10, so 1e-6 relative to the largest entry leaves four digits of margin.
FD_STEP = 1e-6
FD_REL_TOL = 1e-6
# Conserved quantities drift by the integrator's global error, which exceeds its local tolerance
# DEFAULT_RTOL by the accumulation over the 1e2-1e3 steps of a run: 1e3 covers it.
INVARIANT_TOL = 1e3 * DEFAULT_RTOL
# Monotone quantities may rise by the same global error between samples.
MONOTONE_SLACK = 1e3 * DEFAULT_RTOL
# A limit is reached to the stopping tolerance DEFAULT_TOL (relative, extrapolated); the
# projections are accurate to 1e-12: agreement to 10 DEFAULT_TOL leaves the extrapolation slack.
LIMIT_AGREEMENT = 10 * DEFAULT_TOL
# Two integrators at rtol 1e-10 (ours) and 1e-12 (DOP853) over O(10) time units of O(1) rates.
REFERENCE_AGREEMENT = 1e-7
# Identities evaluated twice in float64 (chain rule vs closed form): a few hundred roundings.
IDENTITY_TOL = 1e-11
# A flow that escapes its saddles and ends at the float64 floor of A x̃ - b (as the L = 3, α = 1e-9
# regression does) reaches the projection far below the stopping tolerance: hold it to tol itself.
ESCAPED_LIMIT_AGREEMENT = DEFAULT_TOL
# The initialization scales of the stopping-test property (log-spaced down to where, for L = 3,
# the escaping entries' log-rates ~α^{L-2} fall below DEFAULT_TOL and fooled the decay test).
SMALL_INIT_ALPHAS = (1e-3, 1e-6, 1e-9)
# Wall time per drawn flow (they take 0.1-3 s): a plateau too long for the integrator ends
# unconverged instead of eating the budget, and the property allows that.
PROPERTY_WALL_S = 30.0

# ----------------------------------------------------------------------------------------
# instances


def sensing_instance(seed: int, m: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A Gaussian A (M x N), a dense positive x* and b = A x* (so S_+ has a point > 0)."""
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((m, n)) / math.sqrt(m)
    x_star = rng.uniform(0.5, 1.5, n)
    return A, A @ x_star, x_star


A6, B6, X6 = sensing_instance(1, 3, 6)

FLOWS = {
    "positive L=2 constant": dict(depth=2, rates="constant", eta=0.5, signed=False, alpha=0.1),
    "positive L=3 constant": dict(depth=3, rates="constant", eta=0.5, signed=False, alpha=0.1),
    "positive L=2 r_squared": dict(depth=2, rates="r_squared", eta=None, signed=False, alpha=0.1),
    "positive L=3 r_squared": dict(depth=3, rates="r_squared", eta=None, signed=False, alpha=0.1),
    "signed L=2 constant": dict(depth=2, rates="constant", eta=0.5, signed=True, alpha=0.1),
    "signed L=3 r_squared": dict(depth=3, rates="r_squared", eta=None, signed=True, alpha=0.1),
}


def make(config: dict, A=A6, b=B6):
    model = wn.weight_normalized_model(
        A, b, config["depth"], rates=config["rates"], eta=config["eta"], signed=config["signed"]
    )
    return model, wn.uniform_initial_state(model, config["alpha"])


@pytest.fixture(scope="module")
def flows():
    out = {}
    for name, config in FLOWS.items():
        model, state0 = make(config)
        out[name] = (model, state0, integrate_flow(model, state0))
    return out


def names_where(predicate) -> list[str]:
    return [name for name, config in FLOWS.items() if predicate(config)]


@st.composite
def models_and_states(draw):
    """A small model (depth 2-4, either rates, positive or signed), a state > 0 and a z > 0 in S_+."""
    m = draw(st.integers(1, 3))
    n = draw(st.integers(m + 1, 5))
    A = np.array(draw(st.lists(st.integers(-8, 8), min_size=m * n, max_size=m * n)), float).reshape(m, n) / 4
    x_star = np.exp(np.array(draw(st.lists(st.floats(-1, 1), min_size=n, max_size=n))))
    b = A @ x_star
    assume(np.linalg.norm(b) > 1e-3)
    rates = draw(st.sampled_from(["constant", "r_squared"]))
    eta = 10 ** draw(st.floats(-1.5, 1)) if rates == "constant" else None
    model = wn.weight_normalized_model(
        A, b, draw(st.integers(2, 4)), rates=rates, eta=eta, signed=draw(st.booleans())
    )
    log_r = draw(st.floats(-1, 0.5))
    log_u = draw(st.lists(st.floats(-2, 0), min_size=model.n_factors, max_size=model.n_factors))
    in_S_plus = np.concatenate([x_star + 1, np.ones(n)]) if model.signed else x_star  # design z = b
    return model, np.exp(np.concatenate([[log_r], log_u])), in_S_plus


def central_differences(f, x: np.ndarray) -> np.ndarray:
    columns = []
    for k in range(x.shape[0]):
        h = FD_STEP * max(1.0, abs(x[k]))
        e = np.zeros_like(x)
        e[k] = h
        columns.append((f(x + e) - f(x - e)) / (2 * h))
    return np.array(columns).T


def assert_close_relative(actual, expected, tol, scale=None):
    scale = np.max(np.abs(expected)) if scale is None else scale
    assert np.max(np.abs(np.asarray(actual) - np.asarray(expected))) <= tol * max(scale, 1e-300)


def reference_flow(model, state0, times):
    """A direct integration in (r, u) at tight tolerance (DOP853), sampled at ``times``."""
    solution = solve_ivp(
        lambda t, s: wn.vector_field(model, s),
        (0.0, float(times[-1])),
        state0,
        method="DOP853",
        rtol=1e-12,
        atol=1e-14,
        t_eval=times,
    )
    assert solution.success, solution.message
    return solution.y.T


# ----------------------------------------------------------------------------------------
# vector fields: (12), (13) with (23)-(25), and their Jacobians


@given(models_and_states())
def test_gradients_eq24_eq25_are_the_gradient_of_the_loss_eq9_eq11(drawn):
    model, state, _ = drawn
    grad_r, grad_u = wn.gradient(model, state)
    numeric = central_differences(lambda s: np.array([wn.loss(model, s)]), state)[0]
    assert_close_relative(np.concatenate([[grad_r], grad_u]), numeric, FD_REL_TOL)


@given(models_and_states())
def test_vector_field_jacobian_matches_finite_differences(drawn):
    model, state, _ = drawn
    numeric = central_differences(lambda s: wn.vector_field(model, s), state)
    assert_close_relative(wn.vector_field_jacobian(model, state), numeric, FD_REL_TOL)


@given(models_and_states())
def test_log_coordinate_jacobian_matches_finite_differences(drawn):
    model, state, _ = drawn
    y = wn.to_log(state)
    numeric = central_differences(lambda z: wn.log_vector_field(model, z), y)
    assert_close_relative(wn.log_vector_field_jacobian(model, y), numeric, FD_REL_TOL)


@given(models_and_states())
def test_log_coordinates_carry_the_same_flow(drawn):
    model, state, _ = drawn
    natural = wn.vector_field(model, state)
    assert_close_relative(state * wn.log_vector_field(model, wn.to_log(state)), natural, IDENTITY_TOL)


@given(models_and_states())
def test_lemma_3_13_velocity_with_the_plus_is_the_chain_rule(drawn):
    """x' = -(η_r P_x + η_u r²/||u||² (I - P_x)) ∇L(x); (53) prints no '+' between the terms."""
    model, state, _ = drawn
    r, u = state[0], state[1:]
    c = np.linalg.norm(u)
    dx = np.hstack([(u / c)[:, None], (r / c) * (np.eye(u.shape[0]) - np.outer(u, u) / c**2)])
    chain_rule = dx @ wn.vector_field(model, state)
    assert_close_relative(inv.x_velocity_lemma_3_13(model, state), chain_rule, IDENTITY_TOL)


@given(models_and_states())
def test_corollary_3_14_velocity_is_minus_norm_x_squared_times_the_gradient(drawn):
    model, state, _ = drawn
    if model.rates != "r_squared":
        return
    unit = np.concatenate([[state[0]], state[1:] / np.linalg.norm(state[1:])])  # ||u|| = 1
    assert_close_relative(
        inv.x_velocity_corollary_3_14(model, unit), inv.x_velocity_lemma_3_13(model, unit), IDENTITY_TOL
    )


def test_printed_eq53_read_as_a_product_stops_every_flow():
    """Witness: (η_r x x^T/||x||²)(η_u(||x||² I - x x^T)) = 0, so (53) as printed gives x' = 0."""
    model, state = make(FLOWS["positive L=3 constant"])
    x = wn.factor_vector(model, state)
    printed = -(model.eta * np.outer(x, x) / (x @ x)) @ (np.dot(x, x) * np.eye(x.shape[0]) - np.outer(x, x))
    assert np.max(np.abs(printed)) <= 1e-15 * (x @ x)
    assert np.linalg.norm(inv.x_velocity_lemma_3_13(model, state)) > 0


@given(models_and_states())
def test_loss_rate_of_lemma_3_4_is_the_chain_rule_and_not_positive(drawn):
    model, state, _ = drawn
    grad_r, grad_u = wn.gradient(model, state)
    chain_rule = np.concatenate([[grad_r], grad_u]) @ wn.vector_field(model, state)
    rate = inv.loss_rate(model, state)
    assert rate <= 0
    assert abs(rate - chain_rule) <= IDENTITY_TOL * max(abs(rate), 1e-300)


@given(models_and_states())
def test_bregman_divergence_decreases_at_rate_eq56_for_every_z_in_S_plus(drawn):
    """Lemma 3.17: d/dt D_F(z, x̃) = -2L ||x||² L(x), z >= 0 with A z = b (r² rates, ||u|| = 1)."""
    model, state, z = drawn
    if model.rates != "r_squared":
        return
    state = np.concatenate([[state[0]], state[1:] / np.linalg.norm(state[1:])])
    x_tilde = wn.factor_power(model, state)
    hessian_F = x_tilde ** (2 / model.depth - 2) / model.depth  # ∇²F of (57), diagonal
    x_tilde_dot = (
        model.depth * x_tilde / wn.factor_vector(model, state) * inv.x_velocity_corollary_3_14(model, state)
    )
    chain_rule = -float((hessian_F * x_tilde_dot) @ (z - x_tilde))
    rate = inv.bregman_rate_eq56(model, state)
    assert abs(rate - chain_rule) <= 1e-9 * max(abs(rate), abs(chain_rule), 1e-300)


def test_bregman_divergence_matches_its_definition_eq55():
    z, x_tilde = X6**2, np.linspace(0.3, 2.0, 6)
    for depth in (2, 3, 4):
        definition = (
            inv.bregman_potential(z, depth)
            - inv.bregman_potential(x_tilde, depth)
            - inv.bregman_gradient(x_tilde, depth) @ (z - x_tilde)
        )
        assert math.isclose(inv.bregman_divergence(z, x_tilde, depth), definition, rel_tol=1e-12)


# ----------------------------------------------------------------------------------------
# conserved and monotone quantities along integrated flows


@pytest.mark.parametrize("name", list(FLOWS))
def test_direction_norm_is_conserved_along_the_flow(flows, name):
    """Lemma 3.2."""
    _, _, result = flows[name]
    norms = inv.direction_norm(result.trajectory.states)
    assert np.max(np.abs(norms - 1.0)) <= INVARIANT_TOL


@pytest.mark.parametrize("name", list(FLOWS))
def test_r_and_u_stay_positive_along_the_flow(flows, name):
    """Lemma 3.3 (log-coordinates enforce it; the trajectory must not underflow to 0 either)."""
    _, _, result = flows[name]
    assert np.all(inv.sign_margin(result.trajectory.states) > 0)


@pytest.mark.parametrize("name", names_where(lambda c: c["rates"] == "constant"))
def test_h_eta_is_conserved_along_the_constant_rate_flow(flows, name):
    """Lemma 3.7, (33)."""
    model, _, result = flows[name]
    h = inv.wn_invariant(model, result.trajectory.states)
    scale = np.max(np.abs(inv.wn_invariant(model, result.trajectory.states, project=False)))
    assert np.max(np.abs(h - h[0])) <= INVARIANT_TOL * scale


@pytest.mark.parametrize("name", names_where(lambda c: c["rates"] == "r_squared"))
def test_h0_is_conserved_along_the_r_squared_flow(flows, name):
    """Corollary 3.14 with Lemma 3.6: h_0 of (32) at x = r u is conserved."""
    model, _, result = flows[name]
    x = np.array([wn.factor_vector(model, s) for s in result.trajectory.states])
    h0 = inv.plain_flow_invariant(model.design, x, model.depth)
    terms = np.log(x) if model.depth == 2 else x ** (2 - model.depth)
    assert np.max(np.abs(h0 - h0[0])) <= INVARIANT_TOL * np.max(np.abs(terms))
    # equal at ||u|| = 1; the integrator holds ||u|| to its global error (Lemma 3.2 test)
    assert_close_relative(h0, inv.wn_invariant(model, result.trajectory.states), INVARIANT_TOL)


@pytest.mark.parametrize("name", list(FLOWS))
def test_loss_is_non_increasing_along_the_flow(flows, name):
    """Lemma 3.4."""
    model, _, result = flows[name]
    losses = np.array([wn.loss(model, s) for s in result.trajectory.states])
    assert np.all(np.diff(losses) <= MONOTONE_SLACK * losses[0])


@pytest.mark.parametrize("name", names_where(lambda c: c["rates"] == "r_squared" and not c["signed"]))
def test_bregman_divergence_to_a_solution_is_non_increasing_along_the_r_squared_flow(flows, name):
    """Lemma 3.17, with z = x* ∈ S_+."""
    model, _, result = flows[name]
    divergences = np.array(
        [inv.bregman_divergence(X6, wn.factor_power(model, s), model.depth) for s in result.trajectory.states]
    )
    assert np.all(np.diff(divergences) <= MONOTONE_SLACK * divergences[0])


@pytest.mark.parametrize("name", names_where(lambda c: c["rates"] == "constant"))
def test_lemma_3_8_rescaled_invariant_holds_along_the_constant_rate_flow(flows, name):
    """(40) / (42) at every t with γ(r0, r(t)), as derived (x_wn(0), not x_wn(0)^{⊙L})."""
    model, state0, result = flows[name]
    for state in result.trajectory.states[:: max(1, len(result.trajectory.t) // 50)]:
        lhs, rhs, scale = inv.lemma_3_8_sides(model, state, state0)
        assert np.max(np.abs(lhs - rhs)) <= INVARIANT_TOL * scale


def test_printed_eq42_with_x_wn_to_the_power_L_fails_along_the_flow(flows):
    """Witness for (42): [γ x_wn^{⊙L}(0)]^{⊙(2-L)} in place of [γ x_wn(0)]^{⊙(2-L)}."""
    model, state0, result = flows["positive L=3 constant"]
    state = result.trajectory.states[-1]
    lhs, rhs, scale = inv.lemma_3_8_sides(model, state, state0)
    g = inv.gamma(state0[0], state[0], model.eta)
    printed = inv.project_off_row_space(
        model.design, (g * wn.factor_power(model, state0)) ** (2 - model.depth)
    )
    assert np.max(np.abs(lhs - rhs)) <= INVARIANT_TOL * scale
    assert np.max(np.abs(lhs - printed)) > 1e3 * INVARIANT_TOL * scale


# ----------------------------------------------------------------------------------------
# γ, γ̃, ρ, Lemma 3.5


@given(st.floats(-1.5, 1.0), st.floats(-1.0, 1.0))
def test_second_derivative_of_gamma_tilde_is_the_derivative_of_its_first(log_eta, log_r):
    eta, r = 10**log_eta, 10**log_r * math.sqrt(10**log_eta)
    h = 1e-5 * r
    numeric = (inv.gamma_tilde_derivative(r + h, eta) - inv.gamma_tilde_derivative(r - h, eta)) / (2 * h)
    assert math.isclose(inv.gamma_tilde_second_derivative(r, eta), numeric, rel_tol=1e-6)
    numeric_first = (inv.gamma_tilde(r + h, eta) - inv.gamma_tilde(r - h, eta)) / (2 * h)
    rounding = 1e-9 * inv.gamma_tilde(r, eta) / r  # γ̃' = 0 at r = √η̃: compare on γ̃'s own scale
    assert math.isclose(inv.gamma_tilde_derivative(r, eta), numeric_first, rel_tol=1e-6, abs_tol=rounding)


def test_printed_second_derivative_of_gamma_tilde_differs():
    """Witness (proof of Theorem 2.1): printed (2/r³ + r/η̃) e^{r²/(2η̃)} at r = η̃ = 1 is 3√e, not 2√e."""
    printed = (2 + 1) * math.exp(0.5)
    assert math.isclose(inv.gamma_tilde_second_derivative(1.0, 1.0), 2 * math.exp(0.5), rel_tol=1e-15)
    assert abs(printed - inv.gamma_tilde_second_derivative(1.0, 1.0)) > 1.6


@given(st.floats(-1.5, 1.0), st.floats(-1.0, 1.0), st.floats(-1.0, 1.0))
def test_magnification_is_one_over_gamma_and_at_least_one_under_eq20(log_eta, log_a, log_b):
    eta = 10**log_eta
    r0, r_inf = 10**log_a, 10**log_b
    rho = inv.magnification(r0, r_inf, eta)
    assert math.isclose(rho * inv.gamma(r0, r_inf, eta), 1.0, rel_tol=1e-12)
    if min(eta, r_inf**2) <= r0**2 <= max(eta, r_inf**2):  # (20)
        assert rho >= 1 - 1e-12
    assert inv.gamma_tilde(math.sqrt(eta), eta) <= inv.gamma_tilde(r0, eta) * (1 + 1e-12)  # min at √η̃


def test_lemma_3_5_rate_needs_c_x_to_the_power_2L_minus_2():
    """Witness for (31): N = M = 1, A = b = 1, L = 3, η̃ = 0.01, r0 = 0.5 (x grows, so c_x = 0.5).

    The loss falls slower than the printed rate min(c_r, c_u c_x²)·2L·c_x² allows; the derived
    rate with c_x^{2L-2} holds.
    """
    model = wn.weight_normalized_model([[1.0]], [1.0], 3, rates="constant", eta=0.01)
    state0 = wn.initial_state(model, 0.5, [1.0])
    horizon = 10.0
    state_T = reference_flow(model, state0, np.array([0.0, horizon]))[-1]
    assert state_T[0] >= 0.5  # x = r is increasing: c_x = x(0) on [0, T]
    decay = wn.loss(model, state_T) / wn.loss(model, state0)
    printed_rate = min(0.01, 1 * 0.5**2 * 1) * 2 * 3 * 0.5**2
    derived_rate = inv.loss_decay_rate_lemma_3_5(0.01, 1.0, 0.5, 1, 1.0, 3)
    assert decay <= math.exp(-derived_rate * horizon)
    assert decay > math.exp(-printed_rate * horizon) * 1.1


# ----------------------------------------------------------------------------------------
# limits


@pytest.mark.parametrize("name", list(FLOWS))
def test_the_flow_converges_to_a_point_with_A_x_equal_to_b(flows, name):
    _, _, result = flows[name]
    assert result.converged, result.message
    assert result.residual <= DEFAULT_TOL
    assert result.trajectory.t[-1] == result.t_reached


@pytest.mark.parametrize("name", names_where(lambda c: c["rates"] == "r_squared"))
def test_r_squared_flow_limit_is_the_bregman_projection_of_the_initialization(flows, name):
    """Theorem 2.3 through Corollary 3.14 and [7]: argmin_{z ∈ S_+} D_F(z, x̃(0))."""
    model, state0, result = flows[name]
    predicted = lim.r_squared_flow_limit(model, state0)
    assert predicted.converged, predicted.message
    assert_close_relative(result.limit, predicted.value, LIMIT_AGREEMENT)


@pytest.mark.parametrize("name", names_where(lambda c: c["rates"] == "constant"))
def test_constant_rate_flow_limit_is_the_bregman_projection_of_the_rescaled_initialization(flows, name):
    """Lemma 3.8 (proof of Theorem 2.1): argmin_{z ∈ S_+} D_F(z, γ(r0, r_∞)^L x̃(0))."""
    model, state0, result = flows[name]
    predicted = lim.constant_rate_flow_limit(model, state0)
    assert predicted.converged, predicted.message
    assert_close_relative(result.limit, predicted.value, LIMIT_AGREEMENT)
    assert math.isclose(predicted.info["r_inf"], result.info["r_final"], rel_tol=LIMIT_AGREEMENT)


@pytest.mark.parametrize("depth", [2, 3, 4, 5])
def test_potential_eq57_is_the_potential_eq21_that_the_projection_minimizes(depth):
    """F of wn (57) is mil (21): the projection's potential has θ0 = ∇F(x) of (57), inverts it,
    and its conjugate satisfies Fenchel's equality F*(∇F(x)) = <∇F(x), x> - F(x)."""
    x = np.exp(np.random.default_rng(depth).uniform(-2, 1, 6))
    potential = lim.wn_projection_problem(A6, B6, np.log(x), depth).branches[0][0]
    grad = inv.bregman_gradient(x, depth)
    assert_close_relative(potential.theta0(), grad, IDENTITY_TOL)
    assert_close_relative(potential.primal(grad)[0], x, IDENTITY_TOL)
    fenchel = float(grad @ x) - inv.bregman_potential(x, depth)
    assert math.isclose(potential.conjugate(grad), fenchel, rel_tol=IDENTITY_TOL)


def test_depth_3_limit_beyond_float64_cancellation_reaches_the_flow_limit():
    """α = 1e-7, L = 3: θ0 + Aᵀμ cancels 7 digits, more than float64 Newton takes; the projection
    descends in scale (homogeneity of ∇F) and still matches the integrated r² flow."""
    model, state0 = make(dict(FLOWS["positive L=3 r_squared"], alpha=1e-7))
    assert lim.projection_digits(np.log(wn.factor_power(model, state0)), model.depth) is not None
    result = integrate_flow(model, state0)
    predicted = lim.r_squared_flow_limit(model, state0)
    assert result.converged and predicted.converged, (result.message, predicted.message)
    assert_close_relative(result.limit, predicted.value, LIMIT_AGREEMENT)


def test_r_inf_is_the_norm_of_the_limits_L_th_root_not_of_the_limit(flows):
    """Theorem 2.1 prints r_∞ = ||x̃_∞||_2; lim r(t) is ||x̃_∞^{⊙1/L}||_2 (as (21) and Lemma 3.8 use)."""
    model, _, result = flows["positive L=2 constant"]
    power = result.info["factor_power"]
    r_inf = result.info["r_final"]
    assert math.isclose(r_inf, np.linalg.norm(power ** (1 / model.depth)), rel_tol=LIMIT_AGREEMENT)
    assert abs(r_inf - np.linalg.norm(power)) > 0.1


def test_theorem_2_1_and_2_3_bounds_hold_with_their_sides_computed():
    """(14) with ε of (19) (constant rates, ρ of (17)) or (16) (r² rates, ρ = 1); A 1 = 0 (Thm 2.1)."""
    rng = np.random.default_rng(5)
    A = rng.standard_normal((3, 8))
    A -= A.mean(axis=1, keepdims=True)  # Theorem 2.1's hypothesis
    b = A @ np.concatenate([[2.0, 1.0], np.zeros(6)])
    for rates, eta in (("constant", 0.2), ("r_squared", None)):
        model = wn.weight_normalized_model(A, b, 2, rates=rates, eta=eta)
        state0 = wn.uniform_initial_state(model, 1e-3)
        result = integrate_flow(model, state0)
        assert result.converged, result.message
        rho = float(inv.magnification(state0[0], result.info["r_final"], eta)) if rates == "constant" else 1.0
        sides = lim.theorem_2_1_bound_sides(model, state0, result.info["factor_power"], rho=rho)
        assert sides.hypothesis_holds
        assert sides.lhs <= sides.rhs


def test_signed_model_is_the_positive_model_for_A_and_minus_A():
    model, state0 = make(FLOWS["signed L=2 constant"])
    twin = wn.weight_normalized_model(np.hstack([A6, -A6]), B6, 2, rates="constant", eta=0.5)
    assert np.array_equal(wn.vector_field(model, state0), wn.vector_field(twin, state0))
    power = wn.factor_power(model, state0)
    assert np.array_equal(wn.end_to_end(model, state0), power[:6] - power[6:])


# ----------------------------------------------------------------------------------------
# the integrator against direct integration, rescalings, small initialization


@pytest.mark.parametrize("name", ["positive L=3 constant", "positive L=2 r_squared", "signed L=2 constant"])
def test_integrator_agrees_with_a_direct_integration_at_tight_tolerance(flows, name):
    model, state0, result = flows[name]
    times = result.trajectory.t
    keep = times <= 30.0  # a window where the non-stiff reference is quick
    reference = reference_flow(model, state0, times[keep])
    assert_close_relative(result.trajectory.states[keep], reference, REFERENCE_AGREEMENT)


def test_lemma_3_1_rescaling_u0_by_a_is_rescaling_eta_u_by_a_squared():
    model, state0 = make(FLOWS["positive L=3 constant"])
    rescaled_model, rescaled_state0 = inv.rescaled_learning_rate(model, state0, 3.0)
    times = np.linspace(0.0, 20.0, 11)
    original = reference_flow(model, state0, times)
    rescaled = reference_flow(rescaled_model, rescaled_state0, times)
    assert_close_relative(rescaled[:, 0], original[:, 0], REFERENCE_AGREEMENT)
    assert_close_relative(rescaled[:, 1:], 3.0 * original[:, 1:], REFERENCE_AGREEMENT)


def test_the_half_normalized_loss_runs_L_times_faster():
    """wn (4) (1/2) vs (9) (1/(2L)): scaling the loss by L scales both rates by L (constant rates)."""
    config = FLOWS["positive L=3 constant"]
    model, state0 = make(config)
    half = wn.weight_normalized_model(A6, B6, 3, rates="constant", eta=3 * config["eta"], eta_u=3.0)
    t = 2.0
    at_eq9 = reference_flow(model, state0, np.array([0.0, wn.time_under_eq9(t, 3, "half")]))[-1]
    at_half = reference_flow(half, state0, np.array([0.0, t]))[-1]
    assert_close_relative(at_half, at_eq9, REFERENCE_AGREEMENT)


@pytest.mark.parametrize(
    ("depth", "rates", "eta", "alpha"),
    [(2, "constant", 0.5, 1e-30), (3, "constant", 0.5, 1e-6), (2, "r_squared", None, 1e-8)],
)
def test_small_initialization_reaches_the_predicted_limit(depth, rates, eta, alpha):
    model = wn.weight_normalized_model(A6, B6, depth, rates=rates, eta=eta)
    state0 = wn.uniform_initial_state(model, alpha)
    result = integrate_flow(model, state0)
    assert result.converged, result.message
    predicted = (
        lim.constant_rate_flow_limit(model, state0)
        if rates == "constant"
        else lim.r_squared_flow_limit(model, state0)
    )
    assert_close_relative(result.limit, predicted.value, LIMIT_AGREEMENT)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("depth", "rates", "eta", "alpha"),
    [(3, "constant", 0.5, 1e-10), (2, "r_squared", None, 1e-10), (3, "r_squared", None, 1e-6)],
)
def test_small_initialization_on_a_larger_instance_reaches_the_predicted_limit(depth, rates, eta, alpha):
    A, b, _ = sensing_instance(7, 10, 30)
    model = wn.weight_normalized_model(A, b, depth, rates=rates, eta=eta)
    state0 = wn.uniform_initial_state(model, alpha)
    result = integrate_flow(model, state0)
    assert result.converged, result.message
    predicted = (
        lim.constant_rate_flow_limit(model, state0)
        if rates == "constant"
        else lim.r_squared_flow_limit(model, state0)
    )
    assert_close_relative(result.limit, predicted.value, LIMIT_AGREEMENT)


# ----------------------------------------------------------------------------------------
# the stopping test: a plateau near a saddle is no limit


def near_one_sparse_saddle(model, column: int, fraction: float, tiny: float) -> np.ndarray:
    """A state with x_k = fraction · (least-squares fit of b by column k)^{1/L}, all other x_n = tiny.

    The flow runs into the saddle x̃ = fit · e_k in O(1) time and sits there until an entry with
    a_n = (A^T(A x̃ - b))_n < 0 has grown: for L > 2 at a log-rate ∝ tiny^{L-2}, so that the motion
    into the saddle dies out while the escape has not visibly begun.
    """
    a_k = model.design[:, column]
    x = np.full(model.n_factors, tiny)
    x[column] = fraction * (a_k @ model.b / (a_k @ a_k)) ** (1 / model.depth)
    r = float(np.linalg.norm(x))
    return wn.initial_state(model, r, x / r)


@pytest.mark.parametrize("column", [1, 5])
def test_a_decayed_approach_to_a_saddle_is_not_taken_for_the_limit(column):
    """The decay test alone accepted the saddle (||A x̃ - b|| = 0.30 ||b|| for column 1, 0.16 for 5)."""
    model = wn.weight_normalized_model(A6, B6, 3, rates="r_squared")
    state0 = near_one_sparse_saddle(model, column, 0.9, 1e-9)
    result = integrate_flow(model, state0)
    assert result.converged, result.message
    assert result.residual <= DEFAULT_TOL
    predicted = lim.r_squared_flow_limit(model, state0)
    assert predicted.converged, predicted.message
    assert_close_relative(result.limit, predicted.value, LIMIT_AGREEMENT)


def test_depth_3_r_squared_flow_from_alpha_1e_minus_9_escapes_its_saddles_to_the_projection():
    """Regression: stopped 'converged' at t ≈ 9e25 on the plateau near x̃ ≈ 2.51 e_1 (0-based) with
    ||A x̃ - b|| ≈ 0.30 ||b||; the flow escapes it and the next saddle (support {1, 2},
    ||A x̃ - b|| ≈ 0.014 ||b||) to the projection."""
    model, state0 = make(dict(FLOWS["positive L=3 r_squared"], alpha=1e-9))
    result = integrate_flow(model, state0)
    predicted = lim.r_squared_flow_limit(model, state0)
    assert result.converged and predicted.converged, (result.message, predicted.message)
    assert result.residual <= DEFAULT_TOL
    assert result.info["stationarity"] == "interpolating"
    assert_close_relative(result.limit, predicted.value, ESCAPED_LIMIT_AGREEMENT)


def small_initialization_flow(A, b, depth: int, rates: str, alpha: float, **options):
    eta = 0.5 if rates == "constant" else None
    model = wn.weight_normalized_model(A, b, depth, rates=rates, eta=eta)
    return integrate_flow(model, wn.uniform_initial_state(model, alpha), **options)


@pytest.mark.parametrize("alpha", SMALL_INIT_ALPHAS)
@pytest.mark.parametrize("rates", ["constant", "r_squared"])
@pytest.mark.parametrize("depth", [2, 3])
def test_a_converged_flow_from_a_small_initialization_fits_the_data(depth, rates, alpha):
    """converged implies ||A x̃ - b|| <= tol ||b|| (and on A6 every one of these flows converges)."""
    result = small_initialization_flow(A6, B6, depth, rates, alpha)
    assert result.converged, result.message
    assert result.residual <= DEFAULT_TOL, result.message


@pytest.mark.slow
@settings(max_examples=40)
@given(
    seed=st.integers(0, 2**16),
    rows=st.integers(2, 4),
    extra_columns=st.integers(1, 4),
    depth=st.sampled_from([2, 3]),
    rates=st.sampled_from(["constant", "r_squared"]),
    alpha_exponent=st.integers(3, 9),  # α on a log scale
)
# LSODA accepted a step whose trial values overflowed; the NaN state crashed the stopping test
@example(seed=4, rows=4, extra_columns=1, depth=2, rates="r_squared", alpha_exponent=9)
def test_a_converged_flow_from_a_small_initialization_fits_the_data_on_sensing_instances(
    seed, rows, extra_columns, depth, rates, alpha_exponent
):
    A, b, _ = sensing_instance(seed, rows, rows + extra_columns)
    result = small_initialization_flow(A, b, depth, rates, 10.0**-alpha_exponent, max_wall_s=PROPERTY_WALL_S)
    if result.converged:
        assert result.residual <= DEFAULT_TOL, result.message
    else:
        assert result.message.startswith("not converged"), result.message


def test_a_solver_step_to_a_non_finite_state_is_retried_from_the_last_accepted_one():
    """LSODA accepted a step whose trial values overflowed (a NaN passes its error test): the state
    became NaN and the stopping test raised; the flow now restarts there and reaches its limit."""
    A, b, _ = sensing_instance(4, 4, 5)
    model = wn.weight_normalized_model(A, b, 2, rates="r_squared")
    state0 = wn.uniform_initial_state(model, 1e-9)
    result = integrate_flow(model, state0)
    assert result.converged, result.message
    assert result.residual <= DEFAULT_TOL
    assert_close_relative(result.limit, lim.r_squared_flow_limit(model, state0).value, LIMIT_AGREEMENT)


@pytest.mark.parametrize(("depth", "rates"), [(2, "constant"), (2, "r_squared"), (3, "r_squared")])
def test_a_flow_with_b_outside_the_nonnegative_cone_of_A_stops_unconverged_and_says_why(depth, rates):
    """S_+ = ∅: the flow tends to the nonnegative least-squares point, which is no interpolating limit."""
    A, b = np.array([[1.0, 2.0], [1.0, 0.0]]), np.array([1.0, -1.0])  # b = (1, -1) ∉ cone{(1, 1), (2, 0)}
    nonnegative_fit, _ = nnls(A, b)
    result = small_initialization_flow(A, b, depth, rates, 0.1)
    assert not result.converged
    assert "non-interpolating" in result.message, result.message
    assert result.info["stationarity"] == "non-interpolating"
    assert result.residual > 0.5
    assert_close_relative(result.limit, nonnegative_fit, LIMIT_AGREEMENT)


def test_gradient_descent_with_b_outside_the_nonnegative_cone_of_A_says_why_it_stopped():
    A, b = np.array([[1.0, 2.0], [1.0, 0.0]]), np.array([1.0, -1.0])
    model = wn.weight_normalized_model(A, b, 2, rates="r_squared")
    gd = gradient_descent(model, wn.uniform_initial_state(model, 0.1), step=0.01)
    assert not gd.converged
    assert "non-interpolating" in gd.message, gd.message
    assert gd.steps < 100_000  # stopped there, not at max_steps


# ----------------------------------------------------------------------------------------
# gradient descent


@pytest.mark.parametrize("name", ["positive L=2 constant", "positive L=3 r_squared"])
def test_gradient_descent_with_a_small_step_approaches_the_flow_at_first_order(name):
    model, state0 = make(FLOWS[name])
    horizon = 5.0
    exact = reference_flow(model, state0, np.array([0.0, horizon]))[-1]
    errors = []
    for step in (0.02, 0.01):
        gd = gradient_descent(model, state0, step=step, max_steps=round(horizon / step))
        assert math.isclose(gd.t_reached, horizon)
        errors.append(np.max(np.abs(gd.trajectory.states[-1] - exact)))
    assert 0.4 <= errors[1] / errors[0] <= 0.6  # error ∝ step


def test_gradient_descent_limit_approaches_the_flow_limit(flows):
    model, state0, result = flows["positive L=2 constant"]
    gd = gradient_descent(model, state0, step=0.01)
    assert gd.converged, gd.message
    assert gd.residual <= DEFAULT_TOL
    assert np.max(np.abs(gd.limit - result.limit)) <= 0.01  # O(step)


def test_gradient_descent_with_too_large_a_step_says_so():
    model, state0 = make(FLOWS["positive L=2 constant"])
    gd = gradient_descent(model, state0, step=50.0, max_steps=100)
    assert not gd.converged
    assert "positive orthant" in gd.message or "max_steps" in gd.message


# ----------------------------------------------------------------------------------------
# the edge


def test_an_unconverged_flow_says_so_and_returns_what_it_reached():
    model, state0 = make(FLOWS["positive L=2 constant"])
    result = integrate_flow(model, state0, max_steps=5)
    assert not result.converged
    assert result.message.startswith("not converged: max_steps")
    assert result.steps == 5
    assert result.t_reached == result.trajectory.t[-1] > 0
    assert np.array_equal(result.limit, result.trajectory.product[-1])


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: wn.weight_normalized_model(np.ones(3), [1.0], 2, eta=1.0), "A must be"),
        (lambda: wn.weight_normalized_model([[1.0, np.nan]], [1.0], 2, eta=1.0), "non-finite"),
        (lambda: wn.weight_normalized_model([[1.0, 2.0]], [1.0, 2.0], 2, eta=1.0), "rows"),
        (lambda: wn.weight_normalized_model([[1.0, 2.0]], [0.0], 2, eta=1.0), "b = 0"),
        (lambda: wn.weight_normalized_model([[1.0, 2.0]], [1.0], 1, eta=1.0), "depth"),
        (lambda: wn.weight_normalized_model([[1.0, 2.0]], [1.0], 2), "eta > 0"),
        (lambda: wn.weight_normalized_model([[1.0, 2.0]], [1.0], 2, eta=-1.0), "eta > 0"),
        (lambda: wn.weight_normalized_model([[1.0, 2.0]], [1.0], 2, rates="r_squared", eta=1.0), "no eta"),
        (lambda: wn.weight_normalized_model([[1.0, 2.0]], [1.0], 2, rates="adam", eta=1.0), "rates"),
        (lambda: wn.initial_state(make(FLOWS["positive L=2 constant"])[0], 0.0, np.ones(6)), "r0"),
        (lambda: wn.initial_state(make(FLOWS["positive L=2 constant"])[0], 1.0, np.ones(5)), "6 entries"),
        (lambda: wn.initial_state(make(FLOWS["positive L=2 constant"])[0], 1.0, -np.ones(6)), "u0"),
        (lambda: wn.uniform_initial_state(make(FLOWS["positive L=2 constant"])[0], math.inf), "alpha"),
        (lambda: integrate_flow(make(FLOWS["positive L=2 constant"])[0], np.ones(7), tol=2.0), "tol"),
        (lambda: integrate_flow(make(FLOWS["positive L=2 constant"])[0], np.zeros(7)), "entrywise > 0"),
        (
            lambda: integrate_flow(make(FLOWS["positive L=2 constant"])[0], np.ones(7), method="RK45"),
            "method",
        ),
        (lambda: gradient_descent(make(FLOWS["positive L=2 constant"])[0], np.ones(7), step=0.0), "step"),
    ],
)
def test_invalid_inputs_raise_one_line_value_errors(call, fragment):
    with pytest.raises(ValueError, match=fragment) as error:
        call()
    assert "\n" not in str(error.value)
