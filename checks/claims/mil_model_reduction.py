"""mil Appendix A.1: gradients of the overparameterized loss and the model reduction."""

from __future__ import annotations

from dlncheck.checks.audit import Audit, AuditResult, vector_equality
from dlncheck.checks.claim import declare
from dlncheck.checks.instances import Instance, InstanceSpec
from dlncheck.checks.symbolic import SymbolicCheck
from dlncheck.checks.verdicts import Verdict
from dlncheck.derivations import factorized_gradients
from dlncheck.numerics import factorized_loss

# ----------------------------------------------------------------------------- Lemma A.1


def _audit_gradient_formula(instance: Instance, dps: int) -> AuditResult:
    factors = instance.init.factor_vectors(instance.N, instance.depth)
    exact = factorized_loss.gradients_by_differentiation(instance.A, instance.y, factors)
    relations, quantities = [], []
    for k in range(instance.depth):
        printed = factorized_loss.gradient_formula_39(instance.A, instance.y, factors, k)
        quantities.append((f"grad_x({k + 1}) L_over by differentiation", exact[k]))
        relations.append(
            vector_equality(f"grad_x({k + 1}) L_over", f"(39) for k = {k + 1}", exact[k], printed)
        )
    return AuditResult("mil.lemA.1", None, tuple(quantities), tuple(relations))


GRADIENT_SPEC = InstanceSpec(
    needs=frozenset({"A", "y", "depth", "init"}),
    init_forms=frozenset({"alpha", "x0", "factors"}),
    differentiates=True,
)

declare(
    id="mil.lemA.1",
    equations=("39",),
    expected=Verdict.VERIFIED,
    checks=(
        SymbolicCheck(
            "symbolic depth L",
            "differentiate (4) with x̃ a SymPy Product over l = 1..L (L symbolic), N = 3, M = 2",
            factorized_gradients.lemma_a1_symbolic_depth,
        ),
        SymbolicCheck(
            "depths 2, 3, 4 expanded",
            "differentiate the expanded polynomial (4) for L = 2, 3, 4, N = 3, M = 2",
            factorized_gradients.lemma_a1_concrete_depths,
        ),
    ),
    audit=Audit(
        spec=GRADIENT_SPEC,
        evaluate=_audit_gradient_formula,
        example={
            "A": [["1", "-2", "1/3"], ["0", "1/2", "3"]],
            "y": ["1", "-1/4"],
            "depth": 3,
            "init": {"factors": [["1/2", "1", "2"], ["3", "1/5", "1"], ["1", "1", "7/4"]]},
        },
        description="differentiate (4) exactly on the instance and compare with (39) for every k",
        exact=True,
    ),
)

# ----------------------------------------------------------------------------- Lemma A.2


def _audit_model_reduction(instance: Instance, dps: int) -> AuditResult:
    depth = instance.depth
    factors = instance.init.factor_vectors(instance.N, depth)
    x = factors[0]
    gradients = factorized_loss.gradients_by_differentiation(instance.A, instance.y, factors)
    velocities = [tuple(-g for g in grad) for grad in gradients]
    reduced = factorized_loss.reduced_gradient_by_differentiation(instance.A, instance.y, x, depth)
    printed = tuple(-g for g in reduced)  # "x'(t) = -grad L(x)"
    corrected = tuple(g / depth for g in printed)
    relations = [
        vector_equality(f"x({k + 1})'", "x(1)'", velocities[k], velocities[0]) for k in range(1, depth)
    ]
    relations.append(vector_equality("x' (factor flow)", "-grad L(x) (printed)", velocities[0], printed))
    notes = []
    if all(a == b for a, b in zip(velocities[0], corrected, strict=True)):
        notes.append(f"x' = -(1/L) grad L(x) holds exactly (L = {depth}): the reduced flow runs at time t/L")
    quantities = (
        ("x'(0) of every factor", velocities[0]),
        ("-grad L(x(0)) of (6)", printed),
    )
    return AuditResult("mil.lemA.2", None, quantities, tuple(relations), notes=tuple(notes))


declare(
    id="mil.lemA.2",
    expected=Verdict.REFUTED,
    findings=(
        r"The common factor moves with $\mathbf x'=-[\mathbf A^T(\mathbf A\mathbf x^{\odot L}-\mathbf y)]\odot"
        r"\mathbf x^{\odot(L-1)}=-\frac1L\nabla\mathcal L(\mathbf x)$, not $-\nabla\mathcal L(\mathbf x)$: the proof "
        r"drops the factor $L$ of (18). The reduced flow (15) is the factor flow at time $t/L$; limits as "
        r"$t\to\infty$ are unaffected.",
    ),
    checks=(
        SymbolicCheck(
            "balancedness",
            "the velocity of factor k at identical factors does not depend on k (symbolic L)",
            factorized_gradients.lemma_a2_balancedness,
        ),
        SymbolicCheck(
            "reduced dynamics",
            "compare the common factor's velocity with the printed x' = -grad L(x)",
            factorized_gradients.lemma_a2_reduced_dynamics,
        ),
    ),
    audit=Audit(
        spec=InstanceSpec(
            needs=frozenset({"A", "y", "depth", "init"}),
            init_forms=frozenset({"alpha", "x0"}),
            differentiates=True,
        ),
        evaluate=_audit_model_reduction,
        example={"A": [["1"]], "y": ["0"], "depth": 2, "init": {"x0": ["1"]}},
        description="exact velocities of every factor at identical factors, against -grad L(x) of (6)",
        exact=True,
    ),
)
