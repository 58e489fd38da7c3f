"""The "Money and results" page's figures: per bureau, what was allocated and spent beside
what was delivered; the targets whose funds are idle or whose spending runs ahead of their
results; and the share of each bureau's allocated funds spent, quarter by quarter.

Pure: assessments and status histories in, figures out (the words are ``moneywords``').
Which targets count: those with a budget that are still in the register. A withdrawn
target counts (its money was allocated and may have been spent: withdrawing it does not
give the money back); a removed one does not (its spending is no longer reported).

Amounts are added only within one currency and unit (REGISTER.md, "Funds": the unit is
shown with every amount): "HKD million" and "USD million", or "HKD million" and "HKD",
are never summed. Sums are exact decimal sums of the figures as typed, so that 0.1 + 0.2
is published as 0.3.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from ..assess.funds import (
    FUNDS_FLAGS,
    FUNDS_IDLE,
    OVERSPENT,
    SPENDING_AHEAD_OF_RESULTS,
    spent_until,
)
from ..assess.moneywords import currency_word, fmt_share, unit_word
from ..assess.status import Assessment
from ..assess.wording import fmt_number
from ..register.i18n import gettext as _
from ..register.model import Budget, default_text

MONEY_URL = "money.html"
HEATMAP_CHART = "overview/heatmap-money"
HEAT_COLUMNS = ["group", "quarter", "allocated", "spent", "share", "label"]
NO_DATA = "—"

MoneyKey = tuple[str, str]
"""(currency, unit in the register's default language): the amounts that may be added."""


def money_key(budget: Budget) -> MoneyKey:
    """What a budget's amounts may be added to: those of the same currency and unit."""
    return budget.currency, default_text(budget.unit) if budget.unit else ""


def funded(assessments: Iterable[Assessment]) -> list[Assessment]:
    """The assessments that count here: a budget, and still in the register."""
    return [a for a in assessments if a.target.budget is not None and not a.removed]


def mixed(assessments: Iterable[Assessment]) -> bool:
    """True when the budgets are in more than one currency or unit."""
    return len({money_key(a.target.budget) for a in funded(assessments)}) > 1


@dataclass(frozen=True)
class MoneyRow:
    """One bureau's (or every bureau's) targets with a budget in one currency and unit."""

    bureau: str | None
    """The bureau's published name; None for the total of every bureau."""
    budget: Budget
    """One of the row's budgets: its currency and unit are the row's, for the words."""
    targets: int
    allocated: int | float
    spent: int | float
    share_spent: float
    """Sum of spent divided by sum of allocated."""
    share_delivered: float
    """The mean of the targets' progress fractions (each clamped to 0..1), each weighted
    by its allocation: the share of the money's intended result that was delivered, set
    against the share of the money spent on the same weights."""
    flags: dict[str, int]
    """The number of the row's targets with each funds flag, in FUNDS_FLAGS order."""


def money_row(bureau: str | None, assessments: Sequence[Assessment]) -> MoneyRow:
    """The row of ``assessments``, which all have a budget in one currency and unit."""
    quarter = assessments[0].quarter
    allocated = _exact([a.target.budget.allocated for a in assessments])
    spent = _exact([spent_until(a.target, quarter) for a in assessments])
    weighted = sum(
        _decimal(a.target.budget.allocated) * _decimal(min(1.0, max(0.0, a.fraction)))
        for a in assessments
    )
    return MoneyRow(
        bureau=bureau,
        budget=assessments[0].target.budget,
        targets=len(assessments),
        allocated=_number(allocated),
        spent=_number(spent),
        share_spent=float(spent / allocated),
        share_delivered=float(weighted / allocated),
        flags={flag: sum(1 for a in assessments if flag in a.flags) for flag in FUNDS_FLAGS},
    )


def bureau_rows(assessments: Iterable[Assessment], bureaus: Sequence[str]) -> list[MoneyRow]:
    """A row per bureau of ``bureaus`` (in that order) with a budget, and per currency and
    unit within it, sorted by currency and unit."""
    counted = funded(assessments)
    rows = []
    for bureau in bureaus:
        own = [a for a in counted if a.target.bureau == bureau]
        rows += [money_row(bureau, group) for group in _by_key(own)]
    return rows


def total_rows(assessments: Iterable[Assessment]) -> list[MoneyRow]:
    """Every bureau together: a row per currency and unit."""
    return [money_row(None, group) for group in _by_key(funded(assessments))]


def _by_key(assessments: list[Assessment]) -> list[list[Assessment]]:
    keys = sorted({money_key(a.target.budget) for a in assessments})
    return [[a for a in assessments if money_key(a.target.budget) == k] for k in keys]


def idle_funds(assessments: Iterable[Assessment]) -> list[Assessment]:
    """The targets flagged ``funds_idle``, oldest allocation first.

    The register records no allocation date. The nearest reading of "oldest allocation"
    is the start quarter the status is judged on (the quarter the money's schedule, E,
    runs from), then the policy address that announced the target, then the id.
    """
    idle = [a for a in funded(assessments) if FUNDS_IDLE in a.flags]
    return sorted(idle, key=lambda a: (a.basis.start, a.target.policy_address, a.target.id))


def spending_ahead(assessments: Iterable[Assessment]) -> list[Assessment]:
    """The targets flagged ``spending_ahead_of_results``, the widest gap between money spent
    and result delivered (S - F) first, then by id."""
    ahead = [a for a in funded(assessments) if SPENDING_AHEAD_OF_RESULTS in a.flags]
    return sorted(ahead, key=lambda a: (-(a.spend_fraction - a.fraction), a.target.id))


def overspent(assessments: Iterable[Assessment]) -> list[Assessment]:
    """The targets flagged ``overspent``, the largest share spent first, then by id."""
    over = [a for a in funded(assessments) if OVERSPENT in a.flags]
    return sorted(over, key=lambda a: (-a.spend_fraction, a.target.id))


def flag_counts(assessments: Iterable[Assessment]) -> dict[str, int]:
    """The number of targets with each funds flag, in FUNDS_FLAGS order."""
    counted = funded(assessments)
    return {flag: sum(1 for a in counted if flag in a.flags) for flag in FUNDS_FLAGS}


def heat_group(bureau: str, budget: Budget, several: bool) -> str:
    """A heat map row's key: the bureau's name, with the currency and unit where the
    budgets are in several (``heat_members`` gives what each key stands for)."""
    return "\x1f".join((bureau, *money_key(budget))) if several else bureau


def heat_members(assessments: Iterable[Assessment]) -> dict[str, tuple[str, Budget | None]]:
    """Each heat map row's key: its bureau and, where the budgets are in several currencies
    or units, one of its budgets (for the words of its currency and unit); else None."""
    counted = funded(assessments)
    several = mixed(counted)
    return {
        heat_group(a.target.bureau, a.target.budget, several): (
            a.target.bureau,
            a.target.budget if several else None,
        )
        for a in counted
    }


def heat_names(assessments: Iterable[Assessment], names: dict[str, str]) -> dict[str, str]:
    """Each heat map row's name as shown in the language in force: the bureau's, from
    ``names`` (bureau names in that language), with its currency and unit where the
    budgets are in several (``Transport Bureau (USD million)``)."""
    shown = {}
    for group, (bureau, budget) in heat_members(assessments).items():
        name = names.get(bureau, bureau)
        shown[group] = (
            name
            if budget is None
            else _("%(bureau)s (%(money)s)")
            % {
                "bureau": name,
                "money": money_words(budget),
            }
        )
    return shown


def money_words(budget: Budget) -> str:
    """The currency and unit of a budget's amounts, without an amount: ``HKD million``."""
    unit = unit_word(budget)
    currency = currency_word(budget.currency)
    return _("%(currency)s %(unit)s") % {"currency": currency, "unit": unit} if unit else currency


def spent_shares(assessments: Iterable[Assessment], histories: dict[str, tuple]) -> pd.DataFrame:
    """One row per (bureau, quarter): the allocations of the bureau's targets with a budget
    whose history reaches that quarter, what they had spent by its end, the share and its
    label. ``histories`` are the status histories (``history.register_history``): a
    target counts from the first quarter of its history, as on the delivery heat map."""
    counted = funded(assessments)
    several = mixed(counted)
    cells: dict[tuple[str, str], list] = {}
    for a in counted:
        group = heat_group(a.target.bureau, a.target.budget, several)
        for point in histories.get(a.target.id, ()):
            sums = cells.setdefault((group, str(point.quarter)), [[], []])
            sums[0].append(a.target.budget.allocated)
            sums[1].append(spent_until(a.target, point.quarter))
    rows = []
    for (group, quarter), (allocated, spent) in sorted(cells.items()):
        total, used = _exact(allocated), _exact(spent)
        share = float(used / total)
        rows.append([group, quarter, _number(total), _number(used), share, fmt_share(share)])
    return pd.DataFrame(rows, columns=HEAT_COLUMNS)


def spent_table(shares: pd.DataFrame) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """The heat map's figures as a table: quarters newest first, as in the chart, and per
    group '38% (45/120)' cells (spent / allocated)."""
    quarters = sorted(shares["quarter"].unique(), reverse=True)
    figures = {
        (
            row.group,
            row.quarter,
        ): f"{row.label} ({fmt_number(row.spent)}/{fmt_number(row.allocated)})"
        for row in shares.itertuples(index=False)
    }
    rows = [
        (group, [figures.get((group, q), NO_DATA) for q in quarters])
        for group in sorted(shares["group"].unique())
    ]
    return quarters, rows


def _decimal(number: float) -> decimal.Decimal:
    # From the shortest repr: the figure as typed, not the float's binary expansion.
    return decimal.Decimal(repr(number))


def _exact(numbers: list) -> decimal.Decimal:
    return sum((_decimal(n) for n in numbers), decimal.Decimal(0))


def _number(total: decimal.Decimal) -> int | float:
    """A sum as the register's figures are: an int when whole, else a float."""
    return int(total) if total == total.to_integral_value() else float(total)
