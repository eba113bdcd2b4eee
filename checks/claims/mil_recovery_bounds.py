"""mil §1.2 and A.3 at the flow's limit: Corollary 1.3, Theorem 1.4 and the final display of A.3.

The bounds are decided at the limit of the signed flow (mil (35)), Theorem 3.1's Bregman
projection certified by Krawczyk's test (``checks.limit_audit``), on instances y = A x* (+ e)
(``checks.recovery_flow_instances``), with the hypotheses on A evaluated exactly
(``checks.recovery_constants``).  Where a statement's constants are only said to exist
(Theorem 1.4: "C, C' > 0 only depend on ρ, τ, c, d"), it is audited with the constants of its
own proof: C = (1+ρ)²/(1−ρ) of (45) and C' = C·d/√c + d' with d' = τ + (1+ρ)d/√c of (44).
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from flint import arb

from dlncheck.checks.claim import declare
from dlncheck.checks.errors import InstanceError
from dlncheck.checks.limit_audit import LIMIT_SEARCH_MAX_BUDGET, LimitBound, LimitSearch, limit_audit
from dlncheck.checks.recovery_constants import (
    constants_of_the_proof,
    robust_constants_of,
    sigma,
    stable_constant,
)
from dlncheck.checks.recovery_flow_instances import RecoveryFlowInstance, parse_recovery_instance
from dlncheck.checks.recovery_strategies import robust_recovery_flow_instances, stable_nsp_flow_instances
from dlncheck.checks.symbolic import SymbolicCheck
from dlncheck.checks.verdicts import Verdict
from dlncheck.derivations import noise_robust_recovery as nrr
from dlncheck.derivations import scale_consistency as scale
from dlncheck.numerics.enclosures import ball

if TYPE_CHECKING:
    from dlncheck.checks.flow_instances import FlowInstance


def _limit_search(name: str, bound: LimitBound, instances, description: str) -> LimitSearch:
    return LimitSearch(
        name=name,
        description=description,
        instances=instances,
        slack=bound.float_slack,
        slack_doc=f"(right - left) / |right| at the limit; {bound.right_name}",
        max_budget=LIMIT_SEARCH_MAX_BUDGET,
        bound=bound,
    )


# ------------------------------------------------------------------ quantities at the limit


def _c_L(depth: int, intervals: bool):
    """c_L of mil (10): L/2 + e (L = 2), L/2 + (L/2)^(L/(L-2)) (L > 2)."""
    if intervals:
        half = arb(depth) / 2
        return half + (arb.const_e() if depth == 2 else half ** (arb(depth) / (depth - 2)))
    half = depth / 2
    return half + (math.e if depth == 2 else half ** (depth / (depth - 2)))


def _num(x: Fraction, intervals: bool):
    return ball(x) if intervals else float(x)


def _sqrt(x, intervals: bool):
    return x.sqrt() if intervals else math.sqrt(x)


def initial_norm(instance: FlowInstance) -> Fraction:
    """‖u_0‖_L^L + ‖v_0‖_L^L (exact)."""
    L = instance.depth
    return sum(u**L for u in instance.u0) + sum(v**L for v in instance.v0 or instance.u0)


@functools.lru_cache(maxsize=512)
def _left_inverse(A: tuple, support: tuple[int, ...]) -> tuple[tuple[Fraction, ...], ...] | None:
    """(A_Tᵀ A_T)^{-1} A_Tᵀ exactly, or None if A_T has no full column rank."""
    from flint import fmpq, fmpq_mat

    m, k = len(A), len(support)
    A_T = fmpq_mat(m, k, [fmpq(A[i][j].numerator, A[i][j].denominator) for i in range(m) for j in support])
    gram = A_T.transpose() * A_T
    if gram.rank() < k:
        return None
    P = gram.inv() * A_T.transpose()
    return tuple(tuple(Fraction(int(P[r, c].p), int(P[r, c].q)) for c in range(m)) for r in range(k))


def error_vector(instance: RecoveryFlowInstance, limit: tuple, intervals: bool) -> list:
    """x̃∞ - x*, without cancellation where x̃∞ ≈ x*: on T = supp x* with A_T injective,
    A_T(x̃∞ - x*)_T = e - A_{Tᶜ} x̃∞_{Tᶜ} holds exactly at the limit (x̃∞ ∈ S), so
    (x̃∞ - x*)_T = (A_TᵀA_T)^{-1}A_Tᵀ(e - A_{Tᶜ}x̃∞_{Tᶜ}) and (x̃∞ - x*)_{Tᶜ} = x̃∞_{Tᶜ}."""
    n = instance.N
    T = tuple(j for j in range(n) if instance.x_star[j] != 0)
    P = _left_inverse(instance.A, T) if T else None
    if P is None:
        return [x - _num(a, intervals) for x, a in zip(limit, instance.x_star, strict=True)]
    off = [j for j in range(n) if j not in set(T)]
    zero = arb(0) if intervals else 0.0
    rhs = [
        _num(e, intervals) - sum((_num(instance.A[i][j], intervals) * limit[j] for j in off), zero)
        for i, e in enumerate(instance.noise)
    ]
    v = [zero] * n
    for r, j in enumerate(T):
        v[j] = sum((_num(P[r][i], intervals) * rhs[i] for i in range(len(rhs))), zero)
    for j in off:
        v[j] = limit[j]
    return v


def _l1(v: list, intervals: bool):
    return sum((abs(x) for x in v), arb(0) if intervals else 0.0)


def _l2(v: list, intervals: bool):
    return _sqrt(sum((x * x for x in v), arb(0) if intervals else 0.0), intervals)


@functools.lru_cache(maxsize=512)
def _l1_dual_image(A: tuple, y: tuple) -> tuple[Fraction, ...] | None:
    """Aᵀλ for an exact optimal dual λ of min{‖z‖₁ : Az = y} (|Aᵀλ| <= 1), certified; None if not."""
    from dlncheck.numerics.sparse_recovery import certify_l1_minimizer

    certificate = certify_l1_minimizer(A, y, positive=False)
    if not certificate.certified:
        return None
    return tuple(sum(A[i][j] * certificate.dual[i] for i in range(len(A))) for j in range(len(A[0])))


def true_gap(instance: FlowInstance, limit: tuple, intervals: bool):
    """ε = ‖x̃∞‖₁ - min_{Az=y} ‖z‖₁ summed without cancellation: min ‖z‖₁ = λᵀy = λᵀA x̃∞ at the
    limit (x̃∞ ∈ S), so ε = Σ_j (|x̃∞_j| - (Aᵀλ)_j x̃∞_j), each term >= 0; None if λ is not certified."""
    image = _l1_dual_image(instance.A, instance.y)
    if image is None:
        return None
    zero = arb(0) if intervals else 0.0
    return sum((abs(x) - _num(a, intervals) * x for a, x in zip(image, limit, strict=True)), zero)


# ------------------------------------------------------------------ Corollary 1.3

COROLLARY_FORMS = ("printed", "true gap")


def _parse_corollary(data: Any) -> RecoveryFlowInstance:
    return parse_recovery_instance(data, forms=COROLLARY_FORMS, noisy=False, constants=("rho",))


def corollary_rho(instance: RecoveryFlowInstance) -> Fraction:
    """ρ of Corollary 1.3: params.rho if given (checked: ρ_s(A) <= ρ < 1), else ρ_s(A) itself."""
    constant = stable_constant(instance.A, instance.order)
    if constant.value is None:
        raise InstanceError(
            f"hypothesis 'A has the stable NSP of order {instance.order}' fails: a kernel vector has at most "
            f"{instance.order} nonzero entries (ρ_s(A) = ∞)"
        )
    rho = instance.rho if instance.rho is not None else constant.value
    if not constant.value <= rho < 1:
        raise InstanceError(
            f"hypothesis 'stable NSP of order {instance.order} with constant ρ ∈ (0, 1)' fails: "
            f"ρ_s(A) = {constant.value} (≈ {float(constant.value):.6g}), ρ = {rho}"
        )
    return rho


def _corollary_hypotheses(instance: FlowInstance) -> None:
    corollary_rho(instance)  # type: ignore[arg-type]


def _corollary_sides(instance: FlowInstance, limit: tuple, intervals: bool):
    """Corollary 1.3: left ‖x̃∞ - x*‖₁; right (1+ρ)/(1-ρ)(c_L(‖u_0‖_L^L + ‖v_0‖_L^L) + 2σ_s(x*)_1)
    ("printed"), or with the true gap ε = ‖x̃∞‖₁ - min_S ‖z‖₁ in place of Theorem 1.1's bound
    ("true gap": what [10, Thm 4.14] gives at z = x̃∞)."""
    assert isinstance(instance, RecoveryFlowInstance)
    rho = corollary_rho(instance)
    factor = _num((1 + rho) / (1 - rho), intervals)
    tail = _num(2 * sigma(instance.x_star, instance.order), intervals)
    left = _l1(error_vector(instance, limit, intervals), intervals)
    if instance.form == "printed":
        head = _c_L(instance.depth, intervals) * _num(initial_norm(instance), intervals)
    else:
        head = true_gap(instance, limit, intervals)
        if head is None:
            return None, None
    return left, factor * (head + tail)


class _RecoveryBound(LimitBound):
    """A LimitBound whose instances carry x*, e and the claim's params (``checks.recovery_flow_instances``)."""

    def parse(self, data: Any) -> FlowInstance:
        if isinstance(data, dict) and "claim" in data:
            if data["claim"] != self.claim_id:
                raise InstanceError(f"the instance is for claim {data['claim']!r}, not {self.claim_id!r}")
            data = {key: value for key, value in data.items() if key != "claim"}
        instance = _PARSERS[self.claim_id](data)
        self.hypotheses(instance)
        return instance


COROLLARY_1_3 = _RecoveryBound(
    claim_id="mil.cor1.3",
    models=("signed",),
    left_name="||x̃_∞ - x_*||_1",
    right_name="(1+ρ)/(1-ρ)(c_L(||u_0||_L^L + ||v_0||_L^L) + 2σ_s(x_*)_1) [params.form = printed] or with the "
    "true gap ||x̃_∞||_1 - min_S ||z||_1 in place of c_L(...) [true gap]",
    hypotheses=_corollary_hypotheses,
    sides=_corollary_sides,
    description="Corollary 1.3 at the limit of the signed flow (mil (35)), ρ = ρ_s(A) computed exactly "
    "(circuits of ker A), the limit certified at D digits",
)

# ------------------------------------------------------------------ Theorem 1.4 and A.3's final display

THEOREM_FORMS = ("printed", "proved")
A3_FORMS = ("printed",)
ROBUST_CONSTANTS = ("rho", "tau", "d")


def _parse_theorem(data: Any) -> RecoveryFlowInstance:
    return parse_recovery_instance(data, forms=THEOREM_FORMS, noisy=True, constants=ROBUST_CONSTANTS)


def _parse_a3(data: Any) -> RecoveryFlowInstance:
    return parse_recovery_instance(data, forms=A3_FORMS, noisy=True, constants=ROBUST_CONSTANTS)


_PARSERS = {"mil.cor1.3": _parse_corollary, "mil.thm1.4": _parse_theorem, "mil.A3.final": _parse_a3}


def robust_constants(instance: RecoveryFlowInstance, intervals: bool) -> dict[str, Any]:
    """ρ, τ, d, s_*, √c of Theorem 1.4's hypotheses at a flow instance (:func:`robust_constants_of`)."""
    return robust_constants_of(instance.A, instance.order, instance.rho, instance.tau, instance.d, intervals)


def proof_constants(instance: RecoveryFlowInstance, intervals: bool) -> dict[str, Any]:
    """C = (1+ρ)²/(1-ρ) of (45), d' = τ + (1+ρ)d/√c of (44), C' = C·d/√c + d' (A.3, as printed) and
    C'_proved = 2C·d/√c + d' (with the σ step corrected, mil.A3.final)."""
    return constants_of_the_proof(robust_constants(instance, intervals), intervals)


def _robust_hypotheses(instance: FlowInstance) -> None:
    robust_constants(instance, intervals=False)  # type: ignore[arg-type]


def _robust_sides(theorem: bool):
    """‖x̃∞ - x*‖₂ against the bound of ``params.form``:
    printed, Theorem 1.4: C/√s (c_L(‖u_0‖_L^L + ‖v_0‖_L^L) + 2σ_s(x*)_1) + C'‖e‖₂‖x̃∞ - x*‖₁;
    printed, A.3's final display at its smallest ε = c_L(...) ((46)): C/√s (ε + 2σ_s(x*)_1) + C'‖e‖₂;
    proved (Theorem 1.4): C/√s (‖x̃∞‖₁ - min_S ‖z‖₁ + 2σ_s(x*)_1) + C'_proved ‖e‖₂."""

    def sides(instance: FlowInstance, limit: tuple, intervals: bool):
        assert isinstance(instance, RecoveryFlowInstance)
        k = proof_constants(instance, intervals)
        v = error_vector(instance, limit, intervals)
        left = _l2(v, intervals)
        root_s = _sqrt(_num(Fraction(instance.order), intervals), intervals)
        tail = _num(2 * sigma(instance.x_star, instance.order), intervals)
        noise = _l2([_num(e, intervals) for e in instance.noise], intervals)
        if instance.form == "proved":
            gap = true_gap(instance, limit, intervals)
            if gap is None:
                return None, None
            return left, k["C"] / root_s * (gap + tail) + k["C_prime_proved"] * noise
        eps = _c_L(instance.depth, intervals) * _num(initial_norm(instance), intervals)
        head = k["C"] / root_s * (eps + tail)
        if theorem:
            return left, head + k["C_prime"] * noise * _l1(v, intervals)
        return left, head + k["C_prime"] * noise

    return sides


THEOREM_1_4 = _RecoveryBound(
    claim_id="mil.thm1.4",
    models=("signed",),
    left_name="||x̃_∞ - x_*||_2",
    right_name="C/√s (c_L(||u_0||_L^L + ||v_0||_L^L) + 2σ_s(x_*)_1) + C'||e||_2 ||x̃_∞ - x_*||_1 [params.form = "
    "printed] or C/√s (||x̃_∞||_1 - min_S ||z||_1 + 2σ_s(x_*)_1) + (2Cd/√c + d')||e||_2 [proved]",
    hypotheses=_robust_hypotheses,
    sides=_robust_sides(theorem=True),
    description="Theorem 1.4 at the limit of the signed flow (mil (35)) with its proof's constants "
    "C = (1+ρ)²/(1-ρ), d' = τ + (1+ρ)d/√c, C' = Cd/√c + d'; ρ = ρ_1(A), τ = τ*(ρ), d = √(q*/s_*) "
    "computed exactly unless given; the limit certified at D digits",
)

A3_FINAL = _RecoveryBound(
    claim_id="mil.A3.final",
    models=("signed",),
    left_name="||x_* - Δ(y)||_2",
    right_name="C/√s (ε + 2σ_s(x_*)_1) + (Cd√s_*/√s + d')||e||_2 at ε = c_L(||u_0||_L^L + ||v_0||_L^L)",
    hypotheses=_robust_hypotheses,
    sides=_robust_sides(theorem=False),
    description="A.3's final display at the limit Δ(y) of the signed flow (mil (35)), ε at its smallest "
    "value allowed by (46), C = (1+ρ)²/(1-ρ), d' = τ + (1+ρ)d/√c; the limit certified at D digits",
)


# ------------------------------------------------------------------ declarations

# What the searches found (seed 0; the instances are stored under checks/counterexamples/).
CIRCLE_2x6 = r"$\mathbf A=\begin{pmatrix}1&\frac{15}{17}&\frac35&0&-\frac35&-\frac{15}{17}\\0&\frac8{17}&\frac45&1&\frac45&\frac8{17}\end{pmatrix}$"
FINDING_COROLLARY = (
    r"False, at the limit of the signed flow certified by Krawczyk's test: $\mathbf A=\begin{pmatrix}1&\frac{15}{17}&"
    r"\frac35\\0&\frac8{17}&\frac45\end{pmatrix}$ (unit columns; stable NSP of order 1 with $\rho=\rho_1(\mathbf A)=17/19$), "
    r"$\mathbf x_*=(\frac14,0,0)$, $L=2$, $\mathbf u_0=\mathbf v_0=10^{-4}\mathbf 1$: $\|\tilde{\mathbf x}_\infty-"
    r"\mathbf x_*\|_1=7.537\cdot10^{-6}$ against $\frac{1+\rho}{1-\rho}c_2(\|\mathbf u_0\|_2^2+\|\mathbf v_0\|_2^2)="
    r"4.016\cdot10^{-6}$ (normalized slack $-0.877$). On this instance the error decays like $\alpha^{1.33}$ "
    r"($\alpha=10^{-10}$ to $10^{-20}$) while the bound is $\propto\alpha^2$: the slack is $-1.9\cdot10^4$ at "
    r"$\alpha=10^{-10}$ and $-4.0\cdot10^{17}$ at $10^{-30}$. It fails at $L=3$ too: $\mathbf A=\begin{pmatrix}-3&-\frac52&1"
    r"\\-\frac{11}4&-\frac74&-1\end{pmatrix}$, $\mathbf x_*=(0,-\frac{19}{25},0)$, $\alpha=10^{-2}$: slack $-39.3$. "
    r"Severity: false statement; the corollary inherits the failure of (9) (mil.thm1.1b).",
    r"With the true gap $\|\tilde{\mathbf x}_\infty\|_1-\min_S\|\mathbf z\|_1$ in place of Theorem 1.1's bound "
    r"(what [10, Thm 4.14] gives at $\mathbf z=\tilde{\mathbf x}_\infty$) the bound holds on every drawn instance and "
    r"is tight as $\alpha\to0$; when $\ker\mathbf A$ is one circuit ($N=M+1$) it holds with equality (the margin "
    r"vanishes to 250 digits), so those instances are left out of that search.",
)
FINDING_THEOREM = (
    r"As printed, the term $C'\|\mathbf e\|_2\|\tilde{\mathbf x}_\infty-\mathbf x_*\|_1$ scales by "
    r"$\lambda^{2L}$ while the left side scales by $\lambda^L$; the proof's display has $C'\|\mathbf e\|_2$.",
    r"False, with the constants of its proof ($C=(1+\rho)^2/(1-\rho)$, $d'=\tau+(1+\rho)d/\sqrt c$, "
    r"$C'=Cd/\sqrt c+d'$), and no constants fixed by $\rho,\tau,c,d$ fit the family below: "
    + CIRCLE_2x6
    + r" (stable NSP of order 1 with "
    r"$\rho=17/19$, so $C=34.1$; $s=1=cs_*$, $c=1.05$), $\mathbf x_*=(\frac14,0,\ldots,0)$, $\mathbf e=0$, $L=2$, "
    r"$\mathbf u_0=\mathbf v_0=10^{-3}\mathbf 1$: $\|\tilde{\mathbf x}_\infty-\mathbf x_*\|_2=0.0965$ against "
    r"$0.00152$ (normalized slack $-62.4$, limit certified). At $\mathbf e=0$ the printed form and the corrected one "
    r"($C'\|\mathbf e\|_2$, A.3's final display) coincide, so the corrected form fails too (mil.A3.final). On this "
    r"one $\mathbf A$ (fixed $\rho,\tau,c,d$) the $C$ the bound needs grows without limit as $\alpha\to0$: "
    r"$2.2\cdot10^3$, $5.4\cdot10^8$, $6.6\cdot10^{15}$, $2.9\cdot10^{33}$, $1.3\cdot10^{51}$ at "
    r"$\alpha=10^{-3},10^{-6},10^{-10},10^{-20},10^{-30}$ (the error decays like $\alpha^{0.23}$, the bound's first "
    r"term like $\alpha^2$). Severity: false statement; the proof of A.3 is sound except (46), which rests on the "
    r"false (9).",
    r"What the proof does prove, with the true gap $\|\tilde{\mathbf x}_\infty\|_1-\min_S\|\mathbf z\|_1$ in place "
    r"of $c_L(\ldots)$ and the $\sigma$ step corrected ($C'=2Cd/\sqrt c+d'$), holds on every drawn instance "
    r"(smallest slack 0.687). The closing sentence (Gaussian $\mathbf A$ satisfy the hypotheses w.h.p.) is the cited "
    r"fact measured in mil.def.rnsp and mil.def.qp.",
)
FINDING_A3_FINAL = (
    r"The final display fails at the flow's limit with $\varepsilon$ at the smallest value (46) allows, "
    r"$\varepsilon=c_L(\|\mathbf u_0\|_L^L+\|\mathbf v_0\|_L^L)$: the instance of mil.thm1.4 ($\mathbf e=0$, "
    r"$\alpha=10^{-3}$, $L=2$) gives $0.0965$ against $0.00152$. The failure is (46)'s, i.e. (9)'s (mil.thm1.1b); with "
    r"the true gap in place of $\varepsilon$ and the corrected $C'$ the chain holds (mil.thm1.4, 'what the proof "
    r"proves'). Severity: false statement (proof gap at (46)); the $\sigma$ step is a second, repairable gap."
)

COROLLARY_EXAMPLE = {
    "model": "signed",
    "A": [["1", "15/17", "3/5", "0", "-3/5", "-15/17"], ["0", "8/17", "4/5", "1", "4/5", "8/17"]],
    "x_star": ["1", "0", "0", "0", "0", "0"],
    "L": 2,
    "init": {"alpha": "1e-3"},
    "params": {"s": 1},
}

declare(
    id="mil.cor1.3",
    expected=Verdict.REFUTED,
    findings=FINDING_COROLLARY,
    checks=(
        _limit_search(
            "flow-limit search",
            COROLLARY_1_3,
            stable_nsp_flow_instances,
            "Corollary 1.3 as printed on drawn signed-flow instances y = A x* (A with the stable NSP of order 1, "
            "ρ = ρ_1(A) exact): the limit by mil (34)'s projection in float64, re-audited at 30-240 digits",
        ),
        _limit_search(
            "true gap",
            COROLLARY_1_3,
            functools.partial(stable_nsp_flow_instances, form="true gap"),
            "Corollary 1.3 with Theorem 1.1's bound replaced by the true gap ||x̃_∞||_1 - min_S ||z||_1 "
            "([10, Thm 4.14] at z = x̃_∞), on the same instances",
        ),
        SymbolicCheck("scale", "both sides of Corollary 1.3 scale by λ^L", scale.mil_cor13),
    ),
    audit=limit_audit(COROLLARY_1_3, COROLLARY_EXAMPLE),
)

THEOREM_EXAMPLE = {**COROLLARY_EXAMPLE, "params": {"s": 1, "noise": ["0", "0"], "form": "printed"}}

declare(
    id="mil.thm1.4",
    expected=Verdict.REFUTED,
    findings=FINDING_THEOREM,
    checks=(
        _limit_search(
            "flow-limit search",
            THEOREM_1_4,
            functools.partial(robust_recovery_flow_instances, form="printed"),
            "Theorem 1.4 as printed, with its proof's constants, on drawn instances y = A x* + e (2 × N circle "
            "matrices, N = 6..8, s = 1 = c·s_*; x*, e scaled by 10^-j): limit in float64, re-audited at 30-240 digits",
        ),
        _limit_search(
            "what the proof proves",
            THEOREM_1_4,
            functools.partial(robust_recovery_flow_instances, form="proved"),
            "the bound the proof of A.3 gives with the true gap ε = ||x̃_∞||_1 - min_S ||z||_1 in place of "
            "c_L(...) and the σ step corrected, C' = 2Cd/√c + d', on the same instances",
        ),
        SymbolicCheck(
            "scale",
            "Theorem 1.4 as printed: the term C'||e||_2 ||x~ - x_*||_1 scales by λ^{2L}",
            scale.mil_thm14,
        ),
    ),
    audit=limit_audit(THEOREM_1_4, THEOREM_EXAMPLE),
)

A3_EXAMPLE = {**COROLLARY_EXAMPLE, "params": {"s": 1, "noise": ["0", "0"]}}

declare(
    id="mil.A3.final",
    equations=("46",),
    expected=Verdict.REFUTED,
    findings=(
        r"The third line of the chain replaces $2\sigma_s(\mathbf x_*+\mathbf u)_1$ by $2\sigma_s(\mathbf x_*)_1+"
        r"\|\mathbf u\|_1$; what holds is $2\sigma_s(\mathbf x_*)_1+2\|\mathbf u\|_1$ (witness $N=3$, $s=1$, "
        r"$\mathbf x_*=0$, $\mathbf u=(1,1,1)$: $4>3$). Carried through, $C'=2Cd\sqrt{s_*}/\sqrt s+d'$; the statement "
        r"of Theorem 1.4 (constants depending on $\rho,\tau,c,d$ only) would survive with this $C'$, but (46) rests "
        r"on (9), which fails (see mil.eq11).",
        r"The statement of Theorem 1.4 prints the last term as $C'\|\mathbf e\|_2\|\tilde{\mathbf x}_\infty-\mathbf x_*\|_1$, "
        r"which scales like $\lambda^{2L}$ under Remark 1.2's scaling while the left side scales like $\lambda^L$; the "
        r"proof (this display) gives $C'\|\mathbf e\|_2$.",
        FINDING_A3_FINAL,
    ),
    checks=(
        SymbolicCheck("(46)", "(46) from (9) and its hypothesis, in slack form", nrr.equation_46),
        SymbolicCheck(
            "σ step",
            "2σ_s(x_* + u)_1 <= 2σ_s(x_*)_1 + ||u||_1 (N = 3, s = 1, σ by its definition)",
            nrr.sigma_step,
        ),
        SymbolicCheck("constant C'", "C' carried through the corrected σ step", nrr.final_constant),
        _limit_search(
            "flow-limit search",
            A3_FINAL,
            functools.partial(robust_recovery_flow_instances, form="printed", with_form=False),
            "the final display at ε = c_L(||u_0||_L^L + ||v_0||_L^L) (the smallest ε (46) allows) with C = "
            "(1+ρ)²/(1-ρ), d' = τ + (1+ρ)d/√c, on drawn instances y = A x* + e (2 × N circle matrices, s = 1 = c·s_*): "
            "the limit Δ(y) in float64, re-audited at 30-240 digits",
        ),
        SymbolicCheck("scale", "both sides of the final display of A.3 scale by λ^L", scale.mil_a3_final),
    ),
    audit=limit_audit(A3_FINAL, A3_EXAMPLE),
)
