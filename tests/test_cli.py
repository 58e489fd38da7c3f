"""The command line never blames the user with a traceback.

Every mistake is driven through the real command line in a subprocess, in a temporary
copy of the fixture register, and gets one message in the validator's manner
(``--option: what is wrong: what to write``), exit status 2 for a wrong command line
or 1 for a job that cannot be done, and no traceback.
"""

from __future__ import annotations

import argparse
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from generator import cli
from generator.register.errors import PortalError
from tests.conftest import FIXTURE_REGISTER, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
NEW = ["new-target", "--id", "FX-NEW", "--title", "A new target", "--bureau", "Housing Bureau"]
NEW += ["--due", "2027-Q4", "--policy-address", "2025"]
JUSTIFY = ["justify", "--id", "FX-MISS", "--reason", "Late.", "--measures", "More staff."]
JUSTIFY += ["--revised-due", "2027-Q4"]


@pytest.fixture
def project(tmp_path) -> Path:
    """A git work tree holding a copy of the fixture register, its schema and settings."""
    shutil.copytree(FIXTURE_REGISTER, tmp_path / "targets")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    (tmp_path / "settings.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"TARGETS_PATH = {str(tmp_path / 'targets')!r}\n"
        f"PATH = {str(ROOT / 'content')!r}\nTHEME = {str(ROOT / 'theme')!r}\n"
        f"CHART_CACHE_PATH = {str(tmp_path / 'cache')!r}\n"
    )
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.gov"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "."], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "register"], cwd=tmp_path, check=True)
    return tmp_path


def cli_run(
    project: Path, *args: str, settings: str = "settings.py"
) -> subprocess.CompletedProcess:
    """Run ``python -m generator`` in ``project`` as staff would."""
    command = [sys.executable, "-m", "generator", "--settings", settings, *args]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=120)


def register_files(project: Path) -> dict[str, str]:
    """Every register file's text, to show that a refused command changed nothing."""
    return {
        str(p.relative_to(project)): p.read_text(encoding="utf-8")
        for p in sorted((project / "targets").rglob("*"))
        if p.is_file()
    }


def refused(result: subprocess.CompletedProcess, status: int, message: str) -> None:
    """The command failed with ``status`` and ``message``, without a traceback."""
    output = result.stdout + result.stderr
    assert result.returncode == status, output
    assert message in result.stderr, output
    assert "Traceback" not in output and "unexpectedly" not in output, output


# --- Bad values in options ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [*JUSTIFY, "--submitted", "05/10/2026"],
            "--submitted: '05/10/2026' is not a date: write YYYY-MM-DD",
        ),
        ([*JUSTIFY, "--submitted", "2026-02-30"], "--submitted: '2026-02-30' is not a date"),
        ([*JUSTIFY, "--submitted", "20260115"], "--submitted: '20260115' is not a date"),
        ([*JUSTIFY, "--revised-due", "2027-Q5"], "--revised-due: '2027-Q5' is not a quarter"),
        (
            [*NEW[:-1], "20x5"],
            "--policy-address: '20x5' is not a year: write four digits such as 2025",
        ),
        (
            ["report", "--id", "FX-ON", "--quarter", "2026-Q1", "--value", "12,5"],
            "--value: '12,5' is not a number; write digits only, such as 1250 or 12.5",
        ),
        (
            ["report", "--id", "FX-ON", "--quarter", "2026-Q1", "--value", "nan"],
            "--value: 'nan' is not a number",
        ),
        (
            ["report", "--id", "FX-ON", "--quarter", "2026-Q1", "--value", "1e999"],
            "--value: '1e999' is not a plain number: write the number out in digits",
        ),
        (
            ["report", "--id", "FX-ON", "--quarter", "2026-Q1", "--value", "06000"],
            "--value: '06000' is not a plain number: write 6000",
        ),
        (
            ["report", "--id", "FX-ON", "--quarter", "2026-Q1", "--value", "1_000"],
            "--value: '1_000' is not a plain number: write 1000",
        ),
        (
            ["report", "--id", "FX-DROP", "--quarter", "2026-Q1", "--percent", "150"],
            "--percent: '150' must be from 0 to 100",
        ),
        ([*NEW, "--unit", "flats", "--baseline", "one", "--target", "5"], "--baseline: 'one'"),
        (["serve", "--port", "80000"], "--port: '80000' must be a port number from 1 to 65535"),
        (["build", "--output", ""], "--output: must not be empty"),
        (
            ["report", "--id", "FX-ON", "--quarter", "2026-Q1", "--value", "5", "--value", "6"],
            "--value: given twice (5 and 6): give it once",
        ),
        (
            [*NEW, "--unit", "u", "--baseline", "1", "--target", "2", "--direction", "up"],
            "--direction: 'up' is not one of increase, decrease: write one of them",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_bad_value_in_an_option_is_a_usage_error(project, args, message):
    before = register_files(project)
    refused(cli_run(project, *args), 2, message)
    assert register_files(project) == before


def test_a_good_submitted_date_is_written(project):
    result = cli_run(project, *JUSTIFY, "--submitted", "2026-05-10")
    assert result.returncode == 0, result.stderr
    text = (project / "targets" / "2023" / "FX-MISS.yaml").read_text(encoding="utf-8")
    assert "submitted: 2026-05-10" in text


# --- Missing and contradictory options ------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["--direction", "decrease", "--baseline", "75", "--target", "60"],
            "--baseline, --target, --direction: only for a numeric target: add --unit "
            "(what is counted, e.g. flats), or leave them out for a milestone target",
        ),
        (["--target", "60"], "--target: only for a numeric target: add --unit"),
        (
            ["--unit", "flats"],
            "--unit: a numeric target needs --baseline and --target too "
            "(e.g. --baseline 0 --target 5000); leave --unit out for a milestone target",
        ),
        (["--unit", "flats", "--baseline", "0"], "--unit: a numeric target needs --target too"),
        (["--unit", "  "], "--unit: must not be empty"),
    ],
)
def test_contradictory_new_target_options_are_refused(project, extra, message):
    before = register_files(project)
    refused(cli_run(project, *NEW, *extra), 2, message)
    assert register_files(project) == before


def test_numeric_new_target_is_written_with_its_indicator(project):
    extra = ["--unit", "flats", "--baseline", "0", "--target", "5000", "--direction", "increase"]
    result = cli_run(project, *NEW, *extra)
    assert result.returncode == 0, result.stderr
    (written,) = (project / "targets").rglob("FX-NEW.yaml")
    text = written.read_text(encoding="utf-8")
    assert "unit: flats" in text and "target: 5000" in text and "direction: increase" in text


def test_missing_required_option_is_a_usage_error(project):
    refused(
        cli_run(project, "justify", "--id", "FX-MISS"),
        2,
        "python -m generator justify: error: --reason, --revised-due and --measures are "
        "required but not given: add them, as in --reason 'Site handover slipped.' "
        "--revised-due 2027-Q2 --measures 'A second contractor starts in 2026-Q4.' "
        "(see 'python -m generator justify --help')",
    )


def test_missing_settings_file_says_to_use_the_settings_option(project):
    result = cli_run(project, "validate", settings="nothere.py")
    refused(result, 1, "nothere.py: settings file not found")
    assert "--settings" in result.stderr


def test_settings_folder_is_not_a_settings_file(project):
    result = cli_run(project, "validate", settings="targets")
    refused(result, 1, "targets: settings file not found")


def test_unwritable_output_file_is_a_plain_error(project):
    result = cli_run(project, "schema", "--output", str(project / "settings.py" / "schema.json"))
    refused(result, 1, "cannot write")
    result = cli_run(project, "changes", "--base", "main", "--output", "/proc/no/such/file.md")
    refused(result, 1, "cannot write")


# --- Pipes, ports and signals ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["changes", "--base", "main"], 141),
        (["validate"], 141),
        (["--help"], 0),  # argparse itself ignores a failed write of the help
    ],
)
def test_a_closed_pipe_exits_quietly(project, args, status):
    (project / "targets" / "2024" / "FX-ON.yaml").unlink()
    command = [sys.executable, "-m", "generator", "--settings", "settings.py", *args]
    process = subprocess.Popen(
        command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    process.stdout.close()  # the reader goes away before a word is written, as `| head` can
    stderr = process.stderr.read()
    assert process.wait(timeout=120) == status, stderr
    assert stderr == ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_on_a_busy_port_says_so(project):
    (project / "output").mkdir()
    (project / "output" / "index.html").write_text("<p>site</p>")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli_run(project, "serve", "--output", "output", "--port", str(port))
    refused(result, 1, f"port {port} is in use")
    assert f"--port {port + 1}" in result.stderr


def test_serve_without_a_site_says_to_build_first(project):
    result = cli_run(project, "serve", "--output", "output", "--port", str(free_port()))
    # The command that works from here: this Python, as the venv is not activated.
    refused(result, 1, f"no site in output yet: run '{sys.executable} -m generator build ")


def test_serve_serves_the_site_and_stops_quietly_on_ctrl_c(project):
    (project / "output").mkdir()
    (project / "output" / "index.html").write_text("<p>site</p>")
    port = free_port()
    command = [sys.executable, "-m", "generator", "--settings", "settings.py", "serve"]
    command += ["--output", "output", "--port", str(port)]
    process = subprocess.Popen(
        command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        page = _fetch(f"http://127.0.0.1:{port}/index.html", process)
        assert page == "<p>site</p>"
    finally:
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert f"http://localhost:{port}/" in stdout
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr


def _fetch(url: str, process: subprocess.Popen) -> str:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except OSError:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)


def test_ctrl_c_during_a_job_is_one_line_and_status_130(project):
    # A settings file that waits, so that the signal lands while the job runs.
    (project / "slow.py").write_text(
        "import time\nfrom settings import *\nopen('started', 'w').close()\ntime.sleep(60)\n"
    )
    command = [sys.executable, "-m", "generator", "--settings", "slow.py", "validate"]
    process = subprocess.Popen(
        command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while not (project / "started").exists():
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert stderr.strip() == "Interrupted."


# --- Help -----------------------------------------------------------------------------------


def subparsers() -> dict[str, argparse.ArgumentParser]:
    """The command line's commands and their parsers."""
    parser = cli.parser()
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def test_every_option_has_help_and_required_ones_say_so():
    for name, parser in {"": cli.parser(), **subparsers()}.items():
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction | argparse._HelpAction):
                continue
            assert action.help, f"{name} {action.option_strings} has no help"
            grouped = any(action in g._group_actions for g in parser._mutually_exclusive_groups)
            if action.required:
                assert "(required)" in action.help, f"{name} {action.option_strings}"
            elif grouped and any(g.required for g in parser._mutually_exclusive_groups):
                assert "required" in action.help, f"{name} {action.option_strings}"


def test_help_marks_required_options_in_the_real_command_line(project):
    result = cli_run(project, "justify", "--help")
    assert result.returncode == 0
    help_text = " ".join(result.stdout.split())
    assert "--reason REASON why it was missed (Markdown) (required)" in help_text
    assert "--responsible RESPONSIBLE" in help_text
    assert result.stdout.startswith("usage: python -m generator justify")
    assert re.search(r"Example: invoke justify|Example: python -m generator justify", help_text)


def readme_tasks() -> set[str]:
    """The commands of the README's task table."""
    table = README.split("## Tasks", 1)[1].split("\n\n", 2)[1]
    return {m for row in table.splitlines() for m in re.findall(r"`invoke ([\w-]+)", row)}


def test_help_lists_the_commands_of_the_readme_task_table(project):
    result = cli_run(project, "--help")
    assert result.returncode == 0
    commands = set(re.search(r"\{([\w,-]+)\}", result.stdout)[1].split(","))
    invoke_only = re.search(r"With invoke only: ([\w, -]+)\.", result.stdout)[1]
    invoke_only = {name.strip() for name in invoke_only.split(",")}
    assert not commands & invoke_only
    assert commands | invoke_only == readme_tasks()
    assert commands == set(subparsers())


def test_one_program_name_everywhere(project):
    assert cli.parser().prog == "python -m generator"
    for name, parser in subparsers().items():
        assert parser.prog == f"python -m generator {name}"
    result = cli_run(project, "validate", "--bogus")
    refused(result, 2, "python -m generator validate: error: --bogus: not an option of this")
    assert "kpi-portal" not in result.stderr


def test_settings_option_may_follow_the_command(project):
    (project / "settings.py").rename(project / "other.py")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "validate", "--settings", "other.py"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "The register is valid: 7 targets." in result.stdout


def test_a_stopped_build_exits_with_128_plus_the_signal(monkeypatch, capsys):
    # build.py raises a PortalError carrying the signal's number when SIGINT or SIGTERM
    # stops a build; the shell expects 128 + that number of a stopped program.
    class Stopped(PortalError):
        signal = signal.SIGTERM

    def stopped(args):
        raise Stopped("the build was stopped (SIGTERM) before it finished")

    monkeypatch.setattr(cli, "_run", stopped)
    assert cli.main(["build"]) == 128 + signal.SIGTERM
    assert capsys.readouterr().err == (
        "Error: the build was stopped (SIGTERM) before it finished\n"
    )
