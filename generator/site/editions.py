"""Editions: a citable freeze of what the site published for one reporting quarter.

``editions/<YYYY-Qn>.json`` holds ``{"quarter", "commit", "commit_date", "targets_json"}``:
the ``data/targets.json`` document of the register as of that quarter, and the commit
and committer date it was made from. A committed edition never changes; the site
publishes each one byte for byte and compares it with today's register as of the same
quarter (``editiondiff``). Pure core: files are read through ``files``, git is called as
a program; no Pelican imports.

Both the edition and today's side of the comparison come from ``document_as_of``: the
validated register assessed with REPORTING_QUARTER = the edition's quarter, so progress
entries after that quarter are not counted, as on the site of that quarter.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import stat
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..assess.record import Record
from ..project.settings import PortalSettings
from ..register.bureaus import Bureaus
from ..register.errors import PortalError, Problem, RegisterError
from ..register.files import is_ignored, read_file, refusal_message
from ..register.model import Target
from ..register.quarters import Quarter
from ..register.textsafety import unsafe_character
from ..register.validation import ID_RE
from . import exports
from .portal import build_portal

# targets.json of 10,000 targets with 12 quarters of history is about 30 MB.
MAX_EDITION_BYTES = 100_000_000
COMMIT_RE = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")  # SHA-1 or SHA-256 repositories
NAME_RE = re.compile(r"([0-9]{4}-Q[1-4])\.json")
MAX_DEPTH = 32


class EditionError(PortalError):
    """An edition cannot be made: the message says why and what to do."""


@dataclass(frozen=True)
class Edition:
    """One edition file, checked: its quarter, where it was made from, what it holds."""

    quarter: Quarter
    commit: str
    commit_date: str
    """The commit's committer date, ISO 8601 in UTC."""
    document: dict[str, Any]
    """The ``targets.json`` document as published for ``quarter``."""
    data: bytes
    """The file's bytes, published as they are."""

    @property
    def short_commit(self) -> str:
        """The commit id's first 10 characters, as the site shows commits."""
        return self.commit[:10]

    @property
    def date(self) -> str:
        """The day the commit was made (UTC)."""
        return self.commit_date[:10]

    @property
    def data_url(self) -> str:
        """Where the site publishes the file."""
        return data_url(self.quarter)

    @property
    def url(self) -> str:
        """The edition's page."""
        return page_url(self.quarter)


def data_url(quarter: Quarter) -> str:
    """The published copy of the edition of ``quarter``."""
    return f"data/editions/{quarter}.json"


def page_url(quarter: Quarter) -> str:
    """The page of the edition of ``quarter``: what it holds and what changed since."""
    return f"editions/{quarter}.html"


INDEX_URL = "editions/index.html"


# --- The document: targets.json as of a quarter -------------------------------------------


def document_as_of(
    targets: list[Target],
    settings: PortalSettings,
    bureaus: Bureaus | None,
    quarter: Quarter,
    record: Record | None,
) -> dict[str, Any]:
    """The ``targets.json`` document the site publishes for the register as of ``quarter``,
    with the published ``record`` (read from git by the caller) as the build has it."""
    as_of = replace(settings, reporting_quarter=quarter)
    return json.loads(exports.targets_json(build_portal(targets, as_of, bureaus, record)))


def edition_text(quarter: Quarter, commit: str, commit_date: str, document: dict) -> str:
    """The text of an edition file, written as targets.json is (UTF-8, indented)."""
    edition = {
        "quarter": str(quarter),
        "commit": commit,
        "commit_date": commit_date,
        "targets_json": document,
    }
    return json.dumps(edition, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


# --- Reading and checking edition files ---------------------------------------------------


def read_editions(folder: Path, shown: str) -> tuple[list[Edition], list[Problem]]:
    """Every edition in ``folder`` (shown to staff as ``shown``), oldest first, and the
    problems of the files that cannot be published.

    Only ``*.json`` files directly in the folder are editions; hidden files and editor
    leftovers are ignored, a link or special file is refused by name, never opened.
    """
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        return [], []  # no edition made yet
    except OSError as exc:
        return [], [Problem(shown, None, "", f"cannot read the folder: {exc.strerror}")]
    if not stat.S_ISDIR(info.st_mode):
        return [], [Problem(shown, None, "", _not_a_folder(folder, info.st_mode))]
    editions, problems = [], []
    for name in sorted(os.listdir(folder)):
        if is_ignored(name) or not name.endswith(".json"):
            continue
        edition, found = read_edition(folder / name, f"{shown}/{name}")
        problems += found
        if edition is not None:
            editions.append(edition)
    return sorted(editions, key=lambda e: e.quarter), problems


def _not_a_folder(folder: Path, mode: int) -> str:
    if stat.S_ISREG(mode):
        why = "a file, not a folder: keep the edition files in a folder (default editions/)"
    else:  # a link is named as one, and never followed: git keeps only the link
        why = refusal_message(folder, mode)
    return f"EDITIONS_PATH: {why}"


def read_edition(path: Path, shown: str) -> tuple[Edition | None, list[Problem]]:
    """The edition file at ``path``, or None and its problems (``shown: field: message``)."""
    named = NAME_RE.fullmatch(path.name)
    if named is None:
        message = "an edition is named after its quarter, such as 2026-Q3.json: rename it"
        return None, [Problem(shown, None, "", message)]
    data, refused = read_file(path, MAX_EDITION_BYTES, "an edition holds one targets.json")
    if data is None:
        return None, [Problem(shown, None, "", refused)]
    return parse_edition(data, shown, named.group(1))


def parse_edition(data: bytes, shown: str, quarter: str) -> tuple[Edition | None, list[Problem]]:
    """The edition of ``quarter`` in ``data``, or None and every problem found."""
    try:
        raw = json.loads(
            data.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=_no_constant
        )
    except UnicodeDecodeError as exc:
        return None, [Problem(shown, None, "", f"not UTF-8 text ({exc.reason})")]
    except json.JSONDecodeError as exc:
        return None, [Problem(shown, exc.lineno, "", f"not valid JSON: {exc.msg}")]
    except _BadJson as exc:
        return None, [Problem(shown, None, "", f"not valid JSON: {exc}")]
    except RecursionError:
        return None, [
            Problem(shown, None, "", f"nested more than {MAX_DEPTH} deep: not an edition")
        ]
    problems = [Problem(shown, None, field, message) for field, message in _check(raw, quarter)]
    if problems:
        return None, problems
    edition = Edition(
        Quarter.parse(quarter), raw["commit"], raw["commit_date"], raw["targets_json"], data
    )
    return edition, []


class _BadJson(ValueError):
    """JSON that Python would read but other readers would not, or differently."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    for key in keys:
        if keys.count(key) > 1:
            raise _BadJson(f"the key {key!r} is given twice in one object")
    return dict(pairs)


def _no_constant(name: str) -> None:
    raise _BadJson(f"{name} is not a JSON number")


def _check(raw: Any, quarter: str) -> list[tuple[str, str]]:
    """(field, message) for every way ``raw`` is not an edition of ``quarter``."""
    if not isinstance(raw, dict):
        return [("", "must be a JSON object with quarter, commit, commit_date, targets_json")]
    problems = [
        (f, f"required field {f!r} is missing: the edition command writes it")
        for f in ("quarter", "commit", "commit_date", "targets_json")
        if f not in raw
    ]
    if problems:
        return problems
    if raw["quarter"] != quarter:
        problems.append(("quarter", f"{raw['quarter']!r} differs from the file name ({quarter})"))
    if not isinstance(raw["commit"], str) or not COMMIT_RE.fullmatch(raw["commit"]):
        problems.append(("commit", "must be a full commit id (40 or 64 hex digits)"))
    if not _is_timestamp(raw["commit_date"]):
        problems.append(("commit_date", "must be an ISO date and time, such as "
                         "2026-10-05T09:00:00+00:00"))  # fmt: skip
    problems += _check_document(raw["targets_json"], quarter)
    problems += _unsafe_texts(raw, "")
    return problems


def _is_timestamp(value: Any) -> bool:
    try:
        stamp = datetime.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return False
    return stamp is not None and stamp.tzinfo is not None


def _check_document(document: Any, quarter: str) -> list[tuple[str, str]]:
    """Problems of the frozen targets.json: what the edition's page relies on."""
    where = "targets_json"
    if not isinstance(document, dict) or not isinstance(document.get("targets"), list):
        return [(where, "must be a targets.json document: {reporting_quarter, targets: [...]}")]
    problems = []
    if document.get("reporting_quarter") != quarter:
        problems.append((f"{where}.reporting_quarter", f"must be {quarter}, the edition's"))
    seen: set[str] = set()
    for i, record in enumerate(document["targets"]):
        field = f"{where}.targets[{i}]"
        if not isinstance(record, dict):
            problems.append((field, "must be an object, one target"))
            continue
        target_id = record.get("id")
        if not isinstance(target_id, str) or not ID_RE.fullmatch(target_id):
            problems.append((f"{field}.id", "must be a target id such as PA2023-017"))
        elif target_id in seen:
            problems.append((f"{field}.id", f"{target_id!r} is listed twice"))
        seen.add(target_id)
        problems += _check_record(record, field)
    return problems


def _check_record(record: dict, field: str) -> list[tuple[str, str]]:
    problems = []
    for key in ("title", "status", "due"):
        if not isinstance(record.get(key), str):
            problems.append((f"{field}.{key}", "required, as text"))
    flags = record.get("flags")
    if not isinstance(flags, list) or not all(isinstance(f, str) for f in flags):
        problems.append((f"{field}.flags", "required, a list of flags as text"))
    return problems


def _unsafe_texts(value: Any, field: str, depth: int = 0) -> list[tuple[str, str]]:
    """A control, non-character or bidi control anywhere in the file, as in the register."""
    where = field or "(top level)"
    if depth > MAX_DEPTH:  # targets.json is 7 deep; a deeper file was not written by us
        return [(where, f"nested more than {MAX_DEPTH} deep: not an edition")]
    if isinstance(value, str):
        bad = unsafe_character(value)
        return [(where, bad)] if bad else []
    problems = []
    if isinstance(value, dict):
        for key, item in value.items():
            if bad := unsafe_character(key):
                problems.append((where, f"a key: {bad}"))
            problems += _unsafe_texts(item, f"{field}.{key}" if field else key, depth + 1)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            problems += _unsafe_texts(item, f"{field}[{i}]", depth + 1)
    return problems


def checked_editions(folder: Path, shown: str) -> list[Edition]:
    """``read_editions``, raising ``RegisterError`` when a file cannot be published."""
    editions, problems = read_editions(folder, shown)
    if problems:
        raise RegisterError(problems)
    return editions
