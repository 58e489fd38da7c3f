"""WCAG 2.1 AA: axe-core finds no violation on any kind of page, in either language."""

from __future__ import annotations

from importlib.resources import files

import pytest

from tests.browser.pages import LANGUAGES, PAGES, search_results

# axe-core as bundled by axe-playwright-python, so the tests need nothing from the network.
AXE_SOURCE = (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

VIEWPORTS = ["desktop", "phone"]


def axe_violations(tab) -> list[dict]:
    # evaluate() is not bound by the page's Content-Security-Policy, which forbids scripts.
    tab.evaluate(AXE_SOURCE)
    return tab.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"]


def describe(violation: dict) -> str:
    lines = [f"{violation['id']} ({violation['impact']}): {violation['help']}"]
    for node in violation["nodes"]:
        summary = " ".join(node.get("failureSummary", "").split())
        lines.append(f"    {' '.join(node['target'])}: {summary}")
    lines.append(f"    {violation['helpUrl']}")
    return "\n".join(lines)


def report(violations: list[dict], url: str) -> str:
    details = "\n".join(describe(v) for v in violations)
    return f"{len(violations)} axe violation(s) on {url}:\n{details}"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_violation(tabs, path, lang, viewport):
    tab = tabs.visit(lang, path, viewport)
    violations = axe_violations(tab)
    if violations:
        pytest.fail(report(violations, tab.url), pytrace=False)


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_axe_finds_no_violation_in_search_results(tabs, lang, viewport):
    tab = search_results(tabs, lang, viewport)
    violations = axe_violations(tab)
    if violations:
        pytest.fail(report(violations, tab.url), pytrace=False)


def test_axe_reports_what_it_should(tabs):
    # A guard on the options above: a mistyped tag makes axe run no rule and pass anything.
    tab = tabs.visit("en", "index.html")
    tab.set_content("<!DOCTYPE html><html><body><img src='x.png'></body></html>")
    assert {"html-has-lang", "image-alt"} <= {v["id"] for v in axe_violations(tab)}
