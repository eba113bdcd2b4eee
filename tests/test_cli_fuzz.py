"""The command line fuzzed: malformed and extreme inputs never end in a traceback or a half file.

Hypothesis draws instance files (malformed, truncated, deeply nested, mistyped, out of range,
huge in digits or in size), results files for ``report --from-json``, and argument lists
(unknown ids, bad options, output paths that are missing, folders, files or unwritable), and
runs each command in-process.  Every case must end

* with exit code 0, 1 or 2, and for 2 with exactly one line on stderr (``dlncheck: error: ...``);
* with no traceback and no Python warning on either stream;
* within ``TIME_BOUND_S`` (in-process: the interpreter and the registry are already loaded), or
  ``COMPUTE_TIME_BOUND_S`` for the cases that reach the solvers;
* with no partial output: every file a command left is complete (JSON that parses, a report
  that ends with ``\\end{document}``), and no temporary file remains.

Two families per command: *file* cases (anything a user can hand over: corrupted JSON, odd
values, bad options and paths), and *compute* cases (well-formed files with at most one number
or scale out of the ordinary, so that they reach the solvers and the audits' evaluators).

The example database is kept in ``tests/fuzz_examples/`` (committed), so a case that once
failed is replayed by every later local run (hypothesis drops an entry once it passes); every case
found so far is also pinned as a test of its own in ``tests/test_input_boundary.py``.  The
default run draws ``FAST_EXAMPLES`` cases per family; ``--slow`` draws ``SLOW_EXAMPLES``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase

import dlncheck.checks.flow_command
from dlncheck.checks.catalogue import catalogue
from dlncheck.checks.cli import main
from dlncheck.checks.flow_instances import MODELS
from dlncheck.checks.registry import registry

FAST_EXAMPLES = 40
SLOW_EXAMPLES = 400
# In-process, after the registry is loaded once (at import, for AUDITED below): the README promises an
# answer within 10 s of start, of which the interpreter's start-up takes 1-3 s.  Cases that compute
# (flows, audits) may take longer: an integration at --dps stops after its budget
# (dlncheck.checks.flow_command.PRECISE_FLOW_MAX_SECONDS, lowered to FUZZ_INTEGRATION_SECONDS here), and the
# projection runs after it.
TIME_BOUND_S = 10.0
COMPUTE_TIME_BOUND_S = 30.0
FUZZ_INTEGRATION_SECONDS = 10.0
# A case still running after this long is stopped and reported as a hang.
WATCHDOG_S = 120
DATABASE = DirectoryBasedExampleDatabase(str(Path(__file__).parent / "fuzz_examples"))

# CI (.ci/run sets DLNCHECK_FUZZ_DERANDOMIZE=1) draws one fixed sequence of cases, so that a run
# is reproducible; elsewhere every run searches afresh and keeps what fails in the database.
DERANDOMIZED = os.environ.get("DLNCHECK_FUZZ_DERANDOMIZE") == "1"
FUZZ = settings(
    database=None if DERANDOMIZED else DATABASE,
    derandomize=DERANDOMIZED,  # derandomize=True switches the database off
    deadline=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)
FAST = settings(FUZZ, max_examples=FAST_EXAMPLES)
SLOW = settings(FUZZ, max_examples=SLOW_EXAMPLES)


@pytest.fixture(scope="module", autouse=True)
def bounded_integrations():
    """The command line's budgets for integrations (at --dps, and in the factors), lowered: the
    fuzz checks what happens when they run out, not how long a user is willing to wait."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dlncheck.checks.flow_command, "PRECISE_FLOW_MAX_SECONDS", FUZZ_INTEGRATION_SECONDS)
        patch.setattr(dlncheck.checks.flow_command, "FACTOR_FLOW_MAX_SECONDS", FUZZ_INTEGRATION_SECONDS)
        yield


# ------------------------------------------------------------------------------ numbers

SMALL_NUMBERS = st.sampled_from(["1", "-1", "1/2", "-3/4", "2", "0.5", "1e-3", "3", "0", "-2"])
EXTREME_NUMBERS = st.sampled_from(
    [
        "1e-99999",
        "1e99999",
        "1e-499",
        "1e300",
        "1e-300",
        "1e400",
        "1e-400",
        "1e150",
        "1e-150",
        "1e100000",
        "1e-100001",
        "1e" + "9" * 30,
        "0." + "1" * 5000,
        "1/" + "3" * 5000,
        "3" * 1200,
        "1/0",
        "0/0",
        "nan",
        "inf",
        "-inf",
        "Infinity",
        "1e",
        "",
        " ",
        "1..2",
        "0x10",
        "١",  # an Arabic-Indic digit
        "1_000",
        "+-1",
        "--1",
    ]
)
ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.just([]),
    st.just({}),
    st.just([["1"]]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.text(max_size=8),
)
# Valid initial scales on a log scale (factor scale), and the odd values a perturbation puts in.
SCALES = st.sampled_from(["1", "1/2", "1e-3", "1e-6", "1e-12", "1e-30", "2", "10", "1e3", "1e-100"])
SHAPES = st.tuples(st.integers(1, 3), st.integers(2, 4))
PERTURBATIONS = st.sampled_from(
    [
        "none",
        "extreme entry",
        "extreme scale",
        "odd entry",
        "odd scale",
        "shape",
        "depth",
        "missing key",
        "unknown key",
        "model",
        "init",
        "params",
        "dps",
    ]
)
ODD_DEPTHS = st.sampled_from([0, 1, -2, 64, 65, 10**4, "2", 2.5, None, True, "1" * 50])
INIT_KEYS = {"sensing": "mu", "wn": "r0", "wn_signed": "r0"}


def _matrix(draw, m: int, n: int) -> list[list[str]]:
    return [draw(st.lists(SMALL_NUMBERS, min_size=n, max_size=n)) for _ in range(m)]


@st.composite
def valid_flow_instances(draw) -> dict:
    """An instance every model accepts (it may still be infeasible, or slow to converge)."""
    model = draw(st.sampled_from(MODELS))
    m, n = draw(SHAPES)
    data: dict = {"model": model, "A": _matrix(draw, m, n)}
    if draw(st.booleans()):
        data["x_star"] = draw(st.lists(SMALL_NUMBERS, min_size=n, max_size=n))
    else:
        data["y"] = draw(st.lists(SMALL_NUMBERS, min_size=m, max_size=m))
    data["L"] = 2 if model in ("ms", "krr_uv", "sensing") else draw(st.sampled_from([2, 3, 4]))
    scale = draw(SCALES)
    if model == "sensing":
        data["init"] = {"mu": scale}
    elif model in ("wn", "wn_signed"):
        data["init"] = {"alpha": scale}
        data["params"] = draw(st.sampled_from([{"rates": "tilde", "eta": "1/2"}, {"rates": "r2"}]))
    elif model == "positive" and draw(st.booleans()):
        data["init"] = {"x0": [draw(SCALES) for _ in range(n)]}
    else:
        data["init"] = {"alpha": scale}
    return data


def _perturb_number(draw, data: dict, values) -> None:
    """Put a drawn value at a drawn place: an entry of A, y or x_star, or the scale."""
    places = [("A", i, j) for i, row in enumerate(data["A"]) for j in range(len(row))]
    places += [(key, i) for key in ("y", "x_star") if key in data for i in range(len(data[key]))]
    place = draw(st.sampled_from(places))
    value = draw(values)
    if place[0] == "A":
        data["A"][place[1]][place[2]] = value
    else:
        data[place[0]][place[1]] = value


@st.composite
def flow_instances(draw) -> dict:
    """A valid flow instance with at most one perturbation (so that most cases reach deep)."""
    data = draw(valid_flow_instances())
    how = draw(PERTURBATIONS)
    init_key = next(iter(data["init"]))
    if how == "extreme entry":
        _perturb_number(draw, data, EXTREME_NUMBERS)
    elif how == "odd entry":
        _perturb_number(draw, data, ODD_VALUES)
    elif how == "extreme scale" and init_key != "x0":
        data["init"][init_key] = draw(EXTREME_NUMBERS)
    elif how == "odd scale" and init_key != "x0":
        data["init"][init_key] = draw(ODD_VALUES)
    elif how == "shape":
        which = draw(st.sampled_from(["ragged", "short y", "empty", "flat"]))
        if which == "ragged":
            data["A"][0] = [*data["A"][0], "1"]
        elif which == "short y":
            data.pop("x_star", None)
            data["y"] = ["1"] * (len(data["A"]) + 1)
        elif which == "empty":
            data["A"] = []
        else:
            data["A"] = data["A"][0]
    elif how == "depth":
        data["L"] = draw(ODD_DEPTHS)
    elif how == "missing key":
        data.pop(draw(st.sampled_from(sorted(data))))
    elif how == "unknown key":
        data[draw(st.text(min_size=1, max_size=5))] = 1
    elif how == "model":
        data["model"] = draw(st.one_of(ODD_VALUES, st.sampled_from(MODELS)))
    elif how == "init":
        data["init"] = draw(
            st.one_of(
                ODD_VALUES,
                st.fixed_dictionaries(
                    {draw(st.sampled_from(["x0", "u0", "factors", "mu", "r0"])): ODD_VALUES}
                ),
            )
        )
    elif how == "params":
        data["params"] = draw(
            st.sampled_from([{"rates": "tilde"}, {"rates": "r2", "eta": "1"}, {"w0": ["0"]}, {"junk": 1}, []])
        )
    elif how == "dps":
        data["dps"] = draw(st.one_of(st.sampled_from([16, 30, 5, 10**6, "30"]), ODD_VALUES))
    return data


@st.composite
def audit_instances(draw) -> dict:
    """An audited claim's own example instance (valid), with at most one perturbation."""
    claim = registry().claims[draw(st.sampled_from(AUDITED))]
    data = json.loads(json.dumps(claim.audit.example))
    how = draw(st.sampled_from(["none", "extreme param", "odd param", "extreme data", "odd key", "init"]))
    params = data.get("params") or {}
    if how in ("extreme param", "odd param") and params:
        name = draw(st.sampled_from(sorted(params)))
        value = draw(EXTREME_NUMBERS if how == "extreme param" else ODD_VALUES)
        if isinstance(params[name], list) and params[name]:
            params[name][draw(st.integers(0, len(params[name]) - 1))] = value
        else:
            params[name] = value
    elif how == "extreme data" and "A" in data:
        _perturb_number(draw, data, EXTREME_NUMBERS)
    elif how == "odd key":
        data[draw(st.sampled_from(["A", "y", "depth", "init", "signed", "params", "claim", "dps"]))] = draw(
            ODD_VALUES
        )
    elif how == "init" and "init" in data:
        data["init"] = draw(
            st.one_of(
                st.fixed_dictionaries({"alpha": st.one_of(SCALES, EXTREME_NUMBERS)}),
                st.fixed_dictionaries(
                    {"factors": st.lists(st.lists(SCALES, min_size=2, max_size=2), max_size=3)}
                ),
            )
        )
        if draw(st.booleans()):
            data["depth"] = draw(st.one_of(st.sampled_from([2, 3, 64]), ODD_DEPTHS))
    return {"claim": claim.id, "data": data}


# ------------------------------------------------------------------------------ files


@st.composite
def corrupted_json(draw, document) -> str:
    """The document's JSON, or a corruption of it: truncated, spliced, nested, or garbage."""
    text = json.dumps(document)
    how = draw(
        st.sampled_from(["none", "none", "none", "truncate", "splice", "nest", "garbage", "huge integer"])
    )
    if how == "truncate" and text:
        return text[: draw(st.integers(0, len(text) - 1))]
    if how == "splice":
        at = draw(st.integers(0, len(text)))
        return (
            text[:at] + draw(st.sampled_from(["{", "]", ",", '"', "\\", "\x00", "1e999", "NaN"])) + text[at:]
        )
    if how == "nest":
        depth = draw(st.sampled_from([40, 1000, 100_000]))
        return "[" * depth + "]" * depth
    if how == "garbage":
        return draw(st.sampled_from(["", "null", "[]", '"text"', "1", "\ufeff{}", "{}" * 2]))
    if how == "huge integer":  # one huge integer where the model reads a number
        return text.replace('"1"', "1" * 5000, 1) if '"1"' in text else text
    return text


def _large_zero_instance(m: int, n: int) -> str:
    row = "[" + ",".join(["0"] * n) + "]"
    return (
        '{"model": "positive", "A": ['
        + ",".join([row] * m)
        + '], "y": ["1"], "L": 2, "init": {"alpha": "1"}}'
    )


@st.composite
def instance_files(draw, documents) -> bytes:
    kind = draw(st.sampled_from(["json"] * 18 + ["binary", "large"]))
    if kind == "binary":
        return draw(st.binary(max_size=64))
    if kind == "large":
        return _large_zero_instance(draw(st.sampled_from([1100, 2000])), 1000).encode()
    return draw(corrupted_json(draw(documents))).encode("utf-8", "surrogatepass")


# ------------------------------------------------------------------------------ arguments

AUDITED = sorted(cid for cid, claim in registry().claims.items() if claim.audit is not None)
CATALOGUE_ONLY = sorted(set(catalogue()) - set(registry().claims))
BAD_IDS = st.one_of(
    st.text(max_size=12).filter(lambda t: t != "--"),  # "--" would select every claim
    st.sampled_from(["mil.lemA.3", "krr.lem55", "", "-x", "--bogus", "x" * 5000, "mil", "MIL.LEMA.2"]),
    st.sampled_from(CATALOGUE_ONLY),
)


def _place(root: Path, kind: str, name: str) -> str:
    """An output location of the drawn kind under ``root``."""
    blocker = root / "a-file"
    blocker.write_text("x")
    return {
        "good": str(root / "out" / name),
        "missing-folder": str(root / "no" / "such" / name),
        "folder": str(root / "out"),
        "under-a-file": str(blocker / name),
        "proc": f"/proc/{name}",
        "dev-null": "/dev/null",
    }[kind]


PLACES = st.sampled_from(["good"] * 10 + ["missing-folder", "folder", "under-a-file", "proc", "dev-null"])
DPS = st.sampled_from(["20", "30", "50"] * 4 + ["0", "-1", "abc", "1000000", "1e3", ""])


@st.composite
def common_options(draw, root: Path) -> list[str]:
    args = []
    if draw(st.integers(0, 9)) == 0:
        args += ["--state", _place(root, draw(PLACES), "state")]
    if draw(st.integers(0, 9)) == 0:
        args += ["--counterexamples", _place(root, draw(PLACES), "cx")]
    if draw(st.booleans()):
        args.append("--no-progress")
    return args


# ------------------------------------------------------------------------------ the harness


class Hang(Exception):
    pass


def _on_alarm(signum, frame):
    raise Hang(f"still running after {WATCHDOG_S} s")


def run_case(argv: list[str], root: Path, bound: float = TIME_BOUND_S) -> tuple[int, str, str, float]:
    """Run ``dlncheck argv`` in-process; check the promises of the module docstring."""
    out, err = io.StringIO(), io.StringIO()
    before = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(WATCHDOG_S)
    start = time.perf_counter()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    except Exception as exc:  # what the command line lets through is a traceback for the user
        raise AssertionError(f"{type(exc).__name__} escaped main\n{_inputs(argv, root)}") from exc
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, before)
    elapsed = time.perf_counter() - start
    stdout, stderr = out.getvalue(), err.getvalue()
    shown = f"{_inputs(argv, root)}\nexit {code}\nstdout:\n{stdout[-2000:]}\nstderr:\n{stderr[-2000:]}"
    assert code in (0, 1, 2), shown
    for stream in (stdout, stderr):
        assert "Traceback" not in stream and "Warning:" not in stream, shown
    if code == 2:
        lines = stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("dlncheck: error: "), shown
    assert elapsed <= bound, f"took {elapsed:.1f} s\n{shown}"
    _no_partial_output(root, shown)
    # --hypothesis-show-statistics: how the cases ended (which errors, how many computed)
    first = (stderr.splitlines() or [""])[0]
    words = [w for w in first.split()[2:7] if "/" not in w]
    event(f"{argv[0]} exit {code}: {' '.join(words)}" if code == 2 else f"{argv[0]} exit {code}")
    return code, stdout, stderr, elapsed


def _inputs(argv: list[str], root: Path) -> str:
    """The arguments and the files they name, for a failure's message."""
    inputs = [Path(a) for a in argv if a.startswith(str(root)) and a.endswith(".json")]
    texts = [f"{p.name}: {p.read_text(errors='replace')[:1500]}" for p in inputs if p.is_file()]
    return "\n".join([f"argv = {argv}", *texts])


def _no_partial_output(root: Path, shown: str) -> None:
    for dirpath, _, files in os.walk(root):
        for name in files:
            path = Path(dirpath) / name
            assert not name.endswith(".tmp"), f"temporary file left: {path}\n{shown}"
            if path.suffix == ".json" and path.parent.name in ("out", "state", "cx"):
                json.loads(path.read_text(encoding="utf-8"))  # complete
            if path.suffix == ".tex":
                assert path.read_text(encoding="utf-8").endswith("\\end{document}\n"), f"{path}\n{shown}"


@contextlib.contextmanager
def workspace():
    with tempfile.TemporaryDirectory(prefix="dlncheck-fuzz-") as tmp:
        root = Path(tmp)
        (root / "out").mkdir()
        yield root


# ------------------------------------------------------------------------------ flow


@st.composite
def flow_file_cases(draw, root: Path) -> list[str]:
    """Files and options of every kind: corrupted JSON, odd values, bad options and paths."""
    path = root / "instance.json"
    path.write_bytes(draw(instance_files(flow_instances())))
    argv = ["flow", str(path), *draw(common_options(root))]
    if draw(st.booleans()):
        argv += ["--method", draw(st.sampled_from(["integrate", "project", "both"] * 6 + ["all", ""]))]
    if draw(st.integers(0, 3)) == 0:
        argv += ["--dps", draw(DPS)]
    if draw(st.integers(0, 2)) == 0:
        argv += ["--json", _place(root, draw(PLACES), "flow.json")]
    if draw(st.integers(0, 19)) == 0:
        argv[1] = draw(st.sampled_from([str(root / "missing.json"), str(root), "/proc/self/mem", ""]))
    return argv


@st.composite
def flow_compute_cases(draw, root: Path) -> list[str]:
    """Well-formed files and options, at most one number or scale out of the ordinary: these
    reach the solvers (every model, method and precision)."""
    data = draw(valid_flow_instances())
    how = draw(st.sampled_from(["none", "extreme entry", "extreme scale", "depth"]))
    if how == "extreme entry":
        _perturb_number(draw, data, EXTREME_NUMBERS)
    elif how == "extreme scale" and "x0" not in data["init"]:
        data["init"][next(iter(data["init"]))] = draw(EXTREME_NUMBERS)
    elif how == "depth" and data["L"] != 2:
        data["L"] = draw(st.integers(2, 64))
    path = root / "instance.json"
    path.write_text(json.dumps(data))
    argv = ["flow", str(path), "--json", str(root / "out" / "flow.json"), "--no-progress"]
    argv += ["--method", draw(st.sampled_from(["both", "integrate", "project"]))]
    if draw(st.integers(0, 3)) == 0:
        argv += ["--dps", draw(st.sampled_from(["30", "50", "20"]))]
    return argv


def _fuzz_flow(data, cases) -> None:
    with workspace() as root:
        bound = COMPUTE_TIME_BOUND_S if cases is flow_compute_cases else TIME_BOUND_S
        run_case(data.draw(cases(root)), root, bound)


@FAST
@given(st.data())
def test_flow_answers_every_instance_file_in_one_line_without_traceback(data):
    _fuzz_flow(data, flow_file_cases)


@FAST
@given(st.data())
def test_flow_on_nearly_valid_instances_ends_in_a_result_or_one_line(data):
    _fuzz_flow(data, flow_compute_cases)


@pytest.mark.slow
@SLOW
@given(st.data())
def test_flow_answers_every_instance_file_in_one_line_without_traceback_at_full_budget(data):
    _fuzz_flow(data, flow_file_cases)


@pytest.mark.slow
@SLOW
@given(st.data())
def test_flow_on_nearly_valid_instances_ends_in_a_result_or_one_line_at_full_budget(data):
    _fuzz_flow(data, flow_compute_cases)


# ------------------------------------------------------------------------------ audit


@st.composite
def audit_cases(draw, root: Path) -> list[str]:
    drawn = draw(audit_instances())
    path = root / "instance.json"
    path.write_bytes(draw(corrupted_json(drawn["data"])).encode("utf-8", "surrogatepass"))
    claim = drawn["claim"] if draw(st.integers(0, 9)) else draw(BAD_IDS)
    argv = ["audit", claim, "--instance", str(path), *draw(common_options(root))]
    if draw(st.integers(0, 3)) == 0:
        argv += ["--dps", draw(DPS)]
    if draw(st.integers(0, 2)) == 0:
        argv += ["--json", _place(root, draw(PLACES), "audit.json")]
    return argv


@st.composite
def audit_compute_cases(draw, root: Path) -> list[str]:
    """An audited claim's example with one parameter or scale moved (ordinary, extreme, or a
    tenth, tenfold, negated): these reach the audits' evaluators."""
    claim = registry().claims[draw(st.sampled_from(AUDITED))]
    data = json.loads(json.dumps(claim.audit.example))
    params = data.get("params") or {}
    moves = st.one_of(SMALL_NUMBERS, SCALES, EXTREME_NUMBERS)
    if params and draw(st.booleans()):
        name = draw(st.sampled_from(sorted(params)))
        if isinstance(params[name], list) and params[name]:
            params[name][draw(st.integers(0, len(params[name]) - 1))] = draw(moves)
        elif isinstance(params[name], str):
            params[name] = draw(moves)
    elif isinstance(data.get("init"), dict) and draw(st.booleans()):
        data["init"] = {"alpha": draw(st.one_of(SCALES, EXTREME_NUMBERS))}
        data["depth"] = draw(st.sampled_from([2, 3, 4, 8, 64]))
    path = root / "instance.json"
    path.write_text(json.dumps(data))
    argv = ["audit", claim.id, "--instance", str(path), "--json", str(root / "out" / "audit.json")]
    if draw(st.integers(0, 3)) == 0:
        argv += ["--dps", draw(st.sampled_from(["15", "30", "60", "200"]))]
    return argv


def _fuzz_audit(data, cases) -> None:
    with workspace() as root:
        bound = COMPUTE_TIME_BOUND_S if cases is audit_compute_cases else TIME_BOUND_S
        run_case(data.draw(cases(root)), root, bound)


@FAST
@given(st.data())
def test_audit_answers_every_instance_file_in_one_line_without_traceback(data):
    _fuzz_audit(data, audit_cases)


@FAST
@given(st.data())
def test_audit_of_moved_examples_ends_in_a_decision_or_one_line(data):
    _fuzz_audit(data, audit_compute_cases)


@pytest.mark.slow
@SLOW
@given(st.data())
def test_audit_answers_every_instance_file_in_one_line_without_traceback_at_full_budget(data):
    _fuzz_audit(data, audit_cases)


@pytest.mark.slow
@SLOW
@given(st.data())
def test_audit_of_moved_examples_ends_in_a_decision_or_one_line_at_full_budget(data):
    _fuzz_audit(data, audit_compute_cases)


# ------------------------------------------------------------------------------ show, check, derive


@st.composite
def selection_cases(draw, root: Path) -> list[str]:
    """Commands that select claims, with ids that select nothing runnable: nothing may run long."""
    command = draw(st.sampled_from(["show", "check", "derive"]))
    ids = draw(st.lists(BAD_IDS, min_size=1, max_size=3))
    argv = [command, *ids[:1]] if command == "show" else [command, *ids]
    argv += draw(common_options(root))
    if command != "show" and draw(st.booleans()):
        argv += ["--json", _place(root, draw(PLACES), "sel.json")]
    if command == "check" and draw(st.booleans()):
        argv += draw(
            st.sampled_from([["--budget", "0"], ["--budget", "x"], ["--seed", "-1"], ["--paper", "abc"]])
        )
    return argv


def _fuzz_selection(data) -> None:
    with workspace() as root:
        argv = data.draw(selection_cases(root))
        code, *_ = run_case(argv, root)
        # derive lists a catalogue id without checks with its reason (or "no derivation yet")
        options = [i for i, a in enumerate(argv) if a.startswith("--")]
        ids = argv[1 : options[0]] if options else argv[1:]
        listed = argv[0] == "derive" and all(a in CATALOGUE_ONLY for a in ids)
        assert code == 2 or (listed and code == 0)


@FAST
@given(st.data())
def test_unknown_ids_and_bad_options_are_one_line_errors(data):
    _fuzz_selection(data)


@pytest.mark.slow
@SLOW
@given(st.data())
def test_unknown_ids_and_bad_options_are_one_line_errors_at_full_budget(data):
    _fuzz_selection(data)


# ------------------------------------------------------------------------------ report --from-json


@pytest.fixture(scope="module")
def results_document(tmp_path_factory) -> dict:
    """A real ``check --json`` document of two fast claims, to corrupt."""
    path = tmp_path_factory.mktemp("results") / "results.json"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["check", "krr.eq.q", "mil.lemA.2", "--no-progress", "--json", str(path)]) == 0
    return json.loads(path.read_text(encoding="utf-8"))


@st.composite
def mutated_results(draw, document: dict) -> dict:
    doc = json.loads(json.dumps(document))
    for _ in range(draw(st.integers(0, 3))):
        where = draw(st.sampled_from(["top", "claim", "check"]))
        target = doc
        if where != "top" and isinstance(doc.get("claims"), list) and doc["claims"]:
            target = doc["claims"][draw(st.integers(0, len(doc["claims"]) - 1))]
            checks_ = target.get("checks") if isinstance(target, dict) else None
            if where == "check" and isinstance(checks_, list) and checks_:
                target = checks_[0]
        if not isinstance(target, dict) or not target:
            continue
        key = draw(st.sampled_from(sorted(target)))
        action = draw(st.sampled_from(["delete", "replace", "verdict"]))
        if action == "delete":
            del target[key]
        elif action == "replace":
            target[key] = draw(st.one_of(ODD_VALUES, EXTREME_NUMBERS))
        else:
            target[key] = draw(st.sampled_from(["maybe", "refuted", "verified", "", None]))
    return doc


@st.composite
def report_cases(draw, root: Path, document: dict) -> list[str]:
    path = root / "results.json"
    path.write_bytes(draw(corrupted_json(draw(mutated_results(document)))).encode("utf-8", "surrogatepass"))
    argv = ["report", "--from-json", str(path), "--out", _place(root, draw(PLACES), "reports")]
    if draw(st.booleans()):
        argv += ["--paper", draw(st.sampled_from(["mil", "krr", "ms", "wn", "xyz"]))]
    return argv + draw(common_options(root))


def _fuzz_report(data, document) -> None:
    with workspace() as root:
        run_case(data.draw(report_cases(root, document)), root)


@FAST
@given(data=st.data())
def test_report_from_any_results_file_is_complete_or_one_line_error(results_document, data):
    _fuzz_report(data, results_document)


@pytest.mark.slow
@SLOW
@given(data=st.data())
def test_report_from_any_results_file_is_complete_or_one_line_error_at_full_budget(results_document, data):
    _fuzz_report(data, results_document)
