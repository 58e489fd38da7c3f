"""Publication facts: when the site was published, what its reporting quarter covers, when
the next update is due and which edition it is.

Pure core: everything comes from the settings, the register's git history and the
committed editions, never the clock, so the same commit builds the same pages.

- **Published date**: ``PUBLISHED_DATE`` when set; else the committer date (UTC) of the
  register's newest main-line commit, the last commit that changed the register folder
  (``PublishedHistory.commits[-1]``): a commit of code or settings alone publishes no new
  figures. Unknown (None) outside git, in a shallow clone or with no commit yet, and the
  pages say so rather than guess.
- **Months covered**: quarter ``Y-Qn`` is the n-th quarter of the financial year that
  starts in month ``FINANCIAL_YEAR_START`` of year Y (1, the default: calendar quarters;
  4, Hong Kong's April to March year: 2026-Q3 is October to December 2026, in the
  financial year 2026-27).
- **Next update**: the report of the quarter after the reporting quarter, which can be
  published only once that quarter has ended: due after its last month (2026-Q3 → the
  2026-Q4 report, due after March 2027 with April years).
- **Edition**: the newest committed edition (``editions/<quarter>.json``), if any.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..register.i18n import gettext as _
from ..register.quarters import Quarter
from .gitlog import PublishedHistory
from .recordwords import MONTHS, fmt_date


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month of a year."""

    year: int
    month: int  # 1..12

    def shift(self, months: int) -> Month:
        """The month ``months`` later."""
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class QuarterSpan:
    """The months a quarter label covers under a financial-year convention."""

    quarter: Quarter
    first: Month
    last: Month
    financial_year: str
    """The financial year's label: ``2026-27`` (``2026`` for calendar years)."""


def quarter_span(quarter: Quarter, financial_year_start: int) -> QuarterSpan:
    """The months ``quarter`` covers when the financial year starts in month
    ``financial_year_start`` (1..12) of the quarter's year."""
    if not 1 <= financial_year_start <= 12:
        raise ValueError(f"financial_year_start {financial_year_start!r} is not a month 1..12")
    first = Month(quarter.year, financial_year_start).shift(3 * (quarter.q - 1))
    return QuarterSpan(
        quarter, first, first.shift(2), financial_year_label(quarter.year, financial_year_start)
    )


def financial_year_label(year: int, financial_year_start: int) -> str:
    """``2026-27`` for the year starting in April 2026; ``2026`` for a calendar year."""
    if financial_year_start == 1:
        return str(year)
    return f"{year}-{(year + 1) % 100:02d}"


@dataclass(frozen=True)
class PublicationFacts:
    """What every page and the data say about this publication."""

    published_date: str | None
    """ISO date, or None when it is not known (see the module docstring)."""
    published_from: str
    """Where the date came from: ``setting``, ``commit`` or ``unknown``."""
    reporting: QuarterSpan
    next_report: QuarterSpan
    """The next quarter: its report is due after ``next_report.last``."""
    edition: Quarter | None
    """The newest committed edition's quarter, or None."""
    financial_year_start: int = 1
    """FINANCIAL_YEAR_START, the convention the spans follow."""

    @property
    def next_update_after(self) -> Month:
        """The month after whose end the next quarterly report is due."""
        return self.next_report.last

    # Words for pages, in the language in force (templates call these).

    def published_words(self) -> str | None:
        """``1 December 2026``; None when the date is unknown."""
        return fmt_date(self.published_date) if self.published_date else None

    def reporting_months(self) -> str:
        """``October to December 2026``."""
        return months_text(self.reporting)

    def reporting_year(self) -> str:
        """``financial year 2026-27``."""
        return financial_year_text(self.reporting, self.financial_year_start)

    def next_update_words(self) -> str:
        """``March 2027``: the next report is due after that month."""
        return month_text(self.next_update_after)


def publication_facts(
    quarter: Quarter,
    financial_year_start: int,
    published_date: str | None,
    history: PublishedHistory | None,
    editions: list[Quarter] | tuple[Quarter, ...] = (),
) -> PublicationFacts:
    """The publication facts of a site of reporting quarter ``quarter``: ``published_date``
    is PUBLISHED_DATE (None: the register's newest commit in ``history``), ``editions`` the
    committed editions' quarters."""
    date, source = published_date, "setting"
    if date is None:
        date, source = register_commit_date(history), "commit"
        if date is None:
            source = "unknown"
    return PublicationFacts(
        published_date=date,
        published_from=source,
        reporting=quarter_span(quarter, financial_year_start),
        next_report=quarter_span(quarter.shift(1), financial_year_start),
        edition=max(editions) if editions else None,
        financial_year_start=financial_year_start,
    )


def register_commit_date(history: PublishedHistory | None) -> str | None:
    """The date of the register's newest main-line commit; None when the history is
    unavailable (not git, shallow, unreadable) or has no commit."""
    if history is None or not history.available or not history.commits:
        return None
    return history.commits[-1].date


# --- Words (in the language in force) ---------------------------------------------------------


def month_name(month: int) -> str:
    """The name of a month, 1..12."""
    return _(MONTHS[month - 1])


def months_text(span: QuarterSpan) -> str:
    """``October to December 2026``; ``November 2026 to January 2027`` across a year end."""
    first, last = span.first, span.last
    if first.year == last.year:
        return _("%(first)s to %(last)s %(year)s") % {
            "first": month_name(first.month), "last": month_name(last.month), "year": first.year
        }  # fmt: skip
    return _("%(first)s %(first_year)s to %(last)s %(last_year)s") % {
        "first": month_name(first.month),
        "first_year": first.year,
        "last": month_name(last.month),
        "last_year": last.year,
    }


def month_text(month: Month) -> str:
    """``March 2027``."""
    return _("%(month)s %(year)s") % {"month": month_name(month.month), "year": month.year}


def financial_year_text(span: QuarterSpan, financial_year_start: int) -> str:
    """``financial year 2026-27``, or ``calendar year 2026`` when years start in January."""
    if financial_year_start == 1:
        return _("calendar year %(year)s") % {"year": span.financial_year}
    return _("financial year %(year)s") % {"year": span.financial_year}
