"""Field-by-field validation of one target file, as REGISTER.md defines it."""

from __future__ import annotations

import datetime
import decimal
import difflib
import re
from typing import Any

from . import textsafety
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
from .quarters import QUARTER_RE, Quarter
from .yamldoc import Document, Path

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")

TARGET_FIELDS = (
    "id", "title", "policy_address", "bureau", "partners", "area", "description",
    "start", "due", "indicator", "progress", "delay", "withdrawn", "amendments", "replaces",
)  # fmt: skip
INDICATOR_FIELDS = ("unit", "baseline", "target", "direction")
ENTRY_FIELDS = ("quarter", "value", "percent_complete", "note", "sources", "verified_by")
DELAY_FIELDS = ("reason", "revised_due", "measures", "submitted", "responsible")
WITHDRAWN_FIELDS = ("quarter", "reason")
AMENDMENT_FIELDS = ("date", "fields", "reason", "approved_by", "correction")

_MISSING = object()
# Figures as a KPI needs them, and as a float holds them exactly: at most 10^15, 6 digits
# after the point, 15 significant digits. So every typed figure is shown as typed, and a
# target differs from its baseline by at least 0.000001: progress fractions stay finite
# (5e-324 as a target gave "Infinity" in targets.json and "inf%" on pages).
MAX_NUMBER = 10**15
MAX_DECIMALS = 6
MAX_DIGITS = 15
# The years of policy addresses (quarters may be 10 years before to 30 after): every
# accepted quarter is inside quarters.FIRST_YEAR..LAST_YEAR, which the site can build.
POLICY_YEARS = (1950, 2100)
RESERVED_IDS = {"index"}  # list pages live at targets/index.html
# Quarters are checked against the policy-address year, so that a typo such as
# 3025-Q4 is caught here rather than drawn as a chart a thousand years wide.
YEARS_BEFORE, YEARS_AFTER = 10, 30


class Checker:
    """Reads typed values out of a document, collecting a problem for each bad one."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.problems: list[Problem] = []
        self.policy_address: int | None = None

    def fail(self, path: Path, message: str) -> None:
        self.problems.append(self.doc.problem(path, message))

    def get(self, path: Path) -> Any:
        value: Any = self.doc.data
        for part in path:
            if isinstance(part, int) or isinstance(value, dict) and part in value:
                value = value[part]
            else:
                return _MISSING
        return value

    def present(self, path: Path, required: bool) -> Any:
        """The value at ``path``, or ``_MISSING`` (a problem when ``required``)."""
        value = self.get(path)
        if value is None:  # a key with nothing after the colon
            value = _MISSING
        # A value the YAML reader refused (a tag, an alias) is reported once, already.
        if value is _MISSING and required and tuple(path) not in self.doc.refused:
            self.fail(path, _missing_message(path))
        return value

    def mapping(self, path: Path, allowed: tuple[str, ...], required: bool) -> dict | None:
        value = self.present(path, required)
        if value is _MISSING:
            return None
        if not isinstance(value, dict):
            self.fail(
                path,
                f"must be a mapping of fields ({', '.join(allowed[:3])}, ...): "
                "write each field on its own line as 'name: value'",
            )
            return None
        for key in value:
            if key not in allowed:
                self.fail((*path, key), _unknown_field(key, allowed))
        return value

    def text(self, path: Path, required: bool = False, one_line: bool = True) -> str | None:
        value = self.present(path, required)
        if value is _MISSING:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(path, f"must be text, not {_describe(value)}: write the text after the colon")
            return None
        # Text of only invisible characters (zero-width spaces, joiners...) shows nothing.
        if textsafety.is_blank(value):
            self.fail(path, "shows nothing: it holds only invisible characters; write the text")
            return None
        if one_line and ("\n" in value.strip() or "\r" in value):
            self.fail(path, "must be a single line of text: join the lines into one")
            return None
        if one_line and "\t" in value.strip():
            self.fail(path, "must be a single line of text: replace the tab with a space")
            return None
        unsafe = None if one_line else textsafety.unsafe_reference(value)  # Markdown only
        if unsafe:
            self.fail(path, unsafe)
            return None
        return value.strip()

    def texts(self, path: Path, default_lang: str, required: bool, one_line: bool) -> dict:
        """Text, or a map of language code to text; returned as a language map."""
        value = self.present(path, required)
        if value is _MISSING:
            return {}
        if not isinstance(value, dict):
            text = self.text(path, required, one_line)
            return {default_lang: text} if text is not None else {}
        result = {}
        for lang in value:
            if not LANG_RE.match(lang):
                self.fail((*path, lang), f"{lang!r} is not a language code (such as en, zh-Hant)")
                continue
            text = self.text((*path, lang), True, one_line)
            if text is not None:
                result[lang] = text
        if default_lang not in value:
            self.fail(
                path,
                f"the default language '{default_lang}' must be given: "
                f"add a line '{default_lang}: ...' with that text",
            )
        return result

    def text_list(self, path: Path) -> tuple[str, ...]:
        items = self.items(path)
        return tuple(t for i in range(len(items)) if (t := self.text((*path, i), True)))

    def items(self, path: Path) -> list:
        value = self.present(path, False)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.fail(
                path,
                f"must be a list, not {_describe(value)}: "
                "put each item on its own line starting with '- '",
            )
            return []
        return value

    def number(self, path: Path, required: bool = True) -> float | None:
        value = self.present(path, required)
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(
                path,
                f"must be a number, not {_describe(value)}: write digits only, "
                "without units or thousands separators",
            )
            return None
        # Larger figures overflow the arithmetic and are always a typo in a register.
        if abs(value) > MAX_NUMBER:
            self.fail(path, f"{value} is too large: check the figure (at most 10^15)")
            return None
        problem = _precision_problem(value)
        if problem:
            self.fail(path, problem)
            return None
        return value

    def integer(self, path: Path) -> int | None:
        value = self.present(path, True)
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1000 <= value <= 9999:
            self.fail(
                path,
                f"must be a year such as 2023, not {_describe(value)}: write it in four digits",
            )
            return None
        first, last = POLICY_YEARS
        if not first <= value <= last:
            self.fail(
                path,
                f"{value} is not a year from {first} to {last}: check the year of the policy "
                "address",
            )
            return None
        return value

    def quarter(self, path: Path, required: bool) -> Quarter | None:
        value = self.present(path, required)
        if value is _MISSING:
            return None
        text = value if isinstance(value, str) else str(value)
        year = self.policy_address
        match = QUARTER_RE.fullmatch(text)
        # Before parsing, which refuses the years no policy address reaches with a vaguer
        # message: "too far from the policy address" says what to compare.
        if (
            match is not None
            and year is not None
            and not year - YEARS_BEFORE <= int(match.group(1)) <= year + YEARS_AFTER
        ):
            self.fail(
                path,
                f"{text} is too far from the policy address ({year}): check the year "
                f"(quarters from {year - YEARS_BEFORE} to {year + YEARS_AFTER} are accepted)",
            )
            return None
        try:
            return Quarter.parse(text)
        except ValueError as exc:
            self.fail(path, str(exc))
            return None

    def boolean(self, path: Path) -> bool | None:
        """A yes/no field: only the words true and false (a quoted "true" is text)."""
        value = self.present(path, False)
        if value is _MISSING:
            return None
        if not isinstance(value, bool):
            self.fail(path, f"must be true or false, not {_describe(value)}: write true or false")
            return None
        return value

    def date(self, path: Path, required: bool = False) -> datetime.date | None:
        value = self.present(path, required)
        if value is _MISSING:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            # fromisoformat alone also takes 20260115 and week dates on newer Pythons.
            if not DATE_RE.fullmatch(str(value)):
                raise ValueError
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            self.fail(path, f"{value!r} is not a date (use YYYY-MM-DD)")
            return None

    def url_list(self, path: Path) -> tuple[str, ...]:
        urls = []
        for i, url in enumerate(self.items(path)):
            if isinstance(url, str) and textsafety.is_web_address(url.strip()):
                urls.append(url.strip())
            else:
                self.fail(
                    (*path, i),
                    f"{url!r} is not a web address: give the full address, starting with https://",
                )
        return tuple(urls)


def _precision_problem(value: int | float) -> str | None:
    """Why ``value`` has more precision than a figure may have, or None."""
    # repr is the shortest text that reads back as the same float: the digits typed.
    digits = decimal.Decimal(repr(value) if isinstance(value, float) else value).normalize()
    exponent = digits.as_tuple().exponent
    if not isinstance(exponent, int):  # "n", "F": yamldoc refuses .nan and .inf first
        return f"{value} is not a finite number: write a number"
    if -exponent > MAX_DECIMALS:
        return (
            f"{value} has more than {MAX_DECIMALS} digits after the decimal point: round it "
            f"(at most {MAX_DECIMALS} decimals)"
        )
    if len(digits.as_tuple().digits) > MAX_DIGITS:
        return (
            f"{value} has more than {MAX_DIGITS} significant digits, more than a figure is "
            "held exactly: round it"
        )
    return None


def _missing_message(path: Path) -> str:
    if not path:
        return (
            "the file has no fields: start from a similar target's file, or run 'invoke new-target'"
        )
    if isinstance(path[-1], int):
        return "this entry is empty: fill it in or delete its '-' line"
    parent = f" under '{path[-2]}:'" if len(path) > 1 and isinstance(path[-2], str) else ""
    return f"required field '{path[-1]}' is missing: add a line '{path[-1]}: ...'{parent}"


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {value!r}"
    return repr(value)


def _unknown_field(key: str, allowed: tuple[str, ...]) -> str:
    guess = difflib.get_close_matches(key, allowed, n=1)
    if guess:
        return f"unknown field; did you mean '{guess[0]}'?"
    return f"unknown field: remove it, or use one of {', '.join(allowed)}"


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
