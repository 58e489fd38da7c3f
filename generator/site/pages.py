"""The pages the portal writes: file name, template and what each page shows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..assess import moneywords, plainwords
from ..assess.delays import overdue_only
from ..assess.funds import FUNDS_FLAGS
from ..assess.recordwords import published_quarter
from ..assess.wording import status_label
from ..register.i18n import N_, current
from ..register.i18n import gettext as _
from ..register.model import in_language
from ..register.names import name_in
from . import editiondiff, money, moneychart
from .describe import with_descriptions
from .editions import INDEX_URL as EDITIONS_URL
from .exports import catalogue
from .portal import GROUP_KINDS, Portal, delay_url, target_url
from .publish import MONEY_HEATMAP, heat_shares, heatmap_views

GROUP_TITLES = {
    "status": N_("By status"),
    "bureaus": N_("By bureau"),
    "years": N_("By policy address"),
    "areas": N_("By policy area"),
}


@dataclass(frozen=True)
class Page:
    """One generated page: where it is saved, its template and its template variables."""

    save_as: str
    template: str
    title: str
    crumbs: tuple[tuple[str, str], ...] = ()
    variables: dict[str, Any] = field(default_factory=dict)
    shows: tuple[str, ...] | None = None
    """The ids of the targets it shows; None: it shows them all, or may (``dependencies``)."""


def group_title(kind: str, name: str, glossary: dict | None = None) -> str:
    """The heading of a group page: ``Housing Bureau``, ``Policy Address 2023``."""
    if kind == "status":
        return status_label(name)
    if kind == "years":
        return _("Policy Address %(year)s") % {"year": name}
    if kind == "areas" and name == OTHER_AREA:
        return _(OTHER_AREA)
    return name_in(glossary or {}, name, current())


OTHER_AREA = N_("Other")
# List pages come pre-sorted both ways, so sorting works without JavaScript.
SORTS = {"due": N_("Due date"), "status": N_("Status")}


def sorted_url(url: str, sort: str) -> str:
    """A list page sorted by ``sort``: ``bureaus/x.html`` → ``bureaus/x-by-status.html``."""
    return url if sort == "due" else url.removesuffix(".html") + f"-by-{sort}.html"


def sort_assessments(assessments, sort: str) -> list:
    """Soonest due first; or by status in display order, most urgent first."""
    if sort == "status":
        rank = {s: i for i, s in enumerate(STATUS_SORT)}
        return sorted(assessments, key=lambda a: (rank[a.status], a.basis.due, a.target.id))
    # The due quarter the status is judged on: an amended one does not move a target down.
    return sorted(assessments, key=lambda a: (a.basis.due, a.target.id))


STATUS_SORT = ("missed", "at_risk", "on_track", "achieved_late", "achieved", "withdrawn")


def bureau_justifications(portal: Portal, group, items=None) -> list:
    """A bureau's missed targets with their justifications (of ``items``, by default all
    the portal's), longest overdue first."""
    chosen = portal.justifications if items is None else items
    return [j for j in chosen if j.target.bureau == group.name]


def overdue_url(bureau_slug: str | None = None) -> str:
    """The overdue list, all bureaus or one."""
    return f"overdue/{bureau_slug}.html" if bureau_slug else "overdue.html"


def plan(portal: Portal, edition_urls: Sequence[str] = ()) -> list[Page]:
    """Every page of the portal in the language in force, in a stable order; the open data
    page lists ``edition_urls``, the published editions' files."""
    lang = current() or portal.settings.default_lang
    all_targets = _("All targets")
    counted = {"amendment_counts": amendment_counts(portal)}
    answer = plainwords.answer_sentence(plainwords.answer_counts(portal.assessments))
    home = {**counted, "answer": answer, **money_headline(portal)}
    pages = [Page("index.html", "dashboard", _("Dashboard"), (), home)]
    pages += _overdue_pages(portal)
    pages += _listing_pages("targets/index.html", all_targets, ((all_targets, ""),),
                            portal.assessments)  # fmt: skip
    pages.append(
        Page("data/index.html", "opendata", _("Open data"), ((_("Open data"), ""),),
             {"data_files": catalogue(portal, edition_urls)})
    )  # fmt: skip
    shown = {a.target.id for a in portal.assessments}  # a replaced id may have no page
    for a in portal.assessments:
        title = in_language(a.target.title, lang)
        crumbs = ((all_targets, "targets/index.html"), (a.target.id, ""))
        variables = {"a": a, "shown_ids": shown, "key_figures": plainwords.key_figures(a)}
        variables["money"] = moneychart.money_panel(a)  # None without a budget
        # It links the target it replaces when that one has a page: it shows whether it has.
        shows = (a.target.id,) + ((a.replaces,) if a.replaces else ())
        pages.append(Page(target_url(a.target.id), "target", title, crumbs, variables, shows))
    for j in portal.justifications:
        tid = j.target.id
        # One missed in its due quarter is not on the overdue list: reached from all targets.
        listed = (
            (_("Overdue targets"), "overdue.html")
            if j.overdue
            else (all_targets, "targets/index.html")
        )
        crumbs = (
            listed,
            (tid, target_url(tid)),
            (_("Delay justification"), ""),
        )
        title = _("Delay justification: %(title)s") % {"title": in_language(j.target.title, lang)}
        variables = {"j": j, "a": j.assessment, "key_figures": plainwords.key_figures(j.assessment)}
        # By the due quarter the status is judged on; None without a budget.
        variables["spent_by_due"] = moneywords.spent_by_due_line(j.assessment.basis)
        pages.append(Page(delay_url(tid), "delay", title, crumbs, variables, (tid,)))
    pages += _group_pages(portal)
    pages += _briefing_pages(portal)
    pages += _quarter_pages(portal)
    pages += _record_pages(portal, counted)
    pages.append(money_page(portal))
    pages.append(Page("corrections.html", "corrections", _("Corrections"),
                      ((_("Corrections"), ""),)))  # fmt: skip
    # No target's figures: the search page's filters name the groups, a site-wide input.
    pages.append(Page("search.html", "search", _("Search"), ((_("Search"), ""),), shows=()))
    pages.append(not_found_page(portal))
    return with_descriptions(pages, portal)


NOT_FOUND_URL = "404.html"


def not_found_page(portal: Portal) -> Page:
    """The page a server shows for a missing address, in each language's folder. It is
    shown at any depth, so its links are absolute: under SITEURL, or from the server root
    when there is none (the site is then assumed to be served from a host's root)."""
    variables = {"SITEURL": portal.settings.siteurl, "not_found": True}
    return Page(NOT_FOUND_URL, "404", _("Page not found"), (), variables, shows=())


def _listing_pages(
    url: str, title: str, crumbs: tuple, assessments, shows=None, **variables
) -> list[Page]:
    """A list page in each sort order, each linking to the others; ``shows``: the ids of
    the targets it shows, if not all (``Page.shows``)."""
    sort_links = [(sort, label, sorted_url(url, sort)) for sort, label in SORTS.items()]
    return [
        Page(
            sorted_url(url, sort),
            "listing",
            title,
            crumbs,
            {
                "assessments": sort_assessments(assessments, sort),
                "sort": sort,
                "sort_links": sort_links,
                **variables,
            },
            shows,
        )
        for sort in SORTS
    ]


def _overdue_pages(portal: Portal) -> list[Page]:
    """The overdue list, and the same list for each bureau with overdue targets: only
    targets whose due quarter is past (one missed in its due quarter is not yet overdue)."""
    title = _("Overdue targets")
    overdue = overdue_only(portal.justifications)
    bureaus = [g for g in portal.groups["bureaus"] if bureau_justifications(portal, g, overdue)]
    filters = [(None, overdue_url())] + [(g, overdue_url(g.slug)) for g in bureaus]
    everything = {"items": overdue, "bureau": None, "filters": filters}
    pages = [Page(overdue_url(), "overdue", title, ((title, ""),), everything)]
    for group in bureaus:
        items = bureau_justifications(portal, group, overdue)
        name = group_title("bureaus", group.name, portal.glossary)
        crumbs = ((title, overdue_url()), (name, ""))
        variables = {"items": items, "bureau": group, "filters": filters}
        heading = _("Overdue targets: %(bureau)s") % {"bureau": name}
        pages.append(Page(overdue_url(group.slug), "overdue", heading, crumbs, variables))
    return pages


def quarter_url(quarter) -> str:
    """The page of what changed in one quarter."""
    return f"quarters/{quarter}.html"


def _quarter_pages(portal: Portal) -> list[Page]:
    index = "quarters/index.html"
    title = _("Quarterly reports")
    pages = [Page(index, "quarters", title, ((title, ""),), {"reports": portal.reports})]
    missed_ids = {j.target.id for j in portal.justifications}
    reports = portal.reports
    removals = removals_by_quarter(portal)
    amended = amendments_by_quarter(portal)
    for i, report in enumerate(reports):
        later = reports[i + 1].quarter if i + 1 < len(reports) else None
        variables = {
            "report": report,
            "missed_ids": missed_ids,
            "previous_url": quarter_url(report.previous) if i > 0 else None,
            "next_url": quarter_url(later) if later else None,
            "next_quarter": later,
            "removals": removals.get(report.quarter, []),
            "amendments": amended.get(report.quarter, []),
        }
        crumbs = ((title, index), (str(report.quarter), ""))
        pages.append(
            Page(quarter_url(report.quarter), "quarter",
                 _("What changed in %(quarter)s") % {"quarter": report.quarter},
                 crumbs, variables)
        )  # fmt: skip
    return pages


AMENDMENTS_URL = "amendments.html"


def _record_pages(portal: Portal, counted: dict) -> list[Page]:
    """Delivery over time, and the promises changed after publication (with ``counted``,
    the amendments per bureau both show)."""
    title = _("Delivery over time")
    variables = {"heatmaps": heatmap_views(portal), **counted}
    pages = [Page("performance.html", "performance", title, ((title, ""),), variables)]
    title = _("Promises changed after publication")
    by_id = {a.target.id: a for a in portal.assessments}
    variables = {**counted, "by_id": by_id}
    pages.append(Page(AMENDMENTS_URL, "amendments", title, ((title, ""),), variables))
    return pages


def money_headline(portal: Portal) -> dict[str, Any]:
    """What the home page says of the money: the totals per currency and unit, and the
    number of targets with each funds flag (nothing when no target has a budget)."""
    totals = money.total_rows(portal.assessments)
    if not totals:
        return {}
    flags = money.flag_counts(portal.assessments)
    return {"money_totals": totals, "money_flags": flags, "moneywords": moneywords}


def money_page(portal: Portal) -> Page:
    """Money and results: per bureau, allocated and spent beside delivered; the targets
    with idle funds and those spending ahead of results; the heat map of the share spent."""
    title = _("Money and results")
    assessments = portal.assessments
    bureaus = [g.name for g in portal.groups["bureaus"]]
    quarters, cells = money.spent_table(heat_shares(portal)[MONEY_HEATMAP])
    members = money.heat_members(assessments)
    variables = {
        "rows": money.bureau_rows(assessments, bureaus),
        "totals": money.total_rows(assessments),
        "mixed": money.mixed(assessments),
        "idle": money.idle_funds(assessments),
        "ahead": money.spending_ahead(assessments),
        "overspent": money.overspent(assessments),
        "heat": {
            "chart_name": money.HEATMAP_CHART,
            "quarters": quarters,
            "rows": [(*members[group], row) for group, row in cells],
        },
        "flag_counts": money.flag_counts(assessments),
        "funds_flags": FUNDS_FLAGS,
        "bureau_urls": {g.name: g.url for g in portal.groups["bureaus"]},
        "moneywords": moneywords,
        "money_words": money.money_words,
    }
    return Page(money.MONEY_URL, "money", title, ((title, ""),), variables)


@dataclass(frozen=True)
class BureauAmendments:
    """How often one bureau changed its published promises."""

    group: Any  # portal.Group of the bureau
    amended: int  # amendments that are not corrections: the goalposts moved
    without_reason: int  # of those, the ones with no recorded reason
    corrections: int  # clerical errors fixed in the promise as first published


def amendment_counts(portal: Portal) -> list[BureauAmendments]:
    """Every bureau with targets, with how often it amended its published promises."""
    bureau_of = {a.target.id: a.target.bureau for a in portal.assessments}
    tally: dict[str, list[int]] = {}
    for change in portal.amendments:
        counts = tally.setdefault(bureau_of.get(change.target_id, ""), [0, 0, 0])
        counts[2 if change.correction else 0] += 1
        counts[1] += int(change.entry is None)
    return [BureauAmendments(g, *tally.get(g.name, (0, 0, 0))) for g in portal.groups["bureaus"]]


def removals_by_quarter(portal: Portal) -> dict:
    """The targets that left the register, by the report they are listed on: that of
    the quarter they left in (see ``by_report_quarter``)."""
    left = [(a.record.removed.date, a) for a in portal.assessments if a.removed and a.record]
    return by_report_quarter(portal, [(date, a) for date, a in left if date])


def amendments_by_quarter(portal: Portal) -> dict:
    """The amendments, newest first, by the report of the quarter they were published in."""
    return by_report_quarter(portal, [(c.date, c) for c in portal.amendments])


def by_report_quarter(portal: Portal, dated: list[tuple[str, Any]]) -> dict:
    """Items by the quarter of their ISO date, each on a quarterly report: one dated
    outside the reported quarters goes on the nearest report, so that none is lost."""
    if not portal.reports:
        return {}
    first, last = portal.reports[0].quarter, portal.reports[-1].quarter
    found: dict = {}
    for date, item in dated:
        quarter = min(max(published_quarter(date), first), last)
        found.setdefault(quarter, []).append(item)
    return found


def briefing_url(group_slug: str) -> str:
    """The printable briefing pack of one bureau's missed targets."""
    return f"briefing/{group_slug}.html"


def _briefing_pages(portal: Portal) -> list[Page]:
    index = "briefing/index.html"
    title = _("Briefing packs")
    pages = [Page(index, "briefings", title, ((title, ""),))]
    for group in portal.groups["bureaus"]:
        items = bureau_justifications(portal, group)
        if not items:
            continue
        name = group_title("bureaus", group.name, portal.glossary)
        title = _("Briefing pack: %(bureau)s") % {"bureau": name}
        crumbs = ((_("Briefing packs"), index), (name, ""))
        variables = {"group": group, "items": items, "moneywords": moneywords}
        shows = tuple(a.target.id for a in group.assessments)  # its bureau's, as its pack
        pages.append(Page(briefing_url(group.slug), "briefing", title, crumbs, variables, shows))
    return pages


def _group_pages(portal: Portal) -> list[Page]:
    pages = []
    for kind in GROUP_KINDS:
        index = f"{kind}/index.html"
        kind_title = _(GROUP_TITLES[kind])
        pages.append(Page(index, "groups", kind_title, ((kind_title, ""),), {"kind": kind}))
        for group in portal.groups[kind]:
            title = group_title(kind, group.name, portal.glossary)
            crumbs = ((kind_title, index), (title, ""))
            extra = {"group": group}
            if kind == "bureaus":  # a bureau page opens with its answer, as the home page
                counts = plainwords.answer_counts(group.assessments)
                extra["answer"] = plainwords.answer_sentence(counts)
            # A group's page shows its own targets alone: a change elsewhere leaves it as it was.
            shows = tuple(a.target.id for a in group.assessments)
            pages += _listing_pages(group.url, title, crumbs, group.assessments, shows, **extra)
    return pages


def edition_pages(published: list) -> list[Page]:
    """The editions' index, newest first, and each edition's page with what changed since
    (``editiondiff.PublishedEdition``, oldest first)."""
    title = _("Editions")
    newest = list(reversed(published))
    pages = [Page(EDITIONS_URL, "editions", title, ((title, ""),), {"published": newest})]
    for item in newest:
        quarter = item.edition.quarter
        heading = _("Edition of %(quarter)s") % {"quarter": quarter}
        variables = {"published": item, "diff": editiondiff}  # its words for fields, values
        crumbs = ((title, EDITIONS_URL), (str(quarter), ""))
        pages.append(Page(item.edition.url, "edition", heading, crumbs, variables))
    return pages
