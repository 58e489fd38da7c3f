"""KPI portal: a register of government targets published as a static site.

The pipeline, one package per step; each imports only the ones before it:

- ``register``: the register's files read, checked and typed (``fields`` declares a
  target once; ``loader`` reads a register folder).
- ``assess``: what the register says, quarter by quarter: statuses, delays, history,
  and the published record read from git.
- ``project``: the settings, checked once, and ``load_project``, which every entry
  point calls to read the register, bureaus, glossary and record together.
- ``site``: the site model, its URLs, pages, data files, feeds, charts and search.
- ``staff``: the tools staff use beside the site: editing, bulk import, change summaries.

On top, the entry points: ``build`` (validate, build in a staging folder, swap in),
``cli`` (every command and its help), and ``plugin`` (the Pelican glue). Nothing below
them imports Pelican, Jinja or the command line.
"""

from pathlib import Path

CODE = Path(__file__).resolve().parent
"""The portal's own code: caches and build fingerprints change when it does."""
