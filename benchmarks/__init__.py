"""Benchmarks for confsched: ``python benchmarks/run.py`` or ``python -m benchmarks.run``."""
