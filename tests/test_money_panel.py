"""The target page's Money panel and money chart, and the delay page's spent-by-due
sentence (REGISTER.md, "Funds"), on the fixture register with budgets added by hand.

Reporting quarter 2025-Q3 (the register's latest entry). Hand-worked figures:

- FX-RISK, 2024-Q4 to 2026-Q4 (8 quarters), HKD 120 million, 62.5 spent by 2025-Q2,
  500 of 10,000 trees: S = 62.5 / 120 = 52%, F = 5%, E = 3 / 8 = 37.5%, shown 38%;
  S - F = 0.47 > 0.20: spending ahead of results.
- FX-MISS, 2023-Q4 (Q4 of its policy address) to 2025-Q1, HKD 80 million: 48 spent by
  its due quarter (60%), 88 by 2025-Q3: S = 110%, F = (5.1 - 6) / (4 - 6) = 45%, E = 100%:
  spending ahead of results and overspent, not idle.
- FX-DELAY, due 2025-Q2, HKD 30 million, nothing spent: E - S = 1 > 0.20: funds idle.
- FX-ACH, achieved, HKD 5,000,000 (no unit), all spent: no funds flag (settled).
- FX-ON has no budget: no panel, no money chart; FX-PLAIN is FX-MISS without one.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.assess.status import assess
from generator.register import i18n
from generator.register.loader import load_register
from generator.register.quarters import Quarter, quarter_range
from generator.site import moneychart
from tests.conftest import FIXTURE_REGISTER, build_site
from tests.sitecheck import soup

R = Quarter(2025, 3)
MILLION = "{en: million, zh-Hant: 百萬}"
# (file, text to replace, its replacement): budgets and spending added to the fixture.
EDITS = [
    ("2024/FX-RISK.yaml", "progress:\n  - {quarter: 2025-Q2, value: 500}",
     f"budget: {{currency: HKD, allocated: 120, unit: {MILLION}}}\nprogress:\n"
     "  - {quarter: 2025-Q1, value: 200, spent: 10}\n"
     "  - {quarter: 2025-Q2, value: 500, spent: 62.5}"),
    ("2023/FX-MISS.yaml", "progress:\n  - {quarter: 2024-Q2, value: 5.8}\n"
     "  - {quarter: 2025-Q1, value: 5.5}\n  - {quarter: 2025-Q3, value: 5.1}",
     "budget: {currency: HKD, allocated: 80, unit: million}\nprogress:\n"
     "  - {quarter: 2024-Q2, value: 5.8, spent: 20}\n"
     "  - {quarter: 2025-Q1, value: 5.5, spent: 48}\n"
     "  - {quarter: 2025-Q3, value: 5.1, spent: 88}"),
    ("2024/FX-DELAY.yaml", "progress:\n",
     f"budget: {{currency: HKD, allocated: 30, unit: {MILLION}}}\nprogress:\n"),
    ("2023/FX-ACH.yaml", "progress:\n  - {quarter: 2024-Q3, value: 2,",
     "budget: {currency: HKD, allocated: 5000000}\nprogress:\n"
     "  - {quarter: 2024-Q3, value: 2, spent: 1000000,"),
    ("2023/FX-ACH.yaml", "verified_by: Audit Office,",
     "verified_by: Audit Office, spent: 5000000,"),
]  # fmt: skip


@pytest.fixture(scope="module")
def register(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("money") / "register"
    shutil.copytree(FIXTURE_REGISTER, folder)
    # A missed target without a budget, beside the same one with a budget (FX-MISS).
    plain = (folder / "2023/FX-MISS.yaml").read_text(encoding="utf-8")
    (folder / "2023/FX-PLAIN.yaml").write_text(plain.replace("FX-MISS", "FX-PLAIN"), "utf-8")
    for name, old, new in EDITS:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, (name, old)
        path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def assessments(register) -> dict:
    targets = load_register(register, reporting_quarter=None, default_lang="en")
    return {t.id: assess(t, R) for t in targets}


@pytest.fixture(scope="module")
def site(register, tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("money-site") / "output"
    build_site(register, output)
    return output


def page(site: Path, path: str):
    return soup(site / path)


# --- the pure parts ---------------------------------------------------------------


def test_money_rows_give_each_quarter_from_start_to_r_with_spending_as_typed(assessments):
    rows = moneychart.money_rows(assessments["FX-RISK"])
    assert [str(r.quarter) for r in rows] == ["2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3"]
    assert [r.spent for r in rows] == [None, 10, 62.5, 62.5]  # carried forward, as typed
    assert [r.spend for r in rows] == [0, 10 / 120, 62.5 / 120, 62.5 / 120]
    assert [r.delivered for r in rows] == [0, 0.02, 0.05, 0.05]
    assert [r.elapsed for r in rows] == [0, 1 / 8, 2 / 8, 3 / 8]


def test_money_rows_past_due_hold_time_at_the_whole_and_spending_above_it(assessments):
    rows = moneychart.money_rows(assessments["FX-MISS"])
    assert str(rows[0].quarter) == "2023-Q4" and len(rows) == 8
    last = rows[-1]
    assert (last.spent, last.spend, last.elapsed) == (88, 1.1, 1.0)
    assert last.delivered == pytest.approx(0.45)


def test_no_budget_no_rows_no_panel_no_chart_job(assessments):
    assert moneychart.money_rows(assessments["FX-ON"]) == []
    assert moneychart.money_panel(assessments["FX-ON"]) is None
    jobs = moneychart.chart_jobs(list(assessments.values()))
    paths = sorted(path for job in jobs for _, path in job.outputs)
    budgeted = ["FX-ACH", "FX-DELAY", "FX-MISS", "FX-RISK"]
    assert paths == sorted(
        f"charts/money/{tid}{narrow}.svg" for tid in budgeted for narrow in ("", ".narrow")
    )


def test_the_chart_spec_carries_the_three_shares_of_each_quarter(assessments):
    rows = moneychart.money_rows(assessments["FX-MISS"])
    spec = moneychart.money_spec(rows)
    data = {d["name"]: d.get("values") for d in spec["data"]}
    for key, field in (("spent", "spend"), ("delivered", "delivered"), ("elapsed", "elapsed")):
        expected = [{"quarter": str(r.quarter), "share": getattr(r, field)} for r in rows]
        assert data[key] == expected, key
    # No words in the chart: the same SVG serves every language.
    assert "million" not in str(spec) and "HKD" not in str(spec)


def test_the_phone_chart_names_at_most_seven_quarters_and_always_the_latest():
    quarters = quarter_range(Quarter(2020, 1), Quarter(2026, 3))
    rows = [moneychart.MoneyRow(q, None, None, 0, 0, 0) for q in quarters]
    spec = moneychart.money_spec(rows, narrow=True)
    (x_axis,) = [a for a in spec["axes"] if a["scale"] == "x"]
    assert len(x_axis["values"]) <= 7 and x_axis["values"][-1] == str(rows[-1].quarter)


def test_every_line_differs_from_the_others_in_dash_and_marker():
    styles = list(moneychart.MONEY_CHART_LEGEND.values())
    for i, one in enumerate(styles):
        for other in styles[i + 1 :]:
            assert one["dash"] != other["dash"] and one["marker"] != other["marker"]


def test_the_caption_says_where_each_line_starts_and_ends(assessments):
    with i18n.use("en"):
        rows = moneychart.money_rows(assessments["FX-RISK"])
        assert moneychart.money_caption(rows) == (
            "From 2024-Q4 to 2025-Q3, the share of the money spent went from 0% to 52%, "
            "the share of the result delivered from 0% to 5% and the share of the time to "
            "the due quarter gone from 0% to 38%."
        )
        assert moneychart.money_caption(rows[-1:]) == (
            "In 2025-Q3: 52% of the money spent, 5% of the result delivered and 38% of the "
            "time to the due quarter gone."
        )


# --- the built site ---------------------------------------------------------------


def test_the_money_panel_gives_the_money_line_and_its_flags(site):
    doc = page(site, "targets/FX-RISK.html")
    panel = doc.select_one("section.money")
    assert panel.h2.get_text() == "Money" and panel.h2["id"] == "money"
    assert panel.select_one(".money-line").get_text() == (
        # 2025-Q3's update has no spending line: the running total is 2025-Q2's, and the
        # sentence says so rather than that 62.5 was reported for 2025-Q3.
        "HKD 62.5 million of HKD 120 million spent by 2025-Q2, the latest spending reported "
        "(52%); by 2025-Q3, 5% of the result delivered and 38% of the time to the due "
        "quarter gone."
    )
    flags = [li.get_text(" ", strip=True) for li in panel.select("ul.flags li")]
    assert flags == [
        "Spending ahead of results. A much larger share of the money allocated has been spent "
        "than of the result delivered."
    ]
    # The status box names the funds flag and points to the panel, explaining the others.
    box = [li.get_text(" ", strip=True) for li in doc.select(".status-box ul.flags li")]
    assert box == [
        "No update this quarter. The bureau has not reported progress for the reporting quarter.",
        "Spending ahead of results. See the Money section",
    ]
    assert doc.select_one('.status-box a[href="#money"]') is not None


def test_overspent_and_idle_funds_are_shown_with_their_meanings(site):
    panel = page(site, "targets/FX-MISS.html").select_one("section.money")
    assert panel.select_one(".money-line").get_text() == (
        "HKD 88 million of HKD 80 million spent by 2025-Q3 (110%), with 45% of the "
        "result delivered and 100% of the time to the due quarter gone."
    )
    labels = [li.strong.get_text() for li in panel.select("ul.flags li")]
    assert labels == ["Spending ahead of results.", "Overspent."]
    panel = page(site, "targets/FX-DELAY.html").select_one("section.money")
    assert (
        panel.select_one(".money-line")
        .get_text()
        .startswith(
            "HKD 30 million allocated; no spending reported by 2025-Q3, with 60% of the result"
        )
    )
    assert [li.strong.get_text() for li in panel.select("ul.flags li")] == ["Funds idle."]


def test_a_settled_target_has_its_panel_without_flags(site):
    panel = page(site, "targets/FX-ACH.html").select_one("section.money")
    assert (
        panel.select_one(".money-line")
        .get_text()
        .startswith("HKD 5,000,000 of HKD 5,000,000 spent by 2025-Q1, the latest spending")
    )
    assert panel.select("ul.flags") == []


def test_the_money_chart_is_published_and_shown_with_its_phone_variant(site):
    figure = page(site, "targets/FX-RISK.html").select_one("section.money figure.chart")
    img, source = figure.select_one("img"), figure.select_one("source")
    assert img["src"].endswith("/charts/money/FX-RISK.svg")
    assert source["srcset"].endswith("/charts/money/FX-RISK.narrow.svg")
    for name in ("FX-RISK.svg", "FX-RISK.narrow.svg"):
        svg = (site / "charts" / "money" / name).read_text(encoding="utf-8")
        assert svg.startswith("<svg") and "<script" not in svg
        # Spent dashed, time dotted, delivered solid: told apart without colour.
        assert 'stroke-dasharray="6,4"' in svg and 'stroke-dasharray="2,2"' in svg
    caption = figure.figcaption.get_text(" ", strip=True)
    assert "Share of the money spent (dashed line with squares)" in caption
    assert "from 0% to 52%" in caption and "from 0% to 52%" in img["alt"]


def test_the_chart_table_lists_every_quarter_newest_first(site):
    table = page(site, "targets/FX-RISK.html").select_one("section.money table.money-table")
    heads = [th.get_text() for th in table.thead.select("th")]
    assert heads == [
        "Quarter", "Spent to date (HKD million)", "Share spent", "Result delivered", "Time gone"
    ]  # fmt: skip
    rows = [[c.get_text(strip=True) for c in tr.select("th, td")] for tr in table.tbody("tr")]
    assert [row[0] for row in rows] == ["2025-Q3", "2025-Q2", "2025-Q1", "2024-Q4"]
    assert rows[0] == ["2025-Q3", "62.5(as reported for 2025-Q2)", "52%", "5%", "38%"]
    assert rows[1] == ["2025-Q2", "62.5", "52%", "5%", "25%"]
    assert rows[3] == ["2024-Q4", "None reported", "0%", "0%", "0%"]


def test_the_chinese_page_has_the_panel_in_chinese(site):
    panel = page(site, "zh-hant/targets/FX-RISK.html").select_one("section.money")
    assert panel.h2.get_text() == "資金"
    assert panel.select_one(".money-line").get_text() == (
        "截至2025-Q2（最近一次報告開支），港幣 120 百萬中已動用港幣 62.5 百萬（52%）；"
        "截至2025-Q3，成果已交付5%，距到期季度的時間已過38%。"
    )
    heads = [th.get_text() for th in panel.select("table.money-table thead th")]
    assert heads[1] == "累計動用（港幣 百萬）"
    assert panel.select_one("img")["src"].endswith("/charts/money/FX-RISK.svg")  # one SVG


def test_a_target_without_a_budget_has_no_panel_and_no_money_chart(site):
    doc = page(site, "targets/FX-ON.html")
    assert doc.select("section.money") == [] and doc.select('a[href="#money"]') == []
    assert not (site / "charts" / "money" / "FX-ON.svg").exists()
    assert not (site / "charts" / "money" / "FX-ON.narrow.svg").exists()


def test_the_delay_page_says_what_was_spent_by_the_due_quarter(site):
    spent = page(site, "delays/FX-MISS.html").select_one("dd.spent-by-due")
    assert spent.get_text() == (
        "By its due quarter, 2025-Q1, HKD 48 million of the HKD 80 million allocated had "
        "been spent (60%)."
    )
    assert spent.find_previous_sibling("dt").get_text() == "Money"
    none_spent = page(site, "delays/FX-DELAY.html").select_one("dd.spent-by-due")
    assert (
        none_spent.get_text()
        == "No spending of the HKD 30 million allocated was reported by 2025-Q2."
    )
    zh = page(site, "zh-hant/delays/FX-MISS.html").select_one("dd.spent-by-due")
    assert (
        zh.get_text()
        == "截至到期季度2025-Q1，已撥的港幣 80 million中已動用港幣 48 million（60%）。"
    )


def test_a_delay_page_without_a_budget_has_no_money_line(site):
    doc = page(site, "delays/FX-PLAIN.html")
    assert doc.select("dd.spent-by-due") == [] and "allocated" not in doc.get_text()
    assert page(site, "targets/FX-PLAIN.html").select("section.money") == []
