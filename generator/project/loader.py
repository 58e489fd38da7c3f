"""The project: everything a build or a command reads, loaded by one function.

Every entry point (the build, the Pelican plugin under plain ``pelican``, ``validate``,
the staff commands, the change summary) calls ``load_project`` with the settings read
once at start-up (``settings.from_pelican``), so no caller can forget an argument and
silently get a default language or quarter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..assess.gitlog import PublishedHistory, read_history
from ..assess.record import Record, build_record
from ..register.bureaufile import read_content
from ..register.bureaus import Bureaus
from ..register.errors import Problem, RegisterError
from ..register.files import list_tree
from ..register.loader import display_path, load_register
from ..register.model import Target
from ..register.translations import translation_problems
from .settings import PortalSettings


@dataclass(frozen=True)
class Project:
    """The settings, the validated register, its bureaus and names, and its record."""

    settings: PortalSettings
    targets: list[Target]
    """Every target of the register, validated, sorted by id."""
    bureaus: Bureaus
    """The bureaus declared in the content folder's bureaus.yaml."""
    glossary: dict = field(default_factory=dict)
    """Names of bureaus, partners and areas in each language (``names``)."""
    history: PublishedHistory | None = None
    """The register's published git history; None when it was not asked for."""
    record: Record | None = None
    """The published record built from ``history``; None when it was not asked for."""


def load_project(
    settings: PortalSettings, *, with_record: bool, problems: list[Problem] | None = None
) -> Project:
    """Load and validate the register, bureaus and glossary of ``settings``; with
    ``with_record``, read the git history and build the published record too.

    ``problems`` found by the caller (in files only it reads) are reported with the
    project's own. Raises ``RegisterError`` listing every problem at once.
    """
    bureaus, glossary, found = read_content(settings.content_path, settings.languages)
    found = list(problems or []) + found
    try:
        targets = load_register(
            settings.targets_path,
            reporting_quarter=settings.reporting_quarter,
            default_lang=settings.default_lang,
            bureaus=bureaus,
            cache=settings.chart_cache_path,
        )
    except RegisterError as exc:  # every problem in one run, the content folder's included
        raise RegisterError(found + exc.problems) from None
    found += unreadable_entries(settings.content_path, {p.path for p in found})
    if found:
        raise RegisterError(found)
    if settings.require_translations and (
        missing := translation_problems(targets, settings.languages)
    ):
        raise RegisterError(missing)
    project = Project(settings, targets, bureaus, glossary)
    return _with_record(project) if with_record else project


def _with_record(project: Project) -> Project:
    """``project`` with its git history read once, and the record built from it."""
    settings = project.settings
    history = read_history(
        settings.targets_path,
        settings.default_lang,
        settings.record_since,
        cache=settings.chart_cache_path,
    )
    record = build_record(history, project.targets)
    return Project(settings, project.targets, project.bureaus, project.glossary, history, record)


def unreadable_entries(folder: Path, reported: set[str] = frozenset()) -> list[Problem]:
    """Links, devices, pipes and sockets in ``folder``, which Pelican would follow or open
    (a pipe hangs it): refused here as in the register; those in ``reported`` are known."""
    if not Path(folder).is_dir():
        return []
    refused = list_tree(Path(folder)).refused
    problems = [Problem(display_path(r.path), None, "", r.message) for r in refused]
    return [p for p in problems if p.path not in reported]
