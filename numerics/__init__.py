"""Numerical evaluation of the papers' objects in float64, exact and interval arithmetic."""
