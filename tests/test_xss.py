"""Hostile text in every register field never becomes active content in the built site.

The payloads follow the OWASP XSS filter evasion cheat sheet; each target carries a
different one in every text field, including the Markdown ones.
"""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from tests.conftest import build_site
from tests.contentdir import content_with

PAYLOADS = [
    "<script>alert(1)</script>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert('XSS')>",
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>">',
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<BODY ONLOAD=alert('XSS')>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="javascript:alert(1)">x</a>',
    "[click me](javascript:alert(1))",
    "<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>",
    '"><script>alert(1)</script>',
    "'';!--\"<XSS>=&{()}",
    '<INPUT TYPE="IMAGE" SRC="javascript:alert(\'XSS\');">',
    '<LINK REL="stylesheet" HREF="javascript:alert(\'XSS\');">',
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(\'XSS\');">',
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">x</DIV>",
    '<object data="javascript:alert(1)"></object>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    "[x](&#106;avascript:alert(1))",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<details open ontoggle=alert(1)>",
]
URL_ATTRIBUTES = ("href", "src", "action", "data", "background", "formaction", "xlink:href")
ACTIVE_TAGS = ("script", "iframe", "object", "embed", "base", "form", "input", "style")


def target_yaml(number: int, payload: str) -> str:
    """A valid target whose every text field carries ``payload``."""
    text = json.dumps(payload)  # a double-quoted YAML string
    markdown = json.dumps(f"Before {payload} after")
    return f"""\
id: XSS-{number:02d}
title: {{en: {text}, zh-Hant: {text}}}
policy_address: 2024
bureau: {json.dumps("Bureau " + payload)}
partners: [{text}]
area: {text}
description: {markdown}
due: 2025-Q2
indicator: {{unit: {text}, baseline: 0, target: 10}}
progress:
  - quarter: 2025-Q1
    value: 2
    note: {markdown}
    verified_by: {text}
    sources: ["https://www.example.gov/report?q=%3Cscript%3E"]
  - quarter: 2025-Q3
    value: 3
delay:
  reason: {markdown}
  revised_due: 2025-Q4
  measures: {markdown}
  responsible: {text}
"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    register = tmp_path_factory.mktemp("xss") / "targets"
    register.mkdir()
    for number, payload in enumerate(PAYLOADS):
        (register / f"XSS-{number:02d}.yaml").write_text(target_yaml(number, payload))
    withdrawn = target_yaml(99, PAYLOADS[0]).replace("XSS-99", "XSS-WD")
    withdrawn += f"withdrawn: {{quarter: 2025-Q3, reason: {json.dumps(PAYLOADS[5])}}}\n"
    (register / "XSS-WD.yaml").write_text(withdrawn)
    # Bureau and partner names are declared in bureaus.yaml: the payloads go there too,
    # in names and panels of both languages.
    bureaus = [
        {"code": f"X{n:02d}", "name": {"en": name, "zh-Hant": name}, "panel": {"en": name}}
        for n, payload in enumerate(PAYLOADS)
        for name in ("Bureau " + payload,)
    ] + [
        {"code": f"P{n:02d}", "name": {"en": payload}, "panel": {"zh-Hant": payload}}
        for n, payload in enumerate(PAYLOADS)
    ]
    content = content_with(tmp_path_factory.mktemp("xss-content"), bureaus)
    output = tmp_path_factory.mktemp("xss-site") / "output"
    build_site(register, output, PATH=str(content))
    return output


def active_content(path, parser: str) -> list[str]:
    """Scripts, event handlers and javascript: URLs found in one output file."""
    page = BeautifulSoup(path.read_text(encoding="utf-8"), parser)
    found = [f"<{tag.name}>" for tag in page.find_all(ACTIVE_TAGS)]
    for tag in page.find_all(True):
        for name, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if name.lower().startswith("on"):
                found.append(f"{tag.name}[{name}]")
            squeezed = "".join(value.split()).lower()
            if name.lower() in URL_ATTRIBUTES and squeezed.startswith(("javascript:", "data:")):
                found.append(f"{tag.name}[{name}]={value}")
            if name.lower() == "style" and "javascript:" in squeezed:
                found.append(f"{tag.name}[style]")
        if tag.name == "meta" and str(tag.get("http-equiv", "")).lower() == "refresh":
            found.append("<meta refresh>")
    return found


def test_register_with_payloads_builds(hostile_site):
    data = json.loads((hostile_site / "data" / "targets.json").read_text())
    assert len(data["targets"]) == len(PAYLOADS) + 1 >= 21
    assert data["targets"][0]["title"] == PAYLOADS[0]  # data keeps the text as given


# The site's own search forms, and on the search page its own script; nothing else.
EXPECTED_ACTIVE = {
    "index.html": ["<form>", "<input>"],
    "404.html": ["<form>", "<input>"],  # the search box, for an address that is gone
    "search.html": ["<form>", "<input>", "<script>"],
}


def test_no_page_has_active_content(hostile_site):
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 50
    problems = {str(p.relative_to(hostile_site)): active_content(p, "html.parser") for p in pages}
    found = {page: found for page, found in problems.items() if found}
    expected = {**EXPECTED_ACTIVE, **{f"zh-hant/{k}": v for k, v in EXPECTED_ACTIVE.items()}}
    assert found == expected
    for search_page in ("search.html", "zh-hant/search.html"):
        page = BeautifulSoup((hostile_site / search_page).read_text(), "html.parser")
        assert [s["src"].rsplit("/", 1)[-1] for s in page.find_all("script")] == ["search.js"]


def test_payload_text_is_shown_as_text(hostile_site):
    page = BeautifulSoup((hostile_site / "targets" / "XSS-00.html").read_text(), "html.parser")
    assert page.h1.get_text() == "<script>alert(1)</script>"


@pytest.mark.filterwarnings("ignore::bs4.XMLParsedAsHTMLWarning")
def test_no_chart_or_feed_has_active_content(hostile_site):
    for path in sorted(hostile_site.rglob("*.svg")) + sorted(hostile_site.rglob("*.xml")):
        assert active_content(path, "html.parser") == [], path


def test_every_page_forbids_scripts_and_other_hosts(hostile_site):
    for path in sorted(hostile_site.rglob("*.html")):
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        policy = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert policy is not None, path
        assert "default-src 'self'" in policy["content"]
        scripts = "script-src 'self'" if path.name == "search.html" else "script-src 'none'"
        assert scripts in policy["content"], path
