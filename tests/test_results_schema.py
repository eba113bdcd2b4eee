"""Results files and the workspace state are validated against their schemas before they are used."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from cli_support import assert_one_line_error, run_cli

from dlncheck.checks import results as results_io
from dlncheck.checks.context import RunContext
from dlncheck.checks.counterexamples import PACKAGE_DIR
from dlncheck.checks.registry import registry
from dlncheck.checks.report import paper_report
from dlncheck.checks.results_schema import (
    RESULTS_SCHEMA,
    STATE_SCHEMA,
    ResultsSchemaError,
    validate_results_document,
    validate_state_document,
)
from dlncheck.checks.runner import run_claim, with_taint

REGISTRY = registry()
# fast claims: verified (symbolic), refuted, and refuted while its proof uses a refuted claim
CLAIMS = ("krr.eq.q", "mil.eq42", "mil.lem2.7.combine")


@pytest.fixture(scope="module")
def results_doc(tmp_path_factory) -> dict:
    ctx = RunContext(budget=50, seed=0, counterexample_dirs=(tmp_path_factory.mktemp("cx"), PACKAGE_DIR))
    done = with_taint([run_claim(REGISTRY.get(cid), ctx) for cid in CLAIMS], REGISTRY)
    return results_io.document(done, ctx, started=0.0, wall_s=1.0)


def _edited(doc: dict, edit) -> dict:
    doc = copy.deepcopy(doc)
    edit(doc)
    return doc


def _symbolic_check(doc: dict) -> dict:
    return next(c for c in doc["claims"][0]["checks"] if "derivation" in c["evidence"])


# each edit, and the start of the message that names its field
BROKEN = {
    "no claims": (lambda d: d.pop("claims"), "claims is missing"),
    "claims an object": (lambda d: d.update(claims={}), "claims is an object, expected an array"),
    "claims null": (lambda d: d.update(claims=None), "claims is null, expected an array"),
    "checks null": (lambda d: d["claims"][1].update(checks=None), "claims[1].checks is null"),
    "unknown verdict": (
        lambda d: d["claims"][2].update(verdict="maybe"),
        "claims[2].verdict 'maybe' is not one of verified, supported, refuted, inconclusive",
    ),
    "unknown check verdict": (
        lambda d: d["claims"][1]["checks"][0].update(verdict="probably"),
        "claims[1].checks[0].verdict 'probably' is not one of",
    ),
    "missing expected": (lambda d: d["claims"][0].pop("expected"), "claims[0].expected is missing"),
    "claim not an object": (lambda d: d["claims"].append("mil.eq42"), "claims[3] is a string"),
    "unregistered id": (
        lambda d: d["claims"][0].update(claim="mil.nope"),
        "claims[0].claim 'mil.nope' is not a registered claim",
    ),
    "duplicate id": (
        lambda d: d["claims"].append(copy.deepcopy(d["claims"][0])),
        "claims[3].claim 'krr.eq.q' already appears at claims[0]",
    ),
    "seed a string": (lambda d: d.update(seed="0"), "seed is a string, expected an integer"),
    "budget zero": (lambda d: d.update(budget=0), "budget 0 is less than 1"),
    "wall_s negative": (lambda d: d["claims"][0].update(wall_s=-1), "claims[0].wall_s -1"),
    "wall_s a boolean": (lambda d: d.update(wall_s=True), "wall_s is a boolean"),
    "versions a list": (lambda d: d.update(versions=[]), "versions is an array"),
    "wrong schema": (lambda d: d.update(schema="dlncheck.state/1"), "schema is 'dlncheck.state/1'"),
    "no schema": (lambda d: d.pop("schema"), "schema is missing"),
    "taint not ids": (
        lambda d: d["claims"][2].update(depends_on_refuted=[3]),
        "claims[2].depends_on_refuted[0] is an integer",
    ),
    "verdict edited by hand": (
        lambda d: d["claims"][1].update(verdict="verified", expected="verified"),
        "claims[1].verdict 'verified' is not the conjunction of its checks' verdicts ('refuted')",
    ),
    "matches_expected inconsistent": (
        lambda d: d["claims"][0].update(matches_expected=False),
        "claims[0].matches_expected is false",
    ),
    "all_match_expected inconsistent": (
        lambda d: d.update(all_match_expected=False),
        "all_match_expected is false but every claim matches",
    ),
    "derivation step without text": (
        lambda d: _symbolic_check(d)["evidence"]["derivation"].update(steps=[{"latex": "x"}]),
        "claims[0].checks[0].evidence.derivation.steps[0].text is missing",
    ),
}


def test_the_results_of_a_real_run_are_valid(results_doc):
    assert validate_results_document(json.loads(json.dumps(results_doc)), REGISTRY.claims) is not None


@pytest.mark.parametrize("case", list(BROKEN))
def test_an_invalid_results_document_is_refused_naming_the_first_bad_field(results_doc, case):
    edit, message = BROKEN[case]
    with pytest.raises(ResultsSchemaError) as info:
        validate_results_document(_edited(results_doc, edit), REGISTRY.claims)
    assert str(info.value).startswith(message), str(info.value)


@pytest.mark.parametrize("case", ["no claims", "checks null", "unknown verdict", "unregistered id"])
def test_report_from_an_invalid_file_exits_2_and_leaves_the_out_folder_as_it_was(
    capsys, tmp_path, results_doc, case
):
    edit, message = BROKEN[case]
    source = tmp_path / "results.json"
    source.write_text(json.dumps(_edited(results_doc, edit)))
    out_dir = tmp_path / "rep"
    out_dir.mkdir()
    (out_dir / "mil.tex").write_text("an earlier report\n")
    code, out, err = run_cli(capsys, "report", "--from-json", str(source), "--out", str(out_dir))
    assert code == 2 and out == ""
    assert_one_line_error(err, f"{source}: {message}")
    assert sorted(p.name for p in out_dir.iterdir()) == ["mil.tex"]
    assert (out_dir / "mil.tex").read_text() == "an earlier report\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [("{", "malformed JSON"), ("[" * 100_000, "nested deeper"), ("[]", "expected an object")],
)
def test_report_from_a_file_that_is_not_results_exits_2(capsys, tmp_path, content, message):
    source = tmp_path / "results.json"
    source.write_text(content)
    code, _, err = run_cli(capsys, "report", "--from-json", str(source), "--out", str(tmp_path / "rep"))
    assert code == 2
    assert_one_line_error(err, message)
    assert not (tmp_path / "rep").exists()


def test_a_partial_results_file_says_per_paper_how_many_claims_it_lacks(capsys, tmp_path, results_doc):
    source = tmp_path / "results.json"
    source.write_text(json.dumps(results_doc))
    code, out, err = run_cli(capsys, "report", "--from-json", str(source), "--out", str(tmp_path / "rep"))
    assert code == 0, err
    papers = {p: sum(1 for c in REGISTRY.claims.values() if c.paper == p) for p in ("mil", "ms", "krr", "wn")}
    in_file = {"mil": 2, "ms": 0, "krr": 1, "wn": 0}
    for paper, total in papers.items():
        lacking = total - in_file[paper]
        line = next(
            line for line in out.splitlines() if line.endswith(f"{paper}.tex") or f"{paper}.tex " in line
        )
        assert f"partial: {lacking} of {total} claims not in {source}" in line, line
        tex = (tmp_path / "rep" / f"{paper}.tex").read_text()
        assert f"Partial results: {lacking} of the {total} claims of this paper are not in" in tex


def test_claims_of_other_papers_are_left_out_and_counted(capsys, tmp_path, results_doc):
    source = tmp_path / "results.json"
    source.write_text(json.dumps(results_doc))
    code, out, _ = run_cli(
        capsys, "report", "--from-json", str(source), "--out", str(tmp_path / "rep"), "--paper", "krr"
    )
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "rep").iterdir()) == ["krr.tex"]
    assert f"{source}: 2 claims of other papers left out (--paper krr)" in out
    assert "mil.eq42" not in (tmp_path / "rep" / "krr.tex").read_text()


def test_a_report_with_every_claim_has_no_partial_note(results_doc):
    claims = [c for c in REGISTRY.claims.values() if c.paper == "mil"]
    record = results_doc["claims"][1]  # mil.eq42's
    every = {c.id: record | {"claim": c.id} for c in claims}
    assert "Partial results" not in paper_report("mil", claims, every, {"source": "x.json"})
    one_missing = {cid: r for cid, r in every.items() if cid != claims[0].id}
    assert f"Partial results: 1 of the {len(claims)} claims" in paper_report(
        "mil", claims, one_missing, {"source": "x.json"}
    )


# ------------------------------------------------------------------------------ the workspace state


def _state_file(state: Path) -> Path:
    return state / results_io.STATE_FILE


def _warning(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("dlncheck: warning: state file"), err
    return lines[0]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "malformed JSON"),
        (b"\xff\xfe", "not UTF-8"),
        ('{"schema": "dlncheck.state/1", "claims": []}', "claims is an array, expected an object"),
        (
            json.dumps(
                {"schema": STATE_SCHEMA, "claims": {"krr.eq.q": {"claim": "krr.eq.q", "verdict": "maybe"}}}
            ),
            "claims['krr.eq.q'].verdict 'maybe' is not one of",
        ),
        ('{"claims": {}}', "schema is missing"),
    ],
)
def test_a_corrupt_state_is_reported_set_aside_and_replaced(capsys, isolated_state, content, reason):
    isolated_state.mkdir()
    path = _state_file(isolated_state)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    code, out, err = run_cli(capsys, "list", "--paper", "krr")
    assert code == 0 and "krr.eq.q" in out
    warning = _warning(err)
    assert f"state file {path} is corrupt ({reason}" in warning and "moved aside to" in warning
    aside = Path(warning.rsplit("moved aside to ", 1)[1])
    assert aside.parent == isolated_state and aside.read_bytes() == (
        content if isinstance(content, bytes) else content.encode()
    )
    assert not path.exists()
    code, _, err = run_cli(capsys, "check", "krr.eq.q", "--no-progress")
    assert code == 0 and err == ""  # the next run starts clean, without a second warning
    assert list(validate_state_document(json.loads(path.read_text()))) == ["krr.eq.q"]


def test_a_corrupt_state_is_set_aside_before_a_run_not_after(capsys, isolated_state, monkeypatch):
    isolated_state.mkdir()
    _state_file(isolated_state).write_text("{")
    seen = []
    real = results_io.load_latest

    def spy(*args, **kwargs):
        seen.append(_state_file(isolated_state).exists())
        return real(*args, **kwargs)

    monkeypatch.setattr(results_io, "load_latest", spy)
    code, _, err = run_cli(capsys, "check", "krr.eq.q", "--no-progress")
    assert code == 0 and seen[0] is True
    assert "dlncheck: warning: state file" in err and err.count("warning") == 1


def test_a_state_entry_that_is_a_folder_is_set_aside(capsys, isolated_state):
    _state_file(isolated_state).mkdir(parents=True)
    code, _, err = run_cli(capsys, "list")
    assert code == 0
    assert "cannot read it" in _warning(err)
    assert not _state_file(isolated_state).exists()


def test_a_state_location_that_is_a_file_exits_2(capsys, isolated_state):
    isolated_state.write_text("")
    code, _, err = run_cli(capsys, "list")
    assert code == 2
    assert_one_line_error(err, f"$DLNCHECK_STATE {isolated_state}: is a file, not a folder")


def test_a_state_written_before_the_state_schema_is_still_read(capsys, isolated_state):
    run_cli(capsys, "check", "krr.eq.q", "--no-progress")
    path = _state_file(isolated_state)
    doc = json.loads(path.read_text())
    assert doc["schema"] == STATE_SCHEMA
    path.write_text(json.dumps(doc | {"schema": RESULTS_SCHEMA}))
    code, out, err = run_cli(capsys, "list", "--paper", "krr")
    assert code == 0 and err == ""
    line = next(line for line in out.splitlines() if line.startswith("krr.eq.q"))
    assert re.search(r"verified\s+verified", line), line
