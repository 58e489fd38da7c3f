"""What import-progress tells the staff member: the dry run, the problems, what was made.

The dry run is read by someone who filled in a spreadsheet, so it is grouped by target,
each with the rows that would add an entry and the rows that must be fixed first, in
the order the CSV lists them; the problems keep the form "updates.csv row 7, column
value: ...", the same as when the import itself refuses the CSV.
"""

from __future__ import annotations

from typing import Any

from ..register.loader import display_path
from .bulk import FIGURES, ImportPlan, apply
from .editing import EditError


def outcome(plan: ImportPlan, dry_run: bool) -> str:
    """Write the plan's edits (unless ``dry_run``) and say what was done; ``EditError``."""
    if dry_run:
        report = dry_run_report(plan)
        if not plan.ok:
            raise EditError(_refusal(plan, "run the dry run again") + report)
        count = len(plan.edits)
        return (
            f"{report}\n{count} update(s) would be made; run again without --dry-run to make them."
        )
    if not plan.ok:
        raise EditError(_refusal(plan, "run again") + "\n".join(plan.messages()))
    apply(plan)
    lines = [f"  {edit.summary}" for edit in plan.edits]
    return "\n".join([f"Made {len(plan.edits)} update(s):", *lines])


def _refusal(plan: ImportPlan, advice: str) -> str:
    problems, rows = len(plan.problems), len({p.row for p in plan.problems})
    fix = "fix them" if problems > 1 else "fix it"
    return (
        f"{plan.csv_name} has {problems} problem{'s' if problems > 1 else ''} in {rows} "
        f"row{'s' if rows > 1 else ''}; nothing was written: {fix} and {advice}.\n"
    )


def dry_run_report(plan: ImportPlan) -> str:
    """Per target, in CSV order: what each good row would add, and each problem."""
    lines = [f"Dry run of {plan.csv_name}: nothing was written."]
    for target, path in plan.targets.items():
        lines.append(f"{target} ({display_path(path)}):")
        events = [(a.row, f"row {a.row} would add {describe(a.entry)}") for a in plan.additions
                  if a.target == target]  # fmt: skip
        events += [(p.row, p.text(plan.csv_name)) for p in plan.problems if p.target == target]
        lines += [f"  {text}" for _, text in sorted(events, key=lambda e: e[0])]
    loose = [p for p in plan.problems if p.target is None]
    if loose:  # no target to file them under: a bad id, the header, a row with extra cells
        lines.append("Rows for no known target:" if plan.targets else "Problems:")
        lines += [f"  {p.text(plan.csv_name)}" for p in sorted(loose, key=lambda p: p.row)]
    return "\n".join(lines)


def describe(entry: dict[str, Any]) -> str:
    """What a row adds, in its column names: "2026-Q4: value 91, spent 231, a note"."""
    parts = [f"{c} {_plain(entry[c])}" for c in FIGURES if c in entry]
    if entry.get("note"):
        parts.append("a note")
    if entry.get("sources"):
        count = len(entry["sources"])
        parts.append(f"{count} source{'s' if count > 1 else ''}")
    if entry.get("verified_by"):
        parts.append(f"verified by {entry['verified_by']}")
    return f"{entry['quarter']}: " + ", ".join(parts)


def _plain(figure: float) -> str:
    return str(int(figure)) if float(figure).is_integer() else str(figure)
