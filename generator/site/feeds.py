"""Atom feeds of status changes and newly missed targets (the calendar of due dates is in
``calendar``).

Everything here is deterministic: no clock. A feed item's time is the moment its
quarter's figures could first be known (the day after the quarter ends), and its id
is a tag URI without the site's address, so moving the site or rebuilding it never
shows a reader the same item twice. The words are in the language set by ``i18n.use``
(each language has its own feeds, under its folder: ``publish.feed_files``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from ..assess.recordwords import amendment_sentence, published_words
from ..assess.status import MISSED, Assessment
from ..assess.wording import promise, status_label
from ..register.i18n import N_
from ..register.i18n import gettext as _
from ..register.model import Target, in_language
from ..register.quarters import Quarter
from .portal import delay_url, target_url

if TYPE_CHECKING:
    from ..assess.history import StatusPoint
    from ..assess.record import PromiseChange

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_NS = "http://www.w3.org/XML/1998/namespace"
TAG_PREFIX = "tag:kpi-portal,2024:"
EPOCH = "1970-01-01T00:00:00Z"
AUTHOR = "KPI portal"

# XML 1.0 forbids C0 controls other than tab, newline and carriage return, lone
# surrogates and U+FFFE/U+FFFF; DEL and C1 controls are allowed but never meant.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Characters a tag URI's specific part may hold as they are (RFC 4151, RFC 3986 pchar).
_TAG_SAFE = "/?:@!$&'()*+,;=-._~"

Names = Callable[[str], str]
"""A bureau's name in the feed's language (``names.name_in``); the name as given by default."""


def as_given(name: str) -> str:
    """A name as the register gives it (no glossary)."""
    return name


@dataclass(frozen=True)
class FeedEntry:
    """One feed item: a target's status change or its becoming missed, in one quarter."""

    id: str
    title: str
    link: str
    updated: str
    summary: str


def quarter_published(quarter: Quarter) -> str:
    """The RFC 3339 instant a quarter's figures can be known: 00:00Z the day after it ends."""
    after = quarter.shift(1)
    return f"{after.year:04d}-{(after.q - 1) * 3 + 1:02d}-01T00:00:00Z"


def feed_id(name: str) -> str:
    """The stable id of a feed: ``tag:kpi-portal,2024:feeds/<name>``."""
    return _tag(f"feeds/{name}")


def _tag(path: str) -> str:
    """A tag URI in the portal's namespace, with unsafe characters percent-encoded."""
    return TAG_PREFIX + quote(path, safe=_TAG_SAFE)


def clean_text(text: str) -> str:
    """Text XML 1.0 can hold: CR/CRLF become LF, other forbidden characters are dropped."""
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def one_line(text: str) -> str:
    """Register text for a one-line place: every run of whitespace becomes one space."""
    return " ".join(clean_text(text).split())


def _sentences(*sentences: str) -> str:
    """Sentences one after the other: a space after a Latin full stop, none after 。."""
    text = ""
    for sentence in sentences:
        text += sentence if not text or text.endswith("。") else " " + sentence
    return text


def _words(status: str) -> str:
    """A status in running text: ``at risk``."""
    return status_label(status).lower()


def _newest_first(entries: list[FeedEntry]) -> list[FeedEntry]:
    """Entries newest first, then by id (RFC 3339 UTC instants sort as text)."""
    return sorted(sorted(entries, key=lambda e: e.id), key=lambda e: e.updated, reverse=True)


def status_change_entries(
    targets: list[Target],
    histories: dict[str, tuple[StatusPoint, ...]],
    lang: str,
    names: Names = as_given,
) -> list[FeedEntry]:
    """One entry per target per quarter whose status differs from the previous quarter's.

    The first point of a history is not a change. Newest first, then by id.
    """
    entries = []
    for target in targets:
        points = histories.get(target.id, ())
        for before, point in zip(points, points[1:], strict=False):
            if point.status != before.status:
                entries.append(_status_entry(target, before, point, lang, names))
    return _newest_first(entries)


def _status_entry(
    target: Target, before: StatusPoint, point: StatusPoint, lang: str, names: Names
) -> FeedEntry:
    """The feed item for ``target`` moving from ``before``'s status to ``point``'s."""
    old, new = _words(before.status), _words(point.status)
    words = _(
        "“%(title)s” (%(bureau)s) went from %(old)s in %(before)s to %(new)s in %(quarter)s. "
        "The promise: %(promise)s."
    )
    summary = words % (target_words(target, lang, names) | {
        "old": old, "before": before.quarter, "new": new, "quarter": point.quarter,
    })  # fmt: skip
    return FeedEntry(
        id=_tag(f"{target.id}/status/{point.quarter}"),
        title=_("%(id)s is now %(new)s (was %(old)s)") % {"id": target.id, "new": new, "old": old},
        link=target_url(target.id),
        updated=quarter_published(point.quarter),
        summary=summary,
    )


def newly_missed_entries(
    targets: list[Target],
    histories: dict[str, tuple[StatusPoint, ...]],
    lang: str,
    names: Names = as_given,
) -> list[FeedEntry]:
    """One entry per target per quarter in which it became missed, linking to its delay page
    while it is still missed (only then has it one), else to its page.

    A history that starts missed counts as becoming missed in its first quarter.
    Newest first, then by id.
    """
    entries = []
    for target in targets:
        previous = None
        points = histories.get(target.id, ())
        link = delay_url(target.id) if points and points[-1].status == MISSED else None
        for point in points:
            if point.status == MISSED and previous != MISSED:
                entry = _missed_entry(target, point, lang, names)
                entries.append(replace(entry, link=link or target_url(target.id)))
            previous = point.status
    return _newest_first(entries)


def target_words(target: Target, lang: str, names: Names) -> dict[str, object]:
    """The words every entry about ``target`` names: its title, bureau, due and promise
    (for the feeds and the calendar)."""
    return {
        "title": one_line(in_language(target.title, lang)),
        "bureau": one_line(names(target.bureau)),
        "due": target.due,
        "promise": promise(target),
    }


def _missed_entry(target: Target, point: StatusPoint, lang: str, names: Names) -> FeedEntry:
    """The feed item for ``target`` becoming missed in ``point``'s quarter."""
    if target.delay is None:
        filed = _("No delay justification has been filed.")
    else:
        filed = _("A delay justification has been filed, revising the due quarter to %(due)s.")
        filed %= {"due": target.delay.revised_due}
    words = _("“%(title)s” (%(bureau)s) was not met by %(due)s; the promise was %(promise)s.")
    summary = _sentences(words % target_words(target, lang, names), filed)
    return FeedEntry(
        id=_tag(f"{target.id}/missed/{point.quarter}"),
        title=_("%(id)s missed its target (due %(due)s)") % {"id": target.id, "due": target.due},
        link=delay_url(target.id),
        updated=quarter_published(point.quarter),
        summary=summary,
    )


def record_entries(
    assessments: list[Assessment], lang: str, names: Names = as_given
) -> list[FeedEntry]:
    """One entry per amendment to a published promise and per target taken out of the
    register, dated by its commit (the published record). Newest first, then by id."""
    entries = []
    for a in assessments:
        entries += [_amendment_entry(a.target, change, lang, names) for change in a.amendments]
        if a.removed and a.record is not None and a.record.removed is not None:
            entries.append(_removal_entry(a, lang, names))
    return _newest_first(entries)


def _commit_instant(date: str) -> str:
    """The RFC 3339 instant of a commit's ISO date: its first moment, UTC."""
    return f"{date}T00:00:00Z"


def _amendment_entry(target: Target, change: PromiseChange, lang: str, names: Names) -> FeedEntry:
    """The feed item for one published change to ``target``'s promise."""
    if change.entry is None:
        why = _("No reason recorded.")
    else:
        why = _("Reason: %(reason)s") % {"reason": one_line(change.entry.reason)}
    if change.correction:
        why = _sentences(
            why, _("A correction of a clerical error in the promise as first published.")
        )
    words = _(
        "“%(title)s” (%(bureau)s): %(change)s %(why)s The status is still judged against the "
        "promise as first published."
    )
    summary = words % (target_words(target, lang, names) | {
        "change": amendment_sentence(change), "why": why,
    })  # fmt: skip
    title = _("%(id)s: its promise was changed after publication (%(field)s)")
    return FeedEntry(
        id=_tag(f"{target.id}/amended/{change.commit}/{change.field}"),
        title=title % {"id": target.id, "field": change.field},
        link=target_url(target.id) + "#amendments",
        updated=_commit_instant(change.date),
        summary=summary,
    )


_REMOVED = {
    "replaced": N_("“%(title)s” (%(bureau)s) was replaced by %(by)s on %(date)s."),
    "withdrawn": N_(
        "“%(title)s” (%(bureau)s) was removed from the register after being withdrawn, on %(date)s."
    ),
    "removed": N_(
        "“%(title)s” (%(bureau)s) was removed from the register without being withdrawn on "
        "%(date)s."
    ),
}


def _removal_entry(assessment: Assessment, lang: str, names: Names) -> FeedEntry:
    """The feed item for a published target whose file left the register."""
    target, record = assessment.target, assessment.record
    how = "replaced" if record.replaced_by else "withdrawn" if record.withdrawn else "removed"
    about = target_words(assessment.basis, lang, names)
    words = _(_REMOVED[how]) % (about | {
        "by": record.replaced_by, "date": published_words(record.removed),
    })  # fmt: skip
    stays = _("Its page stays, as last published; the promise was %(promise)s.") % about
    return FeedEntry(
        id=_tag(f"{target.id}/removed/{record.removed.commit or record.removed.date}"),
        title=_("%(id)s was taken out of the register") % {"id": target.id},
        link=target_url(target.id),
        updated=_commit_instant(record.removed.date),
        summary=_sentences(words, stays),
    )


def in_folder(entry: FeedEntry, root: str) -> FeedEntry:
    """``entry`` as the feed of the language whose pages are under ``root`` (``zh-hant/``)
    gives it: linking to that language's page, with an id of its own."""
    if not root:
        return entry
    return replace(entry, id=_tag(root + entry.id.removeprefix(TAG_PREFIX)), link=root + entry.link)


def _resolve(path: str, self_path: str, site_url: str) -> str:
    """A site-root-relative path as an absolute URL, or relative to the feed's location."""
    if urlsplit(path).scheme:
        return path
    path = path.lstrip("/")
    if site_url:
        return site_url.rstrip("/") + "/" + path
    depth = self_path.strip("/").count("/")
    return "../" * depth + path or "./"


def _sub(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    """Append an Atom element with cleaned text and attributes to ``parent``."""
    element = ET.SubElement(parent, name, {k: clean_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = clean_text(text)
    return element


def _entry_element(parent: ET.Element, entry: FeedEntry, resolve) -> None:
    """Append ``entry`` to the feed ``parent`` as an Atom ``<entry>``."""
    element = _sub(parent, "entry")
    _sub(element, "id", entry.id)
    _sub(element, "title", entry.title, type="text")
    _sub(element, "link", rel="alternate", type="text/html", href=resolve(entry.link))
    _sub(element, "updated", entry.updated)
    _sub(element, "summary", entry.summary, type="text")


def atom_feed(
    entries: list[FeedEntry],
    *,
    feed_id: str,
    title: str,
    self_path: str,
    site_url: str,
    updated: str | None = None,
    limit: int = 100,
    lang: str,
    author: str = AUTHOR,
    home: str = "",
) -> str:
    """Well-formed Atom (RFC 4287) XML text of the ``limit`` newest entries, ids unique.

    Links are absolute under ``site_url``, or relative to ``self_path`` when it is empty;
    the feed links to the home page at ``home`` (the language's folder).
    The feed's <updated> is its newest entry's; with no entries, ``updated`` or the epoch.
    """
    unique = list({e.id: e for e in reversed(entries)}.values())  # the first of each id wins
    chosen = _newest_first(unique)[: max(limit, 0)]
    # Unprefixed names in the Atom namespace: ElementTree's default_namespace option
    # refuses unqualified attributes such as href, so the xmlns attribute is set directly.
    feed = ET.Element("feed", {"xmlns": ATOM_NS, f"{{{XML_NS}}}lang": clean_text(lang)})
    _sub(feed, "id", feed_id)
    _sub(feed, "title", title, type="text")
    _sub(feed, "updated", chosen[0].updated if chosen else updated or EPOCH)
    _sub(_sub(feed, "author"), "name", author)
    self_href = _resolve(self_path, self_path, site_url)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=self_href)
    _sub(feed, "link", rel="alternate", type="text/html", href=_resolve(home, self_path, site_url))
    for entry in chosen:
        _entry_element(feed, entry, lambda path: _resolve(path, self_path, site_url))
    ET.indent(feed)
    body = ET.tostring(feed, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n"
