"""The routine jobs staff run on the register, as functions the command line calls.

Each returns the lines to show and raises a ``PortalError`` subclass with a
message saying what to do when the job cannot be done.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..assess.status import MISSED, assess, reporting_quarter
from ..assess.wording import status_label
from ..project.loader import load_project
from ..project.settings import PortalSettings
from ..register.files import read_file
from ..register.quarters import Quarter
from . import bulk, bulk_report
from .editing import (
    EditError,
    checked,
    delay_edit,
    find_target_file,
    new_target_edit,
    progress_edit,
    read_target_text,
)

# A quarter of updates for every target of a large register is well under this.
MAX_CSV_BYTES = 20_000_000


def new_target(settings: PortalSettings, fields: dict[str, Any], schema: Path | None) -> str:
    """Write a skeleton file for a new target; return what was written."""
    edit = checked(new_target_edit(settings.targets_path, fields, schema), settings.default_lang)
    edit.write()
    return f"Wrote {edit.summary}."


def report(settings: PortalSettings, target_id: str, entry: dict[str, Any]) -> str:
    """Add one quarter's progress entry to a target; return what was added."""
    path = find_target_file(settings.targets_path, target_id)
    edit = progress_edit(path, read_target_text(path), entry)
    checked(edit, settings.default_lang, settings.reporting_quarter).write()
    return f"Updated {edit.summary}.{_quarter_moved(settings, entry['quarter'])}"


def _quarter_moved(settings: PortalSettings, quarter: str) -> str:
    """What the entry just written does to the whole site when it is the register's first
    for its quarter and REPORTING_QUARTER is None: staff saw it only in 'invoke changes'."""
    if settings.reporting_quarter is not None:
        return ""
    quarters = [e.quarter for t in load_project(settings, with_record=False).targets
                for e in t.progress]  # fmt: skip
    if quarters.count(Quarter.parse(quarter)) != 1 or max(quarters) != Quarter.parse(quarter):
        return ""
    return (
        f"\nNote: this is the register's first entry for {quarter}. REPORTING_QUARTER is None, "
        f"so the whole site is now as of {quarter}: every target not yet reported for it shows "
        "'No update this quarter' until its bureau reports (see 'invoke changes')."
    )


def justify(settings: PortalSettings, target_id: str, delay: dict[str, Any]) -> str:
    """Add the delay justification to a missed target; return what was added."""
    targets = load_project(settings, with_record=False).targets
    quarter = reporting_quarter(targets, settings.reporting_quarter)
    target = next((t for t in targets if t.id == target_id), None)
    path = find_target_file(settings.targets_path, target_id)
    assessment = (
        assess(target, quarter, settings.at_risk_lag, spend_lag=settings.spend_lag)
        if target and quarter
        else None
    )
    if assessment is not None and assessment.status != MISSED:
        raise EditError(
            f"{target_id} is {status_label(assessment.status).lower()} as of {quarter}, "
            "not missed: a delay justification is filed only for a missed target"
        )
    edit = delay_edit(path, read_target_text(path), delay)
    checked(edit, settings.default_lang, settings.reporting_quarter).write()
    return f"Updated {edit.summary}."


def import_progress(settings: PortalSettings, csv_file: Path, dry_run: bool) -> str:
    """Import one quarter's updates from a CSV; with ``dry_run``, only say what would change."""
    # A pipe or a device passed as --csv would hang the read or fill the memory.
    data, refused = read_file(csv_file, MAX_CSV_BYTES, "import one quarter at a time")
    if data is None:
        raise EditError(f"{csv_file}: cannot read the file: {refused}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EditError(f"{csv_file}: cannot read the file as UTF-8 CSV ({exc})") from None
    plan = bulk.plan_import(
        settings.targets_path,
        text,
        csv_file.name,
        settings.default_lang,
        settings.reporting_quarter,
    )
    return bulk_report.outcome(plan, dry_run)
