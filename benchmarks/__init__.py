"""Benchmarks of the portal build: ``invoke bench`` or ``python -m benchmarks.run``."""
