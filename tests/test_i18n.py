"""Two languages: catalogs complete and in sync, page pairs, untranslated text, settings."""

from __future__ import annotations

import re
import shutil

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from generator.project.settings import from_pelican
from generator.register import i18n
from generator.register.errors import RegisterError, SettingsError
from generator.register.loader import load_register
from generator.register.translations import (
    missing_translations,
    missing_translations_markdown,
    translation_problems,
)
from tests.conftest import FIXTURE_REGISTER, ROOT, build_site

PLACEHOLDER = re.compile(r"%\(\w+\)s|%%")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def source_messages() -> set[str]:
    """Every interface string marked in the code and templates, as Babel extracts it."""
    method_map = [("generator/**.py", "python"), ("theme/templates/**.html", "jinja2")]
    options = {
        "theme/templates/**.html": {
            "trim_blocks": "True",
            "lstrip_blocks": "True",
            "newstyle_gettext": "True",
        }
    }
    found = set()
    for _, _, message, *_ in extract_from_dir(
        ROOT, method_map, options, keywords=KEYWORDS, comment_tags=()
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalog():
    with i18n.catalog_path("zh-Hant").open("rb") as po:
        return read_po(po)


def test_catalog_has_exactly_the_strings_the_code_uses():
    in_catalog = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog() if m.id}
    in_source = source_messages()
    assert in_source - in_catalog == set(), "run: invoke translations, then translate"
    assert in_catalog - in_source == set(), "stale entries: run invoke translations"


def test_every_string_is_translated_with_the_same_placeholders():
    for message in catalog():
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert all(strings) and not message.fuzzy, f"untranslated: {ids[0]!r}"
        for text in strings:
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(ids[-1])), ids


def test_strings_are_translated_inside_use_and_english_outside():
    with i18n.use("zh-Hant"):
        assert i18n.gettext("Missed") == "未達成"
        assert i18n.current() == "zh-Hant"
    assert i18n.gettext("Missed") == "Missed"
    assert i18n.current() is None


def test_language_folders_and_names():
    assert i18n.lang_root("en", "en") == ""
    assert i18n.lang_root("zh-Hant", "en") == "zh-hant/"
    assert i18n.language_name("zh-Hant") == "中文 (繁體)"
    assert i18n.language_name("en", "zh-Hant") == "英文"


@pytest.mark.parametrize(
    ("languages", "message"),
    [
        (["zh-Hant", "en"], "must start with DEFAULT_LANG"),
        (["en", "fr"], "no interface translation for fr"),
        ("en", "must be a list"),
    ],
)
def test_bad_languages_setting_is_refused(languages, message):
    with pytest.raises(SettingsError, match=message):
        from_pelican({"LANGUAGES": languages, "DEFAULT_LANG": "en"})


def test_missing_translations_are_listed_by_field(tmp_path):
    register = tmp_path / "targets"
    shutil.copytree(FIXTURE_REGISTER, register)
    targets = load_register(register, reporting_quarter=None, default_lang="en")
    missing = {t.id: missing_translations(t, ("en", "zh-Hant")) for t in targets}
    untranslated = [tid for tid, fields in missing.items() if "title" in fields]
    assert untranslated, "the fixture register should have an English-only title"
    problems = translation_problems(targets, ("en", "zh-Hant"))
    first = next(p for p in problems if p.field == "title")
    assert first.line == 2 and "REQUIRE_TRANSLATIONS" in first.message
    assert "'zh-Hant: ...'" in first.message
    section = missing_translations_markdown(targets, ("en", "zh-Hant"))
    assert section[0] == "### Missing translations"
    assert any(f"`{untranslated[0]}` | `title` | zh-Hant" in row for row in section)


def test_require_translations_refuses_the_build_and_keeps_the_site(tmp_path):
    output = tmp_path / "site"
    build_site(FIXTURE_REGISTER, output)
    before = (output / "index.html").read_bytes()
    with pytest.raises(RegisterError, match="REQUIRE_TRANSLATIONS is on"):
        build_site(FIXTURE_REGISTER, output, REQUIRE_TRANSLATIONS=True)
    assert (output / "index.html").read_bytes() == before


def page(site, path):
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def test_every_page_exists_in_both_languages(fixture_site):
    english = {p.relative_to(fixture_site) for p in fixture_site.rglob("*.html")}
    chinese = {
        p.relative_to(fixture_site / "zh-hant") for p in (fixture_site / "zh-hant").rglob("*.html")
    }
    english = {p for p in english if p.parts[0] not in ("zh-hant",)}
    assert english == chinese
    assert len(english) > 40


def test_pages_say_their_language_and_link_the_other(fixture_site):
    zh = page(fixture_site, "zh-hant/targets/FX-ACH.html")
    assert zh.html["lang"] == "zh-Hant"
    assert zh.h1.get_text(strip=True) == "開設四間社區健康中心"
    switch = zh.select_one(".lang-switch a")
    assert switch["hreflang"] == "en" and switch["href"] == "../../targets/FX-ACH.html"
    hreflangs = {link["hreflang"] for link in zh.select("link[rel=alternate][hreflang]")}
    assert hreflangs == {"en", "zh-Hant", "x-default"}
    assert page(fixture_site, "targets/FX-ACH.html").html["lang"] == "en"


def test_text_in_one_language_only_is_marked_never_blank(fixture_site):
    ids = [p.stem for p in (fixture_site / "zh-hant" / "targets").glob("FX-*.html")]
    marked = []
    for target_id in ids:
        h1 = page(fixture_site, f"zh-hant/targets/{target_id}.html").h1
        assert h1.get_text(strip=True)
        shown = h1.find(attrs={"lang": "en"})
        if shown is not None:
            assert shown.get_text(strip=True)
            assert h1.select_one(".lang-note").get_text(strip=True) == "（只有英文）"
            marked.append(target_id)
    assert marked, "the fixture register should have an English-only title"


def test_sharing_tags_on_a_target_page(fixture_site):
    html = page(fixture_site, "targets/FX-ACH.html")
    meta = {m.get("property"): m.get("content") for m in html.find_all("meta") if m.get("property")}
    assert meta["og:title"].startswith("Open 4 community health centres")
    assert "Achieved as of" in meta["og:description"]
    assert meta["og:type"] == "article"
    assert meta["og:image"] == "../charts/FX-ACH.png"  # no public address set: relative
    assert "og:url" not in meta


def test_published_site_gives_full_addresses_to_previews_and_search_engines(tmp_path):
    output = tmp_path / "site"
    build_site(FIXTURE_REGISTER, output, SITEURL="https://targets.example.gov/")
    html = page(output, "zh-hant/targets/FX-ACH.html")
    meta = {m.get("property"): m.get("content") for m in html.find_all("meta") if m.get("property")}
    assert meta["og:url"] == "https://targets.example.gov/zh-hant/targets/FX-ACH.html"
    assert meta["og:image"] == "https://targets.example.gov/charts/FX-ACH.png"
    assert meta["og:locale"] == "zh_HK"
    alternates = {link["hreflang"]: link["href"] for link in html.select("link[hreflang]")}
    assert alternates["en"] == "https://targets.example.gov/targets/FX-ACH.html"
    # Links between pages stay relative, so the site still works from any folder.
    assert html.select_one(".lang-switch a")["href"] == "../../targets/FX-ACH.html"
    assert "centres" in html.find("meta", attrs={"name": "description"})["content"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Housing Bureau: [not, text]\n",
            "names.zh-Hant.yaml:1: Housing Bureau: each entry must be",
        ),
        ("- a list\n", "names.zh-Hant.yaml:1: must be a mapping"),
        ("Housing Bureau: 房屋局\nHousing Bureau: 房署\n", "names.zh-Hant.yaml:2"),
    ],
)
def test_a_bad_names_glossary_is_refused_with_its_line(tmp_path, text, expected):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "names.zh-Hant.yaml").write_text(text, encoding="utf-8")
    output = tmp_path / "site"
    build_site(FIXTURE_REGISTER, output)
    before = (output / "index.html").read_bytes()
    with pytest.raises(RegisterError) as refused:
        build_site(FIXTURE_REGISTER, output, PATH=str(content))
    assert expected in str(refused.value)
    assert (output / "index.html").read_bytes() == before
