"""Start-up of the command line, end to end, against ``python -c "import sympy"`` in the same run.

Each command is a fresh process, as a user runs it (interpreter start, site, the editable
finder, the imports a command makes, argument parsing, output). The runs alternate between the
commands, so load on the machine falls on all of them alike; the table gives the median wall time
of each and its ratio to ``import sympy`` (issue 13's target: ``dlncheck --help`` under 0.25).

    .venv/bin/python bench/bench_cli_startup.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
DLNCHECK = shutil.which("dlncheck", path=str(Path(PYTHON).parent)) or "dlncheck"

# `list` with an empty declarations cache (checks/declarations.py), as after a source changed:
# it imports the claims once and writes the cache
COLD = "dlncheck list (declarations cache rebuilt)"

COMMANDS: dict[str, list[str]] = {
    'python -c "import sympy" (baseline)': [PYTHON, "-c", "import sympy"],
    'python -c "pass"': [PYTHON, "-c", "pass"],
    "dlncheck --help": [DLNCHECK, "--help"],
    "dlncheck --version": [DLNCHECK, "--version"],
    "dlncheck list": [DLNCHECK, "list"],
    "dlncheck show mil.thm2.1b": [DLNCHECK, "show", "mil.thm2.1b"],
    COLD: [DLNCHECK, "list"],
}


def _once(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1", **env})
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.strip()[-300:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="runs of each command (default 15)")
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    with tempfile.TemporaryDirectory() as scratch:
        warm = {"DLNCHECK_CACHE": str(Path(scratch) / "warm")}
        for argv in COMMANDS.values():  # warm the file cache (and the declarations cache) once, untimed
            _once(argv, warm)
        for run in range(args.repeat):
            for name, argv in COMMANDS.items():
                env = {"DLNCHECK_CACHE": str(Path(scratch) / f"cold-{run}")} if name == COLD else warm
                times[name].append(_once(argv, env))
    baseline = statistics.median(times['python -c "import sympy" (baseline)'])
    print(f"median of {args.repeat} alternating runs; load average {os.getloadavg()[0]:.1f}")
    print("| command | median wall (s) | ratio to import sympy |")
    print("| --- | --- | --- |")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"| `{name}` | {median:.3f} | {median / baseline:.2f} |")


if __name__ == "__main__":
    main()
