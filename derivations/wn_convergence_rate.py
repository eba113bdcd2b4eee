"""wn Lemma 3.5 (convergence rate of the loss), eq. (31), and the steps of its proof.

Proof, first display: with ||u|| = 1,
    -η_r |∇_r L̃|^2 - η_u ||∇_u L̃||^2 = -∇L^T (η_r P_u + η_u r^2 (I - P_u)) ∇L.
Proof, last displays: ||∇L||^2 >= c_x^{2L-2} σ_min^2(A_I) ||A x^{⊙L} - b||^2 = 2L c_x^{2L-2} σ_min^2 L(x),
so the rate is min(c_r, c_u c_x^2 |I|) 2L c_x^{2L-2} σ_min^2(A_I); the statement (31) prints c_x^2.

(31) says L(x(t)) <= L(x(t0)) e^{-κ (t - t0)}.  Both sides agree at t0, so (31) fails just after
t0 whenever the instantaneous decay rate -L'/L at t0 is below κ: that is the exact criterion the
witness uses.  The instance family is M = 1, N = 2, I = {1, 2} (A_I = A, full row rank,
σ_min^2 = a_1^2 + a_2^2) with u on the unit circle, u = ((1-s^2), 2s)/(1+s^2).
"""

from __future__ import annotations

import sympy as sp

from dlncheck.derivations.derivation import Derivation, Outcome, Part, Step
from dlncheck.derivations.equality import compare
from dlncheck.derivations.weight_normalized_flow import differentiate_wn_loss

L = sp.Symbol("L", integer=True, positive=True)
r = sp.Symbol("r", positive=True)
s = sp.Symbol("s", positive=True)  # u = ((1 - s^2), 2 s)/(1 + s^2) > 0 for 0 < s < 1
eta_r, eta_u = sp.symbols("eta_r eta_u", positive=True)
c_r, c_u, c_x = sp.symbols("c_r c_u c_x", positive=True)
a1, a2 = sp.symbols("a_1 a_2", real=True)
b1 = sp.Symbol("b_1", real=True)


def unit_circle(param: sp.Expr) -> sp.Matrix:
    """A rational point of the unit circle: ||u|| = 1 identically."""
    return sp.Matrix([(1 - param**2) / (1 + param**2), 2 * param / (1 + param**2)])


# ------------------------------------------------------------------------------ first display


def quadratic_form_identity() -> Derivation:
    """The proof's identity, with ∇_r L̃ and ∇_u L̃ from (24), (25) at ||u|| = 1, G = ∇L(x) generic."""
    u = unit_circle(s)
    G = sp.Matrix(sp.symbols("G_1:3", real=True))
    P = u * u.T  # P_u, ||u|| = 1
    grad_r = (u.T * G)[0, 0]  # (24)
    grad_u = r * (sp.eye(2) - P) * G  # (25)
    derived = -eta_r * grad_r**2 - eta_u * (grad_u.T * grad_u)[0, 0]
    printed = -(G.T * (eta_r * P + eta_u * r**2 * (sp.eye(2) - P)) * G)[0, 0]
    split = ((P * G).T * (P * G))[0, 0] + (((sp.eye(2) - P) * G).T * ((sp.eye(2) - P) * G))[0, 0]
    cmp = compare(sp.Matrix([derived, split]), sp.Matrix([printed, (G.T * G)[0, 0]]))
    return Derivation.from_parts(
        [
            Part.of(
                "derived against printed",
                cmp,
                sp.Matrix([derived, split]),
                sp.Matrix([printed, (G.T * G)[0, 0]]),
            )
        ],
        title="Lemma 3.5, proof: the loss rate as a quadratic form in ∇L; ||PG||^2 + ||(I-P)G||^2 = ||G||^2",
        steps=(
            Step("-η_r (u^T G)^2 - η_u r^2 ||(I - P_u) G||^2 with u on the unit circle", derived),
            Step("printed: -G^T (η_r P_u + η_u r^2 (I - P_u)) G", printed),
            Step(
                "P_u, I - P_u are complementary orthogonal projections, so the form is >= "
                "min(η_r, η_u r^2) ||G||^2 (second entry: the Pythagorean split)",
                split,
            ),
        ),
        assumptions="N = 2, u = ((1 - s^2), 2 s)/(1 + s^2) (||u|| = 1), G real",
        instance=None,
    )


# ------------------------------------------------------------------------------ the rate in (31)


def _unit(expr: sp.Expr) -> sp.Expr:
    """Replace every power of ||u(s)||^2 (identically 1 on the circle) by 1."""
    return expr.replace(
        lambda p: p.is_Pow and p.base.has(s) and sp.cancel(p.base - 1) == 0, lambda p: sp.Integer(1)
    )


def instantaneous_decay_rate(at: dict | None = None) -> sp.Expr:
    """-(dL/dt)/L at a state (r, u(s)) of the WN flow, M = 1, N = 2, from (9), (11) and Lemma 3.4.

    ``at`` substitutes values (the witness) right after differentiation, which keeps it fast.
    """
    u_syms = sp.symbols("v_1:3", positive=True)
    A = sp.Matrix([[a1, a2]])
    b = sp.Matrix([b1])
    g = differentiate_wn_loss(A, b, r, sp.Matrix(u_syms), L)
    loss_rate = -eta_r * g.grad_r**2 - eta_u * (g.grad_u.T * g.grad_u)[0, 0]  # Lemma 3.4
    f = (a1 * (r * u_syms[0]) ** L + a2 * (r * u_syms[1]) ** L - b1) ** 2 / (2 * L)  # (9), ||u|| = 1
    on_circle = dict(zip(u_syms, unit_circle(s), strict=True))
    rate = _unit((-loss_rate / f).subs(on_circle))
    if at:
        rate = rate.subs(at)
    return sp.factor(sp.cancel(sp.powsimp(rate, force=True)))


def decay_rate_closed_form() -> sp.Expr:
    """-(dL/dt)/L = 2L [η_r (u·g)^2 + η_u r^2 ||(I - P_u) g||^2], g = a ⊙ x^{⊙(L-1)}, x = r u.

    (M = 1, ||u|| = 1.)

    The residual A x̃ - b cancels between dL/dt and L; checked against the differentiated rate in
    :func:`rate_31` at the witness.
    """
    u = unit_circle(s)
    g = sp.Matrix([a1 * (r * u[0]) ** (L - 1), a2 * (r * u[1]) ** (L - 1)])
    P = u * u.T
    along = (u.T * g)[0, 0]
    across = (sp.eye(2) - P) * g
    return 2 * L * (eta_r * along**2 + eta_u * r**2 * (across.T * across)[0, 0])


def rate_printed_31() -> sp.Expr:
    """κ of (31) as printed, |I| = 2, σ_min^2(A) = a_1^2 + a_2^2 (M = 1)."""
    return sp.Min(c_r, c_u * c_x**2 * 2) * 2 * L * c_x**2 * (a1**2 + a2**2)


def rate_from_proof() -> sp.Expr:
    """κ as the proof's last lines derive it: c_x^{2L-2} in place of c_x^2."""
    return sp.Min(c_r, c_u * c_x**2 * 2) * 2 * L * c_x ** (2 * L - 2) * (a1**2 + a2**2)


# The witness: L = 3, u = (3/5, 4/5), r = 1/10 so x = (3/50, 4/50) > c_x = 1/20; η_r = c_r = 1/1000.
WITNESS = {
    L: sp.Integer(3),
    s: sp.Rational(1, 2),
    r: sp.Rational(1, 10),
    c_x: sp.Rational(1, 20),
    eta_r: sp.Rational(1, 1000),
    c_r: sp.Rational(1, 1000),
    eta_u: sp.Integer(1),
    c_u: sp.Integer(1),
    a1: sp.Integer(1),
    a2: sp.Integer(1),
}


def audit_hypotheses() -> tuple[sp.Rel, ...]:
    """Lemma 3.5's hypotheses at t0, strictly where continuity must carry them to [t0, T]."""
    u = unit_circle(s)
    return (
        sp.StrictLessThan(s, 1),  # u > 0
        sp.GreaterThan(eta_r, c_r),
        sp.GreaterThan(eta_u, c_u),
        sp.StrictGreaterThan(r * u[0], c_x),  # |x_I| > c_x at t0, so >= c_x on some [t0, T]
        sp.StrictGreaterThan(r * u[1], c_x),
        sp.StrictGreaterThan(L, 1),
        sp.StrictGreaterThan(a1**2 + a2**2, 0),
    )


def rate_31() -> Derivation:
    """(31)'s exponent c_x^2 against the proof's c_x^{2L-2}; witness: the flow's own decay rate."""
    derived, printed = rate_from_proof(), rate_printed_31()
    cmp = compare(derived, printed, [WITNESS])
    actual = instantaneous_decay_rate(WITNESS)
    closed = decay_rate_closed_form().subs(WITNESS)
    if cmp.outcome == Outcome.DIFFERS and sp.simplify(actual - closed) != 0:
        raise RuntimeError(f"the closed-form decay rate {closed} disagrees with the differentiated {actual}")
    witness_instance = None
    if cmp.outcome == Outcome.DIFFERS:
        witness_instance = {
            "params": {
                sym.name: (int(v) if sym.is_integer else str(v))
                for sym, v in sorted(WITNESS.items(), key=str)
            }
        }
    at = {k_: v for k_, v in WITNESS.items()}
    steps = (
        Step(
            "||∇L||^2 >= c_x^{2L-2} σ_min^2 ||A x̃ - b||^2 and ||A x̃ - b||^2 = 2L L: the proof's rate", derived
        ),
        Step("(31) typed in", printed),
        Step(
            "at the witness: the flow's decay rate -(dL/dt)/L, from (9), (11) and Lemma 3.4 "
            "(M = 1, N = 2, u on the circle); b_1 cancels",
            actual,
        ),
        Step("at the witness: (31)'s κ, larger, so (31) fails for t slightly above t0", printed.subs(at)),
        Step("at the witness: the proof's κ, smaller than the decay rate", derived.subs(at)),
    )
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="Lemma 3.5: the rate in (31)",
        steps=steps,
        assumptions="M = 1, N = 2, I = {1, 2}, ||u|| = 1; L >= 2",
        corrected=derived,
        instance=witness_instance,
    )


def singular_value_step() -> Derivation:
    """The step ||A_I^T e|| >= σ_min(A_I) ||e||: it needs rank A_I = M, not full column rank.

    A = I_2, I = {1}: A_I = e_1 has full (column) rank and σ_min(A_I) = 1, but e = (0, 1)
    has A_I^T e = 0.
    """
    e2 = sp.Symbol("e_2", real=True)
    A_I = sp.Matrix([[1], [0]])
    e = sp.Matrix([0, e2])
    derived = ((A_I.T * e).T * (A_I.T * e))[0, 0]  # ||A_I^T e||^2
    sigma_min_sq = min((A_I.T * A_I).eigenvals())  # singular values of A_I
    printed = sigma_min_sq * (e.T * e)[0, 0]
    cmp = compare(derived, printed, [{e2: sp.Integer(1)}])
    corrected = sp.Symbol("lambda_min(A_I A_I^T)") * (e.T * e)[0, 0]
    return Derivation.from_parts(
        [Part.of("derived against printed", cmp, derived, printed)],
        title="Lemma 3.5, proof: ||A_I^T e||^2 >= σ_min^2(A_I) ||e||^2 with A_I of full column rank",
        steps=(
            Step("A = I_2, I = {1}, e = A x̃ - b = (0, e_2): ||A_I^T e||^2", derived),
            Step("σ_min^2(A_I) ||e||^2 (A_I = e_1 has full rank)", printed),
            Step(
                "the bound holds with λ_min(A_I A_I^T), positive only when rank A_I = M (|I| >= M)", corrected
            ),
        ),
        assumptions="A = I_2, I = {1}",
        corrected=corrected,
        instance=None,
    )
