"""The command line's commands and options, each value checked as it is parsed.

A wrong value or a contradiction is a usage error (exit status 2) in the validator's
manner, ``--option: what is wrong: what to write``; the help marks required options.
``COMMANDS`` is the one definition of the staff commands: tasks.py makes its invoke
tasks from it (``options``, ``description``, ``command_line``), so adding an option here
adds it to both.
"""

from __future__ import annotations

import argparse
import datetime
import re
import textwrap
from pathlib import Path
from typing import NamedTuple

from . import usage
from .register.checker import without_separators
from .register.figures import read_figure
from .register.quarters import Quarter

PROG = usage.CLI
SCHEMA_FILE = Path("docs") / "target.schema.json"
# The README's tasks that are not staff jobs on the register: run with invoke only.
INVOKE_ONLY = (
    "publish",
    "clean",
    "livereload",
    "bench",
    "translations",
    "golden",
    "test",
    "lint",
    "lock",
)


SETTINGS_HELP = "the Pelican settings file (default: pelicanconf.py in the current folder)"
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# --- Option values: each refused with what to write instead -------------------------------


def _text(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return text


def _quarter(text: str) -> str:
    try:
        return str(Quarter.parse(text))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _date(text: str) -> str:
    hint = "write YYYY-MM-DD, such as 2026-10-01"
    if not DATE_RE.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: {hint}")
    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date ({exc}): {hint}") from None


def _year(text: str) -> int:
    if not re.fullmatch(r"[0-9]{4}", text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a year: write four digits such as 2025")
    return int(text)


def _number(text: str) -> int | float:
    # The register's rule for figures: 9 stays 9 in the file, and 1e3, 06000, nan are refused.
    try:
        return read_figure(text)
    except ValueError as exc:
        plain = without_separators(text)  # 4,950: the register's message, the plain figure
        message = f"{text!r} is not a number: write {plain}" if plain else str(exc)
        raise argparse.ArgumentTypeError(message) from None


def _percent(text: str) -> int | float:
    value = _number(text)
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text!r} must be from 0 to 100 (percent complete)")
    return value


def _port(text: str) -> int:
    if not re.fullmatch(r"[0-9]{1,5}", text) or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} must be a port number from 1 to 65535")
    return int(text)


class _Once(argparse.Action):
    """An option given at most once: argparse would keep the last of two silently."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        given = namespace.__dict__.setdefault("_given_once", {})
        if self.dest in given:
            parser.error(
                f"{option_string}: given twice ({given[self.dest]!r} and {values!r}): give it once"
            )
        given[self.dest] = values
        setattr(namespace, self.dest, values)


def _opt(flag: str, help: str, type=_text, **kwargs) -> tuple[str, dict]:  # noqa: A002
    kwargs.setdefault("action", _Once)
    return flag, {"help": help, "type": type, **kwargs}


def _req(flag: str, help: str, type=_text) -> tuple[str, dict]:  # noqa: A002
    return flag, {"help": f"{help} (required)", "type": type, "required": True, "action": _Once}


def _flag(flag: str, help: str) -> tuple[str, dict]:  # noqa: A002
    return flag, {"help": help, "action": "store_true"}


class Command(NamedTuple):
    """A staff command: what it does in one line, an example's options, its options, more."""

    does: str
    example: str
    options: tuple[tuple[str, dict], ...]
    details: str = ""


# Every staff command, its options and their help: the one definition. The command line is
# built from it, and so is each invoke task of tasks.py (options, help, docstring).
COMMANDS = {
    "validate": Command(
        "check the register and list every problem (file:line: field: message)", "", ()),
    "build": Command(
        "validate, then build the site (the previous site stays if anything fails)",
        "--output output", (
            _opt("--output", "folder for the built site (default: output, beside the "
                 "settings file)", beside="output"),
            _flag("--force", "build even if nothing changed since the last build"),
        ),
        "A build with nothing changed since the last one stops at once; --force builds "
        "anyway."),
    "serve": Command(
        "serve the built site on this computer (build first); Ctrl-C stops it",
        "--port 8001", (
            _opt("--output", "the built site's folder (default: the folder the last build "
                 "wrote, else output beside the settings file)"),
            _opt("--port", "the port to serve on, from 1 to 65535 (default 8000)", _port,
                 default=8000),
        ),
        "The site is at http://localhost:8000/, or at the port given. Without --output it "
        "serves what the last build wrote."),
    "new-target": Command(
        "write a valid skeleton file for a new target in its bureau's folder",
        "--id PA2025-003 --title 'Build 5,000 flats' --bureau 'Housing Bureau' "
        "--policy-address 2025 --due 2027-Q4 --unit flats --baseline 0 --target 5000", (
            _req("--id", "the new target's id, also its file name, e.g. PA2025-003"),
            _req("--title", "one line saying what is promised"),
            _req("--bureau", "the owning bureau; the file goes in its folder"),
            _req("--due", "the quarter it must be met by, e.g. 2027-Q4", _quarter),
            _req("--policy-address", "the year the target was announced, e.g. 2025", _year),
            _opt("--area", "policy area"),
            _opt("--start", "quarter work starts (default Q4 of the policy-address year)",
                 _quarter),
            _opt("--unit", "numeric targets: what is counted, e.g. flats; leave out for a "
                 "milestone"),
            _opt("--baseline", "numeric targets: the value at the start", _number),
            _opt("--target", "numeric targets: the value to reach", _number),
            _opt("--direction", "numeric targets: increase (default) or decrease", None,
                 choices=("increase", "decrease")),
            _opt("--currency", "with funds allocated: the budget's ISO 4217 currency code, "
                 "e.g. HKD"),
            _opt("--allocated", "with funds allocated: the total amount allocated, in the "
                 "budget's unit, e.g. 120", _number),
            _opt("--budget-unit", "with funds allocated: the unit of every amount, e.g. "
                 "million (default: none)"),
        ),
        "A budget needs --currency and --allocated; --budget-unit is optional."),
    "report": Command(
        "add one quarter's progress entry to a target, keeping the file's layout and comments",
        "--id PA2023-004 --quarter 2026-Q4 --value 90.5 --source https://www.example.gov/p/1", (
            _req("--id", "the target's id, e.g. PA2023-004"),
            _req("--quarter", "the quarter reported on, e.g. 2026-Q3", _quarter),
            _opt("--value", "numeric targets: the value at the end of the quarter (this or "
                 "--percent is required)", _number, group="figure"),
            _opt("--percent", "milestone targets: percent complete, 0 to 100 (this or --value "
                 "is required)", _percent, group="figure"),
            _opt("--note", "a short note (Markdown)"),
            _opt("--source", "a web address backing the figure; repeat for several",
                 action="append", default=[]),
            _opt("--verified-by", "the independent body that checked the figure, if any"),
            _opt("--spent", "targets with a budget: the amount spent up to the end of the "
                 "quarter, counted from the start (never less than last reported), in the "
                 "budget's unit", _number),
        )),
    "justify": Command(
        "file the delay justification of a missed target",
        "--id PA2022-007 --reason 'Site handover slipped.' --revised-due 2027-Q2 "
        "--measures 'A second contractor starts in 2026-Q4.' --submitted 2026-10-01", (
            _req("--id", "the missed target's id"),
            _req("--reason", "why it was missed (Markdown)"),
            _req("--revised-due", "the new quarter promised, e.g. 2027-Q2", _quarter),
            _req("--measures", "what is being done to recover (Markdown)"),
            _opt("--submitted", "date the justification went to the legislature, YYYY-MM-DD",
                 _date),
            _opt("--responsible", "the accountable office-holder or post"),
        )),
    "import-progress": Command(
        "import one quarter's updates for many targets from a spreadsheet's CSV export",
        "--csv updates.csv --dry-run", (
            _req("--csv", "the CSV file: id,quarter,value,percent_complete,note,sources,"
                 "verified_by and, optionally, spent", lambda text: Path(_text(text))),
            _flag("--dry-run", "write nothing: show, per target, what each row would add, "
                  "and every problem"),
        ),
        "Every row is checked first, and every problem is listed by row and column, as the "
        "spreadsheet shows them; nothing is written unless all rows are good."),
    "changes": Command(
        "print a Markdown summary of what the register changes since a git ref",
        "--base origin/main --check", (
            _req("--base", "the git ref to compare with, e.g. main"),
            _opt("--output", "write the summary to this file"),
            _flag("--check", "also check the published record: exit 1, one line a problem, "
                  "if a promise moved without an amendments entry, a target was removed "
                  "without being withdrawn or replaced, an edition changed, or the base is "
                  "not in the history"),
        )),
    "edition": Command(
        "freeze what the site publishes for a reporting quarter in editions/<quarter>.json",
        "--quarter 2026-Q3", (
            _req("--quarter", "the reporting quarter to freeze, e.g. 2026-Q3", _quarter),
        ),
        "It is made from the commit checked out, with no uncommitted change to the "
        "register. Commit the file: a committed edition never changes."),
    "schema": Command(
        "write the JSON Schema of a target file, for editors", "", (
            _opt("--output", f"default: {SCHEMA_FILE} beside the settings file"),
        )),
}  # fmt: skip


# --- Reading the table: the invoke tasks are made from these ----------------------------------

WIDTH = 76  # help text is wrapped here, the same in both


class Option(NamedTuple):
    """One option of a command as a task takes it: ``--verified-by`` is ``verified_by``."""

    flag: str
    name: str
    help: str
    kind: str  # "value" (a string, passed as typed), "flag" (on or off), "list" (repeated)


def options(command: str) -> tuple[Option, ...]:
    """A command's options, in the table's order."""
    kinds = {_Once: "value", "store_true": "flag", "append": "list"}
    found = []
    for flag, spec in COMMANDS[command].options:
        if spec["action"] not in kinds:  # a task could not pass it on as it is
            raise ValueError(f"{command} {flag}: action {spec['action']!r} is not one of {kinds}")
        found.append(Option(flag, _name(flag), spec["help"], kinds[spec["action"]]))
    return tuple(found)


def option_help(command: str) -> dict[str, str]:
    """The help of a command's options by their Python names (``verified_by``), for invoke."""
    return {option.name: option.help for option in options(command)}


def description(command: str) -> str:
    """What a command does: its one line (``invoke --list`` shows it), then its details."""
    does, _, _, details = COMMANDS[command]
    summary = does[0].upper() + does[1:] + "."
    return "\n\n".join([summary, *([_wrap(details)] if details else [])])


def example(command: str, prog: str = PROG) -> str:
    """The command's example, run with ``prog`` (the command line's, or ``invoke``)."""
    return _wrap(f"Example: {prog} {command} {COMMANDS[command].example}".rstrip())


def command_line(command: str, values: dict[str, object]) -> list[str]:
    """The command line that gives a command these option values (by Python name)."""
    args = [command]
    for option in options(command):
        value = values.get(option.name)
        if option.kind == "flag":
            args += [option.flag] if value else []
        elif option.kind == "list":
            args += [part for item in value or () for part in (option.flag, item)]
        elif value is not None:
            args += [option.flag, str(value)]
    return args


def _name(flag: str) -> str:
    return flag[2:].replace("-", "_")


def _wrap(text: str) -> str:
    # Not at hyphens: options and quarters (--revised-due, 2026-Q4) stay whole.
    return textwrap.fill(text, WIDTH, break_on_hyphens=False, break_long_words=False)


def parser(program: str = PROG, task: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser: its commands, options and help.

    ``program`` is how the user called it: ``python -m generator``, or ``invoke`` for a
    task, whose usage lines then show the task's options only (invoke sets --settings).
    ``task``: the name of the task run when it is not its command's (publish runs build).
    """
    main = usage.Parser(
        prog=program,
        description="Validate the target register, edit it and build the portal.",
        epilog=(
            f"Run '{PROG} COMMAND --help' for a command's options, with an example.\n"
            f"With invoke only: {', '.join(INVOKE_ONLY)}. (See the README's Tasks.)\n"
            "Exit status: 0 done, 1 the register, settings or an input is wrong, "
            "2 the command line is wrong."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    main.program = program
    main.add_argument("--settings", default="pelicanconf.py", help=SETTINGS_HELP)
    commands = main.add_subparsers(dest="command", required=True, parser_class=usage.Parser)
    for name, command in COMMANDS.items():
        _add_command(commands, name, command, program, task)
    return main


def _add_command(
    commands: argparse._SubParsersAction, name: str, command: Command, program: str,
    task: str | None,
) -> None:  # fmt: skip
    # Only the command run ever prints its name, so a task's name may go on every one.
    shown = task or name
    parser = commands.add_parser(
        name, prog=f"{program} {shown}", help=command.does, description=description(name),
        epilog=example(name, program), add_help=program == PROG,
        formatter_class=argparse.RawDescriptionHelpFormatter,  # wrapped as invoke shows it
    )  # fmt: skip
    parser.program, parser.command, parser.shown = program, name, shown
    parser.examples = usage.option_examples(command.example)
    if program == PROG:
        # Also after the command, where staff tend to put it; the top-level default stays.
        parser.add_argument("--settings", default=argparse.SUPPRESS, help=SETTINGS_HELP)
    groups: dict[str, argparse._MutuallyExclusiveGroup] = {}
    for flag, spec in command.options:
        spec = dict(spec)
        group = spec.pop("group", None)
        spec.pop("beside", None)  # see _settle_defaults
        if group and group not in groups:
            groups[group] = parser.add_mutually_exclusive_group(required=True)
        (groups[group] if group else parser).add_argument(flag, **spec)


def parse(argv: list[str] | None, program: str = PROG, task: str | None = None):
    """The command line's arguments, checked; a usage error exits (SystemExit, status 2)."""
    cli = parser(program, task)
    args, unknown = cli.parse_known_args(argv)
    if unknown:  # refused by the command's parser, which can say what its options are
        _command_parser(cli, args).error(f"unrecognized arguments: {' '.join(unknown)}")
    check_combinations(cli, args)
    _settle_defaults(args)
    return args


def _settle_defaults(args: argparse.Namespace) -> None:
    # A default folder is the project's, beside its settings file, wherever the command is
    # run from (as for the schema): `invoke build` from a subfolder still builds output/.
    for flag, spec in COMMANDS[args.command].options:
        if "beside" in spec and getattr(args, _name(flag)) is None:
            setattr(args, _name(flag), str(Path(args.settings).parent / spec["beside"]))


def check_combinations(cli: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse options that contradict each other, as a usage error of their command."""
    if args.command != "new-target":
        return
    command = _command_parser(cli, args)
    numeric = [f"--{name}" for name in ("baseline", "target", "direction")
               if getattr(args, name) is not None]  # fmt: skip
    if args.unit is None and numeric:
        command.error(
            f"{', '.join(numeric)}: only for a numeric target: add --unit (what is counted, "
            "e.g. flats), or leave them out for a milestone target"
        )
    missing = [f"--{name}" for name in ("baseline", "target") if getattr(args, name) is None]
    if args.unit is not None and missing:
        command.error(
            f"--unit: a numeric target needs {' and '.join(missing)} too (e.g. --baseline 0 "
            "--target 5000); leave --unit out for a milestone target"
        )
    _check_budget(command, args)


def _command_parser(cli: argparse.ArgumentParser, args: argparse.Namespace):
    (commands,) = [a for a in cli._actions if isinstance(a, argparse._SubParsersAction)]
    return commands.choices[args.command]


def _check_budget(command: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """A budget is a currency and an amount allocated, with a unit or none."""
    given = [f"--{name.replace('_', '-')}" for name in ("currency", "allocated", "budget_unit")
             if getattr(args, name) is not None]  # fmt: skip
    missing = [flag for flag in ("--currency", "--allocated") if flag not in given]
    if given and missing:
        command.error(
            f"{', '.join(given)}: a budget needs {' and '.join(missing)} too (e.g. --currency "
            "HKD --allocated 120 --budget-unit million); leave them all out for a target "
            "without funds allocated"
        )
