"""The PDF briefing packs, read back with pypdf: A4, page numbers, every missed and at-risk
target of the pack in its text, title and language metadata, embedded fonts for Chinese;
their cache; and a build where WeasyPrint cannot run."""

from __future__ import annotations

import logging
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from generator.build import read_settings
from generator.project.loader import load_project
from generator.project.settings import from_pelican
from generator.site import packs, pdfworker
from generator.site.portal import build_portal
from tests.conftest import ROOT, SAMPLE_REGISTER, build_site

pypdf = pytest.importorskip("pypdf")

MISSING = pdfworker.missing_libraries()
if MISSING and os.environ.get("KPI_REQUIRE_PDF"):
    raise RuntimeError(f"KPI_REQUIRE_PDF is set but WeasyPrint cannot run: {MISSING}")
needs_weasyprint = pytest.mark.skipif(MISSING is not None, reason=f"WeasyPrint: {MISSING}")

SITEURL = "https://targets.example.gov.hk"
A4 = (595, 842)  # points, rounded


def sample_settings(**overrides):
    return read_settings(
        ROOT / "pelicanconf.py", {"TARGETS_PATH": str(SAMPLE_REGISTER), **overrides}
    )


@pytest.fixture(scope="module")
def sample_portal():
    settings = from_pelican(sample_settings())
    project = load_project(settings, with_record=False)
    return build_portal(project.targets, project.settings, project.bureaus)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sample site with its packs, its cache kept for the rebuild tests."""
    if MISSING:
        pytest.skip(f"WeasyPrint: {MISSING}")
    folder = tmp_path_factory.mktemp("packs")
    cache = folder / "cache"
    result = build_site(
        SAMPLE_REGISTER, folder / "out", CHART_CACHE_PATH=str(cache), SITEURL=SITEURL
    )
    return folder / "out", cache, result


def text_of(pdf: Path) -> tuple[object, list[str]]:
    reader = pypdf.PdfReader(pdf)
    return reader, [page.extract_text() for page in reader.pages]


def flat(text: str) -> str:
    # Lines wrap anywhere in a PDF's text: compare without the breaks.
    return re.sub(r"\s+", "", text)


def pack_pdfs(site: Path) -> dict[str, Path]:
    return {p.relative_to(site).as_posix(): p for p in site.rglob("briefing/*.pdf")}


@needs_weasyprint
def test_every_bureau_and_panel_has_a_pack_in_each_language(built, sample_portal):
    site, _, result = built
    plan = packs.plan_packs(sample_portal)
    kinds = {p.kind for p in plan}
    assert kinds == {"bureau", "panel"}
    expected = {root + p.url for p in plan for root in ("", "zh-hant/")}
    assert set(pack_pdfs(site)) == expected
    assert result.packs_rendered == len(expected) and result.packs_cached == 0


@needs_weasyprint
@pytest.mark.parametrize("lang_root", ["", "zh-hant/"])
def test_pack_is_a4_numbered_with_its_targets_and_metadata(built, sample_portal, lang_root):
    site = built[0]
    for pack in packs.plan_packs(sample_portal):
        reader, pages = text_of(site / (lang_root + pack.url))
        assert len(pages) >= 1 + len(pack.justifications(sample_portal))  # cover + one each
        for number, page in enumerate(reader.pages, 1):
            box = page.mediabox
            assert (round(float(box.width)), round(float(box.height))) == A4
            assert f"{number} / {len(pages)}" in pages[number - 1]
        body = flat("".join(pages))
        lang = "zh-Hant" if lang_root else "en"
        for a in pack.with_status("missed") + pack.with_status("at_risk"):
            assert a.target.id in body
            title = a.target.title.get(lang) or a.target.title["en"]
            assert flat(title) in body, (pack.url, a.target.id)
        assert reader.metadata.title.startswith(("Briefing pack", "簡報資料"))
        assert reader.trailer["/Root"]["/Lang"] == lang
        assert reader.outline  # bookmarks from the headings
        assert flat(f"{SITEURL}/{lang_root}") in body  # the source line's site address


@needs_weasyprint
def test_chinese_pack_embeds_its_cjk_font(built):
    site = built[0]
    reader = pypdf.PdfReader(site / "zh-hant/briefing/bureau-hb.pdf")
    embedded = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = descendant["/FontDescriptor"].get_object()
            if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                embedded.add(str(font["/BaseFont"]))
    assert any("CJK" in name for name in embedded), embedded
    assert "醫務衞生局" in "".join(p.extract_text() for p in reader.pages)


def placed_text(page) -> list[tuple[float, float, str]]:
    """(x, y, text) of each run of text on ``page``, in points from its lower left."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append((x, y, text.strip()))

    page.extract_text(visitor_text=visit)
    return runs


@needs_weasyprint
@pytest.mark.parametrize(("lang_root", "label", "bureau"), [
    ("", "Responsible bureau", "Health Bureau"), ("zh-hant/", "負責政策局", "醫務衞生局"),
])  # fmt: skip
def test_pack_facts_give_each_value_beside_its_label(built, lang_root, label, bureau):
    # The facts' two columns (pdf_pack.css: inline blocks, 32% and 68%): a value on its
    # label's line, all values in one column; not wrapped below its label.
    reader = pypdf.PdfReader(built[0] / lang_root / "briefing/bureau-hb.pdf")
    rows = 0
    column = A4[0] - 2 * 1.8 / 2.54 * 72  # the page less its side margins of 1.8 cm
    for page in reader.pages:
        runs = placed_text(page)
        for x, y, text in runs:
            if text == label:
                beside = [(vx, v) for vx, vy, v in runs if abs(vy - y) < 1 and vx > x]
                assert beside, (label, "has no value on its line")
                value_x, value = min(beside)
                assert bureau in value
                assert abs(value_x - (A4[0] - column) / 2 - 0.32 * column) < 5, value_x
                rows += 1
    assert rows >= 2  # each missed and at-risk target of the bureau has the row


@needs_weasyprint
def test_pack_is_the_same_bytes_every_build(built, tmp_path):
    site, cache, _ = built
    again = build_site(SAMPLE_REGISTER, tmp_path / "out", CHART_CACHE_PATH=str(tmp_path / "c"),
                       SITEURL=SITEURL)  # fmt: skip
    assert again.packs_cached == 0
    ours, theirs = pack_pdfs(site), pack_pdfs(tmp_path / "out")
    assert {k: v.read_bytes() for k, v in ours.items()} == {
        k: v.read_bytes() for k, v in theirs.items()
    }


@needs_weasyprint
def test_rebuild_renders_only_the_changed_bureaus_packs(built, sample_portal, tmp_path):
    site, cache, first = built
    same = build_site(SAMPLE_REGISTER, tmp_path / "same", CHART_CACHE_PATH=str(cache),
                      SITEURL=SITEURL)  # fmt: skip
    assert (same.packs_rendered, same.packs_cached) == (0, first.packs_rendered)
    # A copy has no git history (no commit in the source line, statuses judged on the
    # promise as it stands, as sample_portal's are): its own first build, then one change.
    register, cache = tmp_path / "register", tmp_path / "cache"
    shutil.copytree(SAMPLE_REGISTER, register)
    before = build_site(register, tmp_path / "before", CHART_CACHE_PATH=str(cache), SITEURL=SITEURL)
    shown = [a.target for a in sample_portal.assessments if a.status in ("missed", "at_risk")]
    target = shown[0]
    changed = next(register.rglob(f"{target.id}.yaml"))
    text = changed.read_text(encoding="utf-8")
    # The title in English, written as one line or as a mapping of languages.
    edited = re.sub(r"^(title:\n  en: |title: )", r"\1Soon ", text, count=1, flags=re.M)
    assert edited != text
    changed.write_text(edited, "utf-8")
    after = build_site(register, tmp_path / "after", CHART_CACHE_PATH=str(cache), SITEURL=SITEURL)
    # Its bureau's pack and its panel's in English; no other: not even their Chinese
    # versions, which show the target's Chinese title.
    showing = [p for p in packs.plan_packs(sample_portal) if target.bureau in p.bureaus]
    assert len(showing) == 2
    assert after.packs_rendered == len(showing)
    assert after.packs_cached == before.packs_rendered - len(showing)
    for pack in showing:
        zh = "zh-hant/" + pack.url
        assert (tmp_path / "after" / zh).read_bytes() == (tmp_path / "before" / zh).read_bytes()
    pdf = tmp_path / "after" / showing[0].url
    assert "Soon" in "".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)


def test_without_weasyprint_the_build_says_so_once_and_links_no_pack(tmp_path, monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint fails
    with caplog.at_level(logging.WARNING):
        result = build_site(SAMPLE_REGISTER, tmp_path / "out", CHART_CACHE_PATH=str(tmp_path / "c"))
    said = [r for r in caplog.records if "briefing packs (PDF) not made" in r.getMessage()]
    assert len(said) == 1 and "pip install weasyprint" in said[0].getMessage()
    assert not said[0].exc_info
    assert result.packs_rendered == 0 and result.pages > 0
    assert not list((tmp_path / "out").rglob("*.pdf"))
    for page in (tmp_path / "out").rglob("briefing/*.html"):
        assert ".pdf" not in page.read_text(encoding="utf-8"), page


@needs_weasyprint
def test_a_pack_fetches_nothing_its_text_names(tmp_path):
    # Register text is untrusted: an image or stylesheet it slips in is never fetched.
    import http.server
    import threading

    asked = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the base class's name
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        secret = tmp_path / "secret.txt"
        secret.write_text("do not read", encoding="utf-8")
        html = (
            f'<html><head><link rel="stylesheet" href="{url}/x.css"></head><body>'
            f'<img src="{url}/x.png"><img src="{secret.as_uri()}"><p>text</p></body></html>'
        )
        pdf = pdfworker.render_pdf(html)
    finally:
        server.shutdown()
        server.server_close()
    assert pdf.startswith(b"%PDF") and asked == []


def test_missing_system_libraries_are_named_with_what_to_install(monkeypatch):
    # Pango missing: WeasyPrint's import raises OSError from its library loader.
    import builtins

    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_pango)
    said = pdfworker.missing_libraries()
    assert "libpango-1.0-0" in said and "apt-get install" in said


@needs_weasyprint
def test_packs_rendered_in_workers_are_the_bytes_rendered_in_process():
    from generator.site import rendering

    pages = [
        f'<html lang="en"><head><title>Pack {n}</title></head><body><h1>{n}</h1></body></html>'
        for n in range(3)
    ]
    with rendering.rendered(pages, None, pdfworker.render_pdf, len(pages) + 1) as made:
        in_process = list(made)
    with rendering.rendered(pages, None, pdfworker.render_pdf, 1) as made:
        in_workers = list(made)
    assert in_workers == in_process and all(pdf.startswith(b"%PDF") for pdf in in_process)


@needs_weasyprint
@pytest.mark.parametrize("lang_root", ["", "zh-hant/"])
def test_briefing_page_gives_print_the_full_address_and_links_its_pdf(built, lang_root):
    # With SITEURL set, a target's link carries its full address for print.css to show.
    from bs4 import BeautifulSoup

    site = built[0]
    page = BeautifulSoup((site / lang_root / "briefing/hb.html").read_text("utf-8"), "html.parser")
    full = [a["data-print-url"] for a in page.select("a[data-print-url]")]
    assert full == [f"{SITEURL}/{lang_root}targets/PA2022-012.html"]
    pdf = page.select_one('a[type="application/pdf"]')["href"]
    assert (site / lang_root / "briefing" / pdf.rsplit("/", 1)[-1]).is_file()
