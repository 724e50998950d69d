"""Hostile-input tests, each input beside them in inputs/."""
