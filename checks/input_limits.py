"""What the commands can compute, checked where input enters, before any work starts.

A computation that cannot succeed on an input (a matrix too large for the method, a scale
float64 cannot hold, a cancellation that eats every digit) is refused at once with one line
that names the limit and what to do instead, rather than run for minutes, print overflow
warnings and fail.  Each limit below is named, with the measurement or the reason behind it;
the README's "Input limits" table is this module.

Two kinds of check:

* on the decoded JSON, before any number is parsed (:func:`check_flow_size`,
  :func:`check_audit_size`): the shape of A against the method's size limit, so that a
  5000 × 5000 matrix is refused in the time it takes to read the file;
* on the parsed instance (:func:`check_flow_ranges`, :func:`check_audit_ranges`): the decimal
  magnitudes of the data and of the initialization against what the method represents.

Magnitudes are read as decimal exponents of the exact rationals (``numerics.magnitudes``),
never through a float.  The ranges were measured on the README's 2 × 4 instances, every
model, L = 2, 3, α = 10^k for k from -320 to 150 (``dlncheck flow`` in-process): within them
each method converged; outside them it failed or overflowed.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from dlncheck.checks.errors import InstanceError
from dlncheck.numerics.magnitudes import exponent_range, log10_of

# ------------------------------------------------------------------------------ sizes

# Entries M·N of A.  float64: parsing costs ~4 µs an entry (exact rationals; 0.54 s at 150 × 1000,
# 2026-12-08) and the dense solvers O(M²N); 150 × 1000 takes 2-3.5 s end to end, so 10⁶ entries
# is minutes.
FLOAT64_FLOW_MAX_ENTRIES = 1_000_000
# arb refinement (--dps): 150 × 1000 at 50 digits takes 5.4 s in the solver, growing like M²N.
ARB_PROJECTION_MAX_ENTRIES = 250_000
# integration at --dps digits factors M × M arb matrices at every step of an extrapolation
# integrator: small instances only.
PRECISE_FLOW_MAX_ENTRIES = 400
# The integration at --dps (numerics.stiff_extrapolation) sizes its steps by float64 ratios of an
# error to rtol = 10^-(dps + guard): from about 300 digits they leave float64's range ("f(y0) is
# not finite" at 310 and 314 digits on a 1 × 2 signed instance, found by the fuzz; 190 digits
# converge).  200 keeps a margin; the certified projection goes to MAX_PRECISION digits.
PRECISE_FLOW_MAX_DPS = 200
# audits evaluate the claim exactly or in intervals on one instance, symbolically where the
# claim differentiates (mil Lemmas A.1, A.2): 10 × 10 takes ~5 s, 30 × 30 ~15 s.
AUDIT_MAX_ENTRIES = 400

# ------------------------------------------------------------------------------ magnitudes

# Nonzero entries of A and y, as decimal exponents: the solvers form AᵀDA and A x in float64
# (the arb refinement too, for its start and directions; the face LP in HiGHS), so products of
# two entries with the initialization's scale on top must stay inside float64's 1e±308.
FLOW_DATA_MAX_EXPONENT = 100
# Largest initial product p = (factor entry)^L: above it the float64 flows overflow on their
# way (positive model: 1e120 converged, 1e160 overflowed; the projection failed beyond 1e200).
PRODUCT_MAX_EXPONENT = 100
# Smallest initial product the projections represent: they evaluate x0 = p in float64 (the arb
# refinement starts from the float64 solution); below float64's normal range it is 0.
PROJECTION_PRODUCT_MIN_EXPONENT = -300
# At L > 2 the float64 flows and projections run in a dual shifted by c ~ α^{-(L-2)}
# (``numerics.power_shift``), a float64 number.
SHIFT_OFFSET_MAX_EXPONENT = 300
# Sign-free models (signed, krr, ...) have the limit ũ∞ - ṽ∞ of two products of size p: it
# cancels log10(p / s) digits, s the data's scale ‖y‖∞ / max|A|.  float64 reached the limit
# with 2 digits cancelled (α = 10, L = 2) and not with 4 (α = 100); the arb refinement
# certifies about dps - cancelled - 8 digits, so it is asked for this many guard digits.
FLOAT64_CANCELLATION_DIGITS = 2
# float64 integration in the factors themselves (``numerics.factor_flows*``: overparam,
# overparam_signed, krr_uv, sensing), decimal exponents of the initial factor entries (sensing:
# of μ): L = 2 converged from 1e-80 to 1e10 and failed at 1e-150 and 1e20 (overflow, or no
# convergence in minutes); L = 3, 4 converged from 1e-30 and failed at 1e-40.
FACTOR_FLOW_ENTRY_EXPONENTS = {2: (-80, 10), 3: (-30, 10)}  # L >= 3 as 3
# wn's (r, u) flow (``numerics.weight_normalization_flow``), exponents of the initial products
# x(0)^L: converged from 1e-30 (L = 3 at α = 1e-10, L = 4 at 1e-4 ... 1e-30 at L = 2: 1e-60)
# to 1e20, and failed or ran past 40 s at 1e-40 (L = 4 at α = 1e-10) and 1e50 (L = 2, α = 1e25).
WN_FLOW_PRODUCT_EXPONENTS = (-30, 20)
ARB_CANCELLATION_GUARD = 20
# Audits: decimal exponents of every number of the instance.  Exact audits raise entries to
# the L-th power and symbolic ones print them; claims that speak of smaller scales take their
# logarithm as a parameter (krr.lem5's log_alpha).
AUDIT_MAX_EXPONENT = 1000
# Exact audits of factor flows multiply L entries: at most this many digits in a product.
AUDIT_MAX_PRODUCT_DIGITS = 4000
# Audits that differentiate the loss in its L·N factor entries in SymPy (mil Lemmas A.1, A.2):
# work L²·M·N at most this: measured 2.5 s at L = 32, M × N = 2 × 3 (6144), 2.6 s at L = 16,
# 5 × 5 (6400), 1.9 s at L = 3, 20 × 20 (3600); L = 64 at 2 × 3 (24576) ran past 20 s.
AUDIT_MAX_SYMBOLIC_WORK = 12_000

FLOAT64_DIGITS = 16


# ------------------------------------------------------------------------------ flows


def _shape(data: Any) -> tuple[int, int] | None:
    A = data.get("A") if isinstance(data, dict) else None
    if not isinstance(A, list) or not A or not isinstance(A[0], list):
        return None  # the parser says what is wrong with it
    return len(A), max(len(row) if isinstance(row, list) else 0 for row in A)


def check_flow_size(data: Any, method: str, dps: int | None) -> None:
    """The size of A against the methods asked for, before any number is parsed."""
    shape = _shape(data)
    if shape is None:
        return
    m, n = shape
    if isinstance(data.get("dps"), int) and not isinstance(data.get("dps"), bool) and dps is None:
        dps = data["dps"]
    high = dps is not None and dps > FLOAT64_DIGITS
    entries = m * n
    if entries > FLOAT64_FLOW_MAX_ENTRIES:
        raise InstanceError(
            f"A is {m} × {n} ({entries:,} entries); flows are computed for at most "
            f"{FLOAT64_FLOW_MAX_ENTRIES:,} entries"
        )
    if high and method in ("project", "both") and entries > ARB_PROJECTION_MAX_ENTRIES:
        raise InstanceError(
            f"A is {m} × {n} ({entries:,} entries); the projection at {dps} digits is computed for at "
            f"most {ARB_PROJECTION_MAX_ENTRIES:,} entries; drop --dps for float64"
        )
    if high and method in ("integrate", "both") and dps > PRECISE_FLOW_MAX_DPS:
        raise InstanceError(
            f"integration at {dps} digits: the integrator at --dps works to at most {PRECISE_FLOW_MAX_DPS} "
            "digits; use --method project for more (its projection is certified at any --dps)"
        )
    if high and method in ("integrate", "both") and entries > PRECISE_FLOW_MAX_ENTRIES:
        raise InstanceError(
            f"A is {m} × {n}; integration at {dps} digits is for small instances "
            f"(M·N <= {PRECISE_FLOW_MAX_ENTRIES}); use --method project for this one"
        )


def _initial_products(instance) -> tuple[list[float], int, bool]:
    """(log10 of the nonzero initial factor entries, the power L that makes them products, and
    whether the model's limit is a difference of two products), for the instances of
    ``checks.flow_instances`` (u0, v0), ``checks.flow_models`` (x0) and ``checks.flow_wn``
    (alpha, or r0 and a direction); read by attribute, so that the parsers can call this module."""
    model = instance.model
    if hasattr(instance, "u0"):  # FlowInstance
        entries = instance.u0 + (instance.v0 or ())
        return [log10_of(v) for v in entries], instance.depth, model in ("signed", "krr")
    if hasattr(instance, "x0"):  # FactorFlowInstance
        logs = [log10_of(v) for v in instance.x0 if v != 0]
        reduced = instance.reduced
        sign_free = (reduced.model in ("signed", "krr")) if reduced is not None else model != "overparam"
        sign_free = sign_free or instance.products is not None
        power = 1 if model == "sensing" else instance.depth  # δ, Δ are products already
        return logs, power, sign_free
    if instance.alpha is not None:  # WnFlowInstance
        return [log10_of(instance.alpha)], instance.depth, model == "wn_signed"
    norm = 0.5 * log10_of(sum((d * d for d in instance.direction), Fraction(0)))
    logs = [log10_of(instance.r0) + log10_of(d) - norm for d in instance.direction]
    return logs, instance.depth, model == "wn_signed"


def _exponent(value: float) -> str:
    """A decimal exponent as "1e-300" (rounded outward, after the logarithms' rounding)."""
    nearest = round(value)
    if abs(value - nearest) < 1e-9 * max(1.0, abs(value)):
        return f"1e{nearest}"
    return f"1e{math.floor(value)}" if value < 0 else f"1e{math.ceil(value)}"


def check_flow_data(A, y) -> None:
    """Nonzero entries of A and y within 1e±FLOW_DATA_MAX_EXPONENT (every flow model, every method)."""
    for name, values in (("A", [a for row in A for a in row]), ("y", y)):
        span = exponent_range(values)
        if span is not None and max(abs(span[0]), abs(span[1])) > FLOW_DATA_MAX_EXPONENT:
            worst = span[0] if abs(span[0]) > abs(span[1]) else span[1]
            raise InstanceError(
                f"{name} has an entry of size about {_exponent(worst)}; the flow solvers work in float64 "
                f"with nonzero entries of A and y between 1e-{FLOW_DATA_MAX_EXPONENT} and "
                f"1e{FLOW_DATA_MAX_EXPONENT} in size: rescale A and y"
            )


def check_flow_ranges(instance, method: str, dps: int | None) -> None:
    """The magnitudes of the initial products against the methods asked for (the data's were
    checked by the parser, ``check_flow_data``)."""
    logs, power, sign_free = _initial_products(instance)
    if not logs:
        return
    smallest, largest = min(logs) * power, max(logs) * power
    high = dps is not None and dps > FLOAT64_DIGITS
    projecting = method in ("project", "both")
    if largest > PRODUCT_MAX_EXPONENT:
        raise InstanceError(
            f"init: the initial products (factor entries to the power {power}) reach "
            f"{_exponent(largest)}; the flows and projections are computed up to 1e{PRODUCT_MAX_EXPONENT}"
        )
    if projecting and instance.depth == 2 and smallest < PROJECTION_PRODUCT_MIN_EXPONENT:
        hint = (
            "; --method integrate computes this limit (in log coordinates)"
            if method == "both"
            else "; use --method integrate (in log coordinates)"
        )
        raise InstanceError(
            f"init: the initial products reach {_exponent(smallest)}, below "
            f"1e{PROJECTION_PRODUCT_MIN_EXPONENT}: the projection evaluates them in float64 "
            f"(also at --dps, whose refinement starts from the float64 solution){hint}"
        )
    if power > 2 and (power - 2) * -min(logs) > SHIFT_OFFSET_MAX_EXPONENT and not high:
        raise InstanceError(
            f"init: at L = {power} the smallest initial entry 1e{math.floor(min(logs))} puts the "
            f"float64 shift α^-(L-2) beyond 1e{SHIFT_OFFSET_MAX_EXPONENT}; float64 computes L = {power} "
            f"for entries down to 1e-{SHIFT_OFFSET_MAX_EXPONENT // (power - 2)}"
        )
    if method in ("integrate", "both"):
        _check_float64_integration(instance, logs, power)
    if sign_free:
        _check_cancellation(instance, largest, dps if high else None)


def _check_float64_integration(instance, logs: list[float], power: int) -> None:
    """The measured ranges of the factor flows' and wn's float64 integrations."""
    if hasattr(instance, "x0"):  # a factor flow
        low, high = FACTOR_FLOW_ENTRY_EXPONENTS[min(instance.depth, 3)]
        entries = [v / 2 for v in logs] if instance.model == "sensing" else logs  # Δ0 = 2μ²: μ's scale
        worst = min(entries) if min(entries) < low else max(entries)
        if not low <= worst <= high:
            raise InstanceError(
                f"init: factor entries of size about {_exponent(worst)}; {instance.model} is integrated "
                f"in its factors in float64 for entries from 1e{low} to 1e{high} at L = {instance.depth}; "
                "use --method project"
            )
    elif hasattr(instance, "direction"):  # wn's (r, u) flow
        low, high = WN_FLOW_PRODUCT_EXPONENTS
        worst = min(logs) * power if min(logs) * power < low else max(logs) * power
        if not low <= worst <= high:
            raise InstanceError(
                f"init: initial products x(0)^L of size about {_exponent(worst)}; wn's flow is "
                f"integrated in float64 for products from 1e{low} to 1e{high}; use --method project"
            )


def _check_cancellation(instance, largest: float, dps: int | None) -> None:
    """Sign-free limits ũ∞ - ṽ∞ cancel log10(p / s) digits (see FLOAT64_CANCELLATION_DIGITS);
    ``dps`` is the precision above float64's, None for float64."""
    largest_entry = max(abs(a) for row in instance.A for a in row)
    if largest_entry == 0:
        return  # A = 0: Az = y has no solution, which the flow's feasibility check reports
    data_scale = log10_of(max(abs(v) for v in instance.y)) - log10_of(largest_entry)
    lost = largest - data_scale
    if lost <= FLOAT64_CANCELLATION_DIGITS:
        return
    needed = math.ceil(lost) + ARB_CANCELLATION_GUARD + 10
    what = (
        f"the limit is a difference of two products of size {_exponent(largest)} "
        f"(data scale 1e{round(data_scale)})"
    )
    if dps is None:
        raise InstanceError(
            f"precision too low: {what}, which cancels about {math.ceil(lost)} of float64's 16 digits; "
            f"rerun with --method project --dps {needed}"
        )
    if dps < math.ceil(lost) + ARB_CANCELLATION_GUARD:
        raise InstanceError(
            f"precision too low: {what}, which cancels about {math.ceil(lost)} digits; rerun with "
            f"--dps {needed} or more"
        )


# ------------------------------------------------------------------------------ audits


def check_audit_size(data: Any) -> None:
    """The size of an audit's A, before any number is parsed."""
    shape = _shape(data)
    if shape is not None and shape[0] * shape[1] > AUDIT_MAX_ENTRIES:
        m, n = shape
        raise InstanceError(
            f"A is {m} × {n}; audits evaluate one small instance exactly or in intervals "
            f"(M·N <= {AUDIT_MAX_ENTRIES}); use dlncheck flow for large instances"
        )


def _numbers(value: Any, where: str):
    """(where, Fraction) for every rational in a parsed instance part (vectors, matrices, scalars)."""
    if isinstance(value, Fraction | int) and not isinstance(value, bool):
        yield where, Fraction(value)
    elif isinstance(value, tuple | list):
        for i, item in enumerate(value):
            yield from _numbers(item, f"{where}[{i}]")


def check_audit_ranges(instance, audit) -> None:
    """Every number of an audit instance within 1e±AUDIT_MAX_EXPONENT; for exact audits of a
    factor flow, products of L initial entries within AUDIT_MAX_PRODUCT_DIGITS digits; for
    symbolic ones, the work within AUDIT_MAX_SYMBOLIC_WORK."""
    exact = audit.exact
    if audit.spec.differentiates and instance.A is not None and instance.depth is not None:
        work = instance.depth**2 * instance.M * instance.N
        if work > AUDIT_MAX_SYMBOLIC_WORK:
            raise InstanceError(
                f"this audit differentiates the loss in its L·N factor entries symbolically; at L = "
                f"{instance.depth} and A {instance.M} × {instance.N} the work L²·M·N = {work:,} exceeds "
                f"{AUDIT_MAX_SYMBOLIC_WORK:,} (minutes): take a smaller depth or matrix"
            )
    parts: list[tuple[str, Any]] = [("A", instance.A), ("y", instance.y)]
    if instance.init is not None:
        parts += [("init.alpha", instance.init.alpha), ("init", instance.init.vectors)]
    parts += [(f"params.{name}", value) for name, value in instance.params.items()]
    largest_digits = 0
    for name, value in parts:
        for where, number in _numbers(value, name):
            if number == 0:
                continue
            size = log10_of(number)
            if abs(size) > AUDIT_MAX_EXPONENT:
                raise InstanceError(
                    f"{where} is about {_exponent(size)}; audits take numbers between "
                    f"1e-{AUDIT_MAX_EXPONENT} and 1e{AUDIT_MAX_EXPONENT} in size (a claim about smaller "
                    "scales takes their logarithm as a parameter, see dlncheck show)"
                )
            if name.startswith("init"):
                digits = math.log10(abs(number.numerator) + 1) + math.log10(number.denominator + 1)
                largest_digits = max(largest_digits, digits)
    if exact and instance.depth is not None and largest_digits * instance.depth > AUDIT_MAX_PRODUCT_DIGITS:
        raise InstanceError(
            f"the exact audit multiplies L = {instance.depth} initial entries of up to "
            f"{math.ceil(largest_digits)} digits; it is computed for products of at most "
            f"{AUDIT_MAX_PRODUCT_DIGITS} digits"
        )
