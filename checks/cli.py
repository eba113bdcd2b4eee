"""The ``dlncheck`` command line.

Exit codes: 0 success (for ``check``: every verdict equals the recorded expectation; for
``audit``: the claim holds on the instance), 1 a verdict differs from its expectation (or
the audited instance violates the claim), 2 a usage or input error, reported on one line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import dlncheck
from dlncheck.checks import numeric_warnings
from dlncheck.checks.claim import Kind
from dlncheck.checks.context import DEFAULT_BUDGET, DEFAULT_SEED, RunContext
from dlncheck.checks.errors import FlowFailure, InstanceError, UnknownClaimError
from dlncheck.checks.papers import PaperError, paper_titles
from dlncheck.checks.verdicts import Verdict

if TYPE_CHECKING:
    from dlncheck.checks.registry import Registry
    from dlncheck.checks.runner import ClaimResult

EXIT_OK, EXIT_MISMATCH, EXIT_USAGE = 0, 1, 2
PAPER_HELP = "a registered paper: mil, ms, krr, wn, or a plugin's (checks.papers)"
MAX_AUDIT_DIGITS = 10_000


class UsageError(Exception):
    """A user error: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _paper_key(text: str) -> str:
    """A registered paper's key; the plugins are looked up only when the option is given."""
    known = paper_titles()
    if text not in known:
        raise argparse.ArgumentTypeError(f"unknown paper {text!r} (registered: {', '.join(known)})")
    return text


def _nonnegative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="dlncheck", description="Check the claims of the diagonal-linear-network papers.")
    parser.add_argument("--version", action="version", version=f"dlncheck {dlncheck.__version__}")
    common = _Parser(add_help=False)
    common.add_argument(
        "--state",
        metavar="DIR",
        help="where the latest verdicts are kept (default $DLNCHECK_STATE or ./.dlncheck)",
    )
    common.add_argument(
        "--counterexamples",
        metavar="DIR",
        help="also replay counterexamples from DIR and write new ones there "
        "(default: the package's checks/counterexamples/)",
    )
    common.add_argument("--no-progress", action="store_true", help="no progress bar")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("list", parents=[common], help="table of claims with their latest verdicts")
    p.add_argument(
        "--paper", type=_paper_key, metavar="KEY", help="a registered paper (mil, ms, krr, wn, or a plugin's)"
    )
    p.add_argument("--kind", choices=[k.value for k in Kind])
    p.add_argument("--all", action="store_true", help="include catalogue ids without checks yet")

    p = sub.add_parser(
        "show", parents=[common], help="statement, hypotheses, dependencies, checks and evidence of a claim"
    )
    p.add_argument("id")

    p = sub.add_parser("check", parents=[common], help="run checks and print a verdict table")
    p.add_argument("ids", nargs="*", metavar="ID")
    p.add_argument(
        "--paper", type=_paper_key, metavar="KEY", help="a registered paper (mil, ms, krr, wn, or a plugin's)"
    )
    p.add_argument(
        "--budget",
        type=_positive_int,
        default=DEFAULT_BUDGET,
        help=f"instances per property check (default {DEFAULT_BUDGET})",
    )
    p.add_argument(
        "--seed", type=_nonnegative_int, default=DEFAULT_SEED, help="seed of the property searches"
    )
    p.add_argument("--json", metavar="FILE", help="write machine-readable results to FILE")

    p = sub.add_parser(
        "derive", parents=[common], help="print the SymPy derivations of claims and compare them with print"
    )
    p.add_argument("ids", nargs="*", metavar="ID")
    p.add_argument(
        "--paper", type=_paper_key, metavar="KEY", help="a registered paper (mil, ms, krr, wn, or a plugin's)"
    )
    p.add_argument("--latex", action="store_true", help="show expressions with SymPy's LaTeX printer")
    p.add_argument(
        "--coverage",
        action="store_true",
        help="only list, per catalogue id that calls for a symbolic check, its derivations or why none",
    )
    p.add_argument("--json", metavar="FILE", help="write the derivations as JSON to FILE")

    p = sub.add_parser("audit", parents=[common], help="evaluate one instance of a claim at high precision")
    p.add_argument("id")
    p.add_argument("--instance", required=True, metavar="FILE", help="instance file (JSON)")
    p.add_argument(
        "--dps", type=_positive_int, help="decimal digits (default: the instance's, else the claim's)"
    )
    p.add_argument("--json", metavar="FILE", help="write the audit as JSON to FILE")

    p = sub.add_parser("flow", parents=[common], help="a flow's limit: integrated, projected, or both")
    p.add_argument("instance", metavar="INSTANCE", help="flow instance file (JSON, schema dlncheck.flow/1)")
    p.add_argument("--method", choices=["integrate", "project", "both"], default="both")
    p.add_argument("--dps", type=_positive_int, help="decimal digits of the projection (default: float64)")
    p.add_argument("--json", metavar="FILE", help="write the result as JSON to FILE")

    p = sub.add_parser("report", parents=[common], help="write a LaTeX report per paper")
    p.add_argument(
        "--paper", type=_paper_key, metavar="KEY", help="a registered paper (mil, ms, krr, wn, or a plugin's)"
    )
    p.add_argument("--out", default="reports", metavar="DIR", help="output folder (default reports/)")
    p.add_argument("--budget", type=_positive_int, default=DEFAULT_BUDGET)
    p.add_argument("--seed", type=_nonnegative_int, default=DEFAULT_SEED)
    p.add_argument("--from-json", metavar="FILE", help="use the results of an earlier `check --json` run")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        with numeric_warnings.recorded() as caught:
            code = _dispatch(argv)
    except BrokenPipeError:  # the reader went away (`dlncheck ... | head`): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that the exit's final flush does not fail again
        return 1
    if code == EXIT_MISMATCH and caught.summary():  # what went out of range, once, after the failure
        print(f"dlncheck: note: {caught.summary()}", file=sys.stderr)
    return code


def _dispatch(argv: Sequence[str] | None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"dlncheck: error: {one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except (InstanceError, UnknownClaimError, PaperError) as exc:
        print(f"dlncheck: error: {one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except FlowFailure as exc:  # the computation ran but reached no limit to report
        print(f"dlncheck: {one_line(exc)}", file=sys.stderr)
        return EXIT_MISMATCH
    except KeyboardInterrupt:
        print("dlncheck: interrupted", file=sys.stderr)
        return 130


def one_line(exc: BaseException) -> str:
    """An error message on one line: argparse and the OS may wrap theirs."""
    text = str(exc).strip()
    if isinstance(exc, KeyError):  # str(KeyError) quotes its argument
        text = str(exc.args[0]) if exc.args else text
    return " ".join(text.split())


# ------------------------------------------------------------------------------ helpers


def _context(
    args: argparse.Namespace, budget: int = DEFAULT_BUDGET, seed: int = DEFAULT_SEED, on_progress=None
) -> RunContext:
    from dlncheck.checks.output_paths import require_writable_folder
    from dlncheck.checks.papers import counterexample_dirs

    dirs = counterexample_dirs()  # every registered paper's stored counterexamples
    if args.counterexamples:
        # new counterexamples are written to the first folder: test it before the run
        dirs = (require_writable_folder(args.counterexamples, "--counterexamples", create=True), *dirs)
    return RunContext(budget=budget, seed=seed, counterexample_dirs=dirs, on_progress=on_progress)


def _run(
    reg: Registry, claims, ctx_args: argparse.Namespace, budget: int, seed: int, progress_label: str
) -> tuple[list[ClaimResult], dict[str, Any]]:
    from dlncheck.checks import results as results_io
    from dlncheck.checks.progress import Progress
    from dlncheck.checks.runner import run_claim, with_taint

    # every destination is tested before the run: the state folder, the counterexamples folder
    state = results_io.run_state_dir(ctx_args.state)
    progress = Progress(len(claims), progress_label, enabled=not ctx_args.no_progress)
    ctx = _context(ctx_args, budget, seed, on_progress=progress.note)
    started, t0 = time.time(), time.perf_counter()
    raw = []
    try:
        for claim in claims:
            progress.begin(claim.id)
            result = run_claim(claim, ctx)
            raw.append(result)
            progress.advance(f"{claim.id}: {result.verdict}")
    finally:
        progress.close()
    results = with_taint(raw, reg)
    doc = results_io.document(results, ctx, started, time.perf_counter() - t0)
    results_io.record_latest(state, doc, results_io.state_option(ctx_args.state))
    return results, doc


def _table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*header), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*r) for r in rows]
    return "\n".join(line.rstrip() for line in lines)


def _shown_verdict(verdict: str, tainted_by: Sequence[str]) -> str:
    """A verdict for a table: the refuted claims its proof uses are counted (``show`` names them)."""
    return f"{verdict} + uses refuted ({len(tainted_by)})" if tainted_by else verdict


def _verdicts_by_paper(reg: Registry, results: Sequence[ClaimResult]) -> str:
    """Counts per paper in the columns of the README's table, e.g. ``mil 30/0/11/5``."""
    order = list(Verdict)
    counts = {paper: dict.fromkeys(order, 0) for paper in paper_titles()}
    for r in results:
        counts[reg.claims[r.claim_id].paper][r.verdict] += 1
    shown = [
        f"{paper} " + "/".join(str(n) for n in by_verdict.values())
        for paper, by_verdict in counts.items()
        if any(by_verdict.values())
    ]
    return "/".join(str(v) for v in order) + " by paper: " + ", ".join(shown)


# ------------------------------------------------------------------------------ commands


def cmd_list(args: argparse.Namespace) -> int:
    from dlncheck.checks import results as results_io
    from dlncheck.checks.catalogue import catalogue
    from dlncheck.checks.declarations import declarations

    declared = declarations()  # read without importing the claims when the sources are unchanged
    records = catalogue()
    latest = results_io.load_latest(results_io.state_dir(args.state), results_io.state_option(args.state))
    rows = []
    for cid, record in records.items():
        claim = declared.get(cid)
        if claim is None and not args.all:
            continue
        if args.paper and record["paper"] != args.paper:
            continue
        kind = claim["kind"] if claim else record["kind"]
        if args.kind and kind != args.kind:
            continue
        if claim is None:
            pending = EXPERIMENT_PENDING if record["kind"] == "experiment" else "(no checks yet)"
            rows.append((cid, record["paper"], kind, "-", pending, ""))
            continue
        last = latest.get(cid)
        shown = "not run"
        if last:
            shown = _shown_verdict(last["verdict"], last["depends_on_refuted"])
        rows.append((cid, claim["paper"], kind, claim["expected"], shown, claim["label"]))
    print(_table(rows, ("id", "paper", "kind", "expected", "latest", "label")))
    print(f"\n{len(declared)} of {len(records)} catalogue claims have checks.")
    return EXIT_OK


# The papers' experiments are recomputed from true flow limits by a later piece of work (their
# figures and quantitative observations); until then the catalogue's experiment claims say so.
EXPERIMENT_PENDING = "(experiment: not yet recomputed)"


def cmd_show(args: argparse.Namespace) -> int:
    from dlncheck.checks import results as results_io
    from dlncheck.checks.counterexamples import PACKAGE_DIR, stored_for
    from dlncheck.checks.declarations import declarations
    from dlncheck.checks.output_paths import require_writable_folder
    from dlncheck.checks.papers import counterexample_dirs

    _require_catalogued([args.id])
    declared = declarations()  # without importing the claims when the sources are unchanged
    if args.id not in declared:
        from dlncheck.checks.registry import registry

        registry().get(args.id)  # the registry's one-line reason (an experiment, no checks yet)
    claim = declared[args.id]
    latest = results_io.load_latest(results_io.state_dir(args.state), results_io.state_option(args.state))
    record = latest.get(args.id)
    if record is None:  # the checks will run and be recorded: test where they write first
        results_io.run_state_dir(args.state)
        if args.counterexamples:
            require_writable_folder(args.counterexamples, "--counterexamples", create=True)
    out = [
        f"{claim['id']} ({claim['paper']}, {claim['label']}; {claim['section']})",
        f"kind: {claim['kind']}",
        f"statement: {claim['statement']}",
    ]
    out += [f"hypothesis: {h}" for h in claim["hypotheses"]]
    for dep in claim["depends_on"]:
        status = "no checks yet"
        if dep in latest:
            status = f"latest {latest[dep]['verdict']}"
        elif dep in declared:
            status = f"expected {declared[dep]['expected']}"
        out.append(f"uses: {dep} ({status})")
    out += [f"differs from the catalogue record in {name}: {why}" for name, why in claim["overridden"]]
    out += [f"finding: {f}" for f in claim["findings"]]
    out.append(f"expected verdict: {claim['expected']}")
    out.append(f"declared at: {claim['declared_at']}")
    for info in claim["checks"]:
        out.append(f"check [{info['kind']}] {info['name']}: {info['description']}")
        if "slack" in info:
            out.append(f"    slack: {info['slack']}")
        if "derivation" in info:
            out.append(f"    derivation at: {info['derivation']}")
    for stored in stored_for(args.id, counterexample_dirs()):
        shown = (
            f"checks/counterexamples/{stored.path.name}" if stored.path.parent == PACKAGE_DIR else stored.path
        )
        out.append(f"stored counterexample: {shown}")
    audit = claim["audit"]
    if audit is not None:
        out.append(f"audit ({audit['arithmetic']}): {audit['description']}")
        out += [f"    {line}" for line in audit["spec"]]
        out.append(f"    example instance: {json.dumps(audit['example'])}")
    if record is None:
        from dlncheck.checks.registry import registry

        out.append("evidence: not run in this workspace yet; running the checks now")
        print("\n".join(out))
        reg = registry()
        results, _ = _run(reg, [reg.get(args.id)], args, DEFAULT_BUDGET, DEFAULT_SEED, "show")
        record = results[0].to_json() | {"run_started": "now", "seed": DEFAULT_SEED}
        out = []
    out.append(
        f"latest verdict: {record['verdict']} (run {record.get('run_started')}, seed {record.get('seed')})"
    )
    if record.get("depends_on_refuted"):
        out.append("its proof uses the refuted claim(s): " + ", ".join(record["depends_on_refuted"]))
    for check in record["checks"]:
        out.append(f"  [{check['verdict']}] {check['check']}: {check['summary']}")
    print("\n".join(out))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from dlncheck.checks import results as results_io
    from dlncheck.checks.output_paths import require_writable_file
    from dlncheck.checks.registry import registry

    _require_catalogued(args.ids)
    if args.json:
        require_writable_file(args.json, "--json")
    reg = registry()
    claims = reg.select(args.ids, paper=args.paper)
    if not claims:
        raise UsageError("no registered claim matches the selection")
    results, doc = _run(reg, claims, args, args.budget, args.seed, "check")
    rows = [
        (
            r.claim_id,
            _shown_verdict(str(r.verdict), r.tainted_by),
            str(r.expected),
            "yes" if r.matches else "NO",
            f"{r.wall_s:.1f}s",
        )
        for r in results
    ]
    print(_table(rows, ("claim", "verdict", "expected", "match", "time")))
    mismatches = [r.claim_id for r in results if not r.matches]
    print(
        f"\n{len(results)} claims, {len(mismatches)} differ from expectation; "
        f"seed {args.seed}, budget {args.budget}, {doc['wall_s']:.1f}s"
    )
    print(_verdicts_by_paper(reg, results))
    if args.json:
        results_io.write_json(Path(args.json), doc)
    return EXIT_MISMATCH if mismatches else EXIT_OK


def cmd_derive(args: argparse.Namespace) -> int:
    from dlncheck.checks import derive_command  # SymPy's derivations: loaded by the commands that use them
    from dlncheck.checks import results as results_io
    from dlncheck.checks.output_paths import require_writable_file
    from dlncheck.checks.progress import Progress
    from dlncheck.checks.registry import registry
    from dlncheck.checks.symbolic_coverage import (
        DERIVED,
        MISSING,
        REASON,
        no_derivation_reasons,
        symbolic_coverage,
    )

    _require_catalogued(args.ids)
    if args.json and not args.coverage:
        require_writable_file(args.json, "--json")
    reg = registry()
    if args.coverage:
        rows = [(c.claim_id, c.status, c.detail) for c in symbolic_coverage(reg)]
        rows = [r for r in rows if not args.paper or reg.catalogue[r[0]]["paper"] == args.paper]
        print(_table(rows, ("id", "symbolic", "derivations / reason")))
        counts = {s: sum(1 for r in rows if r[1] == s) for s in (DERIVED, REASON, MISSING)}
        print("\n" + ", ".join(f"{n} {s}" for s, n in counts.items()))
        return EXIT_MISMATCH if counts[MISSING] else EXIT_OK
    ids = derive_command.select_ids(reg, args.ids, args.paper)
    reasons = no_derivation_reasons()
    progress = Progress(len(ids), "derive", enabled=not args.no_progress)
    runs, blocks = [], []
    try:
        for cid in ids:
            progress.begin(cid)
            found = derive_command.run_derivations(reg, cid, progress.note)
            runs.extend(found)
            if found:
                blocks.append([line for run in found for line in derive_command.format_run(run, args.latex)])
            elif cid in reasons:
                blocks.append([f"== {cid}: no derivation: {reasons[cid]}"])
            else:
                blocks.append([f"== {cid}: no derivation yet"])
            progress.advance(", ".join(r.outcome for r in found) or "no derivation")
    finally:
        progress.close()
    print("\n\n".join("\n".join(b) for b in blocks))
    outcomes = [r.outcome for r in runs]
    counts = {o: outcomes.count(o) for o in ("agrees", "differs", "inconclusive", "error")}
    print(
        "\n"
        + f"{len(runs)} derivations for {len(ids)} claims: "
        + ", ".join(f"{n} {o}" for o, n in counts.items())
    )
    if args.json:
        results_io.write_json(Path(args.json), {"derivations": [r.to_json() for r in runs]})
    # SymPy that cannot decide, or a derivation that breaks, fails loudly
    return EXIT_MISMATCH if counts["inconclusive"] or counts["error"] else EXIT_OK


def _require_catalogued(ids: Sequence[str]) -> None:
    """Unknown ids are refused from the catalogue alone, before the registry (SymPy) loads."""
    from dlncheck.checks.catalogue import catalogue
    from dlncheck.checks.registry import not_in_catalogue

    known = catalogue()
    for cid in ids:
        if cid not in known:
            raise not_in_catalogue(cid, known)


def cmd_audit(args: argparse.Namespace) -> int:
    from dlncheck.checks import results as results_io
    from dlncheck.checks.audit import AGREES, HOLDS, INADMISSIBLE, VIOLATED
    from dlncheck.checks.formula_audit import NotANumber
    from dlncheck.checks.input_limits import check_audit_ranges, check_audit_size
    from dlncheck.checks.instances import load_instance_file, parse_instance
    from dlncheck.checks.output_paths import require_writable_file
    from dlncheck.checks.registry import registry

    # cheap checks first: the id, the output file, the instance file's JSON and size
    _require_catalogued([args.id])
    if args.dps is not None and args.dps > MAX_AUDIT_DIGITS:
        raise UsageError(f"--dps {args.dps} exceeds the limit of {MAX_AUDIT_DIGITS} digits")
    if args.json:
        require_writable_file(args.json, "--json")
    data = load_instance_file(args.instance)
    check_audit_size(data)
    reg = registry()
    claim = reg.get(args.id)
    if claim.audit is None:
        raise UsageError(f"claim {claim.id} has no single-instance audit")
    if isinstance(data, dict) and "model" in data:
        return _audit_at_flow_instance(args, claim, data)
    instance = parse_instance(data, claim.audit.spec, claim.id)
    check_audit_ranges(instance, claim.audit)
    dps = args.dps or instance.dps or claim.audit.default_dps
    if dps > MAX_AUDIT_DIGITS:
        raise UsageError(f"dps {dps} exceeds the limit of {MAX_AUDIT_DIGITS} digits")
    most = claim.audit.max_dps(instance) if claim.audit.max_dps is not None else MAX_AUDIT_DIGITS
    if dps > most:
        raise UsageError(
            f"{claim.id}'s audit is computed at up to {most} digits at this instance "
            f"({claim.audit.max_dps_reason}); lower --dps"
        )
    try:
        result = claim.audit.evaluate(instance, dps)
    except NotANumber as exc:
        raise UsageError(f"the claim's formula is not defined at this instance: {exc}") from None
    print("\n".join(result.lines(dps)))
    if args.json:
        results_io.write_json(Path(args.json), result.to_json(dps))
    status = result.status
    if status == INADMISSIBLE:
        raise UsageError("the instance violates a hypothesis of the claim, so it cannot test it")
    if status not in (HOLDS, VIOLATED, AGREES):
        if dps >= most:
            raise UsageError(f"precision too low to decide at {dps} digits, the most this audit computes")
        more = min(2 * dps, most)
        hint = f"--dps {more}" + (" or more" if more < most else "")
        raise UsageError(f"precision too low to decide at {dps} digits; rerun with {hint}")
    return EXIT_MISMATCH if status == VIOLATED else EXIT_OK


def _audit_at_flow_instance(args: argparse.Namespace, claim, data: dict) -> int:
    """A claim about a flow's limit at an instance of ``dlncheck flow``'s format
    (``checks.limit_audit``): hypotheses checked, the limit certified at D digits, both sides."""
    from dlncheck.checks import results as results_io
    from dlncheck.checks.audit import HOLDS, VIOLATED
    from dlncheck.checks.input_limits import check_flow_ranges, check_flow_size

    bound = claim.audit.limit_bound
    if bound is None:
        raise UsageError(
            f"{claim.id}'s audit takes its own instance form (see dlncheck show {claim.id}), "
            "not a flow instance"
        )
    dps = args.dps or data.get("dps") or claim.audit.default_dps
    check_flow_size(data, "project", dps)
    instance = bound.parse(data)
    check_flow_ranges(instance, "project", dps)
    result = bound.evaluate(instance, dps)
    print("\n".join(result.lines(dps)))
    if args.json:
        results_io.write_json(Path(args.json), result.to_json(dps))
    if result.status not in (HOLDS, VIOLATED):
        note = result.notes[0] if result.notes else f"precision too low to decide at {dps} digits"
        raise UsageError(f"{note}; rerun with --dps {2 * dps}")
    return EXIT_MISMATCH if result.status == VIOLATED else EXIT_OK


def cmd_flow(args: argparse.Namespace) -> int:
    from dlncheck.checks import results as results_io
    from dlncheck.checks.input_limits import check_flow_ranges, check_flow_size
    from dlncheck.checks.instances import load_instance_file
    from dlncheck.checks.output_paths import require_writable_file
    from dlncheck.checks.progress import Progress

    # everything about the input is checked before any work: the output file, the instance's
    # JSON, its size (before its numbers are parsed), then its magnitudes (checks.input_limits)
    if args.dps is not None and args.dps > MAX_AUDIT_DIGITS:
        raise UsageError(f"--dps {args.dps} exceeds the limit of {MAX_AUDIT_DIGITS} digits")
    if args.json:
        require_writable_file(args.json, "--json")
    data = load_instance_file(args.instance)
    check_flow_size(data, args.method, args.dps)
    # SciPy and the solvers load only now, after the cheap checks
    from dlncheck.checks.flow_command import format_report, run_flow
    from dlncheck.checks.flow_files import parse_flow_instance

    instance = parse_flow_instance(data)
    dps = args.dps or instance.dps
    check_flow_ranges(instance, args.method, dps)
    progress = Progress(1, "flow", enabled=not args.no_progress)
    progress.begin(args.method)
    try:
        report = run_flow(
            instance, args.method, dps, lambda t, steps: progress.note(f"t = {t:.2e}, {steps} steps")
        )
    finally:
        progress.close()
    print("\n".join(format_report(report)))
    if args.json:
        results_io.write_json(Path(args.json), report.to_json())
    return EXIT_OK if report.converged else EXIT_MISMATCH


def cmd_report(args: argparse.Namespace) -> int:
    """Write one LaTeX report per paper, from a fresh run or from a ``check --json`` file.

    A results file is validated whole (``checks.results_schema``) before anything is written.
    It may be partial (``check ID --json``): each report then says how many of its paper's
    claims the file lacks (marked *not run*), and so does the command's output.  With
    ``--paper``, the file's claims of other papers are validated but left out of the report,
    and the command says how many.
    """
    from dlncheck.checks.output_paths import require_writable_folder
    from dlncheck.checks.registry import registry
    from dlncheck.checks.report import missing_claims, write_reports
    from dlncheck.checks.symbolic_coverage import no_derivation_reasons

    reg = registry()
    claims = reg.select(paper=args.paper)
    out_dir = require_writable_folder(args.out, "--out", create=True)
    left_out = 0
    if args.from_json:
        source = Path(args.from_json)
        doc = _load_results(source, reg.claims)
        selected = {c.id for c in claims}
        found = {c["claim"]: c for c in doc["claims"] if c["claim"] in selected}
        left_out = len(doc["claims"]) - len(found)
    else:
        source = "this run"
        _, doc = _run(reg, claims, args, args.budget, args.seed, "report")
        found = {c["claim"]: c for c in doc["claims"]}
    header = {
        "started": doc.get("started", ""),
        "seed": doc.get("seed", ""),
        "budget": doc.get("budget", ""),
        "version": doc.get("versions", {}).get("dlncheck", dlncheck.__version__),
        "source": str(source),
    }
    by_paper = {paper: [c for c in claims if c.paper == paper] for paper in paper_titles()}
    reasons = no_derivation_reasons()
    unneeded = {
        paper: {cid: r for cid, r in reasons.items() if reg.catalogue[cid]["paper"] == paper}
        for paper in paper_titles()
    }
    if args.paper:
        unneeded = {args.paper: unneeded[args.paper]}
    paths = write_reports(out_dir, by_paper, found, header, unneeded)
    for path in paths:
        paper_claims = by_paper[path.stem]
        missing = len(missing_claims(paper_claims, found))
        note = f" (partial: {missing} of {len(paper_claims)} claims not in {source}, marked not run)"
        print(f"wrote {path}" + (note if missing else ""))
    if left_out:
        print(f"{source}: {left_out} claims of other papers left out (--paper {args.paper})")
    return EXIT_OK


def _load_results(path: Path, known_ids: Collection[str]) -> dict[str, Any]:
    """A ``check --json`` file, validated whole; any fault is one line naming the first bad field
    (``checks.json_input`` bounds its size, nesting and numbers)."""
    from dlncheck.checks.json_input import read_document
    from dlncheck.checks.results_schema import ResultsSchemaError, validate_results_document

    doc = read_document(path, "results file", exact_numbers=False)
    try:
        return validate_results_document(doc, known_ids)
    except ResultsSchemaError as exc:
        raise UsageError(f"{path}: {exc}") from None


COMMANDS = {
    "list": cmd_list,
    "show": cmd_show,
    "check": cmd_check,
    "derive": cmd_derive,
    "audit": cmd_audit,
    "flow": cmd_flow,
    "report": cmd_report,
}

if __name__ == "__main__":
    raise SystemExit(main())
