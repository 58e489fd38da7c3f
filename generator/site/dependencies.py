"""What each published file is made from, as one key: the incremental build's ledger.

A file's key is the hash of every input it is made from. Two parts go into each:

- the **site-wide inputs**, the same for every file: the portal's code, templates and
  catalogs, the library versions, the settings, the content folder (pages, glossary,
  bureaus), the theme, the committed editions, the reporting quarter, the publication
  facts every page's status bar shows, the state of the record, and the URL slug of every
  group (a slug can depend on other groups' names);
- the **targets it shows**: each one's assessment, status history, record and
  corrections, hashed by value (``digest``). A target page shows its target (and the one
  it replaces, if that one is published); a chart, delay page or JSON file its target; a
  briefing pack the targets of its bureaus. A list page, dashboard, feed or data table
  shows every target, and so does any file that does not say otherwise (``EVERY``).

A rebuild keeps a file whose key it has kept (``filestore``) and makes the others: the
result is the cold build's, file for file, as long as no file shows something its key
leaves out. ``tests/test_incremental.py`` builds both ways after each kind of change and
compares them byte for byte.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from ..register.digest import digest
from .filestore import FileStore
from .portal import Portal

EVERY = None
"""The targets a file shows when it shows them all (or does not say)."""
_ABSENT = "absent"


class Dependencies:
    """The keys of one build's files: ``site_wide`` is the hash of its site-wide inputs."""

    def __init__(self, portal: Portal, site_wide: str, extra=None) -> None:
        record = portal.record
        facts = (
            site_wide,
            str(portal.quarter),
            None if record is None else (record.unavailable, record.reason, record.since),
            sorted((g.kind, g.name, g.slug) for gs in portal.groups.values() for g in gs),
            extra,
        )
        self.site_wide = digest(facts)
        self.targets = {a.target.id: _target_digest(portal, a) for a in portal.assessments}
        self.every = digest((
            self.site_wide,
            [self.targets[a.target.id] for a in portal.assessments],
            portal.corrections,
            portal.amendments,
        ))  # fmt: skip

    def key(self, path: str, shows: Iterable[str] | None = EVERY, also: str = "") -> str:
        """The key of the file at site path ``path``, made from the site-wide inputs, the
        targets it ``shows`` and ``also`` (what else it alone shows)."""
        if shows is EVERY:
            made_from = self.every
        else:
            made_from = self.site_wide + "".join(
                f"\n{tid} {self.targets.get(tid, _ABSENT)}" for tid in sorted(set(shows))
            )
        return hashlib.sha256(f"{path}\n{also}\n{made_from}".encode()).hexdigest()


class Memo:
    """The files an earlier build made from the same inputs, for this build to keep
    (``filestore``), by what they are made from (``Dependencies``). Without a store it
    keeps nothing: every file is made."""

    def __init__(self, store: FileStore | None = None, dependencies: Dependencies | None = None):
        self.store = store if dependencies is not None else None
        self.dependencies = dependencies

    @property
    def reused(self) -> int:
        """Files taken from earlier builds so far."""
        return self.store.reused if self.store is not None else 0

    def link_all(self, paths: Sequence[str], shows=EVERY, also: str = "") -> bool:
        """Put the kept file of each of ``paths`` in the site, if it holds them all."""
        if self.store is None:
            return False
        keys = [self.dependencies.key(path, shows, also) for path in paths]
        if not all(self.store.has(key) for key in keys):
            return False
        # A link that fails now leaves a file to make: the build writes over links safely.
        return all([self.store.link(key, path) for key, path in zip(keys, paths, strict=True)])

    def text(self, path: str, shows=EVERY, also: str = "") -> str | None:
        """The kept text of the page at ``path``, if any."""
        if self.store is None:
            return None
        return self.store.text(self.dependencies.key(path, shows, also))

    def data(self, path: str, shows=EVERY, also: str = "") -> bytes | None:
        """The kept bytes of the file at ``path``, if any."""
        if self.store is None:
            return None
        return self.store.data(self.dependencies.key(path, shows, also))

    def keep(self, path: str, shows=EVERY, also: str = "", data: bytes | None = None) -> None:
        """Keep the file this build made at ``path`` for the next build."""
        if self.store is not None:
            self.store.keep(self.dependencies.key(path, shows, also), path, data)

    def save(self) -> None:
        if self.store is not None:
            self.store.save()


def _target_digest(portal: Portal, a) -> str:
    """Everything about one target any page can show: its assessment (the target as the
    register has it, status, flags, the promise it is judged on), its status history, its
    record and the corrections to its figures."""
    tid = a.target.id
    record = portal.record.of(tid) if portal.record is not None else None
    return digest((a, portal.histories.get(tid, ()), record, portal.corrections_of(tid)))
