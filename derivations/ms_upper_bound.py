"""Matt–Stöger, proof of Theorem II.2(a): the displayed steps (III.1)-(III.5).

Index sets have concrete sizes with symbolic entries: |S| = 3 (entries n_1..n_3 of n_S, real)
and |S^c| = 2 (entries p_1, p_2 of n_{S^c} = x^inf_{S^c}, positive); the log-sum inequality
(III.4) is derived for |S^c| = 2, 3, 4.  Every certificate is a sum of per-index terms whose
sign is decided for scalar symbols, so the argument does not depend on the sizes; only the
final identity is checked at the sizes named.

The definitions of the null-space constants enter through slacks: for n in N \\ {0},
    rho   = -sum_S n_i / ||n_{S^c}||_1 + sigma,            sigma >= 0    (ms (II.1), a sup)
    rho~  = ||n_S||_1 / ||n_{S^c}||_1 + sigma~,             sigma~ >= 0   (ms (II.2))
    rho^- = sum_{S: n_i<0} |n_i| / ||n_{S^c}||_1 + sigma^-, sigma^- >= 0  (ms (II.2))
with sum_{S: n_i<0} |n_i| = sum_S max(-n_i, 0).
"""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Part, Step
from dlncheck.derivations.equality import compare
from dlncheck.derivations.ms_sign_certificates import (
    Term,
    chain,
    entropy_tangent,
    indexed_sum_inequality,
    inequality,
    log_monotone,
)

SUPPORT, OFF_SUPPORT = 3, 2
LOG_SUM_SIZES = (2, 3, 4)

alpha = sp.Symbol("alpha", positive=True)
lam = sp.Symbol("lambda", positive=True)  # min_S x*_i in (III.3)-(III.5)
kappa = sp.Symbol("kappa_star", positive=True)
rho, rho_minus, rho_tilde = sp.symbols("rho rho_minus rho_tilde", real=True)
sigma = sp.Symbol("sigma", nonnegative=True)
sigma_minus = sp.Symbol("sigma_minus", nonnegative=True)
sigma_tilde = sp.Symbol("sigma_tilde", nonnegative=True)
n_S = sp.symbols(f"n_1:{SUPPORT + 1}", real=True)
p = sp.symbols(f"p_1:{OFF_SUPPORT + 1}", positive=True)  # n_{S^c} = x^inf_{S^c} > 0 (Lemma III.2)
k_off = sp.Integer(OFF_SUPPORT)  # |S^c|


def _neg_part(v: sp.Expr) -> sp.Expr:
    return sp.Max(-v, 0)


def _pos_part(v: sp.Expr) -> sp.Expr:
    return sp.Max(v, 0)


def l1_split() -> Derivation:
    """(III.1): ||x^inf - x*||_1 = ||n_{S^c}||_1 + ||n_S||_1 <= (1 + rho~) ||n_{S^c}||_1."""
    xs = sp.symbols(f"xstar_1:{SUPPORT + 1}", positive=True)
    x_inf = [xs[i] + n_S[i] for i in range(SUPPORT)] + list(p)
    x_star = list(xs) + [0] * OFF_SUPPORT
    lhs = sum(sp.Abs(a - b) for a, b in zip(x_inf, x_star, strict=True))
    N = sum(p)
    rt = sum(sp.Abs(v) for v in n_S) / N + sigma_tilde
    greater = (1 + rt) * N
    return inequality(
        title="(III.1) from the definition of rho~",
        steps=(
            Step("||x^inf - x*||_1 with x^inf = x* + n, x*_{S^c} = 0, n_{S^c} = p >= 0", lhs),
            Step("rho~ = ||n_S||_1/||n_{S^c}||_1 + sigma~ (a sup over N \\ {0}, n in it)", rt),
        ),
        lesser=lhs,
        greater=greater,
        certificate=[Term(sigma_tilde * N)],
        assumptions="|S| = 3, |S^c| = 2; n_{S^c} > 0; sigma~ >= 0",
    )


def right_side_chain() -> Derivation:
    """(III.2)-(III.3): the upper bound of sum_S (-n_i) log((x*_i + n_i)/alpha), step by step."""
    r = sp.symbols(f"r_1:{SUPPORT + 1}", positive=True)  # x^inf_i / x*_i, i in S
    xs = sp.symbols(f"xstar_1:{SUPPORT + 1}", positive=True)
    # monotonicity: n_i = x*_i (r_i - 1)
    n_mono = [xs[i] * (r[i] - 1) for i in range(SUPPORT)]
    lesser = sum(-n_mono[i] * sp.log((xs[i] + n_mono[i]) / alpha) for i in range(SUPPORT))
    greater = sum(-n_mono[i] * sp.log(xs[i] / alpha) for i in range(SUPPORT))
    monotone = inequality(
        title="monotonicity of t -> log((x*_i + t)/alpha)",
        steps=(Step("sum_S (-n_i) log((x*_i + n_i)/alpha) with x*_i + n_i = x*_i r_i > 0", lesser),),
        lesser=lesser,
        greater=greater,
        certificate=[Term(xs[i], log_monotone(), r[i]) for i in range(SUPPORT)],
        assumptions="x*_S > 0, x^inf_S > 0 (if some x^inf_i = 0 the left side is -infinity)",
    )
    # split at lambda = min_S x*: x*_i = lambda (1 + delta_i), delta_i >= 0
    delta = sp.symbols(f"delta_1:{SUPPORT + 1}", nonnegative=True)
    xs_l = [lam * (1 + delta[i]) for i in range(SUPPORT)]
    before = sum(-n_S[i] * sp.log(xs_l[i] / alpha) for i in range(SUPPORT))
    split = sp.log(lam / alpha) * sum(-v for v in n_S) + sum(
        -n_S[i] * sp.log(xs_l[i] / lam) for i in range(SUPPORT)
    )
    split_cmp = compare(before, split)
    split_d = Derivation.from_parts(
        [Part.of("derived against printed", split_cmp, before, split)],
        title="(III.3) first line: log(x*_i/alpha) = log(lambda/alpha) + log(x*_i/lambda)",
        steps=(Step("sum_S (-n_i) log(x*_i/alpha)", before),),
        instance=None,
    )
    step_i_greater = sp.log(lam / alpha) * sum(-v for v in n_S) + sum(
        _neg_part(n_S[i]) * sp.log(xs_l[i] / lam) for i in range(SUPPORT)
    )
    step_i = inequality(
        title="(III.3)(i): keep the terms with n_i < 0, using log(x*_i/lambda) >= 0",
        steps=(),
        lesser=split,
        greater=step_i_greater,
        certificate=[Term(_pos_part(n_S[i]) * sp.log(1 + delta[i])) for i in range(SUPPORT)],
        assumptions="x*_i = lambda (1 + delta_i), delta_i >= 0 (lambda = min_S x*)",
    )
    # (ii): alpha <= lambda (lambda/alpha = 1 + beta), max_S x* = kappa lambda (kappa = 1 + eta),
    # x*_i = kappa lambda / (1 + gamma_i), and the definitions of rho, rho^- (slacks)
    beta, eta = sp.symbols("beta eta", nonnegative=True)
    gamma = sp.symbols(f"gamma_1:{SUPPORT + 1}", nonnegative=True)
    a = lam / (1 + beta)
    kap = 1 + eta
    xs_k = [kap * lam / (1 + gamma[i]) for i in range(SUPPORT)]
    N = sum(p)
    rho_def = -sum(n_S) / N + sigma
    rho_minus_def = sum(_neg_part(v) for v in n_S) / N + sigma_minus
    lesser_ii = sp.log(lam / a) * sum(-v for v in n_S) + sum(
        _neg_part(n_S[i]) * sp.log(xs_k[i] / lam) for i in range(SUPPORT)
    )
    greater_ii = N * (sp.log(lam / a) * rho_def + sp.log(kap * lam / lam) * rho_minus_def)
    step_ii = inequality(
        title="(III.3)(ii): definitions of rho and rho^-, alpha <= lambda",
        steps=(
            Step(
                "rho = -sum_S n_i/||n_{S^c}||_1 + sigma, rho^- = sum_S max(-n_i,0)/||n_{S^c}||_1 + sigma^-",
                sp.Matrix([rho_def, rho_minus_def]),
            ),
        ),
        lesser=lesser_ii,
        greater=greater_ii,
        certificate=[
            Term(N * sigma * sp.log(1 + beta)),
            Term(N * sigma_minus * sp.log(1 + eta)),
            *(Term(_neg_part(n_S[i]) * sp.log(1 + gamma[i])) for i in range(SUPPORT)),
        ],
        assumptions="lambda/alpha = 1 + beta (alpha <= lambda, the hypothesis of II.2(a)); "
        "max_S x* / lambda = kappa = 1 + eta; x*_i = kappa lambda/(1 + gamma_i)",
    )
    return chain(
        "(III.2)-(III.3)",
        (monotone, split_d, step_i, step_ii),
        assumptions="|S| = 3, |S^c| = 2; alpha < min_S x*",
    )


def log_sum_inequality(size: int) -> Derivation:
    """(III.4): sum n_i log(n_i/alpha) >= (sum n_i) log(sum n_i / (alpha |S^c|)), |S^c| = size.

    Certificate: with mean m = sum n_i / size, the gap is sum_i m phi(n_i/m),
    phi(r) = r log r - r + 1 >= 0.
    """
    n = sp.symbols(f"n_1:{size + 1}", positive=True)
    total = sum(n)
    lesser = total * sp.log(total / (alpha * size))
    greater = sum(v * sp.log(v / alpha) for v in n)
    mean = total / size
    return inequality(
        title=f"(III.4) log-sum inequality, |S^c| = {size}",
        steps=(
            Step("sum_{S^c} n_i log(n_i/alpha)", greater),
            Step(
                "||n_{S^c}||_1 log(||n_{S^c}||_1/(alpha |S^c|)) (n_{S^c} >= 0, so sum n_i = ||n_{S^c}||_1)",
                lesser,
            ),
        ),
        lesser=lesser,
        greater=greater,
        certificate=[Term(mean, entropy_tangent(), v / mean) for v in n],
        assumptions=f"n_{{S^c}} > 0 entrywise (Lemma III.2), |S^c| = {size}",
    )


def log_sum_inequalities() -> Derivation:
    return chain("(III.4) for |S^c| = 2, 3, 4", [log_sum_inequality(k) for k in LOG_SUM_SIZES])


def exponentiation_and_ii3() -> Derivation:
    """(III.5) and its combination with (III.1) into (II.3): the identities of the last steps.

    From log(N/(alpha k)) <= rho log(lambda/alpha) + rho^- log(M/lambda) (N = ||n_{S^c}||_1 > 0,
    k = |S^c|, M = max_S x*): exp is increasing, so N <= alpha k exp(...), and
    alpha k exp(...) = alpha k (lambda/alpha)^rho (M/lambda)^{rho^-}
                     = alpha^{1-rho} k lambda^rho kappa^{rho^-}.
    """
    k = sp.Symbol("k", positive=True, integer=True)
    M = kappa * lam
    exponent = rho * sp.log(lam / alpha) + rho_minus * sp.log(M / lam)
    derived_first = alpha * k * sp.exp(exponent)
    printed_first = alpha * k * (lam / alpha) ** rho * (M / lam) ** rho_minus
    printed_second = alpha ** (1 - rho) * k * lam**rho * kappa**rho_minus  # (III.5)
    bound_l1 = (1 + rho_tilde) * printed_second  # (III.1) x (III.5)
    derived_ii3 = bound_l1 / alpha ** (1 - rho)
    printed_ii3 = (1 + rho_tilde) * k * kappa**rho_minus * lam**rho  # (II.3)
    derived = sp.Matrix([derived_first, printed_first, derived_ii3])
    printed = sp.Matrix([printed_first, printed_second, printed_ii3])
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="(III.5): exponentiation, and (III.1) x (III.5) = (II.3)",
        steps=(
            Step(
                "dividing (III.2) with (III.3), (III.4) by ||n_{S^c}||_1 > 0 (Lemma III.3(i)) and "
                "applying the increasing exp: ||n_{S^c}||_1 <= alpha |S^c| "
                "exp(rho log(lambda/alpha) + rho^- log(M/lambda))",
                derived_first,
            ),
            Step("printed middle form alpha |S^c| (lambda/alpha)^rho (M/lambda)^{rho^-}", printed_first),
            Step("printed (III.5) with kappa_* = M/lambda", printed_second),
            Step("(1 + rho~) * (III.5) / alpha^{1-rho}", derived_ii3),
            Step("printed right side of (II.3)", printed_ii3),
        ),
        assumptions="alpha, lambda = min_S x*, kappa_* > 0; rho, rho^-, rho~ real; k = |S^c|",
        instance=None,
    )


def log_sum_inequality_symbolic_size() -> Derivation:
    """(III.4) for a symbolic size k = |S^c|: indexed n_i > 0, sums as SymPy Sums over i = 1..k."""
    i = sp.Symbol("i", integer=True, positive=True)
    k = sp.Symbol("k", integer=True, positive=True)
    n = sp.IndexedBase("n", positive=True)
    total = sp.Sum(n[i], (i, 1, k))
    mean = total / k
    greater = sp.Sum(n[i] * sp.log(n[i] / alpha), (i, 1, k))
    lesser = total * sp.log(total / (alpha * k))
    return indexed_sum_inequality(
        title="(III.4) log-sum inequality, symbolic |S^c| = k",
        steps=(
            Step("sum_{i=1}^k n_i log(n_i/alpha)", greater),
            Step("(sum n_i) log(sum n_i/(alpha k))", lesser),
        ),
        lesser=lesser,
        greater=greater,
        summand_sum=greater,
        weight=mean,
        fact=entropy_tangent(),
        arg=n[i] / mean,
        assumptions="k >= 1 symbolic; n_i > 0 (Lemma III.2)",
    )
