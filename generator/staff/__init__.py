"""The tools staff use to change the register: editing commands, bulk import of a
quarter's progress, and the change summary of a pull request.

Imports ``register``, ``assess`` and ``project``, never ``site``.
"""
