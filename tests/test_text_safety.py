"""Register text is safe to show: no control, non-character or bidi-control code points,
no text made only of invisible characters, and source links show the host they open."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from generator.assess import wording
from generator.register import textsafety
from generator.register.errors import RegisterError
from generator.register.loader import SourceFile, load_sources
from generator.register.names import load_glossary
from generator.site.markup import render_markdown
from tests.conftest import FIXTURE_REGISTER, build_site

FX_ON = (FIXTURE_REGISTER / "2024" / "FX-ON.yaml").read_text()


def refusal(text: str) -> str:
    """Load ``text`` as the register's only file FX-ON.yaml; return the error it gets."""
    with pytest.raises(RegisterError) as error:
        load_sources(
            [SourceFile("targets/FX-ON.yaml", "FX-ON", text.encode())],
            reporting_quarter=None,
            default_lang="en",
        )
    message = str(error.value)
    assert "Traceback" not in message
    return message


def with_line(key: str, line: str) -> str:
    """FX-ON.yaml with its top-level ``key`` line replaced by ``line`` (added at the end)."""
    kept, dropping = [], False
    for old in FX_ON.splitlines():
        dropping = old.startswith(f"{key}:") or (dropping and old.startswith(" "))
        kept += [] if dropping else [old]
    return "\n".join([*kept, line]) + "\n"


def test_fixture_file_loads():
    assert load_sources(
        [SourceFile("targets/FX-ON.yaml", "FX-ON", FX_ON.encode())],
        default_lang="en",
        reporting_quarter=None,
    )


# Double-quoted YAML escapes get past the YAML reader's own check of the raw file.
CHARACTERS = [
    ("\\0", "control character U+0000 (NULL)"),
    ("\\x1b[31m", "control character U+001B (ESCAPE)"),
    ("\\x7f", "control character U+007F (DELETE)"),
    ("\\x9b", "control character U+009B (C1 CONTROL CHARACTER)"),
    ("\\N", "control character U+0085 (NEXT LINE)"),
    ("\\r", "control character U+000D (CARRIAGE RETURN)"),
    ("\\u202e", "character U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ("\\u202a", "character U+202A (LEFT-TO-RIGHT EMBEDDING)"),
    ("\\u2067", "character U+2067 (RIGHT-TO-LEFT ISOLATE)"),
    ("\\u200f", "character U+200F (RIGHT-TO-LEFT MARK)"),
    ("\\u061c", "character U+061C (ARABIC LETTER MARK)"),
    ("\\u2028", "character U+2028 (LINE SEPARATOR)"),
    ("\\ufdd0", "character U+FDD0 (NONCHARACTER)"),
    ("\\U0001FFFE", "character U+1FFFE (NONCHARACTER)"),
]


@pytest.mark.parametrize(("escape", "what"), CHARACTERS, ids=[c[0] for c in CHARACTERS])
def test_invisible_character_in_title_is_refused_with_line_field_and_code_point(escape, what):
    message = refusal(with_line("title", f'title: "Connect schools{escape} to fibre"'))
    line = len(FX_ON.splitlines())
    assert f"targets/FX-ON.yaml:{line}: title: the invisible {what} is not allowed: delete it" in (
        message
    )


ENTRY = "progress: [{quarter: 2025-Q3, value: 300, "


@pytest.mark.parametrize(
    ("key", "line", "field"),
    [
        ("bureau", 'bureau: "Education\\x1b[2J Bureau"', "bureau"),
        ("area", 'area: "Education\\u202e"', "area"),
        ("title", 'title: {en: "Schools", zh-Hant: "學校\\u2066"}', "title.zh-Hant"),
        ("description", 'description: "First line.\\n\\nSecond \\0 line."', "description"),
        ("progress", ENTRY + 'note: "a\\x07b"}]', "progress[0].note"),
        ("progress", ENTRY + 'sources: ["https://a.example/\\u202e"]}]', "progress[0].sources[0]"),
        ("partners", 'partners: ["Works\\u2069"]', "partners[0]"),
    ],
)  # fmt: skip
def test_every_field_is_checked(key, line, field):
    message = refusal(with_line(key, line))
    assert f": {field}: the invisible " in message


def test_surrogates_and_plane_end_noncharacters_are_refused():
    # The C YAML reader refuses an escaped surrogate itself; the pure-Python one does not.
    assert "U+D800 (SURROGATE HALF)" in textsafety.unsafe_character("a\ud800")
    assert "U+10FFFF (NONCHARACTER)" in textsafety.unsafe_character("\U0010ffff")
    assert textsafety.unsafe_character("a\tb\nc \u200d\u00ad\U000e0067") is None


def test_a_key_with_a_control_character_is_refused():
    assert "U+001B (ESCAPE)" in refusal(FX_ON + '"area\\x1b": Education\n')


def test_a_block_scalar_with_an_override_is_refused():
    text = FX_ON + "description: |\n  Fine text.\n  Reversed \u202etext here.\n"
    assert "description: the invisible character U+202E" in refusal(text)


def test_tab_is_fine_in_markdown_but_not_in_a_single_line():
    targets = load_sources(
        [SourceFile("t/FX-ON.yaml", "FX-ON", (FX_ON + 'description: "a\\tb\\nc"\n').encode())],
        default_lang="en",
        reporting_quarter=None,
    )
    assert targets[0].description["en"] == "a\tb\nc"
    assert "title: must be a single line of text" in refusal(
        with_line("title", 'title: "Connect\\tschools"')
    )


@pytest.mark.parametrize(
    "invisible",
    [
        "\\u200b",  # zero-width space
        "\\u200b\\u200c\\u200d",  # and non-joiner, joiner
        "\\u2060\\ufeff",  # word joiner, byte-order mark
        " \\u00a0\\u3000 ",  # spaces, no-break and ideographic
        "\\u0301\\u0308",  # combining marks with nothing to combine with
        "\\ufe0f",  # a variation selector alone
        "\\u3164\\u115f",  # Hangul fillers
    ],
)
def test_a_text_of_only_invisible_characters_counts_as_empty(invisible):
    message = refusal(with_line("title", f'title: "{invisible}"'))
    assert "title: must be text" in message or "title: shows nothing" in message


def test_visible_text_with_joiners_and_right_to_left_letters_is_kept():
    title = "Family \U0001f468\u200d\U0001f469\u200d\U0001f467 and \u05e9\u05dc\u05d5\u05dd"
    text = with_line("title", f"title: {json.dumps(title, ensure_ascii=False)}")
    targets = load_sources(
        [SourceFile("t/FX-ON.yaml", "FX-ON", text.encode())],
        reporting_quarter=None,
        default_lang="en",
    )
    assert targets[0].title == {"en": title}
    assert not textsafety.is_blank("\u0301e")


def test_the_names_glossary_is_checked(tmp_path):
    (tmp_path / "names.zh-Hant.yaml").write_text('Education Bureau: "教育局\\u202e"\n')
    with pytest.raises(RegisterError) as error:
        load_glossary(tmp_path, ("en", "zh-Hant"))
    assert "names.zh-Hant.yaml:1: Education Bureau: the invisible character U+202E" in str(
        error.value
    )


def test_a_glossary_name_of_only_invisible_characters_is_refused(tmp_path):
    (tmp_path / "names.zh-Hant.yaml").write_text('Education: "\u200b\u2060"\n')
    with pytest.raises(RegisterError) as error:
        load_glossary(tmp_path, ("en", "zh-Hant"))
    assert "names.zh-Hant.yaml:1: Education: each entry must be" in str(error.value)


# Source links: the host shown is the one the browser opens (WHATWG URL parsing).
@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://www.example.gov/report", "www.example.gov"),
        ("https://WWW.Example.GOV:8443/a", "www.example.gov"),
        ("https://www.example.gov%2eevil.example/", "www.example.gov.evil.example"),
        ("https://www.example.gov%2Eevil.example/", "www.example.gov.evil.example"),
        ("https://www.example.gov\u3002evil.example/", "www.example.gov.evil.example"),
        ("https://www.example.gov\uff0eevil.example/", "www.example.gov.evil.example"),
        ("https://\uff57\uff57\uff57.example.gov/", "www.example.gov"),  # full-width letters
        ("https://\u0430pple.com/", "xn--pple-43d.com"),  # Cyrillic a among Latin letters
        ("https://xn--80ak6aa92e.com/", "xn--80ak6aa92e.com"),  # all Cyrillic, looks Latin
        ("https://\u9999\u6e2f.\u653f\u5e9c.hk/", "\u9999\u6e2f.\u653f\u5e9c.hk"),  # pure Han
        ("https://xn--j6w193g.hk/", "\u9999\u6e2f.hk"),
        ("https://\u9999\u6e2fa.hk/", "xn--a-s39bx84j.hk"),  # Han mixed with Latin
        ("https://0x7f.1/", "127.0.0.1"),
        ("https://[::1]/", "[::1]"),
    ],
)
def test_url_host_is_the_host_the_browser_opens(url, shown):
    assert wording.url_host(url) == shown


@pytest.mark.parametrize(
    "url",
    [
        "https://a%20b.example/",
        "https://ex%00ample.com/",
        "https://exa%2fmple.com/",
        "https:///path-only",
        "https://www.example.gov\uff0f.evil.example/",
    ],
)
def test_source_the_browser_cannot_open_is_refused(url):
    line = f"progress: [{{quarter: 2025-Q3, value: 300, sources: [{json.dumps(url)}]}}]"
    message = refusal(with_line("progress", line))
    assert "progress[0].sources[0]: " in message
    assert "is not a web address" in message


@pytest.fixture(scope="module")
def spoofing_site(tmp_path_factory):
    """A built site whose sources are written to show one host and open another."""
    register = tmp_path_factory.mktemp("spoof") / "targets"
    register.mkdir()
    sources = [
        "https://www.example.gov%2eevil.example/a",
        "https://www.example.gov\u3002evil.example/b",
        "https://\u0430pple.com/c",
    ]
    line = f"progress: [{{quarter: 2025-Q3, value: 300, sources: {json.dumps(sources)}}}]"
    (register / "FX-ON.yaml").write_text(with_line("progress", line), encoding="utf-8")
    output = tmp_path_factory.mktemp("spoof-site") / "output"
    build_site(register, output, LANGUAGES=["en"])
    return output


def test_target_page_shows_the_host_each_source_opens(spoofing_site):
    page = BeautifulSoup((spoofing_site / "targets" / "FX-ON.html").read_text(), "html.parser")
    shown = [a.get_text() for a in page.find_all("a", rel="nofollow")]
    assert shown == ["www.example.gov.evil.example"] * 2 + ["xn--pple-43d.com"]


@pytest.mark.parametrize(
    ("reference", "what"),
    [
        ("&#x202E;", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("&#8238;", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("&rlm;", "U+200F (RIGHT-TO-LEFT MARK)"),
        ("&#x1b;", "U+001B (ESCAPE)"),
        ("&#x7F;", "U+007F (DELETE)"),
        ("&#xFDD0;", "U+FDD0 (NONCHARACTER)"),
        ("&#x000000202e", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),  # browsers need no ';'
        ("&#x81;", "U+0081 (C1 CONTROL CHARACTER)"),
    ],
)
def test_a_character_reference_in_markdown_is_checked_like_the_character(reference, what):
    # Markdown passes character references through to the page, where the browser
    # decodes them: "&#x202E;" in a description reversed the text after it.
    message = refusal(FX_ON + f"description: 'Fine {reference} text'\n")
    assert f"description: the character reference {reference} is the invisible" in message
    assert what in message


def test_harmless_character_references_stay():
    text = FX_ON + "description: 'Caf&eacute; &amp; tea &#x85; &#169; &#x4e2d;'\n"
    targets = load_sources(
        [SourceFile("t/FX-ON.yaml", "FX-ON", text.encode())],
        reporting_quarter=None,
        default_lang="en",
    )
    assert "Café &amp; tea … © 中" in str(render_markdown(targets[0].description["en"]))


def test_markdown_output_never_carries_a_refused_character():
    html = str(render_markdown("a &#x202E; b &#x1b; [x](https://a.example/&#x2066;)"))
    assert not any(textsafety.is_refused(ch) for ch in html), repr(html)
    assert html.startswith("<p>a  b  <a href=")


def test_the_fast_search_refuses_exactly_the_refused_code_points():
    # unsafe_character searches with one regular expression; it must agree with is_refused
    # on every code point there is.
    from generator.register.textsafety import is_refused, unsafe_character

    disagree = [
        code
        for code in range(0x110000)
        if (unsafe_character(chr(code)) is not None) != is_refused(chr(code))
    ]
    assert disagree == []
