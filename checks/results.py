"""Machine-readable results: the ``--json`` document and the latest verdicts per workspace."""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import checks
from checks.counterexamples import atomic_write_text
from checks.runner import ClaimResult, RunContext

RESULTS_SCHEMA = "dlncheck.results/1"
STATE_ENV = "DLNCHECK_STATE"
STATE_FILE = "latest.json"


def versions() -> dict[str, str]:
    out = {"dlncheck": checks.__version__, "python": platform.python_version()}
    for name in ("sympy", "mpmath", "numpy", "scipy", "hypothesis"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def document(
    results: Iterable[ClaimResult], ctx: RunContext, started: float, wall_s: float
) -> dict[str, Any]:
    results = list(results)
    return {
        "schema": RESULTS_SCHEMA,
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "wall_s": round(wall_s, 3),
        "seed": ctx.seed,
        "budget": ctx.budget,
        "versions": versions(),
        "all_match_expected": all(r.matches for r in results),
        "claims": [r.to_json() for r in results],
    }


def write_json(path: Path, payload: dict[str, Any]) -> None:
    atomic_write_text(path, json.dumps(payload, indent=2, default=str) + "\n")


def state_dir(explicit: str | None = None) -> Path:
    return Path(explicit or os.environ.get(STATE_ENV) or ".dlncheck")


def load_latest(directory: Path) -> dict[str, dict[str, Any]]:
    """Latest result per claim id recorded in this workspace (empty if none or unreadable)."""
    path = directory / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data.get("claims", {}) if isinstance(data, dict) else {}


def record_latest(directory: Path, doc: dict[str, Any]) -> None:
    """Merge a run's results into the workspace's latest verdicts."""
    latest = load_latest(directory)
    for claim in doc["claims"]:
        latest[claim["claim"]] = {
            **claim,
            "run_started": doc["started"],
            "seed": doc["seed"],
            "budget": doc["budget"],
        }
    write_json(directory / STATE_FILE, {"schema": RESULTS_SCHEMA, "claims": latest})
