"""Open data a journalist expects, beside the published record (``exports``): every
quarterly figure (``progress.csv``), the corrections log (``corrections.csv``), the bureaus
by code (``bureaus.csv`` and in targets.json), the publication's own facts in targets.json,
and the whole of ``data/`` as one zip.

Everything comes from the register, the settings and the register's git history, never
the clock: the same commit gives the same bytes, the zip included (fixed order, times and
permissions). Pure core: no Pelican imports.
"""

from __future__ import annotations

import importlib.metadata
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..assess.publication import PublicationFacts
from ..register.model import Target, in_language
from . import editions
from .exports import csv_text
from .portal import Portal

DISTRIBUTION = "kpi-portal"
ZIP_PATH = "data/portal-data.zip"
ZIP_FOLDER = "portal-data"  # unzipped, the files land in a folder of their own
# A zip stores local times to the even second from 1980; with no known date, its epoch.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Release:
    """What the open data say of their own publication: when (``publication``, from the
    settings and the register's history), by whom, under which licence, and the committed
    editions published beside them."""

    publication: PublicationFacts
    site_name: str
    publisher: str
    licence: str | None
    licence_url: str | None
    editions: tuple[editions.Edition, ...]


def portal_version() -> str | None:
    """The installed portal's version (the package's), None when it is not installed."""
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return None


# What targets.json says of itself (``about_fields``); an edition's frozen document, made
# for a past quarter by the ``edition`` command, holds only the register's data.
ABOUT_KEYS = (
    "published", "published_from", "publisher", "licence", "reporting_period",
    "next_update_after", "edition", "portal_version", "bureaus",
)  # fmt: skip


def about_fields(portal: Portal, release: Release) -> dict[str, Any]:
    """What targets.json says of itself, before its targets: published date and where it
    came from, publisher, licence, the months reported on, the next update, the newest
    edition, the portal's version and the bureaus by code."""
    facts = release.publication
    span = facts.reporting
    return {
        "published": facts.published_date,
        "published_from": facts.published_from,
        "publisher": release.publisher or None,
        "licence": licence(release),
        "reporting_period": {
            "quarter": str(span.quarter),
            "first_month": str(span.first),
            "last_month": str(span.last),
            "financial_year": span.financial_year,
        },
        "next_update_after": str(facts.next_update_after),
        "edition": (
            {"quarter": str(facts.edition), "url": editions.data_url(facts.edition)}
            if facts.edition
            else None
        ),
        "portal_version": portal_version(),
        "bureaus": bureau_records(portal),
    }


def licence(release: Release) -> dict[str, str] | None:
    """The data licence (DATA_LICENSE and its address), None when the site names none."""
    if not release.licence:
        return None
    return {"name": release.licence, "url": release.licence_url or ""}


# --- Bureaus, by code ---------------------------------------------------------------------


def bureau_records(portal: Portal) -> dict[str, dict[str, Any]]:
    """Every declared bureau keyed by its code (which never changes), sorted by code:
    names and panel in every language given, kind, abolition and its page."""
    bureaus = portal.bureaus
    with_page = {g.slug for g in portal.groups.get("bureaus", [])}
    found = {}
    for b in sorted(bureaus.entries if bureaus else (), key=lambda b: b.code):
        found[b.code] = {
            "code": b.code,
            "name": bureaus.name(b),
            "names": dict(sorted(b.names.items())),
            "kind": b.kind,
            "panel": dict(sorted(b.panel.items())) or None,
            "abolished": str(b.abolished) if b.abolished else None,
            "url": f"bureaus/{b.slug}.html" if b.slug in with_page else None,
        }
    return found


def bureau_columns(languages: Iterable[str]) -> tuple[str, ...]:
    """The columns of bureaus.csv: names and panel a column per language."""
    languages = tuple(languages)
    return (
        "code", "name", *(f"name_{lang}" for lang in languages), "kind",
        *(f"panel_{lang}" for lang in languages), "abolished", "url",
    )  # fmt: skip


def bureaus_csv(portal: Portal) -> str:
    """The text of ``data/bureaus.csv``: one row per declared bureau, by code."""
    languages = portal.settings.languages
    rows = []
    for record in bureau_records(portal).values():
        row = dict(record)
        row |= {f"name_{lang}": record["names"].get(lang) for lang in languages}
        row |= {f"panel_{lang}": (record["panel"] or {}).get(lang) for lang in languages}
        rows.append(row)
    return csv_text(bureau_columns(languages), rows)


def _bureau_codes(portal: Portal) -> dict[str, str]:
    """Each shown target's bureau code, by target id ('' for a name no longer declared)."""
    codes = {}
    for a in portal.assessments:
        bureau = portal.bureaus.by_name(a.target.bureau) if portal.bureaus else None
        codes[a.target.id] = bureau.code if bureau is not None else ""
    return codes


# --- Every quarterly figure --------------------------------------------------------------

PROGRESS_COLUMNS = (
    "id", "bureau_code", "quarter", "kind", "unit", "value", "percent_complete", "note",
    "sources", "verified_by", "spent",
)  # fmt: skip


def progress_csv(portal: Portal) -> str:
    """The text of ``data/progress.csv``: every quarterly entry of every published target,
    by id then quarter; sources joined with ';', an empty ``verified_by`` self-reported, an
    empty ``spent`` no spending reported with that entry (in the budget's unit, as typed)."""
    lang = portal.settings.default_lang
    codes = _bureau_codes(portal)
    rows = []
    for a in sorted(portal.assessments, key=lambda a: a.target.id):
        t = a.target
        kind, unit = _measure(t, lang)
        for entry in sorted(t.progress, key=lambda e: e.quarter):
            rows.append({
                "id": t.id, "bureau_code": codes[t.id], "quarter": str(entry.quarter),
                "kind": kind, "unit": unit, "value": entry.value,
                "percent_complete": entry.percent_complete, "note": entry.note,
                "sources": ";".join(entry.sources), "verified_by": entry.verified_by,
                "spent": entry.spent,
            })  # fmt: skip
    return csv_text(PROGRESS_COLUMNS, rows)


def _measure(target: Target, lang: str) -> tuple[str, str]:
    """(kind, unit) as targets.json gives them: a milestone is measured in %."""
    if target.indicator is None:
        return "milestone", "%"
    unit = target.indicator.unit
    # A unit may be given per language: the data's unit is the default language's.
    return "numeric", in_language(unit, lang) if isinstance(unit, dict) else unit


# --- The corrections log ------------------------------------------------------------------

CORRECTION_COLUMNS = ("id", "bureau_code", "quarter", "field", "old", "new", "date", "commit")


def corrections_csv(portal: Portal) -> str | None:
    """The text of ``data/corrections.csv``: every change to a figure or note after it was
    published, oldest first, as on the corrections page. None when the register's history
    is unavailable (not git, a shallow clone): the file is then not published at all, and
    the data package and the open data page say why, so that no one reads an empty log
    as "nothing was corrected"."""
    if portal.corrections is None:
        return None
    codes = _bureau_codes(portal)
    rows = [
        {
            "id": c.target_id,
            "bureau_code": codes.get(c.target_id, ""),
            "quarter": str(c.quarter),
            "field": c.field,
            "old": c.old,
            "new": c.new,
            "date": c.date,
            "commit": c.commit,
        }  # fmt: skip
        for c in portal.corrections
    ]
    return csv_text(CORRECTION_COLUMNS, rows)


# --- Everything in one file ---------------------------------------------------------------


def data_zip(files: dict[str, bytes], published: str | None) -> bytes:
    """The zip of ``files`` (paths under ``data/``), sorted, in a ``portal-data/`` folder,
    each stamped with the published date (or 1980-01-01 when unknown) and the same
    permissions, so that the same files give the same bytes on any machine."""
    stamp = ZIP_EPOCH
    if published:
        year, month, day = (int(part) for part in published.split("-"))
        stamp = (year, month, day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(f"{ZIP_FOLDER}/{path.removeprefix('data/')}", stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever builds it: the mode below means the same
            info.external_attr = 0o100644 << 16
            archive.writestr(info, files[path], compresslevel=9)
    return out.getvalue()
