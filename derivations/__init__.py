"""SymPy derivations of the papers' formulas from first principles, compared with print."""
