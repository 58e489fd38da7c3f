"""Where each published data file lives and what it holds: the list of files under
``data/`` and ``feeds/`` that the open data page shows, in words translated on the page,
and the addresses that never move once published (a target's file is named by its id).
Pure core: no Pelican imports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..register.i18n import N_
from .portal import Portal


def target_data_url(target_id: str) -> str:
    """The stable address of one target's JSON file."""
    return f"data/targets/{target_id}.json"


@dataclass(frozen=True)
class DataFile:
    """One published data file, as the open data page lists it."""

    path: str
    format: str
    description: str


def feed_paths(bureau_slugs: list[str]) -> dict[str, str]:
    """Where each Atom feed lives: site-wide and per bureau, status changes and newly missed."""
    paths = {"status": "feeds/status.xml", "missed": "feeds/missed.xml"}
    for slug in bureau_slugs:
        paths[f"{slug}/status"] = f"feeds/bureaus/{slug}/status.xml"
        paths[f"{slug}/missed"] = f"feeds/bureaus/{slug}/missed.xml"
    return paths


CALENDAR_PATH = "feeds/due.ics"


def catalogue(portal: Portal, edition_urls: Sequence[str] = ()) -> list[DataFile]:
    """Every file under ``data/`` and ``feeds/``, with what it holds (for the open data page);
    ``edition_urls`` are the published editions' files, oldest first."""
    slugs = [g.slug for g in portal.groups["bureaus"]]
    example = portal.assessments[0].target.id if portal.assessments else "PA2023-017"
    files = [
        DataFile("data/portal-data.zip", "ZIP", N_("Every file below in one download, with "
                 "datapackage.json: unzipped, the folder is a Frictionless Data Package.")),
        DataFile("data/datapackage.json", "JSON", N_("The Frictionless Data Package descriptor: "
                 "every CSV and JSON file here, its size and hash, and each CSV column's type "
                 "and meaning.")),
        DataFile("data/targets.json", "JSON", N_("Every target with its status, flags, "
                 "budget, spending and status history as of the reporting quarter; the date "
                 "published, publisher, licence, edition, portal version and the bureaus by "
                 "code.")),
        DataFile("data/targets.schema.json", "JSON Schema", N_("The format of targets.json, "
                 "as published.")),
        DataFile("data/targets.csv", "CSV", N_("The same rows as targets.json, one per target; "
                 "lists joined with ';', the title in every language a column each.")),
        DataFile("data/progress.csv", "CSV", N_("Every quarterly figure of every target: "
                 "quarter, value or percent complete, unit, note, sources, who checked it "
                 "(empty: self-reported) and the amount spent, where reported.")),
        DataFile("data/bureaus.csv", "CSV", N_("Every bureau by its code, which never changes: "
                 "its name and oversight panel in every language.")),
    ]  # fmt: skip
    if portal.corrections is not None:  # unavailable: not published, never an empty log
        files.append(DataFile("data/corrections.csv", "CSV", N_("Every change to a figure or "
                     "note after it was published, oldest first: target, quarter, field, old "
                     "and new value, commit date and id.")))  # fmt: skip
    files += [
        DataFile(target_data_url(example), "JSON", N_("One target in full: its record, every "
                 "quarterly update, its delay justification and status history. Every target "
                 "has one at data/targets/<id>.json.")),
        DataFile("data/history.csv", "CSV", N_("Every target's status and flags at the end of "
                 "each quarter: columns id, quarter, status, flags.")),
        DataFile("data/amendments.csv", "CSV", N_("Every change to a published promise (due, "
                 "start, indicator), newest first: field, old and new value, commit date and id, "
                 "reason, and whether it corrects a clerical error.")),
        DataFile("data/overdue.csv", "CSV", N_("The overdue list: every target past its due "
                 "quarter and not met, longest overdue first, with its justification.")),
        DataFile("data/schema.json", "JSON Schema", N_("The format of a register file.")),
        DataFile("feeds/status.xml", "Atom", N_("Status changes of every target, newest first.")),
        DataFile("feeds/missed.xml", "Atom", N_("Targets newly missed, newest first.")),
        DataFile(CALENDAR_PATH, "iCalendar", N_("Upcoming due quarters of targets not yet met.")),
    ]  # fmt: skip
    if edition_urls:
        files.append(DataFile(edition_urls[-1], "JSON", N_(
            "The newest edition: targets.json as published for its quarter, with the commit "
            "it was built from. Every edition has one at data/editions/<quarter>.json, and "
            "never changes.")))  # fmt: skip
    if slugs:
        files += [
            DataFile(f"feeds/bureaus/{slugs[0]}/status.xml", "Atom", N_(
                "Status changes of one "
                "bureau's targets; each bureau has one at feeds/bureaus/<code>/status.xml.")),
            DataFile(f"feeds/bureaus/{slugs[0]}/missed.xml", "Atom", N_(
                "Newly missed targets of "
                "one bureau; every bureau has one at feeds/bureaus/<code>/missed.xml.")),
        ]  # fmt: skip
    return files
