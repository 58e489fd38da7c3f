"""The words the site uses for statuses, flags, figures and chart captions.

Each is in the language set by ``i18n.use`` (English outside it), so the same functions
serve every language of the site.
"""

from __future__ import annotations

import decimal
import math
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ada_url

from ..register.i18n import N_, current, ngettext
from ..register.i18n import gettext as _
from ..register.model import Indicator, Target, in_language, shown_language
from ..register.quarters import Quarter
from .status import Assessment

if TYPE_CHECKING:
    pass

STATUS_LABELS = {
    "achieved": N_("Achieved"),
    "achieved_late": N_("Achieved late"),
    "on_track": N_("On track"),
    "at_risk": N_("At risk"),
    "missed": N_("Missed"),
    "withdrawn": N_("Withdrawn"),
}
STATUS_MEANINGS = {
    "achieved": N_("The target was met by its due quarter."),
    "achieved_late": N_("The target was met, but only after its due quarter."),
    "missed": N_("The due quarter has passed and the target has not been met."),
    # Plain words: the exact rule (the lag setting) is on the methodology page.
    "at_risk": N_(
        "Not yet due, but progress is well behind where steady progress from the start to "
        "the due date would have it by now."
    ),
    "on_track": N_(
        "Not yet due, and progress is about where steady progress from the start to the due "
        "date would have it by now, or ahead."
    ),
    "withdrawn": N_("The government has dropped this target. It stays on the site for the record."),
}
FLAG_LABELS = {
    "not_reported": N_("No update this quarter"),
    "justification_missing": N_("No justification filed"),
    "revised_due_passed": N_("Revised date also passed"),
    "amended": N_("Amended after publication"),
    "amended_without_reason": N_("Amended without a reason"),
    "removed": N_("Removed from the register"),
    "funds_idle": N_("Funds idle"),
    "spending_ahead_of_results": N_("Spending ahead of results"),
    "overspent": N_("Overspent"),
}
FLAG_MEANINGS = {
    "not_reported": N_("The bureau has not reported progress for the reporting quarter."),
    "justification_missing": N_(
        "The target was missed and no delay justification has been filed with the legislature."
    ),
    "revised_due_passed": N_(
        "A justification was filed, but the revised due quarter it promised has also passed."
    ),
    "amended": N_(
        "The promise was changed after it was published; the status is still judged "
        "against the promise as first published."
    ),
    "amended_without_reason": N_(
        "At least one change to the promise was published without a recorded reason."
    ),
    "removed": N_(
        "The target was taken out of the register without being withdrawn; this page shows "
        "it as last published."
    ),
    # Plain words: the exact rule (the spend lag setting) is on the methodology page.
    "funds_idle": N_(
        "Much less of the money allocated has been spent than the time gone would have it: "
        "the funds are not being used on schedule."
    ),
    "spending_ahead_of_results": N_(
        "A much larger share of the money allocated has been spent than of the result delivered."
    ),
    "overspent": N_("More has been spent than was allocated."),
}


def status_label(status: str) -> str:
    """The status in words: ``Achieved late``."""
    return _(STATUS_LABELS[status]) if status in STATUS_LABELS else status


# Figures are typed with at most 6 decimals (validation), so a figure, or a difference of
# figures, rounded to 6 decimals is the figure as typed, without the float noise of
# 18 - 9.1 = 8.899999999999999. A figure further from its rounding than float noise is
# worked out (the straight-line expectation, 271.42857142857144) and shown to 2 decimals.
TYPED_DECIMALS, WORKED_OUT_DECIMALS = 6, 2


def fmt_number(number: float | None) -> str:
    """A figure as typed, with thousands separators: ``1,250``, ``3.001``; ``—`` for none."""
    if number is None:
        return "—"
    if isinstance(number, int):
        return f"{number:,}"
    rounded = round(float(number), TYPED_DECIMALS)
    if not math.isclose(rounded, number, rel_tol=1e-9, abs_tol=1e-12):
        rounded = round(float(number), WORKED_OUT_DECIMALS)
    # repr is the shortest text that reads back as the float: the digits as typed.
    digits = decimal.Decimal(repr(rounded))
    if not digits.is_finite():
        return str(number)  # never from a valid register: validation keeps figures finite
    if digits == digits.to_integral_value():
        return f"{digits:,.0f}"
    return f"{digits.normalize():,f}"


def fmt_measure(target: Target, number: float | None, fmt=None) -> str:
    """A figure with its unit: ``18 sites``, ``45% complete``; ``fmt`` writes the number
    (``fmt_about`` for a worked-out one: ``about 9,300 tonnes``; default ``fmt_number``)."""
    if number is None:
        return "—"
    shown = (fmt or fmt_number)(number)
    if target.indicator is None:
        return _("%(number)s%% complete") % {"number": shown}
    return "".join(measure_parts(target.indicator, shown))


def measure_parts(indicator: Indicator, shown: str) -> tuple[str, str, str]:
    """A written figure, the space before its unit ("" before %) and the unit, apart: so
    that a page can mark the unit alone with its language."""
    unit = unit_text(indicator)
    return shown, "" if unit == "%" else " ", unit


def unit_text(indicator: Indicator) -> str:
    """The unit in the language in force; where it has none, in the register's default
    language (pages mark that with ``unit_language``)."""
    return in_language(indicator.unit, current() or "")


def unit_language(indicator: Indicator) -> str:
    """The language ``unit_text`` gives the unit in, for the language in force."""
    return shown_language(indicator.unit, current() or "")


def fmt_gap(target: Target, gap: float) -> str:
    """A shortfall with its unit; per cent figures fall short in percentage points."""
    if target.indicator is None or unit_text(target.indicator) == "%":
        words = ngettext("%(num)s percentage point", "%(num)s percentage points", int(gap == 1))
        return words % {"num": fmt_number(gap)}
    return fmt_measure(target, gap)


ABOUT_DIGITS = 2  # significant figures of a worked-out figure, as people write them


def fmt_about(number: float | None) -> str:
    """A worked-out figure (never one as typed) as people write it: 9,333.33 → ``about
    9,300``; ``about`` only when the rounding changed it (2,000 stays ``2,000``)."""
    if number is None:
        return "—"
    exact = decimal.Decimal(repr(float(number)))
    if not exact.is_finite() or exact == 0:
        return fmt_number(number)
    places = ABOUT_DIGITS - 1 - exact.adjusted()
    rounded = exact.quantize(decimal.Decimal(1).scaleb(-places), decimal.ROUND_HALF_EVEN)
    # The rounded digits written out directly: fmt_number would round 0.0000012 to 0.
    shown = f"{rounded.normalize():,f}"  # normalized: 0.5 stays 0.5, never 0.50
    return shown if rounded == exact else _("about %(number)s") % {"number": shown}


def fmt_percent(fraction: float) -> str:
    """A fraction as a whole percentage: ``0.456`` → ``46%``."""
    # From the shortest repr, so a huge share reads 100000000000000000000000%, not the
    # float's 99999999999999991611392%; abs(0) so that a share just below zero is not "-0%".
    whole = decimal.Decimal(repr(fraction * 100)).to_integral_value()
    return f"{abs(whole) if whole == 0 else whole:f}%"


def promise(target: Target) -> str:
    """What was promised, in one phrase: ``30 sites by 2025-Q4`` or ``completion by 2025-Q4``."""
    if target.indicator is None:
        return _("completion by %(due)s") % {"due": target.due}
    goal = fmt_measure(target, target.indicator.target)
    if target.indicator.direction == "decrease":
        return _("down to %(goal)s by %(due)s") % {"goal": goal, "due": target.due}
    return _("%(goal)s by %(due)s") % {"goal": goal, "due": target.due}


def chart_caption(assessment: Assessment) -> str:
    """The chart's result in words, for its caption and its image description."""
    # The promise the status was judged on: the original one where the record is known.
    target, latest = assessment.basis, assessment.latest
    goal = promise(target)
    if latest is None:
        return _("No progress has been reported yet towards %(goal)s.") % {"goal": goal}
    return _(
        "Latest report: %(reported)s in %(quarter)s, %(share)s of the way from the baseline "
        "to the target (%(goal)s); steady progress from the start would have covered "
        "%(expected)s of the way by %(now)s."
    ) % {
        "reported": fmt_measure(target, target.measure(latest)),
        "quarter": latest.quarter,
        "share": fmt_percent(assessment.fraction),
        "goal": goal,
        "expected": fmt_percent(assessment.expected),
        "now": assessment.quarter,
    }


def fell_back(assessment: Assessment) -> bool:
    """True when an achieved target's latest report no longer meets the target."""
    latest = assessment.latest
    achieved = assessment.status in ("achieved", "achieved_late")
    return achieved and latest is not None and not assessment.target.reached(latest)


def overdue_words(quarters: int) -> str:
    """How long past due: ``3 quarters overdue``; never "overdue" in the due quarter itself."""
    # The site never reads the clock, so in the reporting quarter that is the due quarter
    # it cannot know that quarter has ended: not met by then, but not yet overdue.
    if quarters <= 0:
        return _("not yet overdue: not met in its due quarter, which is the reporting quarter")
    return _("%(span)s overdue") % {"span": describe_span(quarters)}


def describe_span(quarters: int) -> str:
    """A number of quarters in words: ``1 quarter``, ``5 quarters (1 year 1 quarter)``."""
    text = ngettext("%(num)s quarter", "%(num)s quarters", quarters) % {"num": quarters}
    years, rest = divmod(quarters, 4)
    if not years:
        return text
    parts = ngettext("%(num)s year", "%(num)s years", years) % {"num": years}
    if rest:
        rest_words = ngettext("%(num)s quarter", "%(num)s quarters", rest) % {"num": rest}
        parts = _("%(years)s %(quarters)s") % {"years": parts, "quarters": rest_words}
    return _("%(span)s (%(parts)s)") % {"span": text, "parts": parts}


def url_host(url: str) -> str:
    """The site a source link opens, for its link text: ``www.example.gov``.

    The host as the browser resolves it (WHATWG URL parsing: percent-encoded and
    ideographic dots decoded, IDNA applied), so a link cannot show one site and open
    another. A label is shown in Unicode only when it is all Chinese characters (the
    site's other script); any other non-ASCII label stays in punycode (``xn--...``),
    since letters of one script can pass for another's.
    """
    try:
        host = ada_url.URL(url).hostname
    except ValueError:  # the validator refuses these; never shown from a valid register
        return url
    return ".".join(_shown_label(label) for label in host.split("."))


def _shown_label(label: str) -> str:
    if not label.startswith("xn--"):
        return label
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        return label
    return decoded if all(_is_han(ch) or ch in "-0123456789" for ch in decoded) else label


def _is_han(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY"))


@dataclass(frozen=True)
class StatusRun:
    """Consecutive quarters with the same status and flags, for a compact timeline."""

    first: Quarter
    last: Quarter
    status: str
    flags: tuple[str, ...]


def status_runs(points) -> list[StatusRun]:
    """Fold a status history (points with quarter, status, flags) into runs, oldest first."""
    runs: list[StatusRun] = []
    for p in points:
        if runs and (runs[-1].status, runs[-1].flags) == (p.status, p.flags):
            runs[-1] = StatusRun(runs[-1].first, p.quarter, p.status, p.flags)
        else:
            runs.append(StatusRun(p.quarter, p.quarter, p.status, p.flags))
    return runs


CORRECTION_FIELDS = {
    "value": N_("Value"),
    "percent_complete": N_("Per cent complete"),
    "note": N_("Note"),
    "spent": N_("Spent to date"),
}


def fmt_value(value) -> str:
    """A corrected figure or note as shown in the corrections log."""
    if value is None:
        return "—"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return fmt_number(value)
    return str(value)
