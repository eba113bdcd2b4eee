"""Inputs the methods cannot compute are refused where they enter, in one line, before any work;
and a flow's output never shows a limit or an agreement that was not established.

The cases are the ones a fuzzed command line found answered with a traceback, a hang, numpy
warnings or a false agreement (``tests/test_cli_fuzz.py`` keeps searching for more).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import assert_one_line_error, run_cli

import dlncheck.checks.flow_command
from dlncheck.checks.input_limits import (
    AUDIT_MAX_ENTRIES,
    FLOAT64_FLOW_MAX_ENTRIES,
    FLOW_DATA_MAX_EXPONENT,
    PRODUCT_MAX_EXPONENT,
)
from dlncheck.numerics.results import LimitResult

A = [["1", "1/2", "-1/3", "2"], ["0", "1", "1", "-1/2"]]
X_POSITIVE = ["0", "1/10", "3/20", "0"]


def _file(tmp_path: Path, content, name: str = "instance.json") -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def _positive(alpha: str, **extra) -> dict:
    return {"model": "positive", "A": A, "x_star": X_POSITIVE, "L": 2, "init": {"alpha": alpha}, **extra}


def _system(model: str, A: list, y: list) -> dict:
    return {"model": model, "A": A, "y": y, "L": 2, "init": {"alpha": "1e-3"}}


# ------------------------------------------------------------------------------ what flow prints


def test_a_tiny_alpha_is_refused_for_the_projection_and_computed_by_the_integration(tmp_path, capsys):
    """α = 1e-99999: x0 = α² is below float64; the projection (which printed "no convergence",
    a zero limit and "agree to 16 digits") is refused, naming the method that computes it."""
    path = _file(tmp_path, _positive("1e-99999"))
    for method in ("both", "project"):
        code, out, err = run_cli(capsys, "flow", path, "--method", method)
        assert_one_line_error(err, "1e-199998", "--method integrate", code=code)
        assert out == ""
    code, out, err = run_cli(
        capsys, "flow", path, "--method", "integrate", "--json", str(tmp_path / "f.json")
    )
    assert code == 0, err
    doc = json.loads((tmp_path / "f.json").read_text())
    limit = [float(v) for v in doc["limit"]]
    assert doc["limit_from"] == "integrate" and limit == pytest.approx([0, 0.1, 0.15, 0], abs=1e-6)


def _failed_projection(problem, *args, **kwargs) -> LimitResult:
    return LimitResult(
        value=[0.0] * 4,
        residual=1.0,
        residual_kind="relative feasibility residual",
        converged=False,
        message="no convergence in 500 iterations",
    )


def test_when_one_method_fails_the_limit_is_the_other_ones_and_no_agreement_is_printed(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr(dlncheck.checks.flow_command, "project", _failed_projection)
    code, out, _ = run_cli(
        capsys, "flow", _file(tmp_path, _positive("1e-3")), "--json", str(tmp_path / "f.json")
    )
    assert code == 1
    assert "agree" not in out and "limit (from integrate alone; project failed)" in out
    assert "project: FAILED" in out
    doc = json.loads((tmp_path / "f.json").read_text())
    assert doc["limit_from"] == "integrate" and doc["agree_digits"] is None
    assert "limit" not in doc["project"] and doc["project"]["reached"] == ["0.0000000000000000e+00"] * 4


def test_a_method_that_claims_convergence_without_fitting_the_data_has_not_converged(
    tmp_path, capsys, monkeypatch
):
    """The arb refinement once said "converged" at residual 1.0 (x0 below float64's range)."""

    def claims_convergence(problem, *args, **kwargs) -> LimitResult:
        return LimitResult([0.0] * 4, 1.0, "relative feasibility residual", True, "converged")

    monkeypatch.setattr(dlncheck.checks.flow_command, "project", claims_convergence)
    code, out, _ = run_cli(capsys, "flow", _file(tmp_path, _positive("1e-3")), "--method", "project")
    assert code == 1 and "no limit established" in out and "limit:" not in out
    assert "does not fit the data" in out


def test_when_no_method_converges_no_limit_and_no_agreement_is_printed(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(dlncheck.checks.flow_command, "project", _failed_projection)
    monkeypatch.setattr(dlncheck.checks.flow_command, "flow_limit", lambda *a, **k: _stopped_flow())
    code, out, _ = run_cli(capsys, "flow", _file(tmp_path, _positive("1e-3")))
    assert code == 1 and "no limit established" in out
    assert "agree" not in out and "limit:" not in out


def _stopped_flow():
    from dlncheck.numerics.results import FlowResult

    return FlowResult([0.5] * 4, 10.0, False, "stopped after 5000 steps", 0.3, 5000)


# ------------------------------------------------------------------------------ refused at once


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        (
            '{"model":"positive","A":[[1e400, 1],[0,1]],"y":["1","1"],"L":2,"init":{"alpha":"1e-3"}}',
            ["1e400"],
        ),
        (_positive("1e300"), ["1e600", f"1e{PRODUCT_MAX_EXPONENT}"]),
        (_positive("0." + "1" * 5000), ["more than 1000 digits"]),
        (_positive("1/" + "3" * 5000), ["more than 1000 digits"]),
        (
            '{"model":"positive","A":[["1","1"]],"y":["1"],"L":2,"init":{"alpha":' + "1" * 5000 + "}}",
            ["more than 4300 digits"],
        ),
        (
            '{"model":"positive","A":[["1","1"]],"y":["1"],"L":' + "1" * 5000 + ',"init":{"alpha":"1"}}',
            ["more than 4300 digits"],
        ),
        ("[" * 100_000 + "]" * 100_000, ["nested deeper"]),
        (
            {
                "model": "positive",
                "A": [["1e300", "1"], ["0", "1"]],
                "y": ["1", "1"],
                "L": 2,
                "init": {"alpha": "1"},
            },
            ["1e300", f"1e{FLOW_DATA_MAX_EXPONENT}"],
        ),
        (
            _system("signed", [["0", "0"], ["0", "0"]], ["1", "1"]),
            ["no solution"],
        ),
        (
            _system("signed", [["1", "1"], ["1", "1"]], ["1", "2"]),
            ["no solution"],
        ),
        (
            _system("krr", [["1", "1"], ["1", "1"]], ["1", "2"]),
            ["no solution"],
        ),
        ({**_positive("1e4"), "model": "signed", "x_star": ["1", "0", "0", "-1/2"]}, ["--dps"]),
    ],
    ids=[
        "json-number-out-of-float-range",
        "alpha-1e300",
        "alpha-5000-digits",
        "alpha-rational-5000-digits",
        "alpha-json-integer-5000-digits",
        "depth-5000-digits",
        "nested-json",
        "entries-1e300",
        "all-zero-signed",
        "signed-no-solution",
        "krr-no-solution",
        "signed-cancels-every-digit",
    ],
)
def test_flow_refuses_what_it_cannot_compute_in_one_line(tmp_path, capsys, content, fragments):
    code, out, err = run_cli(capsys, "flow", _file(tmp_path, content), "--json", str(tmp_path / "f.json"))
    assert_one_line_error(err, *fragments, code=code)
    assert out == "" and not (tmp_path / "f.json").exists()


def test_a_matrix_beyond_the_size_limit_is_refused_before_its_numbers_are_parsed(tmp_path, capsys):
    m = n = 1 + int(FLOAT64_FLOW_MAX_ENTRIES**0.5)
    row = "[" + ",".join(["0"] * n) + "]"
    text = (
        '{"model": "positive", "A": ['
        + ",".join([row] * m)
        + '], "y": ["1"], "L": 2, "init": {"alpha": "1"}}'
    )
    code, _, err = run_cli(capsys, "flow", _file(tmp_path, text))
    assert_one_line_error(err, f"{m} × {n}", f"{FLOAT64_FLOW_MAX_ENTRIES:,}", code=code)


@pytest.mark.parametrize("option", ["--json", "--state", "--counterexamples"])
def test_unwritable_outputs_are_refused_before_any_work(tmp_path, capsys, option):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    place = str(blocker / "x.json") if option == "--json" else str(blocker)
    code, out, err = run_cli(capsys, "flow", _file(tmp_path, _positive("1e-3")), option, place)
    if option == "--json":
        assert_one_line_error(err, option, code=code)
        assert out == ""
    else:  # flow keeps no state and stores no counterexample: these options are not used
        assert code == 0, err


# ------------------------------------------------------------------------------ audit


@pytest.mark.parametrize(
    ("claim", "instance", "fragments"),
    [
        (
            "mil.lemA.2",
            {"A": [["1", "1/2"], ["0", "2"]], "y": ["1", "-3/4"], "depth": 3, "init": {"alpha": "1e-99999"}},
            ["1e-99999"],
        ),
        (
            "mil.lemA.2",
            {"A": [["1", "1/2"], ["0", "2"]], "y": ["1", "-3/4"], "depth": 64, "init": {"alpha": "1e99999"}},
            ["L²·M·N"],
        ),
        (
            "mil.lemA.1",
            {"A": [["1", "1/2"], ["0", "2"]], "y": ["1", "2"], "depth": 64, "init": {"alpha": "1"}},
            ["L²·M·N"],
        ),
        ("ms.thm2.2b", {"params": {"alpha": "1e-99999", "t_hi": "1"}}, ["1e-99999", "logarithm"]),
        ("krr.eq32", {"params": {"alpha": "1e-99999", "c": "1"}}, ["1e-99999"]),
        ("ms.eqIII.11", {"params": {"alpha": "1/1000000", "t_lo": "1/2"}}, ["hypothesis"]),
        ("krr.eq.q", {"params": {"z": "1e100"}, "dps": 400}, ["up to 122 digits", "quadrature", "--dps"]),
    ],
    ids=[
        "alpha-1e-99999",
        "alpha-1e99999-depth-64",
        "depth-64-symbolic",
        "ms-alpha",
        "krr-alpha",
        "undefined-log",
        "quadrature-beyond-its-budget",
    ],
)
def test_audit_refuses_what_it_cannot_evaluate_in_one_line(tmp_path, capsys, claim, instance, fragments):
    code, _, err = run_cli(capsys, "audit", claim, "--instance", _file(tmp_path, instance))
    assert_one_line_error(err, *fragments, code=code)


def test_an_audit_matrix_beyond_the_size_limit_is_refused(tmp_path, capsys):
    n = 1 + int(AUDIT_MAX_ENTRIES**0.5)
    instance = {"A": [["0"] * n] * n, "y": ["1"] * n, "depth": 2, "init": {"alpha": "1"}}
    code, _, err = run_cli(capsys, "audit", "mil.lemA.2", "--instance", _file(tmp_path, instance))
    assert_one_line_error(err, f"{n} × {n}", code=code)


def test_an_unknown_claim_is_refused_from_the_catalogue_with_a_hint(tmp_path, capsys):
    code, _, err = run_cli(capsys, "audit", "mil.lemA.3", "--instance", _file(tmp_path, "{}"))
    assert_one_line_error(err, "unknown claim id", "did you mean", code=code)


# ------------------------------------------------------------------------------ found by the fuzz


def test_a_consistent_system_with_repeated_rows_is_projected_on_a_basis_of_its_rows(tmp_path, capsys):
    """Three equal rows made the dual Hessian singular (a traceback from the Krawczyk test)."""
    data = {"model": "signed", "A": [["1", "1"]] * 3, "y": ["1"] * 3, "L": 2, "init": {"alpha": "1"}}
    code, out, err = run_cli(capsys, "flow", _file(tmp_path, data), "--dps", "30")
    assert code == 0, err
    assert "agree to 30 digits" in out and "0.500000000000000000000000000000" in out


def test_the_depth_3_hypentropy_projection_at_tiny_alpha_reaches_the_data(tmp_path, capsys):
    """krr D = 3, α = 1e-20 at 40 digits once stopped after 3 steps at residual 1 and said
    "converged": 1 - |θ| ~ 1e-20 rounds to 0 in float64, which sized the steps."""
    data = {"model": "krr", "A": A, "x_star": ["1", "0", "0", "-1/2"], "L": 3, "init": {"alpha": "1e-20"}}
    code, out, err = run_cli(capsys, "flow", _file(tmp_path, data), "--method", "project", "--dps", "40")
    assert code == 0, err
    doc_line = next(line for line in out.splitlines() if line.startswith("project:"))
    assert "Krawczyk test passed" in doc_line
    residual = float(doc_line.split("residual ")[1].split(",")[0].split(";")[0])
    assert residual < 1e-30


@pytest.mark.parametrize(
    ("claim", "params", "dps"),
    [
        ("krr.thm2.proof", {"epsilon": "1e-30", "b": "1", "d": 2}, None),  # factored 10^30 for minutes
        ("krr.eq32", {"c": "1e150", "alpha": "1"}, "60"),  # an unbounded enclosure read as agreement
        ("mil.thm2.1.final", {"delta": "1e-3", "x": "1"}, None),  # printed a 4300-digit rational
    ],
    ids=["radical-of-a-large-rational", "unbounded-enclosure", "huge-exact-value"],
)
def test_audits_of_extreme_parameters_end_in_a_status(tmp_path, capsys, claim, params, dps):
    argv = ["audit", claim, "--instance", _file(tmp_path, {"params": params})]
    code, out, err = run_cli(capsys, *argv, *(["--dps", dps] if dps else []))
    assert code in (0, 1) or (code == 2 and len(err.splitlines()) == 1), err
    assert "Traceback" not in err and "status:" in out


@pytest.mark.parametrize(
    ("claim", "instance"),
    [
        ("krr.eq.q", {"params": {"z": "-37/4"}, "dps": 361}),  # mpmath's quadrature: 6-20 s
        ("mil.eq30", {"depth": 3, "params": {"x": "1/2"}, "dps": 10000}),  # bisection: hours
        ("mil.eq10", {"depth": 2, "params": {"x": "3/7"}, "dps": 10000}),
    ],
    ids=["quadrature-at-361-digits", "zero-of-g-at-10000-digits", "c_L-at-10000-digits"],
)
def test_audits_at_thousands_of_digits_are_decided(tmp_path, capsys, claim, instance):
    """The fuzz's dps 361 took 20 s in CI; bisection spent one evaluation of g per bit."""
    code, out, err = run_cli(capsys, "audit", claim, "--instance", _file(tmp_path, instance))
    assert code == 0, err
    assert "status: holds" in out
    digits = [int(part.split(" digits")[0]) for part in out.split("agrees to ")[1:]]
    assert digits and min(digits) >= instance["dps"]


def test_a_hessian_singular_at_the_working_precision_ends_the_refinement_unconverged(tmp_path, capsys):
    """sensing at μ = 1e-100 with a repeated row: the dual Hessian's curvature spreads 1e-100
    against 1, singular at 30 digits (a ZeroDivisionError escaped from the arb solve)."""
    data = {
        "model": "sensing",
        "A": [["1", "1", "1"], ["1", "1", "1"], ["1", "1", "-1"]],
        "y": ["1", "1", "1"],
        "L": 2,
        "init": {"mu": "1e-100"},
    }
    argv = ["flow", _file(tmp_path, data), "--method", "project", "--dps", "30", "--no-progress"]
    code, out, err = run_cli(capsys, *argv)
    assert code == 1 and "Traceback" not in err
    assert "FAILED" in out and "no limit established" in out


def test_integration_beyond_its_digits_is_refused_naming_the_projection(tmp_path, capsys):
    """The fuzz: dps 314 in the file ended in "f(y0) is not finite" (a ValueError), 310 in a hang."""
    data = {"model": "signed", "A": [["1", "1"]], "y": ["1"], "L": 2, "init": {"alpha": "1"}, "dps": 314}
    code, out, err = run_cli(capsys, "flow", _file(tmp_path, data), "--no-progress")
    assert_one_line_error(err, "314 digits", "at most 200", "--method project", code=code)
    assert out == ""


def test_a_ball_tighter_than_float64_can_express_is_counted_in_arb(tmp_path, capsys):
    """ms at α = 1e3, A = (1, 1e-3, 0): the limit spans 1e-2994 to 1e6 and a ball's mid/rad
    overflowed float64 while counting its certified digits (an OverflowError)."""
    data = {"model": "ms", "A": [["1", "1e-3", "0"]], "y": ["1"], "L": 2, "init": {"alpha": "1e3"}}
    argv = ["flow", _file(tmp_path, data), "--method", "project", "--dps", "30", "--no-progress"]
    code, out, err = run_cli(capsys, *argv)
    assert code == 0, err
    assert "Krawczyk test passed" in out and "e-2994" in out


def test_huge_entries_are_refused_before_a_model_converts_them_to_float64(tmp_path, capsys):
    """wn converted A to float64 while parsing its instance: 1e400 overflowed there."""
    data = {
        "model": "wn",
        "A": [["1e400", "1"]],
        "y": ["1"],
        "L": 2,
        "init": {"alpha": "1"},
        "params": {"rates": "r2"},
    }
    code, _, err = run_cli(capsys, "flow", _file(tmp_path, data))
    assert_one_line_error(err, "1e400", code=code)


def test_a_zero_row_of_a_leaves_the_precise_integration_well_posed(tmp_path, capsys):
    """A zero row makes the dual flow's Jacobian singular: its stopping test solved with it."""
    data = {"model": "signed", "A": [["1", "1"], ["0", "0"]], "y": ["1", "0"], "L": 2, "init": {"alpha": "1"}}
    code, out, err = run_cli(capsys, "flow", _file(tmp_path, data), "--dps", "30", "--no-progress")
    assert code == 0, err
    assert "integrate: converged" in out and "agree to 22 digits" in out


def test_a_float64_flow_that_creeps_towards_a_face_stops_at_its_budget(tmp_path, capsys, monkeypatch):
    """wn at L = 2 on a 2 × 2 face (z₂ forced to 0) took 50,000 steps and 82 s: the command line
    bounds the time (FACTOR_FLOW_MAX_SECONDS) and says the run stopped, without a limit."""
    monkeypatch.setattr(dlncheck.checks.flow_command, "FACTOR_FLOW_MAX_SECONDS", 1.0)
    data = {
        "model": "wn",
        "A": [["1/2", "1/2"], ["1", "1/2"]],
        "y": ["1/2", "1"],
        "L": 2,
        "init": {"alpha": "1/2"},
        "params": {"rates": "r2"},
    }
    code, out, err = run_cli(capsys, "flow", _file(tmp_path, data), "--method", "integrate", "--no-progress")
    assert code == 1 and "max_wall_s = 1 s spent" in out and "no limit established" in out, out + err


def test_a_learning_rate_ratio_below_float64_is_audited_in_intervals(tmp_path, capsys):
    """wn.eq1 with η̃ = 1e-499: float64(η̃) = 0, and the float64 guess of r∞ divided by it (CI's fuzz).
    The guess now reads the quotient as ±∞ by its sign; the enclosure decides at 30 digits."""
    data = {
        "A": [["1", "2", "3"], ["0", "1", "-1"]],
        "y": ["2", "1/2"],
        "init": {"x0": ["1/10", "1/10", "1/10"]},
        "params": {"eta": "1e-499"},
    }
    code, out, err = run_cli(capsys, "audit", "wn.eq1", "--instance", _file(tmp_path, data))
    assert code == 0, err
    assert "r∞ (unique root, certified) = 0.70710678118654752440" in out and "status: holds" in out
