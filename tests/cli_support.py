"""Running the command line in-process in the tests, and what its one-line errors look like."""

from __future__ import annotations

from dlncheck.checks.cli import main


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """``dlncheck argv`` in-process: (exit code, stdout, stderr)."""
    code = main([*argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str, *fragments: str, code: int | None = None) -> None:
    """stderr is one ``dlncheck: error:`` line (exit code 2, when given) containing ``fragments``."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert code in (None, 2), f"exit code {code}\n{err}"
    assert len(lines) == 1 and lines[0].startswith("dlncheck: error:"), err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
