"""Certified audits of krr Appendix H's flow statements at d = N = 1, from the closed form.

At one measurement X_1 = c the lifted flow and its tangent kernel model are explicit functions
of s = int_0^t r (``numerics.lifted_factorization_scalar``, derived in
``derivations.krr_lifted_scalar_flow``), so the statements about the whole path are decided in
ball arithmetic (python-flint) at the audit's precision:

* ``first bound`` (Theorem 9, Lemma 12): sup_T ||W(T) - W(0)||_F, = ||W(oo) - W(0)||_F since the
  deviation grows with |s|, against sqrt(Lambda + lambda/4) ||y(0) - y*||/(lambda sqrt mu);
* ``second bound`` (Theorem 9): sup_T ||W(T) - W_TK(T)||_F, enclosed between its value at T -> oo
  and the closed-form upper bound of the numerics module, against the printed bound;
* ``(80)`` (Lemma 12's proof, lines 1-5): ||W(T) - W(0)||_F <= sqrt(Lambda) int_0^T ||W(t)||_op
  ||y(t) - y*|| dt, audited as T -> oo (both sides converge; a strict violation in the limit is
  one at every large T);
* ``(82)`` (Theorem 9's proof, last line): ||W(T) - W_TK(T)||_F <= sqrt(Lambda) int_0^oo
  (||W(t) - W(0)||_op ||y(t) - y*|| + ||W(0)||_op ||y_TK(t) - y(t)||) dt, audited as T -> oo.

lambda = Lambda = c^2 (calX calX^T = c^2), the best constants.  The instance is the audit's
params; the hypotheses of Theorem 9 are decided exactly in rationals.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flint import ctx

from dlncheck.checks.audit import HOLDS, VIOLATED, Audit, AuditResult, Relation, decide, escalate, judge
from dlncheck.checks.errors import InstanceError
from dlncheck.checks.instances import Instance, InstanceSpec, ParamSpec, parse_instance
from dlncheck.checks.property import PropertyCheck
from dlncheck.numerics import lifted_factorization_scalar as sc
from dlncheck.numerics.enclosures import digits_to_bits

if TYPE_CHECKING:
    from dlncheck.checks.claim import Claim

SCALAR_SPEC = InstanceSpec(
    params=(
        ParamSpec("c", "scalar", "the one measurement X_1 = c (d = N = 1), nonzero; lambda = Lambda = c^2"),
        ParamSpec("y_star", "scalar", "the target y*"),
        ParamSpec("u0", "vector", "U(0) = u0^T in R^{1 x k}"),
        ParamSpec("v0", "vector", "V(0) = v0^T in R^{1 x k}, the same length as u0"),
        ParamSpec("mu", "scalar", "Theorem 9's mu", "positive"),
        ParamSpec("gamma", "scalar", "Theorem 9's gamma", "nonnegative"),
    )
)
EXAMPLE = {"params": {"c": "1", "y_star": "1/2", "u0": ["3", "0"], "v0": ["0", "3"], "mu": "9", "gamma": "0"}}
# Extra bits over the requested decimal digits: the Riemann sums add ~RIEMANN_PIECES terms and
# the closed form a few dozen operations.
GUARD_BITS = 40

RELATIONS = {
    "first bound": ("sup_T ||W(T) - W(0)||_F", "sqrt(Lambda + lambda/4) ||y(0) - y*|| / (lambda sqrt(mu))"),
    "second bound": (
        "sup_T ||W(T) - W_TK(T)||_F",
        "Lambda sqrt(1 + lambda/(4 Lambda)) ||y(0) - y*||^2 / (lambda^2 "
        "mu^{3/2}) + 2 sqrt(Lambda) sqrt(1 + gamma/mu) "
        "||y(0) - y*|| / (lambda sqrt(mu))",
    ),
    "(80)": ("||W(T) - W(0)||_F (T -> oo)", "sqrt(Lambda) int_0^T ||W(t)||_op ||y(t) - y*|| dt (T -> oo)"),
    "(82)": (
        "||W(T) - W_TK(T)||_F (T -> oo)",
        "sqrt(Lambda) int_0^oo (||W(t) - W(0)||_op ||y(t) - y*|| + ||W(0)||_op ||y_TK(t) - y(t)||) dt",
    ),
}


def scalar_flow(instance: Instance) -> sc.ScalarLiftedFlow:
    """The audit's params as a :class:`numerics.lifted_factorization_scalar.ScalarLiftedFlow`."""
    p = instance.params
    if p["c"] == 0:
        raise InstanceError("params.c = 0: the measurement must be nonzero (lambda > 0)")
    if len(p["u0"]) != len(p["v0"]):
        raise InstanceError(f"params.u0 has length {len(p['u0'])} but params.v0 has {len(p['v0'])}")
    return sc.ScalarLiftedFlow.from_factors(p["c"], p["y_star"], p["u0"], p["v0"], p["mu"], p["gamma"])


def _sides(flow: sc.ScalarLiftedFlow, be: sc.Backend, names: Sequence[str]) -> dict[str, tuple[Any, Any]]:
    path = sc.closed_form(flow, be)
    first, second = sc.theorem9_bounds(flow, be)
    out: dict[str, tuple[Any, Any]] = {}
    for name in names:
        if name == "first bound":
            out[name] = (path.dev_F_limit, first)
        elif name == "second bound":
            # the sup lies between the value in the limit and the closed-form upper bound
            left = path.tk_gap_sup if be.name == "float64" else be.hull(path.tk_gap_limit, path.tk_gap_sup)
            out[name] = (left, second)
        elif name == "(80)":
            out[name] = (path.dev_F_limit, sc.integral_80(flow, path, be))
        elif name == "(82)":
            out[name] = (path.tk_gap_limit, sc.integral_82(flow, path, be))
        else:
            raise ValueError(f"unknown relation {name!r}")
    return out


def scalar_slack(names: Sequence[str]) -> Callable[[Instance], float]:
    """The float64 normalized slack min over ``names`` of (right - left)/right (PropertyCheck's slack)."""

    def slack(instance: Instance) -> float:
        flow = scalar_flow(instance)
        if any(m < 0 for m in sc.hypothesis_margins(flow).values()) or flow.mu <= 4 * flow.gamma:
            return math.inf  # outside the hypotheses (the strategies keep clear of this): nothing to test
        values = []
        for left, right in _sides(flow, sc.FLOAT, names).values():
            values.append((right - left) / right if right > 0 else (0.0 if left == 0 else -math.inf))
        return min(values)

    return slack


def _hypotheses(flow: sc.ScalarLiftedFlow) -> tuple[Relation, ...]:
    out = []
    for name, margin in sc.hypothesis_margins(flow).items():
        left, right = name.split(" <= ") if " <= " in name else (name, "")
        if name.startswith("mu >"):  # strict: mu - 4 Lambda gamma / lambda > 0
            status = HOLDS if margin > 0 else VIOLATED
            out.append(Relation("4 Lambda gamma / lambda", "<=", "mu (strictly)", margin, status))
        else:
            out.append(judge(left, "<=", right, margin))
    return tuple(out)


def scalar_evaluator(claim_id: str, names: Sequence[str]) -> Callable[[Instance, int], AuditResult]:
    """Evaluate the relations ``names`` (keys of RELATIONS) at the audit's precision."""

    def evaluate(instance: Instance, dps: int) -> AuditResult:
        flow = scalar_flow(instance)
        hypotheses = _hypotheses(flow)
        if any(r.status == VIOLATED for r in hypotheses):
            return AuditResult(claim_id, dps, (), (), hypotheses)
        with ctx.workprec(digits_to_bits(dps, GUARD_BITS)):
            be = sc.arb_backend()
            sides = _sides(flow, be, names)
            path = sc.closed_form(flow, be)
            quantities: list[tuple[str, Any]] = [
                ("||y(0) - y*||", abs(flow.r0)),
                ("lambda = Lambda = c^2", flow.c * flow.c),
                ("4 c s_inf = ln z+", path.L),
            ]
            relations = []
            slacks = []
            for name in names:
                left, right = sides[name]
                left_name, right_name = RELATIONS[name]
                quantities += [(f"{name}: {left_name}", left), (f"{name}: {right_name}", right)]
                relations.append(decide(left_name, "<=", right_name, left, right))
                slacks.append((right - left) / right)
            slack = slacks[0]
            for s in slacks[1:]:
                slack = slack.min(s)  # contains the minimum of any two points of the balls
            if not slack.is_finite():  # a right side whose ball contains 0: no normalized slack
                slack = None
        notes = (
            "d = N = 1: the flow in closed form in s = int r dt "
            "(derivations.krr_lifted_scalar_flow); lambda = Lambda = c^2",
        )
        if {"(80)", "(82)"} & set(names):
            notes += (
                "(80), (82) at T -> oo: both sides converge, so a strict "
                "violation in the limit holds at large T",
            )
        return AuditResult(
            claim_id, dps, tuple(quantities), tuple(relations), hypotheses, slack=slack, notes=notes
        )

    return evaluate


def scalar_audit(claim_id: str, names: Sequence[str]) -> Audit:
    return Audit(
        spec=SCALAR_SPEC,
        evaluate=scalar_evaluator(claim_id, names),
        example=EXAMPLE,
        description=(
            "d = N = 1 (X_1 = c): the flow and its tangent kernel model in closed form, in ball arithmetic; "
            + "; ".join(f"{n}: {RELATIONS[n][0]} <= {RELATIONS[n][1]}" for n in names)
        ),
    )


@dataclass(frozen=True)
class ScalarFlowPropertyCheck(PropertyCheck):
    """A PropertyCheck whose escalation audits only its own relations (``sub_audit``): a claim whose
    audit decides several relations (a bound and a printed proof step) has one search per relation."""

    sub_audit: Audit | None = None

    def parse(self, claim: Claim, raw: dict[str, Any]) -> Any:
        assert self.sub_audit is not None
        return parse_instance(raw, self.sub_audit.spec, claim.id)

    def escalate(self, claim: Claim, instance: Any, slack_digits: int = 0) -> AuditResult:
        assert self.sub_audit is not None
        return escalate(self.sub_audit, instance, slack_digits=slack_digits)


def scalar_property_check(
    claim_id: str, name: str, names: Sequence[str], instances: Callable[[], Any], description: str
) -> ScalarFlowPropertyCheck:
    return ScalarFlowPropertyCheck(
        name=name,
        description=description,
        instances=instances,
        slack=scalar_slack(names),
        slack_doc="min over " + ", ".join(names) + " of (right - left)/right",
        sub_audit=scalar_audit(claim_id, names),
    )
