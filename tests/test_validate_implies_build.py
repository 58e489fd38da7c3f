"""If validate passes, build passes: every number published is finite, every quarter
buildable, every figure shown as typed.

First the defects one by one; then a property over generated registers and settings run
through everything the build computes without Pelican (fast, many examples); then a few
full builds of generated registers and of registers at the limits.
"""

from __future__ import annotations

import json
import math
import re
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from generator.assess import wording
from generator.assess.delays import misplaced_justifications, shortfall_at_due
from generator.assess.publication import publication_facts
from generator.project import settings
from generator.register import i18n, textsafety, validation
from generator.register.bureaufile import load_content
from generator.register.errors import PortalError, RegisterError
from generator.register.loader import SourceFile, load_sources
from generator.register.quarters import FIRST_YEAR, LAST_YEAR, Quarter
from generator.register.yamldoc import Document
from generator.site import charts, opendata, pages, portal, publish
from tests.conftest import ROOT, build_site

FAST = hypothesis_settings(max_examples=60, deadline=None, derandomize=True, database=None)
LANGUAGES = ("en", "zh-Hant")
# The declared bureaus and the names glossary, as the build reads them.
CONTENT = load_content(ROOT / "content", LANGUAGES)
# Bureau names the fixture register uses, so generated files name declared bureaus.
BUREAUS = ("Education Bureau", "Transport Bureau")


def target_text(**fields) -> str:
    """A valid numeric target file, with top-level fields replaced or added (None: dropped)."""
    values = {
        "id": "T-1",
        "title": "Connect schools",
        "policy_address": "2024",
        "bureau": BUREAUS[0],
        "due": "2026-Q4",
        "indicator": "{unit: schools, baseline: 100, target: 500}",
        "progress": "[{quarter: 2025-Q3, value: 300}]",
    } | fields
    return "".join(f"{key}: {value}\n" for key, value in values.items() if value is not None)


def load(text: str, reporting_quarter: Quarter | None = None) -> list:
    """Validate ``text`` as the register's only file, T-1.yaml."""
    source = SourceFile("targets/T-1.yaml", "T-1", text.encode())
    return load_sources([source], reporting_quarter=reporting_quarter, default_lang="en")


def refusal(text: str) -> str:
    """The error validating ``text`` gives; it must be a register error, not a crash."""
    with pytest.raises(RegisterError) as error:
        load(text)
    assert "Traceback" not in str(error.value)
    return str(error.value)


def test_the_base_file_is_valid():
    assert load(target_text())[0].indicator.target == 500


# --- numbers -----------------------------------------------------------------------


def checked(value) -> list[str]:
    """The problems the validator finds with ``value`` as indicator.target (no YAML)."""
    data = {
        "id": "T-1",
        "title": "Connect schools",
        "policy_address": 2024,
        "bureau": BUREAUS[0],
        "due": "2026-Q4",
        "indicator": {"unit": "schools", "baseline": 0, "target": value},
    }
    _target, problems = validation.build_target(Document("t/T-1.yaml", data), "T-1", "en", None)
    return [str(p) for p in problems]


def test_a_denormal_target_is_refused_not_published_as_infinity():
    # 5e-324 passed, and targets.json said "progress_fraction": Infinity.
    message = refusal(target_text(indicator="{unit: u, baseline: 0, target: 5.0e-324}"))
    assert "indicator.target: " in message
    assert checked(5e-324) == [
        "t/T-1.yaml: indicator.target: 5e-324 has more than 6 digits after the decimal "
        "point: round it (at most 6 decimals)"
    ]


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("0.0000001", "has more than 6 digits after the decimal point"),
        ("1.1234567", "has more than 6 digits after the decimal point"),
        ("1234567890.123456", "more than 15 significant digits"),
        ("1234567890123.456", "more than 15 significant digits"),
        ("1000000000000001", "is too large"),
    ],
)
def test_figures_beyond_what_a_kpi_needs_are_refused(typed, problem):
    message = refusal(target_text(indicator=f"{{unit: u, baseline: 0, target: {typed}}}"))
    assert f"indicator.target: {typed} " in message or "indicator.target: " in message
    assert problem in message


@pytest.mark.parametrize(
    "typed", ["0.000001", "999999999.999999", "123456789012345", "-0.5", "1000000000000000"]
)
def test_figures_at_the_limits_are_accepted(typed):
    assert load(target_text(indicator=f"{{unit: u, baseline: -1, target: {typed}}}"))


def test_a_progress_value_and_a_percentage_are_checked_alike():
    message = refusal(target_text(progress="[{quarter: 2025-Q3, value: 3.0000001}]"))
    assert "progress[0].value: 3.0000001 has more than 6 digits" in message
    milestone = target_text(
        indicator=None, progress="[{quarter: 2025-Q3, percent_complete: 0.1234567}]"
    )
    assert "progress[0].percent_complete: 0.1234567 has more than 6" in refusal(milestone)


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        (3.001, "3.001"),
        (9333.33, "9,333.33"),
        (1250, "1,250"),
        (3.5, "3.5"),
        (0.000001, "0.000001"),
        (-0.25, "-0.25"),
        (123456789012345, "123,456,789,012,345"),
        (999999999.999999, "999,999,999.999999"),
        (1e15, "1,000,000,000,000,000"),
        (18 - 9.1, "8.9"),  # a difference of typed figures, not 8.899999999999999
        (3.001 - 1, "2.001"),  # not 2.0010000000000003
        (100 + 400 * 3 / 7, "271.43"),  # worked out (an expected level): 2 decimals
        (2 / 3, "0.67"),
        (100.0, "100"),
        (None, "—"),
    ],
)
def test_figures_are_shown_as_typed(number, shown):
    assert wording.fmt_number(number) == shown


@pytest.mark.parametrize(
    ("fraction", "shown"),
    [(0.456, "46%"), (1.0, "100%"), (-0.001, "0%"), (-0.5, "-50%"), (1e21, f"1{'0' * 23}%")],
)
def test_shares_are_whole_percentages_without_float_noise(fraction, shown):
    # 0.000001 from baseline to target and 10^15 reached is a share of 10^23 per cent,
    # which the float prints as 99999999999999991611392.
    assert wording.fmt_percent(fraction) == shown


def test_a_shortfall_is_the_difference_of_the_figures_as_typed():
    text = target_text(
        indicator="{unit: u, baseline: 0, target: 99999999999999.9}",
        progress="[{quarter: 2026-Q4, value: 99999999999999.8}]",
    )
    gap = shortfall_at_due(load(text)[0]).gap
    assert wording.fmt_number(gap) == "0.1"  # in floats, 0.09375


def test_the_chart_labels_its_goal_as_typed():
    target = load(target_text(indicator="{unit: u, baseline: 1, target: 3.001}"))[0]
    spec = charts.target_spec(target, Quarter(2025, 3))
    goal = next(d for d in spec["data"] if d["name"] == "goal")
    assert goal["values"] == [{"level": 3.001, "label": "3.001"}]


# --- years and quarters --------------------------------------------------------------


@pytest.mark.parametrize("year", ["9999", "1949", "2101", "1000"])
def test_a_policy_address_year_outside_1950_to_2100_is_refused(year):
    message = refusal(target_text(policy_address=year, due=f"{year}-Q4"))
    assert f"policy_address: {year} is not a year from 1950 to 2100" in message


@pytest.mark.parametrize(
    ("year", "start", "due", "progress"),
    [
        ("1950", "1940-Q1", "1940-Q1", "1940-Q1"),
        ("2100", "2130-Q4", "2130-Q4", "2130-Q4"),
        ("2100", "2090-Q1", "2130-Q4", "2130-Q4"),
    ],
)
def test_quarters_at_the_limits_are_accepted(year, start, due, progress):
    text = target_text(
        policy_address=year, start=start, due=due, progress=f"[{{quarter: {progress}, value: 1}}]"
    )
    assert load(text)[0].due == Quarter.parse(due)


@pytest.mark.parametrize("text", ["1939-Q4", "2131-Q1", "9999-Q4", "0000-Q1"])
def test_a_quarter_outside_the_years_the_portal_handles_is_refused(text):
    with pytest.raises(ValueError, match="outside the years 1940 to 2130"):
        Quarter.parse(text)
    with pytest.raises(settings.SettingsError, match="REPORTING_QUARTER: .*1940 to 2130"):
        settings.from_pelican({"REPORTING_QUARTER": text})


def test_a_quarter_far_from_the_policy_address_still_says_so():
    message = refusal(target_text(due="3025-Q4"))
    assert "due: 3025-Q4 is too far from the policy address (2024): check the year" in message


# --- helpers shared by the property tests below ---------------------------------------

FINITE_FIGURE = re.compile(r"-?[0-9]{1,3}(,[0-9]{3})*(\.[0-9]{1,6})?")


def refuse_constant(name: str):
    """``json.loads`` hook: NaN and Infinity are not JSON."""
    raise AssertionError(f"{name} in published JSON")


def assert_finite(value, where: str) -> None:
    """Every number anywhere inside ``value`` is finite."""
    if isinstance(value, float):
        assert math.isfinite(value), where
    elif isinstance(value, dict):
        for key, item in value.items():
            assert_finite(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            assert_finite(item, f"{where}[{i}]")


# --- generated registers --------------------------------------------------------------

SOURCES = (
    "https://www.example.gov/report",
    "https://www.example.gov%2eevil.example/a",
    "https://\u9999\u6e2f.\u653f\u5e9c.hk/\u5831\u544a",
    "https://\u0430pple.example/",
)
LONG_TITLE = ("Build many more homes " * 250)[:4999] + "."
SAFE_TEXT = st.text(
    st.characters(exclude_categories=("Cc", "Cs", "Cf", "Cn", "Co", "Zl", "Zp")), max_size=40
).map(lambda t: f"A{t}")
texts = st.one_of(st.sampled_from(["Open parks", "開設十二間地區康健中心", LONG_TITLE]), SAFE_TEXT)
# What the validator must refuse, one of each kind: lines that replace a file's own.
NO_PROGRESS = "\nprogress: []"
REFUSED_LINES = [
    "policy_address: 9999\nstart: 9999-Q1\ndue: 9999-Q4" + NO_PROGRESS,
    "policy_address: 1949",
    "policy_address: 2101",
    "due: 1939-Q4",
    "due: 2131-Q1",
    "title: " + json.dumps("A\u202eB", ensure_ascii=False),
    "title: " + json.dumps("\u200b\u2060"),
    "title: " + json.dumps("x\x1by"),
    "title: " + json.dumps("A\tB"),
    "indicator: {unit: u, baseline: 0, target: 0.0000001}" + NO_PROGRESS,
    "indicator: {unit: u, baseline: 0, target: 1234567890.123456}" + NO_PROGRESS,
    "indicator: {unit: u, baseline: 0, target: 5.0e-324}" + NO_PROGRESS,
    "indicator: {unit: u, baseline: 0, target: 1e308}" + NO_PROGRESS,
    # 5e-324 and 1e400 typed out in digits, which YAML reads as numbers all the same.
    f"indicator: {{unit: u, baseline: 0, target: 0.{'0' * 323}5}}" + NO_PROGRESS,
    f"indicator: {{unit: u, baseline: 0, target: 1{'0' * 400}.0}}" + NO_PROGRESS,
    f"indicator: {{unit: u, baseline: 0, target: 1{'0' * 400}}}" + NO_PROGRESS,
]
# Settings the portal must refuse, or else build with.
ODD_SETTINGS = [{"AT_RISK_LAG": lag} for lag in (1, -0.1, math.nan, math.inf, True, "0.2")] + [
    {"REPORTING_QUARTER": q}
    for q in ("9999-Q4", "1000-Q1", "2131-Q1", "1939-Q4", "2025-Q5", "2025Q1", "2130-Q4")
]


@st.composite
def figures(draw) -> Decimal:
    """A figure as the validator accepts it: <= 6 decimals, 15 digits, 10^15."""
    decimals = draw(st.sampled_from([0, 0, 1, 2, 3, 6]))
    digits = draw(st.sampled_from([1, 3, 6, 9, 15 - decimals]))
    number = Decimal(draw(st.integers(0, 10**digits - 1))).scaleb(-decimals)
    return number if draw(st.booleans()) else -number


def typed(number: Decimal) -> str:
    """A number as staff type it: digits, ``-`` and ``.``, never an exponent."""
    return f"{number:f}"


@st.composite
def quarters_from(draw, first: Quarter, last: Quarter) -> Quarter:
    """A quarter from ``first`` to ``last``: either end as often as anything between."""
    span = last - first
    offset = draw(st.one_of(st.sampled_from([0, span, min(1, span)]), st.integers(0, span)))
    return first.shift(offset)


@st.composite
def target_fields(draw, number: int) -> tuple[dict[str, str], list[Quarter]]:
    """The top-level fields of a valid target file as YAML text, and its reported quarters."""
    year = draw(st.one_of(st.sampled_from([1950, 2100, 2024]), st.integers(1950, 2100)))
    first, last = Quarter(max(year - 10, FIRST_YEAR), 1), Quarter(min(year + 30, LAST_YEAR), 4)
    start = draw(st.one_of(st.none(), quarters_from(first, last)))
    begin = start or Quarter(year, 4)
    due = draw(quarters_from(begin, min(last, begin.shift(draw(st.sampled_from([0, 1, 8, 200]))))))
    fields = {
        "id": f"T-{number}",
        "title": json.dumps(draw(texts), ensure_ascii=False),
        "policy_address": str(year),
        "bureau": BUREAUS[number % len(BUREAUS)],
        "due": str(due),
    }
    if start is not None:
        fields["start"] = str(start)
    if draw(st.booleans()):  # partners by declared code and by name
        fields["partners"] = "[TB, Development Bureau]"
    milestone = draw(st.booleans())
    if not milestone:
        baseline, goal = draw(figures()), draw(figures())
        goal = goal if goal != baseline else baseline + 1
        way = "increase" if goal > baseline else "decrease"
        fields["indicator"] = (
            f"{{unit: {json.dumps(draw(texts), ensure_ascii=False)}, baseline: {typed(baseline)}, "
            f"target: {typed(goal)}, direction: {way}}}"
        )
    count = draw(st.integers(0, min(5, last - first + 1)))
    reported = sorted(draw(st.sets(quarters_from(first, last), min_size=count, max_size=count)))
    entries = []
    for quarter in reported:
        figure = draw(figures()) if not milestone else Decimal(draw(st.integers(0, 10**8))) / 10**6
        measure = "percent_complete" if milestone else "value"
        note = json.dumps(draw(texts), ensure_ascii=False)
        sources = json.dumps(draw(st.lists(st.sampled_from(SOURCES), max_size=2)))
        entries.append(
            f"  - {{quarter: {quarter}, {measure}: {typed(figure)}, note: {note}, "
            f"sources: {sources}}}"
        )
    if entries:
        fields["progress"] = "\n" + "\n".join(entries)
    if due < last and draw(st.booleans()):
        revised = draw(quarters_from(due.shift(1), last))
        fields["delay"] = f"{{reason: Late., revised_due: {revised}, measures: More crews.}}"
    if draw(st.integers(0, 4)) == 0:
        fields["withdrawn"] = f"{{quarter: {draw(quarters_from(first, last))}, reason: Dropped.}}"
    return fields, reported


def file_text(fields: dict[str, str]) -> str:
    """A target file from its fields."""
    return "".join(f"{key}: {value}\n" for key, value in fields.items())


@st.composite
def registers(draw) -> tuple[list[SourceFile], dict]:
    """A valid register of 1 to 3 targets and settings the portal accepts for it."""
    drawn = [draw(target_fields(n)) for n in range(draw(st.integers(1, 3)))]
    files = [fields for fields, _ in drawn]
    reported = [quarter for _, quarters in drawn for quarter in quarters]
    settings_ = {"AT_RISK_LAG": draw(st.sampled_from([0, 0.2, 0.5, 0.999999]))}
    if not reported or draw(st.booleans()):
        floor = max(reported, default=Quarter(FIRST_YEAR, 1))
        settings_["REPORTING_QUARTER"] = str(draw(quarters_from(floor, Quarter(LAST_YEAR, 4))))
    sources = [SourceFile(f"targets/{f['id']}.yaml", f["id"], file_text(f).encode()) for f in files]
    return sources, settings_


def replaced(source: SourceFile, lines: str) -> SourceFile:
    """``source`` with the top-level fields of ``lines`` (YAML text) replaced by them."""
    keys = {line.split(":")[0] for line in lines.splitlines()}
    kept, dropping = [], False
    for line in source.text.decode().splitlines():
        dropping = line.split(":")[0] in keys or (dropping and line.startswith(" "))
        kept += [] if dropping else [line]
    return SourceFile(source.shown, source.stem, "\n".join([*kept, lines, ""]).encode())


# --- the core property ---------------------------------------------------------------


def validated(sources: list[SourceFile], pelican: dict):
    """What ``validate`` checks: settings, every file, and a reporting quarter to use.

    Returns the portal, or None when the register or settings are refused (with a
    message, never a traceback).
    """
    bureaus, glossary = CONTENT
    try:
        portal_settings = settings.from_pelican({**pelican, "LANGUAGES": list(LANGUAGES)})
        targets = load_sources(
            sources,
            reporting_quarter=portal_settings.reporting_quarter,
            default_lang="en",
            bureaus=bureaus,
        )
        site = portal.build_portal(targets, portal_settings, bureaus)
        site.glossary = glossary
        return site
    except PortalError as exc:
        assert "Traceback" not in str(exc) and str(exc)
        return None


def published_json(text: str, where: str):
    """Parse published JSON, refusing NaN and Infinity, which JSON does not have."""
    data = json.loads(text, parse_constant=refuse_constant)
    assert_finite(data, where)
    return data


def build_everything(site: portal.Portal) -> None:
    """Everything the build computes besides writing pages, checked for finite figures."""
    misplaced_justifications(site.assessments)
    facts = publication_facts(site.quarter, 1, None, None)
    release = opendata.Release(facts, "Targets", "Office", None, None, ())
    for path, text in publish.site_files(site, release):
        if isinstance(text, bytes):  # the zip of the data files, checked as those files
            continue
        assert "\x00" not in text and "\x1b" not in text, path
        if path.endswith(".json"):
            published_json(text, path)
    for job in publish.chart_jobs(site):
        published_json(job.spec, job.outputs[0][1])
    publish.heatmap_views(site)
    for lang in LANGUAGES:
        with i18n.use(lang):
            assert pages.plan(site)
            for a in site.assessments:
                assert_shown(wording.chart_caption(a))
                assert_shown(
                    wording.fmt_measure(a.target, a.target.measure(a.latest)) if a.latest else ""
                )
            for j in site.justifications:
                s = j.shortfall
                assert_finite([s.promised, s.reached, s.gap, s.gap_percent], j.target.id)
                assert_shown(
                    wording.fmt_gap(j.target, s.gap) + wording.fmt_number(round(s.gap_percent, 1))
                )
    for a in site.assessments:
        assert_finite([a.fraction, a.expected], a.target.id)
        for row in charts.trajectory(a.target, site.quarter):
            assert_finite([row.expected, row.reported], a.target.id)


def assert_shown(words: str) -> None:
    """Words with figures in them show no float artefacts: no inf, nan or exponent."""
    assert not re.search(r"\binf\b|\bnan\b|[0-9]e[-+]?[0-9]", words, re.IGNORECASE), words


@FAST
@given(registers())
def test_a_valid_register_is_accepted_and_everything_the_build_computes_is_finite(register):
    sources, pelican = register
    site = validated(sources, pelican)
    assert site is not None, [s.text.decode()[:2000] for s in sources]
    build_everything(site)


@pytest.mark.parametrize("lines", REFUSED_LINES, ids=lambda t: t.split("\n")[0][:50])
@hypothesis_settings(FAST, max_examples=3)
@given(register=registers())
def test_each_kind_of_bad_file_is_refused_with_a_message(lines, register):
    sources, pelican = register
    sources[-1] = replaced(sources[-1], lines)
    site = validated(sources, pelican)
    if site is not None:
        build_everything(site)  # to show what goes wrong when it is let through
    assert site is None


@pytest.mark.parametrize("odd", ODD_SETTINGS, ids=repr)
@hypothesis_settings(FAST, max_examples=3)
@given(register=registers())
def test_with_any_setting_the_portal_accepts_everything_builds(odd, register):
    sources, pelican = register
    site = validated(sources, {**pelican, **odd})
    if site is not None:
        build_everything(site)


# --- full builds ------------------------------------------------------------------------


def limit_files() -> dict[str, str]:
    """Targets at the limits: the first and last years, due == start, a 1-quarter span,
    a 5,000-character title."""
    long_title = json.dumps(LONG_TITLE)
    return {
        "LIM-OLD": target_text(
            id="LIM-OLD", policy_address="1950", start="1940-Q1", due="1940-Q1",
            progress="[{quarter: 1940-Q1, value: 0.000001}]",
            indicator="{unit: schools, baseline: 0, target: 0.000001}",
        ),
        "LIM-NEW": target_text(
            id="LIM-NEW", policy_address="2100", start="2130-Q4", due="2130-Q4",
            indicator="{unit: km, baseline: 1000000000000000, target: -1000000000000000, "
            "direction: decrease}",
            progress="[{quarter: 2130-Q4, value: 999999999.999999}]",
        ),
        "LIM-LONG": target_text(
            id="LIM-LONG", title=f"{{en: {long_title}, zh-Hant: {long_title}}}",
            start="2024-Q4", due="2025-Q1", indicator=None,
            progress="[{quarter: 2025-Q1, percent_complete: 33.333333}]",
            delay="{reason: Late., revised_due: 2025-Q2, measures: More crews.}",
        ),
    }  # fmt: skip


def write_register(folder, files: dict[str, str]):
    """Write each (id, text) as ``folder/<id>.yaml``; return the folder."""
    folder.mkdir(parents=True)
    for target_id, text in files.items():
        (folder / f"{target_id}.yaml").write_text(text, encoding="utf-8")
    return folder


def check_site(output) -> None:
    """A built site publishes only finite figures, in valid JSON, with no unsafe text."""
    for path in sorted(output.rglob("*.json")):
        published_json(path.read_text(encoding="utf-8"), str(path))
    for path in sorted(output.rglob("*.html")) + sorted(output.rglob("*.csv")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\binf%|\bnan%|Infinity|\bNaN\b", text), path
        assert not any(textsafety.is_refused(ch) for ch in text if ch not in "\r"), path


@pytest.fixture(scope="module")
def limits_site(tmp_path_factory):
    register = write_register(tmp_path_factory.mktemp("limits") / "targets", limit_files())
    output = tmp_path_factory.mktemp("limits-site") / "output"
    result = build_site(register, output)
    return output, result


def test_a_register_at_the_limits_builds(limits_site):
    output, result = limits_site
    assert result.targets == 3
    check_site(output)
    data = published_json((output / "data" / "targets.json").read_text(), "targets.json")
    assert data["reporting_quarter"] == "2130-Q4"
    by_id = {t["id"]: t for t in data["targets"]}
    assert by_id["LIM-OLD"]["target"] == 0.000001
    assert by_id["LIM-OLD"]["history"][0]["quarter"] == "1940-Q1"
    assert by_id["LIM-NEW"]["latest_value"] == 999999999.999999
    assert by_id["LIM-LONG"]["title"] == LONG_TITLE


def test_figures_at_the_limits_are_shown_as_typed(limits_site):
    output, _ = limits_site
    page = (output / "targets" / "LIM-NEW.html").read_text(encoding="utf-8")
    assert "999,999,999.999999 km" in page
    assert "-1,000,000,000,000,000 km" in page
    assert "33.333333% complete" in (output / "targets" / "LIM-LONG.html").read_text()


def test_a_5000_character_title_is_kept_whole(limits_site):
    output, _ = limits_site
    page = BeautifulSoup((output / "targets" / "LIM-LONG.html").read_text(), "html.parser")
    assert page.h1.get_text() == LONG_TITLE
    assert page.title.get_text().startswith(LONG_TITLE)


@hypothesis_settings(FAST, max_examples=3)
@given(register=registers())
def test_generated_registers_build_end_to_end(register):
    sources, pelican = register
    with tempfile.TemporaryDirectory() as folder:
        files = {s.stem: s.text.decode() for s in sources}
        targets = write_register(Path(folder) / "targets", files)
        result = build_site(targets, Path(folder) / "output", **pelican)
        assert result.targets == len(sources)
        check_site(Path(folder) / "output")


def test_a_reporting_quarter_before_every_start_builds(tmp_path):
    # Nothing has a history yet: no report pages, no heat map, every target on track.
    files = {
        "T-1": target_text(progress=None),
        "T-2": target_text(
            id="T-2", policy_address="1950", start="1945-Q1", due="1960-Q4", indicator=None
        )
        .replace("value: 300", "percent_complete: 0")
        .replace("2025-Q3", "1940-Q1"),
    }
    register = write_register(tmp_path / "targets", files)
    result = build_site(register, tmp_path / "output", REPORTING_QUARTER="1940-Q1")
    assert (result.targets, str(result.reporting_quarter)) == (2, "1940-Q1")
    check_site(tmp_path / "output")
    data = published_json((tmp_path / "output" / "data" / "targets.json").read_text(), "json")
    assert [t["status"] for t in data["targets"]] == ["on_track", "on_track"]
