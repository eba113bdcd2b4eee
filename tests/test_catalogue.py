"""The vendored catalogue is the shared one, revised where a record says so, and every
registered id comes from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlncheck.checks.catalogue import catalogue

SHARED = Path(__file__).resolve().parents[2] / "shared" / "claims" / "catalogue.yaml"


def test_catalogue_ids_are_unique_and_have_the_documented_fields():
    records = catalogue()
    assert len(records) == 202
    for cid, record in records.items():
        assert record["id"] == cid
        assert {"paper", "label", "kind", "statement", "depends_on", "check_methods"} <= set(record)
        assert record["paper"] in {"mil", "ms", "krr", "wn"}


@pytest.mark.skipif(
    not SHARED.exists(),
    reason="compares the vendored checks/data/catalogue.json with its upstream YAML, which lives "
    "outside the project (a development checkout only; a clone carries just the vendored copy)",
)
def test_vendored_catalogue_matches_the_shared_yaml_except_where_revised():
    """The project's copy keeps the shared ids and every field a record does not list in
    ``revised`` (the text the project rewrote: the statement as printed, and so on)."""
    yaml = pytest.importorskip("yaml")
    shared = {r["id"]: r for r in yaml.safe_load(SHARED.read_text(encoding="utf-8"))["records"]}
    ours = catalogue()
    assert shared.keys() == ours.keys()
    for cid, record in ours.items():
        revised = set(record.get("revised", ()))
        kept = {k: v for k, v in record.items() if k not in revised | {"revised"}}
        assert kept == {k: v for k, v in shared[cid].items() if k not in revised}, cid
