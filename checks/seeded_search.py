"""The one way the check kinds draw instances with hypothesis: ``budget`` draws of a strategy,
reproducible from the run's seed, with no example database, no deadline, no health checks and
no output (a check reports through its verdict and evidence)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis.strategies import SearchStrategy


def seeded_search(
    strategy: SearchStrategy,
    budget: int,
    run_seed: int,
    phases: Sequence[Phase] = (Phase.generate,),
    **more_settings: Any,
) -> Callable[[Callable[[Any], None]], Callable[[], None]]:
    """Decorate ``probe(instance)`` into a no-argument search over ``budget`` draws."""

    def decorate(probe: Callable[[Any], None]) -> Callable[[], None]:
        return settings(
            max_examples=budget,
            database=None,
            deadline=None,
            derandomize=False,
            suppress_health_check=list(HealthCheck),
            verbosity=Verbosity.quiet,
            phases=tuple(phases),
            **more_settings,
        )(seed(run_seed)(given(strategy)(probe)))

    return decorate
