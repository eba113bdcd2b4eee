"""dlncheck's claim registry, checks, verdicts and command line."""

__version__ = "0.1.0"
