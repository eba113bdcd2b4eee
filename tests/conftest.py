"""Test configuration: the fast default run, the --slow full run, hypothesis profiles."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from dlncheck.checks.context import RunContext
from dlncheck.checks.counterexamples import PACKAGE_DIR

# Numeric property tests: no per-example deadline (mpmath timings vary), reproducible runs.
settings.register_profile(
    "dlncheck", deadline=None, derandomize=True, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("dlncheck")

# Instances per property check in the default (fast) run; the slow run uses FULL_BUDGET.
FAST_BUDGET = 200


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--slow",
        action="store_true",
        default=False,
        help="run everything, including the full-budget checks marked slow",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--slow") or "slow" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="full-budget check: run with --slow (or -m slow)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def run_context(tmp_path: Path) -> RunContext:
    """A context that replays the package's counterexamples but writes new ones to tmp_path."""
    return RunContext(budget=FAST_BUDGET, seed=0, counterexample_dirs=(tmp_path, PACKAGE_DIR))


@pytest.fixture(autouse=True)
def isolated_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the CLI's latest-verdict store out of the working tree."""
    state = tmp_path / "state"
    monkeypatch.setenv("DLNCHECK_STATE", str(state))
    return state
