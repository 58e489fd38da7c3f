"""PDF briefing packs: one per bureau and one per oversight panel, in every language.

A pack is the HTML of a template (the plugin renders it: this module never sees Jinja)
made into a PDF by WeasyPrint, in worker processes when there are many, through the
chart machinery of ``rendering`` and a cache of its own under the chart cache: the key is
a hash of the pack's whole HTML (its stylesheet is inline) and of the WeasyPrint version,
so a rebuild renders again only the packs whose content changed.

Where WeasyPrint or its system libraries (Pango) are missing, the build says so once and
publishes no pack; the briefing pages then link to none.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..assess import moneywords
from ..assess.status import AT_RISK, DISPLAY_ORDER, MISSED
from ..register.chartcache import ChartCache
from ..register.i18n import lang_root
from ..register.slugs import slugify
from . import pdfworker, rendering
from .portal import Portal

logger = logging.getLogger(__name__)

# A worker starts in ~1 s (Python, then WeasyPrint and Pango); a pack takes ~0.2-1 s.
PARALLEL_MIN = 8
# The packs' cache: a folder of its own under the chart cache, so that it can be emptied
# (to time a cold render, say) without losing the charts.
CACHE_FOLDER = "packs"
BUREAU, PANEL = "bureau", "panel"


@dataclass(frozen=True)
class Pack:
    """One briefing pack: a bureau's targets, or those of every bureau a panel oversees."""

    kind: str
    """``bureau`` or ``panel``."""
    slug: str
    names: dict[str, str]
    """Its name by language (a bureau's from bureaus.yaml, or its panel's)."""
    bureaus: tuple[str, ...]
    """The published names of the bureaus it covers."""
    assessments: tuple
    """Every current target of those bureaus, as the portal assessed them."""

    @property
    def url(self) -> str:
        """Its site path within a language's folder."""
        return f"briefing/{self.kind}-{self.slug}.pdf"

    def with_status(self, status: str) -> list:
        """Its targets of ``status``, in the portal's order."""
        return [a for a in self.assessments if a.status == status]

    def justifications(self, portal: Portal) -> list:
        """Its missed targets with their justifications, longest overdue first."""
        return [j for j in portal.justifications if j.target.bureau in self.bureaus]


@dataclass
class RenderedPacks:
    """What a build did about the packs."""

    rendered: int = 0
    cached: int = 0
    kept: int = 0
    """Packs kept from an earlier build (``memo``): their HTML was not even made."""
    seconds: float = 0.0
    packs: dict[tuple[str, str], Pack] = field(default_factory=dict)
    """Each pack made, by (kind, slug): its ``url`` is within each language's folder."""
    skipped: str | None = None
    """Why no pack was made (WeasyPrint cannot run here); None when they were."""


def plan_packs(portal: Portal) -> list[Pack]:
    """A pack for every bureau with targets, then one for every panel overseeing any."""
    bureaus, panels = [], {}
    for group in portal.groups.get("bureaus", []):
        declared = portal.bureau(group.name) if portal.bureaus else None
        names = dict(declared.names) if declared else {portal.settings.default_lang: group.name}
        bureaus.append(Pack(BUREAU, group.slug, names, (group.name,), group.assessments))
        if declared and declared.panel:
            panels.setdefault(declared.panel[portal.settings.default_lang], []).append(
                (declared.panel, group)
            )
    return bureaus + [_panel_pack(groups) for _, groups in sorted(panels.items())]


def _panel_pack(groups: list) -> Pack:
    names = groups[0][0]
    # "Panel on Health Services": panel-health-services.pdf, not panel-panel-on-….
    slug = slugify(next(iter(names.values()))).removeprefix("panel-on-")
    covered = tuple(group.name for _, group in groups)
    assessments = tuple(a for _, group in groups for a in group.assessments)
    return Pack(PANEL, slug, dict(names), covered, assessments)


def render_packs(
    portal: Portal, html_of: Callable[[Pack, str], str], write, console=None, memo=None,
    also: str = "",
) -> RenderedPacks:  # fmt: skip
    """Every pack in every language (``prepare_packs``), rendered here and now."""
    return prepare_packs(portal, html_of, write, memo, also).run(console)


@dataclass
class PackWork:
    """The packs a build makes, their HTML made: ``run`` renders the PDFs the cache lacks
    (in a thread of its own if need be, beside the pages: it touches no template)."""

    made: RenderedPacks
    todo: list  # (cache key, site path, html) of each pack the cache lacks
    cache: ChartCache
    publish: Callable[[str, bytes], None]
    started: float

    @property
    def packs(self) -> dict[tuple[str, str], Pack]:
        return self.made.packs

    def run(self, console=None, stop=None) -> RenderedPacks:
        tasks = [html for _, _, html in self.todo]
        with rendering.rendered(
            tasks, console, pdfworker.render_pdf, PARALLEL_MIN, "Rendering briefing packs", stop
        ) as results:
            for (key, path, _), data in zip(self.todo, results, strict=True):
                self.cache.put(key, data)
                self.publish(path, data)
                self.made.rendered += 1
        self.made.seconds = time.perf_counter() - self.started
        return self.made


def prepare_packs(
    portal: Portal, html_of: Callable[[Pack, str], str], write, memo=None, also: str = ""
) -> PackWork:
    """Every pack in every language: kept from an earlier build where ``memo`` has it
    (``dependencies``; ``also``: what else the packs show, their source line), else from
    the cache where it holds it, else to render (``PackWork.run``). ``html_of(pack,
    lang)`` gives its HTML and ``write(site path, bytes)`` publishes its PDF."""
    started = time.perf_counter()
    cache = _cache(portal.settings.chart_cache_path)
    shown = {}  # what each pack made shows, to keep it by

    def publish(path: str, data: bytes) -> None:
        write(path, data)
        if memo is not None:
            memo.keep(path, shown[path], also, data=data)

    work = PackWork(RenderedPacks(), [], cache, publish, started)
    planned = [(pack, lang) for pack in plan_packs(portal) for lang in portal.settings.languages]
    shows = {id(pack): pack_shows(portal, pack) for pack, _ in planned}  # once a pack
    for pack, lang in planned:
        path = lang_root(lang, portal.settings.default_lang) + pack.url
        shown[path] = shows[id(pack)]
        if memo is not None and memo.link_all([path], shown[path], also):
            work.made.kept += 1
            continue
        # Asked only when a pack is to be made: loading WeasyPrint costs most of a second.
        missing = pdfworker.missing_libraries()
        if missing:
            logger.warning(
                "briefing packs (PDF) not made: %s; the site is built without them", missing
            )
            return PackWork(RenderedPacks(skipped=missing), [], cache, write, started)
        _html_or_cached(work, path, html_of(pack, lang))
    work.made.packs = {(pack.kind, pack.slug): pack for pack, _ in planned}
    return work


def _html_or_cached(work: PackWork, path: str, html: str) -> None:
    key = hashlib.sha256(f"{pdfworker.renderer()}\n{html}".encode()).hexdigest()
    data = work.cache.get(key)
    if data is None:
        work.todo.append((key, path, html))
    else:
        work.publish(path, data)
        work.made.cached += 1


def pack_shows(portal: Portal, pack: Pack) -> tuple[str, ...]:
    """The targets a pack shows: every target of its bureaus (a panel's cover table counts
    each bureau's), removed ones included."""
    covered = set(pack.bureaus)
    return tuple(a.target.id for a in portal.assessments if a.target.bureau in covered)


def _cache(chart_cache: str | None) -> ChartCache:
    return ChartCache(None if chart_cache is None else Path(chart_cache) / CACHE_FOLDER)


def status_counts(pack: Pack) -> list[tuple[str, int]]:
    """(status, number of targets) for each status the pack has, in display order."""
    counts = [(status, len(pack.with_status(status))) for status in DISPLAY_ORDER]
    return [(status, n) for status, n in counts if n]


def bureau_rows(pack: Pack, portal: Portal) -> list[dict]:
    """A panel pack's cover table: each bureau's targets, missed, at risk and unjustified."""
    rows = []
    for name in pack.bureaus:
        group = portal.group("bureaus", name)
        missed = [a for a in group.assessments if a.status == MISSED]
        rows.append({
            "name": name,
            "targets": len(group.assessments),
            "missed": len(missed),
            "at_risk": sum(1 for a in group.assessments if a.status == AT_RISK),
            "unjustified": sum(1 for a in missed if a.target.delay is None),
        })  # fmt: skip
    return rows


def money_line(assessment) -> str | None:
    """A target's spending beside its result and time, for its page of the pack
    (``moneywords.money_line``); None without a budget."""
    return moneywords.money_line(assessment)


def funds_warnings(assessment) -> list[str]:
    """The target's funds flags by name, for the pack's money line."""
    return moneywords.funds_warnings(assessment)
