"""An example paper for dlncheck: its catalogue, its claims, its stored counterexamples.

This module is what the entry point loads, when the command line starts: it names the claim
module without importing it (the registry imports it when the claims are needed)."""

from __future__ import annotations

import json
from pathlib import Path

from dlncheck.checks.papers import Paper

HERE = Path(__file__).resolve().parent


def _records() -> list[dict]:
    return json.loads((HERE / "catalogue.json").read_text(encoding="utf-8"))["records"]


PAPER = Paper(
    key="ex",
    title="An example paper — three claims for the plugin mechanism",
    records=_records,
    claim_modules=("dlncheck_example_paper.claims",),
    counterexamples=HERE / "counterexamples",
)
