"""The words the site uses for money: amounts with their currency and unit, and the one
sentence that puts a target's spending beside its result and its time (REGISTER.md, "Funds").

Amounts are figures as typed (``wording.fmt_number``); shares are worked out and shown as
whole percentages. In the language set by ``i18n.use``, English outside it.
"""

from __future__ import annotations

import decimal

from babel.numbers import get_currency_name

from ..register.i18n import current
from ..register.i18n import gettext as _
from ..register.model import Budget, Target, in_language
from ..register.quarters import Quarter
from . import funds
from .status import Assessment, expected_fraction, progress_fraction
from .wording import FLAG_LABELS, fmt_number, fmt_percent


def currency_word(code: str) -> str:
    """The currency as a reader of the language in force writes it beside an amount:
    English readers get the ISO code (``HKD``; CLDR's "Hong Kong Dollar 120 million"
    reads badly and "$" is ambiguous), others CLDR's name in their language (``港幣``)."""
    lang = current() or "en"
    if lang.split("-")[0] == "en":
        return code
    try:
        return get_currency_name(code, locale=lang.replace("-", "_"))
    except ValueError:  # a language CLDR does not know: the code is still exact
        return code


def unit_word(budget: Budget) -> str:
    """The budget's unit in the language in force (``million``, ``百萬``); empty if none."""
    return in_language(budget.unit, current() or "") if budget.unit else ""


def fmt_amount(budget: Budget, number: float) -> str:
    """An amount with the budget's currency and unit: ``HKD 45.5 million``."""
    words = {
        "currency": currency_word(budget.currency),
        "amount": fmt_number(number),
        "unit": unit_word(budget),
    }
    if not words["unit"]:
        return _("%(currency)s %(amount)s") % words
    return _("%(currency)s %(amount)s %(unit)s") % words


def fmt_share(fraction: float) -> str:
    """A share of an allocation as a whole percentage, except where rounding would say
    something untrue: 3,790 of 3,800 is ``99.7%``, not ``100%`` (fully spent); 8,600.5 of
    8,600 is ``100.1%`` (overspent); 0.1 of 1,000 is ``0.1%``, not ``0%`` (nothing spent).
    Those are cut to tenths toward the truth; anything closer still shows as that tenth."""
    shown = fmt_percent(fraction)
    at_edge = (shown == "100%" and fraction != 1) or (shown == "0%" and fraction != 0)
    if not at_edge:
        return shown
    per_mille = decimal.Decimal(repr(fraction * 1000))
    toward = decimal.ROUND_FLOOR if shown == "100%" and fraction < 1 else decimal.ROUND_CEILING
    tenths = per_mille.to_integral_value(toward)
    return f"{tenths / 10:f}%"


def money_line(assessment: Assessment) -> str | None:
    """Spending beside results and time, in one sentence; None without a budget.

    ``HKD 45 million of HKD 120 million spent by 2025-Q3 (38%), with 40% of the result
    delivered and 50% of the time to the due quarter gone.``
    """
    target, r = assessment.basis, assessment.quarter
    if target.budget is None:
        return None
    return _spending_sentence(target, r, expected_fraction(target, r))


def funds_warnings(assessment: Assessment) -> list[str]:
    """The names of the target's funds flags, in FUNDS_FLAGS order: what a briefing pack
    puts beside the money line, so that paper carries the warnings too."""
    return [_(FLAG_LABELS[f]) for f in funds.FUNDS_FLAGS if f in assessment.flags]


def spent_by_due_line(target: Target) -> str | None:
    """For a missed target: how much of its money was spent by its due quarter."""
    if target.budget is None:
        return None
    entry = funds.spending_entry(target, target.due)
    words = _amounts(target.budget, entry.spent if entry else 0) | {"due": target.due}
    if entry is None:
        return _("No spending of the %(allocated)s allocated was reported by %(due)s.") % words
    return (
        _(
            "By its due quarter, %(due)s, %(spent)s of the %(allocated)s allocated had been "
            "spent (%(share)s)."
        )
        % words
    )


def _spending_sentence(target: Target, r: Quarter, expected: float) -> str:
    entry = funds.spending_entry(target, r)
    words = _amounts(target.budget, entry.spent if entry else 0) | {
        "quarter": r,
        "delivered": fmt_percent(progress_fraction(target, r)),
        "elapsed": fmt_percent(expected),
    }
    if entry is None:
        text = _(
            "%(allocated)s allocated; no spending reported by %(quarter)s, with %(delivered)s "
            "of the result delivered and %(elapsed)s of the time to the due quarter gone."
        )
    elif entry.quarter < r:
        # Spending is a running total, so the last one reported still holds; but say which
        # quarter it was reported for, never that it was reported for R.
        words["reported"] = entry.quarter
        text = _(
            "%(spent)s of %(allocated)s spent by %(reported)s, the latest spending reported "
            "(%(share)s); by %(quarter)s, %(delivered)s of the result delivered and "
            "%(elapsed)s of the time to the due quarter gone."
        )
    else:
        text = _(
            "%(spent)s of %(allocated)s spent by %(quarter)s (%(share)s), with %(delivered)s "
            "of the result delivered and %(elapsed)s of the time to the due quarter gone."
        )
    return text % words


def _amounts(budget: Budget, spent: float) -> dict[str, str]:
    """The spent and allocated amounts, and the share spent, in words."""
    return {
        "spent": fmt_amount(budget, spent),
        "allocated": fmt_amount(budget, budget.allocated),
        "share": fmt_share(spent / budget.allocated),
    }
