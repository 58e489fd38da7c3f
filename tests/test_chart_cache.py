"""The chart cache: a rebuild renders only the charts that changed, and the cache can be
damaged or deleted without changing a byte of the site."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.build import read_settings
from generator.project.settings import from_pelican
from generator.register.chartcache import ChartCache
from generator.register.loader import load_register
from generator.site import charts, publish, rendering
from generator.site.portal import build_portal
from tests.conftest import FIXTURE_REGISTER, ROOT, build_site, run

TARGET_IDS = sorted(p.stem for p in FIXTURE_REGISTER.rglob("*.yaml"))


def site_files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


@pytest.fixture
def register(tmp_path) -> Path:
    copy = tmp_path / "register"
    shutil.copytree(FIXTURE_REGISTER, copy)
    return copy


@pytest.fixture
def cache(tmp_path) -> Path:
    return tmp_path / "cache"


# The status-by-bureau chart and two heat maps, drawn in each of the two languages, each
# wide and narrow (a phone's variant).
OVERVIEW_CHARTS = 3 * 2 * 2
# An SVG and a PNG per target, and the narrow SVG drawn for a phone.
ALL_CHARTS = 3 * len(TARGET_IDS) + OVERVIEW_CHARTS


def build(register: Path, output: Path, cache: Path):
    return build_site(register, output, CHART_CACHE_PATH=str(cache))


def test_second_build_renders_no_chart_and_gives_the_same_site(register, cache, tmp_path):
    first = build(register, tmp_path / "one", cache)
    assert (first.charts_rendered, first.charts_cached) == (ALL_CHARTS, 0)
    second = build(register, tmp_path / "two", cache)
    assert (second.charts_rendered, second.charts_cached) == (0, first.charts_rendered)
    assert site_files(tmp_path / "two") == site_files(tmp_path / "one")


def test_changed_target_renders_only_its_own_charts(register, cache, tmp_path):
    build(register, tmp_path / "one", cache)
    target = register / "2024" / "FX-ON.yaml"
    # Still on track: the overview charts stay as they were.
    target.write_text(target.read_text().replace("value: 300", "value: 310"))
    result = build(register, tmp_path / "two", cache)
    assert (result.charts_rendered, result.charts_cached) == (3, ALL_CHARTS - 3)
    charts = {p for p in changed(site_files(tmp_path / "one"), site_files(tmp_path / "two"))}
    assert {p for p in charts if p.startswith("charts/")} == {
        "charts/FX-ON.svg",
        "charts/FX-ON.png",
        "charts/FX-ON.narrow.svg",
    }


def test_damaged_cache_entry_is_rendered_again(register, cache, tmp_path):
    build(register, tmp_path / "one", cache)
    # Without the files the last build kept (filestore), the charts come from their cache.
    shutil.rmtree(cache / "files")
    entries = sorted(p for p in cache.rglob("*") if p.is_file() and p.parent.parent == cache)
    entries[0].write_bytes(entries[0].read_bytes()[:-10])  # cut short
    entries[1].write_bytes(b"not a chart")
    result = build(register, tmp_path / "two", cache)
    assert result.charts_rendered == 2
    assert site_files(tmp_path / "two") == site_files(tmp_path / "one")


def test_deleted_cache_is_filled_again(register, cache, tmp_path):
    first = build(register, tmp_path / "one", cache)
    shutil.rmtree(cache)
    again = build(register, tmp_path / "two", cache)
    assert again.charts_rendered == first.charts_rendered
    assert site_files(tmp_path / "two") == site_files(tmp_path / "one")
    assert not [p for p in cache.rglob("*") if p.name.startswith(".part-")]


def test_unwritable_cache_only_slows_the_build(register, tmp_path, caplog):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    result = build(register, tmp_path / "one", blocker)
    assert result.charts_rendered == ALL_CHARTS
    assert "chart cache" in caplog.text


def fixture_portal():
    """The fixture register assessed as the fixture site's build assesses it."""
    settings = from_pelican(
        read_settings(ROOT / "pelicanconf.py", {"TARGETS_PATH": str(FIXTURE_REGISTER)})
    )
    return build_portal(
        load_register(FIXTURE_REGISTER, reporting_quarter=None, default_lang="en"), settings
    )


def test_parallel_rendering_gives_the_same_bytes_as_in_process(monkeypatch):
    jobs = publish.chart_jobs(fixture_portal())
    monkeypatch.setattr(rendering, "PARALLEL_MIN", len(jobs) + 1)
    in_process, parallel = {}, {}
    one = rendering.render_charts(jobs, ChartCache(None), in_process.__setitem__)
    monkeypatch.setattr(rendering, "PARALLEL_MIN", 1)
    many = rendering.render_charts(jobs, ChartCache(None), parallel.__setitem__)
    assert parallel == in_process and len(parallel) == ALL_CHARTS
    assert many.rendered == one.rendered == ALL_CHARTS


def test_target_charts_say_no_words(fixture_site):
    # Numbers and quarter codes only: one chart serves every language of the site.
    for target_id in TARGET_IDS:
        for name in (target_id, f"{target_id}.narrow"):  # the phone's variant too
            svg = (fixture_site / "charts" / f"{name}.svg").read_text(encoding="utf-8")
            texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
            assert texts and all(re.fullmatch(r"[0-9][0-9,.]*|[0-9]{4}-Q[1-4]", t) for t in texts)


def test_link_preview_is_a_wide_png(fixture_site):
    png = (fixture_site / "charts" / "FX-ON.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width >= 1000 and 1.7 <= width / height <= 2.0


def test_cli_says_what_a_rebuild_rendered(project):
    for force in ([], ["--force"]):  # the second build has nothing new: force it
        result = run(project, "build", "--output", str(project / "site"), *force)
        assert result.returncode == 0, result.stderr
    # The summary, then the hint to open or serve what was built.
    summary, hint = result.stdout.strip().splitlines()[-2:]
    assert re.fullmatch(
        r"Built \d+ targets as of \d{4}-Q[1-4] \(\d+ missed[^)]*\): \d+ pages written "
        r"\(\d+ rendered, the others as the last build made them\), 0 charts rendered, "
        r"\d+ from cache, 0 PDF packs rendered, \d+ from cache, "
        r"in [\d.]+ s\.",
        summary,
    ), summary
    assert re.fullmatch(r"Open .*index\.html in a browser, or run '.*' and visit .*", hint), hint
    assert (project / ".cache" / "charts").is_dir()  # beside the settings file


def svg_facts(svg: str) -> tuple[float, list[float], list[str]]:
    """A chart's width, every font size in it and every text, all as written in the SVG."""
    width = float(re.search(r'<svg[^>]*\swidth="([\d.]+)', svg).group(1))
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)px"', svg)]
    return width, sizes, re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_phone_charts_fit_a_phone_in_large_enough_text(fixture_site):
    narrow = sorted((fixture_site / "charts").rglob("*.narrow.svg"))
    assert len(narrow) == len(TARGET_IDS) + OVERVIEW_CHARTS // 2
    for path in narrow:
        width, sizes, texts = svg_facts(path.read_text(encoding="utf-8"))
        assert width <= charts.NARROW_WIDTH, path
        assert sizes and min(sizes) >= charts.NARROW_FONT, path
        assert texts and not [t for t in texts if t.endswith("…")], path  # nothing cut short


def test_phone_target_chart_names_the_latest_quarter(fixture_site):
    portal = fixture_portal()
    for a in portal.assessments:
        svg = (fixture_site / "charts" / f"{a.target.id}.narrow.svg").read_text(encoding="utf-8")
        quarters = [t for t in svg_facts(svg)[2] if re.fullmatch(r"\d{4}-Q[1-4]", t)]
        rows = charts.trajectory(a.basis, portal.quarter)
        assert str(rows[-1].quarter) in quarters, (a.target.id, quarters)
        assert len(set(quarters)) <= charts.NARROW_QUARTER_LABELS + 1  # and the due label


def test_phone_status_chart_has_its_whole_legend(fixture_site):
    svg = (fixture_site / "charts/overview/status-by-bureau.narrow.svg").read_text("utf-8")
    texts = svg_facts(svg)[2]
    assert {"Achieved late", "On track", "Withdrawn", "At risk", "Missed"} <= set(texts)


def test_link_previews_off_publishes_no_png_and_no_og_image(register, cache, tmp_path):
    with_previews = build(register, tmp_path / "one", cache)
    without = build_site(
        register, tmp_path / "two", CHART_CACHE_PATH=str(cache), LINK_PREVIEWS=False
    )
    pngs = sorted((tmp_path / "two" / "charts").glob("*.png"))
    assert pngs == [] and len(list((tmp_path / "one" / "charts").glob("*.png"))) == len(TARGET_IDS)
    page = (tmp_path / "two" / "targets" / f"{TARGET_IDS[0]}.html").read_text(encoding="utf-8")
    assert 'property="og:image"' not in page
    assert (
        'property="og:image"'
        in (tmp_path / "one" / "targets" / f"{TARGET_IDS[0]}.html").read_text()
    )
    # Every SVG is still there: only the link previews are left out.
    svgs = {p.name for p in (tmp_path / "one" / "charts").glob("*.svg")}
    assert {p.name for p in (tmp_path / "two" / "charts").glob("*.svg")} == svgs
    assert without.charts_rendered + without.charts_cached == with_previews.charts_rendered - len(
        TARGET_IDS
    )
