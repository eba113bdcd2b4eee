"""``dlncheck flow``: limits on good instances, one-line errors and exit code 2 on bad ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dlncheck.checks.cli import main

SMALL_A = [["1", "1/2", "-1/3", "2"], ["0", "1", "1", "-1/2"]]


def _write(tmp_path: Path, data: dict | str, name: str = "flow.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main([*args, "--no-progress"])
    out, err = capsys.readouterr()
    return code, out, err


def test_flow_both_reports_agreement_and_writes_the_documented_json_keys(tmp_path, capsys):
    data = {
        "model": "signed",
        "A": SMALL_A,
        "x_star": ["1", "0", "0", "-1/2"],
        "L": 2,
        "init": {"alpha": "1e-8"},
    }
    out_file = tmp_path / "out.json"
    code, out, err = _run(capsys, "flow", _write(tmp_path, data), "--json", str(out_file))
    assert code == 0, err
    doc = json.loads(out_file.read_text())
    for key in ("limit", "residual", "certified_digits", "t_reached", "wall_s", "agree_digits"):
        assert key in doc
    assert doc["agree_digits"] >= 9 and len(doc["limit"]) == 4
    assert "agree to" in out


def test_flow_project_at_50_digits_certifies_the_signed_limit(tmp_path, capsys):
    data = {
        "model": "signed",
        "A": SMALL_A,
        "x_star": ["1", "0", "0", "-1/2"],
        "L": 2,
        "init": {"alpha": "1e-30"},
    }
    out_file = tmp_path / "out.json"
    code, _, err = _run(
        capsys, "flow", _write(tmp_path, data), "--method", "project", "--dps", "50", "--json", str(out_file)
    )
    assert code == 0, err
    doc = json.loads(out_file.read_text())
    assert doc["certified_digits"] >= 50
    assert all(len(v.replace("-", "").replace(".", "").split("e")[0]) >= 50 for v in doc["limit"])


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (
            {"model": "nope", "A": SMALL_A, "y": ["1", "1"], "L": 2, "init": {"alpha": "1e-3"}},
            "model must be",
        ),
        ({"model": "positive", "A": SMALL_A, "y": ["1"], "L": 2, "init": {"alpha": "1e-3"}}, "has length 1"),
        (
            {"model": "positive", "A": SMALL_A, "y": ["1", "nan"], "L": 2, "init": {"alpha": "1e-3"}},
            "non-finite",
        ),
        (
            {"model": "positive", "A": SMALL_A, "y": ["1", "1"], "L": 2, "init": {"alpha": "-1"}},
            "must be positive",
        ),
        (
            {"model": "positive", "A": SMALL_A, "y": ["1", "1"], "L": 1, "init": {"alpha": "1e-3"}},
            "L must be",
        ),
        (
            {"model": "positive", "A": [["1", "2"], ["3"]], "y": ["1", "1"], "L": 2, "init": {"alpha": "1"}},
            "ragged",
        ),
        ({"model": "positive", "A": SMALL_A, "y": ["0", "0"], "L": 2, "init": {"alpha": "1e-3"}}, "y = 0"),
        (
            {"model": "signed", "A": SMALL_A, "y": ["1", "1"], "L": 2, "init": {"x0": ["1", "1", "1", "1"]}},
            "do not fit",
        ),
        (  # krr's Q_α^D (D > 2) has no exactly shifted float64 form: it needs --dps
            {
                "model": "krr",
                "A": SMALL_A,
                "x_star": ["1", "0", "0", "1"],
                "L": 3,
                "init": {"alpha": "1e-30"},
            },
            "digits",
        ),
    ],
)
def test_flow_rejects_bad_instances_with_one_line_and_exit_code_2(tmp_path, capsys, data, fragment):
    code, _, err = _run(capsys, "flow", _write(tmp_path, data), "--method", "project")
    assert code == 2
    assert fragment in err and err.count("\n") == 1 and "Traceback" not in err


def test_flow_rejects_malformed_json_and_leaves_no_output_file(tmp_path, capsys):
    out_file = tmp_path / "out.json"
    code, _, err = _run(capsys, "flow", _write(tmp_path, "{not json"), "--json", str(out_file))
    assert code == 2 and "malformed JSON" in err and not out_file.exists()


def test_flow_reports_an_empty_positive_solution_set(tmp_path, capsys):
    """y = -e1 with A = I has no nonnegative solution: said in one line, exit code 2."""
    data = {
        "model": "positive",
        "A": [["1", "0"], ["0", "1"]],
        "y": ["-1", "1"],
        "L": 2,
        "init": {"alpha": "1e-3"},
    }
    code, _, err = _run(capsys, "flow", _write(tmp_path, data), "--method", "project")
    assert code == 2 and "no nonnegative solution" in err and err.count("\n") == 1


def test_flow_at_tiny_alpha_and_depth_3_names_the_precision_it_needs_and_then_works(tmp_path, capsys):
    data = {
        "model": "krr",
        "A": SMALL_A,
        "x_star": ["1", "0", "0", "-1/2"],
        "L": 3,
        "init": {"alpha": "1e-20"},
    }
    path = _write(tmp_path, data)
    code, _, err = _run(capsys, "flow", path, "--method", "project")
    assert code == 2 and "--dps" in err
    needed = int(err.split("--dps ")[1].split()[0])
    code, _, err = _run(capsys, "flow", path, "--method", "project", "--dps", str(needed))
    assert code == 0, err


@pytest.mark.parametrize("model", ["positive", "signed"])
def test_float64_at_depth_3_and_alpha_1e_minus_30_runs_in_the_shifted_dual_and_matches_50_digits(
    tmp_path, capsys, model
):
    """mil (21) at L = 3, α = 1e-30: 30 digits cancel in c + s·g, so float64 runs in the exactly
    shifted dual (numerics.power_shift); flow and projection agree, and match the arb projection."""
    x_star = ["1", "0", "0", "1"] if model == "positive" else ["1", "0", "0", "-1/2"]
    data = {"model": model, "A": SMALL_A, "x_star": x_star, "L": 3, "init": {"alpha": "1e-30"}}
    path = _write(tmp_path, data)
    code, _, err = _run(capsys, "flow", path, "--method", "both", "--json", str(tmp_path / "f.json"))
    assert code == 0, err
    low = json.loads((tmp_path / "f.json").read_text())
    assert low["agree_digits"] >= 10
    code, _, err = _run(
        capsys, "flow", path, "--method", "project", "--dps", "70", "--json", str(tmp_path / "h.json")
    )
    assert code == 0, err
    high = json.loads((tmp_path / "h.json").read_text())
    scale = max(abs(float(v)) for v in high["limit"])
    gap = max(abs(float(a) - float(b)) for a, b in zip(low["limit"], high["limit"], strict=True))
    assert gap <= 1e-10 * scale


def test_flow_integrated_at_30_digits_agrees_with_the_certified_projection(tmp_path, capsys):
    """The arbitrary-precision integration of (★) and the arb projection, on mil's signed flow."""
    data = {
        "model": "krr",
        "A": SMALL_A,
        "x_star": ["1", "0", "0", "-1/2"],
        "L": 2,
        "init": {"alpha": "1e-3"},
        "params": {"w0": ["1", "2", "1/2", "1"]},
    }
    out_file = tmp_path / "out.json"
    code, _, err = _run(capsys, "flow", _write(tmp_path, data), "--dps", "30", "--json", str(out_file))
    assert code == 0, err
    doc = json.loads(out_file.read_text())
    # the integration stops when the predicted remaining change is below 1e-(30 - 8)
    assert doc["agree_digits"] >= 20
    assert doc["integrate"]["converged"] and doc["project"]["certified_digits"] >= 30


def test_ms_flow_reaches_the_limit_of_the_positive_flow_of_mil_18(tmp_path, capsys):
    """ms's loss has no ½ (its dual flow runs at rate 8, mil (18)'s at 4): the limit is the same."""
    base = {"A": SMALL_A, "x_star": ["1", "0", "0", "1/2"], "L": 2, "init": {"alpha": "1e-3"}}
    docs = {}
    for model in ("ms", "positive"):
        out_file = tmp_path / f"{model}.json"
        code, _, err = _run(
            capsys,
            "flow",
            _write(tmp_path, base | {"model": model}, f"{model}-in.json"),
            "--json",
            str(out_file),
        )
        assert code == 0, err
        docs[model] = json.loads(out_file.read_text())
    assert docs["ms"]["limit"] == docs["positive"]["limit"]  # both are the same projection
    assert docs["ms"]["agree_digits"] >= 9


def test_a_solver_that_breaks_down_is_a_one_line_failure_not_a_traceback(tmp_path, capsys):
    # mil's one-row instance refuting (9): y ~ 4e6 at L = 4 from a unit start; Radau's Jacobian
    # overflows on the way (the projection reaches the limit, tests/test_derivations_mil_bounds.py
    # integrates the flow in log coordinates)
    y = "41005726666576960678112000000000/10248758645235777427114809"
    path = _write(
        tmp_path, {"model": "signed", "A": [["1", "97/100"]], "y": [y], "L": 4, "init": {"alpha": "1"}}
    )
    code, _out, err = _run(capsys, "flow", path, "--method", "integrate")
    assert "Traceback" not in err
    if code != 0:  # the integration may also get through, on another BLAS
        lines = err.strip().splitlines()
        assert code == 1 and lines[0].startswith("dlncheck: the integration of signed failed"), err
        # then at most one line on what float64 met on the way (checks.numeric_warnings)
        assert len(lines) <= 2 and all(line.startswith("dlncheck: note: float64") for line in lines[1:]), err
