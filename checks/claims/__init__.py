"""Claim declarations, one module per piece of mathematics; the registry imports them all."""
