"""Instance files: the JSON schema, parsing and validation.

An instance is one concrete configuration a claim can be evaluated on.  Numbers are
written as strings (decimal ``"1.5e-30"`` or rational ``"3/7"``) so that the exact value
survives; JSON integers are accepted, and JSON decimal literals are read from their text,
never through a float.  Every number is parsed into a :class:`fractions.Fraction`.

Schema (``dlncheck.instance/1``); every key is optional unless the claim's audit needs it::

    {
      "claim":  "krr.lem5",                     # if present, must name the audited claim
      "A":      [["1", "1/2"], ["0", "2"]],     # M x N measurement matrix
      "y":      ["1", "-3/4"],                  # length M
      "depth":  3,                              # L (mil, wn) or D (krr), an integer >= 2
      "signed": true,                           # signed model (u^L - v^L) or positive (x^L)
      "init":   {"alpha": "1e-3"}               # every factor starts at alpha * 1
             |  {"x0": [...]}                   # positive model, length N
             |  {"u0": [...], "v0": [...]}      # signed model, length N each
             |  {"factors": [[...], ...]}       # L distinct factor vectors, length N each,
      "params": {"beta": [...], "epsilon": "1/10", ...},   # claim-specific, see `dlncheck show`
      "dps":    50                              # default working precision (decimal digits)
    }

Initializations are positive in every paper, so every init entry must be > 0.
Errors are :class:`InstanceError` with a one-line message naming the offending field.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from dlncheck.checks.errors import InstanceError
from dlncheck.checks.json_input import MAX_NUMBER_DIGITS, parse_document, read_document

SCHEMA = "dlncheck.instance/1"

# Decimal exponents beyond this make Fractions with hundreds of thousands of digits;
# parameters that need such scales are given by their logarithm instead (e.g. log_alpha).
MAX_DECIMAL_EXPONENT = 100_000
MAX_PRECISION_DPS = 100_000

_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$", re.ASCII)
_RATIONAL = re.compile(r"^[+-]?\d+/\d+$", re.ASCII)
# The common case, a plain decimal within the limits, read in one match: sign, integer digits,
# fraction digits, exponent (anything else goes through parse_number's checks and messages)
_PLAIN_DECIMAL = re.compile(r"([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,11}))?", re.ASCII)
_MAX_INTEGER_BITS = math.ceil(MAX_NUMBER_DIGITS * math.log2(10))
_NONFINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}

TOP_LEVEL_KEYS = frozenset({"schema", "claim", "A", "y", "depth", "signed", "init", "params", "dps"})
INIT_FORMS = {
    "alpha": ("alpha",),
    "x0": ("x0",),
    "u0v0": ("u0", "v0"),
    "factors": ("factors",),
}


def shown(value: Any) -> str:
    """A value for a one-line error message: short ones as their repr; a long string cut to its
    two ends, a long integer by its size, anything else cut, each saying how long it was."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value).bit_length() > 133:
        return f"an integer of about {round(abs(value).bit_length() * 0.30103)} digits"
    text = repr(value)
    if len(text) <= 42:
        return text
    if isinstance(value, str):
        return repr(f"{value[:18]}...{value[-12:]}") + f" ({len(value)} characters)"
    return f"{text[:40]}... ({len(text)} characters)"


def parse_number(value: Any, where: str) -> Fraction:
    """Parse one number of an instance exactly.

    At most ``MAX_NUMBER_DIGITS`` digits in the mantissa (or in each of a rational's numerator
    and denominator), and a decimal exponent of at most ``MAX_DECIMAL_EXPONENT``.
    """
    if isinstance(value, bool):
        raise InstanceError(f"{where}: expected a number, got a boolean")
    if isinstance(value, int):
        if abs(value).bit_length() > _MAX_INTEGER_BITS:
            raise InstanceError(f"{where}: an integer of more than {MAX_NUMBER_DIGITS} digits")
        return Fraction(value)
    if isinstance(value, float):  # only reachable for dicts built in Python, not from files
        raise InstanceError(f"{where}: give numbers as decimal strings, not floats ({value!r})")
    if not isinstance(value, str):
        raise InstanceError(f"{where}: expected a number as a string, got {type(value).__name__}")
    text = value.strip()
    if text.lower() in _NONFINITE:
        raise InstanceError(f"{where}: non-finite number {shown(value)}")
    rational = _RATIONAL.match(text)
    match = rational or _DECIMAL.match(text)
    if not match:
        raise InstanceError(f'{where}: not a number: {shown(value)} (use e.g. "1.5e-3" or "3/7")')
    mantissa = text if rational else text.lower().split("e")[0]
    if max(len(part) for part in re.split(r"[/.+-]", mantissa)) > MAX_NUMBER_DIGITS:
        raise InstanceError(
            f"{where}: {shown(value)} has more than {MAX_NUMBER_DIGITS} digits; "
            "numbers may have at most that many (or be given as a rational p/q)"
        )
    if rational:
        num, den = text.split("/")
        if int(den) == 0:
            raise InstanceError(f"{where}: zero denominator in {shown(value)}")
        return Fraction(int(num), int(den))
    exponent = match.group(3)
    if exponent and (len(exponent) > 12 or abs(int(exponent[1:])) > MAX_DECIMAL_EXPONENT):
        raise InstanceError(
            f"{where}: the exponent of {shown(value)} exceeds {MAX_DECIMAL_EXPONENT}; "
            "give such scales through a logarithm parameter"
        )
    return Fraction(text)


def _plain_decimal(value: Any) -> Fraction | None:
    """The exact value of a plain decimal string within the limits of :func:`parse_number`, in
    one regular-expression match and one exact division (``Fraction(text)`` matches twice and
    validates again); None for anything else, which :func:`parse_number` then reads or refuses
    with its message."""
    if type(value) is not str:
        return None
    match = _PLAIN_DECIMAL.fullmatch(value)
    if match is None:
        return None
    sign, whole, fraction, exponent = match.groups()
    fraction = fraction or ""
    if not (whole or fraction) or len(whole) > MAX_NUMBER_DIGITS or len(fraction) > MAX_NUMBER_DIGITS:
        return None
    power = int(exponent) if exponent else 0
    if abs(power) > MAX_DECIMAL_EXPONENT:
        return None
    scale = len(fraction) - power
    numerator = int(whole + fraction)
    if sign == "-":
        numerator = -numerator
    if scale <= 0:
        return Fraction(numerator * 10**-scale)
    return Fraction(numerator, 10**scale)


def parse_vector(value: Any, where: str) -> tuple[Fraction, ...]:
    if not isinstance(value, list):
        raise InstanceError(f"{where}: expected a list of numbers")
    if not value:
        raise InstanceError(f"{where}: empty vector")
    parsed = [_plain_decimal(v) for v in value]
    return tuple(
        q if q is not None else parse_number(v, f"{where}[{i}]")
        for i, (q, v) in enumerate(zip(parsed, value, strict=True))
    )


def parse_matrix(value: Any, where: str) -> tuple[tuple[Fraction, ...], ...]:
    if not isinstance(value, list) or not value:
        raise InstanceError(f"{where}: expected a non-empty list of rows")
    rows = tuple(parse_vector(row, f"{where}[{i}]") for i, row in enumerate(value))
    width = len(rows[0])
    for i, row in enumerate(rows):
        if len(row) != width:
            raise InstanceError(
                f"{where}: row {i} has {len(row)} entries but row 0 has {width} (ragged matrix)"
            )
    return rows


@dataclass(frozen=True)
class ParamSpec:
    """One claim-specific parameter of an instance.

    ``shape`` is ``"scalar"``, ``"vector"`` or ``"integer"``; ``constraint`` is ``None``,
    ``"positive"``, ``"nonnegative"``, ``"nonzero"`` (a vector that is not all zero) or
    ``"at_least_2"`` (integers).  ``length`` ties a vector's length to ``"N"`` or ``"M"``.
    """

    name: str
    shape: str
    doc: str
    constraint: str | None = None
    optional: bool = False
    length: str | None = None


@dataclass(frozen=True)
class InstanceSpec:
    """What an audit needs from an instance."""

    needs: frozenset[str] = frozenset()
    init_forms: frozenset[str] = frozenset(INIT_FORMS)
    params: tuple[ParamSpec, ...] = ()
    # groups of parameter names of which exactly one must be given
    one_of: tuple[tuple[str, ...], ...] = ()
    max_depth: int = 64
    # the audit differentiates a loss in its L·N factor entries symbolically (SymPy), at a cost
    # that grows like L²·M·N: ``checks.input_limits`` bounds it
    differentiates: bool = False

    def describe(self) -> list[str]:
        lines = []
        if self.needs:
            lines.append("needs: " + ", ".join(sorted(self.needs)))
        if "init" in self.needs:
            lines.append("init forms: " + ", ".join(sorted(self.init_forms)))
        for p in self.params:
            opt = " (optional)" if p.optional else ""
            cons = f", {p.constraint}" if p.constraint else ""
            lines.append(f"params.{p.name}: {p.shape}{cons}{opt}: {p.doc}")
        for group in self.one_of:
            lines.append("exactly one of: " + ", ".join(f"params.{g}" for g in group))
        return lines


@dataclass(frozen=True)
class Init:
    form: str  # a key of INIT_FORMS
    alpha: Fraction | None = None
    vectors: tuple[tuple[Fraction, ...], ...] = ()

    def factor_vectors(self, n: int, depth: int) -> tuple[tuple[Fraction, ...], ...]:
        """The L factor vectors at t = 0 of the positive model (identical unless given)."""
        if self.form == "alpha":
            return tuple((self.alpha,) * n for _ in range(depth))
        if self.form == "x0":
            return tuple(self.vectors[0] for _ in range(depth))
        if self.form == "factors":
            return self.vectors
        raise InstanceError("this audit needs a positive-model initialization (alpha, x0 or factors)")


@dataclass(frozen=True)
class Instance:
    raw: dict[str, Any]
    A: tuple[tuple[Fraction, ...], ...] | None = None
    y: tuple[Fraction, ...] | None = None
    depth: int | None = None
    signed: bool | None = None
    init: Init | None = None
    params: dict[str, Any] = field(default_factory=dict)
    dps: int | None = None
    claim: str | None = None

    @property
    def M(self) -> int:
        assert self.A is not None
        return len(self.A)

    @property
    def N(self) -> int:
        assert self.A is not None
        return len(self.A[0])


def _parse_int(value: Any, where: str, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InstanceError(f"{where}: expected an integer")
    if isinstance(value, str):
        if not re.fullmatch(r"[+-]?\d+", value.strip()):
            raise InstanceError(f"{where}: expected an integer, got {shown(value)}")
        value = int(value)
    if not minimum <= value <= maximum:
        raise InstanceError(f"{where}: {shown(value)} is outside [{minimum}, {maximum}]")
    return value


def _check_constraint(values: tuple[Fraction, ...], constraint: str | None, where: str) -> None:
    if constraint == "positive":
        for i, v in enumerate(values):
            if v <= 0:
                raise InstanceError(f"{where}[{i}] = {v} but this entry must be positive")
    elif constraint == "nonnegative":
        for i, v in enumerate(values):
            if v < 0:
                raise InstanceError(f"{where}[{i}] = {v} but this entry must be non-negative")
    elif constraint == "nonzero" and all(v == 0 for v in values):
        raise InstanceError(f"{where} must not be the zero vector")


def _parse_init(value: Any, spec: InstanceSpec) -> Init:
    if not isinstance(value, dict) or not value:
        raise InstanceError('init: expected an object such as {"alpha": "1e-3"}')
    keys = frozenset(value)
    forms = [form for form, names in INIT_FORMS.items() if keys == frozenset(names)]
    if not forms:
        raise InstanceError(f"init: unrecognised keys {sorted(keys)}; use alpha, x0, u0+v0 or factors")
    form = forms[0]
    if form not in spec.init_forms:
        raise InstanceError(f"init: form {form!r} not accepted here; use one of {sorted(spec.init_forms)}")
    if form == "alpha":
        alpha = parse_number(value["alpha"], "init.alpha")
        if alpha <= 0:
            raise InstanceError(f"init.alpha = {alpha} but initializations must be positive")
        return Init(form, alpha=alpha)
    if form == "factors":
        rows = value["factors"]
        if not isinstance(rows, list) or not rows:
            raise InstanceError("init.factors: expected a non-empty list of factor vectors")
        vectors = tuple(parse_vector(r, f"init.factors[{k}]") for k, r in enumerate(rows))
    else:
        vectors = tuple(parse_vector(value[name], f"init.{name}") for name in INIT_FORMS[form])
    for k, vec in enumerate(vectors):
        label = f"init.factors[{k}]" if form == "factors" else f"init.{INIT_FORMS[form][k]}"
        _check_constraint(vec, "positive", label)
    return Init(form, vectors=vectors)


def parse_instance(data: Any, spec: InstanceSpec, claim_id: str | None = None) -> Instance:
    """Validate ``data`` (a decoded JSON object) against ``spec``."""
    if not isinstance(data, dict):
        raise InstanceError("an instance must be a JSON object")
    unknown = set(data) - TOP_LEVEL_KEYS
    if unknown:
        raise InstanceError(f"unknown key(s) {shown(sorted(unknown))}; allowed: {sorted(TOP_LEVEL_KEYS)}")
    if "schema" in data and data["schema"] != SCHEMA:
        raise InstanceError(f"schema {shown(data['schema'])} is not {SCHEMA!r}")
    missing = sorted(k for k in spec.needs if k not in data)
    if missing:
        raise InstanceError(f"missing key(s) {missing} needed by this claim's audit")

    claim = data.get("claim")
    if claim is not None and claim_id is not None and claim != claim_id:
        raise InstanceError(f"the instance is for claim {shown(claim)}, not {claim_id!r}")

    A = parse_matrix(data["A"], "A") if "A" in data else None
    y = parse_vector(data["y"], "y") if "y" in data else None
    if y is not None and A is None:
        raise InstanceError("y given without A")
    if A is not None and y is not None and len(y) != len(A):
        raise InstanceError(f"y has length {len(y)} but A has {len(A)} rows")
    depth = _parse_int(data["depth"], "depth", 2, spec.max_depth) if "depth" in data else None
    signed = data.get("signed")
    if signed is not None and not isinstance(signed, bool):
        raise InstanceError("signed: expected true or false")
    dps = _parse_int(data["dps"], "dps", 5, MAX_PRECISION_DPS) if "dps" in data else None

    init = _parse_init(data["init"], spec) if "init" in data else None
    n = len(A[0]) if A is not None else None
    if init is not None and init.vectors:
        for k, vec in enumerate(init.vectors):
            if n is not None and len(vec) != n:
                raise InstanceError(f"init vector {k} has length {len(vec)} but A has {n} columns")
        if init.form == "factors" and depth is not None and len(init.vectors) != depth:
            raise InstanceError(f"init.factors has {len(init.vectors)} factors but depth is {depth}")
    if init is not None and init.form == "u0v0" and signed is False:
        raise InstanceError("init u0/v0 belongs to the signed model but signed is false")

    params = _parse_params(data.get("params", {}), spec, A)
    return Instance(
        raw=dict(data),
        A=A,
        y=y,
        depth=depth,
        signed=signed,
        init=init,
        params=params,
        dps=dps,
        claim=claim,
    )


def _parse_params(value: Any, spec: InstanceSpec, A: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InstanceError("params: expected an object")
    known = {p.name: p for p in spec.params}
    unknown = sorted(set(value) - set(known))
    if unknown:
        raise InstanceError(f"params: unknown parameter(s) {shown(unknown)}; expected {sorted(known)}")
    out: dict[str, Any] = {}
    for p in spec.params:
        where = f"params.{p.name}"
        if p.name not in value:
            in_group = any(p.name in g for g in spec.one_of)
            if not p.optional and not in_group:
                raise InstanceError(f"missing {where} ({p.doc})")
            continue
        raw = value[p.name]
        if p.shape == "scalar":
            x = parse_number(raw, where)
            _check_constraint((x,), p.constraint, where)
            out[p.name] = x
        elif p.shape == "integer":
            out[p.name] = _parse_int(raw, where, 2 if p.constraint == "at_least_2" else 0, 10**6)
        elif p.shape == "vector":
            vec = parse_vector(raw, where)
            if p.length is not None and A is not None:
                expected = len(A[0]) if p.length == "N" else len(A)
                if len(vec) != expected:
                    raise InstanceError(
                        f"{where} has length {len(vec)} but must have {p.length} = {expected}"
                    )
            _check_constraint(vec, p.constraint, where)
            out[p.name] = vec
        else:
            raise AssertionError(f"unknown parameter shape {p.shape}")
    for group in spec.one_of:
        given = [g for g in group if g in value]
        if len(given) != 1:
            raise InstanceError(f"params: give exactly one of {list(group)} (got {given or 'none'})")
    return out


def load_instance_file(path: str | Path) -> dict[str, Any]:
    """Read an instance file into a dict whose decimals are kept as exact text
    (``checks.json_input``: size, nesting and digits are bounded there)."""
    return _instance_object(read_document(path, "instance file"), str(path))


def loads_instance(text: str, source: str = "<string>") -> dict[str, Any]:
    return _instance_object(parse_document(text, source), source)


def _instance_object(data: Any, source: str) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        raise InstanceError(f"{source}: an instance must be a JSON object")
    return dict(data)
