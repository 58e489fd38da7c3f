"""The invoke tasks are the command line's commands, defined once (generator/arguments.py).

Every staff command of the command line is an invoke task with the same options, the same
help and the same description; an option given to the task reaches the command line as
typed; and an option added to the table shows up in both with no other edit. Invoke is
driven in-process through its own ``Program`` (its parser and executor), and once for real
in a subprocess on a copy of the register.
"""

from __future__ import annotations

import argparse
import importlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from invoke import Collection, Program
from invoke.parser import ParserContext

from generator import arguments, cli
from tests.conftest import ROOT

INVOKE = Path(sys.executable).with_name("invoke")
STAFF_COMMANDS = list(arguments.COMMANDS)


def tasks_module():
    """The project's tasks.py, as invoke loads it (from the folder it is in)."""
    sys.path.insert(0, str(ROOT))
    try:
        module = importlib.import_module("tasks")
    finally:
        sys.path.remove(str(ROOT))
    assert Path(module.__file__).resolve() == ROOT / "tasks.py", module.__file__
    return module


@pytest.fixture
def reloaded(monkeypatch):
    """Reload tasks.py (after a change to the table); the real one is back afterwards."""
    module = tasks_module()
    saved = dict(vars(module))
    yield lambda: importlib.reload(module)
    monkeypatch.undo()
    # A reload keeps the globals it does not redefine (a task made for an added command).
    vars(module).clear()
    vars(module).update(saved)


def subparsers() -> dict[str, argparse.ArgumentParser]:
    """The command line's commands and their parsers."""
    (action,) = [a for a in cli.parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def cli_options(command: str) -> dict[str, argparse.Action]:
    """A command's own options (not --help, nor --settings, which invoke sets)."""
    return {
        action.option_strings[0]: action
        for action in subparsers()[command]._actions
        if action.option_strings[0] not in ("-h", "--settings")
    }


def task_context(name: str, module=None) -> ParserContext:
    """The options of an invoke task, as invoke's parser reads them."""
    task = Collection.from_module(module or tasks_module())[name]
    return ParserContext(name=name, args=task.get_arguments())


def invoke(capsys, *argv: str, module=None) -> str:
    """What ``invoke ARGV`` prints, run in-process by invoke's own program."""
    program = Program(namespace=Collection.from_module(module or tasks_module()), binary="invoke")
    capsys.readouterr()
    program.run(["invoke", *argv], exit=False)
    return capsys.readouterr().out


@pytest.fixture
def reached(monkeypatch) -> list[list[str]]:
    """The argument lists that reach the command line's main(), which does nothing here."""
    calls: list[list[str]] = []
    # Each task names itself: its messages say "invoke report", not "python -m generator".
    monkeypatch.setattr(cli, "main", lambda argv, **named: calls.append(argv) or 0)
    return calls


def words(text: str) -> str:
    """The text's words, however it is wrapped (invoke may wrap after a hyphen)."""
    return " ".join(text.split()).replace("- ", "-")


# --- One definition: the tasks are the commands ---------------------------------------------


@pytest.mark.parametrize("command", STAFF_COMMANDS)
def test_the_task_has_the_commands_options_with_their_help(command):
    context = task_context(command)
    options = cli_options(command)
    assert set(context.flags) == set(options), command
    for flag, action in options.items():
        argument = context.flags[flag]
        assert argument.help == action.help, flag
        assert argument.names == (flag[2:],), f"{flag}: no short flag the command line lacks"
        assert not argument.positional, f"{flag}: an option, as on the command line"
        expected = str
        if isinstance(action, argparse._StoreTrueAction):
            expected = bool
        elif isinstance(action, argparse._AppendAction):
            expected = list
        assert argument.kind is expected, f"{flag}: {argument.kind} (values stay as typed)"


def test_every_staff_command_is_a_task_and_the_rest_are_invoke_only():
    names = set(Collection.from_module(tasks_module()).task_names)
    assert set(subparsers()) == set(STAFF_COMMANDS)
    assert names == set(STAFF_COMMANDS) | set(arguments.INVOKE_ONLY)


@pytest.mark.parametrize("command", STAFF_COMMANDS)
def test_invoke_help_shows_the_commands_description_example_and_option_help(capsys, command):
    shown = invoke(capsys, "--help", command)
    parser = subparsers()[command]
    docstring = words(shown.split("Docstring:", 1)[1].split("Options:", 1)[0])
    assert words(parser.description) in docstring
    example = parser.epilog.removeprefix(f"Example: {cli.PROG} {command}")
    assert docstring.endswith(words(f"Example: invoke {command} {example}")), docstring
    for action in cli_options(command).values():
        assert words(action.help) in words(shown), action.help


def test_invoke_list_shows_each_commands_first_line(capsys):
    listed = invoke(capsys, "--list")
    for command in STAFF_COMMANDS:
        first_line = subparsers()[command].description.splitlines()[0]
        line = re.search(rf"^  {re.escape(command)}  +(.+(?:\n {{10,}}.+)*)", listed, re.M)
        assert line, f"{command} is not listed:\n{listed}"
        assert words(line[1]) == words(first_line), command


def test_the_cli_description_opens_with_its_one_line_summary():
    for command, parser in subparsers().items():
        summary = arguments.COMMANDS[command].does
        assert parser.description.splitlines()[0] == summary[0].upper() + summary[1:] + "."


# --- Values reach the command line as typed --------------------------------------------------


def test_options_reach_the_command_line_exactly(capsys, reached):
    invoke(capsys, "report", "--id", "PA2023-017", "--quarter", "2026-Q3", "--value", "06000",
           "--source", "https://a.example", "--note=", "--source", "https://b.example")  # fmt: skip
    invoke(capsys, "import-progress", "--csv", "u.csv", "--dry-run")
    invoke(capsys, "build")
    settings = str(ROOT / "pelicanconf.py")
    assert reached == [
        ["--settings", settings, "report", "--id", "PA2023-017", "--quarter", "2026-Q3",
         "--value", "06000", "--note", "", "--source", "https://a.example",
         "--source", "https://b.example"],
        ["--settings", settings, "import-progress", "--csv", "u.csv", "--dry-run"],
        ["--settings", settings, "build"],
    ]  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(value=st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\0")))
def test_any_value_reaches_the_command_line_unchanged(value):
    module = tasks_module()
    calls: list[list[str]] = []
    original = cli.main
    cli.main = lambda argv, **named: calls.append(argv) or 0
    try:
        program = Program(namespace=Collection.from_module(module), binary="invoke")
        program.run(["invoke", "justify", f"--reason={value}", f"--submitted={value}"], False)
    finally:
        cli.main = original
    assert calls == [["--settings", str(ROOT / "pelicanconf.py"), "justify",
                      "--reason", value, "--submitted", value]]  # fmt: skip


def test_publish_is_build_with_the_publishing_settings(capsys, reached):
    assert set(task_context("publish").flags) == set(cli_options("build"))
    invoke(capsys, "publish", "--force", "--output", "public")
    assert reached == [
        ["--settings", str(ROOT / "publishconf.py"), "build", "--output", "public", "--force"]
    ]


def test_a_refused_command_is_a_failed_task_with_the_command_lines_status(monkeypatch):
    module = tasks_module()
    monkeypatch.setattr(cli, "main", lambda argv, **named: 2)
    program = Program(namespace=Collection.from_module(module), binary="invoke")
    with pytest.raises(SystemExit) as exited:
        program.run(["invoke", "validate"])
    assert exited.value.code == 2


# --- Adding an option: one edit, to the table -----------------------------------------------


def test_an_option_added_to_the_table_is_in_the_command_line_and_the_task(
    monkeypatch, reloaded, capsys
):
    old = arguments.COMMANDS["report"]
    added = (arguments._opt("--checked-on", "the date the figure was checked, YYYY-MM-DD",
                            arguments._date),
             arguments._flag("--draft", "mark the entry as a draft"))  # fmt: skip
    monkeypatch.setitem(arguments.COMMANDS, "report", old._replace(options=old.options + added))
    module = reloaded()
    assert {"--checked-on", "--draft"} <= set(cli_options("report"))
    context = task_context("report", module)
    assert context.flags["--checked-on"].help == "the date the figure was checked, YYYY-MM-DD"
    assert context.flags["--draft"].kind is bool
    calls: list[list[str]] = []
    monkeypatch.setattr(cli, "main", lambda argv, **named: calls.append(argv) or 0)
    invoke(capsys, "report", "--id", "X", "--checked-on", "2026-10-01", "--draft", module=module)
    assert calls[0][2:] == ["report", "--id", "X", "--checked-on", "2026-10-01", "--draft"]


def test_a_command_added_to_the_table_is_a_task(monkeypatch, reloaded, capsys):
    monkeypatch.setitem(arguments.COMMANDS, "stats", arguments.Command(
        "count the targets by bureau", "--bureau EDB",
        (arguments._opt("--bureau", "only this bureau"),),
    ))  # fmt: skip
    module = reloaded()
    assert "stats" in subparsers()
    shown = invoke(capsys, "--help", "stats", module=module)
    assert "Count the targets by bureau." in shown and "only this bureau" in shown
    assert "Example: invoke stats --bureau EDB" in shown


def test_an_option_a_task_could_not_pass_on_is_refused_when_the_tasks_are_made(monkeypatch):
    old = arguments.COMMANDS["build"]
    quiet = ("--no-log", {"help": "log nothing", "action": "store_false"})
    monkeypatch.setitem(arguments.COMMANDS, "build", old._replace(options=(*old.options, quiet)))
    with pytest.raises(ValueError, match="build --no-log: action 'store_false'"):
        arguments.options("build")


# --- Defaults: the project's folder, wherever the command runs from ---------------------------


# serve's default is the folder the last build wrote (tests/test_first_time.py).
@pytest.mark.parametrize("command", ["build"])
def test_the_default_output_folder_is_beside_the_settings_file(command):
    assert arguments.parse([command]).output == "output"
    assert arguments.parse(["--settings", "/srv/portal/pelicanconf.py", command]).output == (
        str(Path("/srv/portal/output"))
    )
    given_folder = arguments.parse(["--settings", "/srv/portal/x.py", command, "--output", "o"])
    assert given_folder.output == "o"


# --- For real: invoke in a subprocess, on a copy of the register ------------------------------


def project_copy(folder: Path) -> Path:
    """A project folder with the real tasks.py, settings and a copy of the register."""
    folder.mkdir()
    for name in ("tasks.py", "pelicanconf.py"):
        shutil.copy(ROOT / name, folder / name)
    shutil.copytree(ROOT / "targets", folder / "targets")
    for name in ("content", "theme", "docs"):
        (folder / name).symlink_to(ROOT / name)
    return folder


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


REPORT = ["report", "--id", "PA2022-001", "--quarter", "2026-Q4", "--value", "27000",
          "--note", "Three more estates.", "--source", "https://www.example.gov/a",
          "--source", "https://www.example.gov/b"]  # fmt: skip
TARGET = Path("targets") / "housing-bureau" / "PA2022-001.yaml"


def test_invoke_report_writes_what_the_command_line_writes(tmp_path):
    by_invoke, by_cli = project_copy(tmp_path / "invoke"), project_copy(tmp_path / "cli")
    before = (by_invoke / TARGET).read_text(encoding="utf-8")
    done = run([str(INVOKE), *REPORT], by_invoke)
    assert done.returncode == 0, done.stderr
    assert run([sys.executable, "-m", "generator", *REPORT], by_cli).returncode == 0
    written = (by_invoke / TARGET).read_text(encoding="utf-8")
    assert written != before and written == (by_cli / TARGET).read_text(encoding="utf-8")
    assert "      - https://www.example.gov/a\n      - https://www.example.gov/b\n" in written


def test_invoke_refuses_a_figure_exactly_as_the_command_line_does(tmp_path):
    project = project_copy(tmp_path / "project")
    before = (project / TARGET).read_text(encoding="utf-8")
    octal = [*REPORT[:5], "--value", "06000", *REPORT[7:]]
    by_invoke = run([str(INVOKE), *octal], project)
    by_cli = run([sys.executable, "-m", "generator", *octal], project)
    assert by_cli.returncode == 2 and "--value: '06000'" in by_cli.stderr, by_cli.stderr
    # The same message, each naming the program the user typed, with its own usage line.
    error = by_cli.stderr.splitlines()[-1].replace("python -m generator report", "invoke report")
    assert (by_invoke.returncode, by_invoke.stderr.splitlines()[-1]) == (2, error)
    assert by_invoke.stderr.startswith("usage: invoke report --id ID --quarter QUARTER")
    assert "python -m generator" not in by_invoke.stderr and "--settings" not in by_invoke.stderr
    assert "Traceback" not in by_invoke.stderr
    assert (project / TARGET).read_text(encoding="utf-8") == before


def test_real_invoke_help_matches_the_command_lines_help(tmp_path):
    project = project_copy(tmp_path / "project")
    shown = words(run([str(INVOKE), "--help", "report"], project).stdout)
    cli_help = run([sys.executable, "-m", "generator", "report", "--help"], project).stdout
    for action in cli_options("report").values():
        assert f"--{action.dest.replace('_', '-')}" in shown
        assert words(action.help) in shown and words(action.help) in words(cli_help)
    assert words(subparsers()["report"].description) in shown
