"""The Frictionless Data Package descriptor of the open data: ``data/datapackage.json``.

It names every CSV and JSON file under ``data/`` as a resource, with its size and SHA-256
hash, and gives each CSV a table schema (every column, its type, what it means, the keys
between tables), so that ``frictionless validate data/datapackage.json`` checks the files
against what this module says of them. The JSON files point at their JSON Schema where
there is one (``targets.schema.json``). Pure core: no Pelican imports.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from ..assess.corrections import FIELDS as CORRECTED_FIELDS
from ..assess.funds import FUNDS_FLAGS
from ..assess.status import FLAGS, STATUSES
from ..register.model import Target
from . import exports, opendata, published_fields
from .portal import Portal
from .targetschema import FLAG_RULES

DESCRIPTOR_PATH = "data/datapackage.json"
QUARTER = {"pattern": "[0-9]{4}-Q[1-4]"}
BOOLEAN = {"trueValues": ["true"], "falseValues": ["false"]}
LISTED = "; a list, joined with ';'"
# The flags' vocabulary, each with its rule (a cell holds any of them, joined with ';').
_FLAG = "|".join(FLAGS)
FLAG_LIST = {"pattern": f"({_FLAG})(;({_FLAG}))*"}
FLAG_WORDS = (
    ". Any of: "
    + "; ".join(f"{flag} ({FLAG_RULES[flag]})" for flag in FLAGS)
    + ". "
    + ", ".join(FUNDS_FLAGS)
    + ": only for a target with a budget that is not achieved, "
    "achieved_late or withdrawn; spend_lag is given at the top of this descriptor."
)

# (column, type, what it holds[, constraints]) of each CSV; the booleans are true/false.
TARGET_FIELDS: tuple[tuple, ...] = (
    ("id", "string", "The target's identifier, also its address on the site."),
    ("title", "string", "The target in the site's default language."),
    ("bureau", "string", "The owning bureau's name, in the default language."),
    ("bureau_code", "string", "The owning bureau's code (bureaus.csv), which never changes."),
    ("due", "string", "The quarter the target must be met by.", QUARTER),
    ("status", "string", "The status as of the reporting quarter.", {"enum": list(STATUSES)}),
    ("flags", "string", "Flags beside the status" + LISTED + FLAG_WORDS, FLAG_LIST),
    ("url", "string", "The target's page, relative to the site's root."),
    ("delay_url", "string", "A missed target's delay-justification page."),
    ("policy_address", "integer", "The year of the policy address that announced it."),
    ("area", "string", "The policy area."),
    ("partners", "string", "Partner bureaus by name" + LISTED),
    ("partner_codes", "string", "Partner bureaus by code" + LISTED),
    ("start", "string", "The quarter work starts.", QUARTER),
    ("kind", "string", "numeric, or milestone (% complete).", {"enum": ["numeric", "milestone"]}),
    ("unit", "string", "The unit of the figures ('%' for a milestone)."),
    ("baseline", "number", "The figure at the start."),
    ("target", "number", "The figure to reach."),
    ("direction", "string", "Whether the figure must rise or fall.",
     {"enum": ["increase", "decrease"]}),
    ("latest_quarter", "string", "The quarter of the latest update.", QUARTER),
    ("latest_value", "number", "The latest figure reported."),
    ("progress_fraction", "number", "Share of the way from baseline to target covered."),
    ("expected_fraction", "number", "Share expected by now, at an even pace."),
    ("revised_due", "string", "The revised due quarter of a delay justification.", QUARTER),
    ("justification_filed", "boolean", "Whether a missed target has a justification."),
    ("withdrawn_quarter", "string", "The quarter the target was withdrawn.", QUARTER),
    ("original_due", "string", "The due quarter as first published.", QUARTER),
    ("status_as_amended", "string", "The status against the promise as amended."),
    ("justification_published", "date", "The date the justification was first published."),
)  # fmt: skip
# The money (REGISTER.md, "Funds"), after the titles; all empty without a budget.
FUNDS_FIELDS: tuple[tuple, ...] = (
    ("budget_currency", "string", "The budget's currency, an ISO 4217 code such as HKD; "
     "empty: the target has no budget.", {"pattern": "[A-Z]{3}"}),
    # Above 0 (the validator's rule), but exclusiveMinimum needs Data Package v2.
    ("budget_allocated", "number", "The total amount allocated, a positive number, as typed, "
     "in budget_unit.", {"minimum": 0}),
    ("budget_unit", "string", "The unit of every amount, e.g. million, in the default "
     "language; empty also when the budget names none."),
    ("spent", "number", "The latest amount spent reported up to the reporting quarter, "
     "cumulative, as typed, in budget_unit; 0 when none is reported.", {"minimum": 0}),
    ("spend_fraction", "number", "spent / budget_allocated, rounded to 4 decimals; above 1 "
     "when overspent.", {"minimum": 0}),
)  # fmt: skip
OVERDUE_FIELDS: tuple[tuple, ...] = (
    *TARGET_FIELDS[:5],
    ("overdue_quarters", "integer", "Quarters since the due quarter."),
    ("justification_filed", "boolean", "Whether a justification was filed."),
    ("revised_due", "string", "The revised due quarter.", QUARTER),
    ("revised_due_passed", "boolean", "Whether the revised due quarter has passed too."),
    ("submitted", "date", "The date the justification was submitted."),
    ("responsible", "string", "The post responsible."),
    ("shortfall", "number", "The shortfall at the due quarter, in the target's unit."),
    ("shortfall_percent", "number", "The shortfall as a percentage of the distance to go."),
    ("url", "string", "The target's page."),
    ("delay_url", "string", "The delay-justification page."),
)
HISTORY_FIELDS: tuple[tuple, ...] = (
    ("id", "string", "The target."),
    ("quarter", "string", "The quarter.", QUARTER),
    ("status", "string", "The status at the end of the quarter.", {"enum": list(STATUSES)}),
    ("flags", "string", "Flags at the end of the quarter" + LISTED + FLAG_WORDS, FLAG_LIST),
)
AMENDMENT_FIELDS: tuple[tuple, ...] = (
    ("id", "string", "The target."),
    ("field", "string", "The promise field changed."),
    ("old", "string", "The value before (an indicator as JSON)."),
    ("new", "string", "The value after (an indicator as JSON)."),
    ("date", "date", "The date of the commit that changed it."),
    ("commit", "string", "The commit that changed it."),
    ("reason", "string", "Why it changed (Markdown)."),
    ("approved_by", "string", "Who approved it."),
    ("decided", "date", "The date the change was decided."),
    ("correction", "boolean", "Whether it corrects a clerical error in the promise."),
)
PROGRESS_FIELDS: tuple[tuple, ...] = (
    ("id", "string", "The target."),
    ("bureau_code", "string", "The owning bureau's code."),
    ("quarter", "string", "The quarter the figure is for.", QUARTER),
    ("kind", "string", "numeric or milestone.", {"enum": ["numeric", "milestone"]}),
    ("unit", "string", "The unit of value ('%' for a milestone)."),
    ("value", "number", "A numeric target's figure at quarter end."),
    ("percent_complete", "number", "A milestone's percent complete, 0 to 100."),
    ("note", "string", "The note given with the figure (Markdown)."),
    ("sources", "string", "Web addresses backing the figure" + LISTED),
    ("verified_by", "string", "The independent body that checked it; empty: self-reported."),
    (
        "spent",
        "number",
        "The amount spent up to the end of the quarter, cumulative, as typed, "
        "in the target's budget_currency and budget_unit (targets.csv); empty: no spending "
        "reported with this entry.",
    ),
)
CORRECTION_FIELDS: tuple[tuple, ...] = (
    ("id", "string", "The target."),
    ("bureau_code", "string", "The owning bureau's code."),
    ("quarter", "string", "The quarter of the corrected entry.", QUARTER),
    ("field", "string", "What changed.", {"enum": list(CORRECTED_FIELDS)}),
    ("old", "string", "As first published."),
    ("new", "string", "As corrected; empty when the entry or note was removed."),
    ("date", "date", "The date of the commit that corrected it."),
    ("commit", "string", "The commit that corrected it."),
)


def bureau_fields(languages: Sequence[str]) -> tuple[tuple, ...]:
    """The columns of bureaus.csv, as ``opendata.bureau_columns`` writes them."""
    meaning = {
        "code": ("string", "The bureau's code: never changes, never reused."),
        "name": ("string", "The name in the default language, as targets.csv gives it."),
        "kind": ("string", "bureau, department or working_group."),
        "abolished": ("string", "The quarter from which it no longer exists."),
        "url": ("string", "Its page on the site, if it owns targets."),
    }
    fields = []
    for column in opendata.bureau_columns(languages):
        kind, _, lang = column.partition("_")
        if column in meaning:
            fields.append((column, *meaning[column]))
        else:
            what = "name" if kind == "name" else "overseeing legislature panel"
            fields.append((column, "string", f"The {what} in {lang}."))
    return tuple(fields)


def target_fields(languages: Sequence[str]) -> tuple[tuple, ...]:
    """The columns of targets.csv, in order, as ``exports.targets_csv`` writes them."""
    titles = [(c, "string", f"The title in {c.removeprefix('title_')}.")
              for c in exports.title_columns(languages)]  # fmt: skip
    declared = [(c, "any", "A register field published as typed.")
                for c in published_fields.csv_columns(Target)]  # fmt: skip
    return (*TARGET_FIELDS, *titles, *FUNDS_FIELDS, *declared)


def table_schema(fields: Sequence[tuple], key: Sequence[str] = (), refs=()) -> dict[str, Any]:
    """A table schema of ``fields``: types, descriptions, constraints, keys."""
    schema: dict[str, Any] = {"fields": [_field(*f) for f in fields], "missingValues": [""]}
    if key:
        schema["primaryKey"] = list(key)
    if refs:
        schema["foreignKeys"] = [
            {"fields": [column], "reference": {"resource": resource, "fields": [other]}}
            for column, resource, other in refs
        ]
    return schema


def _field(name: str, kind: str, description: str, constraints=None) -> dict[str, Any]:
    field: dict[str, Any] = {"name": name, "type": kind, "description": description}
    if kind == "boolean":
        field |= BOOLEAN
    if constraints:
        field["constraints"] = dict(constraints)
    return field


# --- The descriptor ---------------------------------------------------------------------

# Each CSV: its resource name, title, columns (by the site's languages), key, references.
TABLES: dict[str, tuple] = {
    "data/targets.csv": ("targets", "Targets", target_fields, ["id"],
                         [("bureau_code", "bureaus", "code")]),
    "data/progress.csv": ("progress", "Every quarterly figure", lambda _: PROGRESS_FIELDS,
                          ["id", "quarter"], [("id", "targets", "id")]),
    "data/bureaus.csv": ("bureaus", "Bureaus by code", bureau_fields, ["code"], []),
    "data/overdue.csv": ("overdue", "The overdue list", lambda _: OVERDUE_FIELDS, ["id"],
                         [("id", "targets", "id")]),
    "data/history.csv": ("history", "Status history", lambda _: HISTORY_FIELDS,
                         ["id", "quarter"], [("id", "targets", "id")]),
    "data/amendments.csv": ("amendments", "Amendments to published promises",
                            lambda _: AMENDMENT_FIELDS, [], []),
    "data/corrections.csv": ("corrections", "Corrections to published figures",
                             lambda _: CORRECTION_FIELDS, [], []),
}  # fmt: skip
JSON_TITLES = {
    "data/targets.json": "Every target, its status and history, and the publication's facts",
    "data/targets.schema.json": "JSON Schema of targets.json",
    "data/schema.json": "JSON Schema of a register file (the input, not the published data)",
}


def descriptor(portal: Portal, release: opendata.Release, files: dict[str, bytes]) -> str:
    """The text of ``data/datapackage.json`` for ``files`` (every data file but itself and
    the zip, by site-relative path): each a resource with its size and hash."""
    facts = release.publication
    package: dict[str, Any] = {
        "name": "kpi-portal-data",
        "title": release.site_name,
        "description": _package_description(portal),
        "reporting_quarter": str(portal.quarter),
        "portal_version": opendata.portal_version(),
        "record_available": portal.record_available,
        "corrections_available": portal.corrections is not None,
        # SPEND_LAG: the threshold of the funds flags (targets.csv's flags column).
        "spend_lag": portal.settings.spend_lag,
    }
    if portal.settings.siteurl:
        package["homepage"] = portal.settings.siteurl
    if facts.published_date:
        package["created"] = f"{facts.published_date}T00:00:00Z"
    if release.licence:
        package["licenses"] = [{"title": release.licence, "path": release.licence_url or ""}]
    if release.publisher:
        package["contributors"] = [{"title": release.publisher, "role": "publisher"}]
    names: set[str] = set()
    package["resources"] = [
        _resource(path, files[path], portal.settings.languages, names) for path in sorted(files)
    ]
    return json.dumps(package, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _package_description(portal: Portal) -> str:
    text = (
        f"Government policy targets and their progress as of {portal.quarter}. Paths are "
        "relative to this file; url columns are relative to the site's root."
    )
    if not portal.record_available:
        text += (
            " The published record is unavailable, so amendments.csv has only its header and "
            "targets.json gives null for what the record would say: that is not 'no promise "
            "was amended'."
        )
    if portal.corrections is None:
        text += (
            " The corrections log is unavailable (the register's git history could not be "
            "read whole), so corrections.csv is not published: that is not 'nothing "
            "was corrected'."
        )
    return text


def _resource(path: str, data: bytes, languages: Sequence[str], names: set[str]) -> dict:
    """One file as a resource: a table with its schema, or a JSON file."""
    local = path.removeprefix("data/")
    resource: dict[str, Any] = {"path": local}
    if path in TABLES:
        name, title, fields, key, refs = TABLES[path]
        resource |= {"name": name, "title": title, "profile": "tabular-data-resource",
                     "format": "csv", "mediatype": "text/csv", "encoding": "utf-8"}  # fmt: skip
        resource["schema"] = table_schema(fields(languages), key, refs)
    else:
        stem = local.removesuffix(".json").lower().replace("/", "-").replace("_", "-")
        resource |= {"name": _unique(f"{stem}-json", names), "type": "json", "format": "json",
                     "mediatype": "application/json", "encoding": "utf-8"}  # fmt: skip
        resource["title"] = JSON_TITLES.get(path) or _json_title(local)
        if path == "data/targets.json":
            resource["jsonSchema"] = "targets.schema.json"
        elif path.startswith("data/targets/"):
            resource["jsonSchema"] = "targets.schema.json#/$defs/target_document"
    names.add(resource["name"])
    resource["bytes"] = len(data)
    resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    return resource


def _json_title(local: str) -> str:
    if local.startswith("targets/"):
        return f"Target {local.removeprefix('targets/').removesuffix('.json')} in full"
    if local.startswith("editions/"):
        return f"Edition {local.removeprefix('editions/').removesuffix('.json')} (never changes)"
    return local


def _unique(name: str, taken: set[str]) -> str:
    # Ids differ in case where resource names may not: PA-1 and pa-1 get -2.
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}-{n}", n + 1
    return candidate
