"""The published record: the amendments and replaces fields, and the record computed from
hand-made sequences of published versions (no git here; see test_record_git.py)."""

from __future__ import annotations

import datetime
import textwrap

import pytest

from generator.assess import history as status_history
from generator.assess.gitlog import SHALLOW, PublishedCommit, PublishedHistory, VersionChange
from generator.assess.record import HistoryRequired, build_record
from generator.assess.status import (
    AMENDED,
    AMENDED_WITHOUT_REASON,
    JUSTIFICATION_MISSING,
    MISSED,
    NOT_REPORTED,
    ON_TRACK,
    REMOVED,
    assess,
)
from generator.register.loader import SourceFile, read_source
from generator.register.quarters import Quarter

HEAD = """\
id: PA2023-017
title: Open the new harbour ferry pier
policy_address: 2023
bureau: Transport and Logistics Bureau
due: 2025-Q4
"""


def read(text: str):
    """The target and the problems (as staff read them) of one file's text."""
    source = SourceFile("PA2023-017.yaml", "PA2023-017", (HEAD + textwrap.dedent(text)).encode())
    target, problems, _ = read_source(source, "en", None)
    return target, [str(p) for p in problems]


# --- the register fields ----------------------------------------------------------------


def test_amendments_and_replaces_are_read():
    target, problems = read(
        """\
        replaces: PA2022-001
        amendments:
          - date: 2026-03-01
            fields: [due, indicator.target]
            reason: The site was **flooded**.
            approved_by: LegCo paper CB(1)123/26
            correction: false
          - date: 2026-04-01
            fields: [indicator]
            reason: Typo in the baseline.
            correction: true
        """
    )
    assert problems == []
    first, second = target.amendments
    assert first.date == datetime.date(2026, 3, 1)
    assert first.fields == ("due", "indicator.target")
    assert first.approved_by == "LegCo paper CB(1)123/26"
    assert first.correction is False and second.correction is True
    assert second.covers("indicator.baseline") and not first.covers("start")
    assert target.replaces == "PA2022-001"


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            "fields: [due]\n    reason: r",
            "PA2023-017.yaml:7: amendments[0].date: required field 'date' is missing",
        ),
        (
            "date: 2026-13-01\n    fields: [due]\n    reason: r",
            "PA2023-017.yaml:7: amendments[0].date: cannot read this value (month must be in "
            "1..12)",
        ),
        (
            "date: 2026-01-01\n    fields: [deadline]\n    reason: r",
            "PA2023-017.yaml:8: amendments[0].fields[0]: 'deadline' is not a promise field",
        ),
        (
            "date: 2026-01-01\n    fields: [indicator.targt]\n    reason: r",
            "PA2023-017.yaml:8: amendments[0].fields[0]: 'indicator.targt' is not a promise "
            "field: did you mean 'indicator.target'?",
        ),
        (
            "date: 2026-01-01\n    fields: []\n    reason: r",
            "PA2023-017.yaml:8: amendments[0].fields: name at least one changed field",
        ),
        (
            "date: 2026-01-01\n    fields: [due]",
            "PA2023-017.yaml:7: amendments[0].reason: required field 'reason' is missing",
        ),
        (
            "date: 2026-01-01\n    fields: [due]\n    reason: r\n    correction: 'true'",
            "PA2023-017.yaml:10: amendments[0].correction: must be true or false, not the text "
            "'true'",
        ),
        (
            "date: 2026-01-01\n    fields: [due]\n    reason: r\n    why: x",
            "PA2023-017.yaml:10: amendments[0].why: unknown field",
        ),
    ],
)
def test_a_bad_amendment_names_file_line_and_field(entry, expected):
    target, problems = read(f"amendments:\n  - {entry}\n")
    assert any(p.startswith(expected) for p in problems), problems


def test_a_target_cannot_replace_itself_nor_a_non_id():
    _, problems = read("replaces: PA2023-017\n")
    assert problems == [
        "PA2023-017.yaml:6: replaces: a target cannot replace itself (PA2023-017): give the id "
        "of the earlier target, or remove the line"
    ]
    _, problems = read("replaces: not an id!\n")
    assert problems[0].startswith("PA2023-017.yaml:6: replaces: 'not an id!' is not a target id")


# --- the record, from hand-made histories ----------------------------------------------

R = Quarter(2026, 2)
ENTRY = """\
amendments:
  - date: 2026-01-10
    fields: [{fields}]
    reason: {reason}
    correction: {correction}
"""
DELAY = """\
delay:
  reason: Flooding.
  revised_due: 2026-Q4
  measures: Pump the site dry.
"""


def version(target_id="PA-1", due="2025-Q4", target=30, extra="", baseline=0):
    """A numeric target (0 -> ``target`` sites, one report in 2025-Q4 at 10)."""
    text = (
        f"id: {target_id}\ntitle: Target {target_id}\npolicy_address: 2024\n"
        f"bureau: Housing Bureau\ndue: {due}\n"
        f"indicator: {{unit: sites, baseline: {baseline}, target: {target}}}\n"
        "progress: [{quarter: 2025-Q4, value: 10}]\n" + extra
    )
    found, problems, _ = read_source(
        SourceFile(f"{target_id}.yaml", target_id, text.encode()), "en", None
    )
    assert not problems, problems
    return found


def entry(fields="due", reason="The site flooded.", correction="false") -> str:
    return ENTRY.format(fields=fields, reason=reason, correction=correction)


def commit(n: int, *changes, draft=False) -> PublishedCommit:
    """Commit number ``n``, dated the n-th of January 2026."""
    return PublishedCommit(f"{n:040x}", f"2026-01-{n:02d}", tuple(changes), draft)


def added(target) -> VersionChange:
    return VersionChange(None, target)


def record_of(*commits, current=()):
    return build_record(PublishedHistory(commits=tuple(commits)), current)


def test_moving_the_due_quarter_keeps_the_original_promise_and_flags_the_amendment():
    first, moved = version(), version(due="2027-Q4")
    record = record_of(commit(1, added(first)), commit(2, VersionChange(first, moved)))
    known = record.of("PA-1")
    assert known.original.due == Quarter(2025, 4)
    assert [(a.field, a.old, a.new, a.date, a.entry) for a in known.amendments] == [
        ("due", Quarter(2025, 4), Quarter(2027, 4), "2026-01-02", None)
    ]
    assessed = assess(moved, R, record=known)
    assert assessed.status == MISSED and assessed.status_as_amended == ON_TRACK
    assert assessed.flags == (NOT_REPORTED, JUSTIFICATION_MISSING, AMENDED, AMENDED_WITHOUT_REASON)
    assert assessed.basis.due == Quarter(2025, 4) and assessed.target.due == Quarter(2027, 4)


def test_lowering_the_target_level_is_an_amendment_of_indicator_target():
    first, lowered = version(), version(target=10)
    record = record_of(commit(1, added(first)), commit(2, VersionChange(first, lowered)))
    assessed = assess(lowered, R, record=record.of("PA-1"))
    # 10 of 30 was not reached by 2025-Q4; 10 of 10 would be "achieved".
    assert (assessed.status, assessed.status_as_amended) == (MISSED, "achieved")
    assert [a.field for a in assessed.amendments] == ["indicator.target"]


def test_an_entry_added_in_the_same_commit_gives_the_reason():
    first = version()
    moved = version(due="2027-Q4", extra=entry())
    record = record_of(commit(1, added(first)), commit(2, VersionChange(first, moved)))
    (change,) = record.of("PA-1").amendments
    assert change.reason == "The site flooded." and change.correction is False
    assessed = assess(moved, R, record=record.of("PA-1"))
    assert AMENDED in assessed.flags and AMENDED_WITHOUT_REASON not in assessed.flags


def test_an_entry_from_an_earlier_commit_or_for_another_field_does_not_match():
    with_entry = version(extra=entry())
    moved = version(due="2027-Q4", extra=entry())  # the same entry, already published
    start_only = version(due="2028-Q4", extra=entry() + "  - {date: 2026-01-11, fields: "
                         "[start], reason: Other.}\n")  # fmt: skip
    record = record_of(
        commit(1, added(with_entry)),
        commit(2, VersionChange(with_entry, moved)),
        commit(3, VersionChange(moved, start_only)),
    )
    assert [a.entry for a in record.of("PA-1").amendments] == [None, None]
    assert record.of("PA-1").amended_without_reason


def test_indicator_in_an_entry_covers_every_indicator_field():
    first = version()
    changed = version(target=40, baseline=5, extra=entry(fields="indicator"))
    record = record_of(commit(1, added(first)), commit(2, VersionChange(first, changed)))
    changes = record.of("PA-1").amendments
    assert [a.field for a in changes] == ["indicator.baseline", "indicator.target"]
    assert all(a.entry is not None for a in changes)


def test_a_clerical_correction_changes_the_status_basis_and_is_still_listed():
    typo = version(target=300)
    fixed = version(target=10, extra=entry("indicator.target", "A typo, 300 for 10.", "true"))
    record = record_of(commit(1, added(typo)), commit(2, VersionChange(typo, fixed)))
    known = record.of("PA-1")
    (change,) = known.amendments
    assert change.correction and (change.old, change.new) == (300, 10)
    assessed = assess(fixed, R, record=known)
    assert assessed.status == "achieved" == assessed.status_as_amended
    assert AMENDED not in assessed.flags and AMENDED_WITHOUT_REASON not in assessed.flags
    assert record.amendments() == [change]


def test_a_removed_target_stays_from_its_last_published_version():
    first, other = version(), version("PA-2")
    gone = record_of(commit(1, added(first), added(other)), commit(2, VersionChange(first, None)))
    known = gone.of("PA-1")
    assert known.removed is not None and known.removed.commit == f"{2:040x}"
    assert gone.removed_targets([other]) == [first]
    assessed = assess(first, R, record=known, removed=True)
    assert REMOVED in assessed.flags and assessed.status == MISSED
    # Back in the register: no longer removed, and the record goes on.
    back = record_of(
        commit(1, added(first)), commit(2, VersionChange(first, None)), commit(3, added(first))
    )
    assert back.of("PA-1").removed is None and back.removed_targets([first]) == []


def test_a_replaced_or_withdrawn_removed_target_is_not_flagged_removed():
    first = version()
    successor = version("PA-2", extra="replaces: PA-1\n")
    history = (commit(1, added(first)), commit(2, VersionChange(first, None), added(successor)))
    replaced = record_of(*history, current=[successor])
    assert replaced.of("PA-1").replaced_by == "PA-2"
    assert REMOVED not in assess(first, R, record=replaced.of("PA-1"), removed=True).flags
    dropped = version(extra="withdrawn: {quarter: 2026-Q1, reason: Merged.}\n")
    withdrawn = record_of(
        commit(1, added(first)), commit(2, VersionChange(first, dropped)),
        commit(3, VersionChange(dropped, None)),
    )  # fmt: skip
    assessed = assess(dropped, R, record=withdrawn.of("PA-1"), removed=True)
    assert assessed.status == "withdrawn" and REMOVED not in assessed.flags


def test_a_renamed_id_is_a_removal_and_a_new_target():
    first, renamed = version(), version("PA-9")
    record = record_of(commit(1, added(first)), commit(2, VersionChange(first, renamed)))
    assert record.of("PA-1").removed is not None
    assert record.of("PA-9").first_published.date == "2026-01-02"


def test_justification_missing_in_the_history_until_the_delay_was_published():
    first, justified = version(), version(extra=DELAY)
    # 2026-04-02 is in 2026-Q2: the delay was not public at the end of 2026-Q1.
    late = PublishedCommit("b" * 40, "2026-04-02", (VersionChange(first, justified),))
    record = build_record(PublishedHistory(commits=(commit(1, added(first)), late)))
    known = record.of("PA-1")
    assert known.justification_published.date == "2026-04-02"
    points = status_history.status_history(justified, Quarter(2026, 3), record=known)
    flags = {str(p.quarter): p.flags for p in points if p.status == MISSED}
    assert JUSTIFICATION_MISSING in flags["2025-Q4"] and JUSTIFICATION_MISSING in flags["2026-Q1"]
    assert JUSTIFICATION_MISSING not in flags["2026-Q2"]
    # Without the record, today's behaviour: the delay counts in every quarter.
    unknown = status_history.status_history(justified, Quarter(2026, 3))
    assert not any(JUSTIFICATION_MISSING in p.flags for p in unknown)


def test_the_history_is_assessed_against_the_original_promise():
    first, moved = version(), version(due="2027-Q4")
    record = record_of(commit(1, added(first)), commit(2, VersionChange(first, moved)))
    points = status_history.status_history(moved, Quarter(2026, 2), record=record.of("PA-1"))
    assert points[-1].status == MISSED and str(points[-1].quarter) == "2026-Q2"


def test_drafts_before_record_since_are_not_amendments():
    draft, moved, later = version(), version(due="2026-Q4"), version(due="2027-Q4")
    history = PublishedHistory(
        commits=(
            commit(1, added(draft), draft=True),
            commit(2, VersionChange(draft, moved), draft=True),
            commit(3, VersionChange(moved, later)),
        ),
        since_commit=f"{2:040x}",
        since_date="2026-01-02",
        drafts={"PA-1.yaml": moved},
    )
    known = build_record(history).of("PA-1")
    assert known.original.due == Quarter(2026, 4)
    assert known.first_published.commit == f"{2:040x}"
    assert [(a.old, a.new) for a in known.amendments] == [(Quarter(2026, 4), Quarter(2027, 4))]


def test_promised_as_a_milestone_values_do_not_measure_it():
    milestone = read_source(SourceFile("PA-1.yaml", "PA-1", (
        b"id: PA-1\ntitle: T\npolicy_address: 2024\nbureau: Housing Bureau\ndue: 2025-Q4\n"
        b"progress: [{quarter: 2025-Q4, percent_complete: 40}]\n")), "en", None)[0]  # fmt: skip
    numeric = version(target=5)
    record = record_of(commit(1, added(milestone)), commit(2, VersionChange(milestone, numeric)))
    (change,) = record.of("PA-1").amendments
    assert change.field == "indicator" and change.old is None
    assessed = assess(numeric, R, record=record.of("PA-1"))
    assert assessed.basis.progress == () and assessed.status == MISSED
    assert assessed.status_as_amended == "achieved"


def test_every_amendment_newest_first():
    a1, a2 = version(), version("PA-2")
    record = record_of(
        commit(1, added(a1), added(a2)),
        commit(2, VersionChange(a1, version(due="2026-Q4"))),
        commit(3, VersionChange(a2, version("PA-2", due="2026-Q4", target=40))),
    )
    assert [(a.target_id, a.field) for a in record.amendments()] == [
        ("PA-2", "due"), ("PA-2", "indicator.target"), ("PA-1", "due")
    ]  # fmt: skip


def test_an_unavailable_history_gives_no_record_and_says_why():
    record = build_record(PublishedHistory(unavailable=SHALLOW, detail="git fetch --unshallow"))
    assert not record.available and record.targets == {} and record.amendments() == []
    assert "shallow" in record.reason
    message = str(HistoryRequired(record))
    assert "REQUIRE_HISTORY" in message and "git fetch --unshallow" in message


# --- the settings -------------------------------------------------------------------------


def test_record_since_is_a_commit_id_or_an_iso_date():
    from generator.project.settings import from_pelican
    from generator.register.errors import SettingsError

    assert from_pelican({"RECORD_SINCE": "38CCAFE185"}).record_since == "38ccafe185"
    assert from_pelican({"RECORD_SINCE": datetime.date(2026, 1, 5)}).record_since == "2026-01-05"
    assert from_pelican({"RECORD_SINCE": "2026-01-05"}).record_since == "2026-01-05"
    assert from_pelican({}).record_since is None and not from_pelican({}).require_history
    for bad in ("yesterday", "2026-13-01", "abc", 20260105):
        with pytest.raises(SettingsError, match="RECORD_SINCE: .* must be a commit id"):
            from_pelican({"RECORD_SINCE": bad})
    with pytest.raises(SettingsError, match="REQUIRE_HISTORY: 'yes' must be True or False"):
        from_pelican({"REQUIRE_HISTORY": "yes"})
