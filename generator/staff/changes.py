"""What a change to the register does, as Markdown for the reviewer of a pull request.

The old register is read from a git ref, the new one from the working tree; both are
validated and compared (``changeset``) with the same rules as the site, each as of its
own reporting quarter. Pure core: no Pelican imports.
"""

from __future__ import annotations

from pathlib import Path

from ..assess.funds import DEFAULT_SPEND_LAG
from ..assess.gitrefs import sources_at_ref
from ..assess.wording import fmt_measure, fmt_number, status_label
from ..register.loader import load_register, load_sources
from ..register.model import Amendment, ProgressEntry, Target, in_language
from ..register.quarters import Quarter
from ..register.translations import TRANSLATED_FIELDS as TRANSLATED
from ..register.translations import missing_translations_markdown
from . import fundschanges
from .changeset import ChangeSet, Correction, PromiseChange, compare
from .markdown import NOTE_WIDTH, escape
from .markdown import counted as _counted
from .markdown import quoted as _quoted
from .markdown import section as _section
from .markdown import who as _who

__all__ = ["ChangeSet", "compare", "escape", "read_sides", "summarize", "to_markdown"]


def summary_line(changes: ChangeSet) -> str:
    """Every kind of change counted in one line."""
    c = changes
    missed = _counted(c.newly_missed, "newly missed", "newly missed")
    unjustified = sum(not m.justified for m in c.newly_missed)
    if unjustified:
        missed += f" ({unjustified} without justification)"
    parts = [
        _counted(c.added, "target", suffix=" added"),
        _counted(c.removed, "target", suffix=" removed"),
        _counted(c.status_changes, "status change"),
        missed,
        _counted(c.justifications_added, "justification", suffix=" added"),
        _counted(c.justifications_changed, "justification", suffix=" changed"),
        _counted(c.justifications_removed, "justification", suffix=" removed"),
        _counted(c.corrections, "correction"),
        _counted(c.amendments, "promise amendment"),
        _counted(c.progress_added, "new progress update"),
        _counted(c.edits, "other field edit"),
        *fundschanges.summary_parts(c.funds),
        _counted(c.not_updated, "target", suffix=f" not updated for {c.new_quarter}"),
    ]
    return ", ".join(part for part in parts if part) + "."


def to_markdown(changes: ChangeSet, lang: str) -> str:
    """The change summary as GitHub-flavoured Markdown, for a pull request's job summary."""
    lines = ["## Register changes", ""]
    if changes.unchanged:
        lines += ["No changes to the register.", "", _quarter_line(changes)]
        return "\n".join(lines) + "\n"
    lines += [summary_line(changes), "", _quarter_line(changes)]
    sections = (
        _newly_missed_section,
        _justifications_removed_section,
        _corrections_section,
        _amendments_section,
        fundschanges.overspent_section,
        _status_section,
        fundschanges.flags_section,
        _justifications_added_section,
        _justifications_changed_section,
        _added_section,
        _removed_section,
        fundschanges.budgets_section,
        _edits_section,
        _progress_section,
        fundschanges.spending_section,
        _not_updated_section,
    )
    for section in sections:
        lines += section(changes, lang)
    return "\n".join(lines) + "\n"


def _quarter_line(changes: ChangeSet) -> str:
    """The reporting quarter on each side."""
    old, new = changes.old_quarter or "none", changes.new_quarter or "none"
    if old == new:
        return f"Reporting quarter: {new} (unchanged)."
    return f"Reporting quarter: {old} → **{new}**."


def _newly_missed_section(changes: ChangeSet, lang: str) -> list[str]:
    # Those without a justification first: they are what the reviewer must act on.
    ordered = sorted(changes.newly_missed, key=lambda m: m.justified)
    rows = [
        (*_who(m.target, lang), str(m.target.due), _justification_cell(m.target)) for m in ordered
    ]
    return _section("Newly missed", ("Target", "Title", "Due", "Justification"), rows)


def _justification_cell(target: Target) -> str:
    """Whether a missed target has its delay justification, loudly when it has none."""
    if target.delay is None:
        return "**no justification filed**"
    return f"filed: revised due {target.delay.revised_due}"


def _corrections_section(changes: ChangeSet, lang: str) -> list[str]:
    rows = [
        (*_who(c.target, lang), str(c.quarter), *_correction_cells(c)) for c in changes.corrections
    ]
    header = ("Target", "Title", "Quarter", "Figure", "What changed")
    return _section("Corrections to published figures", header, rows)


def _correction_cells(correction: Correction) -> tuple[str, str]:
    """The figure cell (old → new) and what-changed cell of one correction."""
    old = fmt_measure(correction.old_target, correction.old_figure)
    if correction.new is None:
        return f"{old} → —", "**entry removed**"
    new = fmt_measure(correction.target, correction.new_figure)
    figure = f"{old} → **{new}**" if "figure" in correction.fields else f"{new} (unchanged)"
    was, now = correction.old, correction.new
    details = {
        "figure": "figure",
        "note": f"note: {_quoted(was.note)} → {_quoted(now.note)}",
        "sources": f"sources: {len(was.sources)} → {len(now.sources)} link(s)",
        "verified_by": f"verified by: {_quoted(was.verified_by)} → {_quoted(now.verified_by)}",
        "spent": f"spent: {fmt_number(was.spent)} → {fmt_number(now.spent)}",
    }
    return figure, "; ".join(details[name] for name in correction.fields)


def _amendments_section(changes: ChangeSet, lang: str) -> list[str]:
    rows = [
        (*_who(a.target, lang), f"`{a.field}`", _amended_cell(a), _reason_cell(a))
        for a in changes.amendments
    ]
    header = ("Target", "Title", "Field", "Change", "Reason")
    return _section("Promises amended", header, rows)


def _amended_cell(change: PromiseChange) -> str:
    """Old → new value of one promise field."""
    return f"{escape(change.old, NOTE_WIDTH)} → **{escape(change.new, NOTE_WIDTH)}**"


def _reason_cell(change: PromiseChange) -> str:
    """The reasons the change recorded for this field, or that it recorded none."""
    if not change.entries:
        return "**no reason recorded**"
    return "; ".join(_entry_words(entry) for entry in change.entries)


def _entry_words(entry: Amendment) -> str:
    """One amendments entry in words: reason, approval, and whether it is a correction."""
    words = escape(entry.reason, NOTE_WIDTH) + f" ({entry.date}"
    if entry.approved_by:
        words += f", approved by {escape(entry.approved_by, NOTE_WIDTH)}"
    if entry.correction:
        words += ", **correction of a clerical error**"
    return words + ")"


def _status_section(changes: ChangeSet, lang: str) -> list[str]:
    rows = [
        (*_who(s.target, lang), status_label(s.old), f"**{status_label(s.new)}**")
        for s in changes.status_changes
    ]
    return _section("Status changes", ("Target", "Title", "Was", "Now"), rows)


def _justifications_added_section(changes: ChangeSet, lang: str) -> list[str]:
    rows = [
        (*_who(j.target, lang), str(j.new.revised_due), escape(j.new.reason, NOTE_WIDTH))
        for j in changes.justifications_added
    ]
    header = ("Target", "Title", "Revised due", "Reason")
    return _section("Justifications added", header, rows)


def _justifications_changed_section(changes: ChangeSet, lang: str) -> list[str]:
    rows = []
    for j in changes.justifications_changed:
        details = [
            f"revised due {j.old.revised_due} → **{j.new.revised_due}**"
            if name == "revised_due"
            else name
            for name in j.fields
        ]
        rows.append((*_who(j.target, lang), "; ".join(details)))
    return _section("Justifications changed", ("Target", "Title", "What changed"), rows)


def _justifications_removed_section(changes: ChangeSet, lang: str) -> list[str]:
    rows = [
        (*_who(j.target, lang), f"**justification removed** (revised due was {j.old.revised_due})")
        for j in changes.justifications_removed
    ]
    return _section("Justifications removed", ("Target", "Title", "Change"), rows)


def _added_section(changes: ChangeSet, lang: str) -> list[str]:
    rows = [
        (*_who(t, lang), escape(t.bureau), str(t.due), _status_cell(changes.new_statuses, t))
        for t in changes.added
    ]
    return _section("Targets added", ("Target", "Title", "Bureau", "Due", "Status"), rows)


def _removed_section(changes: ChangeSet, lang: str) -> list[str]:
    rows = [
        (*_who(t, lang), escape(t.bureau), _status_cell(changes.old_statuses, t))
        for t in changes.removed
    ]
    lines = _section("Targets removed", ("Target", "Title", "Bureau", "Last status"), rows)
    if not lines:
        return []
    words = [_removal_words(t, changes.successors.get(t.id), lang) for t in changes.removed]
    return lines + ["", *words]


def _removal_words(target: Target, successor: Target | None, lang: str) -> str:
    """What became of one removed target, in a sentence."""
    name = f"`{target.id}` ({escape(in_language(target.title, lang), NOTE_WIDTH)})"
    if successor is not None:
        title = escape(in_language(successor.title, lang), NOTE_WIDTH)
        return f"- {name} is replaced by `{successor.id}` ({title}); its pages will say so."
    if target.withdrawn is not None:
        reason = escape(target.withdrawn.reason, NOTE_WIDTH)
        return (
            f"- {name} was withdrawn in {target.withdrawn.quarter} ({reason}); its file is "
            "removed, and the site keeps its last published version."
        )
    return (
        f"- {name} **was removed without being withdrawn or replaced**: the site will keep "
        "its last published version, marked removed. Withdraw it instead (`withdrawn:`), "
        "or name its successor with `replaces:`."
    )


def _status_cell(statuses: dict[str, str], target: Target) -> str:
    """A target's status in words, or an em dash when its side has no reporting quarter."""
    return status_label(statuses[target.id]) if target.id in statuses else "—"


def _edits_section(changes: ChangeSet, lang: str) -> list[str]:
    rows = [
        (*_who(e.target, lang), f"`{e.field}`", _quoted(e.old), _quoted(e.new))
        for e in changes.edits
    ]
    return _section("Other edits", ("Target", "Title", "Field", "Was", "Now"), rows)


def _progress_section(changes: ChangeSet, lang: str) -> list[str]:
    rows = [
        (*_who(n.target, lang), str(n.entry.quarter), _figure(n.target, n.entry))
        for n in changes.progress_added
    ]
    return _section("New progress reported", ("Target", "Title", "Quarter", "Figure"), rows)


def _figure(target: Target, entry: ProgressEntry) -> str:
    """An entry's figure with its unit."""
    return fmt_measure(target, target.measure(entry))


def _not_updated_section(changes: ChangeSet, lang: str) -> list[str]:
    rows = []
    for target in changes.not_updated:
        latest = target.progress[-1].quarter if target.progress else "never"
        status_word = _status_cell(changes.new_statuses, target)
        rows.append((*_who(target, lang), escape(target.bureau), status_word, str(latest)))
    header = ("Target", "Title", "Bureau", "Status", "Last reported")
    return _section(f"Not updated for {changes.new_quarter}", header, rows)


# --- The whole job ---------------------------------------------------------------------------


def read_sides(
    repo: Path,
    ref: str,
    targets_dir: Path,
    *,
    default_lang: str,
    reporting_quarter: Quarter | None,
) -> tuple[list[Target], list[Target]]:
    """The register at ``ref`` and in the working tree, each validated."""
    # RegisterError (either side invalid) is left to the caller, which lists every problem.
    old = load_sources(
        sources_at_ref(repo, ref, targets_dir),
        reporting_quarter=reporting_quarter,
        default_lang=default_lang,
    )
    new = load_register(targets_dir, reporting_quarter=reporting_quarter, default_lang=default_lang)
    return old, new


def report_markdown(changes: ChangeSet, lang: str, languages: tuple[str, ...]) -> str:
    """The summary, then the text missing in any of ``languages`` of targets added or
    whose title or description changed."""
    touched = {t.id: t for t in changes.added}
    touched |= {e.target.id: e.target for e in changes.edits if e.field.startswith(TRANSLATED)}
    missing = missing_translations_markdown(sorted(touched.values(), key=lambda t: t.id), languages)
    return to_markdown(changes, lang) + "\n".join(["", *missing] if missing else [])


def summarize(
    repo: Path,
    ref: str,
    targets_dir: Path,
    *,
    default_lang: str,
    reporting_quarter: Quarter | None,
    at_risk_lag: float,
    spend_lag: float = DEFAULT_SPEND_LAG,
    languages: tuple[str, ...] = (),
) -> str:
    """Markdown summary of what the working tree's register changes since ``ref``.

    Targets added, or whose title or description changed, are checked for text missing
    in any of ``languages``.
    """
    old, new = read_sides(
        repo, ref, targets_dir, default_lang=default_lang, reporting_quarter=reporting_quarter
    )
    changes = compare(old, new, reporting_quarter=reporting_quarter, at_risk_lag=at_risk_lag,
                      spend_lag=spend_lag)  # fmt: skip
    return report_markdown(changes, default_lang, languages)
