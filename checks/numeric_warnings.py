"""Warnings raised inside the computations, kept off the user's screen and summarized once.

The solvers meet non-finite numbers by design: a line search's trial point overflows
``exp`` and is rejected, an integrator's trial step produces NaN and is retried.  NumPy and
SciPy warn about each (``RuntimeWarning: overflow encountered in exp``), which tells the user
nothing about the result: that is judged by the result's own residual and certificate.  The
command line therefore records every warning raised while a command runs; when the command
fails (exit code 1) it adds one line saying what went out of range, where; when it succeeds the
warnings are dropped.  Set ``DLNCHECK_SHOW_WARNINGS=1`` to see them all (for development).
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

SHOW_ENV = "DLNCHECK_SHOW_WARNINGS"


@dataclass
class Caught:
    records: list[warnings.WarningMessage] = field(default_factory=list)

    def summary(self) -> str:
        """One line: the most frequent warning and where it came from, with the count of all."""
        if not self.records:
            return ""
        kinds = Counter((str(r.message).split("\n")[0], Path(r.filename).name) for r in self.records)
        (message, where), _ = kinds.most_common(1)[0]
        others = len(self.records) - 1
        tail = f" ({others} more warnings of {len(kinds)} kinds)" if others else ""
        return f"float64 went out of range during the computation: {message} in {where}{tail}"


@contextlib.contextmanager
def recorded() -> Iterator[Caught]:
    """Record the warnings raised inside the block (all of them, unless SHOW_ENV is set)."""
    caught = Caught()
    if os.environ.get(SHOW_ENV):
        yield caught
        return
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        try:
            yield caught
        finally:
            caught.records = list(records)
