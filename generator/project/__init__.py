"""The project: settings checked once, and the one function that loads everything a
build or a command reads.

Imports ``register`` and ``assess``.
"""
