"""Calendar quarters (``2025-Q3``): parsing, ordering and arithmetic."""

from __future__ import annotations

import re
from dataclasses import dataclass

# fullmatch and [0-9]: "$" would accept a trailing newline and \d any Unicode digit.
QUARTER_RE = re.compile(r"([0-9]{4})-Q([1-4])")
# The years the portal builds. Policy addresses are from 1950 to 2100 and their quarters
# from 10 years before to 30 after (validation), so every accepted quarter is in here;
# a quarter outside (REPORTING_QUARTER 9999-Q4) would make dates the calendar cannot hold
# and histories thousands of quarters long.
FIRST_YEAR, LAST_YEAR = 1940, 2130


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter; ordered, hashable, and subtractable to a count of quarters."""

    year: int
    q: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Return the quarter written ``YYYY-Qn``; raise ``ValueError`` otherwise."""
        match = QUARTER_RE.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise ValueError(f"{text!r} is not a quarter (use YYYY-Qn){_closest(text)}")
        quarter = cls(int(match.group(1)), int(match.group(2)))
        if not FIRST_YEAR <= quarter.year <= LAST_YEAR:
            raise ValueError(
                f"{text} is outside the years {FIRST_YEAR} to {LAST_YEAR} that the portal "
                "handles: check the year"
            )
        return quarter

    @property
    def index(self) -> int:
        """Quarters since year 0, so that differences are plain subtraction."""
        return self.year * 4 + self.q - 1

    @classmethod
    def from_index(cls, index: int) -> Quarter:
        """Return the quarter at ``index`` quarters since year 0."""
        return cls(index // 4, index % 4 + 1)

    def __sub__(self, other: Quarter) -> int:
        return self.index - other.index

    def shift(self, quarters: int) -> Quarter:
        """Return the quarter ``quarters`` later (earlier when negative)."""
        return Quarter.from_index(self.index + quarters)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.q}"


def quarter_range(first: Quarter, last: Quarter) -> list[Quarter]:
    """Return every quarter from ``first`` to ``last``, both included."""
    return [Quarter.from_index(i) for i in range(first.index, last.index + 1)]


def describe_span(quarters: int) -> str:
    """Say a number of quarters in words: ``1 quarter``, ``5 quarters (1 year 1 quarter)``."""
    unit = "quarter" if quarters == 1 else "quarters"
    text = f"{quarters} {unit}"
    years, rest = divmod(quarters, 4)
    if years:
        parts = [f"{years} year" + ("s" if years > 1 else "")]
        if rest:
            parts.append(f"{rest} quarter" + ("s" if rest > 1 else ""))
        text += f" ({' '.join(parts)})"
    return text


def _closest(text: object) -> str:
    """The quarter a near miss stands for, as a hint: ``2027-q4``, ``2027 Q4``, ``2027Q4``
    and `` 2027-Q4`` are ``2027-Q4``; nothing for a text that is no quarter at all."""
    if not isinstance(text, str):
        return ""
    squeezed = re.sub(r"[\s_/.-]+", "", text.upper())
    near = re.fullmatch(r"([0-9]{4})Q([0-9]+)", squeezed)
    if near is None:
        return ""
    if near[2] not in ("1", "2", "3", "4"):  # 2025-Q5, 2025-Q0: a year has four quarters
        return ": a year has quarters Q1 to Q4 only"
    return f": write {near[1]}-Q{near[2]}"
