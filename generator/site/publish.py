"""The files the portal publishes besides its pages: charts, data, feeds and calendar.

``site_files`` yields each file's site-relative path and text, and ``render_charts``
gives the charts' bytes; the Pelican plugin only writes them. Everything here is
deterministic: the same register and settings give the same bytes.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..assess import wording
from ..register import i18n
from ..register.chartcache import ChartCache
from ..register.i18n import N_
from ..register.i18n import gettext as _
from ..register.names import name_in
from . import charts, duecalendar, exports, feeds, heatmap, money, moneychart, packs, rendering
from .datafiles import data_files as _data_files_of
from .dependencies import EVERY, Memo
from .opendata import Release
from .portal import Portal, chart_png_url, chart_url
from .sitebasics import basic_files as _basic_files


@dataclass
class Written:
    """What the portal generator wrote: the build reports from it (``build.BuildResult``)."""

    targets: int
    """Targets in the register."""
    missed: int
    """Targets shown as missed, removed ones included."""
    reporting_quarter: str
    removed: int = 0
    """Targets no longer in the register, still published from their last version (the
    site shows them beside the register's, so its count is targets + removed)."""
    pages: int = 0
    """HTML pages written, in every language."""
    charts_rendered: int = 0
    """Chart files (SVG and PNG) rendered by this run."""
    charts_cached: int = 0
    """Chart files taken from the chart cache (CHART_CACHE_PATH) instead."""
    packs_rendered: int = 0
    """PDF briefing packs rendered by this run (none where WeasyPrint cannot run)."""
    packs_cached: int = 0
    """PDF briefing packs taken from their cache instead."""
    packs_seconds: float = 0.0
    """The time the packs took, rendering and cache together."""
    pages_rendered: int = 0
    """Pages rendered by this run; the others were kept from an earlier build."""
    files_reused: int = 0
    """Files kept from an earlier build made from the same inputs (``dependencies``)."""


logger = logging.getLogger(__name__)

# Each chart has a variant for a phone, drawn at NARROW_WIDTH: the page's <picture> shows it
# on a screen narrower than 45em (720 px), where the wide one would have to be shrunk.
NARROW = ".narrow"
HEATMAPS = (
    ("bureau", "bureaus", N_("By bureau"), N_("Bureau")),
    ("policy_address", "years", N_("By policy address"), N_("Policy address")),
)


def site_files(portal: Portal, release: Release, memo=None) -> Iterator[tuple[str, str | bytes]]:
    """Every published file other than a page or a chart, as (site-relative path, text or
    bytes); ``release`` holds the publication's facts the open data carry; ``memo``, the
    files earlier builds made from the same inputs (``datafiles``)."""
    yield from data_files(portal, release, memo)
    yield from feed_files(portal)


def basic_files(
    portal: Portal, page_paths: list[str], published_date: str | None
) -> Iterator[tuple[str, str]]:
    """robots.txt, and sitemap.xml of ``page_paths`` when SITEURL is set (``sitebasics``)."""
    settings = portal.settings
    if not settings.siteurl:
        logger.info("No sitemap.xml: SITEURL is empty, and a sitemap needs full addresses")
    return _basic_files(settings.siteurl, page_paths, settings.languages, published_date)


def render_charts(portal: Portal, write, console=None, memo=None) -> rendering.RenderedCharts:
    """Every chart file: kept from an earlier build where ``memo`` (a ``Memo``) has it,
    else from the chart cache where it holds it, else rendered (see ``rendering``)."""
    return prepare_charts(portal, write, memo).run(console)


@dataclass
class ChartWork:
    """The charts a build makes, their specs made: ``run`` renders them (in a thread of its
    own if need be, beside the pages: it touches no language nor any template)."""

    jobs: list
    cache: ChartCache
    write: object
    kept: int

    def run(self, console=None, stop=None) -> rendering.RenderedCharts:
        counts = rendering.render_charts(self.jobs, self.cache, self.write, console, stop)
        counts.kept = self.kept
        return counts


def prepare_charts(portal: Portal, write, memo=None) -> ChartWork:
    """The chart files of ``portal`` to make, those ``memo`` keeps linked in already;
    ``write(path, bytes)`` will publish each one made."""
    memo = memo if memo is not None else Memo()
    cache_folder = portal.settings.chart_cache_path
    rendering.keep_compiled(None if cache_folder is None else Path(cache_folder) / "vega")
    shown: dict[str, tuple[str, ...] | None] = {}  # what each chart to make shows
    jobs, kept = [], 0
    previews = portal.settings.link_previews
    for a in portal.assessments:
        shows = (a.target.id,)
        paths = target_chart_paths(a, previews)
        if memo.link_all(paths, shows):
            kept += len(paths)
            continue
        jobs += target_chart_jobs(a, portal.quarter, previews)
        shown.update(dict.fromkeys(paths, shows))
    jobs += overview_jobs(portal)

    def made(path: str, data: bytes) -> None:
        write(path, data)
        memo.keep(path, shown.get(path, EVERY), data=data)

    return ChartWork(jobs, ChartCache(cache_folder), made, kept)


def render_packs(
    portal: Portal, html_of, write, console=None, memo=None, also: str = ""
) -> packs.RenderedPacks:
    """Every PDF briefing pack, kept or from its cache where they hold them (``packs``)."""
    return packs.prepare_packs(portal, html_of, write, memo, also).run(console)


def prepare_packs(portal: Portal, html_of, write, memo=None, also: str = "") -> packs.PackWork:
    """The PDF briefing packs to make, their HTML made (``packs.prepare_packs``)."""
    return packs.prepare_packs(portal, html_of, write, memo, also)


def pack_source(history) -> dict[str, str]:
    """The packs' source line: the register's newest commit and its date, where known."""
    if history is None or not history.commits:
        return {"commit": "", "date": ""}
    newest = history.commits[-1]  # drafts too: the register as it stands is built from it
    return {"commit": newest.commit[:10], "date": newest.date[:10]}


def target_chart_paths(a, previews: bool = True) -> list[str]:
    """The site paths of the chart files of one target (``target_chart_jobs``)."""
    tid = a.target.id
    paths = [chart_url(tid), *([chart_png_url(tid)] if previews else [])]
    return [*paths, chart_url(narrow_name(tid)), *moneychart.chart_paths(a)]


def target_chart_jobs(a, quarter, previews: bool = True) -> list[rendering.ChartJob]:
    """A target's progress chart (SVG, and PNG for link previews unless not ``previews``),
    its phone variant, and its money charts if it has a budget."""
    tid = a.target.id
    spec = charts.target_spec(a.basis, quarter)  # the promise the status is judged on
    narrow = charts.target_spec(a.basis, quarter, narrow=True)
    formats = (("svg", chart_url(tid)),) + ((("png", chart_png_url(tid)),) if previews else ())
    return [
        rendering.chart_job("vega", spec, formats),
        rendering.chart_job("vega", narrow, (("svg", chart_url(narrow_name(tid))),)),
        *moneychart.chart_jobs([a]),
    ]


def chart_jobs(portal: Portal) -> list[rendering.ChartJob]:
    """Every chart of the site: each target's (``target_chart_jobs``), then the overviews."""
    previews = portal.settings.link_previews
    jobs = [j for a in portal.assessments for j in target_chart_jobs(a, portal.quarter, previews)]
    return jobs + overview_jobs(portal)


def overview_jobs(portal: Portal) -> list[rendering.ChartJob]:
    """The status-by-bureau chart and the heat maps, in every language."""
    jobs = []
    for lang in portal.settings.languages:
        with i18n.use(lang):
            root = i18n.lang_root(lang, portal.settings.default_lang)
            jobs += _overview_jobs(portal, root, portal.glossary.get(lang, {}))
    return jobs


def _overview_jobs(portal: Portal, root: str, names: dict) -> list[rendering.ChartJob]:
    """The charts with words in them, in the language in force, under ``root``."""
    labels = {status: wording.status_label(status) for status in wording.STATUS_LABELS}
    titles = {"count": _("Targets"), "status": _("Status")}
    jobs = []
    for narrow in (False, True):
        bars = charts.status_by_bureau_chart(portal.assessments, labels, titles, names, narrow)
        jobs.append(
            _svg_job(bars.to_dict(validate=False), f"{root}overview/status-by-bureau", narrow)
        )
        for by, key, _title, group_title in HEATMAPS:
            shares = heat_shares(portal)[by]
            if len(shares):
                legend = _("On track or achieved")
                chart = heatmap.heatmap_chart(shares, _(group_title), legend, names, narrow)
                jobs.append(
                    _svg_job(chart.to_dict(validate=False), f"{root}overview/heatmap-{key}", narrow)
                )
        jobs += _money_jobs(portal, root, names, narrow)
    return jobs


MONEY_HEATMAP = "money"


def _money_jobs(portal: Portal, root: str, names: dict, narrow: bool) -> list[rendering.ChartJob]:
    """The heat map of the share of each bureau's allocated funds spent (``money``)."""
    shares = heat_shares(portal)[MONEY_HEATMAP]
    if not len(shares):
        return []
    rows = money.heat_names(portal.assessments, names)
    legend = _("Share of allocated funds spent")
    chart = heatmap.heatmap_chart(shares, _("Bureau"), legend, rows, narrow)
    return [_svg_job(chart.to_dict(validate=False), f"{root}{money.HEATMAP_CHART}", narrow)]


def narrow_name(name: str) -> str:
    """The chart drawn for a phone beside the chart ``name``; the pages name it the same
    way (``<picture>`` in the templates), and no target id or chart name has a dot."""
    return f"{name}{NARROW}"


# The overview specs go unchecked against Vega-Lite's schema (a third of their cost):
# vl-convert refuses a bad one anyway, and every one is rendered by the tests.
def _svg_job(spec: dict, name: str, narrow: bool = False) -> rendering.ChartJob:
    path = chart_url(narrow_name(name) if narrow else name)
    return rendering.chart_job("vega-lite", spec, (("svg", path),))


def heat_shares(portal: Portal) -> dict:
    """The heat maps' shares by grouping, worked out once for the charts and the page."""
    if not portal.heat_shares:
        targets = [a.target for a in portal.assessments]
        for by, *_ in HEATMAPS:
            portal.heat_shares[by] = heatmap.delivery_share(targets, portal.histories, by)
        portal.heat_shares[MONEY_HEATMAP] = money.spent_shares(portal.assessments, portal.histories)
    return portal.heat_shares


def heatmap_views(portal: Portal) -> list[dict]:
    """What the performance page shows for each heat map: chart, title and table."""
    views = []
    for by, key, title, group_title in HEATMAPS:
        shares = heat_shares(portal)[by]
        if not len(shares):
            continue
        quarters, rows = heatmap.share_table(shares)
        views.append(
            {
                "key": key,
                "title": title,
                "group_title": group_title,
                "chart_name": f"overview/heatmap-{key}",
                "quarters": quarters,
                "rows": rows,
            }
        )
    return views


def data_files(portal: Portal, release: Release, memo=None) -> Iterator[tuple[str, str | bytes]]:
    """The open data: every file under data/, with its data package and zip (``datafiles``)."""
    yield from _data_files_of(portal, release, memo)


def feed_files(portal: Portal) -> Iterator[tuple[str, str]]:
    """Atom feeds site-wide and per bureau, and the calendar of upcoming due quarters, in
    each language, under its folder (``zh-hant/feeds/status.xml``)."""
    for lang in portal.settings.languages:
        root = i18n.lang_root(lang, portal.settings.default_lang)
        with i18n.use(lang):  # the words made here, not while the caller writes them
            written = list(_language_feeds(portal, lang, root))
        yield from written


# The feeds of each scope: (kind, its entries, its title).
_FEEDS = (
    ("status", feeds.status_change_entries, N_("%(scope)s: status changes")),
    ("missed", feeds.newly_missed_entries, N_("%(scope)s: newly missed targets")),
)


def _language_feeds(portal: Portal, lang: str, root: str) -> Iterator[tuple[str, str]]:
    """The feeds and calendar of ``lang``, whose pages are under ``root``."""
    site_url = portal.settings.siteurl
    paths = exports.feed_paths([g.slug for g in portal.groups["bureaus"]])
    names = functools.partial(name_in, portal.glossary, lang=lang)
    scopes = [("", _("All bureaus"), portal.assessments)]
    scopes += [(f"{g.slug}/", names(g.name), g.assessments) for g in portal.groups["bureaus"]]
    for prefix, scope, assessments in scopes:
        targets = [a.target for a in assessments]
        for kind, make, title in _FEEDS:
            path = paths[f"{prefix}{kind}"]
            entries = make(targets, portal.histories, lang, names)
            if kind == "status":  # promises changed and targets taken out are news too
                entries += feeds.record_entries(list(assessments), lang, names)
            name = path.removeprefix("feeds/").removesuffix(".xml")
            yield (
                root + path,
                feeds.atom_feed(
                    [feeds.in_folder(e, root) for e in entries],
                    feed_id=feeds.feed_id(root + name),
                    title=_(title) % {"scope": scope},
                    self_path=root + path,
                    site_url=site_url,
                    updated=feeds.quarter_published(portal.quarter),
                    lang=lang,
                    home=root,
                ),
            )
    statuses = {a.target.id: a.status for a in portal.assessments}
    # Due as the status is judged: a due quarter moved later does not make a missed
    # target upcoming again.
    targets = [a.basis for a in portal.assessments]
    calendar = duecalendar.upcoming_due_calendar(
        targets, statuses, portal.quarter, site_url=site_url, lang=lang, root=root, names=names
    )
    yield root + exports.CALENDAR_PATH, calendar
