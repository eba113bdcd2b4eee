"""The hypentropy Q_alpha of "Kernel and Rich Regimes" and Lemma 5's two-sided bound.

krr (21):  q(z) = 2 - sqrt(4 + z^2) + z arcsinh(z/2)
krr (4):   Q_alpha(beta) = alpha^2 sum_i q(beta_i / alpha^2)            (w0 = 1)
krr Lemma 5: with ell = ln(1/alpha^2) and
    alpha <= alpha_1(eps, |beta|_1, d) = min{1, sqrt|beta|_1, (2|beta|_1)^(-1/(2 eps)),
                                             exp(-d / (2 eps |beta|_1))},
    (1 - eps)|beta|_1 <= Q_alpha(beta) / ell <= (1 + eps)|beta|_1.

Alpha is handled through lambda = ln(alpha): the threshold alpha_1 is exp(-d/(2 eps |beta|_1))
or smaller, far below float64's range, so nothing here forms alpha itself in float64.

Two evaluations are provided on purpose:

* float64 (:func:`lemma5_margins`), for property search: with b = |beta_i| > 0,
  alpha^2 q(b/alpha^2) = b ell + t1 + t2, where t1 = 2 alpha^2 - sqrt(4 alpha^4 + b^2) and
  t2 = b ln(b/2 + sqrt(alpha^4 + b^2/4)) (the rearrangement of krr (23)).  The lower margin
  is summed from non-negative terms (see :func:`lower_margin_terms`) because the lower bound
  is attained in the limit (b = 1, alpha = alpha_1), where 1 - |E| cancels completely.
* balls (:func:`q_interval`, :func:`lemma5_quantities`): Q_alpha straight from the
  definition krr (21), plus the same cancellation-free lower margin, both rigorous.

:func:`q_by_quadrature` computes q from the integral in (21), in certified quadrature, as an
independent check of the closed form.

Cancellation-free lower margin (derivation checked by tests/test_numerics_hypentropy.py):
for b > 0 with s = sqrt(4 alpha^4 + b^2) - b >= 0 and r = sqrt(alpha^4/b^2 + 1/4) - 1/2 >= 0,
    t1 + t2 = (b ln b - b + 1) - 1 + P1 + P2,
    P1 = b (2 alpha^2 + s) / (2 alpha^2 + b + s) > 0,   P2 = b ln(1 + r) >= 0,
so  ell * (Q/ell - (1 - eps)|beta|_1) = sum_{b_i > 0} [phi(b_i) + P1_i + P2_i] + (eps ell |beta|_1 - d'),
with phi(b) = b ln b - b + 1 >= 0 and d' the number of nonzero entries.  The hypothesis
alpha <= exp(-d/(2 eps |beta|_1)) is exactly eps ell |beta|_1 >= d >= d'.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from flint import acb, arb, ctx

from dlncheck.numerics import enclosures
from dlncheck.numerics.magnitudes import log10_of

# ----------------------------------------------------------------------------------------
# threshold alpha_1 of krr Lemma 5


def threshold_log_terms_float(eps: float, l1: float, d: int) -> tuple[float, ...]:
    """-2 ln of each entry of alpha_1's min: ell >= each of these is alpha <= alpha_1."""
    return (0.0, -math.log(l1), math.log(2.0 * l1) / eps, d / (eps * l1))


def log_alpha1_float(eps: float, l1: float, d: int) -> float:
    """ln alpha_1(eps, |beta|_1, d) of krr Lemma 5, in float64."""
    return -0.5 * max(threshold_log_terms_float(eps, l1, d))


# ----------------------------------------------------------------------------------------
# float64


def _t1_t2(b: float, alpha2: float) -> tuple[float, float]:
    """t1 = 2a^2 - sqrt(4a^4 + b^2) (computed without cancellation), t2 = b ln(b/2 + sqrt(a^4 + b^2/4))."""
    root = math.hypot(2.0 * alpha2, b)  # sqrt(4 alpha^4 + b^2)
    t1 = -b * b / (2.0 * alpha2 + root)
    t2 = b * math.log(0.5 * b + 0.5 * root)
    return t1, t2


def lower_margin_terms(b: float, alpha2: float) -> float:
    """phi(b) + P1 + P2 >= 0 for one coordinate (float64)."""
    root = math.hypot(2.0 * alpha2, b)
    s = (4.0 * alpha2 * alpha2) / (root + b) if alpha2 > 0 else 0.0
    phi = b * math.log(b) - (b - 1.0)
    p1 = b * (2.0 * alpha2 + s) / (2.0 * alpha2 + b + s)
    ratio = alpha2 / b
    r = (
        (ratio * ratio) / (math.sqrt(ratio * ratio + 0.25) + 0.5)
        if math.isfinite(ratio * ratio)
        else ratio - 0.5
    )
    p2 = b * math.log1p(r)
    return max(phi, 0.0) + p1 + p2


@dataclass(frozen=True)
class Lemma5Margins:
    """Margins of krr Lemma 5 on one instance, in units of |beta|_1 (float64)."""

    lower: float  # Q/ell - (1 - eps)|beta|_1
    upper: float  # (1 + eps)|beta|_1 - Q/ell
    excess: float  # Q/ell - |beta|_1
    band: float  # eps |beta|_1

    @property
    def slack(self) -> float:
        """Fraction of the allowed band eps |beta|_1 left on the tighter side (>= 0 iff the claim holds)."""
        return min(self.lower, self.upper) / self.band


def lemma5_margins(beta: Sequence[float], eps: float, log_alpha: float) -> Lemma5Margins:
    """Both margins of krr Lemma 5 in float64 (alpha = exp(log_alpha) may underflow: fine)."""
    ell = -2.0 * log_alpha
    alpha2 = math.exp(2.0 * log_alpha)
    l1 = math.fsum(abs(b) for b in beta)
    nonzero = [abs(b) for b in beta if b != 0]
    excess = math.fsum(t for b in nonzero for t in _t1_t2(b, alpha2)) / ell
    lower_times_ell = math.fsum(lower_margin_terms(b, alpha2) for b in nonzero) + (
        eps * ell * l1 - len(nonzero)
    )
    return Lemma5Margins(lower=lower_times_ell / ell, upper=eps * l1 - excess, excess=excess, band=eps * l1)


# ----------------------------------------------------------------------------------------
# ball arithmetic (call inside numerics.enclosures.ball_precision)


def q_interval(zeta: arb) -> arb:
    """krr (21) from the definition, in ball arithmetic."""
    return 2 - (4 + zeta * zeta).sqrt() + zeta * enclosures.asinh(zeta / 2)


# Bits carried by the quadrature beyond the working precision, so that its own error bound stays
# below the rounding of the computations that use its ball.
QUADRATURE_GUARD_BITS = 20
# The quadrature's cost grows like dps^2 (1 + log2 max(|z|, 1)) (measured, one core: 0.13 s at
# 300 digits and z = 37/4, 1.7 s at 1,000; 0.4 s / 7.8 s at z = 1e6; 6 s / 168 s at z = 1e100).
# This work, 2 s at 1,000 digits and z = 37/4, is the most :func:`quadrature_max_dps` allows.
QUADRATURE_MAX_WORK = 5_000_000


def _asinh_half(t: acb, analytic: bool) -> acb:
    """arcsinh(t/2) for Re t >= 0, the integrand of krr (21), as log1p(w + w²/(sqrt(w²+1) + 1))
    with w = t/2 (free of cancellation for small and large w; python-flint's ``acb.asinh`` is
    not finite on balls that straddle the real axis).  Where ``analytic`` asks, a non-finite ball
    wherever the ball may meet a branch cut (sqrt's, at w on the imaginary axis with |Im w| >= 1,
    and log1p's, at real part <= -1), as ``acb.integral`` requires of a function not entire."""
    w = t / 2
    root = (w * w + 1).sqrt(analytic=analytic)
    x = w + w * w / (root + 1)
    if analytic and not x.real + 1 > 0:
        return acb("nan")
    return x.log1p()


def quadrature_work(z: Fraction, dps: int) -> float:
    """The cost measure of :func:`q_by_quadrature` (see ``QUADRATURE_MAX_WORK``)."""
    log2_z = log10_of(z) / math.log10(2) if z else 0.0
    return dps * dps * (1 + max(0.0, log2_z))


def quadrature_max_dps(z: Fraction) -> int:
    """The most digits :func:`q_by_quadrature` is asked for at this z (a budget of seconds)."""
    return int(math.sqrt(QUADRATURE_MAX_WORK / quadrature_work(z, 1)))


def q_by_quadrature(z: Fraction):
    """int_0^z arcsinh(t/2) dt (krr (21)) as a ball at python-flint's precision, certified:
    arb's adaptive Gauss-Legendre quadrature with error bounds (python-flint ``acb.integral``).

    The path is [0, |z|]: arcsinh is odd, so the integral is even in z.  The absolute tolerance
    is 2^-prec times a lower bound of the integral, min(|z|²/8, |z|/4) (arcsinh(t/2) >= t/4 on
    [0, 2] and >= arcsinh(1) > 1/4 beyond), so the ball is accurate relative to the result for
    tiny and huge z alike (the tolerance steers the accuracy only; the ball is rigorous anyway).
    """
    with ctx.workprec(ctx.prec + QUADRATURE_GUARD_BITS):
        end = arb(abs(z.numerator)) / z.denominator
        size = min(end * end / 8, end / 4)
        ball = acb.integral(_asinh_half, 0, end, abs_tol=arb(2) ** -ctx.prec * size)
    # the integrand is real on the path, so the real part encloses the integral
    return ball.real


def Q_alpha_interval(beta: Sequence[Fraction], log_alpha: arb) -> arb:
    """krr (4): alpha^2 sum_i q(beta_i/alpha^2), with alpha^2 = exp(2 log_alpha)."""
    alpha2 = (2 * log_alpha).exp()
    total = arb(0)
    for b in beta:
        total += alpha2 * q_interval(enclosures.ball(b) / alpha2)
    return total


def lower_margin_terms_interval(b: Fraction, alpha2: arb) -> arb:
    """phi(b) + P1 + P2 for one coordinate, as a ball with no cancellation in P1, P2."""
    bi = enclosures.ball(b)
    root = (4 * alpha2 * alpha2 + bi * bi).sqrt()
    s = 4 * alpha2 * alpha2 / (root + bi)
    # phi(b) = b ln b - (b - 1) >= 0 (0 exactly at b = 1, where the bound is attained);
    # b - 1 is exact; clip the enclosure at the known bound 0
    if b == 1:
        phi = arb(0)
    else:
        phi = (bi * bi.log() - enclosures.ball(b - 1)).max(arb(0))
    p1 = bi * (2 * alpha2 + s) / (2 * alpha2 + bi + s)
    ratio2 = (alpha2 / bi) ** 2
    r = ratio2 / ((ratio2 + arb(1) / 4).sqrt() + arb(1) / 2)
    # r/(1 + r) <= ln(1 + r) <= r for r >= 0: stays tight when 1 + r rounds to 1
    p2 = bi * enclosures.hull(r / (1 + r), r)
    return phi + p1 + p2
