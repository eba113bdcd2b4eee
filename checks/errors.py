"""The command line's user-input error: one line, exit code 2.

Every fault in what a user gives (an instance file, a results file, an option, an output
location, a size or a number out of what a method can compute) is an :class:`InstanceError`
or a subclass, raised where the input enters; ``checks.cli.main`` prints its message on one
line and exits with code 2.
"""

from __future__ import annotations


class InstanceError(ValueError):
    """A malformed or inadmissible input; the message is one line."""


class FlowFailure(Exception):
    """A flow computation ran but reached no limit it can stand behind (one line, exit code 1)."""


class UnknownClaimError(LookupError):
    """A claim id that is not registered; the message is one line (exit code 2)."""
