"""Field-by-field validation of one target file, as REGISTER.md defines it."""

from __future__ import annotations

import difflib
import re

from .checker import _MISSING, Checker
from .errors import Problem
from .model import (
    DECREASE,
    INCREASE,
    PROMISE_FIELDS,
    Amendment,
    Delay,
    Indicator,
    ProgressEntry,
    Target,
    Withdrawal,
)
from .quarters import Quarter
from .yamldoc import Document, Path

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")

TARGET_FIELDS = (
    "id", "title", "policy_address", "bureau", "partners", "area", "description",
    "start", "due", "indicator", "progress", "delay", "withdrawn", "amendments", "replaces",
)  # fmt: skip
INDICATOR_FIELDS = ("unit", "baseline", "target", "direction")
ENTRY_FIELDS = ("quarter", "value", "percent_complete", "note", "sources", "verified_by")
DELAY_FIELDS = ("reason", "revised_due", "measures", "submitted", "responsible")
WITHDRAWN_FIELDS = ("quarter", "reason")
AMENDMENT_FIELDS = ("date", "fields", "reason", "approved_by", "correction")

RESERVED_IDS = {"index"}  # list pages live at targets/index.html


def build_target(
    doc: Document, stem: str, default_lang: str, reporting_quarter: Quarter | None = None
) -> tuple[Target | None, list[Problem]]:
    """Validate one parsed target file named ``stem``; return the target and its problems."""
    check = Checker(doc)
    if check.mapping((), TARGET_FIELDS, True) is None:
        return None, check.problems
    target_id = _check_id(check, stem)
    policy_address = check.policy_address = check.integer(("policy_address",))
    start = _start(check, policy_address)
    due = check.quarter(("due",), True)
    if start and due and due < start:
        check.fail(("due",), f"{due} is before the start quarter {start}: check both quarters")
    indicator = _indicator(check)
    target = Target(
        id=target_id or stem,
        title=check.texts(("title",), default_lang, True, one_line=True),
        policy_address=policy_address or 0,
        bureau=check.text(("bureau",), True) or "",
        partners=check.text_list(("partners",)),
        area=check.text(("area",)),
        description=check.texts(("description",), default_lang, False, one_line=False),
        start=start or Quarter(1, 1),
        due=due or Quarter(1, 1),
        indicator=indicator,
        progress=_progress(check, milestone=check.present(("indicator",), False) is _MISSING),
        delay=_delay(check, due),
        withdrawn=_withdrawn(check),
        amendments=_amendments(check),
        replaces=_replaces(check, target_id or stem),
        source_path=doc.path,
    )
    if reporting_quarter is not None:
        _check_not_after(check, target.progress, reporting_quarter)
    return target, check.problems


def _start(check: Checker, policy_address: int | None) -> Quarter | None:
    """The start quarter; when not given, Q4 of the policy-address year."""
    start = check.quarter(("start",), False)
    if (
        start is None
        and policy_address is not None
        and check.present(("start",), False) is _MISSING
    ):
        return Quarter(policy_address, 4)
    return start


def _check_id(check: Checker, stem: str) -> str | None:
    target_id = check.text(("id",), True)
    if target_id is None:
        return None
    if target_id.lower() in RESERVED_IDS:
        check.fail(("id",), f"{target_id!r} is reserved for a list page: choose another id")
    elif not ID_RE.fullmatch(target_id):
        check.fail(
            ("id",),
            f"{target_id!r} must be letters, digits and '-' only (at most 64): use an id such as "
            "PA2023-017, and the same file name",
        )
    elif target_id != stem:
        check.fail(
            ("id",),
            f"{target_id!r} must equal the file name ({stem}.yaml): rename the file or fix the id",
        )
    return target_id


def _indicator(check: Checker) -> Indicator | None:
    path = ("indicator",)
    if check.mapping(path, INDICATOR_FIELDS, False) is None:
        return None
    unit = check.text((*path, "unit"), True)
    baseline = check.number((*path, "baseline"))
    target = check.number((*path, "target"))
    direction = check.text((*path, "direction")) or INCREASE
    if direction not in (INCREASE, DECREASE):
        check.fail((*path, "direction"), f"{direction!r} must be 'increase' or 'decrease'")
        return None
    if None in (unit, baseline, target):
        return None
    if baseline == target:
        check.fail(
            (*path, "target"),
            f"must differ from the baseline ({baseline}): a target equal to its baseline "
            "measures nothing",
        )
    elif (target > baseline) != (direction == INCREASE):
        way = "above" if direction == INCREASE else "below"
        other = DECREASE if direction == INCREASE else INCREASE
        check.fail(
            (*path, "direction"),
            f"'{direction}' needs a target {way} the baseline ({baseline} -> {target}): "
            f"check the two numbers, or set direction: {other}",
        )
    return Indicator(unit, baseline, target, direction)


def _progress(check: Checker, milestone: bool) -> tuple[ProgressEntry, ...]:
    entries: list[ProgressEntry] = []
    for i in range(len(check.items(("progress",)))):
        entry = _entry(check, ("progress", i), milestone)
        if entry is None:
            continue
        if entries and entry.quarter <= entries[-1].quarter:
            check.fail(
                ("progress", i, "quarter"),
                f"{entry.quarter} must come after {entries[-1].quarter}: "
                "entries go oldest first, one per quarter",
            )
        entries.append(entry)
    return tuple(entries)


def _entry(check: Checker, path: Path, milestone: bool) -> ProgressEntry | None:
    if check.mapping(path, ENTRY_FIELDS, True) is None:
        return None
    quarter = check.quarter((*path, "quarter"), True)
    measure, wrong = ("percent_complete", "value") if milestone else ("value", "percent_complete")
    if check.get((*path, wrong)) is not _MISSING:
        kind = "milestone target (no indicator)" if milestone else "numeric target"
        check.fail((*path, wrong), f"a {kind} reports '{measure}', not '{wrong}': rename the field")
    number = check.number((*path, measure))
    if milestone and number is not None and not 0 <= number <= 100:
        check.fail(
            (*path, measure),
            f"{number} must be between 0 and 100: give the per cent complete, e.g. 60",
        )
    entry = ProgressEntry(
        quarter=quarter,
        note=check.text((*path, "note"), one_line=False),
        sources=check.url_list((*path, "sources")),
        verified_by=check.text((*path, "verified_by")),
        **{measure: number},
    )
    return entry if quarter is not None and number is not None else None


def _delay(check: Checker, due: Quarter | None) -> Delay | None:
    path = ("delay",)
    if check.mapping(path, DELAY_FIELDS, False) is None:
        return None
    reason = check.text((*path, "reason"), True, one_line=False)
    revised = check.quarter((*path, "revised_due"), True)
    measures = check.text((*path, "measures"), True, one_line=False)
    if revised and due and revised <= due:
        check.fail(
            (*path, "revised_due"),
            f"{revised} must be after the due quarter {due}: it is the new quarter promised",
        )
    submitted = check.date((*path, "submitted"))
    responsible = check.text((*path, "responsible"))
    if None in (reason, revised, measures):
        return None
    return Delay(reason, revised, measures, submitted, responsible)


def _withdrawn(check: Checker) -> Withdrawal | None:
    path = ("withdrawn",)
    if check.mapping(path, WITHDRAWN_FIELDS, False) is None:
        return None
    quarter = check.quarter((*path, "quarter"), True)
    reason = check.text((*path, "reason"), True, one_line=False)
    return Withdrawal(quarter, reason) if quarter and reason else None


def _amendments(check: Checker) -> tuple[Amendment, ...]:
    """The ``amendments`` list: why each change to the published promise was made."""
    found = []
    for i in range(len(check.items(("amendments",)))):
        path = ("amendments", i)
        if check.mapping(path, AMENDMENT_FIELDS, True) is None:
            continue
        date = check.date((*path, "date"), required=True)
        fields = _promise_fields(check, (*path, "fields"))
        reason = check.text((*path, "reason"), True, one_line=False)
        approved_by = check.text((*path, "approved_by"))
        correction = check.boolean((*path, "correction"))
        if date is not None and fields and reason is not None:
            found.append(Amendment(date, fields, reason, approved_by, bool(correction)))
    return tuple(found)


def _promise_fields(check: Checker, path: Path) -> tuple[str, ...]:
    """The promise fields an amendment names: a non-empty list of PROMISE_FIELDS."""
    if check.present(path, True) is _MISSING:
        return ()
    names = check.items(path)
    if not names and isinstance(check.get(path), list):
        check.fail(path, f"name at least one changed field: one of {', '.join(PROMISE_FIELDS)}")
    found = []
    for i, name in enumerate(names):
        if name not in PROMISE_FIELDS:
            guess = difflib.get_close_matches(str(name), PROMISE_FIELDS, n=1)
            hint = f"did you mean '{guess[0]}'?" if guess else f"use {', '.join(PROMISE_FIELDS)}"
            check.fail((*path, i), f"{name!r} is not a promise field: {hint}")
        elif name not in found:
            found.append(name)
    return tuple(found) if len(found) == len(names) else ()


def _replaces(check: Checker, own_id: str) -> str | None:
    """The id of the published target this one replaces; never its own id."""
    value = check.text(("replaces",))
    if value is None:
        return None
    if not ID_RE.fullmatch(value):
        check.fail(("replaces",), f"{value!r} is not a target id: give the id of the target "
                   "this one replaces, such as PA2023-017")  # fmt: skip
        return None
    if value == own_id:
        check.fail(("replaces",), f"a target cannot replace itself ({value}): give the id of "
                   "the earlier target, or remove the line")  # fmt: skip
        return None
    return value


def _check_not_after(check: Checker, entries: tuple[ProgressEntry, ...], last: Quarter) -> None:
    for i, entry in enumerate(check.items(("progress",))):
        quarter = entry.get("quarter") if isinstance(entry, dict) else None
        if any(e.quarter > last and str(e.quarter) == quarter for e in entries):
            check.fail(
                ("progress", i, "quarter"),
                f"{quarter} is after the reporting quarter {last} (REPORTING_QUARTER): "
                "check the quarter; a later quarter is reported once it is published",
            )
