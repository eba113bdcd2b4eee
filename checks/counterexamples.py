"""Stored counterexamples: one JSON file per refuting instance, replayed on every run.

File format (``dlncheck.counterexample/1``)::

    {
      "schema": "dlncheck.counterexample/1",
      "claim": "mil.lemA.2",
      "check": "reduced dynamics",            # the check that found it
      "found_by": "symbolic witness" | "property search",
      "seed": 0,                              # for property searches
      "dps": null | 30,                       # null: exact rational arithmetic
      "instance": { ... instance file ... },  # exact decimal / rational strings
      "status": "violated",
      "margin": "..."                         # the certified violation, as printed
    }

A refutation is never read from the file's ``status``: replaying re-runs the claim's audit
on ``instance`` and the verdict comes from that computation.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dlncheck.checks.audit import VIOLATED, escalate, escalate_evaluation, show_value
from dlncheck.checks.context import COUNTEREXAMPLE_DIR
from dlncheck.checks.instances import InstanceError, loads_instance, parse_instance
from dlncheck.checks.papers import counterexample_dirs, papers
from dlncheck.checks.verdicts import CheckResult, Verdict
from dlncheck.files import atomic_write_text

if TYPE_CHECKING:
    from dlncheck.checks.audit import AuditResult
    from dlncheck.checks.claim import Claim

SCHEMA = "dlncheck.counterexample/1"
PACKAGE_DIR = COUNTEREXAMPLE_DIR


@dataclass(frozen=True)
class StoredCounterexample:
    path: Path
    record: dict[str, Any]


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def file_name(claim_id: str, check: str, instance: dict[str, Any]) -> str:
    digest = hashlib.sha256(json.dumps(instance, sort_keys=True).encode()).hexdigest()[:10]
    return f"{claim_id}--{_slug(check)}--{digest}.json"


def store(
    directories: tuple[Path, ...],
    claim: Claim,
    check: str,
    found_by: str,
    instance: dict[str, Any],
    result: AuditResult,
    seed: int | None = None,
) -> Path:
    """Write a counterexample file, unless an identical instance is already stored in one of
    ``directories`` (those a run reads). It goes to the first of them, or, where that is a
    paper's own folder (no folder given by the user in front), to the claim's paper's folder."""
    instance = {"claim": claim.id, **{k: v for k, v in instance.items() if k != "claim"}}
    name = file_name(claim.id, check, instance)
    for directory in directories:
        if (directory / name).exists():
            return directory / name
    target = directories[0]
    if claim.paper in papers() and target in counterexample_dirs():
        target = papers()[claim.paper].counterexamples or target
    path = target / name
    margin = result.min_violation_margin()
    record = {
        "schema": SCHEMA,
        "claim": claim.id,
        "check": check,
        "found_by": found_by,
        "seed": seed,
        "dps": result.dps,
        "instance": instance,
        "status": result.status,
        "margin": None if margin is None else show_value(margin, 20),
    }
    atomic_write_text(path, json.dumps(record, indent=2) + "\n")
    return path


def stored_for(claim_id: str, directories: tuple[Path, ...]) -> list[StoredCounterexample]:
    """All stored counterexamples of a claim, from every directory, in a stable order."""
    found: dict[str, StoredCounterexample] = {}
    for directory in directories:
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob(f"{claim_id}--*.json")):
            if path.name in found:
                continue
            record = loads_instance(path.read_text(encoding="utf-8"), str(path))
            if record.get("schema") != SCHEMA or record.get("claim") != claim_id:
                raise InstanceError(f"{path}: not a counterexample file for {claim_id}")
            found[path.name] = StoredCounterexample(path, record)
    return list(found.values())


def replay(claim: Claim, stored: StoredCounterexample) -> CheckResult:
    """Re-run the claim's audit on a stored instance; refuted only if it still violates."""
    if claim.audit is None:
        raise InstanceError(f"{stored.path.name}: claim {claim.id} has no audit to replay it with")
    raw = stored.record["instance"]
    dps = stored.record.get("dps") or claim.audit.default_dps
    ladder = tuple(d for d in (dps, 2 * dps, 4 * dps))
    if isinstance(raw, dict) and "model" in raw and claim.audit.limit_bound is not None:
        bound = claim.audit.limit_bound  # a flow instance: the limit is recomputed
        result = escalate_evaluation(bound.evaluate, bound.parse(raw), ladder)
    else:
        result = escalate(claim.audit, parse_instance(raw, claim.audit.spec, claim.id), ladder)
    name = f"replay {stored.path.name}"
    evidence = {"file": stored.path.name, "audit": result.to_json()}
    if result.status == VIOLATED:
        margin = show_value(result.min_violation_margin(), 12)
        how = "exactly" if result.exact else f"at {result.dps} digits (interval arithmetic)"
        return CheckResult(
            name,
            "replay",
            Verdict.REFUTED,
            f"stored counterexample still violates the claim {how}; margin {margin}",
            evidence,
        )
    return CheckResult(
        name,
        "replay",
        Verdict.INCONCLUSIVE,
        f"stored counterexample no longer violates the claim (status: {result.status})",
        evidence,
    )
