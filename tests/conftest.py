"""Test configuration: the fast default run, the --slow full run, hypothesis profiles."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from dlncheck.checks.context import RunContext
from dlncheck.checks.counterexamples import PACKAGE_DIR
from dlncheck.checks.papers import paper_titles
from dlncheck.checks.registry import registry

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


VERDICT_MARKERS = ("verified", "supported", "refuted", "inconclusive")


def pytest_configure(config: pytest.Config) -> None:
    """Markers derived from the registry: one per paper (``pytest -m krr``) and one per expected
    verdict (``pytest -m refuted``), on every test parametrized by a claim id and on the test
    modules named for a paper (``test_krr_*.py``, ``test_derivations_krr*.py``)."""
    for key, title in paper_titles().items():
        config.addinivalue_line("markers", f"{key}: tests of claims of {title.split(' — ')[0]} ({key})")
    for verdict in VERDICT_MARKERS:
        config.addinivalue_line("markers", f"{verdict}: tests of claims whose expected verdict is {verdict}")


def _registry_markers(item: pytest.Item, keys: tuple[str, ...]) -> set[str]:
    names: set[str] = set()
    params = getattr(getattr(item, "callspec", None), "params", {})
    claims = registry().claims
    for value in params.values():
        if isinstance(value, str) and value in claims:
            names |= {claims[value].paper, str(claims[value].expected)}
    module = item.path.stem
    for key in keys:
        if module.startswith((f"test_{key}_", f"test_derivations_{key}")):
            names.add(key)
    return names


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    keys = tuple(paper_titles())
    for item in items:
        for name in sorted(_registry_markers(item, keys)):
            item.add_marker(name)
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


@pytest.fixture(scope="session", autouse=True)
def declarations_cache(tmp_path_factory: pytest.TempPathFactory):
    """One cache of the claims' declarations (checks/declarations.py) per test session, out of
    the user's ~/.cache."""
    folder = tmp_path_factory.mktemp("declarations-cache")
    saved = os.environ.get("DLNCHECK_CACHE")
    os.environ["DLNCHECK_CACHE"] = str(folder)
    yield folder
    if saved is None:
        os.environ.pop("DLNCHECK_CACHE", None)
    else:
        os.environ["DLNCHECK_CACHE"] = saved


@pytest.fixture(autouse=True)
def isolated_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the CLI's latest-verdict store out of the working tree."""
    state = tmp_path / "state"
    monkeypatch.setenv("DLNCHECK_STATE", str(state))
    return state
