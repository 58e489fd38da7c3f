"""The money in the open data (REGISTER.md, "Funds"): each target's budget, what it has
spent by the reporting quarter and the share of its allocation that is, in targets.json,
each target's own file and targets.csv, and each quarter's ``spent`` in progress.csv.

Amounts are published as typed, as ``value`` is (the number read from the file, which
JSON and CSV write back in the same digits); the spend fraction is worked out, so it is
rounded as ``progress_fraction`` is. A target without a budget has null in every field,
never 0: "no money allocated" is not "nothing spent". Pure core: no Pelican imports.
"""

from __future__ import annotations

from typing import Any

from ..assess import funds
from ..assess.status import Assessment
from ..register.model import in_language

# The columns of targets.csv, after the titles (so a reader by position keeps the columns it
# had) and before the register fields declared published, which follow the record's own.
FUNDS_COLUMNS = ("budget_currency", "budget_allocated", "budget_unit", "spent", "spend_fraction")
# JSON only: the unit in every language given, as ``units`` is for the indicator.
UNITS = "budget_units"


def funds_fields(assessment: Assessment, lang: str) -> dict[str, Any]:
    """One target's money as published, by field: all null without a budget.

    ``budget_unit`` is the unit in ``lang`` (the site's default language), null when the
    budget names none; ``spent`` the latest amount reported up to the reporting quarter
    (0 when none is), as typed.
    """
    target = assessment.target
    budget = target.budget
    if budget is None:
        return {"budget_currency": None, "budget_allocated": None, "budget_unit": None,
                UNITS: None, "spent": None, "spend_fraction": None}  # fmt: skip
    return {
        "budget_currency": budget.currency,
        "budget_allocated": budget.allocated,
        "budget_unit": in_language(budget.unit, lang) if budget.unit else None,
        UNITS: dict(sorted(budget.unit.items())),
        "spent": funds.spent_until(target, assessment.quarter),
        "spend_fraction": round(assessment.spend_fraction, 4),
    }
