"""Command line: ``python -m generator validate | build | serve | new-target | report | ...``.

The only place that prints to the terminal or chooses an exit status; every mistake
gets one message saying what is wrong and what to do, never a traceback. Exit status:
0 done; 1 the register, the settings or an input is wrong, or the job could not be
done; 2 the command line is wrong (a usage error); 3 a bug in the portal (the message
asks for a report); 130 stopped by Ctrl-C; 141 the reader of the output went away
(``... | head``), as for any Unix tool.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import functools
import http.server
import logging
import os
import shlex
import sys
from pathlib import Path

from .arguments import PROG, SCHEMA_FILE, parse, parser
from .register.errors import PortalError, RegisterError, SettingsError
from .usage import runnable

__all__ = ["PROG", "main", "parser"]

BUG, INTERRUPTED, BROKEN_PIPE = 3, 130, 141


def main(argv: list[str] | None = None, program: str = PROG, task: str | None = None) -> int:
    """Run the command line; return the exit status (see the module's docstring).

    ``program`` is what the user typed: ``python -m generator``, or ``invoke`` (tasks.py);
    usage lines and suggested commands name it, and ``task``, an invoke task's name when
    it is not its command's (``invoke publish`` runs build).
    """
    try:
        try:
            status = _main(argv, program, task)
        except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
            status = exc.code if isinstance(exc.code, int) else 2
        sys.stdout.flush()  # inside the try: a closed pipe shows here, not at exit
        return status
    except BrokenPipeError:
        # Quiet, like any tool whose reader went away; stdout is pointed at /dev/null so
        # that Python's own flush at exit does not complain either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return INTERRUPTED


def _main(argv: list[str] | None, program: str, task: str | None) -> int:
    args = parse(argv, program, task)
    args.program = program
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        print(_run(args), flush=True)
    except SettingsError as exc:
        lines = str(exc).splitlines()
        if len(lines) > 1:
            print(f"Error: {args.settings}: {len(lines)} settings need fixing:", file=sys.stderr)
        for i, line in enumerate(lines):
            prefix = "Error: " if len(lines) == 1 and i == 0 else ""
            print(f"{prefix}{args.settings}: {line}", file=sys.stderr)
        return 1
    except RegisterError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        if args.command == "build":
            print("Nothing was built; the previous site is unchanged.", file=sys.stderr)
        return 1
    except PortalError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        # A build stopped by SIGINT or SIGTERM (build.BuildInterrupted) exits as the shell
        # expects of a stopped program: 128 + the signal's number.
        signum = getattr(exc, "signal", None)
        return 128 + signum if isinstance(signum, int) else 1
    except BrokenPipeError:
        raise  # not an error to report: main() ends quietly
    except OSError as exc:  # the system refused a file or a socket: say which and why
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"Error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug in the portal, not in the register: no traceback for staff
        print(
            f"Error: the portal failed unexpectedly ({exc.__class__.__name__}: {exc}). "
            "Please report this with the command you ran.",
            file=sys.stderr,
        )
        return BUG
    return 0


def _run(args: argparse.Namespace) -> str:
    from .project.settings import from_pelican, unknown_settings

    pelican_settings = _read_settings(Path(args.settings))
    for warning in unknown_settings(pelican_settings):
        print(f"Warning: {args.settings}: {warning}", file=sys.stderr)
    handler = globals()["_" + args.command.replace("-", "_")]  # validate → _validate
    return handler(args, pelican_settings, from_pelican(pelican_settings))


def _read_settings(path: Path) -> dict:
    from . import build

    if not path.is_file():
        raise PortalError(
            f"{path}: settings file not found: run the command in the project folder, or "
            "name the settings file with --settings FILE (default pelicanconf.py)"
        )
    return build.read_settings(path)


def _validate(args, pelican_settings, settings) -> str:
    from .assess.delays import misplaced_justifications
    from .build import validate
    from .site.portal import build_portal

    project = validate(pelican_settings)
    portal = build_portal(project.targets, settings, project.bureaus)
    for warning in misplaced_justifications(portal.assessments):
        print(f"Warning: {warning}", file=sys.stderr)
    return f"The register is valid: {len(project.targets)} targets."


def _build(args, pelican_settings, settings) -> str:
    from . import outputs
    from .build import build

    result = build(pelican_settings, Path(args.output), force=args.force)
    outputs.remember_last_output(settings.chart_cache_path, result.output)
    index = result.output / "index.html"
    serve = (
        f"Open {index} in a browser, or run '{_serve_command(args, result.output)}' and "
        "visit http://localhost:8000/."
    )
    if result.unchanged:
        return (
            f"Nothing changed since the last build of {_counted(result)}: {index} is up to "
            "date; checked in "
            f"{result.seconds:.1f} s. Use --force to build it again.\n{serve}"
        )
    # The hint comes last: it is what to do next, after what was done.
    return (
        f"Built {_counted(result)}: {result.pages} pages written "
        f"({result.pages_rendered} rendered, the others as the last build made them), "
        f"{result.charts_rendered} charts rendered, {result.charts_cached} from "
        f"cache, {result.packs_rendered} PDF packs rendered, {result.packs_cached} from "
        f"cache, in {result.seconds:.1f} s.\n{serve}"
    )


def _counted(result) -> str:
    """``44 targets as of 2026-Q3 (11 missed)``, and the removed ones the site still shows:
    the site's lists count them, so the summary says why its figure is higher."""
    counted = f"{result.targets} targets as of {result.reporting_quarter} ({result.missed} missed"
    if result.removed:
        counted += (
            f"; {result.removed} more, removed from the register, still published from "
            f"{'its' if result.removed == 1 else 'their'} last version"
        )
    return counted + ")"


def _serve_command(args: argparse.Namespace, output: Path) -> str:
    """The serve command that works from here and serves ``output``."""
    default = (Path(args.settings).parent / "output").resolve()
    folder = "" if output == default else f" --output {shlex.quote(_shown(output))}"
    return f"{runnable(args.program)} serve{folder}"


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        # One line a request, as the standard server does, but through logging.
        logging.getLogger(__name__).info("%s %s", self.address_string(), format % args)


def _serve(args, pelican_settings, settings) -> str:
    from . import outputs

    # What the last build wrote (build --output elsewhere, then serve), else output/.
    default = Path(args.settings).parent / "output"
    output = Path(args.output or outputs.last_output(settings.chart_cache_path) or default)
    if not (output / "index.html").is_file():
        folder = "" if args.output is None else f" --output {shlex.quote(args.output)}"
        raise PortalError(
            f"no site in {output} yet: run '{runnable(args.program)} build{folder}' first"
        )
    handler = functools.partial(_Handler, directory=str(output))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            other = args.port + 1 if args.port < 65535 else 8000
            raise PortalError(
                f"port {args.port} is in use (by another '{runnable(args.program)} serve'?): "
                f"stop that server, or choose another port with --port {other}"
            ) from None
        raise PortalError(f"cannot serve on port {args.port}: {exc.strerror or exc}") from None
    print(f"Serving {output}/ at http://localhost:{args.port}/ (Ctrl-C to stop)", flush=True)
    with server, contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return "Stopped."


def _given(args: argparse.Namespace, *names: str, **renamed: str) -> dict:
    """The options given, by the register's field names (``percent_complete=percent``)."""
    values = {**{name: getattr(args, name) for name in names},
              **{field: getattr(args, name) for field, name in renamed.items()}}  # fmt: skip
    return {field: value for field, value in values.items() if value not in (None, [])}


def _new_target(args, pelican_settings, settings) -> str:
    from .register.bureaufile import declared_name
    from .staff.commands import new_target

    fields = _given(args, "id", "title", "policy_address", "bureau", "area", "start", "due")
    # A declared code or name; the file says the name and goes in that bureau's folder.
    fields["bureau"] = declared_name(pelican_settings["PATH"], settings.languages, args.bureau)
    if args.unit is not None:  # with a baseline and a target: _check_combinations made sure
        fields["indicator"] = _given(args, "unit", "baseline", "target", "direction")
    if args.currency is not None:  # with an amount allocated: _check_budget made sure
        fields["budget"] = _given(args, "currency", "allocated", unit="budget_unit")
    schema = Path(args.settings).resolve().parent / SCHEMA_FILE
    # The follow-up in the form that runs from here (the command line knows how it was run).
    hint = f"Add quarterly updates with '{runnable(args.program)} report'."
    return f"{new_target(settings, fields, schema)} {hint}"


def _report(args, pelican_settings, settings) -> str:
    from .staff.commands import report

    entry = _given(args, "quarter", "value", "note", "verified_by", "spent",
                   percent_complete="percent", sources="source")  # fmt: skip
    return report(settings, args.id, entry)


def _justify(args, pelican_settings, settings) -> str:
    from .staff.commands import justify

    delay = _given(args, "reason", "revised_due", "measures", "submitted", "responsible")
    return justify(settings, args.id, delay)


def _import_progress(args, pelican_settings, settings) -> str:
    from .staff.commands import import_progress

    return import_progress(settings, args.csv, args.dry_run)


def _changes(args, pelican_settings, settings) -> str:
    from .staff.changes import summarize
    from .staff.prcheck import RecordCheckFailed, review

    targets = settings.targets_path.resolve()
    options = dict(
        reporting_quarter=settings.reporting_quarter,
        at_risk_lag=settings.at_risk_lag,
        spend_lag=settings.spend_lag,
        default_lang=settings.default_lang,
        languages=settings.languages,
    )
    problems: tuple[str, ...] = ()
    if args.check:
        editions = Path(args.settings).resolve().parent / settings.editions_path
        result = review(_git_root(targets), args.base, targets, editions_dir=editions, **options)
        text, problems = result.markdown, result.problems
    else:
        text = summarize(_git_root(targets), args.base, targets, **options)
    if args.output:
        _write_text(Path(args.output), text)
        text = f"Wrote the change summary to {args.output}."
    if problems:  # the summary first: the reviewer reads it even when the check fails
        print(text, flush=True)
        raise RecordCheckFailed(problems)
    return text


def _git_root(folder: Path) -> Path:
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    raise PortalError(f"{folder} is not inside a git repository: 'changes' compares git refs")


def _edition(args, pelican_settings, settings) -> str:
    from .build import validate
    from .register.quarters import Quarter
    from .site.editionmaker import make_edition

    settings_file = Path(args.settings).resolve()
    content = Path(pelican_settings["PATH"])
    made = make_edition(
        settings,
        settings_file.parent,
        [settings.targets_path, content, settings_file],
        Quarter.parse(args.quarter),
        lambda: validate(pelican_settings, with_record=True),
    )
    return (
        f"Wrote {made.path}: {made.targets} targets as of {args.quarter}, from commit "
        f"{made.commit[:10]}. Commit it; the site then publishes it and what changes since."
    )


def _schema(args, pelican_settings, settings) -> str:
    from .register.schema import schema_json

    output = Path(args.output or Path(args.settings).resolve().parent / SCHEMA_FILE)
    _write_text(output, schema_json())
    return f"Wrote {output}."


def _write_text(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise PortalError(
            f"--output: cannot write {path} ({exc.strerror or exc}): choose a file in a "
            "folder you can write to"
        ) from None


if __name__ == "__main__":
    sys.exit(main())
