"""dlncheck: claim-by-claim verification of the implicit-regularization literature on diagonal
linear networks.

One namespace, four floors (the order is written once, in ``dlncheck.layers``):
``dlncheck.numerics`` (float64, exact and interval evaluation), ``dlncheck.derivations`` (SymPy
derivations from first principles), ``dlncheck.checks`` (claims, check kinds, I/O, command line).
In the repository the floors sit at its top level (``numerics/``, ``derivations/``, ``checks/``);
``pyproject.toml`` maps them into this package.
"""

__version__ = "0.1.0"
