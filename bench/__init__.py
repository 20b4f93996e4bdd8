"""Benchmarks of the proof pipeline: ``make bench`` (not part of ``make test``)."""
