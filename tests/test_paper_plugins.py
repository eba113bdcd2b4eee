"""Papers as plugins (``checks.papers``): the example paper of ``tests/example_paper`` is
installed into a temporary site folder, and the command line finds it through its entry point
(group ``dlncheck.papers``) beside the four built-in papers, which register the same way.

The installation is what ``pip install --target`` leaves (the package and a ``.dist-info`` with
``METADATA`` and ``entry_points.txt``), written here directly so that the test needs neither the
network nor a build backend; ``importlib.metadata`` finds it like any installed distribution.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from dlncheck.checks.builtin_papers import catalogue_records
from dlncheck.checks.papers import ENTRY_POINT_GROUP, papers

EXAMPLE = Path(__file__).resolve().parent / "example_paper"
EXAMPLE_IDS = ("ex.identity", "ex.amgm", "ex.limit")


def _install(site: Path) -> None:
    """The example paper as an installed distribution in ``site`` (pip's --target layout)."""
    shutil.copytree(EXAMPLE / "dlncheck_example_paper", site / "dlncheck_example_paper")
    info = site / "dlncheck_example_paper-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: dlncheck-example-paper\nVersion: 0.1.0\nRequires-Dist: dlncheck\n",
        encoding="utf-8",
    )
    (info / "entry_points.txt").write_text(
        "[dlncheck.papers]\nex = dlncheck_example_paper:PAPER\n", encoding="utf-8"
    )
    (info / "INSTALLER").write_text("tests/test_paper_plugins.py\n", encoding="utf-8")
    (info / "RECORD").write_text("", encoding="utf-8")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    """Run ``dlncheck`` with the example paper installed; its state and outputs in a temporary folder."""
    root = tmp_path_factory.mktemp("plugin")
    site = root / "site"
    site.mkdir()
    _install(site)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")])),
    }

    def run(*argv: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "dlncheck", *argv]
        return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=600)

    results = root / "results.json"
    checked = run(
        "check", *EXAMPLE_IDS, "--no-progress", "--state", str(root / "state"), "--json", str(results)
    )
    return {"root": root, "run": run, "check": checked, "results": results}


def test_the_built_in_papers_register_through_the_entry_points():
    names = {point.name for point in entry_points(group=ENTRY_POINT_GROUP)}
    assert {"mil", "ms", "krr", "wn"} <= names
    assert list(papers())[:4] == ["mil", "ms", "krr", "wn"]
    assert sum(len(p.records()) for k, p in papers().items() if k in {"mil", "ms", "krr", "wn"}) == len(
        catalogue_records()
    )


def test_the_example_paper_is_listed_beside_the_built_in_ones(installed):
    listed = installed["run"]("list", "--all", "--state", str(installed["root"] / "state"))
    assert listed.returncode == 0, listed.stderr
    for cid in (*EXAMPLE_IDS, "mil.thm2.1b", "wn.thm2.1"):
        assert cid in listed.stdout, cid
    only = installed["run"]("list", "--paper", "ex", "--state", str(installed["root"] / "state"))
    assert only.returncode == 0 and "ex.limit" in only.stdout and "mil." not in only.stdout, only.stderr


def test_check_derives_the_example_verdicts(installed):
    checked = installed["check"]
    assert checked.returncode == 0, checked.stdout + checked.stderr
    doc = json.loads(installed["results"].read_text(encoding="utf-8"))
    verdicts = {r["claim"]: r["verdict"] for r in doc["claims"]}
    assert verdicts == {"ex.identity": "verified", "ex.amgm": "refuted", "ex.limit": "supported"}
    amgm = next(r for r in doc["claims"] if r["claim"] == "ex.amgm")
    replays = [c for c in amgm["checks"] if c["kind"] == "replay"]
    assert replays and all(c["verdict"] == "refuted" for c in replays), amgm["checks"]
    limit = next(r for r in doc["claims"] if r["claim"] == "ex.limit")
    assert any("instances" in c["summary"] for c in limit["checks"]), limit["checks"]


def test_check_writes_nothing_into_the_packages(installed):
    """The stored instance is replayed from the paper's own folder, not copied anywhere."""
    stored = sorted(p.name for p in (EXAMPLE / "dlncheck_example_paper" / "counterexamples").glob("*.json"))
    assert stored and all(name.startswith("ex.amgm--") for name in stored)
    from dlncheck.checks.counterexamples import PACKAGE_DIR

    assert not list(PACKAGE_DIR.glob("ex.*.json"))


def test_show_links_the_example_claim_to_its_code(installed):
    shown = installed["run"]("show", "ex.amgm", "--state", str(installed["root"] / "state"))
    assert shown.returncode == 0, shown.stderr
    assert "x+\\frac1x\\ge3" in shown.stdout
    assert "declared at: dlncheck_example_paper/claims.py:" in shown.stdout
    assert "derivation at: dlncheck_example_paper/claims.py:" in shown.stdout
    assert "stored counterexample: " in shown.stdout and "ex.amgm--minimum--" in shown.stdout


def test_the_report_covers_the_example_paper(installed):
    out = installed["root"] / "reports"
    reported = installed["run"](
        "report", "--paper", "ex", "--from-json", str(installed["results"]), "--out", str(out)
    )
    assert reported.returncode == 0, reported.stdout + reported.stderr
    (tex,) = out.glob("*.tex")
    text = tex.read_text(encoding="utf-8")
    assert "An example paper" in text
    for cid in EXAMPLE_IDS:
        assert cid in text, cid


def test_a_broken_plugin_is_one_line(tmp_path):
    site = tmp_path / "site"
    info = site / "broken_paper-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: broken-paper\nVersion: 0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[dlncheck.papers]\nbroken = no_such_module:PAPER\n", encoding="utf-8"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run(
        [sys.executable, "-m", "dlncheck", "list"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "broken" in done.stderr and "Traceback" not in done.stderr
