"""Typed values read out of a parsed register file, with a problem for each bad one.

``Checker`` knows the register's rules for a single value (text, a language map, a
figure typed as a plain decimal within the limits below, a year, a quarter, a date, a
web address); ``validation`` applies them field by field to a whole target.
"""

from __future__ import annotations

import datetime
import decimal
import difflib
import re
from typing import Any

from . import textsafety
from .errors import Problem
from .figures import DECIMAL
from .quarters import QUARTER_RE, Quarter
from .yamldoc import Document, Path

DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# 4,950 and 1,250,000.5: a figure with thousands separators, as spreadsheets show them.
_THOUSANDS = re.compile(r"-?[1-9][0-9]{0,2}(,[0-9]{3})+(\.[0-9]+)?")
LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")

_MISSING = object()
# Figures as a KPI needs them, and as a float holds them exactly: at most 10^15, 6 digits
# after the point, 15 significant digits. So every typed figure is shown as typed, and a
# target differs from its baseline by at least 0.000001: progress fractions stay finite
# (5e-324 as a target gave "Infinity" in targets.json and "inf%" on pages).
MAX_NUMBER = 10**15
MAX_DECIMALS = 6
MAX_DIGITS = 15
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
        # The default language first, whatever the file's order: model.default_text and
        # the fallback of model.in_language rely on it.
        first = {default_lang: result[default_lang]} if default_lang in result else {}
        return first | result

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
                _not_a_number(
                    value, "a number", "write digits only, without units or thousands separators"
                ),
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

    def year(self, path: Path, bounds: tuple[int, int]) -> int | None:
        """A year in four digits, from ``bounds[0]`` to ``bounds[1]``."""
        value = self.present(path, True)
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1000 <= value <= 9999:
            self.fail(path, _not_a_number(value, "a year such as 2023", "write it in four digits"))
            return None
        first, last = bounds
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


def without_separators(text: str) -> str | None:
    """The plain figure of ``text`` written with thousands separators (4,950 → 4950)."""
    return text.strip().replace(",", "") if _THOUSANDS.fullmatch(text.strip()) else None


def _not_a_number(value: Any, wanted: str, advice: str) -> str:
    """Why ``value`` is not ``wanted`` (a number, a year), saying what is really wrong."""
    if isinstance(value, bool):  # true/false: yes, no, on, off are refused by yamldoc
        return (
            f"must be {wanted}, but YAML reads the bare word {str(value).lower()} as a yes/no "
            "(true or false), not a number: write a number"
        )
    if isinstance(value, str) and DECIMAL.fullmatch(value.strip()):
        # "2024" in quotes: the digits are right, the quotes make it text.
        return (
            f"must be {wanted}, but {value!r} is in quotes, which makes it text, not a "
            f"number: remove the quotes ({value.strip()})"
        )
    if isinstance(value, str) and (plain := without_separators(value)):
        return f"must be {wanted}, not the text {value!r}: write {plain} (no thousands separators)"
    return f"must be {wanted}, not {_describe(value)}: {advice}"


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
