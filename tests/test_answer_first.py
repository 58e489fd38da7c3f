"""Answer first (issue 14, items 1 and 8): the sentence a page opens with, figures rounded
as people write them, plain words, nothing overdue in its due quarter, bureau pages."""

from __future__ import annotations

import decimal
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.assess import plainwords, wording
from generator.assess.delays import due_now, justification, overdue_only
from generator.assess.status import assess
from generator.register import i18n
from generator.register.model import Indicator, ProgressEntry, Target
from generator.register.quarters import Quarter
from tests.sitecheck import soup, targets_json

R = Quarter(2026, 3)
LANGS = {"en": "", "zh-Hant": "zh-hant/"}


WORKERS = Indicator({"en": "workers"}, 0, 10000)
DUE = Quarter(2026, 3)


def target(due=DUE, indicator=WORKERS, values=(8800,)):
    """A target with one progress entry per value, the last in R."""
    progress = tuple(
        ProgressEntry(
            quarter=R.shift(i + 1 - len(values)),
            value=v if indicator else None,
            percent_complete=None if indicator else v,
        )
        for i, v in enumerate(values)
    )
    return Target(
        id="PA2022-015",
        title={"en": "Train care workers"},
        policy_address=2022,
        bureau="Labour and Welfare Bureau",
        start=Quarter(2023, 1),
        due=due,
        indicator=indicator,
        progress=progress,
    )


# --- Figures rounded as people write them -----------------------------------------------


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        (9333.333333333334, "about 9,300"),
        (271.42857142857144, "about 270"),
        (2000, "2,000"),
        (2000.0, "2,000"),
        (7.5, "7.5"),
        (0.123456, "about 0.12"),
        (-9333.33, "about -9,300"),
        (0, "0"),
        (-0.5, "-0.5"),
        (1.234e-06, "about 0.0000012"),
        (99.5, "about 100"),
        (123456789.123, "about 120,000,000"),
        (1e12, "1,000,000,000,000"),
        (None, "—"),
    ],
)
def test_worked_out_figures_are_rounded_to_two_significant_figures(number, shown):
    assert wording.fmt_about(number) == shown


@settings(max_examples=60, deadline=None)
@example(1.234e-06)  # below fmt_number's 6 decimals: once shown as "about 0"
@example(999.9)
@given(st.floats(min_value=1e-6, max_value=1e12) | st.floats(min_value=-1e12, max_value=-1e-6))
def test_rounding_is_close_has_two_digits_and_says_about_only_when_it_rounds(number):
    shown = wording.fmt_about(number)
    about = shown.startswith("about ")
    digits = shown.removeprefix("about ").replace(",", "")
    value = decimal.Decimal(digits)
    exact = decimal.Decimal(repr(number))
    assert abs(value - exact) <= abs(exact) * decimal.Decimal("0.05")
    assert len(value.normalize().as_tuple().digits) <= 2
    assert not re.search(r"\.\d*0$", digits)  # no trailing zero after the point
    assert about == (value != exact)


def test_the_rounded_figure_says_about_in_chinese():
    with i18n.use("zh-Hant"):
        assert wording.fmt_about(9333.33) == "約 9,300"


def test_a_reported_figure_is_shown_exactly_as_typed_in_the_key_line():
    a = assess(target(values=(9333.33,)), R)
    assert "9,333.33 of 10,000 workers" in plainwords.key_figures(a)


# --- Plain words ---------------------------------------------------------------------


def test_status_meanings_and_chart_caption_use_no_jargon():
    words = " ".join(wording.STATUS_MEANINGS.values()) + wording.chart_caption(
        assess(target(due=Quarter(2027, 4)), R)
    )
    for jargon in ("straight-line", "allowed lag", "lag"):
        assert jargon not in words


# --- The opening sentences -----------------------------------------------------------


def test_answer_sentence_counts_current_targets_only():
    missed = assess(target(), R)  # missed, no justification
    on_track = assess(target(due=Quarter(2027, 4), values=(9000,)), R)
    gone = assess(target(), R, removed=True)
    answer = plainwords.answer_counts([missed, on_track, gone])
    assert answer == plainwords.Answer(current=2, missed=1, at_risk=0, unjustified=1)
    assert plainwords.answer_sentence(answer) == (
        "Of 2 current targets, 1 is missed and 0 at risk; 1 of the missed has no justification."
    )
    many = plainwords.Answer(current=42, missed=11, at_risk=7, unjustified=4)
    assert plainwords.answer_sentence(many) == (
        "Of 42 current targets, 11 are missed and 7 at risk; 4 of the missed have no justification."
    )
    none_missed = plainwords.Answer(current=5, missed=0, at_risk=2, unjustified=0)
    assert (
        plainwords.answer_sentence(none_missed)
        == "Of 5 current targets, 0 are missed and 2 at risk."
    )


@pytest.mark.parametrize(
    ("made", "line"),
    [
        (target(), "Missed · 8,800 of 10,000 workers by 2026-Q3 (latest 2026-Q3)"),
        (
            target(indicator=Indicator({"en": "days"}, 90, 30, "decrease"), values=(45,)),
            "Missed · 45 days, promised down to 30 days by 2026-Q3 (latest 2026-Q3)",
        ),
        (
            target(indicator=None, values=(60,)),
            "Missed · 60% complete, completion due 2026-Q3 (latest 2026-Q3)",
        ),
        (
            target(values=()),
            "Missed · nothing reported yet; promised 10,000 workers by 2026-Q3",
        ),
    ],
)
def test_key_figures_line(made, line):
    assert plainwords.key_line(assess(made, R)) == line


# --- Nothing is overdue before its due quarter has ended --------------------------------


def test_missed_in_its_due_quarter_is_not_overdue():
    in_due = justification(assess(target(), R))
    later = justification(assess(target(due=Quarter(2026, 1)), R))
    assert not in_due.overdue and later.overdue
    assert overdue_only([in_due, later]) == [later]
    assert due_now([in_due, later]) == [in_due]
    assert wording.overdue_words(0) == (
        "not yet overdue: not met in its due quarter, which is the reporting quarter"
    )


# --- The built sample site, in both languages ---------------------------------------------


def page(site, lang, path):
    return soup(site / LANGS[lang] / path)


def expected_answer(site) -> plainwords.Answer:
    """The counts worked out from targets.json, not from the code that writes the page."""
    rows = [t for t in targets_json(site)["targets"]]
    current = [t for t in rows if t["status"] != "withdrawn" and not t["removed"]]
    missed = [t for t in current if t["status"] == "missed"]
    return plainwords.Answer(
        current=len(current),
        missed=len(missed),
        at_risk=sum(1 for t in current if t["status"] == "at_risk"),
        unjustified=sum(1 for t in missed if "justification_missing" in t["flags"]),
    )


@pytest.mark.parametrize("lang", LANGS)
def test_home_page_opens_with_the_answer_before_the_search_box(sample_site, lang):
    home = page(sample_site, lang, "index.html")
    first = home.find("h1").find_next_sibling()
    with i18n.use(lang):
        sentence = plainwords.answer_sentence(expected_answer(sample_site))
    assert first.get_text(" ", strip=True) == sentence
    assert first.find_next("form", class_="search-box") is not None
    if lang == "en":
        assert re.fullmatch(
            r"Of \d+ current targets, \d+ are missed and \d+ at risk; .*\.", sentence
        )


@pytest.mark.parametrize("lang", LANGS)
def test_target_page_opens_with_status_and_key_figures(sample_site, lang):
    line = page(sample_site, lang, "targets/PA2022-015.html").find("h1").find_next_sibling("p")
    text = line.get_text(" ", strip=True)
    if lang == "en":
        assert text == "Missed · 8,800 of 10,000 workers by 2026-Q3 (latest 2026-Q3)"
    else:
        assert text.startswith("未達成 · ") and "8,800" in text and "2026-Q3" in text
    delay = page(sample_site, lang, "delays/PA2022-015.html")
    assert delay.find("p", class_="key-figures").get_text(" ", strip=True) == text


def test_expected_figures_are_rounded_on_target_pages(sample_site):
    cells = [
        td.get_text(strip=True)
        for path in (sample_site / "targets").glob("*.html")
        for td in soup(path).select("table.progress td:nth-of-type(2)")
    ]
    assert cells and not [c for c in cells if re.search(r"\d\.\d\d", c)]
    assert any(c.startswith("about ") for c in cells)


@pytest.mark.parametrize("lang", LANGS)
def test_a_target_missed_in_its_due_quarter_is_not_on_the_overdue_list(sample_site, lang):
    reporting = targets_json(sample_site)["reporting_quarter"]
    record = next(t for t in targets_json(sample_site)["targets"] if t["id"] == "PA2022-015")
    assert (record["due"], record["status"]) == (reporting, "missed")  # the case in point
    overdue = page(sample_site, lang, "overdue.html")
    assert "PA2022-015" not in overdue.get_text()
    bureau_lists = list((sample_site / LANGS[lang] / "overdue").glob("*.html"))
    assert bureau_lists and all("PA2022-015" not in soup(p).get_text() for p in bureau_lists)
    with i18n.use(lang):
        due_this_quarter = i18n.gettext("Due this quarter")
    assert due_this_quarter not in overdue.get_text()
    if lang == "en":
        status = page(sample_site, lang, "delays/PA2022-015.html").find("p", class_="status-line")
        assert "not yet overdue" in status.get_text()


@pytest.mark.parametrize("lang", LANGS)
def test_bureau_page_summary_columns_sort_links_and_justifications(sample_site, lang):
    rows = [t for t in targets_json(sample_site)["targets"] if t["bureau_code"] == "LWB"]
    bureau = page(sample_site, lang, "bureaus/lwb.html")
    current = [t for t in rows if t["status"] != "withdrawn" and not t["removed"]]
    missed = [t for t in current if t["status"] == "missed"]
    answer = plainwords.Answer(
        len(current),
        len(missed),
        sum(1 for t in current if t["status"] == "at_risk"),
        sum(1 for t in missed if "justification_missing" in t["flags"]),
    )
    with i18n.use(lang):
        sentence = plainwords.answer_sentence(answer)
        bureau_label = i18n.gettext("Bureau")
    assert bureau.find("p", class_="answer").get_text(" ", strip=True) == sentence
    summary = bureau.find("p", class_="status-summary")
    counts = [int(badge.next_sibling.strip(" ·")) for badge in summary.find_all(class_="badge")]
    assert sum(counts) == len(rows)
    table = bureau.find("table", class_="targets")
    assert bureau_label not in [th.get_text(strip=True) for th in table.find_all("th")]
    assert not table.find_all("td", attrs={"data-label": bureau_label})
    for t in missed:
        assert table.find("a", href=re.compile(rf"delays/{t['id']}\.html$")), t["id"]
    sort = bureau.find("nav", class_="sort-links")
    assert len(sort.find_all("li")) == 2
    assert sort["aria-labelledby"] and sort.find(id=sort["aria-labelledby"])


@pytest.mark.parametrize("lang", LANGS)
def test_no_justification_box_is_loud_but_never_announced_on_load(sample_site, lang):
    site = sample_site / LANGS[lang]
    pages = list(site.glob("**/*.html"))
    assert len(pages) > 100
    assert not [p for p in pages if 'role="alert"' in p.read_text(encoding="utf-8")]
    missing = [t["id"] for t in targets_json(sample_site)["targets"]
               if "justification_missing" in t["flags"]]  # fmt: skip
    box = soup(site / f"delays/{missing[0]}.html").find(class_="alert-danger")
    heading = box.find(re.compile("h[23]"))
    assert box["aria-labelledby"] == heading["id"]


def test_reader_pages_use_no_jargon(sample_site):
    for path in ("targets/PA2022-015.html", "targets/PA2024-015.html", "bureaus/lwb.html",
                 "delays/PA2022-007.html", "status/at_risk.html"):  # fmt: skip
        text = " ".join(soup(sample_site / path).get_text(" ").split())
        for jargon in ("straight-line", "allowed lag", "(Atom)", "distance from baseline"):
            assert jargon not in text, (path, jargon)


def test_home_page_counts_agree_and_a_not_yet_overdue_delay_page_is_not_under_overdue(sample_site):
    answer = expected_answer(sample_site)
    home = page(sample_site, "en", "index.html")
    missed = home.find(id="latest-missed").find_next("p").get_text(" ", strip=True)
    assert missed.startswith(f"{answer.missed} targets have reached their due quarter")
    crumbs = page(sample_site, "en", "delays/PA2022-015.html").select("nav.breadcrumbs a")
    assert "Overdue targets" not in [a.get_text(strip=True) for a in crumbs]
    crumbs = page(sample_site, "en", "delays/PA2022-007.html").select("nav.breadcrumbs a")
    assert "Overdue targets" in [a.get_text(strip=True) for a in crumbs]
