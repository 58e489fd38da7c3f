"""Building the site: validate first, build into a staging folder, then swap it in.

A refused, failed or stopped build never touches the previously built site: one build
at a time per output folder, each into a staging folder of its own, and only a complete
build replaces ``<output>`` (``outputs`` says which folders a build writes, and which
outputs it refuses before writing anything). SIGINT and SIGTERM unwind the build, chart
workers and staging folder included (``stopping``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import outputs
from .fingerprint import BuildRecord, input_fingerprint, site_inputs
from .pelicansettings import portal_settings as read_portal_settings
from .portaltheme import theme_folder
from .project.loader import Project, load_project, unreadable_entries
from .project.settings import PortalSettings
from .register.errors import PortalError
from .register.loader import display_path
from .site.editions import read_editions
from .site.publish import Written
from .stopping import Stopped, StopSignals

logger = logging.getLogger(__name__)


class BuildError(PortalError):
    """The site could not be built; the previous site is left as it was."""


class BuildInterrupted(BuildError):
    """SIGINT or SIGTERM stopped the build; ``signal`` is its number."""

    def __init__(self, signum: int, name: str, output: Path) -> None:
        self.signal = signum
        super().__init__(
            f"the build was stopped ({name}) before it finished; the previous site in "
            f"{output} is unchanged"
        )


@dataclass(kw_only=True)
class BuildResult(Written):
    """What a finished build wrote: the portal generator's report, and the build's own."""

    output: Path
    seconds: float
    unchanged: bool = False
    """Nothing the site is built from changed since the last build of ``output``, which
    was left as it was (see ``fingerprint``)."""


def read_settings(settings_file: Path | str, overrides: dict[str, Any] | None = None) -> dict:
    """Pelican's settings from ``settings_file`` with ``overrides`` applied."""
    from pelican.settings import read_settings as pelican_read_settings

    if not Path(settings_file).is_file():
        raise PortalError(f"{settings_file}: settings file not found")
    try:
        settings = pelican_read_settings(str(settings_file), override=overrides or {})
    except Exception as exc:  # a settings file is Python: any error can come out of it
        raise PortalError(f"{settings_file}: cannot read the settings: {exc}") from exc
    # Its folder is the repository, which no build may replace (see outputs).
    settings[outputs.SETTINGS_FILE] = str(Path(settings_file).resolve())
    # Like Pelican's own paths: relative to the settings file, wherever the build is run.
    cache = settings.get("CHART_CACHE_PATH", str(PortalSettings.chart_cache_path))
    if isinstance(cache, str | Path):
        settings["CHART_CACHE_PATH"] = str(Path(settings_file).resolve().parent / cache)
    # Pelican's DEFAULT_LANG stays lower-cased as Pelican compares it with each page's
    # language; the portal reads the catalogs' spelling through settings.from_pelican.
    return settings


def validate(settings: dict, *, with_record: bool = False) -> Project:
    """Load and validate the project named by ``settings``; raise ``RegisterError``.

    The content folder's bureaus.yaml and names glossaries, the committed editions and
    the theme folder are checked too: whatever the build reads, validate reads.
    """
    # The portal's pages are escaped and relative whatever a host site sets for its own.
    portal_settings = read_portal_settings(settings)
    # A malformed edition file stops the build: validate says so first.
    problems = read_editions(
        portal_settings.editions_path, display_path(portal_settings.editions_path)
    )[1]
    problems += unreadable_entries(Path(settings.get("THEME", "theme")))
    return load_project(portal_settings, with_record=with_record, problems=problems)


def build(settings: dict, output: Path | str, force: bool = False) -> BuildResult:
    """Validate, then build the site into ``output`` atomically.

    When nothing the site is built from has changed since the last build of ``output``
    (and ``output`` is as that build left it), stop there unless ``force``.
    Raises ``RegisterError`` for an invalid register, ``OutputError`` for an output that
    must not or cannot be replaced (or that another build is writing), ``BuildError``
    when Pelican fails and ``BuildInterrupted`` on SIGINT or SIGTERM.
    """
    started = time.perf_counter()
    output = outputs.check_paths(Path(output), settings)
    outputs.check_replaceable(output)  # before the lock file is made beside it
    try:
        with StopSignals() as stops, outputs.exclusive(output):
            return _build_alone(settings, output, force, started, stops)
    except Stopped as stop:
        raise BuildInterrupted(stop.signum, stop.name, output) from None


def _build_alone(
    settings: dict, output: Path, force: bool, started: float, stops: StopSignals
) -> BuildResult:
    """``build``, holding the lock of ``output``."""
    outputs.check_replaceable(output)  # again: a build that ran meanwhile may have changed it
    portal_settings = read_portal_settings(settings)
    # The portal's own templates too: a host site's THEME is not them.
    site_wide = [portal_settings.content_path, Path(settings.get("THEME", "theme")), theme_folder()]
    site_wide.append(portal_settings.editions_path)
    # A host site's template overrides are read before the portal's own templates.
    site_wide += [Path(folder) for folder in settings.get("THEME_TEMPLATES_OVERRIDES") or ()]
    fingerprint = input_fingerprint(settings, [portal_settings.targets_path, *site_wide])
    record = BuildRecord(output)
    last = None if force else record.matches(fingerprint)
    if last is not None:
        return _unchanged(output, last, started)
    record.forget()
    project = validate(settings, with_record=True)
    inputs = site_inputs(settings, site_wide)
    with outputs.staging_folder(output) as staging:
        run = Run(project, staging, output, inputs, force)
        result = _build(settings, run, started)
        with stops.deferred():  # the swap and its record, whole: a stop waits for them
            _swap_in(staging, output)
            record.remember(fingerprint, _summary(result))
    return result


def _summary(result: BuildResult) -> dict:
    return {"targets": result.targets, "missed": result.missed,
            "reporting_quarter": result.reporting_quarter, "removed": result.removed}  # fmt: skip


def _unchanged(output: Path, last: dict, started: float) -> BuildResult:
    return BuildResult(
        output=output,
        targets=last["targets"],
        missed=last["missed"],
        reporting_quarter=last["reporting_quarter"],
        removed=last.get("removed", 0),  # a summary kept by an earlier version has none
        seconds=time.perf_counter() - started,
        unchanged=True,
    )


@dataclass(frozen=True)
class Run:
    """One build: its project, where it writes, for which output, and what of earlier
    builds it may keep (``site_inputs``: the hash of the site-wide inputs; ``fresh``: keep
    none, make every file)."""

    project: Project
    staging: Path
    output: Path
    site_inputs: str | None = None
    fresh: bool = False


def _build(settings: dict, run: Run, started: float) -> BuildResult:
    """Build the site of ``run.project`` into its staging folder, for its output."""
    written = _run_pelican(settings, run)
    seconds = time.perf_counter() - started
    return BuildResult(output=run.output, seconds=seconds, **dataclasses.asdict(written))


class _ErrorCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _run_pelican(settings: dict, build: Run) -> Written:
    """Run Pelican with the portal plugin on ``build.project``; what the plugin wrote."""
    from .plugin import PortalRun  # Pelican is imported only when a site is built

    errors = _ErrorCounter()
    root = logging.getLogger()
    root.addHandler(errors)
    try:
        run = PortalRun(
            {**settings, "OUTPUT_PATH": str(build.staging)},
            build.project,
            build.site_inputs,
            build.fresh,
        )
        with _without_pelicans_summary():
            run.run()
    except PortalError:
        raise
    except Exception as exc:  # Pelican and Jinja raise many kinds; all mean "no site"
        raise BuildError(f"Pelican failed: {exc.__class__.__name__}: {exc}") from exc
    finally:
        root.removeHandler(errors)
    if errors.messages:
        raise BuildError("Pelican reported errors:\n" + "\n".join(errors.messages))
    # Pelican skips a plugin it cannot import with only a warning.
    if run.written is None:
        raise BuildError("the portal plugin did not run (is PLUGINS = ['generator.plugin'] set?)")
    return run.written


class _QuietSummary:
    """Pelican's console, less its "Done: Processed 0 articles, ... 4 pages" line: the
    command line prints one summary of the build, its own, with every page counted."""

    def __init__(self, console) -> None:
        self._console = console

    def print(self, *objects, **kwargs) -> None:
        if not (objects and str(objects[0]).startswith("Done: Processed")):
            self._console.print(*objects, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._console, name)


@contextlib.contextmanager
def _without_pelicans_summary():
    import pelican

    console = pelican.console  # Pelican.run prints through its module's global
    pelican.console = _QuietSummary(console)
    try:
        yield
    finally:
        pelican.console = console


def _swap_in(staging: Path, output: Path) -> None:
    try:
        outputs.swap_in(staging, output)
    except OSError as exc:
        raise BuildError(
            f"the new site could not be put in place of {output} "
            f"({exc.strerror or exc}); the previous site is unchanged"
        ) from exc
