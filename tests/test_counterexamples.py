"""Stored counterexamples: the committed files replay; tampered or malformed files do not refute."""

from __future__ import annotations

import json

import pytest

from dlncheck.checks.counterexamples import PACKAGE_DIR, replay, stored_for
from dlncheck.checks.instances import InstanceError
from dlncheck.checks.registry import registry
from dlncheck.checks.verdicts import Verdict
from dlncheck.files import atomic_write_text


def test_the_lemma_a2_counterexample_replays_exactly():
    claim = registry().get("mil.lemA.2")
    (stored,) = stored_for("mil.lemA.2", (PACKAGE_DIR,))
    result = replay(claim, stored)
    assert result.verdict == Verdict.REFUTED
    assert result.evidence["audit"]["dps"] is None  # exact rational arithmetic


def test_a_file_whose_instance_no_longer_violates_does_not_refute(tmp_path):
    claim = registry().get("mil.lemA.2")
    (stored,) = stored_for("mil.lemA.2", (PACKAGE_DIR,))
    record = dict(stored.record)
    # at a zero residual every velocity vanishes, so the printed dynamics holds there
    record["instance"] = {**record["instance"], "A": [["1"]], "y": ["1"], "init": {"x0": ["1"]}}
    path = tmp_path / "mil.lemA.2--tampered--0.json"
    path.write_text(json.dumps(record))
    (tampered,) = stored_for("mil.lemA.2", (tmp_path,))
    result = replay(claim, tampered)
    assert result.verdict == Verdict.INCONCLUSIVE
    assert "no longer violates" in result.summary


def test_a_malformed_counterexample_file_is_an_input_error(tmp_path):
    (tmp_path / "mil.lemA.2--broken--0.json").write_text("{not json")
    with pytest.raises(InstanceError, match="malformed JSON"):
        stored_for("mil.lemA.2", (tmp_path,))
    (tmp_path / "mil.lemA.2--broken--0.json").write_text(json.dumps({"schema": "x"}))
    with pytest.raises(InstanceError, match="not a counterexample file"):
        stored_for("mil.lemA.2", (tmp_path,))


def test_atomic_write_leaves_no_partial_file_on_failure(tmp_path):
    class Boom:
        def __str__(self):
            raise RuntimeError("boom")

    target = tmp_path / "out.json"
    with pytest.raises(TypeError):
        atomic_write_text(target, Boom())  # not a str: the write fails midway
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []
