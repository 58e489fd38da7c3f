"""The corrections log: every change to a figure or note after it was published.

Derived from the register's published history (``gitlog.PublishedHistory``, read once per
build and shared with the record): each version a main-line commit published is compared
with the one before it. Pure core: no Pelican imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..register.model import ProgressEntry, Target
from ..register.quarters import Quarter
from .gitlog import PublishedCommit, PublishedHistory, read_history

# The fields of a progress entry whose change after publication is a correction.
FIELDS = ("value", "percent_complete", "note", "spent")
# A figure a later version may add without correcting anything: no spending line published
# is not a published figure (REGISTER.md: spent is optional, the total so far), so giving
# one later is news, reported as spending; changing or removing a published one corrects it.
_ADDED_WITHOUT_CORRECTION = ("spent",)


@dataclass(frozen=True)
class FigureCorrection:
    """One published figure or note of a target's quarter, changed by a commit."""

    target_id: str
    quarter: Quarter
    field: str  # "value", "percent_complete", "note" or "spent"
    old: float | str | None
    new: float | str | None  # None when the entry (or, for "note", the note) was removed
    date: str  # ISO date of the commit (committer date, UTC)
    commit: str  # full commit id

    @property
    def short_commit(self) -> str:
        """The commit id shortened to its first 10 characters, as shown on the site."""
        return self.commit[:10]


def corrections_log(
    targets_dir: Path, default_lang: str, since: str | None = None
) -> list[FigureCorrection] | None:
    """The corrections log of the register in ``targets_dir``: ``corrections_from`` the
    history ``gitlog.read_history`` reads (versions validated in ``default_lang``;
    ``since`` is RECORD_SINCE)."""
    return corrections_from(read_history(Path(targets_dir), default_lang, since))


def corrections_from(history: PublishedHistory) -> list[FigureCorrection] | None:
    """Every correction to an already-published entry, oldest first.

    Then by target id, quarter and field. None when the history is unavailable (not a git
    work tree, no git, a shallow clone, a history git cannot read, an unknown RECORD_SINCE):
    the site then says the log is unavailable, never that nothing was corrected. Draft
    commits (before RECORD_SINCE) correct nothing: their figures were never published.
    """
    if not history.available:
        return None
    log: list[FigureCorrection] = []
    for commit in history.commits:
        if commit.draft:
            continue
        found = []
        for change in commit.changes:
            if change.old is not None and change.new is not None:
                found += _compare(change.old, change.new, commit)
        # Commits are already in order; within one, the order promised by the docstring.
        log += sorted(found, key=lambda c: (c.target_id, c.quarter, c.field))
    return log


# --- Comparing versions -----------------------------------------------------------------------


def _compare(old: Target, new: Target, commit: PublishedCommit) -> list[FigureCorrection]:
    """The corrections ``commit`` made to the entries published in ``old``."""
    now = {entry.quarter: entry for entry in new.progress}
    found = []
    for was in old.progress:
        for name, before, after in _entry_changes(old, was, now.get(was.quarter)):
            found.append(
                FigureCorrection(
                    new.id, was.quarter, name, before, after, commit.date, commit.commit
                )
            )
    return found


def _entry_changes(
    old: Target, was: ProgressEntry, now: ProgressEntry | None
) -> list[tuple[str, float | str | None, float | str | None]]:
    """(field, old, new) for each field of a published entry that changed."""
    if now is None:
        # A removed entry is one correction: its figure, now gone.
        name = "percent_complete" if old.is_milestone else "value"
        return [(name, getattr(was, name), None)]
    return [
        (name, getattr(was, name), getattr(now, name))
        for name in FIELDS
        if getattr(was, name) != getattr(now, name)
        and not (name in _ADDED_WITHOUT_CORRECTION and getattr(was, name) is None)
    ]
