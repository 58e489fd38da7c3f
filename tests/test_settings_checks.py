"""Every setting the portal reads is checked at start-up, with one clear message each.

Settings are read as Pelican reads them (``build.read_settings``), so that what is
checked is what the build would get, after Pelican's own changes (it lower-cases
DEFAULT_LANG and drops a trailing slash from SITEURL).
"""

from __future__ import annotations

import datetime
import json
import math
import os
import shutil
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup

from generator.build import read_settings
from generator.project.settings import from_pelican, unknown_settings
from generator.register import i18n
from generator.register.errors import SettingsError
from tests.conftest import FIXTURE_REGISTER, ROOT, build_site

URL_MESSAGE = "must be an http(s) address such as https://targets.example.gov, or empty"


def settings(**overrides) -> dict:
    """The project's settings, as the build reads them, with ``overrides``."""
    return read_settings(
        ROOT / "pelicanconf.py", {"TARGETS_PATH": str(FIXTURE_REGISTER), **overrides}
    )


def problem(**overrides) -> str:
    """The message refusing the project's settings with ``overrides``."""
    with pytest.raises(SettingsError) as error:
        from_pelican(settings(**overrides))
    message = str(error.value)
    assert "Traceback" not in message
    return message


# --- SITEURL and the other web addresses ----------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)//",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        'https://targets.example.gov/"><script>alert(1)</script>',
        "https://targets.example.gov/ onmouseover=alert(1)",
        "//targets.example.gov",
        "targets.example.gov",
        "ftp://targets.example.gov",
        "https://",
        "https://user:secret@targets.example.gov",
        "https://targets.example.gov/?q=1",
        "https://targets.example.gov/#top",
        "https://targets example.gov",
        " https://targets.example.gov",
        "https://targets.example.gov:99999",
        "https://-bad-.example.gov",
    ],
)
def test_siteurl_that_is_not_a_web_address_is_refused(url):
    message = problem(SITEURL=url)
    assert message.startswith("SITEURL: '") and message.endswith(URL_MESSAGE)


def test_siteurl_message_quotes_the_value():
    assert (
        problem(SITEURL="javascript:alert(1)//") == f"SITEURL: 'javascript:alert(1)/' {URL_MESSAGE}"
    )


@pytest.mark.parametrize(
    "url",
    [
        "",
        "https://targets.example.gov",
        "https://targets.example.gov/",
        "HTTPS://Targets.Example.GOV",
        "http://localhost:8000",
        "https://example.github.io/kpi-portal",
        "https://example.gov/policy%20targets/",
        "http://127.0.0.1:8000",
    ],
)
def test_siteurl_web_address_or_empty_is_taken(url):
    assert from_pelican(settings(SITEURL=url)).siteurl == url.rstrip("/")


def test_siteurl_none_is_empty():
    # Pelican itself cannot read SITEURL = None; a settings mapping may still hold it.
    assert from_pelican({**settings(), "SITEURL": None}).siteurl == ""


def test_the_content_folder_is_checked_like_the_other_folders():
    # Pelican makes PATH absolute while reading a settings file: set it afterwards.
    with pytest.raises(SettingsError, match="^PATH: must be a folder path, such as content$"):
        from_pelican({**settings(), "PATH": ""})


def test_data_licence_address_is_checked_like_siteurl():
    message = problem(DATA_LICENSE_URL="javascript:alert(1)")
    assert message.startswith("DATA_LICENSE_URL: 'javascript:alert(1)' must be an http(s) address")
    assert "DATA_LICENSE_URL: required with DATA_LICENSE" in problem(DATA_LICENSE_URL="")
    # No licence named: no link to one is needed.
    from_pelican(settings(DATA_LICENSE="", DATA_LICENSE_URL=""))


# --- Every other setting the portal reads ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TARGETS_PATH", "", "TARGETS_PATH: must be a folder path, such as targets"),
        ("TARGETS_PATH", 5, "TARGETS_PATH: 5 must be a folder path, such as targets"),
        ("EDITIONS_PATH", 5, "EDITIONS_PATH: 5 must be a folder path, such as editions"),
        (
            "REPORTING_QUARTER",
            "2026Q3",
            "REPORTING_QUARTER: '2026Q3' is not a quarter (use YYYY-Qn)",
        ),
        ("REPORTING_QUARTER", 2026, "REPORTING_QUARTER: 2026 is not a quarter (use YYYY-Qn)"),
        ("AT_RISK_LAG", 1, "AT_RISK_LAG: 1 must be a number from 0 up to (not incl.) 1"),
        ("AT_RISK_LAG", -0.1, "AT_RISK_LAG: -0.1 must be a number from 0"),
        ("AT_RISK_LAG", "0.2", "AT_RISK_LAG: '0.2' must be a number"),
        ("AT_RISK_LAG", True, "AT_RISK_LAG: True must be a number"),
        ("AT_RISK_LAG", math.nan, "AT_RISK_LAG: nan must be a number"),
        ("SAMPLE_DATA", "False", "SAMPLE_DATA: 'False' must be True or False (without quotes)"),
        ("SAMPLE_DATA", 0, "SAMPLE_DATA: 0 must be True or False"),
        ("SAMPLE_DATA", None, "SAMPLE_DATA: None must be True or False"),
        ("REQUIRE_TRANSLATIONS", "no", "REQUIRE_TRANSLATIONS: 'no' must be True or False"),
        ("RELATIVE_URLS", False, "RELATIVE_URLS: must be True"),
        ("CHART_CACHE_PATH", 5, "CHART_CACHE_PATH: 5 must be a folder path"),
        ("CHART_CACHE_PATH", str(FIXTURE_REGISTER.parent), "CHART_CACHE_PATH: "),
        ("LANGUAGES", ["en", "../x"], "LANGUAGES: '../x' is not a language tag"),
        ("LANGUAGES", ["en", ""], "LANGUAGES: '' is not a language tag"),
        ("LANGUAGES", [], "LANGUAGES: must start with DEFAULT_LANG ('en')"),
        ("LANGUAGES", "en", "LANGUAGES: 'en' must be a list of language tags"),
        ("LANGUAGES", ["en", "fr"], "LANGUAGES: no interface translation for fr"),
        ("DEFAULT_LANG", "fr", "LANGUAGES: must start with DEFAULT_LANG ('fr')"),
        ("SITENAME", "", "SITENAME: must be the site's name"),
        ("SITENAME", ["x"], "SITENAME: ['x'] must be the site's name"),
        ("SITE_OWNER", 5, "SITE_OWNER: 5 must be text"),
        ("SITE_OWNER", None, "SITE_OWNER: None must be text, in quotes"),
        ("DATA_LICENSE", 4, "DATA_LICENSE: 4 must be text"),
        ("JINJA_ENVIRONMENT", {"autoescape": False}, "JINJA_ENVIRONMENT: autoescape must be True"),
        ("PLUGINS", [], "PLUGINS: must include 'generator.plugin'"),
        ("FINANCIAL_YEAR_START", 0, "FINANCIAL_YEAR_START: 0 must be the number of the month"),
        ("FINANCIAL_YEAR_START", 13, "FINANCIAL_YEAR_START: 13 must be the number of the month"),
        ("FINANCIAL_YEAR_START", "4", "FINANCIAL_YEAR_START: '4' must be the number of the month"),
        ("FINANCIAL_YEAR_START", True, "FINANCIAL_YEAR_START: True must be the number"),
        ("FINANCIAL_YEAR_START", None, "FINANCIAL_YEAR_START: None must be the number"),
        ("PUBLISHED_DATE", "2026-02-30", "PUBLISHED_DATE: '2026-02-30' must be an ISO date"),
        ("PUBLISHED_DATE", "1 Dec 2026", "PUBLISHED_DATE: '1 Dec 2026' must be an ISO date"),
        ("PUBLISHED_DATE", 20261201, "PUBLISHED_DATE: 20261201 must be an ISO date"),
    ],
)
def test_bad_setting_is_refused_with_one_message(name, value, message):
    found = problem(**{name: value})
    assert found.startswith(message), found
    assert len(found.splitlines()) == 1, found


def test_publication_settings_are_taken_and_default_to_calendar_quarters_and_the_commit():
    portal = from_pelican(settings())
    assert (portal.financial_year_start, portal.published_date) == (1, None)
    portal = from_pelican(settings(FINANCIAL_YEAR_START=4, PUBLISHED_DATE=" 2026-12-01 "))
    assert (portal.financial_year_start, portal.published_date) == (4, "2026-12-01")
    dated = from_pelican(settings(PUBLISHED_DATE=datetime.date(2026, 12, 1)))
    assert dated.published_date == "2026-12-01"


def test_cache_folder_holding_the_register_is_refused():
    # The cache is "safe to delete at any time": it must never be a folder holding the register.
    message = problem(CHART_CACHE_PATH=str(FIXTURE_REGISTER.parent))
    assert "holds TARGETS_PATH" in message and "a folder of its own" in message


def test_every_bad_setting_is_listed_at_once():
    message = problem(SITEURL="javascript:x", AT_RISK_LAG=2, SAMPLE_DATA="yes")
    lines = message.splitlines()
    assert [line.split(":", 1)[0] for line in lines] == ["AT_RISK_LAG", "SAMPLE_DATA", "SITEURL"]


def test_the_project_settings_are_good():
    portal = from_pelican(settings())
    assert portal.languages == ("en", "zh-Hant") and portal.default_lang == "en"
    assert unknown_settings(settings()) == []


# --- DEFAULT_LANG, in any case ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("default_lang", "languages", "expected"),
    [
        ("zh-Hant", ["zh-Hant", "en"], ("zh-Hant", "en")),
        ("ZH-HANT", ["zh-hant", "EN"], ("zh-Hant", "en")),
        ("zh_Hant", ["zh-Hant", "en"], ("zh-Hant", "en")),
        ("EN", ["en", "zh-Hant"], ("en", "zh-Hant")),
        ("En-gb", None, ("en-GB",)),
        ("zh-hant", None, ("zh-Hant",)),
    ],
)
def test_default_lang_in_any_case_is_the_catalogs_tag(default_lang, languages, expected):
    portal = from_pelican(settings(DEFAULT_LANG=default_lang, LANGUAGES=languages))
    assert portal.default_lang == expected[0]
    assert portal.languages == expected


def test_interface_strings_are_found_for_a_tag_in_any_letter_case():
    with i18n.use("zh-Hant"):
        chinese = i18n.gettext("Skip to main content")
    assert chinese != "Skip to main content"
    for tag in ("zh-hant", "ZH-HANT", "zh_hant"):
        with i18n.use(tag):
            assert i18n.gettext("Skip to main content") == chinese, tag


@pytest.fixture(scope="module")
def chinese_first_site(tmp_path_factory):
    """The fixture register built with Traditional Chinese as the default language."""
    output = tmp_path_factory.mktemp("zh-first") / "output"
    build_site(FIXTURE_REGISTER, output, DEFAULT_LANG="zh-Hant", LANGUAGES=["zh-Hant", "en"])
    return output


def test_chinese_default_language_lives_at_the_site_root(chinese_first_site):
    root = BeautifulSoup((chinese_first_site / "index.html").read_text(), "html.parser")
    assert root.html["lang"] == "zh-Hant"
    english = BeautifulSoup((chinese_first_site / "en" / "index.html").read_text(), "html.parser")
    assert english.html["lang"] == "en"
    assert not (chinese_first_site / "zh-hant").exists()
    switch = root.select_one(".lang-switch a")
    assert switch["hreflang"] == "en" and switch["href"].endswith("en/index.html")


def test_chinese_default_language_titles_the_published_data(chinese_first_site):
    data = json.loads((chinese_first_site / "data" / "targets.json").read_text(encoding="utf-8"))
    titles = {t["id"]: t["title"] for t in data["targets"]}
    assert titles["FX-ACH"] == "開設四間社區健康中心"


# --- Misspelt settings ------------------------------------------------------------------------


def test_misspelt_portal_setting_is_a_warning_with_a_suggestion():
    warnings = unknown_settings(settings(REPORTNG_QUARTER="2026-Q3", AT_RISK_LAGG=0.3))
    assert warnings == [
        "AT_RISK_LAGG: unknown setting, ignored; did you mean AT_RISK_LAG?",
        "REPORTNG_QUARTER: unknown setting, ignored; did you mean REPORTING_QUARTER?",
    ]


def test_publishing_settings_have_no_unknown_setting():
    environment = {**os.environ, "PORTAL_SITEURL": "https://targets.example.gov"}
    code = (
        "from generator.build import read_settings\n"
        "from generator.project.settings import from_pelican, unknown_settings\n"
        "s = read_settings('publishconf.py')\n"
        "print(from_pelican(s).siteurl, unknown_settings(s))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.stdout.strip() == "https://targets.example.gov []", result.stderr


# --- Through the real command line -----------------------------------------------------------


@pytest.fixture
def project(tmp_path):
    shutil.copytree(FIXTURE_REGISTER, tmp_path / "targets")
    base = (
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"TARGETS_PATH = {str(tmp_path / 'targets')!r}\n"
        f"PATH = {str(ROOT / 'content')!r}\nTHEME = {str(ROOT / 'theme')!r}\n"
    )
    (tmp_path / "base.py").write_text(base)
    return tmp_path


def cli_run(project, settings_text: str, *args: str, env=None) -> subprocess.CompletedProcess:
    (project / "settings.py").write_text("from base import *\n" + settings_text)
    return subprocess.run(
        [sys.executable, "-m", "generator", "--settings", "settings.py", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_bad_siteurl_stops_the_build_before_anything_is_written(project):
    result = cli_run(project, 'SITEURL = "javascript:alert(1)//"\n', "build", "--output", "out")
    assert result.returncode == 1
    assert f"settings.py: SITEURL: 'javascript:alert(1)/' {URL_MESSAGE}" in result.stderr
    assert "Traceback" not in result.stderr and "unexpectedly" not in result.stderr
    assert not (project / "out").exists() and not (project / "out.building").exists()


def test_every_bad_setting_is_one_line_naming_the_settings_file(project):
    result = cli_run(project, "AT_RISK_LAG = 5\nSAMPLE_DATA = 'no'\n", "validate")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[-2].startswith("settings.py: AT_RISK_LAG: 5 must be a number"), lines
    assert lines[-1].startswith("settings.py: SAMPLE_DATA: 'no' must be True or False"), lines


def test_misspelt_setting_warns_through_the_command_line(project):
    result = cli_run(project, "REPORTNG_QUARTER = '2026-Q3'\n", "validate")
    assert result.returncode == 0, result.stderr
    assert (
        "Warning: settings.py: REPORTNG_QUARTER: unknown setting, ignored; "
        "did you mean REPORTING_QUARTER?" in result.stderr
    )


def test_publishconf_refuses_a_bad_public_address_from_the_environment(tmp_path):
    environment = {**os.environ, "PORTAL_SITEURL": "javascript:alert(1)"}
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--settings", str(ROOT / "publishconf.py"), "validate"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )
    assert result.returncode == 1
    assert f"SITEURL: 'javascript:alert(1)' {URL_MESSAGE}" in result.stderr
    assert "Traceback" not in result.stderr


def test_publishconf_refuses_a_sample_data_flag_it_cannot_read(tmp_path):
    environment = {**os.environ, "PORTAL_SAMPLE_DATA": "maybe"}
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--settings", str(ROOT / "publishconf.py"), "validate"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )
    assert result.returncode == 1
    assert "PORTAL_SAMPLE_DATA: 'maybe' must be 1 (sample data) or 0 (a real register)" in (
        result.stderr
    )
