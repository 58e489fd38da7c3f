"""Answer first: the one sentence a page opens with, in plain words.

The home page answers "Are policy targets being met?" with counts; a target page and a
delay page open with the status and the key figures on one line. Each is in the language
set by ``i18n.use``, like ``wording``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..register.i18n import gettext as _
from ..register.i18n import ngettext
from .status import AT_RISK, JUSTIFICATION_MISSING, MISSED, WITHDRAWN, Assessment
from .wording import fmt_measure, fmt_number, promise, status_label, unit_text


@dataclass(frozen=True)
class Answer:
    """The counts a page's opening sentence gives: of the current targets only."""

    current: int
    missed: int
    at_risk: int
    unjustified: int
    """Missed targets with no delay justification filed."""


def is_current(assessment: Assessment) -> bool:
    """True for a target still being pursued: neither withdrawn nor removed from the register."""
    return assessment.status != WITHDRAWN and not assessment.removed


def answer_counts(assessments: Iterable[Assessment]) -> Answer:
    """How many current targets there are, how many are missed, at risk, and unjustified."""
    current = [a for a in assessments if is_current(a)]
    missed = [a for a in current if a.status == MISSED]
    return Answer(
        current=len(current),
        missed=len(missed),
        at_risk=sum(1 for a in current if a.status == AT_RISK),
        unjustified=sum(1 for a in missed if JUSTIFICATION_MISSING in a.flags),
    )


def answer_sentence(answer: Answer) -> str:
    """``Of 39 current targets, 10 are missed and 6 at risk; 4 of the missed have no
    justification.``"""
    if answer.current == 0:
        return _("There are no current targets.")
    of = ngettext("Of %(num)s current target,", "Of %(num)s current targets,", answer.current)
    words = of % {"num": answer.current}
    counts = _("%(missed)s missed and %(at_risk)s at risk") % {
        "missed": _missed_words(answer.missed),
        "at_risk": answer.at_risk,
    }
    if not answer.missed:
        return _("%(of)s %(counts)s.") % {"of": words, "counts": counts}
    if answer.unjustified == 0:
        tail = _("every missed target has a justification filed")
    else:
        tail = ngettext(
            "%(num)s of the missed has no justification",
            "%(num)s of the missed have no justification",
            answer.unjustified,
        ) % {"num": answer.unjustified}
    return _("%(of)s %(counts)s; %(tail)s.") % {"of": words, "counts": counts, "tail": tail}


def _missed_words(missed: int) -> str:
    """``1 is`` / ``10 are``: the verb agrees with the number of missed targets."""
    return ngettext("%(num)s is", "%(num)s are", missed) % {"num": missed}


def key_line(assessment: Assessment) -> str:
    """A target's status and key figures in one line:
    ``Missed · 8,800 of 10,000 workers by 2026-Q3 (latest 2026-Q3)``."""
    words = {"status": status_label(assessment.status), "figures": key_figures(assessment)}
    return _("%(status)s · %(figures)s") % words


def key_figures(assessment: Assessment) -> str:
    """The key figures: latest value and quarter, target and due (pages put the status,
    as a badge, before them): ``8,800 of 10,000 workers by 2026-Q3 (latest 2026-Q3)``."""
    target, latest = assessment.basis, assessment.latest
    if latest is None:
        return _("nothing reported yet; promised %(promise)s") % {"promise": promise(target)}
    reached = assessment.target.measure(latest)
    if target.indicator is None:
        words = _("%(reached)s, completion due %(due)s") % {
            "reached": fmt_measure(target, reached),
            "due": target.due,
        }
    elif target.indicator.direction == "decrease":
        words = _("%(reached)s, promised %(promise)s") % {
            "reached": fmt_measure(target, reached),
            "promise": promise(target),
        }
    else:
        per_cent = unit_text(target.indicator) == "%"  # "45% of 60%", not "45 of 60%"
        shown = fmt_measure(target, reached) if per_cent else None
        words = _("%(reached)s of %(promise)s") % {
            "reached": shown or fmt_number(reached),
            "promise": promise(target),
        }
    latest_words = _("(latest %(quarter)s)") % {"quarter": latest.quarter}
    return _("%(figures)s %(latest)s") % {"figures": words, "latest": latest_words}
