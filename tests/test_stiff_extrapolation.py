"""Linearly implicit Euler extrapolation (numerics/stiff_extrapolation.py) against closed forms.

Reference solutions are exact or computed at higher precision: exp(-Kt) y0 through the exact
eigendecomposition of K = Q diag(lambda) Q (Q a rational Householder reflection), the logistic
equation's closed form, scipy's Radau in float64 for Robertson's kinetics.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import pytest
from flint import arb, arb_mat, ctx
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st
from mpmath import mp

from dlncheck.numerics import stiff_extrapolation as sx
from dlncheck.numerics.enclosures import digits_to_bits
from dlncheck.numerics.stiff_extrapolation import integrate_stiff

# Digits of agreement asked of a run at `dps` digits: the local target is 10^-(dps - 5) and a few
# hundred steps accumulate at most another ~3 digits on these contractive problems.
DIGITS_LOST = 10

# scipy's Radau at rtol 1e-12 is good to ~1e-10 relative on Robertson's problem; the brief asks
# for agreement to ~8 digits.
ROBERTSON_AGREEMENT = 1e-8


# ----------------------------------------------------------------------------------------
# problems


class HouseholderSystem:
    """y' = -K y with K = Q diag(lambda) Q, Q = I - 2 v v^T / v^T v exact and rational."""

    def __init__(self, v: list[int], eigenvalues: list[Fraction]):
        self.m = len(v)
        self.v, self.eigenvalues = v, eigenvalues
        vv = sum(x * x for x in v)
        q = [
            [Fraction(int(i == j)) - Fraction(2 * v[i] * v[j], vv) for j in range(self.m)]
            for i in range(self.m)
        ]
        self.q = q
        self.k = [
            [sum(q[i][l] * eigenvalues[l] * q[l][j] for l in range(self.m)) for j in range(self.m)]
            for i in range(self.m)
        ]
        self._cache: dict[int, arb_mat] = {}

    def _minus_k(self) -> arb_mat:
        # built once per precision: the integrator calls f at its working precision
        if ctx.prec not in self._cache:
            self._cache[ctx.prec] = arb_mat([[-sx.to_arb(x) for x in row] for row in self.k])
        return self._cache[ctx.prec]

    def f(self, y: arb_mat) -> arb_mat:
        return self._minus_k() * y

    def jac(self, y: arb_mat) -> arb_mat:
        return self._minus_k()

    def exact(self, y0: list[str], t: str, dps: int) -> list[mpmath.mpf]:
        """Q diag(exp(-lambda t)) Q y0 at ``dps`` digits."""
        with mp.workdps(dps):
            q = [[mpmath.mpf(x.numerator) / x.denominator for x in row] for row in self.q]
            z = [mpmath.fsum(q[i][j] * mpmath.mpf(y0[j]) for j in range(self.m)) for i in range(self.m)]
            decay = [
                mpmath.exp(-mpmath.mpf(lam.numerator) / lam.denominator * mpmath.mpf(t))
                for lam in self.eigenvalues
            ]
            return [+mpmath.fsum(q[i][l] * decay[l] * z[l] for l in range(self.m)) for i in range(self.m)]


def digits_of_agreement(computed, reference, dps: int, scale=None) -> float:
    """-log10 of the largest error relative to ``scale`` (default: the largest reference entry).

    Pass the initial state's size as the scale for decaying solutions: the error test is
    |err| <= atol + rtol |y| with atol = rtol, so a solution decayed to 1e-13 keeps its absolute
    digits, not its relative ones."""
    with mp.workdps(dps):
        scale = max(abs(r) for r in reference) if scale is None else mpmath.mpf(scale)
        error = max(abs(c - r) for c, r in zip(computed, reference, strict=True))
        return math.inf if error == 0 else float(-mpmath.log10(error / scale))


def logistic_f(y: arb_mat) -> arb_mat:
    return arb_mat([[y[0, 0] * (1 - y[0, 0])]])


def logistic_jac(y: arb_mat) -> arb_mat:
    return arb_mat([[1 - 2 * y[0, 0]]])


def logistic_exact(y0: Fraction, t: str, dps: int) -> mpmath.mpf:
    """y(t) = y0 / (y0 + (1 - y0) e^-t)."""
    with mp.workdps(dps):
        a = mpmath.mpf(y0.numerator) / y0.denominator
        return a / (a + (1 - a) * mpmath.exp(-mpmath.mpf(t)))


ROBERTSON_RATES = ("0.04", "1e4", "3e7")


def robertson_f(y: arb_mat) -> arb_mat:
    k1, k2, k3 = (arb(k) for k in ROBERTSON_RATES)
    y1, y2, y3 = y[0, 0], y[1, 0], y[2, 0]
    return arb_mat([[-k1 * y1 + k2 * y2 * y3], [k1 * y1 - k2 * y2 * y3 - k3 * y2 * y2], [k3 * y2 * y2]])


def robertson_jac(y: arb_mat) -> arb_mat:
    k1, k2, k3 = (arb(k) for k in ROBERTSON_RATES)
    y2, y3 = y[1, 0], y[2, 0]
    return arb_mat([[-k1, k2 * y3, k2 * y2], [k1, -k2 * y3 - 2 * k3 * y2, -k2 * y2], [0, 2 * k3 * y2, 0]])


class ExponentialBarrierFlow:
    """Gradient flow of the strictly convex L(y) = sum_i c_i (e^(y_i - m_i) - (y_i - m_i))
    + (kappa/2) (y - m)^T T (y - m), T = tridiag(-1, 2, -1): minimizer m, curvatures c ~ 1e-30,
    so the flow settles on time scales 1e26 .. 1e30."""

    c = ("1e-30", "3e-29", "1e-27", "2e-26")
    minimizer = ("0.5", "-1.25", "2", "0.125")
    kappa = "1e-28"

    def f(self, y: arb_mat) -> arb_mat:
        c, m, kappa = [arb(x) for x in self.c], [arb(x) for x in self.minimizer], arb(self.kappa)
        d = [y[i, 0] - m[i] for i in range(4)]
        grad = [
            c[i] * (d[i].exp() - 1) + kappa * (2 * d[i] - (d[i - 1] if i else 0) - (d[i + 1] if i < 3 else 0))
            for i in range(4)
        ]
        return arb_mat([[-g] for g in grad])

    def jac(self, y: arb_mat) -> arb_mat:
        c, m, kappa = [arb(x) for x in self.c], [arb(x) for x in self.minimizer], arb(self.kappa)
        hess = arb_mat(4, 4)
        for i in range(4):
            hess[i, i] = c[i] * (y[i, 0] - m[i]).exp() + 2 * kappa
            if i:
                hess[i, i - 1] = hess[i - 1, i] = -kappa
        return -hess


# ----------------------------------------------------------------------------------------
# strategies


# (Householder vector entry, decimal exponent of the eigenvalue) per mode
stiff_modes = st.lists(st.tuples(st.integers(-4, 4), st.integers(-6, 6)), min_size=3, max_size=5).filter(
    lambda modes: any(v for v, _ in modes)
)
log_times = st.sampled_from(["1e-3", "0.1", "3", "1e2"])
unit_rationals = st.fractions(min_value=Fraction(1, 50), max_value=Fraction(49, 50), max_denominator=100)


# ----------------------------------------------------------------------------------------
# the scheme


@given(st.integers(2, 12), st.lists(st.fractions(max_denominator=20), min_size=1, max_size=12))
def test_extrapolation_weights_reproduce_polynomials_in_h(columns, coefficients):
    """sum_j w_j p(1/n_j) = p(0) for every polynomial of degree < columns (Aitken-Neville at h = 0)."""
    coefficients = coefficients[:columns]
    weights = sx.extrapolation_weights(sx.step_sequence(columns))
    p = lambda h: sum(a * h**i for i, a in enumerate(coefficients))  # noqa: E731
    assert sum(w * p(Fraction(1, n)) for w, n in zip(weights, sx.step_sequence(columns), strict=True)) == p(0)


def test_step_sequences_are_harmonic_and_deuflhards():
    assert sx.step_sequence(6) == (1, 2, 3, 4, 5, 6)
    assert sx.step_sequence(8, "deuflhard") == (1, 2, 3, 4, 6, 8, 12, 16)
    with pytest.raises(ValueError, match="unknown step sequence"):
        sx.step_sequence(4, "romberg")


def test_roundoff_guard_grows_with_the_lebesgue_constant_of_the_harmonic_tableau():
    guards = [sx.roundoff_guard_digits(sx.step_sequence(k)) for k in (10, 30, 60)]
    assert guards == sorted(guards) and guards[-1] - guards[0] >= 20
    assert sx.roundoff_guard_digits(sx.step_sequence(15, "deuflhard")) <= 3 + sx.ROUNDOFF_EXTRA_DIGITS


# ----------------------------------------------------------------------------------------
# accuracy against closed forms


def test_stiff_linear_system_matches_exp_of_minus_kt_to_40_digits_at_50():
    """Eigenvalues 1e-6 .. 1e6 (stiffness 1e12), 50 digits requested, >= 40 correct."""
    system = HouseholderSystem([1, -2, 3, 1, -1], [Fraction(10) ** e for e in (-6, -3, 0, 3, 6)])
    y0 = ["1", "0.5", "-2", "0.25", "3"]
    result = integrate_stiff(system.f, system.jac, y0, "2", dps=50)
    assert result.converged, result.message
    assert result.t == 2
    assert digits_of_agreement(result.y, system.exact(y0, "2", 120), 120, scale=3) >= 40


def check_linear_system_against_exponential(modes, t_end: str) -> None:
    v = [entry for entry, _ in modes]
    system = HouseholderSystem(v, [Fraction(10) ** e for _, e in modes])
    y0 = [str(i + 1) for i in range(len(v))]
    result = integrate_stiff(system.f, system.jac, y0, t_end, dps=30, dense=False)
    assert result.converged, result.message
    scale = len(v)  # max |y0|
    assert digits_of_agreement(result.y, system.exact(y0, t_end, 80), 80, scale) >= 30 - DIGITS_LOST


# Each example is a full integration: no shrinking (a failing case is printed as drawn).
NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)


@settings(max_examples=4, phases=NO_SHRINK)
@example(modes=[(0, 1), (0, 1), (1, 1)], t_end="3").via("a decay to 1e-13: only absolute digits survive")
@given(stiff_modes, log_times)
def test_random_stiff_linear_systems_match_exp_of_minus_kt(modes, t_end):
    check_linear_system_against_exponential(modes, t_end)


@pytest.mark.slow
def test_fourteen_modes_from_1e_minus_6_to_1e6_to_t_1e6_at_50_digits():
    exponents = [-6 + 12 * Fraction(i, 13) for i in range(14)]
    eigenvalues = [Fraction(10) ** math.floor(e) * (1 + (e - math.floor(e))) for e in exponents]
    system = HouseholderSystem([((7 * i + 3) % 11) - 5 for i in range(14)], eigenvalues)
    y0 = [str(1 + i % 3) for i in range(14)]
    result = integrate_stiff(system.f, system.jac, y0, "1e6", dps=50, dense=False)
    assert result.converged, result.message
    assert digits_of_agreement(result.y, system.exact(y0, "1e6", 120), 120, scale=3) >= 40


@settings(max_examples=6)
@given(unit_rationals, st.sampled_from(["0.5", "4", "30"]))
def test_logistic_equation_matches_its_closed_form(y0, t_end):
    result = integrate_stiff(logistic_f, logistic_jac, [y0], t_end, dps=40)
    assert result.converged, result.message
    assert digits_of_agreement(result.y, [logistic_exact(y0, t_end, 80)], 80) >= 40 - DIGITS_LOST


def test_robertson_kinetics_agrees_with_scipy_radau():
    from scipy.integrate import solve_ivp

    t_end = 1e3

    def rates(t, y):
        return [
            -0.04 * y[0] + 1e4 * y[1] * y[2],
            0.04 * y[0] - 1e4 * y[1] * y[2] - 3e7 * y[1] ** 2,
            3e7 * y[1] ** 2,
        ]

    def jacobian(t, y):
        return [
            [-0.04, 1e4 * y[2], 1e4 * y[1]],
            [0.04, -1e4 * y[2] - 6e7 * y[1], -1e4 * y[1]],
            [0, 6e7 * y[1], 0],
        ]

    reference = solve_ivp(
        rates, (0, t_end), [1, 0, 0], method="Radau", rtol=1e-12, atol=[1e-16, 1e-20, 1e-16], jac=jacobian
    ).y[:, -1]
    result = integrate_stiff(robertson_f, robertson_jac, ["1", "0", "0"], "1e3", dps=30, dense=False)
    assert result.converged, result.message
    for computed, expected in zip(result.y, reference, strict=True):
        assert abs(float(computed) - expected) <= ROBERTSON_AGREEMENT * abs(expected)
    with mp.workdps(40):  # mass conservation y1 + y2 + y3 = 1 holds to the working precision
        assert abs(mpmath.fsum(result.y) - 1) < mpmath.mpf(10) ** -(30 - DIGITS_LOST)


@pytest.mark.slow
def test_robertson_kinetics_to_t_1e11_keeps_the_conservation_law():
    """HW's long Robertson run: y2 falls to 1e-13 while y1 + y2 + y3 = 1 is kept to 20 digits."""
    result = integrate_stiff(robertson_f, robertson_jac, ["1", "0", "0"], "1e11", dps=30, dense=False)
    assert result.converged, result.message
    assert 8.3e-14 < result.y[1] < 8.4e-14  # scipy Radau at rtol 1e-12: 8.33336e-14
    with mp.workdps(40):
        assert abs(mpmath.fsum(result.y) - 1) < mpmath.mpf(10) ** -(30 - DIGITS_LOST)
    assert result.accepted_steps < 1000


@pytest.mark.slow
@settings(max_examples=25, phases=NO_SHRINK)
@given(stiff_modes, log_times)
def test_many_random_stiff_linear_systems_match_exp_of_minus_kt(modes, t_end):
    check_linear_system_against_exponential(modes, t_end)


# ----------------------------------------------------------------------------------------
# long times


def test_gradient_flow_reaches_its_minimizer_by_t_1e40_in_log_many_steps():
    flow = ExponentialBarrierFlow()
    runs = {
        t_end: integrate_stiff(flow.f, flow.jac, ["0"] * 4, t_end, dps=30, dense=False)
        for t_end in ("1e40", "1e60")
    }
    for result in runs.values():
        assert result.converged, result.message
        with mp.workdps(40):
            assert max(
                abs(y - mpmath.mpf(m)) for y, m in zip(result.y, flow.minimizer, strict=True)
            ) < mpmath.mpf(10) ** -(30 - DIGITS_LOST)
    # the step grows at most 10x per step, and does once the flow has settled: 20 decades, ~20 steps
    extra = runs["1e60"].accepted_steps - runs["1e40"].accepted_steps
    assert 20 <= extra <= 25
    assert runs["1e40"].accepted_steps < 200


# ----------------------------------------------------------------------------------------
# precision, callbacks, results


def test_precision_is_local_to_the_call():
    saved = mp.prec, ctx.prec
    mp.dps, ctx.prec = 23, 71
    try:
        integrate_stiff(logistic_f, logistic_jac, ["0.25"], "1", dps=35)
        assert (mp.dps, ctx.prec) == (23, 71)
        with pytest.raises(ValueError, match="not finite"):  # arb's 1/0 is nan
            integrate_stiff(lambda y: arb_mat([[1 / (y[0, 0] - y[0, 0])]]), logistic_jac, ["1"], "1", dps=20)
        assert (mp.dps, ctx.prec) == (23, 71)

        def broken(y):
            raise RuntimeError("a bug in the caller's f")

        with pytest.raises(RuntimeError):
            integrate_stiff(broken, logistic_jac, ["1"], "1", dps=20)
        assert (mp.dps, ctx.prec) == (23, 71)
    finally:
        mp.prec, ctx.prec = saved


def test_callables_run_at_the_working_precision():
    seen = set()

    def f(y):
        seen.add((ctx.prec, mp.prec))
        return logistic_f(y)

    result = integrate_stiff(f, logistic_jac, ["0.25"], "1", dps=35)
    bits = digits_to_bits(result.working_dps, sx.PRECISION_GUARD_BITS)
    assert seen == {(bits, bits)}
    assert result.working_dps > 35


def test_final_state_is_mpmath_numbers_at_the_working_precision():
    result = integrate_stiff(logistic_f, logistic_jac, ["0.25"], "3", dps=60)
    assert isinstance(result.y[0], mpmath.mpf) and isinstance(result.t, mpmath.mpf)
    assert digits_of_agreement(result.y, [logistic_exact(Fraction(1, 4), "3", 120)], 120) >= 60 - DIGITS_LOST


def test_the_step_limit_fails_loudly():
    result = integrate_stiff(robertson_f, robertson_jac, ["1", "0", "0"], "1e3", dps=20, max_steps=5)
    assert not result.converged
    assert "max_steps" in result.message
    assert result.t < 1000


def test_a_blow_up_fails_loudly_with_step_size_underflow():
    """y' = y^2, y(0) = 1 explodes at t = 1: no number past it may be reported as converged."""
    result = integrate_stiff(
        lambda y: arb_mat([[y[0, 0] ** 2]]),
        lambda y: arb_mat([[2 * y[0, 0]]]),
        ["1"],
        "2",
        dps=20,
        dense=False,
    )
    assert not result.converged
    assert "underflow" in result.message
    assert result.t < 1


def test_stop_callback_ends_the_run_as_converged():
    def settled(t, y):
        return y[0, 0] > arb("0.999")

    result = integrate_stiff(logistic_f, logistic_jac, ["0.1"], "1e3", dps=30, stop=settled)
    assert result.converged and result.stopped
    assert 0.999 < result.y[0] < 1 and result.t < 1000


def test_progress_reports_increasing_times_and_step_counts():
    calls = []
    result = integrate_stiff(
        logistic_f, logistic_jac, ["0.1"], "50", dps=30, progress=lambda t, n: calls.append((t, n))
    )
    assert [n for _, n in calls] == list(range(1, result.accepted_steps + 1))
    assert [t for t, _ in calls] == sorted(t for t, _ in calls) and calls[-1][0] == 50.0


def test_dense_trajectory_holds_every_accepted_step_and_interpolates():
    result = integrate_stiff(logistic_f, logistic_jac, ["0.1"], "10", dps=30)
    trajectory = result.trajectory
    assert len(trajectory) == result.accepted_steps + 1
    assert trajectory.t[0] == 0 and trajectory.t[-1] == 10 and list(trajectory.t) == sorted(trajectory.t)
    assert trajectory(trajectory.t[3]) == trajectory.y[3]
    for k in range(len(trajectory) - 1):  # the cubic Hermite interpolant is O(H^4): loose check
        middle = (trajectory.t[k] + trajectory.t[k + 1]) / 2
        assert (
            abs(trajectory(middle)[0] - logistic_exact(Fraction(1, 10), mpmath.nstr(middle, 40), 40)) < 1e-3
        )
    t, states = trajectory.as_float_arrays()
    assert t.shape == (len(trajectory),) and states.shape == (len(trajectory), 1)
    with pytest.raises(ValueError, match="outside"):
        trajectory(11)


def test_mpmath_callables_give_the_same_flow():
    def f_mp(y):
        return mpmath.matrix([[y[0] * (1 - y[0])]])

    def jac_mp(y):
        return mpmath.matrix([[1 - 2 * y[0]]])

    f, jac = sx.mpmath_callables(f_mp, jac_mp)
    a = integrate_stiff(f, jac, ["0.3"], "5", dps=30, dense=False)
    b = integrate_stiff(logistic_f, logistic_jac, ["0.3"], "5", dps=30, dense=False)
    # mpmath and arb round their midpoints differently in the last bits: same flow, same digits
    assert digits_of_agreement(a.y, b.y, 60) >= 30 - DIGITS_LOST


def test_inputs_are_validated_at_the_edge():
    with pytest.raises(ValueError, match="dps"):
        integrate_stiff(logistic_f, logistic_jac, ["0.1"], "1", dps=8)
    with pytest.raises(ValueError, match="t_end"):
        integrate_stiff(logistic_f, logistic_jac, ["0.1"], "-1", dps=20)
    with pytest.raises(ValueError, match="rtol"):
        integrate_stiff(logistic_f, logistic_jac, ["0.1"], "1", dps=20, rtol="-1e-5")
    with pytest.raises(ValueError, match="more digits"):
        integrate_stiff(logistic_f, logistic_jac, ["0.1"], "1", dps=20, rtol="1e-25")
    with pytest.raises(TypeError, match="f must return"):
        integrate_stiff(lambda y: arb_mat(2, 1), logistic_jac, ["0.1"], "1", dps=20)
    with pytest.raises(TypeError, match="jac must return"):
        integrate_stiff(logistic_f, lambda y: arb_mat(2, 2), ["0.1"], "1", dps=20)
    with pytest.raises(TypeError, match="number or a decimal string"):
        integrate_stiff(logistic_f, logistic_jac, [None], "1", dps=20)
