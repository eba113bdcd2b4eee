"""The catalogue of the 202 checkable claims of the four papers.

The authoritative copy is ``shared/claims/catalogue.yaml`` beside the repository; the
package ships it as ``checks/data/catalogue.json`` (see ``tools/vendor_catalogue.py``).
The registry must in time declare a claim for every id here.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def catalogue() -> dict[str, dict[str, Any]]:
    """Catalogue records by id, in catalogue order."""
    text = resources.files("dlncheck.checks").joinpath("data/catalogue.json").read_text(encoding="utf-8")
    records = json.loads(text)["records"]
    return {r["id"]: r for r in records}
