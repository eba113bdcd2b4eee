"""The registry of declared claims: discovery, lookup, selection, dependency taint."""

from __future__ import annotations

import difflib
import importlib
import pkgutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from dlncheck.checks.catalogue import catalogue
from dlncheck.checks.claim import Claim, declared
from dlncheck.checks.errors import UnknownClaimError
from dlncheck.checks.papers import papers
from dlncheck.checks.verdicts import Verdict


def not_in_catalogue(claim_id: str, ids: Iterable[str]) -> UnknownClaimError:
    """The error for an id the catalogue does not have, with the nearest id as a hint."""
    close = difflib.get_close_matches(claim_id, list(ids), n=1) if len(claim_id) <= 100 else []
    hint = f" (did you mean {close[0]}?)" if close else ""
    shown = claim_id if len(claim_id) <= 60 else claim_id[:40] + "..."
    return UnknownClaimError(f"unknown claim id {shown!r}{hint}")


@dataclass(frozen=True)
class Registry:
    claims: dict[str, Claim]  # in catalogue order
    catalogue: dict[str, dict]

    def get(self, claim_id: str) -> Claim:
        if claim_id in self.claims:
            return self.claims[claim_id]
        if claim_id in self.catalogue:
            if self.catalogue[claim_id].get("kind") == "experiment":
                raise UnknownClaimError(
                    f"claim {claim_id!r} is one of the papers' experiments: it is in the catalogue but "
                    "not yet recomputed from the flows' limits (no checks yet)"
                )
            raise UnknownClaimError(f"claim {claim_id!r} is in the catalogue but has no checks yet")
        raise not_in_catalogue(claim_id, self.catalogue)

    def select(
        self,
        ids: Iterable[str] = (),
        paper: str | None = None,
        kind: str | None = None,
    ) -> list[Claim]:
        chosen = [self.get(i) for i in ids] if ids else list(self.claims.values())
        if paper is not None:
            chosen = [c for c in chosen if c.paper == paper]
        if kind is not None:
            chosen = [c for c in chosen if str(c.kind) == kind or c.kind.name.lower() == kind]
        return chosen

    def dependencies(self, claim_id: str) -> tuple[str, ...]:
        """Direct dependencies: the declaration's, else the catalogue's."""
        if claim_id in self.claims:
            return self.claims[claim_id].depends_on
        return tuple(self.catalogue.get(claim_id, {}).get("depends_on", ()))

    def dependency_closure(self, claim_id: str) -> set[str]:
        seen: set[str] = set()
        stack = list(self.dependencies(claim_id))
        while stack:
            dep = stack.pop()
            if dep in seen or dep == claim_id:
                continue
            seen.add(dep)
            stack.extend(self.dependencies(dep))
        return seen

    def tainted_by(self, claim_id: str, verdicts: Mapping[str, Verdict]) -> tuple[str, ...]:
        """The refuted claims that ``claim_id``'s proof uses, directly or transitively."""
        return tuple(
            sorted(d for d in self.dependency_closure(claim_id) if verdicts.get(d) == Verdict.REFUTED)
        )


def _import_claim_modules() -> None:
    """Import every registered paper's claim modules (a package: every module under it)."""
    for paper in papers().values():
        for name in paper.claim_modules:
            module = importlib.import_module(name)
            for info in pkgutil.iter_modules(getattr(module, "__path__", ())):
                importlib.import_module(f"{name}.{info.name}")


def build_registry(claims: Iterable[Claim], records: dict[str, dict]) -> Registry:
    by_id: dict[str, Claim] = {}
    for claim in claims:
        if claim.id in by_id:
            raise ValueError(f"claim {claim.id} is declared twice ({by_id[claim.id].module}, {claim.module})")
        record = records.get(claim.id)
        if record is None:
            raise ValueError(f"claim {claim.id} ({claim.module}) is not a catalogue id")
        if record["paper"] != claim.paper:
            raise ValueError(
                f"claim {claim.id}: paper {claim.paper!r} but the catalogue says {record['paper']!r}"
            )
        for dep in claim.depends_on:
            if dep not in records:
                raise ValueError(f"claim {claim.id}: dependency {dep!r} is not a catalogue id")
        by_id[claim.id] = claim
    ordered = {cid: by_id[cid] for cid in records if cid in by_id}
    return Registry(claims=ordered, catalogue=records)


@cache
def registry() -> Registry:
    """The registry of every claim the registered papers declare (``checks.papers``)."""
    _import_claim_modules()
    return build_registry(declared(), catalogue())
