"""The declaration of one claim of a paper, with its checks.

A claim is declared once, in the module of ``checks.claims`` that holds the mathematics
it is about, by calling :func:`declare`: what it states (paper, label, section, statement,
kind, hypotheses, dependencies) is read from its record in the project's catalogue
(``checks/data/catalogue.json``), and the declaration adds its checks and audit.  The registry,
the CLI, the tests and the reports all read that one declaration.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from dlncheck.checks.catalogue import catalogue
from dlncheck.checks.papers import paper_titles
from dlncheck.checks.verdicts import CheckResult, Verdict

if TYPE_CHECKING:
    from dlncheck.checks.audit import Audit
    from dlncheck.checks.context import RunContext


class Kind(StrEnum):
    IDENTITY = "identity"
    INEQUALITY = "inequality"
    LIMIT = "limit"
    CHARACTERIZATION = "argmin characterization"
    INVARIANT = "invariant"
    CONVERGENCE = "convergence"
    CONSTANT = "constant"
    ASYMPTOTIC = "asymptotic"
    EXPERIMENT = "experiment"
    DEFINITION = "definition"


class Check(Protocol):
    """Anything that can establish (part of) a claim."""

    name: str
    kind: str  # "symbolic" | "property" | "audit"
    description: str

    def run(self, claim: Claim, ctx: RunContext) -> CheckResult: ...

    def describe(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Claim:
    id: str
    paper: str
    label: str
    section: str
    statement: str  # LaTeX, as printed in the paper
    kind: Kind
    expected: Verdict  # the verdict this project has established; the suite re-derives it
    checks: tuple[Check, ...]
    equations: tuple[str, ...] = ()
    hypotheses: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    audit: Audit | None = None
    findings: tuple[str, ...] = ()  # what the checks found that the paper gets wrong
    slow: bool = False  # checks too slow for the default test run even at the fast budget
    module: str = field(default="", compare=False)
    overridden: tuple[tuple[str, str], ...] = ()  # (stated field, why it differs from the catalogue)
    declared_at: str = field(default="", compare=False)  # "checks/claims/<module>.py:<line>"


_DECLARED: list[Claim] = []

# The catalogue's kinds (checks/data/catalogue.json) as this project's Kind, written once.
CATALOGUE_KINDS: dict[str, Kind] = {
    "identity": Kind.IDENTITY,
    "inequality": Kind.INEQUALITY,
    "limit": Kind.LIMIT,
    "characterization (argmin)": Kind.CHARACTERIZATION,
    "invariant": Kind.INVARIANT,
    "existence/convergence": Kind.CONVERGENCE,
    "constant": Kind.CONSTANT,
    "asymptotic": Kind.ASYMPTOTIC,
    "experiment": Kind.EXPERIMENT,
    "definition": Kind.DEFINITION,
}

# What a claim states: read from its catalogue record, never typed a second time.
STATED_FIELDS = ("paper", "label", "section", "statement", "kind", "hypotheses", "depends_on")


@dataclass(frozen=True)
class Override:
    """A stated field that must differ from the catalogue record, and why (shown by ``show``)."""

    value: Any
    why: str


def source_path(module: str) -> str:
    """A module's file as the repository names it: ``dlncheck.checks.claims.mil_bounds`` ->
    ``checks/claims/mil_bounds.py`` (the floors sit at the repository's top level)."""
    parts = module.split(".")
    if parts[0] == "dlncheck":
        parts = parts[1:]
    return "/".join(parts) + ".py" if parts else ""


def stated(claim_id: str) -> dict[str, Any]:
    """The fields of ``STATED_FIELDS`` from the catalogue record of ``claim_id``."""
    record = catalogue()[claim_id]
    return {
        "paper": record["paper"],
        "label": record["label"],
        "section": record["section"],
        "statement": record["statement"],
        "kind": CATALOGUE_KINDS[record["kind"]],
        "hypotheses": tuple(record.get("hypotheses", ())),
        "depends_on": tuple(record.get("depends_on", ())),
    }


def declare(*, id: str, overrides: dict[str, Override] | None = None, **fields: Any) -> Claim:
    """Declare a claim (called at import time by the modules of ``checks.claims``).

    What the claim states (``STATED_FIELDS``) comes from its catalogue record; the declaration adds
    its checks, expected verdict, audit and findings. A stated field that must differ from the
    record is passed in ``overrides`` with the reason; a stated field passed directly is an error.
    """
    typed = sorted(set(fields) & set(STATED_FIELDS))
    if typed:
        raise ValueError(
            f"{id}: {', '.join(typed)} come from the catalogue record; pass an Override to differ"
        )
    if id not in catalogue():
        raise ValueError(f"{id}: not a catalogue id")
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(STATED_FIELDS))
    if unknown or not all(isinstance(o, Override) and o.why.strip() for o in overrides.values()):
        raise ValueError(
            f"{id}: an override names a stated field and gives its reason ({unknown or 'no reason'})"
        )
    caller = sys._getframe(1)
    fields.setdefault("module", caller.f_globals.get("__name__", ""))
    fields.setdefault("declared_at", f"{source_path(fields['module'])}:{caller.f_lineno}")
    fields |= stated(id) | {name: o.value for name, o in overrides.items()}
    fields["overridden"] = tuple((name, o.why) for name, o in sorted(overrides.items()))
    fields["checks"] = tuple(fields.get("checks", ()))
    for key in ("equations", "hypotheses", "depends_on", "findings"):
        fields[key] = tuple(fields.get(key, ()))
    claim = Claim(id=id, **fields)
    if claim.paper not in paper_titles():
        raise ValueError(f"{claim.id}: unknown paper key {claim.paper!r}")
    if not claim.checks:
        raise ValueError(f"{claim.id}: a claim needs at least one check")
    _DECLARED.append(claim)
    return claim


def declared() -> list[Claim]:
    return list(_DECLARED)
