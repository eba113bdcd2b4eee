"""mil proof of Theorem 2.1: the coordinate functions g, their zeros, minima, slopes, and c_L."""

from __future__ import annotations

from fractions import Fraction

from flint import arb

from dlncheck.checks.audit import Audit, AuditResult, decide
from dlncheck.checks.claim import declare
from dlncheck.checks.instances import Instance, InstanceSpec, ParamSpec
from dlncheck.checks.symbolic import SymbolicCheck
from dlncheck.checks.verdicts import Verdict
from dlncheck.derivations import coordinate_functions as cf
from dlncheck.numerics import coordinate_functions as numeric_g
from dlncheck.numerics.enclosures import ball, ball_precision

# One instance form for the four claims: the depth L and the coordinate x = (x̃_0)_n > 0.
SPEC = InstanceSpec(
    needs=frozenset({"depth"}),
    params=(
        ParamSpec("x", "scalar", "the coordinate (x̃_0)_n of the initialization", "positive", optional=True),
    ),
)
EXAMPLE = {"depth": 3, "params": {"x": "1/2"}, "dps": 40}


def _printed(depth: int) -> dict[str, object]:
    """The printed (30), (31), g_min and (10) at this depth, per unit x, as balls."""
    if depth == 2:
        return {"c": arb.const_e(), "slope": arb(1), "gmin": arb(-1), "c_L": 1 + arb.const_e()}
    half = arb(depth) / 2
    power = half ** (arb(depth) / (depth - 2))
    return {
        "c": power,
        "slope": arb(2) / depth * (depth - 2),
        "gmin": arb(2 - depth),
        "c_L": half + power,
    }


def _audit(claim_id: str, which: tuple[str, ...]):
    def evaluate(instance: Instance, dps: int) -> AuditResult:
        depth = instance.depth
        x_value = instance.params.get("x", Fraction(1))
        with ball_precision(dps):
            x = ball(x_value)
            f = numeric_g.features(depth, x_value, dps)
            printed = _printed(depth)
            table = {
                "argmin": ("argmin g (interval Newton)", f.argmin, "x", x),
                "gmin": ("g_min (interval Newton)", f.minimum, "printed g_min", printed["gmin"] * x),
                "c": ("c_n (interval Newton)", f.zero, "printed c_n (30)", printed["c"] * x),
                "slope": ("g'(c_n)", f.slope, "printed (31)", printed["slope"]),
                "c_L": ("(c_n - g_min/g'(c_n))/x", f.c_L, "printed c_L (10)", printed["c_L"]),
            }
            quantities, relations = [], []
            for key in which:
                left_name, left, right_name, right = table[key]
                quantities += [(left_name, left), (right_name, right)]
                relations.append(decide(left_name, "=", right_name, left, right))
        return AuditResult(claim_id, dps, tuple(quantities), tuple(relations))

    return evaluate


def _audit_for(claim_id: str, which: tuple[str, ...], description: str) -> Audit:
    return Audit(
        spec=SPEC, evaluate=_audit(claim_id, which), example=EXAMPLE, description=description, default_dps=40
    )


def _both_cases(name: str, derive, description: str) -> tuple[SymbolicCheck, SymbolicCheck]:
    return (
        SymbolicCheck(f"{name}, L = 2", description, lambda: derive(2)),
        SymbolicCheck(
            f"{name}, L > 2", description + " (symbolic L = 2 + delta)", lambda: derive(cf.L_SYMBOLIC)
        ),
    )


G_STATEMENT = (
    r"$g_{(\tilde x_0)_n}(z_n)=z_n(\log z_n-1-\log(\tilde x_0)_n)$ if $L=2$, "
    r"$2z_n-Lz_n^{2/L}(\tilde x_0)_n^{1-2/L}$ if $L>2$ (28)"
)

declare(
    id="mil.eq.gmin",
    expected=Verdict.VERIFIED,
    checks=_both_cases("minimum", cf.minimum, "solve g' = 0, show g'' > 0, evaluate g there"),
    audit=_audit_for(
        "mil.eq.gmin",
        ("argmin", "gmin"),
        "certified interval Newton in balls for the zero of g' and the value of g there",
    ),
)

declare(
    id="mil.eq30",
    equations=("30",),
    expected=Verdict.VERIFIED,
    checks=_both_cases(
        "zeros", cf.positive_zero, "g(0+) = 0; solve g(z)/z = 0, show g(z)/z increasing (one positive zero)"
    ),
    audit=_audit_for("mil.eq30", ("c",), "certified interval Newton in balls for the positive zero of g"),
)

declare(
    id="mil.eq31",
    equations=("31",),
    expected=Verdict.VERIFIED,
    checks=_both_cases("slope", cf.slope_at_zero, "differentiate g and evaluate at the derived zero"),
    audit=_audit_for("mil.eq31", ("slope",), "g' on the certified enclosure of c_n"),
)

declare(
    id="mil.eq10",
    equations=("10", "17"),
    expected=Verdict.VERIFIED,
    checks=(
        *_both_cases(
            "c_L", cf.constant_c_L, "c_L = (c_n - g_min/g'(c_n))/x from the derived zero, minimum and slope"
        ),
        SymbolicCheck(
            "catalogue values c_3, c_4",
            "c_3 = 4.875, c_4 = 6 (the catalogue's numbers; the paper prints none) exactly",
            cf.constant_c_L_values,
        ),
    ),
    audit=_audit_for(
        "mil.eq10", ("c_L",), "c_L from certified enclosures of c_n, g_min and g'(c_n), against (10)"
    ),
)
