"""A newcomer succeeds the first time: every command the README or a message suggests works
as written, from a fresh clone, without activating the virtual environment (issue 17).

The commands are run for real, in subprocesses, on a copy of the project, with a PATH that
does not have the venv on it (as after the README's quick start) unless a test says so.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from generator import arguments
from tests.conftest import FIXTURE_REGISTER, ROOT

VENV_BIN = Path(sys.executable).parent
INVOKE = VENV_BIN / "invoke"


def without_venv() -> dict[str, str]:
    """The environment of a terminal where the venv was never activated."""
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep)
            if p and Path(p).resolve() != VENV_BIN.resolve()]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    return {**env, "PATH": os.pathsep.join(path or ["/usr/bin", "/bin"])}


def with_venv() -> dict[str, str]:
    """The environment after ``. .venv/bin/activate``."""
    env = without_venv()
    return {**env, "PATH": f"{VENV_BIN}{os.pathsep}{env['PATH']}"}


def project_copy(folder: Path, register: Path = FIXTURE_REGISTER) -> Path:
    """A project folder as a clone has it: tasks.py, settings, a register (the fixture's: a
    quick build), the content, theme and docs."""
    folder.mkdir()
    for name in ("tasks.py", "pelicanconf.py", "pyproject.toml"):
        shutil.copy(ROOT / name, folder / name)
    shutil.copytree(register, folder / "targets")
    for name in ("content", "theme", "docs"):
        (folder / name).symlink_to(ROOT / name)
    return folder


def run(command: list[str], cwd: Path, env=None, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=env or without_venv())  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def served_page(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    """The home page ``command`` (a serve command, given a free --port) serves."""
    port = free_port()
    server = subprocess.Popen(
        [*command, "--port", str(port)], cwd=cwd, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html") as page:
                    return page.read().decode("utf-8")
            except OSError:
                if server.poll() is not None:
                    raise AssertionError(f"serve stopped: {server.communicate()}") from None
                time.sleep(0.2)
        raise AssertionError("serve did not answer")
    finally:
        server.terminate()
        server.communicate(timeout=30)


def hinted_command(stdout: str) -> list[str]:
    """The command the build's closing hint says to run."""
    found = re.search(r"or run '([^']+)' and visit http://localhost:8000/\.$", stdout, re.MULTILINE)
    assert found, stdout
    return shlex.split(found[1])


# --- The build's hint, and serve ---------------------------------------------------------


def test_the_build_hint_works_as_written_without_the_venv_and_serves_what_was_built(tmp_path):
    project = project_copy(tmp_path / "clone")
    built = run([str(INVOKE), "build", "--output", "site"], project)
    assert built.returncode == 0, built.stderr
    # One summary, the portal's: Pelican's "Done: Processed 0 articles ... 4 pages" is not shown.
    assert "Processed" not in built.stdout + built.stderr, built.stdout
    assert re.search(r"^Built \d+ targets .* pages written", built.stdout, re.MULTILINE)
    command = hinted_command(built.stdout)
    # invoke is not on PATH: the hint names this venv's invoke, and the folder it built.
    assert command == [str(INVOKE), "serve", "--output", "site"], built.stdout
    assert shutil.which("invoke", path=without_venv()["PATH"]) != str(INVOKE)
    page = served_page(command, project, without_venv())
    assert page == (project / "site" / "index.html").read_text(encoding="utf-8")


def test_with_the_venv_activated_the_hint_says_invoke_and_serve_finds_the_last_build(tmp_path):
    project = project_copy(tmp_path / "clone")
    built = run(["invoke", "build", "--output", "elsewhere"], project, env=with_venv())
    assert built.returncode == 0, built.stderr
    assert hinted_command(built.stdout) == ["invoke", "serve", "--output", "elsewhere"]
    # Plain `invoke serve`: what the last build wrote, not an output/ that does not exist.
    assert not (project / "output").exists()
    page = served_page(["invoke", "serve"], project, with_venv())
    assert page == (project / "elsewhere" / "index.html").read_text(encoding="utf-8")


def test_the_command_line_hints_at_its_own_serve_command(tmp_path):
    project = project_copy(tmp_path / "clone")
    built = run([sys.executable, "-m", "generator", "build"], project)
    assert built.returncode == 0, built.stderr
    # The default folder needs no --output; python is this venv's, not the one on PATH.
    assert hinted_command(built.stdout) == [sys.executable, "-m", "generator", "serve"]


def test_serve_with_nothing_built_says_which_build_command_to_run(tmp_path):
    project = project_copy(tmp_path / "clone")
    result = run([str(INVOKE), "serve"], project)
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: no site in {project / 'output'} yet: run '{INVOKE} build' first\n"
    )


# --- invoke lint after the test set-up ----------------------------------------------------


def test_invoke_lint_runs_the_venvs_ruff_without_the_venv_on_path(tmp_path):
    folder = tmp_path / "lint"
    folder.mkdir()
    shutil.copy(ROOT / "tasks.py", folder / "tasks.py")
    # The project's ruff settings; generator is first-party here too, though not copied.
    config = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    config += '\n[tool.ruff.lint.isort]\nknown-first-party = ["generator"]\n'
    (folder / "pyproject.toml").write_text(config, encoding="utf-8")
    (folder / "good.py").write_text('"""A module."""\n\nVALUE = 1\n', encoding="utf-8")
    result = run([str(INVOKE), "lint"], folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "command not found" not in result.stderr
    (folder / "bad.py").write_text("import os\n", encoding="utf-8")  # unused import
    result = run([str(INVOKE), "lint"], folder)
    assert result.returncode == 1 and "F401" in result.stdout, result.stdout + result.stderr


def test_ruff_is_in_the_test_set_up_pinned_to_one_version():
    # pyproject's test extra (read as text: tomllib is Python 3.11 on, the portal 3.10 on).
    extra = (ROOT / "pyproject.toml").read_text().split("test = [", 1)[1].split("]", 1)[0]
    ruff = re.findall(r'"(ruff[^"]*)"', extra)
    installed = run([str(VENV_BIN / "ruff"), "--version"], ROOT).stdout.split()[-1]
    assert ruff == [f"ruff=={installed}"]


# --- Help and usage errors, with one program name -----------------------------------------


def test_every_option_of_every_command_has_help_and_invoke_marks_the_required_ones(tmp_path):
    project = project_copy(tmp_path / "clone")
    for command in arguments.COMMANDS:
        for flag, spec in arguments.COMMANDS[command].options:
            assert spec["help"].strip(), f"{command} {flag}"
    shown = " ".join(run([str(INVOKE), "--help", "justify"], project).stdout.split())
    for flag in ("--id", "--reason", "--revised-due", "--measures"):
        assert re.search(rf"{flag}=STRING (?:(?! --).)*\(required\)", shown), (flag, shown)
    assert "--submitted=STRING date the justification" in shown
    build = " ".join(run([str(INVOKE), "--help", "build"], project).stdout.split())
    assert "--output=STRING folder for the built site" in build
    serve = " ".join(run([str(INVOKE), "--help", "serve"], project).stdout.split())
    assert "--port=STRING the port to serve on" in serve


def test_a_missing_option_is_named_in_plain_words_by_the_program_typed(tmp_path):
    project = project_copy(tmp_path / "clone")
    result = run([str(INVOKE), "justify", "--id", "FX-MISS", "--reason", "Late."], project)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "invoke justify: error: --revised-due and --measures are required but not given: add "
        "them, as in --revised-due 2027-Q2 --measures 'A second contractor starts in 2026-Q4.' "
        "(see 'invoke --help justify')"
    )
    assert result.stderr.startswith("usage: invoke justify --id ID --reason REASON")
    assert "positional" not in result.stderr and "python -m generator" not in result.stderr


@pytest.mark.parametrize(
    ("program", "prefix"),
    [([str(INVOKE)], "invoke report"),
     ([sys.executable, "-m", "generator"], "python -m generator report")],
)  # fmt: skip
def test_a_bad_value_is_refused_in_the_validators_words(tmp_path, program, prefix):
    project = project_copy(tmp_path / "clone")
    args = ["report", "--id", "FX-ON", "--quarter", "2026-Q1", "--value", "4,950"]
    result = run([*program, *args], project)
    assert result.returncode == 2
    assert (
        result.stderr.splitlines()[-1]
        == f"{prefix}: error: --value: '4,950' is not a number: write 4950"
    )
    assert result.stderr.startswith(f"usage: {prefix} ")
    assert "kpi-portal" not in result.stderr


def test_both_of_two_exclusive_options_and_neither_are_said_plainly(tmp_path):
    project = project_copy(tmp_path / "clone")
    base = [str(INVOKE), "report", "--id", "FX-ON", "--quarter", "2026-Q1"]
    neither = run(base, project).stderr.splitlines()[-1]
    assert neither == (
        "invoke report: error: --value or --percent is required: give one of them "
        "(see 'invoke --help report')"
    )
    both = run([*base, "--value", "1", "--percent", "2"], project).stderr.splitlines()[-1]
    assert both == "invoke report: error: --percent: not with --value: give one of them, not both"


# --- Messages that say what is really wrong -------------------------------------------------


def validate(project: Path) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "generator", "validate"], project)


def test_a_quoted_year_and_a_yes_for_a_number_say_what_is_wrong(tmp_path):
    project = project_copy(tmp_path / "clone")
    path = project / "targets" / "2024" / "FX-ON.yaml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^policy_address: (\d{4})$", r'policy_address: "\1"', text, flags=re.M)
    text = text.replace("value: 300}", "value: yes}")
    path.write_text(text, encoding="utf-8")
    problems = validate(project).stderr
    assert (
        "policy_address: must be a year such as 2023, but '2024' is in quotes, which "
        "makes it text, not a number: remove the quotes (2024)" in problems
    ), problems
    assert (
        "value: the bare word yes is read by YAML as true (a yes/no), not a number: "
        "write a number" in problems
    ), problems
    assert "not True" not in problems and "four digits" not in problems


def test_a_file_cut_in_the_middle_of_a_character_says_so(tmp_path):
    project = project_copy(tmp_path / "clone")
    path = project / "targets" / "2024" / "FX-ON.yaml"
    data = path.read_bytes() + "note: 開設".encode()[:-1]  # the last character cut short
    path.write_bytes(data)
    line = data.count(b"\n") + 1
    problems = validate(project).stderr
    assert (
        f"FX-ON.yaml:{line}: the file ends in the middle of a character (byte {len(data) - 1} "
        f"of {len(data)}): it was cut short or saved in another encoding" in problems
    ), problems


def test_build_outside_the_repository_names_the_settings_option(tmp_path):
    result = run([sys.executable, "-m", "generator", "build"], tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: pelicanconf.py: settings file not found")
    assert "--settings" in result.stderr and "Traceback" not in result.stderr


def test_an_early_reporting_quarter_is_one_message_naming_the_setting(project):
    # 2024-Q4 is before the quarters of 37 of the sample's files: the setting is wrong, not
    # 37 files, so the build says so once (it said it once per later entry: 48 lines).
    settings = project / "settings.py"
    settings.write_text(settings.read_text() + 'REPORTING_QUARTER = "2024-Q4"\n')
    result = run([sys.executable, "-m", "generator", "--settings", str(settings), "validate"],
                 project)  # fmt: skip
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if "REPORTING_QUARTER" in line]
    assert lines == [
        "REPORTING_QUARTER: 2024-Q4 is before quarters that 37 files report, up to 2026-Q3 "
        "(such as targets/development-bureau/PA2022-006.yaml, "
        "targets/development-bureau/PA2022-013.yaml, targets/development-bureau/PA2023-006.yaml"
        "): no entry may report a quarter after it; set REPORTING_QUARTER in the settings to "
        "2026-Q3, or to None (the latest quarter of any entry)"
    ]
    assert "the register has 1 problem:" in result.stderr


def test_a_few_files_after_the_reporting_quarter_are_each_named_with_their_line(project):
    # Up to three files: more likely a typo in those files than the setting.
    settings = project / "settings.py"
    settings.write_text(settings.read_text() + 'REPORTING_QUARTER = "2026-Q3"\n')
    path = project / "targets" / "health-bureau" / "PA2023-004.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("quarter: 2026-Q3") == 1
    path.write_text(text.replace("quarter: 2026-Q3", "quarter: 2027-Q3"), encoding="utf-8")
    result = run([sys.executable, "-m", "generator", "--settings", str(settings), "validate"],
                 project)  # fmt: skip
    lines = [line for line in result.stderr.splitlines() if "REPORTING_QUARTER" in line]
    assert len(lines) == 1 and lines[0].startswith("targets/health-bureau/PA2023-004.yaml:")
    assert "2027-Q3 is after the reporting quarter 2026-Q3" in lines[0]
    assert lines[0].endswith("or correct the quarter")


def test_no_third_program_name_is_installed():
    # `kpi-portal report` printed "usage: python -m generator report": one name too many.
    assert "[project.scripts]" not in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_a_task_that_runs_another_command_is_named_as_typed(tmp_path):
    # invoke publish runs build: its usage line and error say publish, the name typed.
    project = project_copy(tmp_path / "clone")
    shutil.copy(ROOT / "publishconf.py", project / "publishconf.py")
    result = run([str(INVOKE), "publish", "--output", ""], project)
    assert result.returncode == 2
    assert result.stderr == (
        "usage: invoke publish [--output OUTPUT] [--force]\n"
        "invoke publish: error: --output: must not be empty\n"
    )


def test_new_target_ends_with_the_report_command_that_runs_from_here(project):
    # Run as python -m generator, the follow-up is in that form (it said 'invoke report',
    # which a terminal without the venv does not have).
    result = run(
        [sys.executable, "-m", "generator", "--settings", str(project / "settings.py"),
         "new-target", "--id", "PA2025-090", "--title", "Plant 100 trees", "--bureau",
         "Housing Bureau", "--policy-address", "2025", "--due", "2027-Q4"],
        project,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    last = result.stdout.rstrip().splitlines()[-1]
    assert last.endswith(" -m generator report'."), last
    assert "Add quarterly updates with '" in last and "'invoke report'" not in last


def test_the_build_summary_counts_the_removed_targets_the_site_still_shows(tmp_path):
    # The sample's PA2023-012 was deleted without being withdrawn: the site keeps it (45
    # targets on the home page), so the summary says why it is more than the 44 files.
    import subprocess as sp

    from tests.conftest import SAMPLE_REGISTER

    settings = tmp_path / "settings.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"TARGETS_PATH = {str(SAMPLE_REGISTER)!r}\nPATH = {str(ROOT / 'content')!r}\n"
        f"THEME = {str(ROOT / 'theme')!r}\n"
        # The cache the other sample builds of the run fill: its charts are not re-rendered.
        f"CHART_CACHE_PATH = {str(ROOT / '.cache' / 'charts')!r}\n"
    )
    result = sp.run(
        [sys.executable, "-m", "generator", "--settings", str(settings), "build",
         "--output", str(tmp_path / "site")],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[-2].startswith(
        "Built 44 targets as of 2026-Q3 (11 missed; 1 more, removed from the register, still "
        "published from its last version): "
    )
    assert lines[-1].startswith(f"Open {tmp_path / 'site' / 'index.html'} in a browser, or run")
