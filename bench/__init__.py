"""Benchmarks and synthetic-data generators (never timed tests)."""
