"""What a change does to the money (REGISTER.md, "Funds"), for the reviewer's summary:
spending reported (a spending line added, changed or removed), targets it makes overspent,
budgets added, changed or removed, and funds flags newly raised; with their Markdown.

Each side is taken as of its own reporting quarter, as the statuses are (``changeset``);
the flags are the assessments' own, so SPEND_LAG is the one the change was assessed
with. Amounts are shown as typed with their currency and unit (``moneywords``), shares
worked out. Pure core: no Pelican imports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..assess import funds, moneywords
from ..assess.status import Assessment
from ..assess.wording import FLAG_LABELS
from ..register.model import Budget, Target
from ..register.quarters import Quarter
from .markdown import counted, escape, section, who

if TYPE_CHECKING:  # the change set holds these changes: it imports this module
    from .changeset import ChangeSet


@dataclass(frozen=True)
class SpendingReported:
    """A quarter's ``spent`` added, changed or removed (``old``/``new`` None when absent)."""

    target: Target
    quarter: Quarter
    old: float | None
    new: float | None


@dataclass(frozen=True)
class BudgetChange:
    """A budget added, changed or removed (``old``/``new`` None when absent)."""

    target: Target
    old: Budget | None
    new: Budget | None


@dataclass(frozen=True)
class NewlyOverspent:
    """A target whose latest spending, as of ``quarter``, now exceeds its allocation."""

    target: Target
    quarter: Quarter
    spent: float


@dataclass(frozen=True)
class FlagsRaised:
    """Funds flags a target has now and did not have before (or a new target's)."""

    assessment: Assessment
    flags: tuple[str, ...]


@dataclass
class FundsChanges:
    """Everything a change does to the money, for the reviewer."""

    spending: list[SpendingReported] = field(default_factory=list)
    overspent: list[NewlyOverspent] = field(default_factory=list)
    budgets: list[BudgetChange] = field(default_factory=list)
    flags_raised: list[FlagsRaised] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any((self.spending, self.overspent, self.budgets, self.flags_raised))


def compare_funds(
    changes: FundsChanges,
    old: Target | None,
    new: Target,
    was: Assessment | None,
    now: Assessment | None,
) -> None:
    """Record what the change from ``old`` (None: a target added) to ``new`` does to the
    money; ``was`` and ``now`` are their assessments (None without a reporting quarter)."""
    if old is not None and old.budget != new.budget:
        changes.budgets.append(BudgetChange(new, old.budget, new.budget))
    # A target added is listed with its figures under the new targets, its spending too:
    # as with its progress, its lines are not each news of their own.
    before = {e.quarter: e.spent for e in old.progress} if old is not None else {}
    after = {e.quarter: e.spent for e in new.progress} if old is not None else {}
    for quarter in sorted(before.keys() | after.keys()):
        spent_then, spent_now = before.get(quarter), after.get(quarter)
        if spent_then != spent_now:
            changes.spending.append(SpendingReported(new, quarter, spent_then, spent_now))
    if now is None:
        return
    if _overspent(new, now.quarter) and not (was and old and _overspent(old, was.quarter)):
        changes.overspent.append(
            NewlyOverspent(new, now.quarter, funds.spent_until(new, now.quarter))
        )
    raised = tuple(
        f for f in now.flags if f in funds.FUNDS_FLAGS and (was is None or f not in was.flags)
    )
    if raised:
        changes.flags_raised.append(FlagsRaised(now, raised))


def _overspent(target: Target, r: Quarter) -> bool:
    """The spending reported up to R exceeds the allocation, whatever the status."""
    spent = funds.spent_until(target, r)
    return spent is not None and spent > target.budget.allocated


# --- Markdown: the sections take the whole change set, as those of ``changes`` do -----------


def summary_parts(changes: FundsChanges) -> list[str]:
    """The money's counts for the summary line."""
    return [
        counted(changes.spending, "spending line", suffix=" reported"),
        counted(changes.overspent, "target", suffix=" newly overspent"),
        counted(changes.budgets, "budget", suffix=" added, changed or removed"),
        counted(changes.flags_raised, "target", suffix=" with new funds flags"),
    ]


def overspent_section(changes: ChangeSet, lang: str) -> list[str]:
    rows = [
        (*who(o.target, lang), str(o.quarter), _spent_of(o.target.budget, o.spent))
        for o in changes.funds.overspent
    ]
    return section("Newly overspent", ("Target", "Title", "As of", "Spent"), rows)


def flags_section(changes: ChangeSet, lang: str) -> list[str]:
    rows = [
        (*who(f.assessment.target, lang), ", ".join(f"**{FLAG_LABELS[flag]}**" for flag in f.flags),
         escape(moneywords.money_line(f.assessment) or "—"))
        for f in changes.funds.flags_raised
    ]  # fmt: skip
    return section("New funds flags", ("Target", "Title", "Flags", "Money"), rows)


def spending_section(changes: ChangeSet, lang: str) -> list[str]:
    rows = [
        (*who(s.target, lang), str(s.quarter), *_spending_cells(s)) for s in changes.funds.spending
    ]
    header = ("Target", "Title", "Quarter", "Spent", "Share of the allocation")
    return section("Spending reported", header, rows)


def _spending_cells(change: SpendingReported) -> tuple[str, str]:
    budget = change.target.budget
    if change.new is None:
        return f"{_amount(budget, change.old)} → —", "**spending line removed**"
    new = _amount(budget, change.new)
    shown = new if change.old is None else f"{_amount(budget, change.old)} → **{new}**"
    share = moneywords.fmt_share(change.new / budget.allocated) if budget else "— (no budget)"
    return shown, share


def budgets_section(changes: ChangeSet, lang: str) -> list[str]:
    rows = [(*who(b.target, lang), _budget_cell(b)) for b in changes.funds.budgets]
    return section("Budgets", ("Target", "Title", "Change"), rows)


def _budget_cell(change: BudgetChange) -> str:
    old, new = change.old, change.new
    if old is None:
        return f"added: {_allocation(new)}"
    if new is None:
        return f"**budget removed** (was {_allocation(old)})"
    # A unit's translation added reads the same in English: say which parts changed.
    parts = [name for name in ("currency", "allocated", "unit")
             if getattr(old, name) != getattr(new, name)]  # fmt: skip
    return f"{_allocation(old)} → **{_allocation(new)}** (changed: {', '.join(parts)})"


def _allocation(budget: Budget) -> str:
    return f"{_amount(budget, budget.allocated)} allocated"


def _spent_of(budget: Budget, spent: float) -> str:
    """``HKD 30 million of HKD 25.5 million (118%)``."""
    share = moneywords.fmt_share(spent / budget.allocated)
    return f"{_amount(budget, spent)} of {_amount(budget, budget.allocated)} ({share})"


def _amount(budget: Budget | None, number: float) -> str:
    """An amount with its currency and unit (the unit is register text: escaped)."""
    # A spending line without a budget is refused by validation; both sides are valid.
    return escape(moneywords.fmt_amount(budget, number)) if budget else str(number)
