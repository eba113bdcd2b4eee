"""The README's results section is generated (tools/readme_results.py) and matches the registry.

The section is regenerated from a full ``dlncheck check --json`` run; the suite re-derives each
claim's recorded verdict (tests/test_claims.py), so the counts of a run equal the counts of the
recorded verdicts.  This test fails when a verdict changes and the README is not regenerated.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from dlncheck.checks.registry import registry

ROOT = Path(__file__).resolve().parents[1]


def _tool():
    spec = importlib.util.spec_from_file_location("readme_results", ROOT / "tools" / "readme_results.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_counts_are_the_recorded_verdicts():
    tool = _tool()
    reg = registry()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert tool.BEGIN in readme and tool.END in readme, "README must carry the generated results section"
    generated = readme.split(tool.BEGIN, 1)[1].split(tool.END, 1)[0]
    verdict_of = {cid: claim.expected.value for cid, claim in reg.claims.items()}
    paper_of = {cid: claim.paper for cid, claim in reg.claims.items()}
    for line in tool.counts_table(verdict_of, paper_of):
        assert line in generated, (
            f"README's results are stale (regenerate with tools/readme_results.py): {line}"
        )
    refuted = [cid for cid, v in verdict_of.items() if v == "refuted"]
    for cid in refuted:
        assert f"| `{cid}` |" in generated, f"{cid} is refuted but missing from the README's refuted table"
