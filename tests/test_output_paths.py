"""Output locations are tested before any work starts, and output files get ordinary modes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cli_support import assert_one_line_error, run_cli

from dlncheck.checks.instances import InstanceError
from dlncheck.checks.output_paths import OutputPathError, require_writable_file, require_writable_folder
from dlncheck.files import atomic_write_text

FAST_CLAIM = "krr.eq.q"  # a symbolic claim that checks in a fraction of a second
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.fixture
def a_file(tmp_path: Path) -> Path:
    path = tmp_path / "plain.txt"
    path.write_text("not a folder\n")
    return path


# ------------------------------------------------------------------------------ the module


def test_output_path_errors_are_usage_errors():
    assert issubclass(OutputPathError, InstanceError)


def test_a_writable_file_and_folder_are_accepted_and_nothing_is_left_behind(tmp_path):
    assert require_writable_file(tmp_path / "r.json", "--json") == tmp_path / "r.json"
    assert require_writable_folder(tmp_path, "--out") == tmp_path
    assert require_writable_folder(tmp_path / "new" / "deeper", "--out", create=True)
    assert _tree(tmp_path) == set()  # the probe is removed, a missing folder is not created


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (lambda tmp, f: "/proc/x.json", "cannot write there"),
        (lambda tmp, f: f / "x.json", "is a file, not a folder"),
        (lambda tmp, f: tmp / "missing" / "x.json", "does not exist"),
        (lambda tmp, f: tmp, "is a folder"),
        (lambda tmp, f: "/dev/null", "not a regular file"),
    ],
    ids=["proc", "under-a-file", "missing-folder", "a-folder", "a-device"],
)
def test_unwritable_files_are_refused_naming_the_option(tmp_path, a_file, where, message):
    with pytest.raises(OutputPathError) as info:
        require_writable_file(where(tmp_path, a_file), "--json")
    text = str(info.value)
    assert text.startswith("--json ") and message in text and "\n" not in text


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (lambda tmp, f: "/proc/x", "cannot write there"),
        (lambda tmp, f: f, "is a file, not a folder"),
        (lambda tmp, f: f / "sub" / "dir", "is a file, not a folder"),
    ],
    ids=["proc", "a-file", "under-a-file"],
)
def test_unwritable_folders_are_refused_naming_the_option(tmp_path, a_file, where, message):
    with pytest.raises(OutputPathError) as info:
        require_writable_folder(where(tmp_path, a_file), "--out", create=True)
    assert str(info.value).startswith("--out ") and message in str(info.value)


def test_a_missing_folder_is_refused_unless_it_may_be_created(tmp_path):
    with pytest.raises(OutputPathError, match="does not exist"):
        require_writable_folder(tmp_path / "missing", "--counterexamples")


@pytest.mark.skipif(AS_ROOT, reason="permission bits do not stop root")
def test_a_read_only_folder_is_refused(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(OutputPathError, match="Permission denied"):
            require_writable_file(folder / "r.json", "--json")
        with pytest.raises(OutputPathError, match="Permission denied"):
            require_writable_folder(folder / "new", "--out", create=True)
    finally:
        folder.chmod(0o755)


# ------------------------------------------------------------------------------ the commands


@pytest.mark.parametrize(
    "argv",
    [
        ("check", FAST_CLAIM, "--json", "/proc/x.json"),
        ("derive", FAST_CLAIM, "--json", "/proc/x.json"),
        ("audit", "mil.lemA.2", "--instance", "{instance}", "--json", "/proc/x.json"),
        ("flow", "{flow}", "--json", "/proc/x.json"),
        ("check", FAST_CLAIM, "--json", "{file}/r.json"),
        ("check", FAST_CLAIM, "--json", "{tmp}"),
        ("check", FAST_CLAIM, "--state", "/proc/state"),
        ("check", FAST_CLAIM, "--state", "{file}"),
        ("check", FAST_CLAIM, "--state", "{file}/state"),
        ("check", FAST_CLAIM, "--counterexamples", "{file}"),
        ("check", FAST_CLAIM, "--counterexamples", "/proc/cx"),
        ("show", FAST_CLAIM, "--state", "/proc/state"),
        ("show", FAST_CLAIM, "--counterexamples", "{file}"),
        ("list", "--state", "{file}"),
        ("report", "--out", "/proc/x", "--from-json", "{results}"),
        ("report", "--out", "{file}/reports", "--from-json", "{results}"),
        ("report", "--out", "{file}", "--from-json", "{results}"),
        ("report", "--paper", "ms", "--out", "/proc/x"),
        ("report", "--paper", "ms", "--state", "{file}"),
    ],
)
def test_unwritable_destinations_fail_at_once_with_one_line(capsys, tmp_path, a_file, argv):
    instance = tmp_path / "inst.json"
    instance.write_text('{"A": [["2"]], "y": ["1"], "depth": 3, "init": {"x0": ["1"]}}')
    flow = tmp_path / "flow.json"
    flow.write_text('{"model": "positive", "A": [["1", "1"]], "y": ["1"], "L": 2, "init": {"alpha": "1/10"}}')
    results = tmp_path / "results.json"
    results.write_text('{"schema": "dlncheck.results/1"}')  # never read: the destination fails first
    fill = {"instance": instance, "flow": flow, "results": results, "file": a_file, "tmp": tmp_path}
    before = _tree(tmp_path)
    code, out, err = run_cli(capsys, *(a.format(**fill) for a in argv), "--no-progress")
    option = next(a for a in argv if a in ("--json", "--state", "--counterexamples", "--out"))
    assert code == 2 and out == ""
    assert_one_line_error(err, f"error: {option} ")
    assert _tree(tmp_path) == before  # nothing written, no state folder started


def test_a_read_only_counterexamples_folder_is_refused_before_therun_cli(capsys, tmp_path):
    if AS_ROOT:
        pytest.skip("permission bits do not stop root")
    folder = tmp_path / "cx"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        code, out, err = run_cli(
            capsys, "check", FAST_CLAIM, "--counterexamples", str(folder), "--no-progress"
        )
    finally:
        folder.chmod(0o755)
    assert code == 2 and out == ""
    assert_one_line_error(err, "--counterexamples", "Permission denied")


def test_writable_destinations_are_created_by_therun_cli(capsys, tmp_path):
    state, cx = tmp_path / "new" / "state", tmp_path / "new" / "cx"
    code, _, err = run_cli(
        capsys, "check", FAST_CLAIM, "--state", str(state), "--counterexamples", str(cx), "--no-progress"
    )
    assert code == 0, err
    assert (state / "latest.json").is_file()


# ------------------------------------------------------------------------------ file modes


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_a_new_output_file_gets_the_mode_of_a_plain_open(tmp_path, umask):
    previous = os.umask(umask)
    try:
        plain = tmp_path / "plain.txt"
        with open(plain, "w") as handle:
            handle.write("x")
        atomic_write_text(tmp_path / "atomic.txt", "x")
    finally:
        os.umask(previous)
    assert _mode(tmp_path / "atomic.txt") == _mode(plain) == 0o666 & ~umask


def test_a_replaced_output_file_keeps_its_mode(tmp_path):
    target = tmp_path / "report.tex"
    target.write_text("old")
    target.chmod(0o640)
    atomic_write_text(target, "new")
    assert target.read_text() == "new" and _mode(target) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["report.tex"]  # no temporary file left


def test_results_and_state_files_are_readable_by_others_under_the_usual_umask(capsys, tmp_path):
    previous = os.umask(0o022)
    try:
        target = tmp_path / "r.json"
        code, _, err = run_cli(capsys, "check", FAST_CLAIM, "--json", str(target), "--no-progress")
    finally:
        os.umask(previous)
    assert code == 0, err
    state = Path(os.environ["DLNCHECK_STATE"]) / "latest.json"
    assert _mode(target) == _mode(state) == 0o644
