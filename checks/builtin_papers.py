"""The four papers this project ships, registered through the same entry points as any other
paper (``pyproject.toml``, group ``dlncheck.papers``; ``checks.papers``).

Their catalogue is ``checks/data/catalogue.json`` (vendored from the shared list, the project's
own since: see ``tools/vendor_catalogue.py``), their claims the modules of ``checks.claims``,
their stored counterexamples ``checks/counterexamples/``.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from dlncheck.checks.context import COUNTEREXAMPLE_DIR
from dlncheck.checks.papers import Paper

CLAIMS_PACKAGE = "dlncheck.checks.claims"


@cache
def catalogue_records() -> tuple[dict[str, Any], ...]:
    """The records of ``checks/data/catalogue.json``, in catalogue order."""
    text = resources.files("dlncheck.checks").joinpath("data/catalogue.json").read_text(encoding="utf-8")
    return tuple(json.loads(text)["records"])


def _paper(key: str, title: str, rank: int) -> Paper:
    return Paper(
        key=key,
        title=title,
        records=lambda: [r for r in catalogue_records() if r["paper"] == key],
        claim_modules=(CLAIMS_PACKAGE,),
        counterexamples=COUNTEREXAMPLE_DIR,
        rank=rank,
    )


MIL = _paper("mil", "Chou, Maly, Rauhut — More is Less: Inducing Sparsity via Overparameterization", 0)
MS = _paper(
    "ms",
    "Matt, Stöger — Implicit l1-regularization of positively quadratically reparameterized "
    "linear regression: precise upper and lower bounds",
    1,
)
KRR = _paper("krr", "Woodworth et al. — Kernel and Rich Regimes in Overparametrized Models", 2)
WN = _paper("wn", "Chou, Rauhut, Ward — Robust Implicit Regularization via Weight Normalization", 3)
