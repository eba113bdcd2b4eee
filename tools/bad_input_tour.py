"""Run the command line on the bad inputs of issue 11, each as a new process, and tabulate.

For each case: the exit code, the wall time from process start to exit, the number of stderr
lines, and the first of them (a traceback or a warning would show here).  A new user's view:
nothing is in-process and nothing is warm.

    python tools/bad_input_tour.py [--dlncheck PATH]     # prints a Markdown table
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

A = [["1", "1/2", "-1/3", "2"], ["0", "1", "1", "-1/2"]]


def _flow(alpha: str, model: str = "positive", **extra) -> dict:
    return {
        "model": model,
        "A": A,
        "x_star": ["0", "1/10", "3/20", "0"],
        "L": 2,
        "init": {"alpha": alpha},
        **extra,
    }


def _system(model: str, A_rows: list, y: list, alpha: str = "1e-3") -> dict:
    return {"model": model, "A": A_rows, "y": y, "L": 2, "init": {"alpha": alpha}}


def cases(root: Path) -> list[tuple[str, list[str]]]:
    def write(name: str, content) -> str:
        path = root / name
        path.write_text(content if isinstance(content, str) else json.dumps(content))
        return str(path)

    blocker = root / "a-file"
    blocker.write_text("x")
    good = write("good.json", _flow("1e-3"))
    results = write("results-no-claims.json", {"schema": "dlncheck.results/1"})
    zero = "[" + ",".join(["0"] * 5000) + "]"
    big_zero = write(
        "zero5000.json",
        '{"model":"positive","A":[' + ",".join([zero] * 5000) + '],"y":["1"],"L":2,"init":{"alpha":"1e-3"}}',
    )
    audit_a = {"A": [["1", "1/2"], ["0", "2"]], "y": ["1", "-3/4"], "depth": 3, "init": {"alpha": "1"}}
    return [
        ("flow α = 1e-99999 (both)", ["flow", write("tiny.json", _flow("1e-99999"))]),
        ("flow α = 1e-499 (both)", ["flow", write("tiny499.json", _flow("1e-499"))]),
        (
            "flow α = 1e-99999 --method integrate",
            ["flow", root.joinpath("tiny.json").as_posix(), "--method", "integrate"],
        ),
        (
            "flow signed, all-zero A",
            ["flow", write("zeroA.json", _system("signed", [["0", "0"], ["0", "0"]], ["1", "1"]))],
        ),
        (
            "flow signed, no solution",
            ["flow", write("signed.json", _system("signed", [["1", "1"], ["1", "1"]], ["1", "2"]))],
        ),
        (
            "flow krr, no solution",
            ["flow", write("krr.json", _system("krr", [["1", "1"], ["1", "1"]], ["1", "2"]))],
        ),
        ("flow 5000 × 5000 zero A", ["flow", big_zero]),
        (
            "flow A entry 1e300",
            ["flow", write("A300.json", _system("positive", [["1e300", "1"], ["0", "1"]], ["1", "1"]))],
        ),
        ("flow α = 1e300", ["flow", write("alpha300.json", _flow("1e300"))]),
        (
            "flow JSON number 1e400",
            [
                "flow",
                write(
                    "n400.json",
                    '{"model":"positive","A":[[1e400,1],[0,1]],"y":["1","1"],"L":2,"init":{"alpha":"1e-3"}}',
                ),
            ],
        ),
        ("flow α of 5000 digits", ["flow", write("a5000.json", _flow("0." + "1" * 5000))]),
        ("flow α = 1/(5000 digits)", ["flow", write("r5000.json", _flow("1/" + "3" * 5000))]),
        (
            "flow α a JSON integer of 5000 digits",
            [
                "flow",
                write(
                    "i5000.json",
                    '{"model":"positive","A":[["1","1"]],"y":["1"],"L":2,"init":{"alpha":'
                    + "1" * 5000
                    + "}}",
                ),
            ],
        ),
        (
            "flow depth of 5000 digits",
            [
                "flow",
                write(
                    "d5000.json",
                    '{"model":"positive","A":[["1","1"]],"y":["1"],"L":'
                    + "1" * 5000
                    + ',"init":{"alpha":"1"}}',
                ),
            ],
        ),
        ("flow nested JSON", ["flow", write("nested.json", "[" * 100_000 + "]" * 100_000)]),
        ("flow --json /proc/x.json", ["flow", good, "--json", "/proc/x.json"]),
        (
            "audit --json /proc/x.json",
            ["audit", "mil.lemA.2", "--instance", write("audit.json", audit_a), "--json", "/proc/x.json"],
        ),
        ("check --json /proc/x.json", ["check", "krr.eq.q", "--json", "/proc/x.json"]),
        ("derive --json /proc/x.json", ["derive", "krr.eq.q", "--json", "/proc/x.json"]),
        ("check --state <a file>", ["check", "krr.eq.q", "--state", str(blocker)]),
        ("check --state /proc/x", ["check", "krr.eq.q", "--state", "/proc/x"]),
        ("check --counterexamples <a file>", ["check", "krr.eq.q", "--counterexamples", str(blocker)]),
        ("report --out /proc/x", ["report", "--from-json", results, "--out", "/proc/x"]),
        ("report --from-json with no claims", ["report", "--from-json", results, "--out", str(root / "rep")]),
        (
            "audit α = 1e-99999",
            [
                "audit",
                "mil.lemA.2",
                "--instance",
                write("audit_tiny.json", {**audit_a, "init": {"alpha": "1e-99999"}}),
            ],
        ),
        (
            "audit α = 1e99999, L = 64",
            [
                "audit",
                "mil.lemA.2",
                "--instance",
                write("audit_big.json", {**audit_a, "depth": 64, "init": {"alpha": "1e99999"}}),
            ],
        ),
        ("audit 5000 × 5000 zero A", ["audit", "mil.lemA.2", "--instance", big_zero]),
        ("show unknown id", ["show", "mil.lemA.3"]),
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dlncheck", default=str(Path(sys.executable).with_name("dlncheck")))
    args = parser.parse_args(argv)
    print("| case | exit | seconds | stderr lines | first stderr line (or stdout's last) |")
    print("| --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory(prefix="dlncheck-tour-") as tmp:
        root = Path(tmp)
        for name, command in cases(root):
            start = time.perf_counter()
            done = subprocess.run(
                [args.dlncheck, *command, "--no-progress"], capture_output=True, text=True, cwd=root
            )
            wall = time.perf_counter() - start
            err = done.stderr.splitlines()
            shown = err[0] if err else (done.stdout.strip().splitlines() or [""])[-1]
            shown = shown.replace("|", "\\|")
            shown = shown if len(shown) <= 150 else shown[:147] + "..."
            print(f"| {name} | {done.returncode} | {wall:.1f} | {len(err)} | {shown} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
