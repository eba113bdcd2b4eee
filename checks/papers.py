"""Papers as plugins: a paper is a package that declares its catalogue and its claims and
registers a :class:`Paper` under the entry-point group ``dlncheck.papers``.

The four built-in papers use the same mechanism (``pyproject.toml`` registers
``checks.builtin_papers``); ``tests/test_paper_plugins.py`` installs a small example paper from
``tests/example_paper`` and runs it through ``list``, ``check``, ``show`` and ``report``.

A paper gives:

* ``key``: the prefix of its claim ids and the value of ``--paper`` (``"mil"``);
* ``title``: authors and title, as the reports print them;
* ``records``: its catalogue records, each with at least ``id``, ``paper`` (= ``key``),
  ``label``, ``section``, ``kind`` (one of ``checks.claim.CATALOGUE_KINDS``), ``statement``,
  ``depends_on`` and ``check_methods``, and optionally ``hypotheses``;
* ``claim_modules``: the modules (or packages: every module under them) whose import declares
  its claims with ``checks.claim.declare``; they are imported when the registry is built, not
  when the command line starts;
* ``counterexamples``: the folder of its stored counterexamples (replayed by every run), if any;
* ``rank``: its place in listings and reports (the built-in papers are 0-3, others 100).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

ENTRY_POINT_GROUP = "dlncheck.papers"


class PaperError(RuntimeError):
    """A paper plugin that cannot be loaded or contradicts another; the message is one line."""


@dataclass(frozen=True)
class Paper:
    key: str
    title: str
    records: Callable[[], list[dict[str, Any]]]
    claim_modules: tuple[str, ...]
    counterexamples: Path | None = None
    rank: int = 100  # where the paper stands in listings and reports (ties by key)


@cache
def papers() -> dict[str, Paper]:
    """Every registered paper, by key, ordered by rank (the built-in four first) and key."""
    from importlib.metadata import entry_points

    found: dict[str, Paper] = {}
    for point in entry_points(group=ENTRY_POINT_GROUP):
        try:
            paper = point.load()
        except Exception as exc:  # a broken plugin is named, not a traceback
            raise PaperError(
                f"the paper plugin {point.name!r} ({point.value}) cannot be loaded: {exc}"
            ) from exc
        if not isinstance(paper, Paper):
            raise PaperError(f"the paper plugin {point.name!r} ({point.value}) is not a dlncheck Paper")
        if paper.key in found:
            raise PaperError(f"two paper plugins register the key {paper.key!r}")
        found[paper.key] = paper
    found = dict(sorted(found.items(), key=lambda item: (item[1].rank, item[0])))
    if not found:
        raise PaperError(
            "no paper is registered under the entry points 'dlncheck.papers': "
            "install the project (pip install -e .) so that its papers are found"
        )
    return found


def paper_titles() -> dict[str, str]:
    return {key: paper.title for key, paper in papers().items()}


def counterexample_dirs() -> tuple[Path, ...]:
    """Where the registered papers keep their stored counterexamples."""
    return tuple(p.counterexamples for p in papers().values() if p.counterexamples is not None)
