"""Machine-readable results: the ``--json`` document and the latest verdicts per workspace.

The schemas of both documents, and their validation, are in ``checks.results_schema``.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import dlncheck
from dlncheck.checks.context import RunContext
from dlncheck.checks.instances import InstanceError
from dlncheck.checks.json_input import JsonInputError, parse_document
from dlncheck.checks.output_paths import require_writable_folder
from dlncheck.checks.results_schema import (
    RESULTS_SCHEMA,
    STATE_SCHEMA,
    ResultsSchemaError,
    validate_state_document,
)
from dlncheck.checks.runner import ClaimResult
from dlncheck.files import atomic_write_text

STATE_ENV = "DLNCHECK_STATE"
STATE_FILE = "latest.json"


def versions() -> dict[str, str]:
    out = {"dlncheck": dlncheck.__version__, "python": platform.python_version()}
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


class StateError(InstanceError):
    """A state location that is not a folder; one line, exit code 2."""


def state_dir(explicit: str | None = None) -> Path:
    return Path(explicit or os.environ.get(STATE_ENV) or ".dlncheck")


def state_option(explicit: str | None = None) -> str:
    """How the user chose the state folder, for messages: ``--state``, ``$DLNCHECK_STATE`` or the default."""
    if explicit:
        return "--state"
    return f"${STATE_ENV}" if os.environ.get(STATE_ENV) else "state folder"


def run_state_dir(explicit: str | None = None) -> Path:
    """The state folder of a command that records verdicts, tested before the run starts.

    Refused (:class:`~checks.output_paths.OutputPathError`): a file, or a place where the
    folder cannot be created or written.  A corrupt state file is reported and set aside now
    (see :func:`load_latest`), not after the run.
    """
    directory, option = state_dir(explicit), state_option(explicit)
    require_writable_folder(directory, option, create=True)
    load_latest(directory, option)
    return directory


def _warn(text: str) -> None:
    print(f"dlncheck: warning: {text}", file=sys.stderr)


def load_latest(
    directory: Path, option: str = "state folder", warn: Callable[[str], None] = _warn
) -> dict[str, dict[str, Any]]:
    """Latest result per claim id recorded in this workspace.

    No state file yet: empty.  A state file that cannot be read, is not JSON or does not follow
    ``dlncheck.state/1``: one warning, the file is renamed aside (so the user keeps it and the
    next run starts clean), and the state is empty.  A state location that is a file:
    :class:`StateError`.
    """
    if directory.exists() and not directory.is_dir():
        raise StateError(f"{option} {directory}: is a file, not a folder")
    path = directory / STATE_FILE
    try:
        text = path.read_text(encoding="utf-8")
        return validate_state_document(parse_document(text, "it", exact_numbers=False))
    except (FileNotFoundError, NotADirectoryError):
        return {}
    except OSError as exc:
        reason = f"cannot read it: {exc.strerror or type(exc).__name__}"
    except UnicodeDecodeError:
        reason = "not UTF-8 text"
    except JsonInputError as exc:  # malformed, nested too deeply, numbers out of bounds
        reason = str(exc)
    except ResultsSchemaError as exc:
        reason = str(exc)
    try:
        aside = _set_aside(path)
    except OSError as exc:
        warn(
            f"state file {path} is corrupt ({reason}); could not move it aside "
            f"({exc.strerror or type(exc).__name__}), so it is ignored"
        )
    else:
        warn(f"state file {path} is corrupt ({reason}); moved aside to {aside}")
    return {}


def _set_aside(path: Path) -> Path:
    """Rename a corrupt state file to ``latest.json.corrupt-<UTC time>[-n]``, never over another."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while os.path.lexists(aside):
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        n += 1
    os.rename(path, aside)
    return aside


def record_latest(directory: Path, doc: dict[str, Any], option: str = "state folder") -> None:
    """Merge a run's results into the workspace's latest verdicts."""
    latest = load_latest(directory, option)
    for claim in doc["claims"]:
        latest[claim["claim"]] = {
            **claim,
            "run_started": doc["started"],
            "seed": doc["seed"],
            "budget": doc["budget"],
        }
    write_json(directory / STATE_FILE, {"schema": STATE_SCHEMA, "claims": latest})
