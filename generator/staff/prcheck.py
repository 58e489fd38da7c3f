"""The pull-request check (``changes --check``): what a change may not do to the record.

What the public once saw stays visible (docs/REGISTER.md, "The published record" and
"Editions"). A change is refused, one line per problem, when it moves a promise without
an ``amendments`` entry naming the field, removes a target that was neither withdrawn nor
replaced, alters or deletes a published edition, or does not contain its base (the
history was rewritten). Pure core: git is called through ``gitrefs``; no Pelican imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..assess.funds import DEFAULT_SPEND_LAG
from ..assess.gitrefs import changed_since, is_ancestor, top_level
from ..register.errors import PortalError, Problem
from ..register.model import Target
from ..register.quarters import Quarter
from .changes import escape, read_sides, report_markdown
from .changeset import ChangeSet, PromiseChange, compare

GUIDE = "docs/staff-guide.md"


class RecordCheckFailed(PortalError):
    """The change breaks the published record; ``lines`` says how, one problem a line."""

    def __init__(self, lines: tuple[str, ...]):
        self.lines = lines
        noun = "problem" if len(lines) == 1 else "problems"
        super().__init__(
            f"the change breaks the published record ({len(lines)} {noun}):\n" + "\n".join(lines)
        )


@dataclass(frozen=True)
class Review:
    """The reviewer's Markdown summary and the check's problems (none: the change may go)."""

    markdown: str
    problems: tuple[str, ...]


def review(
    repo: Path,
    ref: str,
    targets_dir: Path,
    *,
    editions_dir: Path,
    default_lang: str,
    reporting_quarter: Quarter | None,
    at_risk_lag: float,
    spend_lag: float = DEFAULT_SPEND_LAG,
    languages: tuple[str, ...] = (),
) -> Review:
    """Check the working tree's change since ``ref`` and summarise it, check first."""
    old, new = read_sides(
        repo, ref, targets_dir, default_lang=default_lang, reporting_quarter=reporting_quarter
    )
    changes = compare(old, new, reporting_quarter=reporting_quarter, at_risk_lag=at_risk_lag,
                      spend_lag=spend_lag)  # fmt: skip
    problems = (
        history_problems(repo, ref)
        + edition_problems(repo, ref, editions_dir)
        + promise_problems(changes, top_level(repo))
        + removal_problems(changes, ref)
    )
    summary = report_markdown(changes, default_lang, languages)
    return Review("\n".join(check_markdown(problems)) + "\n\n" + summary, tuple(problems))


# --- The rules ---------------------------------------------------------------------------------


def history_problems(repo: Path, ref: str) -> list[str]:
    """One line when ``ref`` is not in the history of HEAD."""
    if is_ancestor(repo, ref):
        return []
    return [
        f"{ref} is not an ancestor of this change: the history was rewritten (force-push or "
        f"rebase of published commits), or this branch does not contain {ref} yet: published "
        f"commits never change, so merge {ref} into the branch (git merge {ref}) instead of "
        "rebasing or force-pushing"
    ]


def edition_problems(repo: Path, ref: str, editions_dir: Path) -> list[str]:
    """One line for each edition file at ``ref`` that the work tree changes or deletes."""
    problems = []
    for how, path, inside in changed_since(repo, ref, editions_dir):
        # Editions are the .json files directly in the folder; anything else there is not one.
        if "/" in inside or PurePosixPath(inside).suffix != ".json":
            continue
        message = f"a published edition never changes: restore it with git checkout {ref} -- {path}"
        problems.append(str(Problem(path, None, how, message)))
    return problems


def promise_problems(changes: ChangeSet, top: Path | None = None) -> list[str]:
    """One line for each promise field changed without a new amendments entry naming it.

    With ``top``, a file is named from the top of the work tree, as git (and GitHub) name it.
    """
    return [
        str(Problem(_from_top(c.target.source_path, top), None, c.field, _unrecorded(c)))
        for c in changes.amendments
        if not c.recorded
    ]


def _from_top(path: str, top: Path | None) -> str:
    """``path`` relative to ``top`` when it is inside it; else as it is."""
    if top is None:
        return path
    try:
        return Path(path).resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        return path


def removal_problems(changes: ChangeSet, ref: str) -> list[str]:
    """One line for each target removed that was not withdrawn and is not replaced."""
    problems = []
    for target in changes.removed:
        if target.withdrawn is None and target.id not in changes.successors:
            path = target.source_path.removeprefix(f"{ref}:")
            problems.append(str(Problem(path, None, "", _unwithdrawn(target, path, ref))))
    return problems


# --- The words ---------------------------------------------------------------------------------


def _unrecorded(change: PromiseChange) -> str:
    """What changed in a promise field, and the amendments entry to add for it."""
    field = change.field
    either = f"'{field}' (or 'indicator')" if field.startswith("indicator.") else f"'{field}'"
    earlier = ""
    if change.earlier:
        dates = ", ".join(str(entry.date) for entry in change.earlier)
        earlier = f" (the entry of {dates} was there already: it recorded an earlier change)"
    return (
        f"{_what_changed(change)} without an amendments entry naming {either}{earlier}: add one "
        f'(date, fields: [{field}], reason, approved_by) — see {GUIDE}, "Amending a promise"'
    )


def _what_changed(change: PromiseChange) -> str:
    """``moved from 2025-Q4 to 2027-Q4``, ``lowered from 100 to 80``, ..."""
    old, new = change.old_target.indicator, change.target.indicator
    if change.field == "indicator":
        return f"changed from a {change.old} to a {change.new}"
    if change.field in ("due", "start"):
        return f"moved from {change.old} to {change.new}"
    if change.field in ("indicator.target", "indicator.baseline"):
        name = change.field.removeprefix("indicator.")
        verb = "lowered" if getattr(new, name) < getattr(old, name) else "raised"
        return f"{verb} from {change.old} to {change.new}"
    if change.field == "indicator.unit":
        return f"changed from {change.old!r} to {change.new!r}"
    return f"changed from {change.old} to {change.new}"


def _unwithdrawn(target: Target, path: str, ref: str) -> str:
    """Why a removed target may not go, and the two ways to let it go."""
    return (
        f"{target.id} was removed, but it was never withdrawn and no target replaces it: a "
        f"published target stays on the record. Restore the file (git checkout {ref} -- "
        f"{path}) and withdraw it (withdrawn: {{quarter, reason}}), or add 'replaces: "
        f"{target.id}' to the target that takes its place — see {GUIDE}, \"Withdrawing a "
        'target"'
    )


def check_markdown(problems: list[str]) -> list[str]:
    """The check's result as a Markdown section, above the summary."""
    lines = ["## Published record check", ""]
    if not problems:
        return lines + [
            "Passed: every promise changed has its amendments entry, no target was removed "
            "without being withdrawn or replaced, no published edition changed, and the "
            "base is in this change's history."
        ]
    noun = "problem" if len(problems) == 1 else "problems"
    lines.append(f"**Refused: {len(problems)} {noun}.** Fix each, then push again:")
    return [*lines, "", *(f"- {escape(line)}" for line in problems)]
