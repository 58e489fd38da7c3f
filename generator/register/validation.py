"""Field-by-field validation of one target file, as REGISTER.md defines it.

Every field is read by the rule of its kind, as the model declares it (``fields``); what
is left here is each field's own rule and the rules between fields (a due quarter after the
start, a revised due after the due, progress oldest first...).
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from babel.numbers import list_currencies

from . import fields as kinds
from .checker import _MISSING, Checker
from .errors import LateEntry, Problem
from .fields import Spec, names, spec, specs
from .model import (
    DECREASE,
    INCREASE,
    PROMISE_FIELDS,
    Amendment,
    Budget,
    Delay,
    Indicator,
    ProgressEntry,
    Target,
    Withdrawal,
)
from .quarters import QUARTER_RE, Quarter
from .yamldoc import Document, Path

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")

TARGET_FIELDS = names(Target)
INDICATOR_FIELDS = names(Indicator)
ENTRY_FIELDS = names(ProgressEntry)
DELAY_FIELDS = names(Delay)
WITHDRAWN_FIELDS = names(Withdrawal)
AMENDMENT_FIELDS = names(Amendment)

# ISO 4217 codes, those in use and those withdrawn, as Babel's CLDR data lists them.
# Not XXX ("no currency") nor XTS (reserved for testing): neither can be allocated.
CURRENCIES = frozenset(list_currencies()) - {"XXX", "XTS"}
RESERVED_IDS = {"index"}  # list pages live at targets/index.html

Values = dict[str, Any]


@dataclass(frozen=True)
class _Context:
    """What reading a field may depend on: the default language and the fields of its
    parent read so far (a delay's revised due is compared with the target's due)."""

    lang: str
    parent: Values


def build_target(
    doc: Document, stem: str, default_lang: str, reporting_quarter: Quarter | None
) -> tuple[Target | None, list[Problem]]:
    """Validate one parsed target file named ``stem``; return the target and its problems."""
    check = Checker(doc)
    if check.mapping((), TARGET_FIELDS, True) is None:
        return None, check.problems
    values = read_fields(check, (), Target, default_lang)
    target_id = _check_id(check, values["id"], stem)
    start = values["start"] or _default_start(check, values["policy_address"])
    due = values["due"]
    if start and due and due < start:
        check.fail(("due",), f"{due} is before the start quarter {start}: check both quarters")
    target = Target(
        **values
        | {
            "id": target_id or stem,
            "policy_address": values["policy_address"] or 0,
            "bureau": values["bureau"] or "",
            "start": start or Quarter(1, 1),
            "due": due or Quarter(1, 1),
            "replaces": _replaces(check, values["replaces"], target_id or stem),
        },
        source_path=doc.path,
    )
    if reporting_quarter is not None:
        _check_not_after(check, target.progress, reporting_quarter)
    return target, check.problems


def read_fields(check: Checker, path: Path, cls: type, lang: str) -> Values:
    """Every declared field of ``cls`` under ``path``, read by the rule of its kind: its
    typed value, or the model's empty value where it is missing or wrong."""
    values: Values = {}
    for field in specs(cls):
        value = READERS[field.kind](check, (*path, field.name), field, _Context(lang, values))
        values[field.name] = _empty(cls, field) if value is None else value
    return values


def _empty(cls: type, field: Spec) -> Any:
    """The model's value for a field the file leaves out (None for a required one)."""
    declared = cls.__dataclass_fields__[field.name]
    if declared.default_factory is not dataclasses.MISSING:
        return declared.default_factory()
    return None if declared.default is dataclasses.MISSING else declared.default


def _default_start(check: Checker, policy_address: int | None) -> Quarter | None:
    """Q4 of the policy-address year, for a file that leaves ``start`` out."""
    if policy_address is not None and check.present(("start",), False) is _MISSING:
        return Quarter(policy_address, 4)
    return None


def _check_id(check: Checker, target_id: str | None, stem: str) -> str | None:
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


def _group(check: Checker, path: Path, field: Spec, context: _Context) -> Any:
    """A mapping of the fields of ``field.group``, built by that class's rule."""
    if check.mapping(path, names(field.group), field.required) is None:
        return None
    before = len(check.problems)
    values = read_fields(check, path, field.group, context.lang)
    # A value the YAML reader refused is reported by it, not here: count it as a problem.
    required = (spec.name for spec in specs(field.group) if spec.required)
    read_cleanly = len(check.problems) == before and None not in map(values.get, required)
    return BUILDERS[field.group](check, path, values, context.parent, read_cleanly)


def _entries(check: Checker, path: Path, field: Spec, context: _Context) -> tuple:
    """A list of mappings of ``field.group``'s fields, each built by that class's rule."""
    found = []
    for i in range(len(check.items(path))):
        item = _group(check, (*path, i), _item_of(field), context)
        if item is not None:
            found.append((i, item))
    LIST_RULES.get(field.group, lambda *_: None)(check, path, found)
    return tuple(item for _, item in found)


def _item_of(field: Spec) -> Spec:
    return Spec(field.name, kinds.GROUP, field.help, required=True, group=field.group)


def _indicator(
    check: Checker, path: Path, values: Values, parent: Values, read_cleanly: bool
) -> Indicator | None:
    if not read_cleanly:
        return None
    baseline, target, direction = values["baseline"], values["target"], values["direction"]
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
    return Indicator(**values)


def _entry(
    check: Checker, path: Path, values: Values, parent: Values, read_cleanly: bool
) -> ProgressEntry | None:
    milestone = check.present(("indicator",), False) is _MISSING
    measure, wrong = ("percent_complete", "value") if milestone else ("value", "percent_complete")
    if check.get((*path, wrong)) is not _MISSING:
        kind = "milestone target (no indicator)" if milestone else "numeric target"
        check.fail((*path, wrong), f"a {kind} reports '{measure}', not '{wrong}': rename the field")
    check.present((*path, measure), True)  # required here: which one, the target says
    _spent(check, path, values)
    number = values[measure]
    low, high = spec(ProgressEntry, "percent_complete").bounds
    if milestone and number is not None and not low <= number <= high:
        check.fail(
            (*path, measure),
            f"{number} must be between {low} and {high}: give the per cent complete, e.g. 60",
        )
    if values["quarter"] is None or number is None:
        return None
    return ProgressEntry(**values | {wrong: None})


def _in_order(check: Checker, path: Path, entries: list[tuple[int, ProgressEntry]]) -> None:
    """Progress entries oldest first, one per quarter; spending cumulative, so never less
    than in an earlier entry."""
    for (_, before), (i, entry) in zip(entries, entries[1:], strict=False):
        if entry.quarter <= before.quarter:
            check.fail(
                (*path, i, "quarter"),
                f"{entry.quarter} must come after {before.quarter}: "
                "entries go oldest first, one per quarter",
            )
    # From the file's own items, not the entries built: an entry refused for another
    # reason (a quarter 2025-Q5) still holds a running total the next one must not undercut,
    # and all of a file's problems are told at once.
    items = check.get(path)  # not check.items: a list that is not one was told already
    items = items if isinstance(items, list) else []
    spent = [(i, item["spent"], item.get("quarter")) for i, item in enumerate(items)
             if isinstance(item, dict) and _is_figure(item.get("spent"))]  # fmt: skip
    for (j, was, when), (i, now, _) in zip(spent, spent[1:], strict=False):
        if now < was:
            # The entry's own quarter, unless it is no quarter (told apart): then its place.
            valid = isinstance(when, str) and QUARTER_RE.fullmatch(when)
            by = f"by {when}" if valid else f"in progress[{j}]"
            check.fail(
                (*path, i, "spent"),
                f"{now} is less than the {was} spent {by}: "
                "spent is the total up to the end of the quarter, so it never goes down; "
                "give the running total",
            )


def _is_figure(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _spent(check: Checker, path: Path, values: Values) -> None:
    """Spending is a running total of a budget: never negative, only with a budget."""
    spent = values["spent"]
    if spent is None:
        return
    if spent < 0:
        check.fail(
            (*path, "spent"), f"{spent} is negative: give the amount spent so far, 0 or more"
        )
    elif check.present(("budget",), False) is _MISSING:
        check.fail(
            (*path, "spent"),
            "the target has no budget: add 'budget:' with its currency and allocated amount, "
            "or remove 'spent'",
        )


def _budget(
    check: Checker, path: Path, values: Values, parent: Values, read_cleanly: bool
) -> Budget | None:
    currency, allocated = values["currency"], values["allocated"]
    if currency is not None and currency not in CURRENCIES:
        upper = currency.strip().upper()
        hint = f"write {upper}" if upper in CURRENCIES else "use its ISO 4217 code, such as HKD"
        check.fail((*path, "currency"), f"{currency!r} is not an ISO 4217 currency code: {hint}")
        return None
    if allocated is not None and allocated <= 0:
        check.fail(
            (*path, "allocated"),
            f"{allocated} must be more than 0: give the total allocated, or remove 'budget'",
        )
        return None
    return Budget(**values) if read_cleanly else None


def _delay(
    check: Checker, path: Path, values: Values, parent: Values, read_cleanly: bool
) -> Delay | None:
    revised, due = values["revised_due"], parent.get("due")
    if revised and due and revised <= due:
        check.fail(
            (*path, "revised_due"),
            f"{revised} must be after the due quarter {due}: it is the new quarter promised",
        )
    if None in (values["reason"], revised, values["measures"]):
        return None
    return Delay(**values)


def _withdrawn(
    check: Checker, path: Path, values: Values, parent: Values, read_cleanly: bool
) -> Withdrawal | None:
    return Withdrawal(**values) if values["quarter"] and values["reason"] else None


def _amendment(
    check: Checker, path: Path, values: Values, parent: Values, read_cleanly: bool
) -> Amendment | None:
    if values["date"] is None or not values["fields"] or values["reason"] is None:
        return None
    return Amendment(**values)


def _promise_fields(check: Checker, path: Path, *_: Any) -> tuple[str, ...]:
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


def _replaces(check: Checker, value: str | None, own_id: str) -> str | None:
    """The id of the published target this one replaces; never its own id."""
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
    # One problem a file, at its first later entry: a REPORTING_QUARTER set too early makes
    # every later entry of the register wrong at once, and 48 lines would bury the cause.
    later_entries = [e.quarter for e in entries if e.quarter > last]
    later = {str(q) for q in later_entries}
    found = [
        (i, entry["quarter"])
        for i, entry in enumerate(check.items(("progress",)))
        if isinstance(entry, dict) and entry.get("quarter") in later
    ]
    if not found:
        return
    (first, quarter), latest = found[0], max(later_entries)
    more = len(found) - 1
    others = (
        f", and so {'is' if more == 1 else 'are'} {more} later entr{'y' if more == 1 else 'ies'}"
    )
    others = f"{others} up to {latest}" if more else ""
    problem = check.doc.problem(
        ("progress", first, "quarter"),
        f"{quarter} is after the reporting quarter {last} (REPORTING_QUARTER){others}: "
        "no entry may report a quarter after it; set REPORTING_QUARTER in the settings to "
        f"the latest quarter reported (at least {latest}), or to None (the latest quarter "
        "of any entry), or correct the quarter",
    )
    check.problems.append(LateEntry(**vars(problem), latest=str(latest)))


def _text(one_line: bool) -> Callable:
    return lambda check, path, field, _: check.text(path, field.required, one_line=one_line)


def _texts(one_line: bool) -> Callable:
    return lambda check, path, field, context: check.texts(
        path, context.lang, field.required, one_line=one_line
    )


def _year(check: Checker, path: Path, field: Spec, _: _Context) -> int | None:
    # Quarters are checked against the policy-address year, read before them.
    check.policy_address = check.year(path, field.bounds)
    return check.policy_address


def _choice(check: Checker, path: Path, field: Spec, _: _Context) -> str | None:
    value = check.text(path, field.required)
    if value is not None and value not in field.choices:
        check.fail(path, f"{value!r} must be {' or '.join(repr(c) for c in field.choices)}")
        return None
    return value


# How each kind of field is read: (checker, path, declaration, context) -> value or None.
READERS: dict[str, Callable[[Checker, Path, Spec, _Context], Any]] = {
    kinds.LINE: _text(one_line=True),
    kinds.ID: _text(one_line=True),
    kinds.MARKDOWN: _text(one_line=False),
    kinds.TEXTS: _texts(one_line=True),
    kinds.MARKDOWN_TEXTS: _texts(one_line=False),
    kinds.YEAR: _year,
    kinds.QUARTER: lambda check, path, field, _: check.quarter(path, field.required),
    kinds.NUMBER: lambda check, path, field, _: check.number(path, field.required),
    kinds.DATE: lambda check, path, field, _: check.date(path, field.required),
    kinds.BOOLEAN: lambda check, path, field, _: check.boolean(path),
    kinds.CHOICE: _choice,
    kinds.LINES: lambda check, path, field, _: check.text_list(path),
    kinds.URLS: lambda check, path, field, _: check.url_list(path),
    kinds.NAMES: _promise_fields,
    kinds.GROUP: _group,
    kinds.ENTRIES: _entries,
}
# Each group's rule: (checker, path, its values, the parent's values, read cleanly) -> value.
BUILDERS: dict[type, Callable] = {
    Indicator: _indicator,
    Budget: _budget,
    ProgressEntry: _entry,
    Delay: _delay,
    Withdrawal: _withdrawn,
    Amendment: _amendment,
}
LIST_RULES: dict[type, Callable] = {ProgressEntry: _in_order}
