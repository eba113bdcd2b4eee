"""The catalogue: every registered paper's checkable claims, by stable id.

Each paper gives its records (``checks.papers``); the four built-in papers' 202 records are
``checks/data/catalogue.json`` (``checks.builtin_papers``). The registry must in time declare a
claim for every id here.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from dlncheck.checks.papers import PaperError, papers


@cache
def catalogue() -> dict[str, dict[str, Any]]:
    """Catalogue records by id: the papers in registration order, each in its own order."""
    records: dict[str, dict[str, Any]] = {}
    for key, paper in papers().items():
        for record in paper.records():
            cid = record.get("id")
            if record.get("paper") != key or not isinstance(cid, str) or not cid.startswith(f"{key}."):
                raise PaperError(
                    f"paper {key!r}: record {cid!r} does not belong to it (paper {record.get('paper')!r})"
                )
            if cid in records:
                raise PaperError(f"paper {key!r}: the claim id {cid!r} is catalogued twice")
            records[cid] = record
    return records
