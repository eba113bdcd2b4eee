"""A claim's verdict is the conjunction of its checks' verdicts."""

from __future__ import annotations

import pytest

from dlncheck.checks.verdicts import CheckResult, Verdict, conjunction

V, S, R, I = Verdict.VERIFIED, Verdict.SUPPORTED, Verdict.REFUTED, Verdict.INCONCLUSIVE


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ([V], V),
        ([V, V], V),
        ([V, S], S),
        ([S, S], S),
        ([V, I], I),
        ([S, I], I),
        ([V, S, I, R], R),
        ([R, V], R),
        ([], I),
    ],
)
def test_conjunction_is_decided_by_the_weakest_part(parts, expected):
    assert conjunction(parts) == expected


def test_check_result_serialises_its_verdict_as_text():
    result = CheckResult("c", "symbolic", V, "summary", {"k": 1}, 0.123456)
    assert result.to_json() == {
        "check": "c",
        "kind": "symbolic",
        "verdict": "verified",
        "summary": "summary",
        "evidence": {"k": 1},
        "wall_s": 0.1235,
    }
