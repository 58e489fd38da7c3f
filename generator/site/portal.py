"""The portal's site model: every target assessed as of R, grouped and given a URL.

URLs are relative to the site root, without a leading slash, so that the site
works from any folder and when opened straight from disk.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cached_property

from ..assess.delays import DelayJustification, justification, overdue_order
from ..assess.history import quarter_report, register_history, report_quarters
from ..assess.record import HistoryRequired, PromiseChange, Record
from ..assess.status import DISPLAY_ORDER, MISSED, Assessment, assess, reporting_quarter
from ..project.settings import PortalSettings
from ..register.bureaus import Bureau, Bureaus, implied
from ..register.errors import PortalError
from ..register.model import Target
from ..register.quarters import Quarter
from ..register.slugs import slugify


def target_url(target_id: str) -> str:
    """The page of a target."""
    return f"targets/{target_id}.html"


def delay_url(target_id: str) -> str:
    """The delay-justification page of a missed target."""
    return f"delays/{target_id}.html"


def chart_url(name: str) -> str:
    """A chart's SVG file."""
    return f"charts/{name}.svg"


def chart_png_url(target_id: str) -> str:
    """A target chart's PNG, for link previews (Open Graph)."""
    return f"charts/{target_id}.png"


@dataclass(frozen=True)
class Evidence:
    """How the latest figures of a set of targets are backed."""

    reported: int
    verified: int
    sourced: int


def evidence(assessments: tuple[Assessment, ...] | list[Assessment]) -> Evidence:
    """Count the latest figures that an independent body checked, and that cite a source."""
    latest = [a.latest for a in assessments if a.latest is not None]
    return Evidence(
        reported=len(latest),
        verified=sum(1 for e in latest if e.verified_by),
        sourced=sum(1 for e in latest if e.sources),
    )


@dataclass(frozen=True)
class Group:
    """A set of targets sharing a bureau, area, year or status, with its own page."""

    kind: str
    name: str
    slug: str
    assessments: tuple[Assessment, ...]

    @property
    def url(self) -> str:
        """The group's list page."""
        return f"{self.kind}/{self.slug}.html"

    @property
    def counts(self) -> Counter:
        """Targets per status in this group."""
        return Counter(a.status for a in self.assessments)

    @property
    def evidence(self) -> Evidence:
        """How this group's latest figures are backed."""
        return evidence(self.assessments)

    @property
    def missed(self) -> tuple[Assessment, ...]:
        """This group's missed targets."""
        return tuple(a for a in self.assessments if a.status == MISSED)


@dataclass
class Portal:
    """Everything the site shows, computed once from the register and the settings."""

    settings: PortalSettings
    quarter: Quarter
    assessments: list[Assessment]
    justifications: list[DelayJustification] = field(default_factory=list)
    groups: dict[str, list[Group]] = field(default_factory=dict)
    histories: dict[str, tuple] = field(default_factory=dict)
    """Status at every quarter up to R, by target id (see ``history``)."""
    reports: list = field(default_factory=list)
    """A ``QuarterReport`` per quarter, oldest first."""
    heat_shares: dict = field(default_factory=dict)
    """Delivery shares by grouping, filled once by ``publish.heat_shares``."""
    corrections: list | None = None
    """Corrections to published figures from git history; None when it is unavailable."""
    glossary: dict = field(default_factory=dict)
    """Translated bureau, partner and area names by language (see ``names``)."""
    bureaus: Bureaus | None = None
    """The declared bureaus (content/bureaus.yaml) the targets are published under."""
    record: Record | None = None
    """The published record (``record.Record``: ``available``, ``reason``); None when the
    caller did not read it. Each assessment carries its target's part (``record``,
    ``original``, ``amendments``, ``status_as_amended``, ``justification_published``,
    ``removed``, ``replaced_by``, ``replaces``)."""

    @property
    def record_available(self) -> bool:
        """True when the record was read from the complete published history."""
        return self.record is not None and self.record.available

    @cached_property
    def amendments(self) -> list[PromiseChange]:
        """Every amendment to a published promise, newest first (empty when unavailable)."""
        return self.record.amendments() if self.record else []

    def amendments_by_bureau(self) -> dict[str, int]:
        """The number of amendments per bureau (as published), bureaus in sorted order."""
        bureau_of = {a.target.id: a.target.bureau for a in self.assessments}
        counts = Counter(bureau_of.get(a.target_id, "") for a in self.amendments)
        return {name: counts[name] for name in sorted(counts)}

    def bureau(self, name: str) -> Bureau:
        """The declared bureau published under ``name`` (a target's ``bureau``)."""
        return self._bureaus_by_name[name]

    @cached_property
    def _bureaus_by_name(self) -> dict[str, Bureau]:
        return {self.bureaus.name(b): b for b in self.bureaus.entries} if self.bureaus else {}

    def counts(self) -> dict[str, int]:
        """Targets per status, in display order."""
        counter = Counter(a.status for a in self.assessments)
        return {s: counter.get(s, 0) for s in DISPLAY_ORDER}

    def group(self, kind: str, name: str) -> Group:
        """The group of ``kind`` called ``name``."""
        return self._group_index[kind, name]

    @cached_property
    def _group_index(self) -> dict[tuple[str, str], Group]:
        # Every target page looks up its bureau, year and area: a dict, not a scan each time.
        return {(kind, g.name): g for kind, groups in self.groups.items() for g in groups}

    def corrections_of(self, target_id: str) -> list:
        """The corrections to one target's figures, oldest first (none when unavailable)."""
        return self._corrections_by_target.get(target_id, [])

    @cached_property
    def _corrections_by_target(self) -> dict[str, list]:
        by_target: dict[str, list] = {}
        for correction in self.corrections or []:
            by_target.setdefault(correction.target_id, []).append(correction)
        return by_target


GROUP_KINDS = ("status", "bureaus", "years", "areas")


def build_portal(
    targets: list[Target],
    settings: PortalSettings,
    bureaus: Bureaus | None = None,
    record: Record | None = None,
) -> Portal:
    """Assess every target as of R and group them for the list pages.

    ``bureaus`` are the declared bureaus the targets were checked against; a bureau's
    pages are named by its code. Without them (callers that need statuses, not pages),
    each bureau name stands for a bureau of its own. With the ``record``, statuses are
    against the original promise and removed targets stay (``record.py``). Raises
    ``PortalError`` when R cannot be known (no setting and no progress at all), and
    ``HistoryRequired`` under REQUIRE_HISTORY without an available record.
    """
    if settings.require_history and not (record and record.available):
        raise HistoryRequired(record)
    quarter = reporting_quarter(targets, settings.reporting_quarter)
    if quarter is None:
        raise PortalError(
            "REPORTING_QUARTER: not set, and no progress entry in the register to take it from"
        )
    targets, assessments = _assess_all(targets, quarter, settings, bureaus, record)
    records = record.targets if record else {}
    missed = [justification(a) for a in assessments if a.status == MISSED]
    portal = Portal(settings, quarter, assessments, overdue_order(missed), record=record)
    names = {t.bureau for t in targets} | {p for t in targets for p in t.partners}
    portal.bureaus = bureaus or implied(names, settings.default_lang)
    if undeclared := sorted(names - set(portal._bureaus_by_name)):
        raise PortalError(f"not declared in {portal.bureaus.path}: {', '.join(undeclared)}")
    portal.histories = register_history(
        targets, quarter, settings.at_risk_lag, records, settings.spend_lag
    )
    portal.reports = [
        quarter_report(targets, portal.histories, q) for q in report_quarters(targets, quarter)
    ]
    portal.groups = {
        "status": _groups("status", assessments, lambda a: a.status, order=DISPLAY_ORDER),
        "bureaus": _bureau_groups(portal),
        "years": _groups("years", assessments, lambda a: str(a.target.policy_address)),
        "areas": _groups("areas", assessments, lambda a: a.target.area or "Other"),
    }
    return portal


def _assess_all(
    targets: list[Target],
    quarter: Quarter,
    settings: PortalSettings,
    bureaus: Bureaus | None,
    record: Record | None,
) -> tuple[list[Target], list[Assessment]]:
    """Every target shown (the register's, then the removed ones by id), assessed as of R."""
    lags = {"at_risk_lag": settings.at_risk_lag, "spend_lag": settings.spend_lag}
    if record is None:
        return targets, [assess(t, quarter, **lags) for t in targets]
    records = record.targets
    removed = [_published_names(t, bureaus) for t in record.removed_targets(targets)]
    assessments = [assess(t, quarter, record=records.get(t.id), **lags) for t in targets]
    assessments += [assess(t, quarter, record=records[t.id], removed=True, **lags) for t in removed]
    return [*targets, *removed], assessments


def _published_names(target: Target, bureaus: Bureaus | None) -> Target:
    """A version read from git (bureaus as written, code or name) with the declared names,
    as the register gives them; a name no longer declared stays as written."""
    if bureaus is None:
        return target

    def name(written: str) -> str:
        bureau = bureaus.resolve(written)
        return bureaus.name(bureau) if bureau is not None else written

    return replace(
        target, bureau=name(target.bureau), partners=tuple(name(p) for p in target.partners)
    )


def _bureau_groups(portal: Portal) -> list[Group]:
    """A group per bureau with targets, named as published, its code the URL slug."""
    groups = _groups("bureaus", portal.assessments, lambda a: a.target.bureau)
    return [replace(g, slug=portal.bureau(g.name).slug) for g in groups]


def _groups(kind, assessments, key, order=None) -> list[Group]:
    names = list(order) if order else sorted({key(a) for a in assessments})
    slugs: set[str] = {"index"}  # each kind's list of groups is its index.html
    groups = []
    for name in names:
        slug = name if order else _unique(slugify(name), slugs)
        slugs.add(slug)
        members = tuple(a for a in assessments if key(a) == name)
        groups.append(Group(kind, name, slug, members))
    return groups


def _unique(slug: str, taken: set[str]) -> str:
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    return candidate
