"""wn Lemmas 3.9-3.11: lower bounds from the invariants, uniqueness, and boundedness of r.

Lemma 3.9:  rows of A sum to 0 ⇒ P_A 1 = 0, so the invariants (32), (33) fix <v, 1>; for the plain
            flow (10) that is Σ log x_n (L = 2) or Σ x_n^{2-L} (L ≠ 2).
Lemma 3.10: (47) and the scalar fact 1/b - 1/a >= min(b, δ)/(2b^2) for a = b + δ.
Lemma 3.11: min ξ^2 log ξ = -1/(2e), (50), and the final quartic-against-quadratic bound.
"""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Outcome, Part, Step
from dlncheck.derivations.equality import compare


def _inconclusive_unless(cmp, decided: bool, why: str, residual):
    if cmp.outcome == Outcome.AGREES and not decided:
        return type(cmp)(Outcome.INCONCLUSIVE, residual, why)
    return cmp


def row_sum_zero_data() -> tuple[sp.Matrix, sp.Matrix]:
    """A (2 x 3) with symbolic entries and rows summing to 0; b symbolic."""
    a = sp.symbols("a_11 a_12 a_21 a_22", real=True)
    A = sp.Matrix([[a[0], a[1], -a[0] - a[1]], [a[2], a[3], -a[2] - a[3]]])
    b = sp.Matrix(sp.symbols("b_1 b_2", real=True))
    return A, b


# ------------------------------------------------------------------------------ Lemma 3.9


def conserved_sums_3_9() -> Derivation:
    """P_A 1 = 0, <(I - P_A) v, 1> = <v, 1>, and d/dt Σ x^{2-L} = d/dt Σ log x = 0 along (10)."""
    A, b = row_sum_zero_data()
    L = sp.Symbol("L", positive=True)
    x = sp.Matrix(sp.symbols("x_1:4", positive=True))
    v = sp.Matrix(sp.symbols("v_1:4", real=True))
    one = sp.ones(3, 1)
    P = A.T * (A * A.T).inv() * A  # P_A = A^† A, A of full row rank (generic entries)
    e = A * x.applyfunc(lambda t: t**L) - b
    x_dot = -(A.T * e).multiply_elementwise(x.applyfunc(lambda t: t ** (L - 1)))  # (10) with (23)
    d_power = sum((2 - L) * x[n] ** (1 - L) * x_dot[n] for n in range(3))  # d/dt Σ x^{2-L}
    d_log = sum(x_dot[n] / x[n] for n in range(3)).subs(L, 2)  # d/dt Σ log x, L = 2
    derived = sp.Matrix([*(P * one), ((sp.eye(3) - P) * v).dot(one) - v.dot(one), d_power, d_log])
    printed = sp.zeros(6, 1)
    cmp = compare(derived.applyfunc(lambda t: sp.powsimp(sp.expand(t), force=True)), printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="Lemma 3.9: P_A 1 = 0 and the conserved sums Σ log x (L = 2), Σ x^{2-L} (symbolic L)",
        steps=(
            Step("P_A 1 with A 1 = 0 (A 2 x 3 symbolic)", P * one),
            Step("so <(I - P_A) v, 1> = <v, 1>: an invariant (I - P_A) v fixes <v, 1>", derived[3]),
            Step("d/dt Σ x_n^{2-L} along (10)", d_power),
            Step("d/dt Σ log x_n along (10), L = 2", d_log),
            Step(
                "bounds: L = 2, x <= B: log x_j = Σ log x_0 - Σ_{n≠j} log x_n >= Σ log x_0 - (N-1) log B; "
                "L > 2: x_j^{2-L} <= Σ x_0^{2-L} gives x_j >= (Σ x_0^{2-L})^{-1/(L-2)} "
                "(no upper bound needed). "
                "For x_wn = r u, Lemma 3.7 fixes Σ u^{2-L} e^{(2-L) r^2/(2η̃)}, so Σ x_wn^{2-L} is a constant "
                "times (r e^{-r^2/(2η̃)})^{2-L}, bounded while r stays in a compact subset of (0, ∞)"
            ),
        ),
        assumptions="A 2 x 3 with rows summing to 0, symbolic; x > 0; L > 0 symbolic",
        instance=None,
    )


def printed_sum_3_9() -> Derivation:
    """The proof's <x^{⊙(2/L - 1)}(t_k), 1> = <x_0^{⊙(2/L - 1)}, 1>: its derivative along (10), L = 3."""
    A, b = row_sum_zero_data()
    depth = 3
    x = sp.Matrix(sp.symbols("x_1:4", positive=True))
    e = A * x.applyfunc(lambda t: t**depth) - b
    x_dot = -(A.T * e).multiply_elementwise(x.applyfunc(lambda t: t ** (depth - 1)))
    p = sp.Rational(2, depth) - 1
    derived = sum(p * x[n] ** (p - 1) * x_dot[n] for n in range(3))  # d/dt Σ x^{2/L - 1}
    data = [A[0, 0], A[0, 1], A[1, 0], A[1, 1], b[0], b[1]]
    point = {s: sp.Integer(v) for s, v in zip(data, (1, 0, 0, 1, 0, 0), strict=True)}
    point.update({x[0]: sp.Integer(1), x[1]: sp.Integer(2), x[2]: sp.Integer(3)})
    cmp = compare(derived, sp.Integer(0), [point])
    corrected = sum((2 - depth) * x[n] ** (1 - depth) * x_dot[n] for n in range(3))
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, sp.Integer(0))],
        title="Lemma 3.9, proof: Σ x^{2/L - 1} is not conserved along (10) (L = 3)",
        steps=(
            Step("d/dt Σ x_n^{2/L-1} along (10), L = 3, A 1 = 0", derived),
            Step("the conserved sum is Σ x_n^{2-L} = Σ x̃_n^{2/L-1}: its derivative", sp.expand(corrected)),
        ),
        assumptions="L = 3, A 2 x 3 with rows summing to 0",
        corrected=sp.Symbol("Sum(x_n**(2 - L))"),
        instance=None,
    )


# ------------------------------------------------------------------------------ Lemma 3.10


def uniqueness_steps_3_10() -> Derivation:
    """(47) and the fact 1/b - 1/a >= min(b, δ)/(2b^2), a = b + δ, case by case; ξ bounds Δ for L = 2."""
    lo, Delta, M = sp.symbols("m Delta M", positive=True)  # min(x̃1, x̃2), |x̃1 - x̃2|, upper bound
    xi = Delta * (sp.log(lo + Delta) - sp.log(lo))  # (x̃1 - x̃2)(log x̃1 - log x̃2), x̃1 = m + Δ
    xi_47 = Delta * sp.log(1 + Delta / lo)  # (47)
    bb, e, q = sp.symbols("b e q", positive=True)
    # case δ >= b: δ = b + e; case δ <= b: δ = b q/(1 + q)
    gap_large = (1 / bb - 1 / (2 * bb + e)) - 1 / (2 * bb)
    delta_small = bb * q / (1 + q)
    gap_small = (1 / bb - 1 / (bb + delta_small)) - delta_small / (2 * bb**2)
    gap_large_closed = e / (2 * bb * (2 * bb + e))
    gap_small_closed = q / (2 * bb * (1 + q) * (1 + 2 * q))
    psi = Delta * sp.log(1 + Delta / M)  # lower bound of ξ when x̃ <= M
    dpsi = sp.diff(psi, Delta)
    derived = sp.Matrix([sp.expand_log(xi - xi_47, force=True), gap_large, gap_small, dpsi])
    printed = sp.Matrix([0, gap_large_closed, gap_small_closed, sp.log(1 + Delta / M) + Delta / (M + Delta)])
    cmp = compare(derived, printed)
    signs = all(t.is_nonnegative for t in (gap_large_closed, gap_small_closed)) and printed[3].is_positive
    cmp = _inconclusive_unless(cmp, bool(signs), "SymPy could not decide the signs", printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="Lemma 3.10, proof: (47), the fact 1/b - 1/a >= min(b, δ)/(2b^2), and ξ >= ψ(Δ) increasing",
        steps=(
            Step("ξ_n - (47) with x̃1 = m + Δ, m = min (log-expanded)", derived[0]),
            Step("δ = b + e >= b: (1/b - 1/a) - 1/(2b), closed form >= 0", gap_large_closed),
            Step("δ = b q/(1+q) <= b: (1/b - 1/a) - δ/(2b^2), closed form >= 0", gap_small_closed),
            Step(
                "L = 2: ξ >= ψ(Δ) = Δ log(1 + Δ/M) for x̃ <= M; ψ' > 0 and ψ(0) = 0, so ξ -> 0 forces Δ -> 0",
                printed[3],
            ),
        ),
        assumptions="m, Δ, M, b > 0; e > 0, q > 0 parametrize the two cases",
        instance=None,
    )


# ------------------------------------------------------------------------------ Lemma 3.11


def entropy_minimum_3_11() -> Derivation:
    """min_{ξ > 0} ξ^2 log ξ = -1/(2e), at ξ = e^{-1/2}."""
    xi = sp.Symbol("xi", positive=True)
    f = xi**2 * sp.log(xi)
    critical = sp.solve(sp.diff(f, xi), xi)
    value = [sp.simplify(f.subs(xi, c)) for c in critical]
    convex_there = [sp.simplify(sp.diff(f, xi, 2).subs(xi, c)).is_positive for c in critical]
    ends = (sp.limit(f, xi, 0, "+"), sp.limit(f, xi, sp.oo))
    derived = sp.Matrix(value)
    printed = sp.Matrix([-1 / (2 * sp.E)])
    cmp = compare(derived, printed)
    decided = len(critical) == 1 and all(convex_there) and ends == (0, sp.oo)
    cmp = _inconclusive_unless(cmp, decided, "critical point, convexity or end limits not decided", derived)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="Lemma 3.11, proof: ξ^2 log ξ >= -1/(2e)",
        steps=(
            Step("critical points of ξ^2 log ξ", sp.Matrix(critical)),
            Step("value there; f'' > 0 there, f -> 0 at 0+ and -> ∞ at ∞: the global minimum", derived),
        ),
        assumptions="ξ > 0",
        instance=None,
    )


def bound_50_3_11() -> Derivation:
    """(50): the fact gives r^2(log r̃ - N/(2e)); the printed r^2(log r̃ - eN/2) is weaker, hence true."""
    r, N, eta = sp.symbols("r N eta", positive=True)
    log_rt = r**2 / (2 * eta)  # log r̃
    derived_bound = r**2 * (log_rt - N / (2 * sp.E))  # Σ u^2 log u >= -N/(2e), ||u|| = 1
    printed_bound = r**2 * (log_rt - sp.E * N / 2)  # (50)
    gap = sp.expand(derived_bound - printed_bound)
    gap_closed = r**2 * N * (sp.E - 1 / sp.E) / 2
    B1, B2, C, P1 = sp.symbols("B_1 B_2 C p_1", nonnegative=True)  # p_1 = ||P_A 1||_1
    upper = B1 * log_rt * P1 + C + B2 * r**2  # the proof's upper bound
    final_derived = sp.expand(printed_bound - upper)
    final_printed = sp.expand(
        r**4 / (2 * eta) - sp.E * N * r**2 / 2 - ((B1 / (2 * eta)) * P1 + B2) * r**2 - C
    )
    S = sp.Symbol("S", positive=True)  # r^2
    quad = sp.expand(final_printed.subs(r, sp.sqrt(S)))
    roots = sp.solve(quad, S)
    derived = sp.Matrix([gap, final_derived])
    printed = sp.Matrix([gap_closed, final_printed])
    cmp = compare(derived, printed)
    cmp = _inconclusive_unless(cmp, bool(gap_closed.is_positive), "sign of the gap not decided", gap_closed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="Lemma 3.11, proof: (50) and the final inequality (L = 2)",
        steps=(
            Step("lower bound from ξ^2 log ξ >= -1/(2e) and ||u|| = 1", derived_bound),
            Step("(50) typed in: eN/2 in place of N/(2e)", printed_bound),
            Step("derived minus printed: r^2 N (e - 1/e)/2 > 0, so (50) holds (weaker than derived)", gap),
            Step(
                "(50) minus the upper bound B_1 log r̃ ||P_A 1||_1 + C + B_2 r^2, log r̃ = r^2/(2η̃)",
                final_derived,
            ),
            Step(
                "a quadratic in S = r^2 with positive leading coefficient: S <= its larger root, "
                "so r is bounded",
                sp.Matrix(roots),
            ),
            Step(
                "L = 1: r e^{r^2/2η̃} <= (B_1 e^{r^2/2η̃} + B_2 r) sqrt(N) gives "
                "r <= B_1 sqrt(N) + B_2 sqrt(N) r "
                "e^{-r^2/2η̃}, bounded as the last term -> 0"
            ),
        ),
        assumptions="r, N, η̃ > 0; B_1, B_2, C, ||P_A 1||_1 >= 0",
        instance=None,
    )


def projection_identities_3_11() -> Derivation:
    """<v, P_A w> = <P_A v, P_A w> (P_A symmetric and idempotent), A 1 x 3 symbolic."""
    A = sp.Matrix(1, 3, sp.symbols("a_1:4", real=True))
    v = sp.Matrix(sp.symbols("v_1:4", real=True))
    w = sp.Matrix(sp.symbols("w_1:4", real=True))
    P = A.T * A / (A * A.T)[0, 0]
    derived = sp.Matrix([v.dot(P * w), *(P * P), *P.T])
    printed = sp.Matrix([(P * v).dot(P * w), *P, *P])
    cmp = compare(derived, printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="Lemma 3.11, proof: P_A symmetric idempotent, <v, P_A w> = <P_A v, P_A w>",
        steps=(Step("P_A = A^T (A A^T)^{-1} A", P),),
        assumptions="A 1 x 3 symbolic, A ≠ 0",
        instance=None,
    )


def uniqueness_chain_power_3_10() -> Derivation:
    """L > 2: ξ = Δ (b^{-1} - a^{-1}) and a - b >= p M^{p-1} Δ (p = 1 - 2/L), so ξ >= φ(Δ) increasing.

    With x̃ in [m, M], the scalar fact gives ξ >= Δ min(m^p, p M^{p-1} Δ)/(2 M^{2p}) =: φ(Δ); φ is
    strictly increasing with φ(0) = 0, so ξ -> 0 forces Δ -> 0.  Here p = 1/(1 + v), v > 0, is
    any exponent in (0, 1) (L = 2/(1 - p) > 2).
    """
    v = sp.Symbol("v", positive=True)
    p = 1 / (1 + v)
    lo, Delta, m, M = sp.symbols("x_min Delta m M", positive=True)
    hi = lo + Delta
    xi = Delta * (lo ** (-p) - hi ** (-p))  # (x̃1 - x̃2)(x̃2^{2/L-1} - x̃1^{2/L-1}), x̃1 = hi
    b_, a_ = lo**p, hi**p
    # concavity of x^p: g(Δ) = a - b - p hi^{p-1} Δ has g(0) = 0 and g' >= 0
    g = hi**p - lo**p - p * hi ** (p - 1) * Delta
    dg = sp.diff(g, Delta)
    dg_closed = -p * (p - 1) * hi ** (p - 2) * Delta
    phi_branches = (Delta * m**p / (2 * M ** (2 * p)), p * M ** (p - 1) * Delta**2 / (2 * M ** (2 * p)))
    slopes = [sp.diff(f, Delta) for f in phi_branches]
    derived = sp.Matrix([xi, g.subs(Delta, 0), dg])
    printed = sp.Matrix([Delta * (1 / b_ - 1 / a_), 0, dg_closed])
    cmp = compare(derived, printed)
    decided = dg_closed.is_nonnegative and all(s.is_positive for s in slopes) and (p - 1).is_negative
    cmp = _inconclusive_unless(cmp, bool(decided), "SymPy could not decide a sign", printed)
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="Lemma 3.10, proof for L > 2: ξ = Δ(1/b - 1/a), a - b >= p M^{p-1} Δ, ξ >= φ(Δ) increasing",
        steps=(
            Step("ξ with x̃2 = x_min, x̃1 = x_min + Δ, against Δ(1/b - 1/a), b = x̃2^p, a = x̃1^p", xi),
            Step("g(Δ) = a - b - p x̃1^{p-1} Δ: g(0) = 0 and g'(Δ) = -p(p-1) x̃1^{p-2} Δ >= 0", dg_closed),
            Step("so a - b >= p x̃1^{p-1} Δ >= p M^{p-1} Δ (p - 1 < 0, x̃1 <= M)"),
            Step(
                "with the scalar fact and m <= b^{1/p} <= M: ξ >= Δ min(m^p, p M^{p-1} Δ)/(2 M^{2p}); both "
                "branches have positive slope, so ξ -> 0 forces Δ -> 0",
                sp.Matrix(slopes),
            ),
        ),
        assumptions="p = 1/(1 + v) in (0, 1), v > 0 (L > 2 symbolic); x_min, Δ, m, M > 0",
        instance=None,
    )
