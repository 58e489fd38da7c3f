"""The public site: the site model and its URLs, pages, data files, editions, feeds,
charts and search.

Imports ``register``, ``assess`` and ``project``; never Pelican (``plugin`` does that).
"""
