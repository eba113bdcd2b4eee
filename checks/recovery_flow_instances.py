"""Flow instances for mil's compressed-sensing statements (Corollary 1.3, Theorem 1.4, A.3).

These claims speak of the signed flow (mil (35)) on data y = A x* + e and of null-space
constants of A, so their instance files are ``dlncheck flow`` files of model ``signed`` with
``x_star`` (not ``y``) and these ``params``:

    "params": {
      "s":     1,                  # the order of the null space property (an integer >= 1)
      "noise": ["1/100", "0"],     # e (length M; Theorem 1.4 and A.3 only): y = A x* + e
      "form":  "printed",          # which bound of the claim to audit (its declaration lists them)
      "rho":   "9/10",             # optional: the NSP constant ρ (default: the smallest valid one)
      "tau":   "3/2",              # optional (Theorem 1.4, A.3): τ of (13) (default: the smallest)
      "d":     "2"                 # optional (Theorem 1.4, A.3): the quotient constant d (default: optimal)
    }

The constants that are not given are computed exactly (``checks.recovery_constants``).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from dlncheck.checks.errors import InstanceError
from dlncheck.checks.flow_files import parse_flow_instance
from dlncheck.checks.flow_instances import FlowInstance
from dlncheck.checks.instances import parse_matrix, parse_number, parse_vector, shown

PARAM_KEYS = frozenset({"s", "noise", "form", "rho", "tau", "d"})
# Orders above this make the circuit enumeration of ρ_s (and the instances) large; the claims'
# instances have s = 1 or 2.
MAX_ORDER = 4


@dataclass(frozen=True)
class RecoveryFlowInstance(FlowInstance):
    """A signed-flow instance with the data of a recovery statement (module docstring)."""

    x_star: tuple[Fraction, ...] = ()
    noise: tuple[Fraction, ...] = ()
    order: int = 1
    form: str = ""
    rho: Fraction | None = None
    tau: Fraction | None = None
    d: Fraction | None = None


def parse_recovery_instance(
    data: Any, *, forms: tuple[str, ...], noisy: bool, constants: tuple[str, ...]
) -> RecoveryFlowInstance:
    """Validate a recovery instance; ``forms``: the allowed ``params.form`` values (the first is the
    default); ``noisy``: whether ``params.noise`` is allowed; ``constants``: the optional constants."""
    if not isinstance(data, dict):
        raise InstanceError("a flow instance must be a JSON object")
    params = data.get("params", {})
    if not isinstance(params, dict):
        raise InstanceError("params: expected an object")
    allowed = {"s", "form", *constants} | ({"noise"} if noisy else set())
    unknown = set(params) - allowed
    if unknown:
        raise InstanceError(f"params: unknown key(s) {shown(sorted(unknown))}; allowed: {sorted(allowed)}")
    if "x_star" not in data or "y" in data:
        raise InstanceError("give x_star (not y): the claim speaks of y = A x* (+ e) for its x*")
    A = parse_matrix(data.get("A"), "A") if "A" in data else None
    if A is None:
        raise InstanceError("missing key 'A'")
    x_star = parse_vector(data["x_star"], "x_star")
    if len(x_star) != len(A[0]):
        raise InstanceError(f"x_star has length {len(x_star)} but A has {len(A[0])} columns")
    s = params.get("s", 1)
    if isinstance(s, bool) or not isinstance(s, int) or not 1 <= s <= min(MAX_ORDER, len(A[0])):
        raise InstanceError(
            f"params.s must be an integer in [1, {min(MAX_ORDER, len(A[0]))}], got {shown(s)}"
        )
    noise = parse_vector(params["noise"], "params.noise") if "noise" in params else (Fraction(0),) * len(A)
    if len(noise) != len(A):
        raise InstanceError(f"params.noise has length {len(noise)} but A has {len(A)} rows")
    form = params.get("form", forms[0])
    if form not in forms:
        raise InstanceError(f"params.form must be one of {list(forms)}, got {shown(form)}")
    values = {
        name: parse_number(params[name], f"params.{name}") if name in params else None for name in constants
    }
    y = tuple(
        sum((a * x for a, x in zip(row, x_star, strict=True)), Fraction(0)) + e
        for row, e in zip(A, noise, strict=True)
    )
    flow_data = {key: value for key, value in data.items() if key not in ("params", "x_star")}
    flow_data["y"] = [f"{v.numerator}/{v.denominator}" for v in y]
    base = parse_flow_instance(flow_data)
    if not isinstance(base, FlowInstance) or base.model != "signed":
        raise InstanceError(
            f"these claims speak of the signed flow (mil (35)), not {shown(data.get('model'))}"
        )
    fields = {name: getattr(base, name) for name in FlowInstance.__dataclass_fields__}
    return RecoveryFlowInstance(
        **fields,
        x_star=x_star,
        noise=noise,
        order=s,
        form=form,
        rho=values.get("rho"),
        tau=values.get("tau"),
        d=values.get("d"),
    )
