"""Vendor the shared claim catalogue into the package as JSON.

The catalogue lives outside the repository (``../shared/claims/catalogue.yaml``); the
package ships a JSON copy so that a fresh clone needs no YAML parser and no sibling
folder.  The copy is the project's own: a record's ``revised`` lists the fields the project
rewrote (the statement as printed, ...), and every claim declaration reads its text from it.
Run this (PyYAML required, a development-only dependency) whenever the shared catalogue
changes: it takes every other field from the shared list and keeps the revised ones;
``tests/test_catalogue.py`` compares the two when both are present.

    python tools/vendor_catalogue.py [path/to/catalogue.yaml]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "claims" / "catalogue.yaml"
TARGET = ROOT / "checks" / "data" / "catalogue.json"


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    records = yaml.safe_load(source.read_text(encoding="utf-8"))["records"]
    ours = json.loads(TARGET.read_text(encoding="utf-8")) if TARGET.exists() else {"records": []}
    kept = {r["id"]: r for r in ours["records"]}
    for record in records:
        previous = kept.get(record["id"], {})
        for name in previous.get("revised", ()):
            record[name] = previous[name]
        if previous.get("revised"):
            record["revised"] = previous["revised"]
    payload = {"source": ours.get("source", "shared/claims/catalogue.yaml"), "records": records}
    tmp = TARGET.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(TARGET)
    print(f"wrote {len(records)} records to {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
