"""What a change to the register does, as Markdown for the reviewer of a pull request.

The old register is read from a git ref, the new one from the working tree; both are
validated and assessed with the same rules as the site, each as of its own reporting
quarter. Pure core: no Pelican imports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import status
from .gitrefs import sources_at_ref
from .model import Delay, ProgressEntry, Target, in_language
from .quarters import Quarter
from .register import load_register, load_sources
from .translations import TRANSLATED_FIELDS as TRANSLATED
from .translations import missing_translations_markdown
from .wording import fmt_measure, fmt_number, status_label

NOTE_WIDTH = 120  # characters of a note or other long text shown in a table cell


# --- Comparing two registers -----------------------------------------------------------------


@dataclass(frozen=True)
class StatusChange:
    """A target whose status differs between the old and the new register."""

    target: Target
    old: str
    new: str


@dataclass(frozen=True)
class NewlyMissed:
    """A target missed now and not before; ``justified`` when a delay is filed."""

    target: Target
    justified: bool


@dataclass(frozen=True)
class JustificationChange:
    """A delay justification added, changed or removed (``old``/``new`` None when absent)."""

    target: Target
    old: Delay | None
    new: Delay | None

    @property
    def fields(self) -> tuple[str, ...]:
        """The delay fields that differ, in the register's order."""
        names = ("reason", "revised_due", "measures", "submitted", "responsible")
        return tuple(n for n in names if getattr(self.old, n, None) != getattr(self.new, n, None))


@dataclass(frozen=True)
class Correction:
    """A change to an entry already published for ``quarter``; ``new`` is None if removed."""

    target: Target
    old_target: Target
    quarter: Quarter
    old: ProgressEntry
    new: ProgressEntry | None
    fields: tuple[str, ...]

    @property
    def old_figure(self) -> float | None:
        """The figure as first published."""
        return self.old_target.measure(self.old)

    @property
    def new_figure(self) -> float | None:
        """The figure now; None when the entry was removed."""
        return None if self.new is None else self.target.measure(self.new)


@dataclass(frozen=True)
class NewEntry:
    """A progress entry for a quarter the target had not reported before."""

    target: Target
    entry: ProgressEntry


@dataclass(frozen=True)
class FieldEdit:
    """Another field of a target changed: ``due``, ``title[en]``, ``indicator.target``..."""

    target: Target
    field: str
    old: str | None
    new: str | None


@dataclass
class ChangeSet:
    """Everything that differs between an old and a new register, for a reviewer."""

    old_quarter: Quarter | None = None
    new_quarter: Quarter | None = None
    added: list[Target] = field(default_factory=list)
    removed: list[Target] = field(default_factory=list)
    status_changes: list[StatusChange] = field(default_factory=list)
    newly_missed: list[NewlyMissed] = field(default_factory=list)
    justifications_added: list[JustificationChange] = field(default_factory=list)
    justifications_changed: list[JustificationChange] = field(default_factory=list)
    justifications_removed: list[JustificationChange] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    progress_added: list[NewEntry] = field(default_factory=list)
    edits: list[FieldEdit] = field(default_factory=list)
    not_updated: list[Target] = field(default_factory=list)
    old_statuses: dict[str, str] = field(default_factory=dict)
    new_statuses: dict[str, str] = field(default_factory=dict)

    @property
    def unchanged(self) -> bool:
        """True when the register's data is the same on both sides."""
        # not_updated is a state of the new register, not a change made to it.
        kinds = (
            self.added,
            self.removed,
            self.status_changes,
            self.newly_missed,
            self.justifications_added,
            self.justifications_changed,
            self.justifications_removed,
            self.corrections,
            self.progress_added,
            self.edits,
        )
        return not any(kinds) and self.old_quarter == self.new_quarter


def compare(
    old: list[Target],
    new: list[Target],
    *,
    reporting_quarter: Quarter | None = None,
    at_risk_lag: float = status.DEFAULT_AT_RISK_LAG,
) -> ChangeSet:
    """What changed from ``old`` to ``new``, each side assessed as of its own R."""
    old_r = status.reporting_quarter(old, reporting_quarter)
    new_r = status.reporting_quarter(new, reporting_quarter)
    before, after = _assess_all(old, old_r, at_risk_lag), _assess_all(new, new_r, at_risk_lag)
    old_by_id = {t.id: t for t in old}
    new_ids = {t.id for t in new}
    pairs = [(old_by_id[t.id], t) for t in new if t.id in old_by_id]
    changes = ChangeSet(
        old_quarter=old_r,
        new_quarter=new_r,
        added=[t for t in new if t.id not in old_by_id],
        removed=[t for t in old if t.id not in new_ids],
        old_statuses={i: a.status for i, a in before.items()},
        new_statuses={i: a.status for i, a in after.items()},
    )
    for old_t, new_t in pairs:
        if old_t.id in before and new_t.id in after:
            was, now = before[old_t.id].status, after[new_t.id].status
            if was != now:
                changes.status_changes.append(StatusChange(new_t, was, now))
        _compare_delays(changes, old_t, new_t)
        _compare_progress(changes, old_t, new_t)
        changes.edits += _field_edits(old_t, new_t)
    for target in new:
        assessment = after.get(target.id)
        was_missed = target.id in before and before[target.id].is_missed
        if assessment is not None and assessment.is_missed and not was_missed:
            changes.newly_missed.append(NewlyMissed(target, target.delay is not None))
        if assessment is not None and status.NOT_REPORTED in assessment.flags:
            changes.not_updated.append(target)
    return changes


def _assess_all(
    targets: list[Target], r: Quarter | None, at_risk_lag: float
) -> dict[str, status.Assessment]:
    """Each target's assessment by id; none when the side has no reporting quarter."""
    if r is None:
        return {}
    return {t.id: status.assess(t, r, at_risk_lag) for t in targets}


def _compare_delays(changes: ChangeSet, old: Target, new: Target) -> None:
    """Record a delay justification added, changed or removed."""
    item = JustificationChange(new, old.delay, new.delay)
    if old.delay is None and new.delay is not None:
        changes.justifications_added.append(item)
    elif old.delay is not None and new.delay is None:
        changes.justifications_removed.append(item)
    elif old.delay != new.delay:
        changes.justifications_changed.append(item)


def _compare_progress(changes: ChangeSet, old: Target, new: Target) -> None:
    """Record corrections to published entries and entries for newly reported quarters."""
    new_entries = {e.quarter: e for e in new.progress}
    old_quarters = {e.quarter for e in old.progress}
    for entry in old.progress:
        now = new_entries.get(entry.quarter)
        fields = ("removed",) if now is None else _entry_fields(old, entry, new, now)
        if fields:
            changes.corrections.append(Correction(new, old, entry.quarter, entry, now, fields))
    changes.progress_added += [
        NewEntry(new, e) for e in new.progress if e.quarter not in old_quarters
    ]


def _entry_fields(
    old: Target, was: ProgressEntry, new: Target, now: ProgressEntry
) -> tuple[str, ...]:
    """The fields of one quarter's entry that differ: figure, note, sources, verified_by."""
    fields = ["figure"] if old.measure(was) != new.measure(now) else []
    fields += [n for n in ("note", "sources", "verified_by") if getattr(was, n) != getattr(now, n)]
    return tuple(fields)


def _field_edits(old: Target, new: Target) -> list[FieldEdit]:
    """Every other field that differs, by name; progress and delay are compared apart."""
    before, after = _field_values(old), _field_values(new)
    names = list(after) + [name for name in before if name not in after]
    return [
        FieldEdit(new, name, before.get(name), after.get(name))
        for name in names
        if before.get(name) != after.get(name)
    ]


def _field_values(target: Target) -> dict[str, str]:
    """A target's fields other than id, progress and delay, as display strings."""
    values = {f"title[{lang}]": text for lang, text in target.title.items()}
    values |= {
        "policy_address": str(target.policy_address),
        "bureau": target.bureau,
        "partners": ", ".join(target.partners),
        "area": target.area or "",
        "start": str(target.start),
        "due": str(target.due),
    }
    values |= {f"description[{lang}]": text for lang, text in target.description.items()}
    if target.indicator is not None:
        values |= {
            "indicator.unit": target.indicator.unit,
            "indicator.baseline": fmt_number(target.indicator.baseline),
            "indicator.target": fmt_number(target.indicator.target),
            "indicator.direction": target.indicator.direction,
        }
    if target.withdrawn is not None:
        values["withdrawn.quarter"] = str(target.withdrawn.quarter)
        values["withdrawn.reason"] = target.withdrawn.reason
    return {name: value for name, value in values.items() if value != ""}


# --- Markdown --------------------------------------------------------------------------------

# Backslash-escaping Markdown's inline punctuation keeps register text from becoming links,
# images, emphasis or table cells; HTML is turned into entities so none of it is rendered.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]|~])")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape(text: str, width: int | None = None) -> str:
    """Register text made safe for one Markdown table cell, cut to ``width`` characters."""
    text = " ".join(text.split())  # a newline would end the table row
    if width is not None and len(text) > width:
        text = text[: width - 1].rstrip() + "…"
    text = "".join(_ENTITIES.get(char, char) for char in text)
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def _quoted(text: str | None) -> str:
    """Short register text in quotes, or an em dash for none."""
    return "—" if not text else f"“{escape(text, NOTE_WIDTH)}”"


def _count(number: int, singular: str, plural: str | None = None) -> str:
    """``1 target added``, ``2 targets added``."""
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    """A GitHub Markdown table; cells must already be escaped."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _who(target: Target, lang: str) -> tuple[str, str]:
    """The id and title cells of a target's row."""
    return f"`{target.id}`", escape(in_language(target.title, lang))


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
        _counted(c.progress_added, "new progress update"),
        _counted(c.edits, "other field edit"),
        _counted(c.not_updated, "target", suffix=f" not updated for {c.new_quarter}"),
    ]
    return ", ".join(part for part in parts if part) + "."


def _counted(items: list, singular: str, plural: str | None = None, suffix: str = "") -> str:
    """``2 targets added``; empty when there are no items."""
    return _count(len(items), singular, plural) + suffix if items else ""


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
        _status_section,
        _justifications_added_section,
        _justifications_changed_section,
        _added_section,
        _removed_section,
        _edits_section,
        _progress_section,
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


def _section(title: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    """A ``###`` section with its table; nothing when there are no rows."""
    return ["", f"### {title}", "", *_table(header, rows)] if rows else []


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
    }
    return figure, "; ".join(details[name] for name in correction.fields)


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
    # A dropped target should stay on the site as withdrawn; deleting it erases the record.
    note = "Removed targets disappear from the site; a dropped target should be marked `withdrawn`."
    return lines + ["", note] if lines else []


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


def summarize(
    repo: Path,
    ref: str,
    targets_dir: Path,
    *,
    default_lang: str,
    reporting_quarter: Quarter | None = None,
    at_risk_lag: float = status.DEFAULT_AT_RISK_LAG,
    languages: tuple[str, ...] = (),
) -> str:
    """Markdown summary of what the working tree's register changes since ``ref``.

    Targets added, or whose title or description changed, are checked for text missing
    in any of ``languages``.
    """
    # RegisterError (either side invalid) is left to the caller, which lists every problem.
    old = load_sources(
        sources_at_ref(repo, ref, targets_dir),
        reporting_quarter=reporting_quarter,
        default_lang=default_lang,
    )
    new = load_register(targets_dir, reporting_quarter=reporting_quarter, default_lang=default_lang)
    changes = compare(old, new, reporting_quarter=reporting_quarter, at_risk_lag=at_risk_lag)
    touched = {t.id: t for t in changes.added}
    touched |= {e.target.id: e.target for e in changes.edits if e.field.startswith(TRANSLATED)}
    missing = missing_translations_markdown(sorted(touched.values(), key=lambda t: t.id), languages)
    return to_markdown(changes, default_lang) + "\n".join(["", *missing] if missing else [])
