"""The floors of dlncheck, bottom to top: a module may import from its own floor and the floors
below it, never from a floor above, and the imports form no circle (``tests/test_layers.py``
walks every import, those made inside functions and under ``TYPE_CHECKING`` included).

An entry ``"pkg.*"`` covers the package ``pkg`` and everything under it; any other entry is one
module. Every module of the package belongs to exactly one floor: a new module is placed here.
"""

from __future__ import annotations

FLOORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("the package", ("dlncheck", "dlncheck.layers", "dlncheck.files")),
    # float64, exact and interval evaluation: flows, limits, solvers, enclosures
    ("numerics", ("dlncheck.numerics.*",)),
    # SymPy derivations from first principles, compared with the printed formulas
    ("derivations", ("dlncheck.derivations.*",)),
    # what a claim, an instance, an audit and a verdict are
    (
        "claim domain",
        (
            "dlncheck.checks",
            "dlncheck.checks.errors",
            "dlncheck.checks.json_input",
            "dlncheck.checks.instances",
            "dlncheck.checks.input_limits",
            "dlncheck.checks.verdicts",
            "dlncheck.checks.audit",
            "dlncheck.checks.formula_audit",
            "dlncheck.checks.papers",
            "dlncheck.checks.builtin_papers",
            "dlncheck.checks.catalogue",
            "dlncheck.checks.context",
            "dlncheck.checks.claim",
        ),
    ),
    # the kinds of check and what they run on: counterexample replay, property searches, symbolic
    # checks, flow instances, their limits and strategies
    (
        "check kinds",
        (
            "dlncheck.checks.counterexamples",
            "dlncheck.checks.seeded_search",
            "dlncheck.checks.property",
            "dlncheck.checks.symbolic",
            "dlncheck.checks.unchecked",
            "dlncheck.checks.numeric_family",
            "dlncheck.checks.sampled_bound_search",
            "dlncheck.checks.gaussian_measurement",
            "dlncheck.checks.lifted_flow_audit",
            "dlncheck.checks.lifted_flow_evaluations",
            "dlncheck.checks.flow_instances",
            "dlncheck.checks.flow_models",
            "dlncheck.checks.flow_wn",
            "dlncheck.checks.flow_files",
            "dlncheck.checks.flow_command",
            "dlncheck.checks.flow_strategies",
            "dlncheck.checks.flow_strategies_krr",
            "dlncheck.checks.flow_strategies_krr_factorization",
            "dlncheck.checks.flow_strategies_ms",
            "dlncheck.checks.flow_strategies_wn",
            "dlncheck.checks.flow_convergence",
            "dlncheck.checks.flow_observation",
            "dlncheck.checks.flow_trajectory",
            "dlncheck.checks.flow_characterization",
            "dlncheck.checks.limit_audit",
            "dlncheck.checks.recovery_constants",
            "dlncheck.checks.recovery_flow_instances",
            "dlncheck.checks.recovery_strategies",
            "dlncheck.checks.wn_bounds",
            "dlncheck.checks.wn_limit_audit",
            "dlncheck.checks.wn_flow_observations",
        ),
    ),
    # the papers' claims, declared with their checks
    ("claims", ("dlncheck.checks.claims.*",)),
    # collecting and running the claims; results and state files
    (
        "checking and I/O",
        (
            "dlncheck.checks.registry",
            "dlncheck.checks.runner",
            "dlncheck.checks.symbolic_coverage",
            "dlncheck.checks.derive_command",
            "dlncheck.checks.results_schema",
            "dlncheck.checks.results",
            "dlncheck.checks.declarations",
            "dlncheck.checks.output_paths",
            "dlncheck.checks.progress",
            "dlncheck.checks.numeric_warnings",
        ),
    ),
    # what a user runs
    ("command line and reports", ("dlncheck.checks.report", "dlncheck.checks.cli", "dlncheck.__main__")),
)


def floor_of(module: str) -> int | None:
    """The index in FLOORS of the floor that holds ``module`` (None if no floor does)."""
    for index, (_, entries) in enumerate(FLOORS):
        for entry in entries:
            if entry.endswith(".*"):
                package = entry[:-2]
                if module == package or module.startswith(package + "."):
                    return index
            elif module == entry:
                return index
    return None
