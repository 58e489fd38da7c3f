"""KPI portal: a register of government targets published as a static site.

The core (``quarters``, ``register``, ``model``, ``status``, ``delays``,
``charts``, ``exports``, ``views``) has no Pelican imports; ``plugin`` is the
thin adapter that plugs it into Pelican.
"""
