"""Markers derived from the registry (tests/conftest.py): ``pytest -m krr`` selects the tests of
krr's claims, ``pytest -m refuted`` those of the claims expected refuted."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from dlncheck.checks.registry import registry

TESTS = Path(__file__).resolve().parent


def _collected(marker: str, target: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", marker, target],
        cwd=TESTS.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return [line for line in done.stdout.splitlines() if "::" in line]


def test_a_verdict_marker_selects_exactly_the_claims_expected_so():
    claims = registry().claims
    ids = _collected("refuted", "tests/test_claims.py")
    params = {m.group(1).split("-")[0] for line in ids if (m := re.search(r"\[([^\]]+)\]", line))}
    expected = {cid for cid, c in claims.items() if str(c.expected) == "refuted"}
    assert params == expected


def test_a_paper_marker_selects_its_claims_and_its_modules():
    ids = _collected("wn", "tests/test_claims.py")
    params = {m.group(1).split("-")[0] for line in ids if (m := re.search(r"\[([^\]]+)\]", line))}
    assert params and all(p.startswith("wn.") for p in params)
    assert _collected("wn", "tests/test_wn_flow_claims.py")  # the module named for the paper
