"""dlncheck's claim registry, checks, verdicts and command line."""
