"""Publication facts: the published date, the months a quarter covers, the next update and
the edition, from the settings and the register's commits, never the clock."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.assess.gitlog import PublishedCommit, PublishedHistory
from generator.assess.publication import (
    Month,
    financial_year_label,
    publication_facts,
    quarter_span,
)
from generator.register import i18n
from generator.register.quarters import Quarter
from tests.conftest import FIXTURE_REGISTER, build_site
from tests.gitenv import GIT_ENV

Q3 = Quarter(2026, 3)


# --- The months a quarter covers --------------------------------------------------------------


def test_hong_kong_financial_year_quarter_is_october_to_december():
    span = quarter_span(Q3, 4)
    assert (span.first, span.last) == (Month(2026, 10), Month(2026, 12))
    assert span.financial_year == "2026-27"
    with i18n.use("en"):
        facts = publication_facts(Q3, 4, "2026-12-01", None)
        assert facts.reporting_months() == "October to December 2026"
        assert facts.reporting_year() == "financial year 2026-27"
        # The next report is of 2026-Q4 (January to March 2027): due once March has ended.
        assert facts.next_report.quarter == Quarter(2026, 4)
        assert facts.next_update_words() == "March 2027"
    with i18n.use("zh-Hant"):
        assert facts.reporting_months() == "2026年10月至12月"
        assert facts.next_update_words() == "2027年3月"
        assert facts.published_words() == "2026年12月1日"


def test_calendar_quarters_by_default():
    span = quarter_span(Q3, 1)
    assert (span.first, span.last, span.financial_year) == (Month(2026, 7), Month(2026, 9), "2026")


def test_a_quarter_across_the_year_end_names_both_years():
    span = quarter_span(Quarter(2026, 4), 2)  # February years: Q4 is November to January
    assert (span.first, span.last) == (Month(2026, 11), Month(2027, 1))
    with i18n.use("en"):
        facts = publication_facts(Quarter(2026, 4), 2, None, None)
        assert facts.reporting_months() == "November 2026 to January 2027"
    with i18n.use("zh-Hant"):
        assert facts.reporting_months() == "2026年11月至2027年1月"


@settings(max_examples=60, deadline=None)
@given(year=st.integers(1940, 2130), q=st.integers(1, 4), start=st.integers(1, 12))
def test_quarters_are_three_months_end_to_end(year, q, start):
    quarter = Quarter(year, q)
    span, after = quarter_span(quarter, start), quarter_span(quarter.shift(1), start)
    assert span.first.shift(2) == span.last
    assert after.first == span.last.shift(1)  # no month between quarters, none twice
    # The first quarter of a financial year starts in its first month.
    assert quarter_span(Quarter(year, 1), start).first == Month(year, start)
    assert span.financial_year == financial_year_label(year, start)


def test_a_month_outside_1_to_12_is_refused():
    with pytest.raises(ValueError):
        quarter_span(Q3, 13)


# --- The published date -----------------------------------------------------------------------


def history_of(*dates: str) -> PublishedHistory:
    return PublishedHistory(
        commits=tuple(PublishedCommit(f"{i:040x}", d, ()) for i, d in enumerate(dates))
    )


def test_published_date_is_the_registers_newest_commit():
    facts = publication_facts(Q3, 4, None, history_of("2026-01-05", "2026-11-30"))
    assert (facts.published_date, facts.published_from) == ("2026-11-30", "commit")


def test_the_setting_overrides_the_commit_date():
    facts = publication_facts(Q3, 4, "2026-12-15", history_of("2026-11-30"))
    assert (facts.published_date, facts.published_from) == ("2026-12-15", "setting")


@pytest.mark.parametrize(
    "history",
    [
        None,
        PublishedHistory(unavailable="not_in_git"),
        PublishedHistory(unavailable="shallow"),
        PublishedHistory(),  # no commit yet
    ],
)
def test_without_the_history_the_date_is_unknown_not_guessed(history):
    facts = publication_facts(Q3, 4, None, history)
    assert (facts.published_date, facts.published_from) == (None, "unknown")
    assert facts.published_words() is None


def test_the_edition_is_the_newest_committed_one():
    facts = publication_facts(Q3, 1, None, None, [Quarter(2026, 1), Quarter(2026, 2)])
    assert facts.edition == Quarter(2026, 2)
    assert publication_facts(Q3, 1, None, None, []).edition is None


# --- On every page ----------------------------------------------------------------------------


def git(repo: Path, *args: str, date: str | None = None) -> None:
    env = dict(GIT_ENV, GIT_CEILING_DIRECTORIES=str(repo.parent))
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", "-C", str(repo), *args], env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def committed_site(tmp_path_factory) -> Path:
    """The fixture register in a repository of its own, last changed on 14 April 2026
    (a later commit of something else does not move the date), April financial years."""
    repo = tmp_path_factory.mktemp("published") / "repo"
    shutil.copytree(FIXTURE_REGISTER, repo / "targets")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "register", date="2026-04-14T23:30:00+00:00")
    (repo / "notes.txt").write_text("not the register\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "notes", date="2026-06-01T12:00:00+00:00")
    output = repo.parent / "output"
    editions = repo.parent / "no-editions"
    editions.mkdir()
    build_site(
        repo / "targets",
        output,
        FINANCIAL_YEAR_START=4,
        EDITIONS_PATH=str(editions),
        RECORD_SINCE=None,  # the project's names a commit of its own repository
    )
    return output


def strip(output: Path, page: str) -> str:
    html = BeautifulSoup((output / page).read_text(encoding="utf-8"), "html.parser")
    return " ".join(html.select_one(".quarter-strip").get_text().split())


def footer(output: Path, page: str) -> str:
    html = BeautifulSoup((output / page).read_text(encoding="utf-8"), "html.parser")
    return " ".join(html.select_one(".site-footer").get_text().split())


@pytest.mark.parametrize("page", ["index.html", "targets/index.html", "search.html", "404.html"])
def test_every_page_says_when_it_was_published_and_what_the_quarter_covers(committed_site, page):
    bar = strip(committed_site, page)
    quarter = bar.split("reporting quarter ")[1].split()[0]
    span = quarter_span(Quarter.parse(quarter), 4)
    with i18n.use("en"):
        facts = publication_facts(Quarter.parse(quarter), 4, None, None)
        months, after = facts.reporting_months(), facts.next_update_words()
    assert span.first.month in (4, 7, 10, 1)  # April years
    assert f"({months})" in bar
    assert "Published 14 April 2026" in bar  # the register's commit, not the later one
    assert f"Next update due after {after}" in bar
    assert "edition" not in bar.lower()  # no edition committed
    assert "Published 14 April 2026, the date of the register's latest change." in footer(
        committed_site, page
    )
    assert "financial year" in footer(committed_site, page)


def test_chinese_pages_say_it_in_chinese(committed_site):
    bar = strip(committed_site, "zh-hant/index.html")
    assert "發布日期 2026年4月14日" in bar
    assert "下次更新：" in bar and "Published" not in bar
    assert "財政年度" in footer(committed_site, "zh-hant/index.html")


def test_the_date_is_the_commits_utc_day(committed_site):
    html = (committed_site / "index.html").read_text(encoding="utf-8")
    assert '<time datetime="2026-04-14">' in html


@pytest.fixture(scope="module")
def uncommitted_site(tmp_path_factory) -> Path:
    """The fixture register outside any git repository, with the project's editions."""
    folder = tmp_path_factory.mktemp("outside")
    shutil.copytree(FIXTURE_REGISTER, folder / "targets")
    output = folder / "output"
    build_site(folder / "targets", output)  # tmp folders are in no repository
    return output


def test_outside_git_the_date_is_unknown_and_said_so(uncommitted_site):
    bar = strip(uncommitted_site, "index.html")
    assert "Publication date not recorded" in bar
    assert "<time" not in (uncommitted_site / "index.html").read_text(encoding="utf-8")
    assert "built without the register's version history" in footer(uncommitted_site, "index.html")


def test_the_latest_committed_edition_is_named_and_linked(uncommitted_site):
    html = BeautifulSoup((uncommitted_site / "index.html").read_text("utf-8"), "html.parser")
    link = html.select_one(".quarter-strip a")
    assert link.get_text() == "2026-Q3" and link["href"].endswith("editions/2026-Q3.html")
    assert (uncommitted_site / "editions/2026-Q3.html").is_file()


def test_published_date_setting_is_shown_outside_git(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    shutil.copytree(FIXTURE_REGISTER, tmp_path / "targets")
    build_site(tmp_path / "targets", tmp_path / "out", PUBLISHED_DATE="2026-12-15")
    assert "Published 15 December 2026" in strip(tmp_path / "out", "index.html")
    assert "Published 15 December 2026." in footer(tmp_path / "out", "index.html")
