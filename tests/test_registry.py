"""The registry: catalogue ids, lookups with one-line errors, dependency taint."""

from __future__ import annotations

import pytest
from scale_checks import scale_checks

from dlncheck.checks.catalogue import catalogue
from dlncheck.checks.claim import Claim, Kind
from dlncheck.checks.errors import UnknownClaimError
from dlncheck.checks.registry import build_registry, registry
from dlncheck.checks.verdicts import Verdict

ISSUE_2_CLAIMS = {
    "mil.lemA.1",
    "mil.lemA.2",
    "krr.eq.q",
    "mil.eq.gmin",
    "mil.eq30",
    "mil.eq31",
    "mil.eq10",
    "krr.lem5",
}


class _NoCheck:
    name, kind, description = "none", "symbolic", ""

    def run(self, claim, ctx):  # pragma: no cover - never run here
        raise AssertionError

    def describe(self):
        return {}


def _claim(cid: str, deps=(), paper="mil", expected=Verdict.VERIFIED) -> Claim:
    return Claim(
        id=cid,
        paper=paper,
        label=cid,
        section="",
        statement="",
        kind=Kind.IDENTITY,
        expected=expected,
        checks=(_NoCheck(),),
        depends_on=tuple(deps),
    )


def _records(*specs):
    return {cid: {"id": cid, "paper": "mil", "depends_on": list(deps)} for cid, deps in specs}


def test_catalogue_has_the_202_claims():
    assert len(catalogue()) == 202


def test_registry_covers_the_claims_of_the_skeleton_issue():
    assert ISSUE_2_CLAIMS <= set(registry().claims)


def test_every_registered_claim_matches_its_catalogue_record():
    reg = registry()
    for cid, claim in reg.claims.items():
        assert reg.catalogue[cid]["paper"] == claim.paper
        assert claim.statement and claim.label and claim.checks


def test_unknown_id_error_suggests_a_close_id():
    with pytest.raises(UnknownClaimError, match=r"unknown claim id 'mil.eq300' \(did you mean mil.eq30\?\)"):
        registry().get("mil.eq300")


def test_catalogue_id_without_checks_says_so():
    with pytest.raises(
        UnknownClaimError, match="one of the papers' experiments: it is in the catalogue but not yet"
    ):
        registry().get("wn.fig1")
    reg = registry()
    for cid in (c for c in reg.catalogue if c not in reg.claims):
        with pytest.raises(UnknownClaimError, match="in the catalogue but"):
            reg.get(cid)


def test_declaring_an_id_outside_the_catalogue_is_an_error():
    with pytest.raises(ValueError, match="not a catalogue id"):
        build_registry([_claim("mil.nope")], _records(("mil.a", ())))


def test_declaring_a_claim_twice_is_an_error():
    records = _records(("mil.a", ()))
    with pytest.raises(ValueError, match="declared twice"):
        build_registry([_claim("mil.a"), _claim("mil.a")], records)


def test_dependency_on_a_non_catalogue_id_is_an_error():
    with pytest.raises(ValueError, match="not a catalogue id"):
        build_registry([_claim("mil.a", deps=["mil.zzz"])], _records(("mil.a", ())))


def test_taint_follows_dependencies_through_unregistered_catalogue_claims():
    # c uses b (not registered), b uses a (refuted): c is tainted by a.
    records = _records(("mil.a", ()), ("mil.b", ["mil.a"]), ("mil.c", ["mil.b"]), ("mil.d", ()))
    reg = build_registry(
        [_claim("mil.a", expected=Verdict.REFUTED), _claim("mil.c", deps=["mil.b"]), _claim("mil.d")], records
    )
    verdicts = {"mil.a": Verdict.REFUTED, "mil.c": Verdict.VERIFIED, "mil.d": Verdict.VERIFIED}
    assert reg.tainted_by("mil.c", verdicts) == ("mil.a",)
    assert reg.tainted_by("mil.d", verdicts) == ()
    assert reg.tainted_by("mil.a", verdicts) == ()


def test_dependency_cycles_terminate():
    records = _records(("mil.a", ["mil.b"]), ("mil.b", ["mil.a"]))
    reg = build_registry([_claim("mil.a", deps=["mil.b"]), _claim("mil.b", deps=["mil.a"])], records)
    assert reg.dependency_closure("mil.a") == {"mil.b"}


def test_select_filters_by_paper_and_kind():
    reg = registry()
    assert {c.paper for c in reg.select(paper="krr")} == {"krr"}
    assert all(c.kind == Kind.CONSTANT for c in reg.select(kind="constant"))


# the claim each derivation of derivations/scale_consistency.py is a check of
SCALE_CHECK_CLAIMS = {
    "mil_eq9": "mil.thm1.1b",
    "mil_eq11": "mil.eq11",
    "mil_cor13": "mil.cor1.3",
    "mil_thm14": "mil.thm1.4",
    "mil_eq16": "mil.thm2.1b",
    "mil_rate": "mil.thm2.2.rate",
    "mil_eq24": "mil.eq23",
    "mil_a3_final": "mil.A3.final",
    "ms_bregman_prior": "ms.intro.step1",
    "ms_ii3": "ms.thm2.2a",
    "ms_ii4": "ms.thm2.2b",
    "ms_ii4_hypothesis": "ms.thm2.2b",
    "ms_iii4": "ms.eqIII.4",
    "ms_iii5": "ms.eqIII.5",
    "ms_iii9": "ms.eqIII.9",
    "ms_iii11": "ms.eqIII.11",
    "krr_thm2_l1": "krr.thm2",
    "krr_thm2_l2": "krr.thm2.l2",
    "krr_thm2_l2_hypothesis": "krr.thm2.l2",
    "krr_lem7": "krr.lem7",
    "krr_lem7_hypothesis": "krr.lem7",
    "krr_thm9_first": "krr.thm9",
    "krr_thm9": "krr.thm9",
    "wn_thm_from7_hypothesis": "wn.thm.from7",
    "wn_thm_from7_bound": "wn.thm.from7",
    "wn_c_L_threshold": "wn.thm.from7",
    "wn_rho_17": "wn.thm2.1",
    "wn_error_19": "wn.thm2.1",
    "wn_eq20": "wn.eq20",
    "wn_eq21": "wn.eq21",
    "wn_lem35": "wn.lem3.5",
}


def test_scale_checks_are_declared_with_their_claims():
    """Each scale derivation is a check of one claim, the expected one."""
    declared = [(derive.__name__, claim_id) for claim_id, _, derive in scale_checks()]
    assert len(declared) == len({name for name, _ in declared})  # no derivation declared twice
    assert dict(declared) == SCALE_CHECK_CLAIMS
    assert len(scale_checks()) >= 30
