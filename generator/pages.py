"""The pages the portal writes: file name, template and what each page shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .exports import catalogue
from .model import in_language
from .portal import GROUP_KINDS, Portal, delay_url, target_url
from .publish import heatmap_views
from .wording import status_label

GROUP_TITLES = {
    "status": "By status",
    "bureaus": "By bureau",
    "years": "By policy address",
    "areas": "By policy area",
}


@dataclass(frozen=True)
class Page:
    """One generated page: where it is saved, its template and its template variables."""

    save_as: str
    template: str
    title: str
    crumbs: tuple[tuple[str, str], ...] = ()
    variables: dict[str, Any] = field(default_factory=dict)


def group_title(kind: str, name: str) -> str:
    """The heading of a group page: ``Housing Bureau``, ``Policy Address 2023``."""
    if kind == "status":
        return status_label(name)
    return f"Policy Address {name}" if kind == "years" else name


def plan(portal: Portal) -> list[Page]:
    """Every page of the portal, in a stable order."""
    lang = portal.settings.default_lang
    pages = [
        Page("index.html", "dashboard", "Dashboard"),
        Page("overdue.html", "overdue", "Overdue targets", (("Overdue targets", ""),)),
        Page(
            "targets/index.html",
            "listing",
            "All targets",
            (("All targets", ""),),
            {"assessments": portal.assessments},
        ),
        Page(
            "data/index.html",
            "opendata",
            "Open data",
            (("Open data", ""),),
            {"data_files": catalogue(portal)},
        ),
    ]
    for a in portal.assessments:
        title = in_language(a.target.title, lang)
        crumbs = (("All targets", "targets/index.html"), (a.target.id, ""))
        pages.append(Page(target_url(a.target.id), "target", title, crumbs, {"a": a}))
    for j in portal.justifications:
        tid = j.target.id
        crumbs = (
            ("Overdue targets", "overdue.html"),
            (tid, target_url(tid)),
            ("Delay justification", ""),
        )
        title = f"Delay justification: {in_language(j.target.title, lang)}"
        pages.append(Page(delay_url(tid), "delay", title, crumbs, {"j": j, "a": j.assessment}))
    pages += _group_pages(portal)
    pages += _briefing_pages(portal)
    pages += _quarter_pages(portal)
    pages.append(
        Page(
            "performance.html",
            "performance",
            "Delivery over time",
            (("Delivery over time", ""),),
            {"heatmaps": heatmap_views(portal)},
        )
    )
    pages.append(Page("corrections.html", "corrections", "Corrections", (("Corrections", ""),)))
    return pages


def quarter_url(quarter) -> str:
    """The page of what changed in one quarter."""
    return f"quarters/{quarter}.html"


def _quarter_pages(portal: Portal) -> list[Page]:
    index = "quarters/index.html"
    title = "Quarterly reports"
    pages = [Page(index, "quarters", title, ((title, ""),), {"reports": portal.reports})]
    missed_ids = {j.target.id for j in portal.justifications}
    reports = portal.reports
    for i, report in enumerate(reports):
        later = reports[i + 1].quarter if i + 1 < len(reports) else None
        variables = {
            "report": report,
            "missed_ids": missed_ids,
            "previous_url": quarter_url(report.previous) if i > 0 else None,
            "next_url": quarter_url(later) if later else None,
            "next_quarter": later,
        }
        crumbs = ((title, index), (str(report.quarter), ""))
        pages.append(
            Page(quarter_url(report.quarter), "quarter", f"What changed in {report.quarter}",
                 crumbs, variables)
        )  # fmt: skip
    return pages


def briefing_url(group_slug: str) -> str:
    """The printable briefing pack of one bureau's missed targets."""
    return f"briefing/{group_slug}.html"


def _briefing_pages(portal: Portal) -> list[Page]:
    index = "briefing/index.html"
    pages = [Page(index, "briefings", "Briefing packs", (("Briefing packs", ""),))]
    by_id = {j.target.id: j for j in portal.justifications}
    for group in portal.groups["bureaus"]:
        items = [by_id[a.target.id] for a in group.missed]
        if not items:
            continue
        title = f"Briefing pack: {group.name}"
        crumbs = (("Briefing packs", index), (group.name, ""))
        variables = {"group": group, "items": items}
        pages.append(Page(briefing_url(group.slug), "briefing", title, crumbs, variables))
    return pages


def _group_pages(portal: Portal) -> list[Page]:
    pages = []
    for kind in GROUP_KINDS:
        index = f"{kind}/index.html"
        pages.append(
            Page(index, "groups", GROUP_TITLES[kind], ((GROUP_TITLES[kind], ""),), {"kind": kind})
        )
        for group in portal.groups[kind]:
            title = group_title(kind, group.name)
            crumbs = ((GROUP_TITLES[kind], index), (title, ""))
            variables = {"assessments": group.assessments, "group": group}
            pages.append(Page(group.url, "listing", title, crumbs, variables))
    return pages
