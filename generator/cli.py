"""Command line: ``kpi-portal validate | build | new-target | report | justify | ...``.

The only place that prints to the terminal or chooses an exit status; every
error the portal raises on purpose is shown as plain lines, without a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .errors import PortalError, RegisterError
from .quarters import Quarter

SCHEMA_FILE = Path("docs") / "target.schema.json"


def _quarter(text: str) -> str:
    try:
        return str(Quarter.parse(text))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kpi-portal",
        description="Validate the target register, edit it and build the portal.",
        epilog="Example: kpi-portal build --output output",
    )
    parser.add_argument("--settings", default="pelicanconf.py", help="Pelican settings file")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("validate", help="check the register and report every problem")
    build = commands.add_parser("build", help="validate, then build the site")
    build.add_argument("--output", default="output", help="folder for the built site")
    build.add_argument(
        "--force", action="store_true", help="build even if nothing changed since the last build"
    )
    _edit_parsers(commands)
    changes = commands.add_parser("changes", help="Markdown summary of changes since a git ref")
    changes.add_argument("--base", required=True, help="git ref to compare with, e.g. main")
    changes.add_argument("--output", help="write the summary to this file")
    schema = commands.add_parser("schema", help="write the JSON Schema of a target file")
    schema.add_argument("--output", help=f"default: {SCHEMA_FILE} beside the settings file")
    return parser


def _edit_parsers(commands) -> None:
    new = commands.add_parser("new-target", help="write a skeleton file for a new target")
    for flag in ("--id", "--title", "--bureau"):
        new.add_argument(flag, required=True)
    new.add_argument("--due", required=True, type=_quarter)
    new.add_argument("--policy-address", required=True, type=int)
    new.add_argument("--area")
    new.add_argument("--start", type=_quarter)
    new.add_argument("--unit", help="numeric targets only; leave out for a milestone")
    new.add_argument("--baseline", type=float)
    new.add_argument("--target", type=float)
    new.add_argument("--direction", choices=("increase", "decrease"))
    report = commands.add_parser("report", help="add one quarter's progress to a target")
    report.add_argument("--id", required=True)
    report.add_argument("--quarter", required=True, type=_quarter)
    figure = report.add_mutually_exclusive_group(required=True)
    figure.add_argument("--value", type=float, help="numeric targets")
    figure.add_argument("--percent", type=float, help="milestone targets: percent complete")
    report.add_argument("--note")
    report.add_argument("--source", action="append", default=[], help="repeat for several")
    report.add_argument("--verified-by")
    justify = commands.add_parser("justify", help="file the delay justification of a target")
    for flag in ("--id", "--reason", "--measures"):
        justify.add_argument(flag, required=True)
    justify.add_argument("--revised-due", required=True, type=_quarter)
    justify.add_argument("--submitted", help="date filed with the legislature, YYYY-MM-DD")
    justify.add_argument("--responsible")
    bulk = commands.add_parser("import-progress", help="import a quarter's updates from CSV")
    bulk.add_argument("--csv", required=True, type=Path)
    bulk.add_argument("--dry-run", action="store_true", help="show what would change only")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 1 invalid or failed)."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        print(_run(args))
    except RegisterError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        if args.command == "build":
            print("Nothing was built; the previous site is unchanged.", file=sys.stderr)
        return 1
    except PortalError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug in the portal, not in the register: no traceback for staff
        print(
            f"Error: the portal failed unexpectedly ({exc.__class__.__name__}: {exc}). "
            "Nothing was changed. Please report this with the command you ran.",
            file=sys.stderr,
        )
        return 2
    return 0


def _run(args: argparse.Namespace) -> str:
    from . import build

    pelican_settings = build.read_settings(Path(args.settings))
    handler = {
        "validate": _validate,
        "build": _build,
        "new-target": _new_target,
        "report": _report,
        "justify": _justify,
        "import-progress": _import_progress,
        "changes": _changes,
        "schema": _schema,
    }[args.command]
    return handler(args, pelican_settings)


def _portal_settings(pelican_settings: dict):
    from .settings import from_pelican

    return from_pelican(pelican_settings)


def _validate(args, pelican_settings) -> str:
    from .build import validate
    from .delays import misplaced_justifications
    from .portal import build_portal

    targets = validate(pelican_settings)
    portal = build_portal(targets, _portal_settings(pelican_settings))
    for warning in misplaced_justifications(portal.assessments):
        print(f"Warning: {warning}", file=sys.stderr)
    return f"The register is valid: {len(targets)} targets."


def _build(args, pelican_settings) -> str:
    from .build import build

    result = build(pelican_settings, Path(args.output), force=args.force)
    index = result.output / "index.html"
    if result.unchanged:
        return (
            f"Nothing changed since the last build ({result.targets} targets, "
            f"{result.missed} missed, as of "
            f"{result.reporting_quarter}): {index} is up to date; checked in "
            f"{result.seconds:.1f} s. Use --force to build it again."
        )
    # The summary comes last: it is what a long build's reader looks for.
    return (
        "Run 'invoke serve' and visit http://localhost:8000/, or open the index in a browser:\n"
        f"Built {result.targets} targets ({result.missed} missed) as of "
        f"{result.reporting_quarter}: {result.pages} pages written, "
        f"{result.charts_rendered} charts rendered, {result.charts_cached} from cache, "
        f"in {result.seconds:.1f} s → {index}"
    )


def _new_target(args, pelican_settings) -> str:
    from .commands import new_target

    fields = {
        "id": args.id,
        "title": args.title,
        "policy_address": args.policy_address,
        "bureau": args.bureau,
        "area": args.area,
        "start": args.start,
        "due": args.due,
    }
    if args.unit:
        fields["indicator"] = {"unit": args.unit, "baseline": args.baseline, "target": args.target}
        if args.direction:
            fields["indicator"]["direction"] = args.direction
    schema = Path(args.settings).resolve().parent / SCHEMA_FILE
    return new_target(_portal_settings(pelican_settings), fields, schema)


def _report(args, pelican_settings) -> str:
    from .commands import report

    entry = {
        "quarter": args.quarter,
        "value": args.value,
        "percent_complete": args.percent,
        "note": args.note,
        "sources": args.source,
        "verified_by": args.verified_by,
    }
    entry = {k: v for k, v in entry.items() if v not in (None, [])}
    return report(_portal_settings(pelican_settings), args.id, entry)


def _justify(args, pelican_settings) -> str:
    from .commands import justify

    delay = {
        "reason": args.reason,
        "revised_due": args.revised_due,
        "measures": args.measures,
        "submitted": args.submitted,
        "responsible": args.responsible,
    }
    return justify(_portal_settings(pelican_settings), args.id, delay)


def _import_progress(args, pelican_settings) -> str:
    from .commands import import_progress

    return import_progress(_portal_settings(pelican_settings), args.csv, args.dry_run)


def _changes(args, pelican_settings) -> str:
    from .changes import summarize

    settings = _portal_settings(pelican_settings)
    targets = settings.targets_path.resolve()
    text = summarize(
        _git_root(targets),
        args.base,
        targets,
        reporting_quarter=settings.reporting_quarter,
        at_risk_lag=settings.at_risk_lag,
        default_lang=settings.default_lang,
        languages=settings.languages,
    )
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        return f"Wrote the change summary to {args.output}."
    return text


def _git_root(folder: Path) -> Path:
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    raise PortalError(f"{folder} is not inside a git repository: 'changes' compares git refs")


def _schema(args, pelican_settings) -> str:
    from .schema import schema_json

    output = Path(args.output or Path(args.settings).resolve().parent / SCHEMA_FILE)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(schema_json(), encoding="utf-8")
    return f"Wrote {output}."


if __name__ == "__main__":
    sys.exit(main())
