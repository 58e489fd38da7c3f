"""The register: find, load and validate every target file under ``targets/``.

Validation reports every problem in one run, each as ``file:line: field: message``,
and nothing is returned until the whole register is valid.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from . import validation
from .bureaus import Bureaus, check_target
from .errors import LateEntry, Problem, RegisterError
from .files import list_tree, read_file
from .model import Target
from .parsecache import ParseCache
from .quarters import Quarter
from .yamldoc import MAX_FILE_BYTES, load_document


def display_path(path: Path) -> str:
    """Show ``path`` relative to the working folder when it is inside it."""
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def register_files(directory: Path) -> tuple[list[Path], list[Problem]]:
    """Return the register's ``*.yaml`` files in a stable order, and the entries refused.

    Listed by ``files.list_tree``: a link, a device, a pipe or a socket anywhere in the
    register is a problem naming it (never opened, never followed), hidden files and
    editor leftovers are ignored, and a misnamed file is reported.
    """
    if not directory.is_dir():
        return [], [
            Problem(
                display_path(directory), None, "", "register folder not found: check TARGETS_PATH"
            )
        ]
    tree = list_tree(directory)
    problems = [Problem(display_path(r.path), None, "", r.message) for r in tree.refused]
    found = []
    for path in tree.files:
        # A target must never vanish silently because of how its file is named.
        if path.suffix.lower() not in (".yaml", ".yml"):
            continue
        if path.suffix != ".yaml":
            message = f"register files must end in .yaml, not {path.suffix}: rename it"
            problems.append(Problem(display_path(path), None, "", message))
        else:
            found.append(path)
    return found, problems


@dataclass(frozen=True)
class SourceFile:
    """One register file's bytes, shown to staff as ``shown``; ``stem`` is its file name."""

    shown: str
    stem: str
    text: bytes


def _read_source(path: Path) -> tuple[SourceFile | None, Problem | None]:
    """One register file's bytes, read only if it is a regular file within the size limit."""
    shown = display_path(path)
    text, why = read_file(path, MAX_FILE_BYTES, "one target per file")
    if text is None:
        return None, Problem(shown, None, "", why or "cannot read file")
    return SourceFile(shown, path.stem, text), None


def load_register(
    directory: Path | str,
    *,
    default_lang: str,
    reporting_quarter: Quarter | None,
    bureaus: Bureaus | None = None,
    cache: Path | str | None = None,
) -> list[Target]:
    """Load and validate every target under ``directory``, sorted by id.

    ``reporting_quarter`` is the REPORTING_QUARTER setting: no progress may be
    reported after it. ``cache`` is the chart cache folder (CHART_CACHE_PATH): files
    parsed before, unchanged, are taken from it (``parsecache``). Raises
    ``RegisterError`` listing every problem found.
    """
    files, problems = register_files(Path(directory))
    sources = []
    for path in files:
        source, problem = _read_source(path)
        sources += [source] if source else []
        problems += [problem] if problem else []
    if not files and not problems:
        problems.append(Problem(display_path(Path(directory)), None, "", "no *.yaml files"))
    return load_sources(
        sources, reporting_quarter=reporting_quarter, default_lang=default_lang, problems=problems,
        bureaus=bureaus, cache=ParseCache(cache, directory),
    )  # fmt: skip


def load_sources(
    sources: list[SourceFile],
    *,
    default_lang: str,
    reporting_quarter: Quarter | None,
    problems: list[Problem] | None = None,
    bureaus: Bureaus | None = None,
    cache: ParseCache | None = None,
) -> list[Target]:
    """Validate register files given as bytes (from disk or from git); sorted targets.

    With ``bureaus`` (content/bureaus.yaml), every ``bureau`` and ``partners`` entry must be
    declared there, and the targets carry the declared names. With ``cache``, a file
    validated before with the same bytes, settings, bureaus and code is not parsed again.
    Raises ``RegisterError`` listing every problem found, ``problems`` included.
    """
    problems = list(problems or [])
    targets: list[Target] = []
    claims: list[IdClaim] = []
    cache = cache or ParseCache(None, "")
    # Everything a result depends on but the file and the code, as text: the quarter and
    # the bureaus are frozen dataclasses whose repr shows every field.
    context = (default_lang, repr(reporting_quarter), repr(bureaus))
    results = cache.results(
        sources, context, lambda s: read_source(s, default_lang, reporting_quarter, bureaus),
        _is_result,
    )  # fmt: skip
    for target, found, claim in results:
        problems += found
        claims += [claim] if claim else []
        if target is not None and not found:
            targets.append(target)
    problems += check_unique_ids(claims)
    if problems:
        raise RegisterError(_late_entries_told_once(problems, reporting_quarter))
    return sorted(targets, key=lambda t: t.id)


# More files than this reporting after REPORTING_QUARTER is the setting, not the files.
LATE_FILES_TOLD_APART = 3


def _late_entries_told_once(problems: list[Problem], setting: Quarter | None) -> list[Problem]:
    """A REPORTING_QUARTER set too early makes the files of a whole register wrong at once
    (37 of the sample's 44 for 2024-Q4): one problem then names the setting, the latest
    quarter reported and a few files, instead of burying the cause under one a file."""
    late = [p for p in problems if isinstance(p, LateEntry)]
    if len(late) <= LATE_FILES_TOLD_APART:
        return problems
    latest = max(late, key=lambda p: Quarter.parse(p.latest)).latest
    files = sorted({p.path for p in late})
    shown = ", ".join(files[:LATE_FILES_TOLD_APART])
    told = Problem(
        "REPORTING_QUARTER",
        None,
        "",
        f"{setting} is before quarters that {len(files)} files report, up to {latest} "
        f"(such as {shown}): no entry may report a quarter after it; set REPORTING_QUARTER in "
        f"the settings to {latest}, or to None (the latest quarter of any entry)",
    )
    return [p for p in problems if not isinstance(p, LateEntry)] + [told]


@dataclass(frozen=True)
class IdClaim:
    """A file's ``id`` and where it is written, for the uniqueness check."""

    id: str
    path: str
    line: int | None


def read_target(
    path: Path, default_lang: str, reporting_quarter: Quarter | None
) -> tuple[Target | None, list[Problem]]:
    """Read one target file; return the target (``None`` if invalid) and its problems."""
    source, problem = _read_source(path)
    if source is None:
        return None, [problem] if problem else []
    target, problems, _ = read_source(source, default_lang, reporting_quarter)
    return (target if not problems else None), problems


def read_source(
    source: SourceFile,
    default_lang: str,
    reporting_quarter: Quarter | None,
    bureaus: Bureaus | None = None,
) -> tuple[Target | None, list[Problem], IdClaim | None]:
    """Validate one file: the target (possibly partial), its problems and its id claim.

    With ``bureaus``, its bureau and partners must be declared; the target gets their names.
    """
    doc, problems = load_document(source.shown, source.text)
    if doc is None:
        return None, problems, None
    target, found = validation.build_target(doc, source.stem, default_lang, reporting_quarter)
    if bureaus is not None:
        declared, undeclared = check_target(doc, bureaus)
        found += undeclared
        target = replace(target, **declared) if target is not None else None
    claim = None
    if isinstance(doc.data, dict) and isinstance(doc.data.get("id"), str):
        claim = IdClaim(doc.data["id"].strip(), source.shown, doc.line(("id",)))
    return target, problems + found, claim


def _is_result(value) -> bool:
    """Whether ``value`` has the shape of ``read_source``'s result (an entry of another
    shape came from elsewhere: the key covers the code, so never from this one)."""
    if not (isinstance(value, tuple) and len(value) == 3):
        return False
    target, problems, claim = value
    return (
        isinstance(target, Target | None)
        and isinstance(problems, list)
        and all(isinstance(p, Problem) for p in problems)
        and isinstance(claim, IdClaim | None)
    )


def check_unique_ids(claims: list[IdClaim]) -> list[Problem]:
    """Every id is used once; ids differing only in case count as the same."""
    problems = []
    seen: dict[str, IdClaim] = {}
    for claim in sorted(claims, key=lambda c: c.path):
        key = claim.id.lower()
        # Ids are URL slugs: ids differing only in case collide on case-blind file systems.
        if key in seen:
            message = (
                f"{claim.id!r} is already used by {seen[key].path}: give each target its own "
                "id and file name"
            )
            problems.append(Problem(claim.path, claim.line, "id", message))
        seen.setdefault(key, claim)
    return problems
