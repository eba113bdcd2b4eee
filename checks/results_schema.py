"""The schemas of the results documents, and their validation.

Two documents hold claim results:

* ``dlncheck.results/1``: what ``check --json`` writes (``checks.results.document``) and
  ``report --from-json`` reads::

      {"schema": "dlncheck.results/1", "started": str, "wall_s": number, "seed": int,
       "budget": int, "versions": {name: str}, "all_match_expected": bool,
       "claims": [claim record, ...]}

* ``dlncheck.state/1``: the latest result per claim of a workspace (``.dlncheck/latest.json``)::

      {"schema": "dlncheck.state/1", "claims": {id: claim record + {"run_started": str,
       "seed": int, "budget": int}}}

  (state files written before this schema existed carry ``dlncheck.results/1`` with the same
  ``claims`` mapping, and are read as state).

A claim record is ``checks.runner.ClaimResult.to_json``: ``claim``, ``verdict``, ``expected``,
``matches_expected``, ``depends_on_refuted``, ``wall_s`` and ``checks``, a list of
``checks.verdicts.CheckResult.to_json`` records (``check``, ``kind``, ``verdict``, ``summary``,
``evidence``, ``wall_s``), whose ``evidence.derivation``, where present, is
``derivations.derivation.Derivation.to_json`` (read by the reports).  Keys beyond these are
allowed.  Beyond types, a record must be consistent: its verdict is the conjunction of its
checks' verdicts, ``matches_expected`` says whether verdict equals expected, and a document's
``all_match_expected`` agrees with its claims.

Validation stops at the first offending field and names it, e.g.
``claims[3].verdict 'maybe' is not one of verified, supported, refuted, inconclusive``.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import Any

from dlncheck.checks.instances import InstanceError
from dlncheck.checks.verdicts import Verdict, conjunction

RESULTS_SCHEMA = "dlncheck.results/1"
STATE_SCHEMA = "dlncheck.state/1"

VERDICTS = tuple(str(v) for v in Verdict)


class ResultsSchemaError(InstanceError):
    """A results or state document that does not follow its schema; one line naming the field."""


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _field(record: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in record:
        raise ResultsSchemaError(f"{where}.{key} is missing" if where else f"{key} is missing")
    return record[key]


def _name(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _typed(
    record: Mapping[str, Any], key: str, where: str, kind: type | tuple[type, ...], expected: str
) -> Any:
    value = _field(record, key, where)
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _as_tuple(kind)):
        raise ResultsSchemaError(f"{_name(where, key)} is {_json_type(value)}, expected {expected}")
    return value


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _string(record: Mapping[str, Any], key: str, where: str) -> str:
    return _typed(record, key, where, str, "a string")


def _object(record: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
    return _typed(record, key, where, dict, "an object")


def _array(record: Mapping[str, Any], key: str, where: str) -> list[Any]:
    return _typed(record, key, where, list, "an array")


def _seconds(record: Mapping[str, Any], key: str, where: str) -> float:
    value = _typed(record, key, where, (int, float), "a number of seconds")
    if not math.isfinite(value) or value < 0:
        raise ResultsSchemaError(f"{_name(where, key)} {value} is not a finite non-negative number")
    return value


def _integer(record: Mapping[str, Any], key: str, where: str, minimum: int) -> int:
    value = _typed(record, key, where, int, "an integer")
    if value < minimum:
        raise ResultsSchemaError(f"{_name(where, key)} {value} is less than {minimum}")
    return value


def _verdict(record: Mapping[str, Any], key: str, where: str) -> Verdict:
    value = _string(record, key, where)
    if value not in VERDICTS:
        raise ResultsSchemaError(f"{_name(where, key)} {value!r} is not one of {', '.join(VERDICTS)}")
    return Verdict(value)


def _record(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ResultsSchemaError(f"{where} is {_json_type(value)}, expected an object")
    return value


def _optional_string(record: Mapping[str, Any], key: str, where: str) -> None:
    if record.get(key) is not None:
        _string(record, key, where)


def validate_derivation(derivation: Any, where: str) -> None:
    """The parts of a derivation's JSON that the reports read."""
    derivation = _record(derivation, where)
    _string(derivation, "title", where)
    _string(derivation, "outcome", where)
    for key in ("assumptions", "method", "printed_latex", "derived_latex", "corrected_latex"):
        _optional_string(derivation, key, where)
    if "steps" in derivation:
        for i, step in enumerate(_array(derivation, "steps", where)):
            step_where = f"{where}.steps[{i}]"
            _string(_record(step, step_where), "text", step_where)
            _optional_string(step, "latex", step_where)


def validate_check_record(record: Any, where: str) -> Verdict:
    """One ``CheckResult.to_json`` record; returns its verdict."""
    record = _record(record, where)
    for key in ("check", "kind", "summary"):
        _string(record, key, where)
    verdict = _verdict(record, "verdict", where)
    evidence = _object(record, "evidence", where)
    if "derivation" in evidence:
        validate_derivation(evidence["derivation"], f"{where}.evidence.derivation")
    _seconds(record, "wall_s", where)
    return verdict


def validate_claim_record(
    record: Any, where: str, known_ids: Collection[str] | None = None
) -> dict[str, Any]:
    """One ``ClaimResult.to_json`` record; ``known_ids``, if given, are the registered claim ids."""
    record = _record(record, where)
    claim_id = _string(record, "claim", where)
    if known_ids is not None and claim_id not in known_ids:
        raise ResultsSchemaError(f"{where}.claim {claim_id!r} is not a registered claim")
    verdict = _verdict(record, "verdict", where)
    expected = _verdict(record, "expected", where)
    matches = _typed(record, "matches_expected", where, bool, "a boolean")
    if matches != (verdict == expected):
        raise ResultsSchemaError(
            f"{where}.matches_expected is {str(matches).lower()} but verdict {str(verdict)!r} "
            f"and expected {str(expected)!r} {'differ' if matches else 'are equal'}"
        )
    for i, dep in enumerate(_array(record, "depends_on_refuted", where)):
        if not isinstance(dep, str):
            raise ResultsSchemaError(
                f"{where}.depends_on_refuted[{i}] is {_json_type(dep)}, expected a claim id"
            )
    _seconds(record, "wall_s", where)
    checks = _array(record, "checks", where)
    found = [validate_check_record(c, f"{where}.checks[{i}]") for i, c in enumerate(checks)]
    combined = conjunction(found)
    if verdict != combined:
        raise ResultsSchemaError(
            f"{where}.verdict {str(verdict)!r} is not the conjunction of its checks' verdicts "
            f"({str(combined)!r})"
        )
    return record


def validate_results_document(doc: Any, known_ids: Collection[str] | None = None) -> dict[str, Any]:
    """A whole ``dlncheck.results/1`` document (``check --json``); returns it."""
    if not isinstance(doc, dict):
        raise ResultsSchemaError(f"the document is {_json_type(doc)}, expected an object")
    schema = doc.get("schema")
    if schema != RESULTS_SCHEMA:
        shown = "missing" if schema is None else repr(schema)
        raise ResultsSchemaError(f"schema is {shown}, expected {RESULTS_SCHEMA!r} (a `check --json` file)")
    _string(doc, "started", "")
    _seconds(doc, "wall_s", "")
    _integer(doc, "seed", "", 0)
    _integer(doc, "budget", "", 1)
    for name, version in _object(doc, "versions", "").items():
        if not isinstance(version, str):
            raise ResultsSchemaError(f"versions.{name} is {_json_type(version)}, expected a string")
    all_match = _typed(doc, "all_match_expected", "", bool, "a boolean")
    claims = _array(doc, "claims", "")
    first_at: dict[str, int] = {}
    for i, record in enumerate(claims):
        claim_id = validate_claim_record(record, f"claims[{i}]", known_ids)["claim"]
        if claim_id in first_at:
            raise ResultsSchemaError(
                f"claims[{i}].claim {claim_id!r} already appears at claims[{first_at[claim_id]}]"
            )
        first_at[claim_id] = i
    if all_match != all(c["matches_expected"] for c in claims):
        raise ResultsSchemaError(
            f"all_match_expected is {str(all_match).lower()} but "
            + ("a claim's verdict differs from its expectation" if all_match else "every claim matches")
        )
    return doc


def validate_state_document(doc: Any) -> dict[str, dict[str, Any]]:
    """A workspace's state (``dlncheck.state/1``); returns its records by claim id.

    Ids are not checked against the registry: a state may come from another version of
    dlncheck, and a record of a claim that is no longer registered is simply never read.
    """
    if not isinstance(doc, dict):
        raise ResultsSchemaError(f"the document is {_json_type(doc)}, expected an object")
    schema = doc.get("schema")
    if schema not in (STATE_SCHEMA, RESULTS_SCHEMA):  # RESULTS_SCHEMA: state files of before
        shown = "missing" if schema is None else repr(schema)
        raise ResultsSchemaError(f"schema is {shown}, expected {STATE_SCHEMA!r}")
    claims = _object(doc, "claims", "")
    for claim_id, record in claims.items():
        where = f"claims[{claim_id!r}]"
        validate_claim_record(record, where)
        if record["claim"] != claim_id:
            raise ResultsSchemaError(f"{where}.claim is {record['claim']!r}, not its key")
        _string(record, "run_started", where)
        _integer(record, "seed", where, 0)
        _integer(record, "budget", where, 1)
    return claims
