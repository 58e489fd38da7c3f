"""What the register says as of a quarter: statuses, delays, history, wording, and the
published record read from the register's git history.

Imports ``register`` only.
"""
