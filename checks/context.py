"""The context a check runs in: its budget, seed, where counterexamples are read and written,
and where it reports progress. Below the check kinds and the runner, which both use it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# The project's stored counterexamples (package data: checks/counterexamples/*.json)
COUNTEREXAMPLE_DIR = Path(__file__).resolve().parent / "counterexamples"

# Examples per property check: the default run and the full (slow) budget.
DEFAULT_BUDGET = 200
FULL_BUDGET = 5000
DEFAULT_SEED = 0


@dataclass(frozen=True)
class RunContext:
    budget: int = DEFAULT_BUDGET  # examples per property check
    seed: int = DEFAULT_SEED
    # counterexamples are read from every directory and new ones written to the first
    counterexample_dirs: tuple[Path, ...] = (COUNTEREXAMPLE_DIR,)
    write_counterexamples: bool = True
    on_progress: Callable[[str], None] | None = None  # sub-step notes for the progress bar

    def note(self, text: str) -> None:
        if self.on_progress is not None:
            self.on_progress(text)
